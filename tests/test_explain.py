"""cnnlab.explain against independent computations: CAM by hand, finite differences, loops."""
import numpy as np
import pytest

keras = pytest.importorskip("keras")
tf = pytest.importorskip("tensorflow")

from cnnlab import explain  # noqa: E402
from cnnlab.explain.occlusion import patch_starts  # noqa: E402


def gap_model(classes=3, softmax=True, seed=0):
    """Conv(1x1, linear) -> GAP -> Dense without bias: Grad-CAM reduces to CAM (Zhou 2016)."""
    keras.utils.set_random_seed(seed)
    return keras.Sequential([
        keras.Input((6, 6, 2)),
        keras.layers.Conv2D(4, 1, name="conv"),
        keras.layers.GlobalAveragePooling2D(name="gap"),
        keras.layers.Dense(classes, use_bias=False, name="out",
                           activation="softmax" if softmax else None)])


def flat_model(seed=0):
    keras.utils.set_random_seed(seed)
    return keras.Sequential([
        keras.Input((8, 8, 1)),
        keras.layers.Conv2D(3, 3, activation="relu", name="c1"),
        keras.layers.MaxPooling2D(2, name="pool"),
        keras.layers.Flatten(name="flat"),
        keras.layers.Dense(4, activation="tanh", name="hidden"),
        keras.layers.Dense(3, activation="softmax", name="out")])


@pytest.fixture(scope="module")
def images():
    return np.random.default_rng(1).normal(size=(5, 6, 6, 2)).astype("float32")


def test_grad_cam_equals_class_activation_map_by_hand(images):
    model = gap_model()
    conv, out = model.get_layer("conv"), model.get_layer("out")
    k, b = (np.asarray(v) for v in conv.weights)
    w = np.asarray(out.kernel)                                   # (4, classes)
    maps = np.einsum("nhwc,ck->nhwk", images, k[0, 0]) + b       # the 1x1 convolution
    for c in range(3):
        cam = np.maximum(maps @ w[:, c], 0)                      # CAM: sum_k w_kc A_k
        top = cam.reshape(5, -1).max(axis=1)[:, None, None]
        expected = np.where(top > 0, cam / np.where(top > 0, top, 1), 0)
        got = explain.grad_cam(model, images, class_index=c)
        np.testing.assert_allclose(got, expected, atol=1e-5)


def test_default_class_is_the_prediction_and_softmax_is_skipped(images):
    with_softmax, logits = gap_model(softmax=True), gap_model(softmax=False)
    logits.set_weights(with_softmax.get_weights())
    predicted = with_softmax.predict(images, verbose=0).argmax(axis=1)
    np.testing.assert_allclose(explain.grad_cam(with_softmax, images),
                               explain.grad_cam(logits, images, class_index=predicted),
                               atol=1e-6)
    np.testing.assert_allclose(explain.saliency(with_softmax, images),
                               explain.saliency(logits, images, class_index=predicted),
                               atol=1e-6)
    # a separate Softmax layer is skipped too
    inp = keras.Input((6, 6, 2))
    layered = keras.Model(inp, keras.layers.Softmax()(logits(inp)))
    assert np.asarray(explain.saliency(layered, images)).shape == (5, 6, 6)


def test_grad_cam_with_upsampling_against_a_separate_gradient_tape():
    model = flat_model()
    x = np.random.default_rng(2).random((3, 8, 8, 1)).astype("float32")
    c1, hidden, out = (model.get_layer(n) for n in ("c1", "hidden", "out"))
    with tf.GradientTape() as tape:
        a = c1(tf.constant(x))
        tape.watch(a)
        h = hidden(model.get_layer("flat")(model.get_layer("pool")(a)))
        logits = tf.matmul(h, out.kernel) + out.bias             # before the softmax
        score = tf.reduce_sum(logits[:, 2])
    g = tape.gradient(score, a).numpy()
    cam = np.maximum((g.mean(axis=(1, 2), keepdims=True) * a.numpy()).sum(-1), 0)
    up = tf.image.resize(cam[..., None], (8, 8), method="bilinear").numpy()[..., 0]
    up = np.maximum(up, 0)
    expected = up / up.reshape(3, -1).max(axis=1)[:, None, None]
    np.testing.assert_allclose(explain.grad_cam(model, x, 2, "c1"), expected, atol=1e-5)


def test_saliency_matches_finite_differences():
    model = flat_model(seed=3)
    x = np.random.default_rng(4).random((1, 8, 8, 1)).astype("float64")
    logit_model = keras.Sequential([*model.layers[:-1],
                                    keras.layers.Dense(3, name="logits")])
    logit_model.build((None, 8, 8, 1))
    logit_model.set_weights(model.get_weights())
    f = lambda z: float(logit_model(z.astype("float32"))[0, 1])     # noqa: E731
    grad = np.zeros(64)
    eps = 1e-2
    for j in range(64):
        d = np.zeros(64)
        d[j] = eps
        grad[j] = (f(x + d.reshape(x.shape)) - f(x - d.reshape(x.shape))) / (2 * eps)
    expected = np.abs(grad).reshape(8, 8) / np.abs(grad).max()
    np.testing.assert_allclose(explain.saliency(model, x, class_index=1)[0], expected,
                               atol=2e-2)


