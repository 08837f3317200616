"""GPU model names: one normalised key per family, the same in SQL and in Python."""

from __future__ import annotations

from functools import cache

import duckdb

from auditor import sql


@cache
def _con() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    sql.define_macros(con)
    return con


def gpu_key(name: str | None) -> str | None:
    """The family key of a GPU model name: ``'NVIDIA A100 80GB PCIe'`` -> ``'a100'``."""
    row = _con().execute(sql.query("store/gpu_key"), {"name": name}).fetchone()
    return None if row is None else row[0]
