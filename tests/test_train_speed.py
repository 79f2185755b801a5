"""inference_speed: images per second of predict, checked against a model that cannot be fast."""
import time

import numpy as np
import pytest

keras = pytest.importorskip("keras")

from cnnlab.train import inference_speed  # noqa: E402


def test_a_model_that_sleeps_per_batch_is_timed_by_its_batches():
    class Slow(keras.layers.Layer):
        def call(self, x):
            return x

    model = keras.Sequential([keras.Input((2,)), Slow()])
    real_predict = model.predict

    def predict(x, batch_size, verbose):          # 0.05 s per batch of 16, as a slow net would
        time.sleep(0.05 * -(-len(x) // batch_size))
        return real_predict(x, batch_size=batch_size, verbose=verbose)

    model.predict = predict
    rate = inference_speed(model, np.zeros((64, 2), "float32"), batch_size=16, repeats=2,
                           min_seconds=0.3)
    assert 100 <= rate <= 330          # 64 images in >= 0.2 s (4 batches): at most 320/s
    fast = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    both = inference_speed({"slow": model, "fast": fast}, np.zeros((64, 2), "float32"),
                           batch_size=16, repeats=1, min_seconds=0.3)
    assert list(both) == ["slow", "fast"] and both["slow"] <= 330 < both["fast"]


def test_bad_arguments_name_themselves():
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    with pytest.raises(ValueError, match="`repeats` must be an integer >= 1"):
        inference_speed(model, np.zeros((4, 2)), repeats=0)
