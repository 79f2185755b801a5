"""Lesson 04 question bank: right answers pass, each known mistake gets its hint."""
import pytest

from cnnlab.check.registry import load_bank

from check_util import expect_hint, run

keras = pytest.importorskip("keras")
BANK = load_bank("04")


def make_builder(*, bias=True, dense_bias=True, padding="same", pool_every="M", hidden=2,
                 head="flatten", extra_pool=False):
    """A VGG builder with one deliberate mistake switched on."""
    from keras import layers

    def build_vgg(config, input_shape, classes, fc_units):
        x = inputs = keras.Input(input_shape)
        for item in config:
            if item == pool_every:
                x = layers.MaxPooling2D(2, strides=2)(x)
            elif item != "M":
                x = layers.Conv2D(item, 3, padding=padding, activation="relu",
                                  use_bias=bias)(x)
        if extra_pool:
            x = layers.MaxPooling2D(2, strides=2)(x)
        x = layers.Flatten()(x) if head == "flatten" else layers.GlobalAveragePooling2D()(x)
        for _ in range(hidden):
            x = layers.Dense(fc_units, activation="relu", use_bias=dense_bias)(x)
        return keras.Model(inputs, layers.Dense(classes, activation="softmax",
                                                use_bias=dense_bias)(x))
    return build_vgg


def test_reference_builder_passes_and_matches_cnnlab_vgg():
    from cnnlab.check.banks.lesson04 import CASES_04_1
    from cnnlab.models.vggnet import vgg_plan
    run("04.1", make_builder())
    for config, shape, classes, fc in CASES_04_1:
        rows = vgg_plan(config, shape, classes, fc_units=fc)
        assert make_builder()(config, shape, classes, fc).count_params() == \
            sum(r["params"] for r in rows)


@pytest.mark.parametrize("kwargs, text", [
    (dict(bias=False, dense_bias=False), "did you set use_bias=False"),
    (dict(bias=False), "convolutions are missing their biases"),
    (dict(dense_bias=False), "Dense layers are missing their biases"),
    (dict(padding="valid"), "padding='same'"),
    (dict(hidden=1), "TWO hidden fully connected layers"),
    (dict(head="gap"), "the flatten size is wrong"),
    (dict(extra_pool=True), "one max pooling too many"),
    (dict(hidden=3), "three hidden Dense layers"),
])
def test_builder_hints(kwargs, text):
    expect_hint("04.1", make_builder(**kwargs), text)


def test_builder_missing_pool_hint():
    def build_vgg(config, input_shape, classes, fc_units):   # skips the last pooling
        last = len(config) - 1 - config[::-1].index("M")
        return make_builder()(config[:last] + config[last + 1:], input_shape, classes,
                              fc_units)
    expect_hint("04.1", build_vgg, "one max pooling too few")


def test_builder_wrong_output_and_return():
    expect_hint("04.1", lambda c, s, k, f: None, "return the keras.Model")
    expect_hint("04.1", lambda c, s, k, f: make_builder()(c, s, k + 1, f), "output shape")


def test_fc1_matches_keras_vgg16():
    model = keras.applications.VGG16(weights=None)
    want = model.get_layer("fc1").count_params()
    base = keras.applications.VGG16(weights=None, include_top=False).count_params()
    run("04.2", want)
    run("04.4", base)
    del model
    keras.backend.clear_session()


def vgg16_base(first_channels=3):
    """Parameters of VGG16's convolutional base, first convolution reading `first_channels`."""
    widths = [64, 64, 128, 128, 256, 256, 256, 512, 512, 512, 512, 512, 512]
    total, c = 0, first_channels
    for f in widths:
        total, c = total + (9 * c + 1) * f, f
    return total


@pytest.mark.parametrize("qid, answer, text", [
    ("04.2", 7 * 7 * 512 * 4096, "forget the biases"),
    ("04.2", 25088, "flatten size"),
    ("04.2", (14 * 14 * 512 + 1) * 4096, "four poolings"),
    ("04.2", 4097 * 4096, "That is fc2"),
    ("04.3", 14, "after four poolings"),
    ("04.3", 44, "divide by 2"),
    ("04.3", 224, "halves it"),
    ("04.3", 49, "not the number of positions"),
    ("04.4", 14_714_688 - 4224, "forget the biases"),
    ("04.4", 138_357_544, "stops before flatten"),
    # each wrong answer computed the mistaken way
    ("04.2", (7 * 7 * 512 + 1) * 1000, "1000 is the output layer"),
    ("04.3", 224 // 2 ** 6, "six poolings"),
    ("04.3", 224 // 2, "there are five of them"),
    ("04.3", round(224 / 5), r"divide by 2\^5"),
    ("04.4", vgg16_base(first_channels=64), "3 colour channels, not 64"),
])
def test_number_hints(qid, answer, text):
    expect_hint(qid, answer, text)


def test_answers_pass():
    run("04.3", 7)
    run("04.4", 14_714_688)
