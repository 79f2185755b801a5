"""Small instances of every explorer in ``cnnlab.viz``, for tests that go through all of them."""
import inspect

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
                          "instance to NEEDS in tests/explorer_util.py")
    return f"{cls.__module__}.{name}()"
