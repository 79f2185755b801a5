"""The package's layout rules (CONTRIBUTING, "Layout"), checked on the source itself.

- at the top level of ``cnnlab/`` only ``__init__``, ``config``, ``environment``
  and private helpers (``_name.py``); every concept lives in a sub-package;
- no import cycle between cnnlab's modules (every import counts, also one
  inside a function);
- dependencies point down: the bottom layer (arith, ops, scratch and the
  private helpers) imports nothing above it; the learner runtime never imports
  ``cnnlab.authoring``;
- one answer per machine fact: offline mode and Keras' cache folder are the
  same for the set-up report, the data loaders and the pretrained weights.
"""
import ast
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "cnnlab"
TOP_LEVEL_ALLOWED = {"__init__", "config", "environment"}
#: layer of each sub-package (an import may only go to the same or a lower number)
LAYERS = {"config": 0, "_validate": 0, "_system": 0, "_display": 0, "_progress": 0,
          "arith": 1, "ops": 1, "scratch": 2, "environment": 2,
          "data": 3, "models": 3, "plot": 3, "train": 4, "explain": 4,
          "viz": 5, "check": 5, "__init__": 6, "authoring": 7}


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path) -> set[str]:
    """The cnnlab modules ``path`` imports, resolved to module names."""
    tree = ast.parse(path.read_text(), filename=str(path))
    package = module_name(path) if path.name == "__init__.py" else module_name(path).rpartition(".")[0]
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("cnnlab"))
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(parent + ([base] if base else []))
            if base.startswith("cnnlab"):
                for alias in node.names:
                    candidate = f"{base}.{alias.name}"
                    found.add(candidate if MODULES.get(candidate) else base)
    return {m for m in found if m in MODULES and m != module_name(path)}


MODULES = {module_name(p): p for p in PACKAGE.rglob("*.py")}
GRAPH = {name: imports(path) for name, path in MODULES.items()}


def top(name: str) -> str:
    parts = name.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def test_the_top_level_holds_only_the_entry_points_and_private_helpers():
    names = {p.stem for p in PACKAGE.glob("*.py")}
    assert {n for n in names if not n.startswith("_")} - TOP_LEVEL_ALLOWED == set()
    assert TOP_LEVEL_ALLOWED <= names


def test_no_import_cycles():
    # Tarjan's strongly connected components, iteratively
    index, low, stack, on_stack, cycles, counter = {}, {}, [], set(), [], [0]

    def visit(root):
        work = [(root, iter(sorted(GRAPH[root])))]
        index[root] = low[root] = counter[0]
        counter[0] += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            for child in children:
                if child not in index:
                    index[child] = low[child] = counter[0]
                    counter[0] += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(GRAPH[child]))))
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    if len(component) > 1:
                        cycles.append(sorted(component))

    for name in sorted(GRAPH):
        if name not in index:
            visit(name)
    assert cycles == [], f"import cycles: {cycles}"


@pytest.mark.parametrize("name", sorted(MODULES))
def test_imports_point_down(name):
    # a package's own __init__ may re-export its modules
    mine = top(name)
    bad = [other for other in GRAPH[name]
           if top(other) != mine and LAYERS[top(other)] > LAYERS[mine]]
    assert bad == [], f"{name} (layer {LAYERS[mine]}) imports from above: {bad}"


def test_every_part_of_the_package_has_a_layer():
    assert {top(name) for name in MODULES} <= set(LAYERS)


def test_the_bottom_layer_never_imports_tensorflow_or_keras():
    import subprocess
    code = ("import sys, cnnlab, cnnlab.arith, cnnlab.ops, cnnlab.scratch, cnnlab._system;"
            "cnnlab.arith.summary; cnnlab.arith.convolutions;"
            "print(sorted(m for m in ('tensorflow', 'keras') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.strip()
    assert out == "[]"


# ------------------------------------------------------------------ one answer per fact
def test_offline_mode_is_one_answer_for_setup_data_and_weights(monkeypatch):
    from cnnlab import _system, environment
    from cnnlab.data import keras_sets
    from cnnlab.models import pretrained

    monkeypatch.setenv("CNNLAB_OFFLINE", "1")
    answers = {"setup": environment.online(), "data": keras_sets.reachable(_system.DATA_HOST),
               "weights": pretrained.can_download()}
    assert answers == {"setup": False, "data": False, "weights": False}


def test_one_cache_folder_keras_own(tmp_path, monkeypatch):
    import keras  # noqa: F401  (Keras has read KERAS_HOME: its config decides)
    from keras.src.backend import config as keras_config

    from cnnlab.data import keras_sets
    from cnnlab.models import pretrained

    monkeypatch.setattr(keras_config, "_KERAS_DIR", str(tmp_path))
    monkeypatch.setenv("KERAS_HOME", "/somewhere/else")     # too late for Keras: ignored
    assert Path(keras_sets.keras_cache_dir()) == tmp_path
    assert pretrained.cache_dir() == tmp_path / "models"
