"""Output formats: what each prints for every kind of cell."""

from __future__ import annotations

import math
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pyarrow as pa
import pytest
from hypothesis import given, settings, strategies as st

from auditor import output
from auditor.output import render
from tests.helpers.fuzz import examples
from tests.helpers.output_reference import RENDER

TABLE = pa.table(
    {
        "name": pa.array(["a,b", 'say "hi"', None]),
        "jobs": pa.array([1, None, 3], pa.int64()),
        "kwh": pa.array([1 / 3, float("nan"), None]),
        "running": pa.array([True, False, None]),
        "end": pa.array(
            [datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC), None, None], pa.timestamp("us", tz="UTC")
        ),
        "tags": pa.array([[("k", "v")], None, []], pa.map_(pa.string(), pa.string())),
    }
)


def test_csv_quotes_rounds_and_blanks() -> None:
    assert render(TABLE, "csv").splitlines() == [
        "name,jobs,kwh,running,end,tags",
        f'"a,b",1,{round(1 / 3, 6)},True,2024-01-02T03:04:05Z,"{{""k"": ""v""}}"',
        '"say ""hi""",,,False,,',
        ",3,,,,{}",
    ]


def test_json_has_the_same_cells() -> None:
    import json

    rows = json.loads(render(TABLE, "json"))
    assert rows[0] == {
        "name": "a,b",
        "jobs": 1,
        "kwh": round(1 / 3, 6),
        "running": True,
        "end": "2024-01-02T03:04:05Z",
        "tags": {"k": "v"},
    }
    assert rows[1]["kwh"] is None and rows[2]["tags"] == {}


def test_table_and_markdown_align_and_escape() -> None:
    table = render(TABLE, "table").splitlines()
    assert table[0].split() == ["name", "jobs", "kwh", "running", "end", "tags"]
    assert table[2].startswith("a,b     ")  # padded to the width of 'say "hi"'
    assert f"{round(1 / 3, 2):,.2f}" in table[2] and '{"k": "v"}' in table[2]
    markdown = render(TABLE.slice(0, 1), "markdown").splitlines()
    assert markdown[1] == "|---|---:|---:|---|---|---|"
    assert markdown[2].startswith("| a,b | 1 | 0.33 | True | 2024-01-02T03:04:05Z |")


# -- every format prints what the cell-by-cell reference prints, byte for byte --

# Floats where rounding goes wrong first: exact ties in binary (0.125, 1/128), decimal ties
# a double holds a hair above or below (prices of seven decimals), what rounds to -0.0, the
# exponent forms below 1e-4 and from 1e16, values past the 15 digits a double keeps.
AWKWARD = [0.0, -0.0, -1e-9, 5e-7, 4.9999999e-7, 1e-6, 1.5e-6, 1e-5, 2.5e-5, -2.5e-5, 9.99e-5]
AWKWARD += [1e-4, 0.125, 0.375, 0.005, 0.015, 1.005, 2.675, 999.995, 1 / 128, 3 / 128]
AWKWARD += [28.1282375, 8.841787499999999, 177.81911250000002, 0.061600499999999996]
AWKWARD += [1234567.891, -1234567.891, 1e9 + 0.5, 123456789.123456789, 1e12 + 0.3]
AWKWARD += [999999999.9999995, 1e15, 1e16, 1.5e17, 1e300, -1e300, 5e-324]
AWKWARD += [math.nan, math.inf, -math.inf, None]
# Strings the csv writer quotes, json escapes, markdown escapes, str.rstrip() strips.
STRINGS = ["", "a,b", 'say "hi"', "two\nlines", "cr\r", "tab\t", "trailing  ", "é|\\"]
STRINGS += ["\x01ctl\x1f", "\u3000", "\x85", "ünïcödé", "plain", None]

floats = (
    st.sampled_from(AWKWARD)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.floats(-1e6, 1e6)
    | st.integers(-(10**9), 10**9).map(lambda i: i / 128)
    | st.integers(-(10**9), 10**9).map(lambda i: (10 * i + 5) / 10**7)
)
strings = st.sampled_from(STRINGS) | st.text(max_size=8) | st.none()


def same_as_reference(table: pa.Table) -> None:
    for fmt, reference in RENDER.items():
        assert render(table, fmt) == reference(table), fmt


@settings(max_examples=examples(150), deadline=None)
@given(
    st.lists(
        st.tuples(strings, st.none() | st.integers(-(2**63), 2**63 - 1), floats, st.booleans()),
        max_size=40,
    ),
    strings,
)
def test_every_format_prints_as_the_reference(rows: list[tuple[Any, ...]], name: str) -> None:
    columns = list(zip(*rows, strict=True)) or [[], [], [], []]
    table = pa.table(
        {
            "name": pa.array(columns[0], pa.string()),
            "jobs": pa.array(columns[1], pa.int64()),
            "kwh": pa.array(columns[2], pa.float64()),
            "running": pa.array(columns[3], pa.bool_()),
            # a header that needs quoting and escaping too, last: line ends and trailing space
            name or 'x,"y" |': pa.array(columns[0], pa.string()),
        }
    )
    same_as_reference(table)


def test_awkward_floats_and_strings() -> None:
    same_as_reference(pa.table({"kwh": AWKWARD, "share": pa.array(AWKWARD, pa.float32())}))
    same_as_reference(pa.table({"name": STRINGS}))  # a lone empty csv field is quoted
    same_as_reference(TABLE)  # timestamps and maps: the cells printed one by one


def test_long_columns_in_several_slices(monkeypatch: pytest.MonkeyPatch) -> None:
    """Slices of a long table each print what the whole would, and a column of few
    distinct values (printed once each) prints as one of many."""
    n = 6000
    table = pa.table(
        {
            "sweep": [f"p/{i}" for i in range(n)],
            "gpu_hours": [i * 1.0000001 / 3 for i in range(n)],  # all distinct
            "idle_gpu_hours": [[0.0, 2.5, None, 1 / 128, -0.0][i % 5] for i in range(n)],
            "gpu_util": [None if i % 7 else 0.25 for i in range(n)],
        }
    )
    same_as_reference(table)
    monkeypatch.setattr(output, "BATCH_ROWS", 4500)  # one slice of few values, one short
    same_as_reference(table)


def python_calls(fn: Callable[[], object]) -> int:
    """How many Python and builtin functions ``fn`` calls."""
    calls = 0

    def count(frame: object, event: str, arg: object) -> None:
        nonlocal calls
        calls += event in ("call", "c_call")

    sys.setprofile(count)
    try:
        fn()
    finally:
        sys.setprofile(None)
    return calls


@pytest.mark.parametrize("fmt", RENDER)
def test_no_python_call_per_row(fmt: str) -> None:
    """The work done in Python does not grow with the rows: ten times the rows (of
    strings, counts and floats that round without a near-tie) make about as many calls."""

    def table(n: int) -> pa.Table:
        return pa.table(
            {
                "sweep": [f"p/{i}" for i in range(n)],
                "jobs": list(range(n)),
                "gpu_hours": [i / 8 for i in range(n)],
                "gpu_util": [(i % 100) / 64 for i in range(n)],
            }
        )

    small, large = table(2000), table(20000)
    calls_small = python_calls(lambda: render(small, fmt))
    calls_large = python_calls(lambda: render(large, fmt))
    assert calls_large < 2 * calls_small  # not 10 times: each call covers a column
