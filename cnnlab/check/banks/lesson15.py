"""Question bank of lesson 15, what CNNs learn.

- 15.1 Grad-CAM's channel weights (global averages of the gradient) and heat map;
- 15.2 the pointing-game score of a batch of heat maps against object masks;
- 15.3 reading an occlusion map.

The data of each question is defined here once and shown in the notebook.

Examples
--------
>>> from cnnlab.check.registry import REGISTRY
>>> REGISTRY["15.3"].func(((1, 4), 4))
'the largest drop marks the evidence; negative drops are where hiding helps.'
"""
from __future__ import annotations

import numpy as np

from cnnlab.check.helpers import expect_items
from cnnlab.check.registry import NotYet, question

#: 15.1: feature maps A (h, w, K) and the class score's gradients with respect to them
_RNG = np.random.default_rng(15)
MAPS_15_1 = np.round(_RNG.uniform(0, 2, (4, 5, 3)), 2)
GRADS_15_1 = np.round(_RNG.normal([0.6, -0.5, 0.2], 0.4, (4, 5, 3)), 2)

#: 15.3: probability drops (original - occluded) of a 6x6 occlusion map
OCCLUSION_15_3 = np.array([
    [0.01, 0.02, 0.05, 0.04, 0.02, 0.00],
    [0.02, 0.10, 0.31, 0.36, 0.66, 0.03],
    [0.01, 0.12, 0.40, 0.35, 0.20, 0.02],
    [0.00, 0.03, 0.08, 0.09, 0.04, 0.01],
    [-0.02, 0.00, 0.01, 0.00, -0.05, -0.09],
    [0.00, 0.01, 0.00, 0.01, -0.04, 0.00],
])


def reference_cam(maps, grads) -> np.ndarray:
    """15.1's answer: ``ReLU(sum_k mean(grads_k) * maps_k)``."""
    weights = np.asarray(grads).mean(axis=(0, 1))
    return np.maximum(np.asarray(maps) @ weights, 0.0)


def _array(value, what):
    try:
        return np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise NotYet(f"{what} should be an array of numbers; got "
                     f"{type(value).__name__}.") from None


@question("15.1", "Grad-CAM's channel weights and heat map")
def _cam(grad_cam_map):
    if not callable(grad_cam_map):
        raise NotYet("`grad_cam_map` should be a function grad_cam_map(maps, grads).")
    maps, grads = MAPS_15_1.copy(), GRADS_15_1.copy()
    out = _array(grad_cam_map(maps, grads), "grad_cam_map(maps, grads)")
    expected = reference_cam(MAPS_15_1, GRADS_15_1)
    h, w, k = MAPS_15_1.shape
    if out.shape != expected.shape:
        if out.shape == (h, w, k):
            raise NotYet(f"The result has shape {out.shape}: one value per channel and "
                         "position. Sum the weighted maps over the channels to get one "
                         f"heat map of shape {(h, w)}.")
        raise NotYet(f"The heat map should have shape {(h, w)} (one value per position); "
                     f"got {out.shape}.")
    if np.allclose(out, expected, atol=1e-6):
        return "weights = spatial means of the gradient; heat = ReLU of the weighted sum."
    raw = maps @ grads.mean(axis=(0, 1))
    if np.allclose(out, raw, atol=1e-6):
        raise NotYet("Some values are negative: Grad-CAM keeps only the positions that "
                     "raise the class score. Apply a ReLU (np.maximum(..., 0)).")
    if np.allclose(out, np.maximum(maps @ grads.sum(axis=(0, 1)), 0), atol=1e-6):
        raise NotYet(f"Your map is {h * w} times too large: you summed the gradient over "
                     "the positions. Each channel's weight is the MEAN of its gradient.")
    if np.allclose(out, np.maximum((grads * maps).sum(axis=-1), 0), atol=1e-6):
        raise NotYet("You multiplied gradient and map position by position. A channel's "
                     "weight is ONE number: the mean of its gradient over all positions.")
    if np.allclose(out, np.maximum(maps * grads.mean(axis=-1, keepdims=True), 0).sum(-1),
                   atol=1e-6):
        raise NotYet("You averaged the gradient over the channels (axis -1). Average over "
                     "the positions, axes 0 and 1, to get one weight per channel.")
    if expected.max() > 0 and np.allclose(out, expected / expected.max(), atol=1e-6):
        raise NotYet("The shape is right but you scaled the map to a maximum of 1; here "
                     "return it unscaled (cnnlab.explain.grad_cam scales afterwards).")
    raise NotYet("Compute weights = grads.mean(axis=(0, 1)), then "
                 "ReLU(sum over k of weights[k] * maps[..., k]).")


