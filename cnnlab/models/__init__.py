"""Keras 3 model builders (Keras is imported only when a builder is used).

Public names and the module that holds each:

- ``classic``:   ``classic_convnet``, ``lenet5``, ``alexnet``, ``small_cnn``, ``from_spec``
- ``vggnet``:    ``vgg``, ``VGG_CONFIGS``, ``mini_vgg``
- ``inception``: ``inception_module``, ``mini_googlenet``
- ``resnet``:    ``residual_block``, ``plain_block``, ``depth_net``
- ``densenets``: ``dense_block``, ``transition_block``, ``densenet``, ``mini_densenet``
- ``unet``:      ``tiny_unet``, ``mask_iou``, ``mask_scores``
- ``binary``:    ``binary_convnet`` (the classic cats-vs-dogs convnet, sigmoid output)
- ``plain``:     ``deep_plain_cnn`` (a deep plain convnet, with or without batch norm)
- ``transfer``:  bases, new heads, freezing and parameter counts for transfer learning
- ``catalog``:   the classic ImageNet networks with cited figures and recomputed counts
- ``pretrained``: ImageNet weights through ``keras.applications``, offline-aware

Everything is imported on first use (``lazy_loader``), so Keras is loaded only
when a builder runs.
"""
import lazy_loader

__getattr__, __dir__, __all__ = lazy_loader.attach(
    __name__,
    submodules=["binary", "catalog", "classic", "densenets", "inception", "outputs", "plain", "pretrained",
                "resnet", "transfer", "unet", "vggnet"],
    submod_attrs={
        "classic": ["classic_convnet", "lenet5", "alexnet", "small_cnn", "from_spec"],
        "vggnet": ["vgg", "VGG_CONFIGS", "mini_vgg"],
        "inception": ["inception_module", "mini_googlenet"],
        "resnet": ["residual_block", "plain_block", "depth_net"],
        "densenets": ["dense_block", "transition_block", "densenet", "mini_densenet"],
        "unet": ["tiny_unet", "mask_iou", "mask_scores"],
        "plain": ["deep_plain_cnn"],
        "binary": ["binary_convnet"],
    })
