"""Which questions are done: ``cnnlab.check.progress("03")``.

Every check is recorded in memory for the life of the kernel (nothing is
written to disk). ``progress("03")`` shows lesson 03's questions with their
status (✓ passed, ✗ tried but not passed yet, – not tried) and the number of
attempts; ``progress()`` shows every lesson checked in this session. The
module itself is callable, so ``cnnlab.check.progress("03")`` is the same as
``cnnlab.check.progress.progress("03")``.

Examples
--------
>>> from cnnlab.check.result import Result
>>> reset()
>>> record(Result("99.1", "Two plus two", kind="hint", message="Add again."))
>>> record(Result("99.1", "Two plus two"))
>>> attempts("99.1")
2
"""
from __future__ import annotations

import html
from dataclasses import dataclass, field

from cnnlab._display import html_table
from cnnlab.check.registry import REGISTRY, lesson_of, load_bank

# qid -> {"attempts": int, "passed": bool}; attempts count attempted answers only
_STATE: dict[str, dict] = {}

_MARKS = {"passed": "✓", "tried": "✗", "new": "–"}


def record(result) -> None:
    """Remember the outcome of one check (called by :func:`cnnlab.check`)."""
    entry = _STATE.setdefault(result.qid, {"attempts": 0, "passed": False})
    if result.attempted:
        entry["attempts"] += 1
    entry["passed"] = entry["passed"] or result.passed


def attempts(qid: str) -> int:
    """Number of attempted (not ``...``) answers checked for ``qid`` so far."""
    return _STATE.get(qid, {}).get("attempts", 0)


def reset() -> None:
    """Forget every recorded check (a fresh start without restarting the kernel)."""
    _STATE.clear()


def _sort_key(qid: str):
    lesson, k = qid.split(".")
    return int(lesson), int(k)


def _lesson_questions(lesson: str) -> dict:
    """The lesson's questions: its bank, plus any registered by hand (tests)."""
    try:
        load_bank(lesson)
    except ValueError:
        if not any(lesson_of(q) == lesson for q in REGISTRY):
            raise
    return {q: REGISTRY[q] for q in sorted(REGISTRY, key=_sort_key) if lesson_of(q) == lesson}


def _lesson_id(lesson) -> str:
    text = f"{lesson:02d}" if isinstance(lesson, int) and not isinstance(lesson, bool) \
        else str(lesson).strip()
    if not (len(text) == 2 and text.isdigit()):
        raise ValueError("`lesson` must be a two-digit lesson id such as '03' (or the "
                         f"int 3). Received: lesson={lesson!r}.")
    return text


@dataclass
class Progress:
    """A table of questions with their status; renders as HTML in notebooks.

    ``rows`` holds dicts with keys ``qid``, ``title``, ``status``
    (``"passed"``, ``"tried"`` or ``"new"``) and ``attempts``.
    """

    rows: list = field(default_factory=list)

    @property
    def done(self) -> int:
        return sum(row["status"] == "passed" for row in self.rows)

    def text(self) -> str:
        if not self.rows:
            return "No questions checked yet in this session."
        width = max(5, *(len(row["title"]) for row in self.rows))
        lines = [f"{'id':<6} {'title':<{width}}  status  attempts"]
        for row in self.rows:
            lines.append(f"{row['qid']:<6} {row['title']:<{width}}  "
                         f"{_MARKS[row['status']]:^6}  {row['attempts']:>8}")
        lines.append(f"{self.done} of {len(self.rows)} done")
        return "\n".join(lines)

    __str__ = text

    def __repr__(self) -> str:
        return self.text()

    def _repr_html_(self) -> str:
        if not self.rows:
            return f"<p>{html.escape(self.text())}</p>"
        colours = {"passed": "#2e7d32", "tried": "#b26a00", "new": "#777"}
        rows = [(html.escape(r["qid"]), html.escape(r["title"]),
                 f"<b style='color:{colours[r['status']]}'>{_MARKS[r['status']]}</b>",
                 r["attempts"]) for r in self.rows]
        return html_table(rows, ("id", "title", "status", "attempts"), align="llcr",
                          escape=False, attrs="class='cnnlab-progress'",
                          caption=f"{self.done} of {len(self.rows)} done")


def progress(lesson: str | int | None = None) -> Progress:
    """Show which questions of ``lesson`` are done in this session.

    Parameters
    ----------
    lesson : str or int, optional
        ``"03"`` (or ``3``). Default: every lesson checked in this session.

    Returns
    -------
    Progress
        Shows as a table in a notebook (id, title, status ✓/✗/–, attempts).

    Examples
    --------
    >>> from cnnlab.check.registry import question
    >>> from cnnlab.check.result import Result
    >>> @question("99.7", "Seven")
    ... def _(answer):
    ...     pass
    >>> reset(); record(Result("99.7", "Seven"))
    >>> print(progress("99").rows[-1])
    {'qid': '99.7', 'title': 'Seven', 'status': 'passed', 'attempts': 1}
    """
    if lesson is None:
        lessons = sorted({lesson_of(q) for q in _STATE})
    else:
        lessons = [_lesson_id(lesson)]
    rows = []
    for name in lessons:
        for qid, q in _lesson_questions(name).items():
            entry = _STATE.get(qid, {"attempts": 0, "passed": False})
            status = "passed" if entry["passed"] else ("tried" if entry["attempts"] else "new")
            rows.append({"qid": qid, "title": q.title, "status": status,
                         "attempts": entry["attempts"]})
    return Progress(rows)


_call = progress
