"""Residual and plain blocks against keras.applications.ResNet50 and hand counts."""
import numpy as np
import pytest

keras = pytest.importorskip("keras")

from cnnlab.models.resnet import depth_net, plain_block, residual_block  # noqa: E402


@pytest.fixture(scope="module")
def resnet50():
    return keras.applications.ResNet50(weights=None)


def _block(model, prefix):
    return {layer.name[len(prefix):]: layer.count_params() for layer in model.layers
            if layer.name.startswith(prefix)}


@pytest.mark.parametrize("name, filters, stride", [
    ("conv2_block1", 64, 1),     # 56x56x64 -> 56x56x256, projection (channels change)
    ("conv2_block2", 64, 1),     # identity shortcut
    ("conv3_block1", 128, 2),    # 56x56x256 -> 28x28x512, strided projection
    ("conv5_block1", 512, 2),
])
def test_bottleneck_block_matches_keras_resnet50(resnet50, name, filters, stride):
    ref_in = resnet50.get_layer(f"{name}_1_conv").input
    ref_out = resnet50.get_layer(f"{name}_out").output
    x = keras.Input(tuple(ref_in.shape[1:]))
    y = residual_block(x, filters, stride, bottleneck=True, name=name)
    ours = keras.Model(x, y)
    assert tuple(y.shape) == tuple(ref_out.shape)
    assert _block(ours, name) == _block(resnet50, name)      # layer by layer, same names


def test_resnet50_first_block_is_64_64_256(resnet50):
    widths = [int(resnet50.get_layer(f"conv2_block1_{i}_conv").output.shape[-1])
              for i in (1, 2, 3)]
    assert widths == [64, 64, 256]
    x = keras.Input((56, 56, 64))
    model = keras.Model(x, residual_block(x, 64, bottleneck=True, name="b"))
    assert [int(model.get_layer(f"b_{i}_conv").output.shape[-1]) for i in (1, 2, 3)] == widths


def test_basic_block_counts_by_hand():
    conv = lambda k, c, f: (k * k * c + 1) * f      # noqa: E731
    x = keras.Input((16, 16, 16))
    identity = keras.Model(x, residual_block(x, 16, name="id"))
    assert identity.count_params() == 2 * (conv(3, 16, 16) + 4 * 16)
    assert not any(layer.name.startswith("id_0") for layer in identity.layers)
    down = keras.Model(x, residual_block(x, 32, stride=2, name="dn"))
    assert down.output_shape == (None, 8, 8, 32)
    assert down.count_params() == (conv(3, 16, 32) + conv(3, 32, 32) + conv(1, 16, 32)
                                   + 3 * 4 * 32)


def test_zero_branch_makes_the_block_an_identity():
    x = keras.Input((6, 6, 8))
    model = keras.Model(x, residual_block(x, 8, name="r"))
    bn = model.get_layer("r_2_bn")
    gamma, beta, mean, var = bn.get_weights()
    bn.set_weights([np.zeros_like(gamma), beta, mean, var])
    data = np.random.default_rng(0).uniform(0, 1, (2, 6, 6, 8)).astype("float32")
    out = keras.ops.convert_to_numpy(model(data, training=False))
    np.testing.assert_allclose(out, data, atol=1e-6)


def test_plain_block_is_the_residual_block_without_shortcut():
    x = keras.Input((8, 8, 16))
    plain = keras.Model(x, plain_block(x, 16, name="p"))
    res = keras.Model(x, residual_block(x, 16, name="p"))
    assert plain.count_params() == res.count_params()
    assert not any(isinstance(layer, keras.layers.Add) for layer in plain.layers)
    bottleneck = keras.Model(x, plain_block(x, 4, bottleneck=True, name="q"))
    assert bottleneck.output_shape == (None, 8, 8, 16)


@pytest.mark.parametrize("depth", [8, 20, 56])
def test_depth_net_counts_weighted_layers(depth):
    for residual in (True, False):
        model = depth_net(depth, residual=residual, input_shape=(16, 16, 1), width=4)
        main = [layer for layer in model.layers
                if isinstance(layer, (keras.layers.Conv2D, keras.layers.Dense))
                and not layer.name.endswith("_0_conv")]
        assert len(main) == depth
        assert model.output_shape == (None, 10)
        adds = sum(isinstance(layer, keras.layers.Add) for layer in model.layers)
        assert adds == (3 * (depth - 2) // 6 if residual else 0)


def test_depth_net_differs_only_by_shortcuts():
    res = depth_net(14, residual=True, width=8, batchnorm=False)
    plain = depth_net(14, residual=False, width=8, batchnorm=False)
    # the only extra weights are the two strided 1x1 projections (8->16, 16->32)
    assert res.count_params() - plain.count_params() == (8 + 1) * 16 + (16 + 1) * 32
    assert not any(isinstance(layer, keras.layers.BatchNormalization) for layer in res.layers)
    # ResNet-20 for CIFAR-10 has "0.27 M" parameters in the paper (table 6)
    assert 0.26e6 < depth_net(20).count_params() < 0.28e6


@pytest.mark.parametrize("call, message", [
    (lambda: depth_net(9), r"`depth` must be 6 n \+ 2"),
    (lambda: depth_net(2), "`depth` must be an integer >= 8"),
    (lambda: depth_net(8, input_shape=(32, 32)), "`input_shape` must be a sequence \(height, width, channels\)"),
    (lambda: residual_block(keras.Input((4, 4, 2)), 0), "`filters` must be an integer >= 1"),
    (lambda: plain_block(keras.Input((4, 4, 2)), 2, stride=0), "`stride` must be"),
])
def test_errors(call, message):
    with pytest.raises(ValueError, match=message):
        call()
