"""Transfer learning: freeze a pretrained base, train a new head, then fine-tune.

The helpers work on any Keras 3 model, including ``keras.applications`` networks
and models that hold a pretrained base as a nested model:

- :func:`small_base`: a small convolutional base in named blocks (``block1`` …),
  with BatchNormalization, to pretrain offline;
- :func:`new_head`: a new classifier on top of a base (frozen by default);
- :func:`freeze`, :func:`unfreeze`, :func:`freeze_up_to`: by layer or block name;
- :func:`blocks`, :func:`block_of`: group a network's layers into blocks by name;
- :func:`param_counts`: trainable, frozen and statistics parameters;
- :func:`trainable_layers`: the layers a training step would update;
- :func:`fine_tune`: unfreeze the top of the base **and recompile** with a
  small learning rate;
- :func:`snapshot`, :func:`changed_layers`: which layers' weights really
  changed during training;
- :func:`applications`, :func:`application_params`: what ``keras.applications``
  offers.

Keras is imported inside the functions, so importing this module is instant.

Notes
-----
In Keras 3 which weights train is fixed when the train step is traced, at
the first ``fit`` after ``compile()``: a change of ``layer.trainable`` made
before that first ``fit`` counts, one made after it trains nothing new until
the model is compiled again. :func:`fine_tune` always recompiles. Setting ``trainable = False`` on a
``BatchNormalization`` layer also makes it run in inference mode (it normalises
with its moving mean and variance and stops updating them), whatever the
``training`` argument of the call.

Examples
--------
>>> from cnnlab.models import transfer
>>> base = transfer.small_base((28, 28, 1), filters=(8, 16))
>>> model = transfer.new_head(base, classes=5)
>>> transfer.param_counts(model)
ParamCounts(trainable=85, frozen=1272, statistics=48)
>>> list(transfer.blocks(base))
['block1', 'block2']
"""
from __future__ import annotations

import re
from typing import Iterable, NamedTuple, Sequence

import numpy as np

from cnnlab._validate import check_choice, check_input_shape, check_int, check_ints, check_number

__all__ = ["ParamCounts", "small_base", "new_head", "freeze", "unfreeze", "freeze_up_to",
           "blocks", "block_of", "leaf_layers", "param_counts", "trainable_layers",
           "fine_tune", "snapshot", "changed_layers", "applications",
           "application_params", "learning_rate_of"]

#: layer-name patterns that start a block, tried in order (Keras applications' names)
BLOCK_PATTERNS = (
    r"block_?\d+[a-z]?",        # VGG 'block1_conv1', MobileNetV2 'block_3_expand',
                                # EfficientNet 'block2a_expand_conv'
    r"conv\d+_block\d+",        # ResNet / DenseNet 'conv3_block2_1_conv'
    r"expanded_conv",           # MobileNetV2's first inverted residual
    r"mixed\d+",                # InceptionV3's modules
    r"conv\d+", r"pool\d+",     # ResNet/DenseNet stems and transitions
)
_BLOCK_RE = re.compile(r"^(" + "|".join(BLOCK_PATTERNS) + r")(?=_|$)")

#: name of the group of layers that come before the first block
STEM = "stem"


class ParamCounts(NamedTuple):
    """Parameters of a model by what a training step does with them.

    ``trainable``: updated by the optimizer; ``frozen``: learnable weights of
    frozen layers (they would train if unfrozen); ``statistics``: values no
    gradient ever changes (BatchNormalization's moving mean and variance).
    Keras' "non-trainable" count is ``frozen + statistics``.
    """

    trainable: int
    frozen: int
    statistics: int

    @property
    def total(self) -> int:
        """All parameters (Keras' ``count_params()``)."""
        return self.trainable + self.frozen + self.statistics

    @property
    def non_trainable(self) -> int:
        """What Keras' summary calls non-trainable: frozen + statistics."""
        return self.frozen + self.statistics


