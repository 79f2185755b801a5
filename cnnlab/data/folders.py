"""Data sets as folders of image files: ``root/<split>/<class>/<n>.png``.

Real projects keep their images on disk, one folder per class, one folder
tree per split; ``keras.utils.image_dataset_from_directory`` takes the labels
from the folder names. :func:`write_image_folder` writes any offline set of
:func:`cnnlab.data.load` in that layout, so the course can show the whole
disk-to-model path without a download; :func:`folder_counts` and
:func:`folder_tree` look at what is there.

Examples
--------
>>> import tempfile
>>> root = os.path.join(tempfile.mkdtemp(), "shapes")
>>> counts = write_image_folder("shapes", root, classes=("circle", "square"),
...                             splits={"train": 4, "test": 2}, image_size=16)
>>> counts
{'train': {'circle': 4, 'square': 4}, 'test': {'circle': 2, 'square': 2}}
>>> folder_counts(root) == counts
True
>>> sorted(os.listdir(os.path.join(root, "test", "circle")))
['0.png', '1.png']
"""
from __future__ import annotations

import io
import os
import re
from typing import Mapping, Sequence

import numpy as np

from cnnlab import _validate

#: the splits written when none are given, and the split of ``load`` each comes from
DEFAULT_SPLITS = ("train", "validation", "test")
SOURCE_SPLIT = {"train": "train", "validation": "train", "test": "test"}
#: share of the source's training images that goes to ``train`` (the rest: ``validation``)
TRAIN_SHARE = 0.8
FORMATS = {"png": "PNG", "jpg": "JPEG", "jpeg": "JPEG", "bmp": "BMP"}
_OURS = re.compile(r"^\d+\.(png|jpg|jpeg|bmp)$")


class RootIsAFileError(NotADirectoryError, FileExistsError, ValueError):
    """``root`` names an existing file, which :func:`write_image_folder` never touches."""


def folder_name(class_name: str) -> str:
    """A class name made safe as a folder name (``"T-shirt/top"`` -> ``"T-shirt_top"``).

    Examples
    --------
    >>> folder_name("Ankle boot"), folder_name("7")
    ('Ankle_boot', '7')
    """
    return re.sub(r"[^\w.-]+", "_", str(class_name)).strip("_") or "class"


def write_image_folder(name: str, root, *, splits=None, image_size=None,
                       limit: int | None = None, seed: int = 0, format: str = "png",
                       classes: Sequence[str] | None = None) -> dict:
    """Write an offline data set as image files, one folder per split and class.

    Parameters
    ----------
    name : str
        A set of :func:`cnnlab.data.load` (``"shapes"``, ``"digits"``,
        ``"fashion_mnist"`` where installed, ...).
    root : str or path-like
        The folder to write into (made if missing). An existing *file* is
        refused (:class:`RootIsAFileError`) and left untouched.
    splits : sequence of str or mapping, optional
        Split names among ``"train"``, ``"validation"``, ``"test"`` (default:
        all three), or a mapping ``{split: images per class}``. Without counts,
        ``test`` holds the set's test images and ``train``/``validation`` share
        its training images 80/20 (``"shapes"``: 3,000 train and 1,000 test
        images over its 8 classes). Train and validation never share an image.
    image_size : int or (int, int), optional
        Height and width of the written images (default: the set's own).
    limit : int, optional
        At most this many images per class in each split.
    seed : int, optional
        Which images are picked (and, for ``"shapes"``, drawn).
    format : {"png", "jpg", "jpeg", "bmp"}, optional
        File format and extension. PNG is lossless.
    classes : sequence of str, optional
        Keep only these classes (names as in ``load``), e.g. two for a binary task.

    Returns
    -------
    dict
        ``{split: {class folder: images}}``, the files now on disk.

    Notes
    -----
    Idempotent: a file whose bytes would not change is not rewritten (its
    modification time stays), and images named ``<n>.<ext>`` left over from an
    earlier, larger call are removed, so the folders always hold exactly what
    the call describes. Class names become folder names through
    :func:`folder_name`; Keras sorts the folders alphabetically to number them.

    Examples
    --------
    >>> import tempfile
    >>> root = tempfile.mkdtemp()
    >>> write_image_folder("digits", root, splits=("test",), limit=3, classes=("0", "1"))
    {'test': {'0': 3, '1': 3}}
    """
    from cnnlab.data.registry import NAMES

    _validate.check_choice("name", name, NAMES)
    _validate.check_choice("format", format, tuple(FORMATS))
    size = None if image_size is None else _validate.check_pair("image_size", image_size, 1)
    if limit is not None:
        _validate.check_int("limit", limit, 1)
    _validate.check_int("seed", seed, 0)
    counts = _check_splits(splits)
    root = os.fspath(root)
    if os.path.exists(root) and not os.path.isdir(root):
        raise RootIsAFileError(f"`root` must be a folder (or not exist yet); "
                               f"{root!r} is an existing file, left untouched. "
                               f"Received: root={root!r}.")
    images = _pick(name, counts, size, limit, seed, classes)
    written = {}
    for split, per_class in images.items():
        split_dir = os.path.join(root, split)
        written[split] = {}
        for cls, batch in per_class.items():
            folder = os.path.join(split_dir, cls)
            os.makedirs(folder, exist_ok=True)
            keep = set()
            for i, image in enumerate(batch):
                file = f"{i}.{format}"
                keep.add(file)
                _write_if_changed(os.path.join(folder, file), _encode(image, format))
            _prune(folder, keep)
            written[split][cls] = len(batch)
        for stale in set(os.listdir(split_dir)) - set(per_class):
            stale_dir = os.path.join(split_dir, stale)
            if os.path.isdir(stale_dir) and all(_OURS.match(f) for f in os.listdir(stale_dir)):
                _prune(stale_dir, set())
                os.rmdir(stale_dir)
    return written


