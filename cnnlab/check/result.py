"""What a check returns: a small object that shows itself in a notebook.

A :class:`Result` renders as a one-line green box ("✓ 03.2 passed — title")
or amber box ("✗ 03.2 not yet — hint") in Jupyter and Colab, and as the same
line in a terminal. It is truthy only when the answer passed, so an
autograder cell can ``assert cnnlab.check("03.2", answer)``.

Examples
--------
>>> r = Result("03.2", "Parameters of a Conv2D", kind="passed")
>>> print(r)
✓ 03.2 passed — Parameters of a Conv2D
>>> bool(r)
True
>>> print(Result("03.2", "Parameters of a Conv2D", kind="hint", message="Count the bias."))
✗ 03.2 not yet — Count the bias.
"""
from __future__ import annotations

import html
from dataclasses import dataclass
from cnnlab._validate import check_choice

#: the kinds of result; all but "passed" say "not yet"
KINDS = ("passed", "hint", "unattempted", "error", "timeout", "type")

_STYLE = {
    True: ("#e8f5e9", "#2e7d32"),     # background, border/text: green
    False: ("#fff8e1", "#b26a00"),    # amber
}


@dataclass(frozen=True)
class Result:
    """The outcome of ``cnnlab.check(qid, answer)``.

    Parameters
    ----------
    qid, title : str
        The question's id and title.
    kind : {"passed", "hint", "unattempted", "error", "timeout", "type"}
        ``"hint"``: the question named the mistake; ``"error"``: the learner's
        code raised; ``"timeout"``: it ran too long; ``"type"``: the answer is
        the wrong kind of value; ``"unattempted"``: still ``...`` or a stub.
    message : str, optional
        The hint or the feedback (empty for a plain pass).

    Attributes
    ----------
    passed : bool
    attempted : bool
        False only for ``kind == "unattempted"``.
    """

    qid: str
    title: str
    kind: str = "passed"
    message: str = ""

    def __post_init__(self):
        check_choice("kind", self.kind, KINDS)

    @property
    def passed(self) -> bool:
        return self.kind == "passed"

    @property
    def attempted(self) -> bool:
        return self.kind != "unattempted"

    @property
    def status(self) -> str:
        """``"passed"``, ``"not yet"`` or ``"not yet: not attempted"``."""
        if self.passed:
            return "passed"
        return "not yet" if self.attempted else "not yet: not attempted"

    def __bool__(self) -> bool:
        return self.passed

    def text(self) -> str:
        """The one-line text form (also ``str(result)`` and ``repr(result)``)."""
        mark = "✓" if self.passed else "✗"
        detail = self.message if (self.message and not self.passed) else self.title
        if self.passed and self.message:
            detail = f"{self.title}. {self.message}"
        return f"{mark} {self.qid} {self.status} — {detail}"

    __str__ = text

    def __repr__(self) -> str:
        return self.text()

    def _repr_html_(self) -> str:
        background, colour = _STYLE[self.passed]
        mark = "✓" if self.passed else "✗"
        head = (f"<b>{mark} {html.escape(self.qid)} {html.escape(self.status)}</b>"
                f" — {html.escape(self.title)}")
        body = ""
        if self.message:
            message = html.escape(self.message).replace("\n", "<br>")
            body = f"<div style='margin-top:3px;color:#222'>{message}</div>"
        return (f"<div class='cnnlab-check' data-qid='{html.escape(self.qid)}' "
                f"data-status='{self.kind}' style='background:{background};"
                f"border-left:4px solid {colour};color:{colour};padding:6px 10px;"
                f"margin:4px 0;border-radius:3px;font-family:sans-serif;"
                f"font-size:14px'>{head}{body}</div>")
