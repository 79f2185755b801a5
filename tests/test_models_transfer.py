"""cnnlab.models.transfer: counts agree with Keras, freezing reaches training, fine_tune recompiles."""
import numpy as np
import pytest

keras = pytest.importorskip("keras")

from cnnlab.models import transfer  # noqa: E402


def keras_counts(model):
    """(trainable, non-trainable) parameter counts as Keras itself reports them."""
    size = lambda ws: int(sum(np.prod(w.shape) for w in ws))  # noqa: E731
    return size(model.trainable_weights), size(model.non_trainable_weights)


def agree_with_keras(model):
    counts = transfer.param_counts(model)
    assert (counts.trainable, counts.non_trainable) == keras_counts(model)
    assert counts.total == model.count_params()
    return counts


@pytest.fixture(scope="module")
def mobilenet():
    return keras.applications.MobileNetV2(weights=None, include_top=False, alpha=0.35,
                                          input_shape=(32, 32, 3))


@pytest.fixture()
def model():
    keras.utils.set_random_seed(0)
    return transfer.new_head(transfer.small_base((16, 16, 1), filters=(4, 8, 8)), 3)


def test_small_base_count_by_hand():
    base = transfer.small_base((28, 28, 1), filters=(16, 32, 64))
    convs = 9 * 1 * 16 + 9 * 16 * 32 + 9 * 32 * 64          # no biases: BN follows
    bns = 4 * (16 + 32 + 64)                                  # gamma, beta, mean, variance
    assert base.count_params() == convs + bns
    assert base.output_shape == (None, 3, 3, 64)
    pooled = transfer.small_base((28, 28, 1), pooling="avg")
    assert pooled.output_shape == (None, 64)
    plain = transfer.small_base((28, 28, 1), filters=(8,), batchnorm=False)
    assert plain.count_params() == 9 * 8 + 8


def test_new_head_freezes_base_and_counts_head(model):
    head = 8 * 3 + 3                                          # GAP of 8 channels -> 3
    counts = agree_with_keras(model)
    assert counts.trainable == head
    assert counts.statistics == 2 * (4 + 8 + 8)
    assert model.output_shape == (None, 3)
    flat = transfer.new_head(transfer.small_base((16, 16, 1), filters=(4,)), 2,
                             pooling="flatten", hidden=5)
    assert transfer.param_counts(flat).trainable == (8 * 8 * 4 * 5 + 5) + (5 * 2 + 2)


@pytest.mark.parametrize("kwargs, text", [
    ({"classes": 0}, "`classes`"), ({"classes": 3, "dropout": 1.0}, "`dropout`"),
    ({"classes": 3, "hidden": -1}, "`hidden`"),
])
def test_new_head_errors(kwargs, text):
    with pytest.raises(ValueError, match=text):
        transfer.new_head(transfer.small_base((16, 16, 1), filters=(4,)), **kwargs)


def test_small_base_errors():
    with pytest.raises(ValueError, match="`filters`"):
        transfer.small_base((28, 28, 1), filters=(8, 0))
    with pytest.raises(ValueError, match="too small"):
        transfer.small_base((4, 4, 1), filters=(8, 8, 8))


def test_blocks_of_keras_applications(mobilenet):
    vgg = keras.applications.VGG16(weights=None, include_top=False, input_shape=(32, 32, 3))
    groups = transfer.blocks(vgg)
    assert list(groups) == ["block1", "block2", "block3", "block4", "block5"]
    assert groups["block3"] == ["block3_conv1", "block3_conv2", "block3_conv3", "block3_pool"]
    mb = transfer.blocks(mobilenet)
    assert list(mb)[:3] == ["stem", "expanded_conv", "block_1"] and list(mb)[-1] == "block_16"
    assert "out_relu" in mb["block_16"]


