"""VGG networks (Simonyan & Zisserman 2014) from one configuration table.

Every VGG configuration is a list read left to right:

- an integer ``n``: a 3×3 convolution with ``n`` filters, stride 1, "same"
  padding, ReLU;
- ``(1, n)``: a 1×1 convolution with ``n`` filters (configuration C);
- ``"LRN"``: local response normalisation (configuration A-LRN);
- ``"M"``: 2×2 max pooling with stride 2, which ends a stage.

After the five stages come the classifier layers FC-4096, FC-4096 and
FC-``classes`` with a softmax. :func:`vgg` builds any configuration with
Keras; :func:`vgg_plan` gives the same network as a list of layer rows
(output shape, parameters, MACs) *without* importing Keras, which is what the
configuration explorer uses.

Layer names follow ``keras.applications.VGG16``/``VGG19`` (``block1_conv1``,
``block1_pool``, ``flatten``, ``fc1``, ``fc2``, ``predictions``), so weights
can be copied between them layer by layer.

Examples
--------
>>> plan = vgg_plan("D")
>>> sum(row["params"] for row in plan)
138357544
>>> [row["name"] for row in plan[:3]]
['block1_conv1', 'block1_conv2', 'block1_pool']
"""
from __future__ import annotations

import numbers

from cnnlab._validate import check_choice, check_input_shape, check_int, check_number

#: The six configurations of the VGG paper (Table 1), one list each.
VGG_CONFIGS: dict[str, tuple] = {
    "A": (64, "M", 128, "M", 256, 256, "M", 512, 512, "M", 512, 512, "M"),
    "A-LRN": (64, "LRN", "M", 128, "M", 256, 256, "M", 512, 512, "M", 512, 512, "M"),
    "B": (64, 64, "M", 128, 128, "M", 256, 256, "M", 512, 512, "M", 512, 512, "M"),
    "C": (64, 64, "M", 128, 128, "M", 256, 256, (1, 256), "M",
          512, 512, (1, 512), "M", 512, 512, (1, 512), "M"),
    "D": (64, 64, "M", 128, 128, "M", 256, 256, 256, "M",
          512, 512, 512, "M", 512, 512, 512, "M"),
    "E": (64, 64, "M", 128, 128, "M", 256, 256, 256, 256, "M",
          512, 512, 512, 512, "M", 512, 512, 512, 512, "M"),
}

#: Parameter counts in millions as printed in the paper (Table 2).
PAPER_MILLIONS = {"A": 133, "A-LRN": 133, "B": 133, "C": 134, "D": 138, "E": 144}

#: Width of the two hidden fully connected layers at ``width=1``.
FC_UNITS = 4096


def scaled(channels: int, width: float) -> int:
    """``round(channels * width)``, at least 1: the width multiplier's rule.

    Examples
    --------
    >>> scaled(64, 0.125), scaled(4096, 0.5), scaled(3, 0.01)
    (8, 2048, 1)
    """
    return max(1, int(round(channels * width)))


def _check_config(config):
    """Return the layer list of ``config`` (a name or a list)."""
    if isinstance(config, str):
        return VGG_CONFIGS[check_choice("config", config, tuple(VGG_CONFIGS))]
    try:
        items = tuple(config)
    except TypeError:
        raise ValueError("`config` must be one of 'A', 'A-LRN', 'B', 'C', 'D', 'E' or a "
                         f"list of layers such as [64, 'M', 128, 'M']. "
                         f"Received: config={config!r}.") from None
    for item in items:
        ok = (item in ("M", "LRN")
              or (isinstance(item, numbers.Integral) and not isinstance(item, bool) and item >= 1)
              or (isinstance(item, tuple) and len(item) == 2
                  and all(isinstance(v, numbers.Integral) and v >= 1 for v in item)))
        if not ok:
            raise ValueError("Each item of `config` must be a number of filters (int >= 1), "
                             "a (kernel, filters) pair, 'LRN' or 'M'. "
                             f"Received: item={item!r} in config={config!r}.")
    if "M" not in items:
        raise ValueError("`config` must contain at least one 'M' (max pooling). "
                         f"Received: config={config!r}.")
    return items


