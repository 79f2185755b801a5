"""The checker: results, unattempted answers, learner errors, time limits, strict mode.

Learner code is compiled under an ipykernel-like cell filename (as Jupyter
does), so the checker sees it exactly as it sees a notebook cell; the questions
are registered here under lesson 97, which has no bank.
"""
import itertools
import linecache
import signal
import threading
import types

import numpy as np
import pytest

import cnnlab
from cnnlab.check import CheckFailed, NotYet, Result, question
from cnnlab.check import core
from cnnlab.check.helpers import expect_function, expect_model, expect_number, expect_true

_cells = itertools.count(1)


def cell(source: str) -> dict:
    """Run ``source`` as a notebook cell would; return its namespace."""
    filename = f"/tmp/ipykernel_4242/{next(_cells)}.py"
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    namespace = {"np": np}
    exec(compile(source, filename, "exec"), namespace)
    return namespace


@question("97.1", "Output size of a 'valid' convolution", expects="function")
def _conv_out(conv_out):
    got = conv_out(28, 3, 1)
    if got == 28:
        raise NotYet("28 is the 'same'-padding size; the question asks for 'valid'.")
    expect_number(got, 26, name="conv_out(28, 3, 1)")


@question("97.2", "Parameters of a 3x3 Conv2D, 16 -> 32 channels")
def _params(params):
    expect_number(params, (3 * 3 * 16 + 1) * 32,
                  hints={3 * 3 * 16 * 32: "Each of the 32 filters also has a bias."})


@question("97.3", "Spin", timeout=0.5)
def _spin(func):
    func()


@question("97.4", "Call it")
def _call(func):       # no `expects`: a non-callable answer fails inside the bank
    return func(1)


@question("97.5", "ReLU in NumPy")
def _relu(relu):
    x = np.linspace(-2, 2, 9).reshape(3, 3)
    expect_function(relu, lambda a: np.maximum(a, 0), [x, x[None]],
                    hints=[(np.abs, "That is |x|: negative inputs must give 0.")])


@question("97.6", "A small classifier", expects="model", timeout=60)
def _classifier(build):
    expect_model(build, (8, 8, 1), (10,), params=1490)


@pytest.fixture
def lenient(monkeypatch):
    monkeypatch.setenv("CNNLAB_STRICT", "0")


@pytest.fixture(autouse=True)
def fresh_progress():
    cnnlab.check.progress.reset()
    yield
    cnnlab.check.progress.reset()


GOOD = "def conv_out(size, kernel, stride):\n    return (size - kernel) // stride + 1\n"


# ------------------------------------------------------------------ passed / not yet
def test_right_answer_passes_and_renders():
    result = cnnlab.check("97.1", cell(GOOD)["conv_out"])
    assert isinstance(result, Result) and result.passed and bool(result)
    assert str(result) == "✓ 97.1 passed — Output size of a 'valid' convolution"
    assert repr(result) == str(result)
    page = result._repr_html_()
    assert "97.1 passed" in page and "#2e7d32" in page       # green box


def test_wrong_answer_gets_the_questions_hint(lenient):
    same = cell("def conv_out(size, kernel, stride):\n    return size\n")["conv_out"]
    result = cnnlab.check("97.1", same)
    assert not result and result.kind == "hint" and result.attempted
    assert str(result) == ("✗ 97.1 not yet — 28 is the 'same'-padding size; "
                           "the question asks for 'valid'.")
    assert "97.1 not yet" in result._repr_html_() and "#b26a00" in result._repr_html_()
    assert cnnlab.check("97.2", 3 * 3 * 16 * 32).message == "Each of the 32 filters also has a bias."


def test_html_escapes_learner_text(lenient):
    result = cnnlab.check("97.4", cell("def f(x):\n    raise ValueError('<b>x</b>')\n")["f"])
    assert "<b>x</b>" in str(result) and "&lt;b&gt;x&lt;/b&gt;" in result._repr_html_()


# ------------------------------------------------------------------ unattempted
@pytest.mark.parametrize("answer", [..., (26, ...), [1, [2, ...]], {"h": ...}])
def test_ellipsis_is_not_attempted_even_in_strict_mode(answer):
    result = cnnlab.check("97.2", answer)
    assert result.kind == "unattempted" and not result.attempted
    assert str(result).startswith("✗ 97.2 not yet: not attempted — Replace the `...`")


def test_stub_raising_not_implemented_is_not_attempted():
    stub = cell('def conv_out(size, kernel, stride):\n'
                '    raise NotImplementedError("Write the body of `conv_out`.")\n')
    result = cnnlab.check("97.1", stub["conv_out"])
    assert str(result) == "✗ 97.1 not yet: not attempted — Write the body of `conv_out`."


