"""Reading an executed notebook as a learner would see it (used by test_lessons_run).

:func:`problems` lists what a learner must not meet in a lesson's outputs:
tracebacks, ``<Figure …>`` text standing in for a picture, a cell that calls a
``cnnlab.plot`` function without showing a PNG, stderr outside
:data:`STDERR_ALLOWED`, and more than one progress display per training run.
"""
from __future__ import annotations

import re

#: stderr lines a learner may see: TensorFlow's C++ start-up chatter, which its
#: own logging switch (TF_CPP_MIN_LOG_LEVEL) does not silence
STDERR_ALLOWED = re.compile(
    r"^(WARNING: All log messages before absl::InitializeLog\(\) is called are written"
    r" to STDERR|[IWE]\d{4} [\d:.]+\s+\d+ \S+:\d+\] .*|\s*)$")
FIGURE_TEXT = re.compile(r"^<(Figure|matplotlib\.figure\.Figure)\b.*>$")
PLOT_CALL = re.compile(r"\bcnnlab\.plot\.\w+\(|\bplot\.\w+\(")
PROGRESS_HTML = "<progress "
#: a cell value that is only numbers (a tuple of them) with a 5+-digit integer
#: and no separators: ``(25120, 320, 78)``; use ``cnnlab.show(name=value, …)``
BARE_NUMBERS = re.compile(r"^[\s\d.,()\[\]-]*$")
BIG_INTEGER = re.compile(r"(?<![\d.])\d{5,}")
FIT_CALL = re.compile(r"\b(fit|fit_and_report|train\w*)\(")


def _text(data) -> str:
    return "".join(data) if isinstance(data, list) else str(data)


def cell_problems(index: int, cell) -> list[str]:
    """What is wrong with one executed code cell's outputs."""
    found = []
    outputs = cell.get("outputs", [])
    pngs = 0
    progress = 0
    for out in outputs:
        kind = out.get("output_type")
        if kind == "error":
            found.append(f"cell {index}: {out.get('ename')}: {out.get('evalue')}")
        elif kind == "stream" and out.get("name") == "stderr":
            bad = [ln for ln in _text(out.get("text", "")).splitlines()
                   if not STDERR_ALLOWED.match(ln)]
            if bad:
                found.append(f"cell {index}: stderr: {bad[0][:200]}")
        elif kind in ("display_data", "execute_result"):
            data = out.get("data", {})
            if "image/png" in data:
                pngs += 1
            elif FIGURE_TEXT.match(_text(data.get("text/plain", "")).strip()):
                found.append(f"cell {index}: a figure shown as text "
                             f"{_text(data['text/plain']).strip()!r}")
            plain = _text(data.get("text/plain", "")).strip()
            if (kind == "execute_result" and len(data) == 1 and BARE_NUMBERS.match(plain)
                    and BIG_INTEGER.search(plain)):
                found.append(f"cell {index}: unlabelled number(s) {plain[:60]!r} "
                             "(name them: cnnlab.show(name=value, ...))")
            if PROGRESS_HTML in _text(data.get("text/html", "")):
                progress += 1
            if "application/vnd.jupyter.widget-view+json" in data and \
                    re.search(r"\d+%\|", _text(data.get("text/plain", ""))):
                found.append(f"cell {index}: a tqdm widget (reads 0% when saved)")
    source = cell.get("source", "")
    last = [ln for ln in source.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]
    if last and last[-1].rstrip().endswith(";"):
        found.append(f"cell {index}: ends with ';' (hides its value)")
    # a top-level call (not one in an `if online:` branch) must show its picture
    top_level = "\n".join(ln for ln in source.splitlines() if ln[:1] not in (" ", "\t"))
    if "cnnlab.plot." in top_level and PLOT_CALL.search(top_level) and pngs == 0:
        found.append(f"cell {index}: calls cnnlab.plot but shows no picture")
    # each cnnlab.train.fit prints one start line ("cnnlab.train: CPU …")
    started = sum(_text(o.get("text", "")).count("cnnlab.train:") for o in outputs
                  if o.get("output_type") == "stream")
    runs = max(1, started, len(FIT_CALL.findall(source)))
    if progress > runs:
        found.append(f"cell {index}: {progress} progress displays for {runs} training run(s)")
    return found


def problems(nb) -> list[str]:
    """Every :func:`cell_problems` of an executed notebook."""
    found = []
    for index, cell in enumerate(nb.cells):
        if cell.cell_type == "code":
            found += cell_problems(index, cell)
    return found
