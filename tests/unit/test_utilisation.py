"""Power from utilisation, and idle GPUs as waste: the utilisation model against hand
arithmetic, the idle power table and its settings, and the summary's waste columns. Jobs go
through the real Store with known gpu_util / gpu_util_peak."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from auditor import api, factor_tables as factors, settings
from auditor.errors import ConfigError
from tests.helpers.joblog import job, write_jobs

PUE_2019 = 1.58  # preset strubell2019
A100_W, A100_IDLE_W = 400, 46  # board power table; CCF Methodology App. III
CONFIG = (
    "[site]\npue = 1.5\ncarbon_g_per_kwh = 400\nelectricity_usd_per_kwh = 0.1\n"
    'cloud_prices = "gcp-2026-07"\n'
)
A100_LOW, A100_HIGH = 1.928, 3.673  # gcp-2026-07 A100, USD per GPU-hour


@pytest.fixture(autouse=True)
def no_config_here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Run in an empty directory, so no auditor.toml is picked up by accident."""
    monkeypatch.chdir(tmp_path)


def runs(db: str, **options: Any) -> dict[str, dict[str, Any]]:
    return {r["run"]: r for r in api.summary(db=db, by="run", **options).to_pylist()}


def strubell() -> api.FootprintOptions:
    return api.FootprintOptions(preset="strubell2019")


# -- the idle power table --------------------------------------------------------------------


def test_idle_power_is_sourced_and_below_board_power() -> None:
    table = factors.load("gpu_power").to_pylist()
    idle = {r["gpu"]: r for r in table if r["idle_w"] is not None}
    expected = {"a100": 46, "v100": 35, "k80": 35, "m60": 35, "p100": 36, "p40": 30}
    expected |= {"p4": 9, "t4": 8, "a10g": 18}
    assert {k: r["idle_w"] for k, r in idle.items()} == expected
    for r in idle.values():
        assert r["idle_w"] < r["value"], r["gpu"]
        assert "Cloud Carbon Footprint" in r["idle_source"] and "derived" in r["idle_source"]
        assert r["idle_as_of"]
    # no figure without a source, no source without a figure
    assert all((r["idle_w"] is None) == (r["idle_source"] is None) for r in table)
    assert "50 W" in idle["a100"]["idle_source"]  # e-footprint's A100 80GB figure, cited


def test_factors_lists_idle_power_with_its_source() -> None:
    rows = api.factors(table="gpu_power").to_pylist()
    idle = next(r for r in rows if r["key"] == "a100 idle")
    assert (idle["value"], idle["unit"]) == ("46", "W")
    assert "Cloud Carbon Footprint" in idle["source"]


# -- settings --------------------------------------------------------------------------------


def test_idle_power_and_idle_below_settings(tmp_path: Path) -> None:
    (tmp_path / "auditor.toml").write_text(
        '[site]\nidle_below = 0.1\n[gpus."H100"]\nidle_power_w = 70\n'
    )
    s = settings.load(cwd=tmp_path)
    assert s.site["idle_below"].value == 0.1
    assert s.gpus["h100"].idle_power_w is not None
    assert s.gpus["h100"].idle_power_w.value == 70.0
    assert s.gpus["h100"].idle_power_w.origin == 'auditor.toml [gpus."H100"] idle_power_w'
    assert settings.load(cwd=tmp_path / "nowhere").site["idle_below"].value == 0.05


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[gpus."H100"]\nidle_power_w = -1\n', "idle_power_w: expected a number of W >= 0"),
        ('[gpus."A100"]\nidle_power_w = 400\n', "below the board power 400 W"),
        ('[gpus."A100"]\npower_w = 250\nidle_power_w = 300\n', "below the board power 250 W"),
        ("[site]\nidle_below = 2\n", "idle_below: expected a fraction between 0 and 1"),
    ],
)
def test_bad_idle_settings_name_the_key(tmp_path: Path, text: str, message: str) -> None:
    (tmp_path / "auditor.toml").write_text(text)
    with pytest.raises(ConfigError, match=message):
        settings.load(cwd=tmp_path)


