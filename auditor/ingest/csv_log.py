"""CSV job logs: any log with a header line (columns matched to canonical fields through
synonyms or ``--map``), and codecarbon's ``emissions.csv`` (1.x to 3.x), detected by header.

Python reads only the header line (delimiter, column names) and builds the column positions;
DuckDB's CSV reader reads the rows (every value as text), the queries of auditor/queries/csv/ parse
and check them. A second, line-wise read finds the physical line of each record, so errors
name real line numbers even when quoted fields hold newlines.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from auditor import sql
from auditor.duck import parse_connection
from auditor.errors import InputError, UsageError
from auditor.ingest.base import (
    GroupSpec,
    ImportResult,
    SkippedRow,
    apply_grouping,
    existing_file,
    read_failure,
)
from auditor.progress import run_with_progress
from auditor.timezones import check_zone, local_zone

# Canonical fields, and the header names (normalised: lower case, runs of space, '-', '.' and
# '/' as '_') that name each. The exact field name always matches too.
SYNONYMS: Mapping[str, tuple[str, ...]] = {
    "job_id": ("job_id", "jobid", "jobidraw", "id", "run_id", "runid", "run", "uuid"),
    "name": ("name", "job_name", "jobname", "run_name"),
    "project": ("project", "experiment", "project_name", "experiment_name", "account"),
    "sweep": ("sweep", "grid_search", "sweep_id", "sweep_name", "group", "array_job_id"),
    "user": ("user", "user_name", "username", "owner"),
    "partition": ("partition", "queue"),
    "start": ("start", "started", "start_time", "started_at", "start_ts", "begin"),
    "end": ("end", "ended", "end_time", "ended_at", "end_ts", "finished", "finished_at"),
    "duration_h": ("duration_h", "duration_hours", "hours", "elapsed_h", "runtime_h"),
    "duration_min": ("duration_min", "duration_minutes", "minutes", "elapsed_min", "runtime_min"),
    "duration_s": (
        "duration_s", "duration", "duration_sec", "duration_seconds", "elapsed", "elapsed_s",
        "elapsedraw", "runtime", "runtime_s", "wall_time", "walltime", "seconds",
    ),
    "gpus": ("gpus", "n_gpus", "num_gpus", "gpu_count", "ngpus", "gpus_count"),
    "gpu_model": ("gpu_model", "gpu_type", "gpu_name", "gpu"),
    "cpus": ("cpus", "n_cpus", "num_cpus", "cpu_count", "ncpus", "cores"),
    "mem_gb": ("mem_gb", "memory_gb", "ram_gb"),
    "mem_req_gb": ("mem_req_gb", "req_mem_gb", "requested_mem_gb", "mem_requested_gb"),
    "mem_used_gb": ("mem_used_gb", "used_mem_gb", "max_rss_gb", "maxrss_gb", "peak_mem_gb"),
    "state": ("state", "status", "exit_state"),
    "energy_kwh": ("energy_kwh", "kwh", "energy_consumed"),
    "power_w": ("power_w", "power", "avg_power_w", "power_watts"),
    "cluster": ("cluster", "cluster_name", "site"),
    "grid": ("grid", "grid_region", "carbon_region"),
    "gpu_util": (
        "gpu_util", "gpu_utilization", "gpu_util_pct", "gpu_util_percent", "gpu_utilization_pct",
        "gpu_utilization_percent", "gpuutil", "gpu_util_%", "gpu_utilization_%",
    ),
    "gpu_util_fraction": ("gpu_util_fraction", "gpu_utilization_fraction", "gpu_util_frac"),
    "gpu_mem_gb": (
        "gpu_mem_gb", "gpu_memory_gb", "gpu_mem_gib", "gpu_memory_gib", "max_gpu_mem_gb",
        "max_gpu_memory_gb",
    ),
}  # fmt: skip
# The fields whose column's header name is stored with each value, as where it came from.
SOURCE_NAMED = ("gpu_util", "gpu_util_fraction", "gpu_mem_gb")
FIELDS: tuple[str, ...] = tuple(SYNONYMS)

# codecarbon's emissions.csv: the columns every version from 1.x on writes (with run_id, or in
# 1.x experiment_id, a fresh uuid per run), and what auditor reads from it. Everything else
# (emissions, *_power, *_energy, os, ...) is kept as tags.
CODECARBON_SIGNATURE = frozenset(
    {"timestamp", "project_name", "duration", "emissions", "energy_consumed"}
)
CODECARBON_RUN_IDS = ("run_id", "experiment_id")
CODECARBON_FIELDS: Mapping[str, str] = {
    "job_id": "run_id",
    "project": "project_name",
    "sweep": "experiment_id",
    "end": "timestamp",  # written when the tracker stops: the end of the run
    "duration_s": "duration",
    "energy_kwh": "energy_consumed",  # CPU + GPU + RAM: the whole job's energy
    "gpus": "gpu_count",
    "gpu_model": "gpu_model",
}
KINDS = ("auto", "jobs", "codecarbon")
# Names codecarbon writes when nobody chose one: the default project_name of its trackers, and
# the experiment id its trackers fall back to (DEFAULT_EXPERIMENT_ID in emissions_tracker.py,
# the same from 2.0 to 3.3). They group nothing, so they count as absent.
CODECARBON_DEFAULT_PROJECT = "codecarbon"
CODECARBON_DEFAULT_EXPERIMENT = "5b0fa12a-3dd7-45bb-9766-cc326314d9f1"

# The import's steps, in the order they run; each file first has FILE_STEPS.
PIPELINE = (
    "csv/macros",
    "csv/rows_table",
    "csv/local_times",
    "csv/checked",
    "csv/util_fractions",
    "csv/problem_count",
    "csv/problems",
    "csv/options",
    "csv/canonical",
)
# A file's steps: its records read (again as Latin-1 when UTF-8 fails), their physical lines
# worked out where a record is not one line, and the records' fields taken into csv_rows.
FILE_STEPS = (
    "csv/read",
    "csv/unicode_rejects",
    "csv/read",
    "csv/rejected_lines",
    "csv/raw_lines",
    "csv/starts_table",
    "csv/line_map",
    "csv/record_lines",
    "csv/forget_lines",
    "csv/reject_reasons",
    "csv/reject_places",
    "csv/rows",
    "csv/default_projects",
)

_READ_DELIM = "\x01"  # a byte text logs never hold: each physical line is read whole
_MAX_LINE = 8 * 1024 * 1024
_DELIMITERS = (",", ";", "\t")


@dataclass(frozen=True)
class CsvOptions:
    mapping: tuple[tuple[str, str], ...] = ()  # (field, column) pairs from --map
    project: str | None = None
    kind: str = "auto"
    cluster: str | None = None
    tz: str | None = None
    project_from: GroupSpec | None = None
    sweep_from: GroupSpec | None = None
    skip_bad_rows: bool = False
    progress: bool = False

    def as_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d.pop("progress")
        d["mapping"] = [f"{k}={v}" for k, v in self.mapping]
        return d


@dataclass(frozen=True)
class _Layout:
    kind: str  # 'jobs' | 'codecarbon'
    header: list[str]  # column names as written
    positions: dict[str, int]  # canonical field -> 1-based column
    delimiter: str
    header_line: int  # 1-based


@dataclass
class _Read:
    """What reading one file left for the report: its layout and rejected records."""

    layout: _Layout
    rejected: list[tuple[int | str, str]] = field(default_factory=list)
    default_projects: int = 0  # codecarbon rows whose project_name is the default or empty


def parse_mapping(items: Sequence[str]) -> tuple[tuple[str, str], ...]:
    """``FIELD=COLUMN`` strings as pairs; raises UsageError for a bad or unknown FIELD."""
    pairs = []
    for item in items:
        name, sep, column = item.partition("=")
        name = name.strip().lower()
        if not sep or not column.strip():
            raise UsageError(f"--map '{item}' is not FIELD=COLUMN, e.g. --map gpus=n_gpu.")
        if name not in FIELDS:
            raise UsageError(f"--map '{item}': no field '{name}'. Try one of: {', '.join(FIELDS)}.")
        pairs.append((name, column.strip()))
    return tuple(pairs)


def read_csv_logs(paths: Sequence[str], options: CsvOptions) -> ImportResult:
    """Parse CSV job logs into canonical job rows; raises InputError on the first bad row
    unless ``options.skip_bad_rows``, UsageError for contradictory options."""
    if not paths:
        raise UsageError("no file given. Pass one or more CSV job logs.")
    if options.kind not in KINDS:
        raise UsageError(f"--kind '{options.kind}' is not known. Try one of: {', '.join(KINDS)}.")
    if options.project is not None and options.project_from is not None:
        raise UsageError("--project and --project-from cannot be used together; keep one.")
    zone = options.tz or local_zone()
    check_zone(zone)
    con = parse_connection()
    handed_over = False
    try:
        sql.define_macros(con)
        steps = sql.Pipeline(con, PIPELINE)
        steps.run("csv/macros")
        steps.run("csv/rows_table")
        notes: list[str] = []
        reads: dict[str, _Read] = {}
        for order, path in enumerate(paths):
            layout = _layout(path, options)
            reads[path] = _load(con, path, order, layout, options.progress, notes)
            if reads[path].default_projects and not (options.project or options.project_from):
                notes.append(_default_project_note(path, reads[path].default_projects))
        if _scalar(steps.run("csv/local_times")):
            how = "given with --tz" if options.tz else "this machine's zone; --tz to change"
            notes.append(f"local times without an offset read as {zone} ({how})")
        steps.run("csv/checked", {"tz": zone})
        _refuse_fractions(steps, reads)
        skipped, skipped_count = _problems(steps, reads, options.skip_bad_rows)
        rows_read = _count_rows(con, "csv_rows") + sum(len(r.rejected) for r in reads.values())
        steps.run("csv/options", {"cluster": options.cluster, "project": options.project})
        # a view, which the store reads in place: the rows go from DuckDB to the database
        # file with no round trip through Arrow (a third of the ingest's time on 1M rows)
        steps.run("csv/canonical")
        table = apply_grouping(
            con, "csv_jobs", options.project_from, options.sweep_from, in_place=True
        )
        result = ImportResult(table, rows_read, skipped, skipped_count, notes)
        handed_over = True
        return result
    except (duckdb.OutOfMemoryException, duckdb.IOException) as exc:
        raise read_failure(exc, list(paths)) from None
    finally:
        if not handed_over:  # else its rows are a view on it, and the caller closes it
            con.close()


def _folder(path: str) -> str:
    """The name of the folder holding ``path``: what a codecarbon run without a project of its
    own is grouped by (its repository, as a rule)."""
    return Path(path).resolve().parent.name or "(none)"


def _default_project_note(path: str, count: int) -> str:
    runs = "1 run has" if count == 1 else f"{count} runs have"
    return (
        f"{path}: {runs} codecarbon's default project_name '{CODECARBON_DEFAULT_PROJECT}': "
        f"{'its' if count == 1 else 'their'} project is '{_folder(path)}', the file's folder "
        "(name one with --project)"
    )


def _scalar(result: duckdb.DuckDBPyConnection) -> int:
    row = result.fetchone()
    return int(row[0]) if row else 0


def _count_rows(con: duckdb.DuckDBPyConnection, table: str) -> int:
    return _scalar(con.execute(sql.fill("store/count_rows", table=table)))


# -- header and layout ---------------------------------------------------------------------


def _normalise(name: str) -> str:
    return re.sub(r"[\s\-./]+", "_", name.strip().lower()).strip("_")


def _header(path: str) -> tuple[int, str]:
    """The first non-blank line and its 1-based number, without BOM or line ending."""
    p = existing_file(path, "a CSV file")
    try:
        with p.open("rb") as fh:
            head = fh.read(65536)
            if b"\x00" in head:
                raise InputError("is a binary file, not a CSV job log", file=path)
            fh.seek(0)
            for number, raw in enumerate(fh, start=1):
                line = raw.decode("utf-8", errors="replace").lstrip("\ufeff").rstrip("\r\n")
                if line.strip():
                    return number, line
    except OSError as exc:
        raise InputError(f"cannot be read ({exc.strerror})", file=path) from None
    raise InputError("is empty", file=path, hint="Expected a header line and one job a line.")


def _split_header(line: str) -> tuple[str, list[str]]:
    """The delimiter (the candidate giving the most columns) and the column names."""
    best: tuple[int, str, list[str]] = (0, ",", [line])
    for delim in _DELIMITERS:
        try:
            names = next(csv.reader(io.StringIO(line, newline=""), delimiter=delim), [line])
        except csv.Error:  # a stray carriage return inside the header line
            names = [line]
        if len(names) > best[0]:
            best = (len(names), delim, names)
    return best[1], [n.strip() for n in best[2]]


def _layout(path: str, options: CsvOptions) -> _Layout:
    number, line = _header(path)
    delimiter, header = _split_header(line)
    found = ", ".join(h for h in header if h) or "none"
    normal = [_normalise(h) for h in header]
    is_codecarbon = set(normal) >= CODECARBON_SIGNATURE and any(
        c in normal for c in CODECARBON_RUN_IDS
    )
    if options.kind == "codecarbon" and not is_codecarbon:
        raise InputError(
            "is not a codecarbon emissions.csv: no timestamp, project_name, run_id, duration, "
            f"emissions and energy_consumed columns (found: {found})",
            file=path,
            line=number,
            hint="Use --kind jobs for a job log.",
        )
    kind = "codecarbon" if is_codecarbon and options.kind != "jobs" else "jobs"
    positions: dict[str, int] = {}
    if kind == "codecarbon":
        columns = dict(CODECARBON_FIELDS)
        if "run_id" not in normal:  # 1.x: experiment_id is the run's own uuid, no group
            columns["job_id"] = "experiment_id"
            del columns["sweep"]
        for fld, column in columns.items():
            if column in normal:
                positions[fld] = normal.index(column) + 1
    else:
        for fld in FIELDS:  # the exact name first, then the synonyms in their order
            for synonym in (fld, *SYNONYMS[fld]):
                if synonym in normal and normal.index(synonym) + 1 not in positions.values():
                    positions[fld] = normal.index(synonym) + 1
                    break
    for fld, column in options.mapping:
        matches = [i for i, h in enumerate(header) if h == column] or [
            i for i, n in enumerate(normal) if n == _normalise(column)
        ]
        if not matches:
            raise InputError(
                f"--map {fld}={column}: no column '{column}' (found: {found})",
                file=path,
                line=number,
            )
        for other, pos in list(positions.items()):
            if pos == matches[0] + 1:
                del positions[other]
        positions[fld] = matches[0] + 1
    _require(path, number, kind, positions, found)
    return _Layout(kind, header, positions, delimiter, number)


def _require(path: str, line: int, kind: str, positions: dict[str, int], found: str) -> None:
    def missing(message: str, fix: str) -> InputError:
        return InputError(f"{message} (found: {found})", file=path, line=line, hint=fix)

    if kind == "codecarbon":
        for fld in ("job_id", "end", "duration_s", "energy_kwh"):
            if fld not in positions:
                column = CODECARBON_FIELDS[fld]
                raise missing(
                    f"is a codecarbon emissions.csv without its {column} column",
                    f"Name it with --map {fld}=COLUMN, or use --kind jobs.",
                )
        return
    has_duration = {"duration_h", "duration_min", "duration_s"} & set(positions)
    if not has_duration and not {"start", "end"} <= set(positions):
        raise missing(
            "has no duration: no start and end columns, and no duration column",
            "Name them with --map start=COLUMN --map end=COLUMN, or --map duration_h=COLUMN "
            "(or duration_min, duration_s).",
        )
    if "gpus" not in positions:
        raise missing(
            "has no GPU count column (gpus, n_gpus, num_gpus, gpu_count)",
            "Name it with --map gpus=COLUMN.",
        )


# -- reading -------------------------------------------------------------------------------


def _tag_names(layout: _Layout) -> dict[int, str]:
    """Column -> tag name for the columns no field reads: the header name; a name seen
    before, or a blank one, gets its column number ('note (column 5)')."""
    used = set(layout.positions.values())
    taken = {"energy_scope"} if layout.kind == "codecarbon" else set()
    out: dict[int, str] = {}
    for i, name in enumerate(layout.header, start=1):
        if i in used:
            continue
        tag = name if name and name not in taken else f"{name or 'column'} (column {i})"
        taken.add(tag)
        out[i] = tag
    return out


def _field_values(layout: _Layout, path: str) -> dict[str, Any]:
    """The values csv/rows.sql takes for this file: each field's column (0: none), the
    columns a codecarbon file's grid comes from, and the tag columns with their names."""
    normal = [_normalise(h) for h in layout.header]
    codecarbon = layout.kind == "codecarbon"

    def at(name: str) -> int:
        return normal.index(name) + 1 if codecarbon and name in normal else 0

    tags = _tag_names(layout)
    return {
        **{f"at_{f}": layout.positions.get(f, 0) for f in FIELDS},
        **{f"name_{f}": _column_name(layout, f) for f in SOURCE_NAMED},
        "at_cloud_provider": at("cloud_provider"),
        "at_cloud_region": at("cloud_region"),
        "at_country_iso_code": at("country_iso_code"),
        "name_prefix": Path(path).name + ":",
        "folder": _folder(path),
        "default_project": CODECARBON_DEFAULT_PROJECT,
        "default_experiment": CODECARBON_DEFAULT_EXPERIMENT,
        "tag_names": list(tags.values()),
        "tag_at": list(tags),
    }


