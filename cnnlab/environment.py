"""``cnnlab.setup()``: a short report of where a notebook is running.

Examples
--------
>>> info = environment_info(check_online=False)
>>> info["profile"] in ("full", "ci")
True
"""
from __future__ import annotations

import os
import platform
import socket
import sys

from cnnlab.config import profile


def in_colab() -> bool:
    """True inside Google Colab."""
    return "google.colab" in sys.modules


def online(host: str = "storage.googleapis.com", port: int = 443, timeout: float = 1.5) -> bool:
    """Whether Keras' data set host can be reached (a quick TCP connect)."""
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def environment_info(check_online: bool = True) -> dict:
    """Collect environment facts without importing TensorFlow unless it is installed."""
    from importlib import metadata

    def version(dist):
        for name in (dist, f"{dist}-cpu"):
            try:
                return metadata.version(name)
            except metadata.PackageNotFoundError:
                continue
        return None

    info = {
        "environment": "Colab" if in_colab() else "local",
        "python": platform.python_version(),
        "keras": version("keras"),
        "tensorflow": version("tensorflow"),
        "backend": os.environ.get("KERAS_BACKEND", "tensorflow"),
        "profile": profile(),
        "cpus": os.cpu_count(),
        "online": online() if check_online else None,
    }
    return info


def setup(*, gpu_lesson: bool = False, check_online: bool | None = None, quiet: bool = False) -> dict:
    """Print one short block about the environment and warn, with a fix, when something is off.

    Parameters
    ----------
    gpu_lesson : bool, optional
        The lesson trains enough that a GPU helps; warn when there is none.
    check_online : bool, optional
        Test whether online data sets are reachable (default: not in the CI profile).
    quiet : bool, optional
        Return the facts without printing.

    Returns
    -------
    dict
    """
    if check_online is None:
        check_online = profile() != "ci"
    info = environment_info(check_online=check_online)
    info["device"] = _device_summary()
    if quiet:
        return info
    online_text = {True: "reachable", False: "offline (built-in data only)",
                   None: "not checked"}[info["online"]]
    print(f"cnnlab {__import__('cnnlab').__version__} · {info['environment']} · "
          f"Python {info['python']} · Keras {info['keras']} · TensorFlow {info['tensorflow']}")
    print(f"device: {info['device']} · profile: {info['profile']} · online data: {online_text}")
    keras_version = info["keras"] or "0"
    if int(keras_version.split(".")[0]) < 3:
        print("warning: this course needs Keras 3. Fix: pip install -U 'keras>=3.10'")
    if gpu_lesson and "GPU" not in info["device"]:
        hint = ("Runtime > Change runtime type > GPU" if info["environment"] == "Colab"
                else "it runs on the CPU too, just slower")
        print(f"note: no GPU found; {hint}.")
    return info


def _device_summary() -> str:
    """GPU names if TensorFlow sees any, else the CPU core count (cheap when TF is absent)."""
    if "tensorflow" in sys.modules or os.environ.get("CNNLAB_PROBE_GPU") == "1":
        try:
            import tensorflow as tf
            gpus = tf.config.list_physical_devices("GPU")
            if gpus:
                names = [tf.config.experimental.get_device_details(g).get("device_name", g.name)
                         for g in gpus]
                return "GPU: " + ", ".join(names)
        except Exception:  # noqa: BLE001 - a report must never fail
            pass
    return f"CPU ({os.cpu_count()} cores)"
