"""A tiny U-Net (Ronneberger et al. 2015) for per-pixel masks, and how to score masks.

A U-Net is an encoder-decoder for segmentation. The encoder (contracting
path) repeats "two 3×3 convolutions, then 2×2 max pooling", halving the grid
and doubling the channels at each level; the decoder (expanding path)
upsamples with a learnable 2×2 transposed convolution of stride 2, halving the
channels. The **skip connections** concatenate each decoder level with the
encoder features of the same resolution, so the decoder gets back the fine
spatial detail the poolings threw away. A 1×1 convolution with a sigmoid gives
one probability per pixel.

:func:`tiny_unet` builds the network with or without those skips (otherwise
the same layers), :func:`mask_scores` compares predicted and true masks:
intersection over union (IoU), pixel accuracy and accuracy on the pixels
next to the true boundary, where missing skips show most.

Examples
--------
>>> model = tiny_unet((32, 32, 3), filters=8, depth=2)
>>> model.output_shape, model.get_layer("skip1").output.shape[-1]
((None, 32, 32, 1), 16)
>>> mask_iou([[1, 1, 0, 0]], [[0.9, 0.2, 0.7, 0.1]])   # 1 shared pixel of 3
0.3333333333333333
"""
from __future__ import annotations

import numpy as np

from cnnlab._validate import check_bool, check_int
from cnnlab.arith.sizes import unet_levels

__all__ = ["tiny_unet", "mask_iou", "mask_scores", "boundary"]


def _conv_block(x, filters, convs, kernel_size, name):
    from keras import layers

    for i in range(1, convs + 1):
        x = layers.Conv2D(filters, kernel_size, padding="same", activation="relu",
                          name=f"{name}_conv{i}")(x)
    return x


def tiny_unet(input_shape=(32, 32, 3), filters: int = 16, depth: int = 2,
              skips: bool = True, *, convs_per_level: int = 2, kernel_size: int = 3,
              name: str | None = None):
    """A small U-Net: Conv2D encoder, Conv2DTranspose decoder, concatenated skips.

    Parameters
    ----------
    input_shape : (int, int, int), optional
        ``(H, W, C)``; ``H`` and ``W`` must be divisible by ``2**depth``
        (default ``(32, 32, 3)``).
    filters : int, optional
        Channels of the first level (default 16); level ``l`` has
        ``filters * 2**l``, the bottleneck ``filters * 2**depth``.
    depth : int, optional
        Number of poolings (and of upsamplings), default 2.
    skips : bool, optional
        Concatenate each decoder level with the encoder features of the same
        size (default True). ``False`` builds the same network without them:
        the decoder then sees only the upsampled bottleneck.
    convs_per_level : int, optional
        3×3 convolutions (ReLU, "same") per level (default 2, as in U-Net).
    kernel_size : int, optional
        Their kernel size (default 3).
    name : str, optional
        Model name (default ``"tiny_unet"`` or ``"tiny_unet_no_skips"``).

    Returns
    -------
    keras.Model
        Input ``(None, H, W, C)``, output ``(None, H, W, 1)``: the probability
        that each pixel belongs to the object. Layer names: ``enc<l>_conv<i>``,
        ``pool<l>``, ``bottleneck_conv<i>``, ``up<l>`` (Conv2DTranspose 2×2,
        stride 2), ``skip<l>`` (Concatenate, only with skips),
        ``dec<l>_conv<i>``, ``mask`` (1×1, sigmoid).

    Raises
    ------
    ValueError
        Bad sizes, or a grid that ``depth`` poolings cannot halve evenly.

    Notes
    -----
    The original U-Net has depth 4, 64 filters at the first level, "valid"
    convolutions (so it crops the skipped features) and 572×572 inputs. Here
    the convolutions are "same", so encoder and decoder features have the same
    size and are concatenated as they are.

    Examples
    --------
    >>> with_skips = tiny_unet((16, 16, 1), filters=4, depth=1)
    >>> without = tiny_unet((16, 16, 1), filters=4, depth=1, skips=False)
    >>> with_skips.count_params() - without.count_params()   # dec1_conv1 reads 4 more channels
    144
    """
    import keras
    from keras import layers

    levels = unet_levels(input_shape, filters, depth)
    filters, depth = levels[0][2], len(levels) - 1
    skips = check_bool("skips", skips)
    convs = check_int("convs_per_level", convs_per_level, 1)
    kernel_size = check_int("kernel_size", kernel_size, 1)

    inputs = keras.Input(tuple(input_shape), name="image")
    x, features = inputs, []
    for level in range(1, depth + 1):
        x = _conv_block(x, filters * 2 ** (level - 1), convs, kernel_size, f"enc{level}")
        features.append(x)
        x = layers.MaxPooling2D(2, name=f"pool{level}")(x)
    x = _conv_block(x, filters * 2 ** depth, convs, kernel_size, "bottleneck")
    for level in range(depth, 0, -1):
        width = filters * 2 ** (level - 1)
        x = layers.Conv2DTranspose(width, 2, strides=2, padding="same",
                                   name=f"up{level}")(x)
        if skips:
            x = layers.Concatenate(name=f"skip{level}")([x, features[level - 1]])
        x = _conv_block(x, width, convs, kernel_size, f"dec{level}")
    outputs = layers.Conv2D(1, 1, activation="sigmoid", name="mask")(x)
    default = "tiny_unet" if skips else "tiny_unet_no_skips"
    return keras.Model(inputs, outputs, name=name or default)


