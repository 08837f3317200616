"""Where a report's time goes: every DuckDB statement of one `auditor report`, timed.

    python scripts/profile_report.py DB [--config FILE]

Builds the report of ``DB`` (every project, the footprint model on with FILE, default
examples/auditor.toml) with the store's connection wrapped, so that each statement it runs
is timed: wall seconds and CPU seconds of the whole process (every DuckDB thread), summed
by the query's header line, largest first; a query read through ``Store.query`` (a result
as Arrow) by its name. A view costs nothing where it is made: its work is counted in the
step that reads it. Rendering the HTML is not timed (a few hundredths of a second).
"""

from __future__ import annotations

import argparse
import collections
import time
from pathlib import Path
from typing import Any

from profile_ingest import Timed, print_steps  # scripts/, on the path when run as a script

from auditor import api, store
from auditor.report import data

CONFIG = str(Path(__file__).resolve().parents[1] / "examples" / "auditor.toml")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("db")
    parser.add_argument("--config", default=CONFIG)
    args = parser.parse_args()
    spent: dict[str, list[float]] = collections.defaultdict(lambda: [0.0, 0.0])
    connect = store._connect
    store._connect = lambda *a, **k: Timed(connect(*a, **k), spent)  # type: ignore[assignment]
    query = store.Store.query

    def timed_query(self: store.Store, name: str, params: Any = None) -> Any:
        wall, cpu = time.perf_counter(), time.process_time()
        result = query(self, name, params)
        took = spent[name]
        took[0] += time.perf_counter() - wall
        took[1] += time.process_time() - cpu
        return result

    store.Store.query = timed_query  # type: ignore[method-assign]
    settings = api.FootprintOptions(config=args.config).settings()
    wall, cpu = time.perf_counter(), time.process_time()
    with store.Store(args.db, read_only=True) as opened:
        data.build(opened, settings)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    print_steps(spent, "the whole report, opening the store to closing it", wall, cpu)


if __name__ == "__main__":
    main()
