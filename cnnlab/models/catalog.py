"""Classic ImageNet networks: what each paper reported, and what cnnlab computes.

:data:`NETWORKS` is a small table of the networks of the course's tour, from
LeNet-5 (1998) to NASNet (2018). Every published figure carries its source
(paper and table or section); parameter counts and multiply–accumulates (MACs)
are also *computed* by :func:`counts` from a model cnnlab can build or from
the layer sizes in the paper, so a learner can rerun them:

- ``LeNet-5``, ``AlexNet``: :func:`cnnlab.models.lenet5`, :func:`cnnlab.models.alexnet`
  read by :func:`cnnlab.arith.summarize`;
- ``ZFNet``, ``GoogLeNet``: pure arithmetic over the paper's layer table
  (:func:`zfnet_plan`, :func:`googlenet_plan`);
- ``VGG-16``: :func:`cnnlab.models.vggnet.vgg_plan` (arithmetic, no build);
- ``ResNet-152``, ``DenseNet-121``, ``MobileNet``, ``NASNet-A …``:
  ``keras.applications`` models built with ``weights=None``.

Building the four large ``keras.applications`` models takes 10–20 s each,
so in the CI profile :func:`counts` uses :data:`CACHED_COUNTS` for them
(figures measured by building them; ``tests/test_history.py`` rebuilds them
and checks the cache). Nothing here imports Keras until a model is built.

Top-5 errors are the ones each paper reports on ImageNet (ILSVRC 2012 data),
except MobileNet's: its paper gives top-1 only, so its row takes the top-5
accuracy Keras lists for its weights (``top5_detail`` says so). For ILSVRC
entries the figure is the competition's, often of an *ensemble*, while
parameters and MACs are those of one network.

Examples
--------
>>> get("AlexNet").top5_error, ILSVRC2012_RUNNER_UP
(15.3, 26.2)
>>> counts("VGG-16").params
138357544
>>> [n.name for n in NETWORKS][:3]
['LeNet-5', 'AlexNet', 'ZFNet']
"""
from __future__ import annotations

import functools
from dataclasses import dataclass

from cnnlab._validate import check_choice

__all__ = ["Network", "Counts", "NETWORKS", "HUMAN_TOP5_ERROR", "HUMAN_SOURCE",
           "ILSVRC2012_RUNNER_UP", "CACHED_COUNTS", "get", "names", "counts",
           "table", "zfnet_plan", "googlenet_plan"]

#: Top-5 error (%) of a trained human annotator on ILSVRC 2012 images.
HUMAN_TOP5_ERROR = 5.1
HUMAN_SOURCE = ("Russakovsky et al. (2015), ImageNet Large Scale Visual Recognition "
                "Challenge, IJCV 115, Sec. 6.4 (A. Karpathy's labelling experiment)")
#: Top-5 test error (%) of the second-best ILSVRC 2012 entry (AlexNet won with 15.3 %).
ILSVRC2012_RUNNER_UP = 26.2


@dataclass(frozen=True)
class Network:
    """One classic network: its published figures, each with a source.

    Attributes
    ----------
    name, year : str, int
    reference : str
        Authors, title and venue of the paper.
    url : str
        Where to read the paper (arXiv or the proceedings).
    ilsvrc : str
        Its ILSVRC classification result, or ``"not entered"``.
    top5_error : float or None
        Top-5 error on ImageNet in percent (``None``: not an ImageNet model).
    top5_detail : str
        What that figure is (test or validation set, ensemble or single model)
        and where the paper gives it.
    params, macs : int or None
        Parameters and multiply–accumulates per image as the paper states them
        (often rounded: ``60_000_000`` for "60 million"), ``None`` if it does not.
    params_source, macs_source : str
        Where those two figures are stated.
    builder : str
        How :func:`counts` computes the counts.
    heavy : bool
        Building the model takes more than a few seconds.
    idea : str
        What the network introduced, in one line.
    """

    name: str
    year: int
    reference: str
    url: str
    ilsvrc: str
    top5_error: float | None
    top5_detail: str
    params: int | None
    params_source: str
    macs: int | None
    macs_source: str
    builder: str
    heavy: bool
    idea: str


