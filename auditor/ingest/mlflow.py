"""MLflow tracking stores in, canonical job rows out: one row per leaf run.

Three kinds of store, all read-only:

* a legacy ``mlruns/`` directory (``file://`` URI or a plain path): its files are scanned
  directly, MLflow's own file store is never instantiated (MLflow >= 3.13 refuses it, and
  labs rsync these directories off clusters);
* an SQLite database (``sqlite:///path``): read raw with Python's ``sqlite3`` in read-only
  mode, because MLflow 3 upgrades an old schema in place when it opens one;
* a tracking server (``http(s)://``) through ``MlflowClient``, authenticated by MLflow's own
  environment variables (``MLFLOW_TRACKING_USERNAME``/``PASSWORD``, ``MLFLOW_TRACKING_TOKEN``).

Each reader fills the same raw tables (runs, experiments, params and tags, GPU metric
points); DuckDB SQL (``queries/mlflow_*.sql``) turns them into canonical rows.
"""

from __future__ import annotations

import io
import json
import os
import re
import socket
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal
from urllib.parse import unquote, urlsplit, urlunsplit
from urllib.request import pathname2url

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from auditor import sql
from auditor.duck import limit_error, parse_connection
from auditor.errors import InputError, UsageError
from auditor.ingest.base import ImportResult, SkippedRow
from auditor.schema import JOB_COLUMNS, JOB_SCHEMA

__all__ = ["MlflowOptions", "StoreRef", "read_mlflow", "resolve_store"]

SKIP_HINT = "Use --skip-bad-rows to skip such runs."
SQLITE_MAGIC = b"SQLite format 3\x00"
# `system/gpu_0_...` or `system/<node id>/gpu_0_...` (MLFLOW_SYSTEM_METRICS_NODE_ID)
GPU_KEY_RE = r"^system/(?:(.+)/)?gpu_(\d+)_(.+)$"
SERIES_RE = re.compile(r"^system/(?:.+/)?gpu_\d+_(power_usage_watts|utilization_percentage)$")
RUN_DIR_RE = re.compile(r"^[0-9a-f]{32}$")
HTTP_PAGE = 1000


@dataclass(frozen=True)
class MlflowOptions:
    """How runs are read: which params or tags name the hardware, the project, the Slurm job."""

    gpus_keys: tuple[str, ...] = ("gpus", "n_gpus", "num_gpus", "gpu_count")
    gpu_model_keys: tuple[str, ...] = ("gpu_model", "gpu_type", "gpu_name")
    project_tag: str = "project"
    slurm_job_keys: tuple[str, ...] = ("slurm_job_id", "SLURM_JOB_ID")
    slurm_cluster_keys: tuple[str, ...] = ("slurm_cluster", "SLURM_CLUSTER_NAME")
    gap_factor: float = 3.0  # power samples further apart than this x the median are not joined
    skip_bad_rows: bool = False
    http_workers: int = 8

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


@dataclass(frozen=True)
class StoreRef:
    """A tracking store: its kind, where it is, and the URI it is known by (no credentials)."""

    kind: Literal["file", "sqlite", "http"]
    uri: str  # normalised; becomes the rows' src_file
    location: str  # directory or database path, or the URI handed to MlflowClient
    name: str  # short, for the rows' cluster: the server's host, the file or directory name


# -- the raw tables every reader fills -----------------------------------------------------

RUNS = pa.schema(
    [
        ("run_id", pa.string()),
        ("experiment_id", pa.string()),
        ("run_name", pa.string()),
        ("user_id", pa.string()),
        ("status", pa.string()),  # RUNNING... or the file store's integer as text
        ("start_ms", pa.int64()),
        ("end_ms", pa.int64()),
        ("lifecycle_stage", pa.string()),
        ("last_metric_ms", pa.int64()),  # newest metric timestamp; only needed while running
        ("origin", pa.string()),  # file to name in an error about this run
    ]
)
EXPERIMENTS = pa.schema(
    [("experiment_id", pa.string()), ("name", pa.string()), ("lifecycle_stage", pa.string())]
)
EXP_TAGS = pa.schema([("experiment_id", pa.string()), ("key", pa.string()), ("value", pa.string())])
RUN_KV = pa.schema(
    [("run_id", pa.string()), ("kind", pa.string()), ("key", pa.string()), ("value", pa.string())]
)
METRIC_KEYS = pa.schema([("run_id", pa.string()), ("key", pa.string())])
POINTS = pa.schema(
    [("run_id", pa.string()), ("key", pa.string()), ("ts_ms", pa.int64()), ("value", pa.float64())]
)


