"""TextGrid draws its labels where matplotlib's centred texts would be, pixel for pixel."""
import io

import numpy as np

from cnnlab.plot._figure import new_figure, to_png
from cnnlab.viz._text_grid import TextGrid

LABELS = [(0.1, 0.2, "1", "black"), (0.5, 0.5, "16", "white"), (0.8, 0.7, "-0.25", "tab:red"),
          (0.3, 0.9, "g", "0.2"), (0.6, 0.1, "", "black")]


def pixels(fig):
    from PIL import Image
    return np.asarray(Image.open(io.BytesIO(to_png(fig, tight=False))))


def figure():
    fig = new_figure(figsize=(3, 2), layout=None)
    ax = fig.add_axes([0, 0, 1, 1], facecolor="0.6")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    return fig, ax


def test_labels_match_centred_texts():
    fig_text, ax = figure()
    for x, y, text, color in LABELS:
        ax.text(x, y, text, color=color, ha="center", va="center", fontsize=9)
    fig_grid, ax = figure()
    TextGrid(ax, fontsize=9).set_items(LABELS)
    a, b = pixels(fig_text), pixels(fig_grid)
    assert (a != b).any(axis=-1).sum() == 0


def test_new_items_replace_the_old_and_mark_it_stale():
    fig, ax = figure()
    grid = TextGrid(ax)
    grid.set_items(LABELS)
    before = pixels(fig)
    grid.set_items(LABELS[:1])
    assert grid.stale
    assert not np.array_equal(before, pixels(fig))
    grid.set_items([])
    empty, _ = figure()
    assert np.array_equal(pixels(fig), pixels(empty))
