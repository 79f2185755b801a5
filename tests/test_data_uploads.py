"""image_input: any picture becomes a model input; anything else a clear message."""
import io

import numpy as np
import pytest
from PIL import Image

from cnnlab.data.uploads import NotAnImageError, decode_image, image_input


def _png(mode="RGB", size=(30, 20), colour=(10, 200, 30)):
    buf = io.BytesIO()
    Image.new(mode, size, colour).save(buf, "PNG")
    return buf.getvalue()


def test_matches_keras_load_img_bilinear(tmp_path):
    keras = pytest.importorskip("keras")
    rng = np.random.default_rng(0)
    path = tmp_path / "photo.png"
    Image.fromarray(rng.integers(0, 256, (37, 53, 3), dtype=np.uint8)).save(path)
    ours = image_input(path, (16, 24))
    ref = keras.utils.img_to_array(keras.utils.load_img(path, target_size=(16, 24),
                                                        interpolation="bilinear"))
    np.testing.assert_array_equal(ours[0], ref)
    np.testing.assert_allclose(image_input(str(path), (16, 24), scale=1 / 255), ref[None] / 255,
                               rtol=1e-6)


def test_modes_rgba_on_white_grey_and_upload_values():
    rgba = _png("RGBA", colour=(255, 0, 0, 0))             # fully transparent red
    assert image_input(rgba, 4)[0, 0, 0].tolist() == [255.0, 255.0, 255.0]
    grey = decode_image(_png("L", colour=77))
    assert grey.shape == (20, 30, 3) and grey[0, 0].tolist() == [77, 77, 77]
    assert image_input(_png(), 5, channels=1).shape == (1, 5, 5, 1)
    upload = ({"name": "a.png", "type": "image/png", "size": 1,
               "content": memoryview(_png(colour=(1, 2, 3)))},)     # ipywidgets 8
    assert image_input(upload, 2)[0, 0, 0].tolist() == [1.0, 2.0, 3.0]
    old = {"a.png": {"metadata": {"name": "a.png"}, "content": _png(colour=(4, 5, 6))}}
    assert image_input(old, 2)[0, 0, 0].tolist() == [4.0, 5.0, 6.0]  # ipywidgets 7


def test_exif_rotation_is_applied():
    im = Image.new("RGB", (40, 10), (0, 0, 255))
    exif = Image.Exif()
    exif[0x0112] = 6                                    # "rotate 90° clockwise"
    buf = io.BytesIO()
    im.save(buf, "JPEG", exif=exif)
    assert decode_image(buf.getvalue()).shape == (40, 10, 3)


@pytest.mark.parametrize("source, words", [
    (b"just some text\n", "not an image Pillow can read"),
    (b"", "empty"),
    ((), "Nothing was uploaded"),
    ("/nonexistent/cat.jpg", "There is no file at"),
    (({"name": "notes.txt", "content": b"hello"},), "notes.txt is not an image"),
    (_png()[:40], "not an image"),                      # a truncated PNG
    (3.5, "`source` must be a path"),
])
def test_non_images_raise_a_sentence_not_a_pillow_error(source, words):
    with pytest.raises(NotAnImageError, match=words) as info:
        image_input(source, 8)
    assert isinstance(info.value, ValueError) and info.value.__cause__ is None
