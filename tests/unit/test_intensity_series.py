"""A job's grid intensity from a stored series: the time-weighted mean over its run, the
annual factor for the part the series does not cover. Expected means are written out as
each value times its seconds in the run; series go through tests/helpers/series.py."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from auditor import api
from tests.helpers.joblog import job, write_jobs
from tests.helpers.series import load_series, write_series

T0 = datetime(2024, 3, 1, 10, 0, tzinfo=UTC)
HOURS_FR = [  # 10:00, 11:00, 12:00, 13:00 UTC
    ("2024-03-01T10:00:00Z", "FR", 100.0),
    ("2024-03-01T11:00:00Z", "FR", 50.0),
    ("2024-03-01T12:00:00Z", "FR", 20.0),
    ("2024-03-01T13:00:00Z", "FR", 80.0),
]


@pytest.fixture(autouse=True)
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # the auditor.toml each test writes, and no other


def config(tmp_path: Path, text: str = '[site]\ngrid = "FR"\n') -> None:
    (tmp_path / "auditor.toml").write_text(text)


def at(minutes: float, hours: float, n: int = 1, **fields: Any) -> dict[str, Any]:
    """Job ``n`` on 4 CPUs, starting ``minutes`` after 10:00 UTC, running ``hours``."""
    start = T0 + timedelta(minutes=minutes)
    return job(n, start_ts=start, end_ts=start + timedelta(hours=hours), hours=hours, cpus=4.0,
               **fields)  # fmt: skip


def runs(db: str) -> dict[str, dict[str, Any]]:
    table = api.summary(db=db, by="run")
    return {r["run"].rsplit("/", 1)[1]: r for r in table.to_pylist()}  # project/run


def intensity(row: dict[str, Any]) -> float:
    """The g CO2e per kWh a summary row's CO2e was computed with."""
    return float(row["co2e_kg"] * 1000 / row["energy_kwh"])


def carbon_notes(table: Any) -> list[str]:
    """A result's notes but those on water, which depend on the country's water factor, and
    the one on owned hardware, whose price these tests do not set."""
    return [note for note in api.notes(table) if not note.startswith(("water ", "owned_cost_usd "))]


def annual(zone: str, year: int) -> float:
    """The annual factor of the grid table for ``zone`` and ``year``."""
    rows = api.factors(table="grid_intensity").to_pylist()
    return next(float(r["value"]) for r in rows if r["key"] == zone and r["year"] == year)


def fr_series(db: str, tmp_path: Path, **options: Any) -> None:
    load_series(db, write_series(tmp_path / "fr.csv", HOURS_FR), **options)


def test_a_job_inside_one_hour_takes_that_hours_value(db: str, tmp_path: Path) -> None:
    config(tmp_path)
    write_jobs(db, [at(70, 0.5)])  # 11:10 to 11:40
    fr_series(db, tmp_path)
    table = api.summary(db=db, by="run")
    assert intensity(table.to_pylist()[0]) == pytest.approx(50.0)
    assert carbon_notes(table) == [
        "CO2e of 1 job from the average intensity series FR (life cycle) over their whole run time"
    ]


def test_a_job_across_three_hours_weighs_each_by_its_seconds(db: str, tmp_path: Path) -> None:
    config(tmp_path)
    write_jobs(db, [at(45, 1.5)])  # 10:45 to 12:15: 15 min, 60 min, 15 min
    fr_series(db, tmp_path)
    expected = (100.0 * 15 * 60 + 50.0 * 60 * 60 + 20.0 * 15 * 60) / (90 * 60)
    row = runs(db)["1"]
    assert intensity(row) == pytest.approx(expected)
    assert row["co2e_kg"] == pytest.approx(row["energy_kwh"] * expected / 1000)


def test_a_job_partly_outside_takes_the_annual_factor_for_the_rest(db: str, tmp_path: Path) -> None:
    config(tmp_path)
    write_jobs(db, [at(-30, 2)])  # 9:30 to 11:30: 30 min before the series starts
    fr_series(db, tmp_path)
    expected = (annual("FR", 2024) * 30 * 60 + 100.0 * 60 * 60 + 50.0 * 30 * 60) / (120 * 60)
    assert intensity(runs(db)["1"]) == pytest.approx(expected)


