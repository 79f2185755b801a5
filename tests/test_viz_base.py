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
