"""Progress callbacks for :func:`cnnlab.train.fit`: a tqdm bar, per-epoch lines, a live plot.

- :class:`ProgressBar` shows one ``tqdm.auto`` bar per epoch (a widget in
  JupyterLab and Colab, text in a terminal) with the loss and accuracy as
  postfix, refreshed at most every ``min_interval`` seconds. In a
  non-interactive session (no terminal and no notebook, or ``CI`` set) it
  prints one compact line per epoch instead, so CI logs stay short.
- :class:`LivePlot` redraws loss/accuracy curves after every epoch in one
  notebook output (an IPython display handle updated in place).

Both callbacks are ``async_safe``: Keras may run their batch hook in a helper
thread, so they never hold up the training loop.

Examples
--------
>>> bar = ProgressBar(mode="lines", file=None)
>>> format_logs({"loss": 0.51234, "accuracy": 0.875, "val_loss": 0.6})
'loss 0.5123 · accuracy 0.8750 · val_loss 0.6000'
"""
from __future__ import annotations

import os
import sys
import threading
import time

import keras

__all__ = ["ProgressBar", "LivePlot", "EpochRecorder", "interactive_session",
           "in_notebook", "format_logs"]


def in_notebook() -> bool:
    """True inside a Jupyter/Colab kernel (where a widget or display can be shown)."""
    if "google.colab" in sys.modules:
        return True
    shell = sys.modules.get("IPython")
    if shell is None:
        return False
    try:
        ip = shell.get_ipython()
    except AttributeError:
        return False
    return ip is not None and type(ip).__name__ in ("ZMQInteractiveShell", "Shell")


def interactive_session(stream=None) -> bool:
    """A notebook, or a terminal on `stream` (default stderr), and not a CI job."""
    if os.environ.get("CI", "").strip().lower() not in ("", "0", "false"):
        return False
    if in_notebook():
        return True
    stream = stream or sys.stderr
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False


def format_logs(logs: dict, keys=None) -> str:
    """``'loss 0.5123 · accuracy 0.8750'`` from a Keras logs dict."""
    keys = keys or [k for k in logs if k != "learning_rate"]
    return " · ".join(f"{k} {logs[k]:.4f}" for k in keys
                      if isinstance(logs.get(k), (int, float)))


class EpochRecorder(keras.callbacks.Callback):
    """Records which epochs ran, how long each took and the batches per epoch."""

    async_safe = True

    def __init__(self):
        super().__init__()
        self.epochs, self.seconds, self.steps = [], [], []
        self._start = None
        self._last_batch = -1

    def on_epoch_begin(self, epoch, logs=None):
        self._start = time.perf_counter()
        self._last_batch = -1

    def on_train_batch_end(self, batch, logs=None):
        if batch > self._last_batch:
            self._last_batch = batch

    def on_epoch_end(self, epoch, logs=None):
        self.epochs.append(epoch)
        self.seconds.append(time.perf_counter() - self._start)
        self.steps.append(self._last_batch + 1)


