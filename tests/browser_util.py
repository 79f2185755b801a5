"""Helpers for ``tests/test_browser.py``: a throw-away JupyterLab, Chromium, widget moves.

Nothing here is specific to one lesson. A widget is found in the page by the
shape every :class:`cnnlab.viz.base.ExplorerBase` renders to: a ``VBox`` whose
children are the controls box, the message ``HTML`` and the ``Output`` holding
the figure (some explorers append more children after those three).

The server runs on loopback with a random token, in a temporary copy of the
notebooks (outputs are never saved into the repository), with its own settings,
workspace and configuration folders so nothing from the developer's machine
leaks in, and with the news pop-up and cell windowing turned off.
"""
from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage"]

#: marks the cell this module appends to each temporary notebook copy
CHECK_MARK = "CNNLAB-BROWSER-CHECK"
CHECK_CELL = f'''\
# {CHECK_MARK}: added by tests/test_browser.py to a temporary copy of the notebook.
import json as _json
import ipywidgets.widgets.widget as _ww
from cnnlab.viz.base import ExplorerBase as _ExplorerBase
_all = getattr(_ww, "_instances", None) or _ww.Widget.widgets
_explorers = [w for w in list(_all.values()) if isinstance(w, _ExplorerBase)]
_ = [w.wait(30) for w in _explorers]   # pictures being drawn in the render thread
print("{CHECK_MARK}", _json.dumps([
    {{"class": type(w).__name__, "updates": w.changes,
      "error": None if w.error is None else repr(w.error)}}
    for w in _explorers]))'''

#: the first code cell of the combined notebook (:func:`combined_notebook`): each lesson's
#: start cell notes the explorers alive, its check cell prints those made since, like
#: :data:`CHECK_CELL` (and the same ones again when run a second time)
SECTION_HELPERS = f'''\
# {CHECK_MARK}: added by tests/test_browser.py to the combined test notebook.
def _cnnlab_browser_explorers():
    import ipywidgets.widgets.widget as ww
    from cnnlab.viz.base import ExplorerBase
    registry = getattr(ww, "_instances", None) or ww.Widget.widgets
    return {{key: w for key, w in list(registry.items()) if isinstance(w, ExplorerBase)}}


_cnnlab_browser_sections = {{}}


def _cnnlab_browser_start(lesson):
    _cnnlab_browser_sections[lesson] = set(_cnnlab_browser_explorers())


def _cnnlab_browser_check(lesson):
    import json
    alive = _cnnlab_browser_explorers()
    mine = _cnnlab_browser_sections[lesson]
    if isinstance(mine, set):     # first run: the explorers made since the lesson's start
        mine = _cnnlab_browser_sections[lesson] = [k for k in alive if k not in mine]
    explorers = [alive[k] for k in mine if k in alive]
    for w in explorers:
        w.wait(30)                # pictures being drawn in the render thread
    print("{CHECK_MARK}", json.dumps([
        {{"class": type(w).__name__, "updates": w.changes,
          "error": None if w.error is None else repr(w.error)}}
        for w in explorers]))'''

#: JupyterLab user settings for a quiet, fully rendered notebook
LAB_SETTINGS = {
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings":
        {"fetchNews": "false", "checkForUpdates": False},
    # every cell in the DOM, so off-screen widgets and outputs can be inspected
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings":
        {"windowingMode": "none"},
}

# A code cell's widget output, then the explorer VBox directly inside it; with a
# [first, last] range of cell indices, only in those cells of the current notebook.
EXPLORER_JS = """
range => {
  const found = [];
  document.querySelectorAll('[data-cnnlab-explorer]')
    .forEach(b => b.removeAttribute('data-cnnlab-explorer'));
  const boxes = range
    ? window.__cnnlabNotebook.content.widgets.slice(range[0], range[1] + 1)
        .flatMap(c => Array.from(c.node.querySelectorAll('.jp-OutputArea-output .widget-vbox')))
    : document.querySelectorAll('.jp-OutputArea-output .widget-vbox');
  for (const box of boxes) {
    const kids = Array.from(box.children);
    if (kids.length >= 3 && kids[1].classList.contains('widget-html')
        && (kids[2].classList.contains('widget-image')
            || kids[2].classList.contains('widget-output'))) {
      found.push(box);
    }
  }
  found.forEach((box, i) => box.setAttribute('data-cnnlab-explorer', String(i)));
  return found.length;
}
"""

