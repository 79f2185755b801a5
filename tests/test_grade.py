"""``python -m cnnlab.authoring.grade`` on folders of crafted submissions of lesson 01.

Lesson 01 is graded because its solution runs fastest (about 2.5 s with the
kernel's start, against 18 s for lesson 03, which imports Keras). Every
submission is built here from ``solutions/01_one_by_one.ipynb`` or the
generated ``exercises/01_one_by_one.ipynb``; the expected CSV is written out
in full.
"""
from __future__ import annotations

import asyncio
import copy
import json
import time
from pathlib import Path

import nbformat
import pytest

from cnnlab.authoring import grade as G

REPO = Path(__file__).resolve().parents[1]
SOLUTION = nbformat.read(REPO / "solutions/01_one_by_one.ipynb", as_version=4)
EXERCISE = nbformat.read(REPO / "exercises/01_one_by_one.ipynb", as_version=4)
OTHER = nbformat.read(REPO / "solutions/00_convolution.ipynb", as_version=4)
TIMEOUT = 30          # seconds per notebook; lesson 01 needs about 3
QUESTIONS = ["01.1", "01.2", "01.3", "01.4"]
# code cells of lesson 01: 1 set-up, 3 numpy, 5 01.1, 7 01.2, 9 01.3, 11 01.4, 13 progress


def edited(nb, *, insert=None, replace=None, delete=()):
    """A copy of ``nb``: ``insert`` {index: source} (new code cell at index),
    ``replace`` {index: source}, ``delete`` (indices, applied first)."""
    nb = copy.deepcopy(nb)
    for index, source in (replace or {}).items():
        nb.cells[index].source = source
    nb.cells = [c for i, c in enumerate(nb.cells) if i not in set(delete)]
    for index, source in sorted((insert or {}).items(), reverse=True):
        nb.cells.insert(index, nbformat.v4.new_code_cell(source))
    return nb


def write(folder: Path, name: str, nb) -> None:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(nb, str):
        path.write_text(nb, encoding="utf-8")
    else:
        nbformat.write(nb, str(path))


def cell_answer(index: int, answer: str):
    """The exercise with the top-level answer of code cell ``index`` filled in."""
    source = EXERCISE.cells[index].source.replace("...  # YOUR ANSWER", answer)
    return edited(EXERCISE, replace={index: source})


@pytest.fixture(scope="module")
def class_folder(tmp_path_factory) -> Path:
    """Ten submissions: the usual, the broken and the mischievous."""
    folder = tmp_path_factory.mktemp("class")
    write(folder, "ada/01_one_by_one.ipynb", SOLUTION)
    write(folder, "ben/01_one_by_one.ipynb", EXERCISE)
    write(folder, "cy/01_one_by_one.ipynb", '{"cells": [{"cell_type": "code", ')
    write(folder, "dee/01_one_by_one.ipynb", OTHER)                   # lesson 00's
    # the check cell of 01.3 deleted, 01.4's edited into a print
    write(folder, "eve/01_one_by_one.ipynb", edited(
        SOLUTION, delete=[9], replace={11: SOLUTION.cells[11].source.replace(
            'cnnlab.check("01.4", out_shape)', "print(out_shape)")}))
    # Colab's renamed copy: 01.2 right, 01.3 wrong
    copy_of = cell_answer(7, "192 * 32 + 32")
    copy_of.cells[9].source = copy_of.cells[9].source.replace("...  # YOUR ANSWER", "192 * 32")
    write(folder, "fay/Copy of 01_one_by_one.ipynb", copy_of)
    write(folder, "gus/01_one_by_one.ipynb", edited(SOLUTION, insert={8: "while True:\n    pass"}))
    write(folder, "hal/01_one_by_one.ipynb", edited(SOLUTION, insert={6: "import os\nos._exit(1)"}))
    write(folder, "ivy/01_one_by_one.ipynb", edited(SOLUTION, insert={
        4: "import os\nfor name in os.listdir('.'):\n    os.remove(name)\n"
           "os.remove('01_one_by_one.ipynb') if os.path.exists('01_one_by_one.ipynb') else None"}))
    write(folder, "jo/01_one_by_one.ipynb", edited(SOLUTION, insert={8: "import sys\nsys.exit()"}))
    (folder / "jo/.ipynb_checkpoints").mkdir()
    write(folder, "jo/.ipynb_checkpoints/01_one_by_one-checkpoint.ipynb", EXERCISE)
    return folder


