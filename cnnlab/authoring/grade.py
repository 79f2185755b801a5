"""Grade a class: ``python -m cnnlab.authoring.grade SUBMISSIONS... --lesson NN --csv grades.csv``.

SUBMISSIONS are notebooks or folders (every ``*.ipynb`` inside, recursively,
``.ipynb_checkpoints`` skipped). Each submission runs in a fresh kernel, in a
temporary copy, offline, in the CI profile, without strict mode, with a time
limit for the whole notebook (``--timeout``, default 300 s; the kernel is
killed then), two at a time (``--jobs``). Each question's status comes from
the checker's own sealed record (:mod:`cnnlab.check.record`), never from the
notebook's printed output:

- ``passed``: a check of the question passed;
- ``tried``: it was checked with an attempted answer, none passed;
- ``not attempted``: never checked, or only with ``...`` / a stub.

The CSV has the columns ``submission``, one per question of the lesson's bank
(``03.1``, …), ``total`` (questions passed) and ``note`` (why a submission could
not be graded, or what went wrong). A summary table is printed at the end.

A bad submission never stops the grader; it becomes a row with a reason:
invalid JSON, a notebook of another lesson (by its check calls, or by its file
name when it has none: not run), a deleted or edited check cell (that question
is "not attempted", noted), an endless loop (timeout: graded up to the last
cell that finished), a kernel that dies (``os._exit``), ``sys.exit()`` or any
error in a cell (noted; the remaining cells still run).

Threat model
------------
Protected against (a test shows each fails):

- printing or displaying "✓ 03.1 passed", or editing outputs: outputs are never read;
- redefining ``cnnlab.check`` (or ``cnnlab``) in the notebook, a fake ``cnnlab``
  package written next to the notebook: only the real checker holds the key,
  so nothing else can write a line the grader accepts;
- writing lines to the record file: each line carries an HMAC with a fresh
  random key per submission, which never appears in the environment, on a
  command line or in a file once the first cell runs;
- replaying record lines of another submission (another key);
- monkeypatching the checker (``Result``, ``run``, the bank's questions,
  ``numpy.allclose``, built-ins …): detected, noted, and passes recorded after
  it are counted as "tried";
- a cell that deletes files with relative paths (``rm -rf *``): it runs in a
  temporary copy; every submission was read before the first one ran.

Not prevented: code that reverse-engineers the checker inside the kernel
(reading the writer's closure, ``gc``, ``ctypes``, the process memory) can sign
lines; an answer object crafted to fool a bank's comparison is judged by the
bank as usual. The kernel runs as your user with your network: a submission
can read, write or delete anything you can by absolute path, or use the
network despite ``CNNLAB_OFFLINE=1``. Grade untrusted submissions in a
container or VM without network and without your files.

Examples
--------
>>> lesson_id("3")
'03'
>>> status_of([{"qid": "03.1", "kind": "hint", "tampered": None},
...            {"qid": "03.1", "kind": "passed", "tampered": None}], "03.1")
'passed'
"""
from __future__ import annotations

import argparse
import asyncio
import csv
import io
import re
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

PASSED, TRIED, UNATTEMPTED = "passed", "tried", "not attempted"
_MARK = {PASSED: "✓", TRIED: "✗", UNATTEMPTED: "–"}
_CHECK_CALL = re.compile(r"cnnlab\.check\(\s*['\"](\d{2}\.\d+)['\"]")
_NAME_LESSON = re.compile(r"(?<!\d)(\d{2})_[A-Za-z]")


@dataclass
class Submission:
    """A notebook to grade: its name in the CSV and its bytes (read up front)."""

    name: str
    path: Path
    data: bytes | None = None
    error: str = ""


@dataclass
class Row:
    """One graded submission."""

    submission: str
    statuses: dict
    note: str = ""
    seconds: float = 0.0
    notes: list = field(default_factory=list, repr=False)

    @property
    def total(self) -> int:
        return sum(s == PASSED for s in self.statuses.values())


