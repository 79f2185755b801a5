"""Which frames of a traceback are the learner's (used by the checker and the helpers).

A frame is the learner's when its file is neither cnnlab's nor the standard
library's or an installed package's, nor a question bank's: a notebook cell,
or a file the learner wrote.
"""
from __future__ import annotations

import linecache
import os
import site
import sysconfig
import traceback


def _library_dirs() -> tuple[str, ...]:
    dirs = {os.path.dirname(os.path.dirname(os.path.abspath(__file__)))}   # cnnlab/
    paths = sysconfig.get_paths()
    dirs.update(paths[k] for k in ("stdlib", "platstdlib", "purelib", "platlib") if k in paths)
    try:
        dirs.update(site.getsitepackages())
    except AttributeError:       # some virtualenvs' site module lacks it
        pass
    return tuple(os.path.join(os.path.abspath(d), "") for d in dirs if d)


_LIBRARY_DIRS = _library_dirs()


def _is_learner_file(filename: str, bank_files: frozenset) -> bool:
    if filename in bank_files:
        return False
    if filename.startswith("<"):
        return not filename.startswith("<frozen")
    return not os.path.abspath(filename).startswith(_LIBRARY_DIRS)


def _learner_frames(tb, bank_files: frozenset) -> list:
    """(filename, lineno, function name, line) of the traceback's learner frames."""
    frames = []
    for frame, lineno in traceback.walk_tb(tb):
        filename = frame.f_code.co_filename
        if _is_learner_file(filename, bank_files):
            line = linecache.getline(filename, lineno, frame.f_globals).strip()
            frames.append((filename, lineno, frame.f_code.co_name, line))
    return frames


def _raised_in_learner_code(tb, bank_files: frozenset) -> bool:
    last = None
    for frame, _ in traceback.walk_tb(tb):
        last = frame
    return last is not None and _is_learner_file(last.f_code.co_filename, bank_files)


def _where(frame) -> str:
    _, lineno, name, line = frame
    place = f"line {lineno} of your cell" if name == "<module>" else \
        f"line {lineno}, in `{name}`"
    return f"{place}: `{line}`" if line else place
