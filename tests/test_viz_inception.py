"""Inception cost calculator: compute, controls, redraws and messages."""
import html

import pytest

from cnnlab.viz.inception import InceptionCostExplorer


def test_default_is_googlenet_3a():
    w = InceptionCostExplorer()
    assert w.result["with"].out_channels == 256
    assert w.result["without"].out_channels == 64 + 128 + 32 + 192
    assert w.result["without"].branch("5x5").macs == 120_422_400
    assert w.result["with"].branch("5x5").macs == 2_408_448 + 10_035_200


def test_compute_hand_formula():
    r = InceptionCostExplorer().compute(14, 480, 192, 96, 208, 16, 48, 64)
    assert r["with"].out_channels == 512
    assert r["with"].branch("3x3").params == (480 + 1) * 96 + (9 * 96 + 1) * 208
    # naive 3x3 branch reads all 480 channels: 14*14*9*480*208 MACs (hand-worked)
    assert r["without"].branch("3x3").macs == 176_117_760


def test_controls_update_result_and_figure():
    w = InceptionCostExplorer()
    before = w.figure_png()
    w.controls["f5_reduce"].value = 32
    assert w.result["with"].branch("5x5").macs == 28 * 28 * (32 * 192 + 32 * 25 * 32)
    assert w.figure_png() != before
    before = w.figure_png()
    w.controls["size"].value = 14
    assert w.result["with"].output_shape == (14, 14, 256)
    assert w.figure_png() != before
    assert w.error is None


def test_artists_are_updated_not_piled_up():
    w = InceptionCostExplorer()
    fig = w._fig
    counts = [(len(ax.patches), len(ax.texts)) for ax in fig.axes]
    for size in (7, 14, 56, 28):
        w.controls["size"].value = size
    assert w._fig is fig and [(len(ax.patches), len(ax.texts)) for ax in fig.axes] == counts
    # the bars show the new numbers: 1x1 branch at 28x28x192 -> 64 is 9.6 million MACs
    assert fig.axes[0].patches[4].get_height() * 1e6 == pytest.approx(28 * 28 * 192 * 64)


def test_bad_values_give_a_message():
    w = InceptionCostExplorer()
    w.controls["pool_proj"].value = 0
    assert ("`pool_proj` must be an integer >= 1. Received: pool_proj=0."
            in html.unescape(w.message.value))
    assert w.error is None and w.result is None
    w.controls["pool_proj"].value = 32
    assert w.message.value == "" and w.result["with"].out_channels == 256


def test_start_module():
    assert InceptionCostExplorer("4e").result["with"].out_channels == 832
    with pytest.raises(ValueError, match="`module` must be one of"):
        InceptionCostExplorer("9z")
