"""Every lesson and solution runs as a learner runs it, and its outputs read well.

Each notebook is executed through nbclient -- the engine behind
``jupyter nbconvert --execute``, papermill and Jupyter Book -- in a fresh
``python3`` kernel with the **default (full) profile** a learner gets, the
kernel's own matplotlib backend (no ``MPLBACKEND``) and a time limit per cell,
so a hang fails the test instead of stalling it. The executed notebook is then
read as a learner would see it (``notebook_outputs.problems``): no traceback,
no figure shown as ``<Figure …>`` text, a PNG from every cell that calls
``cnnlab.plot``, no stderr beyond TensorFlow's start-up lines, at most one
progress display per training run, no cell hiding its value behind ``;``.

Solutions run with ``CNNLAB_STRICT=1`` (a wrong answer raises). The executed
copies are kept in ``tests/artifacts/executed/`` for a look at the pictures.
"""
import os
import time
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

import notebook_outputs

REPO = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted(p.relative_to(REPO).as_posix()
                   for folder in ("lessons", "solutions")
                   for p in (REPO / folder).glob("*.ipynb"))
CELL_TIMEOUT = 300           # seconds: a hung cell fails here, not at CI's limit
NOTEBOOK_LIMIT = 400         # seconds of wall time: a lesson that slow has lost its way
ARTIFACTS = REPO / "tests" / "artifacts" / "executed"


def kernel_env(profile: str = "full") -> dict:
    env = dict(os.environ)
    env["CNNLAB_PROFILE"] = profile
    env.pop("MPLBACKEND", None)            # the kernel's default, as in JupyterLab
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO), env.get("PYTHONPATH")) if p)
    return env


def execute(path: Path, profile: str = "full"):
    """Execute ``path`` like ``jupyter nbconvert --execute``; return (notebook, seconds)."""
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, kernel_name="python3", timeout=CELL_TIMEOUT,
                            resources={"metadata": {"path": str(path.parent)}})
    start = time.monotonic()
    client.execute(env=kernel_env(profile))      # CellExecutionError / CellTimeoutError
    return nb, time.monotonic() - start


@pytest.mark.slow
@pytest.mark.parametrize("rel", NOTEBOOKS)
def test_notebook_runs_in_the_default_profile_and_reads_well(rel):
    nb, seconds = execute(REPO / rel)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, ARTIFACTS / rel.replace("/", "__"))
    found = notebook_outputs.problems(nb)
    assert not found, f"{rel}:\n" + "\n".join(found)
    assert seconds < NOTEBOOK_LIMIT, f"{rel} took {seconds:.0f} s (limit {NOTEBOOK_LIMIT} s)"


# ------------------------------------------------------------------ the inspector itself
def _cell(source, *outputs):
    cell = nbformat.v4.new_code_cell(source)
    cell.outputs = [nbformat.NotebookNode(o) for o in outputs]
    return cell


def test_inspector_flags_what_a_learner_must_not_meet():
    figure_text = {"output_type": "execute_result", "execution_count": 1, "metadata": {},
                   "data": {"text/plain": "<Figure size 520x145 with 4 Axes>"}}
    png = {"output_type": "display_data", "metadata": {},
           "data": {"image/png": "iVBOR", "text/plain": "<Figure size 520x145 with 4 Axes>"}}
    bar = {"output_type": "display_data", "metadata": {},
           "data": {"text/html": "<div><progress value='1' max='2'>", "text/plain": "1/2"}}
    stderr = {"output_type": "stream", "name": "stderr", "text": "UserWarning: oops\n"}
    tf_noise = {"output_type": "stream", "name": "stderr", "text":
                "WARNING: All log messages before absl::InitializeLog() is called are "
                "written to STDERR\nI0000 00:00:1796580417.858054    4253 port.cc:153] "
                "oneDNN custom operations are on.\n"}
    check = notebook_outputs.cell_problems
    assert check(0, _cell("cnnlab.plot.image_grid(x)", figure_text))
    assert check(0, _cell("cnnlab.plot.image_grid(x);"))
    assert check(0, _cell("cnnlab.plot.image_grid(x)", png)) == []
    assert check(0, _cell("r = cnnlab.train.fit(m, d)", bar, bar))
    assert check(0, _cell("r = cnnlab.train.fit(m, d)", bar)) == []
    assert check(0, _cell("x = 1", stderr))
    assert check(0, _cell("import keras", tf_noise)) == []
    raw = {"output_type": "execute_result", "execution_count": 1, "metadata": {},
           "data": {"text/plain": "(25120, 320, 78)"}}
    assert check(0, _cell("dense, conv, round(dense / conv)", raw))
    raw["data"]["text/plain"] = "(26, 26, 32)"
    assert check(0, _cell("ours", raw)) == []
