"""Grid carbon intensity over time: Electricity Maps CSV downloads, WattTime's historical
MOER/AOER (JSON, or the CSV its client writes), the UK Carbon Intensity API's JSON, and a
plain ``timestamp,zone,g_per_kwh[,end]`` CSV; the format is told from the content.

Python reads only a file's first bytes (JSON or CSV, the header line); DuckDB reads every
record as text into one table (queries/intensity/*_points.sql), and the queries of
auditor/queries/intensity/ cast, check and turn the records into intervals. The result, an
Arrow table in the columns of ``intensity_series`` without ``ingest_id``, is stored by
``auditor.store.Store.ingest_intensity``.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from auditor import sql
from auditor.duck import parse_connection
from auditor.errors import InputError, UsageError
from auditor.ingest.base import existing_file, read_failure

# WattTime gives pounds of CO2 per MWh. 1 lb = 453.59237 g exactly (the international
# pound, 1959), 1 MWh = 1000 kWh: 1 lb/MWh = 453.59237 g / 1000 kWh = 0.45359237 g/kWh.
G_PER_LB = 453.59237
KWH_PER_MWH = 1000.0
G_PER_KWH_PER_LB_PER_MWH = G_PER_LB / KWH_PER_MWH

KINDS = ("average", "marginal")
BASES = ("lifecycle", "direct")
# WattTime's signal_type values, and the kind of each (health_damage is not CO2)
WATTTIME_SIGNALS = {"co2_moer": "marginal", "co2_aoer": "average"}
WATTTIME_UNITS = {"lbs_co2_per_mwh": G_PER_KWH_PER_LB_PER_MWH, "g_co2_per_kwh": 1.0}

# The steps of an intensity ingest, in the order they run on its parsing connection; a
# file's reading steps (read_csv + one *_points, or read_json + json_shape + one *_points)
# run once per file.
PIPELINE = (
    "intensity/points_table",
    "intensity/read_csv",
    "intensity/em_points",
    "intensity/plain_points",
    "intensity/watttime_csv_points",
    "intensity/read_json",
    "intensity/json_shape",
    "intensity/watttime_points",
    "intensity/uk_points",
    "intensity/file_zones",
    "intensity/set_zone",
    "intensity/problems",
    "intensity/spacing",
    "intensity/intervals",
    "intensity/duplicates",
    "intensity/spacing_problem",
    "intensity/overlaps",
    "intensity/gaps",
    "intensity/rows",
)

FORMATS_EXPECTED = (
    "an Electricity Maps CSV download (Datetime (UTC), Zone id, Carbon intensity ... columns), "
    "WattTime /v3/historical JSON (data[].point_time, meta) or its client's CSV (point_time, "
    "value), UK Carbon Intensity API JSON (data[].from/to/intensity) or a CSV with the header "
    "timestamp,zone,g_per_kwh[,end]"
)

_CALENDAR_WORDS = {"hourly": "hour", "daily": "day", "monthly": "month", "yearly": "year"}


@dataclass(frozen=True)
class IntensityOptions:
    """``zone`` names the series (WattTime's CSV has no zone of its own; for other formats it
    overrides the file's); ``kind`` and ``basis`` None take the format's own."""

    zone: str | None = None
    kind: str | None = None
    basis: str | None = None

    def check(self) -> None:
        """Raise UsageError for a kind or basis that is not known, or an empty zone."""
        if self.kind is not None and self.kind not in KINDS:
            raise UsageError(f"--kind '{self.kind}' is not known. Try one of: average, marginal.")
        if self.basis is not None and self.basis not in BASES:
            raise UsageError(f"--basis '{self.basis}' is not known. Try one of: lifecycle, direct.")
        if self.zone is not None and not self.zone.strip():
            raise UsageError("--zone is empty. Give a grid zone such as FR or CAISO_NORTH.")


@dataclass(frozen=True)
class SeriesGaps:
    """One series of an ingest: its span and the times between its intervals it lacks."""

    zone: str
    kind: str
    basis: str
    first_utc: str
    last_utc: str
    intervals: int
    gaps: int
    longest_gap_s: float | None
    longest_gap_from_utc: str | None

    def line(self) -> str:
        head = (
            f"zone {self.zone} ({self.kind}, {self.basis}): {self.intervals} intervals "
            f"from {self.first_utc} to {self.last_utc} UTC"
        )
        if not self.gaps:
            return head + ", no gaps"
        return (
            head + f", {self.gaps} gaps, the longest {_duration(self.longest_gap_s or 0)} "
            f"from {self.longest_gap_from_utc} UTC (the annual factor applies there)"
        )


@dataclass
class IntensityResult:
    table: pa.Table  # the columns of intensity_series without ingest_id
    rows_read: int
    rows_skipped: int  # records that repeat another exactly, kept once
    series: list[SeriesGaps] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _duration(seconds: float) -> str:
    if seconds % 86400 == 0:
        return f"{seconds / 86400:g} d"
    if seconds % 3600 == 0:
        return f"{seconds / 3600:g} h"
    return f"{seconds / 60:g} min"


def read_intensity(paths: Sequence[str], options: IntensityOptions) -> IntensityResult:
    """Read grid-intensity files into intervals; raises InputError naming the file and line
    (or JSON record) of the first record that cannot be stored, UsageError for options that
    do not fit the files."""
    options.check()
    if not paths:
        raise UsageError("no files given. Name one or more intensity files.")
    con = parse_connection()
    try:
        con.execute("SET TimeZone = 'UTC'")
        steps = sql.Pipeline(con, PIPELINE)
        steps.run("intensity/points_table")
        notes: list[str] = []
        for file_no, path in enumerate(paths, 1):
            existing_file(path, "a grid-intensity file")
            steps = sql.Pipeline(con, PIPELINE[1:])
            try:
                notes += _read_one(steps, path, file_no, options)
            except (duckdb.OutOfMemoryException, duckdb.IOException) as exc:
                raise read_failure(exc, [path]) from None
            except duckdb.InvalidInputException as exc:
                raise InputError(
                    f"cannot be read ({str(exc).splitlines()[0]})",
                    file=path,
                    hint=f"Expected {FORMATS_EXPECTED}.",
                ) from None
        return _intervals(con, list(paths), notes)
    finally:
        con.close()


def _read_one(steps: sql.Pipeline, path: str, file_no: int, options: IntensityOptions) -> list[str]:
    """Add one file's records to `points`; the notes it asks for."""
    with open(path, "rb") as f:
        head = f.read(65536)
    text = head.decode("utf-8", errors="replace").lstrip("\ufeff \t\r\n")
    if text.startswith(("{", "[")):
        return _read_json(steps, path, file_no, options)
    if not text:
        raise InputError("is empty", file=path, hint=f"Expected {FORMATS_EXPECTED}.")
    header = next(csv.reader(io.StringIO(text.splitlines()[0])))
    names = [h.strip().lower().replace("\u2082", "2") for h in header]
    columns = {f"c{i + 1}": "VARCHAR" for i in range(len(names))}
    calendar = _calendar(path)

    def col(*candidates: str | Callable[[str], bool]) -> str | None:
        for i, name in enumerate(names):
            if any(c(name) if callable(c) else name == c for c in candidates):
                return f"c{i + 1}"
        return None

    common = {"file": path, "file_no": file_no, "calendar": calendar}
    if "datetime (utc)" in names and col("zone id") is not None:
        basis = options.basis or "lifecycle"
        _kind_fits(options, "average", path, "an Electricity Maps download")
        if basis == "lifecycle":
            value = col(lambda n: "carbon intensity" in n and ("life cycle" in n or "lca" in n))
        else:
            value = col(lambda n: "carbon intensity" in n and "direct" in n)
        if value is None:
            raise InputError(
                f"has no {basis} carbon intensity column",
                file=path,
                line=1,
                hint="Electricity Maps downloads have 'Carbon intensity gCO₂eq/kWh (direct)' "
                "and '(Life cycle)' (or '(LCA)'): use --basis for the one the file has.",
            )
        estimated = col("data estimated")
        steps.run("intensity/read_csv", {"path": path, "columns": columns})
        steps.run(
            "intensity/em_points",
            {
                **common,
                "zone": options.zone,
                "basis": basis,
                "has_estimated": estimated is not None,
            },
            zone=col("zone id") or "c1",
            ts="c1" if col("datetime (utc)") is None else str(col("datetime (utc)")),
            value=value,
            estimated=estimated or value,
        )
        return []
    if "point_time" in names and "value" in names:
        if options.zone is None:
            raise UsageError(
                f"{path}: a WattTime CSV names no region. Give it with --zone, e.g. "
                "--zone CAISO_NORTH."
            )
        notes = [
            f"{path}: WattTime CSV values read as lbs_co2_per_mwh (WattTime's unit), "
            f"times {G_PER_KWH_PER_LB_PER_MWH} g/kWh per lb/MWh"
        ]
        kind = options.kind
        if kind is None:
            kind = "marginal"
            notes.append(
                f"{path}: the CSV does not say its signal: read as marginal (co2_moer); "
                "use --kind average for co2_aoer"
            )
        basis = options.basis or "direct"
        steps.run("intensity/read_csv", {"path": path, "columns": columns})
        steps.run(
            "intensity/watttime_csv_points",
            {
                **common,
                "zone": options.zone,
                "kind": kind,
                "basis": basis,
                "g_per_unit": G_PER_KWH_PER_LB_PER_MWH,
            },
            ts=str(col("point_time")),
            value=str(col("value")),
        )
        return notes
    ts = col("timestamp", "start", "start_ts")
    value = col("g_per_kwh")
    if ts is not None and value is not None:
        zone = col("zone")
        if zone is None and options.zone is None:
            raise InputError(
                "has no zone column",
                file=path,
                line=1,
                hint="Add a zone column, or give the zone with --zone.",
            )
        end = col("end", "end_ts")
        steps.run("intensity/read_csv", {"path": path, "columns": columns})
        steps.run(
            "intensity/plain_points",
            {
                **common,
                "zone": options.zone,
                "has_zone": zone is not None,
                "has_end": end is not None,
                "kind": options.kind or "average",
                "basis": options.basis or "lifecycle",
            },
            zone=zone or ts,
            ts=ts,
            end_ts=end or ts,
            value=value,
        )
        return []
    raise InputError(
        f"the header '{','.join(header)[:120]}' is not one of a known format",
        file=path,
        line=1,
        hint=f"Expected {FORMATS_EXPECTED}.",
    )


def _read_json(
    steps: sql.Pipeline, path: str, file_no: int, options: IntensityOptions
) -> list[str]:
    steps.run("intensity/read_json", {"path": path})
    shape = steps.run("intensity/json_shape").fetchone()
    if shape is None or shape[0] != 1:
        raise InputError(
            "holds no JSON document, or several",
            file=path,
            hint=f"Expected {FORMATS_EXPECTED}.",
        )
    _docs, watttime, uk, region, signal, units, period = shape
    if watttime:
        return _read_watttime(steps, path, file_no, options, region, signal, units, period)
    if uk:
        _kind_fits(options, "average", path, "UK Carbon Intensity data")
        steps.run(
            "intensity/uk_points",
            {"file": path, "file_no": file_no, "basis": options.basis or "direct"},
        )
        if options.zone is not None:
            zones = [
                r[0] for r in steps.run("intensity/file_zones", {"file_no": file_no}).fetchall()
            ]
            if len(zones) > 1:
                raise UsageError(
                    f"{path}: holds {len(zones)} regions ({', '.join(zones)}); --zone names "
                    "the series of a one-region file. Drop --zone to store each region as its "
                    "own zone."
                )
            steps.run("intensity/set_zone", {"file_no": file_no, "zone": options.zone})
        return []
    raise InputError(
        "is JSON of no known shape",
        file=path,
        hint=f"Expected {FORMATS_EXPECTED}.",
    )


def _read_watttime(
    steps: sql.Pipeline,
    path: str,
    file_no: int,
    options: IntensityOptions,
    region: str | None,
    signal: str | None,
    units: str | None,
    period: str | None,
) -> list[str]:
    kind = WATTTIME_SIGNALS.get(signal or "")
    if kind is None:
        raise InputError(
            f"WattTime signal_type '{signal}' is not a CO2 intensity",
            file=path,
            line="meta.signal_type",
            hint="Download co2_moer (marginal) or co2_aoer (average).",
        )
    _kind_fits(options, kind, path, f"WattTime {signal}")
    factor = WATTTIME_UNITS.get(units or "")
    if factor is None:
        raise InputError(
            f"WattTime units '{units}' are not known",
            file=path,
            line="meta.units",
            hint="Expected lbs_co2_per_mwh.",
        )
    zone = options.zone or region
    if not zone:
        raise InputError(
            "names no region (meta.region)",
            file=path,
            hint="Give the zone with --zone, e.g. --zone CAISO_NORTH.",
        )
    period_s: int | None = None
    if period is not None:
        try:
            period_s = int(float(period))
        except ValueError:
            period_s = 0
        if period_s <= 0:
            raise InputError(
                f"data_point_period_seconds '{period}' is not a positive number",
                file=path,
                line="meta.data_point_period_seconds",
                hint="Fix it, or delete the key to take the spacing of the points.",
            )
    steps.run(
        "intensity/watttime_points",
        {
            "file": path,
            "file_no": file_no,
            "zone": zone,
            "kind": kind,
            "basis": options.basis or "direct",
            "g_per_unit": factor,
            "period_s": period_s,
        },
    )
    return []


def _kind_fits(options: IntensityOptions, kind: str, path: str, what: str) -> None:
    if options.kind is not None and options.kind != kind:
        raise UsageError(
            f"{path}: {what} is {kind} intensity, but --kind {options.kind} was given. "
            f"Drop --kind, or use --kind {kind}."
        )


def _calendar(path: str) -> str | None:
    """'hour', 'day', 'month' or 'year' when the file's name says so (Electricity Maps
    names downloads ``FR_2023_hourly.csv``): the interval of a file with one record."""
    words = set(re.split(r"[^a-z]+", Path(path).name.lower()))
    found = [unit for word, unit in _CALENDAR_WORDS.items() if word in words]
    return found[0] if len(found) == 1 else None


def _intervals(
    con: duckdb.DuckDBPyConnection, paths: list[str], notes: list[str]
) -> IntensityResult:
    steps = sql.Pipeline(con, PIPELINE[PIPELINE.index("intensity/problems") :])
    rows_read = int(con.execute("SELECT count(*) FROM points").fetchone()[0])  # type: ignore[index]
    if rows_read == 0:
        raise InputError(
            "holds no intensity records",
            file=", ".join(paths),
            hint="Check that the download is not empty.",
        )
    bad = steps.run("intensity/problems").fetchone()
    if bad is not None:
        raise InputError(str(bad[2]), file=str(bad[0]), line=str(bad[1]))
    steps.run("intensity/spacing")
    steps.run("intensity/intervals")
    dup = steps.run("intensity/duplicates").fetchone()
    if dup is not None:
        file, place, first_file, first_place, zone, start, first_g, g = dup
        raise InputError(
            f"zone {zone} at {start} UTC: {g:g} g/kWh here, {first_g:g} g/kWh (or another "
            f"interval) at {first_file}:{first_place}",
            file=file,
            line=place,
            hint="A series has one value per time: delete one of the two.",
        )
    odd = steps.run("intensity/spacing_problem").fetchone()
    if odd is not None:
        raise _spacing_error(odd)
    clash = steps.run("intensity/overlaps").fetchone()
    if clash is not None:
        file, place, prev_file, prev_place, zone, start, prev_end = clash
        raise InputError(
            f"zone {zone}: the interval from {start} UTC starts before the one at "
            f"{prev_file}:{prev_place} ends ({prev_end} UTC)",
            file=file,
            line=place,
            hint="Intervals of a series may not overlap: fix the times or drop one file.",
        )
    series = [SeriesGaps(*r) for r in steps.run("intensity/gaps").fetchall()]
    table: pa.Table = con.sql(sql.query("intensity/rows")).to_arrow_table()
    return IntensityResult(table, rows_read, rows_read - table.num_rows, series, notes)


def _spacing_error(row: tuple[Any, ...]) -> InputError:
    file, place, zone, _rule, interval_s, irregular_at = row
    if irregular_at is None:
        return InputError(
            f"zone {zone} has one record: its interval cannot be told from the spacing",
            file=str(file),
            line=str(place),
            hint="Keep 'hourly', 'daily', 'monthly' or 'yearly' in the file's name as the "
            "download has it, or give an end column (plain CSV).",
        )
    step = _duration(float(interval_s or 0))
    return InputError(
        f"zone {zone}: the record at {irregular_at} UTC is not a whole number of intervals "
        f"({step}, the file's shortest step) after the one before",
        file=str(file),
        line=str(place),
        hint="A series must be evenly spaced (gaps allowed): fix the time, or split the file.",
    )
