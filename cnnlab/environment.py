"""``cnnlab.setup()``: one short report of where a notebook runs, with fixes.

The first code cell of every notebook calls :func:`setup`. It prints where the
notebook runs (Colab or local), the versions of Python, Keras and TensorFlow,
the device, the run profile, whether widgets will work and whether online data
sets are reachable, then one line per problem with the fix. It never imports
TensorFlow or Keras (versions come from package metadata, the GPU from the
NVIDIA driver), so it is instant; the online check is skipped in the CI
profile and otherwise bounded by a short timeout.

Examples
--------
>>> info = environment_info(check_online=False)
>>> info["profile"] in ("full", "ci") and info["online"] is None
True
>>> problems({**info, "keras": "2.15.0"})[0].startswith("Keras 2.15.0 is too old")
True
"""
from __future__ import annotations

import os
import platform
import re
import sys
import threading

from cnnlab._system import DATA_HOST, ONLINE_TIMEOUT, gpu_names, in_colab, online  # noqa: F401
from cnnlab.config import profile

#: oldest Keras the course runs on
MIN_KERAS = (3, 10)


# ---------------------------------------------------------------- facts
# in_colab, online, gpu_names: one answer each, in cnnlab._system


def package_version(*names: str) -> str | None:
    """Installed version of the first of ``names`` that is installed, else None.

    Examples
    --------
    >>> package_version("no-such-package-xyz") is None
    True
    """
    from importlib import metadata
    for name in names:
        try:
            return metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return None


def widgets_state() -> tuple[str | None, str | None]:
    """``(ipywidgets version, problem)``; ``problem`` is None when widgets will work.

    In Colab the third-party widget manager must be switched on (the set-up
    cell does it); Colab records that in ``google.colab.output._widgets``.
    """
    version = package_version("ipywidgets")
    if version is None:
        return None, "ipywidgets is not installed, so the widgets cannot show. " \
                     "Fix: pip install 'ipywidgets>=8.1' and restart the kernel."
    if _major_minor(version) < (8, 0):
        return version, (f"ipywidgets {version} is too old for the widgets. "
                         "Fix: pip install -U 'ipywidgets>=8.1' and restart the kernel.")
    if in_colab():
        output = sys.modules.get("google.colab.output")
        state = getattr(output, "_widgets", None)
        if state is not None and not getattr(state, "_installed_url", None):
            return version, ("Colab's custom widget manager is off, so the widgets "
                             "show as text. Fix: run `from google.colab import output; "
                             "output.enable_custom_widget_manager()` (the first cell "
                             "of the notebook does it).")
    return version, None


def _major_minor(version: str) -> tuple[int, int]:
    numbers = [int(n) for n in re.findall(r"\d+", version)[:2]]
    return tuple(numbers + [0] * (2 - len(numbers)))


def environment_info(check_online: bool = True) -> dict:
    """Collect the facts :func:`setup` reports, without importing TensorFlow or Keras.

    Parameters
    ----------
    check_online : bool, optional
        Try to reach the data set host (at most :data:`ONLINE_TIMEOUT` seconds).

    Returns
    -------
    dict
        Keys ``environment, python, keras, tensorflow, backend, profile, cpus,
        gpus, device, widgets, widgets_problem, online`` (``online`` is None
        when not checked).
    """
    answer = {}
    checker = None
    if check_online:   # in parallel with the rest: the whole report stays fast
        checker = threading.Thread(target=lambda: answer.setdefault("online", online()),
                                   daemon=True)
        checker.start()
    gpus = gpu_names()
    widgets_version, widgets_problem = widgets_state()
    info = {
        "environment": "Colab" if in_colab() else "local",
        "python": platform.python_version(),
        "keras": package_version("keras", "keras-nightly"),
        "tensorflow": package_version("tensorflow", "tensorflow-cpu", "tf-nightly"),
        "backend": os.environ.get("KERAS_BACKEND", "tensorflow"),
        "profile": profile(),
        "cpus": os.cpu_count(),
        "gpus": gpus,
        "device": ("GPU: " + ", ".join(gpus)) if gpus else f"CPU ({os.cpu_count()} cores)",
        "widgets": widgets_version,
        "widgets_problem": widgets_problem,
        "online": None,
    }
    if checker is not None:
        checker.join(ONLINE_TIMEOUT + 0.1)
        info["online"] = answer.get("online", False)
    return info


