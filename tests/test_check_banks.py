"""Every lesson's question bank, checked the same way (one parametrized test).

A bank numbers its questions ``NN.1`` … ``NN.k`` without gaps, has at least
three, and its solution notebook grades every one of them -- so a question
cannot be added to a bank and forgotten in the notebook, or the other way round.
"""
import re
from pathlib import Path

import nbformat
import pytest

from cnnlab.check.registry import available_lessons, load_bank

REPO = Path(__file__).resolve().parents[1]
CHECK_CALL = re.compile(r"cnnlab\.check\(\s*['\"](\d{2}\.\d+)['\"]")


def test_every_lesson_notebook_with_a_solution_has_a_bank():
    solved = {p.name[:2] for p in (REPO / "solutions").glob("*.ipynb")}
    assert solved <= set(available_lessons())


@pytest.mark.parametrize("lesson", available_lessons())
def test_bank_is_numbered_without_gaps_and_graded_by_its_solution(lesson):
    ids = sorted(load_bank(lesson), key=lambda q: int(q.split(".")[1]))
    assert len(ids) >= 3, ids
    assert ids == [f"{lesson}.{k}" for k in range(1, len(ids) + 1)]
    [solution] = (REPO / "solutions").glob(f"{lesson}_*.ipynb")
    source = "\n".join(c.source for c in nbformat.read(solution, as_version=4).cells)
    graded = set(CHECK_CALL.findall(source))
    assert graded == set(ids), f"solution grades {sorted(graded)}, bank has {ids}"
