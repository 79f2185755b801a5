"""Every notebook is one click from Colab, and its first cell sets Colab up right.

- The "Open in Colab" badge of each lesson, exercise and solution notebook
  points at that notebook's own path on the main branch of the repository.
- The set-up cell (``cnnlab.authoring.notebooks.SETUP_CELL``) run locally installs
  nothing, touches no network and imports neither TensorFlow nor Keras; under a
  simulated Colab (a fake ``google.colab`` module, ``%pip`` replaced by a
  recorder) it installs cnnlab from the repository with a ``git+`` URL and
  without TensorFlow, and turns on Colab's custom widget manager.
- ``pyproject.toml`` keeps TensorFlow out of the core dependencies, so
  Colab's own TensorFlow (matched to its CUDA) is never replaced.
- ``cnnlab.setup()`` reports the facts and warns, with a fix, when something
  is off (checked with monkeypatched facts).
"""
from __future__ import annotations

import json
import re
import socket
import subprocess
import sys
import textwrap
import types
from pathlib import Path

import nbformat
import pytest

from cnnlab import environment
from cnnlab.config import BRANCH, REPOSITORY
from cnnlab.authoring.notebooks import SETUP_CELL

REPO = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted(p.relative_to(REPO).as_posix()
                   for folder in ("lessons", "exercises", "solutions")
                   for p in (REPO / folder).glob("*.ipynb"))
BADGE = re.compile(r"\[!\[Open In Colab\]\((?P<image>[^)\s]+)\)\]\((?P<url>[^)\s]+)\)")


# ------------------------------------------------------------------ badges
def test_repository_and_branch_are_a_github_address():
    assert re.fullmatch(r"[A-Za-z0-9-]+/[A-Za-z0-9_.-]+", REPOSITORY), REPOSITORY


@pytest.mark.parametrize("rel", NOTEBOOKS)
def test_badge_opens_this_notebook_from_main_in_colab(rel):
    first = nbformat.read(REPO / rel, as_version=4).cells[0]
    match = BADGE.search(first.source)
    assert first.cell_type == "markdown" and match, f"{rel}: no Open in Colab badge"
    assert match["url"] == f"https://colab.research.google.com/github/{REPOSITORY}/blob/main/{rel}"
    assert match["image"] == "https://colab.research.google.com/assets/colab-badge.svg"


def test_pyproject_keeps_tensorflow_out_of_the_core_dependencies():
    import tomllib
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    names = [re.split(r"[\s\[<>=!~;]", dep, maxsplit=1)[0].lower()
             for dep in project["dependencies"]]
    assert "keras" in names and "ipywidgets" in names
    assert not [n for n in names if n.startswith(("tensorflow", "tf-", "tf_"))], names
    assert any(dep.startswith("tensorflow") for dep in project["optional-dependencies"]["cpu"])


# ------------------------------------------------------------------ the set-up cell
DRIVER = textwrap.dedent('''
    """Run the set-up cell in an IPython shell, recording %pip, Colab calls and sockets."""
    import contextlib, io, json, socket, sys, types

    setup_cell, mode = sys.argv[1], sys.argv[2]
    calls = {"pip": [], "enable": [], "connect": []}

    def no_network(address, *args, **kwargs):
        calls["connect"].append(list(address))
        raise OSError("no network in this test")
    socket.create_connection = no_network

    if mode.startswith("colab"):
        widgets_state = types.SimpleNamespace(_installed_url=None)   # what Colab keeps
        def enable_custom_widget_manager(*args, **kwargs):
            calls["enable"].append(1)
            widgets_state._installed_url = "https://cdn.example/widget-manager.js"
        try:
            import google
        except ImportError:
            google = types.ModuleType("google")
            sys.modules["google"] = google
        colab = types.ModuleType("google.colab")
        output = types.ModuleType("google.colab.output")
        output._widgets = widgets_state
        output.enable_custom_widget_manager = enable_custom_widget_manager
        colab.output = output
        google.colab = colab
        sys.modules.update({"google.colab": colab, "google.colab.output": output})
        if mode == "colab-no-widgets":    # the learner skipped the set-up cell's Colab part
            setup_cell = "import cnnlab\\ncnnlab.setup()"

    from IPython.core.interactiveshell import InteractiveShell
    shell = InteractiveShell.instance()
    shell.register_magic_function(lambda line: calls["pip"].append(line), "line", "pip")
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        result = shell.run_cell(setup_cell)
    calls["success"] = result.success
    calls["stdout"] = out.getvalue()
    calls["heavy_modules"] = [m for m in ("tensorflow", "keras", "torch", "jax")
                              if m in sys.modules]
    print("RESULT " + json.dumps(calls))
''')


