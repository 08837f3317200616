"""The Parquet lake: every counted job with its footprint, Hive-partitioned by cluster, year
and month, and DuckDB summaries over it (docs/lake.md).

``export`` prices the jobs of a store (footprint.compute, running jobs too), names their
sweeps and runs (tables.name_groups) and writes the partitions whose rows changed since the
last export, each swapped into place only once all are written, then ``_schema.json``.
``summary`` reads a lake in an in-memory store whose ``footprint`` view is the lake's rows, so
the summary queries of a database run on it unchanged.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from importlib import metadata, resources
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from auditor import duck, factor_tables, sql
from auditor.errors import StoreError, UsageError
from auditor.model import sensitivity, tables
from auditor.model.footprint import (
    SUMMARY_RUNNING_HINT,
    compute,
    counted_source,
    define_factor_classes,
    define_macros,
    notes_by_project,
    running_note,
    settings_tables,
    with_notes,
)
from auditor.progress import run_with_progress
from auditor.settings import Settings
from auditor.store import Store

SCHEMA_VERSION = 1
SCHEMA_FILE = "_schema.json"
# the factors with their sources a report prints, per class of jobs (docs/lake.md)
FACTORS_FILE = "_factors.parquet"
PARTITION_COLUMNS = ("cluster", "year", "month")
# what readers glob: the partitions only, never the staging directories of an export
PARQUET_GLOB = "cluster=*/year=*/month=*/*.parquet"
STAGING_PREFIX = ".export-"

# DuckDB's types of lake/rows.sql as Arrow (and Spark) read them back from the files
ARROW_TYPES = {
    "VARCHAR": "string",
    "DOUBLE": "double",
    "BIGINT": "int64",
    "INTEGER": "int32",
    "BOOLEAN": "bool",
    "TIMESTAMP WITH TIME ZONE": "timestamp[us, tz=UTC]",
}

# every column: (unit, meaning); lake/rows.sql writes them in this order
COLUMNS: dict[str, tuple[str, str]] = {
    "uid": ("", "job key: source:cluster:job_id:submit epoch"),
    "source": ("", "slurm, csv, codecarbon or mlflow"),
    "cluster": ("", "Slurm cluster, MLflow store's short name or CSV site (partition)"),
    "job_id": ("", "JobIDRaw, MLflow run id or the log's job id"),
    "run": ("", "what a person calls it: JobID 123_4, the run name"),
    "name": ("", "job name"),
    "user_name": ("", "user"),
    "account": ("", "Slurm account"),
    "partition": ("", "Slurm partition"),
    "project": ("", "project"),
    "sweep": ("", "sweep (array job, parent run) as logged"),
    "state": ("", "COMPLETED, FAILED, RUNNING, ..."),
    "submit_ts": ("UTC", "submitted"),
    "start_ts": ("UTC", "started"),
    "end_ts": ("UTC", "ended (NULL while running)"),
    "elapsed_s": ("s", "wall-clock seconds (so far, while running)"),
    "running": ("", "no end yet"),
    "gpus": ("GPUs", "GPUs allocated"),
    "gpu_model": ("", "GPU model the log names (normalised key)"),
    "cpus": ("cores", "CPU cores allocated"),
    "mem_gb": ("GiB", "memory allocated"),
    "mem_req_gb": ("GiB", "memory requested"),
    "nodes": ("nodes", "nodes allocated"),
    "energy_j": ("J", "measured energy before PUE"),
    "power_w": ("W", "measured whole-job mean power"),
    "cpu_util": ("fraction", "measured CPU use"),
    "gpu_util": ("fraction", "measured mean GPU use"),
    "max_rss_gb": ("GiB", "largest resident memory"),
    "gpu_util_peak": ("fraction", "highest GPU use seen (never a mean)"),
    "gpu_mem_gb": ("GiB", "largest GPU memory in use"),
    "gpu_util_from": ("", "the log gpu_util came from"),
    "gpu_peak_from": ("", "the log gpu_util_peak came from"),
    "gpu_mem_from": ("", "the log gpu_mem_gb came from"),
    "grid": ("", "grid region the log names"),
    "tags": ("JSON", "every other input field, a JSON object of strings"),
    "src_file": ("", "file or MLflow store read"),
    "src_line": ("", "line in src_file (1-based)"),
    "ingest_id": ("", "the ingest that stored the row (auditor ingests)"),
    "included": ("", "counted in totals: not running"),
    "measured": ("", "energy measured (energy_j or power_w), not modeled"),
    "energy_source": ("", "modeled, utilisation-modeled, measured, or measured GPUs"),
    "priced_gpu_model": ("", "GPU model whose factors priced the job"),
    "gpu_fraction": ("GPU", "share of a GPU per GPU counted (MIG slice g/7, else 1)"),
    "priced_grid": ("", "grid region whose intensity priced the job"),
    "pue": ("ratio", "power usage effectiveness"),
    "gpu_power_w": ("W", "board power per GPU"),
    "carbon_g_per_kwh": ("gCO2e/kWh", "grid intensity used"),
    "cloud_gpu": ("", "cloud GPU it is priced as"),
    "price_usd_low": ("USD/GPU-h", "lowest cloud price"),
    "price_usd_high": ("USD/GPU-h", "highest cloud price"),
    "electricity_usd_per_kwh": ("USD/kWh", "electricity price"),
    "server_usd": ("USD", "price of a GPU server, its GPUs included (NULL: not set)"),
    "gpus_per_server": ("GPUs", "GPUs per server"),
    "hours": ("h", "elapsed hours"),
    "gpu_hours": ("GPU-h", "gpus x hours"),
    "gpu_equiv_hours": ("GPU-h", "gpu_hours x gpu_fraction"),
    "energy_kwh": ("kWh", "energy, PUE included"),
    "measured_energy_kwh": ("kWh", "the measured part of energy_kwh"),
    "energy_gpu_kwh": ("kWh", "GPU energy before PUE"),
    "energy_cpu_kwh": ("kWh", "CPU energy before PUE"),
    "energy_mem_kwh": ("kWh", "memory energy before PUE"),
    "energy_overhead_kwh": ("kWh", "(pue - 1) x the IT energy"),
    "energy_measured_kwh": ("kWh", "measured whole-job energy no log splits, before PUE"),
    "it_energy_kwh": ("kWh", "energy before PUE"),
    "co2e_kg": ("kgCO2e", "operational emissions"),
    "cloud_cost_usd_low": ("USD", "cloud-equivalent cost, lowest price (NULL: no price)"),
    "cloud_cost_usd_high": ("USD", "cloud-equivalent cost, highest price (NULL: no price)"),
    "price_missing": ("", "GPU-hours with no cloud price: a group's cloud cost is NULL"),
    "electricity_cost_usd": ("USD", "energy_kwh x electricity price"),
    "embodied_kg": ("kgCO2e", "embodied emissions of the hardware's time used"),
    "co2e_total_kg": ("kgCO2e", "co2e_kg + embodied_kg"),
    "owned_cost_usd": ("USD", "owned hardware's share of price, plus electricity"),
    "owned_missing": ("", "no server price: a group's owned_cost_usd is NULL"),
    "water_l": ("L", "water consumed"),
    "water_missing": ("", "no EWIF: a group's water_l is NULL"),
    "gpu_power_defaulted": ("", "--default-gpu-power used"),
    "carbon_defaulted": ("", "--default-carbon used"),
    "gpu_util_mean": ("fraction", "mean GPU use a summary weighs (NULL: none known)"),
    "idle_below": ("fraction", "mean GPU use under which the GPUs idled"),
    "idle_gpu_hours": ("GPU-h", "gpu_hours when gpu_util_mean < idle_below, else 0"),
    "unused_gpu_hours": ("GPU-h", "gpu_hours x (1 - gpu_util_mean), 0 when unknown"),
    "idle_energy_kwh": ("kWh", "energy_kwh of an idle job, else 0"),
    "idle_co2e_kg": ("kgCO2e", "co2e_kg of an idle job, else 0"),
    "idle_cloud_cost_usd_low": ("USD", "cloud_cost_usd_low of an idle job, else 0"),
    "idle_cloud_cost_usd_high": ("USD", "cloud_cost_usd_high of an idle job, else 0"),
    "unused_energy_kwh": ("kWh", "energy_kwh x (1 - gpu_util_mean)"),
    "unused_co2e_kg": ("kgCO2e", "co2e_kg x (1 - gpu_util_mean)"),
    "unused_cloud_cost_usd_low": ("USD", "cloud_cost_usd_low x (1 - gpu_util_mean)"),
    "unused_cloud_cost_usd_high": ("USD", "cloud_cost_usd_high x (1 - gpu_util_mean)"),
    "sweep_key": ("", "the job's key in summary --by sweep"),
    "run_key": ("", "the job's key in summary --by run"),
    "store_key": ("", "where its sweep or run lives: an MLflow store's URI, else cluster"),
    "run_ident": ("", "what tells two runs of one name apart: an MLflow run id, else ''"),
    "settings_fingerprint": ("", "hash of the settings and factor tables that priced it"),
    "year": ("", "year of start_ts, else submit_ts, else end_ts, UTC (partition)"),
    "month": ("", "month 1-12 of the same time (partition)"),
}


# -- the settings that priced a lake --------------------------------------------------------


def fingerprint(settings: Settings) -> str:
    """A hash of what prices jobs: the resolved settings (their values, not where each was
    set: the same config at another path prices the same) and the shipped factor tables."""
    digest = hashlib.sha256()
    for name, table in sorted(settings_tables(settings).items()):
        kept = [c for c in table.column_names if not c.endswith("origin")]
        rows = table.select(kept).to_pylist()
        digest.update(json.dumps([name, rows], sort_keys=True, default=str).encode())
    for name in factor_tables.names():
        data = resources.files("auditor").joinpath("data", f"{name}.csv").read_bytes()
        digest.update(name.encode() + b"\0" + hashlib.sha256(data).digest())
    return digest.hexdigest()[:16]


def _settings_summary(settings: Settings) -> list[dict[str, Any]]:
    rows = tables.factors(settings, factor="setting").to_pylist()
    return [{k: r[k] for k in ("key", "value", "unit", "source")} for r in rows]


# -- _schema.json ---------------------------------------------------------------------------


def read_schema(directory: Path) -> dict[str, Any]:
    """The lake's ``_schema.json``. Raises UsageError when ``directory`` is not a lake, or
    one of a newer schema version."""
    path = directory / SCHEMA_FILE
    try:
        text = path.read_text("utf-8")
    except FileNotFoundError:
        raise UsageError(
            f"{directory}: not a lake (no {SCHEMA_FILE}). Write one with 'auditor export lake DIR'."
        ) from None
    except OSError as exc:
        raise UsageError(f"{path}: unreadable ({exc}). Export the lake again.") from None
    return parse_schema(text, str(path))


def parse_schema(text: str, path: str) -> dict[str, Any]:
    """The ``_schema.json`` whose text is ``text`` (read from ``path``, for messages): also
    what Spark reads from storage this process cannot open. Raises UsageError as
    ``read_schema``."""
    try:
        schema: dict[str, Any] = json.loads(text)
    except ValueError as exc:
        raise UsageError(f"{path}: unreadable ({exc}). Export the lake again.") from None
    version = schema.get("schema_version") if isinstance(schema, dict) else None
    if not isinstance(version, int) or version > SCHEMA_VERSION:
        raise UsageError(
            f"{path}: lake schema version {version!r}, this auditor reads up to "
            f"{SCHEMA_VERSION}. Upgrade auditor."
        )
    return schema


def _write_json(path: Path, content: Mapping[str, Any]) -> None:
    """Write ``path`` whole or not at all: a temp file beside it, renamed over it."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(content, f, indent=1, sort_keys=False)
            f.write("\n")
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