NETWORKS: tuple[Network, ...] = (
    Network(
        "LeNet-5", 1998,
        "LeCun, Bottou, Bengio, Haffner: Gradient-based learning applied to document "
        "recognition, Proc. IEEE 86(11)",
        "http://yann.lecun.com/exdb/publis/pdf/lecun-98.pdf",
        "not entered (before ImageNet)", None,
        "no ImageNet figure; 0.95 % test error on MNIST (Sec. III-C)",
        60_000, "paper, Sec. II-B: 'about 60,000 trainable parameters'",
        None, "not entered: the paper compares classifiers' operation counts "
        "(Sec. III-C) but its text could not be checked here; Sec. II-B's per-layer "
        "counts sum to 340,908 connections",
        "cnnlab.models.lenet5", False,
        "convolution, subsampling and a small classifier, trained end to end"),
    Network(
        "AlexNet", 2012,
        "Krizhevsky, Sutskever, Hinton: ImageNet classification with deep "
        "convolutional neural networks, NIPS 2012",
        "https://papers.nips.cc/paper/4824-imagenet-classification-with-deep-"
        "convolutional-neural-networks",
        "winner 2012", 15.3,
        "ILSVRC 2012 test set, ensemble of 7 CNNs (Table 2); runner-up 26.2 %",
        60_000_000, "paper, abstract: '60 million parameters'",
        None, "not stated",
        "cnnlab.models.alexnet", False,
        "ReLU, dropout, data augmentation and GPU training at ImageNet scale"),
    Network(
        "ZFNet", 2013,
        "Zeiler, Fergus: Visualizing and understanding convolutional networks, "
        "ECCV 2014 (arXiv 1311.2901)",
        "https://arxiv.org/abs/1311.2901",
        "2013: the winning entry (Clarifai) was built on it", 14.8,
        "ImageNet 2012 test set, ensemble of 6 convnets (Table 2)",
        None, "not stated",
        None, "not stated",
        "arithmetic over the layer sizes of the paper's Fig. 3", False,
        "AlexNet tuned by looking inside it: 7×7 stride-2 first layer, "
        "deconvnet visualisations"),
    Network(
        "GoogLeNet", 2014,
        "Szegedy et al.: Going deeper with convolutions, CVPR 2015 (arXiv 1409.4842)",
        "https://arxiv.org/abs/1409.4842",
        "winner 2014", 6.67,
        "ILSVRC 2014 test set, ensemble of 7 networks, 144 crops (Table 3)",
        None, "no total stated; Table 1 lists each layer's parameters (recounted by "
        "googlenet_plan: about 7.0 million, so about 9 times fewer than AlexNet's 60 "
        "million); Sec. 1 says '12 times fewer parameters'",
        1_500_000_000, "paper, Sec. 1: 'a computational budget of 1.5 billion "
        "multiply-adds at inference time'",
        "arithmetic over the paper's Table 1 (cnnlab.arith.inception)", False,
        "Inception modules: parallel 1×1, 3×3, 5×5 and pooling branches with 1×1 "
        "bottlenecks"),
    Network(
        "VGG-16", 2014,
        "Simonyan, Zisserman: Very deep convolutional networks for large-scale "
        "image recognition, ICLR 2015 (arXiv 1409.1556)",
        "https://arxiv.org/abs/1409.1556",
        "runner-up 2014", 7.3,
        "ILSVRC 2014 test set, the submitted ensemble of 7 networks (Table 7)",
        138_000_000, "paper, Table 2: 138 million (configuration D)",
        15_300_000_000, "He et al. (2016), Sec. 4.1: VGG-16 has 15.3 billion FLOPs "
        "(multiply-adds)",
        "cnnlab.models.vggnet.vgg_plan('D')", False,
        "depth from stacks of 3×3 convolutions, one uniform design"),
    Network(
        "ResNet-152", 2015,
        "He, Zhang, Ren, Sun: Deep residual learning for image recognition, "
        "CVPR 2016 (arXiv 1512.03385)",
        "https://arxiv.org/abs/1512.03385",
        "winner 2015", 3.57,
        "ILSVRC 2015 test set, ensemble of 6 models of different depths (Table 5)",
        None, "not stated",
        11_300_000_000, "paper, Table 1 and Sec. 4.1: 11.3 billion FLOPs (multiply-adds)",
        "keras.applications.ResNet152", True,
        "residual connections y = F(x) + x make 152 layers trainable"),
    Network(
        "DenseNet-121", 2017,
        "Huang, Liu, van der Maaten, Weinberger: Densely connected convolutional "
        "networks, CVPR 2017 (arXiv 1608.06993)",
        "https://arxiv.org/abs/1608.06993",
        "not entered", 7.71,
        "ImageNet validation set, single model, single crop (Table 3)",
        None, "not stated as a number (shown in Fig. 3)",
        None, "not stated as a number (shown in Fig. 3)",
        "keras.applications.DenseNet121", True,
        "every layer reads the concatenated maps of all earlier layers in its block"),
    Network(
        "MobileNet", 2017,
        "Howard et al.: MobileNets: efficient convolutional neural networks for "
        "mobile vision applications (arXiv 1704.04861)",
        "https://arxiv.org/abs/1704.04861",
        "not entered", 10.5,
        "the paper gives top-1 only (70.6 %, Table 8); top-5 accuracy 89.5 % of the "
        "Keras weights (keras.io/api/applications)",
        4_200_000, "paper, Table 8: 4.2 million (1.0 MobileNet-224)",
        569_000_000, "paper, Table 8: 569 million mult-adds",
        "keras.applications.MobileNet", False,
        "depthwise separable convolutions: a 3×3 per channel, then a 1×1 across "
        "channels"),
    Network(
        "NASNet-A Mobile", 2018,
        "Zoph, Vasudevan, Shlens, Le: Learning transferable architectures for "
        "scalable image recognition, CVPR 2018 (arXiv 1707.07012)",
        "https://arxiv.org/abs/1707.07012",
        "not entered", 8.4,
        "ImageNet validation set, single model: top-5 accuracy 91.6 % "
        "(NASNet-A 4 @ 1056, Table 3)",
        5_300_000, "paper, Table 3: 5.3 million",
        564_000_000, "paper, Table 3: 564 million mult-adds",
        "keras.applications.NASNetMobile", True,
        "cells found by architecture search on CIFAR-10, stacked for ImageNet"),
    Network(
        "NASNet-A Large", 2018,
        "Zoph, Vasudevan, Shlens, Le: Learning transferable architectures for "
        "scalable image recognition, CVPR 2018 (arXiv 1707.07012)",
        "https://arxiv.org/abs/1707.07012",
        "not entered", 3.8,
        "ImageNet validation set, single model: top-5 accuracy 96.2 % "
        "(NASNet-A 6 @ 4032, 331×331 input, Table 2)",
        88_900_000, "paper, Table 2: 88.9 million",
        23_800_000_000, "paper, Table 2: 23.8 billion mult-adds",
        "keras.applications.NASNetLarge", True,
        "the same searched cells, scaled up: more cells and filters"),
)

