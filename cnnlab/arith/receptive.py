"""Receptive field of a stack of convolution and pooling layers.

With ``r_0 = 1`` and ``j_0 = 1`` (one input pixel, steps of one pixel), layer
``l`` with kernel ``k``, stride ``s`` and dilation ``d`` gives::

    r_l = r_{l-1} + d (k - 1) j_{l-1}        j_l = j_{l-1} s

``r`` is how many input pixels one output value depends on (along one axis),
``j`` (the "jump") how many input pixels apart two neighbouring outputs are.
Padding shifts the window but does not change ``r`` or ``j``.
"""
from __future__ import annotations

from typing import Sequence, Union

from cnnlab.arith._args import axes

__all__ = ["receptive_field"]

IntOrPair = Union[int, Sequence[int]]


def receptive_field(layers: Sequence[Sequence[IntOrPair]]) -> list[tuple]:
    """Receptive field and jump after each layer of a stack.

    Parameters
    ----------
    layers : sequence of (kernel, stride) or (kernel, stride, dilation)
        One tuple per convolution or pooling layer, input first. Each entry
        is an int or an ``(h, w)`` pair.

    Returns
    -------
    list of (receptive_field, jump)
        One pair per layer. Both are ints, or ``(h, w)`` pairs if any layer
        was given with pairs.

    Raises
    ------
    ValueError
        If ``layers`` is not a sequence of 2- or 3-tuples of integers >= 1.

    See Also
    --------
    cnnlab.arith.summarize : receptive field of every layer of a Keras model.

    Examples
    --------
    Three stacked 3x3 convolutions see as far as one 7x7:

    >>> receptive_field([(3, 1), (3, 1), (3, 1)])
    [(3, 1), (5, 1), (7, 1)]

    A pooling layer doubles the jump, so the next 3x3 grows the field by 4:

    >>> receptive_field([(3, 1), (2, 2), (3, 1)])
    [(3, 1), (4, 2), (8, 2)]
    >>> receptive_field([(3, 1, 2), ((1, 7), 1)])
    [((5, 5), (1, 1)), ((5, 11), (1, 1))]
    """
    if isinstance(layers, (str, bytes)) or not isinstance(layers, Sequence):
        raise ValueError("`layers` must be a sequence of (kernel, stride) or "
                         "(kernel, stride, dilation) tuples. "
                         f"Received: layers={layers!r}.")
    checked, any_pair = [], False
    for i, layer in enumerate(layers):
        if (isinstance(layer, (str, bytes)) or not isinstance(layer, Sequence)
                or len(layer) not in (2, 3)):
            raise ValueError("`layers` must be a sequence of (kernel, stride) or "
                             "(kernel, stride, dilation) tuples. "
                             f"Received: layers[{i}]={layer!r}.")
        kernel, stride, *rest = layer
        paired, v = axes(kernel=kernel, stride=stride,
                         dilation=rest[0] if rest else 1)
        any_pair = any_pair or paired
        checked.append(v)
    r, j, out = [1, 1], [1, 1], []
    for v in checked:
        for a in (0, 1):
            r[a] += v["dilation"][a] * (v["kernel"][a] - 1) * j[a]
            j[a] *= v["stride"][a]
        out.append(((r[0], r[1]), (j[0], j[1])) if any_pair else (r[0], j[0]))
    return out