# -- export ---------------------------------------------------------------------------------

Key = tuple[str, int | None, int | None]


@dataclass(frozen=True)
class ExportReport:
    """What an export did: the partitions (relative paths) written and removed, how many
    were left as they were, the rows in the lake's window, and the footprint's notes."""

    directory: str
    fingerprint: str
    rows: int
    written: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: int = 0
    notes: list[str] = field(default_factory=list)

    def summary_line(self) -> str:
        return (
            f"auditor: {self.directory}: {self.rows} jobs, {len(self.written)} partitions "
            f"written, {len(self.removed)} removed, {self.unchanged} unchanged "
            f"(settings {self.fingerprint})"
        )


def _key(p: Mapping[str, Any]) -> Key:
    return (str(p["cluster"]), p["year"], p["month"])


def _month_window(since: date | None, until: date | None) -> tuple[date | None, date | None]:
    """The window widened to whole months: a partition is a month, written whole."""
    first = since.replace(day=1) if since else None
    if until is None:
        return first, None
    nxt = date(until.year + until.month // 12, until.month % 12 + 1, 1)
    return first, date.fromordinal(nxt.toordinal() - 1)


def _in_window(key: Key, first: date | None, last: date | None) -> bool:
    _, year, month = key
    if first is None and last is None:
        return True
    if year is None or month is None:
        return False
    at = date(year, month, 1)
    return (first is None or at >= first.replace(day=1)) and (
        last is None or at <= last.replace(day=1)
    )


def _check_directory(directory: Path) -> dict[str, Any] | None:
    """The lake's schema, None for a new lake; refuses a non-empty directory that is not one."""
    if directory.exists() and not directory.is_dir():
        raise UsageError(f"{directory}: not a directory. Give a new or empty one, or a lake.")
    if (directory / SCHEMA_FILE).exists():
        return read_schema(directory)
    if directory.exists() and any(directory.iterdir()):
        raise UsageError(
            f"{directory}: not empty and not a lake (no {SCHEMA_FILE}). Give a new or empty "
            "directory, or a lake written by 'auditor export lake'."
        )
    return None


def export(
    store: Store,
    settings: Settings,
    directory: Path,
    *,
    since: date | None = None,
    until: date | None = None,
    reprice: bool = False,
    progress: bool = False,
    on_step: Callable[[str], None] | None = None,
) -> ExportReport:
    """Write the counted jobs of ``store`` (those dated in ``since``..``until`` widened to
    whole months) with their footprint under ``settings`` to the lake ``directory``.

    Only partitions whose rows changed are written; those of the window that no longer have
    jobs are removed. Raises UsageError (not a lake, another fingerprint without
    ``reprice``, no settings), MissingFactor, or StoreError (the lake could not be written:
    it is left as it was)."""
    if not settings.configured:
        raise UsageError(
            "export lake prices every job: pass --preset or --config, or put an auditor.toml "
            "here (docs/footprint.md)."
        )
    old = _check_directory(directory)
    printed = fingerprint(settings)
    if old is not None and old.get("settings_fingerprint") != printed and not reprice:
        raise UsageError(
            f"{directory} was priced with settings {old.get('settings_fingerprint')}, these "
            f"options give {printed}. Export with the options it was written with (see "
            f"{SCHEMA_FILE} 'settings'), or pass --reprice to rewrite every partition."
        )
    first, last = _month_window(since, until)
    try:
        with _scratch(store.con):
            return _export_rows(
                store, settings, directory, old, printed, (first, last), reprice, progress, on_step
            )
    except (duckdb.OutOfMemoryException, duckdb.IOException) as exc:
        if isinstance(exc, duckdb.IOException) and "space" not in str(exc).lower():
            raise
        raise duck.limit_error(
            exc, "export the lake", "export a few months at a time (--since, --until)"
        ) from None


@contextmanager
def _scratch(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """The database ``lake_scratch``, a file in the spill directory (AUDITOR_TMPDIR) that
    holds the export's priced rows while it runs, removed after: a temp table lives in memory,
    and the rows of ten million jobs outgrow AUDITOR_MEMORY_LIMIT, where a table of a database
    file is written out as it grows."""
    folder = Path(
        tempfile.mkdtemp(prefix="auditor-lake-", dir=duck.resource_settings()["temp_directory"])
    )
    path = str(folder / "rows.duckdb")
    try:
        con.execute(sql.with_literals(sql.query("lake/attach_scratch"), {"path": path}))
        try:
            yield
        finally:
            con.execute("DETACH lake_scratch")
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _export_rows(
    store: Store,
    settings: Settings,
    directory: Path,
    old: dict[str, Any] | None,
    printed: str,
    window: tuple[date | None, date | None],
    reprice: bool,
    progress: bool,
    on_step: Callable[[str], None] | None,
) -> ExportReport:
    """``export``'s work once the lake ``directory`` (whose _schema.json is ``old``) may be
    written with the settings of fingerprint ``printed``, the rows in the scratch database."""
    first, last = window
    step = on_step or (lambda _: None)
    con = store.con
    step("pricing the jobs")
    # the notes of the totals (running jobs left out) and of --include-running, as a
    # summary of the database gives them; the rows are the second computation's
    notes = compute(con, settings).notes
    # a report of one project prints the notes of that project's jobs
    projects = [str(p) for (p,) in con.execute(sql.query("lake/projects")).fetchall()]
    project_notes = notes_by_project(con, settings, projects)
    outcome = compute(con, settings, include_running=True)
    tables.name_groups(store, "sweep", "lake_sweep_names")
    tables.name_groups(store, "run", "lake_run_names")
    rows_sql = sql.fill(
        "lake/rows",
        jobs=counted_source(con),
        sweep_names="lake_sweep_names",
        run_names="lake_run_names",
    )
    params = {"since": first, "until": last, "fingerprint": printed}
    run_with_progress(con, rows_sql, params, "pricing jobs", progress)
    columns = con.execute(sql.query("lake/columns")).fetchall()
    partitions = [
        dict(zip(("cluster", "year", "month", "rows", "rows_hash"), row, strict=True))
        for row in con.execute(sql.query("lake/partitions")).fetchall()
    ]
    before = {_key(p): p for p in (old or {}).get("partitions", [])}
    rewrite = reprice or old is None or old.get("settings_fingerprint") != printed
    changed = [
        p
        for p in partitions
        if rewrite
        or _key(p) not in before
        or (before[_key(p)]["rows"], before[_key(p)]["rows_hash"]) != (p["rows"], p["rows_hash"])
    ]
    now = {_key(p) for p in partitions}
    # a partition outside the window is not this export's to judge: kept as it is
    gone = [
        p for k, p in before.items() if k not in now and (rewrite or _in_window(k, first, last))
    ]
    kept = [
        p for k, p in before.items() if k not in now and not (rewrite or _in_window(k, first, last))
    ]
    define_factor_classes(con)
    con.execute(sql.query("lake/factor_classes"), {"since": first, "until": last})
    # the factor classes of the partitions outside the window come from the last export; a
    # lake written before there were any has none for them, and a report refuses it
    factors = old is None or rewrite or not kept or (directory / FACTORS_FILE).exists()
    if factors and kept and not rewrite:
        _install_keys(con, "lake_kept", kept)
        con.execute(
            sql.with_literals(
                sql.query("lake/factors_kept"), {"path": str(directory / FACTORS_FILE)}
            )
        )
    directory.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=directory, prefix=STAGING_PREFIX))
    try:
        paths = _write(con, staging / "new", changed, progress)
        if factors:
            _write_factors(con, staging / FACTORS_FILE)
        for p in changed:
            p["path"], p["files"] = paths[_key(p)]
        fresh = {_key(p) for p in changed}
        for p in partitions:
            if _key(p) not in fresh:
                p["path"], p["files"] = before[_key(p)]["path"], before[_key(p)]["files"]
        listed = sorted([*partitions, *kept], key=lambda p: str(p["path"]))
        schema = _schema(settings, printed, columns, (notes, outcome.notes), listed)
        if factors:
            schema["report"] = {
                "factors": FACTORS_FILE,
                "settings_origin": settings.origin,
                "project_notes": project_notes,
            }
        step(f"writing {len(changed)} partitions")
        written = [p["path"] for p in changed] + ([FACTORS_FILE] if factors else [])
        removed = [p["path"] for p in gone]
        if not factors and (directory / FACTORS_FILE).exists():
            removed.append(FACTORS_FILE)
        _swap(directory, staging, written, removed, schema)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    _prune_empty(directory)
    return ExportReport(
        directory=str(directory),
        fingerprint=printed,
        rows=sum(int(p["rows"]) for p in partitions),
        written=sorted(p["path"] for p in changed),
        removed=sorted(p["path"] for p in gone),
        unchanged=len(partitions) - len(changed) + len(kept),
        notes=notes,
    )


