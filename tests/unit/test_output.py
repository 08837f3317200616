"""Output formats: what each prints for every kind of cell."""

from __future__ import annotations

from datetime import UTC, datetime

import pyarrow as pa

from auditor.output import render

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
