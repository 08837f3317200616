"""The best of n trials drawn with replacement, by enumerating every one of the N^n draws:
what the sensitivity estimator must equal."""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence


def best_of_draws(scores: Sequence[float], n: int, mode: str = "max") -> tuple[float, float]:
    """Mean and standard deviation of the best of ``n`` draws, over all N^n draws."""
    pick = max if mode == "max" else min
    bests = [pick(draw) for draw in itertools.product(scores, repeat=n)]
    mean = sum(bests) / len(bests)
    return mean, math.sqrt(sum((b - mean) ** 2 for b in bests) / len(bests))
