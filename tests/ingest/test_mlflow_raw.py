"""The MLflow importer's raw tables and its SQL steps: named rows, named columns, exact params."""

from __future__ import annotations

import re

import pyarrow as pa
import pytest

from auditor import sql
from auditor.ingest.mlflow.canonical import STEPS, _params
from auditor.ingest.mlflow.locate import StoreRef
from auditor.ingest.mlflow.raw import (
    POINTS,
    RUNS,
    MlflowOptions,
    Point,
    Run,
    columns_table,
    rows_table,
    schema_of,
)


def test_a_row_types_fields_are_its_tables_columns() -> None:
    assert RUNS.names == list(Run._fields)
    assert RUNS.field("run_id").type == pa.string()
    assert RUNS.field("start_ms").type == pa.int64()  # `int | None`: nullable int64
    assert POINTS.field("value").type == pa.float64()
    assert schema_of(Point) == POINTS


def test_rows_become_columns_by_field() -> None:
    rows = [Point("a" * 32, "system/gpu_0_power_usage_watts", 1_000, 250.0)]
    table = rows_table(rows, POINTS)
    assert table.to_pylist() == [
        {
            "run_id": "a" * 32,
            "key": "system/gpu_0_power_usage_watts",
            "ts_ms": 1_000,
            "value": 250.0,
        }
    ]
    assert rows_table([], POINTS).num_rows == 0


def test_columns_are_matched_by_name_not_position() -> None:
    table = columns_table(["value", "ts_ms", "key", "run_id"], [[2.5], [7], ["k"], ["r"]], POINTS)
    assert table.to_pylist() == [{"run_id": "r", "key": "k", "ts_ms": 7, "value": 2.5}]


def test_a_column_the_table_lacks_is_a_bug() -> None:
    with pytest.raises(KeyError, match="timestamp"):
        columns_table(["run_id", "key", "timestamp", "value"], [["r"], ["k"], [7], [2.5]], POINTS)


def test_each_step_is_given_exactly_the_parameters_its_query_takes() -> None:
    ref = StoreRef(kind="sqlite", uri="sqlite:///x.db", location="x.db", name="x.db")
    given = _params(ref, MlflowOptions())
    for step in STEPS:
        text = re.sub(r"--[^\n]*", "", sql.query(step.query))  # a header may name $slurm_*_keys
        taken = set(re.findall(r"\$(\w+)", text))
        assert taken == set(step.params), step.query
    assert {p for step in STEPS for p in step.params} == set(given)