def vgg_plan(config="D", input_shape=(224, 224, 3), classes: int = 1000,
             width: float = 1.0, include_top: bool = True, *, fc_units: int | None = None,
             pool_min_size: int = 1) -> list[dict]:
    """The layers of a VGG network as rows, computed without building it.

    Parameters
    ----------
    config : {"A", "A-LRN", "B", "C", "D", "E"} or list
        A configuration name or a layer list (see the module docstring).
    input_shape : (int, int, int), optional
        ``(height, width, channels)``; default ``(224, 224, 3)``.
    classes : int, optional
        Units of the last layer (default 1000, ImageNet).
    width : float, optional
        Width multiplier: every convolution and hidden FC layer gets
        ``max(1, round(n * width))`` units (default 1.0, the paper's network).
    include_top : bool, optional
        Add ``flatten``, ``fc1``, ``fc2`` and ``predictions`` (default True).
    fc_units : int, optional
        Units of ``fc1`` and ``fc2``; default ``scaled(4096, width)``.
    pool_min_size : int, optional
        Skip a pooling layer that would shrink the feature map below this
        size (default 1: only pools that would give an empty map are skipped,
        which raises unless the size is already 1). :func:`mini_vgg` uses 2.

    Returns
    -------
    list of dict
        One row per layer with ``name``, ``kind`` (``"conv"``, ``"lrn"``,
        ``"pool"``, ``"flatten"``, ``"dense"``), ``block``, ``kernel``,
        ``units``, ``output_shape``, ``params`` and ``macs``
        (multiply–accumulates: ``H·W·F·k·k·C`` for a convolution,
        ``n_in·n_out`` for a dense layer).

    Examples
    --------
    >>> rows = vgg_plan("A", input_shape=(32, 32, 3), classes=10, width=0.125)
    >>> rows[-1]["output_shape"], rows[-1]["params"]
    ((10,), 5130)
    """
    items = _check_config(config)
    h, w, c = check_input_shape(input_shape)
    classes = check_int("classes", classes, 1)
    width = check_number("width", width, 0, 8, low_open=True)
    pool_min_size = check_int("pool_min_size", pool_min_size, 1)
    rows, block, conv_in_block = [], 1, 0
    for item in items:
        if item == "M":
            if h // 2 >= pool_min_size and w // 2 >= pool_min_size:
                h, w = h // 2, w // 2
                rows.append(dict(name=f"block{block}_pool", kind="pool", block=block, kernel=2,
                                 units=c, output_shape=(h, w, c), params=0, macs=0))
            elif min(h, w) // 2 < 1 and pool_min_size == 1:
                raise ValueError(
                    f"`input_shape` is too small: the feature map is {h}×{w} before "
                    f"block{block}_pool, and 2×2 pooling would leave nothing. Use at least "
                    f"{2 ** items.count('M')}×{2 ** items.count('M')} pixels. "
                    f"Received: input_shape={tuple(input_shape)!r}.")
            block, conv_in_block = block + 1, 0
        elif item == "LRN":
            rows.append(dict(name=f"block{block}_lrn", kind="lrn", block=block, kernel=None,
                             units=c, output_shape=(h, w, c), params=0, macs=0))
        else:
            kernel, filters = item if isinstance(item, tuple) else (3, item)
            f = scaled(filters, width)
            conv_in_block += 1
            rows.append(dict(name=f"block{block}_conv{conv_in_block}", kind="conv", block=block,
                             kernel=kernel, units=f, output_shape=(h, w, f),
                             params=(kernel * kernel * c + 1) * f,
                             macs=h * w * f * kernel * kernel * c))
            c = f
    if include_top:
        n = h * w * c
        rows.append(dict(name="flatten", kind="flatten", block=block, kernel=None, units=n,
                         output_shape=(n,), params=0, macs=0))
        units = scaled(FC_UNITS, width) if fc_units is None else check_int("fc_units", fc_units, 1)
        for name, out in (("fc1", units), ("fc2", units), ("predictions", classes)):
            rows.append(dict(name=name, kind="dense", block=block, kernel=None, units=out,
                             output_shape=(out,), params=(n + 1) * out, macs=n * out))
            n = out
    return rows


