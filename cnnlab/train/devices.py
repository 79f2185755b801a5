"""Which device, distribution strategy, precision and XLA setting a training run uses.

The decision is a pure function of the device list, :func:`plan_devices`, so
it can be tested on a machine without a GPU by passing GPU descriptions::

    plan_devices(gpus=[{"name": "A100", "compute_capability": (8, 0)}] * 2)
    -> Plan(strategy='mirrored', precision='mixed_float16', xla=True)

The rules (each one says why):

- **No GPU** → float32, XLA off, the default strategy. XLA's CPU code for
  convolutions is 2–4× slower than TensorFlow's oneDNN kernels on the course
  machines, and Keras also leaves XLA off on CPU-only machines.
- **A CPU with native bfloat16** (``amx_bf16`` or ``avx512_bf16`` among its
  flags, :func:`native_bf16`) → still float32 by default; ``mixed_bfloat16``
  when the environment sets ``CNNLAB_BF16=1`` (:data:`BF16_SWITCH`). The
  evidence (``benchmarks/bench_train.py --part bf16``, the lessons' own runs,
  2-core AMX machine): test accuracy in ``mixed_bfloat16`` is within 0.3
  points of float32 on digits, shapes and Fashion-MNIST, and training takes
  1.3–1.7× fewer CPU-seconds per image on the convnets with 32+ filters, but
  is no faster on lesson 00's 8-filter net. It stays behind a switch because
  a lesson builds its model *before* ``fit`` (so ``fit`` trains a bfloat16
  copy and copies the weights back, :func:`mixed_precision_clone`) and the
  lessons' asserts do not all hold in bfloat16: with ``CNNLAB_BF16=1``
  (CI profile) lessons 00, 07, 08, 10 and 14 pass, but lesson 16's "warm-up
  + cosine ends with a lower training loss than the constant rate" fails. ``mixed_precision=True`` asks for bfloat16 on any
  CPU (build the model inside :func:`precision_scope`).
- **GPUs with tensor cores** (compute capability >= 7.0: V100, T4, A100, L4,
  H100, RTX 20xx and later) → ``mixed_float16``: float16 matrix products run on
  the tensor cores, 2–8× the float32 rate, and halve the activation memory.
- **Older GPUs** (Pascal P100 6.0, GTX 10xx 6.1, Maxwell, K80) → float32:
  without tensor cores float16 is no faster (on GTX 10xx it is far slower).
  XLA stays on: fusing element-wise ops into fewer kernel launches helps every
  CUDA GPU, whatever its compute capability.
- **Two or more GPUs** → ``tf.distribute.MirroredStrategy`` (one model replica
  per GPU, gradients all-reduced); mixed precision only when *every* GPU has
  tensor cores.
- **A seeded (deterministic) run on a GPU** → XLA off unless asked for: Keras
  itself switches XLA off when TensorFlow's op determinism is on, because not
  every XLA kernel has a deterministic version.

Examples
--------
>>> plan_devices(gpus=[], cpu_count=2)
Plan(strategy='default', precision='float32', xla=False)
>>> plan_devices(gpus=[{"name": "Tesla T4", "compute_capability": (7, 5)}]).describe()
'GPU: Tesla T4 (cc 7.5) · mixed_float16 · XLA on'
"""
from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass, field
from typing import Iterator, Sequence

from cnnlab._validate import check_choice

__all__ = ["Plan", "plan_devices", "list_gpus", "describe_device", "choose_strategy",
           "strategy_scope", "precision_scope", "use_mixed_precision",
           "TENSOR_CORE_CAPABILITY", "CPU_MIXED_POLICY", "mixed_precision_clone",
           "native_bf16", "read_cpu_flags", "bf16_switch_on", "BF16_FLAGS", "BF16_SWITCH"]