# -- energy from utilisation -----------------------------------------------------------------


def test_mean_utilisation_draws_idle_plus_its_share_of_the_rest(db: str) -> None:
    write_jobs(db, [job(1, hours=3, gpus=2, gpu_model="A100", gpu_util=0.6)])
    row = runs(db, footprint=strubell())["p/1"]
    assert row["energy_kwh"] == pytest.approx(
        PUE_2019 * 3 * 2 * (A100_IDLE_W + 0.6 * (A100_W - A100_IDLE_W)) / 1000
    )
    assert row["measured_share"] == 0.0  # modeled from utilisation is not measured


def test_peak_zero_draws_idle_power(db: str) -> None:
    write_jobs(db, [job(1, hours=3, gpus=2, gpu_model="A100", gpu_util_peak=0.0)])
    row = runs(db, footprint=strubell())["p/1"]
    assert row["energy_kwh"] == pytest.approx(PUE_2019 * 3 * 2 * A100_IDLE_W / 1000)


def test_a_peak_alone_is_no_mean_so_gpu_use_applies(db: str) -> None:
    write_jobs(db, [job(1, hours=3, gpus=2, gpu_model="A100", gpu_util_peak=0.9)])
    row = runs(db, footprint=strubell())["p/1"]
    assert row["energy_kwh"] == pytest.approx(PUE_2019 * 3 * 2 * A100_W * 1.0 / 1000)


def test_a_mean_wins_over_a_peak_of_zero(db: str) -> None:
    # Slurm reports 0 on GPUs it cannot read: the time average, when logged, is the figure
    write_jobs(db, [job(1, hours=1, gpus=1, gpu_model="A100", gpu_util=0.5, gpu_util_peak=0.0)])
    row = runs(db, footprint=strubell())["p/1"]
    assert row["energy_kwh"] == pytest.approx(
        PUE_2019 * (A100_IDLE_W + 0.5 * (A100_W - A100_IDLE_W)) / 1000
    )


def test_mig_slice_draws_its_share_of_idle_and_board_power(db: str) -> None:
    write_jobs(db, [job(1, hours=2, gpus=1, gpu_model="A100 3g.20gb", gpu_util=0.5)])
    row = runs(db, footprint=strubell())["p/1"]
    assert row["energy_kwh"] == pytest.approx(
        PUE_2019 * 2 * 1 * 3 / 7 * (A100_IDLE_W + 0.5 * (A100_W - A100_IDLE_W)) / 1000
    )


def test_measured_energy_wins_over_utilisation(db: str) -> None:
    write_jobs(db, [job(1, hours=2, gpus=1, gpu_model="A100", gpu_util=0.1, energy_j=7_200_000)])
    row = runs(db, footprint=strubell())["p/1"]
    assert row["energy_kwh"] == pytest.approx(PUE_2019 * 7_200_000 / 3_600_000)
    assert row["measured_share"] == 1.0


def test_model_without_idle_power_keeps_gpu_use_and_says_so(db: str) -> None:
    write_jobs(
        db,
        [
            job(1, hours=3, gpus=2, gpu_model="H100", gpu_util=0.6),
            job(2, hours=1, gpus=1, gpu_model="H100", gpu_util_peak=0.0),
        ],
    )
    table = api.summary(db=db, by="run", footprint=strubell())
    rows = {r["run"]: r for r in table.to_pylist()}
    # as before the utilisation model: the board power times the measured mean, no idle term
    assert rows["p/1"]["energy_kwh"] == pytest.approx(PUE_2019 * 3 * 2 * 700 * 0.6 / 1000)
    assert rows["p/2"]["energy_kwh"] == pytest.approx(PUE_2019 * 1 * 1 * 700 * 1.0 / 1000)
    (note,) = [n for n in api.notes(table) if "idle" in n]
    assert "2 jobs" in note and "'h100'" in note and "idle_power_w" in note


