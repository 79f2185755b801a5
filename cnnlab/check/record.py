"""The checker's own record of results, for ``python -m cnnlab.authoring.grade``.

Off unless the grader arms it. The grader starts each submission's kernel with
``CNNLAB_GRADE_SEAL`` naming a *seal file* (JSON: a per-submission random key,
the path of the record file and the lesson) and asks the kernel to run
:func:`arm` before the notebook's first cell. :func:`arm` reads the seal file,
deletes it and removes the variable from ``os.environ``, so by the time the
learner's code runs the key exists only inside this module's writer (as an
HMAC object, never as a plain value in ``os.environ``, a file or a module
global). It also loads the lesson's question bank and takes a snapshot of the
checker (see *What is checked*).

From then on every :func:`cnnlab.check` appends one line to the record file::

    {"n": 3, "qid": "01.2", "kind": "hint", "tampered": null, "mac": "<HMAC-SHA256>"}

``mac`` is an HMAC of the line's other fields with the key; the grader
(:func:`open_line`) ignores every line whose MAC does not verify, so lines
written by anything but this module's writer -- a cell that appends to the
record file, another submission's record -- count for nothing.

What is checked
---------------
Each time :func:`write` is called it makes sure that

- it was called by :func:`cnnlab.check.core.check` itself (its code and
  module), with a :class:`~cnnlab.check.result.Result` of the original class;
- nothing the checker relies on was replaced since :func:`arm`: the names in
  ``cnnlab.check`` and its modules ``core``, ``registry``, ``result``,
  ``helpers``, ``record``, the lesson's bank, their classes' attributes and
  functions' code and defaults, the lesson's ``Question`` objects in the
  registry, NumPy's and ``math``'s functions and Python's built-in functions.

A change is not refused: the line is written with ``tampered`` naming what
changed, and the grader does not count a pass recorded after it.

Limits: the learner's code runs in the same process as the checker. Code that
digs into this module's internals (the writer's closure, ``gc``, ``ctypes``,
``/proc/self/mem``) can reach the HMAC object and sign lines; an answer object
crafted to fool the bank's comparisons (an ``int`` subclass whose ``-`` always
gives 0) is judged by the bank as usual. This raises the bar from "print
passed" to "reverse-engineer the grader"; it is not a sandbox.

Examples
--------
>>> import hmac, hashlib
>>> mac = hmac.new(b"k" * 32, digestmod=hashlib.sha256)
>>> line = seal_line(mac, {"n": 1, "qid": "01.2", "kind": "passed", "tampered": None})
>>> open_line(b"k" * 32, line)["kind"]
'passed'
>>> open_line(b"x" * 32, line) is None          # another key: not a line of this run
True
"""
from __future__ import annotations

import builtins
import hashlib
import hmac
import json
import math
import os
import sys
import types

#: environment variable naming the seal file (set by the grader, removed by :func:`arm`)
ENV = "CNNLAB_GRADE_SEAL"

_WRITER = None          # set by arm(): writer(question, result) -> None
_MISSING = object()
#: built-ins a Jupyter kernel itself replaces while running cells (``input`` forwards
#: to the front end), so they are not watched
_KERNEL_BUILTINS = frozenset({"input", "breakpoint", "help", "exit", "quit"})


# ----------------------------------------------------------------------- line format
def _body_bytes(body: dict) -> bytes:
    return json.dumps(body, sort_keys=True, ensure_ascii=True).encode()


def seal_line(mac, body: dict) -> str:
    """One record line: ``body`` plus ``"mac"``, the HMAC of ``body`` (a JSON line)."""
    signer = mac.copy()
    signer.update(_body_bytes(body))
    return json.dumps({**body, "mac": signer.hexdigest()}, sort_keys=True) + "\n"


def open_line(key: bytes, line: str) -> dict | None:
    """The body of a record line if its MAC verifies with ``key``, else ``None``."""
    try:
        data = json.loads(line)
        given = data.pop("mac")
    except (ValueError, TypeError, KeyError, AttributeError):
        return None
    if not isinstance(data, dict) or not isinstance(given, str):
        return None
    expected = hmac.new(key, _body_bytes(data), hashlib.sha256).hexdigest()
    return data if hmac.compare_digest(expected, given) else None


# ----------------------------------------------------------------------- snapshot
def _entries(owner: dict, label: str, names=None) -> list:
    """(owner dict, name, value, label, attributes) for each name to watch."""
    out = []
    for name in (list(owner) if names is None else names):
        value = owner.get(name, _MISSING)
        if value is _MISSING:
            continue
        attrs = ()
        if isinstance(value, types.FunctionType):
            attrs = (("__code__", value.__code__), ("__defaults__", value.__defaults__),
                     ("__kwdefaults__", value.__kwdefaults__))
        out.append((owner, name, value, f"{label}.{name}", attrs))
    return out


