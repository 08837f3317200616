"""The DuckDB database: the only module that writes to it.

A store is one DuckDB file (``auditor.duckdb`` by default). Every ingest runs in one
transaction: either all its rows land, or the database is exactly as before.
"""

from __future__ import annotations

import json
import logging
import os
import re
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any

import duckdb
import pyarrow as pa

from auditor import sql
from auditor.errors import ConfigError, StoreError
from auditor.schema import JOB_COLUMNS, JOB_SCHEMA

DEFAULT_DB = "auditor.duckdb"
log = logging.getLogger("auditor")


def default_db_path() -> str:
    """``$AUDITOR_DB`` if set, else ``auditor.duckdb`` in the working directory."""
    return os.environ.get("AUDITOR_DB") or DEFAULT_DB


@dataclass(frozen=True)
class Relation:
    """Canonical job rows as a view on an importer's own connection (an in-memory DuckDB).
    The store attaches its database to that connection and inserts the rows in place, with
    no copy through Arrow; the importer still writes nothing."""

    con: duckdb.DuckDBPyConnection
    view: str
    # DuckDB settings in force while the view is read, and only then (the store's own
    # queries after it plan as usual)
    settings: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class IngestReport:
    ingest_id: int
    rows_read: int
    jobs_added: int
    jobs_updated: int
    rows_skipped: int


def lock_wait_seconds() -> float:
    """How long to wait for another auditor to release the database: $AUDITOR_LOCK_WAIT, 60."""
    try:
        return max(0.0, float(os.environ.get("AUDITOR_LOCK_WAIT", "60")))
    except ValueError:
        return 60.0


# The name of a database attached to an importer's connection (Store(..., attach_to=...)).
ATTACHED = "auditor_store"


def _connect(
    path: str,
    read_only: bool,
    wait_s: float,
    on_wait: Callable[[str], None] | None,
    attach_to: duckdb.DuckDBPyConnection | None = None,
) -> duckdb.DuckDBPyConnection:
    deadline = time.monotonic() + wait_s
    told = False
    while True:
        try:
            if attach_to is None:
                return duckdb.connect(path, read_only=read_only)
            attach_to.execute(f"ATTACH ? AS {ATTACHED}", [path])
            attach_to.execute(f"USE {ATTACHED}")
            # the importer's macros stay in its own in-memory database
            attach_to.execute(f"SET search_path = '{ATTACHED}.main,memory.main'")
            return attach_to
        except duckdb.IOException as exc:
            text = str(exc)
            if "lock" not in text.lower():
                raise StoreError(
                    f"{path}: cannot open the database: {text.splitlines()[0]}"
                ) from None
            holder = re.search(r"PID (\d+)", text)
            who = f" (process {holder.group(1)})" if holder else ""
            if time.monotonic() >= deadline:
                raise StoreError(
                    f"{path}: the database is in use by another auditor{who}. "
                    "Wait for it to finish, or use another --db."
                ) from None
            if on_wait and not told:
                on_wait(f"{path} is in use by another auditor{who}; waiting for it")
                told = True
            time.sleep(0.25)
        except duckdb.Error as exc:
            first = str(exc).splitlines()[0]
            raise StoreError(
                f"{path}: not a usable auditor database ({first}). Use another --db."
            ) from None


