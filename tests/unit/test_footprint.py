"""The footprint model against hand arithmetic: Strubell et al. 2019 Table 3, Green
Algorithms, and every rule of factor choice. Jobs go through the real Store."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from auditor import api
from auditor.errors import MissingFactor
from tests.helpers.joblog import job, write_jobs

LB_PER_KWH_2019 = 0.954  # Strubell et al.: US average, lb CO2e per kWh
KG_PER_LB = 0.45359237
PUE_2019 = 1.58


@pytest.fixture(autouse=True)
def no_config_here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Run in an empty directory, so no auditor.toml is picked up by accident."""
    monkeypatch.chdir(tmp_path)


def one(db: str, **options: Any) -> dict[str, Any]:
    """The summary row of a database holding one job (grouped by run)."""
    rows = api.summary(db=db, by="run", **options).to_pylist()
    assert len(rows) == 1
    return rows[0]


# -- Strubell, Ganesh & McCallum 2019, Table 3 ----------------------------------------------

# model, GPU, GPUs, whole-job power W, hours, printed kWh*PUE, lb CO2e, cloud low, cloud high
TABLE3_GPU = [
    ("T2T base", "P100", 8, 1415.78, 12, 27, 26, 41, 140),
    ("T2T big", "P100", 8, 1515.43, 84, 201, 192, 289, 981),
    ("ELMo", "P100", 3, 517.66, 336, 275, 262, 433, 1472),
    ("BERT base", "V100", 64, 12041.51, 79.2, 1507, 1438, 3751, 12571),
    ("NAS", "P100", 8, 1515.43, 274120, 656347, 626155, 942973, 3201722),
]
PRICES_2019 = {"P100": (0.43, 1.46), "V100": (0.74, 2.48), "TPU v2": (1.35, 4.50)}
PRICES_2019["TPU v3"] = (2.40, 8.00)


@pytest.mark.parametrize(
    ("model", "gpu", "gpus", "power_w", "hours", "kwh", "lb", "low", "high"), TABLE3_GPU
)
def test_table3_gpu_rows(
    db: str,
    model: str,
    gpu: str,
    gpus: int,
    power_w: float,
    hours: float,
    kwh: int,
    lb: int,
    low: int,
    high: int,
) -> None:
    write_jobs(db, [job(1, name=model, gpu_model=gpu, gpus=gpus, power_w=power_w, hours=hours)])
    row = one(db, footprint=api.FootprintOptions(preset="strubell2019", units="lb"))
    energy = PUE_2019 * hours * power_w / 1000
    assert row["energy_kwh"] == pytest.approx(energy)
    assert row["co2e_lb"] == pytest.approx(energy * LB_PER_KWH_2019)
    assert row["co2e_kg"] == pytest.approx(energy * LB_PER_KWH_2019 * KG_PER_LB)
    assert row["cloud_cost_usd_low"] == pytest.approx(gpus * hours * PRICES_2019[gpu][0])
    assert row["cloud_cost_usd_high"] == pytest.approx(gpus * hours * PRICES_2019[gpu][1])
    assert row["electricity_cost_usd"] == pytest.approx(energy * 0.12)
    assert row["measured_share"] == 1.0  # a whole-job power counts as measured
    # and what the paper printed, rounding only at the end
    assert (round(row["energy_kwh"]), round(row["co2e_lb"])) == (kwh, lb)
    assert (round(row["cloud_cost_usd_low"]), round(row["cloud_cost_usd_high"])) == (low, high)


# model, TPU, devices, hours, printed cloud low, cloud high
TABLE3_TPU = [
    ("BERT base", "TPU v2", 16, 96, 2074, 6912),
    ("NAS", "TPU v2", 1, 32633, 44055, 146848),  # printed hours 32,623; the costs need 32,633
    ("GPT-2", "TPU v3", 32, 168, 12902, 43008),
]


@pytest.mark.parametrize(("model", "tpu", "devices", "hours", "low", "high"), TABLE3_TPU)
def test_table3_tpu_cost_ranges(
    db: str, model: str, tpu: str, devices: int, hours: float, low: int, high: int
) -> None:
    write_jobs(db, [job(1, name=model, gpu_model=tpu, gpus=devices, hours=hours)])
    row = one(db, footprint=api.FootprintOptions(preset="strubell2019"))
    assert row["cloud_cost_usd_low"] == pytest.approx(devices * hours * PRICES_2019[tpu][0])
    assert row["cloud_cost_usd_high"] == pytest.approx(devices * hours * PRICES_2019[tpu][1])
    # Python rounds half to even, as 146,848.5 was printed 146,848
    assert (round(row["cloud_cost_usd_low"]), round(row["cloud_cost_usd_high"])) == (low, high)