ERROR_LINE = re.compile(r"^\s*(Traceback \(most recent call last\)|\w*(Error|Exception)\b:?)",
                        re.MULTILINE)


# ---------------------------------------------------------------- notebooks
def has_widgets(path: Path) -> bool:
    """Whether a notebook's code displays a cnnlab widget (mentions ``cnnlab.viz``)."""
    import nbformat
    nb = nbformat.read(path, as_version=4)
    return any(c.cell_type == "code" and "cnnlab.viz" in c.source for c in nb.cells)


def _names(source: str) -> tuple[set, set]:
    """(names a cell defines, names it reads) -- from its AST, magics blanked out."""
    import ast
    code = "\n".join("" if line.lstrip().startswith(("%", "!")) else line
                     for line in source.splitlines())
    defined, used = set(), set()
    for node in ast.walk(ast.parse(code)):
        if isinstance(node, ast.Name):
            (defined if isinstance(node.ctx, ast.Store) else used).add(node.id)
        elif isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            defined.add(node.name)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            defined.update((a.asname or a.name).split(".")[0] for a in node.names)
    return defined, used


def _viz_names(source: str) -> set:
    """Names a cell binds to ``cnnlab.viz`` or something imported from it."""
    import ast
    code = "\n".join("" if line.lstrip().startswith(("%", "!")) else line
                     for line in source.splitlines())
    names = set()
    for node in ast.walk(ast.parse(code)):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("cnnlab.viz"):
            names.update(a.asname or a.name for a in node.names)
        elif isinstance(node, ast.Import):
            names.update(a.asname for a in node.names
                         if a.asname and a.name.startswith("cnnlab.viz"))
    return names


def _writes(source: str) -> bool:
    """Whether a cell calls a ``write_*`` function (``cnnlab.data.write_image_folder``)."""
    import ast
    code = "\n".join("" if line.lstrip().startswith(("%", "!")) else line
                     for line in source.splitlines())
    for node in ast.walk(ast.parse(code)):
        if isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if name.startswith("write_"):
                return True
    return False


def widget_cells(cells) -> list[int]:
    """Indices of the code cells a notebook's widgets need, in order.

    The set-up cell, every cell that mentions ``cnnlab.viz`` or uses a name
    imported from it and, going backwards, each earlier cell that defines a
    name one of those reads (so a widget that shows a trained model keeps the
    cell that trains it, and nothing else of the lesson runs), or that calls a
    ``write_*`` function with a name they read (lesson 14 writes the image
    folder its classifier's cells read from ``root``).
    """
    code = [i for i, c in enumerate(cells) if c.cell_type == "code"]
    keep = {code[0]} if code else set()
    viz = set().union(*(_viz_names(cells[i].source) for i in code)) if code else set()
    needed: set = set()
    for i in reversed(code):
        defined, used = _names(cells[i].source)
        if ("cnnlab.viz" in cells[i].source or used & viz or defined & needed
                or (used & needed and _writes(cells[i].source))):
            keep.add(i)
            needed = (needed - defined) | used
    return sorted(keep)


def copy_with_check_cell(src: Path, dst_dir: Path, *, widgets_only: bool = True) -> Path:
    """Copy a notebook into ``dst_dir`` with :data:`CHECK_CELL` appended.

    With ``widgets_only`` (the default) the copy keeps only :func:`widget_cells`
    (and the markdown right before each, for readable screenshots).
    """
    import nbformat
    nb = nbformat.read(src, as_version=4)
    if widgets_only:
        keep = set(widget_cells(nb.cells))
        keep |= {i - 1 for i in keep if i > 0 and nb.cells[i - 1].cell_type == "markdown"}
        nb.cells = [c for i, c in enumerate(nb.cells) if i == 0 or i in keep]
    cell = nbformat.v4.new_code_cell(CHECK_CELL)
    cell["id"] = "cnnlab-browser-check"
    nb.cells.append(cell)
    dst = dst_dir / src.name
    nbformat.write(nb, dst)
    return dst


