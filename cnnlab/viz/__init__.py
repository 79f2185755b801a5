"""ipywidgets explorers, one module per concept (imported on first use).

Each widget is a class built on :class:`cnnlab.viz.base.ExplorerBase`; see
that module for the compute/draw contract.
"""
import lazy_loader

__getattr__, __dir__, __all__ = lazy_loader.attach(__name__, submodules=[
    "augmentation", "base", "classic", "conv", "convolutions", "densenet", "dropout",
    "explain", "inception", "initialization", "inspector", "one_by_one", "optimizer_race", "pooling", "receptive_field",
    "residual", "transfer", "upload", "vgg"])