# -- Green Algorithms (Lannelongue et al. 2021) ---------------------------------------------


def test_green_algorithms_hand_example(db: str, tmp_path: Path) -> None:
    # E = t * (n_c * P_c * u_c + n_m * P_m) * PUE / 1000; C = E * CI
    # 12 h on 8 cores at 12 W per core ("Any" CPU), 50 % used, 64 GB at 0.3725 W/GB,
    # PUE 1.67, world intensity 475 g/kWh
    (tmp_path / "auditor.toml").write_text("[site]\npue = 1.67\ncarbon_g_per_kwh = 475\n")
    write_jobs(db, [job(1, hours=12, cpus=8, cpu_util=0.5, mem_gb=64)])
    row = one(db)
    energy = 12 * (8 * 12 * 0.5 + 64 * 0.3725) * 1.67 / 1000
    assert row["energy_kwh"] == pytest.approx(energy)
    assert row["co2e_kg"] == pytest.approx(energy * 475 / 1000)
    assert row["measured_share"] == 0.0
    assert row["cloud_cost_usd_low"] == 0.0  # no GPU, nothing to rent


def test_modeled_gpu_job_uses_board_power_and_utilisation(db: str, tmp_path: Path) -> None:
    (tmp_path / "auditor.toml").write_text('[site]\ngrid = "US"\ngpu_use = 0.8\n')
    write_jobs(
        db,
        [
            job(1, hours=10, gpus=4, gpu_model="NVIDIA A100-SXM4-80GB", cpus=32, mem_gb=256),
            job(2, hours=10, gpus=4, gpu_model="A100", cpus=32, mem_gb=256, gpu_util=0.5),
        ],
    )
    rows = {r["run"]: r for r in api.summary(db=db, by="run").to_pylist()}
    # default PUE: the global average of the job's year (2019: 1.67); intensity: US, the
    # oldest year of the series (2021, 379.26 g/kWh, codecarbon 2.3.0) for a 2019 job
    it_w = 32 * 12 * 1.0 + 256 * 0.3725
    first = 1.67 * 10 * (4 * 400 * 0.8 + it_w) / 1000
    # a measured mean use: idle power (46 W, CCF) plus that share of the rest of the board's
    second = 1.67 * 10 * (4 * (46 + 0.5 * (400 - 46)) + it_w) / 1000
    assert rows["p/1"]["energy_kwh"] == pytest.approx(first)
    assert rows["p/2"]["energy_kwh"] == pytest.approx(second)
    assert rows["p/1"]["co2e_kg"] == pytest.approx(first * 379.26 / 1000)
    # default prices: Google Cloud 2026-07, A100 1.928 to 3.673 per GPU-hour
    assert rows["p/1"]["cloud_cost_usd_low"] == pytest.approx(40 * 1.928)
    assert rows["p/1"]["cloud_cost_usd_high"] == pytest.approx(40 * 3.673)
    # default electricity: US industrial, oldest year not after 2019 (0.068 USD/kWh)
    assert rows["p/1"]["electricity_cost_usd"] == pytest.approx(first * 0.068)


def test_measured_energy_wins_and_is_counted_in_measured_share(db: str) -> None:
    write_jobs(
        db,
        [
            job(1, hours=2, gpus=1, gpu_model="V100", energy_j=7_200_000),  # 2 kWh
            job(2, hours=2, gpus=1, gpu_model="V100", power_w=500),  # 1 kWh
            job(3, hours=2, gpus=1, gpu_model="V100"),  # 2 h * 300 W = 0.6 kWh
        ],
    )
    table = api.summary(db=db, by="project", footprint=api.FootprintOptions(preset="strubell2019"))
    (row,) = table.to_pylist()
    measured = 1.58 * (7_200_000 / 3_600_000 + 2 * 500 / 1000)
    modeled = 1.58 * 2 * 300 / 1000
    assert row["energy_kwh"] == pytest.approx(measured + modeled)
    assert row["measured_share"] == pytest.approx(measured / (measured + modeled))


