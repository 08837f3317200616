"""Slurm accounting dumps: ``sacct -P`` text (with a header, or headerless with --fields)
and ``sacct --json`` (Slurm 21.08 to 25.x), detected per file.

All parsing is DuckDB SQL over whole files (auditor/queries/slurm/, in the order PIPELINE
lists): Python only reads the header line and finds the column positions.
"""

from __future__ import annotations

import gzip
import re
import tempfile
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import duckdb

from auditor import sql
from auditor.duck import parse_connection, resource_settings
from auditor.errors import InputError, LimitError, UsageError
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
    "nodelist", "jobname", "comment", "tresusageinmax", "tresusageintot", "admincomment",
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

# The import's steps, in the order they run; each dump first has its own (TEXT_DUMP or
# JSON_DUMP), and each text dump split while checked has ALLOC_LINES after the first pass.
PIPELINE = (
    "slurm/macros",
    "slurm/rows_table",
    "slurm/rows_view",  # sacct_rows: every row, for the first pass
    "slurm/local_times",
    "slurm/checked",
    # the first pass: every row checked, only its keys and parsed figures kept
    "slurm/row_keys",
    # jobstats summaries decoded (JOBSTATS_READ), their problems given to their rows
    "slurm/jobstats_payloads",
    "slurm/jobstats_lines_table",
    "slurm/jobstats",
    "slurm/jobstats_problems",
    "slurm/problem_count",
    "slurm/problems",
    "slurm/gpu_use_count",
    "slurm/step_stats",
    "slurm/gpu_keys",
    "slurm/alloc_facts",
    "slurm/gpu_facts_table",
    "slurm/gpu_facts",
    # the second pass: the kept allocations' lines split again (ALLOC_LINES), canonical rows
    "slurm/rows_view",  # sacct_alloc_rows
    "slurm/canonical",
)
# A text dump's steps: its lines read whole and split into sacct fields (a view); with
# many dumps, the split is stored as it is read.
TEXT_DUMP = ("slurm/read_lines", "slurm/numbered_lines", "slurm/split", "slurm/store_split")
JSON_DUMP = ("slurm/json_check", "slurm/json_rows")
# A text dump's second pass: only the kept allocations' lines, split again.
ALLOC_LINES = ("slurm/alloc_lines", "slurm/split")
# The jobstats payloads joined into one gzip file and read back (again, in halves, where a
# payload's gzip data cannot be read).
JOBSTATS_READ = ("slurm/jobstats_members", "slurm/jobstats_read", "slurm/jobstats_keep")

DEFAULT_PROJECT = GroupSpec("account")
DEFAULT_SWEEP = GroupSpec("array")

