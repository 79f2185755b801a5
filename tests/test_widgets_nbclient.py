"""Every widget can be executed by nbclient (nbconvert, papermill, Jupyter Book) without hanging.

One notebook holds ``import cnnlab`` and one cell per explorer class in
``cnnlab.viz``; nbclient executes it with a short time limit per cell. Before
the fix, an explorer that drew into an ``Output`` widget made nbclient wait
for its whole cell timeout (jupyter/nbclient#312), so a plain
``jupyter nbconvert --execute`` of lesson 08 never finished.

Explorers whose constructor needs data get a small one from :data:`NEEDS`;
a new explorer with required arguments fails the test until it is added there.
"""
import inspect
import os
import time
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

pytest.importorskip("ipywidgets")

import cnnlab.viz  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
CELL_TIMEOUT = 30            # seconds per cell

#: explorers whose constructor needs data -> the code of a small instance
NEEDS = {
    "DepthExplorer": "cnnlab.viz.residual.DepthExplorer(depths=(8,), width=4)",
    "FeatureMapExplorer": (
        "import numpy as np, keras\n"
        "m = keras.Sequential([keras.Input((16, 16, 1)), keras.layers.Conv2D(4, 3)])\n"
        "cnnlab.viz.vgg.FeatureMapExplorer(m, np.zeros((16, 16, 1), 'float32'))"),
    "ExplainExplorer": (
        "import numpy as np, keras\n"
        "m = keras.Sequential([keras.Input((16, 16, 1)), keras.layers.Conv2D(4, 3),\n"
        "                      keras.layers.GlobalAveragePooling2D(),\n"
        "                      keras.layers.Dense(2, activation='softmax')])\n"
        "cnnlab.viz.explain.ExplainExplorer(m, np.zeros((2, 16, 16, 1), 'float32'))"),
    "PhotoClassifier": (
        "import keras\n"
        "m = keras.Sequential([keras.Input((16, 16, 3)), keras.layers.Flatten(),\n"
        "                      keras.layers.Dense(1, activation='sigmoid')])\n"
        "cnnlab.viz.upload.PhotoClassifier(m, ['circle', 'cross'])"),
    "TransferExplorer": (
        "import keras\n"
        "m = keras.Sequential([keras.Input((16, 16, 1)), keras.layers.Conv2D(4, 3),\n"
        "                      keras.layers.Flatten(), keras.layers.Dense(2)])\n"
        "cnnlab.viz.transfer.TransferExplorer(m)"),
}


def construction(name: str, cls) -> str:
    if name in NEEDS:
        return NEEDS[name]
    required = [p for p in inspect.signature(cls).parameters.values()
                if p.default is inspect.Parameter.empty
                and p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)]
    assert not required, (f"{name} needs {[p.name for p in required]}: add a small "
                          "instance to NEEDS in tests/test_widgets_nbclient.py")
    return f"{cls.__module__}.{name}()"


@pytest.mark.slow
def test_every_explorer_executes_under_nbclient_within_seconds(tmp_path):
    classes = cnnlab.viz.explorers()
    assert len(classes) >= 15, sorted(classes)
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("import cnnlab")] + [
        nbformat.v4.new_code_cell(construction(name, cls))
        for name, cls in sorted(classes.items())]
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO), env.get("PYTHONPATH")) if p)
    client = NotebookClient(nb, kernel_name="python3", timeout=CELL_TIMEOUT,
                            resources={"metadata": {"path": str(tmp_path)}})
    start = time.monotonic()
    client.execute(env=env)
    seconds = time.monotonic() - start
    for cell in nb.cells[1:]:
        kinds = [o.output_type for o in cell.outputs]
        assert "error" not in kinds, cell.source
        assert any("application/vnd.jupyter.widget-view+json" in o.get("data", {})
                   for o in cell.outputs), f"no widget shown by: {cell.source}"
    # with the hang nbclient waits out CELL_TIMEOUT in every explorer's cell and
    # then carries on without an error: the total time is what shows it
    assert seconds < 5 * CELL_TIMEOUT < len(classes) * CELL_TIMEOUT, \
        f"{len(nb.cells)} cells took {seconds:.0f} s: nbclient waited out its timeouts"
