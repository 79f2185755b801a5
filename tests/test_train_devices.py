"""cnnlab.train.devices: the device/precision/XLA decision, tested with device lists."""
import pytest

from cnnlab.train.devices import Plan, describe_device, plan_devices

A100 = {"name": "NVIDIA A100-SXM4-40GB", "compute_capability": (8, 0)}
V100 = {"name": "Tesla V100-SXM2-16GB", "compute_capability": (7, 0)}
T4 = {"name": "Tesla T4", "compute_capability": (7, 5)}
P100 = {"name": "Tesla P100-PCIE-16GB", "compute_capability": (6, 0)}
GTX1080 = {"name": "NVIDIA GeForce GTX 1080", "compute_capability": (6, 1)}


def test_no_gpu_is_a_float32_cpu_plan_without_xla():
    plan = plan_devices(gpus=[], cpu_count=2)
    assert plan == Plan(strategy="default", precision="float32", xla=False)
    assert plan.devices == ("CPU (2 cores)",) and not plan.gpu
    assert describe_device(plan) == "CPU (2 cores) · float32 · XLA off"


@pytest.mark.parametrize("gpu", [V100, T4, A100])
def test_tensor_core_gpu_gets_mixed_float16_and_xla(gpu):
    plan = plan_devices(gpus=[gpu])
    assert plan == Plan(strategy="default", precision="mixed_float16", xla=True)
    assert plan.gpu and gpu["name"] in plan.describe()


@pytest.mark.parametrize("gpu", [GTX1080, P100])
def test_pre_volta_gpu_stays_float32_with_xla(gpu):
    assert plan_devices(gpus=[gpu]) == Plan("default", "float32", True)


def test_two_gpus_are_mirrored():
    assert plan_devices(gpus=[A100, A100]) == Plan("mirrored", "mixed_float16", True)
    assert "MirroredStrategy" in plan_devices(gpus=[T4, T4]).describe()


def test_mixed_gpu_generations_use_float32():
    assert plan_devices(gpus=[A100, GTX1080]) == Plan("mirrored", "float32", True)


def test_capability_given_as_text_or_missing():
    assert plan_devices(gpus=[{"name": "L4", "compute_capability": "8.9"}]).precision == \
        "mixed_float16"
    assert plan_devices(gpus=[{"name": "?"}]).precision == "float32"


def test_explicit_requests_override_auto():
    assert plan_devices(gpus=[A100], mixed_precision=False).precision == "float32"
    assert plan_devices(gpus=[A100], xla=False).xla is False
    assert plan_devices(gpus=[], xla=True).xla is True
    assert plan_devices(gpus=[], mixed_precision=True).precision == "mixed_bfloat16"
    cpu16 = plan_devices(gpus=[], mixed_precision="mixed_float16")
    assert cpu16.precision == "mixed_float16" and "slow" in cpu16.notes[0]
    old = plan_devices(gpus=[GTX1080], mixed_precision=True)
    assert old.precision == "mixed_float16" and "tensor cores" in old.notes[0]


def test_deterministic_gpu_run_turns_xla_off():
    plan = plan_devices(gpus=[T4], deterministic=True)
    assert plan.xla is False and plan.precision == "mixed_float16"
    assert plan_devices(gpus=[T4], deterministic=True, xla=True).xla is True


def test_bad_choices_raise():
    with pytest.raises(ValueError, match="`mixed_precision` must be one of"):
        plan_devices(gpus=[], mixed_precision="half")
    with pytest.raises(ValueError, match="`xla` must be one of"):
        plan_devices(gpus=[], xla="yes")


def test_this_machine_matches_tensorflow():
    tf = pytest.importorskip("tensorflow")
    plan = plan_devices()
    assert plan.gpu == bool(tf.config.list_physical_devices("GPU"))


def test_scopes_on_cpu():
    keras = pytest.importorskip("keras")
    from cnnlab.train import precision_scope, strategy_scope, use_mixed_precision

    with strategy_scope(gpus=[]) as strategy, precision_scope("mixed_bfloat16") as name:
        dense = keras.layers.Dense(3)
    assert name == "mixed_bfloat16" and dense.compute_dtype == "bfloat16"
    assert dense.variable_dtype == "float32"
    assert keras.config.dtype_policy().name == "float32"          # restored
    assert strategy.num_replicas_in_sync == 1
    with precision_scope("auto") as auto_name:                     # CPU: float32
        assert keras.layers.Dense(2).compute_dtype == auto_name
    try:
        assert use_mixed_precision("mixed_bfloat16") == "mixed_bfloat16"
        assert keras.layers.Dense(2).compute_dtype == "bfloat16"
    finally:
        use_mixed_precision(False)
    with pytest.raises(ValueError, match="`policy` must be one of"):
        with precision_scope("half"):
            pass