_FUSED_DUMPS = 4  # up to this many text dumps are split while checked (see read_slurm)
_READ_DELIM = "\x01"  # a byte sacct never prints: each line is read whole, then split in SQL
_MAX_LINE = 1024 * 1024  # longest line read; a longer one is an error
_READ_BUFFER = 8 * _MAX_LINE  # DuckDB's default scales with the file: this bounds parse memory
# gzip members put before the first jobstats payload ('J') and after each ('\nJ'): each
# payload's line starts with 'J', so none is blank, and one line 'J' ends the file. mtime 0:
# the same bytes every time.
_JOBSTATS_FIRST = gzip.compress(b"J", mtime=0)
_JOBSTATS_AFTER = gzip.compress(b"\nJ", mtime=0)
_JOBSTATS_BATCH = 65536  # payloads fetched at a time while the gzip file is written


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
        steps = sql.Pipeline(con, PIPELINE)
        steps.run("slurm/macros")
        steps.run("slurm/rows_table")
        notes: list[str] = []
        kinds = [_detect(path) for path in paths]
        # A few text dumps are split as their rows are checked, never stored split; many
        # (daily dumps) are split and stored one by one, which keeps the query small.
        fused = kinds.count("text") <= _FUSED_DUMPS
        splits: list[_Split] = []
        # the fields of GPU use that some dump has (a JSON dump may have any)
        gpu_fields = (
            {"tresusageintot", "tresusageinmax", "admincomment"} if "json" in kinds else set()
        )
        for order, (path, kind) in enumerate(zip(paths, kinds, strict=True)):
            if kind == "json":
                _load_json(con, path, order, options.progress)
                continue
            layout = _text_layout(path, options)
            gpu_fields |= set(layout.fields)
            split = _load_text(con, path, order, layout, options.progress, notes, store=not fused)
            if fused:
                splits.append(split)
        text_zone_used = "text" in kinds
        _rows_view(steps, "sacct_rows", [split.name("sacct_split") for split in splits])
        if options.fields == "xdmod" and not options.tz:
            zone = "UTC"
            notes.append("the XDMoD layout is taken with TZ=UTC: times read as UTC")
        elif text_zone_used and _scalar(steps.run("slurm/local_times")):
            how = "given with --tz" if options.tz else "this machine's zone; --tz to change"
            notes.append(f"local times without an offset read as {zone} ({how})")
        # a view, read twice
        checked: dict[str, sql.Literal] = {
            "tz": zone,
            "cluster": options.cluster or "default",
            # most dumps have neither: then DuckDB leaves their parsing out
            "usage": int(bool({"tresusageintot", "tresusageinmax"} & gpu_fields)),
            "admin": int("admincomment" in gpu_fields),
        }
        con.execute(sql.with_literals(steps.text("slurm/checked"), checked))
        # first pass: every row checked, only its keys and parsed figures kept; the second
        # (slurm_jobs, which the store reads in place) splits the kept allocations' lines
        # again for their text fields and parses nothing
        steps.run("slurm/row_keys")
        summaries = _jobstats(steps)
        skipped, skipped_count = _problems(steps, paths, options.skip_bad_rows)
        rows_read = _scalar(con.execute(sql.fill("store/count_rows", table="slurm_row_keys")))
        # most dumps have no GPU use: the literal lets DuckDB leave its columns out
        gpu_use = int(_scalar(steps.run("slurm/gpu_use_count")) > 0)
        con.execute(sql.with_literals(steps.text("slurm/step_stats"), {"gpu_use": gpu_use}))
        steps.run("slurm/gpu_keys")
        steps.run("slurm/alloc_facts")
        steps.run("slurm/gpu_facts_table")
        if gpu_use or summaries:
            steps.run("slurm/gpu_facts")
        for done in (
            "slurm_row_keys", "slurm_step_stats", "slurm_gpu_keys", "slurm_jobstats_payloads",
            "slurm_jobstats_lines", "slurm_jobstats",
        ):  # fmt: skip
            con.execute(sql.fill("store/drop_temp", table=done))
        # the second pass splits again only the lines of the allocations it keeps: the rest
        # of the dump's lines are let go before it
        for view in (
            "slurm_checked",
            "sacct_rows",
            *(split.name("sacct_split") for split in splits),
        ):
            con.execute(sql.fill("store/drop_temp_view", view=view))
        for split in splits:
            _keep_alloc_lines(con, split)
        _rows_view(steps, "sacct_alloc_rows", [split.name("sacct_alloc_split") for split in splits])
        steps.run("slurm/canonical")
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


def _rows_view(steps: sql.Pipeline, name: str, splits: list[str]) -> None:
    """The temp view ``name``: the stored rows, and the rows of each text dump's split."""
    steps.con.execute(
        sql.with_literals(steps.text("slurm/rows_view", view=name), {"splits": splits})
    )


