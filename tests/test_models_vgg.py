"""VGG builders against keras.applications, the paper's table and TensorFlow's LRN."""
import numpy as np
import pytest

keras = pytest.importorskip("keras")

from cnnlab.models.vggnet import (PAPER_MILLIONS, VGG_CONFIGS, mini_vgg, vgg,  # noqa: E402
                                  vgg_plan, vgg_stages)

#: Weight layers of each configuration in the paper (Table 1).
PAPER_DEPTH = {"A": 11, "A-LRN": 11, "B": 13, "C": 16, "D": 16, "E": 19}


@pytest.mark.parametrize("config, app", [("D", "VGG16"), ("E", "VGG19")])
def test_full_size_matches_keras_applications(config, app):
    ours = vgg(config)
    ref = getattr(keras.applications, app)(weights=None)
    try:
        assert ours.count_params() == ref.count_params()
        ref_layers = {l.name: l for l in ref.layers if l.weights}
        ours_layers = {l.name: l for l in ours.layers if l.weights}
        assert ours_layers.keys() == ref_layers.keys()
        for name, layer in ours_layers.items():
            assert [tuple(w.shape) for w in layer.weights] == \
                [tuple(w.shape) for w in ref_layers[name].weights], name
    finally:
        del ours, ref
        keras.backend.clear_session()


