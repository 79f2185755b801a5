"""Labelled values for a notebook cell: ``cnnlab.show(params=25_120, ratio=78.5)``.

A cell that ends in a bare tuple prints ``(25120, 320, 78)``: the learner has
to guess which number is which, and count digits. :func:`show` gives each
value its name and formats it for reading -- integers with thousands
separators, floats to four significant digits, shapes as ``28 × 28 × 1`` --
as a small HTML table in a notebook and one plain line elsewhere (saved
notebooks keep both). A value that is itself a dict (a row of a table) or a
named tuple shows as its named values; the plain text then gives one line
per name.

Examples
--------
>>> show(dense=25120, conv=320, ratio=78.5)
dense 25,120 · conv 320 · ratio 78.5
>>> show(shape=(None, 28, 28, 1), accuracy=0.97812)
shape (None, 28, 28, 1) · accuracy 0.9781
"""
from __future__ import annotations

import html
import numbers


def format_value(value) -> str:
    """One value as a learner reads it.

    Examples
    --------
    >>> format_value(138357544), format_value(0.000123456), format_value(True)
    ('138,357,544', '0.0001235', 'True')
    >>> format_value((1438, 28, 28, 1))
    '(1438, 28, 28, 1)'
    >>> format_value({"parameters": 15866, "val accuracy": 0.94213})
    'parameters 15,866 · val accuracy 0.9421'
    """
    if isinstance(value, dict):
        return " · ".join(f"{name} {format_value(v)}" for name, v in value.items())
    if isinstance(value, tuple) and hasattr(value, "_asdict"):      # a named tuple
        return format_value(value._asdict())
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return str(value)
    if isinstance(value, numbers.Integral):
        return f"{int(value):,}"
    if isinstance(value, numbers.Real):
        number = float(value)
        if number == int(number) and abs(number) < 1e15:
            return f"{int(number):,}" if abs(number) >= 1e4 else f"{number:g}"
        return f"{number:,.4g}" if abs(number) >= 1 else f"{number:.4g}"
    if isinstance(value, tuple) or type(value).__name__ == "TensorShape":
        # a shape: plain integers (a separator would read as another axis)
        items = [str(v) if isinstance(v, numbers.Integral) or v is None else format_value(v)
                 for v in tuple(value)]
        return "(" + ", ".join(items) + ("," if len(items) == 1 else "") + ")"
    if isinstance(value, list):
        return "[" + ", ".join(format_value(v) for v in value) + "]"
    if hasattr(value, "shape") and hasattr(value, "dtype") and getattr(value, "ndim", 1) == 0:
        return format_value(value.item())
    return str(value)


_ALIGN = {"l": "left", "r": "right", "c": "center"}


def html_table(rows, header=None, *, align: str = "", footer=None, row_headers: bool = False,
               escape: bool = True, attrs: str = "", caption: str | None = None) -> str:
    """An HTML table of ``rows`` (sequences of cells), as every cnnlab object shows one.

    Parameters
    ----------
    rows : iterable of sequences
        The body; each cell is shown as ``str(cell)``.
    header, footer : sequence, optional
        A heading row (``<thead>``) and a totals row (``<tfoot>``).
    align : str, optional
        One letter per column, ``"l"``, ``"r"`` or ``"c"``; missing columns are
        left-aligned (Jupyter would right-align them).
    row_headers : bool, optional
        The first cell of each row names it (``<th>``): a name–value table.
    escape : bool, optional
        Escape the cells (default); ``False`` when they are HTML already.
    attrs : str, optional
        Attributes of ``<table>``, e.g. ``"class='cnnlab-progress'"``.
    caption : str, optional
        Plain text under the table.

    Returns
    -------
    str

    Examples
    --------
    >>> html_table([["conv1", 320]], ["layer", "parameters"], align="lr")[:60]
    "<table><thead><tr><th style='text-align:left'>layer</th><th "
    >>> html_table([["a<b", 1]]).count("&lt;")
    1
    """
    def row(cells, head=False):
        out = []
        for i, cell in enumerate(cells):
            tag = "th" if head or (row_headers and i == 0) else "td"
            side = _ALIGN[align[i] if i < len(align) else "l"]
            text = html.escape(str(cell)) if escape else str(cell)
            top = ";vertical-align:top" if row_headers else ""
            out.append(f"<{tag} style='text-align:{side}{top}'>{text}</{tag}>")
        return "<tr>" + "".join(out) + "</tr>"

    parts = [f"<table{' ' + attrs if attrs else ''}>"]
    if caption is not None:
        parts.append(f"<caption style='caption-side:bottom'>{html.escape(caption)}</caption>")
    if header is not None:
        parts.append(f"<thead>{row(header, True)}</thead>")
    parts.append("<tbody>" + "".join(row(r) for r in rows) + "</tbody>")
    if footer is not None:
        parts.append(f"<tfoot>{row(footer, True)}</tfoot>")
    return "".join(parts) + "</table>"


class Labelled(dict):
    """A dict of named values that displays as a table (see :func:`show`)."""

    def __repr__(self) -> str:
        rows = [f"{name} {format_value(v)}" for name, v in self.items()]
        nested = any(isinstance(v, dict) or hasattr(v, "_asdict") for v in self.values())
        return ("\n" if nested else " · ").join(rows)

    def _repr_html_(self) -> str:
        return html_table([(name, format_value(v)) for name, v in self.items()], align="lr",
                          row_headers=True)


def show(mapping: dict | None = None, /, **values) -> Labelled:
    """Name the values a cell shows; display them as a table.

    Parameters
    ----------
    mapping : dict, optional
        Values whose names are not Python identifiers (``{"MACs, 3x3": …}``).
    **values
        ``name=value`` pairs, shown in order.

    Returns
    -------
    Labelled
        A ``dict`` (index it as usual) that displays as a small table.

    Examples
    --------
    >>> show({"MACs, 1x1": 4816896}, parameters=6176)
    MACs, 1x1 4,816,896 · parameters 6,176
    >>> show(a=1)["a"]
    1
    >>> show({"mini": {"parameters": 15866, "val accuracy": 0.942},
    ...       "plain": {"parameters": 93322}})
    mini parameters 15,866 · val accuracy 0.942
    plain parameters 93,322
    """
    return Labelled({**(mapping or {}), **values})
