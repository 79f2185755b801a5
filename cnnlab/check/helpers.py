"""Building blocks for question banks: compare an answer, name the mistake.

Each helper raises :class:`~cnnlab.check.registry.NotYet` with a hint when the
answer is wrong, and returns quietly when it is right:

- :func:`expect_number`, :func:`expect_array`, :func:`expect_shape`: values;
- :func:`expect_function`: call the learner's NumPy function on several inputs
  and compare with a reference implementation;
- :func:`expect_model`: a Keras model (or its builder): output shape, parameter
  count (with hints for missing or extra biases), a forward pass;
- :func:`expect_true`: small experiments, checked by their outcome;
- :func:`expect_items`: an answer that is a tuple of several values.

Exceptions raised by the learner's code are left alone: the checker turns them
into feedback naming the learner's line.

Examples
--------
>>> expect_number(26, 26)
>>> try:
...     expect_number(28, 26, hints={28: "That is the 'same' size."})
... except NotYet as e:
...     print(e)
That is the 'same' size.
"""
from __future__ import annotations

import numbers

import numpy as np

from cnnlab.check.registry import NotYet


def expect_number(answer, expected, *, hints: dict | None = None, name: str = "answer",
                  rel: float = 0.0, abs_tol: float = 0.0) -> None:
    """Pass if ``answer`` equals ``expected`` (within tolerances); else hint.

    Parameters
    ----------
    hints : dict, optional
        Known wrong answers mapped to the hint for that mistake. A value may also
        be a callable ``f(answer) -> str | None`` under the key ``callable``.
    rel, abs_tol : float, optional
        Tolerances for float answers; integers must match exactly by default.
    """
    if isinstance(answer, (bool, str)) or not isinstance(answer, (numbers.Number, np.number)):
        raise NotYet(f"`{name}` should be a number; got {type(answer).__name__} {answer!r}.")
    tol = max(abs_tol, rel * abs(expected))
    if abs(answer - expected) <= tol:
        return
    for wrong, hint in (hints or {}).items():
        if callable(hint):
            message = hint(answer)
            if message:
                raise NotYet(message)
        elif abs(answer - wrong) <= tol:
            raise NotYet(hint)
    direction = "too large" if answer > expected else "too small"
    raise NotYet(f"{answer!r} is {direction}. Recheck the formula step by step.")


def expect_array(answer, expected, *, atol: float = 1e-6, name: str = "result",
                 hints: list | None = None) -> None:
    """Pass if ``answer`` has ``expected``'s shape and values (within ``atol``).

    ``hints`` is a list of ``(wrong_array, hint)`` pairs for known mistakes.
    """
    expected = np.asarray(expected)
    try:
        got = np.asarray(answer, dtype=float)
    except (TypeError, ValueError):
        raise NotYet(f"`{name}` should be an array of numbers; got {type(answer).__name__}.") from None
    if got.shape != expected.shape:
        for wrong, hint in hints or []:
            wrong = np.asarray(wrong)
            if got.shape == wrong.shape and np.allclose(got, wrong, atol=atol):
                raise NotYet(hint)
        raise NotYet(f"`{name}` has shape {got.shape}; expected {expected.shape}.")
    if np.allclose(got, expected, atol=atol):
        return
    for wrong, hint in hints or []:
        wrong = np.asarray(wrong)
        if got.shape == wrong.shape and np.allclose(got, wrong, atol=atol):
            raise NotYet(hint)
    worst = np.unravel_index(np.argmax(np.abs(got - expected)), got.shape)
    raise NotYet(f"`{name}` differs from the expected values; the largest difference is at "
                 f"index {tuple(int(i) for i in worst)} (got {got[worst]:.4g}, "
                 f"expected {expected[worst]:.4g}).")


def expect_shape(shape, expected, *, name: str = "shape") -> None:
    """Pass if ``tuple(shape) == tuple(expected)``; else say which axis differs."""
    try:
        got = tuple(shape)
    except TypeError:
        raise NotYet(f"`{name}` should be a tuple such as {tuple(expected)}; got {shape!r}.") from None
    if got == tuple(expected):
        return
    if len(got) != len(expected):
        raise NotYet(f"`{name}` has {len(got)} axes; expected {len(expected)}: {tuple(expected)}.")
    axes = [i for i, (a, b) in enumerate(zip(got, expected)) if a != b]
    raise NotYet(f"`{name}` {got} differs from the expected shape on axis {axes[0]}.")


