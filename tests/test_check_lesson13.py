"""Lesson 13 question bank: right answers pass, each known mistake gets its hint."""
import numpy as np
import pytest

from cnnlab.check.registry import load_bank

from check_util import expect_hint, run

BANK = load_bank("13")


# ---------------------------------------------------------------- 13.1 dense backward
def dense_backward(dy, x, w):
    return dy @ w.T, x.T @ dy, dy.sum(axis=0)


def test_13_1_reference_matches_tensorflow_and_passes():
    tf = pytest.importorskip("tensorflow")
    rng = np.random.default_rng(0)
    x, w, b, dy = (rng.normal(size=s) for s in ((4, 3), (3, 2), (2,), (4, 2)))
    xt, wt, bt = (tf.Variable(a) for a in (x, w, b))
    with tf.GradientTape() as tape:
        loss = tf.reduce_sum((xt @ wt + bt) * dy)
    for ours, theirs in zip(dense_backward(dy, x, w), tape.gradient(loss, [xt, wt, bt])):
        np.testing.assert_allclose(ours, theirs.numpy(), rtol=1e-12)
    assert run("13.1", dense_backward)


def test_13_1_hints():
    expect_hint("13.1", lambda dy, x, w: (x.T @ dy, dy @ w.T, dy.sum(0)), "order is")
    expect_hint("13.1", lambda dy, x, w: (dy @ w.T, dy.T @ x, dy.sum(0)), "shape of wᵀ")
    expect_hint("13.1", lambda dy, x, w: (dy @ w.T, x.T @ dy, dy), "sum dy over the batch")
    expect_hint("13.1", lambda dy, x, w: (dy @ w.T, x.T @ dy / len(x), dy.sum(0) / len(x)),
                "divided by the batch size")
    expect_hint("13.1", lambda dy, x, w: (dy @ w.T, x.T @ dy, dy.mean(0)), "is the mean")
    expect_hint("13.1", lambda dy, x, w: (dy, x, w), "Return three arrays|differs|shape")
    expect_hint("13.1", 3, "should be a function")


# ---------------------------------------------------------------- 13.2 softmax CE
def softmax_cross_entropy(logits, labels):
    z = logits - logits.max(axis=1, keepdims=True)
    log_p = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
    n = len(labels)
    d = np.exp(log_p)
    d[np.arange(n), labels] -= 1
    return -log_p[np.arange(n), labels].mean(), d / n


def test_13_2_reference_matches_keras_and_passes():
    keras = pytest.importorskip("keras")
    import tensorflow as tf

    rng = np.random.default_rng(1)
    logits, labels = rng.normal(size=(5, 4)), rng.integers(0, 4, 5)
    loss, d = softmax_cross_entropy(logits, labels)
    z = tf.Variable(logits)
    with tf.GradientTape() as tape:
        keras_loss = keras.losses.SparseCategoricalCrossentropy(from_logits=True)(labels, z)
    assert loss == pytest.approx(float(keras_loss), rel=1e-6)
    np.testing.assert_allclose(d, tape.gradient(keras_loss, z).numpy(), atol=1e-7)
    assert run("13.2", softmax_cross_entropy)


def _naive(logits, labels, *, mean=True, onehot=True, scale=True, sign=1):
    p = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    n = len(labels)
    y = np.eye(logits.shape[1])[labels]
    losses = -np.log(p[np.arange(n), labels])
    d = (p - y) if onehot else p
    return (losses.mean() if mean else losses.sum()), sign * d / (n if scale else 1)


def test_13_2_hints():
    expect_hint("13.2", lambda z, y: _naive(z, y, scale=False), "without the 1/N")
    expect_hint("13.2", lambda z, y: _naive(z, y, onehot=False), "subtract the one-hot")
    expect_hint("13.2", lambda z, y: _naive(z, y, sign=-1), "wrong sign")
    expect_hint("13.2", lambda z, y: _naive(z, y, mean=False), "SUM over the batch")
    expect_hint("13.2", lambda z, y: _naive(z, y), "overflows")   # right but unstable
    expect_hint("13.2", lambda z, y: (_naive(z, y)[0] * np.ones(len(y)), 0), "one number")
    expect_hint("13.2", lambda z, y: 1.0, "Return two things")


