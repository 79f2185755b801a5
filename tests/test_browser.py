"""The lesson widgets work in a real browser: JupyterLab driven by headless Chromium.

For every lesson notebook that uses ``cnnlab.viz`` the test opens the notebook
in JupyterLab (a temporary copy: no output is saved into the repository), runs
all cells, then for each rendered widget moves a control (slider: arrow key;
dropdown: another option; toggle button, checkbox, button: click) until the
figure or text in its output area changes. It fails on

- any traceback or error output in the notebook, or a widget that did not render;
- a widget whose output does not change when its controls move;
- an exception shown in a widget's message label or recorded in its ``.error``
  (read back in the kernel by a check cell appended to the copy);
- a traceback in JupyterLab's log console (where exceptions raised in widget
  callbacks end up), in the server/kernel log, or an uncaught error in the page.

Screenshots before and after each move go to ``tests/artifacts/`` (gitignored;
CI keeps it), with a JSON record per notebook of the moves tried and the time
each step took; the convolution explorer on a photo (lesson 00) is also saved
as ``tests/artifacts/widget.png`` (``python tools/screenshot.py`` copies it
into ``docs/screenshots/``).

Time: one server and one Lab page for all notebooks, each copy cut down to its
widget cells (:func:`browser_util.widget_cells`); while a notebook's widgets are
checked, the next notebook's kernel is started and imports Keras (silently, see
:meth:`browser_util.JupyterLab.prestart`), and finished kernels are shut down in
a thread. Lesson 06 stays the slowest (about 35 s under load): its depth explorer
draws the four training runs of the cell before it, so that cell is kept.

Needs ``/usr/bin/chromium`` (Debian's ``chromium`` package; ``tools/setup.sh``
installs it) and the ``playwright`` Python package -- never ``playwright
install``. Without them the test is skipped, except under ``CI=true`` where it
fails. ``CNNLAB_BROWSER_LESSONS=/some/folder`` points it at other notebooks
(used to develop the test itself).
"""
from __future__ import annotations

import contextlib
import io
import json
import os
import shutil
import time
from pathlib import Path

import pytest

import browser_util as bu

REPO = Path(__file__).resolve().parents[1]
LESSONS = Path(os.environ.get("CNNLAB_BROWSER_LESSONS", REPO / "lessons"))
NOTEBOOKS = sorted(p.name for p in LESSONS.glob("*.ipynb") if bu.has_widgets(p))
ARTIFACTS = REPO / "tests" / "artifacts"
SCREENSHOT = ARTIFACTS / "widget.png"
README_WIDGET = ("00_convolution.ipynb", 1)   # the convolution explorer on a photo
RUN_ALL_TIMEOUT = 300          # seconds; lessons 04-12 train small models in the CI profile


def require_browser() -> None:
    """Skip without Chromium or Playwright, but fail under ``CI=true``."""
    problems = []
    if not Path(bu.CHROMIUM).exists():
        problems.append(f"{bu.CHROMIUM} is missing (apt-get install chromium)")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        problems.append("the playwright package is missing (pip install playwright)")
    if problems:
        reason = "browser test needs " + "; ".join(problems)
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(reason + " -- required when CI=true", pytrace=False)
        pytest.skip(reason)


# ------------------------------------------------------------------ fixtures
@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    require_browser()
    work = tmp_path_factory.mktemp("jupyterlab")
    root = work / "lessons"
    bu.copy_tree(LESSONS, root)
    for name in NOTEBOOKS:
        bu.copy_with_check_cell(LESSONS / name, root)
    with bu.JupyterLab(root, work) as server:
        if NOTEBOOKS:
            server.prestart(NOTEBOOKS[0])   # boots while Chromium and Lab load
        yield server


