"""Output formats, as a registry: each turns an Arrow table into text for stdout.

Output is deterministic: rows come sorted from the queries, floats are printed with a
fixed number of decimals, and no format adds a timestamp.

Cells become text a column at a time, with Arrow compute: the CSV of a million sweeps
prints in a few seconds, where a Python call per cell took six times as long. The text is
what Python's csv and json modules and its float formatting print for the same cells
(tests/helpers/output_reference.py prints them so). Python still sees the cells that have
no column-wise form: maps, timestamps, and floats of 1e15 and more once scaled to their
decimals, past the digits a double keeps.
"""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Callable, Sequence
from datetime import datetime
from functools import cache
from typing import Any

import pyarrow as pa

from auditor.errors import UsageError

Renderer = Callable[[pa.Table], str]
FORMATS: dict[str, Renderer] = {}

DATA_DECIMALS = 6  # json and csv: enough to recompute any figure
TEXT_DECIMALS = 2  # table and markdown: for reading

# Rows rendered at a time: bounds the memory of the intermediate texts and keeps each text
# column under the 2 GiB of Arrow's 32-bit string offsets.
BATCH_ROWS = 1 << 17

# What str.rstrip() strips: the table format trims its lines as Python did.
_WHITESPACE = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005"
    "\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)


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


# -- one cell in Python: the column types with no column-wise form --


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


def _text(value: Any, decimals: int) -> str:
    value = _cell(value, decimals)
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:,.{decimals}f}"
    if isinstance(value, dict):
        return json.dumps(value, sort_keys=True)
    return str(value)


def _csv_field(value: Any, is_map: bool) -> str | None:
    value = _cell(value, DATA_DECIMALS)
    if value is None:
        return None
    return json.dumps(value, sort_keys=True) if is_map else str(value)


def _json_value(value: Any) -> str:
    # the value sits two levels deep in the document: its own lines move in by four spaces
    text = json.dumps(_cell(value, DATA_DECIMALS), indent=2, ensure_ascii=False)
    return text.replace("\n", "\n    ")


def _per_cell(column: pa.Array, fn: Callable[[Any], str | None]) -> pa.Array:
    return pa.array([fn(v) for v in column.to_pylist()], pa.string())


# -- column at a time --


def _is_string(t: pa.DataType) -> bool:
    return bool(pa.types.is_string(t) or pa.types.is_large_string(t) or pa.types.is_string_view(t))


def _is_numeric(t: pa.DataType) -> bool:
    return bool(pa.types.is_integer(t) or pa.types.is_floating(t))


def _concat(*parts: Any) -> pa.Array:
    import pyarrow.compute as pc

    return pc.binary_join_element_wise(*parts, "")


def _rounded(x: pa.Array, decimals: int) -> tuple[pa.Array, pa.Array, pa.Array]:
    """``|x| * 10**decimals`` rounded to an integer as Python's ``round`` and ``format``
    round (half to even, on the exact binary value), whether x is negative (-0.0 too), and
    where that holds: x finite and the integer below 1e15, within the 15 digits a double
    keeps (elsewhere the integer is 0).

    The product is rounded once in floating point, so it is off by at most
    ``|x| * 10**decimals * 2**-53``; where that could carry it across a half (prices of
    seven decimals do that often, exact ties like 0.125 always), ``_exact_round`` decides.
    """
    import pyarrow.compute as pc

    size = pc.abs(pc.multiply(x, 10.0**decimals))
    inside = pc.less(size, 1e15).fill_null(False)  # NaN compares false
    k = pc.round(pc.if_else(inside, size, 0.0), round_mode="half_to_even")
    k = pc.cast(k, pa.int64(), safe=False)  # whole numbers below 1e15: nothing to lose
    off_half = pc.abs(pc.subtract(pc.subtract(size, pc.floor(size)), 0.5))
    near = pc.and_(inside, pc.less_equal(off_half, pc.multiply(size, 2.0**-52)))
    if pc.any(near).as_py():
        k = pc.replace_with_mask(k, near, _exact_round(pc.abs(pc.filter(x, near)), decimals))
    negative = pc.less(x.view(pa.int64()), 0)  # the sign bit
    return k, negative, inside