@dataclass
class Raw:
    runs: pa.Table
    experiments: pa.Table
    exp_tags: pa.Table
    run_kv: pa.Table
    metric_keys: pa.Table  # every system/gpu_N_* key a run has
    points: pa.Table  # full history of GPU power and utilisation keys
    skipped: list[SkippedRow] = field(default_factory=list)


def _table(rows: Sequence[Sequence[Any]], schema: pa.Schema) -> pa.Table:
    """Rows (tuples in schema order) as an Arrow table, converted column by column."""
    columns: Iterable[Sequence[Any]] = zip(*rows, strict=True) if rows else [[]] * len(schema)
    return pa.table(
        [pa.array(c, f.type) for c, f in zip(columns, schema, strict=True)], schema=schema
    )


# -- where the store is --------------------------------------------------------------------


def resolve_store(uri: str | None) -> StoreRef:
    """The store ``uri`` names (default ``$MLFLOW_TRACKING_URI``).

    Raises UsageError for a URI auditor does not read, InputError for a missing path.
    """
    if uri is None:
        uri = os.environ.get("MLFLOW_TRACKING_URI") or None
    if not uri:
        raise UsageError(
            "no MLflow store given. Pass --tracking-uri (an mlruns directory, "
            "sqlite:///path/mlflow.db or http://host:port) or set MLFLOW_TRACKING_URI."
        )
    parts = urlsplit(uri)
    scheme = parts.scheme.lower()
    if scheme in ("http", "https"):
        if not parts.hostname:
            raise UsageError(f"'{uri}' names no host. Use e.g. http://127.0.0.1:5000.")
        netloc = parts.hostname.lower()
        if ":" in netloc:
            netloc = f"[{netloc}]"
        if parts.port is not None:
            netloc += f":{parts.port}"
        clean = urlunsplit((scheme, netloc, parts.path.rstrip("/"), "", ""))
        return StoreRef("http", clean, uri, parts.hostname.lower())
    if scheme == "sqlite":
        # SQLAlchemy form: sqlite:///relative.db, sqlite:////absolute.db
        rest = uri[len("sqlite:") :].split("?", 1)[0]
        if not rest.startswith("///") or rest[3:] in ("", ":memory:"):
            raise UsageError(f"'{uri}' names no database file. Use sqlite:///path/to/mlflow.db.")
        path = _existing(Path(unquote(rest[3:])), uri)
        return StoreRef("sqlite", "sqlite:///" + str(path), str(path), path.name)
    if scheme == "file":
        if parts.netloc not in ("", "localhost"):
            raise UsageError(f"'{uri}' names a remote host. Copy the directory here first.")
        path = _existing(Path(unquote(parts.path)), uri)
        return _local(path, uri)
    if len(scheme) > 1:  # one letter is a Windows drive, anything else a scheme we do not read
        shown = urlunsplit(parts._replace(netloc=parts.hostname or ""))
        raise UsageError(
            f"'{shown}': {scheme} stores are not read directly. Run 'mlflow server "
            "--backend-store-uri ...' on it and pass the server's http:// address."
        )
    return _local(_existing(Path(uri), uri), uri)


def _existing(path: Path, uri: str) -> Path:
    path = path.expanduser()
    if not path.exists():
        raise InputError("no such file or directory", file=uri, hint="Check --tracking-uri.")
    return path.resolve()


def _inside_store(path: Path, uri: str) -> None:
    """Raises UsageError when ``path`` is an experiment or run folder of a file store (it
    holds a meta.yaml, which a store's root never does), naming the store's root."""
    if not (path / "meta.yaml").is_file():
        return
    experiment, what = path, "an experiment folder"
    if (path.parent / "meta.yaml").is_file():
        experiment, what = path.parent, "a run folder"
    root = experiment.parent
    if root.name == ".trash":  # a deleted experiment
        root = root.parent
    raise UsageError(
        f"{uri} is {what} of the store {root}/; use --tracking-uri {root} "
        f"(with --experiment {experiment.name} for this experiment alone)."
    )


def _local(path: Path, uri: str) -> StoreRef:
    if path.is_dir():
        _inside_store(path, uri)
        return StoreRef("file", path.as_uri(), str(path), path.name)
    try:
        with path.open("rb") as fh:
            head = fh.read(len(SQLITE_MAGIC))
    except OSError as exc:
        raise InputError(f"cannot read it ({exc.strerror})", file=uri) from None
    if head != SQLITE_MAGIC:
        raise InputError(
            "neither an mlruns directory nor an MLflow SQLite database",
            file=uri,
            hint="Pass the mlruns directory, sqlite:///path/mlflow.db or a server's http:// URI.",
        )
    return StoreRef("sqlite", "sqlite:///" + str(path), str(path), path.name)