def _snapshot(lesson: str) -> list:
    from cnnlab.check import helpers, registry, result
    from cnnlab.check.registry import REGISTRY, lesson_of, load_bank

    load_bank(lesson)
    package = sys.modules["cnnlab.check"]
    core = sys.modules[_CHECK.__module__]          # registered by watch(), not imported
    bank = sys.modules[f"cnnlab.check.banks.lesson{lesson}"]
    entries = []
    for module in (package, core, registry, result, helpers, sys.modules[__name__], bank):
        if module is None:
            continue
        names = [n for n in vars(module) if n != "_WRITER"]     # set by arm() itself
        for entry in _entries(vars(module), module.__name__, names):
            entries.append(entry)
            value = entry[2]
            if isinstance(value, type) and value.__module__ == module.__name__:
                entries += _entries(vars(value), entry[3])
                entries.append((vars(value), None, dict(vars(value)), entry[3], ()))
    for qid in [q for q in REGISTRY if lesson_of(q) == lesson]:
        question = REGISTRY[qid]
        entries += _entries(REGISTRY, "REGISTRY", [qid])
        entries += _entries(vars(question), f"REGISTRY[{qid!r}]")
    for module in [math] + [sys.modules[m] for m in ("numpy",) if m in sys.modules]:
        names = [n for n, v in vars(module).items() if callable(v) and not isinstance(v, type)]
        entries += _entries(vars(module), module.__name__, names)
    names = [n for n, v in vars(builtins).items() if n not in _KERNEL_BUILTINS
             and isinstance(v, (types.BuiltinFunctionType, type)) and not n.startswith("_")]
    entries += _entries(vars(builtins), "builtins", names)
    return entries


def _changed(entries: list) -> str | None:
    """The label of the first watched name that changed, or ``None``."""
    for owner, name, value, label, attrs in entries:
        if name is None:                       # a class's dict: nothing added or removed
            if owner.keys() != value.keys():
                return label
            continue
        if owner.get(name, _MISSING) is not value:
            return label
        for attr, original in attrs:
            if getattr(value, attr, _MISSING) is not original:
                return f"{label}.{attr}"
    return None


# ----------------------------------------------------------------------- arming
_CHECK = None


def watch(check) -> None:
    """Register the checker's ``check`` (called once by :mod:`cnnlab.check.core`).

    The record only accepts results written from that function's own code,
    and watches its module for changes; registering it here keeps this module
    from importing the checker that imports it.
    """
    global _CHECK
    if _CHECK is None:
        _CHECK = check


def arm() -> bool:
    """Start recording if the grader asked for it (``CNNLAB_GRADE_SEAL``); else do nothing.

    Returns
    -------
    bool
        Whether the record is on.

    Examples
    --------
    >>> arm()          # outside the grader: nothing to do
    False
    """
    global _WRITER
    path = os.environ.pop(ENV, None)
    if not path or _WRITER is not None:
        return _WRITER is not None
    with open(path, encoding="utf-8") as file:
        seal = json.load(file)
    os.unlink(path)
    mac = hmac.new(bytes.fromhex(seal["key"]), digestmod=hashlib.sha256)
    del seal["key"]
    _WRITER = _make_writer(mac, seal["record"], seal["lesson"])
    return True


def _make_writer(mac, record: str, lesson: str):
    from cnnlab.check.result import Result

    check_code, core_globals = _CHECK.__code__, _CHECK.__globals__
    entries = _snapshot(lesson)
    count = [0]

    def emit(body: dict) -> None:
        with open(record, "a", encoding="utf-8") as file:
            file.write(seal_line(mac, {"n": count[0], **body}))
        count[0] += 1

    def writer(caller, result) -> None:
        tampered = _changed(entries)
        if caller.f_code is not check_code or caller.f_globals is not core_globals:
            tampered = tampered or "called from outside cnnlab.check"
        if type(result) is not Result:
            tampered = tampered or "not a cnnlab Result"
        fields = object.__getattribute__(result, "__dict__")
        emit({"qid": str(fields.get("qid")), "kind": str(fields.get("kind")),
              "tampered": tampered})

    emit({"event": "armed", "lesson": lesson})
    return writer


def write(result) -> None:
    """Append ``result`` to the record (a no-op unless :func:`arm` turned it on).

    Called by :func:`cnnlab.check.core.check` after every check.

    Examples
    --------
    >>> from cnnlab.check.result import Result
    >>> write(Result("99.1", "Two plus two"))     # not armed: nothing happens
    """
    if _WRITER is not None:
        _WRITER(sys._getframe(1), result)


def armed() -> bool:
    """Whether this kernel's checks are being recorded for the grader."""
    return _WRITER is not None
