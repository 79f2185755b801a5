"""cnnlab.data.pipeline.as_dataset: element spec, batching, shuffling, augmentation, errors."""
import numpy as np
import pytest

keras = pytest.importorskip("keras")
tf = pytest.importorskip("tensorflow")

from cnnlab.data.pipeline import as_dataset, check_images_labels  # noqa: E402


def _data(n=10, size=4, channels=1):
    rng = np.random.default_rng(0)
    return rng.random((n, size, size, channels), dtype=np.float32), np.arange(n) % 3


def _collect(ds):
    xs, ys = zip(*[(a.numpy(), b.numpy()) for a, b in ds])
    return np.concatenate(xs), np.concatenate(ys)


def test_element_spec_and_batch_sizes():
    x, y = _data(10)
    ds = as_dataset(x, y, batch_size=4, shuffle=False)
    images, labels = ds.element_spec
    assert images.shape.as_list() == [None, 4, 4, 1] and images.dtype == tf.float32
    assert labels.shape.as_list() == [None] and labels.dtype == tf.int32
    assert [int(a.shape[0]) for a, _ in ds] == [4, 4, 2]
    xs, ys = _collect(ds)
    np.testing.assert_array_equal(xs, x)             # unshuffled: original order
    np.testing.assert_array_equal(ys, y)


def test_shuffle_is_a_permutation_and_repeatable_with_seed():
    x, y = _data(50)
    y = np.arange(50)                                 # unique labels reveal the order
    first = _collect(as_dataset(x, y, batch_size=8, seed=3))
    again = _collect(as_dataset(x, y, batch_size=8, seed=3))
    other = _collect(as_dataset(x, y, batch_size=8, seed=4))
    assert sorted(first[1].tolist()) == list(range(50))
    assert not np.array_equal(first[1], np.arange(50))
    np.testing.assert_array_equal(first[1], again[1])
    assert not np.array_equal(first[1], other[1])
    np.testing.assert_array_equal(first[0], x[first[1]])   # images stay with their labels


def test_each_epoch_gets_a_new_order():
    x, _ = _data(40)
    ds = as_dataset(x, np.arange(40), batch_size=40, seed=0)
    epoch1, epoch2 = [b.numpy() for _, b in ds], [b.numpy() for _, b in ds]
    assert not np.array_equal(epoch1[0], epoch2[0])


def test_augment_function_touches_images_only():
    x, y = _data(9)
    xs, ys = _collect(as_dataset(x, y, batch_size=4, shuffle=False, augment=lambda b: 1.0 - b))
    np.testing.assert_allclose(xs, 1.0 - x, rtol=1e-6)
    np.testing.assert_array_equal(ys, y)


def test_augment_keras_layers_run_in_training_mode():
    x, y = _data(12, size=5)
    flip = keras.Sequential([keras.layers.RandomFlip("horizontal", seed=1)])
    xs, ys = _collect(as_dataset(x, y, batch_size=4, shuffle=False, augment=flip))
    np.testing.assert_array_equal(ys, y)
    flipped = [np.allclose(a, b[:, ::-1]) and not np.allclose(a, b) for a, b in zip(xs, x)]
    same = [np.allclose(a, b) for a, b in zip(xs, x)]
    assert all(f or s for f, s in zip(flipped, same))   # each image: itself or its mirror
    assert any(flipped), "RandomFlip must be active (training=True)"


def test_augment_single_layer_with_training_flag():
    x, y = _data(6)
    xs, _ = _collect(as_dataset(x, y, shuffle=False, augment=keras.layers.Rescaling(2.0)))
    np.testing.assert_allclose(xs, 2 * x, rtol=1e-6)


def test_labels_with_trailing_axis_are_flattened():
    x, y = _data(6)
    _, ys = _collect(as_dataset(x, y[:, None], shuffle=False))
    np.testing.assert_array_equal(ys, y)


@pytest.mark.parametrize("x, y, words", [
    (np.zeros((4, 8, 8)), [0, 1, 2, 3], ["4-D", "x.shape=(4, 8, 8)", "x[..., None]"]),
    (np.zeros((0, 8, 8, 1)), [], ["empty"]),
    (np.zeros((4, 8, 8, 1), np.uint8), [0] * 4, ["floating-point", "uint8", "/ 255"]),
    (np.array([["a"]]), [0], ["numeric", "dtype"]),
    (np.zeros((4, 8, 8, 1)), [0, 1, 2], ["same length", "4 images and 3 labels"]),
    (np.zeros((4, 8, 8, 1)), [0.5, 1, 2, 3], ["integer", "float64"]),
    (np.zeros((4, 8, 8, 1)), np.zeros((4, 10)), ["1-D", "(4, 10)"]),
    (np.zeros((4, 8, 8, 1)), [0, -1, 2, 3], [">= 0", "-1"]),
])
def test_invalid_inputs_name_the_problem(x, y, words):
    with pytest.raises(ValueError) as err:
        as_dataset(x, y)
    for word in words:
        assert word in str(err.value)


