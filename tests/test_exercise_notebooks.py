"""Run every exercise notebook: no cell may fail and every check must say "not yet".

An exercise is a solution with its answers taken out, so each
``cnnlab.check("NN.k", …)`` in it must report "NN.k not yet" (it is
unattempted) without raising, even in strict mode (``CNNLAB_STRICT=1``, set
by conftest.py and inherited by the kernel). The solution notebooks themselves
run under nbval (``solutions/`` is in pytest's testpaths), where strict mode
makes any failing check fail the run.

Kernels are ``python3`` (``tools/setup.sh`` installs the kernelspec for .venv),
start in the notebook's folder and find this checkout of cnnlab first.
"""
import os
import re
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from cnnlab.authoring.generate import sync
from cnnlab.authoring.notebooks import new_notebook

REPO = Path(__file__).resolve().parents[1]
EXERCISES = sorted((REPO / "exercises").glob("*.ipynb"))
CHECK_CALL = re.compile(r"cnnlab\.check\(\s*['\"](\d{2}\.\d+)['\"]")
CELL_TIMEOUT = 600


def execute(path: Path):
    """Execute the notebook at ``path`` in a fresh ``python3`` kernel; return it."""
    nb = nbformat.read(path, as_version=4)
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO), env.get("PYTHONPATH")) if p)
    env["CNNLAB_PROFILE"] = "full"          # the default a learner gets
    client = NotebookClient(nb, kernel_name="python3", timeout=CELL_TIMEOUT,
                            resources={"metadata": {"path": str(path.parent)}})
    client.execute(env=env)          # raises CellExecutionError if a cell fails
    return nb


def _text(output) -> str:
    if output.get("output_type") == "stream":
        return output.get("text", "")
    return output.get("data", {}).get("text/plain", "")


def check_reports(nb, expected: str) -> list:
    """Problems with the checks' outputs: each must read ``"<qid> <expected>"``."""
    problems = []
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        shown = "\n".join(_text(o) for o in cell.outputs)
        for qid in CHECK_CALL.findall(cell.source):
            if f"{qid} {expected}" not in shown:
                problems.append(f"cell {index}: the check of {qid} does not show "
                                f"'{qid} {expected}' (is the check call the cell's last "
                                f"line?); output: {shown[:300]!r}")
    return problems


@pytest.mark.parametrize("path", EXERCISES, ids=[p.name for p in EXERCISES])
def test_exercise_runs_and_every_check_says_not_yet(path):
    problems = check_reports(execute(path), "not yet")
    assert problems == [], "\n".join(problems)


# ------------------------------------------------------------------ the harness itself
QUESTIONS = '''\
from cnnlab.check import NotYet, question

@question("98.1", "Double", expects="function")
def _(double):
    if double(21) != 42:
        raise NotYet("double(21) should be 42.")

@question("98.2", "Parameters of a 3x3 Conv2D, 16 -> 32")
def _(params):
    if params != 4640:
        raise NotYet("Count the biases too.")

@question("98.3", "Call it", timeout=1)
def _(func):
    func()'''

GRADED = [
    '''def double(x):\n    """Twice x."""\n    ### BEGIN SOLUTION\n    return 2 * x\n'''
    '''    ### END SOLUTION\n\ncnnlab.check("98.1", double)''',
    '''### BEGIN SOLUTION\n# TASK: (3*3*16 + 1) * 32, computed.\nparams = (3 * 3 * 16 + 1) * 32\n'''
    '''### END SOLUTION\ncnnlab.check("98.2", params)''',
    '''def noop():\n    ### BEGIN SOLUTION\n    return None\n    ### END SOLUTION\n\n'''
    '''cnnlab.check("98.3", noop)''',
]

PROBE = '''\
import threading
from cnnlab.check.core import find_question, run

def broken(x):
    return x / 0

def spin():
    while True:
        pass

print("main thread:", threading.current_thread() is threading.main_thread())
print(run(find_question("98.1"), broken))
print(run(find_question("98.3"), spin))'''


def test_harness_on_a_synthetic_lesson(tmp_path):
    cells = [("code", QUESTIONS)] + [("code", g) for g in GRADED] + [("code", PROBE)]
    new_notebook("solutions/98_demo.ipynb", "# 98 · Demo", cells, repo_root=tmp_path)
    sync(tmp_path)

    exercise = execute(tmp_path / "exercises/98_demo.ipynb")
    assert check_reports(exercise, "not yet") == []
    assert "98.1 not yet: not attempted — Write the body of `double`: Twice x." in \
        "".join(_text(o) for o in exercise.cells[3].outputs)

    solution = execute(tmp_path / "solutions/98_demo.ipynb")
    assert check_reports(solution, "passed") == []
    assert check_reports(solution, "not yet") != []       # the matcher can fail
    probe = "".join(_text(o) for o in solution.cells[-1].outputs)
    # in a real kernel: cells run in the main thread (so the alarm stops loops),
    # and the learner's line is found in the cell's source
    assert "main thread: True" in probe
    assert ("✗ 98.1 not yet — Your code raised ZeroDivisionError: division by zero — "
            "at line 5, in `broken`: `return x / 0`.") in probe
    assert "✗ 98.3 not yet — Your code took longer than 1 s — is there an endless loop?" in probe
