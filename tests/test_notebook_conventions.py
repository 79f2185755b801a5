"""Every committed notebook follows the course conventions (CONTRIBUTING.md).

- committed without outputs or execution counts;
- first cell: markdown with the Colab badge for the notebook's own path;
  second cell: exactly ``cnnlab.authoring.notebooks.SETUP_CELL``;
- every exercise has its solution twin and vice versa, and the exercises are
  what ``python -m cnnlab.authoring`` makes of the solutions;
- every solution grades at least three questions of its lesson's bank inside
  ``### BEGIN SOLUTION`` regions; no exercise gives a solution away.

The parametrized tests are empty (skipped) while there are no notebooks; the
plain tests always run.
"""
import re
from pathlib import Path

import nbformat
import pytest

from cnnlab.check import find_question
from cnnlab.authoring.generate import EXERCISES, SOLUTIONS, find_regions, sync
from cnnlab.authoring.notebooks import SETUP_CELL, badge_markdown

REPO = Path(__file__).resolve().parents[1]
FOLDERS = ("lessons", EXERCISES, SOLUTIONS)
NOTEBOOKS = sorted(p.relative_to(REPO).as_posix() for folder in FOLDERS
                   for p in (REPO / folder).glob("*.ipynb"))
SOLUTION_NOTEBOOKS = [p for p in NOTEBOOKS if p.startswith(f"{SOLUTIONS}/")]
EXERCISE_NOTEBOOKS = [p for p in NOTEBOOKS if p.startswith(f"{EXERCISES}/")]
CHECK_CALL = re.compile(r"cnnlab\.check\(\s*['\"](\d{2}\.\d+)['\"]")
MIN_QUESTIONS = 3


def _read(rel: str):
    return nbformat.read(REPO / rel, as_version=4)


def _names(folder: str) -> set:
    return {p.name for p in (REPO / folder).glob("*.ipynb")}


def _code_lines(lines) -> str:
    """A region's code without blank lines, comments and indentation."""
    return "\n".join(line.strip() for line in lines
                     if line.strip() and not line.strip().startswith("#"))


# ------------------------------------------------------------------ always run
def test_collection_sees_the_notebook_folders():
    assert all((REPO / folder).is_dir() for folder in FOLDERS)
    assert set(SOLUTION_NOTEBOOKS) | set(EXERCISE_NOTEBOOKS) <= set(NOTEBOOKS)
    assert SETUP_CELL.splitlines()[-2:] == ["import cnnlab", "cnnlab.setup()"]


def test_every_exercise_has_a_solution_twin_and_vice_versa():
    exercises, solutions = _names(EXERCISES), _names(SOLUTIONS)
    assert exercises - solutions == set(), "exercises without a solution"
    assert solutions - exercises == set(), "solutions without an exercise: run " \
        "`python -m cnnlab.authoring`"


def test_exercises_are_up_to_date_with_the_generator():
    problems = sync(REPO, check=True)
    assert problems == [], ("run `python -m cnnlab.authoring` and commit:\n"
                            + "\n".join(problems))


# ------------------------------------------------------------------ every notebook
@pytest.mark.parametrize("rel", NOTEBOOKS)
def test_committed_without_outputs(rel):
    for index, cell in enumerate(_read(rel).cells):
        if cell.cell_type == "code":
            assert cell.outputs == [], f"cell {index} has outputs: run nbstripout"
            assert cell.execution_count is None, f"cell {index} has an execution count"


@pytest.mark.parametrize("rel", NOTEBOOKS)
def test_starts_with_its_badge_and_the_setup_cell(rel):
    cells = _read(rel).cells
    assert len(cells) >= 2
    assert cells[0].cell_type == "markdown"
    assert badge_markdown(rel) in cells[0].source, f"first cell needs the badge for {rel}"
    assert cells[1].cell_type == "code" and cells[1].source == SETUP_CELL


# ------------------------------------------------------------------ graded notebooks
@pytest.mark.parametrize("rel", SOLUTION_NOTEBOOKS)
def test_solution_grades_at_least_three_questions(rel):
    code = [c.source for c in _read(rel).cells if c.cell_type == "code"]
    qids = sorted({q for source in code for q in CHECK_CALL.findall(source)})
    regions = [r for source in code for r in find_regions(source)]
    assert len(qids) >= MIN_QUESTIONS, f"only {len(qids)} `cnnlab.check(` questions: {qids}"
    assert len(regions) >= MIN_QUESTIONS, f"only {len(regions)} `### BEGIN SOLUTION` regions"
    lesson = Path(rel).name[:2]
    for qid in qids:
        assert qid[:2] == lesson, f"{qid} is not a question of lesson {lesson}"
        find_question(qid)          # raises if the bank lacks it


@pytest.mark.parametrize("rel", EXERCISE_NOTEBOOKS)
def test_exercise_gives_no_solution_away(rel):
    exercise = {c.get("id", i): c.source for i, c in enumerate(_read(rel).cells)}
    for text in exercise.values():
        assert "BEGIN SOLUTION" not in text and "END SOLUTION" not in text
    twin = REPO / SOLUTIONS / Path(rel).name
    if not twin.exists():
        pytest.skip("no solution twin (reported by the twin test)")
    for index, cell in enumerate(nbformat.read(twin, as_version=4).cells):
        if cell.cell_type != "code":
            continue
        stub = _code_lines(exercise.get(cell.get("id", index), "").split("\n"))
        for region in find_regions(cell.source):
            secret = _code_lines(region.body)
            assert not secret or secret not in stub, \
                f"cell {index} of {rel} still holds the solution:\n{secret}"