def _pointing_cases():
    """Heat maps whose peak is unique; transposing the peak moves it off the object."""
    rng = np.random.default_rng(3)
    maps = rng.uniform(0, 0.5, (6, 5, 7))
    masks = np.zeros((6, 5, 7), dtype=np.uint8)
    peaks = [(1, 4), (3, 1), (0, 0), (4, 6), (2, 2), (1, 3)]
    hits = [True, True, False, True, False, True]
    for i, ((r, c), hit) in enumerate(zip(peaks, hits)):
        maps[i, r, c] = 1.0
        if hit:
            masks[i, r, c] = 1
        masks[i, max(r - 1, 0):r + 1, c] = 1 if hit else masks[i, max(r - 1, 0):r + 1, c]
        masks[i, 4, 0] = masks[i, 0, 4] = 1      # object pixels elsewhere
    masks[2, 0, 0] = masks[4, 2, 2] = 0
    return maps, masks


@question("15.2", "The pointing game")
def _pointing(pointing_score):
    if not callable(pointing_score):
        raise NotYet("`pointing_score` should be a function pointing_score(maps, masks).")
    maps, masks = _pointing_cases()
    try:
        out = pointing_score(maps.copy(), masks.copy())
    except IndexError as err:
        raise NotYet(f"pointing_score raised IndexError ({err}): did you swap row and "
                     "column, or use a flat index on a 2-D mask? np.unravel_index turns "
                     "np.argmax's flat index into (row, column).") from None
    expected = 4 / 6
    score = _array(out, "pointing_score(maps, masks)")
    if score.ndim != 0:
        raise NotYet("Return one number: the fraction of images whose peak is on the "
                     f"object (got an array of shape {score.shape}).")
    score = float(score)
    if np.isclose(score, expected):
        single = pointing_score(maps[2:3], masks[2:3])
        if not np.isclose(float(single), 0.0):
            raise NotYet("A batch of one image whose peak misses the object should score 0.")
        return "a hit when the hottest pixel lies on the object; the score is the hit rate."
    if np.isclose(score, 4):
        raise NotYet("You returned the number of hits (4); the score is their fraction "
                     "of the images (divide by N).")
    flat = np.argmax(maps)
    if np.isclose(score, float(masks.reshape(-1)[flat])) or np.isclose(score, 1.0) \
            and masks.reshape(-1)[flat]:
        raise NotYet("You found one peak for the whole batch; find each image's own "
                     "peak (argmax over H×W per image).")
    transposed = np.mean([masks[i].T[np.unravel_index(np.argmax(maps[i]), maps[i].shape)]
                          if max(np.unravel_index(np.argmax(maps[i]), maps[i].shape))
                          < min(masks[i].shape) else 0 for i in range(len(maps))])
    lowest = np.mean([masks[i].reshape(-1)[np.argmin(maps[i])] for i in range(len(maps))])
    if np.isclose(score, lowest):
        raise NotYet("You looked at the coldest pixel (argmin); the pointing game looks at "
                     "the hottest one (argmax).")
    if np.isclose(score, transposed):
        raise NotYet("Row and column are swapped: np.unravel_index returns (row, column), "
                     "and masks[i][row, column] is the pixel.")
    raise NotYet(f"Your score is {score:.3f}. For each image find its hottest pixel "
                 "(np.unravel_index(np.argmax(map), map.shape)) and count a hit when the "
                 "mask is 1 there; return hits / N.")


@question("15.3", "Reading an occlusion map")
def _occlusion(answer):
    where, helps = expect_items(answer, 2, "Give two answers: (most_important, hiding_helps).")
    m = OCCLUSION_15_3
    best = tuple(int(v) for v in np.unravel_index(np.argmax(m), m.shape))
    worst = tuple(int(v) for v in np.unravel_index(np.argmin(m), m.shape))
    try:
        where = tuple(int(v) for v in where)
    except (TypeError, ValueError):
        raise NotYet("`most_important` should be a (row, column) pair of integers.") from None
    if where != best:
        if where == best[::-1]:
            raise NotYet(f"{where} is (column, row); give (row, column), as the array is "
                         "indexed: occlusion[row, column].")
        if where == worst:
            raise NotYet("That is the most NEGATIVE value: hiding it made the class MORE "
                         "likely. The map holds drops; the largest drop marks the most "
                         "important region.")
        raise NotYet("Find the largest value of the map (np.argmax, then "
                     "np.unravel_index).")
    negatives, positives = int((m < 0).sum()), int((m > 0).sum())
    if isinstance(helps, bool) or not isinstance(helps, (int, np.integer)):
        raise NotYet("`hiding_helps` should be an integer: how many positions have a "
                     "negative drop.")
    if helps != negatives:
        if helps == positives:
            raise NotYet("You counted positive drops: there hiding HURTS the class. Hiding "
                         "helps where the drop is negative (the probability went up).")
        raise NotYet("Count the positions where the value is below 0.")
    return "the largest drop marks the evidence; negative drops are where hiding helps."
