"""Memory of a data set held as one array: why big sets are streamed from disk.

Examples
--------
>>> dataset_bytes(25_000, (150, 150, 3))
6750000000
>>> format_bytes(dataset_bytes(25_000, (150, 150, 3)))
'6.75 GB'
"""
from __future__ import annotations

from typing import Sequence

from cnnlab._validate import check_int

#: bytes per value of the usual dtypes
DTYPE_BYTES = {"float64": 8, "float32": 4, "float16": 2, "bfloat16": 2, "uint8": 1}
_UNITS = (("TB", 10 ** 12), ("GB", 10 ** 9), ("MB", 10 ** 6), ("kB", 10 ** 3))


def dataset_bytes(n: int, shape: Sequence[int], dtype: str | int = "float32") -> int:
    """Bytes of ``n`` arrays of ``shape`` (e.g. images ``(h, w, c)``) as one array.

    Parameters
    ----------
    n : int
        Number of images (or any samples).
    shape : sequence of int
        Shape of one sample, e.g. ``(150, 150, 3)``.
    dtype : str or int, optional
        A name from :data:`DTYPE_BYTES` or the bytes per value (default float32: 4).

    Returns
    -------
    int
        ``n * prod(shape) * bytes per value``.

    Examples
    --------
    >>> dataset_bytes(32, (150, 150, 3), "uint8")
    2160000
    """
    check_int("n", n, 0)
    size = 1
    for d in shape:
        size *= check_int("shape", d, 1)
    if isinstance(dtype, str):
        if dtype not in DTYPE_BYTES:
            raise ValueError(f"`dtype` must be one of {', '.join(DTYPE_BYTES)} or a number "
                             f"of bytes. Received: dtype={dtype!r}.")
        per_value = DTYPE_BYTES[dtype]
    else:
        per_value = check_int("dtype", dtype, 1)
    return n * size * per_value


def format_bytes(n_bytes: int) -> str:
    """Bytes in decimal units, three significant digits (``6.75 GB``, ``8.64 MB``).

    Examples
    --------
    >>> format_bytes(2_160_000), format_bytes(512)
    ('2.16 MB', '512 B')
    """
    check_int("n_bytes", n_bytes, 0)
    for unit, size in _UNITS:
        if n_bytes >= size:
            return f"{n_bytes / size:.3g} {unit}"
    return f"{n_bytes} B"
