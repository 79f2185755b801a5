"""Argument checks shared by the pure-Python layers (``arith``, ``ops``).

Every error follows the house style::

    `strides` must be an integer >= 1. Received: strides=0.
"""
from __future__ import annotations

import math
import numbers
from typing import Sequence

PADDINGS = ("valid", "same")
#: how an image's shape is named in every `input_shape` error
IMAGE_SHAPE = "(height, width, channels)"


def check_int(name: str, value, minimum: int = 0) -> int:
    """Return ``value`` if it is an integer >= ``minimum``, else raise ``ValueError``.

    Examples
    --------
    >>> check_int("filters", 32, 1)
    32
    """
    if (isinstance(value, bool) or not isinstance(value, numbers.Integral)
            or value < minimum):
        raise ValueError(f"`{name}` must be an integer >= {minimum}. "
                         f"Received: {name}={value!r}.")
    return int(value)


def check_number(name: str, value, low: float | None = None, high: float | None = None, *,
                 low_open: bool = False, high_open: bool = False, unit: str = "") -> float:
    """Return ``value`` as a float if it is a finite real number in the interval.

    ``low``/``high`` bound it (``None``: unbounded), closed unless ``low_open`` /
    ``high_open``; ``unit`` is added to the rule in parentheses.

    Examples
    --------
    >>> check_number("rate", 0.5, 0, 1, high_open=True)
    0.5
    >>> check_number("eps", 0, 0, low_open=True)
    Traceback (most recent call last):
    ...
    ValueError: `eps` must be a number > 0. Received: eps=0.
    """
    ok = (not isinstance(value, bool) and isinstance(value, numbers.Real)
          and math.isfinite(value)
          and (low is None or (value > low if low_open else value >= low))
          and (high is None or (value < high if high_open else value <= high)))
    if not ok:
        if high is None:
            rule = f"{'>' if low_open else '>='} {low:g}"
        elif low is None:
            rule = f"{'<' if high_open else '<='} {high:g}"
        else:
            rule = f"in {'(' if low_open else '['}{low:g}, {high:g}{')' if high_open else ']'}"
        rule += f" ({unit})" if unit else ""
        raise ValueError(f"`{name}` must be a number {rule}. Received: {name}={value!r}.")
    return float(value)


def check_seed(name: str, value, none_ok: bool = True) -> int | None:
    """Return a seed: an integer >= 0 (or ``None`` when ``none_ok``), else raise.

    Examples
    --------
    >>> check_seed("seed", None) is None
    True
    >>> check_seed("seed", -1)
    Traceback (most recent call last):
    ...
    ValueError: `seed` must be None or an integer >= 0. Received: seed=-1.
    """
    if value is None and none_ok:
        return None
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 0:
        rule = "None or an integer >= 0" if none_ok else "an integer >= 0"
        raise ValueError(f"`{name}` must be {rule}. Received: {name}={value!r}.")
    return int(value)


def check_ints(name: str, value, minimum: int = 1, *, scalar_ok: bool = False) -> tuple[int, ...]:
    """Return a non-empty sequence of integers >= ``minimum`` as a tuple, else raise.

    With ``scalar_ok``, one integer stands for a sequence of one.

    Examples
    --------
    >>> check_ints("blocks", [6, 12, 24, 16])
    (6, 12, 24, 16)
    >>> check_ints("filters", 32, scalar_ok=True)
    (32,)
    """
    if scalar_ok and isinstance(value, numbers.Integral) and not isinstance(value, bool):
        value = (value,)
    if isinstance(value, Sequence) and not isinstance(value, (str, bytes)) and len(value):
        try:
            return tuple(check_int(name, v, minimum) for v in value)
        except ValueError:
            pass
    raise ValueError(f"`{name}` must be a non-empty sequence of integers >= {minimum}. "
                     f"Received: {name}={value!r}.")


def check_pair(name: str, value, minimum: int = 1) -> tuple[int, int]:
    """Accept an int or an ``(h, w)`` pair of ints; return the pair.

    Examples
    --------
    >>> check_pair("kernel", 3)
    (3, 3)
    >>> check_pair("kernel", (1, 7))
    (1, 7)
    """
    pair = value if isinstance(value, Sequence) and not isinstance(value, str) else (value, value)
    if len(pair) == 2:
        try:
            return (check_int(name, pair[0], minimum), check_int(name, pair[1], minimum))
        except ValueError:
            pass
    raise ValueError(f"`{name}` must be an integer >= {minimum} or a pair "
                     f"(h, w) of them. Received: {name}={value!r}.")


def check_padding(padding):
    """Return ``"valid"``, ``"same"`` or a non-negative int, else raise.

    Examples
    --------
    >>> check_padding("SAME")
    'same'
    >>> check_padding(2)
    2
    """
    if isinstance(padding, str):
        p = padding.lower()
        if p in PADDINGS:
            return p
    elif not isinstance(padding, bool) and isinstance(padding, numbers.Integral) and padding >= 0:
        return int(padding)
    raise ValueError("`padding` must be 'valid', 'same' or an integer >= 0. "
                     f"Received: padding={padding!r}.")


def check_choice(name: str, value, choices: Sequence[str]):
    """Return ``value`` if it is one of ``choices``, else raise naming them all.

    Examples
    --------
    >>> check_choice("kind", "max", ("max", "avg"))
    'max'
    """
    if value not in choices:
        allowed = ", ".join(repr(c) for c in choices)
        raise ValueError(f"`{name}` must be one of {allowed}. Received: {name}={value!r}.")
    return value


def check_bool(name: str, value) -> bool:
    """Return ``value`` as a bool if it is one (NumPy's too), else raise ``ValueError``.

    Examples
    --------
    >>> check_bool("bias", False)
    False
    """
    if not isinstance(value, bool) and type(value).__name__ not in ("bool", "bool_"):
        raise ValueError(f"`{name}` must be True or False. Received: {name}={value!r}.")
    return bool(value)


def check_shape(name: str, value, labels: str = "(H, W, C)") -> tuple[int, ...]:
    """Return ``value`` as a tuple of ints >= 1 of the length ``labels`` names.

    Examples
    --------
    >>> check_shape("input_shape", [28, 28, 1])
    (28, 28, 1)
    """
    length = labels.count(",") + 1
    ok = (isinstance(value, Sequence) and not isinstance(value, str)
          and len(value) == length)
    if ok:
        try:
            return tuple(check_int(name, v, 1) for v in value)
        except ValueError:
            pass
    raise ValueError(f"`{name}` must be a sequence {labels} of integers >= 1. "
                     f"Received: {name}={value!r}.")


def check_input_shape(value) -> tuple[int, int, int]:
    """A model's ``input_shape``: :func:`check_shape` with :data:`IMAGE_SHAPE`'s wording.

    Examples
    --------
    >>> check_input_shape((28, 28, 1))
    (28, 28, 1)
    """
    return check_shape("input_shape", value, IMAGE_SHAPE)
