"""DenseNet builders against keras.applications' DenseNet121/169/201."""
import pytest

keras = pytest.importorskip("keras")

from cnnlab.models.densenets import (dense_block, densenet, mini_densenet,  # noqa: E402
                                     transition_block)


def _counts(model):
    return {layer.name: layer.count_params() for layer in model.layers
            if layer.count_params()}


def test_densenet121_equals_keras_layer_by_layer():
    ours = densenet()
    ref = keras.applications.DenseNet121(weights=None)
    assert ours.count_params() == ref.count_params() == 8_062_504
    assert _counts(ours) == _counts(ref)
    assert ours.output_shape == ref.output_shape == (None, 1000)
    assert ours.name == "densenet121"


@pytest.mark.parametrize("blocks, app", [((6, 12, 32, 32), "DenseNet169"),
                                         ((6, 12, 48, 32), "DenseNet201")])
def test_169_and_201_match_keras(blocks, app):
    ref = getattr(keras.applications, app)(weights=None)
    assert densenet(blocks).count_params() == ref.count_params()


def test_headless_densenet_matches_keras_feature_extractor():
    ours = densenet(include_top=False, input_shape=(64, 64, 3))
    ref = keras.applications.DenseNet121(weights=None, include_top=False,
                                         input_shape=(64, 64, 3))
    assert ours.output_shape == ref.output_shape == (None, 2, 2, 1024)
    assert ours.count_params() == ref.count_params()


def test_dense_block_concatenates_and_grows_by_k():
    x = keras.Input((8, 8, 24))
    model = keras.Model(x, dense_block(x, 4, 12, name="d"))
    concat = [int(model.get_layer(f"d_block{i}_concat").output.shape[-1]) for i in range(1, 5)]
    assert concat == [36, 48, 60, 72]
    assert not any(isinstance(layer, keras.layers.Add) for layer in model.layers)
    # bottleneck: 1x1 conv to 4k = 48 channels, then 3x3 to k = 12
    assert model.get_layer("d_block2_1_conv").output.shape[-1] == 48
    assert model.get_layer("d_block2_2_conv").kernel.shape == (3, 3, 48, 12)
    plain = keras.Model(x, dense_block(x, 4, 12, bottleneck=False, name="e"))
    assert plain.get_layer("e_block3_2_conv").kernel.shape == (3, 3, 48, 12)


def test_transition_compresses_and_halves():
    x = keras.Input((9, 9, 250))
    y = transition_block(x, 0.3, name="t")
    assert tuple(y.shape) == (None, 4, 4, 75)
    model = keras.Model(x, y)
    assert model.get_layer("t_conv").count_params() == 250 * 75     # no bias
    assert isinstance(model.get_layer("t_pool"), keras.layers.AveragePooling2D)


def test_mini_densenet_trains_a_step():
    import numpy as np
    model = mini_densenet((16, 16, 1), classes=4, blocks=(2, 2), growth_rate=6)
    assert model.output_shape == (None, 4)
    assert model.get_layer("pool2_pool").output.shape == (None, 8, 8, 12)
    model.compile("adam", "sparse_categorical_crossentropy")
    x = np.random.default_rng(0).uniform(size=(8, 16, 16, 1)).astype("float32")
    loss = model.train_on_batch(x, np.arange(8) % 4)
    assert np.isfinite(loss)


@pytest.mark.parametrize("call, message", [
    (lambda: densenet(blocks=()), "`blocks` must be a non-empty"),
    (lambda: densenet(compression=1.5), r"`compression` must be a number in \(0, 1\]"),
    (lambda: mini_densenet((4, 4, 1), blocks=(2, 2, 2, 2)), "too small"),
    (lambda: mini_densenet((16, 16)), "`input_shape` must be a sequence \(height, width, channels\)"),
    (lambda: dense_block(keras.Input((4, 4, 2)), 0, 12), "`num_layers` must be"),
])
def test_errors(call, message):
    with pytest.raises(ValueError, match=message):
        call()
