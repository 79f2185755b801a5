"""Lesson 06 question bank: right answers pass, each known mistake gets its hint."""
import numpy as np
import pytest

from cnnlab.check.registry import load_bank

from check_util import expect_hint, run

keras = pytest.importorskip("keras")
layers = keras.layers
BANK = load_bank("06")


def _conv(t, f, k, s=1, bias=False):
    return layers.Conv2D(f, k, strides=s, padding="same", use_bias=bias)(t)


def make_block(*, project="auto", proj_bn=True, proj_kernel=1, bias=False, final_relu=True,
               relu_in_branch=False, branch_bn=2, proj_bias=None):
    """The block of 06.1 with mistakes (``branch_bn``: how many 3×3 convolutions keep their BN)."""
    def bn(t, i):
        return layers.BatchNormalization()(t) if i < branch_bn else t

    def block(x, filters, stride):
        h = layers.ReLU()(bn(_conv(x, filters, 3, stride, bias), 0))
        h = bn(_conv(h, filters, 3, bias=bias), 1)
        if relu_in_branch:
            h = layers.ReLU()(h)
        needs = stride != 1 or x.shape[-1] != filters
        shortcut = x
        if project is True or (project == "auto" and needs):
            shortcut = _conv(x, filters, proj_kernel, stride,
                             bias if proj_bias is None else proj_bias)
            if proj_bn:
                shortcut = layers.BatchNormalization()(shortcut)
        y = layers.Add()([h, shortcut])
        return layers.ReLU()(y) if final_relu else y
    return block


def test_right_block_passes_and_agrees_with_keras_resnet_counts():
    run("06.1", make_block())
    # cnnlab's builder without biases has the same count as the reference answer
    from cnnlab.check.banks.lesson06 import reference_06_1
    from cnnlab.models.resnet import residual_block
    x = keras.Input((16, 16, 16))
    a = keras.Model(x, reference_06_1(x, 32, 2)).count_params()
    b = keras.Model(x, residual_block(x, 32, 2, use_bias=False)).count_params()
    assert a == b == 9 * 16 * 32 + 9 * 32 * 32 + 16 * 32 + 3 * 4 * 32


@pytest.mark.parametrize("block, text", [
    (make_block(project=False), "needs a projection"),
    (make_block(proj_bn=False), "a BatchNormalization is missing: one follows each 3×3 "
                                "convolution and the projection"),
    (make_block(branch_bn=1), "a BatchNormalization is missing"),
    (make_block(branch_bn=0), "two BatchNormalizations are missing"),
    (make_block(bias=True, proj_bias=False), "use_bias=False"),
    (make_block(proj_kernel=3), "1×1 convolution, not 3×3"),
    (make_block(project=True), "the shortcut is the identity"),
    (make_block(bias=True), "use_bias=False"),
    (make_block(final_relu=False), "ReLU comes after the addition"),
    (make_block(final_relu=False, relu_in_branch=True), "not at the end of the branch"),
])
def test_block_hints(block, text):
    expect_hint("06.1", block, text)


def test_add_before_bn_hint():
    def block(x, filters, stride):
        h = layers.ReLU()(layers.BatchNormalization()(_conv(x, filters, 3, stride)))
        h = _conv(h, filters, 3)
        shortcut = x
        if stride != 1 or x.shape[-1] != filters:
            shortcut = layers.BatchNormalization()(_conv(x, filters, 1, stride))
        return layers.ReLU()(layers.BatchNormalization()(layers.Add()([h, shortcut])))
    expect_hint("06.1", block, "after the second BatchNormalization")


def test_bottleneck_count_is_keras_resnet50_conv2_block2():
    model = keras.applications.ResNet50(weights=None)
    keras_count = sum(layer.count_params() for layer in model.layers
                      if layer.name.startswith("conv2_block2_"))
    run("06.2", keras_count)
    assert keras_count == 71_552


@pytest.mark.parametrize("wrong, text", [
    (71_552 - 384, "keep their biases"),
    (71_552 - 1_536, "BatchNormalization has parameters"),
    (71_552 - 768, "4 numbers per channel"),
    (71_552 - 384 - 1_536, "count the biases"),
    (71_552 + 257 * 256 + 1_024, "shortcut is the identity"),
    (71_552 - 8 * 64 * 64, "middle convolution is 3×3"),
    ("71552", "should be a number"),
])
def test_bottleneck_hints(wrong, text):
    expect_hint("06.2", wrong, text)


def test_zero_branch_answer_matches_a_keras_block():
    from cnnlab.check.banks.lesson06 import X_06_3
    from cnnlab.models.resnet import residual_block
    x = keras.Input((1, 5, 1))
    model = keras.Model(x, residual_block(x, 1, name="r"))
    bn = model.get_layer("r_2_bn")
    bn.set_weights([np.zeros(1)] + bn.get_weights()[1:])       # F(x) = 0
    y = keras.ops.convert_to_numpy(model(X_06_3.reshape(1, 1, 5, 1), training=False))
    run("06.3", y.reshape(X_06_3.shape))


@pytest.mark.parametrize("wrong, text", [
    (lambda x: x, "ReLU after the addition"),
    (lambda x: 0 * x, "the shortcut still carries x"),
    (lambda x: 2 * x, "F\\(x\\) is zero, not x"),
    (lambda x: np.maximum(2 * x, 0), "F\\(x\\) is zero, not x"),
])
def test_zero_branch_hints(wrong, text):
    from cnnlab.check.banks.lesson06 import X_06_3
    expect_hint("06.3", wrong(X_06_3), text)
