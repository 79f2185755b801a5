"""Classic convolutional networks as Keras 3 builders.

Four builders, each returning an uncompiled ``keras.Model``:

- :func:`classic_convnet` -- the small MNIST convnet every course starts with
  (93,322 parameters);
- :func:`lenet5` -- LeCun et al. (1998), in the common Keras form;
- :func:`alexnet` -- Krizhevsky et al. (2012), single-tower variant;
- :func:`small_cnn` -- the configurable workhorse of lessons 02, 08, 09, 10.

Keras is imported inside the builders, so importing this module is cheap.

Examples
--------
>>> model = classic_convnet()
>>> model.count_params()
93322
"""
from __future__ import annotations

from typing import Sequence

from cnnlab._validate import check_input_shape, check_int, check_ints, check_number


def _classifier(name: str, input_shape, classes: int, hidden: list):
    """``keras.Sequential``: the checked input, the ``hidden`` layers, a softmax head."""
    import keras

    shape = check_input_shape(input_shape)
    check_int("classes", classes, 1)
    return keras.Sequential([keras.Input(shape), *hidden,
                             keras.layers.Dense(classes, activation="softmax",
                                                name="predictions")], name=name)


def classic_convnet(input_shape=(28, 28, 1), classes: int = 10):
    """The classic small convnet for 28x28 digits (93,322 parameters).

    Conv2D 32 (3x3, ReLU) -> MaxPool 2 -> Conv2D 64 (3x3, ReLU) -> MaxPool 2 ->
    Conv2D 64 (3x3, ReLU) -> Flatten -> Dense 64 (ReLU) -> Dense ``classes``
    (softmax); every convolution is "valid".

    Parameters
    ----------
    input_shape : tuple of int, optional
        ``(height, width, channels)``; default ``(28, 28, 1)``.
    classes : int, optional
        Number of output classes (default 10).

    Returns
    -------
    keras.Model
        Uncompiled.

    See Also
    --------
    small_cnn : the same idea with switches for pooling, dropout, augmentation.

    Examples
    --------
    >>> [layer.output.shape for layer in classic_convnet().layers][4]
    (None, 3, 3, 64)
    """
    from keras import layers

    return _classifier("classic_convnet", input_shape, classes, [
        layers.Conv2D(32, 3, activation="relu", name="conv1"),
        layers.MaxPooling2D(2, name="pool1"),
        layers.Conv2D(64, 3, activation="relu", name="conv2"),
        layers.MaxPooling2D(2, name="pool2"),
        layers.Conv2D(64, 3, activation="relu", name="conv3"),
        layers.Flatten(name="flatten"),
        layers.Dense(64, activation="relu", name="dense")])


def lenet5(input_shape=(32, 32, 1), classes: int = 10):
    """LeNet-5 (LeCun et al. 1998) in the form most Keras courses use.

    C1: Conv2D 6 (5x5, tanh) -> S2: AveragePooling 2 -> C3: Conv2D 16 (5x5,
    tanh) -> S4: AveragePooling 2 -> Flatten -> C5: Dense 120 (tanh) ->
    F6: Dense 84 (tanh) -> Dense ``classes`` (softmax).

    Parameters
    ----------
    input_shape : tuple of int, optional
        Default ``(32, 32, 1)``, the paper's padded digits.
    classes : int, optional
        Default 10.

    Returns
    -------
    keras.Model
        Uncompiled.

    Notes
    -----
    The paper's C3 connects each of its 16 maps to only some of S2's six maps,
    and its S2/S4 have a trainable scale and bias; this version uses full
    connections and plain average pooling, as is usual today. On a 32x32 input
    C5 sees 5x5 maps, so a dense C5 equals the paper's 5x5 convolution.
    Parameters: 156 + 2,416 + 48,120 + 10,164 + 850 = 61,706.

    Examples
    --------
    >>> lenet5().count_params()
    61706
    """
    from keras import layers

    return _classifier("lenet5", input_shape, classes, [
        layers.Conv2D(6, 5, activation="tanh", name="c1"),
        layers.AveragePooling2D(2, name="s2"),
        layers.Conv2D(16, 5, activation="tanh", name="c3"),
        layers.AveragePooling2D(2, name="s4"),
        layers.Flatten(name="flatten"),
        layers.Dense(120, activation="tanh", name="c5"),
        layers.Dense(84, activation="tanh", name="f6")])


