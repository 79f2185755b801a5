"""Question bank of lesson 14, images from disk.

- 14.1 counting a folder tree: images in the classic cats-vs-dogs subset, and
  steps per epoch over its training folder;
- 14.2 memory of a whole data set held as one array;
- 14.3 the output layer and loss of a binary classifier;
- 14.4 load a saved model and classify one picture file.

Examples
--------
>>> from cnnlab.check.registry import REGISTRY
>>> REGISTRY["14.1"].func((4000, 63))
'4,000 images; 63 steps per epoch (the last batch is partial).'
"""
from __future__ import annotations

import math
import os
import tempfile

import numpy as np

from cnnlab.check.helpers import expect_items, expect_number
from cnnlab.check.registry import NotYet, question

#: 14.1: images per class in each split of the classic subset, classes, batch size
SUBSET_14_1 = {"train": 1000, "validation": 500, "test": 500}
CLASSES_14_1, BATCH_14_1 = 2, 32


@question("14.1", "Counting a folder tree")
def _counts(answer):
    total, steps = expect_items(answer, 2, "Give two numbers: (total_images, steps_per_epoch).")
    per_class = sum(SUBSET_14_1.values())
    train = SUBSET_14_1["train"] * CLASSES_14_1
    # 1,000 + 500 + 500 images of one class are as many as train/ holds for both
    hints = {per_class: f"{per_class:,} is one class's images (or only train/): count "
                        "both class folders of all three splits."}
    if train != per_class:
        hints[train] = f"{train:,} is only the training folder: count all three splits."
    expect_number(total, per_class * CLASSES_14_1, name="total_images", hints=hints)
    if isinstance(steps, float) and not steps.is_integer():
        raise NotYet(f"steps_per_epoch = {steps:g} is not a whole number: a step is one "
                     "batch, and the last, smaller batch is a step too (round up).")
    expect_number(steps, math.ceil(train / BATCH_14_1), name="steps_per_epoch", hints={
        train // BATCH_14_1: f"{train // BATCH_14_1} drops the last, partial batch; "
                             "Keras still trains on it (round up: math.ceil).",
        math.ceil(SUBSET_14_1["train"] / BATCH_14_1): "That is one class's training "
            "images: an epoch goes over both class folders of train/.",
        math.ceil(per_class * CLASSES_14_1 / BATCH_14_1): "An epoch goes over the "
            "training folder only; validation and test are not trained on.",
    })
    return (f"{per_class * CLASSES_14_1:,} images; {steps} steps per epoch "
            "(the last batch is partial).")


def _reference_gb(n, height, width, channels, bytes_per_value=4):
    return n * height * width * channels * bytes_per_value / 1e9


@question("14.2", "Memory of a data set in one array", expects="function")
def _memory(memory_gb):
    cases = [(25_000, 150, 150, 3, 4), (60_000, 28, 28, 1, 4), (1_000, 224, 224, 3, 1),
             (32, 150, 150, 3, 2)]
    for args in cases:
        call = f"memory_gb{args}"
        got = memory_gb(*args)
        want = _reference_gb(*args)
        if isinstance(got, (bool, str)) or not isinstance(got, (int, float, np.number)):
            raise NotYet(f"{call} returned {got!r}; return a number of gigabytes.")
        n, h, w, c, b = args
        hints = {
            want * 1e9: f"{call} returned bytes; divide by 10**9 for GB.",
            want * 1e9 / 2 ** 30: f"{call} is in GiB (2**30 bytes); the lesson's GB are "
                                  "10**9 bytes.",
            want / b: f"{call}: you left out the bytes per value ({b}).",
        }
        if c != 1:
            hints[want / c] = f"{call}: you left out the {c} colour channels."
        expect_number(got, want, name=call, rel=1e-6, hints=hints)
    return f"25,000 RGB images of 150×150 take {_reference_gb(*cases[0]):g} GB as float32."


def _layer_info(output):
    units = getattr(output, "units", None)
    activation = getattr(getattr(output, "activation", None), "__name__", None)
    return units, activation


def _loss_name(loss):
    if isinstance(loss, str):
        return loss.lower().replace("_", ""), False
    name = getattr(loss, "name", None) or type(loss).__name__
    logits = bool(getattr(loss, "from_logits", False))
    return str(name).lower().replace("_", ""), logits


