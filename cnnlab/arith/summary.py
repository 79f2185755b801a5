"""Layer-by-layer table of a Keras model: shapes, parameters, MACs, memory, receptive field.

:func:`summarize` reads the model it is given (Keras is not imported here);
:class:`Summary` holds the rows and renders them as text (``print``) or as an
HTML table (the last expression of a notebook cell).
"""
from __future__ import annotations

from typing import Iterator, Mapping, Sequence

from cnnlab._validate import check_int

__all__ = ["Summary", "summarize"]

_NUMERIC = ("params", "trainable", "non_trainable", "macs", "activations")
_COLUMNS = (("name", "Layer (type)"), ("output_shape", "Output shape"),
            ("params", "Params"), ("trainable", "Trainable"),
            ("non_trainable", "Non-trainable"), ("macs", "MACs"),
            ("activations", "Activations"), ("receptive_field", "Receptive field"))
MB = 10 ** 6   # memory is quoted in decimal megabytes, as on the slides


def _number(value) -> str:
    return "?" if value is None else f"{value:,}"


def _shape(value) -> str:
    if value is None:
        return "?"
    if value and isinstance(value[0], tuple):       # several outputs
        return ", ".join(_shape(v) for v in value)
    dims = ["None" if d is None else str(d) for d in value]
    return "(" + ", ".join(dims) + ("," if len(dims) == 1 else "") + ")"


def _field(value) -> str:
    if value is None:
        return "-"
    if isinstance(value, tuple):
        return "\u00d7".join(str(v) for v in value)
    return f"{value}\u00d7{value}"


def _megabytes(n_bytes: int) -> str:
    mb = n_bytes / MB
    return f"{mb:,.1f} MB" if mb >= 1 else f"{mb:.3f} MB"


def _cells(row: Mapping) -> list[str]:
    name = row["name"] + (f" ({row['type']})" if row.get("type") else "")
    return [name, _shape(row["output_shape"]), *(_number(row[k]) for k in _NUMERIC),
            _field(row["receptive_field"])]


class Summary:
    """Rows of a model summary with totals, as text, HTML and data.

    Parameters
    ----------
    rows : sequence of mapping
        One mapping per layer with the keys ``name``, ``output_shape``,
        ``params``, ``trainable``, ``non_trainable``, ``macs``,
        ``activations`` and ``receptive_field`` (``type`` optional).
        ``None`` marks an unknown value.
    name : str, optional
        Model name shown in the title.

    Attributes
    ----------
    rows : list of dict
        The rows, in the model's layer order.
    totals : dict
        Sums of the numeric keys (``None`` if any row's value is unknown).

    See Also
    --------
    summarize : build a Summary from a Keras model.

    Examples
    --------
    >>> s = Summary([
    ...     {"name": "in", "output_shape": (28, 28, 1), "params": 0, "trainable": 0,
    ...      "non_trainable": 0, "macs": 0, "activations": 784, "receptive_field": 1},
    ...     {"name": "conv", "output_shape": (26, 26, 32), "params": 320,
    ...      "trainable": 320, "non_trainable": 0, "macs": 194688,
    ...      "activations": 21632, "receptive_field": 3}], name="tiny")
    >>> s.totals["activations"], s.macs
    (22416, 194688)
    >>> s.activation_bytes()
    89664
    >>> s["conv"]["params"]
    320
    """

    def __init__(self, rows: Sequence[Mapping], name: str = "model"):
        self.name = name
        self.rows = [dict(r) for r in rows]
        self.totals = {}
        for key in _NUMERIC:
            values = [r[key] for r in self.rows]
            self.totals[key] = None if None in values else sum(values)

    # -- data ------------------------------------------------------------
    def __len__(self) -> int:
        return len(self.rows)

    def __iter__(self) -> Iterator[dict]:
        return iter(self.rows)

    def __getitem__(self, key: int | str) -> dict:
        """A row by position or by layer name."""
        if isinstance(key, str):
            for row in self.rows:
                if row["name"] == key:
                    return row
            raise KeyError(f"No layer named {key!r} in {self.name!r}.")
        return self.rows[key]

    @property
    def params(self) -> int:
        """Total number of weights."""
        return self.totals["params"]

    @property
    def trainable(self) -> int:
        """Total number of trainable weights."""
        return self.totals["trainable"]

    @property
    def non_trainable(self) -> int:
        """Total number of non-trainable weights (e.g. BatchNorm statistics)."""
        return self.totals["non_trainable"]

    @property
    def macs(self) -> int | None:
        """Multiply-accumulates of one forward pass on one image."""
        return self.totals["macs"]

    @property
    def activations(self) -> int | None:
        """Values computed in one forward pass on one image, input included."""
        return self.totals["activations"]

    def activation_bytes(self, dtype_bytes: int = 4) -> int | None:
        """Bytes of all activations of one image (float32: ``dtype_bytes=4``).

        Examples
        --------
        >>> Summary([{"name": "x", "output_shape": (10,), "params": 0,
        ...           "trainable": 0, "non_trainable": 0, "macs": 0,
        ...           "activations": 10, "receptive_field": None}]).activation_bytes(2)
        20
        """
        dtype_bytes = check_int("dtype_bytes", dtype_bytes, 1)
        acts = self.totals["activations"]
        return None if acts is None else acts * dtype_bytes

    def weight_bytes(self, dtype_bytes: int = 4) -> int:
        """Bytes of all weights (float32: ``dtype_bytes=4``); example under :meth:`bytes`."""
        dtype_bytes = check_int("dtype_bytes", dtype_bytes, 1)
        return self.totals["params"] * dtype_bytes

    def bytes(self, dtype_bytes: int = 4) -> dict:
        """``{"weights": ..., "activations": ...}`` in bytes.

        Examples
        --------
        >>> s = Summary([{"name": "d", "output_shape": (10,), "params": 110,
        ...               "trainable": 110, "non_trainable": 0, "macs": 100,
        ...               "activations": 10, "receptive_field": None}])
        >>> s.weight_bytes(), s.bytes()
        (440, {'weights': 440, 'activations': 40})
        """
        return {"weights": self.weight_bytes(dtype_bytes),
                "activations": self.activation_bytes(dtype_bytes)}

    # -- rendering -------------------------------------------------------
    def _memory_line(self) -> str:
        acts = self.activation_bytes()
        acts_text = "?" if acts is None else _megabytes(acts)
        return (f"Memory (float32): weights {_megabytes(self.weight_bytes())}; "
                "activations of one "
                f"image, forward pass {acts_text} "
                f"({_number(self.totals['activations'])} values).")

    def _total_cells(self) -> list[str]:
        return ["Total", "", *(_number(self.totals[k]) for k in _NUMERIC), ""]

    def __str__(self) -> str:
        header = [title for _, title in _COLUMNS]
        body = [_cells(r) for r in self.rows]
        total = self._total_cells()
        widths = [max(len(line[i]) for line in [header, *body, total])
                  for i in range(len(header))]

        def fmt(cells):
            left = [c.ljust(w) for c, w in zip(cells[:2], widths[:2])]
            right = [c.rjust(w) for c, w in zip(cells[2:], widths[2:])]
            return "  ".join(left + right).rstrip()

        rule = "-" * len(fmt(header))
        lines = [f'Model: "{self.name}"', fmt(header), rule, *map(fmt, body),
                 rule, fmt(total), self._memory_line()]
        return "\n".join(lines)

    def __repr__(self) -> str:
        return (f"<Summary {self.name!r}: {len(self.rows)} layers, "
                f"{_number(self.params)} params, {_number(self.macs)} MACs>")

    def _repr_html_(self) -> str:
        import html

        from cnnlab._display import html_table

        table = html_table(map(_cells, self.rows), [title for _, title in _COLUMNS],
                           align="ll" + "r" * len(_NUMERIC), footer=self._total_cells())
        return (f'<div class="cnnlab-summary"><b>Model: {html.escape(self.name)}</b>{table}'
                f"<p>{html.escape(self._memory_line())}</p></div>")