def _check_splits(splits) -> dict:
    """``{split: images per class or None}`` from the ``splits`` argument."""
    if splits is None:
        splits = DEFAULT_SPLITS
    if isinstance(splits, str):
        splits = (splits,)
    if isinstance(splits, Mapping):
        out = {}
        for split, n in splits.items():
            _validate.check_choice("splits", split, DEFAULT_SPLITS)
            out[split] = _validate.check_int(f"splits[{split!r}]", n, 1)
    else:
        out = {}
        for split in splits:
            _validate.check_choice("splits", split, DEFAULT_SPLITS)
            out[split] = None
    if not out:
        raise ValueError(f"`splits` must name at least one split. Received: splits={splits!r}.")
    return out


def _pick(name, counts, size, limit, seed, classes):
    """``{split: {class folder: uint8 images (n, h, w, c)}}``, train/validation disjoint."""
    from cnnlab.data import registry

    out = {split: {} for split in counts}
    for source in ("train", "test"):
        wanted = [s for s in counts if SOURCE_SPLIT[s] == source]
        if not wanted:
            continue
        if name == "shapes":
            x, y, names = _shapes(source, counts, wanted, size, limit, seed, classes)
        else:
            x, y, names = registry._raw(name, source, size, None, seed)
        keep = _check_classes(classes, names)
        rng = np.random.default_rng([seed, registry.SPLITS.index(source)])
        for label in keep:
            idx = rng.permutation(np.flatnonzero(np.asarray(y) == label))
            start = 0
            for split in wanted:
                n = _split_size(split, counts[split], len(idx), len(wanted), limit)
                if start + n > len(idx):
                    raise ValueError(
                        f"`splits` must ask for at most the {len(idx):,} {source} images "
                        f"of class {names[label]!r} of {name!r}. Received: splits={counts!r}.")
                out[split][folder_name(names[label])] = _to_uint8(
                    x[np.sort(idx[start:start + n])], size)
                start += n
    return out


def _split_size(split, asked, available, n_wanted, limit):
    if asked is not None:
        n = asked
    elif split == "train" and n_wanted > 1:
        n = int(available * TRAIN_SHARE)
    elif split == "validation" and n_wanted > 1:
        n = available - int(available * TRAIN_SHARE)
    else:
        n = available
    return n if limit is None else min(n, limit)


def _shapes(source, counts, wanted, size, limit, seed, classes):
    """Draw exactly the shapes needed (only the classes kept)."""
    from cnnlab.data import registry
    from cnnlab.data.synthetic import SHAPE_CLASSES, generate

    names = list(SHAPE_CLASSES)
    keep = [names[i] for i in _check_classes(classes, names)]
    per_class = registry.SHAPES_SIZES[source] // len(names)
    need = sum(_split_size(s, counts[s], per_class, len(wanted), limit) for s in wanted)
    rng = np.random.default_rng([seed, registry.SPLITS.index(source)])
    x, y, _ = generate(need * len(keep), size or registry._DEFAULT_SIZE["shapes"], 3, rng,
                       classes=keep)
    # back to the labels of the full set, so _pick sees the usual class names
    return x, np.array([names.index(keep[i]) for i in y]), names