def _write(
    con: duckdb.DuckDBPyConnection, out: Path, changed: list[dict[str, Any]], progress: bool
) -> dict[Key, tuple[str, list[str]]]:
    """Write the ``changed`` partitions under ``out``; each one's path and files, relative."""
    if not changed:
        return {}
    text = sql.with_literals(sql.query("lake/write"), {"dir": str(out)})
    try:
        # a partition per statement: one COPY sorting every partition's wide rows at once
        # outgrew the memory limit at ten million jobs
        for done, partition in enumerate(changed, 1):
            _install_keys(con, "lake_changed", [partition])
            label = f"writing Parquet, partition {done} of {len(changed)}"
            run_with_progress(con, text, {}, label, progress)
    except duckdb.IOException as exc:
        raise StoreError(
            f"{out.parent.parent}: cannot write the lake: {str(exc).splitlines()[0]}. "
            "Nothing changed."
        ) from None
    found: dict[Key, tuple[str, list[str]]] = {}
    listed = sql.with_literals(sql.query("lake/written"), {"dir": str(out)})
    for cluster, year, month, filename in con.execute(listed).fetchall():
        rel = Path(filename).relative_to(out)
        path, files = found.get((cluster, year, month), (rel.parent.as_posix(), []))
        found[(cluster, year, month)] = (path, [*files, rel.name])
    return found