#: Counts of the heavy ``keras.applications`` models (``weights=None``), measured
#: with ``cnnlab.arith.summarize`` (Keras 3.15); tests rebuild them and compare.
CACHED_COUNTS = {
    "ResNet-152": (60_419_944, 11_282_415_616),
    "DenseNet-121": (8_062_504, 2_834_161_664),
    "NASNet-A Mobile": (5_326_716, 563_638_816),
    "NASNet-A Large": (88_949_818, 23_783_414_658),
}


@dataclass(frozen=True)
class Counts:
    """Parameters and MACs of one network, and how they were obtained."""

    params: int
    macs: int
    source: str


def names() -> list[str]:
    """Names of the networks in :data:`NETWORKS`, oldest first.

    Examples
    --------
    >>> names()[-1]
    'NASNet-A Large'
    """
    return [n.name for n in NETWORKS]


def get(name: str) -> Network:
    """The :class:`Network` called ``name`` (case-insensitive).

    Examples
    --------
    >>> get("resnet-152").year
    2015
    """
    for net in NETWORKS:
        if isinstance(name, str) and net.name.lower() == name.lower():
            return net
    raise ValueError(f"`name` must be one of {', '.join(map(repr, names()))}. "
                     f"Received: name={name!r}.")


# ------------------------------------------------------------------ layer plans
def _row(name, kind, output_shape, params=0, macs=0) -> dict:
    return dict(name=name, kind=kind, output_shape=tuple(output_shape),
                params=int(params), macs=int(macs))


def _conv(rows, name, shape, kernel, filters, stride=1, padding="valid"):
    from cnnlab import arith
    out = arith.conv_output_shape(shape, kernel, filters, stride, padding)
    rows.append(_row(name, "conv", out, arith.conv_params(kernel, shape[2], filters),
                     arith.conv_macs(shape, kernel, filters, stride, padding)))
    return out


