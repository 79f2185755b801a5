"""Running one question: ``check(qid, answer) -> Result``, safely.

The checker looks the question up in its lesson's bank, runs it on the
learner's answer and turns whatever happens into a :class:`Result`:

- the question returns -> *passed*;
- it raises :class:`~cnnlab.check.registry.NotYet` -> *not yet* with its hint;
- the answer is ``...`` (or contains or returns ``...``), or the learner's code
  raises ``NotImplementedError`` -> *not yet: not attempted*;
- the learner's code raises anything else -> *not yet* naming the exception,
  its message and the learner's line;
- the answer is the wrong kind of value -> *not yet* saying what was expected;
- the learner's code runs longer than the question's ``timeout`` -> *not yet*,
  "is there an endless loop?".

Nothing a learner writes can crash the kernel through a check. In strict mode
(``CNNLAB_STRICT=1``, used by the test suite and for autograding) a failed check
on an *attempted* answer raises :class:`CheckFailed`; unattempted answers only
report, so exercise notebooks still run to the end. :func:`check` shows an example.
"""
from __future__ import annotations

import functools
import inspect
import numbers
import reprlib
import signal
import threading

from cnnlab.check import progress as _progress
from cnnlab.check import record as _record
from cnnlab.check._frames import (_learner_frames, _raised_in_learner_code,  # noqa: F401
                                  _where)
from cnnlab.check.registry import REGISTRY, NotYet, Question, lesson_of
from cnnlab.check.result import Result


class CheckFailed(AssertionError):
    """Raised in strict mode when an attempted answer does not pass.

    ``.result`` holds the :class:`~cnnlab.check.result.Result`.
    """

    def __init__(self, result: Result):
        super().__init__(result.text())
        self.result = result


class _TimeLimit(BaseException):
    """Raised inside learner code when the question's time is up."""


