"""Lesson 10 question bank: right answers pass, each known mistake gets its hint."""
import numpy as np
import pytest

from cnnlab.check.registry import load_bank

from check_util import expect_hint, run

keras = pytest.importorskip("keras")
BANK = load_bank("10")


def test_model_questions_get_time_to_build_a_model():
    assert BANK["10.1"].expects == "model" and BANK["10.1"].timeout >= 60


# ------------------------------------------------------------------ 10.1
def head_on(base, freeze_base=True, freeze_head=False, reuse=True):
    if freeze_base:
        base.trainable = False
    if not reuse:
        from cnnlab.models import transfer
        base = transfer.small_base((32, 32, 3))
    inputs = keras.Input((32, 32, 3))
    x = keras.layers.GlobalAveragePooling2D()(base(inputs))
    dense = keras.layers.Dense(4, activation="softmax")
    outputs = dense(x)
    if freeze_head:
        dense.trainable = False
    return keras.Model(inputs, outputs)


def test_feature_extractor_passes():
    run("10.1", head_on)


@pytest.mark.parametrize("wrong, text", [
    (lambda base: head_on(base, freeze_base=False), "forget to freeze"),
    (lambda base: head_on(base, freeze_head=True), "froze the head too"),
    (lambda base: head_on(base, reuse=False), "does not contain the `base`"),
])
def test_feature_extractor_hints(wrong, text):
    expect_hint("10.1", wrong, text)


def test_feature_extractor_counts_agree_with_keras():
    from cnnlab.check.banks.lesson10 import _base
    model = head_on(_base())
    assert sum(int(np.prod(w.shape)) for w in model.trainable_weights) == 64 * 4 + 4


# ------------------------------------------------------------------ 10.2
def fine_tune_right(model, base, rate=1e-5, recompile=True, block="block3",
                    whole_base=False):
    base.trainable = True
    if not whole_base:
        for layer in base.layers:
            if not layer.name.startswith(block):
                layer.trainable = False
    if recompile:
        model.compile(keras.optimizers.Adam(rate), "sparse_categorical_crossentropy")
    return model


def test_fine_tuning_passes():
    run("10.2", fine_tune_right)
    from cnnlab.models import transfer
    run("10.2", lambda m, b: transfer.fine_tune(m, b, unfreeze_from="block3",
                                                learning_rate=1e-4))


def unfreeze_without_parent(model, base):
    base.get_layer("block3_conv").trainable = True        # base itself stays frozen
    model.compile(keras.optimizers.Adam(1e-5), "sparse_categorical_crossentropy")
    return model


@pytest.mark.parametrize("wrong, text", [
    (lambda m, b: fine_tune_right(m, b, recompile=False), "not recompiled"),
    (lambda m, b: fine_tune_right(m, b, rate=1e-3), "too high"),
    (lambda m, b: fine_tune_right(m, b, whole_base=True), "Too much is unfrozen"),
    (unfreeze_without_parent, "still frozen"),
    (lambda m, b: fine_tune_right(m, b, block="block2"), "Too much is unfrozen"),
])
def test_fine_tuning_hints(wrong, text):
    expect_hint("10.2", wrong, text)


def test_without_recompile_block3_really_does_not_train():
    """The fact behind the 'not recompiled' hint, measured on Keras itself."""
    from cnnlab.models import transfer
    from cnnlab.check.banks.lesson10 import _prepared_model
    model, base, x, y = _prepared_model()
    fine_tune_right(model, base, recompile=False)
    before = transfer.snapshot(model)
    model.train_on_batch(x, y)
    assert transfer.changed_layers(before, model) == ["predictions"]


# ------------------------------------------------------------------ 10.3
def test_batchnorm_question():
    layer = keras.layers.BatchNormalization()
    layer.build((None, 4, 4, 32))
    layer.trainable = False
    assert not layer.trainable_weights and layer.count_params() == 128
    run("10.3", (0, "moving"))
    run("10.3", [0, "Moving "])


@pytest.mark.parametrize("wrong, text", [
    ((64, "moving"), "frozen"), ((0, "batch"), "inference mode"),
    ((128, "moving"), "no trainable weights"), ((32, "moving"), "no trainable weights"), (0, "pair"), ((0, "mean"), "moving"),
])
def test_batchnorm_hints(wrong, text):
    expect_hint("10.3", wrong, text)


# ------------------------------------------------------------------ 10.4
def test_vgg_count_is_keras_count():
    from cnnlab.check.banks.lesson10 import vgg_block5_model
    model = vgg_block5_model()
    trainable = sum(int(np.prod(w.shape)) for w in model.trainable_weights)
    assert trainable == 3 * (3 * 3 * 512 * 512 + 512) + (512 * 256 + 256) + (256 * 10 + 10)
    run("10.4", 7_213_322)


@pytest.mark.parametrize("wrong, text", [
    ((512 * 256 + 256) + (256 * 10 + 10), "only the head"),
    (3 * (3 * 3 * 512 * 512 + 512), "only block5"),
    (3 * 3 * 3 * 512 * 512 + 512 * 256 + 256 * 10, "bias"),
    (14_714_688 + 133_898, "whole base"),
    (3 * (3 * 3 * 512 * 512 + 512) + (2048 * 256 + 256) + 2570, "GlobalAveragePooling2D"),
])
def test_vgg_count_hints(wrong, text):
    expect_hint("10.4", wrong, text)
