"""Training speed on this machine: cnnlab.train.fit against plain model.fit, bfloat16, GFLOP/s.

Run by hand (never in the test suite)::

    .venv/bin/python benchmarks/bench_train.py            # all three parts
    .venv/bin/python benchmarks/bench_train.py --part speed|bf16|flops [--repeats 3]

1. ``speed``: the same small CNN, the same 5,000 images (32×32×3), three epochs:
   images/s of ``model.fit(x, y)`` on NumPy arrays against ``cnnlab.train.fit``
   (epoch-line progress, tqdm bar, seeded/deterministic). The first epoch
   (graph tracing) is excluded; runs alternate so load from other processes on
   a shared machine hits both sides alike. Reports the median ratio.
2. ``bf16``: the same model built in float32 and in ``mixed_bfloat16``: speed
   and accuracy after the same epochs on a learnable synthetic task.
3. ``flops``: achieved GFLOP/s of one training step of a VGG-style block
   (conv 64, conv 64, pool, conv 128, conv 128, pool, dense; batch 64,
   32×32×3) against this CPU's float32 matmul rate measured with a large
   ``tf.matmul``. Forward FLOPs = 2 × MACs (from ``cnnlab.arith.summarize``
   when available, else H_out·W_out·F·kh·kw·C_in per conv), a training step
   ≈ 3 × forward.

Thread settings: TensorFlow's defaults (intra-op = inter-op = cores); set
``--intra N --inter M`` to try others. On the 2-core course machine the best
training step came with ``--intra 2 --inter 1``.

Measured on the course machine (2 cores, AMX-BF16; shared with other jobs, so
wall-clock figures vary by 2× between rounds and the CPU-time ratios are the
reliable ones):

- speed: cnnlab fit / plain model.fit = 1.08 (epoch lines), 1.05 (tqdm bar)
  in images per CPU-second, medians of 4 rounds; ``seed=0`` (op determinism)
  0.95.
- bf16: ``mixed_bfloat16`` 2.1× the float32 rate, but 74.6 % against 91.1 %
  validation accuracy after 4 epochs (signal 0.3): float32 stays the default.
- flops: best training step 180 ms = 205 GFLOP/s; best float32 matmul
  362 GFLOP/s (57 %); bfloat16 matmul up to 1,353 GFLOP/s.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("CI", "1")          # cnnlab progress as one line per epoch (no TTY spam)
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import numpy as np  # noqa: E402


def learnable_images(n=5000, size=32, classes=10, seed=0, signal=0.6):
    """Class prototypes (smooth random patterns) plus noise and a random shift.

    `signal` is the prototype's share of each pixel: 0.6 is easy (100 %
    accuracy in a few epochs), 0.3 leaves room to see a precision loss.
    """
    rng = np.random.default_rng(seed)
    coarse = rng.random((classes, size // 4, size // 4, 3))
    protos = np.kron(coarse, np.ones((1, 4, 4, 1)))
    y = rng.integers(0, classes, n)
    x = protos[y] * signal + rng.random((n, size, size, 3)) * (1 - signal)
    shifts = rng.integers(-2, 3, (n, 2))
    for i, (dy, dx) in enumerate(shifts):
        x[i] = np.roll(x[i], (dy, dx), axis=(0, 1))
    return x.astype("float32"), y.astype("int32")


def small_cnn(keras, seed=0, out_dtype=None):
    keras.utils.set_random_seed(seed)
    L = keras.layers
    return keras.Sequential([
        keras.Input((32, 32, 3)),
        L.Conv2D(32, 3, padding="same", activation="relu"), L.MaxPooling2D(),
        L.Conv2D(64, 3, padding="same", activation="relu"), L.MaxPooling2D(),
        L.Conv2D(64, 3, padding="same", activation="relu"), L.GlobalAveragePooling2D(),
        L.Dense(64, activation="relu"),
        L.Dense(10, dtype=out_dtype),
    ])


class EpochTimes:
    def __new__(cls, keras):
        class _T(keras.callbacks.Callback):
            def __init__(self):
                super().__init__()
                self.times, self.cpu = [], []

            def on_epoch_begin(self, epoch, logs=None):
                self._t, self._c = time.perf_counter(), time.process_time()

            def on_epoch_end(self, epoch, logs=None):
                self.times.append(time.perf_counter() - self._t)
                self.cpu.append(time.process_time() - self._c)
        return _T()


def steady_rate(n, times):
    return n * (len(times) - 1) / sum(times[1:])


def part_speed(repeats, epochs=3):
    import keras

    from cnnlab.train import fit
    from cnnlab.train.progress import ProgressBar

    x, y = learnable_images()
    n = len(x)
    loss = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    variants = {}

    def plain():
        model = small_cnn(keras)
        model.compile(optimizer="adam", loss=loss, metrics=["accuracy"])
        t = EpochTimes(keras)
        model.fit(x, y, batch_size=32, epochs=epochs, callbacks=[t], verbose=2)
        return steady_rate(n, t.times), steady_rate(n, t.cpu)

    def ours(extra=lambda: [], **kw):
        def run():
            model = small_cnn(keras)
            t = EpochTimes(keras)
            fit(model, (x, y), epochs=epochs, batch_size=32, callbacks=[t, *extra()], **kw)
            return steady_rate(n, t.times), steady_rate(n, t.cpu)
        return run

    runs = {"plain model.fit(x, y)": plain,
            "cnnlab fit (epoch lines)": ours(),
            "cnnlab fit (tqdm bar)": ours(verbose=False,
                                          extra=lambda: [ProgressBar(mode="bar")]),
            "cnnlab fit (seed=0, determinism)": ours(seed=0)}
    for r in range(repeats):
        for name, run in runs.items():
            stdout = sys.stdout
            sys.stdout = open(os.devnull, "w")
            stderr = sys.stderr
            sys.stderr = open(os.devnull, "w")
            try:
                rate = run()
            finally:
                sys.stdout.close(), sys.stderr.close()
                sys.stdout, sys.stderr = stdout, stderr
            variants.setdefault(name, []).append(rate)
            print(f"  round {r + 1}: {name:34s} {rate[0]:8.0f} img/s wall "
                  f"{rate[1]:8.0f} img/CPU-s", flush=True)
    base = variants["plain model.fit(x, y)"]
    print("\nspeed (median over rounds; first epoch excluded; img/CPU-s = images per "
          "second of this process's CPU time, robust to other processes' load):")
    for name, rates in variants.items():
        for k, unit in ((0, "img/s wall  "), (1, "img/CPU-s   ")):
            ratios = [a[k] / b[k] for a, b in zip(rates, base)]
            print(f"  {name:34s} {statistics.median(r[k] for r in rates):8.0f} {unit}"
                  f"ratio to plain {statistics.median(ratios):.3f} "
                  f"(per round {', '.join(f'{q:.2f}' for q in ratios)})")


def part_bf16(repeats, epochs=4):
    import keras

    from cnnlab.train import fit, precision_scope

    x, y = learnable_images(6000, signal=0.3)
    xt, yt, xv, yv = x[:5000], y[:5000], x[5000:], y[5000:]
    results = {}
    for r in range(repeats):
        for policy in ("float32", "mixed_bfloat16"):
            with precision_scope(policy):
                model = small_cnn(keras, out_dtype="float32")
            t = EpochTimes(keras)
            sys.stdout, stdout = open(os.devnull, "w"), sys.stdout
            try:
                res = fit(model, (xt, yt), validation=(xv, yv), epochs=epochs, seed=0,
                          mixed_precision=policy, callbacks=[t])
            finally:
                sys.stdout.close()
                sys.stdout = stdout
            rate = steady_rate(len(xt), t.times)
            cpu_rate = steady_rate(len(xt), t.cpu)
            acc = res.final("accuracy", validation=True)
            results.setdefault(policy, []).append((rate, acc, cpu_rate))
            print(f"  round {r + 1}: {policy:15s} {rate:7.0f} img/s  {cpu_rate:7.0f} img/CPU-s  "
                  f"val_accuracy {acc:.4f} val_loss {res.final('loss', True):.4f}  "
                  f"({res.device})", flush=True)
    print(f"\nbf16 ({epochs} epochs, 5,000 train / 1,000 validation images, seed 0):")
    f32 = results["float32"]
    for policy, vals in results.items():
        rates = [v[0] for v in vals]
        ratio = statistics.median(a / b[0] for a, b in zip(rates, f32))
        cpu_ratio = statistics.median(a[2] / b[2] for a, b in zip(vals, f32))
        print(f"  {policy:15s} {statistics.median(rates):7.0f} img/s  ratio {ratio:.2f} "
              f"(CPU-time ratio {cpu_ratio:.2f})  "
              f"val_accuracy {statistics.median(v[1] for v in vals):.4f}")


def vgg_block(keras):
    L = keras.layers
    keras.utils.set_random_seed(0)
    return keras.Sequential([
        keras.Input((32, 32, 3)),
        L.Conv2D(64, 3, padding="same", activation="relu"),
        L.Conv2D(64, 3, padding="same", activation="relu"), L.MaxPooling2D(),
        L.Conv2D(128, 3, padding="same", activation="relu"),
        L.Conv2D(128, 3, padding="same", activation="relu"), L.MaxPooling2D(),
        L.Flatten(), L.Dense(10),
    ])


def count_macs(model):
    """MACs per image: cnnlab.arith.summarize if it exists, else the layer-shape formula."""
    by_hand = 0
    for layer in model.layers:
        if layer.__class__.__name__ == "Conv2D":
            _, h, w, f = layer.output.shape
            kh, kw, c_in, _ = layer.kernel.shape
            by_hand += h * w * f * kh * kw * c_in
        elif layer.__class__.__name__ == "Dense":
            by_hand += layer.kernel.shape[0] * layer.kernel.shape[1]
    try:
        from cnnlab.arith import summarize
        arith = summarize(model).macs
    except Exception as err:  # noqa: BLE001 - optional dependency of a benchmark
        print(f"  (cnnlab.arith.summarize unavailable: {err!r}; using the formula)")
        return by_hand, "formula"
    if arith != by_hand:
        print(f"  note: summarize says {arith:,} MACs, the formula {by_hand:,}")
    return arith, "cnnlab.arith.summarize"


def matmul_peak(tf, dtype="float32", n=4096, reps=10):
    a = tf.random.uniform((n, n), dtype=tf.float32)
    a = tf.cast(a, dtype)

    @tf.function
    def step(m):
        return tf.matmul(m, m)

    step(a).numpy()
    best = float("inf")
    for _ in range(3):
        t = time.perf_counter()
        for _ in range(reps):
            out = step(a)
        out.numpy()
        best = min(best, (time.perf_counter() - t) / reps)
    return 2 * n ** 3 / best / 1e9


def part_flops(repeats, batch=64, steps=15):
    import keras
    import tensorflow as tf

    print(f"threads: intra-op {tf.config.threading.get_intra_op_parallelism_threads()} "
          f"inter-op {tf.config.threading.get_inter_op_parallelism_threads()} "
          f"(0 = TensorFlow default: one per core), {os.cpu_count()} cores")
    model = vgg_block(keras)
    macs, source = count_macs(model)
    step_flops = 3 * 2 * macs * batch
    print(f"VGG block: {macs:,} MACs per image ({source}); training step of {batch} "
          f"≈ 3 × 2 × MACs × batch = {step_flops / 1e9:.1f} GFLOP")
    model.compile("sgd", keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                  jit_compile=False)
    rng = np.random.default_rng(0)
    x = rng.random((batch, 32, 32, 3), dtype=np.float32)
    y = rng.integers(0, 10, batch)
    ds = tf.data.Dataset.from_tensors((x, y)).repeat()
    achieved, peaks = [], []
    for r in range(repeats):
        t = EpochTimes(keras)
        model.fit(ds, steps_per_epoch=steps, epochs=2, verbose=0, callbacks=[t])
        gflops = step_flops * steps / t.times[-1] / 1e9
        peak = matmul_peak(tf)
        achieved.append(gflops)
        peaks.append(peak)
        print(f"  round {r + 1}: train step {t.times[-1] / steps * 1e3:6.1f} ms = "
              f"{gflops:6.1f} GFLOP/s; float32 matmul 4096² {peak:6.1f} GFLOP/s "
              f"-> {gflops / peak:.0%}", flush=True)
    bf16 = matmul_peak(tf, "bfloat16")
    print(f"\nflops: achieved {max(achieved):.1f} GFLOP/s (best round), float32 matmul "
          f"peak {max(peaks):.1f} GFLOP/s: {max(achieved) / max(peaks):.0%} of peak "
          f"(median of rounds {statistics.median(a / p for a, p in zip(achieved, peaks)):.0%}); "
          f"bfloat16 matmul {bf16:.1f} GFLOP/s")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--part", choices=("speed", "bf16", "flops", "all"), default="all")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--intra", type=int, default=None)
    parser.add_argument("--inter", type=int, default=None)
    args = parser.parse_args(argv)
    import tensorflow as tf
    if args.intra is not None:
        tf.config.threading.set_intra_op_parallelism_threads(args.intra)
    if args.inter is not None:
        tf.config.threading.set_inter_op_parallelism_threads(args.inter)
    print(f"load average before: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    if args.part in ("speed", "all"):
        part_speed(args.repeats)
    if args.part in ("bf16", "all"):
        part_bf16(args.repeats)
    if args.part in ("flops", "all"):
        part_flops(args.repeats)
    print(f"load average after: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
