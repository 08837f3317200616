"""The raw tables every MLflow reader fills, row by named row, and what the readers share.

Each table's Arrow schema is read off its row type, so a column's name and type are written
once: in the row type's fields.
"""

from __future__ import annotations

import re
import types
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any, NamedTuple, Union, get_args, get_origin, get_type_hints

import pyarrow as pa

from auditor.errors import UsageError
from auditor.ingest.base import SkippedRow
from auditor.ingest.mlflow.locate import StoreRef

SKIP_HINT = "Use --skip-bad-rows to skip such runs."
# the series whose full history is read: the other system/gpu_* keys only count GPUs
SERIES_RE = re.compile(
    r"^system/(?:.+/)?gpu_\d+_"
    r"(power_usage_watts|utilization_percentage|memory_usage_megabytes|memory_usage_gigabytes)$"
)


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


class Run(NamedTuple):
    run_id: str
    experiment_id: str
    run_name: str | None
    user_id: str | None
    status: str  # RUNNING... or the file store's integer as text
    start_ms: int | None
    end_ms: int | None
    lifecycle_stage: str | None
    last_metric_ms: int | None = None  # newest metric timestamp; only needed while running
    origin: str | None = None  # file to name in an error about this run


class Experiment(NamedTuple):
    experiment_id: str
    name: str | None
    lifecycle_stage: str | None


class ExperimentTag(NamedTuple):
    experiment_id: str
    key: str
    value: str | None


class RunValue(NamedTuple):
    """A tag, a param or the latest value of a metric of a run."""

    run_id: str
    kind: str  # 'tag', 'param' or 'metric'
    key: str
    value: str | None


class MetricKey(NamedTuple):
    run_id: str
    key: str


class Point(NamedTuple):
    run_id: str
    key: str
    ts_ms: int
    value: float


_ARROW = {str: pa.string(), int: pa.int64(), float: pa.float64()}


def schema_of(row: type[tuple[Any, ...]]) -> pa.Schema:
    """The Arrow schema of a row type: its fields, in order, typed from their annotations
    (``X | None`` is a nullable X)."""
    hints = get_type_hints(row)

    def arrow(hint: Any) -> pa.DataType:
        if get_origin(hint) in (Union, types.UnionType):
            (hint,) = [a for a in get_args(hint) if a is not type(None)]
        return _ARROW[hint]

    return pa.schema([(name, arrow(hints[name])) for name in row._fields])  # type: ignore[attr-defined]


RUNS = schema_of(Run)
EXPERIMENTS = schema_of(Experiment)
EXP_TAGS = schema_of(ExperimentTag)
RUN_VALUES = schema_of(RunValue)
METRIC_KEYS = schema_of(MetricKey)
POINTS = schema_of(Point)


def rows_table(rows: Sequence[tuple[Any, ...]], schema: pa.Schema) -> pa.Table:
    """Rows of the row type ``schema`` was read from as an Arrow table, column by column."""
    return columns_table(schema.names, list(zip(*rows, strict=True)), schema)


def columns_table(
    names: Sequence[str], columns: Sequence[Sequence[Any]], schema: pa.Schema
) -> pa.Table:
    """Columns named ``names`` as a table of ``schema``, matched by name (no columns at all:
    an empty table). Raises KeyError when the names are not those of the schema."""
    if not columns:
        columns = [[]] * len(names)
    if sorted(names) != sorted(schema.names):
        raise KeyError(f"columns {list(names)}, expected {schema.names}")
    arrays = dict(zip(names, columns, strict=True))
    return pa.table([pa.array(arrays[f.name], f.type) for f in schema], schema=schema)


@dataclass(frozen=True)
class Raw:
    runs: pa.Table
    experiments: pa.Table
    exp_tags: pa.Table
    run_kv: pa.Table
    metric_keys: pa.Table  # every system/gpu_N_* key a run has
    points: pa.Table  # full history of GPU power, utilisation and memory keys
    skipped: list[SkippedRow] = field(default_factory=list)


@dataclass
class RawRows:
    """The rows of the raw tables a reader gathers one by one (files, a server's answers)."""

    runs: list[Run] = field(default_factory=list)
    exp_tags: list[ExperimentTag] = field(default_factory=list)
    run_kv: list[RunValue] = field(default_factory=list)
    metric_keys: list[MetricKey] = field(default_factory=list)

    def tables(
        self, experiments: pa.Table, points: pa.Table, skipped: Sequence[SkippedRow] = ()
    ) -> Raw:
        return Raw(
            runs=rows_table(self.runs, RUNS),
            experiments=experiments,
            exp_tags=rows_table(self.exp_tags, EXP_TAGS),
            run_kv=rows_table(self.run_kv, RUN_VALUES),
            metric_keys=rows_table(self.metric_keys, METRIC_KEYS),
            points=points,
            skipped=list(skipped),
        )


def select_experiments(
    ref: StoreRef, experiments: pa.Table, wanted: Sequence[str]
) -> set[str] | None:
    """Ids of the experiments named in ``wanted`` (by name or id), None for all.

    Raises UsageError for a name that is no experiment's.
    """
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


def first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
