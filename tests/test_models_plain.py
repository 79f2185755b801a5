"""deep_plain_cnn: layer order and parameter counts by the formula, BN without conv bias."""
import numpy as np
import pytest

from cnnlab.models import deep_plain_cnn


@pytest.mark.parametrize("depth,width,channels,bn", [(1, 4, 1, False), (8, 8, 1, True),
                                                     (5, 6, 3, False), (3, 16, 3, True)])
def test_parameter_count_by_formula(depth, width, channels, bn):
    m = deep_plain_cnn((8, 8, channels), 10, depth=depth, width=width, batch_norm=bn)
    convs = 9 * channels * width + 9 * width * width * (depth - 1)
    expected = convs + (4 * width * depth if bn else width * depth) + width * 10 + 10
    assert m.count_params() == expected
    frozen = sum(int(np.prod(w.shape)) for w in m.non_trainable_weights)
    assert frozen == (2 * width * depth if bn else 0)
    kinds = [type(layer).__name__ for layer in m.layers]
    assert kinds.count("Conv2D") == depth
    assert kinds.count("BatchNormalization") == (depth if bn else 0)
    assert m.get_layer("bn1").momentum == 0.9 if bn else m.name == f"plain{depth}"


def test_initializer_is_used_and_bad_shape():
    m = deep_plain_cnn((8, 8, 1), 3, depth=2, kernel_initializer="zeros")
    assert not np.asarray(m.get_layer("conv2").kernel).any()
    with pytest.raises(ValueError, match="`input_shape` must be a sequence \(height, width, channels\)"):
        deep_plain_cnn((8, 8), 3)
