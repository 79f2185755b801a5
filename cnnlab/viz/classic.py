"""Classic-networks chart: ImageNet top-5 error against parameters or MACs.

:class:`ClassicNetworksExplorer` (made by :func:`classic_chart`) plots the
ImageNet networks of :data:`cnnlab.models.catalog.NETWORKS`, AlexNet (2012) to
NASNet (2018), as top-5 error against size, with

- a toggle between parameters and multiply–accumulates (MACs) per image on
  a logarithmic x axis;
- a toggle between the figures the papers state and the counts cnnlab
  computes (:func:`cnnlab.models.catalog.counts`); a paper that states no figure
  is drawn hollow, at cnnlab's count;
- the human top-5 error of 5.1 % (Russakovsky et al. 2015) as a line;
- a checkbox per network and a details panel for a picked network: its
  reference, what its top-5 figure is (test or validation set, ensemble or
  single model), the source of every number and its idea.

Circles are ILSVRC test-set figures of *ensembles*; squares are single
models on the validation set: the two are not measured the same way, and the
chart says so.

The chart never builds a heavy Keras model: its rows come from
:func:`chart_rows`, which asks :func:`cnnlab.models.catalog.counts` with
``build=False`` (the large ``keras.applications`` models come from
:data:`cnnlab.models.catalog.CACHED_COUNTS`). The pure function :func:`chart_data`
does all the arithmetic; the widget only draws its result.

Examples
--------
>>> rows = chart_rows()
>>> r = chart_data(rows, axis="params", counts="paper")
>>> [(p["name"], p["x"], p["stated"]) for p in r["points"]][:2]
[('AlexNet', 60000000, True), ('ZFNet', 62357608, False)]
>>> r["below_human"]
['ResNet-152', 'NASNet-A Large']
"""
from __future__ import annotations

import html

from cnnlab._display import html_table
from cnnlab._validate import check_choice
from cnnlab.viz._limits import set_lim
from cnnlab.viz.base import ExplorerBase

#: the two x axes: key -> axis label
AXES = {"params": "parameters (log scale)",
        "macs": "multiply–accumulates per image (log scale)"}
#: the two kinds of counts: key -> legend text
COUNTS = {"paper": "as the paper states them", "cnnlab": "computed by cnnlab"}
#: marker colour and shape for ensembles on the ILSVRC test set / single models
STYLE = {True: ("#4c78a8", "o"), False: ("#f58518", "s")}
#: label offsets in points (x, y) where two networks sit close together
LABEL_OFFSETS = {"AlexNet": (7, 4), "ZFNet": (7, -11), "ResNet-152": (7, -11),
                 "NASNet-A Large": (7, 4), "GoogLeNet": (7, -11), "DenseNet-121": (7, 1),
                 "NASNet-A Mobile": (7, 3)}


def chart_rows(build: bool = False) -> list[dict]:
    """The ImageNet networks of :mod:`cnnlab.models.catalog`, with what the chart needs.

    Parameters
    ----------
    build : bool, optional
        Passed to :func:`cnnlab.models.catalog.counts`. The default ``False`` never
        builds the heavy ``keras.applications`` models (their counts come
        from :data:`cnnlab.models.catalog.CACHED_COUNTS`); the light models
        (AlexNet, MobileNet) are built once per session and cached.

    Returns
    -------
    list of dict
        The rows of :func:`cnnlab.models.catalog.table` (``imagenet_only=True``)
        plus ``reference``, ``url``, ``top5_detail``, ``params_source``,
        ``macs_source``, ``counts_source`` (what computed ``params`` and
        ``macs``) and ``ensemble`` (the top-5 figure is an ensemble's).

    Examples
    --------
    >>> row = chart_rows()[0]
    >>> row["name"], row["ensemble"], row["counts_source"]
    ('AlexNet', True, 'cnnlab.models.alexnet()')
    """
    from cnnlab.models import catalog

    rows = []
    for row in catalog.table(build=build, imagenet_only=True):
        net = catalog.get(row["name"])
        rows.append(dict(row, reference=net.reference, url=net.url,
                         top5_detail=net.top5_detail, params_source=net.params_source,
                         macs_source=net.macs_source,
                         counts_source=catalog.counts(net.name, build).source,
                         ensemble="ensemble" in net.top5_detail.lower()))
    return rows