#: Lowest CUDA compute capability with tensor cores (Volta).
TENSOR_CORE_CAPABILITY = (7, 0)
#: The mixed policy used on a CPU when mixed precision is asked for (``True``).
CPU_MIXED_POLICY = "mixed_bfloat16"
#: CPU flags (``/proc/cpuinfo``) of native bfloat16 arithmetic: Intel AMX, AVX-512 BF16.
BF16_FLAGS = ("amx_bf16", "avx512_bf16")
#: Environment variable that lets ``mixed_precision="auto"`` pick bfloat16 on such CPUs.
BF16_SWITCH = "CNNLAB_BF16"
POLICIES = ("float32", "mixed_float16", "mixed_bfloat16")


@dataclass(frozen=True)
class Plan:
    """How a training run uses the machine (a value; compare two plans with ``==``).

    Attributes
    ----------
    strategy : {"default", "mirrored"}
        ``"mirrored"`` means ``tf.distribute.MirroredStrategy`` over all GPUs.
    precision : {"float32", "mixed_float16", "mixed_bfloat16"}
        The Keras dtype policy to build the model with.
    xla : bool
        Whether to compile the train step with XLA (``jit_compile=True``).
    devices : tuple of str
        Human-readable device names (not part of ``==``).
    notes : tuple of str
        Why a requested setting was changed (not part of ``==``).
    """

    strategy: str
    precision: str
    xla: bool
    devices: tuple = field(default=(), compare=False)
    notes: tuple = field(default=(), compare=False)

    def __repr__(self) -> str:
        return (f"Plan(strategy={self.strategy!r}, precision={self.precision!r}, "
                f"xla={self.xla!r})")

    @property
    def gpu(self) -> bool:
        """Whether the plan trains on one or more GPUs."""
        return bool(self.devices) and self.devices[0].startswith("GPU")

    def describe(self) -> str:
        """One line: device(s), precision, XLA (and strategy when mirrored)."""
        parts = [", ".join(self.devices) or "CPU", self.precision,
                 f"XLA {'on' if self.xla else 'off'}"]
        if self.strategy == "mirrored":
            parts.append("MirroredStrategy")
        return " · ".join(parts)


def _capability(gpu: dict) -> tuple[int, int] | None:
    cc = gpu.get("compute_capability")
    if cc is None:
        return None
    if isinstance(cc, str):                       # "8.0"
        major, _, minor = cc.partition(".")
        return int(major), int(minor or 0)
    return int(cc[0]), int(cc[1])


def _gpu_label(gpu: dict) -> str:
    cc = _capability(gpu)
    name = gpu.get("name") or "GPU"
    return f"{name} (cc {cc[0]}.{cc[1]})" if cc else name