def _install_keys(
    con: duckdb.DuckDBPyConnection, name: str, partitions: list[dict[str, Any]]
) -> None:
    """The temp table ``name``: the cluster, year and month of each of ``partitions``."""
    keys = pa.table(
        {
            "cluster": pa.array([p["cluster"] for p in partitions], pa.string()),
            "year": pa.array([p["year"] for p in partitions], pa.int32()),
            "month": pa.array([p["month"] for p in partitions], pa.int32()),
        }
    )
    factor_tables.install_table(con, name, keys)


def _write_factors(con: duckdb.DuckDBPyConnection, path: Path) -> None:
    text = sql.with_literals(sql.query("lake/write_factors"), {"path": str(path)})
    try:
        con.execute(text)
    except duckdb.IOException as exc:
        raise StoreError(
            f"{path.parent.parent}: cannot write the lake: {str(exc).splitlines()[0]}. "
            "Nothing changed."
        ) from None


def _schema(
    settings: Settings,
    printed: str,
    columns: list[tuple[str, str]],
    notes: tuple[list[str], list[str]],
    partitions: list[dict[str, Any]],
) -> dict[str, Any]:
    described = []
    for name, duck_type in columns:
        if name not in COLUMNS or duck_type not in ARROW_TYPES:
            raise RuntimeError(f"lake column {name} {duck_type} is not described")  # a bug
        unit, meaning = COLUMNS[name]
        described.append(
            {
                "name": name,
                "type": ARROW_TYPES[duck_type],
                "unit": unit,
                "meaning": meaning,
                "partition": name in PARTITION_COLUMNS,
            }
        )
    return {
        "schema_version": SCHEMA_VERSION,
        "written_by": f"auditor {metadata.version('auditor')}",
        "partitioning": {
            "columns": list(PARTITION_COLUMNS),
            "time": "start_ts, else submit_ts, else end_ts, in UTC",
            "no_time": "year and month NULL (__HIVE_DEFAULT_PARTITION__)",
        },
        "settings_fingerprint": printed,
        "settings": _settings_summary(settings),
        "defaults": {
            "default_gpu_power_w": settings.default_gpu_power_w,
            "default_carbon_g_per_kwh": settings.default_carbon_g_per_kwh,
        },
        "notes": notes[0],
        "notes_with_running": notes[1],
        "columns": described,
        "partitions": [
            {k: p[k] for k in ("cluster", "year", "month", "path", "files", "rows", "rows_hash")}
            for p in partitions
        ],
    }


