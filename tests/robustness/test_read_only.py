"""Inputs are only read: every bundled dump and log hashes the same after its ingest, and
the ingest leaves no new file beside it."""

from __future__ import annotations

import hashlib
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from auditor import api
from tests.helpers.paths import ROOT


def _tree(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


INGESTS: list[tuple[str, str, Callable[[list[str], str], object]]] = [
    ("slurm", "*", lambda files, db: api.ingest_slurm(files, db=db, tz="UTC")),
    ("lisa", "*.csv", lambda files, db: api.ingest_csv(files, db=db)),
    ("csv", "*.csv", lambda files, db: api.ingest_csv(files, db=db)),
]


@pytest.mark.parametrize(("folder", "pattern", "ingest"), INGESTS, ids=[i[0] for i in INGESTS])
def test_inputs_are_never_modified(
    folder: str, pattern: str, ingest: Callable[[list[str], str], object], tmp_path: Path
) -> None:
    inputs = tmp_path / "in"
    shutil.copytree(ROOT / "fixtures" / folder, inputs)
    files = sorted(str(p) for p in inputs.glob(pattern) if p.suffix in {".psv", ".json", ".csv"})
    assert files
    before = _tree(inputs)
    ingest(files, str(tmp_path / "a.duckdb"))
    assert _tree(inputs) == before
