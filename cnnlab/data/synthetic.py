"""A procedural image-classification set: coloured shapes on cluttered backgrounds.

Every image holds one light shape (the class) at a random size, position,
rotation, aspect ratio and colour, on a darker two-colour gradient background
with distractors (thin lines and small blobs of any colour, some in front of
the shape) and Gaussian noise. The same seed always gives the same images.

The set is built to behave like a small real data set: a small CNN learns it
well (the shape may be anywhere, so weight sharing pays), a dense network of
similar size does much worse, and on a few hundred training images a CNN
overfits enough that augmentation and dropout visibly help.

Examples
--------
>>> x, y, names = shapes(16, image_size=(24, 32), seed=1)
>>> x.shape, x.dtype.name, names[:3]
((16, 24, 32, 3), 'float32', ['circle', 'ring', 'crescent'])
"""
from __future__ import annotations

from typing import Sequence

import numpy as np

from cnnlab import _validate
from cnnlab.data.convert import check_channels, set_channels

SHAPE_CLASSES = ("circle", "ring", "crescent", "triangle", "square",
                 "hexagon", "star", "cross")

_CHUNK = 512                 # images rendered at once (bounds temporary memory)
_RADIUS = (0.25, 0.45)       # shape radius, as a fraction of min(height, width)
_ASPECT = (0.9, 1.1)         # stretch along the shape's own x axis
_MIN_CONTRAST = 0.4          # luminance gap between shape and background
_GRADIENT = 1.0              # strength of the background's colour gradient


def _regular(m: int) -> np.ndarray:
    a = 2 * np.pi * np.arange(m) / m
    return np.stack([np.cos(a), np.sin(a)], axis=1)


def _star(points: int = 5, inner: float = 0.45) -> np.ndarray:
    a = np.pi * np.arange(2 * points) / points
    r = np.where(np.arange(2 * points) % 2 == 0, 1.0, inner)
    return np.stack([r * np.cos(a), r * np.sin(a)], axis=1)


def _cross(arm: float = 0.34) -> np.ndarray:
    q = [(1, -arm), (1, arm), (arm, arm), (arm, 1), (-arm, 1), (-arm, arm),
         (-1, arm), (-1, -arm), (-arm, -arm), (-arm, -1), (arm, -1), (arm, -arm)]
    return np.array(q, dtype=float)


def _sorted_polygon(points: np.ndarray):
    """Vertices sorted by angle, as needed by :func:`_polygon_radius`."""
    angles = np.mod(np.arctan2(points[:, 1], points[:, 0]), 2 * np.pi)
    order = np.argsort(angles)
    return angles[order], points[order]


_POLYGONS = {
    "triangle": _sorted_polygon(_regular(3)),
    "square": _sorted_polygon(_regular(4)),
    "hexagon": _sorted_polygon(_regular(6)),
    "star": _sorted_polygon(_star()),
    "cross": _sorted_polygon(_cross()),
}


def shapes(n: int = 1000, image_size=32, channels: int = 3, seed: int = 0,
           classes: Sequence[str] | None = None, noise: float = 0.04,
           clutter: int = 2, masks: bool = False):
    """Generate ``n`` labelled images of shapes (and, on request, their masks).

    Parameters
    ----------
    n : int
        Number of images. The classes are balanced (counts differ by at most 1).
    image_size : int or (int, int), optional
        Height and width in pixels (default 32); at least 8.
    channels : {1, 3}, optional
        RGB (default) or grey (luminance of the RGB image).
    seed : int, optional
        The same seed gives the same images (NumPy's ``default_rng``).
    classes : sequence of str, optional
        Class names to draw from :data:`SHAPE_CLASSES` (default: all eight);
        labels follow the order given.
    noise : float, optional
        Standard deviation of the Gaussian pixel noise (default 0.04).
    clutter : int, optional
        Distractors (lines and blobs) per image (default 2).
    masks : bool, optional
        Also return the segmentation mask of each shape (default False). The
        images are the same as with ``masks=False`` for the same seed.

    Returns
    -------
    images : ndarray of shape (n, H, W, channels), float32 in [0, 1]
    labels : ndarray of shape (n,), int64
    class_names : list of str
    masks : ndarray of shape (n, H, W), uint8
        Only with ``masks=True``: 1 on the pixels where the shape is visible
        (at least half covered by it and not hidden by a distractor drawn in
        front of it), 0 elsewhere.

    See Also
    --------
    cnnlab.data.load : ``load("shapes", split=...)`` gives disjoint train and
        test sets from separate seed streams.

    Examples
    --------
    >>> x1, y1, _ = shapes(40, seed=3)
    >>> x2, y2, _ = shapes(40, seed=3)
    >>> bool((x1 == x2).all()), np.bincount(y1).tolist()
    (True, [5, 5, 5, 5, 5, 5, 5, 5])
    >>> shapes(4, channels=1, classes=["star", "cross"])[2]
    ['star', 'cross']

    With masks, for segmentation:

    >>> x3, y3, _, m = shapes(40, seed=3, masks=True)
    >>> m.shape, m.dtype.name, sorted(np.unique(m).tolist()), bool((x3 == x1).all())
    ((40, 32, 32), 'uint8', [0, 1], True)
    """
    return generate(n, image_size, channels, np.random.default_rng(seed),
                    classes=classes, noise=noise, clutter=clutter, masks=masks)


