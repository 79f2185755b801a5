"""Question bank of lesson 01: right answers pass, each known mistake gets its hint.

Reference answers come from Keras (a real 1×1 ``Conv2D``: its output,
``count_params`` and ``compute_output_shape``) or from the course's published
figure (28·28·16·192 = 2,408,448 multiplications for a 16-filter reduction).
"""
import numpy as np
import pytest

from check_util import hint, run


def layer_1x1(filters=32, channels=192):
    import keras
    layer = keras.layers.Conv2D(filters, 1)
    layer.build((None, 28, 28, channels))
    return layer


# -- 01.1 einsum ------------------------------------------------------------------
def one_by_one(x, w, b):
    return np.einsum("hwc,cf->hwf", x, w) + b


def test_einsum_reference_matches_keras_conv2d():
    import keras
    rng = np.random.default_rng(0)
    x = rng.normal(size=(5, 6, 3)).astype("float32")
    layer = keras.layers.Conv2D(4, 1, bias_initializer="random_normal")
    y = keras.ops.convert_to_numpy(layer(x[None]))[0]
    w, b = (keras.ops.convert_to_numpy(v) for v in layer.weights)
    np.testing.assert_allclose(one_by_one(x, w[0, 0], b), y, atol=1e-5)


def test_einsum_right_answer_passes():
    assert run("01.1", one_by_one) is None


@pytest.mark.parametrize("wrong, text", [
    (lambda x, w, b: np.einsum("hwc,cf->hwf", x, w), "except for the bias"),
    (lambda x, w, b: np.einsum("hwc,cf->hwf", x, w) + b.sum(), "its own b[f]"),
    (lambda x, w, b: np.einsum("hwc,cf->fhw", x, w) + b[:, None, None], "channels-first"),
    (lambda x, w, b: np.einsum("hwc,cf->whf", x, w) + b, "swapped"),
    (lambda x, w, b: x * w.sum(1) + b.sum(), "still has C = 3"),
    (lambda x, w, b: np.einsum("hwc,cf->f", x, w) + b, "summed away"),
])
def test_einsum_mistakes(wrong, text):
    assert text in hint("01.1", wrong)


# -- 01.2 parameters ----------------------------------------------------------------
def test_params_reference_is_keras_count():
    assert run("01.2", layer_1x1().count_params()) is None


@pytest.mark.parametrize("wrong, text", [
    (6144, "forget the biases"), (6336, "per *filter*"), (224, "C×F matrix"),
    (192 * 32 * 28 * 28, "do not depend on the image size"),
    ((192 + 1) * 32 * 28 * 28, "same weights are reused at every pixel."),
])
def test_params_mistakes(wrong, text):
    assert text in hint("01.2", wrong)


# -- 01.3 MACs -------------------------------------------------------------------------
def test_macs_are_twice_the_published_16_filter_figure():
    published_16_filters = 2_408_448          # 28·28·16·192, course syllabus §05
    assert run("01.3", 2 * published_16_filters) is None


@pytest.mark.parametrize("wrong, text", [
    (192 * 32, "That is one pixel"), (28 * 28 * 32, "multiply by 192"),
    (28 * 28 * 193 * 32, "not a multiply"), (2 * 4_816_896, "FLOPs"),
    (9 * 4_816_896, "one tap"), (1000, "too small"),
])
def test_macs_mistakes(wrong, text):
    assert text in hint("01.3", wrong)


# -- 01.4 shape -------------------------------------------------------------------------
def test_shape_reference_is_keras_output_shape():
    shape = layer_1x1().compute_output_shape((None, 28, 28, 192))
    assert run("01.4", tuple(shape[1:])) is None


@pytest.mark.parametrize("wrong, text", [
    ((28, 28, 192), "number of filters"), ((14, 14, 32), "spatial pooling"),
    ((14, 14, 192), "max pooling"), ((32, 28, 28), "channels-last"),
    ((None, 28, 28, 32), "batch axis"), ((1, 28, 28, 32), "batch axis"),
    (6176, "as a tuple"), ((28, 28, 16), "axis 2"),
])
def test_shape_mistakes(wrong, text):
    assert text in hint("01.4", wrong)
