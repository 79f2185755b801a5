"""cnnlab.train.fit on tiny models and synthetic data (CPU)."""
import os

import numpy as np
import pytest

keras = pytest.importorskip("keras")
tf = pytest.importorskip("tensorflow")

import cnnlab  # noqa: E402
from cnnlab.train import TrainResult, fit  # noqa: E402

CLASSES = 3


def make_data(n=96, size=8, seed=0):
    """Three classes that differ in which third of the image is bright."""
    rng = np.random.default_rng(seed)
    y = np.arange(n) % CLASSES
    x = rng.random((n, size, size, 1), dtype=np.float32) * 0.3
    for i, label in enumerate(y):
        x[i, :, label * size // 3:(label + 1) * size // 3] += 0.7
    return x, y


def make_model(softmax=False, seed=0, units=CLASSES):
    cnnlab.seed(seed)
    return keras.Sequential([
        keras.Input((8, 8, 1)),
        keras.layers.Conv2D(4, 3, activation="relu"),
        keras.layers.Flatten(),
        keras.layers.Dense(units, activation="softmax" if softmax else None),
    ])


def test_arrays_with_validation():
    x, y = make_data()
    xv, yv = make_data(30, seed=1)
    model = make_model()
    assert not model.compiled
    res = fit(model, (x, y), validation=(xv, yv), epochs=3, batch_size=16, seed=0,
              verbose=False, learning_rate=0.01)
    assert isinstance(res, TrainResult) and res.model is model and model.compiled
    assert set(res.history.history) == {"loss", "accuracy", "val_loss", "val_accuracy"}
    assert all(len(v) == 3 for v in res.history.history.values())
    assert res.seconds > 0 and res.images == 3 * len(x) and res.images_per_second > 0
    assert res.epochs_run == (0, 1, 2) and len(res.epoch_seconds) == 3
    assert res.history.history["loss"][-1] < res.history.history["loss"][0]
    assert res.final("val_accuracy".replace("val_", ""), validation=True) == \
        res.history.history["val_accuracy"][-1]
    # Keras computes the same validation numbers for the trained model.
    val_loss, val_acc = model.evaluate(xv, yv, verbose=0)
    assert res.final("loss", validation=True) == pytest.approx(val_loss, rel=1e-5)
    assert res.final("accuracy", validation=True) == pytest.approx(val_acc)
    text = repr(res)
    assert text.startswith("TrainResult(3 epochs on CPU") and "val_accuracy" in text
    with pytest.raises(ValueError, match="`metric` must name a recorded metric"):
        res.final("auc")


def test_tf_data_input():
    x, y = make_data()
    ds = tf.data.Dataset.from_tensor_slices((x, y)).batch(32)
    res = fit(make_model(), ds, validation=ds, epochs=2, verbose=False)
    assert res.images == 2 * 3 * 32 and len(res.history.history["val_loss"]) == 2


@pytest.mark.parametrize("softmax", [False, True])
def test_default_loss_matches_the_last_activation(softmax):
    x, y = make_data(48)
    model = make_model(softmax=softmax)
    fit(model, (x, y), epochs=1, verbose=False)
    assert isinstance(model.loss, keras.losses.SparseCategoricalCrossentropy)
    assert model.loss.get_config()["from_logits"] is (not softmax)
    # The compiled loss is the cross-entropy of the model's probabilities.
    out = model.predict(x, verbose=0)
    probs = out if softmax else keras.ops.convert_to_numpy(keras.ops.softmax(out))
    expected = -np.mean(np.log(probs[np.arange(len(y)), y]))
    assert model.evaluate(x, y, verbose=0)[0] == pytest.approx(expected, rel=1e-4)


def test_single_sigmoid_unit_gets_binary_cross_entropy():
    x, y = make_data(48)
    y = (y > 0).astype(int)
    model = make_model(units=1)
    fit(model, (x, y), epochs=1, verbose=False)
    assert isinstance(model.loss, keras.losses.BinaryCrossentropy)
    with pytest.raises(ValueError, match=r"labels must be integers in \[0, 2\)"):
        fit(model, (x, y + 1), epochs=1, verbose=False)


def test_compiled_model_is_kept_unless_recompile():
    x, y = make_data(48)
    model = make_model()
    model.compile(optimizer=keras.optimizers.SGD(0.05),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    fit(model, (x, y), epochs=1, verbose=False)
    assert isinstance(model.optimizer, keras.optimizers.SGD)
    fit(model, (x, y), epochs=1, verbose=False, recompile=True, optimizer="rmsprop",
        learning_rate=0.002)
    assert isinstance(model.optimizer, keras.optimizers.RMSprop)
    assert float(model.optimizer.learning_rate) == pytest.approx(0.002)


def test_same_seed_gives_identical_histories():
    x, y = make_data()
    runs = [fit(make_model(seed=7), (x, y), validation=(x[:30], y[:30]), epochs=3,
                batch_size=16, seed=5, verbose=False).history.history for _ in range(2)]
    assert runs[0] == runs[1]                       # exact equality on a CPU
    other = fit(make_model(seed=7), (x, y), epochs=3, batch_size=16, seed=6,
                verbose=False).history.history
    assert other["loss"] != runs[0]["loss"]         # the seed drives the shuffle
    from tensorflow.python.framework.config import is_op_determinism_enabled
    assert not is_op_determinism_enabled()          # switched back off afterwards


@pytest.mark.parametrize("train, words", [
    ((np.zeros((10, 8, 8, 1), "float32"), np.full(10, 3)),
     ["labels must be integers in [0, 3)", "3 output units", "max label 3"]),
    ((np.zeros((0, 8, 8, 1), "float32"), np.zeros(0, int)), ["`train` images", "empty"]),
    ((np.zeros((10, 8, 8), "float32"), np.zeros(10, int)), ["`train` images", "4-D"]),
    ((np.full((10, 8, 8, 1), "a"), np.zeros(10, int)), ["numeric"]),
    ((np.zeros((10, 8, 8, 1), "float32"), np.zeros(9, int)),
     ["same length", "10 images and 9 labels"]),
    ((np.zeros((10, 9, 9, 1), "float32"), np.zeros(10, int)),
     ["model's input shape (8, 8, 1)", "(9, 9, 1)"]),
    (np.zeros((10, 8, 8, 1), "float32"), ["(images, labels) pair"]),
])
def test_invalid_training_data_is_named(train, words):
    with pytest.raises(ValueError) as err:
        fit(make_model(), train, epochs=1, verbose=False)
    for word in words:
        assert word in str(err.value)


def test_invalid_validation_and_datasets():
    x, y = make_data(30)
    with pytest.raises(ValueError, match="`validation` labels must be integers in"):
        fit(make_model(), (x, y), validation=(x, y + 5), verbose=False)
    empty = tf.data.Dataset.from_tensor_slices((x, y)).take(0).batch(4)
    with pytest.raises(ValueError, match="`train` must not be empty"):
        fit(make_model(), empty, verbose=False)
    unbatched = tf.data.Dataset.from_tensor_slices((x, y))
    with pytest.raises(ValueError, match=r"batches of images .*\.batch\(32\)"):
        fit(make_model(), unbatched, verbose=False)
    with pytest.raises(ValueError, match="`epochs` must be an integer >= 1"):
        fit(make_model(), (x, y), epochs=0)
    with pytest.raises(ValueError, match="`learning_rate` must be a number > 0"):
        fit(make_model(), (x, y), learning_rate=0)


def test_start_line_and_epoch_lines(capsys, monkeypatch):
    monkeypatch.setenv("CI", "true")                # non-interactive: one line per epoch
    x, y = make_data(48)
    fit(make_model(), (x, y), epochs=2, seed=0)
    out = capsys.readouterr().out.splitlines()
    cores = os.cpu_count()
    assert out[0].startswith(f"cnnlab.train: CPU ({cores} core")
    assert "float32 · XLA off" in out[0] and "48 images × 2 epochs, batch 32" in out[0]
    assert out[1].startswith("epoch 1/2 · ") and "loss" in out[1] and "accuracy" in out[1]
    assert out[2].startswith("epoch 2/2 · ") and len(out) == 3


def test_progress_bar_mode_writes_a_tqdm_bar(capsys):
    from cnnlab.train.progress import ProgressBar

    x, y = make_data(48)
    model = make_model()
    bar = ProgressBar(mode="bar", min_interval=0.0)
    fit(model, (x, y), epochs=2, batch_size=8, verbose=False, callbacks=[bar])
    err = capsys.readouterr().err
    assert "epoch 2/2" in err and "12/12" in err and "accuracy" in err


def test_live_plot_draws_the_history():
    from cnnlab.train.progress import LivePlot

    x, y = make_data(48)
    plot = LivePlot(display=False)
    res = fit(make_model(), (x, y), validation=(x, y), epochs=3, verbose=False,
              callbacks=[plot])
    loss_ax, acc_ax = plot.figure.axes
    train_line, val_line = loss_ax.get_lines()
    np.testing.assert_allclose(train_line.get_ydata(), res.history.history["loss"])
    np.testing.assert_allclose(val_line.get_ydata(), res.history.history["val_loss"])
    assert list(train_line.get_xdata()) == [1, 2, 3] and acc_ax.get_title() == "accuracy"
    assert plot.png().startswith(b"\x89PNG")


def test_live_plot_updates_one_notebook_output_in_place(monkeypatch):
    pytest.importorskip("IPython")
    import IPython.display

    from cnnlab.train.progress import LivePlot

    shown = []

    class Handle:
        def update(self, obj):
            shown.append(("update", obj))

    def display(obj, display_id=False):
        shown.append(("display", obj))
        return Handle()

    monkeypatch.setattr(IPython.display, "display", display)
    plot = LivePlot(display=True)
    plot.set_model(make_model())
    for epoch in range(3):
        plot.on_epoch_end(epoch, {"loss": 1.0 / (epoch + 1), "accuracy": 0.5})
    assert [kind for kind, _ in shown] == ["display", "update", "update"]
    assert all(isinstance(obj, IPython.display.Image) for _, obj in shown)
    assert shown[-1][1].data == plot.png()


def test_mixed_precision_requested_for_a_float32_model_warns():
    x, y = make_data(48)
    with pytest.warns(UserWarning, match="built in float32.*precision_scope"):
        res = fit(make_model(), (x, y), epochs=1, verbose=False,
                  mixed_precision="mixed_bfloat16")
    assert "float32" in res.device


def test_model_built_in_precision_scope_trains_in_bfloat16():
    from cnnlab.train import precision_scope

    x, y = make_data(48)
    with precision_scope("mixed_bfloat16"):
        cnnlab.seed(0)
        model = keras.Sequential([keras.Input((8, 8, 1)), keras.layers.Conv2D(4, 3),
                                  keras.layers.Flatten(),
                                  keras.layers.Dense(CLASSES, dtype="float32")])
    res = fit(model, (x, y), epochs=1, verbose=False, mixed_precision="mixed_bfloat16")
    assert "mixed_bfloat16" in res.device and model.layers[0].compute_dtype == "bfloat16"
    assert np.isfinite(res.final("loss"))


def test_precompiled_xla_model_gets_the_cpu_decision():
    x, y = make_data(48)
    model = make_model()
    model.compile("adam", keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                  jit_compile=True)
    res = fit(model, (x, y), epochs=1, verbose=False)
    assert model.jit_compile is False and "XLA off" in res.device


@pytest.fixture
def bf16_cpu(monkeypatch):
    """Pretend this CPU has AMX-BF16 and the switch is on (bfloat16 runs on any CPU)."""
    from cnnlab.train import devices

    monkeypatch.setenv(devices.BF16_SWITCH, "1")
    monkeypatch.setattr(devices, "read_cpu_flags", lambda path="": ("avx512f", "amx_bf16"))
    monkeypatch.setattr(devices, "list_gpus", lambda: [])


def test_auto_bf16_trains_a_copy_and_copies_the_weights_back(bf16_cpu, capsys):
    x, y = make_data()
    model = make_model(softmax=True)
    start = [w.copy() for w in model.get_weights()]
    result = fit(model, (x, y), epochs=3, seed=0)
    out = capsys.readouterr().out
    assert "· mixed_bfloat16 ·" in out.splitlines()[0] and "mixed_bfloat16" in result.device
    assert "note: mixed_bfloat16 copy of the float32 model, weights copied back" in out
    copy = model._cnnlab_mixed_copy[0]
    assert result.model is model
    assert len(model.weights) == len(copy.weights) == 4      # the copy is not tracked
    assert {layer.dtype_policy.name for layer in model.layers} == {"float32"}
    assert copy.layers[0].dtype_policy.name == "mixed_bfloat16"
    trained = model.get_weights()
    assert any(not np.array_equal(a, b) for a, b in zip(start, trained))
    for a, b in zip(trained, copy.get_weights()):      # bit for bit
        assert np.array_equal(a, b)
    loss = result.history.history["loss"]
    assert loss[-1] < loss[0]
    # the float32 model evaluates the weights learnt in bfloat16 like the copy does
    assert model.evaluate(x, y, verbose=0)[0] == pytest.approx(
        copy.evaluate(x, y, verbose=0)[0], abs=0.02)


def test_auto_bf16_follows_keras_on_trainable_changes(bf16_cpu):
    """Keras: changing `trainable` after a model has trained takes effect only after
    recompiling. The bfloat16 copy must behave the same (lesson 10 asserts it)."""
    x, y = make_data()
    model = make_model()
    fit(model, (x, y), epochs=1, seed=0, verbose=False)
    model.layers[0].trainable = False
    before = model.layers[0].get_weights()[0].copy()
    fit(model, (x, y), epochs=1, seed=0, verbose=False)
    assert not np.array_equal(before, model.layers[0].get_weights()[0]), \
        "without recompiling the frozen layer still trains (as in Keras)"
    copy = model._cnnlab_mixed_copy[0]
    # an independent check: plain Keras does the same with a float32 model
    plain = make_model()
    plain.compile("adam", keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    plain.fit(x, y, epochs=1, verbose=0)
    plain.layers[0].trainable = False
    kept = plain.layers[0].get_weights()[0].copy()
    plain.fit(x, y, epochs=1, verbose=0)
    assert not np.array_equal(kept, plain.layers[0].get_weights()[0])
    # recompiling makes the freeze effective: a new copy, the layer stays put
    before = model.layers[0].get_weights()[0].copy()
    fit(model, (x, y), epochs=1, seed=0, verbose=False, recompile=True)
    assert model._cnnlab_mixed_copy[0] is not copy
    assert np.array_equal(before, model.layers[0].get_weights()[0])


def test_auto_stays_float32_without_the_switch(monkeypatch, capsys):
    from cnnlab.train import devices

    monkeypatch.delenv(devices.BF16_SWITCH, raising=False)
    monkeypatch.setattr(devices, "read_cpu_flags", lambda path="": ("amx_bf16",))
    monkeypatch.setattr(devices, "list_gpus", lambda: [])
    x, y = make_data()
    model = make_model()
    result = fit(model, (x, y), epochs=1, seed=0)
    assert "· float32 ·" in capsys.readouterr().out.splitlines()[0]
    assert "float32" in result.device and not hasattr(model, "_cnnlab_mixed_copy")


def test_auto_bf16_functional_model_keeps_its_weights_and_saves(bf16_cpu, tmp_path):
    x, y = make_data()
    cnnlab.seed(0)
    model = cnnlab.models.small_cnn((8, 8, 1), CLASSES, filters=(4,), dense=8)
    count = len(model.weights)
    fit(model, (x, y), epochs=1, seed=0, verbose=False)
    fit(model, (x, y), epochs=1, seed=0, verbose=False)           # reuses the copy
    assert len(model.weights) == count, "the bf16 copy is not tracked by the model"
    model.save(tmp_path / "m.keras")
    again = keras.models.load_model(tmp_path / "m.keras")
    assert {layer.dtype_policy.name for layer in again.layers} == {"float32"}
    np.testing.assert_allclose(again.predict(x, verbose=0), model.predict(x, verbose=0))
