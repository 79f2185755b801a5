"""Axis limits that stay still while a control moves, so a widget's update can blit.

``set_xlim``/``set_ylim`` mark the figure stale even when the limits do not
change, and a stale figure is drawn whole (:meth:`cnnlab.viz.base.ExplorerBase.animate`).
:func:`round_up` gives a limit from a short ladder of round numbers that most
slider steps stay under; :func:`keep_or_round_up` keeps a limit while it
still fits (hysteresis: moving a slider back and forth never changes it);
:func:`set_lim` sets a limit only when it changes.

Examples
--------
>>> round_up(1024 * 1.12), round_up(0.07)
(1250.0, 0.08)
"""
from __future__ import annotations

import math

#: mantissas of the round limits: consecutive ones at most 1.5× apart
STEPS = (1, 1.25, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10)


def round_up(value: float, steps: tuple = STEPS) -> float:
    """The smallest ``m × 10ⁿ`` (``m`` in ``steps``) that is >= ``value``; 1 for ``value <= 0``.

    Examples
    --------
    >>> round_up(101), round_up(3.2e6, steps=(1, 2, 5, 10))
    (125.0, 5000000.0)
    """
    if not value > 0:
        return 1.0
    scale = 10.0 ** math.floor(math.log10(value))
    # 12 significant digits: 8 × 0.01 is 0.08, not 0.08000000000000002
    limits = [float(f"{m * scale:.12g}") for m in (*steps, 10 * steps[0])]
    return next(limit for limit in limits if limit >= value)


def set_lim(ax, *, x: tuple | None = None, y: tuple | None = None) -> bool:
    """Set ``ax``'s x/y limits to ``x``/``y`` where they differ; True if any changed.

    Examples
    --------
    >>> from cnnlab.plot._figure import new_figure
    >>> ax = new_figure().add_subplot()
    >>> set_lim(ax, y=(0, 125.0)), set_lim(ax, y=(0, 125.0))
    (True, False)
    """
    import numpy as np

    changed = False
    for limits, get, setter in ((x, ax.get_xlim, ax.set_xlim), (y, ax.get_ylim, ax.set_ylim)):
        # equal to 1e-9: a log axis gives back 10⁻¹⁰ as 1.0000000000000006e-10
        if limits is not None and not np.allclose(get(), limits, rtol=1e-9, atol=0):
            setter(*limits)
            changed = True
    return changed


def keep_or_round_up(current: float, needed: float, *, slack: float = 2.0,
                     room: float = 1.2) -> float:
    """``current`` if ``needed <= current <= slack × needed``, else a new round limit.

    A new limit is ``round_up(needed)`` when shrinking and
    ``round_up(room × needed)`` when growing, so a slider dragged on does not
    change it again at the next step. The data then fill at least
    ``1 / slack`` of the axis.

    Examples
    --------
    >>> keep_or_round_up(250.0, 194.2), keep_or_round_up(200.0, 208.3)
    (250.0, 250.0)
    >>> keep_or_round_up(1000.0, 90.0)
    100.0
    """
    if needed <= current <= slack * needed:
        return current
    return round_up(room * needed if needed > current else needed)