def test_configured_idle_power_enables_the_model(db: str, tmp_path: Path) -> None:
    (tmp_path / "auditor.toml").write_text('[gpus."H100"]\nidle_power_w = 70\n')
    write_jobs(db, [job(1, hours=3, gpus=2, gpu_model="H100", gpu_util=0.6)])
    table = api.summary(
        db=db,
        by="run",
        footprint=api.FootprintOptions(preset="strubell2019", config="auditor.toml"),
    )
    (row,) = table.to_pylist()
    assert row["energy_kwh"] == pytest.approx(PUE_2019 * 3 * 2 * (70 + 0.6 * (700 - 70)) / 1000)
    assert not [n for n in api.notes(table) if "idle" in n]


def test_explain_writes_the_utilisation_formula(db: str) -> None:
    write_jobs(db, [job(1, hours=3, gpus=2, gpu_model="A100", gpu_util=0.6, cpus=4, mem_gb=10)])
    rows = api.explain("csv:lab:1:0", db=db, footprint=strubell()).to_pylist()
    by_item = {r["item"]: r for r in rows}
    energy = by_item["energy_kwh"]
    assert energy["source"].startswith("utilisation-modeled: pue x hours x (gpus x (gpu_idle_w")
    # the written arithmetic is the figure (tests/report/test_explain_arithmetic.py evaluates
    # every kind of job; here the terms themselves)
    assert "1.58 x 3 x (2 x (46 + 0.6 x (400 - 46))" in energy["source"]
    assert by_item["gpu_idle_w"]["value"] == "46"
    assert "Cloud Carbon Footprint" in by_item["gpu_idle_w"]["source"]
    assert by_item["gpu_power_w"]["value"] == "400"
    assert "gpu_use" not in by_item  # the measured mean replaces the assumed use


# -- idle and unused GPU-hours ---------------------------------------------------------------


def _waste_jobs(db: str) -> None:
    write_jobs(
        db,
        [
            job(1, hours=3, gpus=2, gpu_model="A100", gpu_util=0.6, user_name="ann"),
            job(2, hours=4, gpus=1, gpu_model="A100", gpu_util=0.02, user_name="ann"),
            job(3, hours=2, gpus=1, gpu_model="A100", gpu_util_peak=0.0, user_name="bo"),
            job(4, hours=1, gpus=4, gpu_model="A100", user_name="bo"),  # nothing known
            job(5, hours=5, cpus=8, user_name="bo"),  # no GPU
        ],
    )


def _power_kw(u: float) -> float:
    return (A100_IDLE_W + u * (A100_W - A100_IDLE_W)) / 1000


def test_summary_counts_idle_and_unused_gpu_hours_and_their_footprint(
    db: str, tmp_path: Path
) -> None:
    (tmp_path / "auditor.toml").write_text(CONFIG)
    _waste_jobs(db)
    (row,) = api.summary(db=db, by="project").to_pylist()
    assert row["gpu_hours"] == pytest.approx(3 * 2 + 4 + 2 + 4)
    covered = 3 * 2 + 4 + 2  # a peak of 0 is a mean of 0
    assert row["gpu_util"] == pytest.approx((6 * 0.6 + 4 * 0.02 + 2 * 0) / covered)
    assert row["util_coverage"] == pytest.approx(covered / 16)
    assert row["idle_gpu_hours"] == pytest.approx(4 + 2)
    assert row["unused_gpu_hours"] == pytest.approx(6 * (1 - 0.6) + 4 * (1 - 0.02) + 2 * 1)
    # job 5's CPUs use 12 W per core by default
    e1, e2, e3 = 1.5 * 6 * _power_kw(0.6), 1.5 * 4 * _power_kw(0.02), 1.5 * 2 * _power_kw(0)
    assert row["idle_energy_kwh"] == pytest.approx(e2 + e3)
    assert row["idle_co2e_kg"] == pytest.approx((e2 + e3) * 400 / 1000)
    assert row["idle_cloud_cost_usd_low"] == pytest.approx((4 + 2) * A100_LOW)
    assert row["idle_cloud_cost_usd_high"] == pytest.approx((4 + 2) * A100_HIGH)
    unused_kwh = (1 - 0.6) * e1 + (1 - 0.02) * e2 + 1 * e3
    assert row["unused_energy_kwh"] == pytest.approx(unused_kwh)
    assert row["unused_co2e_kg"] == pytest.approx(unused_kwh * 400 / 1000)
    unused_h = 6 * (1 - 0.6) + 4 * (1 - 0.02) + 2 * 1
    assert row["unused_cloud_cost_usd_low"] == pytest.approx(unused_h * A100_LOW)
    assert row["unused_cloud_cost_usd_high"] == pytest.approx(unused_h * A100_HIGH)


