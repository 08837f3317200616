"""User-controlled text (names, accounts, job names) comes out as text in every format and
never reaches SQL as code."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from auditor import api
from auditor.cli import app
from auditor.output import FORMATS

# any power and intensity will do: these tests are about names
ANY_FACTORS = api.FootprintOptions(default_gpu_power_w=300.0, default_carbon_g_per_kwh=400.0)
ANY_FACTOR_OPTIONS = ["--default-gpu-power", "300", "--default-carbon", "400"]

NASTY = [
    "'; DROP TABLE jobs; --",
    "<img src=x onerror=alert(1)>",
    'quote " and \\ back',
    "semi;colon,comma",
    "ünïcødé 日本",
]


@pytest.fixture
def nasty_db(tmp_path: Path) -> str:
    dump = tmp_path / "nasty.psv"
    lines = ["JobID|User|Account|Partition|ElapsedRaw|AllocTRES|JobName"]
    for i, name in enumerate(NASTY, start=1):
        lines.append(f"{i}|{name}|{name}|{name}|3600|gres/gpu={i}|{name}")
    dump.write_text("\n".join(lines) + "\n", encoding="utf-8")
    db = str(tmp_path / "n.duckdb")
    api.ingest_slurm([str(dump)], db=db, tz="UTC")
    return db


def test_names_survive_as_data(nasty_db: str) -> None:
    table = api.summary(db=nasty_db, by="project", footprint=ANY_FACTORS)
    assert sorted(table.column("project").to_pylist()) == sorted(NASTY)
    assert api.summary(db=nasty_db, by="user", footprint=ANY_FACTORS).num_rows == len(
        NASTY
    )  # table still there
    gpu_hours = dict(
        zip(table.column("project").to_pylist(), table.column("gpu_hours").to_pylist(), strict=True)
    )
    for i, name in enumerate(NASTY, start=1):
        assert gpu_hours[name] == i * 3600 / 3600


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_every_format_keeps_the_text(nasty_db: str, fmt: str) -> None:
    result = CliRunner().invoke(
        app, ["summary", "--db", nasty_db, "--by", "user", "--format", fmt, *ANY_FACTOR_OPTIONS]
    )
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    if fmt == "json":
        assert sorted(r["user"] for r in json.loads(out)) == sorted(NASTY)
    elif fmt == "csv":
        assert sorted(r["user"] for r in csv.DictReader(io.StringIO(out))) == sorted(NASTY)
    elif fmt == "html":
        assert "<img src=x" not in out and "&lt;img src=x onerror=alert(1)&gt;" in out
    elif fmt == "markdown":
        cells = [line.split(" | ")[0].removeprefix("| ") for line in out.splitlines()[2:]]
        unescaped = [c.replace("\\|", "|").replace("\\\\", "\\") for c in cells]
        assert sorted(unescaped) == sorted(NASTY)
    else:
        for name in NASTY:
            assert name in out


def test_grouping_regex_is_a_value_not_sql(nasty_db: str, tmp_path: Path) -> None:
    dump = tmp_path / "one.psv"
    dump.write_text(
        "JobID|ElapsedRaw|AllocTRES|JobName\n1|60|gres/gpu=1|x'); DROP TABLE jobs; --\n"
    )
    api.ingest_slurm([str(dump)], db=nasty_db, tz="UTC", project_from="jobname:(.*')")
    projects = api.summary(db=nasty_db, by="project", footprint=ANY_FACTORS).column("project")
    assert "x'" in projects.to_pylist()
