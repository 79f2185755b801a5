"""Generate ``exercises/`` from ``solutions/``: ``python -m cnnlab.authoring``.

A solution notebook marks what the learner writes with nbgrader's markers,
lines that read exactly ``### BEGIN SOLUTION`` and ``### END SOLUTION``. The
exercise twin is the same notebook with each marked region replaced by a stub:

- a region inside a function body becomes ``raise NotImplementedError("…")`` at
  the region's indentation. The message is the region's ``# TASK: …`` comment
  (kept visible above the ``raise``), or else "Write the body of `name`: <first
  line of its docstring>";
- any other region becomes, for each name it assigns, ``name = ...  # YOUR ANSWER``
  under its ``# TASK: …`` lines (or ``# YOUR CODE HERE``);
- in markdown cells, a ``### BEGIN SOLUTION`` … ``### END SOLUTION`` region or
  ``<!-- BEGIN SOLUTION -->`` … ``<!-- END SOLUTION -->`` becomes "YOUR ANSWER HERE".

A ``# TASK:`` block is a line starting ``# TASK:`` plus the comment lines
directly below it. The exercise also gets its own Colab badge, loses outputs,
execution counts and nbgrader metadata, and keeps the solution's cell ids, so
regenerating is byte-for-byte stable. Solution cells holding a region get the
nbgrader metadata ``nbgrader generate_assignment`` requires ("autograded answer"
for code, "manually graded answer" for markdown); the generator adds it.

Usage::

    python -m cnnlab.authoring            # write exercises/ (and nbgrader metadata)
    python -m cnnlab.authoring --check    # exit 1 listing what is out of date

Examples
--------
>>> src = '''def double(x):
...     \"\"\"Return twice x.\"\"\"
...     ### BEGIN SOLUTION
...     return 2 * x
...     ### END SOLUTION'''
>>> print(stub_code(src))
def double(x):
    \"\"\"Return twice x.\"\"\"
    # YOUR CODE HERE
    raise NotImplementedError("Write the body of `double`: Return twice x.")
>>> print(stub_code('''### BEGIN SOLUTION
... # TASK: the output size of a 3x3 'valid' convolution on 28x28.
... size = 28 - 3 + 1
... ### END SOLUTION'''))
# TASK: the output size of a 3x3 'valid' convolution on 28x28.
size = ...  # YOUR ANSWER
"""
from __future__ import annotations

import argparse
import ast
import copy
import json
import re
import sys
import textwrap
from pathlib import Path

# GenerateError, EXERCISES, SOLUTIONS and find_regions are imported from here by tests too
from cnnlab.authoring.markers import (ANSWER, CODE_HINT, EXERCISES, SOLUTIONS, TEXT_STUB,
                                      GenerateError, Region, find_regions, mark_for_nbgrader,
                                      _HTML_MARK, _HTML_REGION)

_DEF = re.compile(r"^\s*(?:async\s+)?def\s+([A-Za-z_]\w*)")
_TASK = re.compile(r"^\s*#\s*TASK:")


def _task_lines(body: list) -> list:
    """The ``# TASK:`` blocks of a region: each TASK line and the comments under it."""
    found, inside = [], False
    for line in body:
        if _TASK.match(line):
            inside = True
            found.append(line.strip())
        elif inside and line.strip().startswith("#"):
            found.append(line.strip())
        else:
            inside = False
    return found


def _task_message(tasks: list) -> str:
    words = []
    for line in tasks:
        words.append(re.sub(r"^#\s*(TASK:)?\s*", "", line))
    return " ".join(" ".join(words).split())


def _enclosing_def(lines: list, region: Region) -> str | None:
    """Name of the function whose body holds the region, if any."""
    level = len(region.indent)
    for line in reversed(lines[:region.begin]):
        text = line.strip()
        if not text or text.startswith("#"):
            continue
        indent = len(line) - len(line.lstrip())
        if indent < level:
            match = _DEF.match(line)
            if match:
                return match.group(1)
            level = indent
            if level == 0:
                return None
    return None


def _python_only(source: str) -> str:
    """The source with IPython magics and shell lines turned into ``pass``."""
    out = []
    for line in source.split("\n"):
        stripped = line.lstrip()
        out.append(line[:len(line) - len(stripped)] + "pass"
                   if stripped.startswith(("%", "!")) else line)
    return "\n".join(out)


def _docstring(source: str, name: str) -> str:
    """First paragraph of function ``name``'s docstring in ``source`` ('' if none)."""
    try:
        tree = ast.parse(_python_only(source))
    except SyntaxError:
        return ""
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name == name:
            doc = ast.get_docstring(node) or ""
            return " ".join(doc.split("\n\n")[0].split())
    return ""


