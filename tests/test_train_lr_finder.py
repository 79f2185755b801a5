"""cnnlab.train.lr_range_test: exponential rates, losses as Keras computes them, the
model left untouched, blow-up detection, a suggestion that trains; plot_schedules."""
import keras
import numpy as np
import pytest

import cnnlab.train
from cnnlab.train import lr_range_test, plot_schedules


def data(n=256, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 4, 4, 1)).astype("float32")
    y = (x[:, :2].sum(axis=(1, 2, 3)) > 0).astype(int) + 2 * (x[:, 2:, :2].sum((1, 2, 3)) > 0)
    return x, y


def linear_model(seed=0):
    keras.utils.set_random_seed(seed)
    return keras.Sequential([keras.Input((4, 4, 1)), keras.layers.Flatten(),
                             keras.layers.Dense(4, activation="softmax")])


@pytest.fixture(scope="module")
def result():
    x, y = data()
    model = linear_model()
    model.compile(loss="sparse_categorical_crossentropy")
    start = model.evaluate(x, y, verbose=0)
    return start, lr_range_test(model, (x, y), min_lr=1e-4, max_lr=1e3, steps=120,
                                batch_size=32)


def test_rates_grow_exponentially_and_the_loss_blows_up(result):
    start, result = result
    n = len(result.rates)
    np.testing.assert_allclose(result.rates, np.geomspace(1e-4, 1e3, 120)[:n], rtol=1e-12)
    assert result.stopped_early and n < 120          # 1e3 is far too large for SGD here
    assert len(result.losses) == len(result.smoothed) == n
    # at tiny rates nothing happens: the batch losses scatter around the initial loss
    # (batch-to-batch s.d. about 0.25, so the mean of 10 within 0.3)
    assert abs(np.mean(result.losses[:10]) - start) < 0.3
    assert result.smoothed.min() < 0.8 * result.smoothed[0]
    assert result.suggestion == pytest.approx(result.best_rate / 10)
    assert result.best_rate == result.rates[np.argmin(result.smoothed)]


def test_first_loss_is_keras_loss_on_the_first_batch():
    x, y = data()
    model = linear_model(1)
    r = lr_range_test(model, (x, y), steps=3, batch_size=16, seed=4)
    first = np.random.default_rng(4).permutation(len(x))[:16]
    expected = keras.losses.SparseCategoricalCrossentropy()(y[first], model(x[first]))
    assert r.losses[0] == pytest.approx(float(expected), rel=1e-5)


def test_model_is_left_untouched_and_the_suggestion_trains():
    x, y = data()
    model = linear_model(2)
    before = [w.copy() for w in model.get_weights()]
    r = lr_range_test(model, (x, y), min_lr=1e-4, max_lr=1e2, steps=100)
    for a, b in zip(before, model.get_weights()):
        np.testing.assert_array_equal(a, b)
    assert not model.compiled
    losses = {}
    for rate in (1e-4, r.suggestion):
        m = linear_model(2)
        m.compile(keras.optimizers.SGD(rate), "sparse_categorical_crossentropy")
        losses[rate] = m.fit(x, y, epochs=5, verbose=0, shuffle=False).history["loss"][-1]
    assert losses[r.suggestion] < losses[1e-4] - 0.2


def test_plots():
    x, y = data(64)
    r = lr_range_test(linear_model(), (x, y), steps=20)
    fig = r.plot()
    assert fig.axes[0].get_xscale() == "log" and len(fig.axes[0].lines) == 4
    cos = keras.optimizers.schedules.CosineDecay(0.0, 80, warmup_target=0.1, warmup_steps=20)
    fig = plot_schedules({"warm-up + cosine": cos, "constant": 0.05}, 100)
    ys = fig.axes[0].lines[0].get_ydata()
    assert ys[0] == pytest.approx(0.0) and ys.max() == pytest.approx(0.1)
    assert ys[-1] < 1e-3                    # decayed to (almost) 0


def test_lazy_export_and_bad_arguments():
    assert cnnlab.train.lr_range_test is lr_range_test
    x, y = data(16)
    with pytest.raises(ValueError, match="`max_lr` must be larger than min_lr"):
        lr_range_test(linear_model(), (x, y), min_lr=1.0, max_lr=0.1)
    with pytest.raises(ValueError, match="`steps` must be an integer >= 2"):
        lr_range_test(linear_model(), (x, y), steps=1)
    with pytest.raises(ValueError, match="`smoothing` must be a number in"):
        lr_range_test(linear_model(), (x, y), smoothing=1.0)
    with pytest.raises(ValueError, match="`optimizer` must be a Keras optimizer name"):
        lr_range_test(linear_model(), (x, y), optimizer=object())


def test_optimizer_settings_are_copied_momentum_moves_the_blow_up_earlier():
    x, y = data()
    runs = {m: lr_range_test(linear_model(), (x, y), min_lr=1e-3, max_lr=1e3, steps=80,
                             optimizer=keras.optimizers.SGD(momentum=m)) for m in (0.0, 0.9)}
    # momentum 0.9 makes each step ~10x larger: the loss blows up at a smaller rate
    assert runs[0.9].rates[-1] < runs[0.0].rates[-1]
    with pytest.raises(ValueError, match="`schedules` must be a non-empty dict"):
        plot_schedules({}, 10)
