"""cnnlab.plot: every figure function returns a Figure that shows the right data."""
import matplotlib
import numpy as np
import pytest
from matplotlib.figure import Figure

from cnnlab import plot

matplotlib.use("Agg")
keras = pytest.importorskip("keras")


@pytest.fixture(scope="module")
def tiny_model():
    keras.utils.set_random_seed(0)
    inputs = keras.Input((12, 12, 3))
    x = keras.layers.Conv2D(6, 3, activation="relu", name="conv1")(inputs)
    x = keras.layers.Conv2D(20, 3, name="conv2")(x)
    x = keras.layers.GlobalAveragePooling2D(name="gap")(x)
    outputs = keras.layers.Dense(3, activation="softmax", name="head")(x)
    return keras.Model(inputs, outputs)


def test_training_curves_from_a_real_keras_history(tiny_model):
    rng = np.random.default_rng(0)
    x, y = rng.random((16, 12, 12, 3), dtype=np.float32), rng.integers(0, 3, 16)
    tiny_model.compile(optimizer="adam", loss="sparse_categorical_crossentropy",
                       metrics=["accuracy"])
    history = tiny_model.fit(x, y, epochs=3, validation_split=0.25, verbose=0)

    class Result:                      # like cnnlab.train's TrainResult
        pass
    result = Result()
    result.history = history
    runs = {"keras": history, "result": result, "dict": {"loss": [2.0, 1.0]}}
    fig = plot.training_curves(runs)
    assert isinstance(fig, Figure) and len(fig.axes) == 2
    loss_ax = fig.axes[0]
    assert loss_ax.get_title() == "loss"
    # train + validation for the two Keras runs, train only for the dict
    assert len(loss_ax.lines) == 5
    styles = [line.get_linestyle() for line in loss_ax.lines]
    assert styles.count("--") == 2
    np.testing.assert_allclose(loss_ax.lines[0].get_ydata(), history.history["loss"])
    np.testing.assert_allclose(loss_ax.lines[1].get_ydata(), history.history["val_loss"])
    assert len(plot.training_curves(history, validation=False).axes[0].lines) == 1
    with pytest.raises(ValueError, match="`metrics` must name recorded metrics"):
        plot.training_curves(runs, metrics=("auc",))


def test_image_grid_titles_and_red_mistakes():
    images = np.random.default_rng(1).random((40, 8, 8, 3))
    labels = np.arange(40) % 4
    preds = labels.copy()
    preds[[1, 5]] = 0
    fig = plot.image_grid(images, labels, class_names=list("abcd"), predictions=preds,
                          ncols=10)
    assert isinstance(fig, Figure) and len(fig.axes) == 32          # max_images
    assert all(len(ax.images) == 1 for ax in fig.axes)
    colours = [ax.title.get_color() for ax in fig.axes]
    assert [i for i, c in enumerate(colours) if c == "red"] == [1, 5]
    assert fig.axes[1].get_title() == "a (b)" and fig.axes[2].get_title() == "c"
    grey = plot.image_grid(np.zeros((3, 5, 5)), ncols=2)
    assert len(grey.axes) == 3 and grey.axes[0].get_title() == ""


def test_feature_maps_show_the_layer_output(tiny_model):
    image = np.random.default_rng(2).random((12, 12, 3)).astype(np.float32)
    fig = plot.feature_maps(tiny_model, "conv2", image, max_maps=16)
    assert isinstance(fig, Figure) and len(fig.axes) == 16
    layer = tiny_model.get_layer("conv1")
    w, b = layer.get_weights()
    ref1 = np.maximum(np.asarray(keras.ops.conv(image[None], w)) + b, 0)[0]
    fig1 = plot.feature_maps(tiny_model, 1, image)                  # index of conv1
    assert len(fig1.axes) == 6
    np.testing.assert_allclose(fig1.axes[4].images[0].get_array(), ref1[..., 4], atol=1e-5)
    assert len(plot.feature_maps(tiny_model, layer, image[None], max_maps=2).axes) == 2
    with pytest.raises(ValueError, match="`layer` must be one of"):
        plot.feature_maps(tiny_model, "conv9", image)
    with pytest.raises(ValueError, match="feature maps"):
        plot.feature_maps(tiny_model, "gap", image)


def test_conv_filters_of_a_layer_and_of_an_array(tiny_model):
    layer = tiny_model.get_layer("conv1")
    fig = plot.conv_filters(layer)
    assert isinstance(fig, Figure) and len(fig.axes) == 6
    w = layer.get_weights()[0]
    shown = fig.axes[3].images[0].get_array()
    assert shown.shape == (3, 3, 3)                                  # RGB first layer
    k = w[..., 3]
    np.testing.assert_allclose(shown, (k - k.min()) / (k.max() - k.min()), atol=1e-6)
    deep = plot.conv_filters(tiny_model.get_layer("conv2"), max_filters=8)
    assert len(deep.axes) == 8 and deep.axes[0].images[0].get_array().ndim == 2
    with pytest.raises(ValueError, match="`layer_or_kernel`"):
        plot.conv_filters(np.zeros((3, 3)))


def test_confusion_matrix_agrees_with_scikit_learn():
    from sklearn.metrics import confusion_matrix as sk_confusion
    rng = np.random.default_rng(3)
    y_true, y_pred = rng.integers(0, 5, 200), rng.integers(0, 5, 200)
    fig = plot.confusion_matrix(y_true, y_pred, class_names=list("vwxyz"))
    assert isinstance(fig, Figure) and len(fig.axes) == 1
    np.testing.assert_array_equal(fig.axes[0].images[0].get_array(),
                                  sk_confusion(y_true, y_pred))
    assert f"{np.mean(y_true == y_pred):.1%}" in fig.axes[0].get_title()
    scores = np.eye(5)[y_pred]
    fig2 = plot.confusion_matrix(y_true, scores, normalize=True)
    rows = fig2.axes[0].images[0].get_array().sum(axis=1)
    np.testing.assert_allclose(rows, 1.0)


def test_bars_draws_values_and_labels():
    fig = Figure()
    ax = fig.add_subplot()
    values = [896, 18_496, 4_194_560]
    plot.bars(ax, ["conv1", "conv2", "dense"], values, title="parameters", log=True)
    assert [p.get_width() for p in ax.patches] == values
    assert [t.get_text().strip() for t in ax.texts] == ["896", "18,496", "4,194,560"]
    assert ax.get_xscale() == "log" and ax.get_title() == "parameters"
    with pytest.raises(ValueError, match="same length"):
        plot.bars(ax, ["a"], [1, 2])


def test_draws_into_a_given_figure():
    fig = Figure()
    fig.add_subplot()
    out = plot.image_grid(np.zeros((2, 4, 4)), fig=fig)
    assert out is fig and len(fig.axes) == 2