def expect_true(condition, hint: str) -> None:
    """Pass if ``condition`` holds; else raise :class:`NotYet` with ``hint``.

    For small experiments checked by their outcome ("the residual net's final
    training loss is lower than the plain net's").

    Examples
    --------
    >>> expect_true(0.12 < 0.30, "The deeper plain net should train worse.")
    >>> try:
    ...     expect_true(False, "Train for more epochs.")
    ... except NotYet as e:
    ...     print(e)
    Train for more epochs.
    """
    if not bool(condition):
        raise NotYet(hint)


def expect_items(answer, count: int, hint: str) -> tuple:
    """Return ``answer`` as a tuple if it is a tuple or list of ``count`` items; else
    raise :class:`NotYet` with ``hint`` (which names the items the question asks for).

    Examples
    --------
    >>> expect_items([26, 320], 2, "Give a pair: (output side, parameters).")
    (26, 320)
    >>> try:
    ...     expect_items(26, 2, "Give a pair: (output side, parameters).")
    ... except NotYet as e:
    ...     print(e)
    Give a pair: (output side, parameters).
    """
    if not isinstance(answer, (tuple, list)) or len(answer) != count:
        raise NotYet(hint)
    return tuple(answer)


# ------------------------------------------------------------------ functions
def _brief(value) -> str:
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape}"
    text = repr(value)
    return text if len(text) <= 60 else f"a {type(value).__name__}"


def _call_text(name: str, args: tuple, kwargs: dict) -> str:
    parts = [_brief(a) for a in args] + [f"{k}={_brief(v)}" for k, v in kwargs.items()]
    return f"{name}({', '.join(parts)})"


def _is_number(value) -> bool:
    return (isinstance(value, (numbers.Number, np.number))
            and not isinstance(value, (bool, np.bool_)))


def _difference(got, expected, atol: float, rtol: float,
                what: str = "the result") -> str | None:
    """Describe how ``got`` differs from ``expected`` (``None`` if it does not)."""
    if expected is None:
        return None if got is None else f"{what} should be None; got {_brief(got)}"
    if got is None:
        return f"{what} is None — is a `return` missing?"
    if isinstance(expected, (tuple, list)):
        if not isinstance(got, (tuple, list)):
            return (f"{what} should be a {type(expected).__name__} of {len(expected)} "
                    f"items; got {_brief(got)}")
        if len(got) != len(expected):
            return f"{what} has {len(got)} items; expected {len(expected)}"
        for i, (g, e) in enumerate(zip(got, expected)):
            diff = _difference(g, e, atol, rtol, f"item {i} of {what}")
            if diff:
                return diff
        return None
    if isinstance(expected, dict):
        if not isinstance(got, dict) or set(got) != set(expected):
            return f"{what} should be a dict with keys {sorted(expected)}; got {_brief(got)}"
        for key in expected:
            diff = _difference(got[key], expected[key], atol, rtol, f"{what}[{key!r}]")
            if diff:
                return diff
        return None
    if _is_number(expected):
        if not _is_number(got) and not (isinstance(got, np.ndarray) and got.shape == ()):
            return f"{what} should be a number; got {_brief(got)}"
        if abs(float(got) - float(expected)) <= atol + rtol * abs(float(expected)):
            return None
        return f"{what} is {float(got):.6g}; expected {float(expected):.6g}"
    if isinstance(expected, np.ndarray):
        try:
            got = np.asarray(got, dtype=float)
        except (TypeError, ValueError):
            return f"{what} should be an array of numbers; got {_brief(got)}"
        if got.shape != expected.shape:
            return f"{what} has shape {got.shape}; expected {expected.shape}"
        if np.allclose(got, expected, atol=atol, rtol=rtol, equal_nan=True):
            return None
        worst = np.unravel_index(np.nanargmax(np.abs(got - expected)), got.shape) \
            if got.size else ()
        return (f"{what} differs from the expected values; the largest difference is at "
                f"index {tuple(int(i) for i in worst)} (got {got[worst]:.4g}, expected "
                f"{expected[worst]:.4g})")
    return None if got == expected else f"{what} is {_brief(got)}; expected {_brief(expected)}"


def _as_call(case) -> tuple[tuple, dict]:
    if isinstance(case, tuple):
        return case, {}
    if isinstance(case, dict):
        return (), dict(case)
    return (case,), {}