# --------------------------------------------------------------------------- building
def small_base(input_shape=(28, 28, 1), filters: Sequence[int] = (16, 32, 64), *,
               batchnorm: bool = True, momentum: float = 0.9, pooling: str | None = None,
               name: str = "base"):
    """A small convolutional base in blocks, for pretraining and transfer offline.

    Block ``i`` is Conv2D 3x3 "same" → [BatchNormalization] → ReLU →
    MaxPooling2D 2, its layers named ``block{i}_conv``, ``block{i}_bn``,
    ``block{i}_relu``, ``block{i}_pool`` (the VGG naming of
    ``keras.applications``). Like ``keras.applications``' bases it returns
    the last block's feature maps, or with ``pooling="avg"`` (``"max"``) one
    feature vector per image through a global pooling layer ``block{n}_gap``
    (``block{n}_gmp``).

    Parameters
    ----------
    input_shape : tuple of int, optional
        ``(height, width, channels)`` (default ``(28, 28, 1)``).
    filters : sequence of int, optional
        Filters of each block's convolution (default ``(16, 32, 64)``).
    batchnorm : bool, optional
        Put a BatchNormalization after each convolution (default ``True``;
        the convolution then has no bias, as BatchNormalization's β replaces it).
    momentum : float, optional
        BatchNormalization's momentum for its moving mean and variance
        (default 0.9; Keras' 0.99 suits long runs on large data sets, but after
        a few hundred steps its statistics would still be far from the data's).
    pooling : {None, "avg", "max"}, optional
        Global pooling at the end (default ``None``: feature maps).
    name : str, optional
        Model name (default ``"base"``).

    Returns
    -------
    keras.Model
        Uncompiled; output ``(None, H / 2**n, W / 2**n, filters[-1])`` or,
        with pooling, ``(None, filters[-1])``.

    Examples
    --------
    >>> base = small_base((28, 28, 1), filters=(8, 16))
    >>> base.output_shape, base.count_params()
    ((None, 7, 7, 16), 1320)
    >>> small_base((28, 28, 1), filters=(8, 16), pooling="avg").output_shape
    (None, 16)
    """
    import keras
    from keras import layers

    shape = check_input_shape(input_shape)
    filters = check_ints("filters", filters, scalar_ok=True)
    check_choice("pooling", pooling, (None, "avg", "max"))
    check_number("momentum", momentum, 0, 1, high_open=True)
    if min(shape[:2]) < 2 ** len(filters):
        raise ValueError(f"`input_shape` {shape} is too small for {len(filters)} blocks: "
                         f"each halves the maps, so height and width must be >= "
                         f"{2 ** len(filters)}.")
    inputs = keras.Input(shape, name="images")
    x = inputs
    for i, f in enumerate(filters, start=1):
        x = layers.Conv2D(int(f), 3, padding="same", use_bias=not batchnorm,
                          name=f"block{i}_conv")(x)
        if batchnorm:
            x = layers.BatchNormalization(momentum=momentum, name=f"block{i}_bn")(x)
        x = layers.ReLU(name=f"block{i}_relu")(x)
        x = layers.MaxPooling2D(2, name=f"block{i}_pool")(x)
    if pooling == "avg":
        x = layers.GlobalAveragePooling2D(name=f"block{len(filters)}_gap")(x)
    elif pooling == "max":
        x = layers.GlobalMaxPooling2D(name=f"block{len(filters)}_gmp")(x)
    return keras.Model(inputs, x, name=name)