def combined_notebook(sources: list[Path], dst: Path) -> list[dict]:
    """Write one notebook made of every notebook's :func:`widget_cells`, in order.

    Each notebook becomes a section: a markdown heading naming it, a start cell,
    its widget cells verbatim (with the markdown right before each), and a check
    cell printing the records of the explorers made since its start (as
    :data:`CHECK_CELL` does). All run in one kernel, one section after the other;
    :func:`widget_cells` keeps the cells that define every name a widget cell
    reads, so a section never depends on a name an earlier one left behind.

    Returns one dict per notebook: ``name``, and the cell indices ``heading``,
    ``first`` (its start cell), ``check`` (its check cell, the section's last).

    >>> import nbformat, tempfile
    >>> new = nbformat.v4.new_code_cell
    >>> folder = Path(tempfile.mkdtemp())
    >>> for stem in "ab":
    ...     nb = nbformat.v4.new_notebook(cells=[new("import cnnlab"), new("1 + 1"),
    ...                                          new("cnnlab.viz.conv.ConvExplorer()")])
    ...     nbformat.write(nb, folder / f"{stem}.ipynb")
    >>> sections = combined_notebook([folder / "a.ipynb", folder / "b.ipynb"],
    ...                              folder / "all.ipynb")
    >>> [(s["name"], s["heading"], s["first"], s["check"]) for s in sections]
    [('a.ipynb', 2, 3, 6), ('b.ipynb', 7, 8, 11)]
    """
    import nbformat
    new_code, new_markdown = nbformat.v4.new_code_cell, nbformat.v4.new_markdown_cell
    cells = [new_markdown("# Every lesson's widget cells, one kernel\n\nWritten by "
                          "`tests/test_browser.py`: a temporary copy, never saved into "
                          "the repository."),
             new_code(SECTION_HELPERS)]
    sections = []
    for src in sources:
        nb = nbformat.read(src, as_version=4)
        keep = set(widget_cells(nb.cells))
        keep |= {i - 1 for i in keep if i > 0 and nb.cells[i - 1].cell_type == "markdown"}
        section = {"name": src.name, "heading": len(cells), "first": len(cells) + 1}
        cells.append(new_markdown(f"## {src.name}"))
        cells.append(new_code(f"_cnnlab_browser_start({src.name!r})"))
        cells += [nb.cells[i] for i in sorted(keep)]
        section["check"] = len(cells)
        cells.append(new_code(f"_cnnlab_browser_check({src.name!r})"))
        sections.append(section)
    for i, cell in enumerate(cells):     # ids unique across the lessons
        cell["id"] = f"cnnlab-browser-{i}"
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    nbformat.write(nbformat.v4.new_notebook(cells=cells, metadata={
        "kernelspec": {"name": "python3", "display_name": "Python 3",
                       "language": "python"}}), dst)
    return sections


def prewarm_code(path: Path) -> str:
    """Code importing the ``cnnlab`` modules a notebook's code names (and matplotlib).

    Only what the notebook will import anyway: a lesson whose widgets need no
    Keras does not import it.

    >>> import nbformat, tempfile
    >>> nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
    ...     "x = cnnlab.data.load('digits')\\ncnnlab.viz.conv.ConvExplorer(x)")])
    >>> path = Path(tempfile.mkdtemp()) / "a.ipynb"
    >>> nbformat.write(nb, path)
    >>> code = prewarm_code(path)
    >>> [m in code for m in ("'cnnlab.data'", "'cnnlab.viz.conv'", "'cnnlab.models'")]
    [True, True, False]
    """
    import importlib.util

    import nbformat
    nb = nbformat.read(path, as_version=4)
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    found = set(re.findall(r"\bcnnlab(?:\.\w+){1,2}", code))
    found |= {f"{m}.{n}" for m, names in re.findall(r"from (cnnlab[\w.]*) import ([\w, ]+)", code)
              for n in names.replace(" ", "").split(",")}

    def is_module(name):
        try:
            return importlib.util.find_spec(name) is not None
        except (ImportError, ValueError):
            return False
    modules = sorted({m for name in found for m in (name, name.rsplit(".", 1)[0])
                      if m.startswith("cnnlab") and is_module(m)})
    return ("import importlib\n"
            f"for _m in ['cnnlab', 'matplotlib.figure', 'ipywidgets', *{modules!r}]:\n"
            "    try:\n        importlib.import_module(_m)\n"
            "    except Exception:\n        pass\n"
            "del _m")


