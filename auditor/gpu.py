"""GPU model names: one normalised key per family, the same in SQL and in Python."""

from __future__ import annotations

from functools import cache

import duckdb

from auditor import sql


def define_macros(con: duckdb.DuckDBPyConnection) -> None:
    """Define the package's SQL macros (``gpu_key`` ...) on ``con``."""
    con.execute(sql.query("macros"))


def define_temp_macros(con: duckdb.DuckDBPyConnection) -> None:
    """The same macros as temp macros: a read-only store can hold those, not others."""
    con.execute(
        sql.query("macros").replace("CREATE OR REPLACE MACRO", "CREATE OR REPLACE TEMP MACRO")
    )


@cache
def _con() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    define_macros(con)
    return con


def gpu_key(name: str | None) -> str | None:
    """The family key of a GPU model name: ``'NVIDIA A100 80GB PCIe'`` -> ``'a100'``."""
    row = _con().execute("SELECT gpu_key(?)", [name]).fetchone()
    return None if row is None else row[0]
