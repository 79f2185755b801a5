"""binary_convnet and arith.memory against the source's figures and Keras/NumPy."""
import numpy as np
import pytest

from cnnlab.arith.memory import dataset_bytes, format_bytes


def test_memory_of_cats_vs_dogs_matches_numpy_and_the_figure():
    assert dataset_bytes(25_000, (150, 150, 3)) == 6_750_000_000
    assert format_bytes(dataset_bytes(25_000, (150, 150, 3))) == "6.75 GB"
    assert dataset_bytes(7, (5, 4, 3), "uint8") == np.zeros((7, 5, 4, 3), np.uint8).nbytes
    assert dataset_bytes(7, (5, 4, 3), "float16") == np.zeros((7, 5, 4, 3), np.float16).nbytes
    with pytest.raises(ValueError, match="`dtype` must be one of"):
        dataset_bytes(1, (2,), "int4")


def test_binary_convnet_has_the_sources_3453121_parameters():
    pytest.importorskip("keras")
    from cnnlab.models import binary_convnet

    model = binary_convnet((150, 150, 3))
    assert model.count_params() == 3_453_121
    kinds = [type(layer).__name__ for layer in model.layers]
    assert kinds == ["InputLayer", "Rescaling"] + ["Conv2D", "MaxPooling2D"] * 4 + [
        "Flatten", "Dropout", "Dense", "Dense"]
    assert model.get_layer("flatten").output.shape[1] == 7 * 7 * 128
    assert model.layers[-1].activation.__name__ == "sigmoid"


def test_other_sizes_and_limits():
    pytest.importorskip("keras")
    from cnnlab.models.binary import MIN_SIDE, binary_convnet

    m = binary_convnet((64, 64, 3), rescale=None)
    x = np.random.default_rng(0).uniform(size=(2, 64, 64, 3)).astype("float32")
    p = np.asarray(m.predict(x, verbose=0))
    assert p.shape == (2, 1) and np.all((p > 0) & (p < 1))
    binary_convnet((MIN_SIDE, MIN_SIDE, 1))
    with pytest.raises(ValueError, match="at least 46x46"):
        binary_convnet((45, 60, 3))