def test_freeze_up_to_agrees_with_keras(mobilenet):
    transfer.freeze_up_to(mobilenet, "block_13")
    counts = agree_with_keras(mobilenet)
    first = transfer.trainable_layers(mobilenet)[0]
    assert first.startswith("block_13_")
    expected = sum(np.prod(w.shape) for layer in mobilenet.layers
                   if transfer.block_of(layer.name, "stem") in
                   {f"block_{i}" for i in (13, 14, 15, 16)} or
                   layer.name in ("Conv_1", "Conv_1_bn")
                   for w in layer.trainable_weights)
    assert counts.trainable == expected
    transfer.unfreeze(mobilenet)
    assert agree_with_keras(mobilenet).frozen == 0


def test_unfreeze_inside_a_trainable_model(model):
    # With TensorFlow, `model.trainable = True` on a trainable model does not reach
    # layers frozen inside it; unfreeze must still make them train.
    transfer.unfreeze(model)
    transfer.freeze(model, "block2_conv")
    assert "block2_conv" not in transfer.trainable_layers(model)
    transfer.unfreeze(model, "block2_conv")
    counts = agree_with_keras(model)
    assert counts.frozen == 0
    with pytest.raises(ValueError, match="`names`"):
        transfer.freeze(model, "block9")


def batch(n=8, seed=0):
    rng = np.random.default_rng(seed)
    return rng.random((n, 16, 16, 1), dtype=np.float32), np.arange(n) % 3


def test_without_recompile_unfreezing_trains_nothing_new(model):
    x, y = batch()
    model.compile("adam", "sparse_categorical_crossentropy")
    model.train_on_batch(x, y)
    transfer.unfreeze(model, "block3")
    before = transfer.snapshot(model)
    model.train_on_batch(x, y)
    assert transfer.changed_layers(before, model) == ["predictions"]


def test_fine_tune_unfreezes_top_block_and_recompiles(model):
    x, y = batch()
    model.compile("adam", "sparse_categorical_crossentropy")
    model.train_on_batch(x, y)
    transfer.fine_tune(model, unfreeze_from="block3", learning_rate=3e-5)
    assert transfer.learning_rate_of(model) == pytest.approx(3e-5)
    assert transfer.trainable_layers(model) == ["block3_conv", "predictions"]
    before = transfer.snapshot(model)
    model.train_on_batch(x, y)
    assert transfer.changed_layers(before, model) == ["block3_conv", "predictions"]
    transfer.fine_tune(model, unfreeze_from="block3", freeze_batchnorm=False)
    assert transfer.trainable_layers(model) == ["block3_conv", "block3_bn", "predictions"]
    before = transfer.snapshot(model)
    model.train_on_batch(x, y)
    assert transfer.changed_layers(before, model) == ["block3_conv", "block3_bn",
                                                      "predictions"]
    with pytest.raises(ValueError, match="`learning_rate`"):
        transfer.fine_tune(model, unfreeze_from="block3", learning_rate=0)


def test_frozen_batchnorm_runs_in_inference_mode():
    layer = keras.layers.BatchNormalization()
    x = np.random.default_rng(1).normal(3.0, 2.0, (16, 4)).astype("float32")
    layer.build(x.shape)
    layer.trainable = False
    frozen_train = keras.ops.convert_to_numpy(layer(x, training=True))
    inference = keras.ops.convert_to_numpy(layer(x, training=False))
    np.testing.assert_allclose(frozen_train, inference)
    np.testing.assert_allclose(keras.ops.convert_to_numpy(layer.moving_mean), 0.0)
    layer.trainable = True
    trained = keras.ops.convert_to_numpy(layer(x, training=True))
    assert abs(trained.mean()) < 1e-4 and not np.allclose(trained, inference)


def test_applications_and_their_parameters():
    names = transfer.applications()
    assert {"VGG16", "VGG19", "ResNet50", "InceptionV3", "DenseNet121",
            "MobileNetV2"} <= set(names)
    info = transfer.application_params("VGG16")
    assert info["params"] == 14_714_688 and info["blocks"] == 5
    with pytest.raises(ValueError, match="`name`"):
        transfer.application_params("VGG17")