def plan_devices(gpus: Sequence[dict] | None = None, *, cpu_count: int | None = None,
                 mixed_precision="auto", xla="auto", deterministic: bool = False,
                 cpu_flags: Sequence[str] | None = None,
                 bf16_auto: bool | None = None) -> Plan:
    """Decide strategy, precision and XLA for a list of GPUs (pure, no TensorFlow needed).

    Parameters
    ----------
    gpus : sequence of dict, optional
        One dict per GPU with ``"name"`` and ``"compute_capability"`` (a
        ``(major, minor)`` pair or ``"8.0"``). ``[]`` means CPU only; ``None``
        asks TensorFlow (:func:`list_gpus`).
    cpu_count : int, optional
        Cores shown for a CPU plan (default ``os.cpu_count()``).
    mixed_precision : {"auto", True, False, "float32", "mixed_float16", "mixed_bfloat16"}
        ``"auto"`` applies the rules in the module docstring; ``True`` asks for
        the device's mixed policy (float16 on GPUs, bfloat16 on CPUs);
        ``False`` forces float32; a policy name is used as given.
    xla : {"auto", True, False}
        ``"auto"``: on for GPUs (off for deterministic GPU runs), off on CPUs.
    deterministic : bool
        The run enables TensorFlow's op determinism (``fit(seed=...)``).
    cpu_flags : sequence of str, optional
        The CPU's feature flags (default: this machine's, :func:`read_cpu_flags`);
        only read for a CPU plan with ``mixed_precision="auto"``.
    bf16_auto : bool, optional
        Whether ``"auto"`` may pick ``mixed_bfloat16`` on a CPU with native
        bfloat16 (default: :func:`bf16_switch_on`, i.e. ``CNNLAB_BF16=1``).

    Returns
    -------
    Plan

    Examples
    --------
    >>> a100 = {"name": "A100", "compute_capability": (8, 0)}
    >>> plan_devices(gpus=[a100, a100])
    Plan(strategy='mirrored', precision='mixed_float16', xla=True)
    >>> plan_devices(gpus=[{"name": "GTX 1080", "compute_capability": (6, 1)}])
    Plan(strategy='default', precision='float32', xla=True)
    >>> plan_devices(gpus=[], cpu_flags=["avx2", "amx_bf16"], bf16_auto=True).precision
    'mixed_bfloat16'
    >>> plan_devices(gpus=[], cpu_flags=["avx2", "amx_bf16"], bf16_auto=False).precision
    'float32'
    """
    check_choice("mixed_precision", mixed_precision, ("auto", True, False, *POLICIES))
    check_choice("xla", xla, ("auto", True, False))
    if gpus is None:
        gpus = list_gpus()
    gpus = list(gpus)
    notes = []
    if not gpus:
        cores = cpu_count or os.cpu_count() or 1
        devices = (f"CPU ({cores} core{'s' if cores != 1 else ''})",)
        if mixed_precision == "auto":
            if bf16_auto is None:
                bf16_auto = bf16_switch_on()
            native = bf16_auto and native_bf16(read_cpu_flags()
                                               if cpu_flags is None else cpu_flags)
            precision = CPU_MIXED_POLICY if native else "float32"
        elif mixed_precision is False:
            precision = "float32"
        elif mixed_precision is True:
            precision = CPU_MIXED_POLICY
        else:
            precision = mixed_precision
            if precision == "mixed_float16":
                notes.append("float16 on a CPU is emulated and slow; "
                             "mixed_bfloat16 is the CPU's mixed type")
        use_xla = bool(xla) if xla != "auto" else False
        return Plan("default", precision, use_xla, devices, tuple(notes))

    caps = [_capability(g) for g in gpus]
    tensor_cores = all(c is not None and c >= TENSOR_CORE_CAPABILITY for c in caps)
    if mixed_precision == "auto":
        precision = "mixed_float16" if tensor_cores else "float32"
    elif mixed_precision is True:
        precision = "mixed_float16"
        if not tensor_cores:
            notes.append("no tensor cores (compute capability < 7.0): "
                         "float16 will not be faster than float32")
    elif mixed_precision is False:
        precision = "float32"
    else:
        precision = mixed_precision
    if xla == "auto":
        use_xla = not deterministic
        if deterministic:
            notes.append("XLA off for a deterministic (seeded) GPU run")
    else:
        use_xla = bool(xla)
    strategy = "mirrored" if len(gpus) > 1 else "default"
    devices = tuple(f"GPU: {_gpu_label(g)}" if i == 0 else _gpu_label(g)
                    for i, g in enumerate(gpus))
    return Plan(strategy, precision, use_xla, devices, tuple(notes))


def native_bf16(flags: Sequence[str]) -> bool:
    """Whether a CPU with these feature flags computes bfloat16 natively (AMX or AVX-512 BF16).

    Examples
    --------
    >>> native_bf16(["avx512f", "avx512_bf16"]), native_bf16(["avx2", "fma"])
    (True, False)
    """
    return any(flag in BF16_FLAGS for flag in flags)


def read_cpu_flags(path: str = "/proc/cpuinfo") -> tuple:
    """This CPU's feature flags as listed in ``/proc/cpuinfo`` (``()`` where there is none).

    Examples
    --------
    >>> isinstance(read_cpu_flags(), tuple)
    True
    """
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            for line in handle:
                key, _, value = line.partition(":")
                if key.strip() in ("flags", "Features"):
                    return tuple(value.split())
    except OSError:
        pass
    return ()