EXPECTED = """\
submission,01.1,01.2,01.3,01.4,total,note
ada/01_one_by_one.ipynb,passed,passed,passed,passed,4,
ben/01_one_by_one.ipynb,not attempted,not attempted,not attempted,not attempted,0,
cy/01_one_by_one.ipynb,not attempted,not attempted,not attempted,not attempted,0,\
not a notebook: the file is not valid JSON (broken while editing or uploading?)
dee/01_one_by_one.ipynb,not attempted,not attempted,not attempted,not attempted,0,\
"a notebook of lesson 00 (it checks 00.1–00.4), not of lesson 01; not run"
eve/01_one_by_one.ipynb,passed,passed,not attempted,not attempted,2,\
"no check call for 01.3, 01.4 (check cell deleted or edited?)"
fay/Copy of 01_one_by_one.ipynb,not attempted,passed,tried,not attempted,1,
gus/01_one_by_one.ipynb,passed,passed,not attempted,not attempted,2,\
timed out after 30 s in cell 9 of 15; graded up to cell 8
hal/01_one_by_one.ipynb,passed,not attempted,not attempted,not attempted,1,\
"the kernel died in cell 7 of 15 (os._exit, exit() or a crash); graded up to cell 6"
ivy/01_one_by_one.ipynb,passed,passed,passed,passed,4,
jo/01_one_by_one.ipynb,passed,passed,passed,passed,4,cell 9 raised SystemExit
"""


@pytest.mark.slow
def test_a_class_of_ten_gives_the_expected_csv_in_under_a_minute(class_folder, tmp_path, capsys):
    grades = tmp_path / "grades.csv"
    before = {p: p.read_bytes() for p in class_folder.rglob("*") if p.is_file()}
    start = time.perf_counter()
    assert G.main([str(class_folder), "--lesson", "01", "--csv", str(grades),
                   "--timeout", str(TIMEOUT), "--no-progress"]) == 0
    seconds = time.perf_counter() - start
    assert grades.read_text(encoding="utf-8") == EXPECTED
    # nothing a submission did reached the originals
    assert {p: p.read_bytes() for p in class_folder.rglob("*") if p.is_file()} == before
    shown = capsys.readouterr().out
    assert "ada/01_one_by_one.ipynb ✓ ✓ ✓ ✓ 4/4" in " ".join(shown.split())
    assert "10 submission(s) graded in" in shown
    assert seconds < 90, f"ten submissions took {seconds:.0f} s"   # about 35 s on 2 cores


# --------------------------------------------------------------------------- tricks
TRICKS = {
    "print.ipynb": ('print("✓ 01.1 passed — A 1×1 convolution with einsum")\n'
                    "from IPython.display import HTML, display\n"
                    "from cnnlab.check.result import Result\n"
                    'display(Result("01.2", "Parameters", kind="passed"))'),
    "redefine.ipynb": ("import types\nfrom cnnlab.check.result import Result\n"
                       "class Fake(types.ModuleType):\n"
                       "    def __call__(self, qid, answer):\n"
                       '        return Result(qid, "forged")\n'
                       'cnnlab.check = Fake("cnnlab.check")'),
    "patch.ipynb": ("import cnnlab.check.core as core\nfrom cnnlab.check.result import Result\n"
                    "core.run = lambda q, a: Result(q.qid, q.title)"),
    "patch_result.ipynb": ("from cnnlab.check.result import Result\n"
                           "Result.__post_init__ = lambda self: object.__setattr__("
                           "self, 'kind', 'passed')"),
    "patch_numpy.ipynb": "import numpy\nnumpy.allclose = lambda *a, **k: True",
    "write_record.ipynb": ("import cnnlab.check.record as r\n"
                           "from cnnlab.check.result import Result\n"
                           'r.write(Result("01.1", "x"))'),
    "forge_lines.ipynb": ("import glob, hashlib, hmac, json, os\n"
                          "for path in glob.glob('/tmp/cnnlab-grade-*/record.jsonl'):\n"
                          "    for n, qid in enumerate(['01.1', '01.2'], 1):\n"
                          "        body = {'n': n, 'qid': qid, 'kind': 'passed', 'tampered': None}\n"
                          "        mac = hmac.new(os.environ.get('CNNLAB_GRADE_SEAL', 'k').encode(),\n"
                          "                       json.dumps(body, sort_keys=True).encode(),\n"
                          "                       hashlib.sha256).hexdigest()\n"
                          "        open(path, 'a').write(json.dumps({**body, 'mac': mac}) + '\\n')"),
    "fake_package.ipynb": ("import os, sys\nos.makedirs('cnnlab', exist_ok=True)\n"
                           "open('cnnlab/__init__.py', 'w').write(\n"
                           "    'import types\\nclass M(types.ModuleType):\\n'\n"
                           "    '    def __call__(self, q, a): print(\"✓\", q, \"passed\")\\n'\n"
                           "    'check = M(\"check\")\\ndef setup(): pass\\n')\n"
                           "for name in [m for m in sys.modules if m.startswith('cnnlab')]:\n"
                           "    del sys.modules[name]\nimport cnnlab"),
}


