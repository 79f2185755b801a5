"""Block diagrams: an Inception module, a plain vs a residual block, a dense block.

Boxes are layers, arrows carry feature maps and are labelled with their
shapes (channels), so the diagram says what each layer reads and writes.
Colours are Okabe-Ito (safe for colour-blind readers) and every kind of box
also has its own hatch or outline, so no meaning rests on hue alone.

Examples
--------
>>> fig = inception_diagram()
>>> fig.axes[0].get_title()
'Inception module 3a: 28×28×192 → 28×28×256'
>>> fig = residual_diagram()
>>> [ax.get_title() for ax in fig.axes]
['plain block', 'residual block']
>>> dense_diagram(k0=24, growth_rate=12, layers=4).axes[0].get_title()
'dense block: k₀ = 24, k = 12, 4 layers → 72 channels'
"""
from __future__ import annotations

from cnnlab.plot._figure import new_figure

#: fill and hatch per kind of box
STYLES = {"input": ("#FFFFFF", ""), "conv1": ("#56B4E9", ".."), "conv": ("#0072B2", "//"),
          "pool": ("#999999", ""), "concat": ("#E69F00", "xx"), "norm": ("#F0E442", ""),
          "add": ("#009E73", "")}
TEXT_COLOURS = {"conv": "white"}


def _box(ax, x, y, text, kind, width=1.7, height=0.5):
    from matplotlib.patches import FancyBboxPatch

    fill, hatch = STYLES[kind]
    ax.add_patch(FancyBboxPatch((x - width / 2, y - height / 2), width, height,
                                boxstyle="round,pad=0.03", facecolor=fill, hatch=hatch,
                                edgecolor="black", linewidth=0.8))
    ax.text(x, y, text, ha="center", va="center", fontsize=9,
            color=TEXT_COLOURS.get(kind, "black"),
            bbox={"facecolor": fill, "edgecolor": "none", "pad": 1.5} if hatch else None)


def _arrow(ax, start, end, label=None, rad=0.0, label_at=0.5, dx=0.08):
    ax.annotate("", xy=end, xytext=start,
                arrowprops={"arrowstyle": "-|>", "color": "black", "lw": 1.0,
                            "shrinkA": 0, "shrinkB": 0,
                            "connectionstyle": f"arc3,rad={rad}"})
    if label:
        x = start[0] + label_at * (end[0] - start[0]) + dx
        y = start[1] + label_at * (end[1] - start[1])
        ax.text(x, y, label, fontsize=9, ha="left", va="center", color="#333333")


def _frame(ax, title, xlim, ylim):
    ax.set_xlim(*xlim)
    ax.set_ylim(*ylim)
    ax.set_aspect("equal")
    ax.axis("off")
    ax.set_title(title, fontsize=10)