def summarize(model) -> Summary:
    """Layer-by-layer shapes, parameters, MACs, activations and receptive fields.

    Parameters
    ----------
    model : keras.Model
        Any built Keras model: Sequential (with a ``keras.Input`` or after
        ``build``), functional, nested, or a ``keras.applications`` model
        (``weights=None`` is enough: only shapes and weight counts are read).

    Returns
    -------
    Summary
        ``.rows``: one dict per layer, the input layer first, with ``name``,
        ``type``, ``output_shape`` (without the batch axis), ``params``,
        ``trainable``, ``non_trainable``, ``macs`` (one image; Conv1D/2D/3D,
        DepthwiseConv, SeparableConv, ConvTranspose and Dense, 0 for the
        others), ``activations`` (values in the output of one image) and
        ``receptive_field`` (input pixels one output value sees along the
        spatial path: an int if square, an ``(h, w)`` tuple otherwise, None
        after Flatten, Dense on vectors or global pooling). ``.totals`` sums
        the numeric keys. Print it for a text table; in a notebook it shows
        as an HTML table with totals and memory in MB (float32).

    Raises
    ------
    ValueError
        If ``model`` is not a built Keras model.

    Notes
    -----
    Nested models are recursed into: their layers appear as
    ``"submodel/layer"`` rows and the submodel has no row of its own. A layer
    called several times has one row, its weights counted once and its MACs
    and activations summed over the calls. Subclassed models (no graph) give
    parameter counts only. Bias additions are not counted as MACs. Receptive
    fields follow the rules in :mod:`cnnlab.arith.layer_rules` (merges take
    the largest field of their inputs).

    See Also
    --------
    conv_macs, conv_params, receptive_field : the formulas, one layer at a time.

    Examples
    --------
    >>> import keras
    >>> model = keras.Sequential([
    ...     keras.Input((28, 28, 1)),
    ...     keras.layers.Conv2D(32, 3, activation="relu"),
    ...     keras.layers.MaxPooling2D(),
    ...     keras.layers.Flatten(),
    ...     keras.layers.Dense(10)])
    >>> s = summarize(model)
    >>> [row["receptive_field"] for row in s.rows]
    [1, 3, 4, None, None]
    >>> s.totals["params"] == model.count_params()
    True
    >>> s.macs                                   # 26*26*32*9 + 5408*10
    248768
    """
    from cnnlab.arith.graph import collect

    return Summary(collect(model), name=getattr(model, "name", "model"))
