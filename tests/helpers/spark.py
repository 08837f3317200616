"""What the tests of ``--engine spark`` share: Java and pyspark or a skip, and lakes to sum."""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

import pytest

from auditor import api
from scripts import bench
from scripts.java import install_java
from scripts.report_fixture import CONFIG, ROOT


def need_spark() -> None:
    """Skip unless pyspark and Java are there (Java installed from Debian's packages under
    CI=true as root); under CI=true a missing one fails instead, so CI cannot pass without
    these tests."""
    why = ""
    if importlib.util.find_spec("pyspark") is None:
        why = "pyspark is not installed: pip install 'auditor[spark]' (make test does)"
    else:
        _, why = install_java()
    if why:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true, but Spark cannot run: {why}")
        pytest.skip(why)


def export(db: str, lake: Path) -> str:
    """``db`` exported to the lake ``lake`` with the example config; the lake's path."""
    cwd = Path.cwd()
    os.chdir(ROOT)  # the config's path shows in factor sources as given
    try:
        api.export_lake(str(lake), db=db, footprint=api.FootprintOptions(config=CONFIG))
    finally:
        os.chdir(cwd)
    return str(lake)


def synthetic_db(work: Path, jobs: int) -> str:
    """A database of ``jobs`` synthetic GPU-cluster jobs: the bench's sacct dump, ingested."""
    dump = work / f"sacct-{jobs}.txt"
    bench.generate(dump, jobs)
    db = str(work / f"synthetic-{jobs}.duckdb")
    api.ingest_slurm([str(dump)], db=db, tz="UTC")
    dump.unlink()
    return db
