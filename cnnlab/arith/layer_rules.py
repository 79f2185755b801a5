"""Per-layer rules of :func:`cnnlab.arith.summarize`: MACs and receptive field.

Pure Python: a rule reads a layer's class names, ``get_config()`` and the
shapes of the tensors it was called on; nothing here imports Keras.

Receptive fields travel through the graph as a *flow*: ``None`` (no spatial
path any more, e.g. after ``Flatten``) or a pair ``(fields, jumps)`` with one
entry per spatial axis. Jumps are :class:`fractions.Fraction` so that
upsampling (``UpSampling2D``, ``Conv2DTranspose``) can make them smaller than 1.

=====================================  ==============================  =======================
layer                                  MACs per image                  receptive field
=====================================  ==============================  =======================
Conv1D/2D/3D                           out positions·F·k·C_in/groups   r += d(k−1)·j, j *= s
DepthwiseConv1D/2D                     out positions·C_in·m·k          r += d(k−1)·j, j *= s
SeparableConv1D/2D                     out positions·C_in·m·(k + F)    r += d(k−1)·j, j *= s
Conv1D/2D/3DTranspose                  in positions·C_in·k·F           r += (⌈d(k−1)+1)/s⌉−1)·j, j /= s
Dense                                  positions·n_in·n_out            unchanged
Max/AveragePooling                     0                               r += (k−1)·j, j *= s
UpSampling                             0                               j /= size (bilinear: r += j)
ZeroPadding, Cropping                  0                               unchanged
Flatten, global pooling                0                               None
several inputs (Add, Concatenate …)    0                               max over the inputs
anything else                          0                               unchanged if the spatial
                                                                       size is, else None
=====================================  ==============================  =======================

(``k`` is the product of the kernel sizes, ``m`` the depth multiplier.)
"""
from __future__ import annotations

from fractions import Fraction
from math import ceil, prod
from typing import Optional, Sequence

__all__ = ["input_flow", "layer_cost", "layer_kind", "merge_flows", "display_field"]

Flow = Optional[tuple[tuple[int, ...], tuple[Fraction, ...]]]

# Matched against the names in the layer's class hierarchy, most specific first,
# so subclasses of Keras layers follow the same rule.
_KINDS = (
    ("input", {"InputLayer"}),
    ("conv_transpose", {"BaseConvTranspose", "Conv1DTranspose", "Conv2DTranspose",
                        "Conv3DTranspose"}),
    ("separable", {"BaseSeparableConv", "SeparableConv1D", "SeparableConv2D"}),
    ("depthwise", {"BaseDepthwiseConv", "DepthwiseConv1D", "DepthwiseConv2D"}),
    ("conv", {"BaseConv", "Conv1D", "Conv2D", "Conv3D"}),
    ("dense", {"Dense"}),
    ("global_pooling", {"BaseGlobalPooling", "GlobalAveragePooling1D",
                        "GlobalAveragePooling2D", "GlobalMaxPooling1D",
                        "GlobalMaxPooling2D", "GlobalAveragePooling3D",
                        "GlobalMaxPooling3D"}),
    ("pooling", {"BasePooling", "MaxPooling1D", "MaxPooling2D", "MaxPooling3D",
                 "AveragePooling1D", "AveragePooling2D", "AveragePooling3D"}),
    ("upsampling", {"UpSampling1D", "UpSampling2D", "UpSampling3D"}),
    ("padding", {"ZeroPadding1D", "ZeroPadding2D", "ZeroPadding3D",
                 "Cropping1D", "Cropping2D", "Cropping3D"}),
    ("flatten", {"Flatten"}),
)


def layer_kind(layer) -> str:
    """Rule name for ``layer`` (``"other"`` when no rule matches).

    Examples
    --------
    >>> class Conv2D: pass
    >>> layer_kind(Conv2D())
    'conv'
    """
    names = {cls.__name__ for cls in type(layer).__mro__}
    for kind, classes in _KINDS:
        if names & classes:
            return kind
    return "other"


def _tuple(value, n: int) -> tuple[int, ...]:
    if value is None:
        return (1,) * n
    if isinstance(value, int):
        return (value,) * n
    return tuple(value)


def _spatial(shape: Sequence, channels_first: bool) -> tuple:
    return tuple(shape[2:]) if channels_first else tuple(shape[1:-1])


def _channels(shape: Sequence, channels_first: bool):
    return shape[1] if channels_first else shape[-1]


def _known(*values) -> bool:
    return all(v is not None for v in values)


def input_flow(shape: Sequence) -> Flow:
    """Flow of a model input of ``shape`` (with batch axis): one pixel, jump 1.

    Examples
    --------
    >>> input_flow((None, 28, 28, 1))
    ((1, 1), (Fraction(1, 1), Fraction(1, 1)))
    >>> input_flow((None, 784)) is None
    True
    """
    n = len(shape) - 2
    if n < 1:
        return None
    return ((1,) * n, (Fraction(1),) * n)


def merge_flows(flows: Sequence[Flow]) -> Flow:
    """Flow after a merge: the largest field (and jump) over the inputs.

    Examples
    --------
    >>> merge_flows([((3, 3), (1, 1)), ((5, 5), (1, 1)), None])
    ((5, 5), (1, 1))
    """
    known = [f for f in flows if f is not None]
    if not known or len({len(f[0]) for f in known}) != 1:
        return None
    n = len(known[0][0])
    return (tuple(max(f[0][a] for f in known) for a in range(n)),
            tuple(max(f[1][a] for f in known) for a in range(n)))


