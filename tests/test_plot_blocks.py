"""Block diagrams of cnnlab.plot.blocks: titles carry the computed channel counts."""
import pytest

from cnnlab.arith.densenet import block_channels
from cnnlab.arith.inception import GOOGLENET_MODULES, inception_cost
from cnnlab.plot import dense_diagram, inception_diagram, residual_diagram, unet_diagram


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


@pytest.mark.parametrize("skips", [True, False])
def test_unet_diagram_shapes_are_the_keras_models(skips):
    """Every shape written on the U is one the Keras U-Net really computes."""
    from cnnlab.models import tiny_unet

    size = dict(filters=8, depth=3, convs_per_level=1)
    model = tiny_unet((32, 32, 3), skips=skips, **size)
    texts = " ".join(t.get_text() for t in unet_diagram((32, 32, 3), skips=skips,
                                                        **size).axes[0].texts)
    for level in range(1, 4):
        h, w, c = model.get_layer(f"enc{level}_conv1").output.shape[1:]
        assert f"→ {h}×{w}×{c}" in texts
        reads = model.get_layer(f"dec{level}_conv1").input.shape[-1]
        assert f"reads {reads} → {h}×{w}×{c}" in texts
        assert (f"skip: {h}×{w}×{c}" in texts) == skips
    h, w, c = model.get_layer("bottleneck_conv1").output.shape[1:]
    assert f"bottleneck: 1 × 3×3 conv\n→ {h}×{w}×{c}" in texts


def test_figures_carry_alt_text():
    for fig in (inception_diagram(), residual_diagram(), dense_diagram(), unet_diagram()):
        assert fig.alt_text