def _swap(
    directory: Path, staging: Path, written: list[str], removed: list[str], schema: dict[str, Any]
) -> None:
    """Move the ``written`` partitions from ``staging``/new into place, the ``removed`` ones
    out, then write ``_schema.json``; on any failure, undo every move made (the lake is as it
    was) and raise StoreError."""
    moves: list[tuple[Path, Path]] = []
    aside = staging / "old"

    def move(src: Path, dst: Path) -> None:
        dst.parent.mkdir(parents=True, exist_ok=True)
        os.rename(src, dst)
        moves.append((src, dst))

    try:
        for n, rel in enumerate(sorted({*written, *removed})):
            target = directory / rel
            if target.exists():
                move(target, aside / str(n))
            if rel in written:
                move(staging / ("new" if rel != FACTORS_FILE else "") / rel, target)
        _write_json(directory / SCHEMA_FILE, schema)
    except BaseException as exc:  # an interrupt too: the lake is put back as it was
        for src, dst in reversed(moves):
            os.rename(dst, src)
        if not isinstance(exc, OSError):
            raise
        raise StoreError(
            f"{exc.filename or directory}: cannot write the lake ({exc.strerror or exc}). "
            "Nothing changed."
        ) from None


def _prune_empty(directory: Path) -> None:
    """Remove the cluster= and year= directories a removed partition left empty."""
    for year_dir in directory.glob("cluster=*/year=*"):
        if year_dir.is_dir() and not any(year_dir.iterdir()):
            year_dir.rmdir()
    for cluster_dir in directory.glob("cluster=*"):
        if cluster_dir.is_dir() and not any(cluster_dir.iterdir()):
            cluster_dir.rmdir()


