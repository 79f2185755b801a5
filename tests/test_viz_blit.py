"""Every explorer's picture is the picture of its whole figure, pixel for pixel.

A widget shows ``ExplorerBase._picture()``: when only the artists it marked
with ``animate`` changed, that is a kept picture of the rest with those artists
drawn over it; when nothing changed, the last PNG. Both shortcuts are only
right if the widget marked every artist it changes in place and nothing it
marked should sit under an unmarked one. So for every explorer, each control is
moved to a neighbouring value and back, and after every move the widget's
picture is compared with matplotlib drawing the whole figure afresh
(``savefig``, which draws animated artists too, in z-order).
"""
import io

import numpy as np
import pytest

pytest.importorskip("ipywidgets")

import cnnlab.viz  # noqa: E402
from cnnlab.plot._figure import DPI, to_png  # noqa: E402
from explorer_util import construction  # noqa: E402

CLASSES = cnnlab.viz.explorers()


def pixels(png: bytes) -> np.ndarray:
    from PIL import Image
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGBA"))


def moves(control):
    """Values to set one after the other: a neighbour of the current value, then back."""
    import ipywidgets as widgets

    if not hasattr(control, "value"):       # a button: nothing to set
        return []
    value = control.value
    if isinstance(control, (widgets.Checkbox, widgets.ToggleButton)):
        return [not value, value]
    if hasattr(control, "options"):
        others = [v for v in _option_values(control) if v != value]
        return [others[0], value] if others else []
    if isinstance(control, (widgets.IntSlider, widgets.FloatSlider,
                            widgets.FloatLogSlider, widgets.BoundedIntText)):
        step = control.step or 1
        other = value + step if value + step <= control.max else value - step
        return [other, value] if other >= control.min else []
    return []


def _option_values(control):
    options = control.options
    if isinstance(options, dict):
        return list(options.values())
    return [o[1] if isinstance(o, tuple) else o for o in options]


def assert_picture_is_whole_redraw(w, where: str):
    shown = pixels(w._picture())
    whole = pixels(to_png(w._fig, tight=False, dpi=DPI))
    assert shown.shape == whole.shape, where
    differ = np.any(shown != whole, axis=-1)
    assert not differ.any(), (
        f"{where}: {int(differ.sum())} pixels differ from a whole redraw, e.g. at "
        f"(row, col) {tuple(int(i) for i in np.argwhere(differ)[0])}: an artist changed "
        "in place but is not marked with animate(), or a marked one belongs under another")


@pytest.mark.parametrize("name", sorted(CLASSES))
def test_every_picture_equals_a_whole_redraw(name):
    namespace = {"cnnlab": cnnlab, "np": np}
    code = construction(name, CLASSES[name])
    *setup, last = code.splitlines()
    exec("\n".join(setup), namespace)
    w = eval(last, namespace)
    assert_picture_is_whole_redraw(w, f"{name} as built")
    checked = 1
    for key, control in w.controls.items():
        for value in moves(control):
            control.value = value
            if w.error is not None:
                raise w.error
            assert_picture_is_whole_redraw(w, f"{name} after {key}={value!r}")
            checked += 1
    assert sum(w._draws.values()) == checked, w._draws
