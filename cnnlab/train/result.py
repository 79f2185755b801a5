"""``TrainResult``: what :func:`cnnlab.train.fit` returns.

Examples
--------
>>> class History:                       # stands in for keras.callbacks.History
...     history = {"loss": [0.9, 0.4], "accuracy": [0.6, 0.9]}
>>> r = TrainResult(history=History(), seconds=2.0, images=2000, model=None,
...                 device="CPU (2 cores) · float32 · XLA off", epoch_seconds=(1.5, 0.5))
>>> r.final("accuracy"), r.images_per_second
(0.9, 1000.0)
"""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(repr=False)
class TrainResult:
    """The outcome of one :func:`cnnlab.train.fit` call.

    Attributes
    ----------
    history : keras.callbacks.History
        ``history.history`` maps each metric (``"loss"``, ``"accuracy"``,
        ``"val_loss"``, ...) to one value per epoch run.
    seconds : float
        Wall time of the training loop (tracing, validation and callbacks included).
    images : int
        Training images processed (images per epoch × epochs run; for a
        ``tf.data`` input, batches × the first batch's size).
    model : keras.Model
        The trained model (the same object that was passed in).
    device : str
        The device line printed at the start (device, precision, XLA).
    epoch_seconds : tuple of float
        Wall time of each epoch run; the first includes tracing the graph.
    epochs_run : tuple of int
        Zero-based indices of the epochs this call ran (a resumed run starts
        after the last epoch of the interrupted one).
    """

    history: object
    seconds: float
    images: int
    model: object
    device: str
    epoch_seconds: tuple = ()
    epochs_run: tuple = ()
    plan: object = field(default=None)

    @property
    def images_per_second(self) -> float:
        """Training throughput over the whole call (``images / seconds``)."""
        return self.images / self.seconds if self.seconds > 0 else 0.0

    @property
    def metrics(self) -> dict:
        """``history.history``: metric name → list of per-epoch values."""
        return dict(getattr(self.history, "history", {}) or {})

    def final(self, metric: str = "loss", validation: bool = False) -> float:
        """The metric's value after the last epoch.

        Parameters
        ----------
        metric : str
            A name from ``history.history`` without the ``val_`` prefix
            (``"loss"``, ``"accuracy"``, ...).
        validation : bool, optional
            Read the validation value (``"val_" + metric``).

        Examples
        --------
        >>> class H: history = {"loss": [1.0, 0.5], "val_loss": [1.1, 0.7]}
        >>> TrainResult(H(), 1.0, 10, None, "CPU").final("loss", validation=True)
        0.7
        """
        key = f"val_{metric}" if validation else metric
        values = self.metrics.get(key)
        if not values:
            available = ", ".join(repr(k) for k in self.metrics) or "none"
            raise ValueError(f"`metric` must name a recorded metric ({available}). "
                             f"Received: metric={metric!r}, validation={validation}.")
        return float(values[-1])

    def __repr__(self) -> str:
        m = self.metrics
        epochs = len(next(iter(m.values()), []))
        parts = [f"{epochs} epoch{'s' if epochs != 1 else ''} on {self.device.split(' · ')[0]}",
                 f"{self.seconds:.1f} s", f"{self.images_per_second:,.0f} img/s"]
        for key in ("loss", "accuracy", "val_loss", "val_accuracy"):
            if m.get(key):
                parts.append(f"{key} {m[key][-1]:.4f}")
        return "TrainResult(" + ", ".join(parts) + ")"
