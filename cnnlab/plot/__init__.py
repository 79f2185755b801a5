"""matplotlib figures the lessons use (imported on first use of ``cnnlab.plot``).

Functions that make a figure return it (never ``plt.show()``); pass ``fig=``
to draw into an existing one (widgets do). Keras is imported only by
:func:`feature_maps`.

- figure:   :func:`figure` (an empty figure that displays itself, for your own axes)
- arrays:   :func:`matrix`, :func:`image` (draw on a given axes)
- training: :func:`training_curves`
- images:   :func:`image_grid`, :func:`feature_maps`, :func:`conv_filters`,
  :func:`channel_grid`
- charts:   :func:`confusion_matrix`, :func:`bars`
- heatmaps: :func:`heatmap_grid`, :func:`overlay`, :func:`embedding`
- blocks:   :func:`inception_diagram`, :func:`residual_diagram`, :func:`dense_diagram`,
  :func:`unet_diagram`
- tables:   :func:`html_table` (the HTML table every cnnlab object shows; it lives in
  ``cnnlab._display`` so that the bottom layer, e.g. ``arith.summary``, can use it)
"""
from cnnlab._display import html_table
from cnnlab.plot._figure import new_figure as figure
from cnnlab.plot.arrays import image, matrix
from cnnlab.plot.charts import bars, confusion_matrix
from cnnlab.plot.heatmaps import embedding, heatmap_grid, overlay
from cnnlab.plot.images import channel_grid, conv_filters, feature_maps, image_grid
from cnnlab.plot.training import training_curves
from cnnlab.plot.blocks import dense_diagram, inception_diagram, residual_diagram, unet_diagram

__all__ = ["bars", "channel_grid", "confusion_matrix", "conv_filters", "embedding",
           "feature_maps", "figure", "heatmap_grid", "image", "image_grid", "matrix", "overlay",
           "training_curves"]
__all__ += ["dense_diagram", "html_table", "inception_diagram", "residual_diagram",
            "unet_diagram"]
