"""Small statistics shared by evaluation, benchmarks and review reports."""

from __future__ import annotations

import math


def percentile(values: list[float], share: float) -> float | None:
    """The nearest-rank percentile: the value at rank ceil(share * n) of the sorted values (None if empty)."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(share * len(ordered)) - 1))]
