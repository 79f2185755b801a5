"""``fit``: one call that picks the device, compiles, feeds tf.data, shows progress and checkpoints.

Examples
--------
>>> import keras, numpy as np
>>> keras.utils.set_random_seed(0)
>>> model = keras.Sequential([keras.Input((8, 8, 1)), keras.layers.Flatten(),
...                           keras.layers.Dense(3)])
>>> x = np.random.default_rng(0).random((60, 8, 8, 1), dtype="float32")
>>> result = fit(model, (x, np.arange(60) % 3), epochs=2, seed=0, verbose=False)
>>> sorted(result.history.history), len(result.epochs_run)
(['accuracy', 'loss'], 2)
"""
from __future__ import annotations

import os
import time
import warnings
from typing import Sequence

import numpy as np

from cnnlab._validate import check_int, check_number
from cnnlab.train.devices import Plan, plan_devices
from cnnlab.train.result import TrainResult

__all__ = ["fit"]


def fit(model, train, validation=None, epochs: int = 5, batch_size: int = 32,
        seed: int | None = None, *, optimizer="adam", learning_rate: float = 1e-3,
        loss=None, metrics: Sequence = ("accuracy",),
        checkpoint_dir: str | os.PathLike | None = None,
        live_plot: bool = False, verbose: bool = True, mixed_precision="auto", xla="auto",
        recompile: bool = False, callbacks: Sequence = ()) -> TrainResult:
    """Train a Keras model in one call, on whatever device the machine has.

    Prints one line naming the device and the precision/XLA choice, compiles
    the model when needed, feeds array data through a cached, prefetched
    ``tf.data`` pipeline, shows a progress bar, optionally checkpoints and
    plots, and returns a :class:`TrainResult`.

    Parameters
    ----------
    model : keras.Model
        A built model (give it a ``keras.Input``). For mixed precision build it
        inside :func:`cnnlab.train.precision_scope`; for several GPUs inside
        :func:`cnnlab.train.strategy_scope`.
    train : (images, labels) or tf.data.Dataset
        Images ``(N, H, W, C)`` float and integer labels ``(N,)``, or a dataset
        yielding ``(image_batch, label_batch)``.
    validation : (images, labels) or tf.data.Dataset, optional
        Evaluated after every epoch (``val_loss``, ``val_accuracy``).
    epochs : int, optional
        Total number of epochs (a resumed run only runs the missing ones).
    batch_size : int, optional
        Images per batch for array inputs (ignored for datasets).
    seed : int, optional
        Makes the run repeatable: calls ``keras.utils.set_random_seed(seed)``,
        seeds the shuffle and turns on TensorFlow's op determinism for the
        duration of the call. See Notes for what that covers.
    optimizer : str or keras.optimizers.Optimizer, optional
        A name (``"adam"``, ``"sgd"``, ``"rmsprop"``, ...) built with
        `learning_rate`, or an optimizer object used as is.
    learning_rate : float, optional
        Learning rate for an optimizer given by name (default 1e-3).
    loss : keras loss, optional
        Default: sparse categorical cross-entropy (binary cross-entropy for one
        output unit), ``from_logits=True`` unless the last layer applies
        softmax/sigmoid.
    metrics : sequence, optional
        Keras metrics (default ``("accuracy",)``).
    checkpoint_dir : path, optional
        Back up the model and epoch number after every epoch
        (``keras.callbacks.BackupAndRestore``). If the process dies (killed
        kernel, disconnected Colab), calling ``fit`` again with the same
        arguments resumes after the last finished epoch. The backup is deleted
        when training completes.
    live_plot : bool, optional
        In a notebook, redraw loss/accuracy curves after every epoch.
    verbose : bool, optional
        Print the device line and show progress (a tqdm bar in notebooks and
        terminals, one line per epoch in non-interactive logs).
    mixed_precision : {"auto", True, False, "float32", "mixed_float16", "mixed_bfloat16"}
        The precision wanted (see :func:`cnnlab.train.plan_devices`). For an
        explicit mixed policy the model must have been built with it; ``fit``
        warns if it finds a float32 model. ``"auto"`` on a CPU with native
        bfloat16 and ``CNNLAB_BF16=1`` trains a ``mixed_bfloat16`` copy of a
        float32 model (output layer float32) and copies the weights back; the
        start line says so. The copy is reused by the next ``fit`` until the
        model is compiled again (``recompile=True``), as Keras reuses its
        traced step; ``result.history.model`` is the copy.
    xla : {"auto", True, False}
        Compile the train step with XLA: on for GPUs, off for CPUs (where it is
        2–4× slower) unless forced.
    recompile : bool, optional
        Compile even if the model is already compiled (fresh optimizer state).
    callbacks : sequence of keras.callbacks.Callback, optional
        Extra Keras callbacks.

    Returns
    -------
    TrainResult
        ``.history``, ``.seconds``, ``.images_per_second``, ``.model``,
        ``.device``, ``.final(metric, validation=False)``.

    Raises
    ------
    ValueError
        Images that are not a non-empty 4-D float array, labels that are not
        integers in ``[0, output units)``, different image and label counts,
        images whose shape is not the model's input shape, an empty dataset.

    See Also
    --------
    cnnlab.data.as_dataset : the input pipeline used for arrays.
    cnnlab.train.plan_devices : the device/precision/XLA rules.

    Notes
    -----
    **Determinism.** With `seed` on a CPU two runs of the same code give
    identical losses, provided the model's initial weights are the same too:
    weights are drawn when the model is *built*, so call ``cnnlab.seed(n)``
    before the builder (``fit(seed=)`` cannot reach back). On a GPU, op
    determinism makes cuDNN pick deterministic algorithms and tf.data run in a
    fixed order, so repeated runs on the *same* GPU type and software match;
    results still differ between GPU models, driver/cuDNN versions, CPU vs GPU
    and with a different number of GPUs (the all-reduce order changes). XLA is
    switched off for seeded GPU runs (as Keras does), and a few ops have no
    deterministic GPU kernel and then raise an error rather than vary.
    Determinism is switched back off when ``fit`` returns.

    **Speed.** Progress updates are throttled and run in Keras' callback
    thread, so ``fit`` is as fast as ``model.fit`` on the same arrays (see
    ``benchmarks/bench_train.py``).

    Examples
    --------
    >>> import keras, numpy as np
    >>> keras.utils.set_random_seed(1)
    >>> model = keras.Sequential([keras.Input((4, 4, 1)), keras.layers.Flatten(),
    ...                           keras.layers.Dense(2, activation="softmax")])
    >>> x = np.zeros((8, 4, 4, 1), "float32")
    >>> fit(model, (x, [0, 1] * 4), epochs=1, verbose=False).final("loss") > 0
    True
    """
    check_int("epochs", epochs, 1)
    check_int("batch_size", batch_size, 1)
    if seed is not None:
        check_int("seed", seed, 0)
    check_number("learning_rate", learning_rate, 0, low_open=True)
    import keras
    import tensorflow as tf
    from tensorflow.python.framework import config as tf_config

    from cnnlab.train.progress import EpochRecorder, LivePlot, ProgressBar

    if not isinstance(model, keras.Model):
        raise ValueError("`model` must be a keras.Model. "
                         f"Received: model of type {type(model).__name__}.")
    plan = plan_devices(mixed_precision=mixed_precision, xla=xla,
                        deterministic=seed is not None)

    determinism_was_on = tf_config.is_op_determinism_enabled()
    trainee = model
    if seed is not None:
        keras.utils.set_random_seed(seed)
        tf_config.enable_op_determinism()
    try:
        train_ds, per_epoch = _prepare(train, "train", model, batch_size, True, seed)
        val_ds = (None if validation is None else
                  _prepare(validation, "validation", model, batch_size, False, seed)[0])

        if recompile or not model.compiled:
            _compile(model, optimizer, learning_rate, loss, metrics, plan.xla)
        xla_used = _set_jit(model, plan.xla)
        trainee, copy_note = _mixed_trainee(model, plan, mixed_precision)
        if trainee is not model:
            _set_jit(trainee, plan.xla)
        precision, notes = _check_precision_and_strategy(trainee, plan, mixed_precision)
        if copy_note:
            notes.append(copy_note)

        device = " · ".join([", ".join(plan.devices), precision,
                             f"XLA {'on' if xla_used else 'off'}"]
                            + (["MirroredStrategy"] if plan.strategy == "mirrored" else []))
        if verbose:
            print(_start_line(device, per_epoch, epochs, batch_size, train, seed,
                              checkpoint_dir, notes + list(plan.notes)), flush=True)

        recorder = EpochRecorder()
        progress = ProgressBar() if verbose else None
        cbs = [recorder]
        if progress is not None:
            cbs.append(progress)
        if live_plot:
            cbs.append(LivePlot())
        if checkpoint_dir is not None:
            cbs.append(_backup(os.fspath(checkpoint_dir)))
        cbs.extend(callbacks)

        start = time.perf_counter()
        try:
            history = trainee.fit(train_ds, validation_data=val_ds, epochs=epochs,
                                  verbose=0, callbacks=cbs, shuffle=False)
        finally:
            if progress is not None:
                progress.on_train_end()
            if trainee is not model:            # the weights go back bit for bit
                model.set_weights(trainee.get_weights())
        seconds = time.perf_counter() - start
    finally:
        if seed is not None and not determinism_was_on:
            tf_config.disable_op_determinism()
        # BackupAndRestore sets this and Keras never resets it: a later fit of
        # the same model would silently skip epochs.
        model._initial_epoch = None
        trainee._initial_epoch = None

    if per_epoch is None:                     # tf.data input: batches x batch size
        per_epoch = _images_per_step(train) * (max(recorder.steps) if recorder.steps else 0)
    return TrainResult(history=history, seconds=seconds,
                       images=int(per_epoch) * len(recorder.epochs), model=model,
                       device=device, epoch_seconds=tuple(recorder.seconds),
                       epochs_run=tuple(recorder.epochs), plan=plan)


