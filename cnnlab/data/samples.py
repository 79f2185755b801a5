"""Real photographs that ship with scikit-image (no download needed).

Lessons convolve, pool and augment real pictures: Chelsea the cat, a cup of
coffee, the astronaut Eileen Collins, a rocket, the cameraman, ... Only the
images whose files are on this machine are offered; scikit-image fetches the
others with ``pooch`` when online, which :func:`sample_image` never relies on.

Examples
--------
>>> img = sample_image("coffee", size=64)
>>> img.shape, img.dtype.name
((64, 64, 3), 'float32')
"""
from __future__ import annotations

import functools
import os

import numpy as np

from cnnlab import _validate

# loader name in skimage.data -> file name in the distribution
_PHOTOS = {
    "astronaut": "astronaut.png",
    "brick": "brick.png",
    "camera": "camera.png",
    "cell": "cell.png",
    "chelsea": "chelsea.png",
    "clock": "clock_motion.png",
    "coffee": "coffee.png",
    "coins": "coins.png",
    "colorwheel": "color.png",
    "eagle": "eagle.png",             # not shipped: needs a download
    "grass": "grass.png",
    "gravel": "gravel.png",
    "hubble_deep_field": "hubble_deep_field.jpg",
    "immunohistochemistry": "ihc.png",
    "moon": "moon.png",
    "page": "page.png",
    "retina": "retina.jpg",
    "rocket": "rocket.jpg",
    "text": "text.png",
}


def sample_image_names() -> list[str]:
    """Names of the scikit-image photos that load offline on this machine.

    Returns
    -------
    list of str
        Sorted; each is a valid ``name`` for :func:`sample_image`.

    Examples
    --------
    >>> {"chelsea", "coffee", "astronaut", "camera"} <= set(sample_image_names())
    True
    """
    return list(_offline_names())


@functools.lru_cache(maxsize=1)
def _offline_names() -> tuple[str, ...]:
    import skimage.data

    shipped = os.path.dirname(skimage.data.__file__)
    fetched = getattr(skimage.data, "data_dir", shipped)
    return tuple(sorted(
        name for name, fname in _PHOTOS.items()
        if os.path.exists(os.path.join(shipped, fname))
        or os.path.exists(os.path.join(fetched, fname))))


def sample_image(name: str = "chelsea", size=None, grey: bool = False) -> np.ndarray:
    """A scikit-image photo as float32 in [0, 1].

    Parameters
    ----------
    name : str, optional
        One of :func:`sample_image_names` (default ``"chelsea"``, a cat).
    size : int or (int, int), optional
        Resize to this height and width (anti-aliased); default: original size.
    grey : bool, optional
        Return one luminance channel instead of RGB.

    Returns
    -------
    ndarray of shape (H, W, 3), or (H, W, 1) with ``grey=True``

    Examples
    --------
    >>> sample_image().shape
    (300, 451, 3)
    >>> sample_image("camera", size=(32, 48), grey=True).shape
    (32, 48, 1)
    """
    import skimage.data

    from cnnlab.data.convert import resize_images, set_channels, to_float_images

    _validate.check_choice("name", name, sample_image_names())
    raw = np.asarray(getattr(skimage.data, name)())
    if raw.ndim == 3 and raw.shape[-1] == 4:          # drop alpha
        raw = raw[..., :3]
    img = to_float_images(raw[None])
    if img.shape[-1] == 1 and not grey:
        img = set_channels(img, 3)
    elif grey:
        img = set_channels(img, 1)
    if size is not None:
        img = resize_images(img, size)
    return img[0]
