"""One progress display per run, readable live and after the notebook is saved.

:class:`RunProgress` is what every training loop in cnnlab shows (Keras' via
:class:`cnnlab.train.progress.ProgressBar`, the NumPy network's directly):

- in a notebook (JupyterLab, Colab, nbconvert/papermill): **one** output,
  a ``<progress>`` bar with a text line, updated in place through an IPython
  display handle. Its text and HTML are ordinary outputs, so the saved
  notebook shows the final state on GitHub and nbviewer without a kernel
  (a tqdm widget saved without widget state reads "0%" there);
- in a terminal: one ``tqdm`` bar;
- elsewhere (a log file, ``CI`` set and no notebook): one line per
  :meth:`RunProgress.mark` (per epoch), so logs stay short.

The text is formatted by tqdm's own ``format_meter`` (elapsed, rate, ETA).
No TensorFlow is imported here.

Examples
--------
>>> bar = RunProgress(4, desc="epoch 1/2", unit="batch", mode="lines", file=None)
>>> bar.update(4, postfix="loss 0.51")
>>> bar.text().startswith("epoch 1/2: 100%")
True
>>> bar.close()
"""
from __future__ import annotations

import html
import os
import sys
import threading
import time
from cnnlab._validate import check_choice

MODES = ("auto", "notebook", "terminal", "lines", "off")


def in_notebook() -> bool:
    """True inside a Jupyter or Colab kernel (where a display can be shown).

    Examples
    --------
    >>> in_notebook()
    False
    """
    if "google.colab" in sys.modules:
        return True
    ipython = sys.modules.get("IPython")
    if ipython is None:
        return False
    try:
        shell = ipython.get_ipython()
    except AttributeError:
        return False
    return shell is not None and type(shell).__name__ in ("ZMQInteractiveShell", "Shell")


def _ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false")


def interactive_session(stream=None) -> bool:
    """A notebook, or a terminal on ``stream`` (default stderr) outside CI."""
    if in_notebook():
        return True
    if _ci():
        return False
    stream = stream or sys.stderr
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False


def resolve_mode(mode: str = "auto") -> str:
    """The display a run gets: ``"notebook"``, ``"terminal"``, ``"lines"`` or ``"off"``.

    Examples
    --------
    >>> resolve_mode("lines")
    'lines'
    >>> resolve_mode("auto") in ("terminal", "lines")
    True
    """
    check_choice("mode", mode, MODES)
    if mode != "auto":
        return mode
    if in_notebook():
        return "notebook"
    if not _ci():
        try:
            if sys.stderr.isatty():
                return "terminal"
        except (AttributeError, ValueError):
            pass
    return "lines"


class RunProgress:
    """A single progress display for a whole run.

    Parameters
    ----------
    total : int or None
        Steps in the run (``None``: unknown).
    desc : str, optional
        Text before the bar; change it with ``update(desc=...)``.
    unit : str, optional
        What a step is ("batch", "epoch", "image").
    mode : {"auto", "notebook", "terminal", "lines", "off"}, optional
        ``"auto"`` picks the display for where the code runs (module docstring).
    min_interval : float, optional
        Seconds between two refreshes (updates in between only count).
    file : file-like, optional
        Where ``"lines"`` and ``"terminal"`` output goes (default stdout/stderr).

    Examples
    --------
    >>> bar = RunProgress(10, unit="batch", mode="off")
    >>> bar.update(3); bar.n
    3
    """

    def __init__(self, total: int | None, desc: str = "", *, unit: str = "step",
                 mode: str = "auto", min_interval: float = 0.25, file=None):
        self.total = total
        self.desc = desc
        self.unit = unit
        self.mode = resolve_mode(mode)
        self.min_interval = float(min_interval)
        self.file = file
        self.n = 0
        self.postfix = ""
        self._start = time.perf_counter()
        self._last = 0.0
        self._lock = threading.Lock()
        self._handle = None
        self._bar = None
        self._closed = False
        if self.mode == "terminal":
            from tqdm import tqdm
            self._bar = tqdm(total=total, desc=desc, unit=unit, leave=True,
                             mininterval=self.min_interval, file=file or sys.stderr,
                             dynamic_ncols=True)
        elif self.mode == "notebook":
            self._show()

    # -- text ---------------------------------------------------------------
    def text(self) -> str:
        """The current line, e.g. ``'epoch 2/5:  40%|████ | 4/10 [00:01<00:01, …] loss 0.5'``."""
        from tqdm import tqdm

        line = tqdm.format_meter(self.n, self.total, time.perf_counter() - self._start,
                                 ncols=90, prefix=self.desc, unit=self.unit)
        return f"{line} {self.postfix}".rstrip()

    def _bundle(self) -> dict:
        text = self.text()
        value = self.n if self.total else 0
        maximum = self.total or 1
        page = (f"<div><progress value='{value}' max='{maximum}' style='width:16em;"
                f"vertical-align:middle'></progress> <code>{html.escape(text)}</code></div>")
        return {"text/plain": text, "text/html": page}

    def _show(self) -> None:
        from IPython.display import display

        if self._handle is None:
            self._handle = display(self._bundle(), raw=True, display_id=True)
        else:
            self._handle.update(self._bundle(), raw=True)

    # -- updates ------------------------------------------------------------
    def update(self, n: int = 1, *, desc: str | None = None, postfix: str | None = None,
               refresh: bool = False) -> None:
        """Advance by ``n`` steps; refresh at most every ``min_interval`` seconds."""
        with self._lock:
            if self._closed:
                return
            self.n += int(n)
            if desc is not None:
                self.desc = desc
            if postfix is not None:
                self.postfix = postfix
            now = time.perf_counter()
            if not refresh and now - self._last < self.min_interval:
                if self._bar is not None:   # tqdm throttles itself
                    self._bar.update(int(n))
                return
            self._last = now
            self._refresh(int(n))

    def _refresh(self, advanced: int = 0) -> None:
        if self.mode == "notebook":
            self._show()
        elif self._bar is not None:
            self._bar.desc = self.desc
            self._bar.set_postfix_str(self.postfix, refresh=False)
            self._bar.update(advanced)

    def mark(self, line: str | None = None) -> None:
        """End of a stage (an epoch): refresh now; in ``"lines"`` mode print a line."""
        with self._lock:
            if self._closed:
                return
            if self.mode == "lines":
                print(line or self.text(), file=self.file or sys.stdout, flush=True)
            else:
                self._last = time.perf_counter()
                self._refresh(0)

    def close(self, postfix: str | None = None) -> None:
        """Show the final state and stop updating (safe to call twice)."""
        with self._lock:
            if self._closed:
                return
            if postfix is not None:
                self.postfix = postfix
            if self.mode == "notebook":
                self._show()
            elif self._bar is not None:
                self._bar.set_postfix_str(self.postfix, refresh=False)
                self._bar.close()
            self._closed = True

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
