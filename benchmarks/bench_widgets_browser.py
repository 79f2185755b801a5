"""Slider-to-picture time of every lesson widget in a real browser (run by hand).

    .venv/bin/python benchmarks/bench_widgets_browser.py [--lessons 00,02] [--repeats 6]

JupyterLab and headless Chromium are started exactly as ``tests/test_browser.py``
starts them (``tests/browser_util.py``: loopback server on a temporary copy of the
lessons cut down to their widget cells, CI profile, the same Chromium flags). For
every explorer the lessons show:

- **press**: focus the first control that changes the picture (the first slider,
  moved towards the side it has room on; else a dropdown, toggle button or
  checkbox), press an arrow key (or pick the next option) and time, in the page,
  from the ``keydown``/``change`` event to the ``src`` change of the explorer's
  ``<img>`` (a ``MutationObserver`` armed by ``page.evaluate`` just before the
  press; both stamps are ``performance.now()`` times). Median, min and max of
  ``--repeats`` presses, alternating right/left so the value stays in range (one
  unmeasured press first finds the control and warms the caches).
- **drag**: 10 presses as fast as Playwright sends them, then the time from the
  last press to the last picture change, once the picture has not changed for
  1 s (0 when the final picture came before the last press), with the number
  of picture changes; the first integer slider with room for 10 steps is
  dragged when there is one. An explorer that drew every stale value would show
  a backlog (about 10x the single-press time, 10 picture changes), but in the
  browser ipywidgets' own front-end throttle already coalesces: while one sync
  message awaits the kernel, later values are merged and sent as one, so a drag
  costs a few updates (1-3 picture changes for most explorers under load).

Prints one Markdown table and writes it to ``benchmarks/results/widgets_browser.md``
(``--out`` to change). Needs ``/usr/bin/chromium`` and the ``playwright`` package,
like the browser test. The machine's load average is printed with the table:
quote it with the numbers.
"""
from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))
import browser_util as bu  # noqa: E402  (tests/browser_util.py)

DRAG_PRESSES = 10
QUIET_MS = 1000          # the picture must stay unchanged this long after a drag

# Arm a recorder on explorer `i`: the first/last keydown or change event inside it and
# every src change of its picture, all in performance.now() time.
ARM_JS = """
i => {
  const box = document.querySelector(`[data-cnnlab-explorer="${i}"]`);
  const pic = box.children[2].tagName === 'IMG' ? box.children[2]
                                                : box.children[2].querySelector('img');
  const old = window.__cnnlabRec;
  if (old) old.stop();
  const rec = {armed: performance.now(), first: null, last: null, events: 0, changes: []};
  const onEvent = e => {
    if (e.type === 'keydown' || e.type === 'change') {
      if (rec.first === null) rec.first = e.timeStamp;
      rec.last = e.timeStamp; rec.events += 1;
    }
  };
  box.addEventListener('keydown', onEvent, true);
  box.addEventListener('change', onEvent, true);
  const obs = pic ? new MutationObserver(() => rec.changes.push(performance.now())) : null;
  if (obs) obs.observe(pic, {attributes: true, attributeFilter: ['src']});
  rec.stop = () => {
    if (obs) obs.disconnect();
    box.removeEventListener('keydown', onEvent, true);
    box.removeEventListener('change', onEvent, true);
  };
  window.__cnnlabRec = rec;
  return pic !== null;
}
"""
READ_JS = """() => { const r = window.__cnnlabRec;
  return {armed: r.armed, first: r.first, last: r.last, events: r.events,
          changes: r.changes.slice(), now: performance.now()}; }"""


# ------------------------------------------------------------------ controls
class Control:
    """One control that can move forward and back, with a label for the table."""

    def __init__(self, label, forward, back):
        self.label, self.forward, self.back = label, forward, back

    def step(self, k: int) -> None:
        """Move ``k`` of a drag: a slider keeps going one way, anything else alternates."""
        self.move(0 if self.label.startswith("slider") else k)

    def move(self, i: int) -> None:
        (self.forward if i % 2 == 0 else self.back)()


def _slider(handle, i: int) -> Control:
    now, low, high = (float(handle.get_attribute(a) or 0)
                      for a in ("aria-valuenow", "aria-valuemin", "aria-valuemax"))
    first, then = ("ArrowLeft", "ArrowRight") if now - low > high - now else \
        ("ArrowRight", "ArrowLeft")

    def press(key):
        handle.focus()
        handle.press(key)
    return Control(f"slider {i} ({first[5:].lower()} first)",
                   lambda: press(first), lambda: press(then))