def _details(row: dict, human: float) -> dict:
    """The details panel's facts for one row (ratios computed where both exist)."""
    details = {key: row[key] for key in (
        "name", "year", "reference", "url", "ilsvrc", "top5_error", "top5_detail",
        "paper_params", "params_source", "paper_macs", "macs_source", "params", "macs",
        "counts_source", "idea", "ensemble")}
    for key in ("params", "macs"):
        paper = row[f"paper_{key}"]
        details[f"{key}_ratio"] = None if not paper else row[key] / paper
    details["beats_human"] = row["top5_error"] < human
    return details


def chart_data(rows: list[dict], axis: str = "params", counts: str = "cnnlab",
               networks=None, pick: str | None = None) -> dict:
    """Points, labels and details of the classic-networks chart.

    Parameters
    ----------
    rows : list of dict
        As :func:`chart_rows` returns them.
    axis : {"params", "macs"}, optional
        Parameters or multiply–accumulates per image on the x axis.
    counts : {"paper", "cnnlab"}, optional
        Use the figures the papers state, or cnnlab's counts. Where a paper
        states none, cnnlab's count is used and the point is marked
        ``stated=False``.
    networks : sequence of str, optional
        Names of the networks to show (default: all rows).
    pick : str, optional
        A network (shown or not) whose details to return.

    Returns
    -------
    dict
        ``points`` (one dict per shown network, oldest first: ``name``,
        ``year``, ``x``, ``y`` (top-5 error in %), ``stated`` (x is of the
        kind asked for), ``ensemble``), ``human`` (5.1), ``below_human``
        (shown networks with a lower top-5 error), ``missing`` (shown
        networks whose paper states no figure for ``axis``), ``xlabel``,
        ``title``, ``axis``, ``counts``, ``pick`` (the picked network's
        details, or ``None``) and ``summary`` (one line).

    Raises
    ------
    ValueError
        For an unknown axis, kind of counts, network or pick, or when no
        network is shown.

    Examples
    --------
    >>> r = chart_data(chart_rows(), "macs", networks=["VGG-16", "MobileNet"])
    >>> [(p["name"], p["x"]) for p in r["points"]]
    [('VGG-16', 15470264320), ('MobileNet', 568740352)]
    >>> r["summary"]
    'VGG-16 → MobileNet: 27.2× fewer MACs, top-5 error 7.3 % → 10.5 %'
    """
    from cnnlab.models import catalog

    axis = catalog.axis_choice(axis)
    counts = check_choice("counts", counts, tuple(COUNTS))
    by_name = {row["name"]: row for row in rows}
    if networks is None:
        networks = list(by_name)
    if isinstance(networks, str):
        networks = [networks]
    unknown = [n for n in networks if n not in by_name]
    if unknown:
        raise ValueError(f"`networks` must name networks of the chart "
                         f"({', '.join(by_name)}). Received: networks={list(networks)!r}.")
    shown = [row for row in rows if row["name"] in set(networks)]
    if not shown:
        raise ValueError("`networks` must name at least one network: tick one. "
                         f"Received: networks={list(networks)!r}.")
    if pick is not None and pick not in by_name:
        raise ValueError(f"`pick` must be one of {', '.join(map(repr, by_name))}. "
                         f"Received: pick={pick!r}.")
    human = catalog.HUMAN_TOP5_ERROR
    points, missing = [], []
    for row in shown:
        paper = row[f"paper_{axis}"]
        stated = counts == "cnnlab" or paper is not None
        if not stated:
            missing.append(row["name"])
        x = row[axis] if counts == "cnnlab" or paper is None else paper
        points.append(dict(name=row["name"], year=row["year"], x=int(x),
                           y=float(row["top5_error"]), stated=stated,
                           ensemble=bool(row["ensemble"])))
    what = "parameters" if axis == "params" else "MACs"
    title = f"ImageNet top-5 error against {what} ({COUNTS[counts]})"
    return dict(points=points, human=human, axis=axis, counts=counts,
                below_human=[p["name"] for p in points if p["y"] < human],
                missing=missing, xlabel=AXES[axis], title=title,
                pick=None if pick is None else _details(by_name[pick], human),
                summary=_summary(points, what))