# -- reading --------------------------------------------------------------------------------

# the columns of lake_jobs that rnd-table and report read, in the order DuckDB reads the lake
# (file order, the partition columns last): all Spark hands over (spark.read_rows). Found by
# leaving each column out of a DuckDB read; tests/cli/test_spark.py checks the results alike.
READ_COLUMNS = (
    # the job
    "uid", "source", "job_id", "run", "name", "user_name", "project", "sweep", "state",
    "submit_ts", "start_ts", "end_ts", "elapsed_s", "running", "gpus", "gpu_model", "cpus",
    "mem_gb", "tags", "src_file", "included",
    # what priced it
    "priced_gpu_model", "pue", "carbon_g_per_kwh", "server_usd", "gpus_per_server",
    # its footprint and GPU use
    "hours", "gpu_hours", "gpu_equiv_hours", "energy_kwh", "measured_energy_kwh", "co2e_kg",
    "cloud_cost_usd_low", "cloud_cost_usd_high", "price_missing", "electricity_cost_usd",
    "embodied_kg", "owned_cost_usd", "owned_missing", "water_l", "water_missing",
    "gpu_util_mean", "idle_below",
    # group keys, and the partition
    "sweep_key", "run_key", "store_key", "run_ident", "cluster",
)  # fmt: skip