def _regexes(delimiter: str) -> dict[str, str]:
    """The three line shapes csv/line_map.sql needs, for this delimiter."""
    d = re.escape(delimiter) if delimiter != "\t" else "\\t"
    quoted = '"(?:[^"]|"")*"'
    field_ = f'(?:{quoted}|(?:[^{d}"][^{d}]*)?)'
    open_ = '"(?:[^"]|"")*'
    return {
        "open_out": f"(?:{field_}{d})*{open_}",
        "open_in": '(?:[^"]|"")*',
        "reopen_in": f'(?:[^"]|"")*"(?:{d}{field_})*{d}{open_}',
    }


def _load(
    con: duckdb.DuckDBPyConnection,
    path: str,
    order: int,
    layout: _Layout,
    progress: bool,
    notes: list[str],
) -> _Read:
    n = len(layout.header)
    steps = sql.Pipeline(con, FILE_STEPS)
    read = steps.text("csv/read")
    params = {
        "path": path,
        "columns": {f"c{i}": "VARCHAR" for i in range(1, n + 1)},
        "skip": layout.header_line - 1,
        "delim": layout.delimiter,
        "max_line_size": _MAX_LINE,
    }
    encoding = "utf-8"
    _drop_rejects(con)
    try:
        run_with_progress(con, read, {**params, "encoding": encoding}, path, progress)
    except duckdb.InvalidInputException as exc:
        if "unicode" not in str(exc).lower():
            raise _read_error(path, exc) from None
        encoding = "latin-1"
        try:
            run_with_progress(con, read, {**params, "encoding": encoding}, path, progress)
        except duckdb.Error as again:
            raise _read_error(path, again) from None
        notes.append(f"{path} is not valid UTF-8: read as Latin-1")
    except duckdb.Error as exc:
        raise _read_error(path, exc) from None
    if encoding == "utf-8" and _scalar(steps.run("csv/unicode_rejects")):
        encoding = "latin-1"
        _drop_rejects(con)
        try:
            run_with_progress(
                con, steps.text("csv/read"), {**params, "encoding": encoding}, path, progress
            )
        except duckdb.Error as again:
            raise _read_error(path, again) from None
        notes.append(f"{path} is not valid UTF-8: read as Latin-1")
    rejected_lines = [int(r[0]) for r in steps.run("csv/rejected_lines").fetchall()]
    records = _count_rows(con, "csv_data")
    try:
        steps.run(
            "csv/raw_lines",
            {"path": path, "delim": _READ_DELIM, "encoding": encoding, "max_line_size": _MAX_LINE},
        )
        raw_count: int | None = _count_rows(con, "raw_lines")
    except duckdb.Error:
        raw_count = None  # a line holding the raw reader's delimiter byte
    # No blank line, no line break inside a field and no rejected record: record k is on
    # line header + k. Otherwise each record's line is worked out (csv/line_map.sql).
    simple = not rejected_lines and raw_count == layout.header_line + records
    # (simple: the map is made empty, as csv/rows.sql joins it all the same)
    _map_lines(steps, layout, raw_count is not None and not simple, records)
    rejected = [] if simple else _rejected(steps, rejected_lines, n)
    steps.run(
        "csv/rows",
        {
            "file": path,
            "file_order": order,
            "kind": layout.kind,
            "identity": Path(path).name,
            "simple": simple,
            "first": layout.header_line,
            **_field_values(layout, path),
        },
    )
    default_projects = 0
    if layout.kind == "codecarbon":
        project = layout.positions.get("project")
        default_projects = (
            _scalar(
                steps.run(
                    "csv/default_projects",
                    {"default": CODECARBON_DEFAULT_PROJECT},
                    project=f"c{project}",
                )
            )
            if project is not None
            else records
        )
    for table in ("csv_data", "raw_lines", "csv_starts", "csv_line_map"):
        con.execute(sql.fill("store/drop_temp", table=table))
    return _Read(layout, rejected, default_projects)