def parse_check(text: str) -> list[dict] | None:
    """The explorer records printed by :data:`CHECK_CELL`, or None when absent."""
    for line in text.splitlines():
        if line.startswith(CHECK_MARK):
            return json.loads(line[len(CHECK_MARK):])
    return None


def error_lines(text: str) -> list[str]:
    """Lines of ``text`` that look like a traceback or an exception message."""
    return [m.group(0).strip() for m in ERROR_LINE.finditer(text)]


# ---------------------------------------------------------------- server
def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class JupyterLab:
    """A JupyterLab server on loopback serving ``root_dir``; use as a context manager."""

    def __init__(self, root_dir: Path, work_dir: Path, *, startup_timeout: float = 90):
        self.root_dir = Path(root_dir)
        self.work_dir = Path(work_dir)
        self.port = free_port()
        self.token = secrets.token_hex(16)
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = self.work_dir / "jupyterlab.log"
        self.startup_timeout = startup_timeout
        self.proc = None
        self._log = None
        self._warm: dict = {}

    def _settings(self) -> Path:
        settings = self.work_dir / "lab-settings"
        for rel, values in LAB_SETTINGS.items():
            path = settings / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(values))
        # no "build recommended" check: it costs seconds of CPU on every page load
        page_config = self.work_dir / "jupyter-config" / "labconfig" / "page_config.json"
        page_config.parent.mkdir(parents=True, exist_ok=True)
        page_config.write_text(json.dumps({"buildCheck": False, "buildAvailable": False}))
        return settings

    def command(self) -> list[str]:
        return [sys.executable, "-m", "jupyterlab",
                "--no-browser", "--allow-root", "--ip=127.0.0.1",
                f"--port={self.port}", "--ServerApp.port_retries=0",
                f"--IdentityProvider.token={self.token}",
                f"--ServerApp.root_dir={self.root_dir}",
                f"--LabApp.user_settings_dir={self._settings()}",
                f"--LabApp.workspaces_dir={self.work_dir / 'workspaces'}",
                "--LabApp.news_url=None",
                "--LabApp.expose_app_in_browser=True",
                "--ServerApp.open_browser=False"]

    def env(self) -> dict:
        env = dict(os.environ)
        env.pop("MPLBACKEND", None)     # the kernel's inline backend draws the figures
        env["CNNLAB_PROFILE"] = "ci"
        env["JUPYTER_CONFIG_DIR"] = str(self.work_dir / "jupyter-config")
        env["JUPYTERLAB_SETTINGS_DIR"] = str(self.work_dir / "lab-settings")
        env["JUPYTERLAB_WORKSPACES_DIR"] = str(self.work_dir / "workspaces")
        env["JUPYTER_RUNTIME_DIR"] = str(self.work_dir / "runtime")
        env["JUPYTER_DATA_DIR"] = str(self.work_dir / "data")   # kernels: the venv's own
        env["IPYTHONDIR"] = str(self.work_dir / "ipython")      # no personal start-up files
        env["PYDEVD_DISABLE_FILE_VALIDATION"] = "1"
        # a temporary folder of its own: lesson 14 writes its image folder under
        # tempfile.gettempdir(), and the lesson-run test writes the same folder
        # at the same time in the other pytest worker
        tmp = self.work_dir / "tmp"
        tmp.mkdir(parents=True, exist_ok=True)
        env["TMPDIR"] = str(tmp)
        return env

    def __enter__(self):
        self._log = open(self.log_path, "w")
        self.proc = subprocess.Popen(self.command(), env=self.env(), cwd=self.root_dir,
                                     stdout=self._log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + self.startup_timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"JupyterLab exited at start-up:\n{self.log()}")
            try:
                self.api("status")
                return self
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.3)
        self.__exit__()
        raise RuntimeError(f"JupyterLab did not answer in {self.startup_timeout} s:\n"
                           f"{self.log()}")

    def __exit__(self, *exc):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self._log is not None:
            self._log.close()

    def api(self, path: str, method: str = "GET", body: dict | None = None,
            timeout: float = 10):
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(f"{self.url}/api/{path}", method=method, data=data,
                                     headers={"Authorization": f"token {self.token}",
                                              "Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            body = resp.read()
        return json.loads(body) if body else None

    def shutdown_kernels(self, keep=()) -> None:
        """Shut down every kernel but those of the notebooks named in ``keep``."""
        kept = {s["kernel"]["id"] for s in self.api("sessions")
                if s.get("kernel") and s["path"] in set(keep)}
        for kernel in self.api("kernels"):
            if kernel["id"] not in kept:
                self.api(f"kernels/{kernel['id']}", method="DELETE")
        for name in [n for n in self._warm if n not in set(keep)]:
            self._warm.pop(name).stop_channels()

    def prestart(self, name: str, warm: str | None = None) -> None:
        """Start the kernel of notebook ``name`` now and let it run ``warm``.

        JupyterLab opening ``name`` later finds the session for its path and
        connects to it instead of starting a kernel (the server reuses a
        session by path), so the seconds of kernel start and of importing
        Keras overlap with work on the previous notebook. The import runs
        silently (no output, no execution count, no history): the notebook's
        own cells still run from its first one. By default ``warm`` imports
        the ``cnnlab`` modules the notebook names (:func:`prewarm_code`).
        """
        session = self.api("sessions", method="POST", timeout=60, body={
            "path": name, "name": name, "type": "notebook",
            "kernel": {"name": "python3"}})
        warm = prewarm_code(self.root_dir / name) if warm is None else warm
        if not warm:
            return
        from jupyter_client import BlockingKernelClient
        client = BlockingKernelClient(connection_file=str(
            self.work_dir / "runtime" / f"kernel-{session['kernel']['id']}.json"))
        client.load_connection_file()
        client.start_channels()
        client.execute(warm, silent=True, store_history=False)
        self._warm[name] = client     # kept open until the kernel is shut down

    def log(self, start: int = 0) -> str:
        """The server's (and its kernels') console output from byte ``start`` on."""
        try:
            with open(self.log_path, "rb") as f:
                f.seek(start)
                return f.read().decode(errors="replace")
        except FileNotFoundError:
            return ""

    def log_size(self) -> int:
        return self.log_path.stat().st_size if self.log_path.exists() else 0

    def lab_url(self, name: str = "") -> str:
        """JupyterLab's address (with ``name`` open), a fresh workspace each time."""
        tree = f"/tree/{name}" if name else ""
        return f"{self.url}/lab{tree}?token={self.token}&reset"


# ---------------------------------------------------------------- page helpers
def open_notebook(page, path: str, timeout: float = 90) -> None:
    """Open ``path`` (File > Open) and wait until it is rendered and its kernel is idle."""
    page.evaluate("path => window.jupyterapp.commands.execute('docmanager:open', {path})", path)
    page.wait_for_function("""path => {
        const w = window.jupyterapp.shell.currentWidget;
        return w && w.context && w.context.path === path && w.content
               && w.content.widgets.length > 0;
    }""", arg=path, timeout=timeout * 1000)
    page.evaluate("() => { window.__cnnlabNotebook = window.jupyterapp.shell.currentWidget; }")
    wait_kernel_idle(page, timeout)


def close_all(page) -> None:
    """Save (into the temporary copy) and close every open document."""
    page.evaluate("""async () => {
        const app = window.jupyterapp;
        await app.commands.execute('docmanager:save-all');
        app.commands.execute('application:close-all');
    }""")
    page.wait_for_timeout(200)
    dialog = page.locator(".jp-Dialog button.jp-mod-warn")   # "Discard" if a save failed
    if dialog.count():
        dialog.first.click()


def kernel_status(page) -> str | None:
    return page.evaluate("""() => {
        const w = window.__cnnlabNotebook
                  || (window.jupyterapp && window.jupyterapp.shell.currentWidget);
        const k = w && w.sessionContext && w.sessionContext.session
                  && w.sessionContext.session.kernel;
        return k ? k.status : null;
    }""")


def wait_kernel_idle(page, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if kernel_status(page) == "idle":
            return
        page.wait_for_timeout(200)
    raise TimeoutError(f"kernel not idle after {timeout} s (status {kernel_status(page)!r})")


def run_all_cells(page, timeout: float = 300) -> float:
    """Run > Run All Cells, then wait until no cell is queued and the kernel is idle."""
    start = time.monotonic()
    page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")
    page.wait_for_timeout(200)
    deadline = start + timeout
    while time.monotonic() < deadline:
        busy = page.evaluate("""() => Array.from(
            document.querySelectorAll('.jp-CodeCell .jp-InputPrompt'))
            .some(p => p.textContent.includes('*'))""")
        if not busy and kernel_status(page) == "idle":
            # idle twice in a row: a widget may still be rendering its first figure
            page.wait_for_timeout(300)
            if kernel_status(page) == "idle":
                return time.monotonic() - start
        page.wait_for_timeout(250)
    raise TimeoutError(f"Run All Cells did not finish in {timeout} s")


def run_cells(page, first: int, last: int, timeout: float = 300) -> float:
    """Run cells ``first``..``last`` of the open notebook; wait until they are done.

    As Run All does, a cell that raises aborts the ones after it in the range,
    not those of a later call. Returns the seconds it took.
    """
    start = time.monotonic()
    page.evaluate("""([first, last]) => {
        const app = window.jupyterapp;
        const notebook = window.__cnnlabNotebook.content;
        app.shell.activateById(window.__cnnlabNotebook.id);
        notebook.activeCellIndex = first;
        notebook.deselectAll();
        notebook.extendContiguousSelectionTo(last);
        window.__cnnlabRun = {done: false, error: null};
        app.commands.execute('notebook:run-cell').then(
            () => { window.__cnnlabRun.done = true; },
            e => { window.__cnnlabRun.done = true; window.__cnnlabRun.error = String(e); });
    }""", [first, last])
    deadline = start + timeout
    while time.monotonic() < deadline:
        state = page.evaluate("() => window.__cnnlabRun")
        if state["done"]:
            if state["error"]:
                raise RuntimeError(f"running cells {first}-{last} failed: {state['error']}")
            return time.monotonic() - start
        page.wait_for_timeout(100)
    raise TimeoutError(f"cells {first}-{last} did not finish in {timeout} s")


def cell_output(page, index: int) -> str:
    """The text of cell ``index``'s outputs."""
    return page.evaluate("""i => {
        const area = window.__cnnlabNotebook.content.widgets[i].node
                     .querySelector('.jp-OutputArea');
        return area ? area.innerText : '';
    }""", index)


def run_cell(page, index: int, timeout: float = 60) -> str:
    """Run cell ``index`` again and return its output text."""
    run_cells(page, index, index, timeout)
    return cell_output(page, index)


def scroll_to_cell(page, index: int) -> None:
    page.evaluate("""i => window.__cnnlabNotebook.content.widgets[i]
                         .node.scrollIntoView({block: 'start'})""", index)


def run_last_cell(page) -> str:
    """Run the last cell again (the check cell) and return its output text."""
    page.evaluate("""async () => {
        const app = window.jupyterapp;
        const panel = app.shell.currentWidget;
        panel.content.activeCellIndex = panel.content.widgets.length - 1;
        await app.commands.execute('notebook:run-cell');
    }""")
    page.wait_for_timeout(300)
    wait_kernel_idle(page)
    return last_cell_output(page)


def last_cell_output(page) -> str:
    cells = page.locator(".jp-Notebook .jp-CodeCell")
    return cells.nth(cells.count() - 1).locator(".jp-OutputArea").inner_text()


def notebook_problems(page, cells: tuple[int, int] | None = None) -> list[str]:
    """Tracebacks and error messages in the rendered notebook (or its cells first..last)."""
    outputs = page.evaluate("""range => {
        const nodes = range
          ? window.__cnnlabNotebook.content.widgets
              .slice(range[0], range[1] + 1).map(c => c.node)
          : [document];
        return nodes.flatMap(n => Array.from(n.querySelectorAll('.jp-OutputArea-output')))
          .map(o => [o.getAttribute('data-mime-type') || '', o.innerText]);
    }""", list(cells) if cells else None)
    problems = []
    for mime, text in outputs:
        if mime == "application/vnd.jupyter.stderr" and error_lines(text):
            problems.append(f"stderr/error output: {text.strip()[:1500]}")
        if "Error displaying widget" in text or "Error rendering output" in text:
            problems.append(f"widget not rendered: {text.strip()[:300]}")
    return problems


def find_explorers(page, cells: tuple[int, int] | None = None) -> list:
    """Locators of every rendered ExplorerBase widget (or those in cells first..last).

    Numbered in page order in the ``data-cnnlab-explorer`` attribute, which a
    call renumbers.
    """
    n = page.evaluate(EXPLORER_JS, list(cells) if cells else None)
    return [page.locator(f'[data-cnnlab-explorer="{i}"]') for i in range(n)]


def output_snapshot(explorer) -> str:
    """What the widget shows: its Output area (figure bytes, text) and any extra children."""
    return explorer.evaluate("""box => Array.from(box.children).slice(2).map(c => {
        const imgs = (c.tagName === 'IMG' ? [c] : Array.from(c.querySelectorAll('img')))
            .map(i => i.src);
        return imgs.join('|') + '\\n' + c.innerText;
    }).join('\\n---\\n')""")


def message(explorer) -> tuple[str, bool]:
    """The widget's message label: (text, whether it holds a traceback <pre>)."""
    label = explorer.locator(":scope > :nth-child(2)")
    html = label.inner_html()
    return label.inner_text().strip(), "<pre" in html


def _wait_change(explorer, before: str, message_before: str, timeout: float,
                 settle: float = 1.5) -> str:
    """Wait for the output to change.

    Returns "changed", "message" (a readable error appeared), "unchanged" (the
    kernel has been idle for a while since ``settle`` seconds and nothing
    changed) or "timeout".
    """
    page = explorer.page
    start = time.monotonic()
    idle_since = None
    while time.monotonic() - start < timeout:
        if output_snapshot(explorer) != before:
            page.wait_for_timeout(150)   # let the update finish drawing
            return "changed"
        text, tb = message(explorer)
        if tb or (text and text != message_before):
            return "message"
        now = time.monotonic()
        if kernel_status(page) == "idle":
            idle_since = idle_since or now
            if now - start > settle and now - idle_since > 1.0:
                return "unchanged"
        else:
            idle_since = None
        page.wait_for_timeout(100)
    return "timeout"


def slider_room(handle) -> float:
    """Room right of a slider handle minus room left of it (from its ARIA values)."""
    now, low, high = (float(handle.get_attribute(a) or 0)
                      for a in ("aria-valuenow", "aria-valuemin", "aria-valuemax"))
    return (high - now) - (now - low)


def _actions(explorer):
    """Candidate control moves as (label, do, undo), one of each kind in turn."""
    controls = explorer.locator(":scope > :first-child")
    kinds = []
    moves = []
    sliders = controls.locator(".widget-slider .noUi-handle")
    for i in range(sliders.count()):
        handle = sliders.nth(i)

        def press(handle=handle, key="ArrowRight"):
            handle.focus()
            handle.press(key)
        right = (f"slider {i} right", press, lambda h=handle: press(h, "ArrowLeft"))
        left = (f"slider {i} left", lambda h=handle: press(h, "ArrowLeft"),
                lambda h=handle: press(h, "ArrowRight"))
        # the side with more room first: a slider at its maximum cannot move right
        moves += [left, right] if slider_room(handle) < 0 else [right, left]
    kinds.append(moves)
    moves = []
    selects = controls.locator(".widget-dropdown select")
    for i in range(selects.count()):
        select = selects.nth(i)
        values = select.evaluate("s => Array.from(s.options).map(o => o.value)")
        current = select.input_value()
        for value in [v for v in values if v != current][:2]:
            moves.append((f"dropdown {i} -> option {value}",
                          lambda s=select, v=value: s.select_option(v),
                          lambda s=select, v=current: s.select_option(v)))
    kinds.append(moves)
    toggles = controls.locator(".widget-toggle-buttons button:not(.mod-active)")
    kinds.append([(f"toggle button {i}", toggles.nth(i).click, None)
                  for i in range(min(toggles.count(), 2))])
    boxes = controls.locator(".widget-checkbox input[type=checkbox]")
    kinds.append([(f"checkbox {i}", boxes.nth(i).click, boxes.nth(i).click)
                  for i in range(boxes.count())])
    buttons = controls.locator("button.widget-button")
    kinds.append([(f"button {i}", buttons.nth(i).click, None) for i in range(buttons.count())])
    ordered = []
    for turn in range(max(map(len, kinds))):
        ordered += [moves[turn] for moves in kinds if turn < len(moves)]
    return ordered


def move_a_control(explorer, timeout: float = 20, max_tries: int = 6):
    """Move controls of ``explorer`` until its output changes.

    Returns
    -------
    move : str or None
        The move that changed the output (None if none did).
    tracebacks : list of str
        Exception texts seen in the message label (the moves stop at the first).
    attempts : list of (move, outcome, seconds)
        What was tried, for the test's record.
    """
    tracebacks, attempts = [], []
    for label, do, undo in _actions(explorer)[:max_tries]:
        before = output_snapshot(explorer)
        message_before = message(explorer)[0]
        start = time.monotonic()
        do()
        outcome = _wait_change(explorer, before, message_before, timeout)
        attempts.append((label, outcome, round(time.monotonic() - start, 2)))
        text, tb = message(explorer)
        if tb:
            tracebacks.append(f"after {label}: {text[:2000]}")
            return None, tracebacks, attempts
        if outcome == "changed":
            return label, tracebacks, attempts
        if text and undo is not None:   # a readable ValueError: step back, try another control
            undo()
            explorer.page.wait_for_timeout(500)
    return None, tracebacks, attempts


# The current notebook's logger: what its log console shows, read from the model (the
# panel is opened once to find the logger, then closed: no rendering on each read).
LOG_JS = r"""
async () => {
  const app = window.jupyterapp;
  if (!window.__cnnlabLogger) {
    const open = app.commands.isToggled('logconsole:open');
    if (!open) await app.commands.execute('logconsole:open');
    for (const w of ['down', 'main'].flatMap(area => Array.from(app.shell.widgets(area)))) {
      const panel = w.content || w;
      if (panel.loggerRegistry && panel.logger) window.__cnnlabLogger = panel.logger;
    }
    if (!open) await app.commands.execute('logconsole:open');     // toggles it closed
    if (window.__cnnlabNotebook) app.shell.activateById(window.__cnnlabNotebook.id);
  }
  const logger = window.__cnnlabLogger;
  if (!logger) return null;
  const model = logger.outputAreaModel;
  const texts = [];
  for (let i = 0; i < model.length; i++) {
    const o = model.get(i).toJSON();
    const join = t => Array.isArray(t) ? t.join('') : (t || '');
    const text = o.output_type === 'stream' ? join(o.text)
      : o.output_type === 'error' ? [`${o.ename}: ${o.evalue}`, ...o.traceback].join('\n')
      : join((o.data || {})['text/plain'] || (o.data || {})['text/html']);
    texts.push(text.replace(/\x1b\[[0-9;]*m/g, ''));
  }
  return texts;
}
"""


def log_entries(page) -> list[str]:
    """The text of every entry in the open notebook's log console, oldest first.

    Output of widget callbacks that is not inside an ``Output`` widget lands
    there, including the traceback of an exception raised in an ``observe`` or
    ``on_click`` handler (ipywidgets shows it with ``showtraceback``), and
    output printed by a thread after its cell finished.
    """
    texts = page.evaluate(LOG_JS)
    if texts is None:
        raise RuntimeError("the notebook's log console has no logger")
    return texts


def page_log_problems(messages: list[str]) -> list[str]:
    """Console messages that point at widget trouble (uncaught errors, widget manager)."""
    keys = ("widget", "jupyter-widgets", "model", "uncaught", "comm")
    return [m for m in messages if any(k in m.lower() for k in keys)]


def copy_tree(src: Path, dst: Path) -> None:
    shutil.copytree(src, dst, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
