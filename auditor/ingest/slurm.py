"""Slurm accounting dumps: ``sacct -P`` text (with a header, or headerless with --fields)
and ``sacct --json`` (Slurm 21.08 to 25.x), detected per file.

All parsing is DuckDB SQL over whole files (auditor/queries/slurm_*.sql): Python only reads
the header line and builds the column positions.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass
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

# The sacct fields auditor reads, by their lower-case names; header aliases map onto them.
FIELDS = (
    "jobid", "jobidraw", "cluster", "user", "account", "group", "partition", "qos", "wckey",
    "state", "exitcode", "submit", "start", "end", "elapsed", "elapsedraw", "nnodes", "ncpus",
    "reqmem", "reqtres", "alloctres", "allocgres", "totalcpu", "maxrss", "consumedenergyraw",
    "nodelist", "jobname", "comment",
)  # fmt: skip
ALIASES = {"alloccpus": "ncpus", "allocnodes": "nnodes"}

# Free-text fields that may hold the delimiter unescaped, most likely first: a row with
# more fields than the header gives its surplus to one of them.
FREE_TEXT = ("submitline", "jobname", "constraints", "comment", "admincomment",
             "systemcomment", "workdir", "reason", "extra")  # fmt: skip

# XDMoD's headerless layout (ubccr/xdmod Shredder/Slurm.php), taken with TZ=UTC.
XDMOD_FIELDS = (
    "jobid", "jobidraw", "cluster", "partition", "qos", "account", "group", "gid", "user",
    "uid", "submit", "eligible", "start", "end", "elapsed", "exitcode", "state", "nnodes",
    "ncpus", "reqcpus", "reqmem", "reqtres", "alloctres", "timelimit", "nodelist", "jobname",
)  # fmt: skip

# Shapes a correctly placed row has, used to decide which free-text field holds a stray '|'.
_SHAPES = {
    "jobid": r"\d+(_\d+|_\[[^\]]*\])?(\+\d+)?(\.[A-Za-z0-9]+(\+\d+)?)?",
    "jobidraw": r"\d+(\.[A-Za-z0-9]+(\+\d+)?)?",
    "state": r"[A-Z_]*( by \d+)?",
    "elapsedraw": r"\d*",
    "ncpus": r"\d*",
    "nnodes": r"\d*",
    "submit": r"|Unknown|None|\d+|\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d.*",
    "start": r"|Unknown|None|\d+|\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d.*",
    "end": r"|Unknown|None|\d+|\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d.*",
    "alloctres": r"([^=,]+=[^,]*(,[^=,]+=[^,]*)*)?",
}

DEFAULT_PROJECT = GroupSpec("account")
DEFAULT_SWEEP = GroupSpec("array")

_FUSED_DUMPS = 4  # up to this many text dumps are split while checked (see read_slurm)
_READ_DELIM = "\x01"  # a byte sacct never prints: each line is read whole, then split in SQL
_MAX_LINE = 1024 * 1024  # longest line read; a longer one is an error
_READ_BUFFER = 8 * _MAX_LINE  # DuckDB's default scales with the file: this bounds parse memory


@dataclass(frozen=True)
class SlurmOptions:
    cluster: str | None = None
    tz: str | None = None
    fields: str | None = None
    delimiter: str | None = None
    project_from: GroupSpec = DEFAULT_PROJECT
    sweep_from: GroupSpec = DEFAULT_SWEEP
    skip_bad_rows: bool = False
    progress: bool = False

    def as_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d.pop("progress")
        return d


@dataclass(frozen=True)
class _TextLayout:
    fields: list[str]  # canonical names (or '' for columns auditor does not read)
    delimiter: str
    first_data_line: int  # 1-based
    trailing_delimiter: bool


def read_slurm(paths: Sequence[str], options: SlurmOptions) -> ImportResult:
    """Parse sacct dumps into canonical job rows; raises InputError on the first bad row
    unless ``options.skip_bad_rows``."""
    if not paths:
        raise UsageError("no dump given. Pass one or more sacct output files.")
    zone = options.tz or local_zone()
    check_zone(zone)
    con = parse_connection()
    handed_over = False
    try:
        sql.define_macros(con)
        con.execute(sql.query("slurm_macros"))
        con.execute(sql.query("slurm_rows_table"))
        notes: list[str] = []
        kinds = [_detect(path) for path in paths]
        # A few text dumps are split as their rows are checked, never stored split; many
        # (daily dumps) are split and stored one by one, which keeps the query small.
        fused = kinds.count("text") <= _FUSED_DUMPS
        splits: list[_Split] = []
        for order, (path, kind) in enumerate(zip(paths, kinds, strict=True)):
            if kind == "json":
                _load_json(con, path, order, options.progress)
                continue
            layout = _text_layout(path, options)
            lines = _lines_table(order) if fused else "raw_lines"
            split = _load_text(con, path, order, lines, layout, options.progress, notes)
            if fused:
                splits.append(split)
            else:
                con.execute(f"INSERT INTO sacct_stored_rows BY NAME {split.rows}")
                con.execute("DROP TABLE raw_lines")
        text_zone_used = "text" in kinds
        _union_view(con, "sacct_rows", [split.rows for split in splits])
        if options.fields == "xdmod" and not options.tz:
            zone = "UTC"
            notes.append("the XDMoD layout is taken with TZ=UTC: times read as UTC")
        elif text_zone_used and _saw_local_times(con):
            how = "given with --tz" if options.tz else "this machine's zone; --tz to change"
            notes.append(f"local times without an offset read as {zone} ({how})")
        # a view, read twice
        checked = sql.with_literals(
            sql.query("slurm_checked"), {"tz": zone, "cluster": options.cluster or "default"}
        )
        con.execute(f"CREATE TEMP VIEW slurm_checked AS {checked}")
        # first pass: every row checked, only its keys and parsed figures kept; the second
        # (slurm_jobs, which the store reads in place) splits the kept allocations' lines
        # again for their text fields and parses nothing
        con.execute(sql.query("slurm_row_keys"))
        skipped, skipped_count = _problems(con, paths, options.skip_bad_rows)
        rows_read = _scalar(con, "SELECT count(*) FROM slurm_row_keys")
        con.execute(sql.query("slurm_step_stats"))
        con.execute(sql.query("slurm_gpu_keys"))
        con.execute(sql.query("slurm_alloc_facts"))
        for done in ("slurm_row_keys", "slurm_step_stats", "slurm_gpu_keys"):
            con.execute(f"DROP TABLE {done}")
        # the second pass splits again only the lines of the allocations it keeps: the rest
        # of the dump's lines are let go before it
        con.execute("DROP VIEW slurm_checked")
        con.execute("DROP VIEW sacct_rows")
        for split in splits:
            _keep_alloc_lines(con, split)
        _union_view(con, "sacct_alloc_rows", [split.alloc_rows for split in splits])
        con.execute(f"CREATE TEMP VIEW slurm_jobs AS {sql.query('slurm_canonical')}")
        table = apply_grouping(
            con,
            "slurm_jobs",
            None if options.project_from == DEFAULT_PROJECT else options.project_from,
            None if options.sweep_from == DEFAULT_SWEEP else options.sweep_from,
            in_place=True,
            # its joins must build on the facts, as written, never on the dump's lines,
            # which would then be held whole before the first row comes out: DuckDB picks
            # by estimates, which the line filters make too low
            settings={"disabled_optimizers": "build_side_probe_side"},
        )
        result = ImportResult(table, rows_read, skipped, skipped_count, notes)
        handed_over = True
        return result
    except (duckdb.OutOfMemoryException, duckdb.IOException) as exc:
        raise read_failure(exc, list(paths)) from None
    finally:
        if not handed_over:  # else its rows are a view on it, and the caller closes it
            con.close()


def _union_view(con: duckdb.DuckDBPyConnection, name: str, splits: list[str]) -> None:
    """The temp view ``name``: the stored rows, and the rows each text dump's split gives."""
    con.execute(
        f"CREATE TEMP VIEW {name} AS FROM sacct_stored_rows"
        + "".join(f" UNION ALL BY NAME ({split})" for split in splits)
    )