def test_by_user_is_the_efficiency_table(db: str, tmp_path: Path) -> None:
    (tmp_path / "auditor.toml").write_text(CONFIG)
    _waste_jobs(db)
    rows = {r["user"]: r for r in api.summary(db=db, by="user").to_pylist()}
    assert rows["ann"]["gpu_util"] == pytest.approx((6 * 0.6 + 4 * 0.02) / 10)
    assert rows["ann"]["util_coverage"] == 1.0
    assert rows["ann"]["idle_gpu_hours"] == pytest.approx(4)
    assert rows["bo"]["gpu_util"] == 0.0  # job 3, the only one with a mean
    assert rows["bo"]["util_coverage"] == pytest.approx(2 / (2 + 4))
    assert rows["bo"]["unused_gpu_hours"] == pytest.approx(2)


def test_idle_below_is_a_setting(db: str, tmp_path: Path) -> None:
    (tmp_path / "auditor.toml").write_text(CONFIG + "idle_below = 0.01\n")
    _waste_jobs(db)
    (row,) = api.summary(db=db, by="project").to_pylist()
    assert row["idle_gpu_hours"] == pytest.approx(2)  # 2 % is no longer idle; a peak of 0 is


def test_no_mean_anywhere_leaves_utilisation_blank(db: str, tmp_path: Path) -> None:
    (tmp_path / "auditor.toml").write_text(CONFIG)
    write_jobs(db, [job(1, hours=1, gpus=4, gpu_model="A100")])
    (row,) = api.summary(db=db, by="project").to_pylist()
    assert row["gpu_util"] is None
    assert row["util_coverage"] == 0.0
    assert (row["idle_gpu_hours"], row["unused_gpu_hours"]) == (0.0, 0.0)
    assert (row["idle_energy_kwh"], row["unused_cloud_cost_usd_low"]) == (0.0, 0.0)


def test_gpu_hours_only_summary_has_the_utilisation_columns(db: str) -> None:
    _waste_jobs(db)
    (row,) = api.summary(db=db, by="project").to_pylist()
    assert "energy_kwh" not in row  # no settings: GPU-hours only
    assert row["gpu_util"] == pytest.approx((6 * 0.6 + 4 * 0.02) / 12)
    assert row["util_coverage"] == pytest.approx(12 / 16)
    assert row["idle_gpu_hours"] == pytest.approx(6)
    assert row["unused_gpu_hours"] == pytest.approx(6 * 0.4 + 4 * 0.98 + 2)


def test_a_cluster_sets_its_own_idle_below(db: str, tmp_path: Path) -> None:
    (tmp_path / "auditor.toml").write_text(CONFIG + "[clusters.lab]\nidle_below = 0.5\n")
    _waste_jobs(db)  # all on cluster 'lab'
    (row,) = api.summary(db=db, by="project").to_pylist()
    assert row["idle_gpu_hours"] == pytest.approx(4 + 2)  # 0.6 is still in use
    (tmp_path / "auditor.toml").write_text(CONFIG + "[clusters.lab]\nidle_below = 0.7\n")
    (row,) = api.summary(db=db, by="project").to_pylist()
    assert row["idle_gpu_hours"] == pytest.approx(6 + 4 + 2)
