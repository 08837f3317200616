"""DuckDB for every auditor connection: the memory and temporary-disk limits it runs under,
an in-memory connection for parsing, and the user's sentences for running out of either.

The store and the importers both build on it, and it imports neither.
"""

from __future__ import annotations

import os

import duckdb

from auditor.errors import ConfigError, LimitError


def memory_limit() -> str:
    """DuckDB's memory limit for every auditor connection: ``$AUDITOR_MEMORY_LIMIT``, 1GB."""
    return os.environ.get("AUDITOR_MEMORY_LIMIT", "1GB")


def resource_settings() -> dict[str, str]:
    """DuckDB's memory limit, spill directory and spill cap for every auditor connection, from
    ``$AUDITOR_MEMORY_LIMIT`` (default 1GB), ``$AUDITOR_TMPDIR`` (default the system's
    temporary directory) and ``$AUDITOR_TMPDIR_MAX`` (default DuckDB's: most of the free disk)."""
    import tempfile

    settings = {
        "memory_limit": memory_limit(),
        "temp_directory": os.environ.get("AUDITOR_TMPDIR") or tempfile.gettempdir(),
    }
    if cap := os.environ.get("AUDITOR_TMPDIR_MAX"):
        settings["max_temp_directory_size"] = cap
    return settings


def resource_error(exc: duckdb.Error) -> ConfigError:
    """The user's sentence for a resource setting DuckDB refused."""
    return ConfigError(
        f"AUDITOR_MEMORY_LIMIT={memory_limit()!r} or AUDITOR_TMPDIR_MAX="
        f"{os.environ.get('AUDITOR_TMPDIR_MAX', '')!r} is not a size "
        f"({str(exc).splitlines()[0]}). Use a size such as 1GB."
    )


def parse_connection() -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB for an importer's parsing, bounded in memory: past the limit it
    spills to a temporary directory instead of running the machine out of memory on a large
    export (resource_settings)."""
    config: dict[str, str | bool | int | float | list[str]] = {**resource_settings()}
    try:
        con = duckdb.connect(config=config)
    except duckdb.Error as exc:
        raise resource_error(exc) from None
    quiet(con)
    return con


def quiet(con: duckdb.DuckDBPyConnection) -> None:
    """No progress bar: DuckDB draws one on stdout during a query longer than 2 s, and it
    would land among the data of a summary piped to a file (`--format csv > out.csv`)."""
    con.execute("SET enable_progress_bar = false")


def limit_error(
    exc: duckdb.Error, task: str = "parse this input", fewer: str = "ingest fewer files at once"
) -> LimitError:
    """The user's sentence for DuckDB running out of memory or of temporary disk space while
    it does ``task``; ``fewer`` says how to ask it for less."""
    first = str(exc).splitlines()[0]
    text = first.lower()
    if (isinstance(exc, duckdb.OutOfMemoryException) or "out of memory" in text) and not (
        "offload" in text or "temp" in text or "space" in text
    ):
        return LimitError(
            f"not enough memory to {task} ({first}). Raise AUDITOR_MEMORY_LIMIT "
            "(now " + memory_limit() + f"), or {fewer}."
        )
    where = resource_settings()["temp_directory"]
    cap = os.environ.get("AUDITOR_TMPDIR_MAX")
    return LimitError(
        f"ran out of temporary disk space in {where}"
        + (f" (AUDITOR_TMPDIR_MAX={cap})" if cap else "")
        + f" ({first}). Free disk space, point AUDITOR_TMPDIR at a larger disk, or raise "
        "AUDITOR_MEMORY_LIMIT so less is spilled."
    )