def _summary(points: list[dict], what: str) -> str:
    """One line comparing the largest and the smallest network shown."""
    if len(points) == 1:
        p = points[0]
        return f"{p['name']}: {p['x']:,} {what}, top-5 error {p['y']:g} %"
    big = max(points, key=lambda p: p["x"])
    small = min(points, key=lambda p: p["x"])
    return (f"{big['name']} → {small['name']}: {big['x'] / small['x']:.1f}× fewer "
            f"{what}, top-5 error {big['y']:g} % → {small['y']:g} %")


def _stated(value, source: str) -> str:
    """``'60,000,000 (paper, abstract: …)'``, or the source alone if no figure."""
    source = html.escape(source)
    return source if value is None else f"{value:,} ({source})"


def details_html(details: dict | None) -> str:
    """The details panel for :func:`chart_data`'s ``pick`` as HTML.

    Examples
    --------
    >>> d = chart_data(chart_rows(), pick="MobileNet")["pick"]
    >>> "Howard et al." in details_html(d) and "4,253,864" in details_html(d)
    True
    """
    if not details:
        return ""
    e = html.escape
    ratio = {key: (f" = {details[f'{key}_ratio']:.3g}× the paper's"
                   if details[f"{key}_ratio"] else "") for key in ("params", "macs")}
    human = ("below" if details["beats_human"] else "above")
    rows = [
        ("paper", f"<a href='{e(details['url'])}' target='_blank'>"
                  f"{e(details['reference'])}</a>"),
        ("ILSVRC", e(details["ilsvrc"])),
        ("top-5 error", f"<b>{details['top5_error']:g} %</b>: {e(details['top5_detail'])}"
                        f" ({human} the human 5.1 %)"),
        ("parameters", f"paper: {_stated(details['paper_params'], details['params_source'])}"
                       f"; cnnlab: <b>{details['params']:,}</b>{ratio['params']}"),
        ("MACs", f"paper: {_stated(details['paper_macs'], details['macs_source'])}"
                 f"; cnnlab: <b>{details['macs']:,}</b>{ratio['macs']}"),
        ("counted by", f"<code>{e(details['counts_source'])}</code>"),
        ("idea", e(details["idea"])),
    ]
    return (f"<div style='font-size:90%'><b>{e(details['name'])}</b> ({details['year']})"
            f"{html_table(rows, row_headers=True, escape=False)}</div>")


