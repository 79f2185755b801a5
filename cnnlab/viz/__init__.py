"""ipywidgets explorers, one module per concept (imported on first use).

Each widget is a class built on :class:`cnnlab.viz.base.ExplorerBase`; see
that module for the compute/draw contract.
"""
import importlib

_MODULES = {}


def __getattr__(name):
    try:
        return importlib.import_module(f"cnnlab.viz.{name}")
    except ModuleNotFoundError as err:
        if err.name == f"cnnlab.viz.{name}":
            raise AttributeError(f"module 'cnnlab.viz' has no attribute {name!r}") from None
        raise