# --- bfloat16 on CPUs: the decision from given CPU flags, and the float32 -> bf16 copy
AMX_CPU = ("fpu", "avx2", "avx512f", "amx_tile", "amx_bf16", "amx_int8")
AVX512_BF16_CPU = ("fpu", "avx2", "avx512f", "avx512_bf16")
OLD_CPU = ("fpu", "sse4_2", "avx2", "fma")       # e.g. Colab's Haswell/Broadwell Xeons
CPUINFO = """processor\t: 0
vendor_id\t: GenuineIntel
flags\t\t: fpu vme avx2 avx512f avx512_bf16 amx_bf16 amx_tile
bugs\t\t: spectre_v1
"""


@pytest.mark.parametrize("flags, native", [(AMX_CPU, True), (AVX512_BF16_CPU, True),
                                           (OLD_CPU, False), ((), False),
                                           (("avx512f", "amx_int8"), False)])
def test_native_bf16_needs_amx_bf16_or_avx512_bf16(flags, native):
    from cnnlab.train.devices import native_bf16

    assert native_bf16(flags) is native


@pytest.mark.parametrize("flags, switch, expected", [
    (AMX_CPU, True, "mixed_bfloat16"), (AVX512_BF16_CPU, True, "mixed_bfloat16"),
    (OLD_CPU, True, "float32"),                   # no native bf16: float32 even if asked
    (AMX_CPU, False, "float32"),                  # the default: switch off
])
def test_cpu_auto_precision_follows_flags_and_switch(flags, switch, expected):
    plan = plan_devices(gpus=[], cpu_flags=flags, bf16_auto=switch)
    assert plan.precision == expected and plan.xla is False
    # explicit requests are not affected by the flags or the switch
    assert plan_devices(gpus=[], cpu_flags=flags, bf16_auto=switch,
                        mixed_precision=False).precision == "float32"
    assert plan_devices(gpus=[], cpu_flags=flags, bf16_auto=switch,
                        mixed_precision=True).precision == "mixed_bfloat16"
    # GPUs keep their own rule
    assert plan_devices(gpus=[T4], cpu_flags=flags,
                        bf16_auto=switch).precision == "mixed_float16"


def test_switch_is_read_from_the_environment(monkeypatch):
    from cnnlab.train.devices import BF16_SWITCH, bf16_switch_on

    assert bf16_switch_on({BF16_SWITCH: "1"}) and bf16_switch_on({BF16_SWITCH: "true"})
    assert not bf16_switch_on({}) and not bf16_switch_on({BF16_SWITCH: "0"})
    monkeypatch.setenv(BF16_SWITCH, "1")
    assert plan_devices(gpus=[], cpu_flags=AMX_CPU).precision == "mixed_bfloat16"
    monkeypatch.setenv(BF16_SWITCH, "0")
    assert plan_devices(gpus=[], cpu_flags=AMX_CPU).precision == "float32"


def test_cpu_flags_are_read_from_cpuinfo(tmp_path):
    from cnnlab.train.devices import native_bf16, read_cpu_flags

    info = tmp_path / "cpuinfo"
    info.write_text(CPUINFO)
    flags = read_cpu_flags(str(info))
    assert flags[:3] == ("fpu", "vme", "avx2") and "bugs" not in flags
    assert native_bf16(flags)
    assert read_cpu_flags(str(tmp_path / "missing")) == ()


def _two_block_model(keras):
    keras.utils.set_random_seed(0)
    inputs = keras.Input((8, 8, 1))
    h = keras.layers.Conv2D(4, 3, activation="relu")(inputs)
    h = keras.layers.BatchNormalization()(h)
    h = keras.layers.Flatten()(h)
    outputs = keras.layers.Dense(3, activation="softmax", name="out")(h)
    return keras.Model(inputs, outputs)


def test_mixed_precision_clone_keeps_weights_and_a_float32_output():
    keras = pytest.importorskip("keras")
    np = pytest.importorskip("numpy")
    from cnnlab.train.devices import mixed_precision_clone

    model = _two_block_model(keras)
    clone = mixed_precision_clone(model)
    assert clone is not model
    policies = {layer.name: layer.dtype_policy.name for layer in clone.layers[1:]}
    assert policies["out"] == "float32"
    assert {p for name, p in policies.items() if name != "out"} == {"mixed_bfloat16"}
    assert all(v.dtype == "float32" for v in clone.weights)          # variables stay float32
    for a, b in zip(model.get_weights(), clone.get_weights()):
        assert a.dtype == b.dtype and np.array_equal(a, b)
    # the clone really computes in bfloat16: close to float32 but not identical
    x = np.random.default_rng(0).random((16, 8, 8, 1), dtype=np.float32)
    p32 = keras.ops.convert_to_numpy(model(x))
    p16 = keras.ops.convert_to_numpy(clone(x))
    assert p16.dtype == np.float32
    assert 0 < np.abs(p32 - p16).max() < 0.05
    # the original is untouched
    assert {layer.dtype_policy.name for layer in model.layers} == {"float32"}
    with pytest.raises(ValueError, match="`policy` must be"):
        mixed_precision_clone(model, "float32")
