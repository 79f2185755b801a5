r"""nbgrader's solution markers: finding the regions, marking cells for nbgrader.

A solution notebook marks what the learner writes with lines that read exactly
``### BEGIN SOLUTION`` and ``### END SOLUTION`` (in markdown also
``<!-- BEGIN SOLUTION -->`` … ``<!-- END SOLUTION -->``). This module finds
them (:func:`find_regions`, :func:`has_solution`) and gives the cells holding
them the metadata ``nbgrader generate_assignment`` requires
(:func:`mark_for_nbgrader`); :mod:`cnnlab.authoring.generate` turns them
into exercise stubs.

Examples
--------
>>> has_solution("x = 1\n### BEGIN SOLUTION\nx = 2\n### END SOLUTION")
True
"""
from __future__ import annotations

import re
from dataclasses import dataclass

BEGIN = "### BEGIN SOLUTION"
END = "### END SOLUTION"
TEXT_STUB = "YOUR ANSWER HERE"
CODE_HINT = "# YOUR CODE HERE"
ANSWER = "...  # YOUR ANSWER"
SOLUTIONS, EXERCISES = "solutions", "exercises"

_NEAR_MARKER = re.compile(r"^\s*#+\s*(BEGIN|END)\s+SOLUTION\s*$", re.IGNORECASE)
_HTML_REGION = re.compile(r"<!--\s*BEGIN SOLUTION\s*-->.*?<!--\s*END SOLUTION\s*-->", re.DOTALL)
_HTML_MARK = re.compile(r"<!--\s*(BEGIN|END) SOLUTION\s*-->")
_CHECK_CALL = re.compile(r"cnnlab\.check\(\s*['\"](\d{2}\.\d+)['\"]")

class GenerateError(ValueError):
    """A solution notebook whose markers cannot be turned into an exercise."""


@dataclass
class Region:
    """One marked region: marker line numbers (0-based), indentation, body lines."""

    begin: int
    end: int
    indent: str
    body: list


# ------------------------------------------------------------------ regions
def find_regions(source: str) -> list[Region]:
    """The ``### BEGIN/END SOLUTION`` regions of a cell's source.

    Markers must read exactly as nbgrader expects (after stripping spaces);
    near misses (``## BEGIN SOLUTION``, lower case), nested or unclosed regions
    raise :class:`GenerateError` rather than leak a solution.

    Examples
    --------
    >>> source = "a = 1\\n### BEGIN SOLUTION\\nb = 2\\n### END SOLUTION"
    >>> [(r.begin, r.end, r.body) for r in find_regions(source)]
    [(1, 3, ['b = 2'])]
    """
    lines = source.split("\n")
    regions, start = [], None
    for i, line in enumerate(lines):
        text = line.strip()
        if text == BEGIN:
            if start is not None:
                raise GenerateError(f"line {i + 1}: a `{BEGIN}` inside another region.")
            start = i
        elif text == END:
            if start is None:
                raise GenerateError(f"line {i + 1}: `{END}` without `{BEGIN}`.")
            indent = lines[start][:len(lines[start]) - len(lines[start].lstrip())]
            regions.append(Region(start, i, indent, lines[start + 1:i]))
            start = None
        elif _NEAR_MARKER.match(line):
            raise GenerateError(f"line {i + 1}: write the marker exactly as `{BEGIN}` or "
                                f"`{END}` (nbgrader's form). Received: {text!r}.")
    if start is not None:
        raise GenerateError(f"line {start + 1}: `{BEGIN}` without `{END}`.")
    return regions


def has_solution(source: str, *, html: bool = True) -> bool:
    """Whether a cell's source holds a solution region (``html``: either marker style)."""
    return any(line.strip() == BEGIN for line in source.split("\n")) or \
        (html and bool(_HTML_MARK.search(source)))


def _grade_id(cell, index: int, taken: set) -> str:
    qids = sorted(set(_CHECK_CALL.findall(cell.source)))
    candidates = [f"q{qids[0].replace('.', '_')}"] if len(qids) == 1 else []
    candidates += [re.sub(r"[^A-Za-z0-9_-]", "-", f"cell-{cell.get('id', index)}"),
                   f"cell-{index}"]
    for gid in candidates:
        if gid not in taken:
            return gid
    return f"cell-{index}-{len(taken)}"


def mark_for_nbgrader(nb) -> bool:
    """Give every cell holding a solution region nbgrader's metadata (in place).

    Code cells become "autograded answer" cells, markdown cells "manually graded
    answer" cells (1 point), as ``nbgrader generate_assignment`` requires.
    Returns whether anything changed.
    """
    changed, taken = False, set()
    for index, cell in enumerate(nb.cells):
        meta = cell.metadata.get("nbgrader")
        if not has_solution(cell.source, html=False):     # nbgrader sees only ### markers
            continue
        if meta and meta.get("solution") and meta.get("grade_id"):
            taken.add(meta["grade_id"])
            continue
        markdown = cell.cell_type == "markdown"
        gid = _grade_id(cell, index, taken)
        taken.add(gid)
        cell.metadata["nbgrader"] = {"grade": markdown, "grade_id": gid, "locked": False,
                                     **({"points": 1} if markdown else {}),
                                     "schema_version": 3, "solution": True, "task": False}
        changed = True
    return changed