def _map_lines(steps: sql.Pipeline, layout: _Layout, have_lines: bool, records: int) -> None:
    """``csv_starts`` and ``csv_line_map`` (record k of csv_data -> its physical line); both
    empty of lines when they cannot be known, and errors then name record numbers."""
    steps.run("csv/starts_table")
    if have_lines:
        steps.run("csv/line_map", {"first": layout.header_line, **_regexes(layout.delimiter)})
    steps.run("csv/record_lines")
    if _count_rows(steps.con, "csv_line_map") != records:
        steps.run("csv/forget_lines")  # the two readers disagree: lines unknown


def _rejected(
    steps: sql.Pipeline, rejected_lines: list[int], n: int
) -> list[tuple[int | str, str]]:
    """Records DuckDB's reader rejected (wrong number of fields, a quote never closed), each
    with its physical line when known."""
    reasons = dict(steps.run("csv/reject_reasons").fetchall())
    physical = dict(steps.run("csv/reject_places").fetchall())
    out: list[tuple[int | str, str]] = []
    for duck_line in rejected_lines:
        where: int | str = physical.get(duck_line) or f"record near line {duck_line}"
        out.append((where, _reject_reason(str(reasons.get(duck_line, "")), n)))
    return out


def _drop_rejects(con: duckdb.DuckDBPyConnection) -> None:
    for table in ("csv_rejects", "csv_reject_scans"):
        con.execute(sql.fill("store/drop_temp", table=table))