class ClassicNetworksExplorer(ExplorerBase):
    """ImageNet top-5 error against parameters or MACs, network by network.

    Parameters
    ----------
    axis : {"params", "macs"}, optional
        Starting x axis (default parameters).
    counts : {"paper", "cnnlab"}, optional
        Starting kind of counts (default cnnlab's).
    networks : sequence of str, optional
        Networks ticked at the start (default all).
    pick : str, optional
        Network in the details panel (default ``"AlexNet"``).
    rows : list of dict, optional
        Chart rows (default :func:`chart_rows`, which builds no heavy model).

    Notes
    -----
    Controls: ``axis``, ``counts``, ``pick`` and one checkbox ``show_<name>``
    per network; :meth:`values` folds the checkboxes into ``networks`` for
    :meth:`compute`. ``result`` is :func:`chart_data`'s dict; ``details`` is
    the HTML panel under the figure.

    Examples
    --------
    >>> w = ClassicNetworksExplorer()            # doctest: +SKIP
    >>> w.controls["axis"].value = "macs"        # doctest: +SKIP
    >>> w.result["points"][0]["x"]               # doctest: +SKIP
    1135256096
    """

    figsize = (9.5, 4.6)

    def __init__(self, *, axis: str = "params", counts: str = "cnnlab", networks=None,
                 pick: str = "AlexNet", rows: list[dict] | None = None):
        import ipywidgets as widgets

        from cnnlab.models import catalog

        self.rows = chart_rows() if rows is None else list(rows)
        names = [row["name"] for row in self.rows]
        chosen = names if networks is None else list(networks)
        chart_data(self.rows, axis, counts, chosen, pick)      # bad arguments raise here
        style = {"description_width": "initial"}
        self._checks = {name: widgets.Checkbox(
            value=name in chosen, description=f"{name} ({catalog.get(name).year})",
            indent=False, layout=widgets.Layout(width="auto", margin="0 12px 0 0"))
            for name in names}
        controls = {
            "axis": widgets.ToggleButtons(
                options=[("parameters", "params"), ("MACs", "macs")], value=axis,
                description="x axis", style={"button_width": "8.5em", **style}),
            "counts": widgets.ToggleButtons(
                options=[("paper figure", "paper"), ("computed by cnnlab", "cnnlab")],
                value=counts, description="counts",
                style={"button_width": "13em", **style}),
            "pick": widgets.Dropdown(options=names, value=pick, description="details of",
                                     style=style),
            **{f"show_{name}": check for name, check in self._checks.items()},
        }
        self.details = widgets.HTML()
        layout = widgets.VBox([
            widgets.HBox([controls["axis"], controls["counts"]],
                         layout=widgets.Layout(flex_flow="row wrap")),
            widgets.HTML("<b>networks shown</b>"),
            widgets.HBox(list(self._checks.values()),
                         layout=widgets.Layout(flex_flow="row wrap")),
            controls["pick"]])
        super().__init__(controls, layout_controls=layout)
        self.children = (*self.children, self.details)
        self._fill_details()

    def values(self) -> dict:
        """Control values, the checkboxes folded into ``networks`` (a tuple of names)."""
        return {"axis": self.controls["axis"].value,
                "counts": self.controls["counts"].value,
                "networks": tuple(n for n, c in self._checks.items() if c.value),
                "pick": self.controls["pick"].value}

    def compute(self, axis: str, counts: str, networks, pick: str) -> dict:
        """Everything the chart shows: :func:`chart_data` on the widget's rows."""
        return chart_data(self.rows, axis, counts, networks, pick)

    def update(self, *args):
        super().update(*args)
        self._fill_details()

    def _fill_details(self):
        if getattr(self, "details", None) is not None:
            self.details.value = details_html(self.result["pick"]) if self.result else ""

    def draw(self, result: dict, fig) -> None:
        """The chart; axes, labels and legend are made once and updated in place."""
        import numpy as np

        art = getattr(self, "_art", None)
        if art is None or self.kept_axes(fig) is None:
            art = self._build(fig)
        ax = art["ax"]
        points = result["points"]
        picked = {p["name"]: p for p in points}.get(result["pick"]["name"]) \
            if result["pick"] else None
        # the points, their names, the ring and the summary are
        # animated: an update draws them over the kept picture of the rest,
        # which is set only when it changes (setters mark the figure stale,
        # i.e. for a whole redraw, even with the same values)
        art["ring"].set_offsets(np.array([[picked["x"], picked["y"]]] if picked else [],
                                         dtype=float).reshape(-1, 2))
        key = (tuple(tuple(sorted(p.items())) for p in points), result["xlabel"],
               result["title"], result["human"], bool(result["missing"]), result["summary"])
        if key == art.get("key"):
            return
        art["key"] = key
        for ensemble, dots in art["dots"].items():
            group = [p for p in points if p["ensemble"] == ensemble]
            colour = STYLE[ensemble][0]
            dots.set_offsets(np.array([[p["x"], p["y"]] for p in group], dtype=float)
                             .reshape(-1, 2))
            dots.set_facecolors([colour if p["stated"] else "white" for p in group])
        shown = {p["name"]: p for p in points}
        for name, label in art["labels"].items():
            p = shown.get(name)
            label.set_visible(p is not None)
            if p is not None:
                label.set_position((p["x"], p["y"]))
                label.set_text(f"{name} ({p['year']})")
        art["summary"].set_text(result["summary"])
        # limits change only when the extreme networks do. The top 30 % of the
        # axes hold no point or name: the legend sits there, and the animated
        # points, drawn over the kept picture, must never cover it
        xs = [p["x"] for p in points]
        set_lim(ax, x=(min(xs) / 2.5, max(xs) * 4),
                y=(0, max(max(p["y"] for p in points), result["human"]) * 1.4 + 0.5))
        if art.get("human_at") != result["human"]:
            art["human"].set_ydata([result["human"]] * 2)
            art["human_label"].set_position((0.99, result["human"]))
            art["human_label"].set_text(
                f"human ≈ {result['human']:g} % (Russakovsky et al. 2015)")
            art["human_at"] = result["human"]
        if ax.get_xlabel() != result["xlabel"]:
            ax.set_xlabel(result["xlabel"])
        if ax.get_title() != result["title"]:
            ax.set_title(result["title"], fontsize=10)
        art["hollow"].set_visible(bool(result["missing"]))
        if bool(result["missing"]) != art["legend_hollow"]:
            self._legend(art, bool(result["missing"]))

    def _legend(self, art: dict, hollow: bool) -> None:
        """The legend, upper right, above every point (the y limit leaves room)."""
        handles = art["handles"] + ([art["hollow"]] if hollow else [])
        art["ax"].legend(handles=handles, fontsize=8, loc="upper right")
        art["legend_hollow"] = hollow

    def _build(self, fig) -> dict:
        """The axes and every artist :meth:`draw` updates (hidden until used)."""
        from matplotlib.lines import Line2D
        from matplotlib.ticker import MaxNLocator
        from matplotlib.transforms import offset_copy

        from cnnlab.viz._log_ticks import plain_log_ticks

        fig.clear()
        ax = fig.add_subplot()
        fig.subplots_adjust(left=0.08, right=0.98, top=0.91, bottom=0.19)
        self.keep_axes(ax)
        dots = {}
        for ensemble in (True, False):          # one scatter per marker kind (fast)
            colour, marker = STYLE[ensemble]
            dots[ensemble] = ax.scatter([], [], s=70, marker=marker, zorder=3,
                                        edgecolors=colour, linewidths=1.8)
        # plain texts shifted by a fixed offset: drawn several times faster than
        # annotations with textcoords="offset points", and they look the same
        labels = {row["name"]: ax.text(
            1, 1, "", fontsize=8, visible=False, transform=offset_copy(
                ax.transData, fig, *LABEL_OFFSETS.get(row["name"], (7, -3)), units="points"))
            for row in self.rows}
        ring = ax.scatter([], [], s=380, facecolors="none", edgecolors="crimson",
                          linewidths=1.8, zorder=4)
        self.animate(ring)
        ax.set_xscale("log")
        plain_log_ticks(ax.xaxis)
        human = ax.axhline(5.0, ls="--", color="#777", lw=1.2, zorder=1)
        # at the right end of its line: names sit right of their points, and
        # the small networks' names start near the left end
        human_label = ax.text(0.99, 5.0, "", fontsize=9, color="#555", zorder=2.9, ha="right",
                              transform=offset_copy(ax.get_yaxis_transform(), fig, 0, 3,
                                                    units="points"))
        ax.set_ylabel("ImageNet top-5 error (%)")
        ax.grid(True, which="major", alpha=0.3)
        ax.yaxis.set_major_locator(MaxNLocator(6, steps=[1, 2, 2.5, 5, 10]))   # drawn text
        handles = [Line2D([], [], ls="", marker="o", color=STYLE[True][0],
                          label="ensemble, ILSVRC test set"),
                   Line2D([], [], ls="", marker="s", color=STYLE[False][0],
                          label="single model, validation set")]
        hollow = Line2D([], [], ls="", marker="o", markerfacecolor="white", color="#555",
                        label="paper states no figure: cnnlab's")
        # at the figure's foot, but an axes' text: savefig leaves animated
        # figure texts out (figure_png, static views)
        summary = ax.text(0.01, 0.01, "", fontsize=8, va="bottom", transform=fig.transFigure)
        self.animate(*dots.values(), *labels.values(), summary)
        self._art = {"ax": ax, "dots": dots, "labels": labels, "ring": ring,
                     "human": human, "human_label": human_label, "handles": handles,
                     "hollow": hollow, "legend_hollow": False, "summary": summary}
        self._legend(self._art, False)
        return self._art


def classic_chart(**kwargs) -> ClassicNetworksExplorer:
    """The classic-networks chart widget: ``ClassicNetworksExplorer(**kwargs)``.

    Examples
    --------
    >>> classic_chart(axis="macs").result["axis"]     # doctest: +SKIP
    'macs'
    """
    return ClassicNetworksExplorer(**kwargs)
