"""Shared test helpers: real DuckDB files in tmp_path, fixtures from fixtures/."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb
import pytest

from tests.report_fixture import build_db

ROOT = Path(__file__).resolve().parent.parent
SLURM = ROOT / "fixtures" / "slurm"


@pytest.fixture(scope="session")
def bundled(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The database of every bundled fixture (tests/report_fixture.py); read it, never write."""
    return build_db(str(tmp_path_factory.mktemp("bundled") / "bundled.duckdb"))


@pytest.fixture
def at_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)  # the config's path shows in factor sources as given


@pytest.fixture
def db(tmp_path: Path) -> str:
    return str(tmp_path / "test.duckdb")


def job_rows(db_path: str, where: str = "true") -> dict[str, dict[str, Any]]:
    """Stored jobs keyed by run (JobID as printed), straight from the jobs table."""
    con = duckdb.connect(db_path, read_only=True)
    try:
        cur = con.execute(
            "SELECT * EXCLUDE (submit_ts, start_ts, end_ts), epoch(start_ts) AS start_epoch, "
            "epoch(end_ts) AS end_epoch, epoch(submit_ts) AS submit_epoch "
            "FROM jobs WHERE " + where + " ORDER BY uid"
        )
        names = [d[0] for d in cur.description]
        out: dict[str, dict[str, Any]] = {}
        for row in cur.fetchall():
            rec = dict(zip(names, row, strict=True))
            rec["tags"] = dict(rec["tags"] or {})
            key = rec["run"]
            while key in out:  # requeued jobs share a JobID
                key += "'"
            out[key] = rec
        return out
    finally:
        con.close()


def db_state(db_path: str) -> list[tuple[Any, ...]]:
    """Everything a test may compare to prove the database did not change."""
    if not Path(db_path).exists():
        return []
    con = duckdb.connect(db_path, read_only=True)
    try:
        jobs = con.execute("SELECT uid, state, elapsed_s FROM jobs ORDER BY uid").fetchall()
        ingests = con.execute("SELECT count(*) FROM ingests").fetchall()
        return jobs + ingests
    finally:
        con.close()