# ----------------------------------------------------------------------- inputs
def lesson_id(lesson) -> str:
    """The two-digit id of a lesson with a question bank.

    Examples
    --------
    >>> lesson_id(1)
    '01'
    """
    from cnnlab.check.registry import available_lessons

    text = str(lesson).strip()
    text = text.zfill(2) if text.isdigit() and len(text) <= 2 else text
    lessons = available_lessons()
    if text not in lessons:
        raise ValueError(f"`lesson` must be one of {', '.join(lessons)}. "
                         f"Received: lesson={lesson!r}.")
    return text


def questions_of(lesson: str) -> list[str]:
    """The question ids of ``lesson``'s bank, in order ("03.1", "03.2", …)."""
    from cnnlab.check.registry import load_bank

    return sorted(load_bank(lesson), key=lambda q: int(q.split(".")[1]))


def collect(paths) -> list[Submission]:
    """The submissions named by ``paths`` (files, or folders searched recursively).

    Every file is read now, so a submission that deletes files cannot harm
    another. A path that does not exist becomes a submission with an error.
    """
    found: dict[Path, Submission] = {}
    for arg in paths:
        path = Path(arg)
        if path.is_dir():
            files = sorted(p for p in path.rglob("*.ipynb")
                           if ".ipynb_checkpoints" not in p.relative_to(path).parts)
            pairs = [(p, p.relative_to(path).as_posix()) for p in files]
        else:
            pairs = [(path, str(arg))]
        for file, name in pairs:
            key = file.resolve()
            if key in found:
                continue
            sub = Submission(name, file)
            try:
                sub.data = file.read_bytes()
            except FileNotFoundError:
                sub.error = "no such file or folder"
            except OSError as err:
                sub.error = f"could not read the file: {err.strerror or err}"
            found[key] = sub
    return sorted(found.values(), key=lambda s: s.name)


def parse(sub: Submission):
    """The submission as a notebook, or raise ``ValueError`` saying why it is not one."""
    import nbformat

    try:
        text = sub.data.decode("utf-8")
    except UnicodeDecodeError:
        raise ValueError("not a notebook: the file is not UTF-8 text") from None
    try:
        nb = nbformat.reads(text, as_version=4)
    except nbformat.reader.NotJSONError:
        raise ValueError("not a notebook: the file is not valid JSON "
                         "(broken while editing or uploading?)") from None
    except Exception as err:  # noqa: BLE001 - nbformat raises many kinds
        raise ValueError(f"not a notebook: {type(err).__name__}: "
                         f"{str(err).splitlines()[0][:120] if str(err) else ''}") from None
    if not isinstance(nb.get("cells"), list):
        raise ValueError("not a notebook: it has no list of cells")
    for cell in nb.cells:
        if isinstance(cell.get("source"), list):
            cell.source = "".join(cell.source)
        if cell.get("cell_type") == "code":
            cell.setdefault("outputs", [])
            cell.setdefault("metadata", {})
    return nb


def checked_in_source(nb) -> list[str]:
    """Question ids named in the notebook's ``cnnlab.check("NN.k", …)`` calls."""
    found = []
    for cell in nb.cells:
        if cell.get("cell_type") == "code":
            found += [q for q in _CHECK_CALL.findall(str(cell.get("source", "")))
                      if q not in found]
    return found


def other_lesson(nb, name: str, lesson: str) -> str:
    """Why the notebook belongs to another lesson ("" if it may be ``lesson``'s)."""
    lessons = sorted({q[:2] for q in checked_in_source(nb)})
    if lessons and lesson not in lessons:
        qids = [q for q in checked_in_source(nb)]
        return (f"a notebook of lesson {', '.join(lessons)} (it checks {qids[0]}"
                f"{'–' + qids[-1] if len(qids) > 1 else ''}), not of lesson {lesson}; not run")
    by_name = _NAME_LESSON.findall(Path(name).name)
    if not lessons and by_name and by_name[0] != lesson:
        return (f"a notebook of lesson {by_name[0]} by its file name, with no check "
                f"call of lesson {lesson}; not run")
    return ""