def _lrn_class():
    """Create (once) the Keras layer for local response normalisation."""
    global _LRN
    if _LRN is not None:
        return _LRN
    import keras
    from keras import ops

    @keras.saving.register_keras_serializable(package="cnnlab")
    class LocalResponseNormalization(keras.layers.Layer):
        """Local response normalisation across channels (AlexNet, VGG A-LRN).

        ``y = x / (bias + alpha * sum(x**2 over the 2r+1 neighbouring channels)) ** beta``
        with ``r = depth_radius``; the same formula as
        ``tf.nn.local_response_normalization``. Defaults are AlexNet's
        (n = 5 channels, k = 2, alpha = 1e-4, beta = 0.75), which VGG reused.
        Keras 3 has no LRN layer, so this one is written with ``keras.ops``.
        """

        def __init__(self, depth_radius=2, bias=2.0, alpha=1e-4, beta=0.75, **kwargs):
            super().__init__(**kwargs)
            self.depth_radius = int(depth_radius)
            self.bias, self.alpha, self.beta = float(bias), float(alpha), float(beta)

        def call(self, x):
            r = self.depth_radius
            squares = ops.pad(ops.square(x), [[0, 0], [0, 0], [0, 0], [r, r]])
            channels = ops.shape(x)[-1]
            total = sum(squares[..., i:i + channels] for i in range(2 * r + 1))
            return x / ops.power(self.bias + self.alpha * total, self.beta)

        def compute_output_shape(self, input_shape):
            return input_shape

        def get_config(self):
            return {**super().get_config(), "depth_radius": self.depth_radius,
                    "bias": self.bias, "alpha": self.alpha, "beta": self.beta}

    _LRN = LocalResponseNormalization
    return _LRN


_LRN = None


def __getattr__(name):
    if name == "LocalResponseNormalization":
        return _lrn_class()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _build(rows, input_shape, name, *, dropout=0.0, head="softmax",
           kernel_initializer="glorot_uniform"):
    import keras
    from keras import layers

    inputs = keras.Input(shape=tuple(input_shape), name="input_layer")
    x = inputs
    for row in rows:
        kind = row["kind"]
        if kind == "conv":
            x = layers.Conv2D(row["units"], row["kernel"], padding="same", activation="relu",
                              kernel_initializer=kernel_initializer, name=row["name"])(x)
        elif kind == "lrn":
            x = _lrn_class()(name=row["name"])(x)
        elif kind == "pool":
            x = layers.MaxPooling2D(2, strides=2, name=row["name"])(x)
        elif kind == "flatten":
            x = layers.Flatten(name="flatten")(x)
        elif row["name"] == "predictions":
            x = layers.Dense(row["units"], activation=head, name="predictions",
                             dtype="float32")(x)
        else:
            x = layers.Dense(row["units"], activation="relu",
                             kernel_initializer=kernel_initializer, name=row["name"])(x)
            if dropout:
                x = layers.Dropout(dropout, name=f"{row['name']}_dropout")(x)
    return keras.Model(inputs, x, name=name)


def vgg(config="D", input_shape=(224, 224, 3), classes: int = 1000, width: float = 1.0,
        include_top: bool = True):
    """Build a VGG network (Keras functional model) from :data:`VGG_CONFIGS`.

    Parameters
    ----------
    config : {"A", "A-LRN", "B", "C", "D", "E"} or list
        Configuration name (D is VGG16, E is VGG19) or a layer list like
        ``[64, "M", 128, "M"]`` (see the module docstring).
    input_shape : (int, int, int), optional
        Default ``(224, 224, 3)``. Height and width must survive the five
        poolings (at least 32 pixels).
    classes : int, optional
        Outputs of the softmax layer (default 1000).
    width : float, optional
        Width multiplier for every convolution *and* the two hidden FC layers
        (``max(1, round(n * width))``; default 1.0 gives 4096-unit FC layers).
    include_top : bool, optional
        With the classifier (default) or only the convolutional base.

    Returns
    -------
    keras.Model
        Named ``vgg_<config>`` (``vgg_d`` for VGG16). The softmax layer
        computes in float32, so the model also works under mixed precision. No dropout: the paper's
        dropout (0.5 after fc1 and fc2) matters for training only and does not
        change shapes or parameter counts.

    Notes
    -----
    With the defaults, D and E have exactly the parameters of
    ``keras.applications.VGG16`` and ``VGG19`` (138,357,544 and 143,667,240),
    and the layer names match theirs.

    Examples
    --------
    >>> model = vgg("A", input_shape=(32, 32, 3), classes=10, width=0.125)
    >>> model.count_params() == sum(r["params"] for r in vgg_plan(
    ...     "A", (32, 32, 3), classes=10, width=0.125))
    True
    """
    rows = vgg_plan(config, input_shape, classes, width, include_top)
    label = config.lower().replace("-", "_") if isinstance(config, str) else "custom"
    return _build(rows, input_shape, f"vgg_{label}")