def bf16_switch_on(environ=None) -> bool:
    """Whether ``CNNLAB_BF16=1`` lets ``mixed_precision="auto"`` use bfloat16 on a CPU.

    Examples
    --------
    >>> bf16_switch_on({"CNNLAB_BF16": "1"}), bf16_switch_on({})
    (True, False)
    """
    environ = os.environ if environ is None else environ
    return str(environ.get(BF16_SWITCH, "")).strip().lower() in ("1", "true", "yes", "on")


def list_gpus() -> list[dict]:
    """The GPUs TensorFlow sees, as ``{"name", "compute_capability"}`` dicts.

    Examples
    --------
    >>> isinstance(list_gpus(), list)
    True
    """
    import tensorflow as tf

    found = []
    for device in tf.config.list_physical_devices("GPU"):
        try:
            details = tf.config.experimental.get_device_details(device)
        except Exception:  # noqa: BLE001 - details are optional
            details = {}
        found.append({"name": details.get("device_name", device.name),
                      "compute_capability": details.get("compute_capability")})
    return found


def describe_device(plan: Plan | None = None) -> str:
    """One line naming the device(s) and the precision/XLA choice ``fit`` would make.

    Examples
    --------
    >>> describe_device(plan_devices(gpus=[], cpu_count=2))
    'CPU (2 cores) · float32 · XLA off'
    """
    return (plan or plan_devices()).describe()


_MIRRORED = None


def choose_strategy(gpus: Sequence[dict] | None = None):
    """The ``tf.distribute`` strategy for these GPUs: mirrored for 2+, else the default one.

    The mirrored strategy is created once per process and reused, so the model
    and :func:`cnnlab.train.fit` share it.

    Examples
    --------
    >>> type(choose_strategy(gpus=[])).__name__
    '_DefaultDistributionStrategy'
    """
    global _MIRRORED
    import tensorflow as tf

    if plan_devices(gpus).strategy == "mirrored":
        if _MIRRORED is None:
            _MIRRORED = tf.distribute.MirroredStrategy()
        return _MIRRORED
    return tf.distribute.get_strategy()


@contextlib.contextmanager
def strategy_scope(gpus: Sequence[dict] | None = None) -> Iterator[object]:
    """Build a model inside this block so that :func:`fit` can train it on all GPUs.

    With several GPUs, ``MirroredStrategy`` must create the model's variables
    (one copy per GPU), so the model has to be *built* inside its scope, not
    just trained there. On one GPU or a CPU the block does nothing.

    Examples
    --------
    >>> with strategy_scope(gpus=[]) as strategy:
    ...     type(strategy).__name__
    '_DefaultDistributionStrategy'
    """
    strategy = choose_strategy(gpus)
    with strategy.scope():
        yield strategy


def _resolve_policy(policy) -> str:
    if policy == "auto" or policy is True or policy is False:
        return plan_devices(mixed_precision=policy).precision
    if policy not in POLICIES:
        allowed = ", ".join(repr(p) for p in ("auto", True, False, *POLICIES))
        raise ValueError(f"`policy` must be one of {allowed}. Received: policy={policy!r}.")
    return policy


@contextlib.contextmanager
def precision_scope(policy="auto") -> Iterator[str]:
    """Build a model inside this block to give it the device's (mixed) precision.

    A Keras layer fixes its dtype policy when it is *created*, so mixed
    precision must be switched on before the model is built; ``fit`` cannot
    change it afterwards (it warns when mixed precision was asked for and the
    model is float32). The previous global policy is restored on exit.

    Give the model's last layer ``dtype="float32"`` (e.g.
    ``layers.Dense(10, activation="softmax", dtype="float32")``): the softmax
    and the loss then run in float32, where float16 would under- or overflow.

    Parameters
    ----------
    policy : {"auto", True, False, "float32", "mixed_float16", "mixed_bfloat16"}
        ``"auto"``: ``mixed_float16`` on tensor-core GPUs, float32 elsewhere
        (see :func:`plan_devices`).

    Examples
    --------
    >>> import keras
    >>> with precision_scope("mixed_bfloat16"):
    ...     layer = keras.layers.Dense(4)
    >>> layer.compute_dtype, keras.config.dtype_policy().name
    ('bfloat16', 'float32')
    """
    import keras

    name = _resolve_policy(policy)
    previous = keras.config.dtype_policy()
    keras.config.set_dtype_policy(name)
    try:
        yield name
    finally:
        keras.config.set_dtype_policy(previous)


