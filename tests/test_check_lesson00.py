"""Question bank of lesson 00: right answers pass, each known mistake gets its hint.

The reference answers are checked against Keras itself (output shapes,
``count_params``, ``keras.ops.conv``), not against the bank's own arithmetic.
"""
import numpy as np
import pytest

from check_util import hint, run


# -- 00.1 conv_out --------------------------------------------------------------
def conv_out(size, kernel, stride=1, padding="valid", dilation=1):
    if padding == "same":
        return -(-size // stride)
    p = 0 if padding == "valid" else padding
    return (size + 2 * p - dilation * (kernel - 1) - 1) // stride + 1


@pytest.mark.parametrize("args", [(28, 3), (28, 3, 1, "same"), (28, 5, 2),
                                  (7, 3, 1, "valid", 2), (224, 7, 2, "same"),
                                  (5, 3, 2, "same"), (9, 3, 1, "valid", 3)])
def test_reference_conv_out_matches_keras(args):
    import keras
    size, kernel, stride, padding, dilation = (*args, *(1, "valid", 1)[len(args) - 2:])
    layer = keras.layers.Conv2D(1, kernel, strides=stride, padding=padding,
                                dilation_rate=dilation)
    shape = layer.compute_output_shape((None, size, size, 1))
    assert shape[1] == conv_out(size, kernel, stride, padding, dilation)


def test_conv_out_right_answer_passes():
    assert run("00.1", conv_out) is None


def mistaken_conv_out(*, pad=2, plus_one=True, pad_plus_one=True, floor="floor",
                      strided_plus_one=True, dilate=True, same="ceil"):
    """conv_out with one mistake, computed the mistaken way (what the hints are keyed to).

    The default is right; ``pad_plus_one`` and ``strided_plus_one`` drop the + 1 only
    for an integer padding or a stride above 1, ``floor`` ("none", "ceil") how a
    stride's division rounds, ``same`` ("size", "floor", "valid_if_strided") what
    padding='same' gives.
    """
    import math

    def out(i, k, s=1, p="valid", d=1):
        if p == "same":
            if same == "ceil" or (same == "valid_if_strided" and s == 1):
                return -(-i // s)
            return {"size": i, "floor": i // s, "valid_if_strided": (i - k) // s + 1}[same]
        p = 0 if p == "valid" else p
        n = i + pad * p - ((d if dilate else 1) * (k - 1) + 1)
        one = int(plus_one and (pad_plus_one or not p) and (strided_plus_one or s == 1))
        if s == 1 or floor == "floor":
            return n // s + one
        return {"none": n / s + one, "ceil": math.ceil(n / s) + one}[floor]
    return out


@pytest.mark.parametrize("wrong, text", [
    (lambda i, k, s=1, p="valid", d=1: i, "'same' size"),
    (mistaken_conv_out(plus_one=False), "conv_out(28, 3) gave 25: you forgot the + 1"),
    (mistaken_conv_out(pad_plus_one=False), "gave 11: you forgot the + 1"),
    (mistaken_conv_out(pad=1), "add 2p, not p"),
    (mistaken_conv_out(pad=0), "padding was ignored"),
    (mistaken_conv_out(same="size"), "ceil(i / s), not i"),
    (mistaken_conv_out(same="valid_if_strided"), "gave 109, the 'valid'"),
    (mistaken_conv_out(same="floor"), "rounds *up*"),
    (mistaken_conv_out(dilate=False), "dilation was ignored"),
    (mistaken_conv_out(floor="none"), "gave 12.5: did you forget the floor"),
    (mistaken_conv_out(floor="ceil"), "round *down*"),
    (mistaken_conv_out(floor="none", strided_plus_one=False), "the floor (//) and the + 1"),
    (lambda i, k, s=1, p="valid", d=1: (i + 2 * (0 if p == "valid" else p) - d * (k - 1) - 1)
     / s + 1 if p != "same" else -(-i // s), "forget the floor"),
    (lambda *args: float(conv_out(*args)), "integer"),
])
def test_conv_out_mistakes_get_their_hint(wrong, text):
    assert text in hint("00.1", wrong)


def test_conv_out_not_a_function():
    assert "function itself" in hint("00.1", 26)


# -- 00.2 conv2d_numpy ------------------------------------------------------------
def conv2d_loops(x, w, b, flip=False, bias=True):
    kh, kw, _, f = w.shape
    if flip:
        w = w[::-1, ::-1]
    out = np.zeros((x.shape[0] - kh + 1, x.shape[1] - kw + 1, f))
    for i in range(out.shape[0]):
        for j in range(out.shape[1]):
            out[i, j] = np.tensordot(x[i:i + kh, j:j + kw], w, axes=3)
    return out + (b if bias else 0)


def test_loop_reference_matches_keras_ops_conv():
    import keras
    rng = np.random.default_rng(0)
    x, w, b = rng.normal(size=(6, 7, 3)), rng.normal(size=(3, 3, 3, 2)), rng.normal(size=2)
    ref = keras.ops.convert_to_numpy(keras.ops.conv(x[None], w)[0]) + b
    np.testing.assert_allclose(conv2d_loops(x, w, b), ref, atol=1e-5)


def test_conv2d_right_answer_passes():
    assert run("00.2", conv2d_loops) is None


@pytest.mark.parametrize("wrong, text", [
    (lambda x, w, b: conv2d_loops(x, w, b, flip=True), "flipped the kernel"),
    (lambda x, w, b: conv2d_loops(x, w, b, bias=False), "except for the bias"),
    (lambda x, w, b: conv2d_loops(x, w, b, bias=False) + b.sum(), "its *own* bias"),
    (lambda x, w, b: conv2d_loops(x[..., :1], w[:, :, :1], b), "Only the first input"),
    (lambda x, w, b: np.zeros((6, 7, 2)), "'same' padding"),
    (lambda x, w, b: conv2d_loops(x, w, b).transpose(2, 0, 1), "channels-first"),
    (lambda x, w, b: np.zeros((4, 5, 3)), "one output channel per filter"),
])
def test_conv2d_mistakes_get_their_hint(wrong, text):
    assert text in hint("00.2", wrong)


# -- 00.3 parameters -------------------------------------------------------------
def test_params_reference_is_keras_count():
    import keras
    layer = keras.layers.Conv2D(64, 3)
    layer.build((None, 28, 28, 32))
    assert run("00.3", layer.count_params()) is None


@pytest.mark.parametrize("wrong, text", [
    (3 * 3 * 32 * 64, "forget the biases"), (3 * 3 * 32 + 1, "That is one filter"),
    ((3 * 3 + 1) * 64, "3·3·32 weights"), ((3 * 3 * 64 + 1) * 64, "input's channel count"),
    (3 * 3 * 32 + 64, "own 3·3·32 weights"),
])
def test_params_mistakes(wrong, text):
    assert text in hint("00.3", wrong)


# -- 00.4 worked example -----------------------------------------------------------
IMAGE = np.array([[1, 1, 1, 0, 0], [0, 1, 1, 1, 0], [0, 0, 1, 1, 1],
                  [0, 0, 1, 1, 0], [0, 1, 1, 0, 0]], dtype="float32")
KERNEL = np.array([[1, 0, 1], [0, 1, 0], [1, 0, 1]], dtype="float32")


def keras_correlate(image, kernel, padding="valid"):
    import keras
    y = keras.ops.conv(image[None, :, :, None], kernel[:, :, None, None], padding=padding)
    return keras.ops.convert_to_numpy(y)[0, :, :, 0]


def test_worked_example_from_keras_passes():
    answer = keras_correlate(IMAGE, KERNEL)
    np.testing.assert_array_equal(answer, [[4, 3, 4], [2, 4, 3], [2, 3, 4]])
    assert run("00.4", answer) is None


def test_worked_example_mistakes():
    assert "You padded" in hint("00.4", keras_correlate(IMAGE, KERNEL, "same"))
    assert "swapped" in hint("00.4", keras_correlate(IMAGE, KERNEL).T)
    assert "differs" in hint("00.4", np.ones((3, 3)))