def open_lake(store: Store, directory: Path, settings: Settings) -> dict[str, Any]:
    """Make ``store`` (an in-memory one) read the lake ``directory``: the temp view
    ``lake_jobs`` and ``counted_jobs`` over its files. Returns its schema.

    Raises UsageError when it is not a lake, holds no jobs, or ``settings`` (when
    configured) give another fingerprint than the one that priced it."""
    schema = read_schema(directory)
    check_readable(schema, str(directory), settings)
    glob = str(directory / PARQUET_GLOB)
    store.con.execute(sql.with_literals(sql.query("lake/jobs"), {"glob": glob}))
    _stand_in(store)
    return schema


def use_rows(store: Store, rows: pa.Table) -> None:
    """Make ``store`` (an in-memory one) read ``rows``, a lake's rows another engine read
    (Spark: columns ``READ_COLUMNS`` at least, partition columns typed as ``open_lake``
    reads them), as ``open_lake`` reads the files: the temp view ``lake_jobs`` is ``rows``."""
    store.con.register("lake_jobs", rows)
    _stand_in(store)


def _stand_in(store: Store) -> None:
    """The views and macros through which the queries of a database read ``lake_jobs``
    (``lake_priced`` among them, which lake/footprint.sql and lake/report_footprint.sql
    pick from)."""
    store.con.execute(sql.query("lake/tagged"))
    store.con.execute(sql.query("lake/counted"))
    store.con.execute(sql.query("lake/priced"))
    sql.define_temp_macros(store.con)  # group_store, run_ident
    define_macros(store.con)  # fsum-based group sums


def check_readable(schema: Mapping[str, Any], directory: str, settings: Settings) -> None:
    """Raises UsageError when the lake of ``schema`` holds no jobs, or ``settings`` (when
    configured) give another fingerprint than the one that priced it."""
    if settings.configured:
        printed = fingerprint(settings)
        if printed != schema.get("settings_fingerprint"):
            raise UsageError(
                f"{directory} was priced with settings {schema.get('settings_fingerprint')}, "
                f"these footprint options give {printed}. Pass none (the lake's own are used) "
                f"or those it was exported with (see {SCHEMA_FILE} 'settings'), or export "
                "it again with these and --reprice."
            )
    if not schema.get("partitions"):
        raise UsageError(f"{directory}: the lake holds no jobs. Export some first.")


def _select(store: Store, *, project: str | None, include_running: bool) -> None:
    """Define the temp view ``footprint``: the lake's rows of ``project`` (every one when
    None), running ones only with ``include_running``."""
    store.con.execute(
        sql.query("footprint/params"),
        {"uid": None, "project": project, "include_running": include_running},
    )
    store.con.execute(sql.query("lake/footprint"))


def _name_groups(store: Store, by: str, table: str = "group_names") -> None:
    store.con.execute(sql.fill("lake/group_names", names=table), {"by": by})


def summary(
    store: Store,
    directory: Path,
    settings: Settings,
    *,
    by: str,
    project: str | None,
    include_running: bool,
    units: str,
) -> pa.Table:
    """``tables.summary`` over the lake ``directory`` instead of a database: the same rows,
    to the last digit, as the summary of the database it was exported from with the same
    settings. Notes: those the export's footprint gave, and the running jobs left out."""
    schema = open_lake(store, directory, settings)
    left_out = (
        [] if include_running else running_note(store.con, projects=[project] if project else [])
    )
    _name_groups(store, by)
    _select(store, project=project, include_running=include_running)
    grouped = tables.footprint_groups(store, by)
    return shown_summary(
        grouped, schema, by, units=units, include_running=include_running, left_out=left_out
    )


def shown_summary(
    grouped: pa.Table,
    schema: Mapping[str, Any],
    by: str,
    *,
    units: str,
    include_running: bool,
    left_out: list[str],
) -> pa.Table:
    """The summary of a lake whose groups are ``grouped`` (summary/named.sql's, or Spark's
    alike): the columns the export's defaults call for, the lake's notes (``_schema.json``
    ``schema``), then ``left_out``, the note of the running jobs left out."""
    defaults = schema.get("defaults", {})
    table = tables.shown_columns(
        grouped,
        by,
        units=units,
        default_gpu_power=defaults.get("default_gpu_power_w") is not None,
        default_carbon=defaults.get("default_carbon_g_per_kwh") is not None,
    )
    notes = schema.get("notes_with_running" if include_running else "notes", [])
    return with_notes(table, [*notes, *left_out])