def expect_function(func, reference, cases, *, atol: float = 1e-6, rtol: float = 1e-6,
                    hints: list | None = None, name: str | None = None) -> None:
    """Pass if ``func`` agrees with ``reference`` on every case; else hint.

    Each case is run on fresh copies of its arguments, so a function that
    changes its input in place cannot spoil the reference.

    Parameters
    ----------
    func : callable
        The learner's function.
    reference : callable
        A right implementation (often from :mod:`cnnlab.ops` or :mod:`cnnlab.arith`).
    cases : iterable
        One entry per call: a tuple of positional arguments, a dict of keyword
        arguments, or any other value as the single argument (wrap a tuple that
        is one argument: ``((28, 28),)``).
    atol, rtol : float, optional
        Tolerances for numbers and arrays (``numpy.allclose`` semantics).
    hints : list of (callable, str), optional
        Known wrong implementations with their hint: when ``func``'s result on a
        failing case matches ``wrong(*args)``, that hint is given.
    name : str, optional
        The function's name in messages (default ``func.__name__``).

    Results may be numbers, arrays, ``None`` or tuples/lists/dicts of them
    (e.g. the ``(dx, dw, db)`` of a backward pass), compared item by item.

    Examples
    --------
    >>> import numpy as np
    >>> def relu(x):
    ...     return np.where(x > 0, x, 0.0)
    >>> cases = [np.array([-1.0, 0.5]), np.array([[2.0, -3.0]])]
    >>> expect_function(relu, lambda x: np.maximum(x, 0), cases)
    >>> try:
    ...     expect_function(np.abs, lambda x: np.maximum(x, 0), cases,
    ...                     hints=[(np.abs, "That is |x|: negatives must become 0.")])
    ... except NotYet as e:
    ...     print(e)
    That is |x|: negatives must become 0.
    """
    import copy

    if not callable(func):
        raise NotYet(f"Expected a function; got {_brief(func)}.")
    label = name or getattr(func, "__name__", "your function")
    for case in cases:
        args, kwargs = _as_call(case)
        expected = reference(*copy.deepcopy(args), **copy.deepcopy(kwargs))
        got = func(*copy.deepcopy(args), **copy.deepcopy(kwargs))
        diff = _difference(got, expected, atol, rtol)
        if diff is None:
            continue
        for wrong, hint in hints or []:
            try:
                wrong_result = wrong(*copy.deepcopy(args), **copy.deepcopy(kwargs))
            except Exception:      # noqa: BLE001 - a hint that does not apply
                continue
            if _difference(got, wrong_result, atol, rtol) is None:
                raise NotYet(hint)
        end = "" if diff.endswith(("?", ".")) else "."
        raise NotYet(f"{_call_text(label, args, kwargs)}: {diff}{end}")


# ------------------------------------------------------------------ models
def _all_layers(model) -> list:
    found = []
    for layer in getattr(model, "layers", []):
        found.append(layer)
        found.extend(_all_layers(layer))
    return found


def _bias_size(layer) -> int:
    bias = getattr(layer, "bias", None)
    if not getattr(layer, "use_bias", False) or bias is None:
        return 0
    return int(np.prod(bias.shape))


def _missing_bias(layer) -> int:
    if getattr(layer, "use_bias", None) is not False:
        return 0
    return int(getattr(layer, "filters", None) or getattr(layer, "units", None) or 0)


def _param_hint(model, got: int, params: int) -> str:
    layers = _all_layers(model)
    with_bias = sum(_bias_size(layer) for layer in layers)
    without = sum(_missing_bias(layer) for layer in layers)
    message = f"The model has {got:,} parameters; expected {params:,} ({got - params:+,})."
    if without and got + without == params:
        return (message + f" That is exactly the {without:,} biases of the layers built "
                "with use_bias=False: should they have biases?")
    if with_bias and got - with_bias == params:
        return (message + f" That is exactly its {with_bias:,} biases: should the layers "
                "use use_bias=False (for example a Conv2D followed by BatchNormalization)?")
    for layer in layers:
        if _bias_size(layer) and got - _bias_size(layer) == params:
            return message + f" That is exactly the bias of layer `{layer.name}`: use_bias=False?"
        if _missing_bias(layer) and got + _missing_bias(layer) == params:
            return message + f" That is exactly the bias layer `{layer.name}` lacks."
    return message + " Compare model.summary() with the layers the question describes."


