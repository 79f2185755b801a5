"""Course-notebook conventions in one place: Colab badge, set-up cell, writing.

Every lesson, exercise and solution notebook opens with a markdown cell whose
first line is the "Open in Colab" badge for its own path on the main branch,
followed by the set-up cell :data:`SETUP_CELL`. :func:`new_notebook` writes a
notebook that follows the convention; ``tests/test_notebook_conventions.py``
checks every committed notebook against it.

Examples
--------
>>> colab_url("lessons/00_convolution.ipynb")
'https://colab.research.google.com/github/cnnlab/cnnlab/blob/main/lessons/00_convolution.ipynb'
"""
from __future__ import annotations

from pathlib import Path
from typing import Iterable

from cnnlab.config import BRANCH, REPOSITORY

BADGE_IMAGE = "https://colab.research.google.com/assets/colab-badge.svg"

SETUP_CELL = f'''\
# Set-up: in Colab this installs cnnlab and turns on widgets; locally it is instant.
import sys
if "google.colab" in sys.modules:
    %pip install -q "cnnlab @ git+https://github.com/{REPOSITORY}@{BRANCH}"
    from google.colab import output
    output.enable_custom_widget_manager()
import cnnlab
cnnlab.setup()'''


def colab_url(path: str | Path) -> str:
    """The Colab address of a notebook given its path inside the repository."""
    rel = Path(path).as_posix().removeprefix("./")
    return f"https://colab.research.google.com/github/{REPOSITORY}/blob/{BRANCH}/{rel}"


def badge_markdown(path: str | Path) -> str:
    """The markdown line of the "Open in Colab" badge for ``path``.

    Examples
    --------
    >>> badge_markdown("lessons/x.ipynb").startswith("[![Open In Colab]")
    True
    """
    return f"[![Open In Colab]({BADGE_IMAGE})]({colab_url(path)})"


def new_notebook(path: str | Path, title: str, cells: Iterable[tuple[str, str]],
                 *, repo_root: str | Path = ".", write: bool = True):
    """Build (and write) a course notebook with the badge and the set-up cell.

    Parameters
    ----------
    path : str or Path
        Where to write it, relative to ``repo_root`` (e.g. ``"lessons/00_x.ipynb"``).
    title : str
        The markdown title shown under the badge (``"# 00 · Convolution"``).
    cells : iterable of (kind, source)
        ``kind`` is ``"md"`` or ``"code"``. A code source may start with a line
        ``#@hide`` to collapse the cell's input (used for check-yourself answers).
    write : bool, optional
        Write the file (default) or only return the notebook.

    Returns
    -------
    nbformat.NotebookNode
    """
    import nbformat
    from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook as _nb

    nb = _nb()
    nb.metadata = {"kernelspec": {"name": "python3", "display_name": "Python 3",
                                  "language": "python"},
                   "language_info": {"name": "python"},
                   "colab": {"provenance": []}}
    head = f"{badge_markdown(path)}\n\n{title.strip()}"
    nb.cells = [new_markdown_cell(head), new_code_cell(SETUP_CELL)]
    for kind, source in cells:
        source = source.strip("\n")
        if kind == "md":
            nb.cells.append(new_markdown_cell(source))
        elif kind == "code":
            cell = new_code_cell(source)
            if source.startswith("#@hide"):
                cell.source = source.split("\n", 1)[1] if "\n" in source else ""
                cell.metadata["jupyter"] = {"source_hidden": True}
                cell.metadata["cellView"] = "form"
            nb.cells.append(cell)
        else:
            raise ValueError(f"`kind` must be 'md' or 'code'. Received: kind={kind!r}.")
    for i, cell in enumerate(nb.cells):
        cell["id"] = f"c{i:03d}"
    if any("### BEGIN SOLUTION" in c.source for c in nb.cells):
        from cnnlab.authoring.markers import mark_for_nbgrader
        mark_for_nbgrader(nb)  # solution notebooks stay usable with nbgrader as they are
    if write:
        out = Path(repo_root) / path
        out.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(nb, out)
    return nb