# -- choosing factors --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("grid", "year", "g_per_kwh"),
    [
        ("gcp:us-central1", 2021, 394),  # that year
        ("GCP:US-CENTRAL1", 2030, 412.7),  # newest year not after the job's
        ("gcp:us-central1", 2015, 479),  # before the series: its oldest year
        ("CAMX", 2024, 499.3 * 0.45359237),  # eGRID, published in lb/MWh
        ("aws:us-west-2", 2024, 605.9 * 0.45359237),  # alias to eGRID NWPP
        ("DEU", 2024, 342.1),  # ISO alpha-3 alias
        ("azure:westeurope", 2020, 328.4),  # undated row
    ],
)
def test_grid_intensity_by_region_and_year(
    db: str, tmp_path: Path, grid: str, year: int, g_per_kwh: float
) -> None:
    from datetime import UTC, datetime

    (tmp_path / "auditor.toml").write_text(f'[site]\npue = 1.0\ngrid = "{grid}"\n')
    start = datetime(year, 6, 1, tzinfo=UTC)
    write_jobs(db, [job(1, hours=1, power_w=1000, start_ts=start, submit_ts=start)])
    row = one(db)
    assert row["energy_kwh"] == pytest.approx(1.0)
    assert row["co2e_kg"] == pytest.approx(g_per_kwh / 1000)


@pytest.mark.parametrize(("year", "pue"), [(2021, 1.57), (2016, 1.65), (2003, 2.5), (2031, 1.56)])
def test_default_pue_is_the_global_average_of_the_year(db: str, year: int, pue: float) -> None:
    from datetime import UTC, datetime

    start = datetime(year, 1, 15, tzinfo=UTC)
    write_jobs(db, [job(1, hours=1, power_w=1000, start_ts=start)])
    assert one(db, footprint=api.FootprintOptions(default_carbon_g_per_kwh=0))[
        "energy_kwh"
    ] == pytest.approx(pue)


def test_cluster_table_beats_job_grid_which_beats_site(db: str, tmp_path: Path) -> None:
    (tmp_path / "auditor.toml").write_text(
        '[site]\npue = 1.0\ngrid = "US"\n[clusters.far]\ncarbon_g_per_kwh = 10\n'
    )
    write_jobs(
        db,
        [
            job(1, power_w=1000, grid="FR"),  # cluster lab: the job's own grid
            job(2, power_w=1000),  # cluster lab, no grid: the site's
            job(3, power_w=1000, grid="FR", cluster="far", uid="x:far:3:0"),
        ],
    )
    rows = {r["run"]: r["co2e_kg"] for r in api.summary(db=db, by="run").to_pylist()}
    # 2019 jobs: the oldest year of the FR and US series, 2021 (codecarbon 2.3.0)
    assert rows == pytest.approx({"p/1": 67.39 / 1000, "p/2": 379.26 / 1000, "p/3": 0.01})


def test_partition_and_cluster_name_the_gpu_model(db: str, tmp_path: Path) -> None:
    (tmp_path / "auditor.toml").write_text(
        '[site]\npue = 1.0\ncarbon_g_per_kwh = 0\n[clusters.lab]\ngpu_model = "T4"\n'
        '[partitions.big]\ngpu_model = "H100 SXM5"\n'
    )
    write_jobs(db, [job(1, gpus=1, partition="big"), job(2, gpus=1, partition="small")])
    rows = {r["run"]: r["energy_kwh"] for r in api.summary(db=db, by="run").to_pylist()}
    assert rows == pytest.approx({"p/1": 700 / 1000, "p/2": 70 / 1000})


def test_config_gpu_power_and_cloud_equivalent(db: str, tmp_path: Path) -> None:
    (tmp_path / "auditor.toml").write_text(
        '[gpus."TITAN X"]\npower_w = 216.96\n[gpus."A100"]\ncloud_equivalent = "V100"\n'
    )
    write_jobs(
        db,
        [job(1, gpus=2, gpu_model="TITAN X", hours=10), job(2, gpus=1, gpu_model="A100")],
    )
    rows = {
        r["run"]: r
        for r in api.summary(
            db=db, by="run", footprint=api.FootprintOptions(preset="strubell2019")
        ).to_pylist()
    }
    assert rows["p/1"]["energy_kwh"] == pytest.approx(1.58 * 10 * 2 * 216.96 / 1000)
    # Titan X is priced as a P100 by the shipped table, as in the paper
    assert rows["p/1"]["cloud_cost_usd_low"] == pytest.approx(20 * 0.43)
    assert rows["p/2"]["cloud_cost_usd_high"] == pytest.approx(1 * 2.48)


# -- missing factors: an error, or an explicit and reported default ------------------------


def test_unknown_gpu_is_an_error_with_the_config_lines(db: str) -> None:
    write_jobs(db, [job(1, gpus=2, gpu_model="Cerebras WSE-2")])
    with pytest.raises(MissingFactor) as caught:
        api.summary(db=db, footprint=api.FootprintOptions(preset="strubell2019"))
    text = str(caught.value)
    assert "no power figure for GPU model 'cerebras' (1 job, e.g. csv:lab:1:0)" in text
    assert '[gpus."cerebras"]\n    power_w = ' in text
    assert "--default-gpu-power W" in text