def test_function_returning_ellipsis_is_not_attempted():
    result = cnnlab.check("97.1", cell("def conv_out(size, kernel, stride):\n    return ...\n")["conv_out"])
    assert result.kind == "unattempted" and "`conv_out` still returns `...`" in result.message


def test_not_implemented_from_library_code_is_an_error(lenient):
    # raised by a library the learner called, not by a stub: that is feedback, not "unattempted"
    f = cell("import numbers\ndef f(x):\n    return numbers.Complex.real.fget(x)\n")["f"]
    result = cnnlab.check("97.4", f)
    assert result.kind == "error" and result.attempted
    assert result.message == ("Your code raised NotImplementedError — at line 3, in `f`: "
                              "`return numbers.Complex.real.fget(x)`.")


# ------------------------------------------------------------------ learner exceptions
def test_learner_exception_names_type_message_and_line(lenient):
    ns = cell("def conv_out(size, kernel, stride):\n"
              "    pad = 0\n"
              "    return (size - kernel) // (stride * pad) + 1\n")
    result = cnnlab.check("97.1", ns["conv_out"])
    assert result.kind == "error"
    assert "ZeroDivisionError: integer division or modulo by zero" in result.message
    assert "line 3, in `conv_out`: `return (size - kernel) // (stride * pad) + 1`" in result.message


def test_learner_exception_in_a_helper_points_at_the_innermost_learner_line(lenient):
    ns = cell("def helper(a):\n    return a['missing']\n\ndef f(x):\n    return helper({})\n")
    result = cnnlab.check("97.4", ns["f"])
    assert "KeyError: 'missing'" in result.message and "in `helper`" in result.message


def test_system_exit_in_learner_code_does_not_stop_the_kernel(lenient):
    result = cnnlab.check("97.4", cell("import sys\ndef f(x):\n    sys.exit(3)\n")["f"])
    assert result.kind == "error" and "SystemExit: 3" in result.message


def test_learner_exception_inside_expect_function_reaches_the_checker(lenient):
    ns = cell("def relu(x):\n    return np.maximum(x, 0, axis=1)\n")
    result = cnnlab.check("97.5", ns["relu"])
    assert result.kind == "error" and "TypeError" in result.message
    assert "`return np.maximum(x, 0, axis=1)`" in result.message


# ------------------------------------------------------------------ wrong types
def test_wrong_kind_of_answer_with_expects(lenient):
    result = cnnlab.check("97.1", 26)
    assert result.kind == "type" and result.message == "Expected a function; got int 26."


def test_wrong_kind_of_answer_without_expects(lenient):
    result = cnnlab.check("97.4", 26)
    assert result.kind == "type"
    assert result.message.startswith("Could not check an answer of type int (TypeError: "
                                     "'int' object is not callable)")


def test_wrong_kind_inside_a_helper_is_a_hint(lenient):
    assert cnnlab.check("97.2", "288").message == "`answer` should be a number; got str '288'."


# ------------------------------------------------------------------ time limits
SPIN = ("def spin():\n"
        "    n = 0\n"
        "    while not stop.is_set():\n"
        "        n += 1\n")


def _spinner():
    stop = threading.Event()
    ns = cell("import threading\nstop = None\n" + SPIN)
    ns["stop"] = stop
    return ns["spin"], stop


def test_endless_loop_is_stopped_by_the_alarm_in_the_main_thread(lenient):
    assert threading.current_thread() is threading.main_thread()
    spin, stop = _spinner()
    before = signal.getsignal(signal.SIGALRM)
    threads = threading.active_count()
    try:
        result = cnnlab.check("97.3", spin)
        assert threading.active_count() == threads     # interrupted, not left running
    finally:
        stop.set()
    assert result.kind == "timeout"
    assert result.message == "Your code took longer than 0.5 s — is there an endless loop?"
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
    assert signal.getsignal(signal.SIGALRM) is before


def test_learner_code_that_swallows_the_alarm_is_still_stopped(lenient):
    ns = cell("def stubborn():\n"
              "    while True:\n"
              "        try:\n"
              "            while True:\n"
              "                pass\n"
              "        except BaseException:\n"
              "            break\n"
              "    while True:\n"
              "        pass\n")
    assert cnnlab.check("97.3", ns["stubborn"]).kind == "timeout"


def test_endless_loop_outside_the_main_thread_uses_a_daemon_thread(lenient):
    spin, stop = _spinner()
    box = {}
    worker = threading.Thread(target=lambda: box.setdefault("r", cnnlab.check("97.3", spin)))
    worker.start()
    worker.join(30)
    stop.set()                                          # end the abandoned learner thread
    assert box["r"].kind == "timeout" and "endless loop" in box["r"].message