def run_setup_cell(mode: str, tmp_path, profile: str = "ci") -> dict:
    driver = tmp_path / "driver.py"
    driver.write_text(DRIVER)
    env = {k: v for k, v in __import__("os").environ.items() if k != "CNNLAB_PROFILE"}
    env["CNNLAB_PROFILE"] = profile
    proc = subprocess.run([sys.executable, str(driver), SETUP_CELL, mode], env=env,
                          cwd=tmp_path, capture_output=True, text=True, timeout=120)
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("RESULT ")]
    assert proc.returncode == 0 and lines, proc.stdout + proc.stderr
    calls = json.loads(lines[-1][len("RESULT "):])
    assert calls["success"], calls["stdout"]
    return calls


def test_setup_cell_locally_installs_nothing_and_stays_light(tmp_path):
    calls = run_setup_cell("local", tmp_path)
    assert calls["pip"] == [] and calls["enable"] == []
    assert calls["connect"] == [], "the CI profile must not touch the network"
    assert calls["heavy_modules"] == [], "the set-up cell must not import a framework"
    assert calls["stdout"].startswith("cnnlab ") and " · local · " in calls["stdout"]


def test_setup_cell_locally_checks_the_network_only_outside_ci(tmp_path):
    calls = run_setup_cell("local", tmp_path, profile="full")
    assert [host for host, _ in calls["connect"]] == [environment.DATA_HOST]
    assert "online data: unreachable" in calls["stdout"]


def test_setup_cell_in_colab_installs_from_git_without_tensorflow(tmp_path):
    calls = run_setup_cell("colab", tmp_path)
    assert len(calls["pip"]) == 1
    line = calls["pip"][0]
    assert line.startswith("install ")
    assert f"git+https://github.com/{REPOSITORY}@{BRANCH}" in line
    assert "tensorflow" not in line.lower() and "[" not in line, \
        "Colab's TensorFlow must be kept: no TensorFlow and no extras in the install line"
    assert not re.search(r"(^|\s)(-U|--upgrade|--force-reinstall)\b", line)
    assert calls["enable"] == [1]
    assert " · Colab · " in calls["stdout"]
    assert "widget manager" not in calls["stdout"], calls["stdout"]


def test_setup_in_colab_without_the_widget_manager_says_how_to_enable_it(tmp_path):
    calls = run_setup_cell("colab-no-widgets", tmp_path)
    assert calls["enable"] == [] and calls["pip"] == []
    assert "output.enable_custom_widget_manager()" in calls["stdout"]


# ------------------------------------------------------------------ cnnlab.setup()
FACTS = {"environment": "local", "python": "3.11.7", "keras": "3.15.1",
         "tensorflow": "2.21.0", "backend": "tensorflow", "profile": "ci", "cpus": 2,
         "gpus": [], "device": "CPU (2 cores)", "widgets": "8.1.9",
         "widgets_problem": None, "online": None}


def fake_facts(monkeypatch, **changes):
    facts = {**FACTS, **changes}
    monkeypatch.setattr(environment, "environment_info", lambda check_online: dict(facts))


def test_setup_prints_one_short_block_of_facts(monkeypatch, capsys):
    fake_facts(monkeypatch)
    assert environment.setup() is None
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 2
    for text in ("local", "Python 3.11.7", "Keras 3.15.1", "TensorFlow 2.21.0",
                 "CPU (2 cores)", "profile: ci", "ipywidgets 8.1.9", "online data: not checked"):
        assert text in "\n".join(lines)


@pytest.mark.parametrize("changes, expected", [
    ({"keras": "2.15.0"}, "pip install -U 'keras>=3.10'"),
    ({"keras": None}, "pip install 'keras>=3.10'"),
    ({"tensorflow": None}, "pip install 'cnnlab[cpu]'"),
])
def test_setup_warns_with_a_fix(monkeypatch, capsys, changes, expected):
    fake_facts(monkeypatch, **changes)
    environment.setup()
    warnings = [ln for ln in capsys.readouterr().out.splitlines() if ln.startswith("⚠")]
    assert len(warnings) == 1 and expected in warnings[0]