def alexnet(input_shape=(227, 227, 3), classes: int = 1000, *, dropout: float = 0.5):
    """AlexNet (Krizhevsky, Sutskever, Hinton 2012), single-GPU variant.

    Conv 96 (11x11, stride 4) -> MaxPool 3/2 -> Conv 256 (5x5, same) ->
    MaxPool 3/2 -> Conv 384 (3x3) -> Conv 384 (3x3) -> Conv 256 (3x3) ->
    MaxPool 3/2 -> Dense 4096 -> Dense 4096 -> Dense ``classes``; ReLU
    everywhere, dropout after each 4096-unit layer.

    This is the single-tower variant **without local response normalisation**:
    the paper split layers 2, 4 and 5 over two GPUs (each half seeing only its
    own half of the channels) and normalised responses after layers 1 and 2.
    With full connections it has 62,378,344 parameters at 1000 classes.

    Parameters
    ----------
    input_shape : tuple of int, optional
        Default ``(227, 227, 3)`` (the size for which 11x11/4 gives 55x55).
    classes : int, optional
        Default 1000.
    dropout : float, optional
        Dropout rate after each 4096-unit layer (default 0.5, as in the paper).

    Returns
    -------
    keras.Model
        Uncompiled.

    Examples
    --------
    >>> alexnet().count_params()
    62378344
    """
    from keras import layers

    _check_rate("dropout", dropout)
    return _classifier("alexnet", input_shape, classes, [
        layers.Conv2D(96, 11, strides=4, activation="relu", name="conv1"),
        layers.MaxPooling2D(3, strides=2, name="pool1"),
        layers.Conv2D(256, 5, padding="same", activation="relu", name="conv2"),
        layers.MaxPooling2D(3, strides=2, name="pool2"),
        layers.Conv2D(384, 3, padding="same", activation="relu", name="conv3"),
        layers.Conv2D(384, 3, padding="same", activation="relu", name="conv4"),
        layers.Conv2D(256, 3, padding="same", activation="relu", name="conv5"),
        layers.MaxPooling2D(3, strides=2, name="pool5"),
        layers.Flatten(name="flatten"),
        layers.Dense(4096, activation="relu", name="fc6"),
        layers.Dropout(dropout, name="drop6"),
        layers.Dense(4096, activation="relu", name="fc7"),
        layers.Dropout(dropout, name="drop7")])


def _check_rate(name: str, value) -> float:
    return check_number(name, value, 0, 1, high_open=True)