def test_bad_arguments():
    x, y = _data(4)
    with pytest.raises(ValueError, match="`batch_size` must be an integer >= 1"):
        as_dataset(x, y, batch_size=0)
    with pytest.raises(ValueError, match="`augment` must be a callable"):
        as_dataset(x, y, augment="flip")
    with pytest.raises(ValueError, match=r"`seed` must be None or an integer >= 0\. "
                                         r"Received: seed=1\.5\."):
        as_dataset(x, y, seed=1.5)


def test_named_errors_for_fit():
    with pytest.raises(ValueError, match="`train` images must be a 4-D array"):
        check_images_labels(np.zeros((3, 4)), [0, 1, 2], what="train")


# ------------------------------------------------------------------ segmentation
from cnnlab.data.pipeline import check_images_masks, segmentation_dataset  # noqa: E402


def _pairs(n=12, size=6):
    rng = np.random.default_rng(1)
    x = rng.random((n, size, size, 3), dtype=np.float32)
    masks = (rng.random((n, size, size)) > 0.5).astype(np.uint8)
    return x, masks


def test_segmentation_element_spec_and_order():
    x, masks = _pairs(10)
    ds = segmentation_dataset(x, masks, batch_size=4, shuffle=False)
    images, targets = ds.element_spec
    assert images.shape.as_list() == [None, 6, 6, 3] and images.dtype == tf.float32
    assert targets.shape.as_list() == [None, 6, 6, 1] and targets.dtype == tf.float32
    assert [int(a.shape[0]) for a, _ in ds] == [4, 4, 2]
    xs, ms = _collect(ds)
    np.testing.assert_array_equal(xs, x)
    np.testing.assert_array_equal(ms[..., 0], masks)


def test_segmentation_shuffle_keeps_pairs_and_is_repeatable():
    x, masks = _pairs(40)
    x[:, 0, 0, 0] = np.arange(40)                  # tag each image with its index
    masks[:, 0, 0] = np.arange(40) % 2             # and its mask's corner accordingly
    first = _collect(segmentation_dataset(x, masks, batch_size=8, seed=2))
    again = _collect(segmentation_dataset(x, masks, batch_size=8, seed=2))
    order = first[0][:, 0, 0, 0].astype(int)
    assert sorted(order.tolist()) == list(range(40)) and order.tolist() != list(range(40))
    np.testing.assert_array_equal(first[1][..., 0], masks[order])
    np.testing.assert_array_equal(first[0], again[0])


def test_segmentation_accepts_bool_float_and_channel_masks():
    x, masks = _pairs(3)
    for m in (masks.astype(bool), masks.astype("float64"), masks[..., None]):
        _, out = check_images_masks(x, m)
        assert out.shape == (3, 6, 6, 1) and out.dtype == np.float32
        np.testing.assert_array_equal(out[..., 0], masks)


def test_segmentation_dataset_trains_a_keras_model():
    x, masks = _pairs(16)
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((6, 6, 3)),
                              keras.layers.Conv2D(1, 3, padding="same",
                                                  activation="sigmoid")])
    model.compile("adam", "binary_crossentropy")
    history = model.fit(segmentation_dataset(x, masks, batch_size=8), epochs=2, verbose=0,
                        shuffle=False)
    assert np.isfinite(history.history["loss"]).all()


@pytest.mark.parametrize("x, masks, words", [
    (np.zeros((4, 6, 6)), np.zeros((4, 6, 6)), ["`x` must be a 4-D array", "x[..., None]"]),
    (np.zeros((4, 6, 6, 3)), np.zeros((3, 6, 6)), ["(N, H, W) = (4, 6, 6)", "(3, 6, 6)"]),
    (np.zeros((4, 6, 6, 3)), np.zeros((4, 6, 6, 2)), ["masks.shape=(4, 6, 6, 2)"]),
    (np.zeros((4, 6, 6, 3)), np.full((4, 6, 6), 0.7), ["only 0", "0.7", "> 0.5"]),
    (np.zeros((4, 6, 6, 3)), np.full((4, 6, 6), 255), ["only 0", "255"]),
    (np.zeros((4, 6, 6, 3)), np.full((4, 6, 6), "a"), ["numbers 0 and 1", "dtype"]),
])
def test_segmentation_invalid_inputs_name_the_problem(x, masks, words):
    with pytest.raises(ValueError, match="Received") as err:
        segmentation_dataset(x, masks)
    for word in words:
        assert word in str(err.value)


def test_segmentation_bad_arguments():
    x, masks = _pairs(4)
    with pytest.raises(ValueError, match="`batch_size` must be an integer >= 1"):
        segmentation_dataset(x, masks, batch_size=0)
    with pytest.raises(ValueError, match=r"`seed` must be None or an integer >= 0\. "
                                         r"Received: seed='0'\."):
        segmentation_dataset(x, masks, seed="0")
