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
        """The image, its Grad-CAM overlay and the class probabilities.

        Axes and artists are made once and changed in place; the two pictures,
        the outline, the bars and the titles are animated
        (``ExplorerBase.animate``), so an update draws only them over the kept
        axes, tick labels and panel titles. The overlay is blended here into
        one opaque picture (as :func:`cnnlab.plot.heatmaps.overlay` draws it:
        the heat map at half opacity over the image): a kept picture holds
        the animated images too, and a half-transparent one would be drawn
        over itself.
        """
        art = getattr(self, "_art", None)
        if art is None or self.kept_axes(fig) is None:
            art = self._art = self._make_artists(fig, result)
        i, k = result["index"], result["class_index"]
        shown = _rgb(self.images[i])
        art["image"].set_data(shown)
        heat = np.asarray(result["heat"], dtype=float)
        scaled = np.clip(heat / max(1.0, float(heat.max())), 0, 1)
        art["heat"].set_data((1 - ALPHA) * shown + ALPHA * art["cmap"](scaled)[..., :3])
        mask = None if self.masks is None else np.asarray(self.masks[i], dtype=float)
        art["outline"].set_segments(_outline(mask))
        truth = "" if self.labels is None else \
            f" (true: {self.class_names[int(self.labels[i])]})"
        art["ax_img"].title.set_text(f"image {i}{truth}")
        art["ax_heat"].title.set_text(f"Grad-CAM: {self.class_names[k]} @ {result['layer']}")
        for j, (bar, p) in enumerate(zip(art["bars"], result["probs"])):
            bar.set_width(float(p))
            bar.set_facecolor(CHOSEN if j == k else OTHERS)

    def _make_artists(self, fig, result) -> dict:
        import matplotlib
        from matplotlib.collections import LineCollection

        fig.clear()
        ax_img, ax_heat, ax_bar = fig.subplots(
            1, 3, gridspec_kw={"width_ratios": [1, 1, 1.3]})
        fig.subplots_adjust(wspace=0.35, left=0.02, right=0.98, bottom=0.12, top=0.85)
        self.keep_axes(ax_img, ax_heat, ax_bar)
        first = _rgb(self.images[0])
        pictures = []
        for ax in (ax_img, ax_heat):
            pictures.append(ax.imshow(first))
            ax.set_axis_off()
            ax.set_title(" ", fontsize=9, y=1.0)
        outline = ax_heat.add_collection(LineCollection([], colors="white", linewidths=1.0),
                                         autolim=False)
        y = np.arange(len(self.class_names))
        # above the spines (zorder 2.5): animated artists are drawn over them anyway
        bars = ax_bar.barh(y, np.zeros(len(y)), color=OTHERS, zorder=2.6)
        ax_bar.set_yticks(y, self.class_names, fontsize=9)
        ax_bar.set_ylim(len(y) - 0.5, -0.5)    # first class on top
        ticks = np.linspace(0, 1, 6)
        ax_bar.set_xticks(ticks, [f"{t:.1f}" for t in ticks])   # fixed text: quicker
        ax_bar.set_xlim(0, 1)
        ax_bar.set_title("class probabilities", fontsize=9)
        self.animate(*pictures, outline, ax_img.title, ax_heat.title, *bars.patches)
        return {"ax_img": ax_img, "ax_heat": ax_heat, "image": pictures[0],
                "heat": pictures[1], "outline": outline, "bars": list(bars.patches),
                "cmap": matplotlib.colormaps[HEAT_CMAP]}


#: the overlay: heat map colours and their opacity over the image (as plot.heatmaps.overlay)
HEAT_CMAP, ALPHA = "jet", 0.5
#: bar colours: the class shown, the others
CHOSEN, OTHERS = "#d62728", "#1f77b4"


def _rgb(img) -> np.ndarray:
    """An image as (H, W, 3) floats in [0, 1], as :func:`cnnlab.plot.arrays.image` shows it.

    Grey images are scaled from their own minimum to maximum, colour floats clipped.

    Examples
    --------
    >>> _rgb(np.array([[[0.0], [2.0]]])).tolist()
    [[[0.0, 0.0, 0.0], [1.0, 1.0, 1.0]]]
    >>> float(_rgb(np.full((1, 1, 3), 1.5)).max())
    1.0
    """
    img = np.asarray(img)
    if img.ndim == 3 and img.shape[-1] == 1:
        img = img[..., 0]
    if img.ndim == 2:
        lo, hi = float(img.min()), float(img.max())
        grey = (img - lo) / (hi - lo) if hi > lo else np.zeros(img.shape)
        return np.repeat(grey[..., None], 3, axis=-1)
    if img.dtype.kind != "f":
        return img[..., :3] / 255.0
    return np.clip(img[..., :3], 0, 1).astype(float)


def _outline(mask) -> list:
    """The 0.5 contour lines of a mask in pixel coordinates (what ``ax.contour`` draws).

    Examples
    --------
    >>> mask = np.zeros((5, 5)); mask[1:4, 1:4] = 1
    >>> [line.shape for line in _outline(mask)]
    [(13, 2)]
    >>> _outline(None), _outline(np.zeros((3, 3)))
    ([], [])
    """
    if mask is None or not np.any(mask):
        return []
    from contourpy import contour_generator

    return list(contour_generator(z=np.asarray(mask, dtype=float)).lines(0.5))