def small_cnn(input_shape, classes: int, filters: Sequence[int] = (32, 64),
              pooling: bool = True, dropout: float = 0.0, augmentation=None,
              dense: int = 64, *, name: str = "small_cnn"):
    """A small configurable convnet: the lessons' workhorse.

    For each entry of ``filters``: Conv2D (3x3, "valid", ReLU), then
    MaxPooling2D 2 if ``pooling``. Then Flatten -> [Dropout] -> Dense
    ``dense`` (ReLU) -> [Dropout] -> Dense ``classes`` (softmax). The dropout
    layers are present only when ``dropout > 0``.

    Parameters
    ----------
    input_shape : tuple of int
        ``(height, width, channels)`` of the images.
    classes : int
        Number of classes.
    filters : sequence of int, optional
        Filters of each convolution, one entry per convolution
        (default ``(32, 64)``).
    pooling : bool, optional
        Put a 2x2 max-pooling (stride 2) after every convolution (default
        ``True``). Without it the maps stay large and the dense layer after
        ``Flatten`` gets many times more weights.
    dropout : float, optional
        Rate in [0, 1) of the dropout before each dense layer (default 0: none).
    augmentation : keras layer or None, optional
        A layer (e.g. a ``keras.Sequential`` of ``RandomFlip``,
        ``RandomRotation``, ...) applied right after the input. Keras'
        random preprocessing layers act only in training, so evaluation and
        prediction see the images unchanged.
    dense : int, optional
        Units of the hidden dense layer (default 64); 0 leaves it out.
    name : str, optional
        Model name (default ``"small_cnn"``).

    Returns
    -------
    keras.Model
        Uncompiled functional model. Layer names: ``conv1, pool1, conv2, ...,
        flatten, dropout1, dense, dropout2, predictions``.

    Examples
    --------
    >>> small_cnn((28, 28, 1), 10).count_params()
    121930
    >>> small_cnn((28, 28, 1), 10, pooling=False).count_params()
    2378826
    """
    import keras
    from keras import layers

    shape = check_input_shape(input_shape)
    check_int("classes", classes, 1)
    filters = check_ints("filters", filters, scalar_ok=True)
    _check_rate("dropout", dropout)
    check_int("dense", dense, 0)
    size = min(shape[:2])
    for _ in filters:
        size = (size - 2) // 2 if pooling else size - 2
    if size < 1:
        raise ValueError(f"`input_shape` {shape} is too small for {len(filters)} 3x3 "
                         f"convolutions{' with 2x2 pooling' if pooling else ''}: the maps "
                         f"would vanish. Use fewer `filters` or larger images.")

    inputs = keras.Input(shape, name="images")
    x = augmentation(inputs) if augmentation is not None else inputs
    for i, f in enumerate(filters, start=1):
        x = layers.Conv2D(f, 3, activation="relu", name=f"conv{i}")(x)
        if pooling:
            x = layers.MaxPooling2D(2, name=f"pool{i}")(x)
    x = layers.Flatten(name="flatten")(x)
    if dropout > 0:
        x = layers.Dropout(dropout, name="dropout1")(x)
    if dense:
        x = layers.Dense(dense, activation="relu", name="dense")(x)
        if dropout > 0:
            x = layers.Dropout(dropout, name="dropout2")(x)
    outputs = layers.Dense(classes, activation="softmax", name="predictions")(x)
    return keras.Model(inputs, outputs, name=name)


