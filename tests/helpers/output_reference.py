"""What each output format prints, written cell by cell with Python's csv and json modules
and f-strings: the definition auditor.output's column-at-a-time renderers must match byte
for byte (tests/unit/test_output.py compares them on random and awkward tables)."""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import pyarrow as pa

DATA_DECIMALS = 6
TEXT_DECIMALS = 2


def cell(value: Any, decimals: int) -> Any:
    if isinstance(value, float):
        if math.isnan(value) or math.isinf(value):
            return None
        return round(value, decimals)
    if isinstance(value, datetime):
        return value.isoformat().replace("+00:00", "Z")
    if isinstance(value, list):  # a MAP column arrives as a list of (key, value) pairs
        return {k: v for k, v in value}
    return value


def text(value: Any, decimals: int) -> str:
    value = cell(value, decimals)
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:,.{decimals}f}"
    if isinstance(value, dict):
        return json.dumps(value, sort_keys=True)
    return str(value)


def _numeric(t: pa.DataType) -> bool:
    return bool(pa.types.is_integer(t) or pa.types.is_floating(t))


def _texts(table: pa.Table) -> list[list[str]]:
    out = []
    for column in table.columns:
        values = column.to_pylist()
        if pa.types.is_floating(column.type):  # unrounded: the format rounds once
            out.append(["" if v is None or not math.isfinite(v) else f"{v:,.2f}" for v in values])
        else:
            out.append([text(v, TEXT_DECIMALS) for v in values])
    return out


def render_json(table: pa.Table) -> str:
    rows = [{k: cell(v, DATA_DECIMALS) for k, v in row.items()} for row in table.to_pylist()]
    return json.dumps(rows, indent=2, ensure_ascii=False) + "\n"


def render_csv(table: pa.Table) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(table.column_names)
    columns = []
    for column in table.columns:
        values = [cell(v, DATA_DECIMALS) for v in column.to_pylist()]
        if pa.types.is_map(column.type):
            values = [None if v is None else json.dumps(v, sort_keys=True) for v in values]
        columns.append(values)
    writer.writerows(zip(*columns, strict=True))
    return out.getvalue()


def render_table(table: pa.Table) -> str:
    header = table.column_names
    numeric = [_numeric(f.type) for f in table.schema]
    columns = _texts(table)
    widths = [max([len(h), *map(len, c)]) for h, c in zip(header, columns, strict=True)]

    def line(cells: Sequence[str]) -> str:
        return "  ".join(
            c.rjust(w) if num else c.ljust(w)
            for c, w, num in zip(cells, widths, numeric, strict=True)
        ).rstrip()

    lines = [line(header), line(["-" * w for w in widths])]
    lines += map(line, zip(*columns, strict=True))
    return "\n".join(lines) + "\n"


def _md_escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def render_markdown(table: pa.Table) -> str:
    numeric = [_numeric(f.type) for f in table.schema]
    lines = [
        "| " + " | ".join(_md_escape(h) for h in table.column_names) + " |",
        "|" + "|".join("---:" if n else "---" for n in numeric) + "|",
    ]
    for cells in zip(*_texts(table), strict=True):
        lines.append("| " + " | ".join(map(_md_escape, cells)) + " |")
    return "\n".join(lines) + "\n"


RENDER = {
    "json": render_json,
    "csv": render_csv,
    "table": render_table,
    "markdown": render_markdown,
}
