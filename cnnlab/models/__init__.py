"""Keras 3 model builders (Keras is imported only when a builder is used).

Public names and the module that holds each:

- ``classic``:   ``classic_convnet``, ``lenet5``, ``alexnet``, ``small_cnn``, ``from_spec``
- ``vggnet``:    ``vgg``, ``VGG_CONFIGS``, ``mini_vgg``
- ``inception``: ``inception_module``, ``mini_googlenet``
- ``resnet``:    ``residual_block``, ``plain_block``, ``depth_net``
- ``densenets``: ``dense_block``, ``transition_block``, ``densenet``, ``mini_densenet``
- ``unet``:      ``tiny_unet``, ``mask_iou``, ``mask_scores``
- ``binary``:    ``binary_convnet``
"""
import importlib

_WHERE = {
    "classic_convnet": "classic", "lenet5": "classic", "alexnet": "classic",
    "small_cnn": "classic", "from_spec": "classic",
    "vgg": "vggnet", "VGG_CONFIGS": "vggnet", "mini_vgg": "vggnet",
    "inception_module": "inception", "mini_googlenet": "inception",
    "residual_block": "resnet", "plain_block": "resnet", "depth_net": "resnet",
    "dense_block": "densenets", "transition_block": "densenets", "densenet": "densenets",
    "mini_densenet": "densenets",
    "tiny_unet": "unet", "mask_iou": "unet", "mask_scores": "unet",
    "binary_convnet": "binary",
}

__all__ = sorted(_WHERE)


def __getattr__(name):
    if name in _WHERE:
        return getattr(importlib.import_module(f"cnnlab.models.{_WHERE[name]}"), name)
    try:
        return importlib.import_module(f"cnnlab.models.{name}")
    except ModuleNotFoundError as err:
        if err.name == f"cnnlab.models.{name}":
            raise AttributeError(f"module 'cnnlab.models' has no attribute {name!r}") from None
        raise


def __dir__():
    return __all__
