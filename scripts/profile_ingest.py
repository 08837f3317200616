"""Where an ingest's time goes: every DuckDB statement of one ingest, timed by its step.

    python scripts/profile_ingest.py slurm DUMP DB [--tz UTC]
    python scripts/profile_ingest.py csv LOG DB [--tz UTC]

Runs `api.ingest_slurm` or `api.ingest_csv` into a fresh database ``DB`` with the importer's
connection wrapped, so that each statement it runs (the importer's steps and the store's)
is timed: wall seconds and CPU seconds of the whole process (every DuckDB thread), summed
by the query's header line, largest first. A view costs nothing where it is made: its work
is counted in the step that reads it (the first pass reads the split lines and
`slurm_checked`; the store's insert reads the canonical rows).
"""

from __future__ import annotations

import argparse
import collections
import time
from pathlib import Path
from typing import Any

from auditor import api
from auditor.ingest import csv_log, slurm

_TIMED = ("execute", "sql")


class Timed:
    """A DuckDB connection whose statements are timed into ``spent``."""

    def __init__(self, con: Any, spent: dict[str, list[float]]) -> None:
        object.__setattr__(self, "_con", con)
        object.__setattr__(self, "_spent", spent)

    def __getattr__(self, name: str) -> Any:
        found = getattr(self._con, name)
        if name not in _TIMED:
            return found

        def timed(*args: Any, **kwargs: Any) -> Any:
            text = str(args[0]) if args else name
            # the query's header line names it; a bare statement is its own first line
            key = text.strip().splitlines()[0].removeprefix("-- ")[:90] if text.strip() else name
            wall, cpu = time.perf_counter(), time.process_time()
            result = found(*args, **kwargs)
            spent = self._spent[key]
            spent[0] += time.perf_counter() - wall
            spent[1] += time.process_time() - cpu
            return result

        return timed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("kind", choices=("slurm", "csv"))
    parser.add_argument("path")
    parser.add_argument("db")
    parser.add_argument("--tz", default="UTC")
    args = parser.parse_args()
    for suffix in ("", ".wal"):
        Path(args.db + suffix).unlink(missing_ok=True)
    spent: dict[str, list[float]] = collections.defaultdict(lambda: [0.0, 0.0])
    module = slurm if args.kind == "slurm" else csv_log
    connect = module.parse_connection
    module.parse_connection = lambda: Timed(connect(), spent)  # type: ignore[assignment]
    wall, cpu = time.perf_counter(), time.process_time()
    if args.kind == "slurm":
        api.ingest_slurm([args.path], db=args.db, tz=args.tz)
    else:
        api.ingest_csv([args.path], db=args.db, tz=args.tz)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    print_steps(spent, "the whole ingest (api call)", wall, cpu)


def print_steps(spent: dict[str, list[float]], whole: str, wall: float, cpu: float) -> None:
    """The steps of ``spent`` as a Markdown table, most CPU first (those of 0.01 s or more),
    and the ``whole`` run's ``wall`` and ``cpu`` seconds last."""
    print("| step | wall s | CPU s |\n|---|---:|---:|")
    for key, (w, c) in sorted(spent.items(), key=lambda kv: -kv[1][1]):
        if c >= 0.01:
            print(f"| {key} | {w:.2f} | {c:.2f} |")
    print(f"| {whole} | {wall:.2f} | {cpu:.2f} |")


if __name__ == "__main__":
    main()
