"""What a trained CNN looks at: heat maps, filters, feature maps, and how to score them.

- :func:`grad_cam` ``(model, images, class_index=None, layer=None)``: Grad-CAM
  heat maps (N, H, W) in [0, 1] at the images' size (default: the last
  convolutional layer, the predicted class);
- :func:`saliency` ``(model, images, class_index=None)``: input-gradient maps;
- :func:`occlusion` ``(model, images, patch=8, stride=4)``: probability drop
  when a square hides each region;
- :func:`first_filters`, :func:`activations`, :func:`embedding_pca`: the
  arrays behind :func:`cnnlab.plot.conv_filters`, the feature-map grids and
  the embedding scatter;
- :func:`mass_in_mask`, :func:`pointing_game`, :func:`area_share`: scores
  against a ground-truth object mask (:func:`cnnlab.data.shapes` with
  ``masks=True``);
- :func:`randomize`: the weight-randomisation sanity check (Adebayo et al. 2018).

All TensorFlow-specific code (``tf.GradientTape``) is in the private module
``cnnlab.explain._gradients``; the rest uses Keras and NumPy.

Examples
--------
>>> import keras
>>> model = keras.Sequential([keras.Input((8, 8, 1)),
...     keras.layers.Conv2D(2, 3, name="conv"), keras.layers.Flatten(name="flat"),
...     keras.layers.Dense(3, activation="softmax", name="out")])
>>> grad_cam(model, np.zeros((1, 8, 8, 1)), layer="flat")
Traceback (most recent call last):
...
ValueError: `layer` must be the name of a convolutional layer of the model, one of ['conv'] (layer 'flat' is not convolutional). Received: layer='flat'.
"""
import numpy as np  # noqa: F401  (doctest namespace)

from cnnlab.explain._model import conv_layers
from cnnlab.explain.cam import cam_from_gradients, grad_cam
from cnnlab.explain.features import activations, embedding_pca, first_filters, penultimate_layer
from cnnlab.explain.occlusion import occlusion, patch_starts
from cnnlab.explain.randomize import randomize, weight_layers
from cnnlab.explain.saliency import saliency
from cnnlab.explain.scores import area_share, mass_in_mask, pointing_game, rank_correlation

__all__ = ["activations", "area_share", "cam_from_gradients", "conv_layers", "embedding_pca",
           "first_filters", "grad_cam", "mass_in_mask", "occlusion", "patch_starts",
           "penultimate_layer", "pointing_game", "randomize", "rank_correlation", "saliency",
           "weight_layers"]