def test_gpu_job_without_a_model_is_an_error(db: str) -> None:
    write_jobs(db, [job(1, gpus=2, partition="gpu"), job(2, gpus=1)])
    with pytest.raises(MissingFactor) as caught:
        api.summary(db=db, footprint=api.FootprintOptions(preset="strubell2019"))
    text = str(caught.value)
    assert "[partitions.gpu]\n    gpu_model = " in text
    assert "[clusters.lab]\n    gpu_model = " in text


def test_default_gpu_power_is_used_and_reported(db: str) -> None:
    write_jobs(db, [job(1, gpus=2, gpu_model="mystery", hours=3), job(2, gpus=1, gpu_model="V100")])
    table = api.summary(
        db=db, footprint=api.FootprintOptions(preset="strubell2019", default_gpu_power_w=250)
    )
    (row,) = table.to_pylist()
    assert row["energy_kwh"] == pytest.approx(1.58 * (3 * 2 * 250 + 1 * 300) / 1000)
    assert row["default_gpu_power_jobs"] == 1
    notes = api.notes(table)
    assert "default GPU power 250 W used for 1 job (GPU model: mystery)" in notes
    # no price either: the group's cloud cost is blank, not a partial sum
    assert row["cloud_cost_usd_low"] is None and row["cloud_cost_usd_high"] is None
    assert any("no price for GPU 'mystery' in price table 'gcp-2019'" in n for n in notes)


def pue_only(tmp_path: Path) -> str:
    """A config that asks for a footprint but names no grid region."""
    path = tmp_path / "pue-only.toml"
    path.write_text("[site]\npue = 1.5\n")
    return str(path)


def test_no_settings_gives_gpu_hours_and_says_so(db: str) -> None:
    write_jobs(db, [job(1, gpus=2, gpu_model="mystery", hours=3, grid="nowhere")])
    table = api.summary(db=db)
    assert table.column_names == [
        "project",
        "jobs",
        "gpu_hours",
        "gpu_equiv_hours",
        "gpu_util",
        "util_coverage",
        "idle_gpu_hours",
        "unused_gpu_hours",
    ]
    assert table.column("gpu_hours").to_pylist() == [2 * 3]
    assert table.column("gpu_equiv_hours").to_pylist() == [2 * 3]  # whole GPUs
    assert any("GPU-hours only" in n for n in api.notes(table))


def test_no_grid_region_is_an_error_unless_a_default_is_given(db: str, tmp_path: Path) -> None:
    write_jobs(db, [job(1, power_w=1000, hours=2)])
    with pytest.raises(MissingFactor) as caught:
        api.summary(db=db, footprint=api.FootprintOptions(config=pue_only(tmp_path)))
    assert "no grid region for the jobs of cluster 'lab'" in str(caught.value)
    assert '[site]\n    grid = "US"' in str(caught.value)
    table = api.summary(db=db, footprint=api.FootprintOptions(default_carbon_g_per_kwh=500))
    (row,) = table.to_pylist()
    assert row["co2e_kg"] == pytest.approx(row["energy_kwh"] * 500 / 1000)
    assert row["default_carbon_jobs"] == 1
    assert api.notes(table) == [
        "default grid intensity 500 g CO2e/kWh used for 1 job (grid: (none))",
        # no CPU server price: no owned-hardware cost for the CPU-only job
        "owned_cost_usd left blank for 1 job, e.g. csv:lab:1:0: no server price is set, and no "
        "table gives one. Set cpu_server_usd (USD per CPU server, for CPU-only jobs) in [site] "
        "or [clusters.NAME]",
        # no grid, no country to find its water by
        "water left blank for 1 job, e.g. csv:lab:1:0: no water use of generating electricity "
        "(EWIF) is known for a grid with no country. Set ewif_l_per_kwh (L/kWh) in [site] or "
        "[clusters.NAME]",
    ]


def test_unknown_grid_region_is_an_error(db: str, tmp_path: Path) -> None:
    write_jobs(db, [job(1, power_w=1000, grid="Atlantis")])
    with pytest.raises(MissingFactor, match="unknown grid region 'Atlantis' \\(named in the job"):
        api.summary(db=db, footprint=api.FootprintOptions(config=pue_only(tmp_path)))
    (tmp_path / "auditor.toml").write_text('[site]\ngrid = "Mordor"\n')
    write_jobs(db, [job(1, power_w=1000)])
    with pytest.raises(MissingFactor, match=r"set by auditor.toml \[site\] grid"):
        api.summary(db=db)