def _dropdown(select, i: int) -> Control | None:
    values = select.evaluate("s => Array.from(s.options).map(o => o.value)")
    current = select.input_value()
    others = [v for v in values if v != current]
    if not others:
        return None
    control = Control(f"dropdown {i}", lambda: select.select_option(others[0]),
                      lambda: select.select_option(current))
    start = values.index(current)
    # a drag through the options: the next one each time, never back to the start
    control.step = lambda k: select.select_option(values[(start + 1 + k % len(others))
                                                         % len(values)])
    return control


def candidates(explorer) -> list[Control]:
    """Controls in the order tried: sliders, dropdowns, toggle buttons, checkboxes."""
    controls = explorer.locator(":scope > :first-child")
    found = []
    handles = controls.locator(".widget-slider .noUi-handle")
    found += [_slider(handles.nth(i), i) for i in range(handles.count())]
    selects = controls.locator(".widget-dropdown select")
    found += [c for c in (_dropdown(selects.nth(i), i) for i in range(selects.count())) if c]
    toggles = controls.locator(".widget-toggle-buttons")
    for i in range(toggles.count()):
        buttons = toggles.nth(i).locator("button")
        if buttons.count() > 1:
            active = next((j for j in range(buttons.count())
                           if "mod-active" in (buttons.nth(j).get_attribute("class") or "")), 0)
            other = 1 if active == 0 else 0
            found.append(Control(f"toggle {i}", buttons.nth(other).click,
                                 buttons.nth(active).click))
    boxes = controls.locator(".widget-checkbox input[type=checkbox]")
    found += [Control(f"checkbox {i}", boxes.nth(i).click, boxes.nth(i).click)
              for i in range(boxes.count())]
    return found


# ------------------------------------------------------------------ timing
def _wait_picture(page, timeout: float = 30, settle: float = 2.0) -> dict | None:
    """Poll the recorder until the picture changed; None if the kernel went idle without."""
    start = time.monotonic()
    idle_since = None
    while time.monotonic() - start < timeout:
        rec = page.evaluate(READ_JS)
        if rec["changes"]:
            return rec
        now = time.monotonic()
        if bu.kernel_status(page) == "idle":
            idle_since = idle_since or now
            if now - start > settle and now - idle_since > 1.0:
                return None
        else:
            idle_since = None
        page.wait_for_timeout(20)
    return None


def _quiet(page, quiet_ms: float = 300, timeout: float = 60) -> dict:
    """Wait until the kernel is idle and the picture has not changed for ``quiet_ms``."""
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        rec = page.evaluate(READ_JS)
        last = rec["changes"][-1] if rec["changes"] else rec["armed"]
        if rec["now"] - last >= quiet_ms and bu.kernel_status(page) == "idle":
            return rec
        page.wait_for_timeout(50)
    return page.evaluate(READ_JS)


def measure_explorer(page, index: int, explorer, repeats: int) -> dict:
    explorer.scroll_into_view_if_needed()
    row = {"control": None, "press_ms": [], "drag_ms": None, "drag_changes": None,
           "drag_control": None}
    for control in candidates(explorer):
        if not page.evaluate(ARM_JS, index):
            row["control"] = "no <img> in the output"
            return row
        control.move(0)          # unmeasured: finds a control that changes the picture
        if _wait_picture(page) is None:
            continue
        _quiet(page)
        row["control"] = control.label
        for i in range(1, repeats + 1):
            page.evaluate(ARM_JS, index)
            control.move(i)
            rec = _wait_picture(page)
            if rec is None:
                continue
            start = rec["first"] if rec["first"] is not None else rec["armed"]
            row["press_ms"].append(rec["changes"][0] - start)
            _quiet(page)
        drag = drag_control(explorer) or control
        row["drag_control"] = None if drag is control else drag.label
        row["drag_ms"], row["drag_changes"] = time_drag(page, index, drag)
        if not row["drag_changes"] and drag is not control:     # that slider did nothing
            row["drag_control"] = None
            row["drag_ms"], row["drag_changes"] = time_drag(page, index, control)
        return row
    return row


def time_drag(page, index: int, control: Control) -> tuple:
    """(ms from the last of DRAG_PRESSES fast moves to the last picture change, changes)."""
    page.evaluate(ARM_JS, index)
    for i in range(DRAG_PRESSES):
        control.step(i)
    rec = _quiet(page, quiet_ms=QUIET_MS)
    if rec["changes"] and rec["last"] is not None:
        # 0 when the final picture came before the last press (a slider at its end)
        return max(0.0, rec["changes"][-1] - rec["last"]), len(rec["changes"])
    return None, 0


