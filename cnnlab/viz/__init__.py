"""ipywidgets explorers, one module per concept (imported on first use).

Each widget is a class built on :class:`cnnlab.viz.base.ExplorerBase`; see
that module for the compute/draw contract. :func:`explorers` lists them all.
"""
from __future__ import annotations

import lazy_loader

__getattr__, __dir__, __all__ = lazy_loader.attach(__name__, submodules=[
    "augmentation", "base", "classic", "conv", "convolutions", "densenet", "dropout",
    "explain", "inception", "initialization", "inspector", "one_by_one", "optimizer_race",
    "pooling", "receptive_field", "residual", "transfer", "upload", "vgg"])
__all__ = [*__all__, "explorers"]


def explorers() -> dict:
    """Every explorer class in ``cnnlab.viz``, by class name (imports each module).

    Returns
    -------
    dict
        ``{"ConvExplorer": cnnlab.viz.conv.ConvExplorer, ...}``; a class's
        module is ``cls.__module__``.

    Examples
    --------
    >>> from cnnlab import viz
    >>> viz.explorers()["PoolingExplorer"].__module__
    'cnnlab.viz.pooling'
    """
    import importlib
    import inspect
    import pkgutil

    from cnnlab.viz.base import ExplorerBase

    found = {}
    for info in pkgutil.iter_modules(__path__):
        if info.name.startswith("_") or info.name == "base":
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        for name, obj in vars(module).items():
            if (inspect.isclass(obj) and issubclass(obj, ExplorerBase)
                    and obj.__module__ == module.__name__):
                found[name] = obj
    return found