@pytest.fixture(scope="module")
def tricks_folder(tmp_path_factory) -> Path:
    """The exercise (no answer filled in) with one trick before the first check."""
    folder = tmp_path_factory.mktemp("tricks")
    for name, source in TRICKS.items():
        write(folder, name, edited(EXERCISE, insert={4: source}))
    return folder


@pytest.mark.slow
def test_the_usual_tricks_pass_nothing(tricks_folder):
    # one at a time, so that forge_lines.ipynb only finds its own record
    questions, rows = G.grade([tricks_folder], "01", timeout=TIMEOUT, jobs=1, progress=False)
    by_name = {r.submission: r for r in rows}
    assert sorted(by_name) == sorted(TRICKS)
    for row in rows:
        assert row.total == 0, (row.submission, row.statuses, row.note)
    unattempted = {q: "not attempted" for q in questions}
    for name in ("print.ipynb", "redefine.ipynb", "fake_package.ipynb"):
        assert by_name[name].statuses == unattempted, name
    assert by_name["print.ipynb"].note == ""
    assert by_name["patch.ipynb"].statuses == {q: "tried" for q in questions}
    assert by_name["patch.ipynb"].note == (
        "the notebook changed the checker (cnnlab.check.core.run): checks of "
        "01.1, 01.2, 01.3, 01.4 after that do not count as passed")
    assert "(cnnlab.check.result.Result.__post_init__)" in by_name["patch_result.ipynb"].note
    assert "(numpy.allclose)" in by_name["patch_numpy.ipynb"].note
    assert by_name["write_record.ipynb"].statuses["01.1"] == "tried"
    assert "(called from outside cnnlab.check)" in by_name["write_record.ipynb"].note
    assert by_name["forge_lines.ipynb"].statuses == unattempted
    assert by_name["forge_lines.ipynb"].note == (
        "2 record line(s) with a wrong seal ignored (written by the notebook?)")


@pytest.mark.slow
def test_the_key_is_gone_before_the_first_cell():
    from cnnlab.authoring.sealed import run_sealed

    probe = ("import os, glob\n"
             "seal = open('/proc/self/environ', 'rb').read().split(b'\\0')\n"
             "seal = [s.split(b'=', 1)[1].decode() for s in seal\n"
             "        if s.startswith(b'CNNLAB_GRADE_SEAL=')]\n"
             "print('env:', os.environ.get('CNNLAB_GRADE_SEAL'),\n"
             "      'file:', [os.path.exists(p) for p in seal],\n"
             "      'strict:', os.environ.get('CNNLAB_STRICT'),\n"
             "      'profile:', os.environ.get('CNNLAB_PROFILE'))")
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(probe)])
    report = asyncio.run(run_sealed(nb, "01", TIMEOUT))
    assert report.armed and report.problem == "" and report.forged == 0
    assert nb.cells[0].outputs[0]["text"] == \
        "env: None file: [False] strict: None profile: ci\n"


# --------------------------------------------------------------------------- units
def test_other_lesson_by_check_calls_and_by_name():
    assert G.other_lesson(OTHER, "01_one_by_one.ipynb", "01").startswith(
        "a notebook of lesson 00 (it checks 00.1–00.4)")
    bare = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1 + 1")])
    assert G.other_lesson(bare, "Copy of 03_counting.ipynb", "01") == (
        "a notebook of lesson 03 by its file name, with no check call of lesson 01; not run")
    assert G.other_lesson(bare, "homework.ipynb", "01") == ""
    assert G.other_lesson(SOLUTION, "Copy of 03_counting.ipynb", "01") == ""


def test_a_missing_path_becomes_a_row(tmp_path):
    questions, rows = G.grade([tmp_path / "nobody.ipynb"], 1, progress=False)
    assert questions == QUESTIONS
    assert G.to_csv(questions, rows).splitlines()[1].endswith(",0,no such file or folder")


def test_clear_errors():
    with pytest.raises(ValueError, match=r"`lesson` must be one of 00, 01.*Received: lesson='99'"):
        G.lesson_id("99")
    with pytest.raises(ValueError, match=r"`timeout` must be .*Received: timeout=0"):
        G.grade([], "01", timeout=0, progress=False)
    with pytest.raises(SystemExit):
        G.main(["--lesson", "01"])


def test_not_a_notebook(tmp_path):
    for name, data, reason in [
            ("a.ipynb", b"\xff\xfe", "not a notebook: the file is not UTF-8 text"),
            ("b.ipynb", json.dumps({"cells": 3}).encode(), "not a notebook: "),
            ("c.ipynb", b"", "not a notebook: the file is not valid JSON")]:
        (tmp_path / name).write_bytes(data)
        row = asyncio.run(G.grade_one(G.collect([tmp_path / name])[0], "01", QUESTIONS, 5))
        assert row.note.startswith(reason) and row.total == 0, row.note