@pytest.fixture(scope="module")
def browser(lab):
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=bu.CHROMIUM, args=bu.CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def lab_page(lab, browser):
    """One JupyterLab page for the whole module (loading Lab costs seconds)."""
    context = browser.new_context(viewport={"width": 1280, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(60_000)
    page.console_log = []
    page.on("console", lambda m: page.console_log.append(f"console.{m.type}: {m.text}")
            if m.type == "error" else None)
    page.on("pageerror", lambda e: page.console_log.append(f"uncaught: {e}"))
    page.goto(lab.lab_url(""))
    page.wait_for_function("() => window.jupyterapp && window.jupyterapp.shell")
    page.evaluate("async () => { await window.jupyterapp.restored; }")
    yield page
    context.close()


@pytest.fixture
def page(lab_page):
    lab_page.console_log.clear()
    yield lab_page
    bu.close_all(lab_page)


# ------------------------------------------------------------------ the browser test
@pytest.mark.slow
@pytest.mark.parametrize("name", NOTEBOOKS)
def test_widgets_respond_in_jupyterlab(name, lab, page):
    ARTIFACTS.mkdir(exist_ok=True)
    stem = Path(name).stem
    log_start = lab.log_size()
    failures = []
    record = {"notebook": name, "widgets": [], "steps": {}}
    start = time.monotonic()

    def lap(step):
        record["steps"][step] = round(time.monotonic() - start, 1)

    index = NOTEBOOKS.index(name)
    following = NOTEBOOKS[index + 1] if index + 1 < len(NOTEBOOKS) else None
    try:
        bu.open_notebook(page, name)
        lap("opened")
        record["run_all_seconds"] = round(bu.run_all_cells(page, timeout=RUN_ALL_TIMEOUT), 1)
        lap("ran all cells")
        if following:
            # the next notebook's kernel starts and imports Keras during this one's checks
            try:
                lab.prestart(following)
            except Exception as exc:     # it then starts its own kernel, as without this
                record["prestart_error"] = repr(exc)
        page.screenshot(path=str(ARTIFACTS / f"{stem}_run_all.png"))

        failures += bu.notebook_problems(page)
        before = bu.parse_check(bu.last_cell_output(page))
        assert before is not None, (
            f"{name} did not run to its end:\n" + "\n".join(failures))
        explorers = bu.find_explorers(page)
        assert explorers, (f"{name} uses cnnlab.viz but no widget rendered (kernel saw "
                           f"{len(before)} explorers): is jupyterlab_widgets installed?")

        moved = 0
        for i, explorer in enumerate(explorers):
            explorer.scroll_into_view_if_needed()
            shot = ARTIFACTS / f"{stem}_widget{i}_before.png"
            explorer.screenshot(path=str(shot))
            if (name, i) == README_WIDGET and LESSONS == REPO / "lessons":
                shutil.copyfile(shot, SCREENSHOT)
            move, tracebacks, attempts = bu.move_a_control(explorer)
            record["widgets"].append({"move": move, "attempts": attempts})
            explorer.screenshot(path=str(ARTIFACTS / f"{stem}_widget{i}_after.png"))
            failures += [f"widget {i}: exception shown: {tb}" for tb in tracebacks]
            if move is None and not tracebacks:
                failures.append(f"widget {i}: no control move changed its output")
            moved += move is not None

        lap("moved controls")
        after = bu.parse_check(bu.run_last_cell(page))
        lap("checked kernel")
        assert after is not None, "the check cell failed to run again:\n" + \
            bu.last_cell_output(page)
        failures += [f"{r['class']}.error = {r['error']}" for r in after if r["error"]]
        updates = sum(r["updates"] for r in after) - sum(r["updates"] for r in before)
        if updates < moved:
            failures.append(f"{moved} widgets changed in the page but the kernel recorded "
                            f"only {updates} updates")
        failures += bu.notebook_problems(page)
        page.screenshot(path=str(ARTIFACTS / f"{stem}_end.png"))
        logged = bu.log_console_text(page)
        lap("read log console")
        if bu.error_lines(logged):
            failures.append(f"error in a widget callback (log console):\n{logged[-2000:]}")
    finally:
        lab.shutdown_kernels_later(keep=[following] if following else [])
        lap("kernel shut down")
        record["seconds"] = round(time.monotonic() - start, 1)
        (ARTIFACTS / f"{stem}.json").write_text(json.dumps(record, indent=1))
    log = lab.log(log_start)
    failures += [f"kernel log: {line}" for line in bu.error_lines(log)
                 if "Traceback" in line or "Exception" in line]
    failures += bu.page_log_problems(page.console_log)
    assert not failures, f"{name}:\n" + "\n".join(dict.fromkeys(failures)) + \
        ("\n--- server/kernel log ---\n" + log[-3000:] if "kernel log" in str(failures) else "")


# ------------------------------------------------------------------ the helpers themselves
def test_check_cell_reports_explorers_and_their_errors():
    """The appended check cell finds every live explorer, its changes and its error."""
    import ipywidgets as widgets

    from cnnlab.viz.base import ExplorerBase

    class Flaky(ExplorerBase):
        def __init__(self):
            super().__init__({"n": widgets.IntSlider(1, min=0, max=3)})

        def compute(self, n):
            return {"n": 1 / n}            # ZeroDivisionError at n = 0

        def draw(self, result, fig):
            fig.add_subplot().plot([0, result["n"]])

    flaky = Flaky()
    flaky.controls["n"].value = 0
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(bu.CHECK_CELL, {})
    records = [r for r in bu.parse_check(out.getvalue()) if r["class"] == "Flaky"]
    assert records == [{"class": "Flaky", "updates": 2,     # construction + one move
                        "error": "ZeroDivisionError('division by zero')"}]
    flaky.close()


def test_error_lines_spot_tracebacks_not_warnings():
    text = ("UserWarning: something mild\nTraceback (most recent call last):\n"
            "  File 'x.py', line 1\nValueError: `n` must be > 0. Received: n=0.\n")
    assert bu.error_lines(text) == ["Traceback (most recent call last)", "ValueError:"]
    assert bu.error_lines("Epoch 1/2 - loss: 0.5\nwarnings are fine") == []


def test_only_notebooks_that_use_widgets_are_opened(tmp_path):
    import nbformat
    from nbformat.v4 import new_code_cell, new_notebook
    for stem, code in [("a", "cnnlab.viz.conv.ConvExplorer()"), ("b", "1 + 1")]:
        nbformat.write(new_notebook(cells=[new_code_cell(code)]), tmp_path / f"{stem}.ipynb")
    assert [p.name for p in sorted(tmp_path.glob("*.ipynb")) if bu.has_widgets(p)] == ["a.ipynb"]


def test_missing_browser_skips_locally_and_fails_in_ci(monkeypatch):
    monkeypatch.setattr(bu, "CHROMIUM", "/nonexistent/chromium")
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="chromium"):
        require_browser()
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="required when CI=true"):
        require_browser()


def test_widget_cells_keep_what_the_widgets_need_and_nothing_else():
    import nbformat
    new = nbformat.v4.new_code_cell
    cells = [new("import cnnlab"),                                  # 0 set-up
             new("x = load()"),                                     # 1 needed by 4
             new("train_a_big_model()"),                            # 2 not needed
             new("from cnnlab.viz import conv as conv_viz\ny = 2"),  # 3 alias import
             new("conv_viz.explorer(x)"),                           # 4 widget via alias
             new("z = x + 1")]                                      # 5 after every widget
    assert bu.widget_cells(cells) == [0, 1, 3, 4]
