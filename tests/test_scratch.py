"""cnnlab.scratch: optimizers step for step against keras.optimizers, layers against
finite differences and Keras layers, the network against its Keras twin."""
import subprocess
import sys

import numpy as np
import pytest

from cnnlab import scratch
from cnnlab.scratch import (SGD, Adam, Conv2D, Dense, Dropout, Flatten, MaxPool2D, ReLU,
                            RMSprop, Sequential)

keras = pytest.importorskip("keras")


def _problem(seed=0):
    rng = np.random.default_rng(seed)
    params = [rng.normal(size=(3, 4)), rng.normal(size=4), rng.normal(size=(2, 2, 1, 3))]
    grads = [[rng.normal(size=p.shape) * 10 ** rng.uniform(-3, 1) for p in params]
             for _ in range(6)]
    return params, grads


@pytest.mark.parametrize("ours, theirs", [
    (lambda: SGD(0.1), lambda: keras.optimizers.SGD(0.1)),
    (lambda: SGD(0.05, momentum=0.9), lambda: keras.optimizers.SGD(0.05, momentum=0.9)),
    (lambda: SGD(0.05, momentum=0.8, nesterov=True),
     lambda: keras.optimizers.SGD(0.05, momentum=0.8, nesterov=True)),
    (lambda: RMSprop(0.01), lambda: keras.optimizers.RMSprop(0.01)),
    (lambda: RMSprop(0.01, rho=0.5, epsilon=1e-3),
     lambda: keras.optimizers.RMSprop(0.01, rho=0.5, epsilon=1e-3)),
    (lambda: Adam(), lambda: keras.optimizers.Adam()),
    (lambda: Adam(0.02, beta_1=0.5, beta_2=0.9, epsilon=1e-4),
     lambda: keras.optimizers.Adam(0.02, beta_1=0.5, beta_2=0.9, epsilon=1e-4)),
])
def test_optimizers_follow_keras_step_for_step_in_float64(ours, theirs):
    params, grads = _problem()
    variables = [keras.Variable(p, dtype="float64") for p in params]
    mine, keras_opt = ours(), theirs()
    for step in grads:
        mine.apply(step, params)
        keras_opt.apply([keras.ops.convert_to_tensor(g) for g in step], variables)
        for p, v in zip(params, variables):
            np.testing.assert_allclose(p, np.asarray(v), rtol=1e-12, atol=1e-14)
    assert mine.iterations == int(keras_opt.iterations) == 6


def test_optimizer_defaults_are_keras_defaults():
    for ours, theirs in [(SGD(), keras.optimizers.SGD()), (RMSprop(), keras.optimizers.RMSprop()),
                         (Adam(), keras.optimizers.Adam())]:
        config = theirs.get_config()
        for key, value in ours.get_config().items():
            assert config[key] == pytest.approx(value), (type(ours).__name__, key)


def test_adam_without_bias_correction_would_differ():
    # the test above can fail: a step without the bias correction is far from Keras'
    params, grads = _problem(1)
    w = params[0].copy()
    Adam(0.01).apply([grads[0][0]], [w])
    m, v = 0.1 * grads[0][0], 0.001 * grads[0][0] ** 2
    uncorrected = params[0] - 0.01 * m / (np.sqrt(v) + 1e-7)
    assert np.abs(w - uncorrected).max() > 1e-3


def test_optimizer_errors():
    with pytest.raises(ValueError, match="`learning_rate` must be a number > 0"):
        SGD(0)
    with pytest.raises(ValueError, match=r"`momentum` must be a number in \[0, 1\)"):
        SGD(0.1, momentum=1.0)
    opt, p = Adam(), [np.zeros(3)]
    with pytest.raises(ValueError, match=r"`grads\[0\]` must have the shape of params\[0\]"):
        opt.apply([np.zeros(2)], p)
    opt.apply([np.ones(3)], p)
    with pytest.raises(ValueError, match="same list of arrays at every step"):
        opt.apply([np.ones(2)], [np.zeros(2)])


@pytest.mark.parametrize("layer, shape", [
    (Conv2D(3, 3, seed=0), (5, 5, 2)),
    (Conv2D(2, 3, strides=2, padding="same", seed=1), (5, 6, 2)),
    (Conv2D(2, (2, 3), strides=(2, 1), seed=2), (7, 6, 1)),
    (MaxPool2D(), (4, 5, 2)),
    (MaxPool2D(3), (6, 6, 1)),
    (ReLU(), (3, 4)),
    (Flatten(), (2, 3, 2)),
    (Dense(3, seed=0), (4,)),
    (Dropout(0.4, seed=1), (6,)),
])
def test_every_backward_pass_passes_a_float64_gradient_check(layer, shape):
    errors = scratch.gradient_check(layer, shape)
    assert max(errors.values()) < 1e-6, errors


