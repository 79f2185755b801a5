"""Augmentation explorer: one photo, a slider per transformation, a grid of random samples.

:class:`AugmentationExplorer` builds the pipeline's Keras preprocessing layers
with :func:`cnnlab.data.augment.augmentation` from its sliders, runs them on a batch
of copies of a real photo and shows the original next to the random samples.
The *re-roll* button draws new samples (it changes the seed); the same seed
always gives the same grid.

An update stays quick by redoing only what changed: each layer is built once
per setting and its random generator rewound to the seed before it runs, and
the batch after every layer is kept, so moving, say, the brightness slider
reruns brightness and contrast on the stored geometric result instead of
resampling the photos again. The samples are exactly those of a freshly built
pipeline; the figure's images are updated in place, the grid averaged down to
about the size it is shown at.

Examples
--------
>>> w = AugmentationExplorer(size=64, samples=3)  # doctest: +SKIP
>>> w.result["samples"].shape  # doctest: +SKIP
(3, 64, 64, 3)
>>> square_photo("chelsea", 64).shape
(64, 64, 3)
"""
from __future__ import annotations

import numbers
from collections import OrderedDict

import numpy as np

from cnnlab._validate import check_choice, check_int
from cnnlab.data.augment import FILL_MODES, TRANSFORMS, augmentation
from cnnlab.plot._figure import DPI
from cnnlab.viz.base import ExplorerBase

#: initial slider values: a mild, typical pipeline
DEFAULTS = {"rotation": 20.0, "shift": 0.1, "shear": 0.0, "zoom": 0.1, "flip": True,
            "brightness": 0.0, "contrast": 0.0, "fill_mode": "reflect", "seed": 0}
#: the layers whose result depends on ``fill_mode``
GEOMETRIC = ("rotation", "shift", "shear", "zoom")
#: how many layers (and seeds' start states) and intermediate batches an explorer
#: keeps; the least recently used go first
MAX_LAYERS, MAX_BATCHES = 64, 12


def square_photo(name: str = "chelsea", size: int = 256) -> np.ndarray:
    """A photo from :func:`cnnlab.data.sample_image`, centre-cropped to a square.

    Parameters
    ----------
    name : str, optional
        One of :func:`cnnlab.data.sample_image_names` (default "chelsea").
    size : int, optional
        Height and width of the result (default 256).

    Returns
    -------
    ndarray of shape (size, size, 3), float32 in [0, 1]

    Examples
    --------
    >>> square_photo("coffee", 32).shape
    (32, 32, 3)
    """
    from cnnlab.data import sample_image
    from cnnlab.data.convert import resize_images

    check_int("size", size, 8)
    img = sample_image(name)
    h, w = img.shape[:2]
    side = min(h, w)
    top, left = (h - side) // 2, (w - side) // 2
    crop = img[top:top + side, left:left + side]
    return resize_images(crop[None], size)[0].astype(np.float32)