def mini_vgg(input_shape=(32, 32, 3), classes: int = 10, config="A", width: float = 0.125,
             dense: int = 128, dropout: float = 0.0, kernel_initializer="he_normal"):
    """A scaled-down VGG that trains on small images in a minute on a CPU.

    The configuration's convolutions are kept (scaled by ``width``), but a
    pooling layer is skipped when it would shrink the feature map below 2×2:
    a 28×28 image goes 28 → 14 → 7 → 3 and the last two stages run at 3×3;
    a 32×32 image goes 32 → 16 → 8 → 4 → 2 and the last stage runs at 2×2.
    Then ``flatten``, two hidden dense layers of ``dense`` units, and the softmax.

    Parameters
    ----------
    input_shape : (int, int, int), optional
        Default ``(32, 32, 3)``.
    classes : int, optional
        Default 10.
    config : str or list, optional
        A :data:`VGG_CONFIGS` name or a layer list (default ``"A"``, VGG-11).
    width : float, optional
        Width multiplier of the convolutions (default 0.125: 8, 16, 32, 64, 64 channels).
    dense : int, optional
        Units of ``fc1`` and ``fc2`` (default 128).
    dropout : float, optional
        Dropout rate after ``fc1`` and ``fc2`` (default 0.0, none).
    kernel_initializer : str, optional
        Initialiser of every kernel (default ``"he_normal"``). He et al. (2015)
        scaled the initial weights for ReLU networks so that deep plain stacks
        like VGG train from scratch; the VGG authors, before that, trained the
        11-layer net first and started deeper ones from its weights.

    Returns
    -------
    keras.Model

    Examples
    --------
    >>> m = mini_vgg((28, 28, 1), classes=10)
    >>> m.get_layer("block5_conv2").output.shape
    (None, 3, 3, 64)
    """
    dense = check_int("dense", dense, 1)
    check_number("dropout", dropout, 0, 1, high_open=True)
    rows = vgg_plan(config, input_shape, classes, width, True, fc_units=dense, pool_min_size=2)
    label = config.lower().replace("-", "_") if isinstance(config, str) else "custom"
    return _build(rows, input_shape, f"mini_vgg_{label}", dropout=float(dropout),
                  kernel_initializer=kernel_initializer)


def vgg_stages(rows: list[dict]) -> list[dict]:
    """Group :func:`vgg_plan` rows by block: one summary row per stage.

    Returns
    -------
    list of dict
        ``block`` (1–5, or ``"top"`` for the classifier), ``layers`` (names),
        ``convs`` (number of convolutions), ``channels``, ``output_shape``,
        ``params`` and ``macs``.

    Examples
    --------
    >>> [s["convs"] for s in vgg_stages(vgg_plan("E"))]
    [2, 2, 4, 4, 4, 0]
    """
    stages: dict = {}
    for row in rows:
        key = "top" if row["kind"] in ("flatten", "dense") else row["block"]
        s = stages.setdefault(key, dict(block=key, layers=[], convs=0, channels=None,
                                        output_shape=None, params=0, macs=0))
        s["layers"].append(row["name"])
        s["convs"] += row["kind"] == "conv"
        s["output_shape"] = row["output_shape"]
        s["channels"] = row["output_shape"][-1]
        s["params"] += row["params"]
        s["macs"] += row["macs"]
    return list(stages.values())
