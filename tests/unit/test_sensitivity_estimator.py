"""The expected best of n trials (Dodge et al. 2019) against every draw of n trials with
replacement, and against the formula written out by hand."""

from __future__ import annotations

import math

import pytest

from auditor.errors import UsageError
from auditor.model.sensitivity import default_mode, estimate
from tests.helpers.draws import best_of_draws

CASES = [
    [0.7],
    [1.0, 2.0],
    [0.5, 0.5, 0.9],  # a tie below the best
    [0.3, 0.8, 0.8],  # a tie at the best
    [-2.0, 5.0, 1.5, 0.0],  # negative scores, unsorted
    [2.0, 2.0, 2.0],  # all equal
]


@pytest.mark.parametrize("mode", ["max", "min"])
@pytest.mark.parametrize("scores", CASES)
def test_estimator_equals_enumeration_of_all_draws(scores: list[float], mode: str) -> None:
    table = estimate(scores, mode).to_pylist()
    assert [r["n"] for r in table] == list(range(1, len(scores) + 1))
    for row in table:
        mean, std = best_of_draws(scores, row["n"], mode)
        assert row["expected_best"] == pytest.approx(mean, rel=1e-12, abs=1e-12)
        assert row["std"] == pytest.approx(std, rel=1e-9, abs=1e-9)


def test_estimator_by_hand() -> None:
    rows = estimate([2.0, 1.0], "max").to_pylist()
    # n = 1: the mean; n = 2: v(1) * (1/2)^2 + v(2) * (1 - (1/2)^2)
    assert rows[0]["expected_best"] == pytest.approx((1.0 + 2.0) / 2)
    e2 = 1.0 * 0.25 + 2.0 * 0.75
    assert rows[1]["expected_best"] == pytest.approx(e2)
    assert rows[1]["std"] == pytest.approx(math.sqrt(1.0 * 0.25 + 4.0 * 0.75 - e2**2))
    low = estimate([2.0, 1.0], "min").to_pylist()
    assert low[1]["expected_best"] == pytest.approx(2.0 * 0.25 + 1.0 * 0.75)


def test_estimator_rejects_an_unknown_mode() -> None:
    with pytest.raises(UsageError, match="--mode 'median'"):
        estimate([1.0], "median")


@pytest.mark.parametrize(
    ("metric", "mode"),
    [("val_loss", "min"), ("WER", "min"), ("eval/perplexity", "min"), ("val_acc", "max"),
     ("bleu", "max"), ("f1", "max")],
)  # fmt: skip
def test_default_direction_from_the_name(metric: str, mode: str) -> None:
    assert default_mode(metric) == mode
