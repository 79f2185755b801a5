"""Facts about the machine, each answered in one place: Colab? online? Keras' cache? GPUs?

Every part of cnnlab that needs one of these asks here, so the set-up
report, the data loaders and the pretrained weights can never disagree:

- :func:`in_colab` -- running inside Google Colab;
- :func:`online` -- can a download start now (``CNNLAB_OFFLINE``, the HTTPS
  proxy and a short time limit respected; never blocks on a slow DNS);
- :func:`keras_home` -- the folder ``keras.utils.get_file`` caches into
  (``datasets/`` and ``models/`` below it), exactly as Keras works it out;
- :func:`gpu_names` -- NVIDIA GPUs, found without importing TensorFlow.

Nothing here imports TensorFlow or Keras.

Examples
--------
>>> in_colab()
False
>>> online("host.invalid", timeout=0.2)
False
"""
from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import urllib.parse
import urllib.request
from pathlib import Path

#: host of Keras' data sets and pretrained weights
DATA_HOST = "storage.googleapis.com"
#: seconds a reachability check may take (name look-up and connection together)
ONLINE_TIMEOUT = 1.0
NVIDIA_PROC = Path("/proc/driver/nvidia/gpus")


def in_colab() -> bool:
    """True inside Google Colab (its ``google.colab`` module is loaded).

    Examples
    --------
    >>> in_colab()
    False
    """
    return "google.colab" in sys.modules


def offline_mode() -> bool:
    """``True`` when ``CNNLAB_OFFLINE`` is 1/true/yes: never use the network.

    Examples
    --------
    >>> isinstance(offline_mode(), bool)
    True
    """
    return os.environ.get("CNNLAB_OFFLINE", "").strip().lower() in ("1", "true", "yes")


def online(host: str = DATA_HOST, port: int = 443, timeout: float = ONLINE_TIMEOUT) -> bool:
    """Whether a TCP connection to ``host`` (or the HTTPS proxy) opens within ``timeout`` s.

    The name look-up and the connection run in a helper thread, so a hanging
    DNS server cannot make this wait longer than ``timeout``. With
    ``CNNLAB_OFFLINE=1`` the answer is ``False`` without trying.

    Examples
    --------
    >>> online("host.invalid", timeout=0.2)
    False
    """
    if offline_mode():
        return False
    proxy = urllib.request.getproxies().get("https")
    if proxy:
        parts = urllib.parse.urlsplit(proxy if "://" in proxy else "http://" + proxy)
        host, port = parts.hostname or host, parts.port or 80
    answer = []

    def connect():
        try:
            with socket.create_connection((host, port), timeout=timeout):
                answer.append(True)
        except OSError:
            answer.append(False)

    thread = threading.Thread(target=connect, daemon=True)
    thread.start()
    thread.join(timeout)
    return bool(answer and answer[0])


def keras_home() -> Path:
    """The folder Keras caches downloads in (``datasets/``, ``models/`` below it).

    Keras reads ``KERAS_HOME`` once, when it is imported; before that, the
    environment decides, exactly as Keras will. An unwritable folder is
    replaced by ``/tmp/.keras``, as Keras does.

    Examples
    --------
    >>> keras_home().is_absolute()
    True
    """
    config = sys.modules.get("keras.src.backend.config")
    if config is not None and hasattr(config, "keras_home"):
        base = config.keras_home()
    elif "KERAS_HOME" in os.environ:
        base = os.environ["KERAS_HOME"]
    else:
        home = os.path.expanduser("~")
        base = os.path.join(home if os.access(home, os.W_OK) else "/tmp", ".keras")
    base = os.path.abspath(os.path.expanduser(base))
    if os.path.isdir(base) and not os.access(base, os.W_OK):
        base = os.path.join("/tmp", ".keras")
    return Path(base)


def gpu_names(proc_dir: str | Path = NVIDIA_PROC, timeout: float = 1.0) -> list[str]:
    """Names of the NVIDIA GPUs, found without importing TensorFlow.

    Reads the driver's ``/proc/driver/nvidia/gpus/*/information`` files, else
    asks ``nvidia-smi -L`` (with a timeout). When TensorFlow is already
    imported, its own view is used instead (it is what training will use).

    Parameters
    ----------
    proc_dir : str or Path, optional
        The driver's folder (changed by tests).
    timeout : float, optional
        Seconds ``nvidia-smi`` may take.

    Returns
    -------
    list of str
        Empty when there is no usable GPU.

    Examples
    --------
    >>> gpu_names(proc_dir="/nonexistent") == [] or shutil.which("nvidia-smi") is not None
    True
    """
    if "tensorflow" in sys.modules:
        names = _tensorflow_gpus()
        if names is not None:
            return names
    names = []
    folder = Path(proc_dir)
    if folder.is_dir():
        for info in sorted(folder.glob("*/information")):
            match = re.search(r"^Model:\s*(.+)$", info.read_text(errors="replace"), re.MULTILINE)
            if match:
                names.append(match.group(1).strip())
        if names:
            return names
    smi = shutil.which("nvidia-smi")
    if smi:
        try:
            out = subprocess.run([smi, "-L"], capture_output=True, text=True,
                                 timeout=timeout, check=False).stdout
        except (OSError, subprocess.SubprocessError):
            return []
        names = [m.group(1).strip() for m in re.finditer(r"^GPU \d+:\s*(.+?)\s*(\(UUID.*)?$",
                                                          out, re.MULTILINE)]
    return names


def _tensorflow_gpus() -> list[str] | None:
    try:
        tf = sys.modules["tensorflow"]
        gpus = tf.config.list_physical_devices("GPU")
        return [tf.config.experimental.get_device_details(g).get("device_name", g.name)
                for g in gpus]
    except Exception:  # noqa: BLE001 - a report must never fail
        return None