def test_a_job_after_the_series_ends_takes_the_annual_factor(db: str, tmp_path: Path) -> None:
    config(tmp_path)
    write_jobs(db, [at(230, 1), at(300, 1, n=2)])  # 13:50 to 14:50, 15:00 to 16:00
    fr_series(db, tmp_path)
    got = runs(db)
    assert intensity(got["1"]) == pytest.approx(
        (80.0 * 10 * 60 + annual("FR", 2024) * 50 * 60) / (60 * 60)
    )
    assert intensity(got["2"]) == pytest.approx(annual("FR", 2024))


def test_a_gap_in_the_series_takes_the_annual_factor(db: str, tmp_path: Path) -> None:
    config(tmp_path)
    write_jobs(db, [at(30, 2)])  # 10:30 to 12:30; the series lacks 11:00 to 12:00
    gapped = [HOURS_FR[0], HOURS_FR[2]]
    load_series(db, write_series(tmp_path / "gap.csv", gapped))
    expected = (100.0 * 30 * 60 + annual("FR", 2024) * 60 * 60 + 20.0 * 30 * 60) / (120 * 60)
    assert intensity(runs(db)["1"]) == pytest.approx(expected)


def test_half_hour_intervals(db: str, tmp_path: Path) -> None:
    config(tmp_path)
    write_jobs(db, [at(15, 0.5)])  # 10:15 to 10:45
    rows = [("2024-03-01T10:00:00Z", "FR", 300.0), ("2024-03-01T10:30:00Z", "FR", 100.0)]
    load_series(db, write_series(tmp_path / "half.csv", rows), interval_s=1800)
    assert intensity(runs(db)["1"]) == pytest.approx((300.0 * 15 + 100.0 * 15) / 30)


def test_a_job_of_no_time_takes_the_annual_factor(db: str, tmp_path: Path) -> None:
    config(tmp_path)
    write_jobs(db, [at(30, 0, mem_gb=4.0), at(30, 1, n=2)])
    fr_series(db, tmp_path)
    table = api.explain("csv:lab:1:0", db=db)
    carbon = next(r for r in table.to_pylist() if r["item"] == "carbon_g_per_kwh")
    assert float(carbon["value"]) == pytest.approx(annual("FR", 2024))


def test_the_night_clocks_go_back_weighs_real_elapsed_time(db: str, tmp_path: Path) -> None:
    # Paris leaves summer time at 03:00 CEST on 2024-10-27 (01:00 UTC): a job logged from
    # 01:30 to 03:30 local time ran 3 hours, 23:30 to 02:30 UTC
    config(tmp_path)
    dump = tmp_path / "dst.psv"
    dump.write_text(
        "JobID|JobIDRaw|User|Account|State|Submit|Start|End|ElapsedRaw|NCPUS|ReqMem|"
        "AllocTRES|JobName\n"
        "7|7|ann|nlp|COMPLETED|2024-10-27T01:30:00|2024-10-27T01:30:00|2024-10-27T03:30:00|"
        "10800|4|16G|cpu=4,mem=16G|night\n"
    )
    api.ingest_slurm([str(dump)], db=db, tz="Europe/Paris")
    hourly = [
        ("2024-10-26T23:00:00Z", "FR", 100.0),
        ("2024-10-27T00:00:00Z", "FR", 200.0),
        ("2024-10-27T01:00:00Z", "FR", 300.0),
        ("2024-10-27T02:00:00Z", "FR", 400.0),
    ]
    load_series(db, write_series(tmp_path / "night.csv", hourly))
    expected = (100.0 * 30 + 200.0 * 60 + 300.0 * 60 + 400.0 * 30) / 180
    assert intensity(runs(db)["7"]) == pytest.approx(expected)


def test_annual_intensity_ignores_the_series(db: str, tmp_path: Path) -> None:
    config(tmp_path, '[site]\ngrid = "FR"\nintensity = "annual"\n')
    write_jobs(db, [at(70, 0.5)])
    fr_series(db, tmp_path)
    table = api.summary(db=db, by="run")
    assert intensity(table.to_pylist()[0]) == pytest.approx(annual("FR", 2024))
    assert any('intensity = "annual"' in note for note in carbon_notes(table))