def _pool(rows, name, shape, size, stride, padding="valid"):
    from cnnlab import arith
    h = arith.conv_output_size(shape[0], size, stride, padding)
    w = arith.conv_output_size(shape[1], size, stride, padding)
    out = (h, w, shape[2])
    rows.append(_row(name, "pool", out))
    return out


def _dense(rows, name, n_in, units):
    from cnnlab import arith
    rows.append(_row(name, "dense", (units,), arith.dense_params(n_in, units),
                     arith.dense_macs(n_in, units)))
    return units


def zfnet_plan(classes: int = 1000) -> list[dict]:
    """ZFNet's layers (Zeiler & Fergus 2014, Fig. 3) with parameters and MACs.

    224×224×3 → conv 96 7×7/2 (110×110) → pool 3/2 (55×55) → conv 256 5×5/2
    (26×26) → pool 3/2 (13×13) → conv 384, 384, 256 3×3 (13×13) → pool 3/2
    (6×6) → FC 4096 → FC 4096 → FC ``classes``. The paddings (1 pixel for
    conv1, pool1, pool2 and the 3×3 convolutions) are those that give the
    figure's map sizes; local contrast normalisation has no parameters.

    Returns
    -------
    list of dict
        One row per layer: ``name``, ``kind``, ``output_shape``, ``params``, ``macs``.

    Examples
    --------
    >>> rows = zfnet_plan()
    >>> rows[0]["output_shape"], rows[-1]["output_shape"]
    ((110, 110, 96), (1000,))
    >>> sum(r["params"] for r in rows)
    62357608
    """
    from cnnlab._validate import check_int
    classes = check_int("classes", classes, 1)
    rows: list[dict] = []
    s = _conv(rows, "conv1", (224, 224, 3), 7, 96, 2, 1)
    s = _pool(rows, "pool1", s, 3, 2, 1)
    s = _conv(rows, "conv2", s, 5, 256, 2)
    s = _pool(rows, "pool2", s, 3, 2, 1)
    s = _conv(rows, "conv3", s, 3, 384, 1, 1)
    s = _conv(rows, "conv4", s, 3, 384, 1, 1)
    s = _conv(rows, "conv5", s, 3, 256, 1, 1)
    s = _pool(rows, "pool5", s, 3, 2)
    n = _dense(rows, "fc6", s[0] * s[1] * s[2], 4096)
    n = _dense(rows, "fc7", n, 4096)
    _dense(rows, "fc8", n, classes)
    return rows


def googlenet_plan(classes: int = 1000) -> list[dict]:
    """GoogLeNet's layers (Szegedy et al. 2015, Table 1) with parameters and MACs.

    Stem (7×7/2 conv 64, pool, 1×1 conv 64, 3×3 conv 192, pool), nine
    Inception modules (widths from
    :data:`cnnlab.arith.inception.GOOGLENET_MODULES`) with pools after 3b
    and 4e, global 7×7 average pooling and a ``classes``-way linear layer.
    Auxiliary classifiers (training only) and dropout are left out.

    Returns
    -------
    list of dict
        One row per layer or module: ``name``, ``kind``, ``output_shape``,
        ``params``, ``macs``.

    Examples
    --------
    >>> rows = googlenet_plan()
    >>> [r["output_shape"] for r in rows if r["name"] in ("3a", "5b")]
    [(28, 28, 256), (7, 7, 1024)]
    """
    from cnnlab._validate import check_int
    from cnnlab.arith.inception import GOOGLENET_MODULES, inception_cost
    classes = check_int("classes", classes, 1)
    rows: list[dict] = []
    s = _conv(rows, "conv1", (224, 224, 3), 7, 64, 2, "same")
    s = _pool(rows, "pool1", s, 3, 2, "same")
    s = _conv(rows, "conv2_reduce", s, 1, 64)
    s = _conv(rows, "conv2", s, 3, 192, 1, "same")
    s = _pool(rows, "pool2", s, 3, 2, "same")
    for module, (shape, widths) in GOOGLENET_MODULES.items():
        if shape[0] != s[0]:
            s = _pool(rows, f"pool{module[0]}", s, 3, 2, "same")
        if tuple(shape) != tuple(s):        # the table and the plan must agree
            raise AssertionError(f"module {module}: expected input {shape}, got {s}")
        cost = inception_cost(s, *widths)
        s = cost.output_shape
        rows.append(_row(module, "inception", s, cost.params, cost.macs))
    s = _pool(rows, "avgpool", s, 7, 1)
    _dense(rows, "fc", s[2], classes)
    return rows


