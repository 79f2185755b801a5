"""Bring image arrays to the one layout the course uses: float32 NHWC in [0, 1].

Examples
--------
>>> import numpy as np
>>> x = to_float_images(np.full((2, 8, 8), 255, dtype=np.uint8))
>>> x.shape, x.dtype.name, float(x.max())
((2, 8, 8, 1), 'float32', 1.0)
>>> resize_images(x, 4).shape
(2, 4, 4, 1)
>>> set_channels(x, 3).shape
(2, 8, 8, 3)
"""
from __future__ import annotations

import numpy as np

from cnnlab import _validate

#: Luminance weights of ITU-R BT.709 (the ones ``skimage.color.rgb2gray`` uses).
LUMINANCE = np.array([0.2125, 0.7154, 0.0721], dtype=np.float32)

_CHUNK = 4096   # images resized at once, to bound the memory of big sets


def to_float_images(x) -> np.ndarray:
    """Return ``x`` as float32 images in [0, 1] with a channel axis.

    Parameters
    ----------
    x : array_like of shape (N, H, W) or (N, H, W, C)
        ``uint8`` values are divided by 255, booleans become 0/1, floats
        are clipped to [0, 1].

    Returns
    -------
    ndarray of shape (N, H, W, C), float32

    Examples
    --------
    >>> to_float_images(np.array([[[0, 51]]], dtype=np.uint8)).ravel().tolist()
    [0.0, 0.20000000298023224]
    """
    x = np.asarray(x)
    if x.ndim == 3:
        x = x[..., None]
    if x.ndim != 4:
        raise ValueError("`x` must have shape (N, H, W) or (N, H, W, C). "
                         f"Received: x.shape={x.shape}.")
    if x.dtype == np.uint8:
        return x.astype(np.float32) / np.float32(255)
    return np.clip(x.astype(np.float32), 0.0, 1.0)


def resize_images(x, size) -> np.ndarray:
    """Resize a batch of images with scikit-image (anti-aliased when shrinking).

    Parameters
    ----------
    x : ndarray of shape (N, H, W, C), float in [0, 1]
    size : int or (int, int)
        Output height and width.

    Returns
    -------
    ndarray of shape (N, h, w, C), float32 in [0, 1]

    Examples
    --------
    >>> resize_images(np.ones((3, 10, 10, 1), np.float32), (5, 4)).shape
    (3, 5, 4, 1)
    """
    from skimage.transform import resize

    h, w = _validate.check_pair("image_size", size, 1)
    n, _, _, c = x.shape
    if x.shape[1:3] == (h, w):
        return x.astype(np.float32, copy=False)
    out = np.empty((n, h, w, c), dtype=np.float32)
    for start in range(0, n, _CHUNK):
        part = x[start:start + _CHUNK]
        m = len(part)
        # (N, H, W, C) -> (H, W, N*C): one call resizes the whole chunk;
        # the trailing axis is kept, so no image bleeds into another.
        stacked = part.transpose(1, 2, 0, 3).reshape(part.shape[1], part.shape[2], m * c)
        small = resize(stacked, (h, w), order=1, anti_aliasing=True,
                       preserve_range=True)
        out[start:start + m] = small.reshape(h, w, m, c).transpose(2, 0, 1, 3)
    return np.clip(out, 0.0, 1.0, out=out)


def set_channels(x, channels: int) -> np.ndarray:
    """Convert images to 1 (luminance) or 3 (grey repeated) channels.

    Parameters
    ----------
    x : ndarray of shape (N, H, W, C) with C in {1, 3}
    channels : {1, 3}

    Returns
    -------
    ndarray of shape (N, H, W, channels), float32

    Examples
    --------
    >>> rgb = np.zeros((1, 2, 2, 3), np.float32); rgb[..., 1] = 1
    >>> round(float(set_channels(rgb, 1)[0, 0, 0, 0]), 4)
    0.7154
    """
    check_channels(channels)
    c = x.shape[-1]
    if c == channels:
        return x
    if channels == 3:
        return np.repeat(x, 3, axis=-1)
    return (x @ LUMINANCE)[..., None].astype(np.float32)


def check_channels(channels) -> int:
    """Return ``channels`` if it is 1 or 3, else raise ``ValueError``.

    Examples
    --------
    >>> check_channels(3)
    3
    """
    if isinstance(channels, bool) or channels not in (1, 3):
        raise ValueError("`channels` must be one of 1, 3. "
                         f"Received: channels={channels!r}.")
    return int(channels)