def test_thread_fallback_when_the_alarm_is_taken(lenient, monkeypatch):
    monkeypatch.setattr(core, "_alarm_is_free", lambda: False)
    spin, stop = _spinner()
    try:
        assert cnnlab.check("97.3", spin).kind == "timeout"
    finally:
        stop.set()
    ns = cell("def f(x):\n    return 1 / 0\n")
    result = cnnlab.check("97.4", ns["f"])               # exceptions cross the thread intact
    assert result.kind == "error" and "line 2, in `f`: `return 1 / 0`" in result.message


def test_strict_mode_raises_on_timeout():
    spin, stop = _spinner()
    try:
        with pytest.raises(CheckFailed, match="endless loop"):
            cnnlab.check("97.3", spin)
    finally:
        stop.set()


# ------------------------------------------------------------------ strict mode
def test_strict_mode_raises_with_the_hint(monkeypatch):
    monkeypatch.setenv("CNNLAB_STRICT", "1")
    with pytest.raises(CheckFailed) as info:
        cnnlab.check("97.2", 3 * 3 * 16 * 32)
    assert isinstance(info.value, AssertionError)
    assert str(info.value) == "✗ 97.2 not yet — Each of the 32 filters also has a bias."
    assert info.value.result.kind == "hint"
    assert cnnlab.check("97.2", 4640).passed              # right answers still pass
    assert cnnlab.check("97.2", ...).kind == "unattempted"  # and stubs only report


def test_lenient_mode_never_raises(lenient):
    assert cnnlab.check("97.2", 1).status == "not yet"


# ------------------------------------------------------------------ lookup errors
def test_unknown_question_lists_the_lessons_ids():
    with pytest.raises(ValueError, match=r"`qid` must be one of lesson 97's questions: "
                                         r"97\.1, 97\.2, 97\.3, 97\.4, 97\.5, 97\.6.*qid='97\.99'"):
        cnnlab.check("97.99", 1)


def test_malformed_id_and_missing_bank():
    with pytest.raises(ValueError, match="must look like 'NN.k'"):
        cnnlab.check("3.2", 1)
    with pytest.raises(ValueError, match="There is no question bank for lesson '96'"):
        cnnlab.check("96.1", 1)


# ------------------------------------------------------------------ progress
def test_progress_counts_attempts_and_status(lenient):
    conv_out = cell(GOOD)["conv_out"]
    cnnlab.check("97.1", ...)                          # not an attempt
    cnnlab.check("97.1", cell("def conv_out(s, k, st):\n    return s\n")["conv_out"])
    cnnlab.check("97.1", conv_out)
    cnnlab.check("97.2", 1)
    table = cnnlab.check.progress("97")
    rows = {row["qid"]: (row["status"], row["attempts"]) for row in table.rows}
    assert rows == {"97.1": ("passed", 2), "97.2": ("tried", 1), "97.3": ("new", 0),
                    "97.4": ("new", 0), "97.5": ("new", 0), "97.6": ("new", 0)}
    assert table.done == 1 and "1 of 6 done" in str(table)
    page = table._repr_html_()
    assert page.startswith("<table") and page.count("<tr>") == 7 and "✓" in page and "–" in page
    assert cnnlab.check.progress(97).rows == table.rows


def test_progress_without_argument_shows_lessons_seen_this_session():
    assert str(cnnlab.check.progress()) == "No questions checked yet in this session."
    cnnlab.check("97.2", 4640)
    assert {row["qid"][:2] for row in cnnlab.check.progress().rows} == {"97"}
    with pytest.raises(ValueError, match="`lesson` must be a two-digit lesson id"):
        cnnlab.check.progress("3.1")


# ------------------------------------------------------------------ the callable module
def test_module_is_callable_and_still_a_module():
    import cnnlab.check.progress as progress_module

    assert isinstance(cnnlab.check, types.ModuleType) and callable(cnnlab.check)
    assert isinstance(progress_module, types.ModuleType) and callable(progress_module)
    assert progress_module is cnnlab.check.progress
    assert cnnlab.check("97.2", 4640).passed
    assert cnnlab.check.check is core.check


# ------------------------------------------------------------------ helpers
def test_expect_function_hints(lenient):
    assert cnnlab.check("97.5", cell("def relu(x):\n    return np.where(x > 0, x, 0.0)\n")["relu"])
    assert cnnlab.check("97.5", np.abs).message == "That is |x|: negative inputs must give 0."
    none = cnnlab.check("97.5", cell("def relu(x):\n    y = np.maximum(x, 0)\n")["relu"])
    assert none.message == "relu(an array of shape (3, 3)): the result is None — is a `return` missing?"
    off = cnnlab.check("97.5", cell("def relu(x):\n    return np.maximum(x, 0.5)\n")["relu"])
    assert off.message == ("relu(an array of shape (3, 3)): the result differs from the "
                           "expected values; the largest difference is at index (0, 0) "
                           "(got 0.5, expected 0).")


