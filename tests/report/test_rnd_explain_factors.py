"""rnd-table (the paper's Table 4 for LISA), explain and factors, through the library."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from auditor import api
from auditor.errors import ConfigError, MissingFactor, UsageError
from tests.helpers.joblog import job, write_jobs
from tests.helpers.labs import RUNNING_HOURS, running_lab


@pytest.fixture(autouse=True)
def no_config_here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)


# -- Table 4: LISA (Strubell et al. 2019, section 4.2) --------------------------------------

# The paper gives no per-GPU power; Table 1's 78,468 lb over 239,942 GPU-hours implies
# 216.96 W per GPU (GPU with its share of CPU and DRAM), before PUE.
LISA_CONFIG = """
[gpus."TITAN X"]
power_w = 216.96
[gpus."M40"]
power_w = 216.96
"""


def lisa_jobs() -> list[dict[str, Any]]:
    """4,789 one-GPU jobs, 239,942 GPU-hours; one grid search of 24 runs of 120 h each."""
    jobs = [
        job(i, gpus=1, gpu_model="TITAN X", hours=120, sweep="grid-0", run=f"g0-{i}")
        for i in range(24)
    ]
    rest = 4789 - 24
    for i in range(rest):
        n = 24 + i
        hours = 49.75 if i < rest - 1 else 239942 - 24 * 120 - 49.75 * (rest - 1)
        model = "M40" if i % 100 < 28 else "TITAN X"  # about 72 % Titan X, 28 % M40
        jobs.append(job(n, gpus=1, gpu_model=model, hours=hours, sweep=f"grid-{1 + i % 122}"))
    for j in jobs:
        j["project"] = "lisa"
    return jobs


def test_lisa_table4(db: str, tmp_path: Path) -> None:
    (tmp_path / "auditor.toml").write_text(LISA_CONFIG)
    write_jobs(db, lisa_jobs())
    table = api.rnd_table(
        db=db,
        project="lisa",
        final="g0-0",
        tune="grid-0",
        footprint=api.FootprintOptions(preset="strubell2019", units="lb"),
    )
    rows = {r["scope"]: r for r in table.to_pylist()}
    assert [r["scope"] for r in table.to_pylist()] == ["model", "tune", "project"]
    kwh_per_gpu_hour = 1.58 * 216.96 / 1000
    for scope, models, gpu_hours in (("model", 1, 120), ("tune", 24, 2880)):
        row = rows[scope]
        assert (row["models"], row["gpu_hours"]) == (models, pytest.approx(gpu_hours))
        assert row["cloud_cost_usd_low"] == pytest.approx(gpu_hours * 0.43)
        assert row["cloud_cost_usd_high"] == pytest.approx(gpu_hours * 1.46)
        assert row["electricity_cost_usd"] == pytest.approx(gpu_hours * kwh_per_gpu_hour * 0.12)
    project = rows["project"]
    assert (project["models"], project["gpu_hours"]) == (4789, pytest.approx(239942))
    # as printed: $52-175 and $5 (4.94); $1,238-4,205 and $118; $103k-350k and $9,870
    printed = [
        (round(r["cloud_cost_usd_low"]), round(r["cloud_cost_usd_high"]))
        for r in (rows["model"], rows["tune"])
    ]
    assert printed == [(52, 175), (1238, 4205)]
    assert round(rows["model"]["electricity_cost_usd"], 2) == 4.94
    assert round(rows["tune"]["electricity_cost_usd"]) == 118
    assert round(project["cloud_cost_usd_low"] / 1000) == 103
    assert round(project["cloud_cost_usd_high"] / 1000) == 350
    assert project["electricity_cost_usd"] == pytest.approx(239942 * kwh_per_gpu_hour * 0.12)
    assert round(project["electricity_cost_usd"]) == 9870
    # and Table 1: 39 lb for one model, 78,468 lb with tuning and experimentation
    assert round(rows["model"]["co2e_lb"]) == 39
    assert round(project["co2e_lb"]) == 78468


def test_rnd_defaults_are_the_median_run_and_sweep(db: str) -> None:
    # completed runs by GPU-hours: 1 (1 h), 2 (2 h), 4 (4 h), 5 (5 h), 6 (6 h); run 3 failed
    jobs = [
        job(1, hours=1, gpus=1, gpu_model="V100", sweep="a"),
        job(2, hours=2, gpus=1, gpu_model="V100", sweep="a"),
        job(3, hours=30, gpus=1, gpu_model="V100", sweep="b", state="FAILED"),
        job(4, hours=4, gpus=1, gpu_model="V100", sweep="b"),
        job(5, hours=5, gpus=1, gpu_model="V100", sweep="c"),
        job(6, hours=6, gpus=1, gpu_model="V100", sweep="c"),
        job(7, hours=99, gpus=1, gpu_model="V100", sweep="lonely"),  # one run: not a sweep
    ]
    jobs[6]["state"] = "TIMEOUT"
    write_jobs(db, jobs)
    table = api.rnd_table(db=db, project="p", footprint=api.FootprintOptions(preset="strubell2019"))
    names = {r["scope"]: r["name"] for r in table.to_pylist()}
    # median of runs 1, 2, 4, 5, 6 is run 4; sweeps a (3 h), c (11 h), b (34 h): c, by its key
    assert names == {"model": "4", "tune": "p/c", "project": "p"}
    notes = api.notes(table)
    assert "model: run 4, the median completed run by GPU-hours (of those that used GPUs)" in notes
    assert "tune: sweep p/c, the median sweep of two or more runs by GPU-hours" in notes


def test_rnd_median_run_adds_up_the_jobs_of_each_run(db: str) -> None:
    # runs by GPU-hours: d 1 h, b 2 h, a 1.5 + 1.5 = 3 h, e 10 h; run c is one completed
    # and one failed job, so not a completed run
    runs = [("a", 1.5), ("a", 1.5), ("b", 2), ("c", 0.5), ("c", 10), ("d", 1), ("e", 10)]
    jobs = [
        job(n, run=run, hours=hours, gpus=1, gpu_model="V100")
        for n, (run, hours) in enumerate(runs, start=1)
    ]
    jobs[4]["state"] = "FAILED"
    write_jobs(db, jobs)
    table = api.rnd_table(db=db, project="p", footprint=api.FootprintOptions(preset="strubell2019"))
    model = next(r for r in table.to_pylist() if r["scope"] == "model")
    # the lower middle of the four completed runs (1, 2, 3, 10 h): run b; counted job by
    # job it would be a (1.5 h), and with run c as completed a (3 h)
    assert (model["name"], model["gpu_hours"]) == ("b", 2 * 1)


def test_rnd_names_that_do_not_exist(db: str) -> None:
    write_jobs(db, [job(1, gpus=1, power_w=100)])
    with pytest.raises(UsageError, match="no counted jobs in project 'q'"):
        api.rnd_table(db=db, project="q", footprint=api.FootprintOptions(preset="strubell2019"))
    with pytest.raises(UsageError, match="has no run 'zzz'"):
        api.rnd_table(
            db=db, project="p", final="zzz", footprint=api.FootprintOptions(preset="strubell2019")
        )
    with pytest.raises(UsageError, match="no sweep 'zzz' in project 'p'"):
        api.rnd_table(
            db=db, project="p", tune="zzz", footprint=api.FootprintOptions(preset="strubell2019")
        )
    table = api.rnd_table(db=db, project="p", footprint=api.FootprintOptions(preset="strubell2019"))
    assert [r["scope"] for r in table.to_pylist()] == ["model", "project"]
    assert "tune row left out: the project has no sweep of two or more runs" in api.notes(table)


# -- explain ---------------------------------------------------------------------------------


def explained(table: Any) -> dict[str, dict[str, Any]]:
    return {f"{r['section']}.{r['item']}": r for r in table.to_pylist()}


def test_explain_measured_job_shows_arithmetic_and_sources(db: str) -> None:
    write_jobs(db, [job(7, name="T2T base", gpus=8, gpu_model="P100", power_w=1415.78, hours=12)])
    rows = explained(
        api.explain("7", db=db, footprint=api.FootprintOptions(preset="strubell2019", units="lb"))
    )
    assert rows["job.uid"]["value"] == "csv:lab:7:0"
    assert rows["input.power_w"]["value"] == "1415.78"
    assert rows["factor.pue"]["value"] == "1.58"
    assert "preset strubell2019" in rows["factor.pue"]["source"]
    assert rows["factor.price_usd_low"]["value"] == "0.43"
    assert rows["factor.price_usd_low"]["as_of"] == "2019"
    assert "Strubell" in rows["factor.price_usd_low"]["source"]
    assert "factor.gpu_power_w" not in rows  # measured: no board power involved
    energy = rows["result.energy_kwh"]
    assert float(energy["value"]) == pytest.approx(1.58 * 12 * 1415.78 / 1000)
    assert energy["source"].endswith("= 1.58 x 12 x 1415.78 / 1000")
    assert float(rows["result.co2e_lb"]["value"]) == pytest.approx(
        1.58 * 12 * 1415.78 / 1000 * 0.954
    )
    assert rows["result.cloud_cost_usd_high"]["source"] == "gpu_hours x price_usd_high = 96 x 1.46"


def test_explain_modeled_job_names_every_factor(db: str, tmp_path: Path) -> None:
    (tmp_path / "auditor.toml").write_text('[site]\ngrid = "gcp:europe-west4"\n')
    from datetime import UTC, datetime

    start = datetime(2022, 5, 1, tzinfo=UTC)
    write_jobs(
        db,
        [job(1, gpus=2, gpu_model="A100", cpus=16, mem_gb=128, hours=5, start_ts=start)],
    )
    rows = explained(api.explain("csv:lab:1:0", db=db))
    assert rows["factor.gpu_power_w"]["value"] == "400"
    assert "mlco2" in rows["factor.gpu_power_w"]["source"]
    assert rows["factor.pue"]["value"] == "1.55"  # global average of 2022
    assert "year 2022" in rows["factor.pue"]["source"]
    assert rows["factor.carbon_g_per_kwh"]["value"] == "317"
    assert "region-carbon-info" in rows["factor.carbon_g_per_kwh"]["source"]
    assert rows["factor.cpu_power_w_per_core"]["value"] == "12"
    assert rows["factor.mem_w_per_gb"]["value"] == "0.3725"
    energy = 1.55 * 5 * (2 * 400 * 1 + 16 * 12 * 1 + 128 * 0.3725) / 1000
    assert float(rows["result.energy_kwh"]["value"]) == pytest.approx(energy)
    assert "(2 x 400 x 1 + 16 x 12 x 1 + 128 x 0.3725)" in rows["result.energy_kwh"]["source"]


def test_explain_finds_one_job_or_says_why_not(db: str) -> None:
    write_jobs(
        db,
        [job(1, power_w=10), job(2, power_w=10, cluster="other", uid="x:other:1:0", job_id="1")],
    )
    with pytest.raises(UsageError, match="'1' names 2 jobs: csv:lab:1:0, x:other:1:0"):
        api.explain("1", db=db, footprint=api.FootprintOptions(preset="strubell2019"))
    with pytest.raises(UsageError, match="no job with uid, job id or run '99'"):
        api.explain("99", db=db, footprint=api.FootprintOptions(preset="strubell2019"))
    rows = explained(
        api.explain("x:other:1:0", db=db, footprint=api.FootprintOptions(preset="strubell2019"))
    )
    assert rows["job.cluster"]["value"] == "other"


def test_explain_reports_a_default(db: str) -> None:
    write_jobs(db, [job(1, gpus=1, gpu_model="mystery")])
    with pytest.raises(MissingFactor):
        api.explain("1", db=db, footprint=api.FootprintOptions(preset="strubell2019"))
    table = api.explain(
        "1", db=db, footprint=api.FootprintOptions(preset="strubell2019", default_gpu_power_w=123)
    )
    rows = explained(table)
    assert rows["factor.gpu_power_w"]["source"] == "default: --default-gpu-power"
    assert api.notes(table) == [
        "default GPU power 123 W used for 1 job (GPU model: mystery)",
        "cloud cost left blank for 1 job, e.g. csv:lab:1:0: no price for GPU 'mystery' in "
        'price table \'gcp-2019\'. Add [gpus."mystery"] cloud_equivalent = "..." (a GPU that '
        "table prices), or set cloud_prices (one of aws-2024, azure-2024, cloud-2026, gcp-2019, "
        "gcp-2026-07)",
    ]


# -- factors ---------------------------------------------------------------------------------


def test_factors_lists_settings_and_tables_with_sources(tmp_path: Path) -> None:
    (tmp_path / "auditor.toml").write_text('[gpus."V100"]\npower_w = 250\n')
    rows = api.factors(footprint=api.FootprintOptions(preset="strubell2019")).to_pylist()
    by = {(r["factor"], r["key"], r["year"]): r for r in rows}
    assert by[("setting", "[site] pue", None)]["value"] == "1.58"
    assert by[("setting", "[site] carbon_g_per_kwh", None)]["source"].startswith(
        "preset strubell2019"
    )
    assert by[("gpu_power", "v100", None)]["value"] == "250"
    assert by[("gpu_power", "v100", None)]["source"] == 'auditor.toml [gpus."V100"] power_w'
    assert by[("gpu_power", "a100", None)]["value"] == "400"
    assert by[("pue", "global", 2021)]["value"] == "1.57"
    assert by[("grid_intensity", "CAMX", 2022)]["unit"] == "lbCO2e/MWh"
    assert all(r["source"] for r in rows)
    only = api.factors(table="gpu_prices").to_pylist()
    assert {r["factor"] for r in only} == {"gpu_prices"}
    assert any(r["key"] == "gcp-2019 p100 low" and r["value"] == "0.43" for r in only)


def test_factors_without_grid_says_so(tmp_path: Path) -> None:
    rows = api.factors(table="setting").to_pylist()
    grid = [r for r in rows if r["key"] == "[site] grid"]
    assert grid and grid[0]["value"] == "(none)"


def test_factors_errors(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match=r"--table 'colour' is not known\. Try one of: setting"):
        api.factors(table="colour")
    (tmp_path / "auditor.toml").write_text("[site]\npue = 'x'\n")
    with pytest.raises(ConfigError, match=r"auditor.toml: \[site\] pue"):
        api.factors()


# -- jobs left out of totals, explain without settings -------------------------------------


def running_note_of(notes: list[str]) -> str:
    (note,) = [n for n in notes if "still running" in n]
    return note


def test_summary_names_the_running_jobs_it_leaves_out(db: str) -> None:
    write_jobs(db, running_lab())
    all_running = sum(8 * h for h in RUNNING_HOURS)
    assert round(all_running) == 56839
    for settings in (api.FootprintOptions(), api.FootprintOptions(preset="strubell2019")):
        table = api.summary(db=db, by="project", footprint=settings)
        assert sum(table.column("gpu_hours").to_pylist()) == pytest.approx(10 + 2 * 3 + 5)
        note = running_note_of(api.notes(table))
        assert note.startswith("4 jobs are still running and not in these totals (56,839.00 ")
        assert "--include-running counts them" in note
    # one project: only its own running jobs
    note = running_note_of(api.notes(api.summary(db=db, by="sweep", project="p")))
    assert note.startswith(
        f"3 jobs are still running and not in these totals ({8 * sum(RUNNING_HOURS[:3]):,.2f} "
    )
    # counted, nothing is left out
    counted = api.summary(db=db, by="project", include_running=True)
    assert sum(counted.column("gpu_hours").to_pylist()) == pytest.approx(21 + all_running)
    assert not [n for n in api.notes(counted) if "still running" in n]


def test_rnd_table_names_the_running_jobs_of_its_project(db: str) -> None:
    write_jobs(db, running_lab())
    table = api.rnd_table(
        db=db, project="other", footprint=api.FootprintOptions(preset="strubell2019")
    )
    note = running_note_of(api.notes(table))
    assert note.startswith(f"1 job is still running and not in these totals ({8 * 1750:,.2f} ")
    assert "'auditor summary --include-running' counts them" in note


def test_explain_says_a_running_job_is_not_in_totals(db: str) -> None:
    write_jobs(db, running_lab())
    for settings in (api.FootprintOptions(), api.FootprintOptions(preset="strubell2019")):
        table = api.explain("10", db=db, footprint=settings)
        rows = explained(table)
        assert rows["job.counted"]["value"] == "no"
        assert "--include-running" in rows["job.counted"]["source"]
        assert float(rows["result.gpu_hours"]["value"]) == pytest.approx(8 * 2000)
        assert any("csv:lab:10:0 is still running" in n for n in api.notes(table))
    rows = explained(api.explain("1", db=db, footprint=api.FootprintOptions(preset="strubell2019")))
    assert "job.counted" not in rows


def test_explain_without_settings_shows_inputs_and_what_settings_add(db: str) -> None:
    write_jobs(db, [job(1, gpus=2, gpu_model="V100", hours=3, cpus=4, energy_j=7.2e6)])
    table = api.explain("1", db=db)
    rows = explained(table)
    assert rows["input.gpus"]["value"] == "2"
    assert float(rows["input.hours"]["value"]) == 3
    assert rows["input.gpu_model"]["value"] == "v100"
    assert float(rows["input.energy_j"]["value"]) == 7.2e6
    assert float(rows["result.gpu_hours"]["value"]) == pytest.approx(2 * 3)
    assert not [k for k in rows if k.startswith("factor.")]
    added = {k: r for k, r in rows.items() if r["section"] == "with settings"}
    assert set(added) == {
        f"with settings.{item}"
        for item in (
            "energy_kwh",
            "co2e_kg",
            "cloud_cost_usd_low",
            "cloud_cost_usd_high",
            "electricity_cost_usd",
            "embodied_kg",
            "co2e_total_kg",
            "owned_cost_usd",
            "water_l",
        )
    }
    assert all(r["value"] == "(needs settings)" for r in added.values())
    (note,) = api.notes(table)
    assert "--preset strubell2019" in note and "--config FILE" in note


def test_rnd_default_model_is_never_a_run_without_gpu_hours(db: str) -> None:
    # completed runs: four that never used a GPU (0 GPU-hours), then 2 h, 3 h and 7 h on GPUs.
    # The median of all seven would be a 0 GPU-hour run; of those on GPUs it is 3 h.
    jobs = [job(i, hours=1, gpus=0, cpus=4) for i in range(1, 5)]
    jobs += [
        job(5, hours=2, gpus=1, gpu_model="V100"),
        job(6, hours=3, gpus=1, gpu_model="V100"),
        job(7, hours=7, gpus=1, gpu_model="V100"),
    ]
    write_jobs(db, jobs)
    table = api.rnd_table(db=db, project="p", footprint=api.FootprintOptions(preset="strubell2019"))
    model = table.to_pylist()[0]
    assert (model["scope"], model["name"], model["gpu_hours"]) == ("model", "6", 3 * 1)
    assert "model: run 6, the median completed run by GPU-hours (of those that used GPUs)" in (
        api.notes(table)
    )


def test_rnd_without_a_gpu_run_leaves_the_model_out(db: str) -> None:
    write_jobs(
        db, [job(1, hours=1, cpus=4), job(2, hours=2, gpus=1, gpu_model="V100", state="FAILED")]
    )
    table = api.rnd_table(db=db, project="p", footprint=api.FootprintOptions(preset="strubell2019"))
    assert [r["scope"] for r in table.to_pylist()] == ["project"]
    assert "model row left out: the project has no completed run that used GPUs" in api.notes(table)
