"""Question bank of lesson 02, pooling.

- 02.1 max pooling forward in NumPy;
- 02.2 max pooling backward (route each gradient to its window's winner);
- 02.3 output size after a 3x3, stride-2 pooling;
- 02.4 the weights of one dense unit after three unpooled 3x3 convolutions.

Examples
--------
>>> from cnnlab.check.registry import REGISTRY
>>> REGISTRY["02.4"].func(30977)
"""
from __future__ import annotations

import numpy as np

from cnnlab.check.helpers import expect_number
from cnnlab.check.registry import NotYet, question

#: the lesson's worked example
EXAMPLE = np.array([[12, 20, 30, 0], [8, 12, 2, 0], [34, 70, 37, 4], [112, 100, 25, 12]],
                   dtype=float)


def _windows(x, size, stride):
    """Yield (i, j, window view) for every 'valid' window of a 2-D array."""
    out_h = (x.shape[0] - size) // stride + 1
    out_w = (x.shape[1] - size) // stride + 1
    for i in range(out_h):
        for j in range(out_w):
            yield i, j, x[i * stride:i * stride + size, j * stride:j * stride + size]


def _pool(x, size, stride, reduce):
    out_h = (x.shape[0] - size) // stride + 1
    out_w = (x.shape[1] - size) // stride + 1
    y = np.empty((out_h, out_w))
    for i, j, win in _windows(x, size, stride):
        y[i, j] = reduce(win)
    return y


def _route(dy, x, size, stride, pick):
    """Backward of a pooling whose window sends its gradient where ``pick`` says."""
    dx = np.zeros_like(x, dtype=float)
    for i, j, win in _windows(x, size, stride):
        r, c = pick(win)
        dx[i * stride + r, j * stride + c] += dy[i, j]
    return dx


def _spread(dy, x, size, stride, share):
    dx = np.zeros_like(x, dtype=float)
    for i, j, _ in _windows(x, size, stride):
        dx[i * stride:i * stride + size, j * stride:j * stride + size] += dy[i, j] * share
    return dx


def _cases():
    rng = np.random.default_rng(2)
    # distinct values, so every window has exactly one winner
    odd = rng.permutation(49).reshape(7, 7).astype(float)
    wide = rng.permutation(60).reshape(6, 10).astype(float)
    return [(EXAMPLE, 2, 2), (odd, 3, 2), (wide, 2, 1), (odd, 3, 3)]


def _call(func, *args):
    try:
        return np.asarray(func(*[a.copy() if isinstance(a, np.ndarray) else a for a in args]),
                          dtype=float)
    except (TypeError, ValueError) as err:
        raise NotYet(f"Your function raised {type(err).__name__}: {err}. It should return "
                     "an array of numbers.") from None


def _same(a, b):
    return a.shape == b.shape and np.allclose(a, b)


@question("02.1", "Max pooling forward in NumPy")
def _max_pool(max_pool):
    for x, size, stride in _cases():
        got = _call(max_pool, x, size, stride)
        want = _pool(x, size, stride, np.max)
        if _same(got, want):
            continue
        where = f"max_pool(x of shape {x.shape}, size={size}, stride={stride})"
        if size != stride and (_same(got, _pool(x, stride, size, np.max))
                               or _same(got, _pool(x, size, size, np.max))
                               or _same(got, _pool(x, stride, stride, np.max))):
            raise NotYet(f"{where}: your windows move by the wrong step. `size` is the "
                         "window's width, `stride` how far it moves: window (i, j) starts at "
                         "row i*stride, column j*stride and spans `size` pixels.")
        if _same(got, _pool(x, size, 1, np.max)) and stride != 1:
            raise NotYet(f"{where}: you slid the window one pixel at a time; move it by "
                         "`stride` pixels.")
        if got.shape != want.shape:
            raise NotYet(f"{where} returned shape {got.shape}; expected {want.shape}. "
                         "Along each axis the output has (n - size) // stride + 1 entries "
                         "('valid' pooling drops an incomplete last window).")
        if _same(got, _pool(x, size, stride, np.mean)):
            raise NotYet(f"{where}: that is average pooling; take the maximum of each window.")
        if _same(got, _pool(x, size, stride, np.min)):
            raise NotYet(f"{where}: that is min pooling; take the maximum of each window.")
        raise NotYet(f"{where} returned {np.array2string(got, threshold=20)}; "
                     f"expected {np.array2string(want, threshold=20)}.")