def new_head(base, classes: int, *, pooling: str = "avg", hidden: int = 0,
             dropout: float = 0.0, freeze_base: bool = True, name: str = "transfer"):
    """Put a new classifier on top of ``base`` (frozen by default).

    The head is [GlobalAveragePooling2D or Flatten if the base outputs maps] →
    [Dense ``hidden`` (ReLU)] → [Dropout] → Dense ``classes`` (softmax). The
    base's weights are shared, not copied: training the new model changes the
    base object too.

    Parameters
    ----------
    base : keras.Model
        The pretrained convolutional base (e.g. :func:`small_base` or
        ``keras.applications.VGG16(include_top=False)``).
    classes : int
        Number of classes of the new task.
    pooling : {"avg", "flatten"}, optional
        How feature maps become a vector (default ``"avg"``: global average
        pooling, as for ``keras.applications`` bases); ignored if the base
        already outputs vectors.
    hidden : int, optional
        Units of a hidden dense layer (default 0: none).
    dropout : float, optional
        Dropout rate before the last layer (default 0: none).
    freeze_base : bool, optional
        Freeze the whole base (feature extraction; default ``True``).
    name : str, optional
        Model name.

    Returns
    -------
    keras.Model
        Uncompiled; layers ``[images, base, head_pool | head_flatten,
        (head_dense), (head_dropout), predictions]``.

    Examples
    --------
    >>> base = small_base((28, 28, 1), filters=(8, 16))
    >>> model = new_head(base, 5, hidden=32)
    >>> [layer.name for layer in model.layers[1:]]
    ['base', 'head_pool', 'head_dense', 'predictions']
    >>> param_counts(model).trainable == (16 * 32 + 32) + (32 * 5 + 5)
    True
    """
    import keras
    from keras import layers

    check_int("classes", classes, 1)
    check_int("hidden", hidden, 0)
    check_number("dropout", dropout, 0, 1, high_open=True)
    check_choice("pooling", pooling, ("avg", "flatten"))
    if not isinstance(base, keras.Model):
        raise ValueError("`base` must be a keras.Model (a convolutional base). "
                         f"Received: base of type {type(base).__name__}.")
    if freeze_base:
        base.trainable = False
    inputs = keras.Input(tuple(base.input_shape[1:]), name="images")
    x = base(inputs)
    if len(x.shape) > 2 and pooling == "avg":
        x = layers.GlobalAveragePooling2D(name="head_pool")(x)
    elif len(x.shape) > 2:
        x = layers.Flatten(name="head_flatten")(x)
    if hidden:
        x = layers.Dense(hidden, activation="relu", name="head_dense")(x)
    if dropout > 0:
        x = layers.Dropout(dropout, name="head_dropout")(x)
    outputs = layers.Dense(classes, activation="softmax", name="predictions")(x)
    return keras.Model(inputs, outputs, name=name)


# --------------------------------------------------------------------------- layers, blocks
def _is_model(layer) -> bool:
    import keras
    return isinstance(layer, keras.Model)


def _children(model) -> list:
    import keras
    return [layer for layer in model.layers if not isinstance(layer, keras.layers.InputLayer)]


def leaf_layers(model) -> list:
    """The model's layers with nested models expanded, in order (no Input layers).

    Examples
    --------
    >>> model = new_head(small_base((16, 16, 1), filters=(4,)), 3)
    >>> [layer.name for layer in leaf_layers(model)]
    ['block1_conv', 'block1_bn', 'block1_relu', 'block1_pool', 'head_pool', 'predictions']
    """
    found = []
    for layer in _children(model):
        if _is_model(layer):
            found.extend(leaf_layers(layer))
        else:
            found.append(layer)
    return found


def block_of(layer_name: str, previous: str | None = None) -> str:
    """The block a layer belongs to, read from its name.

    Names that start a block (``block3_conv1`` → ``block3``, ``block_7_project``
    → ``block_7``, ``conv4_block2_out`` → ``conv4_block2``, ``conv1_conv`` →
    ``conv1``, ``mixed5`` → ``mixed5``) give the block; other names belong to
    the ``previous`` layer's block, or to ``"stem"`` before the first block.

    Examples
    --------
    >>> block_of("block3_conv1"), block_of("block_16_project_BN"), block_of("conv5_block3_out")
    ('block3', 'block_16', 'conv5_block3')
    >>> block_of("out_relu", previous="block_16"), block_of("Conv1")
    ('block_16', 'stem')
    """
    m = _BLOCK_RE.match(str(layer_name))
    if m:
        return m.group(1)
    return previous if previous is not None else STEM


