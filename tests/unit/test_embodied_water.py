"""Embodied emissions and water: the formulas of docs/footprint.md, on real DuckDB files.

Expected values are written from the inputs: per GPU-hour (server_kg / gpus_per_server +
gpu_kg) / (lifetime_years x 8760 x lifetime_use), water = it_energy_kwh x wue + energy_kwh x
ewif.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pytest

from auditor import api
from auditor.errors import ConfigError
from tests.helpers.joblog import job, write_jobs

# the defaults: BLOOM's constants (Luccioni et al. 2023) and the Boavizta Dell R740
GPU_KG, SERVER_KG, GPUS_PER_SERVER, YEARS, USE = 150, 2500, 8, 6, 0.85
CPU_SERVER_KG, CORES = 1200, 48
HOURS_OF_LIFE = YEARS * 8760 * USE
PER_GPU_HOUR = (SERVER_KG / GPUS_PER_SERVER + GPU_KG) / HOURS_OF_LIFE
PER_CORE_HOUR = CPU_SERVER_KG / CORES / HOURS_OF_LIFE

# Macknick et al. 2012, median operational water consumption, gal/MWh, cooling towers;
# hydropower counted as 0 (docs/footprint.md, Water)
GAL_PER_MWH = {
    "coal": 687,
    "gas": 198,
    "oil": 826,
    "nuclear": 672,
    "bio": 553,
    "other": 15,
    "solar": 1,
    "wind": 0,
    "hydro": 0,
}
L_PER_GAL = 3.785411784


def ewif(twh: dict[str, float]) -> float:
    """L/kWh of a generation mix: sum of share x factor, gal/MWh to L/kWh."""
    gal_per_mwh = sum(twh[k] * GAL_PER_MWH[k] for k in twh) / sum(twh.values())
    return gal_per_mwh * L_PER_GAL / 1000


# 2023 generation, TWh, as codecarbon 3.3.2's global_energy_mix.json gives it (Ember via OWID)
MIX_2023 = {
    "US": dict(coal=675.26, gas=1802.06, oil=33.0, nuclear=775.35, bio=47.46, other=18.61,
               solar=238.12, wind=425.23, hydro=233.96),
    "FR": dict(coal=2.16, gas=31.43, oil=9.71, nuclear=335.65, bio=9.5, other=0.6,
               solar=23.26, wind=48.61, hydro=53.19),
    "NO": dict(coal=0.04, gas=1.38, oil=0.82, nuclear=0.0, bio=0.24, other=0.02,
               solar=0.17, wind=14.96, hydro=135.96),
    "DE": dict(coal=135.35, gas=76.0, oil=20.13, nuclear=8.75, bio=46.02, other=0.21,
               solar=61.56, wind=137.29, hydro=19.48),
}  # fmt: skip
WUE_US = 0.55  # the wue table's li2023-us
EWIF_US = round(ewif(MIX_2023["US"]), 4)  # the table keeps four decimals


def _config(tmp_path: Path, text: str) -> api.FootprintOptions:
    path = tmp_path / "auditor.toml"
    path.write_text(text)
    return api.FootprintOptions(config=str(path))


def _summary(db: str, options: api.FootprintOptions, by: str = "project") -> dict[str, Any]:
    table = api.summary(db=db, by=by, footprint=options)
    return {row[by]: row for row in table.to_pylist()}


def _results(db: str, uid: str, options: api.FootprintOptions) -> dict[str, dict[str, Any]]:
    return {
        r["item"]: r
        for r in api.explain(uid, db=db, footprint=options).to_pylist()
        if r["section"] in ("result", "factor")
    }


def test_bloom_shaped_log_gives_the_papers_operational_and_embodied_tonnes(
    tmp_path: Path, db: str
) -> None:
    # BLOOM: 1,082,990 A100-hours at 400 W, 57 g/kWh, PUE 1 (Luccioni et al. 2023); here
    # 384 GPUs for about 118 days, in 48 jobs of 8 whose GPU-hours add up to the paper's, as
    # a CSV job log
    gpu_hours = 1_082_990
    seconds = gpu_hours * 3600 // 384  # per GPU, whole seconds
    last = (gpu_hours * 3600 - 47 * 8 * seconds) // 8
    assert 47 * 8 * seconds + 8 * last == gpu_hours * 3600
    log = tmp_path / "bloom.csv"
    lines = ["job_id,project,gpus,gpu_model,cpus,mem_gb,duration_s"]
    lines += [f"{n},bloom,8,A100,0,0,{seconds if n < 47 else last}" for n in range(48)]
    log.write_text("\n".join(lines) + "\n")
    api.ingest_csv([str(log)], db=db)
    options = _config(
        tmp_path,
        '[site]\npue = 1\ncarbon_g_per_kwh = 57\n[gpus."A100"]\npower_w = 400\n',
    )
    row = _summary(db, options)["bloom"]
    assert row["gpu_hours"] == pytest.approx(gpu_hours)
    operational_kg = gpu_hours * 400 / 1000 * 57 / 1000
    embodied_kg = gpu_hours * (150 + 2500 / 8) / (6 * 8760 * 0.85)
    assert row["co2e_kg"] == pytest.approx(operational_kg, rel=1e-12)
    assert row["embodied_kg"] == pytest.approx(embodied_kg, rel=1e-12)
    assert row["co2e_total_kg"] == pytest.approx(operational_kg + embodied_kg, rel=1e-12)
    # the paper's figures, in tonnes: 24.69 t operational, 11.21 t embodied
    assert round(row["co2e_kg"] / 1000, 2) == 24.69
    assert round(row["embodied_kg"] / 1000, 2) == 11.21


def test_a_mig_slice_a_cpu_only_job_and_a_whole_gpu(tmp_path: Path, db: str) -> None:
    write_jobs(
        db,
        [
            job(1, hours=10, gpus=2.0, gpu_model="A100", cpus=16.0, mem_gb=64.0),
            job(2, hours=7, gpus=1.0, gpu_model="A100 3g.40gb"),
            job(3, hours=5, cpus=4.0, mem_gb=8.0),
            job(4, hours=0, gpus=4.0, gpu_model="A100"),
        ],
    )
    options = _config(tmp_path, '[site]\ngrid = "US"\n')
    figures = {}
    for n in range(1, 5):
        figures[n] = _results(db, f"csv:lab:{n}:0", options)
    # a whole GPU's host CPUs are in its server's share: only the GPUs count
    assert float(figures[1]["embodied_kg"]["value"]) == pytest.approx(2 * 10 * PER_GPU_HOUR)
    # a slice of 3 of 7 compute slices: 3/7 of a GPU-hour
    assert float(figures[2]["embodied_kg"]["value"]) == pytest.approx(7 * 3 / 7 * PER_GPU_HOUR)
    # CPU-only: its cores' share of a CPU server
    assert float(figures[3]["embodied_kg"]["value"]) == pytest.approx(4 * 5 * PER_CORE_HOUR)
    assert "cores_per_server" in figures[3] and "gpu_kg" not in figures[3]
    assert float(figures[4]["embodied_kg"]["value"]) == 0
    # each factor shown with its source
    assert figures[1]["gpu_kg"]["source"].startswith("Luccioni")
    assert figures[3]["cpu_server_kg"]["source"].startswith("Boavizta")
    total = sum(float(figures[n]["embodied_kg"]["value"]) for n in range(1, 5))
    assert _summary(db, options)["p"]["embodied_kg"] == pytest.approx(total)


def test_cluster_site_and_gpu_overrides(tmp_path: Path, db: str) -> None:
    write_jobs(
        db,
        [
            job(1, hours=10, gpus=1.0, gpu_model="V100"),
            job(2, hours=10, gpus=1.0, gpu_model="V100", cluster="old", uid="old:2"),
            job(3, hours=10, gpus=1.0, gpu_model="A100", cluster="old", uid="old:3"),
            job(4, hours=3, cpus=10.0, cluster="old", uid="old:4"),
        ],
    )
    options = _config(
        tmp_path,
        '[site]\ngrid = "US"\nserver_kg = 3000\ngpus_per_server = 4\n'
        "cpu_server_kg = 800\ncores_per_server = 32\n"
        "[clusters.old]\nlifetime_years = 4\nlifetime_use = 1\ngpu_kg = 100\n"
        '[gpus."A100"]\nembodied_kg = 300\n',
    )

    def embodied(uid: str) -> float:
        return float(_results(db, uid, options)["embodied_kg"]["value"])

    assert embodied("csv:lab:1:0") == pytest.approx(10 * (3000 / 4 + 150) / (6 * 8760 * 0.85))
    assert embodied("old:2") == pytest.approx(10 * (3000 / 4 + 100) / (4 * 8760 * 1))
    # the GPU's own embodied_kg beats the cluster's gpu_kg
    assert embodied("old:3") == pytest.approx(10 * (3000 / 4 + 300) / (4 * 8760 * 1))
    assert embodied("old:4") == pytest.approx(10 * 3 * 800 / 32 / (4 * 8760 * 1))
    three = _results(db, "old:3", options)
    assert '[gpus."A100"] embodied_kg' in three["gpu_kg"]["source"]
    assert "[clusters.old] lifetime_years" in three["lifetime_years"]["source"]
    listed = {r["key"]: r for r in api.factors(footprint=options, table="embodied").to_pylist()}
    assert listed["gpu_kg a100"]["value"] == "300"
    settings = {r["key"] for r in api.factors(footprint=options, table="setting").to_pylist()}
    assert {"[site] server_kg", "[clusters.old] lifetime_years"} <= settings


def test_water_from_its_formula_with_configured_and_default_factors(
    tmp_path: Path, db: str
) -> None:
    write_jobs(
        db,
        [
            job(1, hours=10, gpus=2.0, gpu_model="V100", cpus=8.0, mem_gb=32.0, grid="US"),
            job(2, hours=4, cpus=4.0, mem_gb=16.0, grid="CAMX", project="q"),
        ],
    )
    defaults = _config(tmp_path, "[site]\npue = 1.5\n")
    for n in (1, 2):
        r = _results(db, f"csv:lab:{n}:0", defaults)
        energy = float(r["energy_kwh"]["value"])
        it_energy = sum(
            float(r[p]["value"])
            for p in ("energy_gpu_kwh", "energy_cpu_kwh", "energy_mem_kwh", "energy_measured_kwh")
        )
        assert it_energy == pytest.approx(energy / 1.5)
        # an eGRID subregion's water is its country's
        assert float(r["water_l"]["value"]) == pytest.approx(it_energy * WUE_US + energy * EWIF_US)
    configured = _config(tmp_path, "[site]\npue = 1.5\nwue_l_per_kwh = 1.8\newif_l_per_kwh = 2\n")
    r = _results(db, "csv:lab:1:0", configured)
    energy = float(r["energy_kwh"]["value"])
    assert float(r["water_l"]["value"]) == pytest.approx(energy / 1.5 * 1.8 + energy * 2)
    assert r["ewif_l_per_kwh"]["source"].endswith("ewif_l_per_kwh")
    keyed = _config(tmp_path, '[site]\npue = 1.5\nwue_l_per_kwh = "meta"\n')
    rows = _summary(db, keyed)
    for project, row in rows.items():
        assert row["water_l"] == pytest.approx(
            row["energy_kwh"] / 1.5 * 0.26 + row["energy_kwh"] * EWIF_US
        ), project


@pytest.mark.parametrize("country", ["FR", "NO", "DE", "US"])
def test_ewif_table_is_the_mix_weighted_mean_of_the_fuels_factors(country: str) -> None:
    # France mostly nuclear (about 2.5 L/kWh at a tower), Norway mostly hydro (counted 0)
    (row,) = [r for r in api.factors(table="ewif").to_pylist() if r["key"].upper() == country]
    assert float(row["value"]) == pytest.approx(ewif(MIX_2023[country]), abs=1e-4)
    assert row["unit"] == "L/kWh"
    assert "Macknick" in row["source"] and "codecarbon 3.3.2" in row["source"]
    assert "2023" in row["source"]


def test_water_of_a_german_job_uses_germanys_ewif_with_no_note(tmp_path: Path, db: str) -> None:
    write_jobs(db, [job(1, hours=10, gpus=2.0, gpu_model="V100", cpus=8.0, grid="DE")])
    options = _config(tmp_path, "[site]\npue = 1.2\n")
    r = _results(db, "csv:lab:1:0", options)
    energy = float(r["energy_kwh"]["value"])
    it_energy = energy / 1.2
    assert float(r["water_l"]["value"]) == pytest.approx(
        it_energy * WUE_US + energy * ewif(MIX_2023["DE"]), rel=1e-4
    )
    assert "the grid's country DE" in r["ewif_l_per_kwh"]["source"]
    table = api.summary(db=db, footprint=options)
    (row,) = table.to_pylist()
    assert row["water_l"] == pytest.approx(
        it_energy * WUE_US + energy * ewif(MIX_2023["DE"]), rel=1e-4
    )
    assert not [n for n in api.notes(table) if "water" in n]


def test_water_left_blank_and_said_where_no_ewif_is_known(tmp_path: Path, db: str) -> None:
    write_jobs(
        db,
        [
            # the EU27 has a grid intensity but no mix of its own in codecarbon's file
            job(1, hours=10, gpus=1.0, gpu_model="V100", grid="EU27"),
            job(2, hours=10, gpus=1.0, gpu_model="V100", grid="US", project="q"),
        ],
    )
    options = _config(tmp_path, '[site]\ngrid = "US"\n')
    table = api.summary(db=db, footprint=options)
    rows = {r["project"]: r for r in table.to_pylist()}
    assert rows["p"]["water_l"] is None
    assert rows["q"]["water_l"] is not None and rows["q"]["water_l"] > 0
    (note,) = [n for n in api.notes(table) if n.startswith("water left blank")]
    assert "'EU27'" in note and "ewif_l_per_kwh" in note
    # the CO2e is not held back with it
    assert rows["p"]["co2e_total_kg"] == pytest.approx(
        rows["p"]["co2e_kg"] + rows["p"]["embodied_kg"]
    )
    r = _results(db, "csv:lab:1:0", options)
    assert r["water_l"]["value"] == "(no EWIF)"
    # set for the site, every job has one
    fixed = _config(tmp_path, '[site]\ngrid = "US"\newif_l_per_kwh = 1.0\n')
    assert not [n for n in api.notes(api.summary(db=db, footprint=fixed)) if "water" in n]


def test_co2e_kg_stays_operational(tmp_path: Path, db: str) -> None:
    write_jobs(db, [job(1, hours=10, gpus=2.0, gpu_model="V100", cpus=4.0, mem_gb=8.0)])
    options = _config(tmp_path, "[site]\ncarbon_g_per_kwh = 100\n")
    r = _results(db, "csv:lab:1:0", options)
    energy = float(r["energy_kwh"]["value"])
    assert float(r["co2e_kg"]["value"]) == pytest.approx(energy * 100 / 1000)
    embodied = float(r["embodied_kg"]["value"])
    assert embodied > 0
    assert float(r["co2e_total_kg"]["value"]) == pytest.approx(energy * 100 / 1000 + embodied)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[site]\nlifetime_use = 0\n", "lifetime_use: expected the fraction"),
        ("[site]\nlifetime_use = 1.5\n", "lifetime_use: expected the fraction"),
        ("[site]\nlifetime_years = 0\n", "lifetime_years: expected a number of years"),
        ("[clusters.a]\ngpus_per_server = 0\n", "gpus_per_server: expected"),
        ('[site]\nwue_l_per_kwh = "lake"\n', "wue_l_per_kwh: expected"),
        ("[site]\newif_l_per_kwh = -1\n", "ewif_l_per_kwh: expected"),
        ('[gpus."A100"]\nembodied_kg = -5\n', "embodied_kg: expected a number of kg CO2e"),
    ],
)
def test_bad_embodied_and_water_keys_name_the_key(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        _config(tmp_path, text).settings()


def test_defaults_are_the_sourced_constants() -> None:
    rows = {r["key"]: r for r in api.factors(table="embodied").to_pylist()}
    for key, value in (
        ("gpu_kg", GPU_KG),
        ("server_kg", SERVER_KG),
        ("gpus_per_server", GPUS_PER_SERVER),
        ("lifetime_years", YEARS),
        ("lifetime_use", USE),
        ("cpu_server_kg", CPU_SERVER_KG),
        ("cores_per_server", CORES),
    ):
        assert math.isclose(float(rows[key]["value"]), value), key
        assert rows[key]["source"] and rows[key]["as_of"]
    # about 10.4 g per A100-hour (factors.md 7.1)
    assert round(PER_GPU_HOUR * 1000, 1) == 10.4
