"""Question bank of lesson 13, a CNN from scratch in NumPy.

- 13.1 the backward pass of a dense layer;
- 13.2 softmax cross-entropy and its gradient with respect to the logits;
- 13.3 one Adam step, as ``keras.optimizers.Adam`` takes it;
- 13.4 the kernel gradient ``dw`` of a small convolution.

The references are :mod:`cnnlab.ops` and :class:`cnnlab.scratch.Adam`, which
the tests compare with Keras and TensorFlow.

Examples
--------
>>> from cnnlab.check.registry import REGISTRY
>>> from cnnlab.ops import dense_backward
>>> REGISTRY["13.1"].func(dense_backward)
'dx = dy·Wᵀ, dW = xᵀ·dy, db = Σ dy over the batch.'
"""
from __future__ import annotations

import numpy as np

from cnnlab.check.helpers import expect_function
from cnnlab.check.registry import NotYet, question


def _cases_dense():
    rng = np.random.default_rng(13)
    return [(rng.normal(size=(n, o)), rng.normal(size=(n, i)), rng.normal(size=(i, o)))
            for n, i, o in ((4, 3, 2), (5, 6, 6), (1, 2, 3))]


@question("13.1", "Backward pass of a dense layer")
def _dense_backward(dense_backward):
    from cnnlab.ops import dense_backward as reference

    if not callable(dense_backward):
        raise NotYet("`dense_backward` should be a function dense_backward(dy, x, w) "
                     "returning (dx, dw, db).")
    dy, x, w = _cases_dense()[0]
    out = dense_backward(dy.copy(), x.copy(), w.copy())
    if not isinstance(out, (tuple, list)) or len(out) != 3:
        raise NotYet("Return three arrays, in this order: (dx, dw, db).")
    shapes = [np.shape(a) for a in out]
    if shapes[0] == w.shape and shapes[1] == x.shape:
        raise NotYet("The order is (dx, dw, db): dx first (the shape of x), then dw "
                     "(the shape of w).")
    if shapes[1] == w.T.shape and shapes[1] != w.shape:
        raise NotYet(f"dw has shape {shapes[1]}, the shape of wᵀ. Keras' kernel is "
                     "(n_in, n_out): dw = x.T @ dy.")
    if shapes[2] == dy.shape:
        raise NotYet("db has one value per example; the bias is shared by the whole batch, "
                     "so sum dy over the batch axis: dy.sum(axis=0).")
    expect_function(dense_backward, reference, _cases_dense(), name="dense_backward", hints=[
        (lambda dy, x, w: (dy @ w.T, x.T @ dy / len(x), dy.sum(axis=0) / len(x)),
         "dw and db are divided by the batch size. The loss's gradient already carries the "
         "1/N of the mean (it is in dy): the backward pass only sums, x.T @ dy and "
         "dy.sum(axis=0)."),
        (lambda dy, x, w: (dy @ w.T, x.T @ dy, dy.mean(axis=0)),
         "db is the mean of dy over the batch; the bias adds to every example, so its "
         "gradient is the SUM: dy.sum(axis=0)."),
    ])
    return "dx = dy·Wᵀ, dW = xᵀ·dy, db = Σ dy over the batch."


def _cases_loss():
    rng = np.random.default_rng(7)
    cases = [(rng.normal(size=(6, 4)) * 2, rng.integers(0, 4, 6)),
             (np.array([[2.33, -1.46, 0.56]]), np.array([0]))]
    return cases


