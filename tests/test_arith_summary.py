"""summarize(model) against Keras' own counts, gradients and published figures."""
import gc

import numpy as np
import pytest

from cnnlab.arith import Summary, summarize

keras = pytest.importorskip("keras")

KEYS = {"name", "output_shape", "params", "trainable", "non_trainable", "macs",
        "activations", "receptive_field"}


def weight_count(weights):
    return sum(int(np.prod(w.shape)) for w in weights)


def classic_convnet():
    """The classic small convnet of the course, written out with Keras."""
    L = keras.layers
    return keras.Sequential([
        keras.Input((28, 28, 1)),
        L.Conv2D(32, 3, activation="relu"), L.MaxPooling2D(),
        L.Conv2D(64, 3, activation="relu"), L.MaxPooling2D(),
        L.Conv2D(64, 3, activation="relu"), L.Flatten(),
        L.Dense(64, activation="relu"), L.Dense(10, activation="softmax")])


def gradient_extent(model, shape):
    """Rows and columns of the input that output value [0, 0, 0, 0] depends on."""
    import tensorflow as tf

    x = tf.Variable(np.ones((1, *shape), "float32"))
    with tf.GradientTape() as tape:
        out = model(x)[0, 0, 0, 0]
    grad = np.abs(tape.gradient(out, x).numpy()[0]).sum(axis=-1)
    rows, cols = np.nonzero(grad.any(axis=1))[0], np.nonzero(grad.any(axis=0))[0]
    return int(rows.max() - rows.min() + 1), int(cols.max() - cols.min() + 1)


# -- small models ------------------------------------------------------------------

def test_classic_convnet_has_93322_params_row_by_row():
    model = classic_convnet()
    s = summarize(model)
    assert s.totals["params"] == model.count_params() == 93_322
    assert [r["name"] for r in s.rows[1:]] == [layer.name for layer in model.layers]
    for row, layer in zip(s.rows[1:], model.layers):
        assert set(row) >= KEYS
        assert row["params"] == layer.count_params()
        assert row["output_shape"] == tuple(layer.output.shape[1:])
        assert row["activations"] == int(np.prod(layer.output.shape[1:]))


def test_input_layer_is_a_row_with_its_activations():
    first = summarize(classic_convnet()).rows[0]
    assert first["type"] == "InputLayer"
    assert (first["output_shape"], first["activations"], first["params"]) == \
        ((28, 28, 1), 784, 0)


def test_without_pooling_one_dense_unit_needs_30977_weights_and_sees_7x7():
    L = keras.layers
    model = keras.Sequential([keras.Input((28, 28, 1)), L.Conv2D(32, 3),
                              L.Conv2D(64, 3), L.Conv2D(64, 3, name="third"),
                              L.Flatten(), L.Dense(1, name="unit")])
    s = summarize(model)
    assert s["unit"]["params"] == model.get_layer("unit").count_params() == 30_977
    assert s["third"]["receptive_field"] == 7
    assert s["third"]["output_shape"] == (22, 22, 64)
    assert s["unit"]["receptive_field"] is None


def test_conv_macs_of_a_row_equal_the_products_keras_computes():
    model = keras.Sequential([keras.Input((17, 13, 3)),
                              keras.layers.Conv2D(5, (3, 2), strides=2, name="c")])
    x = np.ones((1, 17, 13, 3), "float32")
    w = np.ones((3, 2, 3, 5), "float32")
    products = float(keras.ops.sum(keras.ops.conv(x, w, strides=2)))
    assert summarize(model)["c"]["macs"] == int(products)


def test_depthwise_separable_transpose_and_conv1d_macs():
    L = keras.layers
    x = keras.Input((8, 8, 4))
    d = L.DepthwiseConv2D(3, padding="same", name="dw")(x)
    s = L.SeparableConv2D(6, 3, padding="same", name="sep")(d)
    t = L.Conv2DTranspose(2, 3, strides=2, name="tr")(s)
    model = keras.Model(x, t)
    seq = keras.Sequential([keras.Input((20, 3)), L.Conv1D(4, 5, name="c1")])
    got = summarize(model)
    assert got["dw"]["macs"] == 8 * 8 * 4 * 9                 # one 3x3 per channel
    assert got["sep"]["macs"] == 8 * 8 * 4 * 9 + 8 * 8 * 4 * 6  # depthwise + pointwise
    assert got["tr"]["macs"] == 8 * 8 * 6 * 9 * 2              # every input pixel x kernel
    assert got["tr"]["output_shape"] == tuple(model.output.shape[1:])
    assert summarize(seq)["c1"]["macs"] == 16 * 4 * 5 * 3


def test_receptive_fields_match_gradients_through_branches_and_merges():
    L = keras.layers
    ones = {"kernel_initializer": "ones", "use_bias": False}
    x = keras.Input((40, 40, 1))
    a = L.Conv2D(1, 3, padding="same", **ones)(x)
    a = L.AveragePooling2D(2, name="pool")(a)
    b = L.Conv2D(1, 5, strides=2, padding="same", **ones)(x)
    m = L.Add(name="merge")([a, b])
    y = L.Conv2D(1, (3, 1), dilation_rate=2, name="last", **ones)(m)
    model = keras.Model(x, y)
    s = summarize(model)
    assert s["pool"]["receptive_field"] == 4
    assert s["merge"]["receptive_field"] == 5           # the larger of 4 and 5
    # an output away from the border sees the whole field
    crop = keras.Model(x, L.Cropping2D(4)(y))
    assert s["last"]["receptive_field"] == gradient_extent(crop, (40, 40, 1)) == (13, 5)


