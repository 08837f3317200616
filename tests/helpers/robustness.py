"""What several robustness tests share."""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import duckdb

from auditor.errors import InputError
from scripts import bench
from tests.helpers.db import db_state


def bench_module() -> ModuleType:
    """scripts/bench.py, for its synthetic sacct dump generator."""
    return bench


def check_outcome(db: str, path: Path, before: list[Any], run: Callable[[], object]) -> None:
    """``run`` either ingests sane jobs or fails with one ``FILE:...`` sentence and the
    database as it was ``before``."""
    try:
        run()
    except InputError as exc:
        text = str(exc)
        assert text.startswith(str(path)), text
        assert "\n" not in text
        assert db_state(db) == before
        return
    con = duckdb.connect(db, read_only=True)
    try:
        for elapsed, gpus in con.execute("SELECT elapsed_s, gpus FROM jobs").fetchall():
            assert elapsed is not None and math.isfinite(elapsed) and elapsed >= 0
            assert gpus is not None and math.isfinite(gpus) and gpus >= 0
    finally:
        con.close()