# ----------------------------------------------------------------------- grading
def status_of(records: list, qid: str) -> str:
    """``passed``, ``tried`` or ``not attempted`` from the verified records of ``qid``.

    A pass recorded after the notebook changed the checker counts as ``tried``.
    """
    mine = [r for r in records if r.get("qid") == qid]
    if any(r.get("kind") == "passed" and not r.get("tampered") for r in mine):
        return PASSED
    if any(r.get("kind") != "unattempted" for r in mine):
        return TRIED
    return UNATTEMPTED


def _assess(report, nb, lesson: str, questions: list) -> Row:
    statuses = {q: status_of(report.records, q) for q in questions}
    notes = []
    if report.problem:
        notes.append(report.problem)
    elif not report.armed:
        notes.append("the checker's record was never opened (did the kernel start?)")
    if report.forged:
        notes.append(f"{report.forged} record line(s) with a wrong seal ignored "
                     "(written by the notebook?)")
    if report.gaps:
        notes.append("record lines are missing (the record file was changed)")
    tampered = sorted({r["tampered"] for r in report.records if r.get("tampered")})
    if tampered:
        hit = sorted({r["qid"] for r in report.records if r.get("tampered")})
        notes.append(f"the notebook changed the checker ({', '.join(tampered)}): "
                     f"checks of {', '.join(hit)} after that do not count as passed")
    if report.errors:
        more = len(report.errors) - 1
        notes.append(report.errors[0] + (f" (and {more} more cell(s) raised)" if more else ""))
    others = sorted({r["qid"] for r in report.records if r["qid"][:2] != lesson})
    if others:
        notes.append(f"also checks {', '.join(others)}, not of lesson {lesson} (ignored)")
    in_source = set(checked_in_source(nb))
    missing = [q for q in questions if statuses[q] == UNATTEMPTED and q not in in_source]
    if missing:
        notes.append(f"no check call for {', '.join(missing)} (check cell deleted or edited?)")
    return Row("", statuses, "; ".join(notes), report.seconds)


async def grade_one(sub: Submission, lesson: str, questions: list, timeout: float,
                    kernel_name: str = "python3") -> Row:
    """Grade one submission; never raises for anything the submission does."""
    from cnnlab.authoring.sealed import run_sealed

    blank = {q: UNATTEMPTED for q in questions}
    if sub.error:
        return Row(sub.name, blank, sub.error)
    try:
        nb = parse(sub)
    except ValueError as err:
        return Row(sub.name, blank, str(err))
    reason = other_lesson(nb, sub.name, lesson)
    if reason:
        return Row(sub.name, blank, reason)
    try:
        report = await run_sealed(nb, lesson, timeout, kernel_name=kernel_name,
                                  name=Path(sub.name).name)
    except Exception as err:  # noqa: BLE001 - a grader bug must not stop the class
        return Row(sub.name, blank, f"grader error: {type(err).__name__}: {err}"[:300])
    row = _assess(report, nb, lesson, questions)
    row.submission = sub.name
    return row


async def _grade_all(subs, lesson, questions, timeout, jobs, kernel_name, bar) -> list:
    gate = asyncio.Semaphore(jobs)

    async def one(sub):
        async with gate:
            row = await grade_one(sub, lesson, questions, timeout, kernel_name)
        bar.update(1)
        bar.set_postfix_str(sub.name[-30:], refresh=True)
        return row

    return list(await asyncio.gather(*(one(s) for s in subs)))


