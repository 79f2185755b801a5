"""cnnlab.data.sample_image: scikit-image photos, offline."""
import numpy as np
import pytest
import skimage.data

from cnnlab import data


def test_the_usual_photos_are_offline():
    names = data.sample_image_names()
    assert {"chelsea", "coffee", "astronaut", "rocket", "camera"} <= set(names)
    assert names == sorted(names)


@pytest.mark.parametrize("name", data.sample_image_names())
def test_each_listed_photo_loads_offline_and_matches_scikit_image(name):
    img = data.sample_image(name)
    raw = np.asarray(getattr(skimage.data, name)())
    assert img.dtype == np.float32 and img.ndim == 3 and img.shape[-1] == 3
    assert img.shape[:2] == raw.shape[:2]
    assert 0.0 <= img.min() and img.max() <= 1.0
    if raw.dtype == np.uint8:
        ref = raw[..., :3] if raw.ndim == 3 else np.repeat(raw[..., None], 3, axis=-1)
        np.testing.assert_allclose(img, ref / 255.0, atol=1e-6)


def test_resize_and_grey():
    img = data.sample_image("chelsea", size=(64, 96), grey=True)
    assert img.shape == (64, 96, 1) and img.dtype == np.float32
    from skimage.color import rgb2gray
    from skimage.transform import resize
    ref = resize(rgb2gray(skimage.data.chelsea()), (64, 96), anti_aliasing=True)
    np.testing.assert_allclose(img[..., 0], ref, atol=0.02)
    assert data.sample_image("coffee", size=50).shape == (50, 50, 3)


def test_unknown_name_lists_the_offline_ones():
    with pytest.raises(ValueError, match="'chelsea'.*Received: name='kitten'"):
        data.sample_image("kitten")
