"""Helpers for the question-bank tests (``tests/test_check_lessonNN.py``).

Each test file imports what it needs, as ``test_browser.py`` imports
``browser_util`` (``tests/`` is not a package; pytest puts it on ``sys.path``)::

    from check_util import expect_hint, hint, run

A question id names its lesson ("07.2" is lesson 07), so the helpers find the
bank themselves; a test file keeps ``BANK = load_bank("NN")`` only to look at
the bank as a whole (its ids, a question's settings).
"""
from __future__ import annotations

import pytest

from cnnlab.check.registry import NotYet, lesson_of, load_bank


def run(qid: str, answer):
    """Check `answer` against question `qid` as the checker does; None when it passes."""
    return load_bank(lesson_of(qid))[qid].func(answer)


def hint(qid: str, answer) -> str:
    """The hint question `qid` gives for `answer`; the test fails if it gives none."""
    with pytest.raises(NotYet) as err:
        run(qid, answer)
    return str(err.value)


def expect_hint(qid: str, answer, text: str) -> None:
    """Question `qid` says "not yet" to `answer` with a hint matching regex `text`."""
    with pytest.raises(NotYet, match=text):
        run(qid, answer)
