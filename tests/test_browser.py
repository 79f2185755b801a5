"""The lesson widgets work in a real browser: JupyterLab driven by headless Chromium.

Every lesson notebook that uses ``cnnlab.viz`` is cut down to its widget cells
(:func:`browser_util.widget_cells`) and the cuts are put one after the other in
one notebook, a section per lesson (:func:`browser_util.combined_notebook`: a
heading, the lesson's cells verbatim, a check cell), in a temporary copy of the
lessons (no output is saved into the repository; only the lessons whose test
is selected, so ``-k 00_`` runs lesson 00 alone). A module fixture opens it in
JupyterLab and runs the sections in order in one kernel, each to its end (a
cell that raises stops its own lesson's section, not the next ones). Then, for
each lesson (one test each, so a failure names its lesson), every widget of
its section is moved (slider: arrow key; dropdown: another option; toggle
button, checkbox, button: click) until the figure or text in its output area
changes. A lesson fails on

- any traceback or error output in its cells, or a widget that did not render;
- a widget whose output does not change when its controls move;
- an exception shown in a widget's message label or recorded in its ``.error``
  (read back in the kernel by the section's check cell, which reports the
  explorers the lesson's cells made, run again after the moves);
- a traceback in JupyterLab's log console (where exceptions raised in widget
  callbacks end up), in the server/kernel log, or an uncaught error in the page,
  while its cells ran or its widgets moved.

Screenshots before and after each move go to ``tests/artifacts/`` (gitignored;
CI keeps it), with a JSON record per lesson of the moves tried and the time
each step took (``all_widget_cells.json``: the seconds each section ran); the
convolution explorer on a photo (lesson 00) is also saved as
``tests/artifacts/widget.png`` (``python tools/screenshot.py`` copies it into
``docs/screenshots/``).

Time: one server, one Lab page, one kernel (started, importing Keras, while
Chromium and Lab load: :meth:`browser_util.JupyterLab.prestart`), so Keras is
imported once instead of once per lesson. Lesson 06 stays the slowest section
(about 30 s): its depth explorer draws the four training runs of the cell before
it, so that cell is kept.

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
COMBINED = "all_widget_cells.ipynb"     # written next to the lesson copies
ARTIFACTS = REPO / "tests" / "artifacts"
SCREENSHOT = ARTIFACTS / "widget.png"
README_WIDGET = ("00_convolution.ipynb", 1)   # the convolution explorer on a photo
RUN_TIMEOUT = 300              # seconds per lesson; lessons 04-16 train small models (CI profile)


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
def selected_lessons(items) -> list[str]:
    """The lessons whose browser test pytest will run (``-k 00_`` runs one section only)."""
    chosen = {item.callspec.params["name"] for item in items
              if getattr(item, "originalname", None) == "test_widgets_respond_in_jupyterlab"}
    return [name for name in NOTEBOOKS if name in chosen]


@pytest.fixture(scope="module")
def lab(request, tmp_path_factory):
    require_browser()
    work = tmp_path_factory.mktemp("jupyterlab")
    root = work / "lessons"
    bu.copy_tree(LESSONS, root)
    sections = bu.combined_notebook([LESSONS / name for name in
                                     selected_lessons(request.session.items)], root / COMBINED)
    with bu.JupyterLab(root, work) as server:
        server.sections = {s["name"]: s for s in sections}
        if sections:
            server.prestart(COMBINED)   # boots and imports Keras while Chromium and Lab load
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


@pytest.fixture(scope="module")
def combined(lab, lab_page):
    """Open the combined notebook and run every lesson's section once, in order.

    Records per lesson what its cells left behind while they ran: seconds,
    error (a section that did not finish), its log console entries, its part
    of the server/kernel log and the page's console errors.
    """
    page = lab_page
    start = time.monotonic()
    state = {"runs": {}, "log_cursor": 0, "steps": {}}
    bu.open_notebook(page, COMBINED)
    state["steps"]["opened"] = round(time.monotonic() - start, 1)
    entries = len(bu.log_entries(page))
    bu.run_cells(page, 1, 1)                       # the check cells' helpers
    for name, section in lab.sections.items():
        run = {"log_start": lab.log_size(), "console_start": len(page.console_log)}
        try:
            run["seconds"] = round(bu.run_cells(page, section["first"], section["check"],
                                                timeout=RUN_TIMEOUT), 1)
        except Exception as exc:       # the next sections still run (after this one)
            run["error"] = repr(exc)
        logged = bu.log_entries(page)
        run["log_console"], entries = logged[entries:], len(logged)
        run["server_log"] = lab.log(run.pop("log_start"))
        run["console"] = page.console_log[run.pop("console_start"):]
        state["runs"][name] = run
    state["steps"]["ran all sections"] = round(time.monotonic() - start, 1)
    state["log_cursor"] = entries
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / f"{Path(COMBINED).stem}.json").write_text(json.dumps(
        {"steps": state["steps"],
         "section_seconds": {n: r.get("seconds") for n, r in state["runs"].items()}},
        indent=1))
    yield state         # the server's shutdown ends the kernel: nothing to save or close


@pytest.fixture
def page(lab_page):
    lab_page.console_log.clear()
    yield lab_page


# ------------------------------------------------------------------ the browser test
@pytest.mark.slow
@pytest.mark.parametrize("name", NOTEBOOKS)
def test_widgets_respond_in_jupyterlab(name, lab, combined, page):
    ARTIFACTS.mkdir(exist_ok=True)
    stem = Path(name).stem
    section, run = lab.sections[name], combined["runs"][name]
    cells = (section["first"], section["check"])
    log_start = lab.log_size()
    failures = []
    record = {"notebook": name, "widgets": [], "run_seconds": run.get("seconds"),
              "steps": {}}
    start = time.monotonic()

    def lap(step):
        record["steps"][step] = round(time.monotonic() - start, 1)

    try:
        bu.scroll_to_cell(page, section["heading"])
        page.screenshot(path=str(ARTIFACTS / f"{stem}_run_all.png"))
        lap("page screenshot")
        failures += bu.notebook_problems(page, cells)
        assert "error" not in run, (f"{name}: its cells did not finish: {run['error']}\n"
                                    + "\n".join(failures))
        before = bu.parse_check(bu.cell_output(page, section["check"]))
        assert before is not None, (
            f"{name} did not run to its end:\n" + "\n".join(failures))
        explorers = bu.find_explorers(page, cells)
        assert explorers, (f"{name} uses cnnlab.viz but no widget rendered (kernel saw "
                           f"{len(before)} explorers): is jupyterlab_widgets installed?")
        lap("found explorers")

        moved = 0
        for i, explorer in enumerate(explorers):
            explorer.scroll_into_view_if_needed()
            shot = ARTIFACTS / f"{stem}_widget{i}_before.png"
            explorer.screenshot(path=str(shot))
            if (name, i) == README_WIDGET and LESSONS == REPO / "lessons":
                shutil.copyfile(shot, SCREENSHOT)
            lap(f"widget {i} screenshot")
            move, tracebacks, attempts = bu.move_a_control(explorer)
            record["widgets"].append({"move": move, "attempts": attempts})
            explorer.screenshot(path=str(ARTIFACTS / f"{stem}_widget{i}_after.png"))
            failures += [f"widget {i}: exception shown: {tb}" for tb in tracebacks]
            if move is None and not tracebacks:
                failures.append(f"widget {i}: no control move changed its output")
            moved += move is not None

        lap("moved controls")
        after = bu.parse_check(bu.run_cell(page, section["check"]))
        lap("checked kernel")
        assert after is not None, "the check cell failed to run again:\n" + \
            bu.cell_output(page, section["check"])
        failures += [f"{r['class']}.error = {r['error']}" for r in after if r["error"]]
        updates = sum(r["updates"] for r in after) - sum(r["updates"] for r in before)
        if updates < moved:
            failures.append(f"{moved} widgets changed in the page but the kernel recorded "
                            f"only {updates} updates")
        failures += bu.notebook_problems(page, cells)
        page.screenshot(path=str(ARTIFACTS / f"{stem}_end.png"))
        entries = bu.log_entries(page)
        logged = "\n".join(run["log_console"] + entries[combined["log_cursor"]:])
        combined["log_cursor"] = len(entries)
        lap("read log console")
        if bu.error_lines(logged):
            failures.append(f"error in a widget callback (log console):\n{logged[-2000:]}")
    finally:
        record["seconds"] = round(time.monotonic() - start, 1)
        (ARTIFACTS / f"{stem}.json").write_text(json.dumps(record, indent=1))
    log = run["server_log"] + lab.log(log_start)
    failures += [f"kernel log: {line}" for line in bu.error_lines(log)
                 if "Traceback" in line or "Exception" in line]
    failures += bu.page_log_problems(run["console"] + page.console_log)
    assert not failures, f"{name}:\n" + "\n".join(dict.fromkeys(failures)) + \
        ("\n--- server/kernel log ---\n" + log[-3000:] if "kernel log" in str(failures) else "")


# ------------------------------------------------------------------ the helpers themselves
def _flaky_explorer_class(name: str):
    """An explorer class called ``name`` whose ``compute`` raises ZeroDivisionError at n = 0."""
    import ipywidgets as widgets

    from cnnlab.viz.base import ExplorerBase

    def __init__(self):
        ExplorerBase.__init__(self, {"n": widgets.IntSlider(1, min=0, max=3)})

    def compute(self, n):
        return {"n": 1 / n}

    def draw(self, result, fig):
        fig.add_subplot().plot([0, result["n"]])

    return type(name, (ExplorerBase,), {"__init__": __init__, "compute": compute, "draw": draw})


def test_check_cell_reports_explorers_and_their_errors():
    """The appended check cell finds every live explorer, its changes and its error."""
    Flaky = _flaky_explorer_class("Flaky")
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
    cells[2:2] = [new("cnnlab.data.write_image_folder('shapes', x)"),  # writes what 5 reads
                  new("print(x)"),                                     # only looks
                  new("write_log(y)")]                                 # writes, not for them
    assert bu.widget_cells(cells) == [0, 1, 2, 6, 7]


def test_section_check_reports_only_the_explorers_its_lesson_made():
    """The combined notebook's check cell of a lesson: its explorers, before and after moves."""
    Counter = _flaky_explorer_class("Counter")
    namespace = {}
    exec(bu.SECTION_HELPERS, namespace)
    earlier = Counter()                     # an earlier lesson's explorer, still alive
    namespace["_cnnlab_browser_start"]("b.ipynb")
    mine = Counter()

    def check():
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            namespace["_cnnlab_browser_check"]("b.ipynb")
        return bu.parse_check(out.getvalue())
    assert check() == [{"class": "Counter", "updates": 1, "error": None}]
    earlier.controls["n"].value = 0
    mine.controls["n"].value = 0
    later = Counter()                       # a later lesson's explorer
    assert check() == [{"class": "Counter", "updates": 2,
                        "error": "ZeroDivisionError('division by zero')"}]
    for w in (earlier, mine, later):
        w.close()