def test_a_marginal_series_is_not_used_under_the_default_kind(db: str, tmp_path: Path) -> None:
    config(tmp_path)
    write_jobs(db, [at(70, 0.5)])
    fr_series(db, tmp_path, kind="marginal")
    table = api.summary(db=db, by="run")
    assert intensity(table.to_pylist()[0]) == pytest.approx(annual("FR", 2024))
    assert carbon_notes(table) == [
        "the marginal intensity series FR (life cycle) is stored but not used: "
        'intensity_kind = "average" for the jobs of that zone (never mixed)'
    ]
    config(tmp_path, '[site]\ngrid = "FR"\nintensity_kind = "marginal"\n')
    table = api.summary(db=db, by="run")
    assert intensity(table.to_pylist()[0]) == pytest.approx(50.0)
    assert "marginal intensity series FR" in carbon_notes(table)[0]


def test_a_direct_series_is_not_used_under_the_default_basis(db: str, tmp_path: Path) -> None:
    config(tmp_path)
    write_jobs(db, [at(70, 0.5)])
    fr_series(db, tmp_path, basis="direct")
    assert intensity(runs(db)["1"]) == pytest.approx(annual("FR", 2024))
    config(tmp_path, '[site]\ngrid = "FR"\nintensity_basis = "direct"\n')
    assert intensity(runs(db)["1"]) == pytest.approx(50.0)


def test_the_per_cluster_setting(db: str, tmp_path: Path) -> None:
    config(tmp_path, '[site]\ngrid = "FR"\n[clusters.old]\nintensity = "annual"\n')
    write_jobs(db, [at(70, 0.5), at(70, 0.5, n=2, cluster="old")])
    fr_series(db, tmp_path)
    got = runs(db)
    assert intensity(got["1"]) == pytest.approx(50.0)
    assert intensity(got["2"]) == pytest.approx(annual("FR", 2024))


def test_zones_compare_case_insensitively_and_through_aliases(db: str, tmp_path: Path) -> None:
    config(tmp_path, '[site]\ngrid = "fr"\n[clusters.iso]\ngrid = "FRA"\n')
    write_jobs(db, [at(70, 0.5), at(70, 0.5, n=2, cluster="iso")])
    fr_series(db, tmp_path)
    got = runs(db)
    assert intensity(got["1"]) == pytest.approx(50.0)
    assert intensity(got["2"]) == pytest.approx(50.0)  # FRA is an alias of FR


def test_a_number_has_no_zone_and_takes_no_series(db: str, tmp_path: Path) -> None:
    # a cluster's number beats the job log's grid region
    config(tmp_path, "[site]\ncarbon_g_per_kwh = 300\n[clusters.lab]\ncarbon_g_per_kwh = 200\n")
    write_jobs(db, [at(70, 0.5, cluster="other"), at(70, 0.5, n=2, grid="FR")])
    fr_series(db, tmp_path)
    got = runs(db)
    assert intensity(got["1"]) == pytest.approx(300.0)
    assert intensity(got["2"]) == pytest.approx(200.0)


def test_the_job_logs_grid_picks_its_series(db: str, tmp_path: Path) -> None:
    config(tmp_path, '[site]\ngrid = "DE"\n')
    write_jobs(db, [at(70, 0.5, grid="FR"), at(70, 0.5, n=2)])
    fr_series(db, tmp_path)
    got = runs(db)
    assert intensity(got["1"]) == pytest.approx(50.0)
    assert intensity(got["2"]) == pytest.approx(annual("DE", 2024))


def test_summary_totals_are_the_sum_of_the_jobs(db: str, tmp_path: Path) -> None:
    config(tmp_path)
    jobs = [at(45 * n - 60, 0.25 * n + 0.1, n=n, project=f"p{n % 2}") for n in range(1, 9)]
    write_jobs(db, jobs)
    fr_series(db, tmp_path)
    per_job = runs(db)
    total = api.summary(db=db, by="project").to_pylist()
    assert sum(r["co2e_kg"] for r in total) == pytest.approx(
        sum(r["co2e_kg"] for r in per_job.values())
    )
    # and each job's own figure is its energy times its mean
    for n in range(1, 9):
        row = per_job[str(n)]
        assert row["co2e_kg"] == pytest.approx(row["energy_kwh"] * intensity(row) / 1000)