@question("13.2", "Softmax cross-entropy and its gradient")
def _softmax_ce(softmax_cross_entropy):
    from cnnlab.ops import one_hot, softmax
    from cnnlab.ops import softmax_cross_entropy as reference

    if not callable(softmax_cross_entropy):
        raise NotYet("`softmax_cross_entropy` should be a function (logits, labels) -> "
                     "(loss, dlogits).")
    logits, labels = _cases_loss()[0]
    out = softmax_cross_entropy(logits.copy(), labels.copy())
    if not isinstance(out, (tuple, list)) or len(out) != 2:
        raise NotYet("Return two things: (loss, dlogits).")
    if np.ndim(out[0]) != 0:
        raise NotYet(f"The loss should be one number, the mean over the batch; got shape "
                     f"{np.shape(out[0])}.")
    n = len(logits)
    p = softmax(logits)
    y = one_hot(labels, logits.shape[1])
    if np.isclose(float(out[0]), -np.log(p[np.arange(n), labels]).sum()):
        raise NotYet("The loss is the SUM over the batch; Keras (and this lesson) use the "
                     "mean: divide by N.")
    grad = np.asarray(out[1], dtype=float)
    if grad.shape == p.shape:
        if np.allclose(grad, p - y):
            raise NotYet("dlogits is p − onehot without the 1/N: the loss is a mean over "
                         "the N examples, so each row's gradient is divided by N.")
        if np.allclose(grad, p / n):
            raise NotYet("dlogits is p/N: subtract the one-hot labels, (p − onehot)/N; the "
                         "true class's logit must be pushed UP.")
        if np.allclose(grad, (y - p) / n):
            raise NotYet("dlogits has the wrong sign: it is (p − onehot)/N, the direction in "
                         "which the loss grows.")
    expect_function(softmax_cross_entropy, reference, _cases_loss(),
                    name="softmax_cross_entropy")
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        big = softmax_cross_entropy(np.array([[1e4, -1e4, 0.0]]), np.array([1]))
    if not (np.isfinite(float(big[0])) and np.all(np.isfinite(np.asarray(big[1], float)))):
        raise NotYet("With logits of ±1e4 your function returns inf or nan: exp(1e4) "
                     "overflows. Subtract each row's maximum from the logits first (it "
                     "cancels out of the softmax), and compute log p as z − log Σ exp z.")
    return "loss = mean −log p(true class); dlogits = (p − onehot)/N, stable for big logits."


def _adam_reference(w, g, m, v, t, learning_rate=0.001, beta_1=0.9, beta_2=0.999,
                    epsilon=1e-7):
    m = beta_1 * m + (1 - beta_1) * g
    v = beta_2 * v + (1 - beta_2) * g ** 2
    alpha = learning_rate * np.sqrt(1 - beta_2 ** t) / (1 - beta_1 ** t)
    return w - alpha * m / (np.sqrt(v) + epsilon), m, v


def _adam_cases():
    rng = np.random.default_rng(3)
    w, g = rng.normal(size=5), rng.normal(size=5) * 10 ** rng.uniform(-3, 1, 5)
    m, v = rng.normal(size=5) * 0.1, rng.uniform(0, 0.1, 5)
    return [(w, g, np.zeros(5), np.zeros(5), 1), (w, g, m, v, 7),
            {"w": w, "g": g, "m": m, "v": v, "t": 3, "learning_rate": 0.01}]


