"""The public library API: everything the command line does, callable from Python.

Each function opens the store, does one thing and returns Arrow tables or a report.
Errors are ``auditor.errors.AuditorError`` subclasses; anything else is a bug.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyarrow as pa

from auditor import sync
from auditor.errors import InputError, UsageError
from auditor.ingest.base import GroupSpec, ImportResult, Relation, SkippedRow
from auditor.store import (
    FileDigests,
    ForgetReport,
    IngestReport,
    IntensityReport,
    LedgerEntry,
    Store,
    Watermark,
    lock_wait_seconds,
)
from auditor.timezones import local_zone

if TYPE_CHECKING:
    from auditor.model.lake import ExportReport
    from auditor.report.data import Report
    from auditor.settings import Settings

__all__ = [
    "SUMMARY_GROUPS",
    "EngineOptions",
    "FootprintOptions",
    "ForgetReport",
    "IngestOutcome",
    "IntensityOutcome",
    "compare",
    "explain",
    "export_lake",
    "factors",
    "forget",
    "ingest_csv",
    "ingest_intensity",
    "ingest_mlflow",
    "ingest_slurm",
    "ingests",
    "jobs",
    "load_settings",
    "notes",
    "report",
    "rnd_table",
    "sci",
    "sensitivity",
    "summary",
    "sync_mlflow",
    "sync_slurm",
]

SUMMARY_GROUPS = ("project", "sweep", "run", "user", "month", "gpu_model", "state")


@dataclass(frozen=True)
class IngestOutcome:
    report: IngestReport
    skipped: list[SkippedRow] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def summary_line(self) -> str:
        r = self.report
        line = (
            f"auditor: {r.rows_read} rows read, {r.jobs_added} jobs added, "
            f"{r.jobs_updated} updated, {r.rows_skipped} skipped"
        )
        if self.skipped:
            shown = ", ".join(f"{s.file}:{s.line}" for s in self.skipped[:5])
            more = " ..." if r.rows_skipped > len(self.skipped[:5]) else ""
            line += f" (first: {shown}{more})"
        return line


def _store_result(
    db: str,
    result: ImportResult,
    *,
    source: str,
    files: Sequence[str],
    options: dict[str, object],
    ledger: Callable[[], LedgerEntry],
    replace: bool,
    watermark: Watermark | None = None,
) -> IngestOutcome:
    # rows left on the importer's connection are inserted there, the database attached to it
    importer = result.table.con if isinstance(result.table, Relation) else None
    try:
        with Store(db, attach_to=importer) as store:
            report = store.ingest(
                result.table,
                source=source,
                files=files,
                options=options,
                rows_read=result.rows_read,
                rows_skipped=result.skipped_count,
                ledger=ledger,
                replace=replace,
                watermark=watermark,
            )
    finally:
        if importer is not None:
            importer.close()
    notes = list(result.notes)
    if report.replaced_ingests:
        ids = ", ".join(map(str, report.replaced_ingests))
        notes.append(
            f"replaced what ingest {ids} had read of the same jobs with this reading; "
            f"{report.jobs_removed} of its jobs this reading does not hold were removed "
            f"('auditor forget {report.ingest_id}' puts them back)"
        )
    elif replace:
        notes.append("--replace: no earlier ingest read these files, nothing replaced")
    return IngestOutcome(report, result.skipped, notes)


# Names of UTC: a dump read in any of them is read the same (the ledger compares zone names)
_UTC_NAMES = frozenset(
    {"Etc/UTC", "Etc/UCT", "UCT", "Universal", "Etc/Universal", "Zulu", "Etc/Zulu"}
    | {"GMT", "Etc/GMT", "GMT0", "Etc/GMT0", "GMT+0", "GMT-0", "Etc/GMT+0", "Etc/GMT-0"}
    | {"Greenwich", "Etc/Greenwich"}
)


def _zone(name: str) -> str:
    return "UTC" if name in _UTC_NAMES else name


def _ingest_files(
    db: str,
    paths: Sequence[str],
    read: Callable[[], ImportResult],
    *,
    source: str,
    options: dict[str, object],
    key_options: Mapping[str, Any],
    row_options: Mapping[str, Any],
    replace: bool,
    watermark: Watermark | None = None,
) -> IngestOutcome:
    """Run an importer while the files are hashed on a thread, then store its rows; the
    ledger entry waits for the digests only when the store asks for it, after the rows."""
    digests = FileDigests(paths)
    try:
        result = read()

        def ledger() -> LedgerEntry:
            sizes, shas = digests.result()
            return LedgerEntry(sizes, shas, key_options, row_options)

        return _store_result(
            db,
            result,
            source=source,
            files=paths,
            options=options,
            ledger=ledger,
            replace=replace,
            watermark=watermark,
        )
    finally:
        digests.cancel()


def ingest_slurm(
    paths: Sequence[str],
    *,
    db: str,
    cluster: str | None = None,
    tz: str | None = None,
    fields: str | None = None,
    delimiter: str | None = None,
    project_from: str = "account",
    sweep_from: str = "array",
    skip_bad_rows: bool = False,
    progress: bool = False,
    replace: bool = False,
) -> IngestOutcome:
    """Read sacct dumps (text or JSON) into ``db``; raises InputError on a bad row.

    Raises InputError, nothing written, when a dump's content was ingested before with
    another zone, cluster or layout, or its jobs are stored under a Submit shifted by whole
    quarter-hours (another zone); ``replace`` swaps those earlier jobs for this reading."""
    from auditor.ingest.slurm import SlurmOptions, read_slurm

    options = SlurmOptions(
        cluster=cluster,
        tz=tz,
        fields=fields,
        delimiter=delimiter,
        project_from=GroupSpec.parse(project_from, "--project-from"),
        sweep_from=GroupSpec.parse(sweep_from, "--sweep-from"),
        skip_bad_rows=skip_bad_rows,
        progress=progress,
    )
    keys = {
        # the zone the importer reads local times in (an XDMoD dump is UTC)
        "tz": _zone(tz or ("UTC" if fields == "xdmod" else local_zone())),
        "cluster": cluster,
        "fields": fields,
        "delimiter": delimiter,
    }
    rows = {"project_from": project_from, "sweep_from": sweep_from}
    return _ingest_files(
        db,
        paths,
        lambda: read_slurm(list(paths), options),
        source="slurm",
        options=options.as_dict(),
        key_options=keys,
        row_options=rows,
        replace=replace,
    )


# -- sync ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SyncWindow:
    """One window of a sync: its sacct command, and what storing its jobs did (None in a
    dry run)."""

    start: datetime
    end: datetime
    command: str
    outcome: IngestOutcome | None = None
    api_version: str | None = None  # the slurmdb API version slurmrestd answered with

    def summary_line(self) -> str:
        window = f"{sync.utc_text(self.start)} .. {sync.utc_text(self.end)}"
        if self.outcome is None:
            return f"{window}: {self.command}"
        r = self.outcome.report
        via = f", via slurmrestd {self.api_version}" if self.api_version else ""
        return (
            f"auditor: sync {window}: {r.rows_read} rows read, {r.jobs_added} jobs new, "
            f"{r.jobs_updated} updated{via}"
        )


@dataclass(frozen=True)
class SyncOutcome:
    """What a sync did: its windows in order, and the watermark before it (None: the first
    sync of this source and cluster)."""

    source: str
    cluster: str
    windows: list[SyncWindow]
    watermark_before: datetime | None
    dry_run: bool = False


def sync_slurm(
    *,
    db: str,
    cluster: str | None = None,
    since: str | None = None,
    until: str | None = None,
    chunk: str = "1d",
    overlap: str = "6h",
    lag: str = "15m",
    sacct: str | None = None,
    dry_run: bool = False,
    on_window: Callable[[SyncWindow], None] | None = None,
    via: str = "sacct",
    url: str | None = None,
    token_file: str | None = None,
    user: str | None = None,
    api_version: str | None = None,
) -> SyncOutcome:
    """Run sacct (or ask slurmrestd) over the windows since the last sync and store each
    window's jobs.

    The windows run from the watermark of (slurm-sacct or slurm-rest, ``cluster``) less
    ``overlap`` (``since`` when given, and on the first sync, where it is required) to
    ``until`` (default: now less ``lag``), cut into ``chunk``s. Each window is one ingest,
    and the watermark moves to its end in that ingest's transaction; ``on_window`` is
    called after each. ``via="rest"`` asks slurmrestd at ``url`` (token from
    ``token_file`` or $SLURM_JWT; ``api_version``, else the newest it serves) and reads its
    JSON as ``sacct --json``. Raises UsageError (bad option, no --since on the first sync,
    no sacct, no token), InputError (sacct or slurmrestd failed: the windows before it stay
    stored), StoreError (another sync holds the database longer than AUDITOR_LOCK_WAIT)."""
    import tempfile

    from auditor.ingest.slurm import SlurmOptions, read_slurm

    if via not in ("sacct", "rest"):
        raise UsageError(f"--via '{via}' is not a way to read Slurm. Try one of: sacct, rest.")
    rest = via == "rest"
    if not rest and (url or token_file or user or api_version):
        raise UsageError("--url, --token-file, --user and --api-version go with --via rest.")
    if rest and sacct:
        raise UsageError("--sacct goes with --via sacct, not --via rest.")
    chunk_span = sync.parse_span(chunk, "--chunk")
    overlap_span = sync.parse_span(overlap, "--overlap")
    lag_span = sync.parse_span(lag, "--lag")
    since_at = sync.parse_time(since, "--since") if since else None
    until_at = (
        sync.parse_time(until, "--until") if until else datetime.now(UTC) - lag_span
    ).replace(microsecond=0)
    key = cluster or sync.DEFAULT_CLUSTER
    source = sync.SOURCE_REST if rest else sync.SOURCE_SACCT
    if rest:
        base = sync.check_rest_base(url)
        versions = sync.rest_versions(api_version)
        auth = None if dry_run else sync.rest_auth(token_file, user)
        program = ""
    else:
        program = sync.find_sacct(sacct, required=not dry_run)

    def shown(window: sync.Window) -> str:
        if rest:  # the version is the first one tried; the token is never shown
            return "GET " + sync.rest_url(base, versions[0], window, cluster)
        return sync.shown_command(sync.sacct_command(program, window, cluster))

    def plan() -> tuple[datetime | None, list[sync.Window]]:
        mark = _watermark(db, source, key, read_only=dry_run)
        before = mark.window_end if mark else None
        if since_at is not None:
            start = since_at
        elif before is not None:
            start = before - overlap_span
        else:
            raise UsageError(
                f"{db} has no sync of Slurm cluster '{key}' yet: pass --since DATE for "
                "the first window's start."
            )
        return before, sync.plan_windows(start, until_at, chunk_span)

    if dry_run:
        before, windows = plan()
        planned = [SyncWindow(w.start, w.end, shown(w)) for w in windows]
        for one in planned:
            if on_window:
                on_window(one)
        return SyncOutcome(source, key, planned, before, dry_run=True)

    options = SlurmOptions(cluster=cluster, tz="UTC")
    keys = {"tz": "UTC", "cluster": cluster, "fields": None, "delimiter": None}
    rows = {"project_from": "account", "sweep_from": "array"}
    done: list[SyncWindow] = []
    with sync.sync_lock(db, lock_wait_seconds()):
        before, windows = plan()
        with tempfile.TemporaryDirectory(prefix="auditor-sync-") as tmp:
            for window in windows:
                stamp = f"{window.start:%Y%m%dT%H%M%SZ}-{window.end:%Y%m%dT%H%M%SZ}"
                version = None
                if rest:
                    assert auth is not None  # made above unless a dry run
                    out = Path(tmp) / f"slurmrestd-{key}-{stamp}.json"
                    version, got = sync.fetch_rest(base, versions, window, cluster, auth, out)
                    versions = (version,)  # later windows ask the version that answered
                    command = "GET " + got
                    what = f"slurmrestd reply of window {window}"
                    how: dict[str, object] = {"url": got, "api_version": version}
                else:
                    argv = sync.sacct_command(program, window, cluster)
                    out = Path(tmp) / f"sacct-{key}-{stamp}.txt"
                    sync.run_sacct(argv, window, out)
                    command = sync.shown_command(argv)
                    what = f"sacct output of window {window}"
                    how = {"command": command}
                try:
                    outcome = _ingest_files(
                        db,
                        [str(out)],
                        functools.partial(read_slurm, [str(out)], options),
                        source="slurm",
                        options={
                            **options.as_dict(),
                            "sync": source,
                            "window_start": sync.utc_text(window.start),
                            "window_end": sync.utc_text(window.end),
                            **how,
                        },
                        key_options=keys,
                        row_options=rows,
                        replace=False,
                        watermark=Watermark(source, key, window.end),
                    )
                except InputError as exc:
                    # the temporary file is gone by the time the user reads this
                    if exc.file == str(out):
                        exc.file = what
                    raise
                out.unlink()
                one = SyncWindow(window.start, window.end, command, outcome, version)
                done.append(one)
                if on_window:
                    on_window(one)
    return SyncOutcome(source, key, done, before)


def sync_mlflow(
    *,
    db: str,
    tracking_uri: str | None = None,
    overlap: str = "6h",
    on_window: Callable[[SyncWindow], None] | None = None,
) -> SyncOutcome:
    """Store the runs of an MLflow store that started, ended, logged or ran since the last
    sync.

    One window: from the watermark of (mlflow, the store's URI) less ``overlap`` (every run
    on the first sync) to now. Only the runs that may have changed in it are read (see
    ``read_mlflow``); runs still running are read again each time, and stored over their
    earlier reading (a run's key is its id). The watermark moves to the window's end in the
    ingest's transaction. Raises as ``ingest_mlflow``, and StoreError when another
    sync holds the database longer than AUDITOR_LOCK_WAIT."""
    from auditor.ingest.mlflow import MlflowOptions, read_mlflow, resolve_store

    overlap_span = sync.parse_span(overlap, "--overlap")
    ref = resolve_store(tracking_uri)
    options = MlflowOptions()
    with sync.sync_lock(db, lock_wait_seconds()):
        mark = _watermark(db, sync.SOURCE_MLFLOW, ref.uri, read_only=False)
        before = mark.window_end if mark else None
        cutoff = before - overlap_span if before is not None else None
        end = datetime.now(UTC).replace(microsecond=0)
        # only the runs that may have changed since the cutoff are read (all on a first sync)
        since_ms = None if cutoff is None else int(cutoff.timestamp() * 1000)
        result = read_mlflow(tracking_uri, (), options, changed_since_ms=since_ms)
        start = cutoff or datetime.fromtimestamp(0, UTC)
        entry = LedgerEntry(
            row_options={
                "gpus_key": list(options.gpus_keys),
                "gpu_model_key": list(options.gpu_model_keys),
                "experiment": [],
            }
        )
        outcome = _store_result(
            db,
            result,
            source="mlflow",
            files=[ref.uri],
            options={
                **options.as_dict(),
                "experiments": [],
                "sync": sync.SOURCE_MLFLOW,
                "window_start": sync.utc_text(start),
                "window_end": sync.utc_text(end),
            },
            ledger=lambda: entry,
            replace=False,
            watermark=Watermark(sync.SOURCE_MLFLOW, ref.uri, end),
        )
    window = SyncWindow(start, end, f"read {ref.uri}", outcome)
    if on_window:
        on_window(window)
    return SyncOutcome(sync.SOURCE_MLFLOW, ref.uri, [window], before)


def _watermark(db: str, source: str, cluster: str, *, read_only: bool) -> Watermark | None:
    if not Path(db).exists():  # not created by a dry run, nor by a first sync without --since
        return None
    with Store(db, read_only=read_only) as store:
        return store.watermark(source, cluster)


# -- CSV job logs ----------------------------------------------------------------------------


def ingest_csv(
    paths: Sequence[str],
    *,
    db: str,
    mapping: Sequence[str] = (),
    project: str | None = None,
    kind: str = "auto",
    cluster: str | None = None,
    tz: str | None = None,
    project_from: str | None = None,
    sweep_from: str | None = None,
    skip_bad_rows: bool = False,
    progress: bool = False,
    replace: bool = False,
) -> IngestOutcome:
    """Read CSV job logs or codecarbon emissions.csv files into ``db``.

    ``mapping`` holds ``FIELD=COLUMN`` strings for columns the synonyms do not find. Raises
    InputError (a missing column, a bad row: file, line and column; a file ingested before
    with another --tz, --cluster, --map or --kind, unless ``replace``) or UsageError.
    """
    from auditor.ingest.csv_log import CsvOptions, parse_mapping, read_csv_logs

    options = CsvOptions(
        mapping=parse_mapping(mapping),
        project=project,
        kind=kind,
        cluster=cluster,
        tz=tz,
        project_from=GroupSpec.parse(project_from, "--project-from") if project_from else None,
        sweep_from=GroupSpec.parse(sweep_from, "--sweep-from") if sweep_from else None,
        skip_bad_rows=skip_bad_rows,
        progress=progress,
    )
    keys = {
        "tz": _zone(tz or local_zone()),
        "cluster": cluster,
        "map": list(mapping),
        "kind": kind,
    }
    rows = {"project": project, "project_from": project_from, "sweep_from": sweep_from}
    return _ingest_files(
        db,
        paths,
        lambda: read_csv_logs(list(paths), options),
        source="csv",
        options=options.as_dict(),
        key_options=keys,
        row_options=rows,
        replace=replace,
    )


# -- MLflow --------------------------------------------------------------------------------


def ingest_mlflow(
    *,
    db: str,
    tracking_uri: str | None = None,
    experiments: Sequence[str] = (),
    gpus_keys: Sequence[str] = (),
    gpu_model_keys: Sequence[str] = (),
    skip_bad_rows: bool = False,
    replace: bool = False,
) -> IngestOutcome:
    """Read the leaf runs of an MLflow store into ``db``; the store is only read.

    ``tracking_uri`` defaults to ``$MLFLOW_TRACKING_URI``. Raises InputError for a missing or
    unreadable store or a bad run, UsageError for a bad URI or an unknown experiment.
    ``replace`` swaps every job earlier ingests of the same store hold for this reading
    (runs deleted from the store since then go).
    """
    from auditor.ingest.mlflow import MlflowOptions, read_mlflow, resolve_store

    defaults = MlflowOptions()
    options = MlflowOptions(
        gpus_keys=tuple(gpus_keys) or defaults.gpus_keys,
        gpu_model_keys=tuple(gpu_model_keys) or defaults.gpu_model_keys,
        skip_bad_rows=skip_bad_rows,
    )
    store_uri = resolve_store(tracking_uri).uri
    result = read_mlflow(tracking_uri, experiments, options)
    recorded = {**options.as_dict(), "experiments": list(experiments)}
    # a run's key is its id: nothing read differently from the same store counts twice
    entry = LedgerEntry(
        row_options={
            "gpus_key": list(options.gpus_keys),
            "gpu_model_key": list(options.gpu_model_keys),
            "experiment": list(experiments),
        }
    )
    return _store_result(
        db,
        result,
        source="mlflow",
        files=[store_uri],
        options=recorded,
        ledger=lambda: entry,
        replace=replace,
    )


# -- end of MLflow -------------------------------------------------------------------------


# -- grid intensity over time ----------------------------------------------------------------


@dataclass(frozen=True)
class IntensityOutcome:
    """What ``ingest_intensity`` stored (``report``), each series with its gaps (lines of
    ``notes``) and what the user should know."""

    report: IntensityReport
    notes: list[str] = field(default_factory=list)

    def summary_line(self) -> str:
        r = self.report
        if r.ingest_id is None:
            return f"auditor: {r.rows_read} rows read, nothing changed (read before)"
        return (
            f"auditor: {r.rows_read} rows read, {r.intervals_added} intervals added "
            f"(ingest {r.ingest_id}), {r.rows_skipped} repeated rows skipped"
        )


def ingest_intensity(
    paths: Sequence[str],
    *,
    db: str,
    zone: str | None = None,
    kind: str | None = None,
    basis: str | None = None,
    replace: bool = False,
) -> IntensityOutcome:
    """Read grid-intensity time series (Electricity Maps CSV, WattTime JSON or CSV, UK
    Carbon Intensity JSON, plain CSV) into ``db``'s intensity_series.

    ``zone`` overrides the file's zone (WattTime CSV: required); ``kind`` (average, marginal)
    and ``basis`` (lifecycle, direct) default to the format's own. Raises InputError (a bad
    record: file and line or JSON record; intervals overlapping, within the files or with a
    series another ingest stored, unless ``replace``), UsageError or StoreError. Files read
    before with the same options change nothing.
    """
    from auditor.ingest.intensity import IntensityOptions, read_intensity

    options = IntensityOptions(zone=zone, kind=kind, basis=basis)
    keys = {"zone": zone, "kind": kind, "basis": basis}
    digests = FileDigests(paths)
    try:
        result = read_intensity(list(paths), options)

        def ledger() -> LedgerEntry:
            sizes, shas = digests.result()
            return LedgerEntry(sizes, shas, keys, {})

        with Store(db) as store:
            report = store.ingest_intensity(
                result.table,
                files=list(paths),
                options=keys,
                rows_read=result.rows_read,
                rows_skipped=result.rows_skipped,
                ledger=ledger,
                replace=replace,
            )
    finally:
        digests.cancel()
    notes = list(result.notes)
    for file, (earlier, earlier_file) in sorted(report.unchanged.items()):
        notes.append(
            f"{file}: the same content as {earlier_file} of ingest {earlier}, read with the "
            "same options: nothing changed"
        )
    if report.ingest_id is not None:
        notes += [s.line() for s in result.series]
    for earlier, n in report.replaced:
        notes.append(
            f"--replace: deleted {n} intervals of ingest {earlier} that this reading overlaps"
        )
    if replace and not report.replaced and report.ingest_id is not None:
        notes.append("--replace: no stored interval overlapped these, nothing replaced")
    return IntensityOutcome(report, notes)


def ingests(*, db: str, short_sha256: bool = False) -> pa.Table:
    """The ledger of ingests, one row each: id, source, files, each file's SHA-256, the key
    and row options (JSON), rows read, jobs added and updated, when (UTC); ``short_sha256``
    cuts each digest to 12 characters. Raises StoreError."""
    with Store(db, read_only=True) as store:
        return store.ingests(short_sha256=short_sha256)


def forget(ingest: int, *, db: str) -> ForgetReport:
    """Remove what ingest ``ingest`` brought, in one transaction (see Store.forget); its
    ``lines()`` say what was removed, restored, and what later ingests keep.

    Raises UsageError (no such ingest, or one that cannot be undone) or StoreError."""
    with Store(db) as store:
        return store.forget(ingest)


@dataclass(frozen=True)
class FootprintOptions:
    """How energy, CO2e and costs are worked out: the command line's footprint options.

    ``preset`` and ``config`` (else ./auditor.toml if present) give the factors;
    ``default_gpu_power_w`` and ``default_carbon_g_per_kwh`` stand in for a GPU power or grid
    no table knows (each use is reported); ``units='lb'`` adds co2e_lb to summary, explain
    and rnd_table. The default, no options, gives GPU-hours only unless ./auditor.toml exists.
    """

    preset: str | None = None
    config: str | None = None
    default_gpu_power_w: float | None = None
    default_carbon_g_per_kwh: float | None = None
    units: str = "kg"

    def settings(self) -> Settings:
        """The settings these options resolve to (see ``load_settings``).

        Raises UsageError (unknown units, a negative default) or ConfigError.
        """
        from auditor.model import tables

        tables.check_units(self.units)
        return load_settings(
            preset=self.preset,
            config=self.config,
            default_gpu_power_w=self.default_gpu_power_w,
            default_carbon_g_per_kwh=self.default_carbon_g_per_kwh,
        )


# what the command line's footprint options are when none is given
_NO_OPTIONS = FootprintOptions()

ENGINES = ("duckdb", "spark")


@dataclass(frozen=True)
class EngineOptions:
    """What sums a lake: ``engine`` duckdb (in this process), or spark, on ``spark_master``
    (a Spark master URL, local[2] when neither is given) or on the Spark Connect server
    ``spark_remote`` (sc://HOST:PORT). The command line's --engine options."""

    engine: str = "duckdb"
    spark_master: str | None = None
    spark_remote: str | None = None

    def check(self, lake: str | None) -> None:
        """Raises UsageError for an unknown engine, Spark without a lake, or Spark options
        without Spark."""
        if self.engine not in ENGINES:
            raise UsageError(
                f"--engine '{self.engine}' is not known. Try one of: {', '.join(ENGINES)}."
            )
        if self.engine == "spark" and lake is None:
            raise UsageError(
                "--engine spark sums a lake: give --lake DIR (written by 'auditor export lake')."
            )
        given = [
            name
            for name, value in (
                ("--spark-master", self.spark_master),
                ("--spark-remote", self.spark_remote),
            )
            if value is not None
        ]
        if given and self.engine != "spark":
            raise UsageError(f"{given[0]} is for --engine spark: add it, or drop {given[0]}.")
        if len(given) == 2:
            raise UsageError("--spark-master and --spark-remote together: give one of them.")


_DUCKDB = EngineOptions()


def summary(
    *,
    db: str,
    by: str = "project",
    project: str | None = None,
    include_running: bool = False,
    footprint: FootprintOptions = _NO_OPTIONS,
    lake: str | None = None,
    engine: EngineOptions = _DUCKDB,
) -> pa.Table:
    """One row per group: jobs, gpu_hours and the footprint; the key column is named ``by``.

    With ``lake`` (a directory ``export_lake`` wrote) the jobs are read from there, not from
    ``db``: the same rows as the database it was exported from, priced with the lake's own
    settings (footprint options, when given, must give the same fingerprint). ``engine``
    can have Spark sum the lake instead of DuckDB, with the same result (docs/spark.md).

    GPU use: gpu_util, util_coverage, idle_gpu_hours, unused_gpu_hours. Footprint columns:
    energy_kwh, co2e_kg (and co2e_lb with ``footprint.units='lb'``), cloud_cost_usd_low,
    cloud_cost_usd_high, electricity_cost_usd, measured_share, owned_cost_usd (blank without a
    server price), embodied_kg, co2e_total_kg
    (co2e_kg + embodied_kg), water_l (blank when a job's EWIF is unknown), the energy split
    (energy_gpu_kwh, energy_cpu_kwh, energy_mem_kwh, energy_overhead_kwh, energy_measured_kwh:
    they add up to energy_kwh), and idle_* and unused_* (the
    energy, CO2e and cloud cost of those GPU-hours); with a ``default_*`` option, how many
    jobs used it. Notes for stderr: ``notes(table)``.
    Raises UsageError, ConfigError, MissingFactor (a GPU power or grid intensity no table,
    config or default provides) or StoreError.
    """
    from auditor.model import lake as lakes, tables

    if by not in SUMMARY_GROUPS:
        raise UsageError(f"--by '{by}' is not known. Try one of: {', '.join(SUMMARY_GROUPS)}.")
    settings = footprint.settings()
    engine.check(lake)
    if engine.engine == "spark" and lake is not None:
        from auditor.model import spark

        table = spark.lake_summary(
            lake,
            settings,
            by=by,
            project=project,
            include_running=include_running,
            units=footprint.units,
            master=engine.spark_master,
            remote=engine.spark_remote,
        )
    elif lake is not None:
        with Store(":memory:") as store:
            table = lakes.summary(
                store,
                Path(lake),
                settings,
                by=by,
                project=project,
                include_running=include_running,
                units=footprint.units,
            )
    else:
        with Store(db, read_only=True) as store:
            table = tables.summary(
                store,
                settings,
                by=by,
                project=project,
                include_running=include_running,
                units=footprint.units,
            )
    renamed = table.rename_columns([by if c == "group_key" else c for c in table.column_names])
    return renamed.replace_schema_metadata(table.schema.metadata)


def export_lake(
    directory: str,
    *,
    db: str,
    since: str | None = None,
    until: str | None = None,
    footprint: FootprintOptions = _NO_OPTIONS,
    reprice: bool = False,
    progress: bool = False,
    on_step: Callable[[str], None] | None = None,
) -> ExportReport:
    """Write every counted job (running ones too) with its footprint to ``directory`` as
    Hive-partitioned Parquet (cluster=C/year=Y/month=M), with ``_schema.json`` (docs/lake.md).

    ``since`` and ``until`` (YYYY-MM-DD, UTC) keep the jobs dated in that range, widened to
    whole months. A second export writes only the partitions whose rows changed and removes
    those of the window left without jobs. Raises UsageError (a non-empty directory that is
    not a lake, a lake priced with other settings unless ``reprice``, no settings),
    ConfigError, MissingFactor or StoreError (nothing written)."""
    from auditor.model import lake
    from auditor.report import data

    first = data.parse_day(since, "--since")
    last = data.parse_day(until, "--until")
    settings = footprint.settings()
    with Store(db, read_only=True) as store:
        return lake.export(
            store,
            settings,
            Path(directory),
            since=first,
            until=last,
            reprice=reprice,
            progress=progress,
            on_step=on_step,
        )


def compare(
    scenarios: Sequence[str],
    *,
    db: str,
    by: str = "project",
    project: str | None = None,
    include_running: bool = False,
    columns: Sequence[str] = (),
    footprint: FootprintOptions = _NO_OPTIONS,
) -> pa.Table:
    """The summary of the same jobs under each scenario, side by side (docs/compare.md).

    A scenario is ``current`` (the settings ``footprint`` gives), ``preset:NAME`` or a config
    file laid over them key by key, ``NAME=SPEC`` to name it (else the preset's name, the
    file's stem or current). Columns: the key ``by`` (and project for a sweep or run), each
    column no scenario changes once, every other as ``COLUMN@NAME``, and for each scenario
    after the first ``COLUMN@NAME_delta`` = its value minus the first's; ``columns`` keeps
    only those of the summary's columns. Notes, each prefixed with the scenarios that gave
    it: ``notes(table)``. Raises UsageError (no scenario, a bad or repeated name, an unknown
    column), ConfigError, MissingFactor (the scenario named) or StoreError.
    """
    from auditor.model import compare as scenarios_model

    if by not in SUMMARY_GROUPS:
        raise UsageError(f"--by '{by}' is not known. Try one of: {', '.join(SUMMARY_GROUPS)}.")
    chosen = scenarios_model.scenarios(scenarios, footprint.settings())
    with Store(db, read_only=True) as store:
        results = scenarios_model.summaries(
            store,
            chosen,
            by=by,
            project=project,
            include_running=include_running,
            units=footprint.units,
        )
    keys = [by, "project"] if "project" in results[0].column_names and by != "project" else [by]
    named = [
        t.rename_columns(
            [by if c == "group_key" else c for c in t.column_names]
        ).replace_schema_metadata(t.schema.metadata)
        for t in results
    ]
    return scenarios_model.side_by_side(chosen, named, keys, columns)


def jobs(*, db: str, project: str | None = None, sweep: str | None = None) -> pa.Table:
    """The allocations and runs behind a figure, one row each.

    ``sweep`` is a key of ``summary --by sweep`` (``project/name``), or a bare sweep name that
    one sweep alone has (within ``project``). Raises UsageError when none or several do.
    """
    from auditor.model import tables

    with Store(db, read_only=True) as store:
        return tables.jobs(store, project=project, sweep=sweep)


# -- footprint: settings, explain, factors, R&D table --------------------------------------


def load_settings(
    *,
    preset: str | None = None,
    config: str | None = None,
    default_gpu_power_w: float | None = None,
    default_carbon_g_per_kwh: float | None = None,
) -> Settings:
    """Resolve defaults, ``preset`` and the config file (``config``, else ./auditor.toml).

    Raises ConfigError naming the file and key, or UsageError for a negative default.
    """
    from auditor import settings

    return settings.load(
        config=config,
        preset=preset,
        default_gpu_power_w=default_gpu_power_w,
        default_carbon_g_per_kwh=default_carbon_g_per_kwh,
    )


def notes(table: pa.Table) -> list[str]:
    """What a footprint result asks to tell the user: defaults used, costs left blank."""
    from auditor.model.footprint import notes_of

    return notes_of(table)


def explain(
    ident: str,
    *,
    db: str,
    footprint: FootprintOptions = _NO_OPTIONS,
) -> pa.Table:
    """One job (by uid, job id or run): every input, factor, source, as_of and the arithmetic.

    Rows are (section, item, value, unit, source, as_of). Without footprint settings: the
    inputs, GPU-hours and what settings would add. Raises UsageError (no such job, or
    several: give a uid), ConfigError, MissingFactor or StoreError.
    """
    from auditor.model import tables

    settings = footprint.settings()
    with Store(db, read_only=True) as store:
        return tables.explain(store, settings, ident, units=footprint.units)


def factors(*, footprint: FootprintOptions = _NO_OPTIONS, table: str | None = None) -> pa.Table:
    """The settings and factor values in force, each with its source and as_of.

    ``table`` picks one factor table (or 'setting'). Raises UsageError or ConfigError.
    """
    from auditor.model import tables

    return tables.factors(footprint.settings(), factor=table)


def rnd_table(
    *,
    db: str,
    project: str,
    final: str | None = None,
    tune: str | None = None,
    footprint: FootprintOptions = _NO_OPTIONS,
    metrics: Sequence[str] = (),
    buy: bool = False,
    lake: str | None = None,
    engine: EngineOptions = _DUCKDB,
) -> pa.Table:
    """Table 4 of Strubell et al. 2019 for ``project``: one model, one tune, the project.

    With ``lake`` (a directory ``export_lake`` wrote) the jobs are read from there, as
    ``summary`` reads them. ``engine`` can have Spark read the lake (the project's rows,
    then computed by DuckDB), with the same result (docs/spark.md).

    ``final`` is a run's key or bare name (default: the median completed run by GPU-hours),
    ``tune`` a sweep's (default: the median sweep of two or more runs). The tune row gets the
    sensitivity columns (metric, n_95, gpu_hours_95, gpu_hours_99, remaining_gpu_hours,
    remaining_cost_usd_low|high; see ``sensitivity``) for the first of ``metrics``
    (NAME[:min|max]) two runs of the sweep have, else for an MLflow metric they have. ``buy``
    adds the paper's purchase view: wall_clock_days, gpus_needed, gpus_bought, purchase_usd. Raises
    UsageError, ConfigError, MissingFactor or StoreError.
    """
    from auditor.model import lake as lakes, sensitivity

    settings = footprint.settings()
    engine.check(lake)
    if lake is not None:
        with Store(":memory:") as store:
            if engine.engine == "spark":
                from auditor.model import spark

                schema = spark.open_lake(
                    store,
                    lake,
                    settings,
                    project=project,
                    master=engine.spark_master,
                    remote=engine.spark_remote,
                )
            else:
                schema = lakes.open_lake(store, Path(lake), settings)
            return lakes.rnd_table(
                store,
                schema,
                project=project,
                final=final,
                tune=tune,
                units=footprint.units,
                metrics=metrics,
                buy=buy,
            )
    with Store(db, read_only=True) as store:
        return sensitivity.rnd_table(
            store,
            settings,
            project=project,
            final=final,
            tune=tune,
            units=footprint.units,
            metrics=metrics,
            buy=buy,
        )


def sci(
    *,
    db: str,
    per: str = "run",
    by: str | None = None,
    project: str | None = None,
    include_running: bool = False,
    footprint: FootprintOptions = _NO_OPTIONS,
) -> pa.Table:
    """The Software Carbon Intensity (ISO/IEC 21031:2024) per functional unit: SCI = (E x I +
    M) / R in g CO2e per unit, for every job together or per group ``by``.

    ``per`` is the unit R: run, sweep, project, gpu_hour, or the name of a number each job
    carries (an MLflow metric or param, a CSV column). Columns: the key ``by`` (when given),
    sci_g_per_unit, unit, r, e_kwh, i_g_per_kwh, o_g, m_g, jobs, jobs_without_r, boundary and
    method (the disclosure the standard asks for). Raises UsageError, ConfigError,
    MissingFactor or StoreError.
    """
    from auditor.model import tables

    if by is not None and by not in SUMMARY_GROUPS:
        raise UsageError(f"--by '{by}' is not known. Try one of: {', '.join(SUMMARY_GROUPS)}.")
    if not per.strip():
        raise UsageError(
            "--per needs a unit: run, sweep, project, gpu_hour, or a metric, param or column."
        )
    settings = footprint.settings()
    with Store(db, read_only=True) as store:
        table = tables.sci(
            store, settings, per=per, by=by, project=project, include_running=include_running
        )
    if by is None:
        return table.drop_columns(["group_key"]).replace_schema_metadata(table.schema.metadata)
    renamed = table.rename_columns([by if c == "group_key" else c for c in table.column_names])
    return renamed.replace_schema_metadata(table.schema.metadata)


# -- hyperparameter sensitivity -------------------------------------------------------------


def sensitivity(
    *,
    db: str,
    metric: str,
    sweep: str | None = None,
    mode: str = "max",
    reduce: str = "last",
    project: str | None = None,
    scores: str | None = None,
    summary: bool = False,
    footprint: FootprintOptions = _NO_OPTIONS,
) -> pa.Table:
    """The expected best ``metric`` after n trials of a sweep (Dodge et al. 2019) and what n
    trials cost: n, expected_best, std, gpu_hours, energy_kwh, co2e_kg, cloud_cost_usd_low,
    cloud_cost_usd_high for n = 1..N, N the sweep's runs with the metric.

    ``sweep`` is a key of ``summary --by sweep`` or a bare name one sweep alone has (within
    ``project``). ``mode`` max or min says which way is better; ``reduce`` last or best which
    value of a run's history is its score; ``scores`` a CSV (key column job_id or run, and a
    column named ``metric``) giving the scores. ``summary``: one row per sweep (``sweep``, or
    every sweep of ``project``) with the metric on two runs or more: sweep, runs, best, n_95,
    n_99, gpu_hours_95, gpu_hours_99 and the remaining_* cost of the trials beyond n_95.
    Raises UsageError, InputError (a score that is not a number, a bad scores CSV),
    ConfigError, MissingFactor or StoreError.
    """
    from auditor.model import sensitivity as sens

    scoring = sens.Scoring(metric, mode, reduce, scores)
    scoring.check()
    if summary:
        settings = footprint.settings()
        with Store(db, read_only=True) as store:
            return sens.summary(store, settings, scoring, sweep=sweep, project=project)
    if sweep is None:
        raise UsageError("--sweep is needed, or --summary for every sweep.")
    settings = footprint.settings()
    with Store(db, read_only=True) as store:
        return sens.curve(store, settings, scoring, sweep=sweep, project=project)


# -- report --------------------------------------------------------------------------------


def report(
    *,
    db: str,
    projects: Sequence[str] = (),
    since: str | None = None,
    until: str | None = None,
    top: int = 10,
    footprint: FootprintOptions = _NO_OPTIONS,
    timestamp: str | None = None,
    metrics: Sequence[str] = (),
    lake: str | None = None,
    engine: EngineOptions = _DUCKDB,
) -> Report:
    """The data of a lab-wide report; render it with ``auditor.report.render.render``.

    ``projects`` limits it to those projects (all when empty); ``since`` and ``until``
    (YYYY-MM-DD, both included, UTC) to jobs dated in that range; ``top`` is the number of
    sweeps, runs and users listed. ``timestamp`` is printed in the footer (none by default,
    so the same database gives the same report). ``metrics`` (NAME[:min|max]) are the scores
    of the sensitivity charts and of the R&D tables' tune rows; without them, every MLflow
    metric two runs of a sweep have, lower-is-better for losses and errors (see
    ``sensitivity``). With ``lake`` (a directory
    ``export_lake`` wrote) the jobs are read from there: the same report as the database's,
    for the whole lake or one project (UsageError for several, or since/until; and for a
    lake written without factor sources: export it again); ``engine`` can have Spark read
    it (the report's rows, then computed by DuckDB). Without footprint settings the report has
    GPU-hours only; it is in kg (``footprint.units='lb'`` is a UsageError). Raises
    UsageError, ConfigError, MissingFactor or StoreError.
    """
    from auditor.model import lake as lakes
    from auditor.report import data

    if footprint.units != "kg":
        raise UsageError("The report is in kg: units='lb' is for summary, explain and rnd_table.")
    first = data.parse_day(since, "--since")
    last = data.parse_day(until, "--until")
    settings = footprint.settings()
    engine.check(lake)
    chosen = tuple(dict.fromkeys(projects))
    with Store(":memory:" if lake is not None else db, read_only=lake is None) as store:
        source = None
        if lake is not None and engine.engine == "spark":
            from auditor.model import spark

            source = spark.open_report(
                store,
                lake,
                settings,
                projects=chosen,
                since=first,
                until=last,
                master=engine.spark_master,
                remote=engine.spark_remote,
            )
        elif lake is not None:
            source = lakes.open_report(
                store, Path(lake), settings, projects=chosen, since=first, until=last
            )
        return data.build(
            store,
            settings,
            projects=chosen,
            since=first,
            until=last,
            top=top,
            timestamp=timestamp,
            metrics=metrics,
            lake=source,
        )
