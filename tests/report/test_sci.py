"""``auditor sci``: SCI = (E x I + M) / R per functional unit, every figure written from the
jobs built here and the constants of the config below (ISO/IEC 21031:2024)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from auditor import api
from tests.helpers.cli import run
from tests.helpers.joblog import job, write_jobs
from tests.helpers.series import load_series, write_series

PUE = 1.2
G_PER_KWH = 300.0
GPU_W = 250.0
# embodied: BLOOM's shape with round numbers, so each GPU-hour's share is easy to write
GPU_KG, SERVER_KG, PER_SERVER, YEARS, USE = 100.0, 800.0, 4, 5.0, 0.5
CPU_SERVER_KG, CORES = 1000.0, 50
HOURS_OF_LIFE = YEARS * 8760 * USE
KG_PER_GPU_HOUR = (SERVER_KG / PER_SERVER + GPU_KG) / HOURS_OF_LIFE
KG_PER_CORE_HOUR = CPU_SERVER_KG / CORES / HOURS_OF_LIFE

CONFIG = f"""
[site]
pue = {PUE}
carbon_g_per_kwh = {G_PER_KWH}
electricity_usd_per_kwh = 0.1
mem_w_per_gb = 0
cpu_power_w_per_core = 10
gpu_kg = {GPU_KG}
server_kg = {SERVER_KG}
gpus_per_server = {PER_SERVER}
lifetime_years = {YEARS}
lifetime_use = {USE}
cpu_server_kg = {CPU_SERVER_KG}
cores_per_server = {CORES}