class _Unattempted(BaseException):
    """Raised when a learner function returns ``...`` (its stub)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


_ELLIPSIS_HINT = "Replace the `...` with your answer, then run the cell again."
_SHORT = reprlib.Repr()
_SHORT.maxstring = _SHORT.maxother = 60
_SHORT.maxlist = _SHORT.maxtuple = 6

_KIND_WORDS = {
    "function": "a function",
    "number": "a number",
    "array": "an array of numbers",
    "model": "a Keras model or a function that builds one",
}


# --------------------------------------------------------------------------- lookup
def find_question(qid: str) -> Question:
    """Return the registered question ``qid``, importing its lesson's bank.

    Raises
    ------
    ValueError
        If ``qid`` is malformed, the lesson has no bank, or the bank has no
        such question (the message lists the lesson's question ids).

    Examples
    --------
    >>> from cnnlab.check.registry import question
    >>> @question("99.3", "Three")
    ... def _(answer):
    ...     pass
    >>> find_question("99.3").title
    'Three'
    """
    lesson = lesson_of(qid)
    if qid in REGISTRY:
        return REGISTRY[qid]
    known = _progress._lesson_questions(lesson)     # loads the bank
    if qid in known:
        return known[qid]
    raise ValueError(f"`qid` must be one of lesson {lesson}'s questions: "
                     f"{', '.join(known) or 'none'}. Received: qid={qid!r}.")


# --------------------------------------------------------------------------- answers
def contains_ellipsis(obj, _depth: int = 0) -> bool:
    """Whether ``obj`` is ``...`` or holds it (in tuples, lists, dicts, sets).

    Examples
    --------
    >>> contains_ellipsis((3, ...)), contains_ellipsis([1, 2])
    (True, False)
    """
    if obj is Ellipsis:
        return True
    if _depth > 3:
        return False
    if isinstance(obj, dict):
        return any(contains_ellipsis(v, _depth + 1) for v in list(obj.values())[:1000])
    if isinstance(obj, (tuple, list, set, frozenset)):
        return any(contains_ellipsis(v, _depth + 1) for v in list(obj)[:1000])
    if type(obj).__module__ == "numpy" and getattr(getattr(obj, "dtype", None), "kind", "") == "O":
        return any(v is Ellipsis for v in obj.ravel()[:1000])
    return False


def _guard_function(func):
    """Wrap a learner function so that returning ``...`` means "not attempted"."""
    @functools.wraps(func)
    def guarded(*args, **kwargs):
        value = func(*args, **kwargs)
        if contains_ellipsis(value):
            name = getattr(func, "__name__", "your function")
            raise _Unattempted(f"`{name}` still returns `...`: write its body, then run "
                               "the cell again.")
        return value
    return guarded


def _kind_matches(answer, expects) -> bool:
    if expects is None:
        return True
    if expects == "function":
        return callable(answer) and not isinstance(answer, type)
    if expects == "number":
        return (isinstance(answer, numbers.Number) and not isinstance(answer, bool)) or \
            (type(answer).__module__ == "numpy" and getattr(answer, "shape", None) == ())
    if expects == "array":
        return hasattr(answer, "__array__") or isinstance(answer, (list, tuple))
    if expects == "model":
        return callable(answer)
    return isinstance(answer, expects)


def _describe_kind(expects) -> str:
    if isinstance(expects, str):
        return _KIND_WORDS[expects]
    types = expects if isinstance(expects, tuple) else (expects,)
    return " or ".join(f"a {t.__name__}" for t in types)


# --------------------------------------------------------------------------- timing
def call_with_time_limit(func, seconds: float):
    """Call ``func()``; raise ``TimeoutError`` if it runs longer than ``seconds``.

    On POSIX in the main thread (where Jupyter kernels run cells) a ``SIGALRM``
    timer interrupts the code, so an endless loop really stops. Elsewhere the
    call runs in a daemon thread that is abandoned when the time is up.

    Examples
    --------
    >>> call_with_time_limit(lambda: 6 * 7, 1.0)
    42
    >>> def spin():
    ...     while True:
    ...         pass
    >>> call_with_time_limit(spin, 0.2)
    Traceback (most recent call last):
    ...
    TimeoutError: took longer than 0.2 s
    """
    try:
        return _call_limited(func, seconds)
    except _TimeLimit:
        raise TimeoutError(f"took longer than {seconds:g} s") from None


def _alarm_is_free() -> bool:
    return (hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
            and signal.getitimer(signal.ITIMER_REAL)[0] == 0)


def _call_limited(func, seconds: float):
    if _alarm_is_free():
        return _call_with_alarm(func, seconds)
    return _call_in_thread(func, seconds)


def _call_with_alarm(func, seconds: float):
    def on_alarm(signum, frame):
        raise _TimeLimit()

    previous = signal.signal(signal.SIGALRM, on_alarm)
    # keep firing every 0.5 s in case the learner's code swallows the first one
    signal.setitimer(signal.ITIMER_REAL, seconds, 0.5)
    try:
        return func()
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous if previous is not None else signal.SIG_DFL)


def _call_in_thread(func, seconds: float):
    box = {}

    def target():
        try:
            box["value"] = func()
        except BaseException as err:   # noqa: BLE001 - handed back to the caller
            box["error"] = err

    worker = threading.Thread(target=target, name="cnnlab-check", daemon=True)
    worker.start()
    worker.join(seconds)
    if worker.is_alive():
        raise _TimeLimit()
    if "error" in box:
        raise box["error"]
    return box.get("value")


# --------------------------------------------------------------------------- check
def run(question: Question, answer) -> Result:
    """Run ``question`` on ``answer`` and return the :class:`Result` (never raises
    for anything the learner's code does; see the module docstring)."""
    qid, title = question.qid, question.title
    if answer is Ellipsis or contains_ellipsis(answer):
        return Result(qid, title, "unattempted", _ELLIPSIS_HINT)
    if not _kind_matches(answer, question.expects):
        return Result(qid, title, "type", f"Expected {_describe_kind(question.expects)}; "
                      f"got {type(answer).__name__} {_SHORT.repr(answer)}.")
    given = _guard_function(answer) if inspect.isfunction(answer) or inspect.ismethod(answer) \
        else answer
    bank_files = frozenset({question.func.__code__.co_filename}) \
        if hasattr(question.func, "__code__") else frozenset()
    if question.expects == "model":
        import keras  # noqa: F401 - a first import must not eat into (or be cut by) the time limit
    try:
        message = _call_limited(lambda: question.func(given), question.timeout)
    except NotYet as hint:
        return Result(qid, title, "hint", str(hint) or "Not right yet: try again.")
    except _Unattempted as stub:
        return Result(qid, title, "unattempted", stub.message)
    except _TimeLimit:
        return Result(qid, title, "timeout", f"Your code took longer than "
                      f"{question.timeout:g} s — is there an endless loop?")
    except (Exception, SystemExit) as err:       # noqa: BLE001 - learner code
        return _from_exception(question, answer, err, bank_files)
    return Result(qid, title, "passed", message if isinstance(message, str) else "")


def _from_exception(question: Question, answer, err: BaseException,
                    bank_files: frozenset) -> Result:
    qid, title = question.qid, question.title
    tb = err.__traceback__
    text = str(err).strip().splitlines()[0] if str(err).strip() else ""
    if len(text) > 300:
        text = text[:297] + "..."
    if isinstance(err, NotImplementedError) and _raised_in_learner_code(tb, bank_files):
        todo = text or "write the missing code (replace `raise NotImplementedError`)"
        return Result(qid, title, "unattempted", todo)
    name = type(err).__name__
    said = f"{name}: {text}" if text else name
    frames = _learner_frames(tb, bank_files)
    if frames:
        return Result(qid, title, "error", f"Your code raised {said} — at {_where(frames[-1])}.")
    if isinstance(err, (TypeError, AttributeError, ValueError, IndexError, KeyError)):
        return Result(qid, title, "type", f"Could not check an answer of type "
                      f"{type(answer).__name__} ({said}). Is it the kind of value the "
                      "question asks for?")
    return Result(qid, title, "error", f"The check itself failed with {said}; please "
                  "report this to the course authors.")


def check(qid: str, answer) -> Result:
    """Check ``answer`` for question ``qid`` and show the result.

    Parameters
    ----------
    qid : str
        The question id, ``"NN.k"`` (lesson ``NN``, question ``k``).
    answer : object
        Whatever the question asks for: a number, an array, a function, a model.
        ``...`` (or a stub raising ``NotImplementedError``) counts as not attempted.

    Returns
    -------
    Result
        Shows as a green "passed" or amber "not yet" box in a notebook.

    Raises
    ------
    ValueError
        If there is no question ``qid`` (the message lists the lesson's ids).
    CheckFailed
        In strict mode (``CNNLAB_STRICT=1``) when an attempted answer fails.

    Examples
    --------
    >>> from cnnlab.check.registry import NotYet, question
    >>> @question("99.2", "Twice")
    ... def _(double):
    ...     if double(21) != 42:
    ...         raise NotYet("double(21) should be 42.")
    >>> check("99.2", lambda x: 2 * x)
    ✓ 99.2 passed — Twice
    >>> check("99.2", ...)
    ✗ 99.2 not yet: not attempted — Replace the `...` with your answer, then run the cell again.
    """
    from cnnlab.config import strict

    question = find_question(qid)
    result = run(question, answer)
    _progress.record(result)
    _record.write(result)          # the grader's sealed record; a no-op otherwise
    if strict() and result.attempted and not result.passed:
        raise CheckFailed(result)
    return result


_record.watch(check)
