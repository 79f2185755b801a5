"""Progress callbacks for :func:`cnnlab.train.fit`: a tqdm bar, per-epoch lines, a live plot.

- :class:`ProgressBar` shows one progress display for the whole run
  (:class:`cnnlab._progress.RunProgress`: an in-place bar in a notebook that
  stays readable when saved, a tqdm bar in a terminal, one line per epoch in
  CI logs) with the loss and accuracy, refreshed at most every
  ``min_interval`` seconds.
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

import time

import keras

from cnnlab._progress import RunProgress, in_notebook, interactive_session
from cnnlab._validate import check_choice

__all__ = ["ProgressBar", "LivePlot", "EpochRecorder", "interactive_session",
           "in_notebook", "format_logs"]


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
    """One progress display for the whole run (:class:`cnnlab._progress.RunProgress`).

    In a notebook: a single bar over all epochs' batches, updated in place,
    whose last state (epochs, loss, accuracy, time) stays readable in the saved
    notebook. In a terminal: one tqdm bar. Elsewhere (CI logs): one line per epoch.

    Parameters
    ----------
    mode : {"auto", "bar", "lines"}
        ``"auto"``: the display that fits where the code runs; ``"bar"``: a
        bar (notebook or terminal); ``"lines"``: one printed line per epoch.
    min_interval : float
        Seconds between two refreshes during an epoch.
    file : file-like, optional
        Where lines go (default ``sys.stdout``).
    """

    async_safe = True

    def __init__(self, mode: str = "auto", min_interval: float = 0.25, file=None):
        super().__init__()
        check_choice("mode", mode, ("auto", "bar", "lines"))
        if mode == "bar":
            mode = "notebook" if in_notebook() else "terminal"
        self.mode = mode
        self.min_interval = min_interval
        self.file = file
        self.display = None
        self._done = 0
        self._start = 0.0
        self._label = ""

    def on_train_begin(self, logs=None):
        epochs, steps = self.params.get("epochs"), self.params.get("steps")
        total = epochs * steps if epochs and steps else None
        self.display = RunProgress(total, desc=f"epoch 1/{epochs}", unit="batch",
                                   mode=self.mode, min_interval=self.min_interval,
                                   file=self.file)

    def on_epoch_begin(self, epoch, logs=None):
        self._start = time.perf_counter()
        self._done = 0
        self._label = f"epoch {epoch + 1}/{self.params.get('epochs', '?')}"
        if self.display is None:
            self.on_train_begin()
        self.display.update(0, desc=self._label, refresh=True)

    def on_train_batch_end(self, batch, logs=None):
        if self.display is None or batch + 1 <= self._done:
            return
        advanced, self._done = batch + 1 - self._done, batch + 1
        self.display.update(advanced, postfix=format_logs(logs or {}, _train_keys(logs or {})))

    def on_epoch_end(self, epoch, logs=None):
        logs = logs or {}
        steps = self.params.get("steps") or self._done
        if self.display is None:
            return
        self.display.update(max(steps - self._done, 0), postfix=format_logs(logs),
                            refresh=True)
        self._done = steps
        seconds = time.perf_counter() - self._start
        self.display.mark(f"{self._label} · {seconds:.1f} s · {format_logs(logs)}")

    def on_train_end(self, logs=None):
        if self.display is not None:
            self.display.close()


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
        from cnnlab.plot._figure import new_figure

        panels = [m for m in self.metrics if m in self.history]
        if self.figure is None:
            self.figure = new_figure(figsize=(4.2 * max(len(panels), 1), 3.2))
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
        from cnnlab.plot._figure import to_png

        return to_png(self.figure, dpi=90, tight=False)