# ---------------------------------------------------------------- judgement
def problems(info: dict, *, gpu_lesson: bool = False) -> list[str]:
    """What is off in ``info`` (from :func:`environment_info`), each with its fix.

    Parameters
    ----------
    info : dict
        The facts.
    gpu_lesson : bool, optional
        The lesson trains enough that a GPU is worth having.

    Returns
    -------
    list of str

    Examples
    --------
    >>> facts = {"environment": "Colab", "keras": "3.15.0", "tensorflow": "2.21.0",
    ...          "backend": "tensorflow", "gpus": [], "widgets_problem": None}
    >>> problems(facts)
    []
    >>> problems(facts, gpu_lesson=True)[0].split(".")[0]
    'No GPU found'
    """
    found = []
    keras_version = info.get("keras")
    if keras_version is None:
        found.append("Keras is not installed. Fix: pip install 'keras>=3.10' "
                     "(or run `bash tools/setup.sh` in the repository).")
    elif _major_minor(keras_version) < MIN_KERAS:
        found.append(f"Keras {keras_version} is too old: this course uses the Keras 3 API. "
                     "Fix: pip install -U 'keras>=3.10' and restart the kernel.")
    if info.get("backend", "tensorflow") == "tensorflow" and info.get("tensorflow") is None:
        found.append("TensorFlow is not installed (lessons that train need it). "
                     "Fix: pip install 'cnnlab[cpu]' (or [gpu] with an NVIDIA card).")
    if gpu_lesson and not info.get("gpus"):
        fix = ("Runtime > Change runtime type > T4 GPU, then run the notebook again"
               if info.get("environment") == "Colab" else
               "use Colab with a GPU runtime, or keep going: it runs on the CPU, only slower")
        found.append(f"No GPU found. This lesson trains faster on one. Fix: {fix}.")
    if info.get("widgets_problem"):
        found.append(info["widgets_problem"])
    return found


def setup(*, gpu_lesson: bool = False, check_online: bool | None = None,
          quiet: bool = False) -> dict:
    """Print one short block about the environment, then each problem with its fix.

    Parameters
    ----------
    gpu_lesson : bool, optional
        The lesson trains enough that a GPU helps; say so when there is none.
    check_online : bool, optional
        Test whether online data sets are reachable (default: yes, except in
        the CI profile).
    quiet : bool, optional
        Return the facts without printing.

    Returns
    -------
    dict or None
        With ``quiet=True`` the facts of :func:`environment_info` plus
        ``problems`` (list of str); otherwise None, so that a notebook cell
        ending in ``cnnlab.setup()`` shows the printed block only.

    Examples
    --------
    >>> info = setup(check_online=False, quiet=True)
    >>> sorted(info)[:3]
    ['backend', 'cpus', 'device']
    >>> setup(check_online=False)  # doctest: +ELLIPSIS
    cnnlab ... · Python ... · Keras ... · TensorFlow ...
    device: ... · profile: ... · widgets: ... · online data: not checked...
    """
    if check_online is None:
        check_online = profile() != "ci"
    info = environment_info(check_online=check_online)
    info["problems"] = problems(info, gpu_lesson=gpu_lesson)
    if quiet:
        return info
    print(report(info))
    return None


def report(info: dict) -> str:
    """The text :func:`setup` prints for ``info``."""
    from cnnlab.config import __version__
    online_text = {True: "reachable", False: "unreachable (built-in data only)",
                   None: "not checked"}[info.get("online")]
    keras_text = info.get("keras") or "missing"
    tf_text = info.get("tensorflow") or "missing"
    lines = [
        f"cnnlab {__version__} · {info['environment']} · Python {info['python']} · "
        f"Keras {keras_text} · TensorFlow {tf_text}",
        f"device: {info['device']} · profile: {info['profile']} · "
        f"widgets: {'ipywidgets ' + info['widgets'] if info.get('widgets') else 'missing'}"
        f" · online data: {online_text}",
    ]
    lines += [f"⚠ {text}" for text in info.get("problems", [])]
    return "\n".join(lines)