def blocks(model) -> dict[str, list[str]]:
    """Group a model's (leaf) layers into blocks by name, in order.

    Parameters
    ----------
    model : keras.Model
        A base such as :func:`small_base`, a ``keras.applications`` network, or
        a model with a nested base (its other layers go to a block ``"head"``).

    Returns
    -------
    dict of str to list of str
        Block name → names of its layers.

    Examples
    --------
    >>> blocks(small_base((16, 16, 1), filters=(4, 8)))["block2"]
    ['block2_conv', 'block2_bn', 'block2_relu', 'block2_pool']
    >>> list(blocks(new_head(small_base((16, 16, 1), filters=(4, 8)), 3)))
    ['block1', 'block2', 'head']
    """
    groups: dict[str, list[str]] = {}
    nested = any(_is_model(layer) for layer in _children(model))
    current = None
    for layer in _children(model):
        if _is_model(layer):
            for leaf in leaf_layers(layer):
                current = block_of(leaf.name, current)
                groups.setdefault(current, []).append(leaf.name)
        else:
            key = "head" if nested else block_of(layer.name, current)
            if not nested:
                current = key
            groups.setdefault(key, []).append(layer.name)
    return groups


def _ancestry(model):
    """(leaf, [ancestors from the top model down]) for every leaf layer."""
    out = []

    def walk(m, parents):
        for layer in _children(m):
            if _is_model(layer):
                walk(layer, parents + [layer])
            else:
                out.append((layer, parents))
    walk(model, [model])
    return out


def _effective(model) -> dict:
    """Leaf layer -> whether it (and every model holding it) is trainable."""
    return {id(leaf): leaf.trainable and all(p.trainable for p in parents)
            for leaf, parents in _ancestry(model)}


def _apply(model, wanted: dict) -> None:
    """Set every leaf to ``wanted[id(leaf)]``, and each model holding leaves to
    whether any of them trains.

    Models first (setting ``trainable`` on a model also sets it on everything
    inside), leaves last. Note that with the TensorFlow backend assigning a
    layer the value it already has does nothing at all (TensorFlow's attribute
    tracking skips it), so ``model.trainable = True`` on a trainable model
    does *not* unfreeze layers frozen inside it; setting each leaf does.
    """
    pairs = _ancestry(model)
    models = {id(model): model}
    for _, parents in pairs:
        for parent in parents[1:]:
            models.setdefault(id(parent), parent)
    for sub in models.values():                # outer models come first
        leaves = leaf_layers(sub)
        sub.trainable = any(wanted[id(leaf)] for leaf in leaves) if leaves else True
    for leaf, _ in pairs:
        leaf.trainable = bool(wanted[id(leaf)])


def _select(model, names) -> list:
    """Leaf layers named by ``names`` (layer names, block names or nested models)."""
    if names is None:
        return leaf_layers(model)
    if isinstance(names, str):
        names = [names]
    names = list(names)
    groups = blocks(model)
    subs = {}

    def walk(m):
        for layer in _children(m):
            if _is_model(layer):
                subs[layer.name] = layer
                walk(layer)
    walk(model)
    leaves = {leaf.name: leaf for leaf in leaf_layers(model)}
    chosen = []
    for name in names:
        if name in subs:
            chosen.extend(leaf_layers(subs[name]))
        elif name in groups:
            chosen.extend(leaves[n] for n in groups[name])
        elif name in leaves:
            chosen.append(leaves[name])
        else:
            raise ValueError(f"`names` must name layers, blocks or nested models of the model "
                             f"(blocks: {', '.join(groups)}). Received: {name!r}.")
    return chosen


def _set(model, names, value: bool):
    state = _effective(model)
    for leaf in _select(model, names):
        state[id(leaf)] = value
    _apply(model, state)
    return model