def test_expect_function_compares_tuples_item_by_item():
    def ref(x):
        return x.sum(), x * 2

    expect_function(lambda x: (x.sum(), x + x), ref, [np.ones((2, 2))])
    with pytest.raises(NotYet, match=r"item 1 of the result has shape \(4,\); expected \(2, 2\)"):
        expect_function(lambda x: (x.sum(), np.ones(4)), ref, [np.ones((2, 2))])
    with pytest.raises(NotYet, match="the result has 1 items; expected 2"):
        expect_function(lambda x: (x.sum(),), ref, [np.ones((2, 2))])


def test_expect_function_uses_fresh_copies():
    def in_place(x):
        x[...] = 0
        return x

    x = np.arange(4.0)
    expect_function(lambda a: a * 0, in_place, [(x,)])
    assert np.array_equal(x, np.arange(4.0))


def test_expect_true():
    expect_true(np.float32(0.1) < 0.3, "no")
    with pytest.raises(NotYet, match="^Train longer.$"):
        expect_true(False, "Train longer.")


def _conv_model(use_bias=True, flatten=True):
    import keras

    layers = [keras.Input((8, 8, 1)), keras.layers.Conv2D(4, 3, use_bias=use_bias)]
    if flatten:
        layers.append(keras.layers.Flatten())
    layers.append(keras.layers.Dense(10))
    return keras.Sequential(layers)


def test_expect_model_against_keras_counts():
    model = _conv_model()
    # Conv2D (3*3*1 + 1)*4 = 40; Dense (6*6*4 + 1)*10 = 1450, as Keras counts them
    assert model.count_params() == 40 + 1450
    assert expect_model(_conv_model, (8, 8, 1), (10,), params=1490) is not None
    assert expect_model(model, (8, 8, 1), (10,), params=1490, trainable_params=1490) is model


def test_expect_model_bias_hints():
    with pytest.raises(NotYet, match=r"has 1,486 parameters; expected 1,490 \(-4\)\. That is "
                                     r"exactly the 4 biases of the layers built with use_bias=False"):
        expect_model(lambda: _conv_model(use_bias=False), (8, 8, 1), (10,), params=1490)
    with pytest.raises(NotYet, match=r"That is exactly its 14 biases: should the layers use "
                                     "use_bias=False"):
        expect_model(_conv_model, (8, 8, 1), (10,), params=1476)
    with pytest.raises(NotYet, match="That is exactly the bias of layer"):
        expect_model(_conv_model, (8, 8, 1), (10,), params=1486)
    with pytest.raises(NotYet, match="^Forgot the bias.$"):
        expect_model(_conv_model, (8, 8, 1), (10,), params=1476, hints={1490: "Forgot the bias."})


def test_expect_model_shape_and_type_hints():
    import keras

    with pytest.raises(NotYet, match=r"output shape is \(None, 6, 6, 10\); expected \(None, 10\)\. "
                                     "Is a Flatten or GlobalAveragePooling2D layer missing"):
        expect_model(lambda: _conv_model(flatten=False), (8, 8, 1), (10,))
    with pytest.raises(NotYet, match=r"does not accept a batch of inputs of shape \(None, 9, 9, 3\)"):
        expect_model(_conv_model, (9, 9, 3), (10,))
    with pytest.raises(NotYet, match=r"`<lambda>` returned None — is `return model` missing\?"):
        expect_model(lambda: None, (8, 8, 1), (10,))
    with pytest.raises(NotYet, match="is a layer, not a model"):
        expect_model(keras.layers.Dense(3), (4,), (3,))


def test_model_question_through_the_checker(lenient):
    ns = cell("import keras\n"
              "def build():\n"
              "    return keras.Sequential([keras.Input((8, 8, 1)), keras.layers.Conv2D(4, 3),\n"
              "                             keras.layers.Flatten(), keras.layers.Dense(10)])\n"
              "def broken():\n"
              "    return keras.Sequential([keras.layers.Conv2D(4, 3, strides=0)])\n")
    assert cnnlab.check("97.6", ns["build"]).passed
    result = cnnlab.check("97.6", ns["broken"])
    assert result.kind == "error" and "ValueError" in result.message
    assert "line 6, in `broken`" in result.message
    assert cnnlab.check("97.6", 3).message.startswith("Expected a Keras model or a function")