# ---------------------------------------------------------------------------
def _prepare(data, what, model, batch_size, shuffle, seed):
    """Return (dataset, images per epoch or None) after validating `data`."""
    import tensorflow as tf

    from cnnlab.data.pipeline import as_dataset, check_images_labels
    from cnnlab.train.gradients import output_units

    if isinstance(data, tf.data.Dataset):
        card = int(data.cardinality())
        if card == 0:
            raise ValueError(f"`{what}` must not be empty. Received: a tf.data.Dataset "
                             "with 0 elements.")
        spec = data.element_spec
        if not (isinstance(spec, tuple) and len(spec) >= 2):
            raise ValueError(f"`{what}` must yield (images, labels) pairs. "
                             f"Received: element_spec={spec}.")
        rank = spec[0].shape.rank
        if rank is not None and rank != 4:
            hint = "; batch it first with .batch(32)" if rank == 3 else ""
            raise ValueError(f"`{what}` must yield batches of images (b, H, W, C). "
                             f"Received: image batches of shape {spec[0].shape}{hint}.")
        _check_input_shape(model, tuple(spec[0].shape)[1:], what)
        if not model.built:
            model.build((None,) + tuple(spec[0].shape)[1:])
        return data, None

    if not (isinstance(data, (tuple, list)) and len(data) == 2):
        raise ValueError(f"`{what}` must be an (images, labels) pair or a tf.data.Dataset. "
                         f"Received: {what} of type {type(data).__name__}"
                         + (f" with {len(data)} items." if isinstance(data, (tuple, list))
                            else "."))
    x, y = check_images_labels(data[0], data[1], what=what)
    _check_input_shape(model, x.shape[1:], what)
    if not model.built:
        model.build((None,) + x.shape[1:])
    units = output_units(model)
    if units is not None:
        limit = 2 if units == 1 else units
        if int(y.max()) >= limit:
            raise ValueError(
                f"`{what}` labels must be integers in [0, {limit}) to match the model's "
                f"{units} output unit{'s' if units != 1 else ''}. Received: max label "
                f"{int(y.max())}; give the last layer one unit per class.")
    return as_dataset(x, y, batch_size=batch_size, shuffle=shuffle, seed=seed), len(x)