def freeze(model, names: str | Iterable[str] | None = None):
    """Freeze layers (``trainable = False``): all of them, or those named.

    Parameters
    ----------
    model : keras.Model
    names : str or iterable of str, optional
        Layer names, block names (see :func:`blocks`) or names of nested
        models; default: every layer.

    Returns
    -------
    keras.Model
        The same model (changed in place). Recompile it before training.

    Examples
    --------
    >>> model = new_head(small_base((16, 16, 1), filters=(4, 8)), 3, freeze_base=False)
    >>> trainable_layers(freeze(model, "block1"))
    ['block2_conv', 'block2_bn', 'predictions']
    """
    return _set(model, names, False)


def unfreeze(model, names: str | Iterable[str] | None = None):
    """Unfreeze layers (``trainable = True``): all of them, or those named.

    Examples
    --------
    >>> model = new_head(small_base((16, 16, 1), filters=(4, 8)), 3)
    >>> trainable_layers(unfreeze(model, "block2_conv"))
    ['block2_conv', 'predictions']
    """
    return _set(model, names, True)


def freeze_up_to(model, name: str):
    """Freeze every layer before ``name`` and unfreeze it and everything after.

    Parameters
    ----------
    model : keras.Model
        A base or a model holding a base.
    name : str
        A block name (its first layer is meant) or a layer name.

    Examples
    --------
    >>> model = new_head(small_base((16, 16, 1), filters=(4, 8)), 3)
    >>> trainable_layers(freeze_up_to(model, "block2"))
    ['block2_conv', 'block2_bn', 'predictions']
    """
    leaves = leaf_layers(model)
    first = _select(model, name)
    if not first:
        raise ValueError(f"`name` must name a layer or block with layers. Received: {name!r}.")
    start = next(i for i, leaf in enumerate(leaves) if leaf is first[0])
    _apply(model, {id(leaf): i >= start for i, leaf in enumerate(leaves)})
    return model


# --------------------------------------------------------------------------- counting
def _size(variable) -> int:
    return int(np.prod(variable.shape)) if len(variable.shape) else 1


def _learnable_ids(layer) -> set:
    """Ids of the variables of ``layer`` a gradient would update if it were trainable."""
    was = layer.trainable
    subs = [(s, s.trainable) for s in getattr(layer, "_flatten_layers", lambda **k: [])(
        include_self=False)]
    try:
        layer.trainable = True
        return {id(v) for v in layer.trainable_weights}
    finally:
        layer.trainable = was
        for sub, state in subs:
            sub.trainable = state


def layer_table(model) -> list[dict]:
    """One row per leaf layer: name, block, kind and parameter counts.

    Each row has ``name``, ``block``, ``kind`` (class name), ``trainable``
    (the layer would be updated now), ``learnable`` (its gradient-trained
    parameters), ``statistics`` (parameters no gradient changes) and
    ``batchnorm`` (bool).

    Examples
    --------
    >>> rows = layer_table(small_base((16, 16, 1), filters=(4,)))
    >>> [(r["name"], r["learnable"], r["statistics"]) for r in rows[:2]]
    [('block1_conv', 36, 0), ('block1_bn', 8, 8)]
    """
    import keras

    state = _effective(model)
    block_names = {n: b for b, ns in blocks(model).items() for n in ns}
    rows = []
    for leaf in leaf_layers(model):
        learn = _learnable_ids(leaf)
        rows.append({
            "name": leaf.name, "block": block_names.get(leaf.name, STEM),
            "kind": type(leaf).__name__, "trainable": bool(state[id(leaf)]),
            "learnable": sum(_size(v) for v in leaf.weights if id(v) in learn),
            "statistics": sum(_size(v) for v in leaf.weights if id(v) not in learn),
            "batchnorm": isinstance(leaf, keras.layers.BatchNormalization)})
    return rows