def grade(paths, lesson, *, timeout: float = 300, jobs: int = 2,
          kernel_name: str = "python3", progress: bool = True) -> tuple[list, list]:
    """Grade every submission in ``paths``; return ``(questions, rows)``.

    Parameters
    ----------
    paths : list of str or Path
        Notebooks or folders of notebooks.
    lesson : str or int
        The lesson graded (``"03"``).
    timeout : float, optional
        Seconds per notebook (default 300).
    jobs : int, optional
        Notebooks run at a time (default 2).
    kernel_name : str, optional
        Jupyter kernel to use (default ``"python3"``; the notebook's own is ignored).
    progress : bool, optional
        Show a tqdm progress bar on stderr.
    """
    from tqdm.auto import tqdm

    from cnnlab._validate import check_int, check_number

    lesson = lesson_id(lesson)
    check_int("jobs", jobs, minimum=1)
    check_number("timeout", timeout, 0, low_open=True, unit="seconds")
    questions = questions_of(lesson)
    subs = collect(paths)
    with tqdm(total=len(subs), desc=f"grading lesson {lesson}", unit="notebook",
              disable=not progress, file=sys.stderr) as bar:
        rows = asyncio.run(_grade_all(subs, lesson, questions, timeout, jobs, kernel_name, bar))
    return questions, rows


# ----------------------------------------------------------------------- outputs
def to_csv(questions: list, rows: list) -> str:
    """The CSV text: ``submission``, one column per question, ``total``, ``note``.

    Examples
    --------
    >>> print(to_csv(["01.1"], [Row("a.ipynb", {"01.1": "passed"})]), end="")
    submission,01.1,total,note
    a.ipynb,passed,1,
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["submission", *questions, "total", "note"])
    for row in rows:
        writer.writerow([row.submission, *(row.statuses[q] for q in questions),
                         row.total, row.note])
    return buffer.getvalue()


def table(questions: list, rows: list) -> str:
    """A plain-text summary: ✓ passed, ✗ tried, – not attempted, then the note.

    Examples
    --------
    >>> print(table(["01.1", "01.2"], [Row("a.ipynb", {"01.1": "passed", "01.2": "tried"})]))
    submission  01.1  01.2  total  note
    a.ipynb      ✓     ✗    1/2
    ✓ passed · ✗ tried, not passed · – not attempted
    """
    width = max([10, *(len(r.submission) for r in rows)])
    head = f"{'submission':<{width}}  " + "  ".join(f"{q:^4}" for q in questions) + "  total  note"
    lines = [head]
    for row in rows:
        marks = "  ".join(f"{_MARK[row.statuses[q]]:^4}" for q in questions)
        lines.append(f"{row.submission:<{width}}  {marks}  {row.total}/{len(questions):<3}"
                     f"  {row.note}".rstrip())
    lines.append("✓ passed · ✗ tried, not passed · – not attempted")
    return "\n".join(lines)


def main(argv=None) -> int:
    """The command line; returns the exit status (0, or 2 for a usage error)."""
    parser = argparse.ArgumentParser(
        prog="python -m cnnlab.authoring.grade",
        description="Run submitted exercise notebooks and write each question's status "
                    "(passed / tried / not attempted) from the checker's own record.")
    parser.add_argument("submissions", nargs="+", metavar="SUBMISSION",
                        help="notebooks or folders of notebooks (searched recursively)")
    parser.add_argument("--lesson", required=True, help="the lesson graded, e.g. 03")
    parser.add_argument("--csv", type=Path, help="where to write the grades (CSV)")
    parser.add_argument("--timeout", type=float, default=300,
                        help="seconds per notebook, then its kernel is killed (default 300)")
    parser.add_argument("--jobs", type=int, default=2, help="notebooks run at a time (default 2)")
    parser.add_argument("--kernel", default="python3", help="Jupyter kernel (default python3)")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    try:
        questions, rows = grade(args.submissions, args.lesson, timeout=args.timeout,
                                jobs=args.jobs, kernel_name=args.kernel,
                                progress=not args.no_progress)
    except ValueError as err:
        parser.error(str(err))
    if not rows:
        parser.error("no notebooks found in " + " ".join(args.submissions))
    print(table(questions, rows))
    print(f"{len(rows)} submission(s) graded in {time.perf_counter() - start:.0f} s")
    if args.csv:
        args.csv.write_text(to_csv(questions, rows), encoding="utf-8")
        print(f"grades written to {args.csv}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