def expect_model(model, input_shape, output_shape, params: int | None = None, *,
                 trainable_params: int | None = None, build_args: tuple = (),
                 build_kwargs: dict | None = None, hints: dict | None = None,
                 name: str = "model"):
    """Pass if a Keras model (or what a builder returns) has the expected form.

    Checks, in order: it is a ``keras.Model``; it runs a forward pass on a batch
    of two random inputs of ``input_shape``; its output shape (without batch)
    is ``output_shape`` and finite; it has ``params`` parameters (hints name an
    off-by-the-biases count) and ``trainable_params`` trainable ones.

    Parameters
    ----------
    model : keras.Model or callable
        The model, or the learner's function that builds it (called with
        ``build_args`` and ``build_kwargs``; its exceptions are the learner's).
    input_shape, output_shape : tuple of int
        Shapes without the batch axis, e.g. ``(28, 28, 1)`` and ``(10,)``.
    params, trainable_params : int, optional
        Expected ``count_params()`` and number of trainable parameters.
    hints : dict, optional
        Known wrong parameter counts mapped to their hint.

    Returns
    -------
    keras.Model
        The checked model, for further checks by the question.

    Examples
    --------
    >>> import keras
    >>> def build():
    ...     return keras.Sequential([keras.Input((4,)), keras.layers.Dense(3)])
    >>> expect_model(build, (4,), (3,), params=15).count_params()
    15
    >>> def no_bias():
    ...     return keras.Sequential([keras.Input((4,)), keras.layers.Dense(3, use_bias=False)])
    >>> try:
    ...     expect_model(no_bias, (4,), (3,), params=15)
    ... except NotYet as e:
    ...     print(e)  # doctest: +ELLIPSIS
    The model has 12 parameters; expected 15 (-3). That is exactly the 3 biases ...
    """
    import keras

    if not isinstance(model, keras.Model):
        if isinstance(model, keras.layers.Layer):
            raise NotYet(f"`{name}` is a layer, not a model: wrap it in keras.Sequential "
                         "or keras.Model(inputs, outputs).")
        if not callable(model):
            raise NotYet(f"`{name}` should be a Keras model or a function that builds "
                         f"one; got {_brief(model)}.")
        builder = getattr(model, "__name__", name)
        model = model(*build_args, **(build_kwargs or {}))
        if model is None:
            raise NotYet(f"`{builder}` returned None — is `return model` missing?")
        if not isinstance(model, keras.Model):
            raise NotYet(f"`{builder}` should return a keras.Model; got {_brief(model)}.")
    batch = np.random.default_rng(0).standard_normal((2, *input_shape)).astype("float32")
    try:
        output = model(batch, training=False)
    except Exception as err:
        from cnnlab.check._frames import _learner_frames
        if _learner_frames(err.__traceback__, frozenset()):
            raise
        first = (str(err).strip().splitlines() or [""])[0][:200]
        raise NotYet(f"The model does not accept a batch of inputs of shape "
                     f"{(None, *input_shape)} ({type(err).__name__}: {first}). "
                     "Check its Input shape.") from None
    if isinstance(output, (list, tuple, dict)):
        raise NotYet(f"`{name}` should have one output; it has {len(output)}.")
    got = tuple(int(d) for d in output.shape[1:])
    if got != tuple(output_shape):
        message = (f"The model's output shape is {(None, *got)}; expected "
                   f"{(None, *tuple(output_shape))}.")
        if len(got) > len(output_shape):
            message += " Is a Flatten or GlobalAveragePooling2D layer missing?"
        elif len(got) == len(output_shape) and got[-1] != tuple(output_shape)[-1]:
            message += f" The last layer should have {tuple(output_shape)[-1]} units or filters."
        raise NotYet(message)
    if not np.all(np.isfinite(keras.ops.convert_to_numpy(output))):
        raise NotYet("The model's output contains NaN or infinite values.")
    if params is not None:
        count = int(model.count_params())
        if count != params:
            hint = (hints or {}).get(count)
            raise NotYet(hint or _param_hint(model, count, params))
    if trainable_params is not None:
        count = int(sum(np.prod(w.shape) for w in model.trainable_weights))
        if count != trainable_params:
            raise NotYet(f"The model has {count:,} trainable parameters; expected "
                         f"{trainable_params:,}. Which layers should be frozen "
                         "(trainable=False), and which are non-trainable by design "
                         "(BatchNormalization's moving mean and variance)?")
    return model
