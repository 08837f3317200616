"""An MLflow SQLite tracking database (``sqlite:///path``) into the raw tables.

Read raw with Python's ``sqlite3`` in read-only mode, never through MLflow or SQLAlchemy:
MLflow 3 upgrades an old schema in place when it opens one.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from urllib.request import pathname2url

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


def read_sqlite(ref: StoreRef, wanted: Sequence[str], changed_since_ms: int | None = None) -> Raw:
    """The raw tables of the experiments ``wanted`` (all when empty), read in one snapshot;
    with ``changed_since_ms``, of the runs that may have changed since then alone.

    Raises InputError for a file that is no readable MLflow database, UsageError for an
    unknown experiment.
    """
    con = _open(ref)
    try:
        return _read_tables(ref, con, wanted, changed_since_ms)
    except sqlite3.Error as exc:
        raise InputError(f"cannot read the database ({first_line(exc)})", file=ref.uri) from None
    finally:
        con.close()


def _open(ref: StoreRef) -> sqlite3.Connection:
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
            con.execute(sql.query("mlflow/sqlite_probe")).fetchone()
            return con
        except sqlite3.DatabaseError as exc:
            con.close()
            last = exc
            if "not a database" in str(exc):
                break
    raise InputError(
        f"cannot read the database ({first_line(last) if last else 'unknown error'})",
        file=ref.uri,
        hint="Check the path and that you may read the file.",
    )


def _fetch(
    con: sqlite3.Connection, name: str, schema: pa.Schema, params: dict[str, str | int | None]
) -> pa.Table:
    cursor = con.execute(sql.query(name), params)
    names = [d[0] for d in cursor.description]
    return columns_table(names, list(zip(*cursor.fetchall(), strict=True)), schema)


def _read_tables(
    ref: StoreRef, con: sqlite3.Connection, wanted: Sequence[str], changed_since_ms: int | None
) -> Raw:
    tables = {name for (name,) in con.execute(sql.query("mlflow/sqlite_tables"))}
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
    experiments = _fetch(con, "mlflow/sqlite_experiments", EXPERIMENTS, {})
    chosen = select_experiments(ref, experiments, wanted)
    ids: dict[str, str | int | None] = {
        "ids": None if chosen is None else json.dumps(sorted(chosen)),
        "runs": None,
    }
    if changed_since_ms is not None:
        query = sql.query("mlflow/sqlite_changed_runs")
        (ids["runs"],) = con.execute(query, ids | {"since_ms": changed_since_ms}).fetchone()
    exp_tags = columns_table(EXP_TAGS.names, [], EXP_TAGS)
    if "experiment_tags" in tables:
        exp_tags = _fetch(con, "mlflow/sqlite_experiment_tags", EXP_TAGS, {})
    runs, run_kv, metric_keys, points = (_fetch(con, q, s, ids) for q, s in RUN_READS)
    return Raw(
        runs=runs,
        experiments=experiments,
        exp_tags=exp_tags,
        run_kv=run_kv,
        metric_keys=metric_keys,
        points=points,
    )
