"""Lesson 02 question bank: right answers pass, each known mistake gets its hint."""
import numpy as np
import pytest

from cnnlab.check.registry import load_bank

from check_util import expect_hint, run

BANK = load_bank("02")


def windows(x, size, stride):
    out_h, out_w = (x.shape[0] - size) // stride + 1, (x.shape[1] - size) // stride + 1
    for i in range(out_h):
        for j in range(out_w):
            yield i, j, x[i * stride:i * stride + size, j * stride:j * stride + size]


def max_pool(x, size, stride):
    out = np.zeros(((x.shape[0] - size) // stride + 1, (x.shape[1] - size) // stride + 1))
    for i, j, w in windows(x, size, stride):
        out[i, j] = w.max()
    return out


def max_pool_backward(dy, x, size, stride):
    dx = np.zeros_like(x, dtype=float)
    for i, j, w in windows(x, size, stride):
        r, c = np.unravel_index(np.argmax(w), w.shape)
        dx[i * stride + r, j * stride + c] += dy[i, j]
    return dx


def test_reference_forward_agrees_with_keras_and_passes():
    keras = pytest.importorskip("keras")
    x = np.random.default_rng(0).random((7, 9)).astype("float32")
    want = keras.ops.convert_to_numpy(
        keras.ops.max_pool(x[None, :, :, None], 3, strides=2, padding="valid"))[0, :, :, 0]
    np.testing.assert_allclose(max_pool(x, 3, 2), want)
    run("02.1", max_pool)


def test_forward_hints():
    expect_hint("02.1", lambda x, size, stride: max_pool(x, stride, size), "wrong step")
    expect_hint("02.1", lambda x, size, stride: max_pool(x, size, 1),
                "one pixel at a time|wrong step")
    expect_hint("02.1", lambda x, size, stride: max_pool(x, size, stride)[:-1], "shape")
    expect_hint("02.1", lambda x, size, stride: -max_pool(-x, size, stride), "min pooling")
    def avg(x, s, t):
        means = [w.mean() for _, _, w in windows(x, s, t)]
        return np.array(means).reshape(max_pool(x, s, t).shape)

    expect_hint("02.1", avg, "average pooling")


def test_reference_backward_agrees_with_tensorflow_and_passes():
    tf = pytest.importorskip("tensorflow")
    x = np.random.default_rng(1).permutation(49).reshape(7, 7).astype("float32")
    dy = np.arange(1, 10, dtype="float32").reshape(3, 3)
    xt = tf.constant(x[None, :, :, None])
    with tf.GradientTape() as tape:
        tape.watch(xt)
        y = tf.nn.max_pool2d(xt, 3, 2, "VALID")
    want = tape.gradient(y, xt, output_gradients=tf.constant(dy[None, :, :, None]))
    np.testing.assert_allclose(max_pool_backward(dy, x, 3, 2), want.numpy()[0, :, :, 0])
    run("02.2", max_pool_backward)


def test_backward_hints():
    def to_all(dy, x, size, stride):
        dx = np.zeros_like(x, dtype=float)
        for i, j, _ in windows(x, size, stride):
            dx[i * stride:i * stride + size, j * stride:j * stride + size] += dy[i, j]
        return dx

    def to_first(dy, x, size, stride):
        dx = np.zeros_like(x, dtype=float)
        for i, j, _ in windows(x, size, stride):
            dx[i * stride, j * stride] += dy[i, j]
        return dx

    def assigned(dy, x, size, stride):
        dx = np.zeros_like(x, dtype=float)
        for i, j, w in windows(x, size, stride):
            r, c = np.unravel_index(np.argmax(w), w.shape)
            dx[i * stride + r, j * stride + c] = dy[i, j]
        return dx

    expect_hint("02.2", to_all, "every pixel of the window")
    expect_hint("02.2", lambda dy, x, s, t: to_all(dy, x, s, t) / s ** 2, "average pooling")
    expect_hint("02.2", to_first, "wrong place")
    expect_hint("02.2", assigned, r"\+=")
    expect_hint("02.2", lambda dy, x, s, t: dy, "shape of x")


def test_sizes_agree_with_keras():
    keras = pytest.importorskip("keras")
    pool = keras.layers.MaxPooling2D(3, strides=2)
    assert pool.compute_output_shape((None, 26, 26, 64))[1] == 12
    run("02.3", 12)
    m = keras.Sequential([keras.Input((28, 28, 1))]
                         + [keras.layers.Conv2D(64, 3) for _ in range(3)]
                         + [keras.layers.Flatten(), keras.layers.Dense(1)])
    assert m.layers[-1].count_params() == 30_977
    run("02.4", 30_977)


@pytest.mark.parametrize("qid, wrong, text", [
    ("02.3", 13, "'same'"), ("02.3", 24, "stride 1"), ("02.3", 8, "non-overlapping"),
    ("02.4", 30_976, "bias"), ("02.4", 50_177, "shrinks"), ("02.4", 23_105, "not by 3"),
    ("02.4", 36_865, "two convolutions"), ("02.4", 485, "64 channels"),
    # each wrong answer computed the mistaken way
    ("02.3", (26 - 2) // 2 + 1, "2x2 window"), ("02.3", -(-26 // 2), "'same' padding"),
    ("02.3", (26 - 3) // 1 + 1, "stride 1"), ("02.3", 26 // 3, "non-overlapping"),
    ("02.3", (26 - 3) / 2, "add 1 for the first window"),
    ("02.3", (26 - 3) / 2 + 1, "Round down before adding 1"),
    ("02.4", 64 * 3 * 3 + 1, "not to a 3x3 window"),
])
def test_number_hints(qid, wrong, text):
    expect_hint(qid, wrong, text)