# -- reading -------------------------------------------------------------------------------


def read_mlflow(
    uri: str | None, experiments: Sequence[str] = (), options: MlflowOptions | None = None
) -> ImportResult:
    """Canonical rows for the leaf runs of ``uri``; the store is only read, never written.

    ``experiments`` limits the read to these experiment names (or ids). Raises InputError
    for a missing or unreadable store or a bad run (unless ``options.skip_bad_rows``),
    UsageError for an unknown experiment or an unsupported URI.
    """
    options = options or MlflowOptions()
    ref = resolve_store(uri)
    if ref.kind == "file":
        raw = _read_file_store(ref, experiments, options)
    elif ref.kind == "sqlite":
        raw = _read_sqlite(ref, experiments)
    else:
        raw = _read_http(ref, experiments, options)
    return _to_jobs(ref, raw, options)


def _select_experiments(
    ref: StoreRef, experiments: pa.Table, wanted: Sequence[str]
) -> set[str] | None:
    """Ids of the experiments named in ``wanted`` (by name or id), None for all."""
    if not wanted:
        return None
    ids = experiments.column("experiment_id").to_pylist()
    names = experiments.column("name").to_pylist()
    by_name = dict(zip(names, ids, strict=True))
    chosen: set[str] = set()
    for want in wanted:
        if want in by_name:
            chosen.add(by_name[want])
        elif want in ids:
            chosen.add(want)
        else:
            shown = ", ".join(sorted(n for n in names if n)[:10]) or "(none)"
            raise UsageError(f"{ref.uri}: no experiment named '{want}'. Try one of: {shown}.")
    return chosen


# -- file store ----------------------------------------------------------------------------


def _yaml_load(path: str, what: str) -> Any:
    """The mapping in a meta.yaml file; raises InputError when it is not one."""
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        with open(path, encoding="utf-8") as fh:
            meta = yaml.load(fh, Loader=loader)
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise InputError(f"not {what} ({_first_line(exc)})", file=path, hint=SKIP_HINT) from None
    if not isinstance(meta, dict):
        raise InputError(f"not {what} (no mapping)", file=path, hint=SKIP_HINT)
    return meta


def _files_under(top: str) -> Iterator[tuple[str, str]]:
    """(key, path) of every file below ``top``; keys rebuilt from relative paths ('a/b')."""
    stack = [(top, "")]
    while stack:
        directory, prefix = stack.pop()
        try:
            entries = list(os.scandir(directory))
        except FileNotFoundError:
            continue
        for entry in entries:
            if entry.is_dir():
                stack.append((entry.path, f"{prefix}{entry.name}/"))
            else:
                yield prefix + entry.name, entry.path


def _read_file_store(ref: StoreRef, wanted: Sequence[str], options: MlflowOptions) -> Raw:
    root = ref.location
    exp_dirs: list[str] = []
    try:
        for base in (root, os.path.join(root, ".trash")):
            if os.path.isdir(base):
                exp_dirs += [
                    e.path
                    for e in os.scandir(base)
                    if e.is_dir()
                    and not e.name.startswith(".")
                    and os.path.isfile(os.path.join(e.path, "meta.yaml"))
                ]
    except OSError as exc:
        raise InputError(f"cannot read the directory ({exc.strerror})", file=ref.uri) from None
    if not exp_dirs:
        raise InputError(
            "not an MLflow file store: no experiment directory with a meta.yaml",
            file=ref.uri,
            hint="Pass the mlruns directory itself.",
        )
    exp_rows, exp_tag_rows, exp_dir_of = [], [], {}
    for d in sorted(exp_dirs):
        meta_path = os.path.join(d, "meta.yaml")
        meta = _yaml_load(meta_path, "an experiment meta.yaml")
        if meta.get("experiment_id") is None:
            raise InputError("experiment meta.yaml has no experiment_id", file=meta_path)
        exp_id = str(meta["experiment_id"])
        exp_rows.append((exp_id, meta.get("name"), meta.get("lifecycle_stage")))
        exp_dir_of[exp_id] = d
        for key, path in _files_under(os.path.join(d, "tags")):
            exp_tag_rows.append((exp_id, key, _read_text(path)))
    experiments = _table(exp_rows, EXPERIMENTS)
    chosen = _select_experiments(ref, experiments, wanted)

    runs: list[tuple[Any, ...]] = []
    kv: list[tuple[str, str, str, str]] = []
    keys: list[tuple[str, str]] = []
    series_files: list[tuple[str, str, str]] = []
    skipped: list[SkippedRow] = []
    for exp_id, d in sorted(exp_dir_of.items()):
        if chosen is not None and exp_id not in chosen:
            continue
        for entry in sorted(os.scandir(d), key=lambda e: e.name):
            meta_path = os.path.join(entry.path, "meta.yaml")
            if not (RUN_DIR_RE.match(entry.name) and os.path.isfile(meta_path)):
                continue
            try:
                run = _run_meta(meta_path, exp_id)
            except InputError as exc:
                if not options.skip_bad_rows:
                    raise
                skipped.append(SkippedRow(meta_path, entry.name, exc.message))
                continue
            try:
                _scan_run(entry.path, run, runs, kv, keys, series_files)
            except OSError as exc:
                raise InputError(
                    f"cannot read it ({exc.strerror})", file=exc.filename or entry.path
                ) from None
    points, bad = _read_metric_files(series_files, options)
    if bad:
        first_file: dict[str, str] = {}
        for run_id, path in bad:
            first_file.setdefault(run_id, path)
        skipped += [SkippedRow(p, r, "not a metric line") for r, p in first_file.items()]
        runs = [r for r in runs if r[0] not in first_file]
        points = points.filter(pc.invert(pc.is_in(points["run_id"], pa.array(list(first_file)))))
    return Raw(
        runs=_table(runs, RUNS),
        experiments=experiments,
        exp_tags=_table(exp_tag_rows, EXP_TAGS),
        run_kv=_table(kv, RUN_KV),
        metric_keys=_table(keys, METRIC_KEYS),
        points=points,
        skipped=skipped,
    )


