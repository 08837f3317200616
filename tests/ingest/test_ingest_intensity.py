"""auditor ingest intensity: each format read into intensity_series (values written as
arithmetic from the fixtures), the rejections with their FILE:LINE and the database
unchanged, gaps, idempotence, --replace, forget and the ledger. Real DuckDB files."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb
import pytest

from auditor import api
from auditor.errors import InputError, UsageError
from auditor.ingest.intensity import G_PER_KWH_PER_LB_PER_MWH
from tests.helpers.paths import ROOT

FIX = ROOT / "fixtures" / "intensity"


def f(name: str) -> str:
    return str(FIX / name)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)  # type: ignore[misc]


def series(db: str) -> list[tuple[Any, ...]]:
    """Stored intervals: zone, kind, basis, start, end, g_per_kwh, estimated, src_line."""
    con = duckdb.connect(db, read_only=True)
    try:
        con.execute("SET TimeZone = 'UTC'")
        return con.execute(
            "SELECT zone, kind, basis, start_ts, end_ts, g_per_kwh, estimated, src_line "
            "FROM intensity_series ORDER BY zone, kind, basis, start_ts"
        ).fetchall()
    finally:
        con.close()


def state(db: str) -> list[Any]:
    """Everything an ingest may change: the intervals and the ledger."""
    if not Path(db).exists():
        return []
    con = duckdb.connect(db, read_only=True)
    try:
        rows = con.execute("SELECT * FROM intensity_series ORDER BY ALL").fetchall()
        ledger = con.execute(
            "SELECT ingest_id, source, files, superseded_by FROM ingests ORDER BY ALL"
        ).fetchall()
        return [rows, ledger]
    finally:
        con.close()


# -- each format -------------------------------------------------------------------------


def test_electricity_maps_recent_header_hourly_with_a_gap(db: str) -> None:
    out = api.ingest_intensity([f("FR_2024_hourly.csv")], db=db)
    hour = timedelta(hours=1)
    t0 = utc(2024, 1, 1)
    assert series(db) == [
        ("FR", "average", "lifecycle", t0, t0 + hour, 40.25, False, 2),
        ("FR", "average", "lifecycle", t0 + hour, t0 + 2 * hour, 41.5, False, 3),
        ("FR", "average", "lifecycle", t0 + 2 * hour, t0 + 3 * hour, 43.0, True, 4),
        ("FR", "average", "lifecycle", t0 + 5 * hour, t0 + 6 * hour, 39.0, False, 5),
    ]
    assert out.report.intervals_added == 4
    # 03:00 and 04:00 are missing: one gap of 2 h
    assert any(
        "FR" in n and "1 gaps, the longest 2 h from 2024-01-01 03:00" in n for n in out.notes
    )


def test_electricity_maps_direct_basis_picks_the_direct_column(db: str) -> None:
    api.ingest_intensity([f("FR_2024_hourly.csv")], db=db, basis="direct")
    assert [(r[2], r[5]) for r in series(db)] == [
        ("direct", 21.5),
        ("direct", 22.0),
        ("direct", 23.75),
        ("direct", 20.0),
    ]


def test_electricity_maps_earlier_header_lca(db: str) -> None:
    api.ingest_intensity([f("SE_2021_hourly_earlier.csv")], db=db)
    t0 = utc(2021, 1, 1)
    assert series(db) == [
        ("SE", "average", "lifecycle", t0, t0 + timedelta(hours=1), 30.0, True, 2),
        (
            "SE",
            "average",
            "lifecycle",
            t0 + timedelta(hours=1),
            t0 + timedelta(hours=2),
            31.5,
            False,
            3,
        ),
    ]


def test_electricity_maps_title_case_daily(db: str) -> None:
    api.ingest_intensity([f("DE_2023_daily_titlecase.csv")], db=db)
    assert [(r[3], r[4], r[5]) for r in series(db)] == [
        (utc(2023, 1, 1), utc(2023, 1, 2), 380.5),
        (utc(2023, 1, 2), utc(2023, 1, 3), 341.0),
    ]


def test_electricity_maps_monthly_takes_calendar_months(db: str) -> None:
    api.ingest_intensity([f("PL_2023_monthly.csv")], db=db)
    assert [(r[3], r[4], r[5]) for r in series(db)] == [
        (utc(2023, 1, 1), utc(2023, 2, 1), 750.0),
        (utc(2023, 2, 1), utc(2023, 3, 1), 690.0),
        (utc(2023, 3, 1), utc(2023, 4, 1), 640.0),
    ]


def test_a_yearly_file_of_one_row_takes_its_interval_from_the_name(db: str) -> None:
    api.ingest_intensity([f("NO_2022_yearly.csv")], db=db)
    assert [(r[0], r[3], r[4], r[5]) for r in series(db)] == [
        ("NO", utc(2022, 1, 1), utc(2023, 1, 1), 25.0)
    ]


def test_one_row_and_no_calendar_word_is_refused(db: str, tmp_path: Path) -> None:
    one = tmp_path / "one.csv"
    one.write_text("timestamp,zone,g_per_kwh\n2024-01-01T00:00:00Z,FR,50\n")
    with pytest.raises(InputError, match=r"one.csv:2: zone FR has one record"):
        api.ingest_intensity([str(one)], db=db)
    assert state(db) == []


def test_watttime_json_converts_lbs_per_mwh(db: str) -> None:
    out = api.ingest_intensity([f("watttime_historical.json")], db=db)
    t0 = utc(2024, 6, 1)
    five = timedelta(minutes=5)
    key = ("CAISO_NORTH", "marginal", "direct")
    assert series(db) == [
        (*key, t0, t0 + five, pytest.approx(812.0 * 0.45359237), None, 1),
        (*key, t0 + five, t0 + 2 * five, pytest.approx(905.5 * 0.45359237), None, 2),
        (*key, t0 + 2 * five, t0 + 3 * five, pytest.approx(1002.0 * 0.45359237), None, 3),
    ]
    assert out.report.rows_read == 3


def test_the_lb_per_mwh_constant_is_exact() -> None:
    # 1 lb = 453.59237 g (exact), 1 MWh = 1000 kWh
    assert G_PER_KWH_PER_LB_PER_MWH == 453.59237 / 1000


def test_watttime_aoer_is_average_and_zone_overrides_region(db: str, tmp_path: Path) -> None:
    doc = json.loads((FIX / "watttime_historical.json").read_text())
    doc["meta"]["signal_type"] = "co2_aoer"
    path = tmp_path / "aoer.json"
    path.write_text(json.dumps(doc))
    api.ingest_intensity([str(path)], db=db, zone="US-CAL-CISO")
    assert {(r[0], r[1]) for r in series(db)} == {("US-CAL-CISO", "average")}


def test_watttime_kind_contradicting_the_signal_is_refused(db: str) -> None:
    with pytest.raises(
        UsageError, match=r"WattTime co2_moer is marginal intensity, but --kind average"
    ):
        api.ingest_intensity([f("watttime_historical.json")], db=db, kind="average")
    assert state(db) == []


def test_watttime_client_csv_needs_a_zone(db: str) -> None:
    with pytest.raises(UsageError, match="--zone"):
        api.ingest_intensity([f("watttime_client.csv")], db=db)
    out = api.ingest_intensity([f("watttime_client.csv")], db=db, zone="PJM_DC")
    assert [(r[0], r[1], r[5]) for r in series(db)] == [
        ("PJM_DC", "marginal", pytest.approx(700.0 * 0.45359237)),
        ("PJM_DC", "marginal", pytest.approx(640.0 * 0.45359237)),
    ]
    assert any("read as marginal" in n for n in out.notes)


def test_uk_national_actual_else_forecast_estimated(db: str) -> None:
    api.ingest_intensity([f("uk_national.json")], db=db)
    half = timedelta(minutes=30)
    t0 = utc(2024, 3, 31)
    assert series(db) == [
        ("GB", "average", "direct", t0, t0 + half, 118.0, False, 1),
        ("GB", "average", "direct", t0 + half, t0 + 2 * half, 125.0, True, 2),
        ("GB", "average", "direct", t0 + 2 * half, t0 + 3 * half, 131.0, False, 3),
    ]


def test_uk_regional_shapes_name_each_region(db: str, tmp_path: Path) -> None:
    api.ingest_intensity([f("uk_regional.json")], db=db)
    assert [(r[0], r[5], r[6]) for r in series(db)] == [
        ("GB-London", 160.0, True),
        ("GB-London", 170.0, True),
        ("GB-North-Scotland", 15.0, True),
        ("GB-North-Scotland", 18.0, True),
    ]
    other = str(tmp_path / "other.duckdb")
    api.ingest_intensity([f("uk_postcode.json")], db=other)
    assert [(r[0], r[5]) for r in series(other)] == [
        ("GB-North-West-England", 90.0),
        ("GB-North-West-England", 95.0),
    ]
    third = str(tmp_path / "third.duckdb")
    api.ingest_intensity([f("uk_regionid.json")], db=third, zone="LONDON")
    assert [(r[0], r[5]) for r in series(third)] == [("LONDON", 160.0), ("LONDON", 170.0)]


def test_zone_for_a_file_of_several_uk_regions_is_refused(db: str) -> None:
    with pytest.raises(UsageError, match=r"holds 2 regions \(GB-London, GB-North-Scotland\)"):
        api.ingest_intensity([f("uk_regional.json")], db=db, zone="GB-X")
    assert state(db) == []


def test_electricity_maps_without_the_basis_column_is_refused(db: str, tmp_path: Path) -> None:
    text = (FIX / "FR_2024_hourly.csv").read_text("utf-8").replace("(direct)", "(other)")
    path = tmp_path / "FR_hourly.csv"
    path.write_text(text, "utf-8")
    with pytest.raises(InputError, match=r"FR_hourly.csv:1: has no direct carbon intensity column"):
        api.ingest_intensity([str(path)], db=db, basis="direct")


def test_plain_csv_offsets_are_converted_to_utc_and_naive_is_utc(db: str) -> None:
    api.ingest_intensity([f("plain.csv")], db=db)
    hour = timedelta(hours=1)
    # 01:00+01:00 is 00:00 UTC, 03:00+02:00 is 01:00 UTC, 02:00 without offset is UTC
    assert [(r[3], r[4], r[5]) for r in series(db)] == [
        (utc(2024, 3, 31, 0), utc(2024, 3, 31, 0) + hour, 200.0),
        (utc(2024, 3, 31, 1), utc(2024, 3, 31, 1) + hour, 210.0),
        (utc(2024, 3, 31, 2), utc(2024, 3, 31, 2) + hour, 220.5),
    ]


def test_plain_csv_with_end_column_and_zone_option(db: str) -> None:
    api.ingest_intensity([f("plain_end.csv")], db=db, zone="X", kind="marginal")
    assert [(r[0], r[1], r[3], r[4], r[5]) for r in series(db)] == [
        ("X", "marginal", utc(2024, 1, 1, 0), utc(2024, 1, 1, 6), 300.0),
        ("X", "marginal", utc(2024, 1, 1, 6), utc(2024, 1, 1, 12), 280.0),
    ]


# -- rejections: FILE:LINE, database unchanged -------------------------------------------


def bad(tmp_path: Path, text: str, name: str = "bad.csv") -> str:
    path = tmp_path / name
    path.write_text(text)
    return str(path)


H = "timestamp,zone,g_per_kwh\n"
T0, T1 = "2024-01-01T00:00Z", "2024-01-01T01:00Z"
BAD_FILES = [
    (H + f"{T0},FR,5\nyesterday,FR,6\n", r"bad.csv:3: start time 'yesterday' is not a date"),
    (H + f"{T0},FR,five\n", r"bad.csv:2: intensity 'five' is not a number"),
    (H + f"{T0},FR,5\n{T1},FR,-3\n", r"bad.csv:3: intensity -3 is negative"),
    (
        H + f"{T0},FR,5\n{T0},FR,6\n",
        r"bad.csv:3: zone FR at 2024-01-01 00:00:00 UTC: 6 g/kWh here, 5 g/kWh .* at .*bad.csv:2",
    ),
    (
        f"timestamp,end,zone,g_per_kwh\n{T0},2024-01-01T02:00Z,FR,5\n{T1},2024-01-01T03:00Z,FR,6\n",
        r"bad.csv:3: zone FR: the interval from 2024-01-01 01:00:00 UTC starts before the one "
        r"at .*bad.csv:2 ends",
    ),
    (
        H + f"{T0},FR,5\n{T1},FR,6\n2024-01-01T01:30Z,FR,6\n2024-01-01T02:10Z,FR,6\n",
        r"bad.csv:5: zone FR: the record at 2024-01-01 02:10:00 UTC is not a whole number of "
        r"intervals \(30 min",
    ),
    (H, r"bad.csv: holds no intensity records"),
    (
        "when,where,what\n1,2,3\n",
        r"bad.csv:1: the header 'when,where,what' is not one of a known format.*Expected an "
        "Electricity Maps",
    ),
]


@pytest.mark.parametrize(("text", "message"), BAD_FILES)
def test_bad_records_are_refused_with_their_line(
    db: str, tmp_path: Path, text: str, message: str
) -> None:
    api.ingest_intensity([f("FR_2024_hourly.csv")], db=db)
    before = state(db)
    with pytest.raises(InputError, match=message):
        api.ingest_intensity([bad(tmp_path, text)], db=db)
    assert state(db) == before


def test_a_bad_json_record_names_its_index(db: str, tmp_path: Path) -> None:
    doc = json.loads((FIX / "watttime_historical.json").read_text())
    doc["data"][2]["value"] = "n/a"
    path = bad(tmp_path, json.dumps(doc), "wt.json")
    with pytest.raises(InputError, match=r"wt.json:data\[2\]: intensity 'n/a' is not a number"):
        api.ingest_intensity([path], db=db)
    assert state(db) == []


def test_json_of_no_known_shape_says_what_was_expected(db: str, tmp_path: Path) -> None:
    path = bad(tmp_path, '{"rows": []}', "x.json")
    with pytest.raises(InputError, match=r"x.json: is JSON of no known shape.*WattTime"):
        api.ingest_intensity([path], db=db)


def test_overlap_with_another_ingest_names_both_files(db: str, tmp_path: Path) -> None:
    api.ingest_intensity([f("plain.csv")], db=db)
    before = state(db)
    other = bad(
        tmp_path,
        "timestamp,zone,g_per_kwh\n2024-03-31T02:00:00Z,gb,250\n2024-03-31T03:00:00Z,gb,260\n",
    )
    message = (
        r"bad.csv:2: the interval from 2024-03-31 02:00:00 UTC of zone gb .* overlaps one "
        r"ingest 1 stored from .*plain.csv:4.*--replace"
    )
    with pytest.raises(InputError, match=message):
        api.ingest_intensity([other], db=db)
    assert state(db) == before


def test_replace_swaps_the_overlapped_intervals(db: str, tmp_path: Path) -> None:
    api.ingest_intensity([f("plain.csv")], db=db)
    other = bad(
        tmp_path,
        "timestamp,zone,g_per_kwh\n2024-03-31T02:00:00Z,GB,250\n2024-03-31T03:00:00Z,GB,260\n",
    )
    out = api.ingest_intensity([other], db=db, replace=True)
    assert [r[5] for r in series(db)] == [200.0, 210.0, 250.0, 260.0]
    assert out.report.replaced == ((1, 1),)
    assert any("deleted 1 intervals of ingest 1" in n for n in out.notes)
    ledger = {r["ingest_id"]: r for r in api.ingests(db=db).to_pylist()}
    assert ledger[1]["superseded_by"] == 2


def test_different_series_do_not_overlap(db: str) -> None:
    # the same file read for the direct column is another series
    api.ingest_intensity([f("FR_2024_hourly.csv")], db=db)
    api.ingest_intensity([f("FR_2024_hourly.csv")], db=db, basis="direct")
    assert len(series(db)) == 4 + 4


# -- idempotence, ledger, forget ---------------------------------------------------------


def test_the_same_file_again_changes_nothing_and_says_so(db: str) -> None:
    api.ingest_intensity([f("FR_2024_hourly.csv")], db=db)
    before = state(db)
    out = api.ingest_intensity([f("FR_2024_hourly.csv")], db=db)
    assert state(db) == before
    assert out.report.ingest_id is None
    assert "nothing changed" in out.summary_line()
    assert any("same content as" in n and "ingest 1" in n for n in out.notes)


def test_a_read_file_with_a_new_one_stores_the_new_one_only(db: str) -> None:
    api.ingest_intensity([f("FR_2024_hourly.csv")], db=db)
    out = api.ingest_intensity([f("FR_2024_hourly.csv"), f("SE_2021_hourly_earlier.csv")], db=db)
    assert out.report.intervals_added == 2
    ledger = api.ingests(db=db).to_pylist()
    assert [r["files"] for r in ledger] == [
        f("FR_2024_hourly.csv"),
        f("SE_2021_hourly_earlier.csv"),
    ]


def test_the_ledger_row(db: str) -> None:
    api.ingest_intensity([f("uk_regional.json")], db=db, basis="direct")
    (row,) = api.ingests(db=db).to_pylist()
    assert row["source"] == "intensity"
    assert row["rows_read"] == 4
    assert row["jobs_added"] == 4  # intervals stored
    assert row["jobs_updated"] == 0
    assert json.loads(row["key_options"]) == {"basis": "direct", "kind": None, "zone": None}
    assert row["bytes"] == (FIX / "uk_regional.json").stat().st_size


def test_repeated_records_across_files_are_kept_once(db: str, tmp_path: Path) -> None:
    copy = tmp_path / "FR_copy_hourly.csv"
    copy.write_bytes((FIX / "FR_2024_hourly.csv").read_bytes().replace(b"example.org", b"x.org"))
    out = api.ingest_intensity([f("FR_2024_hourly.csv"), str(copy)], db=db)
    assert out.report.rows_read == 8
    assert out.report.intervals_added == 4
    assert out.report.rows_skipped == 4
    # the copy repeats the 2 h gap after 02:00: still one gap
    assert any("FR" in n and "1 gaps, the longest 2 h" in n for n in out.notes)


def test_forget_removes_the_intervals(db: str) -> None:
    api.ingest_intensity([f("FR_2024_hourly.csv")], db=db)
    api.ingest_intensity([f("uk_national.json")], db=db)
    done = api.forget(1, db=db)
    assert done.lines()[0].startswith("forgot ingest 1 (")
    assert "removed 4 intervals of grid intensity" in done.lines()[0]
    assert {r[0] for r in series(db)} == {"GB"}
    assert [r["ingest_id"] for r in api.ingests(db=db).to_pylist()] == [2]
    # read again after forget: stored anew
    out = api.ingest_intensity([f("FR_2024_hourly.csv")], db=db)
    assert out.report.intervals_added == 4


def test_forget_of_a_replacing_ingest_says_what_is_not_restored(db: str, tmp_path: Path) -> None:
    api.ingest_intensity([f("plain.csv")], db=db)
    other = bad(
        tmp_path, "timestamp,end,zone,g_per_kwh\n2024-03-31T02:00Z,2024-03-31T03:00Z,GB,250\n"
    )
    api.ingest_intensity([other], db=db, replace=True)
    lines = api.forget(2, db=db).lines()
    assert "the intervals of ingest 1" in lines[1] and "not restored" in lines[1]
    assert [r[5] for r in series(db)] == [200.0, 210.0]
