"""Explanation explorer: pick an image, a class and a layer; see Grad-CAM over the image.

:class:`ExplainExplorer` shows, for a trained classifier, the chosen image,
its Grad-CAM heat map for the chosen class at the chosen convolutional layer
(with the object's outline when masks are given), and the class
probabilities. Grad-CAM is computed for *all* classes of an image at once
and cached per ``(image, layer)``, so switching the class is instant and
every other update costs one small gradient computation.

Examples
--------
>>> import keras
>>> model = keras.Sequential([keras.Input((8, 8, 3)),
...     keras.layers.Conv2D(4, 3, padding="same", name="c1"),
...     keras.layers.GlobalAveragePooling2D(), keras.layers.Dense(2, activation="softmax")])
>>> w = ExplainExplorer(model, np.random.default_rng(0).random((3, 8, 8, 3)))  # doctest: +SKIP
>>> w.result["heat"].shape                                                       # doctest: +SKIP
(8, 8)
"""
from __future__ import annotations

import numpy as np

from cnnlab.viz.base import ExplorerBase

PREDICTED = "predicted"


class ExplainExplorer(ExplorerBase):
    """Grad-CAM of one image, for one class, at one layer (cached per image and layer).

    Parameters
    ----------
    model : keras.Model
        A trained classifier with convolutional layers.
    images : array_like of shape (N, H, W, C)
    labels : array_like of shape (N,), optional
        True classes, shown in the title.
    class_names : sequence of str, optional
    masks : array_like of shape (N, H, W), optional
        Object masks, drawn as an outline.

    Attributes
    ----------
    result : dict
        ``"heat"`` (H, W) in [0, 1], ``"probs"`` (classes,), ``"class_index"``,
        ``"layer"``, ``"index"``.
    """

    figsize = (9, 3.2)

    def __init__(self, model, images, labels=None, class_names=None, masks=None):
        import ipywidgets as widgets

        from cnnlab.explain import _model

        self.model = model
        self.images = _model.check_images(model, images)
        self.labels = None if labels is None else np.asarray(labels)
        classes = model.output_shape[-1]
        self.class_names = list(class_names) if class_names is not None else \
            [str(k) for k in range(classes)]
        self.masks = None if masks is None else np.asarray(masks)
        self.probs = np.asarray(model.predict(self.images, verbose=0))
        self._cache = {}
        layers = [layer.name for layer in _model.conv_layers(model)]
        if not layers:
            _model.conv_layer(model)               # the "no convolutional layer" error
        controls = {
            "index": widgets.IntSlider(value=0, min=0, max=len(self.images) - 1,
                                       description="image", continuous_update=False),
            "class_name": widgets.Dropdown(options=[PREDICTED, *self.class_names],
                                           value=PREDICTED, description="class"),
            "layer": widgets.Dropdown(options=layers, value=layers[-1], description="layer"),
        }
        super().__init__(controls)

    def heat_maps(self, index: int, layer: str) -> np.ndarray:
        """Grad-CAM of image ``index`` for every class at ``layer``, shape (classes, H, W)."""
        from cnnlab.explain import grad_cam

        key = (int(index), layer)
        if key not in self._cache:
            classes = len(self.class_names)
            batch = np.repeat(self.images[index:index + 1], classes, axis=0)
            self._cache[key] = grad_cam(self.model, batch, np.arange(classes), layer)
        return self._cache[key]

    def compute(self, index, class_name, layer) -> dict:
        if not 0 <= index < len(self.images):
            raise ValueError(f"`index` must be in [0, {len(self.images) - 1}]. "
                             f"Received: index={index}.")
        probs = self.probs[index]
        k = int(probs.argmax()) if class_name == PREDICTED else \
            self.class_names.index(class_name)
        return {"index": int(index), "layer": layer, "class_index": k, "probs": probs,
                "heat": self.heat_maps(index, layer)[k]}

    def draw(self, result: dict, fig) -> None:
        from cnnlab.plot.arrays import image
        from cnnlab.plot.heatmaps import overlay

        ax_img, ax_heat, ax_bar = self.panels(fig, 3, width_ratios=[1, 1, 1.3],
                                              wspace=0.35, left=0.02, right=0.98,
                                              bottom=0.12, top=0.85)
        i, k = result["index"], result["class_index"]
        truth = "" if self.labels is None else \
            f" (true: {self.class_names[int(self.labels[i])]})"
        image(ax_img, self.images[i], title=f"image {i}{truth}")
        mask = None if self.masks is None else self.masks[i]
        overlay(ax_heat, self.images[i], result["heat"], mask=mask,
                title=f"Grad-CAM: {self.class_names[k]} @ {result['layer']}")
        for ax in (ax_img, ax_heat):
            ax.title.set_fontsize(9)
        ax_bar.set_axis_on()
        ax_bar.containers.clear()       # the last draw's bars (panels() removed their patches)
        y = np.arange(len(self.class_names))
        colours = ["#d62728" if j == k else "#1f77b4" for j in y]
        ax_bar.barh(y, result["probs"], color=colours)
        ax_bar.set_yticks(y, self.class_names, fontsize=9)
        ax_bar.set_ylim(len(y) - 0.5, -0.5)    # first class on top (invert_yaxis on the
        ticks = np.linspace(0, 1, 6)           # kept axes flipped it on every update)
        ax_bar.set_xticks(ticks, [f"{t:.1f}" for t in ticks])   # fixed text: quicker
        ax_bar.set_xlim(0, 1)
        ax_bar.set_title("class probabilities", fontsize=9)