class _Assigned(ast.NodeVisitor):
    """Names a block of top-level code binds (not inside functions or loops' targets)."""

    def __init__(self):
        self.names = []

    def _add(self, name):
        if name not in self.names:
            self.names.append(name)

    def visit_Name(self, node):
        if isinstance(node.ctx, ast.Store):
            self._add(node.id)

    def visit_FunctionDef(self, node):
        self._add(node.name)

    visit_AsyncFunctionDef = visit_ClassDef = visit_FunctionDef

    def visit_Lambda(self, node):
        pass

    visit_ListComp = visit_SetComp = visit_DictComp = visit_GeneratorExp = visit_Lambda

    def visit_For(self, node):          # the loop variable is not an answer
        for child in node.body + node.orelse:
            self.visit(child)
        self.visit(node.iter)

    visit_AsyncFor = visit_For


def assigned_names(code: str) -> list:
    """Names bound by a block of code, in order of first assignment.

    Examples
    --------
    >>> assigned_names("h, w = 26, 26\\nmacs = h * w * 9\\nfor i in range(3):\\n    total = i")
    ['h', 'w', 'macs', 'total']
    """
    visitor = _Assigned()
    visitor.visit(ast.parse(_python_only(code)))
    return visitor.names


def _dedent(body: list, indent: str) -> str:
    return "\n".join(line[len(indent):] if line.startswith(indent) else line.lstrip()
                     for line in body)


def _raise_lines(indent: str, message: str, width: int = 79) -> list:
    """``raise NotImplementedError("message")``, wrapped to ``width`` columns."""
    def literal(text):
        return json.dumps(text, ensure_ascii=False)

    line = f"{indent}raise NotImplementedError({literal(message)})"
    if len(line) <= width:
        return [line]
    inner = indent + "    "
    chunks = textwrap.wrap(message, max(20, width - len(inner) - 3),
                           break_long_words=False, break_on_hyphens=False)
    body = [f"{inner}{literal(c + ' ')}" for c in chunks[:-1]] + [f"{inner}{literal(chunks[-1])})"]
    return [f"{indent}raise NotImplementedError("] + body


def _stub(lines: list, region: Region, source: str) -> list:
    tasks = _task_lines(region.body)
    ind = region.indent
    comments = [ind + t for t in tasks] if tasks else [ind + CODE_HINT]
    function = _enclosing_def(lines, region) if ind else None
    if function:
        message = _task_message(tasks)
        if not message:
            doc = _docstring(source, function)
            message = f"Write the body of `{function}`" + (f": {doc}" if doc else ".")
        return comments + _raise_lines(ind, message)
    try:
        names = assigned_names(_dedent(region.body, ind))
    except SyntaxError as err:
        raise GenerateError(f"line {region.begin + 1}: the solution region is not valid "
                            f"Python on its own ({err.msg}); mark whole statements.") from None
    stub = comments + [f"{ind}{name} = {ANSWER}" for name in names]
    if ind and not names:
        stub.append(f"{ind}pass")
    return stub


def stub_code(source: str) -> str:
    """A code cell's source with each solution region replaced by its stub."""
    lines = source.split("\n")
    regions = find_regions(source)
    out, last = [], 0
    for region in regions:
        out.extend(lines[last:region.begin])
        out.extend(_stub(lines, region, source))
        last = region.end + 1
    out.extend(lines[last:])
    return "\n".join(out)


def stub_markdown(source: str) -> str:
    """A markdown cell's source with each solution region replaced by "YOUR ANSWER HERE".

    Examples
    --------
    >>> stub_markdown("Why? <!-- BEGIN SOLUTION -->Because.<!-- END SOLUTION -->")
    'Why? YOUR ANSWER HERE'
    """
    lines = source.split("\n")
    out, last = [], 0
    for region in find_regions(source):
        out.extend(lines[last:region.begin])
        out.append(region.indent + TEXT_STUB)
        last = region.end + 1
    out.extend(lines[last:])
    text = _HTML_REGION.sub(TEXT_STUB, "\n".join(out))
    if _HTML_MARK.search(text):
        raise GenerateError("an `<!-- BEGIN SOLUTION -->` without its `<!-- END SOLUTION -->` "
                            "(or the other way round).")
    return text


