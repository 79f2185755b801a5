"""Graded questions with immediate feedback: ``cnnlab.check("03.2", answer)``.

This module is callable. In an exercise notebook::

    cnnlab.check("03.2", conv_params)     # ✓ 03.2 passed — … / ✗ 03.2 not yet — hint
    cnnlab.check.progress("03")           # table of lesson 03's questions done

- :func:`check` (what calling the module does) runs question ``"NN.k"`` from
  the bank ``cnnlab/check/banks/lessonNN.py`` on the answer and returns a
  :class:`Result`; learner exceptions, endless loops and wrong types become
  feedback, ``...`` and ``NotImplementedError`` stubs count as not attempted.
- Strict mode (``CNNLAB_STRICT=1``): a failed check on an attempted answer
  raises :class:`CheckFailed`, so solution notebooks fail CI and autograding.
- :mod:`cnnlab.check.progress` (also callable) shows what is done.
- Banks are written with :func:`~cnnlab.check.registry.question`,
  :class:`~cnnlab.check.registry.NotYet` and the helpers in
  :mod:`cnnlab.check.helpers`; exercises are generated from the solutions by
  ``python -m cnnlab.authoring``.

Examples
--------
>>> import cnnlab
>>> from cnnlab.check import NotYet, question
>>> @question("99.5", "The answer")
... def _(answer):
...     if answer != 42:
...         raise NotYet("Think deeper.")
>>> cnnlab.check("99.5", 42)
✓ 99.5 passed — The answer
>>> cnnlab.check("99.5", ...).status
'not yet: not attempted'
"""
from __future__ import annotations

import sys
import types

from cnnlab.check import progress
from cnnlab.check.core import CheckFailed, check, find_question
from cnnlab.check.registry import REGISTRY, NotYet, question
from cnnlab.check.result import Result

__all__ = ["check", "progress", "CheckFailed", "Result", "NotYet", "question",
           "REGISTRY", "find_question"]


class _CallableModule(types.ModuleType):
    """A module that can be called: the call goes to the module's ``_call``."""

    def __call__(self, *args, **kwargs):
        return self._call(*args, **kwargs)


_call = check
sys.modules[__name__].__class__ = _CallableModule
progress.__class__ = _CallableModule
