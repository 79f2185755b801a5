"""The exercise generator on small synthetic solution notebooks."""
import ast
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from cnnlab.authoring import generate
from cnnlab.authoring.generate import GenerateError, stub_code, stub_markdown, sync
from cnnlab.authoring.notebooks import SETUP_CELL, badge_markdown, new_notebook

REPO = Path(__file__).resolve().parents[1]

FUNCTION_CELL = '''\
def conv_out(size, kernel, stride):
    """Output size of a 'valid' convolution along one axis.

    Details that do not belong in the stub's message."""
    ### BEGIN SOLUTION
    return (size - kernel) // stride + 1
    ### END SOLUTION

cnnlab.check("00.1", conv_out)'''

TOP_LEVEL_CELL = '''\
### BEGIN SOLUTION
# TASK: parameters of a 3x3 Conv2D from 16 to 32 channels,
#   biases included.
params = (3 * 3 * 16 + 1) * 32
h, w = 26, 26
### END SOLUTION
cnnlab.check("00.2", params)'''

METHOD_CELL = '''\
class Pool:
    def forward(self, x):
        if x is not None:
            ### BEGIN SOLUTION
            # TASK: return the 2x2 max pooling of x.
            return x.reshape(2, 2).max()
            ### END SOLUTION

cnnlab.check("00.3", Pool)'''

LOOP_CELL = '''\
for i in range(2):
    ### BEGIN SOLUTION
    print(i)
    ### END SOLUTION'''

SOLUTION_CELLS = [
    ("md", "Why pool? <!-- BEGIN SOLUTION -->Invariance.<!-- END SOLUTION -->"),
    ("code", FUNCTION_CELL),
    ("code", TOP_LEVEL_CELL),
    ("code", METHOD_CELL),
    ("code", LOOP_CELL),
    ("md", "Explain:\n### BEGIN SOLUTION\nThe bias adds one per filter.\n### END SOLUTION"),
]


@pytest.fixture
def repo(tmp_path):
    """A tiny repository with one solution notebook, run once (with outputs)."""
    nb = new_notebook("solutions/00_demo.ipynb", "# 00 · Demo", SOLUTION_CELLS,
                      repo_root=tmp_path)
    nb.cells[3].outputs = [nbformat.v4.new_output("stream", text="done\n")]
    nb.cells[3].execution_count = 7
    nbformat.write(nb, tmp_path / "solutions/00_demo.ipynb")
    return tmp_path


def _exercise(repo):
    return nbformat.read(repo / "exercises/00_demo.ipynb", as_version=4)


# ------------------------------------------------------------------ stubs
def test_region_in_a_function_becomes_not_implemented_with_the_docstring():
    assert stub_code(FUNCTION_CELL) == '''\
def conv_out(size, kernel, stride):
    """Output size of a 'valid' convolution along one axis.

    Details that do not belong in the stub's message."""
    # YOUR CODE HERE
    raise NotImplementedError(
        "Write the body of `conv_out`: Output size of a 'valid' convolution "
        "along one axis.")

cnnlab.check("00.1", conv_out)'''


def test_region_in_a_method_uses_its_task_line_and_keeps_it_visible():
    assert stub_code(METHOD_CELL).split("\n")[3:5] == [
        "            # TASK: return the 2x2 max pooling of x.",
        '            raise NotImplementedError("return the 2x2 max pooling of x.")']


def test_top_level_region_becomes_ellipsis_answers_under_its_task():
    assert stub_code(TOP_LEVEL_CELL) == '''\
# TASK: parameters of a 3x3 Conv2D from 16 to 32 channels,
#   biases included.
params = ...  # YOUR ANSWER
h = ...  # YOUR ANSWER
w = ...  # YOUR ANSWER
cnnlab.check("00.2", params)'''


def test_region_in_a_loop_keeps_valid_python():
    assert stub_code(LOOP_CELL) == "for i in range(2):\n    # YOUR CODE HERE\n    pass"


def test_top_level_region_without_task_says_your_code_here():
    source = "### BEGIN SOLUTION\nmodel = build()\nmodel.fit(x)\n### END SOLUTION"
    assert stub_code(source) == "# YOUR CODE HERE\nmodel = ...  # YOUR ANSWER"


def test_assigned_names_skip_loop_variables_and_nested_scopes():
    code = ("a, (b, c) = 1, (2, 3)\nd: int = 4\nfor i in range(3):\n    e = i\n"
            "f = [j for j in range(2)]\ndef g(x):\n    inner = x\nif (k := 5):\n    pass")
    assert generate.assigned_names(code) == ["a", "b", "c", "d", "e", "f", "g", "k"]


def test_markdown_regions_both_styles():
    assert stub_markdown("Why? <!-- BEGIN SOLUTION -->\nBecause.\n<!-- END SOLUTION -->!") == \
        "Why? YOUR ANSWER HERE!"
    assert stub_markdown("Q\n  ### BEGIN SOLUTION\nA\n  ### END SOLUTION\nend") == \
        "Q\n  YOUR ANSWER HERE\nend"