# ------------------------------------------------------------------ notebooks
def exercise_path(solution: str | Path) -> Path:
    """``solutions/NN_x.ipynb`` -> ``exercises/NN_x.ipynb`` (same relative form).

    Examples
    --------
    >>> exercise_path("solutions/03_counting.ipynb").as_posix()
    'exercises/03_counting.ipynb'
    """
    path = Path(solution)
    if path.parent.name != SOLUTIONS:
        raise ValueError(f"`solution` must be a notebook inside {SOLUTIONS}/. "
                         f"Received: solution={str(solution)!r}.")
    return path.parent.parent / EXERCISES / path.name


def make_exercise(nb, solution: str | Path):
    """The exercise notebook for solution notebook ``nb`` found at ``solution``.

    ``solution`` is the path relative to the repository root (it names the
    Colab badges). ``nb`` is not modified.
    """
    from cnnlab.authoring.notebooks import colab_url

    rel = Path(solution)
    ex = copy.deepcopy(nb)
    for key in ("widgets", "celltoolbar"):
        ex.metadata.pop(key, None)
    first_markdown = True
    for index, cell in enumerate(ex.cells):
        cell.metadata.pop("nbgrader", None)
        cell.metadata.pop("execution", None)
        try:
            if cell.cell_type == "code":
                cell.source = stub_code(cell.source)
                cell.outputs = []
                cell.execution_count = None
            elif cell.cell_type == "markdown":
                cell.source = stub_markdown(cell.source)
                if first_markdown:
                    cell.source = cell.source.replace(colab_url(rel),
                                                      colab_url(exercise_path(rel)))
                    first_markdown = False
        except GenerateError as err:
            raise GenerateError(f"{rel.as_posix()}, cell {index}: {err}") from None
    return ex


def render(nb) -> str:
    """The notebook's file text (nbformat's stable JSON, trailing newline)."""
    import nbformat

    text = nbformat.writes(nb)
    return text if text.endswith("\n") else text + "\n"


def _read(path: Path):
    import nbformat

    return nbformat.reads(path.read_text(encoding="utf-8"), as_version=4)


def sync(root: str | Path = ".", *, check: bool = False) -> list[str]:
    """Bring ``exercises/`` in line with ``solutions/``; with ``check``, only say what differs.

    Returns
    -------
    list of str
        One line per exercise written (or out of date), per solution given
        nbgrader metadata (or lacking it), and per orphaned exercise (an
        exercise without a solution twin; never deleted automatically).
    """
    root = Path(root)
    notes = []
    solutions = sorted((root / SOLUTIONS).glob("*.ipynb"))
    for path in solutions:
        rel = path.relative_to(root)
        nb = _read(path)
        if mark_for_nbgrader(nb):
            if check:
                notes.append(f"{rel.as_posix()}: solution cells lack nbgrader metadata")
            else:
                path.write_text(render(nb), encoding="utf-8")
                notes.append(f"{rel.as_posix()}: added nbgrader metadata")
        target = root / exercise_path(rel)
        text = render(make_exercise(nb, rel))
        current = target.read_text(encoding="utf-8") if target.exists() else None
        if current == text:
            continue
        state = "missing" if current is None else "differs from its solution"
        if check:
            notes.append(f"{target.relative_to(root).as_posix()}: {state}")
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
            notes.append(f"{target.relative_to(root).as_posix()}: written ({state})")
    twins = {p.name for p in solutions}
    for path in sorted((root / EXERCISES).glob("*.ipynb")):
        if path.name not in twins:
            notes.append(f"{path.relative_to(root).as_posix()}: orphaned (no "
                         f"{SOLUTIONS}/{path.name}); delete it or add its solution")
    return notes


def main(argv: list | None = None, prog: str = "python -m cnnlab.authoring") -> int:
    """Command line: ``python -m cnnlab.authoring [--check] [--root DIR]``."""
    parser = argparse.ArgumentParser(
        prog=prog,
        description="Generate exercises/*.ipynb from solutions/*.ipynb.")
    parser.add_argument("--check", action="store_true",
                        help="write nothing; exit 1 listing exercises that are out of date")
    parser.add_argument("--root", default=".", help="repository root (default: .)")
    args = parser.parse_args(argv)
    if not (Path(args.root) / SOLUTIONS).is_dir():
        print(f"error: there is no {SOLUTIONS}/ folder in {Path(args.root).resolve()}; run "
              "from the repository root or pass --root.", file=sys.stderr)
        return 2
    try:
        notes = sync(args.root, check=args.check)
    except GenerateError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    for note in notes:
        print(note)
    if args.check:
        if notes:
            print(f"Run `{prog}` and commit the result.", file=sys.stderr)
            return 1
        print("exercises are up to date.")
        return 0
    return 1 if any("orphaned" in note for note in notes) else 0


if __name__ == "__main__":
    sys.exit(main())
