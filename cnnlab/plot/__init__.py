"""matplotlib figures the lessons use (imported on first use of ``cnnlab.plot``)."""
from cnnlab.plot.arrays import image, matrix

__all__ = ["image", "matrix"]