# ------------------------------------------------------------------ counts
def _summary_counts(model) -> tuple[int, int]:
    from cnnlab import arith
    summary = arith.summarize(model)
    return int(summary.params), int(summary.macs)


@functools.lru_cache(maxsize=None)
def _computed(name: str) -> tuple[int, int, str]:
    if name in ("LeNet-5", "AlexNet"):
        from cnnlab import models
        builder = models.lenet5 if name == "LeNet-5" else models.alexnet
        return (*_summary_counts(builder()), f"cnnlab.models.{builder.__name__}()")
    if name in ("ZFNet", "GoogLeNet"):
        plan = zfnet_plan() if name == "ZFNet" else googlenet_plan()
        how = "cnnlab.models.catalog." + ("zfnet_plan()" if name == "ZFNet" else "googlenet_plan()")
        return sum(r["params"] for r in plan), sum(r["macs"] for r in plan), how
    if name == "VGG-16":
        from cnnlab.models.vggnet import vgg_plan
        plan = vgg_plan("D")
        return (sum(r["params"] for r in plan), sum(r["macs"] for r in plan),
                "cnnlab.models.vggnet.vgg_plan('D')")
    import keras
    app = get(name).builder.rsplit(".", 1)[1]
    model = getattr(keras.applications, app)(weights=None)
    try:
        return (*_summary_counts(model), f"keras.applications.{app}(weights=None)")
    finally:
        del model
        keras.backend.clear_session()


def counts(name: str, build: bool | None = None) -> Counts:
    """Parameters and MACs of network ``name``, computed by cnnlab.

    Parameters
    ----------
    name : str
        A name from :func:`names`.
    build : bool, optional
        Whether to build the heavy ``keras.applications`` models (10–20 s
        each). Default: in the full profile yes, in the CI profile no — then
        their counts come from :data:`CACHED_COUNTS`. Light models are always
        computed. Results are cached for the session.

    Returns
    -------
    Counts
        ``params``, ``macs`` (multiply–accumulates for one image at the
        network's input size) and ``source`` (what computed them).

    Examples
    --------
    >>> c = counts("LeNet-5")
    >>> c.params, c.source
    (61706, 'cnnlab.models.lenet5()')
    >>> counts("ResNet-152", build=False).source
    'CACHED_COUNTS (keras.applications.ResNet152(weights=None), rebuilt by the tests)'
    """
    net = get(name)
    if build is None:
        from cnnlab.config import profile
        build = profile() == "full"
    if not isinstance(build, bool):
        raise ValueError(f"`build` must be True, False or None. Received: build={build!r}.")
    if net.heavy and not build:
        params, macs = CACHED_COUNTS[net.name]
        app = net.builder.rsplit(".", 1)[1]
        return Counts(params, macs, f"CACHED_COUNTS (keras.applications.{app}(weights=None), "
                                    "rebuilt by the tests)")
    return Counts(*_computed(net.name))


def table(build: bool | None = None, *, imagenet_only: bool = False) -> list[dict]:
    """One row per network: published figures next to cnnlab's counts.

    Parameters
    ----------
    build : bool, optional
        Passed to :func:`counts`.
    imagenet_only : bool, optional
        Leave out networks without an ImageNet top-5 error (LeNet-5).

    Returns
    -------
    list of dict
        Keys ``name``, ``year``, ``ilsvrc``, ``top5_error``, ``params``,
        ``macs`` (computed), ``paper_params``, ``paper_macs`` (published, or
        ``None``) and ``idea``.

    Examples
    --------
    >>> rows = table(build=False, imagenet_only=True)
    >>> rows[0]["name"], rows[0]["top5_error"], rows[0]["params"]
    ('AlexNet', 15.3, 62378344)
    """
    rows = []
    for net in NETWORKS:
        if imagenet_only and net.top5_error is None:
            continue
        c = counts(net.name, build)
        rows.append(dict(name=net.name, year=net.year, ilsvrc=net.ilsvrc,
                         top5_error=net.top5_error, params=c.params, macs=c.macs,
                         paper_params=net.params, paper_macs=net.macs, idea=net.idea))
    return rows


def axis_choice(axis: str) -> str:
    """Validate a chart axis name: ``"params"`` or ``"macs"``.

    Examples
    --------
    >>> axis_choice("macs")
    'macs'
    """
    return check_choice("axis", axis, ("params", "macs"))
