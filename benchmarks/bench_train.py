"""Training speed on this machine: cnnlab.train.fit against plain model.fit, bfloat16, GFLOP/s.

Run by hand (never in the test suite)::

    .venv/bin/python benchmarks/bench_train.py            # all three parts
    .venv/bin/python benchmarks/bench_train.py --part speed|bf16|flops [--repeats 3]

1. ``speed``: the same small CNN, the same 5,000 images (32×32×3), three epochs:
   images/s of ``model.fit(x, y)`` on NumPy arrays against ``cnnlab.train.fit``
   (epoch-line progress, tqdm bar, seeded/deterministic). The first epoch
   (graph tracing) is excluded; runs alternate so load from other processes on
   a shared machine hits both sides alike. Reports the median ratio.
2. ``bf16``: the lessons' own training runs (default profile: data, builder,
   epochs, optimizer) -- digits (lesson 00's tiny CNN, lesson 05's
   ``classic_convnet``), shapes (lesson 08's ``small_cnn`` at 24 px, lesson 14's
   circles vs crosses ``binary_convnet`` from image folders) and Fashion-MNIST
   (12,000 training images, ``classic_convnet``; no lesson trains on it yet) --
   three ways: plain float32 ``model.fit``, ``cnnlab.train.fit`` in float32 and
   ``fit`` on a ``mixed_bfloat16`` copy (:func:`cnnlab.train.devices.mixed_precision_clone`:
   same initial weights, output layer float32). Test accuracy of the float32
   model holding the trained weights (as a lesson evaluates it), images/s after
   the first epoch. No validation during training and no lesson callbacks
   (lesson 14's early stopping), so epochs and timing are comparable. One
   round takes about 3 min idle, 9 min at load 12.
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
- bf16 (2 rounds of ``--repeats 1``, load 11–17 on 2 cores, so wall rates are
  a third of idle; rounds 1 / 2):

  | run (epochs) | test acc float32 `fit` (`model.fit`) | bf16 | bf16 `fit` / f32 `model.fit` img/s | bf16 / f32 `fit` img/CPU-s |
  |---|---|---|---|---|
  | digits · L00 tiny CNN (8) | 0.955 (0.964) | 0.955 | 1.30 / 1.23 | 0.99 / 0.87 |
  | digits · L05 classic_convnet (12) | 0.981 (0.975) | 0.981 | 1.76 / 2.25 | 1.49 / 1.32 |
  | shapes · L08 small_cnn 24 px (50) | 0.530 (0.498) | 0.527 | 1.77 / 1.45 | 1.30 / 1.29 |
  | shapes · L14 binary_convnet 48 px (12) | 0.780 (0.780) | 0.980 | 1.46 / 1.91 | 1.71 / 1.53 |
  | Fashion-MNIST 12k · classic_convnet (4) | 0.856 (0.865) | 0.855 | 1.01 / 1.02 | 1.28 / 1.50 |

  Accuracy is level (lesson 00: the float32 and bf16 nets disagree on none of
  the 359 test digits, though their weights differ by up to 0.06). bf16 is
  clearly faster per CPU-second on every net with 32+ filters, not on lesson
  00's 8-filter one; the ≥ 1.5× goal against plain ``model.fit`` is met on 2–3
  of 5 runs at this load. Hence ``CNNLAB_BF16=1`` (see ``cnnlab/train/devices.py``)
  rather than a new default. (The earlier synthetic low-signal task, 91.1 % →
  74.6 %, is not one of the lessons' runs.)
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


def _lesson_runs(keras, tf):
    """The lessons' own training runs (default profile): data, builder, epochs, fit arguments."""
    import tempfile
    from pathlib import Path

    import cnnlab
    import cnnlab.models

    def tiny_digits_cnn():                                   # lesson 00, cell 46
        return keras.Sequential([
            keras.Input((28, 28, 1)),
            keras.layers.Conv2D(8, 5, activation="relu", name="conv1"),
            keras.layers.MaxPooling2D(2),
            keras.layers.Conv2D(16, 3, activation="relu"),
            keras.layers.MaxPooling2D(2),
            keras.layers.Flatten(),
            keras.layers.Dense(10, activation="softmax")])

    load = cnnlab.data.load
    x, y, _ = load("digits", split="train")
    xt, yt, _ = load("digits", split="test")
    order = np.random.default_rng(0).permutation(len(x))     # lesson 05: 20 % held out
    x5, y5 = x[order[288:]], y[order[288:]]
    s, sy, _ = load("shapes", limit=800, image_size=24)      # lesson 08
    st, sty, _ = load("shapes", split="test", limit=800, image_size=24)
    root = Path(tempfile.mkdtemp()) / "shapes"               # lesson 14: circles vs crosses
    cnnlab.data.write_image_folder("shapes", root, classes=("circle", "cross"),
                                   splits={"train": 300, "validation": 75, "test": 75},
                                   image_size=48, seed=0)

    def folder(split, shuffle):
        return keras.utils.image_dataset_from_directory(
            root / split, label_mode="binary", image_size=(48, 48), batch_size=32,
            shuffle=shuffle, seed=0, verbose=False)
    train14, test14 = folder("train", True).cache().prefetch(-1), folder("test", False).cache()
    f, fy, _ = load("fashion_mnist", limit=12000)
    ft, fty, _ = load("fashion_mnist", split="test")
    adam = keras.optimizers.Adam
    return [
        ("digits · L00 tiny CNN", tiny_digits_cnn, (x, y), (xt, yt), 8, dict()),
        ("digits · L05 classic_convnet", lambda: cnnlab.models.classic_convnet(),
         (x5, y5), (xt, yt), 12, dict(optimizer=lambda: adam(3e-3))),
        ("shapes · L08 small_cnn 24 px", lambda: cnnlab.models.small_cnn((24, 24, 3), 8),
         (s, sy), (st, sty), 50, dict()),
        ("shapes · L14 binary_convnet 48 px", lambda: cnnlab.models.binary_convnet((48, 48, 3)),
         train14, test14, 12, dict(loss="binary_crossentropy",
                                   optimizer=lambda: keras.optimizers.RMSprop(1e-3))),
        ("Fashion-MNIST 12k · classic_convnet", lambda: cnnlab.models.classic_convnet(),
         (f, fy), (ft, fty), 4, dict()),
    ]


