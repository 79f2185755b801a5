"""PhotoClassifier: real PNG bytes are classified, a non-image gets a message."""
import datetime
import io

import numpy as np
import pytest
from PIL import Image

keras = pytest.importorskip("keras")

from cnnlab.viz.upload import EMPTY, PhotoClassifier  # noqa: E402


def _png(colour, size=(40, 30)):
    buf = io.BytesIO()
    Image.new("RGB", size, colour).save(buf, "PNG")
    return buf.getvalue()


def _upload(name, content):
    return ({"name": name, "type": "", "size": len(content),
             "last_modified": datetime.datetime(2024, 1, 1),
             "content": memoryview(content)},)


@pytest.fixture(scope="module")
def model():
    """P(red) = sigmoid(4 (mean R - mean G) / 255): a model we can compute by hand."""
    inputs = keras.Input((8, 8, 3))
    x = keras.layers.GlobalAveragePooling2D()(inputs)
    out = keras.layers.Dense(1, activation="sigmoid")(x)
    m = keras.Model(inputs, out)
    m.layers[-1].set_weights([np.array([[4 / 255], [-4 / 255], [0.0]]), np.zeros(1)])
    return m


def _expected(rgb):
    return 1 / (1 + np.exp(-4 * (rgb[0] - rgb[1]) / 255))


def test_upload_of_png_bytes_is_classified(model, tmp_path):
    w = PhotoClassifier(model, ["green", "red"])
    assert w.result == {"empty": True} and w.error is None
    before = w.figure_png()
    w.controls["upload"].value = _upload("red.png", _png((200, 10, 0)))
    assert w.error is None and w.message.value == ""
    assert w.result["probabilities"]["red"] == pytest.approx(_expected((200, 10)), abs=1e-5)
    assert w.result["label"] == "red" and w.result["input"].shape == (1, 8, 8, 3)
    assert w.result["picture"].shape == (30, 40, 3)
    assert w.figure_png() != before
    path = tmp_path / "green.png"
    path.write_bytes(_png((0, 180, 0)))
    w.controls["path"].value = str(path)
    assert w.result["label"] == "green" and w.result["name"] == str(path)


def test_non_image_gets_a_message_not_a_traceback(model):
    w = PhotoClassifier(model, ["green", "red"])
    w.controls["upload"].value = _upload("notes.txt", b"this is not a picture\n")
    assert w.error is None and w.result is None
    assert "notes.txt is not an image" in w.message.value and "<pre" not in w.message.value
    w.controls["path"].value = "/nonexistent/photo.jpg"
    assert "There is no file at" in w.message.value and w.error is None
    w.controls["upload"].value = _upload("ok.png", _png((90, 100, 0)))
    assert w.message.value == "" and w.result["label"] == "green"


def test_examples_and_threshold(model, tmp_path):
    paths = {}
    for name, colour in {"reddish": (140, 100, 0), "greenish": (0, 100, 0)}.items():
        paths[name] = tmp_path / f"{name}.png"
        paths[name].write_bytes(_png(colour))
    w = PhotoClassifier(model, ["green", "red"], examples=paths)
    p = _expected((140, 100))                      # about 0.65
    assert w.result["probabilities"]["red"] == pytest.approx(p, abs=1e-5)
    assert w.result["label"] == "red"
    before = w.figure_png()
    w.controls["threshold"].value = 0.7
    assert w.result["label"] == "green" and w.figure_png() != before
    w.controls["example"].value = "greenish"
    assert w.result["probabilities"]["red"] == pytest.approx(_expected((0, 100)), abs=1e-5)
    assert w.result["label"] == "green"


def test_softmax_models_and_bad_arguments(model):
    inputs = keras.Input((6, 6, 1))
    x = keras.layers.Flatten()(inputs)
    soft = keras.Model(inputs, keras.layers.Dense(3, activation="softmax")(x))
    w = PhotoClassifier(soft, ["a", "b", "c"])
    assert "threshold" not in w.controls and w.channels == 1
    w.controls["upload"].value = _upload("x.png", _png((10, 20, 30)))
    probs = w.result["probabilities"]
    assert sum(probs.values()) == pytest.approx(1, abs=1e-5) and w.result["input"].shape == (
        1, 6, 6, 1)
    with pytest.raises(ValueError, match="`class_names` must name the model's 2 classes"):
        PhotoClassifier(model, ["only one"])
    inp = keras.Input((None, None, 3))
    flexible = keras.Model(inp, keras.layers.GlobalAveragePooling2D()(inp))
    with pytest.raises(ValueError, match="fixed size"):
        PhotoClassifier(flexible, ["a", "b", "c"])
    assert EMPTY.startswith("Upload")


def test_threshold_moves_keep_the_axes_and_a_rewritten_file_is_read_again(model, tmp_path):
    path = tmp_path / "photo.png"
    path.write_bytes(_png((140, 100, 0)))
    w = PhotoClassifier(model, ["green", "red"], examples={"photo": path})
    axes = list(w._fig.axes)
    for value in (0.7, 0.3, 0.5):
        w.controls["threshold"].value = value
    assert w._fig.axes == axes and len(axes[2].patches) == 2 and len(axes[2].lines) == 1
    fresh = PhotoClassifier(model, ["green", "red"], examples={"photo": path})
    assert w.figure_png() == fresh.figure_png()
    path.write_bytes(_png((0, 100, 0), size=(20, 10)))     # same name, new picture
    w.controls["threshold"].value = 0.45
    assert w.result["picture"].shape == (10, 20, 3)
    assert w.result["probabilities"]["red"] == pytest.approx(_expected((0, 100)), abs=1e-5)
