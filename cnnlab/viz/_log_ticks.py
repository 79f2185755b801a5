"""Log-axis tick labels as plain text: ``10⁻³`` without mathtext.

Matplotlib's default log-axis labels are mathtext (``$10^{-3}$``), which
pyparsing parses again on every draw: over half the time of a widget update.
:class:`PlainLogFormatter` gives the same labels (same ticks, same choice of
labelled minor ticks) written with Unicode superscripts, which DejaVu Sans has.

Examples
--------
>>> _plain(r"$\\mathdefault{10^{-3}}$"), _plain(r"$\\mathdefault{2\\times10^{1}}$")
('10⁻³', '2×10¹')
"""
from __future__ import annotations

import re

from matplotlib.ticker import LogFormatterSciNotation

_SUPERSCRIPT = str.maketrans("0123456789-−+", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁻⁺")


def _plain(label: str) -> str:
    """A LogFormatterSciNotation label with its mathtext replaced by Unicode."""
    match = re.fullmatch(r"\$\\mathdefault\{(.*)\}\$", label)
    if match is None:
        return label
    inner = match.group(1).replace(r"\times", "×").replace(r"\,", "")
    return re.sub(r"\^\{([^}]*)\}", lambda m: m.group(1).translate(_SUPERSCRIPT), inner)


class PlainLogFormatter(LogFormatterSciNotation):
    """:class:`~matplotlib.ticker.LogFormatterSciNotation` without mathtext."""

    def __call__(self, x, pos=None):
        return _plain(super().__call__(x, pos))


def plain_log_ticks(axis, *, decade_minors: bool = False) -> None:
    """Give a log-scaled ``ax.xaxis``/``ax.yaxis`` plain-text major and minor labels.

    ``decade_minors=True`` puts minor ticks only on whole decades (between
    labelled majors two decades apart) instead of 8 per decade: on an axis
    spanning ten decades that is ~10 ticks instead of ~100, and every tick
    costs drawing time.
    """
    from matplotlib.ticker import LogLocator, NullFormatter

    axis.set_major_formatter(PlainLogFormatter())
    if decade_minors:
        axis.set_minor_locator(LogLocator(subs=(1.0,), numticks=40))
        axis.set_minor_formatter(NullFormatter())
    else:
        axis.set_minor_formatter(PlainLogFormatter(labelOnlyBase=False))
