"""A training run killed mid-epoch resumes after its last finished epoch (checkpoint_dir)."""
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

pytest.importorskip("keras")

SCRIPT = textwrap.dedent("""
    import json, os, sys
    import numpy as np
    import keras
    import cnnlab
    from cnnlab.train import fit

    checkpoint_dir, log_path, kill_at = sys.argv[1], sys.argv[2], int(sys.argv[3])

    class Record(keras.callbacks.Callback):
        def on_train_batch_end(self, batch, logs=None):
            if self._epoch == kill_at and batch == 2:
                os._exit(1)                      # dies like a killed kernel: no clean-up
        def on_epoch_begin(self, epoch, logs=None):
            self._epoch = epoch
        def on_epoch_end(self, epoch, logs=None):
            with open(log_path, "a") as f:
                f.write(json.dumps({"pid": os.getpid(), "epoch": epoch,
                                    "loss": logs["loss"]}) + "\\n")

    rng = np.random.default_rng(0)
    y = np.arange(240) % 3
    x = rng.random((240, 8, 8, 1), dtype="float32") * 0.3
    for i, c in enumerate(y):
        x[i, :, c * 2:c * 2 + 3] += 0.7
    cnnlab.seed(0)
    model = keras.Sequential([keras.Input((8, 8, 1)), keras.layers.Flatten(),
                              keras.layers.Dense(3)])
    result = fit(model, (x, y), epochs=5, batch_size=16, seed=0, verbose=False,
                 checkpoint_dir=checkpoint_dir, callbacks=[Record()])
    print(json.dumps({"epochs_run": result.epochs_run,
                      "history": len(result.history.history["loss"])}))
""")


def _run(tmp_path, kill_at):
    env = dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parents[1]))
    return subprocess.run(
        [sys.executable, str(tmp_path / "train.py"), str(tmp_path / "ckpt"),
         str(tmp_path / "log.jsonl"), str(kill_at)],
        capture_output=True, text=True, env=env, timeout=300)


@pytest.mark.slow
def test_killed_run_resumes_from_last_finished_epoch(tmp_path):
    (tmp_path / "train.py").write_text(SCRIPT)
    first = _run(tmp_path, kill_at=2)               # dies in the middle of epoch 3
    assert first.returncode == 1, first.stderr[-2000:]
    assert (tmp_path / "ckpt" / "training_metadata.json").exists()

    second = _run(tmp_path, kill_at=-1)             # the same call again
    assert second.returncode == 0, second.stderr[-2000:]
    summary = json.loads(second.stdout.strip().splitlines()[-1])
    assert summary == {"epochs_run": [2, 3, 4], "history": 3}

    records = [json.loads(line) for line in (tmp_path / "log.jsonl").read_text().splitlines()]
    pids = [r["pid"] for r in records]
    assert [r["epoch"] for r in records] == [0, 1, 2, 3, 4] and len(set(pids)) == 2
    assert pids[:2] == [pids[0]] * 2 and pids[2:] == [pids[2]] * 3
    # The second process starts from the trained weights, not from scratch.
    assert records[2]["loss"] < records[0]["loss"]
    assert not (tmp_path / "ckpt").exists()         # backup removed once training completed
