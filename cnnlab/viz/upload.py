"""Classify your own picture: upload a file (or type a path) and see what the model says.

:class:`PhotoClassifier` shows, for one trained Keras model, the picture as
decoded, the model input it becomes (:func:`cnnlab.data.image_input`:
resized to the model's input size, RGB or grey) and the predicted
probabilities. The picture comes from an ipywidgets ``FileUpload`` (works in
JupyterLab, Notebook 7 and Colab), from a path typed in, or from a drop-down
of examples; whichever was changed last is shown. For a one-unit sigmoid
model a threshold slider decides the predicted class. A file that is not a
picture gets a sentence in the message line, never a traceback.

Examples
--------
>>> import keras  # doctest: +SKIP
>>> w = PhotoClassifier(model, ["circle", "square"], examples={"a": "a.png"})  # doctest: +SKIP
>>> w.result["label"]  # doctest: +SKIP
'circle'
"""
from __future__ import annotations

import os

import numpy as np

from cnnlab.viz.base import ExplorerBase

#: what the message line says before any picture was chosen
EMPTY = "Upload a picture, type a path, or pick an example."


def probabilities(model, x: np.ndarray, class_names) -> dict:
    """``{class: probability}`` for a batch of one; a sigmoid unit gives two classes.

    Examples
    --------
    >>> probabilities(lambda x, training=False: np.array([[0.25]]), None, ["a", "b"])
    {'a': 0.75, 'b': 0.25}
    """
    import keras

    out = np.asarray(keras.ops.convert_to_numpy(model(x, training=False)), dtype=float)
    out = out.reshape(-1)
    if out.size == 1:
        out = np.array([1.0 - out[0], out[0]])
    if len(class_names) != out.size:
        raise ValueError(f"`class_names` must name the model's {out.size} outputs. "
                         f"Received: class_names={list(class_names)!r}.")
    return {str(c): round(float(p), 6) for c, p in zip(class_names, out)}