def _exact_round(a: pa.Array, decimals: int) -> pa.Array:
    """``a * 10**decimals`` (a >= 0, the product below 1e15) rounded half to even on its
    exact value: Dekker's error-free product gives the product as ``p + e``, two doubles,
    and the sign of ``(p - n - 0.5) + e`` (exact up to a rounding that keeps the sign) says
    on which side of the half above ``n = floor(p)`` the exact product lies."""
    import pyarrow.compute as pc

    scale = 10.0**decimals  # below 2**26 for decimals <= 11: its split has no low half
    p = pc.multiply(a, scale)
    c = pc.multiply(a, 2.0**27 + 1)  # Veltkamp's split of a into 26 high bits and the rest
    high = pc.subtract(c, pc.subtract(c, a))
    low = pc.subtract(a, high)
    e = pc.add(pc.subtract(pc.multiply(high, scale), p), pc.multiply(low, scale))
    n = pc.floor(p)
    side = pc.add(pc.subtract(pc.subtract(p, n), 0.5), e)
    odd = pc.equal(pc.subtract(n, pc.multiply(pc.floor(pc.divide(n, 2.0)), 2.0)), 1.0)
    up = pc.or_(pc.greater(side, 0.0), pc.and_(pc.equal(side, 0.0), odd))
    return pc.cast(pc.add(n, pc.cast(up, pa.float64())), pa.int64())


def _fixed(k: pa.Array, decimals: int) -> pa.Array:
    """``k / 10**decimals`` (k >= 0) with all its decimals, as text ('12.340000')."""
    import pyarrow.compute as pc

    digits = pc.ascii_lpad(pc.cast(k, pa.string()), width=decimals + 1, padding="0")
    return pc.binary_replace_slice(digits, start=-decimals, stop=-decimals, replacement=".")


def _repr_text(k: pa.Array, decimals: int) -> pa.Array:
    """``repr(k / 10**decimals)`` (k >= 0): below 1e15 a double holds those digits exactly,
    so the shortest text that reads back as it is the decimal itself without trailing
    zeros, with Python's exponent form below 1e-4."""
    import pyarrow.compute as pc

    fixed = _fixed(k, decimals)
    text = pc.utf8_rtrim(fixed, characters="0")
    whole = pc.equal(pc.multiply(pc.divide(k, 10**decimals), 10**decimals), k)
    if pc.any(whole).as_py():  # '12.000000' is '12.0'
        text = pc.if_else(whole, pc.utf8_slice_codeunits(fixed, start=0, stop=1 - decimals), text)
    tiny = pc.and_(pc.greater(k, 0), pc.less(k, 10 ** max(decimals - 4, 0)))
    if pc.any(tiny).as_py():
        digits = pc.cast(k, pa.string())
        exponent = pc.subtract(decimals + 1, pc.utf8_length(digits))
        mantissa = pc.utf8_rtrim(digits, characters="0")
        rest = pc.utf8_slice_codeunits(mantissa, start=1)
        mantissa = pc.if_else(
            pc.equal(rest, ""),
            mantissa,
            _concat(pc.utf8_slice_codeunits(mantissa, start=0, stop=1), ".", rest),
        )
        power = pc.utf8_lpad(pc.cast(exponent, pa.string()), width=2, padding="0")
        text = pc.if_else(tiny, _concat(mantissa, "e-", power), text)
    return text


def _grouped_text(k: pa.Array, decimals: int) -> pa.Array:
    """``f"{k / 10**decimals:,.{decimals}f}"`` (k >= 0): thousands separated by commas."""
    import pyarrow.compute as pc

    text = _fixed(k, decimals)
    for i in range(1, 6):  # below 1e15 there are at most five commas
        more = pc.greater_equal(k, 10 ** (decimals + 3 * i))
        if not pc.any(more).as_py():
            break
        at = -(decimals + 4 * i)  # the commas already put in count too
        text = pc.if_else(
            more, pc.binary_replace_slice(text, start=at, stop=at, replacement=","), text
        )
    return text


_SAMPLE = 1024  # values looked at to tell whether a column repeats itself