class Store:
    """An open auditor database. Use as a context manager."""

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        read_only: bool = False,
        wait_s: float | None = None,
        on_wait: Callable[[str], None] | None = None,
        attach_to: duckdb.DuckDBPyConnection | None = None,
    ) -> None:
        """Open (or create) the database. Another process writing to it is waited for, up to
        ``wait_s`` seconds (default: lock_wait_seconds()), telling ``on_wait`` once. With
        ``attach_to`` (an importer's connection, see Relation) the database is attached to
        that connection, which stays its owner's to close."""
        self.path = str(path)
        self.attached = attach_to is not None
        if read_only and not Path(self.path).exists():
            raise StoreError(
                f"{self.path}: no such database. Run 'auditor ingest ...' first, or pass --db."
            )
        wait = lock_wait_seconds() if wait_s is None else wait_s
        self.con = _connect(self.path, read_only, wait, on_wait or log.warning, attach_to)
        # an importer's connection has them already (auditor.ingest.parse_connection)
        settings = {} if self.attached else resource_settings()
        try:
            for name, value in settings.items():
                self.con.execute(f"SET {name} = ?", [value])  # names from the list above only
        except duckdb.Error as exc:
            self.close()
            raise resource_error(exc) from None
        try:
            self._migrate(read_only)
        except BaseException:
            self.close()
            raise

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        if self.attached:
            self.con.execute("USE memory")
            self.con.execute("RESET search_path")
            self.con.execute(f"DETACH {ATTACHED}")
        else:
            self.con.close()

    # -- schema -------------------------------------------------------------------------

    def _migrate(self, read_only: bool) -> None:
        known = sql.migrations()
        have = self._applied()
        newest_known = known[-1][0]
        if have and max(have) > newest_known:
            raise StoreError(
                f"{self.path}: written by a newer auditor (schema version {max(have)}, "
                f"this one knows up to {newest_known}). Upgrade auditor."
            )
        pending = [m for m in known if m[0] not in have]
        if not pending:
            return
        if read_only:
            raise StoreError(
                f"{self.path}: the database needs an upgrade; run any 'auditor ingest' on it first."
            )
        self.con.execute("BEGIN TRANSACTION")
        try:
            if not have:
                self.con.execute(
                    "CREATE TABLE IF NOT EXISTS schema_migrations ("
                    "version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, "
                    "applied_at TIMESTAMPTZ NOT NULL DEFAULT current_timestamp)"
                )
            for version, name, text in pending:
                self.con.execute(text)
                self.con.execute(
                    "INSERT INTO schema_migrations (version, name) VALUES (?, ?)", [version, name]
                )
            self.con.execute("COMMIT")
        except BaseException:
            self.con.execute("ROLLBACK")
            raise

    def _applied(self) -> set[int]:
        tables = {
            r[0]
            for r in self.con.execute(
                "SELECT table_name FROM information_schema.tables "
                "WHERE table_catalog = current_database() AND table_schema = 'main'"
            ).fetchall()
        }
        if "schema_migrations" not in tables:
            if tables:
                raise StoreError(
                    f"{self.path}: a DuckDB database, but not one auditor made. Use another --db."
                )
            return set()
        return {r[0] for r in self.con.execute("SELECT version FROM schema_migrations").fetchall()}

    # -- writing ------------------------------------------------------------------------

    def ingest(
        self,
        table: pa.Table | pa.RecordBatchReader | Relation,
        *,
        source: str,
        files: Sequence[str],
        options: Mapping[str, Any],
        rows_read: int,
        rows_skipped: int,
    ) -> IngestReport:
        """Upsert canonical job rows in one transaction; returns what changed.

        Rows are keyed by ``uid``; when one batch holds a uid twice, the later row
        (by file order, then line) wins, as a later export does over an earlier one.
        A RecordBatchReader is read once, batch by batch, so an export larger than memory
        never has to be held whole; the write spills past ``$AUDITOR_MEMORY_LIMIT``. A
        Relation is read in place, on the connection this store is attached to.
        """
        con = self.con
        in_place = isinstance(table, Relation)
        if isinstance(table, Relation):
            if table.con is not con:
                raise ValueError("a Relation is ingested by a store attached to its connection")
            names = con.sql(f"FROM {sql.quote_ident(table.view)}").columns
            incoming, settings = table.view, table.settings
        else:
            names = table.schema.names
            incoming, settings = "incoming", {}
        if names != list(JOB_COLUMNS):
            raise ValueError(f"importer returned columns {names}")
        if not isinstance(table, Relation):
            batches = table.to_batches() if isinstance(table, pa.Table) else table
            con.register(
                incoming,
                pa.RecordBatchReader.from_batches(
                    JOB_SCHEMA, (batch.cast(JOB_SCHEMA) for batch in batches)
                ),
            )
        # jobs has no order: rows may be appended as they come, in parallel (a third faster)
        con.execute("SET preserve_insertion_order = false")
        con.execute("BEGIN TRANSACTION")
        try:
            ingest_id = _count(con.execute("SELECT nextval('ingest_seq')"))
            params = {"ingest_id": ingest_id, "files": list(files)}
            cols = ", ".join(sql.quote_ident(c) for c in JOB_COLUMNS)
            for name, value in settings.items():
                con.execute(f"SET {sql.quote_ident(name)} = ?", [value])
            # straight into jobs: rows are read once, then repeats and replaced rows deleted
            con.execute(
                f"INSERT INTO jobs ({cols}, ingest_id) SELECT {cols}, $ingest_id "
                f"FROM {sql.quote_ident(incoming)}",
                {"ingest_id": ingest_id},
            )
            for name in settings:
                con.execute(f"RESET {sql.quote_ident(name)}")
            con.execute(sql.query("ingest_dedupe"), params)
            updated = _count(con.execute(sql.query("ingest_replace"), {"ingest_id": ingest_id}))
            stored = _count(
                con.execute("SELECT count(*) FROM jobs WHERE ingest_id = ?", [ingest_id])
            )
            added = stored - updated
            con.execute(
                "INSERT INTO ingests VALUES (?, ?, ?, ?, ?, ?, ?, ?, current_timestamp)",
                [
                    ingest_id,
                    source,
                    list(files),
                    json.dumps(dict(options), sort_keys=True, default=str),
                    rows_read,
                    added,
                    updated,
                    rows_skipped,
                ],
            )
            con.execute("COMMIT")
        except BaseException as exc:
            con.execute("ROLLBACK")
            # an importer's stream that ran out of memory arrives wrapped in another error
            if isinstance(exc, duckdb.OutOfMemoryException) or (
                isinstance(exc, duckdb.Error) and "out of memory" in str(exc).lower()
            ):
                from auditor.ingest import limit_error

                raise limit_error(exc) from None
            if isinstance(exc, duckdb.IOException):
                first = str(exc).splitlines()[0]
                raise StoreError(
                    f"{self.path}: cannot write the database ({first}); nothing was changed. "
                    "Free disk space and ingest again."
                ) from None
            raise
        finally:
            if not in_place:
                con.unregister(incoming)
            con.execute("RESET preserve_insertion_order")
        return IngestReport(int(ingest_id), rows_read, int(added), int(updated), rows_skipped)

    # -- reading ------------------------------------------------------------------------

    def query(self, name: str, params: Mapping[str, Any] | None = None) -> pa.Table:
        """Run ``queries/<name>.sql`` with named parameters; the result as Arrow."""
        rel = self.con.sql(sql.query(name), params=dict(params or {}))
        table: pa.Table = rel.to_arrow_table()
        return table


def _count(result: duckdb.DuckDBPyConnection) -> int:
    """The one number a query returns (the rows a DELETE touched, a count)."""
    rows = result.fetchall()
    return int(rows[0][0]) if rows else 0


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