def test_occlusion_against_a_direct_loop():
    model = flat_model(seed=5)
    x = np.random.default_rng(6).random((2, 8, 8, 1)).astype("float32")
    got = explain.occlusion(model, x, patch=3, stride=2, class_index=[0, 2], batch_size=7)
    for i, c in enumerate([0, 2]):
        base = model.predict(x[i:i + 1], verbose=0)[0, c]
        total, count = np.zeros((8, 8)), np.zeros((8, 8))
        for r in (0, 2, 4, 5):                    # every 2 pixels, then flush with the edge
            for q in (0, 2, 4, 5):
                hidden = x[i].copy()
                hidden[r:r + 3, q:q + 3] = x[i].mean()
                total[r:r + 3, q:q + 3] += base - model.predict(hidden[None], verbose=0)[0, c]
                count[r:r + 3, q:q + 3] += 1
        np.testing.assert_allclose(got[i], total / count, atol=1e-5)
    assert patch_starts(8, 3, 2) == [0, 2, 4, 5]


def test_errors_name_the_candidates_and_the_input_shape():
    model = flat_model()
    with pytest.raises(ValueError, match=r"one of \['c1'\] \(layer 'hidden' is not conv"):
        explain.grad_cam(model, np.zeros((1, 8, 8, 1)), layer="hidden")
    with pytest.raises(ValueError, match=r"\(layer 'nope' does not exist\)"):
        explain.grad_cam(model, np.zeros((1, 8, 8, 1)), layer="nope")
    for bad in (np.zeros((2, 9, 8, 1)), np.zeros((2, 8, 8, 3)), np.zeros(8)):
        for method in (explain.grad_cam, explain.saliency, explain.occlusion):
            with pytest.raises(ValueError, match=r"model's input shape \(None, 8, 8, 1\)"):
                method(model, bad)
    with pytest.raises(ValueError, match="`class_index` must be None"):
        explain.saliency(model, np.zeros((2, 8, 8, 1)), class_index=3)
    with pytest.raises(ValueError, match="`patch` must be at most"):
        explain.occlusion(model, np.zeros((1, 8, 8, 1)), patch=9)
    one = explain.grad_cam(model, np.ones((8, 8, 1)))         # one image: N = 1
    assert one.shape == (1, 8, 8)


def test_scores_against_hand_counts():
    masks = np.zeros((3, 4, 4), bool)
    masks[:, 1:3, 1:3] = True                                  # 4 of 16 pixels
    maps = np.zeros((3, 4, 4))
    maps[0, 1, 1] = 1.0                                        # peak inside, all mass inside
    maps[1, 0, 0], maps[1, 2, 2] = 2.0, 1.0                    # peak outside, 1/3 inside
    # map 2 is all zero: flat, i.e. chance on both scores
    np.testing.assert_allclose(explain.mass_in_mask(maps, masks), [1, 1 / 3, 0.25])
    np.testing.assert_allclose(explain.pointing_game(maps, masks), [1, 0, 0.25])
    np.testing.assert_allclose(explain.area_share(masks), [0.25] * 3)
    with pytest.raises(ValueError, match="must be non-negative"):
        explain.mass_in_mask(-maps - 1, masks)


def test_rank_correlation_is_pearson_of_ranks():
    rng = np.random.default_rng(0)
    a, b = rng.random((4, 5, 5)), rng.random((4, 5, 5))
    ranks = lambda v: np.argsort(np.argsort(v.reshape(len(v), -1), axis=1), axis=1)  # noqa
    expected = [np.corrcoef(u, w)[0, 1] for u, w in zip(ranks(a), ranks(b))]
    np.testing.assert_allclose(explain.rank_correlation(a, b), expected, atol=1e-12)
    assert explain.rank_correlation(np.ones((1, 3, 3)), a[:1, :3, :3])[0] == 0


def test_randomize_resets_only_the_chosen_layers():
    model = flat_model()
    before = [w.copy() for w in model.get_weights()]
    top = explain.randomize(model, 1, seed=5)   # seed 0 would redraw flat_model(0)
    assert explain.weight_layers(model) == ["c1", "hidden", "out"]
    for name in ("c1", "hidden"):
        for u, v in zip(top.get_layer(name).get_weights(), model.get_layer(name).get_weights()):
            np.testing.assert_array_equal(u, v)
    assert not np.allclose(top.get_layer("out").kernel, model.get_layer("out").kernel)
    full = explain.randomize(model, seed=1)
    for name in ("c1", "hidden", "out"):
        assert not np.allclose(full.get_layer(name).kernel, model.get_layer(name).kernel)
    for u, v in zip(model.get_weights(), before):              # the original is untouched
        np.testing.assert_array_equal(u, v)
    with pytest.raises(ValueError, match="`layers` must name layers with weights"):
        explain.randomize(model, ["pool"])


def test_features_and_pca_against_numpy():
    model = flat_model()
    x = np.random.default_rng(7).random((20, 8, 8, 1)).astype("float32")
    np.testing.assert_array_equal(explain.first_filters(model),
                                  np.asarray(model.get_layer("c1").kernel))
    acts = explain.activations(model, x, "hidden")
    np.testing.assert_allclose(acts, keras.Model(model.inputs, model.get_layer("hidden").output)
                               .predict(x, verbose=0), atol=1e-6)
    assert explain.penultimate_layer(model) == "hidden"
    points, explained = explain.embedding_pca(model, x)
    centred = acts - acts.mean(axis=0)
    s = np.linalg.svd(centred, compute_uv=False)
    np.testing.assert_allclose(explained, (s ** 2 / (s ** 2).sum())[:2], rtol=1e-4)
    np.testing.assert_allclose(np.abs(points), np.abs(centred @ np.linalg.svd(centred)[2][:2].T),
                               atol=1e-4)