def from_spec(spec: str, *, name: str = "custom"):
    """Build a small Sequential model from a comma-separated layer list.

    Parameters
    ----------
    spec : str
        Items, input first (``input 28x28x1`` is the default if left out):

        - ``input HxWxC``;
        - ``conv<F>`` Conv2D with F filters, 3x3, stride 1, "valid", ReLU;
          options ``/k<K>`` (kernel), ``/s<S>`` (stride), ``/same`` (padding);
        - ``dwconv`` DepthwiseConv2D, 3x3, with the same options (no ``F``);
        - ``pool<P>`` MaxPooling2D (stride P unless ``/s<S>``), ``avgpool<P>``;
        - ``gap`` GlobalAveragePooling2D; ``flatten``; ``bn`` BatchNormalization;
        - ``dropout`` (rate 0.5); ``dense<N>`` Dense (ReLU; softmax if last).
    name : str, optional
        Model name (default ``"custom"``).

    Returns
    -------
    keras.Model
        Uncompiled Sequential model.

    Raises
    ------
    ValueError
        Naming the item that cannot be read or the layer that does not fit.

    Examples
    --------
    The classic convnet, written out:

    >>> from_spec("input 28x28x1, conv32, pool2, conv64, pool2, conv64, "
    ...           "flatten, dense64, dense10").count_params()
    93322
    >>> from_spec("input 32x32x16, dwconv/same, bn").count_params()   # 9*16+16 + 4*16
    224
    """
    import re

    import keras
    from keras import layers

    if not isinstance(spec, str):
        raise ValueError(f"`spec` must be a string such as 'conv32, pool2, flatten, dense10'. "
                         f"Received: spec={spec!r}.")
    items = [s.strip().lower() for s in spec.split(",") if s.strip()]
    if not items:
        raise ValueError("`spec` must list at least one layer, e.g. 'conv32, pool2, "
                         f"flatten, dense10'. Received: spec={spec!r}.")
    shape = (28, 28, 1)
    m = re.fullmatch(r"input\s*(\d+)\s*x\s*(\d+)\s*x\s*(\d+)", items[0])
    if m:
        shape = tuple(int(v) for v in m.groups())
        items = items[1:]
    elif items[0].startswith("input"):
        raise ValueError(f"The input of `spec` must look like 'input 28x28x1'. "
                         f"Received: {items[0]!r}.")
    check_input_shape(shape)
    item_re = re.compile(r"^(conv|dwconv|pool|avgpool|gap|flatten|bn|dropout|dense)"
                         r"(\d*)((?:/(?:k\d+|s\d+|same))*)$")
    steps = []
    for n, item in enumerate(items, start=1):
        m = item_re.match(item.replace(" ", ""))
        usage = ("conv32, conv32/k5/s2/same, dwconv, pool2, pool3/s2, avgpool2, gap, "
                 "flatten, bn, dropout, dense10")
        if not m:
            raise ValueError(f"Layer {n} of `spec` must be one of: {usage}. Received: {item!r}.")
        kind, number, opts = m.group(1), m.group(2), m.group(3).split("/")[1:]
        needs_number = kind in ("conv", "pool", "avgpool", "dense")
        if needs_number != bool(number) or (number and int(number) < 1):
            rule = "needs a size >= 1 after it" if needs_number else "takes no number"
            raise ValueError(f"Layer {n} of `spec`: {kind} {rule} (e.g. {usage}). "
                             f"Received: {item!r}.")
        if opts and kind not in ("conv", "dwconv", "pool", "avgpool"):
            raise ValueError(f"Layer {n} of `spec`: {kind} takes no options. Received: {item!r}.")
        kernel = next((int(o[1:]) for o in opts if o.startswith("k")), 3)
        stride = next((int(o[1:]) for o in opts if o.startswith("s") and o != "same"), None)
        padding = "same" if "same" in opts else "valid"
        if kernel < 1 or (stride is not None and stride < 1):
            raise ValueError(f"Layer {n} of `spec`: kernel and stride must be >= 1. "
                             f"Received: {item!r}.")
        last = n == len(items)
        if kind == "conv":
            layer = layers.Conv2D(int(number), kernel, strides=stride or 1, padding=padding,
                                  activation="relu")
        elif kind == "dwconv":
            layer = layers.DepthwiseConv2D(kernel, strides=stride or 1, padding=padding,
                                           activation="relu")
        elif kind in ("pool", "avgpool"):
            cls = layers.MaxPooling2D if kind == "pool" else layers.AveragePooling2D
            layer = cls(int(number), strides=stride, padding=padding)
        elif kind == "gap":
            layer = layers.GlobalAveragePooling2D()
        elif kind == "flatten":
            layer = layers.Flatten()
        elif kind == "bn":
            layer = layers.BatchNormalization()
        elif kind == "dropout":
            layer = layers.Dropout(0.5)
        else:
            layer = layers.Dense(int(number), activation="softmax" if last else "relu")
        steps.append((n, item, layer))
    model = keras.Sequential([keras.Input(shape)], name=name)
    for n, item, layer in steps:
        try:
            model.add(layer)
        except ValueError as err:
            raise ValueError(f"Layer {n} of `spec` ({item!r}) does not fit the output of the "
                             f"layer before it: {str(err).splitlines()[0]}") from None
    return model
