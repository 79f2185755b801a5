"""Run one notebook in a fresh kernel and read what the checker recorded.

:func:`run_sealed` is the engine of :mod:`cnnlab.authoring.grade`. For each
notebook it

1. makes two private temporary folders: one holds the *seal file* (a fresh
   random key, the record file's path, the lesson) and the record file, the
   other a copy of the notebook, the kernel's working folder;
2. starts a ``python3`` kernel with ``CNNLAB_GRADE_SEAL`` naming the seal file,
   ``CNNLAB_PROFILE=ci``, ``CNNLAB_OFFLINE=1``, ``MPLBACKEND=Agg`` and without
   ``CNNLAB_STRICT`` (so a wrong answer does not stop the run), and asks the
   kernel to run :func:`cnnlab.check.record.arm` before the first cell (IPython's
   ``exec_lines``): the kernel reads and deletes the seal file, and every
   ``cnnlab.check`` from then on appends an HMAC-sealed line to the record;
3. runs the cells one by one (a cell that raises does not stop the run) until
   the notebook's time limit, then kills the kernel;
4. keeps the record lines whose seal verifies, and deletes both folders.

See :mod:`cnnlab.check.record` for what the seal proves and its limits.
"""
from __future__ import annotations

import asyncio
import json
import os
import secrets
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from cnnlab.check.record import ENV, open_line

#: what the kernel runs before the notebook's first cell
ARM_LINE = "import cnnlab.check.record as _cnnlab_record; _cnnlab_record.arm(); del _cnnlab_record"


@dataclass
class RunReport:
    """What happened when one notebook ran.

    Attributes
    ----------
    records : list of dict
        The verified record lines after the "armed" line: ``qid``, ``kind``,
        ``tampered`` (``None`` or what the notebook changed in the checker).
    armed : bool
        Whether the kernel opened the record (its first line verified).
    forged : int
        Lines of the record file whose seal did not verify.
    gaps : bool
        Whether verified lines are missing from the sequence (file edited).
    cells_done : int
        Cells run to their end (1-based count of the notebook's cells).
    n_cells : int
    problem : str
        Why the run stopped early ("" when it ran to the end).
    errors : list of str
        "cell 6 raised SystemExit", one per cell that raised.
    seconds : float
    """

    records: list = field(default_factory=list)
    armed: bool = False
    forged: int = 0
    gaps: bool = False
    cells_done: int = 0
    n_cells: int = 0
    problem: str = ""
    errors: list = field(default_factory=list)
    seconds: float = 0.0


def kernel_env(seal: str) -> dict:
    """The kernel's environment: this process's, set up for grading.

    The kernel imports the same ``cnnlab`` as the grader (its folder goes first
    on ``PYTHONPATH``).
    """
    import cnnlab

    env = {k: v for k, v in os.environ.items()
           if k not in ("CNNLAB_STRICT", ENV) and not k.startswith("JPY_")}
    root = str(Path(cnnlab.__file__).resolve().parents[1])
    if "site-packages" not in root:
        env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH")) if p)
    env.update({ENV: seal, "CNNLAB_PROFILE": "ci", "CNNLAB_OFFLINE": "1",
                "MPLBACKEND": "Agg", "TF_CPP_MIN_LOG_LEVEL": "3",
                "PYDEVD_DISABLE_FILE_VALIDATION": "1"})
    return env


def read_record(path: Path, key: bytes) -> RunReport:
    """Verify the record file's lines with ``key`` (a report with only records filled in)."""
    report = RunReport()
    try:
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return report
    numbers = []
    for line in lines:
        if not line.strip():
            continue
        body = open_line(key, line)
        if body is None:
            report.forged += 1
            continue
        numbers.append(body.get("n"))
        if body.get("event") == "armed":
            report.armed = True
        elif "qid" in body:
            report.records.append(body)
    report.gaps = numbers != list(range(len(numbers)))
    return report


def _cell_error(cell) -> str | None:
    for output in cell.get("outputs", []):
        if output.get("output_type") == "error":
            value = str(output.get("evalue", "")).strip().splitlines()
            text = f"{output.get('ename', 'an error')}"
            return f"{text}: {value[0][:80]}" if value else text
    return None


async def run_sealed(nb, lesson: str, timeout: float, *, kernel_name: str = "python3",
                     name: str = "submission.ipynb") -> RunReport:
    """Execute ``nb`` (a NotebookNode, changed in place) with its checks recorded.

    Parameters
    ----------
    nb : nbformat.NotebookNode
    lesson : str
        The lesson whose bank the record watches (``"03"``).
    timeout : float
        Seconds for the whole notebook, kernel start included; then the kernel
        is killed.
    kernel_name : str, optional
    name : str, optional
        File name of the temporary copy.

    Returns
    -------
    RunReport
    """
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellTimeoutError, DeadKernelError

    start = time.monotonic()
    private = Path(tempfile.mkdtemp(prefix="cnnlab-grade-"))
    work = Path(tempfile.mkdtemp(prefix="cnnlab-submission-"))
    key = secrets.token_bytes(32)
    record = private / "record.jsonl"
    seal = private / "seal.json"
    fd = os.open(seal, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as file:
        json.dump({"key": key.hex(), "record": str(record), "lesson": lesson}, file)
    nbformat.write(nb, str(work / (Path(name).name or "submission.ipynb")))

    client = NotebookClient(nb, kernel_name=kernel_name, timeout=max(1, int(timeout)),
                            allow_errors=True, shutdown_kernel="immediate",
                            startup_timeout=max(1, int(timeout)),
                            extra_arguments=[f"--IPKernelApp.exec_lines={ARM_LINE}"],
                            resources={"metadata": {"path": str(work)}})
    done, problem, errors = 0, "", []
    cells = nb.cells
    try:
        async with client.async_setup_kernel(env=kernel_env(str(seal))):
            for index, cell in enumerate(cells):
                if cell.cell_type == "code":
                    remaining = timeout - (time.monotonic() - start)
                    if remaining < 1:
                        raise CellTimeoutError("out of time")
                    client.timeout = max(1, int(remaining))
                    await client.async_execute_cell(
                        cell, index, execution_count=client.code_cells_executed + 1)
                    error = _cell_error(cell)
                    if error:
                        errors.append(f"cell {index + 1} raised {error}")
                done = index + 1
    except CellTimeoutError:
        problem = (f"timed out after {timeout:g} s in cell {done + 1} of {len(cells)}; "
                   f"graded up to cell {done}")
    except DeadKernelError:
        problem = (f"the kernel died in cell {done + 1} of {len(cells)} (os._exit, exit() "
                   f"or a crash); graded up to cell {done}")
    except (RuntimeError, OSError, asyncio.TimeoutError) as err:
        problem = f"could not run the notebook: {type(err).__name__}: {err}"[:300]
    finally:
        report = read_record(record, key)
        shutil.rmtree(private, ignore_errors=True)
        shutil.rmtree(work, ignore_errors=True)
    report.cells_done, report.n_cells = done, len(cells)
    report.problem, report.errors = problem, errors
    report.seconds = time.monotonic() - start
    return report