def _scan_run(
    run_dir: str,
    run: tuple[Any, ...],
    runs: list[tuple[Any, ...]],
    kv: list[tuple[str, str, str, str]],
    keys: list[tuple[str, str]],
    series_files: list[tuple[str, str, str]],
) -> None:
    """Append one run's row, params, tags and GPU metric keys; note its series files."""
    run_id = run[0]
    metric_files = list(_files_under(os.path.join(run_dir, "metrics")))
    last_ms = None
    if run[4] in ("1", "2"):  # still running: measured up to its newest metric
        last_ms = max((_last_timestamp(p) or 0 for _, p in metric_files), default=0) or None
    runs.append((*run, last_ms, os.path.join(run_dir, "meta.yaml")))
    for kind in ("params", "tags"):
        for key, path in _files_under(os.path.join(run_dir, kind)):
            kv.append((run_id, kind[:-1], key, _read_text(path)))
    for key, path in metric_files:
        if key.startswith("system/") and "gpu_" in key:
            keys.append((run_id, key))
            if SERIES_RE.match(key):
                series_files.append((run_id, key, path))


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _read_text(path: str) -> str:
    with open(path, encoding="utf-8", errors="replace") as fh:
        return fh.read()


def _run_meta(path: str, exp_id: str) -> tuple[Any, ...]:
    """(run_id, experiment_id, run_name, user_id, status, start_ms, end_ms, lifecycle_stage)."""
    meta = _yaml_load(path, "a run meta.yaml")
    run_id = meta.get("run_id") or meta.get("run_uuid")
    status = meta.get("status")
    start, end = meta.get("start_time"), meta.get("end_time")
    if not isinstance(run_id, str) or not run_id:
        raise InputError("run meta.yaml has no run_id", file=path, hint=SKIP_HINT)
    if not isinstance(status, int) or isinstance(status, bool):
        raise InputError(f"status {status!r} is not a number", file=path, hint=SKIP_HINT)
    for name, value in (("start_time", start), ("end_time", end)):
        if value is not None and (not isinstance(value, int) or isinstance(value, bool)):
            raise InputError(f"{name} {value!r} is not milliseconds", file=path, hint=SKIP_HINT)
    return (
        run_id,
        str(meta.get("experiment_id", exp_id)),
        meta.get("run_name") or None,
        meta.get("user_id"),
        str(status),
        start,
        end,
        meta.get("lifecycle_stage"),
    )


def _last_timestamp(path: str) -> int | None:
    """Timestamp of the last line of a metric file, read from its tail."""
    with open(path, "rb") as fh:
        fh.seek(0, os.SEEK_END)
        fh.seek(max(0, fh.tell() - 512))
        lines = fh.read().split(b"\n")
    for line in reversed(lines):
        head = line.split(b" ", 1)[0]
        if head.isdigit():
            return int(head)
    return None


