"""Grid intensity series put into a test database: the one way tests store a series.

A series is written as a plain CSV, ``timestamp,zone,g_per_kwh`` (UTC, each row the start of
an interval), and loaded into the table ``intensity_series`` of the real database (the store
opens it, so its migrations run).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from auditor.store import Store

HEADER = "timestamp,zone,g_per_kwh"


def write_series(path: Path, rows: Sequence[tuple[str, str, float]]) -> Path:
    """Write ``rows`` (timestamp in UTC, zone, g CO2e per kWh) as a plain series CSV."""
    path.write_text("\n".join([HEADER, *(f"{t},{z},{g!r}" for t, z, g in rows)]) + "\n")
    return path


def load_series(
    db: str,
    path: Path,
    *,
    kind: str = "average",
    basis: str = "lifecycle",
    interval_s: int = 3600,
) -> None:
    """Store the series CSV ``path`` in ``db``: each row an interval of ``interval_s``
    seconds from its timestamp (end_ts), of ``kind`` and ``basis``, from ingest 0."""
    with Store(db) as store:
        store.con.execute(
            "INSERT INTO intensity_series "
            "SELECT zone, $kind, $basis, timestamp, timestamp + to_seconds($interval_s), "
            "g_per_kwh, NULL, 0, $file, row_number() OVER () + 1 "
            "FROM read_csv($file, header = true, columns = {'timestamp': 'TIMESTAMPTZ', "
            "'zone': 'VARCHAR', 'g_per_kwh': 'DOUBLE'})",
            {"kind": kind, "basis": basis, "interval_s": interval_s, "file": str(path)},
        )