def _jobstats(steps: sql.Pipeline) -> int:
    """Decode the allocations' jobstats summaries (``slurm_jobstats``), give the bad ones'
    problems to their rows, and return how many there are. Vectorised: the payloads,
    base64-decoded in SQL, are joined as they are (gzip members, with a member holding a
    newline after each) into one gzip file, which DuckDB reads back a line per payload. Where
    it cannot (a payload's gzip data is damaged, or not one line of UTF-8 text), each half is
    read again, down to the payload."""
    steps.run("slurm/jobstats_payloads", {"after": _JOBSTATS_AFTER})
    steps.run("slurm/jobstats_lines_table")
    count = _scalar(
        steps.con.execute(sql.fill("store/count_rows", table="slurm_jobstats_payloads"))
    )
    if count:
        where = resource_settings()["temp_directory"]
        try:
            with tempfile.TemporaryDirectory(prefix="auditor-jobstats-", dir=where) as tmp:
                _read_jobstats(steps.con, Path(tmp) / "summaries.gz", 0, count)
        except OSError as exc:
            raise LimitError(
                f"cannot write the jobstats summaries to the temporary directory {where} "
                f"({exc.strerror}). Free disk space, or point AUDITOR_TMPDIR at another directory."
            ) from None
        steps.con.execute(sql.fill("store/drop_temp", table="slurm_jobstats_chunk"))
    steps.run("slurm/jobstats")
    steps.run("slurm/jobstats_problems")
    return count


def _read_jobstats(con: duckdb.DuckDBPyConnection, path: Path, lo: int, hi: int) -> None:
    """Store the lines of the jobstats payloads numbered ``lo`` to ``hi - 1`` in
    ``slurm_jobstats_lines``; a payload that cannot be read alone gets none."""
    steps = sql.Pipeline(con, JOBSTATS_READ)
    members = con.sql(steps.text("slurm/jobstats_members"), params={"lo": lo, "hi": hi})
    with path.open("wb") as fh:
        fh.write(_JOBSTATS_FIRST)
        # a batch's values lie end to end in its data buffer: written as they are
        for batch in members.to_arrow_reader(_JOBSTATS_BATCH):
            column = batch.column(0)
            if len(column):
                _, offsets, data = column.buffers()
                wide = str(column.type) == "large_binary"
                ends = memoryview(offsets).cast("B").cast("q" if wide else "i")
                start, end = ends[column.offset], ends[column.offset + len(column)]
                fh.write(data.slice(start, end - start))
    try:
        steps.run(
            "slurm/jobstats_read",
            {"path": str(path), "delim": _READ_DELIM, "max_line_size": _MAX_LINE},
        )
        read = _scalar(con.execute(sql.fill("store/count_rows", table="slurm_jobstats_chunk")))
    except (duckdb.IOException, duckdb.InvalidInputException) as exc:
        if "space" in str(exc).lower():
            raise  # out of disk, not a bad summary: read_slurm says so
        read = -1  # damaged gzip data, or not UTF-8
    if read == hi - lo + 1:  # and the last line, 'J'
        steps.run("slurm/jobstats_keep", {"lo": lo, "count": hi - lo})
    elif hi - lo > 1:
        middle = (lo + hi) // 2
        _read_jobstats(con, path, lo, middle)
        _read_jobstats(con, path, middle, hi)


def _scalar(result: duckdb.DuckDBPyConnection) -> int:
    rows = result.fetchall()  # all: a result left unfinished holds the connection
    return int(rows[0][0]) if rows else 0


def _problems(
    steps: sql.Pipeline, paths: Sequence[str], skip: bool
) -> tuple[list[SkippedRow], int]:
    count = _scalar(steps.run("slurm/problem_count"))
    if not count:
        return [], 0
    first = [
        (paths[order], loc, problem)
        for order, loc, problem in steps.run("slurm/problems").fetchall()
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
                 "NCPUS", "NNodes", "AdminComment"}:  # fmt: skip
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


