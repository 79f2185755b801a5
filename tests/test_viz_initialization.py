"""layer_statistics against the same network in Keras (forward and GradientTape), the
variance theory of He/Glorot initialisation, and the InitializationExplorer widget."""
import numpy as np
import pytest

from cnnlab.ops.propagation import init_weights, layer_statistics
from cnnlab.viz.initialization import InitializationExplorer, plot_layer_statistics


@pytest.mark.parametrize("init,bn", [("he", False), ("he", True), ("small", True),
                                     ("glorot", False)])
def test_statistics_match_keras_and_gradient_tape(init, bn):
    keras = pytest.importorskip("keras")
    tf = pytest.importorskip("tensorflow")
    s = layer_statistics(6, init, bn, width=16, batch=64, classes=5, seed=3)
    inputs = keras.Input((16,), dtype="float64")
    h, outs, dense = inputs, [], []
    for w in s["weights"][:-1]:
        layer = keras.layers.Dense(16, use_bias=False, dtype="float64")
        dense.append(layer)
        h = layer(h)
        if bn:
            h = keras.layers.BatchNormalization(dtype="float64")(h)
        h = keras.layers.ReLU(dtype="float64")(h)
        outs.append(h)
    head = keras.layers.Dense(5, use_bias=False, activation="softmax", dtype="float64")
    model = keras.Model(inputs, [head(h), *outs])
    for layer, w in zip(dense + [head], s["weights"]):
        layer.kernel.assign(w)
    with tf.GradientTape() as tape:
        probs, *acts = model(s["x"], training=True)
        loss = keras.losses.sparse_categorical_crossentropy(s["labels"], probs)
        loss = tf.reduce_mean(loss)
    grads = tape.gradient(loss, [layer.kernel for layer in dense])
    np.testing.assert_allclose(float(loss), s["loss"], rtol=1e-9)
    np.testing.assert_allclose([float(np.std(a)) for a in acts], s["activation_std"],
                               rtol=1e-9)
    np.testing.assert_allclose([float(np.std(g)) for g in grads], s["gradient_std"],
                               rtol=1e-6)


def test_variance_theory_of_the_initialisers():
    rng = np.random.default_rng(0)
    assert init_weights("he", 400, 100, rng).var() == pytest.approx(2 / 400, rel=0.02)
    assert init_weights("glorot", 400, 100, rng).var() == pytest.approx(2 / 500, rel=0.02)
    assert init_weights("small", 400, 100, rng).std() == pytest.approx(0.01, rel=0.02)
    assert not init_weights("zeros", 3, 2, rng).any()
    # wide layers follow the mean-field rule E[h_l^2] = (n var / 2) E[h_{l-1}^2]:
    # He keeps the mean square level, "small" shrinks it by 512 * 1e-4 / 2 per layer
    for init, factor in (("he", 1.0), ("small", 512 * 1e-4 / 2)):
        s = layer_statistics(6, init, width=512, batch=512)
        ms = [float((a ** 2).mean()) for a in s["activations"]]
        ratios = np.array(ms[1:]) / np.array(ms[:-1])
        np.testing.assert_allclose(ratios, factor, rtol=0.15)


def test_batch_norm_keeps_activations_level_whatever_the_scale():
    for init in ("small", "glorot", "he"):
        with_bn = layer_statistics(20, init, True)["activation_std"]
        # after BN every unit has mean 0 and variance 1 over the batch; ReLU of a
        # standard normal has std sqrt(1/2 - 1/(2 pi)) = 0.58 -- the units are not
        # exactly normal, so allow a band around it, at every depth
        assert np.all((with_bn > 0.35) & (with_bn < 0.8)), init
    assert layer_statistics(20, "small")["activation_std"][-1] < 1e-20


def test_bad_arguments():
    with pytest.raises(ValueError, match="`init` must be one of 'zeros', 'small'"):
        layer_statistics(3, "uniform")
    with pytest.raises(ValueError, match="`depth` must be an integer >= 1"):
        layer_statistics(0)
    with pytest.raises(ValueError, match="`runs` must be a non-empty dict"):
        plot_layer_statistics({})


@pytest.fixture(scope="module")
def explorer():
    return InitializationExplorer()


def test_controls_change_result_and_figure(explorer):
    for name, value in [("depth", 20), ("init", "small"), ("batch_norm", True),
                        ("init", "zeros")]:
        before_png, before = explorer.figure_png(), explorer.result
        explorer.controls[name].value = value
        assert explorer.error is None and explorer.message.value == "", name
        assert explorer.result is not before, name
        assert explorer.figure_png() != before_png, name
    r = explorer.result
    assert r["depth"] == 20 and r["init"] == "zeros" and r["batch_norm"]
    assert r["shown"] == [1, 10, 20] and not r["activation_std"].any()


def test_updates_are_fast_once_cached(explorer):
    import time
    for init in ("he", "small"):
        explorer.controls["init"].value = init          # fills the cache
    times = []
    for init in ("he", "small", "he", "small"):
        start = time.perf_counter()
        explorer.controls["init"].value = init
        times.append(time.perf_counter() - start)
    assert explorer.error is None
    assert min(times) < 0.5        # drawing only; budget generous for a busy CI machine


def test_plot_layer_statistics_has_one_line_per_run():
    runs = {k: layer_statistics(8, k) for k in ("small", "he")}
    fig = plot_layer_statistics(runs)
    assert [len(ax.lines) for ax in fig.axes] == [2, 2]


def test_artists_are_reused_not_piled_up(explorer):
    def counts():
        fig = explorer._fig
        return [(len(ax.lines), len(ax.patches), len(ax.texts)) for ax in fig.axes]
    explorer.controls["init"].value = "he"
    first = counts()
    for depth, init in [(3, "small"), (25, "zeros"), (1, "he"), (12, "glorot"), (3, "he")]:
        explorer.controls["depth"].value = depth
        explorer.controls["init"].value = init
        assert explorer.error is None
    assert counts() == first and len(explorer._fig.axes) == 3


def test_log_axes_show_a_vanishing_signal():
    w = InitializationExplorer(depth=20, init="small")
    ax1 = w._fig.axes[0]
    acts = w.result["activation_std"]
    low, high = ax1.get_ylim()
    assert low <= max(acts.min(), 1e-12) and high >= acts.max() >= 1e-2 > acts[-1]
    # tick labels are plain text (no mathtext to parse on every redraw)
    w._fig.canvas.draw()
    labels = [t.get_text() for t in ax1.get_yticklabels() if t.get_text()]
    assert labels and not any("$" in t for t in labels) and "10⁰" in labels