[gpus."V100"]
power_w = {GPU_W}
"""

# (project, sweep, gpus, cpus, hours, tokens)
JOBS = [
    ("nlp", "s1", 2, 0, 3.0, "1000"),
    ("nlp", "s1", 1, 0, 2.0, "3000"),
    ("nlp", "s2", 4, 0, 1.0, None),
    ("cv", None, 0, 8, 5.0, "500"),
]


def energy_kwh(gpus: int, cpus: int, hours: float) -> float:
    return PUE * hours * (gpus * GPU_W + cpus * 10) / 1000


def embodied_kg(gpus: int, cpus: int, hours: float) -> float:
    # a GPU job's share of its server is in the per-GPU-hour figure; CPU-only jobs by cores
    return gpus * hours * KG_PER_GPU_HOUR if gpus else cpus * hours * KG_PER_CORE_HOUR


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, str]:
    base = tmp_path_factory.mktemp("sci")
    db, config = str(base / "a.duckdb"), base / "auditor.toml"
    config.write_text(CONFIG)
    rows = []
    for n, (project, sweep, gpus, cpus, hours, tokens) in enumerate(JOBS):
        rows.append(
            job(
                n,
                project=project,
                sweep=sweep,
                gpus=float(gpus),
                cpus=float(cpus),
                hours=hours,
                gpu_model="V100" if gpus else None,
                tags={"tokens": tokens} if tokens else {},
            )
        )
    write_jobs(db, rows)
    return db, str(config)


def sci_rows(lab: tuple[str, str], **kw: object) -> list[dict[str, object]]:
    db, config = lab
    return api.sci(db=db, footprint=api.FootprintOptions(config=config), **kw).to_pylist()  # type: ignore[arg-type]


def totals(jobs: list[tuple[str, str | None, int, int, float, str | None]]) -> tuple[float, ...]:
    e = sum(energy_kwh(g, c, h) for _, _, g, c, h, _ in jobs)
    m = sum(embodied_kg(g, c, h) for _, _, g, c, h, _ in jobs) * 1000
    return e, e * G_PER_KWH, m


def test_per_run_for_every_job(lab: tuple[str, str]) -> None:
    (row,) = sci_rows(lab, per="run")
    e, o, m = totals(JOBS)
    assert row["unit"] == "run"
    assert row["r"] == len(JOBS)
    assert row["e_kwh"] == pytest.approx(e)
    assert row["o_g"] == pytest.approx(o)
    assert row["i_g_per_kwh"] == pytest.approx(G_PER_KWH)
    assert row["m_g"] == pytest.approx(m)
    assert row["sci_g_per_unit"] == pytest.approx((o + m) / len(JOBS))
    assert row["jobs_without_r"] == 0
    assert "ISO/IEC 21031" in str(row["method"]) and "market-based" in str(row["method"])
    assert "PUE" in str(row["boundary"])


def test_per_gpu_hour_by_project(lab: tuple[str, str]) -> None:
    rows = {r["project"]: r for r in sci_rows(lab, per="gpu_hour", by="project")}
    nlp = [j for j in JOBS if j[0] == "nlp"]
    _, o, m = totals(nlp)
    gpu_hours = 2 * 3.0 + 1 * 2.0 + 4 * 1.0
    assert rows["nlp"]["unit"] == "GPU-hour"
    assert rows["nlp"]["r"] == pytest.approx(gpu_hours)
    assert rows["nlp"]["sci_g_per_unit"] == pytest.approx((o + m) / gpu_hours)
    # a CPU-only project has no GPU-hours: no SCI per GPU-hour, and no division by zero
    assert rows["cv"]["r"] == 0
    assert rows["cv"]["sci_g_per_unit"] is None
    assert rows["cv"]["jobs_without_r"] == 0


def test_per_sweep_counts_sweeps_and_says_which_jobs_have_none(lab: tuple[str, str]) -> None:
    db, config = lab
    table = api.sci(db=db, per="sweep", footprint=api.FootprintOptions(config=config))
    (row,) = table.to_pylist()
    _, o, m = totals(JOBS)
    assert row["r"] == 2  # s1 and s2; the cv job has none
    assert row["jobs_without_r"] == 1
    assert row["sci_g_per_unit"] == pytest.approx((o + m) / 2)
    assert any("1 jobs belong to no sweep" in n for n in api.notes(table))


def test_per_a_number_the_jobs_carry(lab: tuple[str, str]) -> None:
    (row,) = sci_rows(lab, per="tokens")
    _, o, m = totals(JOBS)  # every job's emissions, the unit only where a job has one
    assert row["unit"] == "tokens"
    assert row["r"] == pytest.approx(1000 + 3000 + 500)
    assert row["jobs_without_r"] == 1
    assert row["sci_g_per_unit"] == pytest.approx((o + m) / (1000 + 3000 + 500))


def test_cli_states_boundary_and_method_once(lab: tuple[str, str]) -> None:
    db, config = lab
    code, out, err = run("sci", "--db", db, "--config", config, "--per", "gpu_hour")
    assert code == 0, err
    assert out.count("boundary: ") == 1 and out.count("method: ") == 1
    assert "sci_g_per_unit" in out
    code, out, err = run("sci", "--db", db, "--config", config, "--by", "project", "-f", "json")
    assert code == 0, err
    rows = json.loads(out)
    assert {r["project"] for r in rows} == {"nlp", "cv"}
    assert all("ISO/IEC 21031" in r["method"] for r in rows)


def test_unknown_grouping_is_a_usage_error(lab: tuple[str, str]) -> None:
    db, config = lab
    code, _, err = run("sci", "--db", db, "--config", config, "--by", "colour")
    assert code == 2
    assert "--by 'colour' is not known" in err


def test_an_mlflow_metric_or_param_as_the_unit(tmp_path_factory: pytest.TempPathFactory) -> None:
    """MLflow runs carry metric.NAME (latest value) and param.NAME tags; the exact tag name
    wins, then the metric, then the param; text that is no finite number is no unit."""
    base = tmp_path_factory.mktemp("sci-mlflow")
    db, config = str(base / "a.duckdb"), base / "auditor.toml"
    config.write_text(CONFIG)
    tags = [
        {"metric.samples": "2000", "param.samples": "1"},  # the metric wins over the param
        {"param.samples": "500"},
        {"samples": "7", "metric.samples": "1"},  # the exact name wins
        {"metric.samples": "nan"},
        {"param.samples": "many"},
    ]
    write_jobs(
        db,
        [job(n, gpus=1.0, hours=1.0, gpu_model="V100", tags=t) for n, t in enumerate(tags)],
    )
    (row,) = api.sci(
        db=db, per="samples", footprint=api.FootprintOptions(config=str(config))
    ).to_pylist()
    assert row["r"] == pytest.approx(2000 + 500 + 7)
    assert row["jobs_without_r"] == 2
    e = len(tags) * energy_kwh(1, 0, 1.0)
    m = len(tags) * embodied_kg(1, 0, 1.0) * 1000
    assert row["sci_g_per_unit"] == pytest.approx((e * G_PER_KWH + m) / (2000 + 500 + 7))


def test_intensity_from_a_series_and_the_method_says_which(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    """I is each job's own intensity: a stored series over its run where one covers it; the
    method names the kind of series in force, or the annual factor alone."""
    base = tmp_path_factory.mktemp("sci-series")
    db, config = str(base / "a.duckdb"), base / "auditor.toml"
    config.write_text(CONFIG.replace(f"carbon_g_per_kwh = {G_PER_KWH}", 'grid = "FR"'))
    start = datetime(2024, 3, 1, 10, 15, tzinfo=UTC)
    write_jobs(db, [job(1, gpus=1.0, gpu_model="V100", hours=0.5, start_ts=start,
                        end_ts=start + timedelta(minutes=30))])  # fmt: skip
    hours = [("2024-03-01T10:00:00Z", "FR", 50.0), ("2024-03-01T11:00:00Z", "FR", 70.0)]
    load_series(db, write_series(base / "fr.csv", hours))
    (row,) = api.sci(
        db=db, per="run", footprint=api.FootprintOptions(config=str(config))
    ).to_pylist()
    assert row["i_g_per_kwh"] == pytest.approx(50.0)  # the run lies inside 10:00-11:00
    assert row["o_g"] == pytest.approx(energy_kwh(1, 0, 0.5) * 50.0)
    assert "stored average series" in str(row["method"])
    config.write_text(
        config.read_text().replace('grid = "FR"', 'grid = "FR"\nintensity = "annual"')
    )
    (row,) = api.sci(
        db=db, per="run", footprint=api.FootprintOptions(config=str(config))
    ).to_pylist()
    assert "series" not in str(row["method"]) and "annual average" in str(row["method"])