def test_a_wrong_backward_pass_fails_the_gradient_check():
    class Doubled(ReLU):
        def _backward(self, dy):
            return 2 * super()._backward(dy)
    assert scratch.gradient_check(Doubled(), (5,))["dx"] > 0.1


@pytest.mark.parametrize("ours, theirs, shape", [
    (lambda: Conv2D(4, 3, strides=2, padding="same"),
     lambda: keras.layers.Conv2D(4, 3, strides=2, padding="same", dtype="float64"), (7, 6, 3)),
    (lambda: MaxPool2D(2), lambda: keras.layers.MaxPooling2D(2, dtype="float64"), (5, 7, 2)),
    (lambda: Dense(5), lambda: keras.layers.Dense(5, dtype="float64"), (6,)),
])
def test_layers_forward_and_backward_match_keras(ours, theirs, shape):
    import tensorflow as tf

    rng = np.random.default_rng(3)
    x = rng.normal(size=(3, *shape))
    layer, twin = ours(), theirs()
    layer.build(shape, "float64")
    twin.build((None, *shape))
    twin.set_weights(list(layer.params.values()))
    y = layer.forward(x, training=True)
    dy = rng.normal(size=y.shape)
    xt = tf.constant(x)
    with tf.GradientTape() as tape:
        tape.watch(xt)
        yt = twin(xt)
        loss = tf.reduce_sum(yt * dy)
    grads = tape.gradient(loss, [xt, *twin.trainable_variables])
    np.testing.assert_allclose(y, yt.numpy(), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(layer.backward(dy), grads[0].numpy(), rtol=1e-10, atol=1e-12)
    for ours_g, theirs_g in zip(layer.grads.values(), grads[1:]):
        np.testing.assert_allclose(ours_g, theirs_g.numpy(), rtol=1e-10, atol=1e-12)


def test_initialisation_is_keras_glorot_uniform_with_zero_bias():
    conv, dense = Conv2D(64, 3, seed=0), Dense(200, seed=0)
    conv.build((8, 8, 32))
    dense.build((300,))
    k_conv = keras.layers.Conv2D(64, 3)
    k_conv.build((None, 8, 8, 32))
    for ours, theirs in [(conv.params["kernel"], np.asarray(k_conv.kernel))]:
        # same distribution: uniform in +-sqrt(6 / (fan_in + fan_out)), same variance
        limit = np.sqrt(6 / (9 * 32 + 9 * 64))
        assert np.abs(ours).max() <= limit and np.abs(theirs).max() <= limit
        assert np.var(ours) == pytest.approx(np.var(theirs), rel=0.05)
        assert np.var(ours) == pytest.approx(limit ** 2 / 3, rel=0.05)
    assert not conv.params["bias"].any() and not dense.params["bias"].any()
    assert np.abs(dense.params["kernel"]).max() <= np.sqrt(6 / 500)
    assert keras.layers.Dense(1).get_config()["kernel_initializer"]["class_name"] == "GlorotUniform"


def _net(dtype="float32", dropout=False):
    layers = [Conv2D(4, 3, seed=0), ReLU(), Conv2D(4, 3, padding="same", seed=1), ReLU(),
              MaxPool2D(), Flatten(), *([Dropout(0.3, seed=0)] if dropout else []),
              Dense(3, seed=2)]
    return Sequential(layers, (8, 8, 1), dtype=dtype)


def test_network_equals_its_keras_twin_logits_and_gradients():
    from cnnlab.train.from_scratch import compare_with_keras

    rng = np.random.default_rng(4)
    x, y = rng.normal(size=(5, 8, 8, 1)), rng.integers(0, 3, 5)
    net = _net("float64")
    model = net.to_keras()
    assert [type(la).__name__ for la in model.layers] == [
        "Conv2D", "ReLU", "Conv2D", "ReLU", "MaxPooling2D", "Flatten", "Dense"]
    assert model.count_params() == net.count_params()
    diffs = compare_with_keras(net, x, y)
    assert diffs["logits"] < 1e-12 and diffs["loss"] < 1e-6   # Keras: a float32 loss
    assert diffs["gradients"] < 1e-6 and diffs["weights after one Adam step"] < 1e-12
    net.layers[0].params["kernel"][0, 0, 0, 0] += 1e-3      # the comparison can fail
    changed = compare_with_keras(net, x, y)
    assert changed["logits"] < 1e-12 and changed["gradients"] < 1e-6   # both copies changed
    wrong = net.to_keras()
    wrong.layers[0].kernel.assign(np.zeros((3, 3, 1, 4)))
    assert np.abs(net.forward(x) - np.asarray(wrong(x))).max() > 1e-3


def test_fit_learns_a_separable_problem_and_records_history():
    rng = np.random.default_rng(5)
    x = rng.normal(size=(90, 8, 8, 1)).astype("float32")
    y = np.repeat(np.arange(3), 30)
    x[y == 1, :4] += 1.5
    x[y == 2, 4:] += 1.5
    net = _net(dropout=True)
    history = net.fit(x, y, epochs=8, batch_size=16, optimizer=Adam(0.01), seed=0,
                      validation=(x, y), verbose=False)
    assert sorted(history) == ["accuracy", "loss", "val_accuracy", "val_loss"]
    assert len(history["loss"]) == 8 and history["loss"][-1] < history["loss"][0]
    assert history["val_accuracy"][-1] > 0.9
    again = _net(dropout=True).fit(x, y, epochs=8, batch_size=16, optimizer=Adam(0.01),
                                   seed=0, verbose=False)
    assert again["loss"] == history["loss"]                 # seeded: repeatable
    np.testing.assert_allclose(net.predict(x), net.forward(x), rtol=1e-6)


def test_save_and_load_round_trip(tmp_path):
    net = _net(dropout=True)
    x = np.random.default_rng(6).normal(size=(4, 8, 8, 1)).astype("float32")
    net.fit(x, [0, 1, 2, 0], epochs=1, batch_size=2, verbose=False)
    path = net.save(tmp_path / "net")
    assert path.name == "net.npz"
    loaded = Sequential.load(path)
    assert repr(loaded) == repr(net)
    np.testing.assert_array_equal(loaded.forward(x), net.forward(x))
    fresh = _net(dropout=True)
    assert not np.array_equal(fresh.forward(x), net.forward(x))
    assert fresh.load(path) is fresh
    np.testing.assert_array_equal(fresh.forward(x), net.forward(x))
    other = Sequential([Flatten(), Dense(3)], (8, 8, 1))
    with pytest.raises(ValueError, match="`path` must hold a network with this architecture"):
        other.load(path)


def test_bad_shapes_labels_and_divergence_give_clear_errors():
    with pytest.raises(ValueError, match=r"Layer 1, Dense\(units=10.*cannot follow layer 0 "
                                         r"\(MaxPool2D\).*expects an input of shape "
                                         r"\(features,\).*receives \(4, 4, 1\)"):
        Sequential([MaxPool2D(), Dense(10)], (8, 8, 1))
    with pytest.raises(ValueError, match=r"Conv2D.*expects an input of shape \(height, width, "
                                         r"channels\).*receives \(64,\)"):
        Sequential([Flatten(), Conv2D(2, 3)], (8, 8, 1))
    with pytest.raises(ValueError, match="larger than the padded input"):
        Sequential([Conv2D(2, 5), Flatten(), Dense(2)], (3, 3, 1))
    with pytest.raises(ValueError, match="The last layer must output one vector"):
        Sequential([Conv2D(2, 3)], (8, 8, 1))
    net = _net()
    x = np.zeros((2, 8, 8, 1), "float32")
    with pytest.raises(ValueError, match=r"`y` must hold labels in \[0, 3\).*from 0 to 5"):
        net.fit(x, [0, 5], verbose=False)
    with pytest.raises(ValueError, match=r"`x` must have shape \(N, 8, 8, 1\)"):
        net.forward(np.zeros((2, 8, 8)))
    rng = np.random.default_rng(7)
    x = rng.normal(size=(64, 8, 8, 1)).astype("float32")
    mlp = Sequential([Flatten(), Dense(32, seed=0), ReLU(), Dense(3, seed=1)], (8, 8, 1))
    with pytest.raises(FloatingPointError, match=r"loss became nan.*Try a lower learning rate"):
        mlp.fit(x, rng.integers(0, 3, 64), epochs=30, batch_size=8, optimizer=SGD(50.0),
                verbose=False)


def test_scratch_imports_no_tensorflow():
    code = ("import sys, numpy as np; from cnnlab import scratch; "
            "net = scratch.Sequential([scratch.Flatten(), scratch.Dense(2)], (2, 2, 1)); "
            "net.fit(np.zeros((4, 2, 2, 1)), [0, 1, 0, 1], verbose=False); "
            "assert 'tensorflow' not in sys.modules and 'keras' not in sys.modules")
    subprocess.run([sys.executable, "-c", code], check=True)


def test_training_speed_reports_both_and_leaves_the_net_alone():
    from cnnlab.train.from_scratch import compare_with_keras, training_speed

    net = _net()
    before = net.get_weights()
    x = np.random.default_rng(8).normal(size=(64, 8, 8, 1)).astype("float32")
    speed = training_speed(net, x, np.arange(64) % 3, batch_size=16)
    assert speed["NumPy images/s"] > 0 and speed["Keras images/s"] > 0
    assert speed["NumPy / Keras"] == pytest.approx(
        speed["NumPy images/s"] / speed["Keras images/s"], rel=0.02)
    for a, b in zip(before, net.get_weights()):
        np.testing.assert_array_equal(a, b)
    with pytest.raises(ValueError, match="no active Dropout"):
        compare_with_keras(_net(dropout=True), x[:4], [0, 1, 2, 0])
