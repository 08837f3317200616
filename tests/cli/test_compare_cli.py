"""auditor compare on the command line: columns, notes on stderr, errors as one line."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from tests.helpers.cli import run
from tests.helpers.db import db_state
from tests.helpers.joblog import job, write_jobs
from tests.helpers.paths import ROOT

PUE11 = str(ROOT / "fixtures" / "scenarios" / "pue11.toml")


@pytest.fixture
def lab(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[str, str]:
    monkeypatch.chdir(tmp_path)
    db = str(tmp_path / "lab.duckdb")
    write_jobs(db, [job(1, power_w=1000, hours=2), job(2, power_w=500, project="q")])
    config = tmp_path / "site.toml"
    config.write_text("[site]\npue = 1.5\ncarbon_g_per_kwh = 400\n")
    return db, str(config)


def test_compare_csv(lab: tuple[str, str]) -> None:
    db, config = lab
    code, out, err = run(
        "compare", "current", PUE11, "--db", db, "--config", config, "--format", "csv"
    )
    assert code == 0, err
    rows = {r["project"]: r for r in csv.DictReader(io.StringIO(out))}
    assert float(rows["p"]["energy_kwh@current"]) == pytest.approx(1.5 * 2)
    assert float(rows["p"]["energy_kwh@pue11"]) == pytest.approx(1.1 * 2)
    assert float(rows["q"]["co2e_kg@pue11_delta"]) == pytest.approx((1.1 - 1.5) * 0.5 * 0.4)
    assert rows["q"]["jobs"] == "1" and "jobs@current" not in rows["q"]


def test_compare_by_run_and_project(lab: tuple[str, str]) -> None:
    db, config = lab
    code, out, err = run(
        "compare", "current", PUE11, "--by", "run", "--project", "p",
        "--db", db, "--config", config, "-f", "csv",
    )  # fmt: skip
    assert code == 0, err
    assert [r["run"] for r in csv.DictReader(io.StringIO(out))] == ["p/1"]


@pytest.mark.parametrize(
    ("args", "code", "said"),
    [
        (["preset:nope"], 3, "auditor: error: unknown preset 'nope'. Try one of: strubell2019."),
        (["current", "current"], 2, "auditor: error: two scenarios are named 'current'"),
        (["gone.toml"], 3, "auditor: error: gone.toml: no such config file."),
    ],
)
def test_compare_errors(lab: tuple[str, str], args: list[str], code: int, said: str) -> None:
    db, config = lab
    before = db_state(db)
    got, out, err = run("compare", *args, "--db", db, "--config", config)
    assert (got, out) == (code, "")
    assert err.startswith(said) and len(err.strip().splitlines()) == 1
    assert db_state(db) == before


def test_compare_bad_toml_names_file_and_line(lab: tuple[str, str], tmp_path: Path) -> None:
    db, config = lab
    bad = tmp_path / "bad.toml"
    bad.write_text("[scenario]\npue = 1.1\ngrid = FR\n")
    code, out, err = run("compare", "current", str(bad), "--db", db, "--config", config)
    assert (code, out) == (3, "")
    assert err.startswith(f"auditor: error: {bad}:3: not valid TOML: ")