def _check_input_shape(model, shape, what):
    try:
        expected = tuple(model.inputs[0].shape)[1:]
    except (AttributeError, IndexError, TypeError, ValueError):
        return
    shape = tuple(shape)
    if len(expected) != len(shape) or any(
            e is not None and s is not None and e != s for e, s in zip(expected, shape)):
        raise ValueError(f"`{what}` images must have the model's input shape {expected}. "
                         f"Received: images of shape {shape}.")


def _compile(model, optimizer, learning_rate, loss, metrics, jit):
    import keras

    from cnnlab.train.gradients import default_loss

    if isinstance(optimizer, str):
        template = keras.optimizers.get(optimizer)
        config = template.get_config()
        config["learning_rate"] = float(learning_rate)
        optimizer = type(template).from_config(config)
    with model.distribute_strategy.scope():
        model.compile(optimizer=optimizer,
                      loss=default_loss(model) if loss is None else loss,
                      metrics=list(metrics or ()), jit_compile=jit)


def _set_jit(model, wanted: bool) -> bool:
    """Apply the XLA decision to an already compiled model; return what Keras uses."""
    if bool(model.jit_compile) != bool(wanted):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")       # "Model doesn't support jit_compile"
            model.jit_compile = wanted
        # Retrace with the new setting.
        model.train_function = model.test_function = model.predict_function = None
    return bool(model.jit_compile)