def _read_metric_files(
    files: Sequence[tuple[str, str, str]], options: MlflowOptions
) -> tuple[pa.Table, list[tuple[str, str]]]:
    """All lines ``<ts_ms> <value> <step>`` of ``files`` parsed at once.

    Each file's lines get its index as a first field, so one CSV parse covers every file.
    Returns the points and the (run_id, file) pairs holding a line that is not a metric.
    """
    import pyarrow.csv as pacsv

    if not files:
        return _table([], POINTS), []
    chunks = []
    for i, (_, _, path) in enumerate(files):
        try:
            with open(path, "rb") as fh:
                data = fh.read()
        except OSError as exc:
            raise InputError(f"cannot read it ({exc.strerror})", file=path) from None
        chunks.append(re.sub(rb"(?m)^(?=[^\n])", b"%d " % i, data).rstrip(b"\n"))
    ragged: list[int] = []

    def on_bad_row(row: Any) -> str:
        ragged.append(int(row.text.split(" ", 1)[0]))
        return "skip"

    text = pacsv.read_csv(
        io.BytesIO(b"\n".join(c for c in chunks if c)),
        read_options=pacsv.ReadOptions(column_names=["f", "ts", "value", "step"]),
        parse_options=pacsv.ParseOptions(delimiter=" ", invalid_row_handler=on_bad_row),
        convert_options=pacsv.ConvertOptions(
            column_types={c: pa.string() for c in ("ts", "value", "step")} | {"f": pa.int64()}
        ),
    )
    con = duckdb.connect()
    try:
        con.register("lines", text)
        parsed = con.sql(sql.query("mlflow_metric_lines")).to_arrow_table()
    finally:
        con.close()
    bad_files = sorted(set(ragged) | set(pc.filter(parsed["f"], parsed["bad"]).to_pylist()))
    if bad_files and not options.skip_bad_rows:
        _, _, path = files[bad_files[0]]
        line, content = _first_bad_line(path)
        raise InputError(
            f"'{content}' is not a metric line (timestamp value step)",
            file=path,
            line=line,
            hint=SKIP_HINT,
        )
    good = pc.invert(parsed["bad"])
    parsed = parsed.filter(good)
    index = parsed["f"]
    run_ids = pa.array([f[0] for f in files], pa.string())
    keys = pa.array([f[1] for f in files], pa.string())
    points = pa.table(
        [pc.take(run_ids, index), pc.take(keys, index), parsed["ts_ms"], parsed["value"]],
        schema=POINTS,
    )
    return points, [(files[i][0], files[i][2]) for i in bad_files]


def _first_bad_line(path: str) -> tuple[int, str]:
    with open(path, encoding="utf-8", errors="replace") as fh:
        for number, line in enumerate(fh, 1):
            fields = line.split()
            try:
                ok = len(fields) == 3 and int(fields[0]) >= 0 and int(fields[2]) >= 0
                float(fields[1])
            except (ValueError, IndexError):
                ok = False
            if line.strip() and not ok:
                return number, line.strip()[:60]
    return 1, ""


# -- SQLite --------------------------------------------------------------------------------

SQLITE_TABLES = ("experiments", "runs", "tags", "params", "metrics")


def _open_sqlite(ref: StoreRef) -> sqlite3.Connection:
    """A read-only connection: ``mode=ro`` first, ``immutable=1`` when that cannot even read.

    ``mode=ro`` takes a shared lock, so a store being written is read consistently.
    ``immutable=1`` serves a database on a read-only mount whose journal needs a writer.
    """
    base = "file:" + pathname2url(ref.location)
    last: sqlite3.Error | None = None
    for flags in ("?mode=ro", "?mode=ro&immutable=1"):
        try:
            con = sqlite3.connect(base + flags, uri=True, timeout=20, isolation_level=None)
        except sqlite3.Error as exc:
            last = exc
            continue
        try:
            con.execute("BEGIN")  # one snapshot for every read below
            con.execute("SELECT count(*) FROM sqlite_master").fetchone()
            return con
        except sqlite3.DatabaseError as exc:
            con.close()
            last = exc
            if "not a database" in str(exc):
                break
    raise InputError(
        f"cannot read the database ({_first_line(last) if last else 'unknown error'})",
        file=ref.uri,
        hint="Check the path and that you may read the file.",
    )


def _read_sqlite(ref: StoreRef, wanted: Sequence[str]) -> Raw:
    con = _open_sqlite(ref)
    try:
        return _read_sqlite_tables(ref, con, wanted)
    except sqlite3.Error as exc:
        raise InputError(f"cannot read the database ({_first_line(exc)})", file=ref.uri) from None
    finally:
        con.close()