@question("13.3", "One Adam step")
def _adam(adam_step):
    if not callable(adam_step):
        raise NotYet("`adam_step` should be a function adam_step(w, g, m, v, t, ...) "
                     "returning (w, m, v).")
    out = adam_step(*[np.copy(a) if isinstance(a, np.ndarray) else a
                      for a in _adam_cases()[1]])
    if not isinstance(out, (tuple, list)) or len(out) != 3:
        raise NotYet("Return three arrays: the new (w, m, v).")

    def no_correction(w, g, m, v, t, learning_rate=0.001, beta_1=0.9, beta_2=0.999,
                      epsilon=1e-7):
        m = beta_1 * m + (1 - beta_1) * g
        v = beta_2 * v + (1 - beta_2) * g ** 2
        return w - learning_rate * m / (np.sqrt(v) + epsilon), m, v

    def eps_inside(w, g, m, v, t, learning_rate=0.001, beta_1=0.9, beta_2=0.999,
                   epsilon=1e-7):
        m = beta_1 * m + (1 - beta_1) * g
        v = beta_2 * v + (1 - beta_2) * g ** 2
        alpha = learning_rate * np.sqrt(1 - beta_2 ** t) / (1 - beta_1 ** t)
        return w - alpha * m / np.sqrt(v + epsilon), m, v

    def v_of_g(w, g, m, v, t, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7):
        m = beta_1 * m + (1 - beta_1) * g
        v = beta_2 * v + (1 - beta_2) * np.abs(g)
        alpha = learning_rate * np.sqrt(1 - beta_2 ** t) / (1 - beta_1 ** t)
        return w - alpha * m / (np.sqrt(v) + epsilon), m, v

    def plus(w, g, m, v, t, **kw):
        w2, m2, v2 = _adam_reference(w, g, m, v, t, **kw)
        return 2 * w - w2, m2, v2

    expect_function(adam_step, _adam_reference, _adam_cases(), name="adam_step",
                    atol=1e-9, rtol=1e-7, hints=[
        (no_correction,
         "The step has no bias correction. m and v start at 0, so early on they are too "
         "small; Keras multiplies the step by √(1 − β₂ᵗ)/(1 − β₁ᵗ) (t counts from 1)."),
        (eps_inside,
         "ε is inside the square root. Adam (and Keras' Adam) add ε to √v: "
         "m̂ / (√v̂ + ε); it is RMSprop in Keras that uses √(v + ε)."),
        (v_of_g,
         "v must average the SQUARED gradients, g², not |g|."),
        (plus,
         "The weights moved uphill: subtract the step, w − α·m/(√v + ε)."),
    ])
    return "m, v, the bias-corrected step size, and ε outside the root: Keras' Adam."


def _conv_dw_reference(x, dy):
    from cnnlab.ops import conv2d_backward

    kh = x.shape[0] - dy.shape[0] + 1
    kw = x.shape[1] - dy.shape[1] + 1
    _, dw, _ = conv2d_backward(dy[None, :, :, None], x[None, :, :, None],
                               np.zeros((kh, kw, 1, 1)))
    return dw[:, :, 0, 0]


def _conv_cases():
    rng = np.random.default_rng(11)
    return [(np.arange(16.0).reshape(4, 4), np.array([[1.0, 0.0, 2.0], [0.0, 1.0, 0.0],
                                                       [-1.0, 0.0, 1.0]])),
            (rng.normal(size=(5, 6)), rng.normal(size=(3, 3))),
            (rng.normal(size=(4, 5)), rng.normal(size=(3, 3)))]


@question("13.4", "The kernel gradient of a convolution")
def _conv_dw(conv_dw):
    if not callable(conv_dw):
        raise NotYet("`conv_dw` should be a function conv_dw(x, dy) returning dw.")
    expect_function(conv_dw, _conv_dw_reference, _conv_cases(), name="conv_dw", hints=[
        (lambda x, dy: _conv_dw_reference(x, dy[::-1, ::-1]),
         "You convolved: dy was flipped by 180° (scipy.signal.convolve2d and np.convolve "
         "flip their second argument). The forward pass correlates, and so does dw: "
         "dw[u, v] = Σ over (i, j) of x[i + u, j + v] · dy[i, j]."),
        (lambda x, dy: _conv_dw_reference(x, dy)[::-1, ::-1],
         "dw is rotated by 180°: dw[u, v] = Σ over (i, j) of x[i + u, j + v] · dy[i, j], "
         "with u, v counted from the top-left tap."),
        (lambda x, dy: _conv_dw_reference(x, dy) / dy.size,
         "dw is divided by the number of outputs: the backward pass sums x·dy over all "
         "output positions; any averaging is already in dy."),
        (lambda x, dy: _conv_dw_reference(x, dy).T,
         "dw is transposed: index it dw[u, v] with u the row offset, v the column offset "
         "of the window."),
    ])
    return "dw[u, v] = Σ x[i + u, j + v]·dy[i, j]: x correlated with dy."