def test_base_computes_like_keras_vgg16_with_the_same_weights():
    ours = vgg("D", input_shape=(32, 32, 3), include_top=False)
    ref = keras.applications.VGG16(weights=None, include_top=False, input_shape=(32, 32, 3))
    assert ours.count_params() == ref.count_params() == 14_714_688
    for layer in ref.layers:
        if layer.weights:
            ours.get_layer(layer.name).set_weights(layer.get_weights())
    x = np.random.default_rng(0).uniform(size=(2, 32, 32, 3)).astype("float32")
    np.testing.assert_allclose(ours.predict(x, verbose=0), ref.predict(x, verbose=0),
                               rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("config", list(VGG_CONFIGS))
def test_plan_matches_paper_table(config):
    rows = vgg_plan(config)
    assert round(sum(r["params"] for r in rows) / 1e6) == PAPER_MILLIONS[config]
    assert sum(r["kind"] in ("conv", "dense") for r in rows) == PAPER_DEPTH[config]
    assert sum(r["kind"] == "pool" for r in rows) == 5


def test_vgg19_macs_match_resnet_paper():
    # He et al. (2016) quote 19.6 billion FLOPs (multiply-adds) for VGG-19.
    assert round(sum(r["macs"] for r in vgg_plan("E")) / 1e9, 1) == 19.6


@pytest.mark.parametrize("config", list(VGG_CONFIGS))
def test_plan_equals_built_model_layer_by_layer(config):
    kwargs = dict(input_shape=(64, 48, 3), classes=7, width=0.25)
    model = vgg(config, **kwargs)
    rows = vgg_plan(config, **kwargs)
    assert model.count_params() == sum(r["params"] for r in rows)
    for row in rows:
        layer = model.get_layer(row["name"])
        assert layer.count_params() == row["params"], row["name"]
        assert tuple(layer.output.shape[1:]) == row["output_shape"], row["name"]


def test_plan_macs_equal_summarize():
    from cnnlab import arith
    model = vgg("C", input_shape=(32, 32, 3), classes=10, width=0.125)
    summary = arith.summarize(model)
    macs = {r["name"]: r["macs"] for r in summary.rows}
    for row in vgg_plan("C", (32, 32, 3), classes=10, width=0.125):
        assert macs[row["name"]] == row["macs"], row["name"]


def test_layer_names_follow_keras():
    names = [l.name for l in vgg("A", input_shape=(32, 32, 3), width=0.125).layers]
    assert names[1:4] == ["block1_conv1", "block1_pool", "block2_conv1"]
    assert names[-4:] == ["flatten", "fc1", "fc2", "predictions"]


def test_config_c_has_one_by_one_convolutions_in_stages_3_to_5():
    model = vgg("C", input_shape=(32, 32, 3), width=0.125)
    ones = [l.name for l in model.layers if getattr(l, "kernel_size", None) == (1, 1)]
    assert ones == ["block3_conv3", "block4_conv3", "block5_conv3"]


def test_width_scales_fc_layers_too():
    model = vgg("A", input_shape=(32, 32, 3), classes=10, width=0.5)
    assert model.get_layer("fc1").units == 2048
    assert model.get_layer("block1_conv1").filters == 32
    assert vgg("A", input_shape=(32, 32, 3), width=0.001).get_layer("block5_conv2").filters == 1


def test_lrn_matches_tensorflow():
    tf = pytest.importorskip("tensorflow")
    from cnnlab.models.vggnet import LocalResponseNormalization
    x = np.random.default_rng(1).normal(size=(2, 5, 5, 9)).astype("float32") * 30
    got = keras.ops.convert_to_numpy(LocalResponseNormalization()(x))
    want = tf.nn.local_response_normalization(x, depth_radius=2, bias=2.0, alpha=1e-4,
                                              beta=0.75).numpy()
    np.testing.assert_allclose(got, want, rtol=1e-5)
    model = vgg("A-LRN", input_shape=(32, 32, 3), width=0.125)
    assert model.get_layer("block1_lrn").count_params() == 0


def test_include_top_false():
    model = vgg("E", input_shape=(64, 64, 3), width=0.125, include_top=False)
    assert model.output.shape[1:] == (2, 2, 64)


def test_mini_vgg_stops_pooling_at_two_pixels():
    m28 = mini_vgg((28, 28, 1), classes=10)
    assert [l.name for l in m28.layers if "pool" in l.name] == [
        "block1_pool", "block2_pool", "block3_pool"]
    assert m28.get_layer("flatten").output.shape[1:] == (3 * 3 * 64,)
    m32 = mini_vgg((32, 32, 3), classes=10, dense=64)
    assert m32.get_layer("block5_conv2").output.shape[1:] == (2, 2, 64)
    assert m32.get_layer("fc2").units == 64
    assert m32.output.shape[1:] == (10,)


def test_stages_summarise_the_plan():
    stages = vgg_stages(vgg_plan("D"))
    assert [s["channels"] for s in stages] == [64, 128, 256, 512, 512, 1000]
    assert stages[-1]["params"] == 138_357_544 - 14_714_688


@pytest.mark.parametrize("call, message", [
    (lambda: vgg_plan("F"), "`config` must be one of 'A', 'A-LRN', 'B', 'C', 'D', 'E'. "
                            "Received: config='F'."),
    (lambda: vgg_plan("D", input_shape=(16, 16, 3)), "`input_shape` is too small"),
    (lambda: vgg_plan("D", width=0), "`width` must be a number in (0, 8]. Received: width=0."),
    (lambda: vgg_plan([64, "X", "M"]), "Each item of `config`"),
    (lambda: vgg_plan([64, 64]), "at least one 'M'"),
    (lambda: mini_vgg(dense=0), "`dense` must be an integer >= 1. Received: dense=0."),
])
def test_errors(call, message):
    with pytest.raises(ValueError) as info:
        call()
    assert message in str(info.value)


@pytest.fixture
def empty_keras_home(tmp_path, monkeypatch):
    """Keras' cache pointed at an empty folder (Keras read KERAS_HOME at import)."""
    from keras.src.backend import config as keras_config
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    monkeypatch.setattr(keras_config, "_KERAS_DIR", str(tmp_path))
    return tmp_path


def test_pretrained_offline_error_names_file_and_folder(tmp_path, monkeypatch, empty_keras_home):
    from cnnlab.data import DataUnavailableError
    from cnnlab.models import pretrained
    monkeypatch.setattr(pretrained, "can_download", lambda timeout=2.0: False)
    with pytest.raises(DataUnavailableError) as info:
        pretrained.load_pretrained("vgg16")
    message = str(info.value)
    assert "vgg16_weights_tf_dim_ordering_tf_kernels.h5" in message
    assert str(tmp_path / "models") in message
    assert isinstance(info.value, pretrained.WeightsUnavailableError)
    with pytest.raises(ValueError, match="`name` must be one of 'vgg16', 'vgg19'"):
        pretrained.load_pretrained("vgg11")


def test_classify_offline_error_for_class_names(tmp_path, monkeypatch, empty_keras_home):
    from cnnlab.models import pretrained
    monkeypatch.setattr(pretrained, "can_download", lambda timeout=2.0: False)
    model = keras.applications.VGG16(weights=None, include_top=True,
                                     input_shape=(32, 32, 3), classes=1000)
    image = np.random.default_rng(0).uniform(size=(40, 50, 3))
    with pytest.raises(pretrained.WeightsUnavailableError, match="imagenet_class_index.json"):
        pretrained.classify(image, model)
