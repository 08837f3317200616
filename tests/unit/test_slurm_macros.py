"""The SQL macros that read sacct's value formats, value by value."""

from __future__ import annotations

from datetime import UTC, datetime

import duckdb
import pytest

from auditor import sql

KIB = 1024


@pytest.fixture(scope="module")
def con() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    sql.define_macros(con)
    con.execute(sql.query("slurm/macros"))
    return con


def value(con: duckdb.DuckDBPyConnection, expr: str, s: str | None) -> object:
    return con.execute(f"SELECT {expr} FROM (SELECT CAST(? AS VARCHAR) AS s)", [s]).fetchall()[0][0]


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("01:00:00", 3600),
        ("12:34:56", 12 * 3600 + 34 * 60 + 56),
        ("00:00:00.5", 0.5),
        ("99:59:59", 99 * 3600 + 59 * 60 + 59),
        ("123:00:00", 123 * 3600),
        ("1-02:03:04", 86400 + 2 * 3600 + 3 * 60 + 4),
        ("02:03.456", 2 * 60 + 3.456),  # two fields are MM:SS, not HH:MM
        ("05:30", 5 * 60 + 30),
        ("42", 42),
        ("", None),
        (None, None),
        ("soon", None),
    ],
)
def test_sacct_dur(con: duckdb.DuckDBPyConnection, text: str | None, seconds: float | None) -> None:
    got = value(con, "sacct_dur(s)", text)
    assert got == (pytest.approx(seconds) if seconds is not None else None)


@pytest.mark.parametrize(
    ("text", "unit", "size"),
    [
        ("2252800K", "K", 2252800 * KIB),
        ("1.5G", "K", 1.5 * KIB**3),
        ("10m", "K", 10 * KIB**2),
        ("3T", "M", 3 * KIB**4),
        ("1P", "K", KIB**5),
        ("100", "K", 100 * KIB),  # no suffix: the unit given
        ("100", "M", 100 * KIB**2),
        ("0", "K", 0),
        ("", "K", None),
        ("K", "K", None),
        (None, "K", None),
        ("lots", "K", None),
    ],
)
def test_sacct_size(
    con: duckdb.DuckDBPyConnection, text: str | None, unit: str, size: float | None
) -> None:
    assert value(con, f"sacct_size(s, '{unit}')", text) == size


@pytest.mark.parametrize(
    ("text", "bytes_"),
    [("64G", 64 * KIB**3), ("4000Mc", 4000 * KIB**2), ("2Gn", 2 * KIB**3), ("512", 512 * KIB**2)],
)
def test_sacct_bytes(con: duckdb.DuckDBPyConnection, text: str, bytes_: float) -> None:
    assert value(con, "sacct_bytes(s, 'M')", text) == bytes_


@pytest.mark.parametrize(
    ("text", "when"),
    [
        ("2024-03-01T10:00:00", datetime(2024, 3, 1, 10, tzinfo=UTC)),
        ("2024-03-01 10:00:00", datetime(2024, 3, 1, 10, tzinfo=UTC)),
        ("2024-03-01T10:00:00.250", datetime(2024, 3, 1, 10, 0, 0, 250000, tzinfo=UTC)),
        ("1709287200", datetime(2024, 3, 1, 10, tzinfo=UTC)),
        ("2024-03-01T12:00:00+02:00", datetime(2024, 3, 1, 10, tzinfo=UTC)),
        ("2024-03-01T10:00:00Z", datetime(2024, 3, 1, 10, tzinfo=UTC)),
        ("Unknown", None),
        ("None", None),
        ("0", None),
        ("", None),
        (None, None),
        ("yesterday", None),
    ],
)
def test_sacct_ts(con: duckdb.DuckDBPyConnection, text: str | None, when: datetime | None) -> None:
    assert value(con, "sacct_ts(s, 'UTC')", text) == when


def test_sacct_ts_reads_local_times_in_the_zone(con: duckdb.DuckDBPyConnection) -> None:
    # Berlin is UTC+1 in winter and UTC+2 in summer
    winter = value(con, "sacct_ts(s, 'Europe/Berlin')", "2024-01-15T12:00:00")
    summer = value(con, "sacct_ts(s, 'Europe/Berlin')", "2024-07-15T12:00:00")
    assert winter == datetime(2024, 1, 15, 11, tzinfo=UTC)
    assert summer == datetime(2024, 7, 15, 10, tzinfo=UTC)


@pytest.mark.parametrize(
    ("tres", "gpus"),
    [
        ("cpu=8,gres/gpu=2,mem=64G", 2),
        ("gres/gpu:a100=2,gres/gpu:v100=1", 2 + 1),  # typed only: their sum
        ("gres/gpu:a100=2,gres/gpu=2", 2),  # the untyped total wins
        ("cpu=8,mem=64G", None),
        ("gres/gpu=", None),
        (None, None),
    ],
)
def test_tres_gpus(con: duckdb.DuckDBPyConnection, tres: str | None, gpus: float | None) -> None:
    assert value(con, "tres_gpus(s)", tres) == gpus


@pytest.mark.parametrize("tres", ["gres/gpu=two", "gres/gpu:a100=x"])
def test_tres_gpus_not_a_number_is_nan(con: duckdb.DuckDBPyConnection, tres: str) -> None:
    got = value(con, "tres_gpus(s)", tres)
    assert isinstance(got, float) and got != got


def test_temp_macros_are_defined_on_each_connection_once() -> None:
    # one connection's definitions do not stand for another's, and a second call is a no-op
    first, second = duckdb.connect(), duckdb.connect()
    sql.define_temp_macros(first)
    sql.define_temp_macros(first)
    sql.define_temp_macros(second)
    for con in (first, second):
        assert con.execute("SELECT group_store('slurm', 'x.txt', 'gpu1')").fetchall() == [("gpu1",)]
