"""Lesson 14 question bank: right answers pass, each known mistake gets its hint."""
import math

import numpy as np
import pytest

from cnnlab.check.registry import load_bank

from check_util import expect_hint, run

BANK = load_bank("14")


def test_14_1_counts_a_real_tree_and_hints(tmp_path):
    # the reference: a real tree of the same shape (2 classes, 10/5/5 per class), counted
    # on disk and batched by Keras; the question's numbers are 100 times these
    keras = pytest.importorskip("keras")
    from cnnlab.data import folder_counts, write_image_folder
    write_image_folder("digits", tmp_path, classes=("0", "1"),
                       splits={"train": 10, "validation": 5, "test": 5}, image_size=8)
    total = sum(sum(c.values()) for c in folder_counts(tmp_path).values())
    ds = keras.utils.image_dataset_from_directory(tmp_path / "train", image_size=(8, 8),
                                                  batch_size=3)
    assert (total, len(ds)) == (40, 7) == (40, math.ceil(20 / 3))
    run("14.1", (4000, 63))
    expect_hint("14.1", (2000, 63), "one class's images \\(or only train")
    expect_hint("14.1", (4000, 62), "drops the last")
    expect_hint("14.1", (4000, 2000 / 32), "not a whole number")
    expect_hint("14.1", (4000, 32), "one class's training")
    expect_hint("14.1", (4000, 125), "training folder only")
    expect_hint("14.1", 4000, "two numbers")


def memory_gb(n, height, width, channels, bytes_per_value=4):
    return n * height * width * channels * bytes_per_value / 1e9


def test_14_2_reference_matches_numpy_and_hints():
    assert memory_gb(7, 5, 4, 3) == np.zeros((7, 5, 4, 3), np.float32).nbytes / 1e9
    assert memory_gb(25_000, 150, 150, 3) == pytest.approx(6.75)
    run("14.2", memory_gb)
    expect_hint("14.2", lambda n, h, w, c, b=4: n * h * w * c * b, "returned bytes")
    expect_hint("14.2", lambda n, h, w, c, b=4: n * h * w * c * b / 2 ** 30, "GiB")
    expect_hint("14.2", lambda n, h, w, c, b=4: n * h * w * b / 1e9, "colour channels")
    expect_hint("14.2", lambda n, h, w, c, b=4: n * h * w * c / 1e9, "bytes per value")
    expect_hint("14.2", lambda *a: "6.75 GB", "return a number")


def test_14_3_mistakes_really_fail_in_keras_and_get_hints():
    keras = pytest.importorskip("keras")
    from keras import layers
    y = np.array([0, 1, 1, 0], dtype="float32")
    x = np.array([[-2.0], [1.0], [3.0], [0.5]], dtype="float32")
    # softmax over one unit is always 1
    one = layers.Dense(1, activation="softmax")
    with pytest.warns(UserWarning, match="always return the value 1"):
        assert np.allclose(keras.ops.convert_to_numpy(one(x)), 1.0)
    # sigmoid + sparse categorical: one output column means class 0 only -> loss
    # does not depend on the prediction for label-0 rows
    sparse = keras.losses.SparseCategoricalCrossentropy()
    a = float(sparse(np.array([0]), np.array([[0.2]], "float32")))
    b = float(sparse(np.array([0]), np.array([[0.9]], "float32")))
    assert a == pytest.approx(b)
    run("14.3", (layers.Dense(1, activation="sigmoid"), "binary_crossentropy"))
    run("14.3", (layers.Dense(1), keras.losses.BinaryCrossentropy(from_logits=True)))
    expect_hint("14.3", (layers.Dense(1, activation="softmax"), "binary_crossentropy"),
                "ONE unit always outputs 1.0")
    expect_hint("14.3", (layers.Dense(2, activation="softmax"), "binary_crossentropy"),
                "Softmax over two units with binary cross-entropy")
    expect_hint("14.3", (layers.Dense(1, activation="sigmoid"),
                         "sparse_categorical_crossentropy"), "sigmoid unit with sparse")
    expect_hint("14.3", (layers.Dense(1), "binary_crossentropy"), "outputs a logit")
    expect_hint("14.3", (layers.Dense(1, activation="sigmoid"), "mse"), "binary cross-entropy")
    expect_hint("14.3", ("Dense(1)", "bce"), "keras.layers.Dense")
    assert y.shape == (4,)


def predict_file(model_path, image_path):
    import keras

    import cnnlab
    model = keras.models.load_model(model_path)
    size = model.input_shape[1:3]
    x = cnnlab.data.image_input(image_path, size)
    return float(model.predict(x, verbose=0)[0, 0])


def test_14_4_reference_and_hints():
    keras = pytest.importorskip("keras")
    import cnnlab

    run("14.4", predict_file)

    def twice(model_path, image_path):
        model = keras.models.load_model(model_path)
        x = cnnlab.data.image_input(image_path, model.input_shape[1:3], scale=1 / 255)
        return float(model.predict(x, verbose=0)[0, 0])

    def as_array(model_path, image_path):
        model = keras.models.load_model(model_path)
        return model.predict(cnnlab.data.image_input(image_path, (12, 12)), verbose=0)

    def as_class(model_path, image_path):
        return float(predict_file(model_path, image_path) >= 0.5)

    expect_hint("14.4", twice, "scaled twice")
    expect_hint("14.4", as_array, "return the probability as a float")
    expect_hint("14.4", as_class, "returned the class")