make_shapes = shapes    # the name used where ``shapes`` would be ambiguous


def generate(n, image_size, channels, rng: np.random.Generator, *, classes=None,
             noise=0.04, clutter=2, masks=False):
    """:func:`shapes` with an explicit random generator (any seed stream).

    Examples
    --------
    >>> rng = np.random.default_rng([0, 1])
    >>> generate(3, 16, 3, rng)[0].shape
    (3, 16, 16, 3)
    """
    _validate.check_int("n", n, 1)
    h, w = _validate.check_pair("image_size", image_size, 8)
    check_channels(channels)
    names = _check_classes(classes)
    _validate.check_number("noise", noise, 0, 1)
    _validate.check_int("clutter", clutter, 0)
    _validate.check_bool("masks", masks)

    k = len(names)
    labels = rng.permutation(np.arange(n) % k).astype(np.int64)
    params = _draw_params(rng, n, h, w, clutter)
    images = np.empty((n, h, w, 3), dtype=np.float32)
    shape_masks = np.empty((n, h, w), dtype=np.uint8) if masks else None
    for start in range(0, n, _CHUNK):
        sl = slice(start, min(start + _CHUNK, n))
        kinds = [names[c] for c in labels[sl]]
        rendered = _render(kinds, {key: v[sl] for key, v in params.items()}, h, w,
                           with_mask=bool(masks))
        if masks:
            images[sl], shape_masks[sl] = rendered
        else:
            images[sl] = rendered
        if noise:
            images[sl] += rng.normal(0.0, noise, size=images[sl].shape).astype(np.float32)
    np.clip(images, 0.0, 1.0, out=images)
    if channels == 1:
        images = set_channels(images, 1)
    if masks:
        return images, labels, list(names), shape_masks
    return images, labels, list(names)


def _check_classes(classes) -> tuple[str, ...]:
    if classes is None:
        return SHAPE_CLASSES
    allowed = ", ".join(repr(c) for c in SHAPE_CLASSES)
    if isinstance(classes, str) or not isinstance(classes, Sequence) or not classes \
            or any(c not in SHAPE_CLASSES for c in classes) \
            or len(set(classes)) != len(classes):
        raise ValueError(f"`classes` must be distinct names among {allowed}. "
                         f"Received: classes={classes!r}.")
    return tuple(classes)


def _draw_params(rng, n, h, w, clutter):
    """All random choices of every image, drawn up front (vectorised)."""
    s = min(h, w)
    radius = rng.uniform(*_RADIUS, n) * s
    margin = 0.8 * radius
    p = {
        "radius": radius,
        "aspect": np.exp(rng.uniform(*np.log(_ASPECT), n)),
        "angle": rng.uniform(0, 2 * np.pi, n),
        "cx": margin + rng.uniform(0, 1, n) * np.maximum(w - 2 * margin, 0),
        "cy": margin + rng.uniform(0, 1, n) * np.maximum(h - 2 * margin, 0),
        "bg0": rng.uniform(0, 1, (n, 3)),
        "bg1": rng.uniform(0, 1, (n, 3)),
        "bg_dir": rng.uniform(0, 2 * np.pi, n),
        "fg": rng.uniform(0, 1, (n, 3)),
        # distractors: kind (line or blob), in front of the shape or behind,
        # two end points (a blob uses the first as centre), width, colour
        "c_line": rng.uniform(0, 1, (n, clutter)) < 0.6,
        "c_front": rng.uniform(0, 1, (n, clutter)) < 0.25,
        "c_xy": rng.uniform(0, 1, (n, clutter, 4)) * np.array([w, h, w, h]),
        "c_colour": rng.uniform(0, 1, (n, clutter, 3)),
    }
    size = rng.uniform(0.03, 0.09, (n, clutter)) * s
    blob = ~p["c_line"]
    p["c_xy"][blob, 2:] = p["c_xy"][blob, :2]
    p["c_radius"] = np.where(p["c_line"], size / 2 + 0.3, 1.5 * size + 0.8)
    for key in ("bg0", "bg1"):          # calmer backgrounds than shapes
        p[key] = 0.5 * p[key] + 0.5 * p[key].mean(axis=1, keepdims=True)
    # light shapes on darker backgrounds: one polarity to learn, as in MNIST
    p["bg0"] *= 0.45
    p["bg1"] *= 0.45
    p["fg"] = 0.55 + 0.45 * p["fg"]
    # Keep the shape visible: push its colour away from the background's.
    lum = np.array([0.2125, 0.7154, 0.0721])
    bg_lum = ((p["bg0"] + p["bg1"]) / 2) @ lum
    gap = p["fg"] @ lum - bg_lum
    push = np.where(bg_lum < 0.5, 1.0, -1.0) * (np.abs(gap) < _MIN_CONTRAST)
    p["fg"] = np.clip(p["fg"] + 0.6 * push[:, None], 0, 1)
    return p


