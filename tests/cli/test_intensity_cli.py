"""auditor ingest intensity on the command line: exit codes, the one error line on stderr,
stdout left clean, the summary and gap lines, forget."""

from __future__ import annotations

from pathlib import Path

from tests.helpers.cli import run
from tests.helpers.paths import ROOT

FIX = ROOT / "fixtures" / "intensity"


def test_ingest_prints_its_series_and_counts_on_stderr(db: str) -> None:
    code, out, err = run("ingest", "intensity", str(FIX / "FR_2024_hourly.csv"), "--db", db)
    assert code == 0
    assert out == ""
    assert "zone FR (average, lifecycle): 4 intervals" in err
    assert "1 gaps, the longest 2 h from 2024-01-01 03:00 UTC" in err
    assert err.strip().endswith(
        "4 rows read, 4 intervals added (ingest 1), 0 repeated rows skipped"
    )


def test_again_says_nothing_changed(db: str) -> None:
    path = str(FIX / "uk_national.json")
    assert run("ingest", "intensity", path, "--db", db)[0] == 0
    code, _out, err = run("ingest", "intensity", path, "--db", db)
    assert code == 0
    assert "read with the same options: nothing changed" in err
    assert "nothing changed (read before)" in err


def test_a_bad_record_is_one_error_line_exit_1(db: str, tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("timestamp,zone,g_per_kwh\n2024-01-01T00:00Z,FR,5\n2024-01-01T01:00Z,FR,-1\n")
    code, out, err = run("ingest", "intensity", str(bad), "--db", db)
    assert code == 1
    assert out == ""
    assert err == (
        f"auditor: error: {bad}:3: intensity -1 is negative. An intensity is 0 or more: "
        "fix the value.\n"
    )
    assert not Path(db).exists()  # refused before the database was opened


def test_kind_against_the_signal_is_a_usage_error(db: str) -> None:
    path = str(FIX / "watttime_historical.json")
    code, _out, err = run("ingest", "intensity", path, "--db", db, "--kind", "average")
    assert code == 2
    assert err.startswith("auditor: error: ") and "--kind average was given" in err


def test_unknown_kind_is_a_usage_error(db: str) -> None:
    path = str(FIX / "plain.csv")
    code, _out, err = run("ingest", "intensity", path, "--db", db, "--kind", "mean")
    assert code == 2
    assert "Try one of: average, marginal" in err


def test_overlap_exit_1_then_replace(db: str, tmp_path: Path) -> None:
    assert run("ingest", "intensity", str(FIX / "plain.csv"), "--db", db)[0] == 0
    other = tmp_path / "other.csv"
    other.write_text("timestamp,zone,g_per_kwh\n2024-03-31T02:00Z,GB,1\n2024-03-31T03:00Z,GB,2\n")
    code, _out, err = run("ingest", "intensity", str(other), "--db", db)
    assert code == 1
    assert f"{other}:2: the interval from 2024-03-31 02:00:00 UTC of zone GB" in err
    code, _out, err = run("ingest", "intensity", str(other), "--db", db, "--replace")
    assert code == 0
    assert "deleted 1 intervals of ingest 1" in err


def test_forget_an_intensity_ingest(db: str) -> None:
    assert run("ingest", "intensity", str(FIX / "PL_2023_monthly.csv"), "--db", db)[0] == 0
    code, _out, err = run("forget", "1", "--db", db)
    assert code == 0
    assert "removed 3 intervals of grid intensity" in err