def _reject_reason(message: str, n: int) -> str:
    first = message.splitlines()[0] if message else "the record cannot be read"
    m = re.search(r"Expected Number of Columns: (\d+) Found: (\d+)", first)
    if m:
        return f"the record has {m.group(2)} fields, the header {n}"
    if "unterminated quote" in first.lower():
        return "a quoted field is never closed (a '\"' is missing)"
    return first.rstrip(".")


def _read_error(path: str, exc: duckdb.Error) -> InputError:
    first = str(exc).splitlines()[0]
    return InputError(f"cannot be read as CSV ({first})", file=path)


# -- problems ------------------------------------------------------------------------------


def _refuse_fractions(steps: sql.Pipeline, reads: dict[str, _Read]) -> None:
    """Raises InputError for a file whose GPU utilisation column, read as percent, holds
    nothing above 1 but something above 0: fractions under a percent name, most likely, which
    read as percent would be 100 times too low. 0.7 next to 35 stays 0.7 %."""
    found = steps.run("csv/util_fractions").fetchone()
    if found is None:
        return
    file, largest = str(found[0]), float(found[1])
    layout = reads[file].layout
    column = _column_name(layout, "gpu_util")
    raise InputError(
        f"every GPU utilisation is between 0 and 1 (largest {largest:g}), fractions rather "
        "than percent",
        file=file,
        line=layout.header_line,
        column=column,
        hint=f"If they are fractions (0.7 = 70 %), read the column with --map "
        f"gpu_util_fraction={column}; percent are 0-100.",
    )


