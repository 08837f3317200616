"""A legacy MLflow file store (an ``mlruns/`` directory) into the raw tables.

Its files are scanned directly, MLflow's own file store is never instantiated: MLflow >= 3.13
refuses it, and labs rsync these directories off clusters.
"""

from __future__ import annotations

import io
import os
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, NamedTuple

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from auditor import sql
from auditor.errors import InputError
from auditor.ingest.base import SkippedRow
from auditor.ingest.mlflow.locate import StoreRef
from auditor.ingest.mlflow.raw import (
    EXPERIMENTS,
    POINTS,
    RUN_VALUES,
    SERIES_RE,
    SKIP_HINT,
    Experiment,
    ExperimentTag,
    MetricKey,
    MlflowOptions,
    Raw,
    RawRows,
    Run,
    RunValue,
    first_line,
    rows_table,
    select_experiments,
)

RUN_DIR_RE = re.compile(r"^[0-9a-f]{32}$")


class KeyedFile(NamedTuple):
    """A file below a run's ``params/``, ``tags/`` or ``metrics/``: its key is its path there."""

    key: str
    path: str


class SeriesFile(NamedTuple):
    """The metric file of a GPU series whose whole history is read."""

    run_id: str
    key: str
    path: str


class BadLine(NamedTuple):
    line: int  # 1-based
    text: str  # shortened for the error message


@dataclass
class Scanned(RawRows):
    """What the store scanned so far holds, and the series files still to read."""

    series: list[SeriesFile] = field(default_factory=list)
    histories: list[SeriesFile] = field(default_factory=list)  # metrics that are not system/


def read_file_store(
    ref: StoreRef,
    wanted: Sequence[str],
    options: MlflowOptions,
    changed_since_ms: int | None = None,
) -> Raw:
    """The raw tables of the experiments ``wanted`` (all when empty) of an mlruns directory;
    with ``changed_since_ms``, of the runs that may have changed since then alone (each
    run's meta.yaml and the tails of its metric files are still read to tell).

    Raises InputError for a directory that is no file store or an unreadable or bad file
    (a bad run or metric file is skipped with ``options.skip_bad_rows``), UsageError for an
    unknown experiment.
    """
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
    exp_rows: list[Experiment] = []
    scanned = Scanned()
    exp_dir_of: dict[str, str] = {}
    for d in sorted(exp_dirs):
        meta_path = os.path.join(d, "meta.yaml")
        meta = _yaml_load(meta_path, "an experiment meta.yaml")
        if meta.get("experiment_id") is None:
            raise InputError("experiment meta.yaml has no experiment_id", file=meta_path)
        exp_id = str(meta["experiment_id"])
        exp_rows.append(Experiment(exp_id, meta.get("name"), meta.get("lifecycle_stage")))
        exp_dir_of[exp_id] = d
        for tag in _files_under(os.path.join(d, "tags")):
            scanned.exp_tags.append(ExperimentTag(exp_id, tag.key, _read_text(tag.path)))
    experiments = rows_table(exp_rows, EXPERIMENTS)
    chosen = select_experiments(ref, experiments, wanted)

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
                if changed_since_ms is not None and not _changed(entry.path, run, changed_since_ms):
                    continue
                _scan_run(entry.path, run, scanned)
            except OSError as exc:
                raise InputError(
                    f"cannot read it ({exc.strerror})", file=exc.filename or entry.path
                ) from None
    points, bad = _read_metric_files(scanned.series, options)
    if bad:
        first_file: dict[str, str] = {}
        for series in bad:
            first_file.setdefault(series.run_id, series.path)
        skipped += [SkippedRow(p, r, "not a metric line") for r, p in first_file.items()]
        scanned.runs = [r for r in scanned.runs if r.run_id not in first_file]
        points = points.filter(pc.invert(pc.is_in(points["run_id"], pa.array(list(first_file)))))
    raw = scanned.tables(experiments, points, skipped)
    return replace(raw, run_kv=pa.concat_tables([raw.run_kv, _extremes(scanned.histories)]))


def _extremes(files: Sequence[SeriesFile]) -> pa.Table:
    """The smallest and largest value of each metric history in ``files``, as run_kv rows
    (mlflow/metric_extremes.sql). A line that is no point is left out here: only the series
    of GPU metrics and the last line of a metric stop an ingest."""
    points, _ = _read_metric_files(files, MlflowOptions(skip_bad_rows=True))
    return _over("points", points, "mlflow/metric_extremes").cast(RUN_VALUES)


def _over(name: str, table: pa.Table, query: str) -> pa.Table:
    """The result of the query file ``query`` over ``table``, registered as ``name``, on a
    connection of its own."""
    con = duckdb.connect()
    try:
        con.register(name, table)
        return con.sql(sql.query(query)).to_arrow_table()
    finally:
        con.close()


def _yaml_load(path: str, what: str) -> Any:
    """The mapping in a meta.yaml file; raises InputError when it is not one."""
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        with open(path, encoding="utf-8") as fh:
            meta = yaml.load(fh, Loader=loader)
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise InputError(f"not {what} ({first_line(exc)})", file=path, hint=SKIP_HINT) from None
    if not isinstance(meta, dict):
        raise InputError(f"not {what} (no mapping)", file=path, hint=SKIP_HINT)
    return meta


def _files_under(top: str) -> Iterator[KeyedFile]:
    """Every file below ``top``; keys rebuilt from relative paths ('a/b')."""
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
                yield KeyedFile(prefix + entry.name, entry.path)