def test_notes_say_which_series_gave_how_much(db: str, tmp_path: Path) -> None:
    config(tmp_path)
    write_jobs(db, [at(70, 0.5), at(-30, 2, n=2), at(600, 1, n=3)])
    fr_series(db, tmp_path)
    notes = carbon_notes(api.summary(db=db, by="project"))
    share = (30 + 90) / (30 + 120) * 100
    assert notes == [
        f"CO2e of 2 jobs from the average intensity series FR (life cycle) over {share:.1f} % "
        "of their run time, the annual factor for the rest; 1 job of zone FR ran outside "
        "the series: annual factor"
    ]


def test_notes_count_runs_inside_the_series_and_skip_runs_of_no_time(
    db: str, tmp_path: Path
) -> None:
    config(tmp_path)
    # 10:00 to 14:00 is covered: two runs inside, one of no time (neither covered nor outside)
    write_jobs(db, [at(0, 4), at(70, 0.5, n=2), at(90, 0, n=3, mem_gb=4.0)])
    fr_series(db, tmp_path)
    assert carbon_notes(api.summary(db=db, by="project")) == [
        "CO2e of 2 jobs from the average intensity series FR (life cycle) over their whole run time"
    ]


def test_notes_count_a_run_across_a_gap_by_its_covered_part(db: str, tmp_path: Path) -> None:
    config(tmp_path)
    # the series covers 10:00 to 11:00 and 12:00 to 13:00; both runs lie between its ends
    write_jobs(db, [at(30, 2), at(125, 0.5, n=2)])  # 10:30 to 12:30, 12:05 to 12:35
    load_series(db, write_series(tmp_path / "gap.csv", [HOURS_FR[0], HOURS_FR[2]]))
    share = (60 + 30) / (120 + 30) * 100
    assert carbon_notes(api.summary(db=db, by="project")) == [
        f"CO2e of 2 jobs from the average intensity series FR (life cycle) over {share:.1f} % "
        "of their run time, the annual factor for the rest"
    ]


def test_notes_count_a_run_that_ends_at_the_series_end_as_covered(db: str, tmp_path: Path) -> None:
    config(tmp_path)
    write_jobs(db, [at(180, 1), at(240, 1, n=2)])  # 13:00 to 14:00 (the last hour), 14:00 to 15:00
    fr_series(db, tmp_path)
    assert carbon_notes(api.summary(db=db, by="project")) == [
        "CO2e of 1 job from the average intensity series FR (life cycle) over their whole run "
        "time; 1 job of zone FR ran outside the series: annual factor"
    ]


def test_explain_shows_the_series_share_and_mean(db: str, tmp_path: Path) -> None:
    config(tmp_path)
    write_jobs(db, [at(-30, 2)])  # 9:30 to 11:30
    fr_series(db, tmp_path)
    rows = {r["item"]: r for r in api.explain("csv:lab:1:0", db=db).to_pylist()}
    assert rows["intensity_series"]["value"] == "FR"
    assert rows["intensity_series"]["unit"] == "average, life cycle"
    assert float(rows["series_share"]["value"]) == pytest.approx(90 / 120)
    mean = (100.0 * 60 + 50.0 * 30) / 90
    assert float(rows["series_mean_g_per_kwh"]["value"]) == pytest.approx(mean)
    assert float(rows["carbon_annual_g_per_kwh"]["value"]) == pytest.approx(annual("FR", 2024))
    expected = (mean * 90 + annual("FR", 2024) * 30) / 120
    assert float(rows["carbon_g_per_kwh"]["value"]) == pytest.approx(expected)
    assert rows["carbon_g_per_kwh"]["source"].startswith(
        "(series_mean_g_per_kwh x covered_s + carbon_annual_g_per_kwh x (run_s - covered_s))"
    )


def test_factors_show_the_intensity_settings(tmp_path: Path) -> None:
    config(tmp_path, '[site]\ngrid = "FR"\nintensity_kind = "marginal"\n')
    rows = {r["key"]: r for r in api.factors(table="setting").to_pylist()}
    assert rows["[site] intensity"]["value"] == "series"
    assert rows["[site] intensity_kind"]["value"] == "marginal"
    assert rows["[site] intensity_kind"]["source"] == "auditor.toml [site] intensity_kind"
    assert rows["[site] intensity_basis"]["value"] == "lifecycle"
