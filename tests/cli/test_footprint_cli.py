"""The footprint commands on the Slurm fixtures, through typer's CliRunner: summary, explain,
factors and rnd-table with --preset strubell2019 and with a config file, and their failures."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from auditor.errors import ExitCode
from tests.helpers.cli import run
from tests.helpers.joblog import job, write_jobs
from tests.helpers.paths import SLURM

EXAMPLE = str(SLURM.parent.parent / "examples" / "auditor.toml")
FIGURES = ("energy_kwh", "co2e_kg", "electricity_cost_usd")


@pytest.fixture
def fixtures_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """Every sacct fixture with a header, ingested; run from an empty directory."""
    monkeypatch.chdir(tmp_path)
    db = str(tmp_path / "fixtures.duckdb")
    dumps = sorted(str(p) for p in SLURM.glob("*.psv")) + sorted(
        str(p) for p in SLURM.glob("*.json")
    )
    code, _, err = run("ingest", "slurm", "--db", db, "--tz", "UTC", *dumps)
    assert code == 0, err
    return db


def test_preset_alone_names_every_missing_factor(fixtures_db: str) -> None:
    code, out, err = run("summary", "--db", fixtures_db, "--preset", "strubell2019")
    assert code == ExitCode.MISSING_FACTOR and out == ""
    assert err.startswith("auditor: error: jobs of cluster 'c2' have GPUs but neither")
    assert "1g.10gb" not in err  # a MIG slice of the A100 the profile table names
    assert "[partitions.gpu]\n    gpu_model = " in err
    assert "--default-gpu-power W" in err
    assert "no grid region" not in err  # the preset gives the intensity


def test_preset_with_default_gpu_power(fixtures_db: str) -> None:
    code, out, err = run(
        "summary",
        "--db",
        fixtures_db,
        "--preset",
        "strubell2019",
        "--default-gpu-power",
        "250",
        "--units",
        "lb",
        "--format",
        "json",
    )
    assert code == 0, err
    data = json.loads(out)
    for r in data:  # json keeps 6 decimals
        assert r["co2e_lb"] == pytest.approx(r["co2e_kg"] / 0.45359237, abs=2e-6)
    assert sum(r["default_gpu_power_jobs"] for r in data) > 0
    assert "auditor: default GPU power 250 W used for " in err


def test_config_file_summary_is_clean_csv(fixtures_db: str) -> None:
    code, out, err = run(
        "summary", "--db", fixtures_db, "--config", EXAMPLE, "--by", "project", "--format", "csv"
    )
    assert code == 0, err
    rows = list(csv.DictReader(io.StringIO(out)))
    assert {r["project"] for r in rows} >= {"nlp", "vision", "chem"}
    for r in rows:
        assert all(float(r[f]) >= 0 for f in FIGURES)
    # the only things left to say: jobs still running are not in the totals, the MIG slice
    # named alone is read as 1/7 of an A100 (the Canadian clusters' water is known) and the
    # example config sets no server price for an owned-hardware cost
    lines = err.splitlines()
    assert len(lines) == 3
    assert any(line.startswith("auditor: owned_cost_usd left blank") for line in lines)
    assert "water left blank" not in err
    assert all(float(r["water_l"]) > 0 for r in rows)
    assert any("jobs are still running and not in these totals" in line for line in lines)
    assert "MIG profile '1g.10gb' named without its GPU read as a slice of 'a100'" in err


def test_config_in_working_directory_is_used(fixtures_db: str, tmp_path: Path) -> None:
    (tmp_path / "auditor.toml").write_text(Path(EXAMPLE).read_text())
    code, out, err = run("summary", "--db", fixtures_db, "--format", "json")
    assert code == 0, err
    assert all("energy_kwh" in r for r in json.loads(out))


def test_explain_a_fixture_job(fixtures_db: str) -> None:
    code, out, err = run("explain", "7001", "--db", fixtures_db, "--config", EXAMPLE)
    assert code == 0, err
    assert "partitions.gpu" in out  # the model came from [partitions.gpu]
    assert "modeled: pue x hours x" in out
    code, out, err = run(
        "explain", "7001", "--db", fixtures_db, "--preset", "strubell2019", "--format", "json"
    )
    assert code == ExitCode.MISSING_FACTOR and out == ""
    code, out, _ = run(
        "explain",
        "7001",
        "--db",
        fixtures_db,
        "--preset",
        "strubell2019",
        "--default-gpu-power",
        "300",
        "--format",
        "json",
    )
    rows = {r["item"]: r for r in json.loads(out)}
    assert rows["gpu_power_w"]["source"] == "default: --default-gpu-power"


def test_rnd_table_on_fixtures(fixtures_db: str) -> None:
    code, out, err = run(
        "rnd-table", "--project", "vision", "--db", fixtures_db, "--config", EXAMPLE, "-f", "json"
    )
    assert code == 0, err
    rows = json.loads(out)
    assert [r["scope"] for r in rows] == ["model", "tune", "project"]
    assert rows[1]["name"] == "vision/7000" and rows[2]["models"] == 4
    assert "model: run " in err and "tune: sweep vision/7000" in err
    code, out, err = run(
        "rnd-table",
        "--project",
        "vision",
        "--db",
        fixtures_db,
        "--preset",
        "strubell2019",
        "--default-gpu-power",
        "250",
        "--format",
        "markdown",
    )
    assert code == 0, err
    assert out.startswith("| scope | name | models | gpu_hours |")


def test_factors_command(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    code, out, err = run("factors", "--preset", "strubell2019", "--table", "setting")
    assert code == 0 and err == ""
    assert "[site] pue" in out and "1.58" in out
    code, out, _ = run("factors", "--config", EXAMPLE, "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    keys = {(r["factor"], r["key"]) for r in rows}
    assert ("setting", "[clusters.mila] grid") in keys
    assert ("gpu_power", "k80") in keys and ("grid_intensity", "CAMX") in keys


def test_bad_config_exits_3_and_names_file_and_key(fixtures_db: str, tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("[site]\npue = 'high'\n")
    for command in (
        ("summary", "--db", fixtures_db),
        ("explain", "7001", "--db", fixtures_db),
        ("rnd-table", "--project", "vision", "--db", fixtures_db),
        ("factors",),
    ):
        code, out, err = run(*command, "--config", str(bad))
        assert code == ExitCode.CONFIG and out == ""
        assert err.startswith(f"auditor: error: {bad}: [site] pue: expected a number >= 1")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("summary", "--units", "stone"), "--units 'stone' is not known. Try one of: kg, lb"),
        (("explain", "nope"), "no job with uid, job id or run 'nope'"),
        (("rnd-table", "--project", "nope"), "no counted jobs in project 'nope'"),
    ],
)
def test_usage_errors(fixtures_db: str, args: tuple[str, ...], message: str) -> None:
    code, out, err = run(*args, "--db", fixtures_db, "--preset", "strubell2019")
    assert code == ExitCode.USAGE and out == ""
    assert err.startswith("auditor: error: " + message)


def test_unknown_preset(fixtures_db: str) -> None:
    code, out, err = run("summary", "--db", fixtures_db, "--preset", "paper")
    assert code == ExitCode.CONFIG and out == ""
    assert err == "auditor: error: unknown preset 'paper'. Try one of: strubell2019.\n"


def test_factors_unknown_table() -> None:
    code, out, err = run("factors", "--table", "colour")
    assert code == ExitCode.USAGE and out == ""
    assert "Try one of: setting, gpu_power" in err


def test_summary_by_user_is_an_efficiency_table(tmp_path: Path) -> None:
    db = str(tmp_path / "use.duckdb")
    write_jobs(
        db,
        [
            job(1, hours=3, gpus=2, gpu_model="V100", gpu_util=0.6, user_name="ann"),
            job(2, hours=4, gpus=1, gpu_model="V100", gpu_util=0.01, user_name="bo"),
        ],
    )
    code, out, err = run(
        "summary", "--db", db, "--by", "user", "--format", "csv", "--preset", "strubell2019"
    )
    assert code == 0, err
    rows = {r["user"]: r for r in csv.DictReader(io.StringIO(out))}
    assert float(rows["ann"]["gpu_util"]) == pytest.approx(0.6)
    assert float(rows["ann"]["unused_gpu_hours"]) == pytest.approx(6 * (1 - 0.6))
    assert float(rows["bo"]["idle_gpu_hours"]) == pytest.approx(4)
    bo_kwh = 1.58 * 4 * (35 + 0.01 * (300 - 35)) / 1000  # V100: 35 W idle, 300 W board
    assert float(rows["bo"]["idle_energy_kwh"]) == pytest.approx(bo_kwh, abs=1e-6)
    assert float(rows["bo"]["energy_kwh"]) == pytest.approx(bo_kwh, abs=1e-6)


def test_idle_power_above_board_power_is_a_config_error(tmp_path: Path) -> None:
    config = tmp_path / "bad.toml"
    config.write_text('[gpus."V100"]\nidle_power_w = 350\n')
    code, out, err = run("factors", "--config", str(config))
    assert code == ExitCode.CONFIG and out == ""
    assert err.startswith(f'auditor: error: {config}: [gpus."V100"] idle_power_w: 350 W is')
    assert len(err.strip().splitlines()) == 1
