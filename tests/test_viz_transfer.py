"""Transfer explorer: its counts are Keras' counts, controls redraw, errors are messages."""
import numpy as np
import pytest

keras = pytest.importorskip("keras")

from cnnlab.models import transfer  # noqa: E402
from cnnlab.viz.transfer import TransferExplorer, trainable_summary  # noqa: E402


def keras_counts(model):
    size = lambda ws: int(sum(np.prod(w.shape) for w in ws))  # noqa: E731
    return size(model.trainable_weights), size(model.non_trainable_weights)


@pytest.fixture()
def model():
    keras.utils.set_random_seed(0)
    return transfer.new_head(transfer.small_base((28, 28, 1)), 5)


def test_starts_from_the_models_state(model):
    w = TransferExplorer(model)
    assert w.error is None and w.block_names == ["block1", "block2", "block3", "head"]
    assert w.controls["frozen_blocks"].value == 3
    totals = w.result["totals"]
    assert (totals.trainable, totals.non_trainable) == keras_counts(model)
    assert w.result["updated"] == ["predictions"]
    assert set(w.result["batchnorm"].values()) == {"inference"}


def test_slider_unfreezes_top_block_like_keras(model):
    w = TransferExplorer(model)
    before_png, before = w.figure_png(), w.result
    w.controls["frozen_blocks"].value = 2
    assert w.controls["train_block3"].value and not w.controls["train_block2"].value
    assert w.result is not before and w.figure_png() != before_png
    assert w.result["updated"] == ["block3_conv", "block3_bn", "predictions"]
    assert w.result["batchnorm"]["block3_bn"] == "training"
    assert w.model is model and keras_counts(model)[0] == before["totals"].trainable
    w.apply()
    totals = w.result["totals"]
    assert (totals.trainable, totals.non_trainable) == keras_counts(model)
    assert transfer.trainable_layers(model) == w.result["updated"]


def test_batchnorm_switch_and_checkboxes(model):
    w = TransferExplorer(model)
    w.controls["frozen_blocks"].value = 0
    png = w.figure_png()
    all_trainable = w.result["totals"].trainable
    w.controls["freeze_batchnorm"].value = True
    gammas_betas = 2 * (16 + 32 + 64)
    assert w.result["totals"].trainable == all_trainable - gammas_betas
    assert set(w.result["batchnorm"].values()) == {"inference"}
    assert w.figure_png() != png
    w.controls["train_head"].value = False           # "froze the head too"
    assert "predictions" not in w.result["updated"]
    w.apply()
    assert keras_counts(model)[0] == w.result["totals"].trainable


def test_mobilenet_blocks_agree_with_keras():
    net = keras.applications.MobileNetV2(weights=None, include_top=False, alpha=0.35,
                                         input_shape=(32, 32, 3))
    w = TransferExplorer(net)
    assert w.block_names[0] == "stem" and len(w.base_blocks) == 18
    w.controls["frozen_blocks"].value = 15
    w.apply()
    totals = w.result["totals"]
    assert (totals.trainable, totals.non_trainable) == keras_counts(net)
    assert totals.trainable > totals.frozen          # the top blocks hold most weights


def test_bad_blocks_are_messages_not_errors(model):
    rows = transfer.layer_table(model)
    with pytest.raises(ValueError, match="`trainable` must give a value for every block"):
        trainable_summary(rows, {"block1": True})
    w = TransferExplorer(model)
    w.rows = w.rows + [dict(rows[0], name="extra", block="block9")]
    w.controls["train_block1"].value = True
    assert w.result is None and "block9" in w.message.value and w.error is None


def test_bars_are_refilled_not_redrawn(model):
    w = TransferExplorer(model)
    ax, ax_tot = w._fig.axes
    counts = (len(ax.patches), len(ax_tot.patches), len(ax_tot.texts), len(w._fig.texts))
    for n in (0, 3, 1, 2):
        w.controls["frozen_blocks"].value = n
        w.draw(w.result, w._fig)                      # draw() on its own figure refills too
        assert w._fig.axes == [ax, ax_tot] and w.error is None
        # the totals bars are Keras' counts after apply()
        heights = [bar.get_height() for bar in ax_tot.patches]
        w.apply()
        trainable, frozen = keras_counts(model)
        assert heights[0] == trainable and heights[1] + heights[2] == frozen
    assert (len(ax.patches), len(ax_tot.patches), len(ax_tot.texts), len(w._fig.texts)) == counts