# ---------------------------------------------------------------- 13.3 Adam
def adam_step(w, g, m, v, t, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7):
    m = beta_1 * m + (1 - beta_1) * g
    v = beta_2 * v + (1 - beta_2) * g * g
    m_hat, v_hat = m / (1 - beta_1 ** t), v / (1 - beta_2 ** t)
    # the paper's form with ε scaled as Keras places it
    step = learning_rate * m_hat / (np.sqrt(v_hat) + epsilon / np.sqrt(1 - beta_2 ** t))
    return w - step, m, v


def test_13_3_reference_matches_keras_adam_and_passes():
    keras = pytest.importorskip("keras")
    rng = np.random.default_rng(2)
    w0, grads = rng.normal(size=4), rng.normal(size=(3, 4))
    var = keras.Variable(w0, dtype="float64")
    opt = keras.optimizers.Adam(0.01)
    w, m, v = w0, np.zeros(4), np.zeros(4)
    for t, g in enumerate(grads, start=1):
        opt.apply([keras.ops.convert_to_tensor(g)], [var])
        # Keras rounds its hyper-parameters through float32: 1e-6 is far below any mistake
        w, m, v = adam_step(w, g, m, v, t, learning_rate=0.01)
        np.testing.assert_allclose(w, np.asarray(var), rtol=1e-6)
    assert run("13.3", adam_step)


def _adam(w, g, m, v, t, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7,
          correct=True, eps_inside=False, square=True, sign=-1):
    m = beta_1 * m + (1 - beta_1) * g
    v = beta_2 * v + (1 - beta_2) * (g ** 2 if square else np.abs(g))
    alpha = learning_rate * (np.sqrt(1 - beta_2 ** t) / (1 - beta_1 ** t) if correct else 1)
    denominator = np.sqrt(v + epsilon) if eps_inside else np.sqrt(v) + epsilon
    return w + sign * alpha * m / denominator, m, v


def test_13_3_hints():
    expect_hint("13.3", lambda *a, **k: _adam(*a, **k, correct=False), "no bias correction")
    expect_hint("13.3", lambda *a, **k: _adam(*a, **k, eps_inside=True), "inside the square")
    expect_hint("13.3", lambda *a, **k: _adam(*a, **k, square=False), "SQUARED")
    expect_hint("13.3", lambda *a, **k: _adam(*a, **k, sign=1), "uphill")
    expect_hint("13.3", lambda *a, **k: a[0], "Return three arrays")
    assert run("13.3", _adam)


# ---------------------------------------------------------------- 13.4 conv dw
def conv_dw(x, dy):
    kh, kw = x.shape[0] - dy.shape[0] + 1, x.shape[1] - dy.shape[1] + 1
    dw = np.zeros((kh, kw))
    for u in range(kh):
        for v in range(kw):
            dw[u, v] = np.sum(x[u:u + dy.shape[0], v:v + dy.shape[1]] * dy)
    return dw


def test_13_4_reference_matches_tensorflow_and_passes():
    tf = pytest.importorskip("tensorflow")
    rng = np.random.default_rng(3)
    x, w, dy = rng.normal(size=(5, 6)), rng.normal(size=(3, 4)), rng.normal(size=(3, 3))
    wt = tf.Variable(w[:, :, None, None])
    with tf.GradientTape() as tape:
        y = tf.nn.conv2d(x[None, :, :, None], wt, 1, "VALID")
        loss = tf.reduce_sum(y[0, :, :, 0] * dy)
    np.testing.assert_allclose(conv_dw(x, dy), tape.gradient(loss, wt).numpy()[:, :, 0, 0],
                               rtol=1e-12)
    assert run("13.4", conv_dw)


def test_13_4_hints():
    from scipy.signal import convolve2d

    expect_hint("13.4", lambda x, dy: convolve2d(x, dy, mode="valid"), "You convolved")
    expect_hint("13.4", lambda x, dy: conv_dw(x, dy)[::-1, ::-1], "rotated by 180")
    expect_hint("13.4", lambda x, dy: conv_dw(x, dy) / dy.size, "divided by the number")
    expect_hint("13.4", lambda x, dy: conv_dw(x, dy).T, "transposed")
    expect_hint("13.4", None, "should be a function")
