"""The report of jobs whose intensity came from a stored series: the series among the
factors in force, by its mean over the run time it covers, and the note on which was used."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from auditor import api
from auditor.report.render import render
from tests.helpers.joblog import job, write_jobs
from tests.helpers.series import load_series, write_series


def test_the_report_shows_the_series_and_the_annual_factor(
    db: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "auditor.toml").write_text('[site]\ngrid = "FR"\n')
    start = datetime(2024, 3, 1, 9, 30, tzinfo=UTC)
    write_jobs(
        db,
        [
            job(1, start_ts=start, hours=2, cpus=4.0),  # 9:30 to 11:30, 90 min covered
            job(2, start_ts=start + timedelta(hours=1), hours=0.5, cpus=4.0),  # 10:30 to 11:00
        ],
    )
    hours = [("2024-03-01T10:00:00Z", "FR", 100.0), ("2024-03-01T11:00:00Z", "FR", 40.0)]
    load_series(db, write_series(tmp_path / "fr.csv", hours))
    report = api.report(db=db, footprint=api.FootprintOptions(config="auditor.toml"))
    in_force = {row["factor"]: row for row in report.in_force}
    series = in_force["intensity_series"]
    assert series["jobs"] == 2
    (used,) = series["used"]
    assert used["key"] == "FR (average, lifecycle)"
    # 60 min at 100 and 30 min at 40 for job 1, 30 min at 100 for job 2
    assert used["value"] == pytest.approx((100.0 * 60 + 40.0 * 30 + 100.0 * 30) / (90 + 30))
    assert in_force["carbon_g_per_kwh"]["jobs"] == 1  # job 1's half hour before the series
    note = next(n for n in report.notes if "intensity series FR" in n)
    assert note in render(report, "markdown")
