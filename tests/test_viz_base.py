"""The shared widget machinery: panels kept between updates, nothing piling up."""
import pytest

from cnnlab.viz import conv, convolutions


def artists(fig):
    """Everything drawn: figure texts and each axes' artists, by kind."""
    per_axes = [(len(ax.images), len(ax.patches), len(ax.texts), len(ax.collections),
                 len(ax.lines), len(ax.tables)) for ax in fig.axes]
    return [t.get_text() for t in fig.texts], per_axes


@pytest.mark.parametrize("make, control, values", [
    (lambda: conv.ConvExplorer(), "stride", [2, 1, 2]),
    (lambda: convolutions.explorer(kind="dilated"), "dilation", [3, 2, 3]),
])
def test_panels_are_reused_and_emptied(make, control, values):
    widget = make()
    fig = widget._fig
    axes = list(fig.axes)
    widget.controls[control].value = values[0]
    first = artists(fig)
    for value in values[1:]:
        widget.controls[control].value = value
    assert widget.error is None
    assert widget._fig is fig and fig.axes == axes, "the same axes, not new ones"
    assert artists(fig) == first, "an update redraws the same picture, nothing piles up"


# ------------------------------------------------------------------ the ExplorerBase contract
def _toy():
    """A minimal explorer: n -> 10 / n, drawn as one bar."""
    import ipywidgets as widgets

    from cnnlab.viz.base import ExplorerBase

    class Toy(ExplorerBase):
        """Ten divided by n, as a bar."""

        def __init__(self):
            super().__init__({"n": widgets.IntSlider(2, min=-1, max=5)})

        def compute(self, n):
            if n < 0:
                raise ValueError("`n` must be >= 0. Received: n=-1.")
            return {"value": 10 / n}            # ZeroDivisionError at n = 0: a bug

        def draw(self, result, fig):
            fig.add_subplot().bar([0], [result["value"]])

    return Toy()


def test_contract_controls_message_picture():
    toy = _toy()
    controls, message, picture = toy.children
    assert toy.result == {"value": 5.0} and toy.updates == 1 and toy.error is None
    assert message.value == "" and toy.figure_png().startswith(b"\x89PNG")
    toy.controls["n"].value = 4                     # a control change redraws
    assert toy.result == {"value": 2.5} and toy.updates == 2


def test_contract_value_error_is_a_message_not_an_exception():
    toy = _toy()
    toy.controls["n"].value = -1
    assert "must be &gt;= 0" in toy.children[1].value and toy.error is None
    assert toy.result is None
    toy.controls["n"].value = 1                     # and the widget recovers
    assert toy.children[1].value == "" and toy.result == {"value": 10.0}


def test_contract_any_other_exception_is_shown_and_recorded():
    toy = _toy()
    toy.controls["n"].value = 0
    assert isinstance(toy.error, ZeroDivisionError)
    assert "ZeroDivisionError" in toy.children[1].value and "<pre" in toy.children[1].value


def test_contract_static_viewers_get_the_picture_and_a_summary():
    toy = _toy()
    bundle, metadata = toy._repr_mimebundle_()
    assert "Ten divided by n" in bundle["text/plain"] and "n=2" in bundle["text/plain"]
    assert "image/png" in bundle and "alt=" in bundle["text/html"]
    assert "application/vnd.jupyter.widget-view+json" in bundle   # the live view stays
