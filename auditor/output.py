"""Output formats, as a registry: each turns an Arrow table into text for stdout.

Output is deterministic: rows come sorted from the queries, floats are printed with a
fixed number of decimals, and no format adds a timestamp.
"""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

import pyarrow as pa

from auditor.errors import UsageError

Renderer = Callable[[pa.Table], str]
FORMATS: dict[str, Renderer] = {}

DATA_DECIMALS = 6  # json and csv: enough to recompute any figure
TEXT_DECIMALS = 2  # table and markdown: for reading


def renderer(name: str) -> Callable[[Renderer], Renderer]:
    """Register a format under ``name``."""

    def register(fn: Renderer) -> Renderer:
        FORMATS[name] = fn
        return fn

    return register


def check_format(fmt: str) -> str:
    """``fmt`` if it is a known format; raises UsageError naming the known ones."""
    if fmt not in FORMATS:
        raise UsageError(f"unknown format '{fmt}'. Try one of: {', '.join(sorted(FORMATS))}.")
    return fmt


def render(table: pa.Table, fmt: str) -> str:
    """Render ``table`` in format ``fmt``; raises UsageError for an unknown format."""
    return FORMATS[check_format(fmt)](table)


def _cell(value: Any, decimals: int) -> Any:
    if isinstance(value, float):
        if math.isnan(value) or math.isinf(value):
            return None
        return round(value, decimals)
    if isinstance(value, datetime):
        return value.isoformat().replace("+00:00", "Z")
    if isinstance(value, list):  # a MAP column arrives as a list of (key, value) pairs
        return {k: v for k, v in value}
    return value


def _rows(table: pa.Table, decimals: int) -> list[dict[str, Any]]:
    return [{k: _cell(v, decimals) for k, v in row.items()} for row in table.to_pylist()]


def _plain(t: pa.DataType) -> bool:
    """Whether a column's values print as they come: ``_cell`` leaves them unchanged."""
    return bool(
        pa.types.is_string(t)
        or pa.types.is_large_string(t)
        or pa.types.is_integer(t)
        or pa.types.is_boolean(t)
    )


def _columns(table: pa.Table, decimals: int) -> list[list[Any]]:
    """The cells of ``table`` column by column, as ``_cell`` gives them: a million-row
    summary is rendered without a dict or a call per cell."""
    out = []
    for column in table.columns:
        values = column.to_pylist()
        if pa.types.is_floating(column.type):  # as _cell does it, inline: most cells are these
            isfinite = math.isfinite
            values = [None if v is None or not isfinite(v) else round(v, decimals) for v in values]
        elif not _plain(column.type):
            values = [_cell(v, decimals) for v in values]
        out.append(values)
    return out


def _text(value: Any, decimals: int) -> str:
    value = _cell(value, decimals)
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:,.{decimals}f}"
    if isinstance(value, dict):
        return json.dumps(value, sort_keys=True)
    return str(value)


def _texts(table: pa.Table, decimals: int) -> list[list[str]]:
    """Every cell as ``_text`` prints it, column by column."""
    out = []
    for column in table.columns:
        values = column.to_pylist()
        if pa.types.is_string(column.type) or pa.types.is_large_string(column.type):
            out.append(["" if v is None else v for v in values])
        elif pa.types.is_floating(column.type):  # f"{round(v, d):,.df}" is f"{v:,.df}"
            isfinite = math.isfinite
            out.append(
                ["" if v is None or not isfinite(v) else f"{v:,.{decimals}f}" for v in values]
            )
        else:
            out.append([_text(v, decimals) for v in values])
    return out


@renderer("json")
def _json(table: pa.Table) -> str:
    return json.dumps(_rows(table, DATA_DECIMALS), indent=2, ensure_ascii=False) + "\n"


@renderer("csv")
def _csv(table: pa.Table) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(table.column_names)
    columns = _columns(table, DATA_DECIMALS)
    for i, column in enumerate(table.columns):
        if pa.types.is_map(column.type):
            columns[i] = [None if v is None else json.dumps(v, sort_keys=True) for v in columns[i]]
    writer.writerows(zip(*columns, strict=True))  # None is written as an empty field
    return out.getvalue()


def _is_numeric(t: pa.DataType) -> bool:
    return bool(pa.types.is_integer(t) or pa.types.is_floating(t))


@renderer("table")
def _table(table: pa.Table) -> str:
    header = table.column_names
    numeric = [_is_numeric(f.type) for f in table.schema]
    columns = _texts(table, TEXT_DECIMALS)
    widths = [max([len(h), *map(len, c)]) for h, c in zip(header, columns, strict=True)]

    def line(cells: Sequence[str]) -> str:
        return "  ".join(
            c.rjust(w) if num else c.ljust(w)
            for c, w, num in zip(cells, widths, numeric, strict=True)
        ).rstrip()

    lines = [line(header), line(["-" * w for w in widths])]
    lines += map(line, zip(*columns, strict=True))
    return "\n".join(lines) + "\n"


def _md_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


@renderer("markdown")
def _markdown(table: pa.Table) -> str:
    numeric = [_is_numeric(f.type) for f in table.schema]
    lines = [
        "| " + " | ".join(_md_escape(h) for h in table.column_names) + " |",
        "|" + "|".join("---:" if n else "---" for n in numeric) + "|",
    ]
    for cells in zip(*_texts(table, TEXT_DECIMALS), strict=True):
        lines.append("| " + " | ".join(map(_md_escape, cells)) + " |")
    return "\n".join(lines) + "\n"