def use_mixed_precision(policy="auto") -> str:
    """Set the global Keras dtype policy for models built from now on; return its name.

    The notebook form of :func:`precision_scope` (no ``with`` block). Call it
    before building the model; ``use_mixed_precision(False)`` goes back to float32.

    Examples
    --------
    >>> use_mixed_precision(False)
    'float32'
    """
    import keras

    name = _resolve_policy(policy)
    keras.config.set_dtype_policy(name)
    return name


def _output_layer_names(model) -> set:
    names = set()
    for tensor in getattr(model, "outputs", None) or ():
        history = getattr(tensor, "_keras_history", None)
        if history is not None:
            names.add(history[0].name)
    if not names and getattr(model, "layers", None):
        names.add(model.layers[-1].name)
    return names


def _with_policy(config, policy: str, keep: set):
    """A copy of a model config with every layer's DTypePolicy set to `policy` (except `keep`)."""
    if isinstance(config, list):
        return [_with_policy(c, policy, keep) for c in config]
    if not isinstance(config, dict):
        return config
    out = {}
    inner = config.get("config") if isinstance(config.get("config"), dict) else None
    name = inner.get("name") if inner is not None else None
    for key, value in config.items():
        if key == "config" and inner is not None and name not in keep:
            value = dict(_with_policy(value, policy, keep))
            dtype = value.get("dtype")
            if isinstance(dtype, dict) and dtype.get("class_name") == "DTypePolicy":
                value["dtype"] = policy
            out[key] = value
        elif key == "config" and name in keep:
            out[key] = value                       # the output layer stays float32
        else:
            out[key] = _with_policy(value, policy, keep)
    return out


def mixed_precision_clone(model, policy: str = CPU_MIXED_POLICY):
    """The same network with every layer but the output in `policy`, sharing no state.

    A layer's dtype policy is fixed when it is created, so a float32 model
    cannot be switched to mixed precision in place. This rebuilds it from its
    config with the mixed policy on every layer except the output layer(s),
    which stay float32 (softmax and loss in float32), and copies the weights.
    Mixed policies keep their *variables* in float32, so
    ``model.set_weights(clone.get_weights())`` copies trained weights back
    bit for bit.

    Parameters
    ----------
    model : keras.Model
        A Sequential or functional model (subclassed models have no config).
    policy : {"mixed_bfloat16", "mixed_float16"}, optional

    Returns
    -------
    keras.Model
        Uncompiled, with `model`'s current weights.

    Examples
    --------
    >>> import keras
    >>> m = keras.Sequential([keras.Input((4, 4, 1)), keras.layers.Conv2D(2, 3),
    ...                       keras.layers.Flatten(), keras.layers.Dense(3)])
    >>> c = mixed_precision_clone(m)
    >>> [layer.compute_dtype for layer in c.layers]
    ['bfloat16', 'bfloat16', 'float32']
    >>> all((a == b).all() for a, b in zip(m.get_weights(), c.get_weights()))
    True
    """
    if policy not in ("mixed_bfloat16", "mixed_float16"):
        raise ValueError("`policy` must be 'mixed_bfloat16' or 'mixed_float16'. "
                         f"Received: policy={policy!r}.")
    import keras

    config = _with_policy(model.get_config(), policy, _output_layer_names(model))
    clone = type(model).from_config(config) if type(model) in (
        keras.Sequential, keras.Model) else keras.Model.from_config(config)
    clone.set_weights(model.get_weights())
    return clone
