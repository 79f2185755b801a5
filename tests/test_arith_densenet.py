"""Growth-rate arithmetic against keras.applications' DenseNet121 / ResNet50 and the paper."""
import itertools

import pytest

from cnnlab.arith import densenet as dn

keras = pytest.importorskip("keras")


@pytest.fixture(scope="module")
def keras_densenet121():
    return keras.applications.DenseNet121(weights=None)


def _prefix_params(model, prefix):
    return sum(layer.count_params() for layer in model.layers if layer.name.startswith(prefix))


def test_densenet121_channels_read_from_keras(keras_densenet121):
    m = keras_densenet121
    names = ["conv1_relu", "conv2_block6_concat", "pool2_pool", "conv3_block12_concat",
             "pool3_pool", "conv4_block24_concat", "pool4_pool", "conv5_block16_concat"]
    keras_channels = [int(m.get_layer(n).output.shape[-1]) for n in names]
    assert keras_channels == [64, 256, 128, 512, 256, 1024, 512, 1024]   # the paper's table
    assert [c for _, c in dn.densenet_channels()] == keras_channels


def test_layer_channels_grow_by_k_like_keras(keras_densenet121):
    got = [int(keras_densenet121.get_layer(f"conv3_block{i}_concat").output.shape[-1])
           for i in range(1, 13)]
    assert dn.block_channels(128, 32, 12) == got
    # layer l reads k0 + k (l - 1): the input of conv3_block5's first BN
    bn = keras_densenet121.get_layer("conv3_block5_0_bn")
    assert dn.layer_input_channels(128, 32, 5) == int(bn.input.shape[-1]) == 256


def test_layer_block_and_transition_params_match_keras(keras_densenet121):
    m = keras_densenet121
    assert dn.dense_layer_params(64, 32) == _prefix_params(m, "conv2_block1_")
    assert dn.dense_layer_params(480, 32) == _prefix_params(m, "conv3_block12_")
    assert dn.dense_block_params(64, 32, 6) == _prefix_params(m, "conv2_block")
    assert dn.dense_block_params(256, 32, 24) == _prefix_params(m, "conv4_block")
    assert dn.transition_params(1024) == _prefix_params(m, "pool4_")


def test_whole_densenet121_is_8062504_parameters(keras_densenet121):
    assert keras_densenet121.count_params() == 8_062_504
    assert dn.densenet_params() == 8_062_504
    cost = dn.densenet_cost()
    assert [s.size for s in cost.stages if s.kind == "block"] == [56, 28, 14, 7]
    assert dn.densenet_cost(include_top=False).params == \
        keras.applications.DenseNet121(weights=None, include_top=False).count_params()


def test_blocks_without_bottleneck_match_a_keras_3x3_layer():
    layer = keras.layers.Conv2D(12, 3, use_bias=False)
    layer.build((None, 8, 8, 40))
    bn = keras.layers.BatchNormalization()
    bn.build((None, 8, 8, 40))
    assert dn.dense_layer_params(40, 12, bottleneck=False) == \
        layer.count_params() + bn.count_params()


def test_connections_by_enumerating_pairs():
    for n in range(1, 9):
        # nodes 0 (block input) .. n (layer outputs); node j feeds every later layer
        pairs = [(i, j) for i, j in itertools.combinations(range(n + 1), 2)]
        assert dn.connections(n) == len(pairs)
        assert dn.connections(n, count_input=False) == len([p for p in pairs if p[0] > 0])
    assert dn.connections(5) == 15          # the paper's 5-layer figure


def test_activation_values_equal_keras_concat_outputs():
    from cnnlab.models.densenets import dense_block
    x = keras.Input((8, 8, 16))
    model = keras.Model(x, dense_block(x, 5, 12, name="d"))
    concat = sum(8 * 8 * int(layer.output.shape[-1]) for layer in model.layers
                 if isinstance(layer, keras.layers.Concatenate))
    cost = dn.densenet_cost((5,), 12, input_size=8, stem="cifar", stem_filters=16,
                            include_top=False)
    block = cost.stages[1]
    assert block.concat_values == concat
    assert block.unique_values == 8 * 8 * int(model.output.shape[-1])


def test_resnet50_101_152_parameters_match_keras():
    assert dn.resnet_params() == keras.applications.ResNet50(weights=None).count_params()
    assert dn.resnet_params(dn.RESNET_BLOCKS[101]) == 44_707_176   # keras.applications docs
    assert dn.resnet_params(dn.RESNET_BLOCKS[152]) == 60_419_944


@pytest.mark.parametrize("call, message", [
    (lambda: dn.transition_channels(64, 0), "`compression` must be a number in \\(0, 1\\]"),
    (lambda: dn.transition_channels(1, 0.5), "leaves no channels"),
    (lambda: dn.connections(0), "`num_layers` must be an integer >= 1. Received: num_layers=0."),
    (lambda: dn.densenet_cost(()), "`blocks` must be a non-empty"),
    (lambda: dn.densenet_cost((2, "x")), "`blocks` must be"),
    (lambda: dn.densenet_cost((2, 2, 2, 2, 2, 2, 2), input_size=32), "too small"),
    (lambda: dn.densenet_cost(stem="tiny"), "`stem` must be one of"),
    (lambda: dn.block_channels(64, 0, 3), "`growth_rate` must be an integer >= 1"),
])
def test_errors_name_the_argument(call, message):
    with pytest.raises(ValueError, match=message):
        call()