def _render(kinds, p, h, w, with_mask=False):
    p = {k: v.astype(np.float32) if v.dtype == np.float64 else v for k, v in p.items()}
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32) + np.float32(0.5)
    # background: linear gradient between two colours along a random direction
    dx, dy = np.cos(p["bg_dir"]), np.sin(p["bg_dir"])
    t = (xx[None] / w - 0.5) * dx[:, None, None] + (yy[None] / h - 0.5) * dy[:, None, None]
    t = (t - t.min(axis=(1, 2), keepdims=True))
    t *= _GRADIENT / np.maximum(t.max(axis=(1, 2), keepdims=True), 1e-6)
    img = (p["bg0"][:, None, None] * (1 - t[..., None])
           + p["bg1"][:, None, None] * t[..., None]).astype(np.float32)

    clutter = [_clutter_alpha(p, j, xx, yy) for j in range(p["c_line"].shape[1])]
    for j, alpha in enumerate(clutter):                 # behind the shape
        _paint(img, alpha * ~p["c_front"][:, j, None, None], p["c_colour"][:, j])
    shape = _shape_alpha(kinds, p, xx, yy)
    _paint(img, shape, p["fg"])
    visible = shape
    for j, alpha in enumerate(clutter):                 # in front of it
        front = alpha * p["c_front"][:, j, None, None]
        _paint(img, front, p["c_colour"][:, j])
        if with_mask:
            visible = visible * (1 - front)
    if with_mask:
        return img, (visible >= 0.5).astype(np.uint8)
    return img


def _paint(img, alpha, colour):
    img += alpha[..., None] * (colour[:, None, None, :] - img)


def _edge(distance_px):
    """Anti-aliased coverage from a signed distance in pixels (inside > 0)."""
    return np.clip(distance_px + 0.5, 0.0, 1.0)


def _shape_alpha(kinds, p, xx, yy):
    ca, sa = np.cos(p["angle"])[:, None, None], np.sin(p["angle"])[:, None, None]
    rx = (xx[None] - p["cx"][:, None, None])
    ry = (yy[None] - p["cy"][:, None, None])
    scale = p["radius"][:, None, None]
    u = (rx * ca + ry * sa) / (scale * p["aspect"][:, None, None])
    v = (-rx * sa + ry * ca) / scale
    r = np.hypot(u, v)
    alpha = np.zeros(u.shape, dtype=np.float32)
    kinds = np.array(kinds)
    for kind in np.unique(kinds):
        sel = kinds == kind
        alpha[sel] = _unit_shape(kind, u[sel], v[sel], r[sel], scale[sel])
    return alpha


def _unit_shape(kind, u, v, r, scale):
    """Coverage of a shape of radius 1 in its own (u, v) frame."""
    if kind == "circle":
        return _edge((1 - r) * scale)
    if kind == "ring":
        return np.minimum(_edge((1 - r) * scale), _edge((r - 0.55) * scale))
    if kind == "crescent":
        r2 = np.hypot(u - 0.5, v)
        return np.minimum(_edge((1 - r) * scale), _edge((r2 - 0.8) * scale))
    angles, points = _POLYGONS[kind]
    return _edge((_polygon_radius(angles, points, u, v) - r) * scale)


def _polygon_radius(angles, points, u, v):
    """Distance from the origin to the edge of a star-shaped polygon along (u, v)."""
    theta = np.mod(np.arctan2(v, u), 2 * np.pi)
    j = np.searchsorted(angles, theta, side="right") - 1      # -1 wraps to the last
    k = (j + 1) % len(angles)
    p0, p1 = points[j], points[k]
    e = p1 - p0
    dx, dy = np.cos(theta), np.sin(theta)
    num = p0[..., 0] * e[..., 1] - p0[..., 1] * e[..., 0]
    den = dx * e[..., 1] - dy * e[..., 0]
    return num / np.where(np.abs(den) < 1e-9, 1e-9, den)


def _clutter_alpha(p, j, xx, yy):
    """Coverage of distractor ``j``: a thick segment (a blob is a segment of length 0)."""
    x0, y0, x1, y1 = (p["c_xy"][:, j, i][:, None, None] for i in range(4))
    px, py = xx[None] - x0, yy[None] - y0
    ex, ey = x1 - x0, y1 - y0
    t = np.clip((px * ex + py * ey) / np.maximum(ex * ex + ey * ey, 1e-6), 0, 1)
    return _edge(p["c_radius"][:, j, None, None] - np.hypot(px - t * ex, py - t * ey))
