"""cnnlab.ops dense / losses / element-wise backward passes against Keras and finite differences."""
import numpy as np
import pytest

from cnnlab import ops
from cnnlab.scratch import relative_error


def test_dense_matches_keras_and_its_gradients_match_finite_differences():
    keras = pytest.importorskip("keras")
    rng = np.random.default_rng(0)
    x, w, b = rng.normal(size=(4, 5)), rng.normal(size=(5, 3)), rng.normal(size=3)
    layer = keras.layers.Dense(3, dtype="float64")
    layer.build((None, 5))
    layer.set_weights([w, b])
    np.testing.assert_allclose(ops.dense(x, w, b), np.asarray(layer(x)), rtol=1e-12)
    dy = rng.normal(size=(4, 3))
    dx, dw, db = ops.dense_backward(dy, x, w)
    f = lambda x_, w_, b_: np.sum(ops.dense(x_, w_, b_) * dy)  # noqa: E731
    assert relative_error(dx, ops.numerical_gradient(lambda a: f(a, w, b), x)) < 1e-6
    assert relative_error(dw, ops.numerical_gradient(lambda a: f(x, a, b), w)) < 1e-6
    assert relative_error(db, ops.numerical_gradient(lambda a: f(x, w, a), b)) < 1e-6


def test_softmax_cross_entropy_matches_keras_and_its_gradient():
    keras = pytest.importorskip("keras")
    rng = np.random.default_rng(1)
    logits, labels = rng.normal(size=(6, 4)) * 3, rng.integers(0, 4, 6)
    loss, d = ops.softmax_cross_entropy(logits, labels)
    sparse = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    dense = keras.losses.CategoricalCrossentropy(from_logits=True)
    assert loss == pytest.approx(float(sparse(labels, logits)), rel=1e-6)  # Keras: float32
    assert loss == pytest.approx(float(dense(ops.one_hot(labels, 4).astype("float64"), logits)),
                                 rel=1e-6)
    num = ops.numerical_gradient(lambda z: ops.softmax_cross_entropy(z, labels)[0], logits)
    assert relative_error(d, num) < 1e-6
    np.testing.assert_allclose(d, (ops.softmax(logits) - ops.one_hot(labels, 4)) / 6,
                               atol=1e-7)


def test_softmax_cross_entropy_is_stable_for_huge_logits():
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        loss, d = ops.softmax_cross_entropy(np.array([[1e4, -1e4, 0.0], [-1e4, 1e4, 0]]), [1, 1])
    assert loss == pytest.approx(1e4)       # (2e4 + 0) / 2
    assert np.all(np.isfinite(d))
    np.testing.assert_allclose(d, [[0.5, -0.5, 0], [0, 0, 0]], atol=1e-12)


def test_seed_softmax_example():
    p = ops.softmax(np.array([2.33, -1.46, 0.56]))
    np.testing.assert_allclose(p, [0.838, 0.019, 0.143], atol=6e-4)
    assert -np.log(0.012) == pytest.approx(4.42, abs=5e-3)


def test_labels_out_of_range_and_one_hot_errors():
    with pytest.raises(ValueError, match=r"`labels` must be integers in \[0, 3\) for 3 classes"):
        ops.softmax_cross_entropy(np.zeros((2, 3)), [0, 3])
    with pytest.raises(ValueError, match=r"`labels` must have shape \(2,\)"):
        ops.softmax_cross_entropy(np.zeros((2, 3)), [0])
    with pytest.raises(ValueError, match="`classes` must be an integer >= 1"):
        ops.one_hot([0], 0)
    keras = pytest.importorskip("keras")
    np.testing.assert_array_equal(ops.one_hot([2, 0, 1], 3),
                                  keras.utils.to_categorical([2, 0, 1], 3))


def test_relu_and_dropout_backward_against_finite_differences():
    rng = np.random.default_rng(2)
    x, dy = rng.normal(size=(3, 7)), rng.normal(size=(3, 7))
    num = ops.numerical_gradient(lambda a: np.sum(ops.relu(a) * dy), x)
    assert relative_error(ops.relu_backward(dy, x), num) < 1e-6
    mask = ops.dropout_mask(x.shape, 0.3, np.random.default_rng(5))
    forward = lambda a: np.sum(ops.dropout(a, 0.3, np.random.default_rng(5)) * dy)  # noqa: E731
    num = ops.numerical_gradient(forward, x)
    assert relative_error(ops.dropout_backward(dy, mask, 0.3), num) < 1e-6
    with pytest.raises(ValueError, match="`mask` must be a boolean array"):
        ops.dropout_backward(dy, mask.astype(float), 0.3)


def test_flatten_matches_keras_order():
    keras = pytest.importorskip("keras")
    x = np.arange(2 * 3 * 2 * 4, dtype="float32").reshape(2, 3, 2, 4)
    np.testing.assert_array_equal(ops.flatten(x), np.asarray(keras.layers.Flatten()(x)))
    assert ops.flatten_backward(ops.flatten(x), x.shape).shape == x.shape
