"""Question bank of lesson 10, transfer learning.

- 10.1 a feature-extraction model: frozen base, new trainable head;
- 10.2 a fine-tuning step: unfreeze the top block and recompile with a small
  learning rate (checked by outcome: what trains, what really changes in a
  training step, the optimizer's learning rate);
- 10.3 what a frozen BatchNormalization layer does during ``fit``;
- 10.4 the trainable parameters of a VGG16 base with block5 unfrozen and a
  new head (counted by Keras).

Examples
--------
>>> from cnnlab.check.registry import REGISTRY
>>> REGISTRY["10.3"].func((0, "moving"))
"""
from __future__ import annotations

import numbers

from cnnlab.check.helpers import expect_items, expect_model, expect_number, expect_true
from cnnlab.check.registry import NotYet, question

#: input shape and classes of questions 10.1 and 10.2
INPUT_SHAPE = (32, 32, 3)
CLASSES = 4
#: the largest learning rate question 10.2 accepts as "small"
MAX_FINE_TUNE_LR = 1e-4


def _base():
    from cnnlab.models import transfer
    return transfer.small_base(INPUT_SHAPE, filters=(16, 32, 64))


@question("10.1", "A frozen base with a new head", expects="model", timeout=60)
def _feature_extractor(build_feature_extractor):
    from cnnlab.models import transfer

    base = _base()
    base_learnable = sum(r["learnable"] for r in transfer.layer_table(base))
    model = expect_model(build_feature_extractor, INPUT_SHAPE, (CLASSES,),
                         build_args=(base,), name="build_feature_extractor(base)")
    ids = {id(v) for v in model.weights}
    expect_true(all(id(v) in ids for v in base.weights),
                "The model does not contain the `base` it was given: call `base(inputs)` "
                "on the new model's input, so its pretrained weights are reused, instead "
                "of building a new network.")
    counts = transfer.param_counts(model)
    head = counts.total - base.count_params()
    if counts.trainable == 0:
        raise NotYet("Nothing in the model is trainable: you froze the head too. Freeze "
                     "only the base (`base.trainable = False`); the new Dense layer must "
                     "learn.")
    if counts.trainable >= base_learnable:
        raise NotYet(f"The model has {counts.trainable:,} trainable parameters: the base's "
                     f"{base_learnable:,} learnable weights are still trainable. Did you "
                     "forget to freeze it (`base.trainable = False`)?")
    expect_true(counts.trainable == head,
                f"{counts.trainable:,} trainable parameters; expected only the head's "
                f"{head:,}. Freeze every layer of the base and none of the head.")


def _prepared_model():
    """A trained feature-extraction model, as the lesson has it before fine-tuning."""
    import keras
    import numpy as np

    from cnnlab.models import transfer

    keras.utils.set_random_seed(0)
    base = _base()
    model = transfer.new_head(base, CLASSES)
    model.compile(keras.optimizers.Adam(1e-3), "sparse_categorical_crossentropy")
    rng = np.random.default_rng(0)
    x = rng.random((16, *INPUT_SHAPE), dtype=np.float32)
    y = np.arange(16) % CLASSES
    model.train_on_batch(x, y)          # the train step is now traced and cached
    return model, base, x, y


