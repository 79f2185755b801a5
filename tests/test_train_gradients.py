"""cnnlab.train.gradient_norms against the analytic gradient and finite differences."""
import numpy as np
import pytest

keras = pytest.importorskip("keras")

import cnnlab  # noqa: E402
from cnnlab.train import gradient_norms  # noqa: E402


def _softmax(z):
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


@pytest.mark.parametrize("softmax", [False, True])
def test_dense_layer_matches_analytic_gradient(softmax):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(5, 4)).astype("float32")
    y = np.array([0, 2, 1, 2, 0])
    w = rng.normal(size=(4, 3)).astype("float32")
    b = rng.normal(size=3).astype("float32")
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(
        3, activation="softmax" if softmax else None, name="head")])
    model.layers[0].set_weights([w, b])
    # Mean cross-entropy: dL/dW = x^T (softmax(xW + b) - onehot) / N.
    dw = x.T @ (_softmax(x @ w + b) - np.eye(3)[y]) / len(y)
    norms = gradient_norms(model, x, y)
    assert list(norms) == ["head"]
    assert norms["head"] == pytest.approx(np.linalg.norm(dw), rel=1e-5)


def test_conv_net_matches_finite_differences_and_order():
    cnnlab.seed(0)
    model = keras.Sequential([
        keras.Input((6, 6, 1)),
        keras.layers.Conv2D(2, 3, activation="tanh", name="conv1"),
        keras.layers.MaxPooling2D(name="pool"),
        keras.layers.Conv2D(3, 2, name="conv2"),
        keras.layers.Flatten(),
        keras.layers.Dense(4, name="out"),
    ])
    rng = np.random.default_rng(1)
    x = rng.normal(size=(3, 6, 6, 1)).astype("float32")
    y = np.array([0, 3, 1])
    norms = gradient_norms(model, x, y)
    assert list(norms) == ["conv1", "conv2", "out"]          # input -> output, kernels only

    loss = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    kernel = model.get_layer("conv1").kernel
    base = kernel.numpy().astype(np.float64)
    grad, eps = np.zeros_like(base), 1e-2
    for idx in np.ndindex(base.shape):                        # 18 weights
        values = []
        for sign in (1, -1):
            trial = base.copy()
            trial[idx] += sign * eps
            kernel.assign(trial.astype("float32"))
            values.append(float(loss(y, model(x))))
        grad[idx] = (values[0] - values[1]) / (2 * eps)
    kernel.assign(base.astype("float32"))
    assert norms["conv1"] == pytest.approx(np.linalg.norm(grad), rel=2e-2)


def test_nested_models_separable_kernels_and_batchnorm_left_untouched():
    cnnlab.seed(0)
    block = keras.Sequential([keras.Input((8, 8, 3)),
                              keras.layers.SeparableConv2D(4, 3, name="sep"),
                              keras.layers.BatchNormalization(name="bn")], name="block")
    model = keras.Sequential([keras.Input((8, 8, 3)), block,
                              keras.layers.GlobalAveragePooling2D(),
                              keras.layers.Dense(2, name="out")])
    before = [v.numpy().copy() for v in model.non_trainable_variables]
    x = np.random.default_rng(0).random((4, 8, 8, 3), dtype=np.float32)
    norms = gradient_norms(model, x, [0, 1, 0, 1])
    assert list(norms) == ["sep/depthwise_kernel", "sep/pointwise_kernel", "out"]
    assert all(v > 0 for v in norms.values())
    for old, var in zip(before, model.non_trainable_variables):
        np.testing.assert_array_equal(old, var.numpy())     # moving stats restored


def test_errors():
    unbuilt = keras.Sequential([keras.layers.Dense(2)])
    with pytest.raises(ValueError, match="`model` must be built"):
        gradient_norms(unbuilt, np.zeros((1, 2)), [0])
    no_kernel = keras.Sequential([keras.Input((4,)), keras.layers.Activation("relu")])
    with pytest.raises(ValueError, match="at least one layer with a kernel"):
        gradient_norms(no_kernel, np.zeros((1, 4)), [0])