def test_gpu_lesson_without_gpu_points_to_the_runtime_menu_in_colab(monkeypatch):
    fake_facts(monkeypatch, environment="Colab")
    assert environment.setup(quiet=True)["problems"] == []
    info = environment.setup(gpu_lesson=True, quiet=True)
    assert len(info["problems"]) == 1
    assert "Runtime > Change runtime type" in info["problems"][0]
    fake_facts(monkeypatch, environment="local")
    assert "runs on the CPU" in environment.setup(gpu_lesson=True, quiet=True)["problems"][0]
    fake_facts(monkeypatch, gpus=["Tesla T4"], device="GPU: Tesla T4")
    assert environment.setup(gpu_lesson=True, quiet=True)["problems"] == []


def test_missing_or_old_ipywidgets_is_reported(monkeypatch):
    real = environment.package_version
    for version, expected in [(None, "ipywidgets is not installed"),
                              ("7.7.1", "ipywidgets 7.7.1 is too old")]:
        monkeypatch.setattr(environment, "package_version",
                            lambda *names, v=version: v if names == ("ipywidgets",)
                            else real(*names))
        info = environment.setup(check_online=False, quiet=True)
        assert [p for p in info["problems"] if expected in p], info["problems"]


def test_colab_widget_manager_state_is_read_from_colab(monkeypatch):
    state = types.SimpleNamespace(_installed_url=None)
    output = types.SimpleNamespace(_widgets=state)
    monkeypatch.setitem(sys.modules, "google.colab", types.ModuleType("google.colab"))
    monkeypatch.setitem(sys.modules, "google.colab.output", output)
    assert environment.in_colab()
    assert "enable_custom_widget_manager" in environment.widgets_state()[1]
    state._installed_url = "https://cdn.example/manager.js"
    assert environment.widgets_state()[1] is None


def test_ci_profile_never_checks_the_network(monkeypatch):
    monkeypatch.setenv("CNNLAB_PROFILE", "ci")
    monkeypatch.setattr(environment, "online", lambda *a, **k: pytest.fail("went online"))
    assert environment.setup(quiet=True)["online"] is None


def test_online_check_sees_a_listening_port_and_a_closed_one():
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        port = server.getsockname()[1]
        assert environment.online("127.0.0.1", port, timeout=2.0)
    assert not environment.online("127.0.0.1", port, timeout=2.0)


# ------------------------------------------------------------------ GPU detection
@pytest.fixture
def no_tensorflow(monkeypatch):
    """As in a fresh kernel: TensorFlow not imported (else its own view is used)."""
    monkeypatch.delitem(sys.modules, "tensorflow", raising=False)


def test_gpu_names_from_the_nvidia_driver_folder(tmp_path, no_tensorflow):
    for bus, model in [("0000:00:04.0", "Tesla T4"), ("0000:00:05.0", "NVIDIA A100-SXM4-40GB")]:
        (tmp_path / bus).mkdir()
        (tmp_path / bus / "information").write_text(
            f"Model: \t\t {model}\nIRQ:   \t\t 34\nGPU UUID: \t GPU-1234\nBus Type: \t PCIe\n")
    assert environment.gpu_names(proc_dir=tmp_path) == ["Tesla T4", "NVIDIA A100-SXM4-40GB"]


def test_gpu_names_from_nvidia_smi_when_the_driver_folder_is_absent(tmp_path, monkeypatch,
                                                                    no_tensorflow):
    smi = tmp_path / "nvidia-smi"
    smi.write_text("#!/bin/sh\necho 'GPU 0: Tesla T4 (UUID: GPU-5e3f2b4a-0000)'\n")
    smi.chmod(0o755)
    monkeypatch.setenv("PATH", str(tmp_path))
    assert environment.gpu_names(proc_dir=tmp_path / "absent") == ["Tesla T4"]
    smi.write_text("#!/bin/sh\necho 'NVIDIA-SMI has failed: no driver' >&2\nexit 9\n")
    assert environment.gpu_names(proc_dir=tmp_path / "absent") == []
