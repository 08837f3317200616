"""The DuckDB database: the only module that writes to it.

A store is one DuckDB file (``auditor.duckdb`` by default). Every ingest runs in one
transaction: either all its rows land, or the database is exactly as before.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import Any

import duckdb
import pyarrow as pa

from auditor import sql
from auditor.duck import limit_error, quiet, resource_error, resource_settings
from auditor.errors import InputError, StoreError, UsageError
from auditor.ingest.base import Relation
from auditor.schema import JOB_COLUMNS, JOB_SCHEMA

DEFAULT_DB = "auditor.duckdb"
log = logging.getLogger("auditor")


def default_db_path() -> str:
    """``$AUDITOR_DB`` if set, else ``auditor.duckdb`` in the working directory."""
    return os.environ.get("AUDITOR_DB") or DEFAULT_DB


@dataclass(frozen=True)
class IngestReport:
    ingest_id: int
    rows_read: int
    jobs_added: int
    jobs_updated: int
    rows_skipped: int
    # with --replace: the earlier ingests whose files (or shifted jobs) this one re-read,
    # and how many of their jobs it removed that its own reading does not hold
    replaced_ingests: tuple[int, ...] = ()
    jobs_removed: int = 0


@dataclass(frozen=True)
class IntensityReport:
    """What an intensity ingest stored. ``ingest_id`` is None when every file was read
    before with the same options (``unchanged``: file -> (earlier ingest, its file)) and
    nothing was written; ``replaced``: (earlier ingest, intervals of it deleted)."""

    ingest_id: int | None
    rows_read: int
    intervals_added: int
    rows_skipped: int
    replaced: tuple[tuple[int, int], ...] = ()
    unchanged: Mapping[str, tuple[int, str]] = field(default_factory=dict)


@dataclass(frozen=True)
class LedgerEntry:
    """What the ledger keeps of an ingest besides its counts: each file's size and SHA-256
    (None for an MLflow store, known by its URI), the options that shape job keys (a
    re-reading of the same content must share them) and those that only change values."""

    file_bytes: list[int] | None = None
    file_sha256: list[str] | None = None
    key_options: Mapping[str, Any] = field(default_factory=dict)
    row_options: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Watermark:
    """How far a sync has read a source: the end (UTC) of its last committed window."""

    source: str  # 'slurm-sacct', 'slurm-rest', 'mlflow'
    cluster: str
    window_end: datetime
    windows: int = 0
    advanced_at: datetime | None = None


@dataclass(frozen=True)
class ForgetReport:
    ingest_id: int
    description: str  # 'ingest 3 (dump.txt, 2026-01-02 10:00 UTC)'
    jobs_removed: int  # jobs only it brought
    jobs_restored: int  # jobs back at the values it had replaced
    kept_later: dict[int, int]  # later ingest -> jobs it brought that keep that ingest's values
    # an ingest of grid intensity: the intervals it stored, and the ingests whose intervals
    # its --replace deleted (files listed), which forgetting it does not bring back
    intervals_removed: int | None = None
    not_restored: dict[int, str] = field(default_factory=dict)
    # a sync window: its (source, cluster) watermark's new end, None when it was removed
    watermarks: dict[tuple[str, str], datetime | None] = field(default_factory=dict)

    def lines(self) -> list[str]:
        """What forgetting did, for stderr: one line, and one per later ingest that keeps
        jobs this one also brought (what could not be undone)."""
        if self.intervals_removed is not None:
            return [
                f"forgot {self.description}: removed {self.intervals_removed} intervals of "
                "grid intensity"
            ] + [
                f"the intervals of ingest {earlier} ({files}) it replaced are not restored "
                f"(ingest {files} again with --replace to restore them)"
                for earlier, files in sorted(self.not_restored.items())
            ]
        out = [
            f"forgot {self.description}: removed {self.jobs_removed} jobs only it brought, "
            f"restored {self.jobs_restored} jobs to their earlier values"
        ]
        out += [
            f"the sync watermark of {source} '{cluster}' is now "
            f"{end.astimezone(UTC):%Y-%m-%dT%H:%M:%SZ}, the end of its latest window left"
            if end is not None
            else f"the sync watermark of {source} '{cluster}' was removed: its next sync "
            "needs --since"
            for (source, cluster), end in sorted(self.watermarks.items())
        ]
        out += [
            f"{n} jobs it brought were updated since by ingest {later}, and keep its values "
            f"(forget ingest {later} too to remove them)"
            for later, n in sorted(self.kept_later.items())
        ]
        return out


HASH_CHUNK = 1 << 20  # large reads: hashlib lets go of the GIL while it hashes each


class FileDigests:
    """Size and SHA-256 of each file, computed on a thread that starts at once, so it runs
    while DuckDB (which also lets go of the GIL) parses the same files."""

    def __init__(self, paths: Sequence[str]) -> None:
        self.paths = list(paths)
        self._stop = threading.Event()
        self._result: list[tuple[int, str]] = []
        self._error: OSError | None = None
        self._thread = threading.Thread(target=self._run, name="auditor-sha256", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        buffer = bytearray(HASH_CHUNK)
        view = memoryview(buffer)
        try:
            for path in self.paths:
                digest = hashlib.sha256()
                size = 0
                with open(path, "rb", buffering=0) as f:
                    while n := f.readinto(buffer):
                        if self._stop.is_set():
                            return
                        digest.update(view[:n])
                        size += n
                self._result.append((size, digest.hexdigest()))
        except OSError as exc:
            self._error = exc

    def cancel(self) -> None:
        """Stop hashing (the ingest failed before it needed the digests)."""
        self._stop.set()

    def result(self) -> tuple[list[int], list[str]]:
        """Sizes and hex digests, in the order of the paths; InputError if a file could not
        be read."""
        self._thread.join()
        if self._error is not None:
            name = self._error.filename or ",".join(self.paths)
            raise InputError(f"cannot be read ({self._error.strerror})", file=str(name))
        return [r[0] for r in self._result], [r[1] for r in self._result]


def lock_wait_seconds() -> float:
    """How long to wait for another auditor to release the database: $AUDITOR_LOCK_WAIT, 60."""
    try:
        return max(0.0, float(os.environ.get("AUDITOR_LOCK_WAIT", "60")))
    except ValueError:
        return 60.0


# An ingest's steps, in the order they run in its one transaction: the rows go straight into
# jobs and repeats go; the ledger is checked (content read before with other keys, Slurm
# jobs under a shifted Submit); the rows displaced are set aside for forget; the ledger row.
INGEST = (
    "store/ingest_next_id",
    "store/ingest_insert",
    "store/ingest_dedupe",
    "store/ledger_same_content",
    "store/ingest_same_content_rows",
    "store/ingest_same_content_clear",
    "store/ingest_new_slurm",
    "store/ingest_shifted",
    "store/ingest_shifted_first",
    "store/ingest_displaced",
    "store/ingest_replaced_ingests",
    "store/ingest_displaced_counts",
    "store/ingest_unchanged",
    "store/ingest_keep_replaced",
    "store/ingest_keep_unchanged",
    "store/ingest_replace",
    "store/ledger_supersede",
    "store/ingest_stored",
    "store/ledger_insert",
    "store/watermark_advance",
)

# Forget's steps, in the order they run in its one transaction; each takes $ingest_id.
FORGET = (
    "store/forget_later",
    "store/forget_materialize",
    "store/forget_drop_materialized",
    "store/forget_relink_later",
    "store/forget_drop_displaced",
    "store/forget_counts",
    "store/forget_delete",
    "store/forget_relink_current",
    "store/forget_restore",
    "store/forget_drop_restored",
    "store/forget_unsupersede",
    "store/forget_intensity",
    "store/forget_watermark_back",
    "store/forget_watermark_drop",
    "store/forget_ledger_row",
)

# An intensity ingest's steps, in its one transaction: files read before with the same
# options are left out (nothing changes), overlaps with stored series refused (or, with
# --replace, the stored intervals deleted), the intervals stored, the ledger row.
INTENSITY_INGEST = (
    "store/ingest_next_id",
    "store/intensity_same_content",
    "store/intensity_overlap",
    "store/intensity_replaced_ingests",
    "store/intensity_replace",
    "store/intensity_supersede",
    "store/intensity_insert",
    "store/ledger_insert",
)

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
                con = duckdb.connect(path, read_only=read_only)
                quiet(con)
                return con
            attach_to.execute(sql.fill("store/attach", database=ATTACHED), {"path": path})
            attach_to.execute(sql.fill("store/use", database=ATTACHED))
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
        # an importer's connection has them already (auditor.duck.parse_connection)
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
            self.con.execute(sql.fill("store/use", database="memory"))
            self.con.execute("RESET search_path")
            self.con.execute(sql.fill("store/detach", database=ATTACHED))
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
                self.con.execute(sql.query("store/migrations_table"))
            for version, name, text in pending:
                self.con.execute(text)
                self.con.execute(
                    sql.query("store/migration_done"), {"version": version, "name": name}
                )
            self.con.execute("COMMIT")
        except BaseException:
            self.con.execute("ROLLBACK")
            raise

    def _applied(self) -> set[int]:
        tables = {r[0] for r in self.con.execute(sql.query("store/main_tables")).fetchall()}
        if "schema_migrations" not in tables:
            if tables:
                raise StoreError(
                    f"{self.path}: a DuckDB database, but not one auditor made. Use another --db."
                )
            return set()
        applied = self.con.execute(sql.query("store/migrations_applied")).fetchall()
        return {r[0] for r in applied}

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
        ledger: Callable[[], LedgerEntry] | None = None,
        replace: bool = False,
        watermark: Watermark | None = None,
    ) -> IngestReport:
        """Upsert canonical job rows in one transaction; returns what changed.

        Rows are keyed by ``uid``; when one batch holds a uid twice, the later row
        (by file order, then line) wins, as a later export does over an earlier one.
        A RecordBatchReader is read once, batch by batch, so an export larger than memory
        never has to be held whole; the write spills past ``$AUDITOR_MEMORY_LIMIT``. A
        Relation is read in place, on the connection this store is attached to.

        ``ledger`` gives the files' digests and options; it is called after the rows are
        read (so hashing can run meanwhile). Content an earlier ingest read with other key
        options, or Slurm jobs stored under a Submit shifted by whole quarter-hours, raise
        InputError (nothing written) unless ``replace``: then those earlier rows are
        swapped for this reading. Rows this ingest displaces are kept (``jobs_replaced``)
        so that ``forget`` can put them back. A sync's ``watermark`` moves to its
        ``window_end`` in the same transaction, so it never runs ahead of the jobs stored.
        """
        con = self.con
        in_place = isinstance(table, Relation)
        if isinstance(table, Relation):
            if table.con is not con:
                raise ValueError("a Relation is ingested by a store attached to its connection")
            names = con.view(table.view).columns
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
        steps = sql.Pipeline(con, INGEST)
        try:
            ingest_id = _count(steps.run("store/ingest_next_id"))
            params = {"ingest_id": ingest_id, "files": list(files)}
            for name, value in settings.items():
                con.execute(f"SET {sql.quote_ident(name)} = ?", [value])
            # straight into jobs: rows are read once, then repeats and replaced rows deleted
            steps.run(
                "store/ingest_insert",
                {"ingest_id": ingest_id},
                columns=JOB_COLUMNS,
                incoming=incoming,
            )
            for name in settings:
                con.execute(f"RESET {sql.quote_ident(name)}")
            steps.run("store/ingest_dedupe", params)
            entry = ledger() if ledger is not None else LedgerEntry()
            replaced = self._check_ledger(
                steps, ingest_id, source, list(files), entry, replace, watermark is not None
            )
            counts = steps.run("store/ingest_displaced_counts").fetchone()
            updated, removed = (int(counts[0]), int(counts[1])) if counts else (0, 0)
            steps.run("store/ingest_unchanged", {"ingest_id": ingest_id})
            steps.run("store/ingest_keep_replaced", {"ingest_id": ingest_id})
            steps.run("store/ingest_keep_unchanged", {"ingest_id": ingest_id})
            steps.run("store/ingest_replace")
            steps.run("store/ledger_supersede", {"ingest_id": ingest_id})
            stored = _count(steps.run("store/ingest_stored", {"ingest_id": ingest_id}))
            added = stored - updated
            steps.run(
                "store/ledger_insert",
                {
                    "ingest_id": ingest_id,
                    "source": source,
                    "files": list(files),
                    "options": json.dumps(dict(options), sort_keys=True, default=str),
                    "rows_read": rows_read,
                    "jobs_added": added,
                    "jobs_updated": updated,
                    "rows_skipped": rows_skipped,
                    "file_bytes": entry.file_bytes,
                    "file_sha256": entry.file_sha256,
                    "key_options": _json(entry.key_options),
                    "row_options": _json(entry.row_options),
                },
            )
            if watermark is not None:
                steps.run(
                    "store/watermark_advance",
                    {
                        "source": watermark.source,
                        "cluster": watermark.cluster,
                        "window_end": watermark.window_end,
                        "ingest_id": ingest_id,
                    },
                )
            con.execute("COMMIT")
        except BaseException as exc:
            con.execute("ROLLBACK")
            # an importer's stream that ran out of memory arrives wrapped in another error
            if isinstance(exc, duckdb.OutOfMemoryException) or (
                isinstance(exc, duckdb.Error) and "out of memory" in str(exc).lower()
            ):
                raise limit_error(exc) from None
            if isinstance(exc, duckdb.IOException):
                raise self._write_error(exc) from None
            raise
        finally:
            for temp in (
                "ingest_unchanged",
                "ingest_displaced",
                "ingest_shifted",
                "ingest_new_slurm",
                "ingest_same_content",
            ):
                con.execute(sql.fill("store/drop_temp", table=temp))
            if not in_place:
                con.unregister(incoming)
            con.execute("RESET preserve_insertion_order")
        return IngestReport(
            int(ingest_id),
            rows_read,
            int(added),
            int(updated),
            rows_skipped,
            replaced_ingests=replaced,
            jobs_removed=removed,
        )

    def watermark(self, source: str, cluster: str) -> Watermark | None:
        """The watermark of (``source``, ``cluster``); None before its first sync."""
        row = self.con.execute(
            sql.query("store/watermark_get"), {"source": source, "cluster": cluster}
        ).fetchone()
        if row is None:
            return None
        return Watermark(source, cluster, row[0], int(row[1]), row[2])

    def _check_ledger(
        self,
        steps: sql.Pipeline,
        ingest_id: int,
        source: str,
        files: list[str],
        entry: LedgerEntry,
        replace: bool,
        synced: bool = False,
    ) -> tuple[int, ...]:
        """Refuse (InputError) a re-reading that would count jobs twice, unless ``replace``;
        leaves the temp tables store/ingest_displaced.sql reads. Returns the ingests replaced."""
        steps.run(
            "store/ledger_same_content",
            {
                "ingest_id": ingest_id,
                "sha256": [s for s in entry.file_sha256 or [] if s],
                "files": files,
                "source": source,
            },
        )
        if not replace:
            key_options = json.loads(_json(entry.key_options))
            same = steps.run("store/ingest_same_content_rows").fetchall()
            for earlier_id, earlier_file, digest, earlier_keys, finished in same:
                theirs = json.loads(earlier_keys) if earlier_keys else None
                if theirs is None or theirs == key_options:
                    continue
                mine = dict(zip(entry.file_sha256 or [], files, strict=False))
                changed = _flags(_differing(key_options, theirs), unset=True)
                raise InputError(
                    f"has the same content as {earlier_file} of ingest {earlier_id} "
                    f"({finished}), read with {_flags(theirs)}; read again with {changed} "
                    "its jobs would be counted twice",
                    file=mine.get(digest, earlier_file),
                    hint=f"Use the same options, or --replace to swap ingest {earlier_id}'s "
                    "jobs for this reading.",
                )
            # read with the same keys: its jobs are updated, nothing is swapped wholesale
            steps.run("store/ingest_same_content_clear")
        steps.run("store/ingest_new_slurm", {"ingest_id": ingest_id})
        steps.run("store/ingest_shifted", {"ingest_id": ingest_id, "synced": synced})
        if not replace:
            first = steps.run("store/ingest_shifted_first").fetchone()
            if first is not None:
                raise self._shift_error(first)
        steps.run("store/ingest_displaced", {"ingest_id": ingest_id})
        found = steps.run("store/ingest_replaced_ingests").fetchall()
        return tuple(int(r[0]) for r in found)

    def _shift_error(self, row: tuple[Any, ...]) -> InputError:
        old_ingest, cluster, job_id, run, new_file, shift_h, pairs = row
        earlier = self.con.execute(
            sql.query("store/ledger_one"), {"ingest_id": old_ingest}
        ).fetchone()
        if earlier is None:  # pragma: no cover - every stored row has its ledger row
            raise StoreError(f"{self.path}: job {run} has no ingest {old_ingest} in the ledger.")
        theirs = json.loads(earlier[3]) if earlier[3] else {}
        zone = theirs.get("tz")
        others = f" and {pairs - 1} more jobs are" if pairs > 1 else " is"
        suggest = f"--tz {zone} (as ingest {old_ingest})" if zone else "the zone of that ingest"
        return InputError(
            f"job {run} (JobIDRaw {job_id}, cluster {cluster}){others} already stored from "
            f"ingest {old_ingest} ({earlier[2]}, {earlier[4]}"
            + (f", --tz {zone}" if zone else "")
            + f") with a Submit {abs(shift_h):g} h "
            + ("earlier" if shift_h > 0 else "later")
            + " than in this file and the same elapsed time and AllocTRES: the same jobs read "
            "in another zone would be counted twice",
            file=new_file,
            hint=f"Ingest with {suggest}, or use --replace to swap those jobs for this reading.",
        )

    def _write_error(self, exc: duckdb.IOException) -> StoreError:
        first = str(exc).splitlines()[0]
        return StoreError(
            f"{self.path}: cannot write the database ({first}); nothing was changed. "
            "Free disk space and ingest again."
        )

    def forget(self, ingest_id: int) -> ForgetReport:
        """Remove what ingest ``ingest_id`` brought, in one transaction: jobs only it
        contributed are deleted, jobs it updated or replaced get their earlier values back,
        and jobs a later ingest has since updated keep that ingest's values (reported).

        Raises UsageError for an unknown id, or for an ingest made before the ledger kept
        the rows an ingest replaces that updated jobs (their earlier values are gone).
        """
        con = self.con
        one = con.execute(sql.query("store/ledger_one"), {"ingest_id": ingest_id}).fetchone()
        if one is None:
            known = con.execute(sql.query("store/ledger_ids")).fetchall()
            listed = ", ".join(str(r[0]) for r in known) or "none"
            raise UsageError(
                f"no ingest {ingest_id} in {self.path} (ingests: {listed}). See 'auditor ingests'."
            )
        _id, source, files, _keys, finished, updated, kept_replaced = one
        description = f"ingest {ingest_id} ({files}, {finished})"
        if not kept_replaced and updated:
            raise UsageError(
                f"{description} cannot be undone: it updated {updated} jobs before this "
                "database kept the rows an ingest replaces, so their earlier values are gone. "
                "Nothing was changed."
            )
        params = {"ingest_id": ingest_id}
        superseded = {
            int(r[0]): str(r[1])
            for r in con.execute(sql.query("store/intensity_superseded"), params).fetchall()
        }
        con.execute("BEGIN TRANSACTION")
        try:
            done = {step: con.execute(sql.query(step), params).fetchall() for step in FORGET}
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
        later = {int(r[0]): int(r[1]) for r in done["store/forget_later"]}
        stored, restorable = (int(x) for x in done["store/forget_counts"][0])
        restored = int(done["store/forget_restore"][0][0])
        if source == "intensity":
            intervals = int(done["store/forget_intensity"][0][0])
            return ForgetReport(
                ingest_id, description, 0, 0, later, intervals, not_restored=superseded
            )
        marks: dict[tuple[str, str], datetime | None] = {
            (str(r[0]), str(r[1])): r[2] for r in done["store/forget_watermark_back"]
        }
        marks |= {(str(r[0]), str(r[1])): None for r in done["store/forget_watermark_drop"]}
        return ForgetReport(
            ingest_id, description, stored - restorable, restored, later, watermarks=marks
        )

    def ingest_intensity(
        self,
        table: pa.Table,
        *,
        files: Sequence[str],
        options: Mapping[str, Any],
        rows_read: int,
        rows_skipped: int,
        ledger: Callable[[], LedgerEntry],
        replace: bool = False,
    ) -> IntensityReport:
        """Store grid-intensity intervals (columns of intensity_series but ingest_id) in one
        transaction; returns what changed.

        Files whose content an earlier ingest in force read with the same options, and
        whose intervals it still stores, are left out: reading them again changes nothing
        (with every file so, nothing is written, not even a ledger row). An interval that
        overlaps one stored by another ingest in the same series raises InputError naming
        both files, nothing written, unless ``replace``: then the stored intervals it
        overlaps are deleted (their ingests are marked superseded; forgetting this ingest
        does not bring them back).
        """
        con = self.con
        con.register("incoming_intensity", table)
        con.execute("BEGIN TRANSACTION")
        steps = sql.Pipeline(con, INTENSITY_INGEST)
        try:
            ingest_id = _count(steps.run("store/ingest_next_id"))
            entry = ledger()
            key_options = _json(entry.key_options)
            same = steps.run(
                "store/intensity_same_content",
                {
                    "ingest_id": ingest_id,
                    "sha256": list(entry.file_sha256 or []),
                    "key_options": key_options,
                },
            ).fetchall()
            earlier = {str(r[0]): (int(r[1]), str(r[2])) for r in same}
            shas = list(entry.file_sha256 or [""] * len(files))
            sizes = list(entry.file_bytes or [0] * len(files))
            unchanged = {f: earlier[s] for f, s in zip(files, shas, strict=True) if s in earlier}
            skip = list(unchanged)
            params = {"skip_files": skip}
            first = steps.run("store/intensity_overlap", {**params, "replace": replace})
            clash = first.fetchone()
            if clash is not None:
                raise _overlap_error(clash)
            replaced: tuple[tuple[int, int], ...] = ()
            if replace:
                found = steps.run("store/intensity_replaced_ingests", params).fetchall()
                replaced = tuple((int(r[0]), int(r[1])) for r in found)
                steps.run("store/intensity_replace", params)
                steps.run(
                    "store/intensity_supersede",
                    {"ingest_id": ingest_id, "replaced": [r[0] for r in replaced]},
                )
            added = _count(steps.run("store/intensity_insert", {"ingest_id": ingest_id, **params}))
            kept = [i for i, f in enumerate(files) if f not in unchanged]
            if not kept:
                con.execute("ROLLBACK")
                return IntensityReport(None, rows_read, 0, rows_skipped, unchanged=unchanged)
            steps.run(
                "store/ledger_insert",
                {
                    "ingest_id": ingest_id,
                    "source": "intensity",
                    "files": [files[i] for i in kept],
                    "options": _json(options),
                    "rows_read": rows_read,
                    "jobs_added": added,
                    "jobs_updated": 0,
                    "rows_skipped": rows_skipped,
                    "file_bytes": [sizes[i] for i in kept] if entry.file_bytes else None,
                    "file_sha256": [shas[i] for i in kept] if entry.file_sha256 else None,
                    "key_options": key_options,
                    "row_options": _json(entry.row_options),
                },
            )
            con.execute("COMMIT")
        except BaseException as exc:
            con.execute("ROLLBACK")
            if isinstance(exc, duckdb.IOException):
                raise self._write_error(exc) from None
            raise
        finally:
            con.unregister("incoming_intensity")
        return IntensityReport(int(ingest_id), rows_read, added, rows_skipped, replaced, unchanged)

    # -- reading ------------------------------------------------------------------------

    def ingests(self, *, short_sha256: bool = False) -> pa.Table:
        """The ledger, one row per ingest (queries/store/ledger_list.sql)."""
        return self.query("store/ledger_list", {"short_sha256": short_sha256})

    def query(self, name: str, params: Mapping[str, Any] | None = None) -> pa.Table:
        """Run ``queries/<stage>/<name>.sql`` with named parameters; the result as Arrow."""
        rel = self.con.sql(sql.query(name), params=dict(params or {}))
        table: pa.Table = rel.to_arrow_table()
        return table


def _overlap_error(row: tuple[Any, ...]) -> InputError:
    new_file, new_line, ingest_id, stored_file, stored_line, zone, kind, basis, start = row
    return InputError(
        f"the interval from {start} UTC of zone {zone} ({kind}, {basis}) overlaps one ingest "
        f"{ingest_id} stored from {stored_file}:{stored_line}",
        file=new_file,
        line=new_line,
        hint=f"Use --replace to swap the stored intervals for this file's, or 'auditor forget "
        f"{ingest_id}' first.",
    )


def _count(result: duckdb.DuckDBPyConnection) -> int:
    """The one number a query returns (the rows a DELETE touched, a count)."""
    rows = result.fetchall()
    return int(rows[0][0]) if rows else 0


def _json(options: Mapping[str, Any]) -> str:
    return json.dumps(dict(options), sort_keys=True, default=str)


def _flags(options: Mapping[str, Any], *, unset: bool = False) -> str:
    """Options as the command line spells them: ``--tz UTC --cluster gpu1``; options not
    given are left out, or with ``unset`` shown as ``--cluster (none)``."""
    parts = []
    for name, value in sorted(options.items()):
        flag = "--" + name.replace("_", "-")
        if value is None or value == []:
            if unset:
                parts.append(f"{flag} (none)")
        elif isinstance(value, list):
            parts.extend(f"{flag} {v}" for v in value)
        else:
            parts.append(f"{flag} {value}")
    return " ".join(parts) or "no such options"


def _differing(mine: Mapping[str, Any], theirs: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in mine.items() if theirs.get(k) != v}