class PhotoClassifier(ExplorerBase):
    """A picture, its model input and the model's probabilities.

    Parameters
    ----------
    model : keras.Model
        A trained classifier with a fixed input size ``(h, w, c)``; its last
        layer a softmax over the classes or one sigmoid unit.
    class_names : sequence of str
        In the model's output order (for a sigmoid unit: [class 0, class 1]).
    examples : dict, optional
        ``{label: path}`` pictures offered in a drop-down (works offline).
    scale : float, optional
        Multiplies the 0–255 pixels before the model (default 1: a model that
        rescales itself, as ``cnnlab.models.binary_convnet`` does).

    Attributes
    ----------
    result : dict or None
        ``"name"``, ``"picture"`` (uint8), ``"input"`` (the batch of one),
        ``"probabilities"`` ({class: p}), ``"label"``; ``{"empty": True}``
        before a picture is chosen.
    """

    figsize = (10, 3.4)

    def __init__(self, model, class_names, examples: dict | None = None, scale: float = 1.0):
        import ipywidgets as widgets

        shape = tuple(model.input_shape)[1:]
        if len(shape) != 3 or None in shape:
            raise ValueError("`model` must take images of a fixed size (h, w, c). "
                             f"Received: a model with input shape {model.input_shape}.")
        self.model, self.class_names, self.scale = model, list(class_names), float(scale)
        self.input_size, self.channels = shape[:2], shape[2]
        self.examples = dict(examples or {})
        outputs = int(np.prod(model.output_shape[1:]))
        self.binary = outputs == 1
        if len(self.class_names) != max(outputs, 2):
            raise ValueError(f"`class_names` must name the model's {max(outputs, 2)} classes. "
                             f"Received: class_names={self.class_names!r}.")
        self._source = "example" if self.examples else None
        controls = {
            "upload": widgets.FileUpload(accept="image/*", multiple=False,
                                         description="upload"),
            "path": widgets.Text(placeholder="or type a path, then Enter",
                                 description="path", continuous_update=False),
        }
        if self.examples:
            controls["example"] = widgets.Dropdown(options=list(self.examples),
                                                   description="example")
        if self.binary:
            controls["threshold"] = widgets.FloatSlider(
                value=0.5, min=0.05, max=0.95, step=0.05, description="threshold",
                continuous_update=False)
        super().__init__(controls)

    def update(self, change=None):
        """Remember which picture control changed last, then recompute."""
        owner = change.get("owner") if isinstance(change, dict) else None
        for name in ("upload", "path", "example"):
            if owner is not None and owner is self.controls.get(name):
                self._source = name
        super().update()

    def compute(self, upload=(), path="", example=None, threshold=0.5) -> dict:
        from cnnlab.data.uploads import decode_image, image_input

        source = {"upload": upload, "path": path.strip() if path else "",
                  "example": self.examples.get(example)}.get(self._source)
        if source is None or (self._source != "upload" and not source) or (
                self._source == "upload" and not upload):
            return {"empty": True}
        name = {"upload": lambda: _upload_name(upload), "path": lambda: path.strip(),
                "example": lambda: str(example)}[self._source]()
        key = _file_key(source) if self._source != "upload" else None
        if key is not None and key == getattr(self, "_last", (None,))[0]:
            picture, x, probs = self._last[1]     # same unchanged file: e.g. threshold moved
        else:
            picture = decode_image(source, self.channels)
            x = image_input(source, self.input_size, self.channels, self.scale)
            probs = probabilities(self.model, x, self.class_names)
            self._last = (key, (picture, x, probs))
        if self.binary:
            label = self.class_names[int(probs[self.class_names[1]] >= threshold)]
        else:
            label = max(probs, key=probs.get)
        return {"name": name, "picture": picture, "input": x,
                "probabilities": probs, "label": label, "threshold": float(threshold)}

    def draw(self, result: dict, fig) -> None:
        """Picture (left), model input (middle), probabilities (right)."""
        if result.get("empty"):
            fig.clear()
            self.keep_axes()
            fig.text(0.5, 0.5, EMPTY, ha="center", va="center", fontsize=12, color="#555")
            return
        # axes kept between updates (ExplorerBase.panels): making them was most of draw
        a, b, c = self.panels(fig, 3, width_ratios=[1, 1, 1.4], left=0.02, right=0.97,
                              bottom=0.18, top=0.82, wspace=0.35)
        c.containers.clear()            # the last draw's bars (panels() removed their patches)
        grey = dict(cmap="gray", vmin=0, vmax=255) if self.channels == 1 else {}
        pic = result["picture"]
        a.imshow(pic[..., 0] if self.channels == 1 else pic, **grey)
        name = result["name"] if self._source == "example" else os.path.basename(result["name"])
        a.set_title(f"{name[-32:]}\n"
                    f"{pic.shape[1]}×{pic.shape[0]} pixels", fontsize=9)
        x = result["input"][0] / self.scale
        b.imshow(np.clip(x[..., 0] if self.channels == 1 else x / 255, 0, 255 if
                         self.channels == 1 else 1), **grey)
        b.set_title(f"model input {self.input_size[1]}×{self.input_size[0]}", fontsize=9)
        for ax in (a, b):
            ax.set_axis_off()
        names = list(result["probabilities"])
        values = [result["probabilities"][n] for n in names]
        colours = ["#1f77b4" if n == result["label"] else "#bbb" for n in names]
        c.barh(names, values, color=colours)
        c.set_xlim(0, 1)
        c.set_xticks(np.linspace(0, 1, 6), [f"{t:.1f}" for t in np.linspace(0, 1, 6)])
        c.set_ylim(len(names) - 0.5, -0.5)      # first class on top
        for i, v in enumerate(values):
            c.text(0.98, i, f"{v:.3f}", va="center", ha="right", fontsize=9)
        if self.binary:
            c.axvline(result["threshold"], color="#d62728", ls="--", lw=1)
            c.set_xlabel(f"probability (red: threshold {result['threshold']:.2f} "
                         f"on P({names[1]}))", fontsize=9)
        else:
            c.set_xlabel("probability", fontsize=9)
        c.set_title(f"prediction: {result['label']}", fontsize=10)


def _file_key(source):
    """``(path, modification time, size)`` of a picture file, None if it is not one."""
    try:
        stat = os.stat(source)
    except (TypeError, ValueError, OSError):
        return None
    return (os.fspath(source), stat.st_mtime_ns, stat.st_size)


def _upload_name(upload) -> str:
    item = upload[-1] if isinstance(upload, (tuple, list)) else list(upload.values())[-1]
    return str(item.get("name") or item.get("metadata", {}).get("name", "upload"))