@question("02.2", "Max pooling backward: route the gradient to the winner")
def _max_pool_backward(max_pool_backward):
    rng = np.random.default_rng(5)
    argmax = lambda w: np.unravel_index(np.argmax(w), w.shape)  # noqa: E731
    for x, size, stride in _cases():
        out = ((x.shape[0] - size) // stride + 1, (x.shape[1] - size) // stride + 1)
        dy = rng.integers(1, 9, size=out).astype(float)
        got = _call(max_pool_backward, dy, x, size, stride)
        want = _route(dy, x, size, stride, argmax)
        if _same(got, want):
            continue
        where = f"max_pool_backward(dy, x of shape {x.shape}, size={size}, stride={stride})"
        if got.shape != x.shape:
            raise NotYet(f"{where} returned shape {got.shape}; dx must have the shape of x, "
                         f"{x.shape}: one gradient per input pixel.")
        if _same(got, _spread(dy, x, size, stride, 1.0)):
            raise NotYet(f"{where}: you sent each window's gradient to every pixel of the "
                         "window. Only the winner (the maximum) influenced the output, so "
                         "only it gets the gradient; the others get 0.")
        if _same(got, _spread(dy, x, size, stride, 1.0 / size ** 2)):
            raise NotYet(f"{where}: that is average pooling's backward (dy / size² to every "
                         "pixel). Max pooling sends all of dy to the window's maximum.")
        if size > stride and _same(got, _assign_route(dy, x, size, stride, argmax)):
            raise NotYet(f"{where}: windows overlap here (stride < size), so one pixel can "
                         "win two windows and must receive both gradients. Add with += "
                         "instead of assigning with =.")
        if np.isclose(got.sum(), want.sum()):
            raise NotYet(f"{where}: the right amount of gradient, in the wrong place. Send "
                         "dy[i, j] to the position of the maximum of window (i, j): "
                         "np.unravel_index(np.argmax(window), window.shape), offset by "
                         "(i*stride, j*stride).")
        raise NotYet(f"{where} differs from the expected dx; check which pixel of each "
                     "window receives dy[i, j].")


def _assign_route(dy, x, size, stride, pick):
    dx = np.zeros_like(x, dtype=float)
    for i, j, win in _windows(x, size, stride):
        r, c = pick(win)
        dx[i * stride + r, j * stride + c] = dy[i, j]
    return dx


@question("02.3", "Output size after 3x3 pooling with stride 2")
def _pool_size(answer):
    expect_number(answer, 12, hints={
        13: "13 is 26 / 2: what a 2x2 window or 'same' padding would give. Here the window "
            "is 3 wide and padding is 'valid': (26 - 3) // 2 + 1.",
        24: "24 is the size with stride 1; the window moves by 2.",
        8: "26 // 3 treats the pooling as non-overlapping 3x3 tiles, but the window moves "
           "by 2, not 3.",
        11.5: "11.5 = (26 - 3) / 2: round down (a window that would run past the edge is "
              "dropped) and add 1 for the first window: (26 - 3) // 2 + 1.",
        12.5: "Round down before adding 1: (26 - 3) // 2 + 1.",
    }, name="answer")


@question("02.4", "Weights of one dense unit after three unpooled 3x3 convolutions")
def _dense_unit(answer):
    expect_number(answer, 64 * 22 * 22 + 1, hints={
        64 * 22 * 22: "Off by exactly one: the output unit also has a bias.",
        64 * 28 * 28 + 1: "Each 'valid' 3x3 convolution shrinks the map by 2 pixels per "
                          "axis: 28 -> 26 -> 24 -> 22.",
        64 * 19 * 19 + 1: "A 3x3 'valid' convolution shrinks a side by 2 (kernel - 1), "
                          "not by 3: 28 -> 26 -> 24 -> 22.",
        64 * 24 * 24 + 1: "That is after two convolutions; there are three: 28 -> 26 -> 24 -> 22.",
        22 * 22 + 1: "Flatten keeps every channel: multiply by the 64 channels too.",
        64 * 3 * 3 + 1: "The dense unit is connected to every value of the flattened "
                        "feature map, not to a 3x3 window.",
    }, name="answer")