def param_counts(model) -> ParamCounts:
    """Trainable, frozen and statistics parameters of a model.

    ``trainable`` equals the size of ``model.trainable_weights``;
    ``frozen + statistics`` equals that of ``model.non_trainable_weights``.

    Examples
    --------
    >>> base = small_base((16, 16, 1), filters=(4,))
    >>> param_counts(base)          # conv 36, BN gamma/beta 8, BN moving stats 8
    ParamCounts(trainable=44, frozen=0, statistics=8)
    >>> param_counts(freeze(base)).total == base.count_params()
    True
    """
    trainable = frozen = stats = 0
    for row in layer_table(model):
        if row["trainable"]:
            trainable += row["learnable"]
        else:
            frozen += row["learnable"]
        stats += row["statistics"]
    return ParamCounts(trainable, frozen, stats)


def trainable_layers(model) -> list[str]:
    """Names of the layers whose weights a training step would update now.

    Examples
    --------
    >>> trainable_layers(new_head(small_base((16, 16, 1), filters=(4,)), 3))
    ['predictions']
    """
    return [r["name"] for r in layer_table(model) if r["trainable"] and r["learnable"]]


# --------------------------------------------------------------------------- fine-tuning
def learning_rate_of(model) -> float:
    """The learning rate of a compiled model's optimizer, as a float.

    Examples
    --------
    >>> import keras
    >>> m = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    >>> m.compile(keras.optimizers.Adam(1e-4), "mse")
    >>> round(learning_rate_of(m), 8)
    0.0001
    """
    import keras
    optimizer = getattr(model, "optimizer", None)
    if optimizer is None:
        raise ValueError("`model` must be compiled (it has no optimizer). "
                         "Received: an uncompiled model.")
    return float(keras.ops.convert_to_numpy(optimizer.learning_rate))


def fine_tune(model, base=None, unfreeze_from: str | None = None,
              learning_rate: float = 1e-4, *, freeze_batchnorm: bool = True,
              optimizer: str = "adam", loss=None, metrics: Sequence = ("accuracy",)):
    """Unfreeze the top of the base and recompile with a small learning rate.

    Everything in ``base`` before ``unfreeze_from`` stays frozen; it and
    every later layer of the base become trainable, the head stays trainable.
    Then the model is **recompiled** with a fresh optimizer: in Keras 3 a
    change of ``trainable`` made after a ``fit`` only reaches training once
    the model is compiled (and its train step traced) again.

    Parameters
    ----------
    model : keras.Model
        The feature-extraction model (base + head), usually already trained.
    base : keras.Model, optional
        The base inside ``model`` (default: the first nested model).
    unfreeze_from : str
        First block or layer of the base to unfreeze (e.g. ``"block3"``).
    learning_rate : float, optional
        Small, so the pretrained features are adjusted, not wiped out
        (default 1e-4, ten times below Adam's default).
    freeze_batchnorm : bool, optional
        Keep the unfrozen blocks' BatchNormalization layers frozen, i.e. in
        inference mode with their pretrained statistics (default ``True``):
        a few new images give noisy batch statistics.
    optimizer : str, optional
        Optimizer name (default ``"adam"``).
    loss : keras loss, optional
        Default: sparse categorical cross-entropy, as :func:`cnnlab.train.fit`.
    metrics : sequence, optional

    Returns
    -------
    keras.Model
        The same model, recompiled.

    Examples
    --------
    >>> model = new_head(small_base((16, 16, 1), filters=(4, 8)), 3)
    >>> model = fine_tune(model, unfreeze_from="block2", learning_rate=1e-5)
    >>> trainable_layers(model), round(learning_rate_of(model), 8)
    (['block2_conv', 'predictions'], 1e-05)
    """
    import keras

    from cnnlab.models.outputs import default_loss

    check_number("learning_rate", learning_rate, 0, low_open=True)
    if unfreeze_from is None:
        raise ValueError("`unfreeze_from` must name the first block or layer of the base "
                         "to unfreeze, e.g. 'block3'. Received: unfreeze_from=None.")
    if base is None:
        nested = [layer for layer in _children(model) if _is_model(layer)]
        base = nested[0] if nested else model
    state = _effective(model)
    head = [leaf for leaf in leaf_layers(model)
            if all(leaf is not b for b in leaf_layers(base))] if base is not model else []
    freeze_up_to(base, unfreeze_from)
    base_state = _effective(base)
    for leaf in leaf_layers(base):
        state[id(leaf)] = base_state[id(leaf)] and not (
            freeze_batchnorm and isinstance(leaf, keras.layers.BatchNormalization))
    for leaf in head:
        state[id(leaf)] = True
    _apply(model, state)
    opt = keras.optimizers.get(optimizer)
    config = opt.get_config()
    config["learning_rate"] = float(learning_rate)
    model.compile(optimizer=type(opt).from_config(config),
                  loss=default_loss(model) if loss is None else loss,
                  metrics=list(metrics or ()), jit_compile=False)
    return model