@question("14.3", "Output layer and loss of a binary classifier")
def _head(answer):
    output, loss = expect_items(answer, 2, "Give two things: (output_layer, loss).")
    units, activation = _layer_info(output)
    if units is None:
        raise NotYet("output_layer should be a keras.layers.Dense(...) layer.")
    name, logits = _loss_name(loss)
    binary = "binarycrossentropy" in name
    sparse = "sparsecategoricalcrossentropy" in name
    if units == 1 and activation == "softmax":
        raise NotYet("A softmax over ONE unit always outputs 1.0: the model cannot learn. "
                     "One unit needs a sigmoid.")
    if units == 2 and activation == "softmax" and binary:
        raise NotYet("Softmax over two units with binary cross-entropy: that loss compares "
                     "each of the 2 outputs with the 0/1 label as if it were a separate "
                     "yes/no question. With integer labels a 2-way softmax goes with "
                     "sparse categorical cross-entropy; the lesson's head is one sigmoid unit.")
    if units == 1 and activation == "sigmoid" and sparse:
        raise NotYet("A sigmoid unit with sparse categorical cross-entropy: that loss wants "
                     "one output per class (a softmax), and with a single output it sees "
                     "only class 0. One sigmoid unit goes with binary cross-entropy.")
    if units == 1 and activation == "linear" and binary and not logits:
        raise NotYet("Without an activation the unit outputs a logit, not a probability: "
                     "use activation='sigmoid' (or BinaryCrossentropy(from_logits=True)).")
    if units != 1:
        raise NotYet(f"The lesson's binary head has ONE output unit (P(class 1)); yours has "
                     f"{units}.")
    if not binary:
        raise NotYet("For one sigmoid output and 0/1 labels the loss is binary "
                     "cross-entropy ('binary_crossentropy').")
    if activation not in ("sigmoid", "linear") or (activation == "sigmoid" and logits):
        raise NotYet("The unit should use activation='sigmoid' (and the loss "
                     "from_logits=False, the default).")
    return "one unit, P(class 1); binary cross-entropy."


def _saved_model(folder):
    """A small saved binary model that rescales its own input, and two pictures."""
    import keras
    from PIL import Image

    inputs = keras.Input((12, 12, 3))
    x = keras.layers.Rescaling(1 / 255)(inputs)
    x = keras.layers.GlobalAveragePooling2D()(x)
    out = keras.layers.Dense(1, activation="sigmoid")(x)
    model = keras.Model(inputs, out)
    model.layers[-1].set_weights([np.array([[3.0], [-2.0], [0.5]]), np.array([-0.4])])
    path = os.path.join(folder, "model.keras")
    model.save(path)
    pictures = []
    rng = np.random.default_rng(14)
    for i in range(2):
        p = os.path.join(folder, f"photo{i}.png")
        Image.fromarray(rng.integers(0, 256, (30 + 9 * i, 40, 3), dtype=np.uint8)).save(p)
        pictures.append(p)
    return model, path, pictures


@question("14.4", "Load a saved model and classify a picture", timeout=60, expects="function")
def _predict(predict_file):
    from cnnlab.data.uploads import image_input

    with tempfile.TemporaryDirectory() as folder:
        model, path, pictures = _saved_model(folder)
        for picture in pictures:
            call = f"predict_file(model_path, {os.path.basename(picture)!r})"
            got = predict_file(path, picture)
            x = image_input(picture, (12, 12))
            want = float(np.asarray(model.predict(x, verbose=0)).reshape(-1)[0])
            if isinstance(got, np.ndarray) and got.size == 1:
                raise NotYet(f"{call} returned an array of shape {got.shape}; return the "
                             "probability as a float: float(p[0, 0]).")
            if isinstance(got, (bool, str)) or not isinstance(got, (int, float, np.number)):
                raise NotYet(f"{call} returned {got!r}; return P(class 1) as a float.")
            twice = float(np.asarray(model.predict(x / 255, verbose=0)).reshape(-1)[0])
            expect_number(float(got), want, name=call, abs_tol=1e-4, hints={
                twice: f"{call}: you divided the pixels by 255, but this model starts "
                       "with a Rescaling layer: it was scaled twice. Give it 0–255 pixels.",
                round(want): f"{call} returned the class ({round(want)}); return the "
                             "probability itself.",
            })
    return "the saved model, reloaded, gives the same probabilities."
