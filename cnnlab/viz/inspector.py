"""Model inspector: pick or build a model, see its cost layer by layer.

:class:`ModelInspector` shows, for one of several well-known models or for a
model built from a layer list (:func:`cnnlab.models.classic.from_spec`), the
table of :func:`cnnlab.arith.summarize` (output shapes, parameters, MACs,
activations, receptive fields, totals) and bar charts of parameters and MACs
per layer.

``keras.applications`` models are built with ``weights=None`` (nothing is
downloaded) on first use and cached, because VGG16 or ResNet50 take a few
seconds to build.

Examples
--------
>>> summary_of("classic convnet").params
93322
"""
from __future__ import annotations

from cnnlab._validate import check_choice, check_int
from cnnlab.viz.base import ExplorerBase

CUSTOM = "custom (layer list)"
DEFAULT_SPEC = "input 28x28x1, conv32, pool2, conv64, pool2, conv64, flatten, dense64, dense10"


def _applications(name):
    def build():
        import keras
        return getattr(keras.applications, name)(weights=None)
    return build


def _classic(name):
    def build():
        from cnnlab.models import classic
        return getattr(classic, name)()
    return build


#: the models offered, by menu label; each value builds the model
MODELS = {
    "classic convnet": _classic("classic_convnet"),
    "LeNet-5": _classic("lenet5"),
    "AlexNet (single tower)": _classic("alexnet"),
    "VGG16": _applications("VGG16"),
    "VGG19": _applications("VGG19"),
    "ResNet50": _applications("ResNet50"),
    "MobileNet": _applications("MobileNet"),
    "DenseNet121": _applications("DenseNet121"),
}

_SUMMARIES: dict = {}


def summary_of(name: str, spec: str | None = None):
    """The :class:`cnnlab.arith.Summary` of a menu model (cached).

    Parameters
    ----------
    name : str
        A key of :data:`MODELS`, or ``"custom (layer list)"`` with ``spec``.
    spec : str, optional
        Layer list for the custom model (see :func:`cnnlab.models.classic.from_spec`).

    Returns
    -------
    cnnlab.arith.Summary

    Examples
    --------
    >>> summary_of(CUSTOM, "input 8x8x3, conv4, flatten, dense2").params
    402
    """
    from cnnlab.arith import summarize

    check_choice("name", name, (*MODELS, CUSTOM))
    key = (name, " ".join(spec.split()) if name == CUSTOM else None)
    if key not in _SUMMARIES:
        if name == CUSTOM:
            from cnnlab.models.classic import from_spec
            model = from_spec(spec if spec is not None else DEFAULT_SPEC)
        else:
            model = MODELS[name]()
        _SUMMARIES[key] = summarize(model)
        if len(_SUMMARIES) > 40:                    # keep the cache small
            _SUMMARIES.pop(next((k for k in _SUMMARIES if k[0] == CUSTOM and k != key), None),
                           None)
    return _SUMMARIES[key]


def layer_costs(summary, top: int | None = None) -> dict:
    """Per-layer parameters and MACs of a summary, optionally only the largest.

    Parameters
    ----------
    summary : cnnlab.arith.Summary
    top : int, optional
        Keep the ``top`` layers with the most parameters + MACs (in model order);
        layers with neither are always left out.

    Returns
    -------
    dict
        ``labels``, ``params``, ``macs`` (lists), ``shown`` and ``costly``
        (number of layers shown and of layers with a cost).

    Examples
    --------
    >>> costs = layer_costs(summary_of("classic convnet"))
    >>> costs["labels"][0], costs["params"][0], costs["macs"][0]
    ('conv1', 320, 194688)
    """
    rows = [r for r in summary.rows if (r["params"] or 0) + (r["macs"] or 0) > 0]
    costly = len(rows)
    if top is not None and len(rows) > check_int("top", top, 1):
        p_total = max(summary.params or 1, 1)
        m_total = max(summary.macs or 1, 1)
        score = {id(r): (r["params"] or 0) / p_total + (r["macs"] or 0) / m_total for r in rows}
        keep = set(sorted(score, key=score.get, reverse=True)[:top])
        rows = [r for r in rows if id(r) in keep]
    return {"labels": [r["name"] for r in rows], "params": [r["params"] or 0 for r in rows],
            "macs": [r["macs"] or 0 for r in rows], "shown": len(rows), "costly": costly}


def _millions(n) -> str:
    if n is None:
        return "?"
    return f"{n / 1e9:,.2f} G" if n >= 1e9 else f"{n / 1e6:,.2f} M" if n >= 1e6 else f"{n:,}"


