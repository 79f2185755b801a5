"""Inception modules against GoogLeNet's table, hand formulas and a NumPy forward pass."""
import numpy as np
import pytest

keras = pytest.importorskip("keras")

from cnnlab.arith.inception import inception_cost  # noqa: E402
from cnnlab.models.inception import MINI_MODULES, inception_module, mini_googlenet  # noqa: E402


def _module_model(shape, widths, name):
    x = keras.Input(shape)
    return keras.Model(x, inception_module(x, *widths, name=name))


def _hand_params(c, f1, r3, f3, r5, f5, pp):
    return ((c + 1) * f1 + (c + 1) * r3 + (9 * r3 + 1) * f3 + (c + 1) * r5
            + (25 * r5 + 1) * f5 + (c + 1) * pp)


@pytest.mark.parametrize("name, shape, widths, out", [
    ("3a", (28, 28, 192), (64, 96, 128, 16, 32, 32), 256),
    ("3b", (28, 28, 256), (128, 128, 192, 32, 96, 64), 480),
])
def test_googlenet_modules(name, shape, widths, out):
    model = _module_model(shape, widths, name)
    assert model.output.shape == (None, 28, 28, out)
    assert model.count_params() == _hand_params(shape[2], *widths)
    assert model.count_params() == inception_cost(shape, *widths).params


def test_layer_names_are_readable():
    model = _module_model((8, 8, 4), (1, 2, 3, 4, 5, 6), "m")
    names = {l.name for l in model.layers}
    assert {"m_1x1", "m_3x3_reduce", "m_3x3", "m_5x5_reduce", "m_5x5", "m_pool",
            "m_pool_proj", "m_concat"} <= names


def test_branches_are_concatenated_in_order():
    # Recompute the module by hand with NumPy from its own weights.
    from cnnlab.ops import conv2d, max_pool2d
    model = _module_model((6, 6, 3), (2, 2, 3, 1, 2, 2), "m")
    x = np.random.default_rng(0).normal(size=(1, 6, 6, 3)).astype("float32")

    def conv(t, layer):
        w, b = model.get_layer(layer).get_weights()
        return np.maximum(conv2d(t, w, b, padding="same"), 0)

    b1 = conv(x, "m_1x1")
    b3 = conv(conv(x, "m_3x3_reduce"), "m_3x3")
    b5 = conv(conv(x, "m_5x5_reduce"), "m_5x5")
    bp = conv(max_pool2d(x, 3, strides=1, padding="same"), "m_pool_proj")
    want = np.concatenate([b1, b3, b5, bp], axis=-1)
    np.testing.assert_allclose(model.predict(x, verbose=0), want, rtol=1e-4, atol=1e-5)


def test_macs_agree_with_summarize():
    from cnnlab import arith
    shape, widths = (28, 28, 192), (64, 96, 128, 16, 32, 32)
    summary = arith.summarize(_module_model(shape, widths, "i3a"))
    assert sum(r["macs"] or 0 for r in summary.rows if r["name"] != "i3a_pool") \
        == inception_cost(shape, *widths).macs


def test_mini_googlenet_shapes_and_params():
    model = mini_googlenet((28, 28, 1), classes=10)
    assert model.output.shape == (None, 10)
    assert model.get_layer("a_concat").output.shape == (None, 14, 14, 32)
    assert model.get_layer("c_concat").output.shape == (None, 7, 7, 64)
    stem = (9 * 1 + 1) * 32
    cin, modules = 32, 0
    for widths in MINI_MODULES:
        modules += _hand_params(cin, *widths)
        cin = widths[0] + widths[2] + widths[4] + widths[5]
    assert model.count_params() == stem + modules + (cin + 1) * 10


def test_auxiliary_classifier_is_a_second_output():
    model = mini_googlenet((32, 32, 3), classes=5, aux_classifier=True)
    assert [tuple(o.shape) for o in model.outputs] == [(None, 5), (None, 5)]
    aux_in = model.get_layer("aux").input.shape[-1]
    assert aux_in == sum(MINI_MODULES[1][i] for i in (0, 2, 4, 5))


@pytest.mark.parametrize("call, message", [
    (lambda: inception_module(keras.Input((8, 8, 3)), 0, 1, 1, 1, 1, 1),
     "`f1` must be an integer >= 1. Received: f1=0."),
    (lambda: mini_googlenet((3, 3, 1)), "at least 4×4"),
    (lambda: mini_googlenet(modules=[(1, 2, 3)]), "6-tuples"),
    (lambda: mini_googlenet(modules=[(1, 1, 1, 1, 1, 1)], aux_classifier=True),
     "at least two modules"),
])
def test_errors(call, message):
    with pytest.raises(ValueError) as info:
        call()
    assert message in str(info.value)
