"""OptimizerRace: its loss curves are what Keras' optimizers give from the same weights."""
import numpy as np
import pytest

from cnnlab.viz.optimizer_race import LEARNING_RATES, OptimizerRace, _network, race_table


def _data():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(60, 6, 6, 1)).astype("float32")
    y = np.repeat(np.arange(3), 20)
    x[y == 1, :3] += 1.0
    x[y == 2, 3:] += 1.0
    return x, y


@pytest.fixture(scope="module")
def race():
    return OptimizerRace(steps=8, data=_data())


def test_curves_match_keras_optimizers_on_the_keras_twin():
    keras = pytest.importorskip("keras")
    from cnnlab.train.from_scratch import keras_loss_and_grads

    x, y = _data()
    lr = 0.03
    table = race_table(steps=4, learning_rates=(lr,), data=(x, y))
    makers = {"SGD": lambda: keras.optimizers.SGD(lr),
              "momentum 0.9": lambda: keras.optimizers.SGD(lr, momentum=0.9),
              "RMSprop": lambda: keras.optimizers.RMSprop(lr),
              "Adam": lambda: keras.optimizers.Adam(lr)}
    for name, make in makers.items():
        model, opt, losses = _network(x.shape[1:], 3, 0).to_keras(), make(), []
        for _ in range(5):
            loss, grads = keras_loss_and_grads(model, x, y)
            losses.append(loss)
            opt.apply(grads, model.trainable_variables)
        np.testing.assert_allclose(table["curves"][lr][name], losses, rtol=1e-4, err_msg=name)
    # the curves differ from one another: the test above could fail
    assert len({round(float(c[-1]), 4) for c in table["curves"][lr].values()}) == 4


def test_slider_changes_result_and_figure_quickly(race):
    before_png, before = race.figure_png(), race.result
    race.controls["learning_rate"].value = 0.3
    assert race.error is None and race.message.value == ""
    assert race.result is not before and race.result["learning_rate"] == 0.3
    assert race.figure_png() != before_png
    assert race.last_update_seconds < 1.0
    assert set(race.result["sweep"]["Adam"].shape) == {len(LEARNING_RATES)}


def test_a_diverging_run_is_marked_not_raised():
    x, y = _data()
    table = race_table(steps=20, learning_rates=(1e3,), data=(x * 100, y))
    sgd = table["curves"][1e3]["SGD"]
    assert np.isnan(sgd[-1]) and np.isfinite(sgd[0])


def test_bad_values():
    with pytest.raises(ValueError, match="`learning_rate` must be one of"):
        OptimizerRace(steps=2, learning_rate=0.5, data=_data())
    with pytest.raises(ValueError, match="`steps` must be"):
        race_table(steps=0, data=_data())


def test_updates_change_artists_in_place(race):
    fig = race._fig
    before = [(len(ax.lines), len(ax.texts)) for ax in fig.axes]
    for lr in (0.001, 1.0, 0.01, 0.3):
        race.controls["learning_rate"].value = lr
        assert race.error is None
        ax = fig.axes[0]
        # the curve drawn is the table's curve at that rate
        np.testing.assert_array_equal(ax.lines[3].get_ydata(), race.table["curves"][lr]["Adam"])
        assert ax.get_legend().get_texts()[3].get_text().startswith("Adam: ")
    assert [(len(ax.lines), len(ax.texts)) for ax in fig.axes] == before
    assert len(fig.axes) == 2
