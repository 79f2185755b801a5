"""``summed``: a cost's total as the sum of one field over its parts (branches, stages)."""
from __future__ import annotations


def summed(parts: str, field: str, doc: str) -> property:
    """A read-only property: the sum of ``field`` over the sequence attribute ``parts``.

    Examples
    --------
    >>> class Bag:
    ...     items = (1, 2.5)
    ...     total = summed("items", "real", "Sum of the items.")
    >>> Bag().total
    3.5
    """
    return property(lambda self: sum(getattr(p, field) for p in getattr(self, parts)), doc=doc)
