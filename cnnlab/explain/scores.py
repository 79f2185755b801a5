"""Scoring a heat map against where the object really is (pure NumPy).

- :func:`mass_in_mask`: the share of the map's total heat that falls on the
  object. A map that knows nothing spreads its heat evenly and scores the
  object's *area share* (:func:`area_share`), the chance level.
- :func:`pointing_game` (Zhang et al. 2016): does the map's hottest pixel lie
  on the object? Chance level: again the area share.

A map that is zero everywhere points nowhere: both scores treat it as a flat
map (heat spread evenly, every pixel tied for the maximum), i.e. as chance.

Examples
--------
>>> mask = np.zeros((1, 4, 4)); mask[0, :2, :2] = 1          # object: 4 of 16 pixels
>>> heat = np.zeros((1, 4, 4)); heat[0, 0, 0] = 3; heat[0, 3, 3] = 1
>>> mass_in_mask(heat, mask), pointing_game(heat, mask), area_share(mask)
(array([0.75]), array([1.]), array([0.25]))
"""
from __future__ import annotations

import numpy as np


def _pair(maps, masks):
    m = np.asarray(maps, dtype=float)
    k = np.asarray(masks)
    if m.ndim == 2:
        m, k = m[None], k[None]
    if m.shape != k.shape or m.ndim != 3:
        raise ValueError("`maps` and `masks` must have the same shape (N, H, W). Received: "
                         f"maps.shape={np.shape(maps)}, masks.shape={np.shape(masks)}.")
    if np.any(m < 0):
        raise ValueError("`maps` must be non-negative (heat). Received: a minimum of "
                         f"maps.min()={m.min():g}.")
    return m.reshape(len(m), -1), k.reshape(len(k), -1).astype(bool)


def area_share(masks) -> np.ndarray:
    """Fraction of each image covered by the object: the chance level of both scores.

    Examples
    --------
    >>> area_share(np.eye(4)[None])
    array([0.25])
    """
    k = np.asarray(masks).astype(bool)
    k = k[None] if k.ndim == 2 else k
    return k.reshape(len(k), -1).mean(axis=1)


def mass_in_mask(maps, masks) -> np.ndarray:
    """Share of each map's heat that lies inside its object mask, shape (N,).

    Parameters
    ----------
    maps : array_like of shape (N, H, W)
        Non-negative heat maps (Grad-CAM, saliency, ...).
    masks : array_like of shape (N, H, W)
        1 (or True) on the object.

    Returns
    -------
    ndarray of shape (N,) in [0, 1]; a map of all zeros scores the area share.

    Examples
    --------
    >>> mass_in_mask(np.ones((1, 2, 2)), [[[1, 0], [0, 0]]])   # flat map: area share
    array([0.25])
    """
    m, k = _pair(maps, masks)
    total = m.sum(axis=1)
    inside = (m * k).sum(axis=1)
    return np.where(total > 0, inside / np.where(total > 0, total, 1), k.mean(axis=1))


def pointing_game(maps, masks) -> np.ndarray:
    """1 where a map's maximum lies on the object, 0 where it misses, shape (N,).

    When several pixels tie for the maximum, the score is the fraction of
    them on the object (the expected hit of picking one at random), so a
    flat map scores the area share.

    Examples
    --------
    >>> pointing_game([[[0, 2], [1, 0]]], [[[0, 0], [1, 1]]])    # the peak (0, 1) misses
    array([0.])
    """
    m, k = _pair(maps, masks)
    peak = np.isclose(m, m.max(axis=1, keepdims=True), rtol=0, atol=1e-7)
    return (peak & k).sum(axis=1) / peak.sum(axis=1)


def rank_correlation(maps_a, maps_b) -> np.ndarray:
    """Spearman rank correlation of two sets of maps, image by image, shape (N,).

    The similarity Adebayo et al. (2018) use to compare a trained model's
    explanation with the randomised model's: near 1, the map did not change;
    near 0, it has nothing to do with the original. A constant map has no
    ranking and scores 0.

    Examples
    --------
    >>> a = np.arange(16.0).reshape(1, 4, 4)
    >>> rank_correlation(a, a ** 2), rank_correlation(a, -a)
    (array([1.]), array([-1.]))
    """
    from scipy.stats import spearmanr

    a, b = np.asarray(maps_a, dtype=float), np.asarray(maps_b, dtype=float)
    if a.shape != b.shape or a.ndim != 3:
        raise ValueError("`maps_a` and `maps_b` must have the same shape (N, H, W). Received: "
                         f"maps_a.shape={a.shape}, maps_b.shape={b.shape}.")
    out = np.zeros(len(a))
    for i, (u, v) in enumerate(zip(a.reshape(len(a), -1), b.reshape(len(b), -1))):
        if np.ptp(u) > 0 and np.ptp(v) > 0:
            out[i] = spearmanr(u, v).statistic
    return out