def _float_text(x: pa.Array, data: bool, missing: str) -> pa.Array:
    """Each float as json and csv (``data``) or table and markdown print it; ``missing``
    where the value is null, NaN or infinite.

    A column of few distinct values (idle hours that are mostly 0, shares of 0 or 1) has
    each of them printed once: that is worth its hashing where a sample of the column
    repeats itself.
    """
    import pyarrow.compute as pc

    if len(x) >= 4 * _SAMPLE:
        sample = pc.take(x, pa.array(range(0, len(x), len(x) // _SAMPLE)))
        if len(pc.unique(sample)) < len(sample) // 2:
            encoded = pc.dictionary_encode(x)
            text = _float_text_each(encoded.dictionary, data, missing)
            return pc.take(text, encoded.indices).fill_null(missing)
    return _float_text_each(x, data, missing)


def _float_text_each(x: pa.Array, data: bool, missing: str) -> pa.Array:
    import pyarrow.compute as pc

    x = x.cast(pa.float64())
    decimals = DATA_DECIMALS if data else TEXT_DECIMALS
    k, negative, inside = _rounded(x, decimals)
    text = _repr_text(k, decimals) if data else _grouped_text(k, decimals)
    if pc.any(negative).as_py():  # -0.0 too: round(-0.0000001, 6) is -0.0, printed so
        text = pc.if_else(negative, _concat("-", text), text)
    if not pc.all(inside).as_py():
        text = pc.if_else(inside, text, missing)
        huge = pc.and_(pc.invert(inside), pc.is_finite(x).fill_null(False))
        if pc.any(huge).as_py():  # past 1e15: Python's own rounding and text
            values = pc.filter(x, huge).to_pylist()
            if data:
                texts = [repr(round(v, decimals)) for v in values]
            else:
                texts = [f"{v:,.{decimals}f}" for v in values]
            text = pc.replace_with_mask(text, huge, pa.array(texts, pa.string()))
    return text


@cache
def _csv_specials() -> str:
    """A regex class of the characters that make Python's csv writer quote a field: the
    delimiter, the quote and the line end, and '\\r' in the Pythons that quote it too."""
    probe = io.StringIO()
    csv.writer(probe, lineterminator="\n").writerow(["\r"])
    return '[,"\\n\\r]' if probe.getvalue().startswith('"') else '[,"\\n]'


def _csv_column(column: pa.Array) -> pa.Array:
    import pyarrow.compute as pc

    t = column.type
    if pa.types.is_floating(t):
        return _float_text(column, data=True, missing="")
    if pa.types.is_integer(t):
        return pc.cast(column, pa.string()).fill_null("")
    if pa.types.is_boolean(t):
        return pc.if_else(column, "True", "False").fill_null("")
    if _is_string(t):
        text = pc.cast(column, pa.string()).fill_null("")
    else:
        is_map = pa.types.is_map(t)
        text = _per_cell(column, lambda v: _csv_field(v, is_map)).fill_null("")
    special = pc.match_substring_regex(text, _csv_specials())
    if not pc.any(special).as_py():
        return text
    quoted = _concat('"', pc.replace_substring(text, '"', '""'), '"')
    return pc.if_else(special, quoted, text)


_JSON_ESCAPES = [("\\", "\\\\"), ('"', '\\"'), ("\n", "\\n"), ("\r", "\\r"), ("\t", "\\t")]
_JSON_ESCAPES += [("\b", "\\b"), ("\f", "\\f")]
_JSON_ESCAPES += [(chr(c), f"\\u{c:04x}") for c in range(0x20) if chr(c) not in "\n\r\t\b\f"]


def _json_column(column: pa.Array) -> pa.Array:
    import pyarrow.compute as pc

    t = column.type
    if pa.types.is_floating(t):
        return _float_text(column, data=True, missing="null")
    if pa.types.is_integer(t):
        return pc.cast(column, pa.string()).fill_null("null")
    if pa.types.is_boolean(t):
        return pc.if_else(column, "true", "false").fill_null("null")
    if not _is_string(t):
        return _per_cell(column, _json_value)
    text = pc.cast(column, pa.string())
    if pc.any(pc.match_substring_regex(text, '[\\x00-\\x1f"\\\\]')).as_py():
        for raw, escaped in _JSON_ESCAPES:
            text = pc.replace_substring(text, raw, escaped)
    return _concat('"', text, '"').fill_null("null")


def _text_column(column: pa.Array) -> pa.Array:
    """Cells as the table and markdown formats print them."""
    import pyarrow.compute as pc

    t = column.type
    if pa.types.is_floating(t):  # f"{round(v, d):,.df}" is f"{v:,.df}": rounded once
        return _float_text(column, data=False, missing="")
    if pa.types.is_integer(t) or _is_string(t):
        return pc.cast(column, pa.string()).fill_null("")
    if pa.types.is_boolean(t):
        return pc.if_else(column, "True", "False").fill_null("")
    return _per_cell(column, lambda v: _text(v, TEXT_DECIMALS))


def _batches(table: pa.Table) -> list[pa.RecordBatch]:
    return [b for b in table.to_batches(max_chunksize=BATCH_ROWS) if b.num_rows]


def _joined(rows: pa.Array) -> str:
    """The texts of ``rows`` one after the other: each row holds its line end."""
    width = pa.int64() if pa.types.is_large_string(rows.type) else pa.int32()
    _, offset_buffer, data = rows.buffers()
    offsets = pa.Array.from_buffers(width, len(rows) + 1, [None, offset_buffer], offset=rows.offset)
    start, stop = offsets[0].as_py(), offsets[-1].as_py()
    return str(memoryview(data)[start:stop], "utf-8")


@renderer("json")
def _json(table: pa.Table) -> str:
    import pyarrow.compute as pc

    batches = _batches(table)
    if not batches:
        return "[]\n"
    if not table.num_columns:
        return json.dumps([{}] * table.num_rows, indent=2) + "\n"
    keys = [json.dumps(name, ensure_ascii=False) for name in table.column_names]
    out = []
    for batch in batches:
        parts: list[Any] = []
        for i, (key, column) in enumerate(zip(keys, batch.columns, strict=True)):
            parts += [("  {\n" if i == 0 else ",\n") + f"    {key}: ", _json_column(column)]
        out.append(_joined(pc.binary_join_element_wise(*parts, "\n  },\n", "")))
    out[-1] = out[-1][:-2]  # the last row has no comma after it
    return "".join(["[\n", *out, "\n]\n"])


@renderer("csv")
def _csv(table: pa.Table) -> str:
    import pyarrow.compute as pc

    header = io.StringIO()
    csv.writer(header, lineterminator="\n").writerow(table.column_names)
    if not table.num_columns:  # the csv writer writes no row of no fields
        return header.getvalue()
    out = [header.getvalue()]
    for batch in _batches(table):
        cells = list(map(_csv_column, batch.columns))
        if len(cells) == 1:  # the csv writer quotes a lone empty field
            cells[0] = pc.if_else(pc.equal(cells[0], ""), '""', cells[0])
        cells[-1] = _concat(cells[-1], "\n")
        out.append(_joined(pc.binary_join_element_wise(*cells, ",")))
    return "".join(out)


@renderer("table")
def _table(table: pa.Table) -> str:
    import pyarrow.compute as pc

    header = table.column_names
    numeric = [_is_numeric(f.type) for f in table.schema]
    texts = [list(map(_text_column, b.columns)) for b in _batches(table)]
    widths = [len(h) for h in header]
    for columns in texts:
        for i, column in enumerate(columns):
            widths[i] = max(widths[i], pc.max(pc.utf8_length(column)).as_py() or 0)

    def line(cells: Sequence[str]) -> str:
        return "  ".join(
            c.rjust(w) if num else c.ljust(w)
            for c, w, num in zip(cells, widths, numeric, strict=True)
        ).rstrip()

    out = [line(header) + "\n" + line(["-" * w for w in widths]) + "\n"]
    for columns in texts:
        padded = [
            (pc.utf8_lpad if num else pc.utf8_rpad)(column, width=w, padding=" ")
            for column, w, num in zip(columns, widths, numeric, strict=True)
        ]
        rows = pc.binary_join_element_wise(*padded, "  ") if padded else None
        if rows is not None:
            out.append(_joined(_concat(pc.utf8_rtrim(rows, characters=_WHITESPACE), "\n")))
    return "".join(out)


def _md_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


@renderer("markdown")
def _markdown(table: pa.Table) -> str:
    import pyarrow.compute as pc

    numeric = [_is_numeric(f.type) for f in table.schema]
    head = [
        "| " + " | ".join(_md_escape(h) for h in table.column_names) + " |",
        "|" + "|".join("---:" if n else "---" for n in numeric) + "|",
    ]
    out = ["\n".join(head) + "\n"]
    for batch in _batches(table) if table.num_columns else []:
        cells = []
        for column in map(_text_column, batch.columns):
            for raw, escaped in (("\\", "\\\\"), ("|", "\\|"), ("\n", " ")):
                column = pc.replace_substring(column, raw, escaped)
            cells.append(column)
        out.append(_joined(_concat("| ", pc.binary_join_element_wise(*cells, " | "), " |\n")))
    return "".join(out)