def _binary(name, a, threshold) -> np.ndarray:
    a = np.asarray(a)
    if a.dtype.kind not in "biuf":
        raise ValueError(f"`{name}` must be an array of numbers. "
                         f"Received: {name}.dtype={a.dtype}.")
    if a.ndim >= 3 and a.shape[-1] == 1:
        a = a[..., 0]
    return a > threshold if a.dtype.kind == "f" else a.astype(bool)


def _pair(y_true, y_pred, threshold):
    t = _binary("y_true", y_true, 0.5)
    p = _binary("y_pred", y_pred, threshold)
    if t.shape != p.shape:
        raise ValueError("`y_true` and `y_pred` must have the same shape (a trailing "
                         "channel axis of 1 is ignored). Received: "
                         f"y_true.shape={np.shape(y_true)}, y_pred.shape={np.shape(y_pred)}.")
    if t.ndim < 1 or t.size == 0:
        raise ValueError("`y_true` must hold at least one pixel. "
                         f"Received: y_true.shape={np.shape(y_true)}.")
    return t, p


def mask_iou(y_true, y_pred, threshold: float = 0.5) -> float:
    """Intersection over union of true and predicted masks, over all pixels given.

    ``|true ∩ predicted| / |true ∪ predicted|``, summed over the whole batch
    (so large and small objects weigh by their pixels). 1 is a perfect mask;
    predicting background everywhere scores 0.

    Parameters
    ----------
    y_true : array_like of shape (N, H, W) or (N, H, W, 1)
        Binary masks (0/1 or bool; floats are read as > 0.5).
    y_pred : array_like of the same shape
        Probabilities (thresholded at `threshold`) or binary masks.
    threshold : float, optional
        A pixel is predicted as object when ``y_pred > threshold`` (default 0.5).

    Returns
    -------
    float
        1.0 when both masks are empty.

    Examples
    --------
    >>> mask_iou([[1, 1, 0, 0]], [[1, 1, 1, 0]])
    0.6666666666666666
    >>> mask_iou([[1, 1, 0, 0]], [[0.0, 0.0, 0.0, 0.0]])
    0.0
    """
    t, p = _pair(y_true, y_pred, threshold)
    union = np.logical_or(t, p).sum()
    return 1.0 if union == 0 else float(np.logical_and(t, p).sum() / union)


def boundary(masks, width: int = 1) -> np.ndarray:
    """Pixels within ``width`` pixels (8-neighbourhood) of a mask's edge, on either side.

    Parameters
    ----------
    masks : array_like of shape (N, H, W) or (N, H, W, 1)
        Binary masks.
    width : int, optional
        Half-width of the band around the edge (default 1).

    Returns
    -------
    ndarray of bool, shape (N, H, W)

    Examples
    --------
    >>> m = np.array([[[0, 0, 0, 0, 0, 0]] * 3 + [[0, 0, 1, 1, 0, 0]] * 3])
    >>> boundary(m).astype(int)[0, 1:5]
    array([[0, 0, 0, 0, 0, 0],
           [0, 1, 1, 1, 1, 0],
           [0, 1, 1, 1, 1, 0],
           [0, 1, 1, 1, 1, 0]])
    """
    m = _binary("masks", masks, 0.5)
    width = check_int("width", width, 1)
    if m.ndim != 3:
        raise ValueError("`masks` must have shape (N, H, W) or (N, H, W, 1). "
                         f"Received: masks.shape={np.shape(masks)}.")
    from skimage.morphology import dilation
    from skimage.segmentation import find_boundaries

    # a pixel with a neighbour of the other kind (8-neighbourhood), then the band widened
    band = np.stack([find_boundaries(mask.astype(np.uint8), connectivity=2, mode="thick")
                     for mask in m]) if len(m) else np.zeros(m.shape, bool)
    if width > 1:
        band = np.stack([dilation(b, np.ones((2 * width - 1,) * 2, bool)) for b in band])
    return band


def mask_scores(y_true, y_pred, threshold: float = 0.5) -> dict:
    """IoU, pixel accuracy and accuracy at the boundary of predicted masks.

    Parameters
    ----------
    y_true : array_like of shape (N, H, W) or (N, H, W, 1)
        Binary masks.
    y_pred : array_like of the same shape
        Probabilities or binary masks.
    threshold : float, optional
        Default 0.5.

    Returns
    -------
    dict
        ``iou`` (:func:`mask_iou`), ``pixel_accuracy`` (share of pixels
        classified right), ``boundary_accuracy`` (the same on the pixels of
        :func:`boundary` of the true masks: the hardest ones, where blurred
        masks go wrong).

    Examples
    --------
    >>> t = np.zeros((1, 6, 6), int); t[0, 2:4, 2:4] = 1
    >>> s = mask_scores(t, np.zeros((1, 6, 6)))     # all background
    >>> s["iou"], round(s["pixel_accuracy"], 3), round(s["boundary_accuracy"], 3)
    (0.0, 0.889, 0.75)
    """
    t, p = _pair(y_true, y_pred, threshold)
    band = boundary(t) if t.ndim == 3 else np.ones_like(t)
    right = t == p
    return {"iou": mask_iou(t, p), "pixel_accuracy": float(right.mean()),
            "boundary_accuracy": float(right[band].mean()) if band.any() else 1.0}
