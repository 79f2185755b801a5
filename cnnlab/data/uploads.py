"""One picture from a file, an upload or bytes, made into a model input.

:func:`image_input` decodes any image Pillow reads (PNG, JPEG, GIF, BMP,
WebP, TIFF, ...), turns the phone camera's EXIF rotation into real pixels,
puts transparent pixels on white, converts to RGB or grey, resizes and returns
a batch of one: exactly what ``model.predict`` wants. Pixel values are 0–255
by default, as ``keras.utils.image_dataset_from_directory`` gives them (so a
model that starts with ``Rescaling(1/255)`` takes both). Anything that is not
an image raises :class:`NotAnImageError` (a ``ValueError``) with a sentence
saying so, which widgets show as a message.

Examples
--------
>>> import io
>>> from PIL import Image
>>> buf = io.BytesIO(); Image.new("RGBA", (40, 20), (255, 0, 0, 255)).save(buf, "PNG")
>>> x = image_input(buf.getvalue(), (10, 10))
>>> x.shape, x.dtype.name, x[0, 0, 0].tolist()
((1, 10, 10, 3), 'float32', [255.0, 0.0, 0.0])
>>> image_input(b"hello", 10)
Traceback (most recent call last):
...
cnnlab.data.uploads.NotAnImageError: The data given is not an image Pillow can read (...
"""
from __future__ import annotations

import io
import os
from typing import Any

import numpy as np

from cnnlab import _validate
from cnnlab.data.convert import check_channels

SUPPORTED = "PNG, JPEG, GIF, BMP, WebP or TIFF"


class NotAnImageError(ValueError):
    """The file or bytes given are not a picture Pillow can decode."""


def _unpack(source: Any) -> tuple[bytes | str, str]:
    """(bytes or path, a name for messages) from any accepted source."""
    if isinstance(source, (tuple, list)):          # ipywidgets 8 FileUpload.value
        if not source:
            raise NotAnImageError("Nothing was uploaded yet: choose a picture file.")
        source = source[-1]
    if isinstance(source, dict) and "content" not in source and source:
        source = list(source.values())[-1]         # ipywidgets 7 FileUpload.value
    if isinstance(source, dict):
        name = str(source.get("name") or source.get("metadata", {}).get("name", "upload"))
        return bytes(source["content"]), name
    if isinstance(source, (bytes, bytearray, memoryview)):
        return bytes(source), "The data given"
    if isinstance(source, (str, os.PathLike)):
        path = os.path.expanduser(os.fspath(source))
        if not os.path.isfile(path):
            raise NotAnImageError(f"There is no file at {path!r}: check the path "
                                  f"(it is relative to {os.getcwd()!r}).")
        return path, path
    if hasattr(source, "read"):
        return source.read(), str(getattr(source, "name", "The file given"))
    raise NotAnImageError(f"`source` must be a path, bytes or an upload. "
                          f"Received: source of type {type(source).__name__}.")


def decode_image(source, channels: int = 3) -> np.ndarray:
    """Decode a picture to ``uint8`` pixels of shape (height, width, channels).

    Parameters
    ----------
    source : str, path, bytes, file object or ipywidgets ``FileUpload.value``
        Where the picture is (an upload's last file is used).
    channels : {1, 3}, optional
        Grey (luminance) or RGB. Transparent pixels are put on white.

    Raises
    ------
    NotAnImageError
        For a missing file, an empty upload or data that is not an image.

    Examples
    --------
    >>> import io
    >>> from PIL import Image
    >>> buf = io.BytesIO(); Image.new("L", (3, 2), 128).save(buf, "PNG")
    >>> decode_image(buf.getvalue()).shape, decode_image(buf.getvalue(), 1)[0, 0].tolist()
    ((2, 3, 3), [128])
    """
    from PIL import Image, ImageOps, UnidentifiedImageError

    check_channels(channels)
    data, name = _unpack(source)
    if isinstance(data, bytes) and not data:
        raise NotAnImageError(f"{name} is empty (0 bytes): it is not an image.")
    try:
        with Image.open(io.BytesIO(data) if isinstance(data, bytes) else data) as im:
            im = ImageOps.exif_transpose(im)
            if im.mode in ("RGBA", "LA", "PA") or "transparency" in im.info:
                rgba = im.convert("RGBA")
                im = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
                im.alpha_composite(rgba)
            im = im.convert("RGB" if channels == 3 else "L")
            pixels = np.asarray(im, dtype=np.uint8)
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError,
            Image.DecompressionBombError) as err:
        raise NotAnImageError(f"{name} is not an image Pillow can read "
                              f"({type(err).__name__}: {err}). Use a {SUPPORTED} "
                              "file.") from None
    return pixels if channels == 3 else pixels[..., None]


def image_input(source, image_size, channels: int = 3, scale: float = 1.0) -> np.ndarray:
    """A picture as a model input: a float32 batch of one, ``(1, h, w, channels)``.

    Parameters
    ----------
    source : str, path, bytes, file object or ipywidgets ``FileUpload.value``
        See :func:`decode_image`.
    image_size : int or (int, int)
        The model's input height and width (bilinear resize, aspect ratio
        not kept, as ``image_dataset_from_directory`` does by default).
    channels : {1, 3}, optional
    scale : float, optional
        Multiplies the 0–255 pixel values (``1/255`` gives [0, 1]).

    Raises
    ------
    NotAnImageError
        A ``ValueError`` whose message says what is wrong with the file.

    Examples
    --------
    >>> import io
    >>> from PIL import Image
    >>> buf = io.BytesIO(); Image.new("RGB", (8, 8), (0, 255, 0)).save(buf, "JPEG")
    >>> image_input(buf.getvalue(), 4, channels=1, scale=1 / 255).shape
    (1, 4, 4, 1)
    """
    from PIL import Image

    h, w = _validate.check_pair("image_size", image_size, 1)
    pixels = decode_image(source, channels)
    im = Image.fromarray(pixels[..., 0] if channels == 1 else pixels)
    small = np.asarray(im.resize((w, h), resample=Image.Resampling.BILINEAR), np.float32)
    if channels == 1:
        small = small[..., None]
    return (small * np.float32(scale))[None]