@question("10.2", "Fine-tune the top block", expects="function", timeout=60)
def _fine_tune(start_fine_tuning):
    from cnnlab.models import transfer

    model, base, x, y = _prepared_model()
    returned = start_fine_tuning(model, base)
    if returned is not None and returned is not model:
        raise NotYet("Change the model you were given (set `trainable`, then "
                     "`model.compile(...)`) and return it, rather than building a new one.")
    layers = set(transfer.trainable_layers(model))
    lower = sorted(n for n in layers if n.startswith(("block1", "block2")))
    if lower:
        raise NotYet(f"Too much is unfrozen: {', '.join(lower)} should stay frozen. "
                     "Unfreeze only the top block (block3): the lower blocks hold the "
                     "generic features the few new images could spoil.")
    if "block3_conv" not in layers:
        raise NotYet("block3 is still frozen. Set `base.trainable = True` first (a layer "
                     "inside a frozen model does not train), then freeze the layers before "
                     "block3 again.")
    if "predictions" not in layers:
        raise NotYet("The head is frozen now: keep the new Dense layer trainable while "
                     "fine-tuning.")
    before = transfer.snapshot(model)
    model.train_on_batch(x, y)
    changed = transfer.changed_layers(before, model)
    if "block3_conv" not in changed:
        raise NotYet("block3 is marked trainable, but a training step does not change it: "
                     "the model was not recompiled. In Keras 3 a change of `trainable` "
                     "reaches training only at the next `model.compile(...)`; recompile "
                     "with a small learning rate.")
    expect_true(not any(n.startswith(("block1", "block2")) for n in changed),
                "A training step changed block1 or block2: they must stay frozen.")
    rate = transfer.learning_rate_of(model)
    if rate > MAX_FINE_TUNE_LR * 1.0001:
        raise NotYet(f"The learning rate is {rate:.3g}: too high for fine-tuning, it can "
                     "wipe out the pretrained features in a few steps. Use a small one, "
                     "e.g. keras.optimizers.Adam(1e-5) (at most 1e-4).")


@question("10.3", "BatchNorm in a frozen base")
def _batchnorm(answer):
    updated, stats = expect_items(answer, 2, "Give a pair: (number of the layer's parameters "
                                  "a training step updates, \"moving\" or \"batch\").")
    if isinstance(updated, bool) or not isinstance(updated, numbers.Number):
        raise NotYet(f"The first item should be a number; got {updated!r}.")
    if not isinstance(stats, str) or stats.strip().lower() not in ("moving", "batch"):
        raise NotYet(f"The second item should be \"moving\" or \"batch\"; got {stats!r}.")
    stats = stats.strip().lower()
    if updated == 64:
        raise NotYet("64 = γ and β of 32 channels, but the layer is frozen: the optimizer "
                     "updates none of its weights.")
    if updated in (128, 32):
        raise NotYet("A frozen layer has no trainable weights, and the moving mean and "
                     "variance are never updated by gradients: count again.")
    expect_number(updated, 0, name="parameters updated")
    if stats == "batch":
        raise NotYet("In Keras 3, `trainable = False` on a BatchNormalization layer also "
                     "switches it to inference mode: it normalises with its moving mean "
                     "and variance, even inside `fit`, and does not update them.")


#: input shape of question 10.4's VGG16 base (block5 gives 2x2x512 maps)
VGG_INPUT = (64, 64, 3)


def vgg_block5_model():
    """Question 10.4's model: VGG16 base, blocks 1-4 frozen, block5 trainable, new head.

    The head is GlobalAveragePooling2D -> Dense 256 (ReLU) -> Dense 10 (softmax).
    """
    import keras

    from cnnlab.models import transfer

    base = keras.applications.VGG16(weights=None, include_top=False, input_shape=VGG_INPUT)
    model = transfer.new_head(base, 10, hidden=256)
    transfer.freeze_up_to(base, "block5")
    return model


@question("10.4", "Trainable parameters: VGG16 with block5 unfrozen", expects="number",
          timeout=60)
def _count(answer):
    from cnnlab.models import transfer

    counts = transfer.param_counts(vgg_block5_model())
    block5 = 3 * (3 * 3 * 512 * 512 + 512)
    head = (512 * 256 + 256) + (256 * 10 + 10)
    no_biases = 3 * 3 * 3 * 512 * 512 + 512 * 256 + 256 * 10
    flatten = block5 + (2 * 2 * 512 * 256 + 256) + (256 * 10 + 10)
    expect_number(answer, counts.trainable, name="trainable", hints={
        head: "That is only the head. block5 is unfrozen too: add its three 3x3 "
              "convolutions, 512 -> 512 channels each.",
        block5: "That is only block5: the new head (Dense 256 and Dense 10) trains too.",
        no_biases: "Each convolution and Dense layer also has one bias per filter or unit.",
        counts.total: "That is every parameter; blocks 1-4 are frozen.",
        14_714_688 + head: "That counts the whole base as trainable; blocks 1-4 are frozen.",
        flatten: "The head pools globally (GlobalAveragePooling2D): 512 features reach "
                 "the Dense layer, not the flattened 2x2x512 maps.",
    })