def mosaic(images, ncols: int, gap: int = 4) -> np.ndarray:
    """Tile equally sized images (N, H, W, C) into one array with white gaps.

    One ``imshow`` of a mosaic draws several times faster than one axes per image.

    Examples
    --------
    >>> mosaic(np.zeros((3, 2, 2, 3)), ncols=2, gap=1).shape
    (5, 5, 3)
    """
    images = np.asarray(images)
    n, h, w, c = images.shape
    nrows = -(-n // ncols)
    out = np.ones((nrows * h + (nrows - 1) * gap, ncols * w + (ncols - 1) * gap, c),
                  dtype=images.dtype)
    for i, img in enumerate(images):
        r, col = divmod(i, ncols)
        out[r * (h + gap):r * (h + gap) + h, col * (w + gap):col * (w + gap) + w] = img
    return out


class AugmentationExplorer(ExplorerBase):
    """Slide the augmentation knobs and see a grid of random versions of a photo.

    Parameters
    ----------
    image : str or array_like of shape (H, W, 3), optional
        A photo name (:func:`cnnlab.data.sample_image_names`, default
        "chelsea") or your own image in [0, 1].
    size : int, optional
        Side of the square photo in pixels (default 256).
    samples : int, optional
        Augmented samples per grid (default 8).
    **values
        Initial control values: ``rotation`` (degrees), ``shift``, ``shear``
        (degrees), ``zoom``, ``flip``, ``brightness``, ``contrast``,
        ``fill_mode``, ``seed``.

    Attributes
    ----------
    result : dict
        ``"original"`` (H, W, 3), ``"samples"`` (samples, H, W, 3), ``"layers"``
        (names of the pipeline's layers), ``"seed"``.

    Examples
    --------
    >>> w = AugmentationExplorer(size=32, samples=2, rotation=0.0, zoom=0.0,
    ...                          shift=0.0)  # doctest: +SKIP
    >>> w.result["layers"]  # doctest: +SKIP
    ['flip']
    """

    figsize = (9, 3.7)

    def __init__(self, image="chelsea", size: int = 256, samples: int = 8, **values):
        import ipywidgets as widgets

        check_int("samples", samples, 1)
        if isinstance(image, str):
            self.image = square_photo(image, size)
        else:
            img = np.asarray(image, dtype=np.float32)
            if img.ndim != 3 or img.shape[-1] not in (1, 3):
                raise ValueError("`image` must be a photo name or an array (H, W, 1 or 3). "
                                 f"Received: image.shape={img.shape}.")
            self.image = img
        self.samples = samples
        self._layers = OrderedDict()    # (transform, value, fill_mode) -> key, layer, offset
        self._starts = OrderedDict()    # seed -> start state of a new SeedGenerator(seed)
        self._batches = OrderedDict()   # settings of the first k layers -> batch after them
        self._input = None              # the photo repeated `samples` times, as a tensor
        unknown = set(values) - set(DEFAULTS)
        if unknown:
            name = sorted(unknown)[0]
            raise ValueError(f"`{name}` is not a control of AugmentationExplorer; choose "
                             f"from {', '.join(DEFAULTS)}. Received: {name}={values[name]!r}.")
        v = {**DEFAULTS, **values}
        style = {"description_width": "80px"}
        lay = widgets.Layout(width="300px")

        def slider(key, high, step, label):
            return widgets.FloatSlider(value=v[key], min=0.0, max=high, step=step,
                                       description=label, style=style, layout=lay,
                                       continuous_update=False)

        self.reroll = widgets.Button(description="re-roll", icon="refresh",
                                     tooltip="draw new random samples (next seed)")
        controls = {
            "rotation": slider("rotation", 180.0, 5.0, "rotation °"),
            "shift": slider("shift", 0.5, 0.05, "shift"),
            "shear": slider("shear", 45.0, 5.0, "shear °"),
            "zoom": slider("zoom", 0.9, 0.05, "zoom"),
            "brightness": slider("brightness", 1.0, 0.05, "brightness"),
            "contrast": slider("contrast", 1.0, 0.05, "contrast"),
            "flip": widgets.Checkbox(value=v["flip"], description="horizontal flip",
                                     indent=False),
            "fill_mode": widgets.Dropdown(options=FILL_MODES, value=v["fill_mode"],
                                          description="fill mode", style=style),
            "seed": widgets.BoundedIntText(value=v["seed"], min=0, max=10 ** 6,
                                           description="seed", style=style,
                                           layout=widgets.Layout(width="160px")),
            "reroll": self.reroll,
        }
        self.reroll.on_click(self._next_seed)
        box = widgets.VBox([
            widgets.HBox([controls[k] for k in ("rotation", "shift", "shear")]),
            widgets.HBox([controls[k] for k in ("zoom", "brightness", "contrast")]),
            widgets.HBox([controls[k] for k in ("flip", "fill_mode", "seed", "reroll")]),
        ])
        super().__init__(controls, layout_controls=box)

    def _next_seed(self, _button=None):
        self.controls["seed"].value = self.controls["seed"].value + 1

    def compute(self, rotation, shift, shear, zoom, flip, brightness, contrast,
                fill_mode, seed) -> dict:
        """Run the pipeline's layers on ``samples`` copies of the photo.

        Pure in effect: the result equals ``augment_batch(augmentation(...),
        batch)`` for the same values; kept layers and intermediate batches
        (see the module docstring) change only the speed.
        """
        if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
            raise ValueError(f"`seed` must be an integer >= 0. Received: seed={seed!r}.")
        check_choice("fill_mode", fill_mode, FILL_MODES)
        values = {"flip": bool(flip), "rotation": rotation, "shift": shift, "shear": shear,
                  "zoom": zoom, "brightness": brightness, "contrast": contrast}
        seed = int(seed)
        chain = []                      # build (and so check) every layer before running any
        for name in TRANSFORMS:
            value = values[name]
            if name != "flip" and (isinstance(value, (bool, np.bool_))
                                   or not isinstance(value, numbers.Real)):
                augmentation(**{name: value})          # not a number: its readable error
            if value:                                  # 0 or False: no layer
                chain.append(self._layer(name, value, fill_mode))
        x, key = self._batch(), (seed,)
        for layer_key, layer, offset in chain:
            key += (layer_key,)
            out = self._batches.get(key)
            if out is None:
                # rewind: the layer draws as a new one made with seed + offset would
                layer.generator.state.assign(self._start(seed + offset))
                out = layer(x, training=True)
                self._batches[key] = out
                if len(self._batches) > MAX_BATCHES:
                    self._batches.popitem(last=False)
            else:
                self._batches.move_to_end(key)
            x = out
        import keras

        samples = np.asarray(keras.ops.convert_to_numpy(x), dtype=np.float32)
        return {"original": self.image, "samples": np.clip(samples, 0.0, 1.0),
                "layers": [layer.name for _, layer, _ in chain], "seed": seed}

    def _layer(self, name, value, fill_mode):
        """The layer of transformation `name` at `value`, and its seed offset.

        :func:`~cnnlab.data.augment.augmentation` gives layer ``i`` the seed
        ``seed + i``; the layer is built with seed 0, so its seed is that offset.
        """
        key = (name, value, fill_mode if name in GEOMETRIC else None)
        if key not in self._layers:
            layer = augmentation(**{name: value}, fill_mode=fill_mode, seed=0).layers[0]
            self._layers[key] = (key, layer, layer.seed)
            if len(self._layers) > MAX_LAYERS:
                self._layers.popitem(last=False)
        self._layers.move_to_end(key)
        return self._layers[key]

    def _start(self, seed: int):
        """The state a new ``keras.random.SeedGenerator(seed)`` starts from."""
        if seed not in self._starts:
            import keras

            self._starts[seed] = keras.random.SeedGenerator(seed).state.value
            if len(self._starts) > MAX_LAYERS:
                self._starts.popitem(last=False)
        self._starts.move_to_end(seed)
        return self._starts[seed]

    def _batch(self):
        """``samples`` copies of the photo as one tensor (made again if either changed)."""
        if self._input is None or self._input[0] is not self.image \
                or self._input[1] != self.samples:
            import keras

            batch = np.repeat(np.asarray(self.image, np.float32)[None], self.samples, axis=0)
            self._input = (self.image, self.samples, keras.ops.convert_to_tensor(batch))
            self._batches.clear()
        return self._input[2]

    #: where the original and the grid go (figure fractions: left, bottom, width, height)
    _RECTS = ([0.01, 0.05, 0.3, 0.82], [0.34, 0.05, 0.65, 0.82])

    def draw(self, result: dict, fig) -> None:
        """Original (left, large) and the grid of samples (right).

        The first draw on ``fig`` makes the two images; later draws put the new
        samples into them (making axes and images is most of a redraw's cost),
        and only the grid and its title are drawn again (``animate``).
        """
        tiles = self._tiles(result["samples"], fig)
        art = getattr(self, "_art", None)
        if (art is None or art["fig"] is not fig
                or fig.axes != [art["original"].axes, art["grid"].axes]
                or art["grid"].get_array().shape != tiles.shape):
            fig.clear()
            axes = [fig.add_axes(rect) for rect in self._RECTS]
            original, grid = (ax.imshow(img, cmap="gray", vmin=0, vmax=1,
                                        interpolation="nearest")
                              for ax, img in zip(axes, (np.squeeze(result["original"]), tiles)))
            axes[0].set_title("original", fontsize=10)
            for ax in axes:
                ax.set_axis_off()
            art = self._art = {"fig": fig, "original": original, "grid": grid,
                               "title": axes[1].set_title("", fontsize=10),
                               "drawn": result["original"]}
            self.keep_axes(*axes)
            # drawn over the kept picture of the rest on every update (the
            # grid is opaque: white gaps, no alpha)
            self.animate(grid, art["title"])
        elif result["original"] is not art["drawn"]:
            art["original"].set_data(np.squeeze(result["original"]))
            art["drawn"] = result["original"]
        art["grid"].set_data(tiles)
        art["title"].set_text(self._title(result))

    def _tiles(self, samples, fig) -> np.ndarray:
        """The samples as one mosaic, averaged down to about the size they are shown at.

        At the default 256 pixels the grid shows each sample ~145 pixels wide:
        averaging 2×2 blocks first draws a smoother picture (no aliased
        whiskers from skipping pixels) and rasterizes faster.
        """
        n, h, w, _ = samples.shape
        ncols = max(1, -(-n // 2))
        nrows = -(-n // ncols)
        box_w, box_h = (f * s * DPI for f, s in zip(self._RECTS[1][2:], fig.get_size_inches()))
        shown = min(box_w / ncols, box_h / nrows) * h / (h + 4)
        f = max(1, round(min(h, w) / shown))
        if f > 1:
            h, w = h // f, w // f
            blocks = samples[:, :h * f, :w * f].reshape(n, h, f, w, f, -1)
            total = blocks[:, :, 0, :, 0].copy()
            for i in range(f):              # f² strided adds: 4x quicker than .mean(axis=(2, 4))
                for j in range(f):
                    if i or j:
                        total += blocks[:, :, i, :, j]
            samples = total / (f * f)
        return np.squeeze(mosaic(samples, ncols, gap=max(1, round(4 / f))))

    def _title(self, result: dict) -> str:
        layers = ", ".join(result["layers"]) or "no augmentation"
        return f"{self.samples} random samples · seed {result['seed']} · {layers}"