def snapshot(model) -> dict[str, list[np.ndarray]]:
    """Copies of every leaf layer's weights, by layer name (for :func:`changed_layers`).

    Examples
    --------
    >>> snap = snapshot(small_base((16, 16, 1), filters=(4,)))
    >>> [len(snap[name]) for name in ("block1_conv", "block1_bn")]
    [1, 4]
    """
    import keras
    return {leaf.name: [keras.ops.convert_to_numpy(w).copy() for w in leaf.weights]
            for leaf in leaf_layers(model) if leaf.weights}


def changed_layers(before: dict, model) -> list[str]:
    """Names of the layers whose weights differ from the ``before`` snapshot.

    Examples
    --------
    >>> base = small_base((16, 16, 1), filters=(4,))
    >>> snap = snapshot(base)
    >>> base.get_layer("block1_conv").kernel.assign(
    ...     base.get_layer("block1_conv").kernel + 1.0) is not None
    True
    >>> changed_layers(snap, base)
    ['block1_conv']
    """
    after = snapshot(model)
    return [name for name, weights in after.items()
            if name in before and any(not np.array_equal(a, b)
                                      for a, b in zip(before[name], weights))]


# --------------------------------------------------------------------------- applications
def applications() -> list[str]:
    """Names of the networks ``keras.applications`` can build (VGG16, ResNet50, …).

    Examples
    --------
    >>> {"VGG16", "ResNet50", "MobileNetV2", "DenseNet121"} <= set(applications())
    True
    """
    import keras
    return sorted(n for n in dir(keras.applications)
                  if n[:1].isupper() and callable(getattr(keras.applications, n)))


def application_params(name: str, *, include_top: bool = False, input_shape=None) -> dict:
    """Build ``keras.applications.<name>`` without weights and count its parameters.

    Parameters
    ----------
    name : str
        One of :func:`applications`, e.g. ``"VGG16"``.
    include_top : bool, optional
        With the ImageNet classifier (default ``False``: the convolutional base
        a transfer-learning model reuses).
    input_shape : tuple of int, optional
        Input shape for a base without top (default: the network's own).

    Returns
    -------
    dict
        ``name``, ``params``, ``layers`` (leaf layers), ``blocks``.

    Examples
    --------
    >>> application_params("VGG16")["params"]       # doctest: +SKIP
    14714688
    """
    import keras

    names = applications()
    if name not in names:
        raise ValueError(f"`name` must be one of keras.applications' networks "
                         f"({', '.join(names)}). Received: name={name!r}.")
    kwargs = {"weights": None, "include_top": include_top}
    if input_shape is not None:
        kwargs["input_shape"] = tuple(input_shape)
    net = getattr(keras.applications, name)(**kwargs)
    info = {"name": name, "params": int(net.count_params()),
            "layers": len(leaf_layers(net)), "blocks": len(blocks(net))}
    return info
