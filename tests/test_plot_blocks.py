"""Block diagrams of cnnlab.plot.blocks: titles carry the computed channel counts."""
import pytest

from cnnlab.arith.densenet import block_channels
from cnnlab.arith.inception import GOOGLENET_MODULES, inception_cost
from cnnlab.plot import dense_diagram, inception_diagram, residual_diagram


@pytest.mark.parametrize("name", ["3a", "3b", "4e"])
def test_inception_title_gives_the_module_output(name):
    shape, widths = GOOGLENET_MODULES[name]
    out = inception_cost(shape, *widths).out_channels
    title = inception_diagram(name).axes[0].get_title()
    assert title.endswith(f"{shape[0]}×{shape[1]}×{out}")


def test_residual_diagram_has_a_plus_only_in_the_residual_panel():
    plain, residual = residual_diagram(32).axes
    assert "+" not in [t.get_text() for t in plain.texts]
    assert "+" in [t.get_text() for t in residual.texts]


def test_dense_diagram_reads_the_block_channels():
    fig = dense_diagram(24, 12, 4)
    texts = " ".join(t.get_text() for t in fig.axes[0].texts)
    for l, reads in enumerate([24, 36, 48, 60], start=1):
        assert f"H{l}: reads {reads}" in texts
    assert f"→ {block_channels(24, 12, 4)[-1]} channels" in fig.axes[0].get_title()


def test_figures_carry_alt_text():
    for fig in (inception_diagram(), residual_diagram(), dense_diagram()):
        assert fig.alt_text