def test_jobs_that_never_ran_need_no_factors(db: str, tmp_path: Path) -> None:
    write_jobs(db, [job(1, gpus=4, gpu_model="mystery", hours=0, grid="nowhere")])
    (row,) = api.summary(
        db=db, footprint=api.FootprintOptions(config=pue_only(tmp_path))
    ).to_pylist()
    assert (row["energy_kwh"], row["co2e_kg"], row["cloud_cost_usd_high"]) == (0, 0, 0)


def test_running_jobs_are_left_out_unless_asked(db: str) -> None:
    write_jobs(db, [job(1, power_w=1000), job(2, power_w=1000, running=True)])
    (row,) = api.summary(db=db, footprint=api.FootprintOptions(preset="strubell2019")).to_pylist()
    assert row["energy_kwh"] == pytest.approx(1.58)
    (row,) = api.summary(
        db=db, footprint=api.FootprintOptions(preset="strubell2019"), include_running=True
    ).to_pylist()
    assert row["energy_kwh"] == pytest.approx(2 * 1.58)


def test_hostile_names_are_values_not_sql(db: str, tmp_path: Path) -> None:
    nasty = "x'; DROP TABLE jobs; --"
    (tmp_path / "auditor.toml").write_text(
        f'[partitions.{json.dumps(nasty)}]\ngpu_model = "V100"\n'
    )
    write_jobs(db, [job(1, gpus=1, partition=nasty, grid=nasty, hours=2)])
    with pytest.raises(MissingFactor, match=f"unknown grid region '{re.escape(nasty)}'"):
        api.summary(db=db)
    (row,) = api.summary(
        db=db, footprint=api.FootprintOptions(default_carbon_g_per_kwh=100)
    ).to_pylist()
    assert row["energy_kwh"] == pytest.approx(1.67 * 2 * 300 / 1000)  # the partition's V100
    write_jobs(db, [job(2, gpus=1, partition=nasty + "2")])
    with pytest.raises(MissingFactor) as caught:
        api.summary(db=db, footprint=api.FootprintOptions(default_carbon_g_per_kwh=100))
    # the fix names the partition as a quoted TOML key
    assert f"[partitions.{json.dumps(nasty + '2')}]" in str(caught.value)


def test_gpu_only_measurement_adds_modeled_cpu_and_memory(db: str) -> None:
    """MLflow's system metrics measure the GPUs only: the CPUs and memory of the job are
    still modeled, so the measured share is the GPU part."""
    write_jobs(
        db,
        [
            job(1, gpus=2, cpus=8, mem_gb=64, hours=2, energy_j=2 * 300 * 7200,
                tags={"energy_scope": "gpu"}),
        ],
    )  # fmt: skip
    table = api.summary(db=db, footprint=api.FootprintOptions(preset="strubell2019"))
    (row,) = table.to_pylist()
    gpu_kwh = 2 * 300 * 7200 / 3_600_000
    cpu_mem_kwh = 2 * (8 * 12 * 1.0 + 64 * 0.3725) / 1000  # "Any" CPU: 12 W per core
    assert row["energy_kwh"] == pytest.approx(1.58 * (gpu_kwh + cpu_mem_kwh))
    assert row["measured_share"] == pytest.approx(gpu_kwh / (gpu_kwh + cpu_mem_kwh))


def test_notes_by_project_are_each_projects_own_computation(db: str) -> None:
    """One grouped pass gives every project the notes a footprint of that project alone
    gives: which checks, how many jobs, which example."""
    from auditor.model.footprint import compute, notes_by_project
    from auditor.store import Store

    write_jobs(
        db,
        [
            job(1, project="a", gpus=2, gpu_model="mystery"),  # default power, no price
            job(2, project="a", gpus=1, gpu_model="mystery"),
            job(3, project="a", cpus=4),  # a CPU-only job: no CPU server price
            job(4, project="b", gpus=1, gpu_model="V100"),
            job(5, project="b", gpus=1, gpu_model="V100"),
            job(6, project="c", cpus=8, gpu_model=None),
        ],
    )
    settings = api.FootprintOptions(preset="strubell2019", default_gpu_power_w=250).settings()
    projects = ["a", "b", "c"]
    with Store(db, read_only=True) as store:
        compute(store.con, settings)
        grouped = notes_by_project(store.con, settings, projects)
        alone = {p: compute(store.con, settings, project=p).notes for p in projects}
    assert grouped == alone
    assert "default GPU power 250 W used for 2 jobs (GPU model: mystery)" in grouped["a"]
    assert not any("default GPU power" in n for n in grouped["b"] + grouped["c"])
    assert len({tuple(n) for n in grouped.values()}) == 3  # three different sets of notes