def _check_precision_and_strategy(model, plan: Plan, requested):
    """The precision the model really computes in, and notes for the start line."""
    import tensorflow as tf

    notes = []
    built = _built_policy(model)
    if plan.precision != built:
        if requested not in ("auto",) and plan.precision != "float32" and built == "float32":
            warnings.warn(
                f"mixed_precision={requested!r} was requested but the model was built in "
                "float32: a layer's dtype policy is fixed when it is created. Build the "
                "model inside `with cnnlab.train.precision_scope():` (or call "
                "cnnlab.train.use_mixed_precision() first). Training in float32.",
                stacklevel=3)
        elif requested == "auto" and built == "float32" and plan.gpu:
            notes.append(f"model built in float32 ({plan.precision} needs "
                         "cnnlab.train.precision_scope() at build time)")
    if built.startswith("mixed"):
        try:
            out_dtype = model.outputs[0].dtype
        except (AttributeError, IndexError):
            out_dtype = "float32"
        if "float32" not in str(out_dtype):
            warnings.warn("the model's output is computed in "
                          f"{out_dtype}: give the last layer dtype='float32' so that the "
                          "softmax and the loss stay in float32.", stacklevel=3)
    if plan.strategy == "mirrored" and not isinstance(model.distribute_strategy,
                                                      tf.distribute.MirroredStrategy):
        warnings.warn("several GPUs found but the model was built outside "
                      "`cnnlab.train.strategy_scope()`: training on one GPU.", stacklevel=3)
        notes.append("one GPU used (model built outside strategy_scope())")
    return built, notes