def test_nested_and_shared_layers():
    L = keras.layers
    block = keras.Sequential([L.Conv2D(8, 3), L.MaxPooling2D()], name="block")
    shared = L.Conv2D(8, 3, padding="same", name="shared")
    x = keras.Input((32, 32, 3))
    h = shared(shared(block(x)))
    y = L.Dense(2, name="head")(L.GlobalAveragePooling2D()(h))
    model = keras.Model(x, y)
    s = summarize(model)
    assert s.params == model.count_params()
    names = [r["name"] for r in s.rows]
    assert "block/" + block.layers[0].name in names and "block" not in names
    assert len([n for n in names if n == "shared"]) == 1
    assert s["shared"]["params"] == shared.count_params()      # weights once
    assert s["shared"]["macs"] == 2 * 15 * 15 * 8 * 9 * 8      # two calls
    assert s["shared"]["receptive_field"] == 8                 # first call: 4 + 2*2
    assert s["head"]["receptive_field"] is None


def test_trainable_and_non_trainable_follow_keras():
    L = keras.layers
    model = keras.Sequential([keras.Input((8, 8, 3)), L.Conv2D(4, 3, name="frozen"),
                              L.BatchNormalization(), L.Flatten(), L.Dense(2)])
    model.get_layer("frozen").trainable = False
    s = summarize(model)
    assert s.trainable == weight_count(model.trainable_weights)
    assert s.non_trainable == weight_count(model.non_trainable_weights)
    assert s["frozen"]["trainable"] == 0


def test_text_and_html_rendering():
    s = summarize(classic_convnet())
    text, page = str(s), s._repr_html_()
    assert "93,322" in text and "Total" in text and "MB" in text
    assert len(text.splitlines()) == len(s.rows) + 6
    assert page.count("<tr>") == len(s.rows) + 2 and "93,322" in page and "MB" in page
    assert "<tfoot>" in page


def test_summary_data_helpers():
    s = summarize(classic_convnet())
    assert s.activation_bytes() == 4 * s.totals["activations"]
    assert s.activation_bytes(2) == 2 * s.activations
    assert s.bytes()["weights"] == 4 * 93_322
    assert s.macs == sum(r["macs"] for r in s.rows)
    assert len(s) == len(s.rows) and s[0] is s.rows[0]
    with pytest.raises(KeyError):
        s["no such layer"]
    assert isinstance(s, Summary)


def test_summarize_rejects_what_is_not_a_built_model():
    with pytest.raises(ValueError, match="`model`"):
        summarize("vgg16")
    with pytest.raises(ValueError, match="`model`"):
        summarize(keras.Sequential([keras.layers.Dense(3)]))


def test_summarize_does_not_need_keras_imported_by_cnnlab():
    import cnnlab.arith.summary as module

    assert "keras" not in vars(module) and "tensorflow" not in vars(module)


# -- keras.applications (slow: each model built once, then dropped) ----------------

APPS = ("VGG16", "VGG19", "ResNet50", "InceptionV3", "DenseNet121", "MobileNet")


@pytest.fixture(scope="module")
def apps():
    """Summary and Keras' own counts of each application, built once per session."""
    facts = {}
    for name in APPS:
        model = getattr(keras.applications, name)(weights=None)
        facts[name] = {"summary": summarize(model), "params": model.count_params(),
                       "trainable": weight_count(model.trainable_weights),
                       "non_trainable": weight_count(model.non_trainable_weights)}
        del model
        keras.backend.clear_session()
        gc.collect()
    return facts


@pytest.mark.slow
class TestApplications:
    @pytest.mark.parametrize("name", APPS)
    def test_totals_equal_keras_counts(self, apps, name):
        s, keras_counts = apps[name]["summary"], apps[name]
        assert s.totals["params"] == keras_counts["params"]
        assert s.totals["trainable"] == keras_counts["trainable"]
        assert s.totals["non_trainable"] == keras_counts["non_trainable"]
        assert s.rows[0]["type"] == "InputLayer" and s.totals["macs"] > 0

    def test_vgg16_course_figures(self, apps):
        s = apps["VGG16"]["summary"]
        assert s.params == 138_357_544
        assert s["fc1"]["params"] == 7 * 7 * 512 * 4096 + 4096 == 102_764_544
        assert 15.0e6 <= s.activations <= 15.4e6             # not the slides' 24 M
        assert 60e6 <= s.activation_bytes() <= 62e6          # about 61 MB in float32
        assert s["block5_pool"]["receptive_field"] == 212

    def test_vgg16_convolutional_base(self):
        base = keras.applications.VGG16(weights=None, include_top=False)
        try:
            assert summarize(base).params == base.count_params() == 14_714_688
        finally:
            del base
            keras.backend.clear_session()

    def test_vgg19_macs_match_the_resnet_paper(self, apps):
        # He et al. 2016, Table/Fig. 3: VGG-19 has 19.6 billion FLOPs (multiply-adds)
        assert apps["VGG19"]["summary"].macs == pytest.approx(19.6e9, rel=0.02)

    def test_mobilenet_and_densenet_course_figures(self, apps):
        mobilenet = apps["MobileNet"]["summary"]
        assert (mobilenet.params, mobilenet.trainable, mobilenet.non_trainable) == \
            (4_253_864, 4_231_976, 21_888)
        assert apps["DenseNet121"]["summary"].params == 8_062_504

    @pytest.mark.parametrize("name, layer, field", [
        # Araujo, Norris, Sim, "Computing Receptive Fields of CNNs", Distill 2019
        ("ResNet50", "conv5_block3_out", 483),
        ("InceptionV3", "mixed10", 1311),
        ("MobileNet", "conv_pw_13_relu", 315),
    ])
    def test_receptive_fields_match_published_values(self, apps, name, layer, field):
        assert apps[name]["summary"][layer]["receptive_field"] == field