def _window(flow: Flow, kernel, strides, dilation) -> Flow:
    if flow is None:
        return None
    fields, jumps = flow
    n = len(fields)
    kernel, strides, dilation = _tuple(kernel, n), _tuple(strides, n), _tuple(dilation, n)
    if len(kernel) != n:
        return None
    return _fields_int(
        (tuple(fields[a] + dilation[a] * (kernel[a] - 1) * jumps[a] for a in range(n)),
         tuple(jumps[a] * strides[a] for a in range(n))))


def _fields_int(flow: Flow) -> Flow:
    """Keep fields integral (a fractional jump can make them fractional)."""
    if flow is None:
        return None
    return (tuple(int(ceil(f)) for f in flow[0]), flow[1])


def layer_cost(layer, config: dict, in_shapes: Sequence[Sequence],
               out_shapes: Sequence[Sequence], flows: Sequence[Flow]):
    """MACs of one call of ``layer`` on one image, and the flow of its output.

    Parameters
    ----------
    layer : object
        The layer (only its class hierarchy is read).
    config : dict
        ``layer.get_config()`` (``{}`` for operations that are not layers).
    in_shapes, out_shapes : sequence of shapes
        Shapes of the input and output tensors of this call, batch axis first.
    flows : sequence of Flow
        Receptive-field flows of the input tensors.

    Returns
    -------
    (int or None, Flow)
        ``None`` MACs when a shape the count needs is unknown.

    Examples
    --------
    >>> class Conv2D: pass
    >>> cfg = {"kernel_size": (3, 3), "strides": (1, 1), "dilation_rate": (1, 1),
    ...        "filters": 32, "groups": 1, "data_format": "channels_last"}
    >>> layer_cost(Conv2D(), cfg, [(None, 28, 28, 1)], [(None, 26, 26, 32)],
    ...            [input_flow((None, 28, 28, 1))])
    (194688, ((3, 3), (Fraction(1, 1), Fraction(1, 1))))
    """
    kind = layer_kind(layer)
    first = flows[0] if flows else None
    cf = config.get("data_format") == "channels_first"
    x, y = (in_shapes[0] if in_shapes else ()), (out_shapes[0] if out_shapes else ())
    kernel = config.get("kernel_size") or config.get("pool_size")
    dilation = config.get("dilation_rate", 1)

    if kind in ("conv", "depthwise", "separable"):
        out_pos, c_in, k = _spatial(y, cf), _channels(x, cf), prod(_tuple(kernel, 1))
        macs = None
        if _known(*out_pos, c_in):
            positions = prod(out_pos)
            if kind == "conv":
                macs = positions * config["filters"] * k * c_in // config.get("groups", 1)
            else:
                m = config.get("depth_multiplier", 1)
                pointwise = config["filters"] if kind == "separable" else 0
                macs = positions * c_in * m * (k + pointwise)
        return macs, _window(first, kernel, config.get("strides", 1), dilation)

    if kind == "conv_transpose":
        in_pos, c_in = _spatial(x, cf), _channels(x, cf)
        macs = None
        if _known(*in_pos, c_in):
            macs = prod(in_pos) * c_in * prod(_tuple(kernel, 1)) * config["filters"]
        if first is None:
            return macs, None
        fields, jumps = first
        n = len(fields)
        k, s, d = _tuple(kernel, n), _tuple(config.get("strides", 1), n), _tuple(dilation, n)
        taps = [ceil((d[a] * (k[a] - 1) + 1) / s[a]) for a in range(n)]
        flow = (tuple(fields[a] + (taps[a] - 1) * jumps[a] for a in range(n)),
                tuple(jumps[a] / s[a] for a in range(n)))
        return macs, _fields_int(flow)

    if kind == "dense":
        units, n_in = config.get("units"), (x[-1] if x else None)
        positions = x[1:-1] if len(x) > 2 else ()
        macs = prod(positions) * n_in * units if _known(*positions, n_in, units) else None
        return macs, first if len(y) > 2 else None

    if kind == "pooling":
        strides = config.get("strides") or kernel
        return 0, _window(first, kernel, strides, 1)

    if kind == "upsampling":
        if first is None:
            return 0, None
        fields, jumps = first
        n = len(fields)
        size = _tuple(config.get("size", 2), n)
        grow = 0 if config.get("interpolation", "nearest") == "nearest" else 1
        return 0, _fields_int((tuple(fields[a] + grow * jumps[a] for a in range(n)),
                               tuple(jumps[a] / size[a] for a in range(n))))

    if kind == "padding":
        return 0, first

    if kind in ("flatten", "global_pooling"):
        return 0, None

    if len(flows) > 1:
        return 0, merge_flows(flows)
    same_grid = (len(x) == len(y) and len(y) > 2
                 and _spatial(x, cf) == _spatial(y, cf))
    return 0, first if same_grid else None


def display_field(flow: Flow):
    """Receptive field as reported in a row: an int if square, a tuple, or None.

    Examples
    --------
    >>> display_field(((7, 7), (1, 1)))
    7
    >>> display_field(((1, 7), (1, 1)))
    (1, 7)
    """
    if flow is None:
        return None
    fields = tuple(int(f) for f in flow[0])
    return fields[0] if len(set(fields)) == 1 else fields