def _read_sqlite_tables(ref: StoreRef, con: sqlite3.Connection, wanted: Sequence[str]) -> Raw:
    tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    missing = [t for t in SQLITE_TABLES if t not in tables]
    if missing:
        raise InputError(
            f"not an MLflow tracking database (no table '{missing[0]}')",
            file=ref.uri,
            hint="Pass the database the tracking server writes (mlflow.db).",
        )
    if "latest_metrics" not in tables:
        raise InputError(
            "an MLflow tracking database older than MLflow 1.10 (no table 'latest_metrics')",
            file=ref.uri,
            hint="Upgrade a copy with 'mlflow db upgrade' and ingest the copy.",
        )
    experiments = _table(
        con.execute(sql.query("mlflow_sqlite_experiments")).fetchall(), EXPERIMENTS
    )
    chosen = _select_experiments(ref, experiments, wanted)
    ids = {"ids": None if chosen is None else json.dumps(sorted(chosen))}

    def fetch(name: str, schema: pa.Schema) -> pa.Table:
        return _table(con.execute(sql.query(name), ids).fetchall(), schema)

    exp_tags = _table([], EXP_TAGS)
    if "experiment_tags" in tables:
        exp_tags = _table(
            con.execute(sql.query("mlflow_sqlite_experiment_tags")).fetchall(), EXP_TAGS
        )
    return Raw(
        runs=fetch("mlflow_sqlite_runs", RUNS),
        experiments=experiments,
        exp_tags=exp_tags,
        run_kv=fetch("mlflow_sqlite_run_kv", RUN_KV),
        metric_keys=fetch("mlflow_sqlite_metric_keys", METRIC_KEYS),
        points=fetch("mlflow_sqlite_points", POINTS),
    )


# -- tracking server -----------------------------------------------------------------------


def _check_reachable(ref: StoreRef) -> None:
    """Fail fast when nothing listens: MLflow's client retries for minutes otherwise."""
    parts = urlsplit(ref.location)
    host = parts.hostname or ""
    port = parts.port or (443 if parts.scheme.lower() == "https" else 80)
    try:
        socket.create_connection((host, port), timeout=10).close()
    except OSError as exc:
        raise InputError(
            f"cannot connect to the tracking server ({exc.strerror or exc})",
            file=ref.uri,
            hint="Check the address and that the server is running.",
        ) from None


def _read_http(ref: StoreRef, wanted: Sequence[str], options: MlflowOptions) -> Raw:
    _check_reachable(ref)
    from mlflow.exceptions import MlflowException

    try:
        return _read_http_runs(ref, wanted, options)
    except MlflowException as exc:
        text = _first_line(exc).split(". Response body", 1)[0].rstrip(".")
        if any(s in text for s in ("401", "403", "Unauthorized", "Forbidden", "PERMISSION")):
            raise InputError(
                f"the tracking server refused access ({text})",
                file=ref.uri,
                hint="Set MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD, "
                "or MLFLOW_TRACKING_TOKEN.",
            ) from None
        raise InputError(
            f"does not answer as an MLflow tracking server ({text})",
            file=ref.uri,
            hint="Check the address: the server's root URL, e.g. http://host:5000.",
        ) from None


def _read_http_runs(ref: StoreRef, wanted: Sequence[str], options: MlflowOptions) -> Raw:
    from mlflow import MlflowClient
    from mlflow.entities import ViewType

    client = MlflowClient(tracking_uri=ref.location)
    exps = _all_pages(
        lambda token: client.search_experiments(
            view_type=ViewType.ALL, max_results=HTTP_PAGE, page_token=token
        )
    )
    experiments = _table([(e.experiment_id, e.name, e.lifecycle_stage) for e in exps], EXPERIMENTS)
    chosen = _select_experiments(ref, experiments, wanted)
    exp_ids = [e.experiment_id for e in exps if chosen is None or e.experiment_id in chosen]
    exp_tags = [(e.experiment_id, k, v) for e in exps for k, v in e.tags.items()]
    found = []
    if exp_ids:
        found = _all_pages(
            lambda token: client.search_runs(
                exp_ids, run_view_type=ViewType.ALL, max_results=HTTP_PAGE, page_token=token
            )
        )
    runs, kv, keys, wanted_series = [], [], [], []
    for run in found:
        info, data = run.info, run.data
        latest = data.to_proto().metrics  # the newest point of each key, with its step
        last_ms = None
        if info.status in ("RUNNING", "SCHEDULED"):
            last_ms = max((m.timestamp for m in latest), default=None)
        runs.append(
            (
                info.run_id,
                info.experiment_id,
                info.run_name,
                info.user_id,
                info.status,
                info.start_time,
                info.end_time,
                info.lifecycle_stage,
                last_ms,
                None,
            )
        )
        kv += [(info.run_id, "tag", k, v) for k, v in data.tags.items()]
        kv += [(info.run_id, "param", k, v) for k, v in data.params.items()]
        for m in latest:
            if m.key.startswith("system/") and "gpu_" in m.key:
                keys.append((info.run_id, m.key))
                if SERIES_RE.match(m.key):
                    # system metrics count their logging rounds in `step`
                    wanted_series.append((info.run_id, m.key, m.step + 1))
    points = _HistoryReader(client, ref.location, options.http_workers).read(wanted_series)
    return Raw(
        runs=_table(runs, RUNS),
        experiments=experiments,
        exp_tags=_table(exp_tags, EXP_TAGS),
        run_kv=_table(kv, RUN_KV),
        metric_keys=_table(keys, METRIC_KEYS),
        points=_table(points, POINTS),
    )


