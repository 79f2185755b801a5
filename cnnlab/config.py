"""The one place where the run profile, seeds and device choice are read.

The profile comes from the environment variable ``CNNLAB_PROFILE``:
``"full"`` (default) for learners, ``"ci"`` for the test suite, which uses
fewer images and epochs but must still demonstrate every lesson's claims.

Examples
--------
>>> by_profile(full=20, ci=3, profile="ci")
3
"""
from __future__ import annotations

import os
import random

from cnnlab._validate import check_choice

__version__ = "0.1.0"
PROFILES = ("full", "ci")
REPOSITORY = "cnnlab/cnnlab"          # GitHub owner/name used by Colab badges
BRANCH = "main"


def profile() -> str:
    """Return the active profile, ``"full"`` or ``"ci"``.

    Examples
    --------
    >>> profile() in PROFILES
    True
    """
    value = os.environ.get("CNNLAB_PROFILE", "full").strip().lower() or "full"
    return check_choice("CNNLAB_PROFILE", value, PROFILES)


def by_profile(*, full, ci, profile: str | None = None):
    """Pick a value for the active profile.

    Parameters
    ----------
    full, ci : object
        The value for a learner's run and for the CI run.
    profile : {"full", "ci"}, optional
        Override the environment variable ``CNNLAB_PROFILE``.

    Examples
    --------
    >>> by_profile(full=5000, ci=500, profile="full")
    5000
    """
    active = globals()["profile"]() if profile is None else profile
    check_choice("profile", active, PROFILES)
    return ci if active == "ci" else full


def strict() -> bool:
    """Whether graded checks raise on a wrong answer (``CNNLAB_STRICT=1``)."""
    return os.environ.get("CNNLAB_STRICT", "0").strip().lower() in ("1", "true", "yes")


def seed(value: int = 0) -> int:
    """Seed Python, NumPy and (if already imported) Keras for a repeatable run.

    Keras is only seeded when it has been imported, so this stays instant in
    lessons that never train.

    Examples
    --------
    >>> seed(42)
    42
    """
    import sys

    import numpy as np

    random.seed(value)
    np.random.seed(value)
    if "keras" in sys.modules:
        import keras
        keras.utils.set_random_seed(value)
    return value