def _built_policy(model) -> str:
    """The policy the model computes in: its own, or that of its (non-input) layers."""
    own = getattr(model.dtype_policy, "name", "float32")
    if own != "float32":
        return own
    names = {getattr(layer.dtype_policy, "name", "float32") for layer in model.layers
             if type(layer).__name__ != "InputLayer"}
    mixed = sorted(n for n in names if n.startswith("mixed"))
    return mixed[0] if mixed else own


def _mixed_trainee(model, plan: Plan, requested):
    """The model ``fit`` really trains, and a note for the start line.

    With ``mixed_precision="auto"`` and a bfloat16 CPU plan (``CNNLAB_BF16=1``
    on an AMX / AVX-512 BF16 CPU) a float32 model is trained as a
    :func:`~cnnlab.train.devices.mixed_precision_clone` compiled like the
    model (fresh optimizer of the same config); ``fit`` copies the weights
    back afterwards. The copy is kept on the model and reused by the next
    ``fit`` until the model is compiled again, as Keras reuses its traced step
    and optimizer state (changing ``trainable`` needs a recompile there too).
    """
    from cnnlab.train.devices import mixed_precision_clone

    if (requested != "auto" or plan.gpu or not plan.precision.startswith("mixed")
            or _built_policy(model) != "float32"):
        return model, None
    cached = getattr(model, "_cnnlab_mixed_copy", None)
    if cached is not None and cached[1] is model.optimizer and cached[2] == plan.precision:
        cached[0].set_weights(model.get_weights())
        return cached[0], f"{plan.precision} copy of the float32 model, weights copied back"
    if getattr(model.optimizer, "built", False):
        return model, ("float32: the model's optimizer already holds float32 state "
                       "(recompile, or build the model inside precision_scope())")
    try:
        clone = mixed_precision_clone(model, plan.precision)
        clone.compile_from_config(model.get_compile_config())
    except Exception as err:  # noqa: BLE001 - subclassed models, unregistered objects
        return model, f"float32: no {plan.precision} copy of this model ({type(err).__name__})"
    # object.__setattr__: Keras would track a model kept in an attribute and add
    # the copy's weights to the model's own (get_weights, save, summary).
    object.__setattr__(model, "_cnnlab_mixed_copy", (clone, model.optimizer, plan.precision))
    return clone, f"{plan.precision} copy of the float32 model, weights copied back"


def _start_line(device, per_epoch, epochs, batch_size, train, seed, checkpoint_dir, notes):
    parts = [f"cnnlab.train: {device}"]
    if per_epoch is not None:
        parts.append(f"{per_epoch:,} images × {epochs} epochs, batch {batch_size}")
    else:
        parts.append(f"tf.data × {epochs} epochs")
    if seed is not None:
        parts.append(f"seed {seed}")
    if checkpoint_dir is not None:
        resume = os.path.exists(os.path.join(os.fspath(checkpoint_dir),
                                             "training_metadata.json"))
        parts.append(("resuming from " if resume else "checkpoints in ")
                     + os.fspath(checkpoint_dir))
    line = " · ".join(parts)
    return line + "".join(f"\n  note: {n}" for n in notes)


def _backup(directory):
    import keras

    class _BackupAndRestore(keras.callbacks.BackupAndRestore):
        # Saves per epoch only, so its batch hook is a no-op: marking it
        # async-safe keeps Keras' non-blocking per-batch logging.
        async_safe = True

    return _BackupAndRestore(backup_dir=directory, double_checkpoint=True)


def _images_per_step(ds) -> int:
    """Batch size of a tf.data pipeline: read from the graph when possible, else peek."""
    node = ds
    for _ in range(50):
        size = getattr(node, "_batch_size", None)
        if size is not None:
            try:
                return int(size)
            except (TypeError, ValueError):
                break
        node = getattr(node, "_input_dataset", None)
        if node is None:
            break
    static = ds.element_spec[0].shape[0]
    if static is not None:
        return int(static)
    images = next(iter(ds.take(1)))[0]
    return int(np.shape(images)[0])