class ProgressBar(keras.callbacks.Callback):
    """An epoch bar (``tqdm.auto``) in notebooks and terminals, one line per epoch elsewhere.

    Parameters
    ----------
    mode : {"auto", "bar", "lines"}
        ``"auto"``: a bar in an interactive session, lines otherwise.
    min_interval : float
        Seconds between two bar refreshes during an epoch (per-batch updates
        are throttled so the bar costs nothing measurable).
    file : file-like, optional
        Where lines go (default ``sys.stdout``).
    """

    async_safe = True

    def __init__(self, mode: str = "auto", min_interval: float = 0.25, file=None):
        super().__init__()
        if mode not in ("auto", "bar", "lines"):
            raise ValueError("`mode` must be one of 'auto', 'bar', 'lines'. "
                             f"Received: mode={mode!r}.")
        self.mode = ("bar" if interactive_session() else "lines") if mode == "auto" else mode
        self.min_interval = min_interval
        self.file = file
        self._bar = None
        self._lock = threading.Lock()
        self._last = 0.0
        self._done = 0
        self._start = 0.0

    # keras hooks -----------------------------------------------------------
    def on_epoch_begin(self, epoch, logs=None):
        self._start = time.perf_counter()
        self._done = 0
        self._label = f"epoch {epoch + 1}/{self.params.get('epochs', '?')}"
        if self.mode == "bar":
            from tqdm.auto import tqdm
            self._bar = tqdm(total=self.params.get("steps"), desc=self._label,
                             unit="batch", leave=True, dynamic_ncols=True,
                             mininterval=self.min_interval)
            self._last = time.perf_counter()

    def on_train_batch_end(self, batch, logs=None):
        if self._bar is None:
            return
        now = time.perf_counter()
        if now - self._last < self.min_interval:
            return
        with self._lock:
            if self._bar is None or batch + 1 <= self._done:
                return
            self._bar.update(batch + 1 - self._done)
            self._done = batch + 1
            self._bar.set_postfix_str(format_logs(logs or {}, _train_keys(logs or {})),
                                      refresh=False)
            self._last = now

    def on_epoch_end(self, epoch, logs=None):
        logs = logs or {}
        seconds = time.perf_counter() - self._start
        if self.mode == "bar" and self._bar is not None:
            with self._lock:
                total = self._bar.total or self._done
                self._bar.update(max(total - self._done, 0))
                self._bar.set_postfix_str(format_logs(logs), refresh=False)
                self._bar.close()
                self._bar = None
        else:
            print(f"{self._label} · {seconds:.1f} s · {format_logs(logs)}",
                  file=self.file or sys.stdout, flush=True)

    def on_train_end(self, logs=None):
        if self._bar is not None:
            self._bar.close()
            self._bar = None


def _train_keys(logs: dict) -> list:
    return [k for k in logs if not k.startswith("val_") and k != "learning_rate"]


class LivePlot(keras.callbacks.Callback):
    """Loss and accuracy curves (training and validation) redrawn after every epoch.

    In a notebook the figure is shown once and then updated in place through an
    IPython display handle (no flicker, no growing output). Elsewhere nothing is
    shown; the figure is still kept in ``.figure``.

    Parameters
    ----------
    metrics : sequence of str
        One panel per metric that appears in the logs (default loss, accuracy).
    display : bool or None
        Show the figure; ``None`` shows it only inside a notebook.
    """

    async_safe = True

    def __init__(self, metrics=("loss", "accuracy"), display: bool | None = None):
        super().__init__()
        self.metrics = tuple(metrics)
        self.display = in_notebook() if display is None else display
        self.history: dict[str, list] = {}
        self.epochs: list[int] = []
        self.figure = None
        self._handle = None

    def on_epoch_end(self, epoch, logs=None):
        self.epochs.append(epoch + 1)
        for key, value in (logs or {}).items():
            self.history.setdefault(key, []).append(value)
        self.draw()

    def draw(self):
        """Redraw the curves into ``self.figure`` (a matplotlib Figure, no pyplot)."""
        from matplotlib.figure import Figure

        panels = [m for m in self.metrics if m in self.history]
        if self.figure is None:
            self.figure = Figure(figsize=(4.2 * max(len(panels), 1), 3.2),
                                 layout="constrained")
        fig = self.figure
        fig.clear()
        axes = fig.subplots(1, max(len(panels), 1), squeeze=False)[0]
        for ax, metric in zip(axes, panels):
            ax.plot(self.epochs, self.history[metric], "o-", label="training")
            if f"val_{metric}" in self.history:
                ax.plot(self.epochs, self.history[f"val_{metric}"], "s--",
                        label="validation")
            ax.set(xlabel="epoch", title=metric)
            ax.xaxis.get_major_locator().set_params(integer=True)
            ax.grid(alpha=0.3)
            ax.legend()
        if self.display:
            from IPython.display import Image, display
            # A PNG, not the Figure object: a Figure made without pyplot has no
            # image formatter unless the inline backend happens to be loaded.
            image = Image(data=self.png())
            if self._handle is None:
                self._handle = display(image, display_id=True)
            else:
                self._handle.update(image)

    def png(self) -> bytes:
        """The current figure as PNG bytes."""
        import io

        buffer = io.BytesIO()
        self.figure.savefig(buffer, format="png", dpi=90)
        return buffer.getvalue()
