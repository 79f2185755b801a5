"""Lesson 15 question bank: right answers pass, each known mistake gets its hint."""
import numpy as np

from cnnlab.check.banks.lesson15 import GRADS_15_1, MAPS_15_1, OCCLUSION_15_3
from cnnlab.check.registry import load_bank
from cnnlab.explain import cam_from_gradients, pointing_game

from check_util import expect_hint, run

BANK = load_bank("15")


def test_15_1_reference_agrees_with_cnnlab_explain_and_hints():
    def right(maps, grads):
        return np.maximum((maps * grads.mean(axis=(0, 1))).sum(axis=-1), 0)

    # the library's formula, and a loop written out channel by channel
    loop = np.zeros(MAPS_15_1.shape[:2])
    for k in range(MAPS_15_1.shape[-1]):
        loop += GRADS_15_1[..., k].mean() * MAPS_15_1[..., k]
    np.testing.assert_allclose(right(MAPS_15_1, GRADS_15_1), np.maximum(loop, 0))
    np.testing.assert_allclose(cam_from_gradients(MAPS_15_1, GRADS_15_1), np.maximum(loop, 0))
    assert run("15.1", right)
    assert run("15.1", cam_from_gradients)
    expect_hint("15.1", lambda m, g: (m * g.mean(axis=(0, 1))).sum(-1), "Apply a ReLU")
    expect_hint("15.1", lambda m, g: np.maximum((m * g.sum(axis=(0, 1))).sum(-1), 0),
                "summed the gradient")
    expect_hint("15.1", lambda m, g: np.maximum((m * g).sum(-1), 0), "position by position")
    expect_hint("15.1", lambda m, g: np.maximum(m * g.mean(axis=-1, keepdims=True), 0).sum(-1),
                "over the channels")
    expect_hint("15.1", lambda m, g: right(m, g) / right(m, g).max(), "unscaled")
    expect_hint("15.1", lambda m, g: np.maximum(m * g.mean(axis=(0, 1)), 0), "Sum the weighted")
    expect_hint("15.1", lambda m, g: right(m, g)[0], "should have shape")
    expect_hint("15.1", lambda m, g: right(m, g) + 1, "Compute weights")
    expect_hint("15.1", "cam", "should be a function")


def peak(m):
    return np.unravel_index(np.argmax(m), m.shape)


def test_15_2_reference_agrees_with_cnnlab_explain_and_hints():
    def right(maps, masks):
        return np.mean([masks[i][peak(maps[i])] for i in range(len(maps))])

    from cnnlab.check.banks.lesson15 import _pointing_cases
    maps, masks = _pointing_cases()
    assert right(maps, masks) == pointing_game(maps, masks).mean() == 4 / 6
    assert run("15.2", right)
    expect_hint("15.2", lambda maps, masks: sum(masks[i][peak(maps[i])]
                                                for i in range(len(maps))), "number of hits")
    expect_hint("15.2", lambda maps, masks: [masks[i][peak(maps[i])] for i in range(len(maps))],
                "Return one number")
    expect_hint("15.2", lambda maps, masks: masks.reshape(-1)[np.argmax(maps)],
                "one peak for the whole batch")
    expect_hint("15.2", lambda maps, masks: np.mean(
        [masks[i].reshape(-1)[np.argmin(maps[i])] for i in range(len(maps))]), "argmin")
    expect_hint("15.2", lambda maps, masks: np.mean(
        [masks[i][peak(maps[i])[::-1]] for i in range(len(maps))]), "swap row and")
    expect_hint("15.2", lambda maps, masks: np.mean(
        [masks[i].mean() for i in range(len(maps))]), "hottest pixel")
    # a function right on this batch but wrong on a single miss
    expect_hint("15.2", lambda maps, masks: 4 / 6, "should score 0")


def test_15_3_reference_and_hints():
    r, c = np.unravel_index(np.argmax(OCCLUSION_15_3), OCCLUSION_15_3.shape)
    helps = int((OCCLUSION_15_3 < 0).sum())
    assert OCCLUSION_15_3[r, c] == OCCLUSION_15_3.max() and (r, c) == (1, 4) and helps == 4
    assert run("15.3", ((int(r), int(c)), helps))
    expect_hint("15.3", ((4, 1), helps), r"\(column, row\)")
    expect_hint("15.3", ((4, 5), helps), "most NEGATIVE")
    expect_hint("15.3", ((2, 2), helps), "largest value")
    expect_hint("15.3", ((1, 4), int((OCCLUSION_15_3 > 0).sum())), "counted positive")
    expect_hint("15.3", ((1, 4), 1), "below 0")
    expect_hint("15.3", ((1, 4), True), "should be an integer")
    expect_hint("15.3", (1, 4), r"\(row, column\) pair")
    expect_hint("15.3", 5, "two answers")
