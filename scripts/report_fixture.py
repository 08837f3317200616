"""The database the report tests, the golden files and the README screenshot are made from.

Every bundled source is one entry of ``INGESTS``: adding a source (a CSV log, say) is one
more line there, followed by ``make golden`` to refresh the golden files.
"""

from __future__ import annotations

import gzip
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

from auditor import api

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
CONFIG = "examples/auditor.toml"  # relative to ROOT: factor sources name it as given


def _slurm(*patterns: str) -> Callable[[str, Path], None]:
    def ingest(db: str, _scratch: Path) -> None:
        files = sorted(str(p) for pattern in patterns for p in FIXTURES.glob(pattern))
        api.ingest_slurm(files, db=db, tz="UTC")

    return ingest


def _mlflow_sqlite(gz: str) -> Callable[[str, Path], None]:
    def ingest(db: str, scratch: Path) -> None:
        store = scratch / Path(gz).stem  # the store is read in place, so unpack a copy
        with gzip.open(FIXTURES / gz, "rb") as src, store.open("wb") as dst:
            shutil.copyfileobj(src, dst)
        api.ingest_mlflow(db=db, tracking_uri=f"sqlite:///{store}")

    return ingest


def _csv(name: str) -> Callable[[str, Path], None]:
    def ingest(db: str, _scratch: Path) -> None:
        api.ingest_csv([str(FIXTURES / name)], db=db)

    return ingest


INGESTS: list[tuple[str, Callable[[str, Path], None]]] = [
    ("slurm dumps", _slurm("slurm/*.psv", "slurm/*.json")),
    ("LISA job log", _csv("lisa/lisa.csv")),
    ("mlflow store", _mlflow_sqlite("mlflow/mlflow-2.22.db.gz")),
    ("slurm jobs of the mlflow runs", _slurm("mlflow/slurm-jobs.psv")),
    # steps with gres/gpuutil and jobstats summaries: GPUs used, idle and not measured
    ("slurm dump with GPU use", _slurm("slurm/gpu-use/sacct.psv")),
]


def build_db(path: str) -> str:
    """A fresh database at ``path`` with every bundled source ingested; returns ``path``."""
    Path(path).unlink(missing_ok=True)
    with tempfile.TemporaryDirectory(prefix="auditor-report-") as scratch:
        for _name, ingest in INGESTS:
            ingest(path, Path(scratch))
    return path