def part_bf16(repeats):
    """float32 vs mixed_bfloat16 on the lessons' own runs, and plain model.fit vs cnnlab fit."""
    import keras
    import tensorflow as tf

    from cnnlab.train import fit
    from cnnlab.train.devices import mixed_precision_clone
    from cnnlab.train.gradients import default_loss

    runs = _lesson_runs(keras, tf)
    table = {}

    def quiet(call):
        saved = sys.stdout, sys.stderr
        sys.stdout = sys.stderr = open(os.devnull, "w")
        try:
            return call()
        finally:
            sys.stdout.close()
            sys.stdout, sys.stderr = saved

    for r in range(repeats):
        for name, build, train, test, epochs, kw in runs:
            n = (len(train[0]) if isinstance(train, tuple)
                 else sum(int(b[0].shape[0]) for b in train))
            for variant in ("model.fit float32", "fit float32", "fit mixed_bfloat16"):
                keras.utils.set_random_seed(0)
                model = build()
                opt = kw.get("optimizer", lambda: keras.optimizers.Adam(1e-3))()
                loss = kw.get("loss") or default_loss(model)
                t = EpochTimes(keras)
                start = time.perf_counter()
                if variant == "model.fit float32":
                    model.compile(optimizer=opt, loss=loss, metrics=["accuracy"])
                    data = (dict(x=train[0], y=train[1], batch_size=32)
                            if isinstance(train, tuple) else dict(x=train))
                    quiet(lambda: model.fit(**data, epochs=epochs, verbose=0, callbacks=[t]))
                    trained = model
                else:
                    trained = (mixed_precision_clone(model) if "bfloat16" in variant
                               else model)
                    quiet(lambda: fit(trained, train, epochs=epochs, seed=0, optimizer=opt,
                                      loss=loss, mixed_precision=variant.split()[-1],
                                      callbacks=[t]))
                    if trained is not model:           # evaluate as a lesson would:
                        model.compile(loss=loss, metrics=["accuracy"])  # the float32 model
                        model.set_weights(trained.get_weights())
                if not model.compiled:
                    model.compile(loss=loss, metrics=["accuracy"])
                seconds = time.perf_counter() - start
                acc = (model.evaluate(*test, verbose=0) if isinstance(test, tuple)
                       else model.evaluate(test, verbose=0))[1]
                rate, cpu = steady_rate(n, t.times), steady_rate(n, t.cpu)
                table.setdefault((name, variant), []).append((rate, cpu, acc, seconds))
                print(f"  round {r + 1}: {name:36s} {variant:19s} {rate:7.0f} img/s "
                      f"{cpu:7.0f} img/CPU-s  test acc {acc:.4f}  ({seconds:.0f} s, "
                      f"load {os.getloadavg()[0]:.1f})", flush=True)
    med = statistics.median
    print(f"\n| run (epochs) | float32 acc | bf16 acc | model.fit f32 img/s | fit f32 img/s "
          f"| fit bf16 img/s | bf16 / model.fit | bf16 / fit f32 (CPU-s) |")
    print("|---|---|---|---|---|---|---|---|")
    for name, _, _, _, epochs, _ in runs:
        plain, f32, bf = (table[(name, v)] for v in ("model.fit float32", "fit float32",
                                                     "fit mixed_bfloat16"))
        ratio = med(b[0] / p[0] for b, p in zip(bf, plain))
        ratio_cpu = med(b[1] / f[1] for b, f in zip(bf, f32))
        print(f"| {name} ({epochs}) | {med(v[2] for v in f32):.3f} "
              f"(model.fit {med(v[2] for v in plain):.3f}) | {med(v[2] for v in bf):.3f} | "
              f"{med(v[0] for v in plain):.0f} | {med(v[0] for v in f32):.0f} | "
              f"{med(v[0] for v in bf):.0f} | {ratio:.2f} | {ratio_cpu:.2f} |")


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
