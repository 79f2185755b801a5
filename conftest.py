"""Test-suite settings, shared by unit tests, doctests and the notebook kernels.

Environment variables set here are inherited by the Jupyter kernels nbval
starts, so every notebook runs in the CI profile, with strict checks (a wrong
answer in a solution notebook raises) and a non-interactive matplotlib.
"""
import os

os.environ.setdefault("CNNLAB_PROFILE", "ci")
os.environ.setdefault("CNNLAB_STRICT", "1")
os.environ.setdefault("MPLBACKEND", "Agg")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")

collect_ignore_glob = ["benchmarks/*", "tools/*", ".venv/*", "tests/artifacts/*"]

#: test files whose tests are spread over the workers one by one (each executes
#: a whole notebook); every other file stays on one worker, as with
#: ``--dist loadfile``, so its module fixtures are built once
SPREAD_FILES = {"test_lessons_run.py", "test_exercise_notebooks.py"}


def pytest_collection_modifyitems(config, items):
    import pytest

    if not config.pluginmanager.hasplugin("xdist"):
        return
    for item in items:
        if item.path.name not in SPREAD_FILES:
            item.add_marker(pytest.mark.xdist_group(item.path.name))