def _check_classes(classes, names) -> list[int]:
    if classes is None:
        return list(range(len(names)))
    if isinstance(classes, str) or not isinstance(classes, Sequence) or not classes:
        raise ValueError(f"`classes` must be a non-empty sequence of class names. "
                         f"Received: classes={classes!r}.")
    for c in classes:
        _validate.check_choice("classes", c, tuple(names))
    return sorted(names.index(c) for c in dict.fromkeys(classes))


def _to_uint8(x, size) -> np.ndarray:
    from cnnlab.data.convert import resize_images, to_float_images

    x = to_float_images(x)
    if size is not None:
        x = resize_images(x, size)
    return np.round(np.clip(x, 0, 1) * 255).astype(np.uint8)


def _encode(image: np.ndarray, format: str) -> bytes:
    from PIL import Image

    pil = Image.fromarray(image[..., 0] if image.shape[-1] == 1 else image)
    buf = io.BytesIO()
    extra = {"quality": 95} if FORMATS[format] == "JPEG" else {}
    pil.save(buf, format=FORMATS[format], **extra)
    return buf.getvalue()


def _write_if_changed(path: str, data: bytes) -> bool:
    """Write ``data`` unless the file already holds exactly it (keeps its mtime)."""
    if os.path.isfile(path):
        with open(path, "rb") as f:
            if f.read() == data:
                return False
    tmp = path + ".part"
    with open(tmp, "wb") as f:
        f.write(data)
    os.replace(tmp, path)
    return True


def _prune(folder: str, keep: set) -> None:
    """Remove images named ``<n>.<ext>`` that the current call did not write."""
    for f in os.listdir(folder):
        if _OURS.match(f) and f not in keep:
            os.remove(os.path.join(folder, f))


def folder_counts(root, extensions: Sequence[str] = ("png", "jpg", "jpeg", "bmp", "gif")) -> dict:
    """Count the image files of a ``root/<split>/<class>/`` tree.

    Returns
    -------
    dict
        ``{split: {class: files}}``, splits and classes sorted by name.

    Examples
    --------
    >>> import tempfile
    >>> folder_counts(tempfile.mkdtemp())
    {}
    """
    root = os.fspath(root)
    ext = tuple("." + e.lower() for e in extensions)
    out = {}
    for split in sorted(os.listdir(root)):
        split_dir = os.path.join(root, split)
        if not os.path.isdir(split_dir):
            continue
        out[split] = {cls: sum(f.lower().endswith(ext)
                               for f in os.listdir(os.path.join(split_dir, cls)))
                      for cls in sorted(os.listdir(split_dir))
                      if os.path.isdir(os.path.join(split_dir, cls))}
    # keep the order a writer would use: train, validation, test first
    order = {s: i for i, s in enumerate(DEFAULT_SPLITS)}
    return dict(sorted(out.items(), key=lambda kv: (order.get(kv[0], 9), kv[0])))


def folder_tree(root, files: int = 2) -> str:
    """A ``tree``-like listing of a folder tree, ``files`` names shown per folder.

    Examples
    --------
    >>> import tempfile
    >>> root = tempfile.mkdtemp()
    >>> _ = write_image_folder("digits", root, splits=("test",), limit=3, classes=("0",))
    >>> print(folder_tree(root))  # doctest: +ELLIPSIS
    tmp...
    └── test/
        └── 0/  (3 files)
            ├── 0.png
            ├── 1.png
            └── ...
    """
    root = os.fspath(root)
    lines = [os.path.basename(os.path.normpath(root)) + "/"]

    def walk(folder, prefix):
        entries = os.listdir(folder)
        order = {s: i for i, s in enumerate(DEFAULT_SPLITS)}
        dirs = sorted((e for e in entries if os.path.isdir(os.path.join(folder, e))),
                      key=lambda e: (order.get(e, len(order)), e))
        names = sorted((e for e in entries if e not in dirs), key=lambda e: (len(e), e))
        shown = dirs + names[:files] + (["..."] if len(names) > files else [])
        for i, entry in enumerate(shown):
            last = i == len(shown) - 1
            branch = "└── " if last else "├── "
            if entry in dirs:
                n = sum(os.path.isfile(os.path.join(folder, entry, f))
                        for f in os.listdir(os.path.join(folder, entry)))
                lines.append(f"{prefix}{branch}{entry}/" + (f"  ({n:,} files)" if n else ""))
                walk(os.path.join(folder, entry), prefix + ("    " if last else "│   "))
            else:
                lines.append(f"{prefix}{branch}{entry}")

    walk(root, "")
    return "\n".join(lines)