def _load_text(
    con: duckdb.DuckDBPyConnection,
    path: str,
    order: int,
    layout: _TextLayout,
    progress: bool,
    notes: list[str],
    *,
    store: bool,
) -> _Split:
    """Read the dump's lines into a temp table and make the view that splits them into
    sacct fields (slurm/split.sql for this layout); with ``store``, store its rows and let
    the lines go."""
    steps = sql.Pipeline(con, TEXT_DUMP)
    split = _Split(order, _layout_values(path, order, layout))
    read = steps.text("slurm/read_lines", lines=split.name("raw_lines"))
    params = {
        "path": path, "delim": _READ_DELIM, "max_line_size": _MAX_LINE,
        "buffer_size": _READ_BUFFER,
    }  # fmt: skip
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
    numbered = split.name("numbered_lines")
    steps.run("slurm/numbered_lines", view=numbered, lines=split.name("raw_lines"))
    # the splits become part of views: their values are put in as literals
    text = steps.text("slurm/split", view=split.name("sacct_split"), lines=numbered)
    con.execute(sql.with_literals(text, split.layout))
    if store:
        steps.run("slurm/store_split", split=split.name("sacct_split"))
        for view in (split.name("sacct_split"), numbered):
            con.execute(sql.fill("store/drop_temp_view", view=view))
        con.execute(sql.fill("store/drop_temp", table=split.name("raw_lines")))
    return split


def _layout_values(path: str, order: int, layout: _TextLayout) -> dict[str, sql.Literal]:
    """The values slurm/split.sql takes for this dump: where it is, the delimiter, and the
    position of each sacct field (0 when absent) and of the free-text fields."""
    pos = {f: i + 1 for i, f in reversed(list(enumerate(layout.fields))) if f}
    return {
        "file": path,
        "file_order": order,
        "first": layout.first_data_line,
        "sep": layout.delimiter,
        "n": len(layout.fields),
        "trailing": int(layout.trailing_delimiter),
        "free": [pos[f] for f in FREE_TEXT if f in pos],
        **{f"at_{f}": pos.get(f, 0) for f in FIELDS},
    }


@dataclass(frozen=True)
class _Split:
    """A text dump's lines table and the views that split it (slurm/split.sql): of all its
    lines, and of the kept allocations' lines only (slurm/alloc_lines.sql)."""

    order: int
    layout: dict[str, sql.Literal]

    def name(self, what: str) -> str:
        """This dump's temp table or view ``what``: raw_lines (its lines), numbered_lines,
        sacct_split (their split), kept_lines (the kept allocations' lines), sacct_alloc_split
        (their split)."""
        return f"{what}_{self.order}"


def _keep_alloc_lines(con: duckdb.DuckDBPyConnection, split: _Split) -> None:
    """Replace the dump's lines table by the kept allocations' lines (a third of it), and
    split those."""
    steps = sql.Pipeline(con, ALLOC_LINES)
    steps.run(
        "slurm/alloc_lines",
        {"file_order": split.order},
        kept=split.name("kept_lines"),
        lines=split.name("raw_lines"),
    )
    con.execute(sql.fill("store/drop_temp_view", view=split.name("numbered_lines")))
    con.execute(sql.fill("store/drop_temp", table=split.name("raw_lines")))
    text = steps.text(
        "slurm/split", view=split.name("sacct_alloc_split"), lines=split.name("kept_lines")
    )
    con.execute(sql.with_literals(text, split.layout))


def _read_error(path: str, exc: duckdb.Error) -> InputError:
    first = str(exc).splitlines()[0]
    if "columns" in first.lower():
        return InputError(
            "holds control characters sacct never prints: not a sacct text dump", file=path
        )
    return InputError(f"cannot be read as text ({first})", file=path)


def _load_json(con: duckdb.DuckDBPyConnection, path: str, order: int, progress: bool) -> None:
    steps = sql.Pipeline(con, JSON_DUMP)
    try:
        ok = steps.run("slurm/json_check", {"path": path}).fetchone()
    except duckdb.Error as exc:
        raise _read_error(path, exc) from None
    if not ok or not ok[0]:
        raise InputError(
            "is not sacct --json output: not JSON with a 'jobs' list",
            file=path,
            hint="Expected the output of 'sacct --json'.",
        )
    query = steps.text("slurm/json_rows")
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
