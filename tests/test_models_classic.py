"""Classic model builders against hand counts from the papers' layer sizes."""
import numpy as np
import pytest

keras = pytest.importorskip("keras")

from cnnlab.models import classic  # noqa: E402


def conv(k, c_in, f):
    """Weights + biases of a k x k convolution, written out independently."""
    return k * k * c_in * f + f


def fc(n_in, n_out):
    return n_in * n_out + n_out


def test_classic_convnet_has_93322_parameters_layer_by_layer():
    model = classic.classic_convnet()
    assert model.count_params() == 93_322
    expected = {"conv1": conv(3, 1, 32), "conv2": conv(3, 32, 64), "conv3": conv(3, 64, 64),
                "dense": fc(3 * 3 * 64, 64), "predictions": fc(64, 10)}
    for name, count in expected.items():
        assert model.get_layer(name).count_params() == count, name
    assert model.output_shape == (None, 10)


def test_lenet5_matches_the_paper_layer_sizes():
    # C1 6@5x5 on 1 channel, C3 16@5x5 on 6, C5 120 on 16 maps of 5x5, F6 84, output 10
    by_hand = conv(5, 1, 6) + conv(5, 6, 16) + fc(5 * 5 * 16, 120) + fc(120, 84) + fc(84, 10)
    assert by_hand == 61_706
    model = classic.lenet5()
    assert model.count_params() == by_hand
    assert model.get_layer("s4").output.shape == (None, 5, 5, 16)


def test_alexnet_single_tower_count():
    # 227 -> 55 (11x11/4) -> 27 (pool 3/2) -> 13 (pool) -> 6 (pool): 6*6*256 = 9216 inputs to fc6
    by_hand = (conv(11, 3, 96) + conv(5, 96, 256) + conv(3, 256, 384) + conv(3, 384, 384)
               + conv(3, 384, 256) + fc(6 * 6 * 256, 4096) + fc(4096, 4096) + fc(4096, 1000))
    model = classic.alexnet()
    assert model.count_params() == by_hand
    assert 62.3e6 < by_hand < 62.4e6          # the often-quoted "about 62.3 M"
    assert model.get_layer("conv1").output.shape == (None, 55, 55, 96)
    assert model.get_layer("pool5").output.shape == (None, 6, 6, 256)


def test_small_cnn_pooling_switch_and_dense_size():
    pooled = classic.small_cnn((28, 28, 1), 10)
    flat = classic.small_cnn((28, 28, 1), 10, pooling=False)
    # pooled: 28 -> 26 -> 13 -> 11 -> 5; unpooled: 28 -> 26 -> 24
    assert pooled.get_layer("dense").count_params() == fc(5 * 5 * 64, 64)
    assert flat.get_layer("dense").count_params() == fc(24 * 24 * 64, 64)
    assert flat.count_params() > 15 * pooled.count_params()
    assert not any(isinstance(layer, keras.layers.MaxPooling2D) for layer in flat.layers)


def test_small_cnn_dropout_dense_and_filters():
    model = classic.small_cnn((32, 32, 3), 4, filters=(8, 16, 32), dropout=0.3, dense=0)
    names = [layer.name for layer in model.layers]
    assert "dropout1" in names and "dense" not in names and "dropout2" not in names
    assert names.count("conv3") == 1
    assert model.output_shape == (None, 4)
    model = classic.small_cnn((32, 32, 3), 4, dropout=0.5)
    assert model.get_layer("dropout2").rate == 0.5


def test_small_cnn_augmentation_runs_only_in_training():
    aug = keras.layers.RandomFlip("horizontal", seed=0)
    model = classic.small_cnn((16, 16, 1), 3, augmentation=aug)
    assert aug in model.layers
    x = np.random.default_rng(0).random((2, 16, 16, 1)).astype("float32")
    # inference: the flip is off, so two calls agree exactly
    np.testing.assert_array_equal(model(x, training=False), model(x, training=False))


@pytest.mark.parametrize("kwargs, arg", [
    ({"filters": ()}, "filters"), ({"filters": (0,)}, "filters"), ({"dropout": 1.0}, "dropout"),
    ({"dense": -1}, "dense"), ({"classes": 0}, "classes"),
    ({"input_shape": (28, 28)}, "input_shape"),
    ({"input_shape": (6, 6, 1)}, "input_shape"),
])
def test_small_cnn_errors_name_the_argument(kwargs, arg):
    args = {"input_shape": (28, 28, 1), "classes": 10, **kwargs}
    with pytest.raises(ValueError, match=f"`{arg}`"):
        classic.small_cnn(**args)


def test_models_index_exports_builders():
    import cnnlab.models
    assert cnnlab.models.small_cnn is classic.small_cnn
