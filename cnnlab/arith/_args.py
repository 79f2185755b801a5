"""The argument checks only ``cnnlab.arith`` needs (the shared ones are in
``cnnlab._validate``)."""
from __future__ import annotations

from typing import Sequence

from cnnlab._validate import check_pair, check_shape

__all__ = ["axes", "hwc"]


def hwc(input_shape) -> tuple[int, int, int]:
    """Check an ``input_shape`` ``(H, W, C)`` of integers >= 1; return it as a tuple."""
    return check_shape("input_shape", input_shape, "(H, W, C)")


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

