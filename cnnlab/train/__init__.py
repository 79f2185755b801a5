"""One-call Keras training: device choice, precision, progress, checkpoints.

``cnnlab.train.fit(model, (x, y), validation=(x_val, y_val), epochs=5)`` prints
the device it uses, compiles the model if needed, trains through a tf.data
pipeline with a progress bar and returns a :class:`TrainResult`.

On a GPU, mixed precision and multi-GPU training need the model to be *built*
the right way, before ``fit`` sees it::

    with cnnlab.train.strategy_scope(), cnnlab.train.precision_scope():
        model = cnnlab.models.mini_vgg(...)      # last layer dtype="float32"
    result = cnnlab.train.fit(model, (x, y))

Both blocks do nothing on a CPU, so lessons can use them everywhere.

Public names (imported on first use, so ``import cnnlab.train`` is instant):

- ``fit``, ``TrainResult``                   (``fitting.py``, ``result.py``)
- ``plan_devices``, ``Plan``, ``describe_device``, ``choose_strategy``,
  ``strategy_scope``, ``precision_scope``, ``use_mixed_precision``,
  ``list_gpus``                                  (``devices.py``)
- ``gradient_norms``, ``default_loss``           (``gradients.py``)
- ``ProgressBar``, ``LivePlot``                  (``progress.py``)
- ``inference_speed``                           (``speed.py``)
- ``lr_range_test``, ``LRRangeResult``, ``plot_schedules``  (``lr_finder.py``)

Examples
--------
>>> import cnnlab.train
>>> cnnlab.train.plan_devices(gpus=[{"name": "V100", "compute_capability": (7, 0)}])
Plan(strategy='default', precision='mixed_float16', xla=True)
"""
import importlib

_WHERE = {
    "fit": "fitting", "TrainResult": "result",
    "plan_devices": "devices", "Plan": "devices", "describe_device": "devices",
    "choose_strategy": "devices", "strategy_scope": "devices",
    "precision_scope": "devices", "use_mixed_precision": "devices", "list_gpus": "devices",
    "gradient_norms": "gradients", "default_loss": "gradients",
    "ProgressBar": "progress", "LivePlot": "progress",
    "inference_speed": "speed",
    "lr_range_test": "lr_finder", "LRRangeResult": "lr_finder", "plot_schedules": "lr_finder",
}

__all__ = sorted(_WHERE)


def __getattr__(name):
    if name in _WHERE:
        return getattr(importlib.import_module(f"cnnlab.train.{_WHERE[name]}"), name)
    raise AttributeError(f"module 'cnnlab.train' has no attribute {name!r}")


def __dir__():
    return __all__
