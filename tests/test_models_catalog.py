"""The classic-networks table: computed counts against Keras and against the papers.

Light models are built every run; the four heavy ``keras.applications``
models (10–20 s each) are rebuilt in the ``slow`` tests, which check the
cache the CI profile relies on and the papers' figures.
"""
import pytest

from cnnlab.models import catalog


def keras_count(model):
    from cnnlab import arith
    s = arith.summarize(model)
    return model.count_params(), s.macs


def test_table_facts():
    alex = catalog.get("AlexNet")
    assert (alex.year, alex.top5_error, alex.ilsvrc) == (2012, 15.3, "winner 2012")
    assert catalog.ILSVRC2012_RUNNER_UP == 26.2
    assert catalog.HUMAN_TOP5_ERROR == 5.1
    assert [n.year for n in catalog.NETWORKS] == sorted(n.year for n in catalog.NETWORKS)
    for net in catalog.NETWORKS:
        assert net.reference and net.url.startswith("http") and net.top5_detail
        if net.params is not None:
            assert "Table" in net.params_source or "Sec." in net.params_source \
                or "abstract" in net.params_source
    # every network after LeNet-5 beats AlexNet's error
    errors = [n.top5_error for n in catalog.NETWORKS if n.top5_error is not None]
    assert errors[0] == 15.3 and all(e < 15.3 for e in errors[1:])


def test_get_and_errors():
    assert catalog.get("vgg-16").name == "VGG-16"
    with pytest.raises(ValueError, match="`name` must be one of 'LeNet-5'"):
        catalog.get("VGG-99")
    with pytest.raises(ValueError, match="`build` must be"):
        catalog.counts("AlexNet", build="yes")
    with pytest.raises(ValueError, match="`axis` must be one of"):
        catalog.axis_choice("flops")


def test_lenet_and_alexnet_counts_match_keras_and_papers():
    from cnnlab import models
    for name, builder in (("LeNet-5", models.lenet5), ("AlexNet", models.alexnet)):
        c = catalog.counts(name)
        model = builder()
        assert c.params == model.count_params()
        published = catalog.get(name).params
        # full connections (LeNet's C3) and one tower (AlexNet): a few % above the paper
        assert published < c.params < 1.05 * published
    # AlexNet: conv1 on 227x227 with 11x11 stride 4 gives 55x55x96
    assert catalog.counts("AlexNet").macs > 55 * 55 * 96 * 11 * 11 * 3


def test_vgg16_plan_matches_keras_applications():
    import keras
    c = catalog.counts("VGG-16")
    params, macs = keras_count(keras.applications.VGG16(weights=None))
    assert (c.params, c.macs) == (params, macs) == (138_357_544, 15_470_264_320)
    assert abs(c.macs - 15.3e9) / 15.3e9 < 0.02       # He et al.: 15.3 billion


def test_mobilenet_matches_paper():
    c = catalog.counts("MobileNet")
    assert c.params == 4_253_864                      # Keras' published count
    assert round(c.params / 1e6, 1) == 4.3 and abs(c.params - 4.2e6) < 0.1e6
    assert round(c.macs / 1e6) == 569                 # Howard et al., Table 8


def _zfnet_keras():
    import keras
    from keras import layers
    return keras.Sequential([
        keras.Input((224, 224, 3)),
        layers.ZeroPadding2D(1), layers.Conv2D(96, 7, strides=2, name="conv1"),
        layers.ZeroPadding2D(1), layers.MaxPooling2D(3, 2),
        layers.Conv2D(256, 5, strides=2, name="conv2"),
        layers.ZeroPadding2D(1), layers.MaxPooling2D(3, 2),
        layers.Conv2D(384, 3, padding="same"), layers.Conv2D(384, 3, padding="same"),
        layers.Conv2D(256, 3, padding="same"), layers.MaxPooling2D(3, 2),
        layers.Flatten(), layers.Dense(4096), layers.Dense(4096), layers.Dense(1000),
    ])


def test_zfnet_plan_matches_a_keras_zfnet():
    model = _zfnet_keras()
    rows = catalog.zfnet_plan()
    convs = [layer for layer in model.layers if type(layer).__name__ == "Conv2D"]
    plan_convs = [r for r in rows if r["kind"] == "conv"]
    assert [tuple(layer.output.shape[1:]) for layer in convs] == \
        [r["output_shape"] for r in plan_convs]
    assert [(110, 110, 96), (26, 26, 256)] == [r["output_shape"] for r in plan_convs[:2]]
    params, macs = keras_count(model)
    assert catalog.counts("ZFNet").params == params
    assert catalog.counts("ZFNet").macs == macs


def test_googlenet_plan_matches_a_keras_googlenet():
    import keras
    from keras import layers

    from cnnlab.arith.inception import GOOGLENET_MODULES
    from cnnlab.models.inception import inception_module
    x = inp = keras.Input((224, 224, 3))
    x = layers.Conv2D(64, 7, strides=2, padding="same")(x)
    x = layers.MaxPooling2D(3, 2, padding="same")(x)
    x = layers.Conv2D(64, 1)(x)
    x = layers.Conv2D(192, 3, padding="same")(x)
    x = layers.MaxPooling2D(3, 2, padding="same")(x)
    for name, (shape, widths) in GOOGLENET_MODULES.items():
        if x.shape[1] != shape[0]:
            x = layers.MaxPooling2D(3, 2, padding="same")(x)
        x = inception_module(x, *widths, name=f"g{name}")
    x = layers.GlobalAveragePooling2D()(x)
    model = keras.Model(inp, layers.Dense(1000)(x))
    params, macs = keras_count(model)
    c = catalog.counts("GoogLeNet")
    assert (c.params, c.macs) == (params, macs)
    # the paper: "1.5 billion multiply-adds"; Table 1 sums to ~6.8 M weights (no biases)
    assert abs(c.macs - 1.5e9) / 1.5e9 < 0.06
    assert 6.8e6 < c.params < 7.1e6


def test_cache_is_used_in_ci_and_table_rows():
    c = catalog.counts("NASNet-A Large", build=False)
    assert (c.params, c.macs) == catalog.CACHED_COUNTS["NASNet-A Large"]
    assert "CACHED_COUNTS" in c.source
    rows = catalog.table(build=False, imagenet_only=True)
    assert [r["name"] for r in rows] == catalog.names()[1:]
    assert all(r["params"] > 0 and r["macs"] > 0 for r in rows)


@pytest.mark.slow
@pytest.mark.parametrize("name, paper_params, paper_macs", [
    ("ResNet-152", None, 11.3e9),
    ("DenseNet-121", None, None),
    ("NASNet-A Mobile", 5.3e6, 564e6),
    ("NASNet-A Large", 88.9e6, 23.8e9),
])
def test_heavy_models_rebuilt_match_cache_and_papers(name, paper_params, paper_macs):
    catalog._computed.cache_clear()
    c = catalog.counts(name, build=True)
    assert c.source.startswith("keras.applications.")
    assert (c.params, c.macs) == catalog.CACHED_COUNTS[name]
    if paper_params:
        assert round(c.params / 1e5) == round(paper_params / 1e5)
    if paper_macs:
        assert abs(c.macs - paper_macs) / paper_macs < 0.005
