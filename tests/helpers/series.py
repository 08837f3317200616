"""Grid intensity series put into a test database: the one way tests store a series.

A series is written as a plain CSV, ``timestamp,zone,g_per_kwh`` (UTC, each row the start of
an interval), and stored with ``auditor ingest intensity`` (auditor.api.ingest_intensity), as
a user would, into the table ``intensity_series``.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from datetime import datetime, timedelta
from pathlib import Path

from auditor import api

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
    """Ingest the series CSV ``path`` into ``db`` as ``kind`` and ``basis``, each row an
    interval of ``interval_s`` seconds from its timestamp (written as the file's ``end``
    column, so that no interval is inferred from the spacing)."""
    with path.open(newline="") as fh:
        rows = list(csv.DictReader(fh))
    ended = path.with_name(f"{path.stem}-{kind}-{basis}-{interval_s}s.csv")
    with ended.open("w", newline="") as fh:
        out = csv.writer(fh)
        out.writerow([*HEADER.split(","), "end"])
        for r in rows:
            start = datetime.fromisoformat(r["timestamp"])
            end = start + timedelta(seconds=interval_s)
            out.writerow([r["timestamp"], r["zone"], r["g_per_kwh"], end.isoformat()])
    api.ingest_intensity([str(ended)], db=db, kind=kind, basis=basis)