def _changed(run_dir: str, run: Run, since_ms: int) -> bool:
    """Whether the run may have changed at or after ``since_ms``: not ended (or running,
    scheduled), started or ended since, or a metric's last point logged since."""
    if run.end_ms is None or run.status in ("1", "2"):  # RUNNING, SCHEDULED
        return True
    if run.end_ms >= since_ms or (run.start_ms or 0) >= since_ms:
        return True
    metrics = _files_under(os.path.join(run_dir, "metrics"))
    return any((_last_timestamp(m.path) or 0) >= since_ms for m in metrics)


def _scan_run(run_dir: str, run: Run, scanned: Scanned) -> None:
    """Add one run's row, params, tags, the last value of each metric that is not a system
    metric, and its GPU metric keys; note its series files."""
    metric_files = list(_files_under(os.path.join(run_dir, "metrics")))
    last_ms = None
    if run.status in ("1", "2"):  # still running: measured up to its newest metric
        last_ms = max((_last_timestamp(m.path) or 0 for m in metric_files), default=0) or None
    scanned.runs.append(
        run._replace(last_metric_ms=last_ms, origin=os.path.join(run_dir, "meta.yaml"))
    )
    for kind in ("params", "tags"):
        for value in _files_under(os.path.join(run_dir, kind)):
            scanned.run_kv.append(
                RunValue(run.run_id, kind[:-1], value.key, _read_text(value.path))
            )
    for metric in metric_files:
        if not metric.key.startswith("system/"):
            scanned.run_kv.append(
                RunValue(run.run_id, "metric", metric.key, _last_value(metric.path))
            )
            scanned.histories.append(SeriesFile(run.run_id, metric.key, metric.path))
        elif "gpu_" in metric.key:
            scanned.metric_keys.append(MetricKey(run.run_id, metric.key))
            if SERIES_RE.match(metric.key):
                scanned.series.append(SeriesFile(run.run_id, metric.key, metric.path))


def _read_text(path: str) -> str:
    with open(path, encoding="utf-8", errors="replace") as fh:
        return fh.read()


def _run_meta(path: str, exp_id: str) -> Run:
    """The run a run meta.yaml describes (newest metric and origin not yet known)."""
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
    return Run(
        run_id=run_id,
        experiment_id=str(meta.get("experiment_id", exp_id)),
        run_name=meta.get("run_name") or None,
        user_id=meta.get("user_id"),
        status=str(status),
        start_ms=start,
        end_ms=end,
        lifecycle_stage=meta.get("lifecycle_stage"),
    )


def _last_point(path: str) -> list[bytes] | None:
    """The fields of the last line ``<ts_ms> <value> <step>`` of a metric file, read from its
    tail: the point logged last."""
    with open(path, "rb") as fh:
        fh.seek(0, os.SEEK_END)
        fh.seek(max(0, fh.tell() - 512))
        lines = fh.read().split(b"\n")
    for line in reversed(lines):
        fields = line.split(b" ")
        if len(fields) >= 2 and fields[0].isdigit():
            return fields
    return None


def _last_timestamp(path: str) -> int | None:
    point = _last_point(path)
    return int(point[0]) if point else None


def _last_value(path: str) -> str | None:
    point = _last_point(path)
    return point[1].decode("ascii", errors="replace") if point else None


def _read_metric_files(
    files: Sequence[SeriesFile], options: MlflowOptions
) -> tuple[pa.Table, list[SeriesFile]]:
    """All lines ``<ts_ms> <value> <step>`` of ``files`` parsed at once.

    Each file's lines get its index as a first field, so one CSV parse covers every file.
    Returns the points and the files holding a line that is not a metric.
    """
    import pyarrow.csv as pacsv

    if not files:
        return rows_table([], POINTS), []
    chunks = []
    for i, series in enumerate(files):
        try:
            with open(series.path, "rb") as fh:
                data = fh.read()
        except OSError as exc:
            raise InputError(f"cannot read it ({exc.strerror})", file=series.path) from None
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
    parsed = _over("lines", text, "mlflow/metric_lines")
    bad_files = sorted(set(ragged) | set(pc.filter(parsed["f"], parsed["bad"]).to_pylist()))
    if bad_files and not options.skip_bad_rows:
        path = files[bad_files[0]].path
        bad = _first_bad_line(path)
        raise InputError(
            f"'{bad.text}' is not a metric line (timestamp value step)",
            file=path,
            line=bad.line,
            hint=SKIP_HINT,
        )
    good = pc.invert(parsed["bad"])
    parsed = parsed.filter(good)
    index = parsed["f"]
    run_ids = pa.array([f.run_id for f in files], pa.string())
    keys = pa.array([f.key for f in files], pa.string())
    points = pa.table(
        {
            "run_id": pc.take(run_ids, index),
            "key": pc.take(keys, index),
            "ts_ms": parsed["ts_ms"],
            "value": parsed["value"],
        },
        schema=POINTS,
    )
    return points, [files[i] for i in bad_files]


def _first_bad_line(path: str) -> BadLine:
    with open(path, encoding="utf-8", errors="replace") as fh:
        for number, line in enumerate(fh, 1):
            fields = line.split()
            try:
                ok = len(fields) == 3 and int(fields[0]) >= 0 and int(fields[2]) >= 0
                float(fields[1])
            except (ValueError, IndexError):
                ok = False
            if line.strip() and not ok:
                return BadLine(number, line.strip()[:60])
    return BadLine(1, "")
