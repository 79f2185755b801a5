"""Building blocks for question banks: compare an answer, name the mistake.

Each helper raises :class:`~cnnlab.check.registry.NotYet` with a hint when the
answer is wrong, and returns quietly when it is right.

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