def _problems(
    steps: sql.Pipeline, reads: dict[str, _Read], skip: bool
) -> tuple[list[SkippedRow], int]:
    count = _scalar(steps.run("csv/problem_count"))
    found: list[tuple[int, int, str, int | str, str, str | None]] = []
    for order, (path, read) in enumerate(reads.items()):
        for where, reason in read.rejected:
            sort_line = where if isinstance(where, int) else 0
            found.append((order, sort_line, path, where, reason, None))
    count += sum(len(r.rejected) for r in reads.values())
    if not count:
        return [], 0
    rows = steps.run("csv/problems").fetchall()
    for file_order, sort_line, file, loc, problem, fld in rows:
        where = int(loc) if str(loc).isdigit() else str(loc)
        found.append((int(file_order), int(sort_line), file, where, problem, fld))
    found.sort(key=lambda r: (r[0], r[1]))
    first = found[:5]
    if not skip:
        _order, _line, file, where, problem, fld = first[0]
        column = _column_name(reads[file].layout, fld)
        more = f" ({count} bad rows in all)" if count > 1 else ""
        raise InputError(
            _one_line(problem) + more,
            file=file,
            line=where,
            column=column,
            hint="Fix the row, or use --skip-bad-rows to skip such rows.",
        )
    return [SkippedRow(f, w, _one_line(p)) for _o, _l, f, w, p, _c in first], count


def _one_line(text: str) -> str:
    """A message quoting a value that holds line breaks, on one line."""
    return text.replace("\r", "\\r").replace("\n", "\\n")


def _column_name(layout: _Layout, fld: str | None) -> str | None:
    if fld is None or fld not in layout.positions:
        return None
    return layout.header[layout.positions[fld] - 1] or None


__all__ = [
    "CODECARBON_FIELDS",
    "FIELDS",
    "SYNONYMS",
    "CsvOptions",
    "parse_mapping",
    "read_csv_logs",
]
