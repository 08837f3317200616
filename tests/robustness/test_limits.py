"""Clear limits: a dump larger than the parse memory ingests by spilling to disk; too little
memory or temporary disk is one sentence with exit 6 and the database unchanged."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from auditor import api
from auditor.errors import ExitCode
from tests.helpers.db import db_state
from tests.helpers.paths import ROOT
from tests.helpers.robustness import bench_module

JOBS = 100_000


@pytest.fixture(scope="module")
def big_dump(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("limits") / "big.psv"
    bench_module().generate(path, JOBS)
    return path


def _ingest(db: Path, dump: Path, tmp: Path, **env: str) -> subprocess.CompletedProcess[str]:
    spill = tmp / "spill"
    spill.mkdir(exist_ok=True)
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "auditor",
            "ingest",
            "slurm",
            "--db",
            str(db),
            "--tz=UTC",
            str(dump),
        ],
        capture_output=True,
        text=True,
        env={**os.environ, "AUDITOR_TMPDIR": str(spill), **env},
        check=False,
    )


def test_dump_larger_than_memory_ingests(big_dump: Path, tmp_path: Path) -> None:
    limit_mb = 48
    assert big_dump.stat().st_size > limit_mb * 1024 * 1024
    db = tmp_path / "a.duckdb"
    done = _ingest(db, big_dump, tmp_path, AUDITOR_MEMORY_LIMIT=f"{limit_mb}MB")
    assert done.returncode == 0, done.stderr
    assert f"{JOBS} jobs added" in done.stderr
    assert api.jobs(db=str(db)).num_rows == JOBS


def _seeded(tmp_path: Path) -> tuple[Path, list[tuple[object, ...]]]:
    db = tmp_path / "seed.duckdb"
    api.ingest_slurm([str(ROOT / "fixtures" / "slurm" / "hetjob.psv")], db=str(db), tz="UTC")
    return db, db_state(str(db))


def test_too_little_memory_is_one_sentence(big_dump: Path, tmp_path: Path) -> None:
    db, before = _seeded(tmp_path)
    done = _ingest(db, big_dump, tmp_path, AUDITOR_MEMORY_LIMIT="16MB")
    assert done.returncode == ExitCode.LIMIT
    assert done.stderr.startswith("auditor: error: not enough memory")
    assert "AUDITOR_MEMORY_LIMIT (now 16MB)" in done.stderr
    assert "Traceback" not in done.stderr
    assert db_state(str(db)) == before


def test_temporary_disk_fills_up(big_dump: Path, tmp_path: Path) -> None:
    db, before = _seeded(tmp_path)
    done = _ingest(db, big_dump, tmp_path, AUDITOR_MEMORY_LIMIT="24MB", AUDITOR_TMPDIR_MAX="2MB")
    assert done.returncode == ExitCode.LIMIT
    assert "ran out of temporary disk space in" in done.stderr
    assert "AUDITOR_TMPDIR_MAX=2MB" in done.stderr
    assert "Traceback" not in done.stderr
    assert db_state(str(db)) == before


@pytest.mark.parametrize("variable", ["AUDITOR_MEMORY_LIMIT", "AUDITOR_TMPDIR_MAX"])
def test_a_size_that_is_not_one(variable: str, tmp_path: Path) -> None:
    db, before = _seeded(tmp_path)
    dump = ROOT / "fixtures" / "slurm" / "arrays.psv"
    done = _ingest(db, dump, tmp_path, **{variable: "lots"})
    assert done.returncode == ExitCode.CONFIG
    assert done.stderr.startswith("auditor: error: AUDITOR_MEMORY_LIMIT=")
    assert "is not a size" in done.stderr and "Traceback" not in done.stderr
    assert db_state(str(db)) == before
    # every command's connection takes the same settings
    read = subprocess.run(
        [sys.executable, "-m", "auditor", "summary", "--db", str(db)],
        capture_output=True,
        text=True,
        env={**os.environ, variable: "lots"},
        check=False,
    )
    assert read.returncode == ExitCode.CONFIG and "is not a size" in read.stderr


def test_no_progress_bar_among_the_data(tmp_path: Path) -> None:
    """DuckDB draws a progress bar on stdout during a query longer than 2 s: every connection
    auditor opens turns it off, so a summary piped to a file holds only the data."""
    from auditor.duck import parse_connection
    from auditor.store import Store

    db = str(tmp_path / "a.duckdb")
    with Store(db) as store:
        assert store.con.execute("SELECT current_setting('enable_progress_bar')").fetchone() == (
            False,
        )
    with Store(db, read_only=True) as store:
        assert store.con.execute("SELECT current_setting('enable_progress_bar')").fetchone() == (
            False,
        )
    con = parse_connection()
    assert con.execute("SELECT current_setting('enable_progress_bar')").fetchone() == (False,)