def rnd_table(
    store: Store,
    schema: Mapping[str, Any],
    *,
    project: str,
    final: str | None,
    tune: str | None,
    units: str,
    metrics: Sequence[str],
    buy: bool = False,
) -> pa.Table:
    """``sensitivity.rnd_table`` over a lake ``store`` reads (``open_lake`` or ``use_rows``,
    its ``_schema.json`` ``schema``): the same rows as over the database it was exported
    from. Notes: the export's, the running jobs left out and the picks of model and tune."""
    left_out = running_note(store.con, projects=[project], hint=SUMMARY_RUNNING_HINT)
    _name_groups(store, "sweep")
    _name_groups(store, "run", "run_names")
    _select(store, project=project, include_running=False)
    table = tables.rnd_rows(
        store,
        project=project,
        final=final,
        tune=tune,
        units=units,
        notes=[*schema.get("notes", []), *left_out],
        buy=buy,
    )
    return sensitivity.with_tune(store, table, metrics=metrics, project=project)


@dataclass(frozen=True)
class LakeReport:
    """What a report reads from a lake in place of a database's footprint computation: the
    lake's rows of the report's jobs, the factor classes of its ``_factors.parquet`` (the
    temp view ``lake_factors``), the notes and the settings' origin the export stored
    (``open_report``)."""

    notes: list[str]
    settings_origin: str

    def name_groups(self, store: Store, by: str, table: str = "group_names") -> None:
        """The keys of ``by`` (sweep, run), as the export computed them over every job."""
        _name_groups(store, by, table)

    def price(self, store: Store) -> list[str]:
        """Define the temp view ``footprint`` over the report's jobs (``report_jobs``);
        the notes the footprint computation gave for them."""
        store.con.execute(sql.query("lake/report_footprint"))
        return list(self.notes)

    def factors_used(self, store: Store, *, projects: Sequence[str]) -> list[dict[str, Any]]:
        """report/factors_used.sql's rows for the report's jobs, from ``_factors.parquet``."""
        store.con.execute(sql.query("lake/report_classes"), {"projects": list(projects)})
        rows: list[dict[str, Any]] = store.query("report/factors_used").to_pylist()
        return rows


def open_report(
    store: Store,
    directory: Path,
    settings: Settings,
    *,
    projects: Sequence[str],
    since: date | None,
    until: date | None,
) -> LakeReport:
    """Make ``store`` read the lake ``directory`` for a report of ``projects`` (all when
    empty). Raises UsageError as ``report_of``, and when it is not a lake or was priced
    with other ``settings``."""
    schema = open_lake(store, directory, settings)
    path = directory / FACTORS_FILE
    report = report_of(
        schema, str(directory), projects=projects, since=since, until=until, factors=path.exists()
    )
    use_factors(store, path)
    return report


def use_factors(store: Store, factors: Path | pa.Table) -> None:
    """Make ``store`` read a lake's factor classes for a report, the temp view
    ``lake_factors``: the file ``factors`` (``_factors.parquet``), or its rows another
    engine read."""
    if isinstance(factors, Path):
        store.con.execute(sql.with_literals(sql.query("lake/factors"), {"path": str(factors)}))
    else:
        store.con.register("lake_factors", factors)


def report_of(
    schema: Mapping[str, Any],
    lake: str,
    *,
    projects: Sequence[str],
    since: date | None,
    until: date | None,
    factors: bool,
) -> LakeReport:
    """What a report of ``projects`` (all when empty) takes from the ``_schema.json``
    ``schema`` of ``lake``, whose ``_factors.parquet`` exists when ``factors``. Raises
    UsageError when it holds no factor sources (written before reports read lakes), or the
    report asks for jobs whose notes the export did not keep (several projects, or
    --since/--until)."""
    stored = schema.get("report")
    if not isinstance(stored, dict) or not factors:
        raise UsageError(
            f"{lake}: the lake holds no factor sources for a report ({FACTORS_FILE}). "
            "Export it again: 'auditor export lake DIR' with the settings it was written with."
        )
    if len(projects) > 1 or since is not None or until is not None:
        raise UsageError(
            "report --lake covers the whole lake or one --project: its notes are kept for "
            "those only. Run it on the database (--db) for several projects or --since/--until."
        )
    if projects:
        notes = stored.get("project_notes", {}).get(projects[0], [])
    else:
        notes = schema.get("notes", [])
    return LakeReport(list(notes), str(stored.get("settings_origin", "none")))