def inception_diagram(name: str = "3a", input_shape=None, widths=None, fig=None):
    """An Inception module's four branches with the channels on every arrow.

    Parameters
    ----------
    name : str, optional
        A GoogLeNet module (``"3a"`` … ``"5b"``, from
        :data:`cnnlab.arith.inception.GOOGLENET_MODULES`), or any title when
        ``input_shape`` and ``widths`` are given.
    input_shape : (int, int, int), optional
        Height, width, channels of the module's input (default: the module's).
    widths : 6 ints, optional
        ``f1, f3_reduce, f3, f5_reduce, f5, pool_proj`` (default: the module's).
    fig : matplotlib.figure.Figure, optional
        Draw into this figure instead of a new one.

    Returns
    -------
    matplotlib.figure.Figure
        ``fig.alt_text`` names the branches and their widths in words.

    Examples
    --------
    >>> inception_diagram("3b").axes[0].get_title()
    'Inception module 3b: 28×28×256 → 28×28×480'
    """
    from cnnlab.arith.inception import GOOGLENET_MODULES

    if input_shape is None or widths is None:
        if name not in GOOGLENET_MODULES:
            raise ValueError(f"`name` must be one of {', '.join(map(repr, GOOGLENET_MODULES))} "
                             f"unless `input_shape` and `widths` are given. Received: "
                             f"name={name!r}.")
        shape, sizes = GOOGLENET_MODULES[name]
        input_shape = shape if input_shape is None else input_shape
        widths = sizes if widths is None else widths
    h, w, c = input_shape
    f1, f3r, f3, f5r, f5, pp = widths
    out = f1 + f3 + f5 + pp
    fig = new_figure(fig, figsize=(9.0, 4.6))
    ax = fig.add_subplot()
    xs = (0.0, 2.4, 4.8, 7.2)
    _box(ax, 3.6, 4.0, f"input {h}×{w}×{c}", "input", width=2.6)
    firsts = [("1×1 conv", "conv1", f1), ("1×1 conv", "conv1", f3r),
              ("1×1 conv", "conv1", f5r), ("3×3 max pool\nstride 1", "pool", c)]
    seconds = [None, ("3×3 conv", "conv", f3), ("5×5 conv", "conv", f5),
               ("1×1 conv", "conv1", pp)]
    for x, (text, kind, ch), second in zip(xs, firsts, seconds):
        _arrow(ax, (3.6, 3.75), (x, 3.05), label=f"{c}" if x == xs[0] else None,
               label_at=0.45, dx=-0.55)
        _box(ax, x, 2.8, text, kind)
        if second is None:
            _arrow(ax, (x, 2.55), (3.6, 0.75), label=f"{ch}", label_at=0.3, dx=0.1)
            continue
        _arrow(ax, (x, 2.55), (x, 2.05), label=f"{ch}", dx=0.1)
        stext, skind, sch = second
        _box(ax, x, 1.8, stext, skind)
        _arrow(ax, (x, 1.55), (3.6, 0.75), label=f"{sch}", label_at=0.35, dx=0.12)
    _box(ax, 3.6, 0.5, f"concatenate: {f1}+{f3}+{f5}+{pp} = {out}", "concat", width=4.2)
    _frame(ax, f"Inception module {name}: {h}×{w}×{c} → {h}×{w}×{out}", (-1.2, 8.4),
           (0.0, 4.4))
    fig.alt_text = (f"Inception module {name}: input {c} channels; branches 1×1 ({f1}), "
                    f"1×1 ({f3r}) then 3×3 ({f3}), 1×1 ({f5r}) then 5×5 ({f5}), max pool "
                    f"then 1×1 ({pp}); concatenated to {out} channels")
    return fig


def residual_diagram(channels: int = 64, fig=None):
    """A plain block next to a residual block: same layers, plus the shortcut and "+".

    Parameters
    ----------
    channels : int, optional
        Channels of the input and of both convolutions (default 64).
    fig : matplotlib.figure.Figure, optional
        Draw into this figure instead of a new one.

    Returns
    -------
    matplotlib.figure.Figure
        ``fig.alt_text`` says in words how the two blocks differ.

    Examples
    --------
    >>> len(residual_diagram(16).axes)
    2
    """
    fig = new_figure(fig, figsize=(7.6, 5.0))
    axes = fig.subplots(1, 2)
    c = channels
    for ax, residual in zip(axes, (False, True)):
        ys = (5.2, 4.2, 3.4, 2.6, 1.8, 1.0)
        _box(ax, 0, ys[0], f"x ({c} channels)", "input")
        layers = [("3×3 conv", "conv"), ("BN, ReLU", "norm"), ("3×3 conv", "conv"),
                  ("BN", "norm")]
        prev = ys[0]
        for y, (text, kind) in zip(ys[1:5], layers):
            _arrow(ax, (0, prev - 0.25), (0, y + 0.25), label=f"{c}" if kind == "conv"
                   else None, dx=0.1)
            _box(ax, 0, y, text, kind)
            prev = y
        if residual:
            from matplotlib.patches import Circle

            _arrow(ax, (0, prev - 0.25), (0, 0.3 + 0.22), label="F(x)", dx=0.1)
            ax.add_patch(Circle((0, 0.3), 0.22, facecolor=STYLES["add"][0],
                                edgecolor="black"))
            ax.text(0, 0.3, "+", ha="center", va="center", fontsize=12, color="white",
                    fontweight="bold")
            ax.plot([0.85, 1.25, 1.25], [ys[0], ys[0], 0.3], "k--", lw=1.6)
            ax.annotate("", xy=(0.22, 0.3), xytext=(1.25, 0.3),
                        arrowprops={"arrowstyle": "-|>", "lw": 1.6, "linestyle": "--",
                                    "shrinkA": 0, "shrinkB": 0})
            ax.text(1.35, 2.8, f"identity\nshortcut\nx ({c})", fontsize=9, ha="left",
                    va="center")
            _arrow(ax, (0, 0.08), (0, -0.45))
            _box(ax, 0, -0.7, "ReLU → y", "norm")
            title = "residual block"
        else:
            _arrow(ax, (0, prev - 0.25), (0, -0.45), label="F(x)", dx=0.1)
            _box(ax, 0, -0.7, "ReLU → y", "norm")
            title = "plain block"
        _frame(ax, title, (-1.2, 2.6), (-1.1, 5.6))
    fig.alt_text = ("A plain block (3×3 conv, BN, ReLU, 3×3 conv, BN, ReLU) next to a "
                    "residual block with the same layers, whose output is ReLU(F(x) + x): "
                    "a dashed identity shortcut carries x around the layers to a '+'")
    return fig


