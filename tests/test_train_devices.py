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