def drag_control(explorer) -> Control | None:
    """The first integer slider with room for DRAG_PRESSES steps (a drag hitting no end)."""
    handles = explorer.locator(":scope > :first-child").locator(".widget-slider .noUi-handle")
    for i in range(handles.count()):
        now, low, high = (float(handles.nth(i).get_attribute(a) or 0)
                          for a in ("aria-valuenow", "aria-valuemin", "aria-valuemax"))
        if all(v == int(v) for v in (now, low, high)) and \
                max(high - now, now - low) >= DRAG_PRESSES:
            return _slider(handles.nth(i), i)
    return None


def class_names(page, explorers, kernel_records) -> list[str]:
    """The explorers' classes: the check cell's records when they line up, else the cell code."""
    if kernel_records is not None and len(kernel_records) == len(explorers):
        return [r["class"] for r in kernel_records]
    names = []
    for explorer in explorers:
        code = explorer.evaluate(
            "b => { const c = b.closest('.jp-CodeCell');"
            " return c ? c.querySelector('.jp-InputArea').innerText : ''; }")
        found = re.findall(r"(\w+(?:Explorer|explorer)\w*)\s*\(", code)
        names.append(found[0] if found else "?")
    return names


def _fmt(x) -> str:
    return "–" if x is None else f"{x:.0f}"


def table(rows: list[dict]) -> str:
    lines = ["| lesson | widget | control | median ms | min | max | drag settle ms "
             "(picture changes) |", "|---|---|---|---:|---:|---:|---:|"]
    for r in rows:
        p = r["press_ms"]
        med, lo, hi = (statistics.median(p), min(p), max(p)) if p else (None, None, None)
        drag = _fmt(r["drag_ms"]) + (f" ({r['drag_changes']})" if r["drag_changes"] else "")
        if r.get("drag_control"):
            drag += f", {r['drag_control']}"
        lines.append(f"| {r['lesson']} | {r['class']} | {r['control'] or 'none changed it'} "
                     f"| {_fmt(med)} | {_fmt(lo)} | {_fmt(hi)} | {drag} |")
    return "\n".join(lines)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--lessons", default="",
                        help="comma-separated lesson numbers, e.g. 00,02 (default: all)")
    parser.add_argument("--repeats", type=int, default=6)
    parser.add_argument("--out", type=Path,
                        default=REPO / "benchmarks" / "results" / "widgets_browser.md")
    args = parser.parse_args(argv)
    from playwright.sync_api import sync_playwright

    lessons = REPO / "lessons"
    wanted = {s.strip() for s in args.lessons.split(",") if s.strip()}
    names = sorted(p.name for p in lessons.glob("*.ipynb") if bu.has_widgets(p)
                   and (not wanted or p.name.split("_")[0] in wanted))
    load_before = os.getloadavg()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        root = work / "lessons"
        bu.copy_tree(lessons, root)
        for name in names:
            bu.copy_with_check_cell(lessons / name, root)
        with bu.JupyterLab(root, work) as lab, sync_playwright() as p:
            browser = p.chromium.launch(executable_path=bu.CHROMIUM, args=bu.CHROMIUM_ARGS)
            page = browser.new_context(viewport={"width": 1280, "height": 1000}).new_page()
            page.set_default_timeout(60_000)
            page.goto(lab.lab_url(""))
            page.wait_for_function("() => window.jupyterapp && window.jupyterapp.shell")
            page.evaluate("async () => { await window.jupyterapp.restored; }")
            for name in names:
                start = time.monotonic()
                bu.open_notebook(page, name)
                bu.run_all_cells(page, timeout=300)
                records = bu.parse_check(bu.last_cell_output(page))
                explorers = bu.find_explorers(page)
                classes = class_names(page, explorers, records)
                for i, explorer in enumerate(explorers):
                    row = measure_explorer(page, i, explorer, args.repeats)
                    row.update(lesson=name.split("_")[0], **{"class": classes[i]})
                    rows.append(row)
                    print(table([row]).splitlines()[-1], flush=True)
                bu.close_all(page)
                lab.shutdown_kernels()
                print(f"  ({name}: {time.monotonic() - start:.0f} s)", flush=True)
            browser.close()
    load_after = os.getloadavg()
    text = (table(rows) + f"\n\nLoad average (1, 5, 15 min) before "
            f"{', '.join(f'{x:.2f}' for x in load_before)}, after "
            f"{', '.join(f'{x:.2f}' for x in load_after)}; {os.cpu_count()} CPUs; "
            f"{args.repeats} presses per widget, drag of {DRAG_PRESSES} presses.\n")
    print("\n" + text)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text)


if __name__ == "__main__":
    main()