Point = tuple[str, str, int, float]  # run id, key, timestamp ms, value


class _NoBulkEndpoint(Exception):
    """The server does not offer the bulk history endpoint (a proxy may hide it)."""


class _HistoryReader:
    """Full metric histories from a tracking server, many runs per request.

    MLflow's public API asks for one run and one key per request (about 0.1 s each against
    a local server here, 4 per run with 2 GPUs); the endpoint the MLflow web UI uses returns
    one key for up to 100 runs at once. A response that may have been cut off at the
    endpoint's point limit is asked again in halves; a server without the endpoint is read
    one run at a time through the public API.
    """

    ENDPOINT = "/ajax-api/2.0/mlflow/metrics/get-history-bulk"
    MAX_RUNS = 100
    MAX_POINTS = 25_000  # the endpoint's limit per response
    BATCH_POINTS = 20_000  # what a batch is planned to hold, by the runs' last steps

    def __init__(self, client: Any, uri: str, workers: int) -> None:
        from mlflow.utils.credentials import get_default_host_creds

        self.client = client
        # the credentials MlflowClient itself uses, from MLflow's environment variables
        self.creds = get_default_host_creds(uri)  # type: ignore[no-untyped-call]
        self.workers = max(1, workers)

    def read(self, series: Sequence[tuple[str, str, int]]) -> list[Point]:
        batches = self._plan(series)
        if not batches:
            return []
        try:
            first = self._bulk(*batches[0])
        except _NoBulkEndpoint:
            return self._map(self._one, [(run_id, key) for run_id, key, _ in series])
        return first + self._map(lambda batch: self._bulk(*batch), batches[1:])

    def _plan(self, series: Sequence[tuple[str, str, int]]) -> list[tuple[str, list[str]]]:
        batches: list[tuple[str, list[str]]] = []
        for key in sorted({k for _, k, _ in series}):
            runs: list[str] = []
            points = 0
            for run_id, k, expected in series:
                if k != key:
                    continue
                if runs and (len(runs) == self.MAX_RUNS or points + expected > self.BATCH_POINTS):
                    batches.append((key, runs))
                    runs, points = [], 0
                runs.append(run_id)
                points += expected
            batches.append((key, runs))
        return batches

    def _map(self, fetch: Any, items: Sequence[Any]) -> list[Point]:
        points: list[Point] = []
        with ThreadPoolExecutor(max_workers=self.workers) as pool:
            for chunk in pool.map(fetch, items):
                points += chunk
        return points

    def _bulk(self, key: str, run_ids: list[str]) -> list[Point]:
        from mlflow.utils.rest_utils import http_request, verify_rest_response

        params = [("run_id", r) for r in run_ids]
        params += [("metric_key", key), ("max_results", str(self.MAX_POINTS))]
        answer = http_request(  # type: ignore[no-untyped-call]
            self.creds, self.ENDPOINT, "GET", params=params, raise_on_status=False
        )
        if answer.status_code == 404:
            raise _NoBulkEndpoint
        metrics = verify_rest_response(answer, self.ENDPOINT).json().get("metrics", [])
        if len(metrics) >= self.MAX_POINTS:  # perhaps cut off: ask again in halves
            if len(run_ids) == 1:
                return self._one((run_ids[0], key))
            half = len(run_ids) // 2
            return self._bulk(key, run_ids[:half]) + self._bulk(key, run_ids[half:])
        return [(m["run_id"], key, int(m["timestamp"]), float(m["value"])) for m in metrics]

    def _one(self, item: tuple[str, str]) -> list[Point]:
        run_id, key = item
        return [(run_id, key, m.timestamp, m.value) for m in self.client.get_metric_history(*item)]


