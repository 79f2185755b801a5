"""cnnlab.models.unet: tiny_unet shapes and counts against Keras, mask scores against
Keras metrics and scikit-image, and a short fit that learns."""
import numpy as np
import pytest

from cnnlab.arith import conv_params, summarize
from cnnlab.models.unet import boundary, mask_iou, mask_scores, tiny_unet

keras = pytest.importorskip("keras")


def unet_params(filters, depth, channels, skips=True, convs=2, k=3):
    """The parameter count written out level by level."""
    total, c = 0, channels
    widths = [filters * 2 ** level for level in range(depth + 1)]
    for w in widths[:-1]:                                   # encoder
        total += conv_params(k, c, w) + (convs - 1) * conv_params(k, w, w)
        c = w
    total += conv_params(k, c, widths[-1]) + (convs - 1) * conv_params(k, widths[-1],
                                                                        widths[-1])
    c = widths[-1]
    for w in reversed(widths[:-1]):                         # decoder
        total += conv_params(2, c, w)                       # Conv2DTranspose 2x2
        first_in = 2 * w if skips else w
        total += conv_params(k, first_in, w) + (convs - 1) * conv_params(k, w, w)
        c = w
    return total + conv_params(1, c, 1)


@pytest.mark.parametrize("shape, filters, depth, skips, convs", [
    ((32, 32, 3), 16, 2, True, 2), ((32, 32, 3), 16, 2, False, 2),
    ((16, 24, 1), 4, 3, True, 1), ((64, 64, 3), 8, 1, False, 3),
])
def test_shapes_and_counts(shape, filters, depth, skips, convs):
    model = tiny_unet(shape, filters=filters, depth=depth, skips=skips,
                      convs_per_level=convs)
    assert model.output_shape == (None, *shape[:2], 1)
    table = summarize(model)
    assert model.count_params() == table.params == unet_params(
        filters, depth, shape[2], skips, convs)
    names = [layer.name for layer in model.layers]
    assert all(f"pool{level}" in names and f"up{level}" in names
               for level in range(1, depth + 1))
    assert any(n.startswith("skip") for n in names) == skips
    assert table[f"pool{depth}"]["output_shape"] == (
        shape[0] // 2 ** depth, shape[1] // 2 ** depth, filters * 2 ** (depth - 1))


def test_skips_concatenate_encoder_and_decoder_features():
    model = tiny_unet((32, 32, 3), filters=8, depth=2)
    for level, width in ((1, 8), (2, 16)):
        skip = model.get_layer(f"skip{level}")
        assert skip.output.shape[-1] == 2 * width
        sources = {t._keras_history.operation.name for t in skip._inbound_nodes[0].input_tensors}
        assert sources == {f"up{level}", f"enc{level}_conv2"}
    assert model.layers[-1].get_config()["activation"] == "sigmoid"


def test_output_is_a_probability_and_default_names():
    model = tiny_unet((16, 16, 1), filters=4, depth=2)
    y = keras.ops.convert_to_numpy(model(np.random.default_rng(0).normal(
        size=(3, 16, 16, 1)).astype("float32") * 5))
    assert y.shape == (3, 16, 16, 1) and 0 <= y.min() and y.max() <= 1
    assert model.name == "tiny_unet"
    assert tiny_unet((16, 16, 1), filters=4, skips=False).name == "tiny_unet_no_skips"


@pytest.mark.parametrize("kwargs, text", [
    (dict(input_shape=(30, 32, 3), depth=2), "divisible by 2**depth = 4"),
    (dict(input_shape=(32, 32)), "`input_shape` must be a sequence (H, W, C)"),
    (dict(filters=0), "`filters` must be an integer >= 1. Received: filters=0."),
    (dict(depth=0), "`depth` must be an integer >= 1"),
    (dict(skips="yes"), "`skips` must be True or False"),
    (dict(convs_per_level=0), "`convs_per_level`"),
])
def test_errors(kwargs, text):
    with pytest.raises(ValueError, match="Received") as err:
        tiny_unet(**kwargs)
    assert text in str(err.value)


def test_a_short_fit_learns_the_masks():
    import cnnlab
    from cnnlab.data.pipeline import segmentation_dataset

    x, _, _, masks = cnnlab.data.shapes(192, image_size=16, seed=0, masks=True)
    cnnlab.seed(0)
    model = tiny_unet((16, 16, 3), filters=8, depth=2)
    result = cnnlab.train.fit(model, segmentation_dataset(x, masks, batch_size=16),
                              epochs=6, seed=0, verbose=False)
    losses = result.history.history["loss"]
    assert losses[-1] < 0.7 * losses[0]
    scores = mask_scores(masks, model.predict(x, verbose=0))
    assert scores["iou"] > 0.5
    assert scores["pixel_accuracy"] > mask_scores(masks, np.zeros_like(masks))["pixel_accuracy"]


# ------------------------------------------------------------------ scores
def random_masks(seed, shape=(6, 20, 24)):
    rng = np.random.default_rng(seed)
    truth = rng.random(shape) > 0.6
    prob = np.clip(truth * 0.7 + rng.random(shape) * 0.5, 0, 1)
    return truth.astype(np.uint8), prob.astype(np.float32)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_iou_and_accuracy_agree_with_keras_metrics(seed):
    truth, prob = random_masks(seed)
    iou = keras.metrics.BinaryIoU(target_class_ids=[1], threshold=0.5)
    iou.update_state(truth, prob)
    acc = keras.metrics.BinaryAccuracy(threshold=0.5)
    acc.update_state(truth[..., None], prob[..., None])
    scores = mask_scores(truth, prob[..., None])
    assert scores["iou"] == pytest.approx(float(iou.result()), abs=1e-6)
    assert scores["pixel_accuracy"] == pytest.approx(float(acc.result()), abs=1e-6)
    assert mask_iou(truth, prob) == scores["iou"]


@pytest.mark.parametrize("width", [1, 2])
def test_boundary_is_scikit_image_thick_boundary(width):
    from skimage.morphology import dilation, erosion

    truth, _ = random_masks(3)
    footprint = np.ones((2 * width + 1,) * 2, bool)
    expected = np.stack([dilation(m, footprint) != erosion(m, footprint) for m in truth])
    np.testing.assert_array_equal(boundary(truth, width=width), expected)
    from skimage.segmentation import find_boundaries
    np.testing.assert_array_equal(boundary(truth), np.stack(
        [find_boundaries(m, connectivity=2, mode="thick") for m in truth]))


def test_scores_of_perfect_and_empty_predictions():
    truth, _ = random_masks(4)
    assert mask_scores(truth, truth.astype(float)) == {
        "iou": 1.0, "pixel_accuracy": 1.0, "boundary_accuracy": 1.0}
    assert mask_iou(np.zeros((2, 4, 4)), np.zeros((2, 4, 4))) == 1.0
    assert mask_iou(truth, np.zeros(truth.shape)) == 0.0


@pytest.mark.parametrize("call, text", [
    (lambda: mask_iou(np.zeros((2, 4, 4)), np.zeros((2, 4, 5))), "the same shape"),
    (lambda: mask_iou(np.zeros((2, 4, 4)), np.full((2, 4, 4), "a")), "`y_pred` must be"),
    (lambda: boundary(np.zeros((4, 4))), "(N, H, W)"),
    (lambda: boundary(np.zeros((1, 4, 4)), width=0), "`width`"),
])
def test_score_errors(call, text):
    with pytest.raises(ValueError, match="Received") as err:
        call()
    assert text in str(err.value)
