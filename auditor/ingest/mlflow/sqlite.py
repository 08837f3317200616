"""An MLflow SQLite tracking database (``sqlite:///path``) into the raw tables.

Read raw in read-only mode through ADBC's SQLite driver, never through MLflow or SQLAlchemy:
MLflow 3 upgrades an old schema in place when it opens one. The driver hands each result over
as Arrow columns; Python's ``sqlite3`` made a Python object of every value, and the GPU
history of 10,000 runs is millions of points.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from urllib.request import pathname2url

import adbc_driver_manager as adbc
import adbc_driver_sqlite
import pyarrow as pa

from auditor import sql
from auditor.errors import InputError
from auditor.ingest.mlflow.locate import StoreRef
from auditor.ingest.mlflow.raw import (
    EXP_TAGS,
    EXPERIMENTS,
    METRIC_KEYS,
    POINTS,
    RUN_VALUES,
    RUNS,
    Raw,
    columns_table,
    first_line,
    select_experiments,
)

SQLITE_TABLES = ("experiments", "runs", "tags", "params", "metrics")

# the raw tables of the chosen runs, in the order they are read: runs, run_kv, metric_keys,
# points (each query's columns are named as the fields of the table's row type)
RUN_READS = (
    ("mlflow/sqlite_runs", RUNS),
    ("mlflow/sqlite_run_kv", RUN_VALUES),
    ("mlflow/sqlite_metric_keys", METRIC_KEYS),
    ("mlflow/sqlite_points", POINTS),
)

# The driver types each column of a batch by the values it holds: NULLs alone make int64,
# integers and reals together make float64, text among numbers makes the whole column text
# (numbers printed with 6 digits). One batch per result, so that a type holds for the whole
# column and ``_conform`` can tell a text column from a numeric one.
BATCH_ROWS = 1 << 30

_STATUS = re.compile(r"^[A-Z_]+: (?:\[SQLite\] )?")

Params = Mapping[str, str | int | None]


class _Store:
    """A read-only connection whose reads all see one snapshot of the store."""

    def __init__(self, uri: str) -> None:
        self.db = adbc_driver_sqlite.connect(uri)
        try:
            self.con = adbc.AdbcConnection(self.db)
        except adbc.Error:
            self.db.close()
            raise
        # one transaction (BEGIN on the first read) for every read below
        self.con.set_autocommit(False)

    def table(self, name: str, params: Params | None = None) -> pa.Table:
        """The result of query ``name``, given those of ``params`` it names."""
        stmt = adbc.AdbcStatement(self.con)
        try:
            stmt.set_sql_query(sql.query(name))
            stmt.set_options(**{adbc_driver_sqlite.StatementOptions.BATCH_ROWS.value: BATCH_ROWS})
            stmt.prepare()
            names = pa.schema(stmt.get_parameter_schema()).names  # ':ids', ':runs'...
            if names:
                values = params or {}
                stmt.set_options(**{adbc.StatementOptions.BIND_BY_NAME.value: "true"})
                stmt.bind(pa.record_batch([_param(values[n[1:]]) for n in names], names=names))
            handle, _ = stmt.execute_query()
            return pa.RecordBatchReader.from_stream(handle).read_all()
        finally:
            stmt.close()

    def close(self) -> None:
        try:
            self.con.rollback()
        finally:
            self.con.close()
            self.db.close()


def _param(value: str | int | None) -> pa.Array:
    if value is None:
        return pa.nulls(1, pa.string())
    return pa.array([value], pa.int64() if isinstance(value, int) else pa.string())


def read_sqlite(ref: StoreRef, wanted: Sequence[str], changed_since_ms: int | None = None) -> Raw:
    """The raw tables of the experiments ``wanted`` (all when empty), read in one snapshot;
    with ``changed_since_ms``, of the runs that may have changed since then alone.

    Raises InputError for a file that is no readable MLflow database, UsageError for an
    unknown experiment.
    """
    store = _open(ref)
    try:
        return _read_tables(ref, store, wanted, changed_since_ms)
    except adbc.Error as exc:
        raise InputError(f"cannot read the database ({_reason(exc)})", file=ref.uri) from None
    finally:
        store.close()


def _reason(exc: BaseException) -> str:
    return _STATUS.sub("", first_line(exc))


def _open(ref: StoreRef) -> _Store:
    """A read-only connection: ``mode=ro`` first, ``immutable=1`` when that cannot even read.

    ``mode=ro`` takes a shared lock, so a store being written is read consistently.
    ``immutable=1`` serves a database on a read-only mount whose journal needs a writer.
    """
    base = "file:" + pathname2url(ref.location)
    last: adbc.Error | None = None
    for flags in ("?mode=ro", "?mode=ro&immutable=1"):
        try:
            store = _Store(base + flags)
        except adbc.Error as exc:
            last = exc
            continue
        try:
            store.table("mlflow/sqlite_busy_timeout")
            store.table("mlflow/sqlite_probe")
            return store
        except adbc.Error as exc:
            store.close()
            last = exc
            if "not a database" in str(exc):
                break
    raise InputError(
        f"cannot read the database ({_reason(last) if last else 'unknown error'})",
        file=ref.uri,
        hint="Check the path and that you may read the file.",
    )


def _fetch(ref: StoreRef, store: _Store, name: str, schema: pa.Schema, params: Params) -> pa.Table:
    return _conform(ref, name, store.table(name, params), schema)


def _conform(ref: StoreRef, name: str, table: pa.Table, schema: pa.Schema) -> pa.Table:
    """``table`` as ``schema``, by column name. A column of NULLs alone takes the schema's
    type; integers where float64 is expected (a column with no type in a store not written
    by MLflow) become doubles as the driver makes them among reals: exactly up to 2**53, the
    nearest double beyond. A column of any other type (text among numbers) is an
    InputError, never converted.
    """
    if sorted(table.column_names) != sorted(schema.names):
        raise KeyError(f"{name}: columns {table.column_names}, expected {schema.names}")
    columns = []
    for field in schema:
        column = table.column(field.name)
        exact = column.type == field.type or column.null_count == len(column)
        widened = column.type == pa.int64() and field.type == pa.float64()
        if not (exact or widened):
            raise InputError(
                f"{name.split('/')[-1]}: column '{field.name}' holds {column.type} values, "
                f"not {field.type}",
                file=ref.uri,
                hint="The store was not written by MLflow; repair the values and ingest again.",
            )
        columns.append(column.cast(field.type, safe=False))
    return pa.table(columns, schema=schema)


def _read_tables(
    ref: StoreRef, store: _Store, wanted: Sequence[str], changed_since_ms: int | None
) -> Raw:
    tables = set(store.table("mlflow/sqlite_tables").column("name").to_pylist())
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
    experiments = _fetch(ref, store, "mlflow/sqlite_experiments", EXPERIMENTS, {})
    chosen = select_experiments(ref, experiments, wanted)
    ids: dict[str, str | int | None] = {
        "ids": None if chosen is None else json.dumps(sorted(chosen)),
        "runs": None,
    }
    if changed_since_ms is not None:
        changed = store.table("mlflow/sqlite_changed_runs", ids | {"since_ms": changed_since_ms})
        ids["runs"] = changed.column(0)[0].as_py()
    exp_tags = columns_table(EXP_TAGS.names, [], EXP_TAGS)
    if "experiment_tags" in tables:
        exp_tags = _fetch(ref, store, "mlflow/sqlite_experiment_tags", EXP_TAGS, {})
    runs, run_kv, metric_keys, points = (_fetch(ref, store, q, s, ids) for q, s in RUN_READS)
    return Raw(
        runs=runs,
        experiments=experiments,
        exp_tags=exp_tags,
        run_kv=run_kv,
        metric_keys=metric_keys,
        points=points,
    )