def _saw_local_times(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether a text dump printed times without an offset (so --tz mattered)."""
    return bool(_scalar(con, sql.query("slurm_local_times")))


def _scalar(con: duckdb.DuckDBPyConnection, query: str) -> int:
    row = con.execute(query).fetchone()
    return int(row[0]) if row else 0


def _problems(
    con: duckdb.DuckDBPyConnection, paths: Sequence[str], skip: bool
) -> tuple[list[SkippedRow], int]:
    count = _scalar(con, "SELECT count(*) FROM slurm_row_keys WHERE problem IS NOT NULL")
    if not count:
        return [], 0
    # the file is the one at the row's file_order (row_key is file_order * 2^40 + line)
    first = [
        (paths[order], loc, problem)
        for order, loc, problem in con.execute(
            "SELECT row_key // 1099511627776, loc, problem FROM slurm_row_keys "
            "WHERE problem IS NOT NULL ORDER BY row_key, loc LIMIT 5"
        ).fetchall()
    ]
    if not skip:
        file, loc, problem = first[0]
        message, column = _split_problem(problem)
        more = f" ({count} bad rows in all)" if count > 1 else ""
        raise InputError(
            message + more,
            file=file,
            line=loc,
            column=column,
            hint="Fix the row, or use --skip-bad-rows to skip such rows.",
        )
    return [SkippedRow(f, loc, p) for f, loc, p in first], count


def _split_problem(problem: str) -> tuple[str, str | None]:
    first = problem.split(" ", 1)[0]
    if first in {"JobID", "Submit", "Start", "End", "ElapsedRaw", "Elapsed", "AllocTRES",
                 "NCPUS", "NNodes"}:  # fmt: skip
        return problem, first
    return problem, None


# -- detection and layout -------------------------------------------------------------------


def _open_head(path: str, size: int = 65536) -> bytes:
    p = existing_file(path, "a sacct dump")
    try:
        with p.open("rb") as fh:
            return fh.read(size)
    except OSError as exc:
        raise InputError(f"cannot be read ({exc.strerror})", file=path) from None


def _detect(path: str) -> str:
    head = _open_head(path)
    if not head.strip():
        raise InputError(
            "is empty", file=path, hint="sacct printed nothing: check its -S/-E window."
        )
    if b"\x00" in head:
        raise InputError("is a binary file, not sacct output", file=path)
    text = head.lstrip(b"\xef\xbb\xbf").lstrip()
    return "json" if text.startswith(b"{") else "text"


def _first_line(path: str) -> tuple[int, str]:
    """The first non-blank line and its 1-based number, without BOM or line ending."""
    with Path(path).open("rb") as fh:
        for number, raw in enumerate(fh, start=1):
            line = raw.decode("utf-8", errors="replace").lstrip("\ufeff").rstrip("\r\n")
            if line.strip():
                return number, line
    raise InputError("is empty", file=path)


def _text_layout(path: str, options: SlurmOptions) -> _TextLayout:
    number, line = _first_line(path)
    words = {w.lower() for w in re.findall(r"[A-Za-z][A-Za-z0-9_]*", line)}
    has_header = bool(words & {"jobid", "jobidraw"})
    if options.fields and has_header:
        raise UsageError(f"{path} has a header line; --fields is only for headerless dumps.")
    if has_header:
        delimiter = options.delimiter or _header_delimiter(path, number, line)
        names = line.split(delimiter)
        trailing = names[-1] == "" and len(names) > 1
        if trailing:
            names = names[:-1]
        first_data = number + 1
    elif options.fields:
        names = list(XDMOD_FIELDS) if options.fields == "xdmod" else options.fields.split(",")
        delimiter = options.delimiter or "|"
        _check_delimiter(path, number, line, delimiter, len(names), options.delimiter is None)
        trailing = line.endswith(delimiter) and line.count(delimiter) == len(names)
        first_data = number
    elif re.match(r"\s*\d", line):
        raise InputError(
            "has no header line",
            file=path,
            line=number,
            hint="Pass the columns with --fields (a comma list as given to sacct --format, "
            "or --fields xdmod for XDMoD's layout).",
        )
    else:
        raise InputError(
            "is not sacct output: the first line has no JobID column",
            file=path,
            line=number,
            hint="Expected 'sacct -P' (or --parsable2) output with its header, or sacct --json.",
        )
    fields = _field_names(names)
    _require(path, fields, names)
    return _TextLayout(fields, delimiter, first_data, trailing)


# What headerless dumps are seen separated by: sacct's own and the usual exports of tables.
_DELIMITER_CANDIDATES = (";|;", "^|^", "|", ";", ",", "\t", ":")


def _shown(delimiter: str) -> str:
    return "'" + delimiter.replace("\t", "\\t") + "'"


def _check_delimiter(
    path: str, number: int, line: str, delimiter: str, fields: int, defaulted: bool
) -> None:
    """Raises InputError naming the delimiter the first line holds when it is not
    ``delimiter``: split on it, the line has too few fields for the ``fields`` of --fields,
    and split on another, just as many."""
    held = [
        d
        for d in _DELIMITER_CANDIDATES
        if d != delimiter and line.count(d) in (fields - 1, fields)  # a trailing one too
    ]
    # as many as --fields names, or more (a '|' inside a free-text field), unless they are
    # the parts of a longer delimiter that fits ('|' of ';|;')
    wider = [d for d in held if delimiter in d]
    if line.count(delimiter) >= fields - 1 and not wider:
        return
    held = wider or held
    if not held:
        return  # no other delimiter fits either: each row's own error says what is wrong
    not_ = _shown(delimiter) + (" (the default)" if defaulted else "")
    raise InputError(
        f"the lines hold {_shown(held[0])} between fields, not {not_}: "
        f"use --delimiter {_shown(held[0])}",
        file=path,
        line=number,
    )


def _header_delimiter(path: str, number: int, line: str) -> str:
    m = re.match(r"\s*[A-Za-z][A-Za-z0-9_]*(%\d+)?([^A-Za-z0-9_%\s]+|\t)", line)
    if not m:
        raise InputError(
            "has a single column: no delimiter found in the header",
            file=path,
            line=number,
            hint="Use 'sacct -P' (fields separated by '|'), or pass --delimiter.",
        )
    return m.group(2)


def _field_names(names: list[str]) -> list[str]:
    """Canonical field per header column ('' for one auditor does not read): an alias
    (AllocCPUS, AllocNodes) stands in only where its canonical field is absent."""
    bare = [re.sub(r"%\d+$", "", n.strip()).lower() for n in names]
    present = set(bare)
    fields = []
    for name in bare:
        target = ALIASES.get(name, name)
        fields.append("" if target != name and target in present else target)
    return fields


def _require(path: str, fields: list[str], names: list[str]) -> None:
    found = ", ".join(n for n in names if n) or "none"
    if "jobid" not in fields and "jobidraw" not in fields:
        raise InputError(f"has no JobID column (found: {found})", file=path)
    if not ({"elapsedraw", "elapsed"} & set(fields) or {"start", "end"} <= set(fields)):
        raise InputError(
            f"has no duration: no ElapsedRaw, Elapsed, or Start and End column (found: {found})",
            file=path,
            hint="Add ElapsedRaw to sacct --format.",
        )
    if not {"alloctres", "allocgres"} & set(fields):
        raise InputError(
            f"has no AllocTRES column, so GPUs cannot be counted (found: {found})",
            file=path,
            hint="Add AllocTRES to sacct --format.",
        )


# -- loading -------------------------------------------------------------------------------


def _lines_table(order: int) -> str:
    return f"raw_lines_{order}"


def _load_text(
    con: duckdb.DuckDBPyConnection,
    path: str,
    order: int,
    lines: str,
    layout: _TextLayout,
    progress: bool,
    notes: list[str],
) -> _Split:
    """Read the dump's lines into the temp table ``lines``; returns the queries that split
    them into sacct fields (slurm_split.sql for this layout)."""
    read = (
        f"CREATE OR REPLACE TEMP TABLE {lines} AS SELECT line AS text FROM read_csv("
        "$path, columns = {'line': 'VARCHAR'}, delim = $delim, quote = '', escape = '', "
        "header = false, auto_detect = false, encoding = $encoding, "
        f"max_line_size = {_MAX_LINE}, buffer_size = {_READ_BUFFER})"
    )
    params = {"path": path, "delim": _READ_DELIM}
    try:
        run_with_progress(con, read, {**params, "encoding": "utf-8"}, path, progress)
    except duckdb.OutOfMemoryException:
        raise  # read_slurm turns it into a LimitError
    except duckdb.InvalidInputException as exc:
        if "unicode" not in str(exc).lower():
            raise _read_error(path, exc) from None
        try:
            run_with_progress(con, read, {**params, "encoding": "latin-1"}, path, progress)
        except duckdb.Error as again:
            raise _read_error(path, again) from None
        notes.append(f"{path} is not valid UTF-8: read as Latin-1")
    except duckdb.Error as exc:
        raise _read_error(path, exc) from None
    template = _split_sql(layout)
    values: dict[str, str | int] = {
        "file": path, "file_order": order, "first": layout.first_data_line,
        "sep": layout.delimiter,
    }  # fmt: skip
    # the queries become part of views
    numbered = f"(SELECT rowid + 1 AS line, text FROM {lines})"
    return _Split(
        order,
        lines,
        sql.with_literals(template.replace("__LINES__", numbered), values),
        sql.with_literals(template.replace("__LINES__", _kept_lines(order)), values),
    )


@dataclass(frozen=True)
class _Split:
    """A text dump's lines table and its splits (slurm_split.sql): of all its lines, and of
    the kept allocations' lines only (slurm_alloc_lines.sql)."""

    order: int
    lines: str
    rows: str
    alloc_rows: str


def _kept_lines(order: int) -> str:
    return f"kept_lines_{order}"


def _keep_alloc_lines(con: duckdb.DuckDBPyConnection, split: _Split) -> None:
    """Replace the dump's lines table by the kept allocations' lines: a third of it."""
    query = (
        sql.query("slurm_alloc_lines")
        .replace("__KEPT__", _kept_lines(split.order))
        .replace("__LINES__", split.lines)
    )
    con.execute(query, {"file_order": split.order})
    con.execute(f"DROP TABLE {split.lines}")


def _read_error(path: str, exc: duckdb.Error) -> InputError:
    first = str(exc).splitlines()[0]
    if "columns" in first.lower():
        return InputError(
            "holds control characters sacct never prints: not a sacct text dump", file=path
        )
    return InputError(f"cannot be read as text ({first})", file=path)


def _split_sql(layout: _TextLayout) -> str:
    """The slurm_split.sql template filled in for this layout's column positions."""
    n = len(layout.fields)
    pos = {f: i + 1 for i, f in reversed(list(enumerate(layout.fields))) if f}
    free = [pos[f] for f in FREE_TEXT if f in pos]
    k = f"(len(parts) - {n})"
    candidates = [
        f"list_concat(parts[1:{a - 1}], [array_to_string(parts[{a}:{a} + {k}], $sep)], "
        f"parts[{a} + {k} + 1:])"
        for a in free
    ]
    checks = [
        f"regexp_full_match(coalesce(c[{pos[f]}], ''), {sql.quote_literal(shape)})"
        for f, shape in _SHAPES.items()
        if f in pos
    ]
    valid = " AND ".join(checks) or "true"
    surplus = (
        f"list_filter([{', '.join(candidates)}], lambda c: {valid})[1]" if candidates else "NULL"
    )
    text = "CASE WHEN ends_with(text, chr(13)) THEN text[:-2] ELSE text END"
    if layout.trailing_delimiter:
        text = (
            f"CASE WHEN ends_with({text}, $sep) THEN {text}[:-(length($sep) + 1)] ELSE {text} END"
        )
    selected = ", ".join(
        f"p[{i}] AS {sql.quote_ident(f)}" for f, i in sorted(pos.items()) if f in FIELDS
    )
    return (
        sql.query("slurm_split")
        .replace("__SURPLUS__", surplus)
        .replace("__SELECTED__", selected)
        .replace("__TEXT__", text)
        .replace("__N__", str(n))
    )


def _load_json(con: duckdb.DuckDBPyConnection, path: str, order: int, progress: bool) -> None:
    try:
        ok = con.execute(
            "SELECT CASE WHEN json_valid(content) "
            "THEN json_type(CAST(content AS JSON), '$.jobs') = 'ARRAY' ELSE false END "
            "FROM read_text($path)",
            {"path": path},
        ).fetchone()
    except duckdb.Error as exc:
        raise _read_error(path, exc) from None
    if not ok or not ok[0]:
        raise InputError(
            "is not sacct --json output: not JSON with a 'jobs' list",
            file=path,
            hint="Expected the output of 'sacct --json'.",
        )
    query = "INSERT INTO sacct_stored_rows BY NAME " + sql.query("slurm_json_rows")
    try:
        run_with_progress(
            con, query, {"path": path, "file": path, "file_order": order}, path, progress
        )
    except (duckdb.Error, UnicodeDecodeError) as exc:
        # DuckDB may cut a message inside a UTF-8 sequence; then Python cannot decode it
        raise InputError(
            f"has a job this reader cannot parse ({str(exc).splitlines()[0][:200]})",
            file=path,
            hint="Please report it with the job's JSON.",
        ) from None


__all__ = ["FIELDS", "XDMOD_FIELDS", "SlurmOptions", "read_slurm"]
