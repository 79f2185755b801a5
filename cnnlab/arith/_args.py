"""Argument checks that only ``cnnlab.arith`` needs (the shared ones are in
``cnnlab._validate``). Same message style::

    `input_shape` must be a sequence (H, W, C) of integers >= 1. Received: input_shape=(0, 3).
"""
from __future__ import annotations

from typing import Sequence

from cnnlab._validate import check_int, check_pair

__all__ = ["check_bool", "check_shape", "axes"]


def check_bool(name: str, value) -> bool:
    """Return ``value`` if it is a bool, else raise ``ValueError``.

    Examples
    --------
    >>> check_bool("bias", False)
    False
    """
    if not isinstance(value, bool):
        raise ValueError(f"`{name}` must be True or False. Received: {name}={value!r}.")
    return value


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


def axes(**pairs) -> tuple[bool, dict[str, tuple[int, int]]]:
    """Check int-or-pair arguments (>= 1); return (any given as a pair, pairs).

    Examples
    --------
    >>> axes(kernel=(3, 5), stride=1)
    (True, {'kernel': (3, 5), 'stride': (1, 1)})
    """
    paired = any(isinstance(v, Sequence) and not isinstance(v, str)
                 for v in pairs.values())
    return paired, {name: check_pair(name, v, 1) for name, v in pairs.items()}