class ModelInspector(ExplorerBase):
    """Pick a model (or write one as a layer list) and see what it costs.

    Parameters
    ----------
    model : str, optional
        Starting model, a key of :data:`MODELS` or ``"custom (layer list)"``
        (default ``"classic convnet"``).
    spec : str, optional
        Starting layer list for the custom model.

    Notes
    -----
    Controls: model menu, layer list (used by the custom model), number of
    layers in the charts (the most expensive ones), log scale. The charts
    show each layer's *share* of the model's parameters and MACs, in percent
    on a linear axis; with *log scale* they show the counts themselves on a
    logarithmic axis (for layers whose costs span orders of magnitude). Below the
    figure, the full :func:`cnnlab.arith.summarize` table. ``result`` holds
    ``name``, ``summary``, ``totals`` and the :func:`layer_costs` lists.

    Examples
    --------
    >>> w = ModelInspector()  # doctest: +SKIP
    >>> w.result["totals"]["params"]  # doctest: +SKIP
    93322
    >>> w.controls["model"].value = CUSTOM  # doctest: +SKIP
    >>> w.controls["spec"].value = "input 28x28x1, conv32, flatten, dense10"  # doctest: +SKIP
    >>> w.result["totals"]["params"]  # doctest: +SKIP
    216650
    """

    figsize = (10.5, 4.4)

    def __init__(self, model: str = "classic convnet", *, spec: str = DEFAULT_SPEC):
        import ipywidgets as widgets

        check_choice("model", model, (*MODELS, CUSTOM))
        style = {"description_width": "initial"}
        self.table = widgets.HTML(layout=widgets.Layout(max_height="320px", overflow="auto",
                                                        border="1px solid #ddd"))
        controls = {
            "model": widgets.Dropdown(options=[*MODELS, CUSTOM], value=model,
                                      description="model", style=style),
            "spec": widgets.Text(spec, description="layer list (custom)", style=style,
                                 continuous_update=False, layout=widgets.Layout(width="95%")),
            "top": widgets.IntSlider(15, min=5, max=50, description="layers in chart",
                                     style=style, continuous_update=False),
            "log": widgets.Checkbox(False, description="log scale (counts)"),
        }
        layout = widgets.VBox([
            widgets.HBox([controls["model"], controls["top"], controls["log"]]),
            controls["spec"]])
        super().__init__(controls, layout_controls=layout)
        self.children = (*self.children, self.table)

    def compute(self, model, spec, top, log) -> dict:
        try:
            summary = summary_of(model, spec)
        except ValueError as err:
            raise ValueError(str(err)) from None
        name = model if model != CUSTOM else "custom"
        return {"name": name, "summary": summary, "totals": dict(summary.totals),
                "log": bool(log), **layer_costs(summary, top)}

    def draw(self, result, fig) -> None:
        from matplotlib.ticker import NullFormatter

        from cnnlab.plot import bars
        from cnnlab.viz._log_ticks import plain_log_ticks

        t = result["totals"]
        more = (f" ({result['shown']} largest of {result['costly']} layers)"
                if result["shown"] < result["costly"] else "")
        # the picture of the same bars is the last one: e.g. more "layers in
        # chart" than the model has layers changes nothing (no redraw, no PNG)
        key = (result["name"], more, result["log"], tuple(result["labels"]),
               tuple(result["params"]), tuple(result["macs"]), tuple(sorted(t.items())))
        if key == getattr(self, "_drawn", None) and self.kept_axes(fig):
            return
        self._drawn = key
        # the HTML table sits under the figure and follows the same result
        self.table.value = result["summary"]._repr_html_()
        # axes kept between updates (making them is half a redraw); reset below
        ax_p, ax_m = self.panels(fig, 2, left=0.16, right=0.95, wspace=0.62, top=0.84)
        log = result["log"]
        n = len(result["labels"])
        # text stays at 9 pt or more: the figure grows with the number of layers
        fig.set_size_inches(self.figsize[0], max(self.figsize[1], 1.3 + 0.22 * n))
        for ax, key, what in ((ax_p, "params", "parameters"),
                              (ax_m, "macs", "MACs per image")):
            ax.set_xscale("linear")              # what the last draw left on the axes
            ax.yaxis.set_inverted(False)
            ax.set_xlabel("")
            ax.relim()
            ax.set_autoscale_on(True)
            total = t[key] or 0
            if log:
                bars(ax, result["labels"], result[key], log=True,
                     title=f"{what}: {_millions(total)}")
                plain_log_ticks(ax.xaxis)     # 10³ as text, not mathtext
            else:
                shares = [round(100 * v / total, 1) if total else 0.0 for v in result[key]]
                bars(ax, result["labels"], shares,
                     title=f"{what}, % of {_millions(total)}")
                ax.set_xlabel("% of the model's total")
            ax.set_title(ax.get_title(), y=1.0)  # fixed: no per-draw search above ticks
        for ax in (ax_p, ax_m):
            ax.xaxis.set_minor_formatter(NullFormatter())
            ax.tick_params(axis="both", labelsize=9)
            for text in ax.texts:
                text.set_fontsize(9)
        acts = t["activations"]
        mem = "?" if acts is None else f"{acts * 4 / 1e6:,.1f} MB"
        # a figure text, not fig.suptitle: panels() removes the figure's texts
        fig.text(0.5, 0.98, f"{result['name']}{more}: weights "
                 f"{(t['params'] or 0) * 4 / 1e6:,.1f} MB, activations {mem} "
                 "(float32, forward, one image)", ha="center", va="top", fontsize=10)