@pytest.mark.parametrize("source, message", [
    ("## BEGIN SOLUTION\nx = 1\n## END SOLUTION", "write the marker exactly"),
    ("# begin solution\nx = 1", "write the marker exactly"),
    ("### BEGIN SOLUTION\nx = 1", "without `### END SOLUTION`"),
    ("x = 1\n### END SOLUTION", "without `### BEGIN SOLUTION`"),
    ("### BEGIN SOLUTION\n### BEGIN SOLUTION\n### END SOLUTION", "inside another region"),
    ("x = (\n### BEGIN SOLUTION\n1 +\n### END SOLUTION\n2)", "not valid Python on its own"),
])
def test_bad_markers_are_errors_not_leaks(source, message):
    with pytest.raises(GenerateError, match=re.escape(message)):
        stub_code(source)


# ------------------------------------------------------------------ notebooks
def test_exercise_notebook(repo):
    # new_notebook already gives solution cells nbgrader's metadata, so only the
    # exercise is written.
    assert sync(repo) == ["exercises/00_demo.ipynb: written (missing)"]
    solution = nbformat.read(repo / "solutions/00_demo.ipynb", as_version=4)
    exercise = _exercise(repo)
    assert [c.id for c in exercise.cells] == [c.id for c in solution.cells]
    assert exercise.cells[0].source.startswith(badge_markdown("exercises/00_demo.ipynb"))
    assert "solutions/" not in exercise.cells[0].source
    assert exercise.cells[1].source == SETUP_CELL
    assert exercise.cells[2].source == "Why pool? YOUR ANSWER HERE"
    for ex, sol in zip(exercise.cells, solution.cells):
        assert "nbgrader" not in ex.metadata
        if ex.cell_type == "code":
            assert ex.outputs == [] and ex.execution_count is None
            assert ex.source == stub_code(sol.source)
            ast.parse(ex.source.replace("%pip", "#pip"))       # every stub is valid Python
    text = (repo / "exercises/00_demo.ipynb").read_text()
    for secret in ("BEGIN SOLUTION", "(size - kernel) // stride", "16 + 1", "reshape(2, 2)",
                   "Invariance", "one per filter"):
        assert secret not in text


def test_solution_cells_get_the_metadata_nbgrader_requires(repo):
    sync(repo)
    cells = nbformat.read(repo / "solutions/00_demo.ipynb", as_version=4).cells
    marked = {i: c.metadata["nbgrader"] for i, c in enumerate(cells) if "nbgrader" in c.metadata}
    # the HTML-comment region (cell 2) is invisible to nbgrader, so it is not marked
    assert sorted(marked) == [3, 4, 5, 6, 7]
    assert [marked[i]["grade_id"] for i in (3, 4, 5)] == ["q00_1", "q00_2", "q00_3"]
    for i, meta in marked.items():
        # nbgrader's CheckCellMetadata rules: ids match ^[a-zA-Z0-9_\-]+$, markdown
        # answers are grade *and* solution cells with numeric points
        assert re.fullmatch(r"[a-zA-Z0-9_\-]+", meta["grade_id"])
        assert meta["solution"] is True and meta["schema_version"] == 3
        markdown = cells[i].cell_type == "markdown"
        assert meta["grade"] is markdown
        if markdown:
            float(meta["points"])
    assert len({m["grade_id"] for m in marked.values()}) == len(marked)


def test_rerun_is_byte_identical_and_check_passes(repo):
    sync(repo)
    first = (repo / "exercises/00_demo.ipynb").read_bytes()
    solution = (repo / "solutions/00_demo.ipynb").read_bytes()
    assert sync(repo) == [] and sync(repo, check=True) == []
    assert (repo / "exercises/00_demo.ipynb").read_bytes() == first
    assert (repo / "solutions/00_demo.ipynb").read_bytes() == solution


def test_check_lists_stale_missing_and_orphaned_exercises(repo, capsys):
    assert generate.main(["--check", "--root", str(repo)]) == 1
    assert "exercises/00_demo.ipynb: missing" in capsys.readouterr().out
    assert generate.main(["--root", str(repo)]) == 0
    path = repo / "exercises/00_demo.ipynb"
    path.write_text(path.read_text().replace("YOUR ANSWER HERE", "edited by hand", 1))
    (repo / "exercises/01_gone.ipynb").write_text(path.read_text())
    assert generate.main(["--check", "--root", str(repo)]) == 1
    out = capsys.readouterr().out
    assert "exercises/00_demo.ipynb: differs from its solution" in out
    assert "exercises/01_gone.ipynb: orphaned" in out
    assert path.read_text().count("edited by hand") == 1         # --check writes nothing


def test_generator_errors_name_the_notebook_and_cell(repo, capsys):
    nb = nbformat.read(repo / "solutions/00_demo.ipynb", as_version=4)
    nb.cells[3].source += "\n### BEGIN SOLUTION"
    nbformat.write(nb, repo / "solutions/00_demo.ipynb")
    assert generate.main(["--root", str(repo)]) == 2
    assert "solutions/00_demo.ipynb, cell 3: line 10: `### BEGIN SOLUTION` without" in \
        capsys.readouterr().err


def test_command_line_module(repo):
    run = subprocess.run([sys.executable, "-m", "cnnlab.authoring", "--check",
                          "--root", str(repo)], capture_output=True, text=True,
                         env={"PYTHONPATH": str(REPO), "PATH": ""})
    assert run.returncode == 1, run.stderr
    assert "exercises/00_demo.ipynb: missing" in run.stdout


def test_command_line_refuses_a_folder_without_solutions(tmp_path, capsys):
    assert generate.main(["--check", "--root", str(tmp_path)]) == 2
    assert "there is no solutions/ folder" in capsys.readouterr().err