def _all_pages(fetch: Any) -> list[Any]:
    items: list[Any] = []
    token = None
    while True:
        page = fetch(token)
        items += list(page)
        token = page.token
        if not token:
            return items


# -- raw tables to canonical rows ----------------------------------------------------------


def _to_jobs(ref: StoreRef, raw: Raw, options: MlflowOptions) -> ImportResult:
    con = parse_connection()
    try:
        sql.define_macros(con)
        for name in ("runs", "experiments", "exp_tags", "run_kv", "metric_keys", "points"):
            con.register(f"mlflow_{name}", getattr(raw, name))
        con.execute(
            sql.query("mlflow_gpu"), {"gpu_re": GPU_KEY_RE, "gap_factor": options.gap_factor}
        )
        table: pa.Table = con.sql(
            sql.query("mlflow_jobs"),
            params={
                "store_uri": ref.uri,
                "store_name": ref.name,
                "gpus_keys": list(options.gpus_keys),
                "gpu_model_keys": list(options.gpu_model_keys),
                "project_tag": options.project_tag,
                "slurm_job_keys": list(options.slurm_job_keys),
                "slurm_cluster_keys": list(options.slurm_cluster_keys),
            },
        ).to_arrow_table()
    except duckdb.OutOfMemoryException as exc:
        raise limit_error(exc) from None
    finally:
        con.close()
    skipped = list(raw.skipped)
    problem = table.column("problem")
    has_problem = pc.is_valid(problem)
    if pc.any(has_problem).as_py():
        first = table.filter(has_problem).slice(0, 1).to_pylist()[0]
        origin = first["origin"] or ref.uri
        if not options.skip_bad_rows:
            raise InputError(
                f"run {first['job_id']}: {first['problem']}", file=origin, hint=SKIP_HINT
            )
        bad = table.filter(has_problem).to_pylist()
        skipped += [SkippedRow(r["origin"] or ref.uri, r["job_id"], r["problem"]) for r in bad]
        table = table.filter(pc.invert(has_problem))
    notes = _notes(table)
    jobs = table.filter(pc.invert(table.column("is_parent"))).select(list(JOB_COLUMNS))
    return ImportResult(
        table=jobs.cast(JOB_SCHEMA),
        rows_read=raw.runs.num_rows + len(raw.skipped),
        skipped=skipped[:20],
        skipped_count=len(skipped),
        notes=notes,
    )


def _runs(count: int) -> str:
    return f"{count} run" if count == 1 else f"{count} runs"


def _verb(count: int, one: str, many: str) -> str:
    return one if count == 1 else many


def _notes(table: pa.Table) -> list[str]:
    """Facts about the runs the user should see next to the ingest summary."""
    parents = pc.sum(table.column("is_parent").cast(pa.int64())).as_py() or 0
    leaves = table.filter(pc.invert(table.column("is_parent")))
    running = pc.sum(leaves.column("running").cast(pa.int64())).as_py() or 0
    measured = pc.count(leaves.column("energy_j")).as_py()
    linked = pc.sum(pc.is_valid(leaves.column("slurm_job")).cast(pa.int64())).as_py() or 0
    odd_gpus = leaves.filter(pc.is_valid(leaves.column("gpus_unread")))
    no_gpus = pc.sum(pc.is_null(leaves.column("gpus")).cast(pa.int64())).as_py() or 0
    notes = []
    if parents:
        notes.append(f"{_runs(parents)} with children not counted themselves (their children are).")
    if running:
        notes.append(
            f"{_runs(running)} still RUNNING or SCHEDULED: kept, flagged and left out of "
            "totals unless --include-running."
        )
    notes.append(
        f"measured GPU energy (system/gpu_N_power_usage_watts) for {measured} of "
        f"{_runs(leaves.num_rows)}."
    )
    if linked:
        notes.append(
            f"{_runs(linked)} {_verb(linked, 'names', 'name')} a Slurm job: each counts once, "
            "as that job, once the job is ingested."
        )
    if odd_gpus.num_rows:
        first = odd_gpus.slice(0, 1).to_pylist()[0]
        notes.append(
            f"{_runs(odd_gpus.num_rows)} {_verb(odd_gpus.num_rows, 'gives', 'give')} a GPU count "
            f"that is no number (run {first['job_id']}: '{first['gpus_unread']}'): GPUs taken "
            "from system metrics where logged."
        )
    if no_gpus:
        notes.append(
            f"no GPU count for {_runs(no_gpus)} (no gpus param or tag, no system/gpu_N_* "
            "metrics): they count 0 GPU-hours. Name the field with --gpus-key if there is one."
        )
    return notes
