"""The report's factors in force name the idle power of jobs whose energy comes from their
GPUs' mean use, with its source."""

from __future__ import annotations

from pathlib import Path

import pytest

from auditor import api
from tests.helpers.joblog import job, write_jobs


def test_factors_in_force_name_idle_power_and_board_power(
    db: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    write_jobs(
        db,
        [
            job(1, hours=2, gpus=2, gpu_model="T4", gpu_util=0.3),
            job(2, hours=1, gpus=1, gpu_model="T4", gpu_util_peak=0.0),
            job(3, hours=1, gpus=1, gpu_model="T4"),  # no use known: board power x gpu_use
        ],
    )
    made = api.report(db=db, footprint=api.FootprintOptions(preset="strubell2019"))
    used = {(r["factor"], r["key"], r["value"]): r for r in made.factors_used}
    idle = used[("gpu_idle_w", "t4", 8.0)]
    assert idle["jobs"] == 2 and "Cloud Carbon Footprint" in idle["source"]
    assert used[("gpu_power_w", "t4", 70.0)]["jobs"] == 3
    assert used[("gpu_use", None, 1.0)]["jobs"] == 1
    # the page's total is the sum of the jobs' energy, each by its own formula
    kwh = 1.58 * (2 * 2 * (8 + 0.3 * (70 - 8)) + 1 * 1 * 8 + 1 * 1 * 70) / 1000
    assert made.totals["energy_kwh"] == pytest.approx(kwh)