def dense_diagram(k0: int = 24, growth_rate: int = 12, layers: int = 4, fig=None):
    """A dense block: every layer reads the concatenation of all earlier maps.

    Each layer is drawn with the number of channels it reads (k₀ + k·(l − 1))
    and the k it adds; the arcs fan in from every earlier map.

    Parameters
    ----------
    k0 : int, optional
        Channels entering the block (default 24).
    growth_rate : int, optional
        k, the channels each layer adds (default 12).
    layers : int, optional
        Number of layers L (default 4).
    fig : matplotlib.figure.Figure, optional
        Draw into this figure instead of a new one.

    Returns
    -------
    matplotlib.figure.Figure
        ``fig.alt_text`` gives the channels the block reads and writes.

    Examples
    --------
    >>> dense_diagram(64, 32, 6).axes[0].get_title()
    'dense block: k₀ = 64, k = 32, 6 layers → 256 channels'
    """
    k = growth_rate
    out = k0 + k * layers
    fig = new_figure(fig, figsize=(2.1 * (layers + 2), 3.6))
    ax = fig.add_subplot()
    xs = [2.1 * i for i in range(layers + 2)]
    _box(ax, xs[0], 0, f"x₀\n{k0} ch.", "input", width=1.3, height=0.8)
    for l in range(1, layers + 1):
        reads = k0 + k * (l - 1)
        _box(ax, xs[l], 0, f"H{l}: reads {reads}\nadds {k}", "conv", width=1.6, height=0.8)
    _box(ax, xs[-1], 0, f"concat\n{out} ch.", "concat", width=1.5, height=0.8)
    for target in range(1, layers + 2):
        for source in range(target):
            span = target - source
            if span == 1:
                _arrow(ax, (xs[source] + 0.8, 0), (xs[target] - 0.8, 0))
            else:
                ax.annotate("", xy=(xs[target] - 0.2, 0.4), xytext=(xs[source] + 0.2, 0.4),
                            arrowprops={"arrowstyle": "-|>", "lw": 0.8, "color": "#555555",
                                        "connectionstyle": f"arc3,rad=-{0.25 + 0.03 * span}"})
    n_links = layers * (layers + 1) // 2
    ax.text(xs[-1] / 2, -0.95, f"layer l reads k₀ + k·(l − 1) channels; the {layers} layers "
            f"receive {n_links} direct connections, L(L+1)/2", ha="center", fontsize=9)
    _frame(ax, f"dense block: k₀ = {k0}, k = {k}, {layers} layers → {out} channels",
           (-1.0, xs[-1] + 1.0), (-1.2, 0.6 + 0.6 * layers))
    fig.alt_text = (f"Dense block with {layers} layers, growth rate {k}: layer l reads the "
                    f"concatenation of x₀ ({k0} channels) and all earlier layers' outputs; "
                    f"the block outputs {out} channels")
    return fig


