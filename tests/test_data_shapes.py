"""cnnlab.data.shapes: the procedural shapes data set."""
import numpy as np
import pytest

from cnnlab import data
from cnnlab.data.synthetic import SHAPE_CLASSES


def test_same_seed_same_images_other_seed_other_images():
    a = data.shapes(64, seed=5)
    b = data.shapes(64, seed=5)
    c = data.shapes(64, seed=6)
    np.testing.assert_array_equal(a[0], b[0])
    np.testing.assert_array_equal(a[1], b[1])
    assert not np.array_equal(a[0], c[0])
    assert data.make_shapes is data.shapes


@pytest.mark.parametrize("size, channels", [(32, 3), (32, 1), ((24, 40), 3), ((40, 16), 1)])
def test_shape_dtype_range(size, channels):
    x, y, names = data.shapes(50, image_size=size, channels=channels, seed=1)
    h, w = (size, size) if isinstance(size, int) else size
    assert x.shape == (50, h, w, channels) and x.dtype == np.float32
    assert 0.0 <= x.min() and x.max() <= 1.0 and x.std() > 0.1
    assert y.shape == (50,) and y.dtype == np.int64
    assert names == list(SHAPE_CLASSES)


def test_classes_balanced_and_all_present():
    _, y, names = data.shapes(803, seed=2)
    counts = np.bincount(y, minlength=len(names))
    assert len(names) >= 6 and counts.min() > 0
    assert counts.max() - counts.min() <= 1


def test_class_subset_follows_the_order_given():
    x, y, names = data.shapes(30, classes=["star", "circle", "cross"], seed=0)
    assert names == ["star", "circle", "cross"]
    assert sorted(set(y.tolist())) == [0, 1, 2]


def test_grey_is_the_luminance_of_rgb():
    rgb, _, _ = data.shapes(10, channels=3, seed=4)
    grey, _, _ = data.shapes(10, channels=1, seed=4)
    from skimage.color import rgb2gray
    np.testing.assert_allclose(grey[..., 0], rgb2gray(rgb), atol=1e-5)


def test_shapes_are_drawn_where_the_class_says():
    """Without clutter and noise, the shape's pixel count orders the classes as
    their areas do: ring and crescent are thinner than a disc, a star thinner
    than a hexagon (averaged over many random sizes)."""
    x, y, names = data.shapes(800, image_size=48, seed=3, clutter=0, noise=0.0)
    # the shape differs most from the image's two corner colours
    corners = np.stack([x[:, 0, 0], x[:, -1, -1]], axis=1)
    fg = np.abs(x[:, None] - corners[:, :, None, None]).sum(-1).min(axis=1) > 0.25
    area = {n: fg[y == k].sum(axis=(1, 2)).mean() for k, n in enumerate(names)}
    assert area["ring"] < area["circle"] and area["crescent"] < area["circle"]
    assert area["star"] < area["hexagon"] and area["triangle"] < area["square"]


def test_train_and_test_splits_share_no_image():
    xtr, ytr, _ = data.load("shapes", split="train", limit=500)
    xte, yte, _ = data.load("shapes", split="test", limit=500)
    train = {im.tobytes() for im in xtr}
    assert not any(im.tobytes() in train for im in xte)
    # repeatable, and another seed gives another set
    np.testing.assert_array_equal(data.load("shapes", split="test", limit=500)[0], xte)
    assert not np.array_equal(data.load("shapes", split="test", limit=500, seed=1)[0], xte)


def test_load_defaults_and_size():
    x, y, names = data.load("shapes", split="test")
    assert x.shape == (1000, 32, 32, 3)
    x, _, _ = data.load("shapes", image_size=(20, 28), channels=1, limit=12)
    assert x.shape == (12, 20, 28, 1)


@pytest.mark.parametrize("kwargs, word", [
    ({"n": 0}, "`n`"), ({"image_size": 4}, "`image_size`"), ({"channels": 2}, "`channels`"),
    ({"classes": ["blob"]}, "'circle'"), ({"noise": -1}, "`noise`"),
    ({"clutter": 1.5}, "`clutter`"),
])
def test_bad_arguments(kwargs, word):
    with pytest.raises(ValueError, match="Received") as err:
        data.shapes(**{"n": 4, **kwargs})
    assert word in str(err.value)


# ------------------------------------------------------------------ masks
@pytest.mark.parametrize("kwargs", [{}, {"channels": 1, "image_size": (24, 40)},
                                    {"classes": ["ring", "star"], "clutter": 4}])
def test_masks_do_not_change_the_images(kwargs):
    x, y, names = data.shapes(70, seed=9, **kwargs)
    xm, ym, names_m, m = data.shapes(70, seed=9, masks=True, **kwargs)
    np.testing.assert_array_equal(x, xm)
    np.testing.assert_array_equal(y, ym)
    assert names == names_m
    assert m.shape == x.shape[:3] and m.dtype == np.uint8
    assert set(np.unique(m).tolist()) == {0, 1}


def test_mask_is_where_the_shape_is_drawn():
    """Without clutter and noise the shape is the only thing that differs from
    the background gradient: the mask must agree with that difference."""
    x, y, names, m = data.shapes(300, image_size=40, seed=7, clutter=0, noise=0.0,
                                 masks=True)
    corners = np.stack([x[:, 0, 0], x[:, -1, -1]], axis=1)
    fg = np.abs(x[:, None] - corners[:, :, None, None]).sum(-1).min(axis=1) > 0.25
    agree = (fg == m.astype(bool)).mean(axis=(1, 2))
    # the corner colours are a rough background estimate (a shape can cover a
    # corner), so most images, not all, must agree closely
    assert np.median(agree) > 0.97 and (agree > 0.95).mean() > 0.9
    area = {n: m[y == k].sum(axis=(1, 2)).mean() for k, n in enumerate(names)}
    assert area["ring"] < area["circle"] and area["star"] < area["hexagon"]


def test_mask_leaves_out_what_a_distractor_hides():
    _, _, _, hidden = data.shapes(200, seed=4, clutter=6, noise=0.0, masks=True)
    _, _, _, bare = data.shapes(200, seed=4, clutter=0, noise=0.0, masks=True)
    # other random draws, so compare totals: front distractors only remove pixels
    assert 0 < hidden.mean() < bare.mean() * 1.05
    x, _, _, m = data.shapes(1, seed=4, clutter=0, noise=0.0, masks=True)
    assert m[0].sum() > 20


def test_masks_must_be_a_bool():
    with pytest.raises(ValueError, match=r"`masks` must be True or False. Received: masks=1."):
        data.shapes(4, masks=1)
