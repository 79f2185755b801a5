"""The question registry: how a lesson's question bank declares its questions.

A bank is a plain module ``cnnlab/check/banks/lessonNN.py``. Each question is a
function that takes the learner's answer and either returns (passed; it may
return a short success message) or raises :class:`NotYet` with a hint aimed at
the mistake actually made::

    from cnnlab.check.registry import NotYet, question

    @question("00.1", "Output size of a 'valid' convolution")
    def _(conv_out):
        got = conv_out(28, 3, 1)
        if got == 28:
            raise NotYet("28 is the 'same'-padding size; the question asks for 'valid'.")
        if got != 26:
            raise NotYet(f"conv_out(28, 3, 1) gave {got!r}; expected 26.")

Question ids are ``"NN.k"``; the bank for ``"NN"`` is imported on first use.
Unattempted answers (``...`` or a stub raising ``NotImplementedError``),
exceptions and endless loops in learner code are handled by the checker in
:mod:`cnnlab.check`, not by the question.
"""
from __future__ import annotations

import importlib
import re
from dataclasses import dataclass, field
from typing import Callable
from cnnlab._validate import check_number

_QID = re.compile(r"^(\d{2})\.(\d+)$")


class NotYet(Exception):
    """Raised by a question: the answer is not right yet; the message is the hint."""


@dataclass
class Question:
    """One graded question."""

    qid: str
    title: str
    func: Callable = field(repr=False)
    timeout: float = 10.0
    expects: object = None


REGISTRY: dict[str, Question] = {}

#: the answer kinds ``question(expects=...)`` understands by name
EXPECTS = ("function", "number", "array", "model")


def question(qid: str, title: str, *, timeout: float = 10.0, expects=None):
    """Register the decorated function as the checker of question ``qid``.

    Parameters
    ----------
    qid : str
        ``"NN.k"``: lesson ``NN``, question ``k``.
    title : str
        A short title shown with the result ("Output size of a 'valid' convolution").
    timeout : float, optional
        Seconds the learner's code may run before the checker stops it
        (default 10). Questions that build or run a Keras model want ~60.
    expects : {"function", "number", "array", "model"}, type or tuple of types, optional
        The kind of answer; anything else gets "expected a function, got int"
        feedback before the question runs.

    Examples
    --------
    >>> @question("99.1", "Two plus two")
    ... def _(answer):
    ...     if answer != 4:
    ...         raise NotYet("Add again.")
    >>> REGISTRY["99.1"].title
    'Two plus two'
    """
    if not _QID.match(qid):
        raise ValueError("`qid` must look like 'NN.k', e.g. '03.2'. "
                         f"Received: qid={qid!r}.")

    check_number("timeout", timeout, 0, low_open=True, unit="seconds")
    if isinstance(expects, str) and expects not in EXPECTS:
        raise ValueError(f"`expects` must be one of {', '.join(map(repr, EXPECTS))}, a type "
                         f"or a tuple of types. Received: expects={expects!r}.")

    def register(func):
        REGISTRY[qid] = Question(qid, title, func, float(timeout), expects)
        return func
    return register


def lesson_of(qid: str) -> str:
    """Return the two-digit lesson of a question id, validating it.

    Examples
    --------
    >>> lesson_of("03.2")
    '03'
    """
    m = _QID.match(str(qid))
    if not m:
        raise ValueError("`qid` must look like 'NN.k', e.g. '03.2'. "
                         f"Received: qid={qid!r}.")
    return m.group(1)


def load_bank(lesson: str) -> dict[str, Question]:
    """Import ``cnnlab.check.banks.lessonNN`` and return its questions by id."""
    try:
        importlib.import_module(f"cnnlab.check.banks.lesson{lesson}")
    except ModuleNotFoundError as err:
        if err.name != f"cnnlab.check.banks.lesson{lesson}":
            raise
        raise ValueError(f"There is no question bank for lesson {lesson!r}. "
                         f"Lessons with questions: {', '.join(available_lessons())}.") from None
    return {q: v for q, v in REGISTRY.items() if lesson_of(q) == lesson}


def available_lessons() -> list[str]:
    """Two-digit ids of the lessons that ship a question bank."""
    from importlib import resources
    names = [p.name for p in resources.files("cnnlab.check.banks").iterdir()]
    return sorted(n[6:8] for n in names if re.fullmatch(r"lesson\d{2}\.py", n))