def unet_diagram(input_shape=(32, 32, 3), filters: int = 16, depth: int = 2,
                 skips: bool = True, *, convs_per_level: int = 2, fig=None):
    """U-Net's U: encoder down the left, decoder up the right, skips across.

    Each box is one level's convolutions, labelled with the shape it outputs;
    the arrows down are 2×2 max pooling, the arrows up 2×2 transposed
    convolutions (stride 2), and each skip carries the encoder's maps across to
    be concatenated with the upsampled ones (the channels the decoder level
    reads are written on it). Shapes follow :func:`cnnlab.models.tiny_unet`
    ("same" padding, so no cropping; the original U-Net crops, Ronneberger et
    al. 2015, Fig. 1).

    Parameters
    ----------
    input_shape : (int, int, int), optional
        ``(H, W, C)``, H and W divisible by ``2**depth`` (default ``(32, 32, 3)``).
    filters : int, optional
        Channels of the top level (default 16); they double per level.
    depth : int, optional
        Number of poolings (default 2).
    skips : bool, optional
        Draw the skip connections (default True), as ``tiny_unet(skips=...)``.
    convs_per_level : int, optional
        3×3 convolutions per level (default 2, as in U-Net).
    fig : matplotlib.figure.Figure, optional
        Draw into this figure instead of a new one.

    Returns
    -------
    matplotlib.figure.Figure
        ``fig.alt_text`` follows the shapes down and back up in words.

    Examples
    --------
    >>> unet_diagram().axes[0].get_title()
    'U-Net (depth 2): 32×32×3 → 32×32×1, skips concatenated'
    """
    from cnnlab.arith.sizes import unet_levels

    from cnnlab._validate import check_int

    levels = unet_levels(input_shape, filters, depth)
    convs = f"{check_int('convs_per_level', convs_per_level, 1)} × 3×3 conv"
    h, w, c = input_shape
    fig = new_figure(fig, figsize=(7.2 + 0.9 * depth, 1.4 + 1.3 * (depth + 1)))
    ax = fig.add_subplot()
    step, shift, half = 1.3, 0.9, 1.1          # level height, U's slant, box half-width
    ys = [-step * l for l in range(depth + 1)]
    enc = [shift * l for l in range(depth)]
    far = 2 * shift * (depth - 1) + 2 * half + 2.8   # innermost gap fits a skip label
    dec = [far - shift * l for l in range(depth)]
    middle = (enc[-1] + dec[-1]) / 2

    def shape(s):
        return f"{s[0]}×{s[1]}×{s[2]}"

    _box(ax, -2.0, ys[0], f"input\n{h}×{w}×{c}", "input", width=1.3, height=0.7)
    _arrow(ax, (-1.35, ys[0]), (-half, ys[0]))
    for l, level in enumerate(levels[:-1]):
        _box(ax, enc[l], ys[l], f"{convs}\n→ {shape(level)}", "conv",
             width=2 * half, height=0.7)
        below = enc[l + 1] if l + 1 < depth else middle - 0.6
        _arrow(ax, (enc[l], ys[l] - 0.35), (below, ys[l + 1] + 0.35),
               label="2×2 max pool", label_at=0.5, dx=-1.45)
        reads = level[2] * (2 if skips else 1)
        _box(ax, dec[l], ys[l], f"{convs}\nreads {reads} → {shape(level)}", "conv",
             width=2 * half + 0.4, height=0.7)
        above = dec[l + 1] if l + 1 < depth else middle + 0.6
        _arrow(ax, (above, ys[l + 1] + 0.35), (dec[l], ys[l] - 0.35),
               label=f"2×2 up-conv → {shape(level)}", label_at=0.5, dx=0.2)
        if skips:
            _arrow(ax, (enc[l] + half, ys[l]), (dec[l] - half - 0.2, ys[l]))
            ax.text((enc[l] + dec[l]) / 2, ys[l] + 0.12, f"skip: {shape(level)}",
                    ha="center", va="bottom", fontsize=9, color="#333333")
    bottom = levels[-1]
    _box(ax, middle, ys[-1], f"bottleneck: {convs}\n→ {shape(bottom)}", "conv",
         width=2.8, height=0.7)
    _arrow(ax, (dec[0] + half + 0.2, ys[0]), (dec[0] + half + 0.55, ys[0]))
    _box(ax, dec[0] + half + 1.25, ys[0], f"1×1 conv\n{h}×{w}×1", "conv1", width=1.3,
         height=0.7)
    title = (f"U-Net (depth {depth}): {h}×{w}×{c} → {h}×{w}×1, "
             + ("skips concatenated" if skips else "no skips"))
    ax.set_xlim(-2.8, dec[0] + half + 2.0)
    ax.set_ylim(ys[-1] - 0.7, ys[0] + 0.7)
    ax.axis("off")
    ax.set_title(title, fontsize=10)
    fig.alt_text = (f"{title}. Encoder levels " + ", ".join(shape(s) for s in levels[:-1])
                    + f" pool down to the bottleneck {shape(bottom)}; the decoder upsamples "
                    "back level by level" + (", concatenating the encoder's maps of the same "
                                             "size carried across by skip connections"
                                             if skips else ""))
    return fig
