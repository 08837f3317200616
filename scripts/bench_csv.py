"""Benchmark: a synthetic CSV job log, ingested by auditor and read by DuckDB alone.

    python scripts/bench_csv.py [ROWS ...]          # default: 1000000

For each size it writes (deterministically) a job log with quoted fields, then measures on the
same file: (a) the DuckDB baseline, read_csv of every column with its real type (text, times
with their offset, GPU count) into a table in a database file, (a4) the ingest's own parse
alone: the importer reads the log, checks every record and computes every canonical column,
into a table in memory, nothing written, and (b) `auditor.api.ingest_csv` into a fresh
database. Wall and CPU seconds (every thread) of each, the fastest of three runs taken in
turn, as a table.
"""

from __future__ import annotations

import resource
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import duckdb

GENERATE = """
COPY (
    SELECT
        'job-' || i AS job_id,
        'proj-' || (i % 37) AS project,
        'sweep-' || (i // 40) AS sweep,
        'user' || (i % 101) AS "user",
        strftime(TIMESTAMP '2025-01-01' + to_seconds(i * 30), '%Y-%m-%dT%H:%M:%SZ') AS start_time,
        strftime(TIMESTAMP '2025-01-01' + to_seconds(i * 30 + 60 + (i * 7919) % 200000),
                 '%Y-%m-%dT%H:%M:%SZ') AS end_time,
        [0, 1, 1, 2, 4, 8][1 + i % 6] AS n_gpus,
        ['A100', 'V100', 'RTX A6000'][1 + i % 3] AS gpu_model,
        'lr=' || (i % 5) || ', bs=' || (i % 7) AS note
    FROM range($n) t(i)
) TO '__PATH__' (HEADER, DELIMITER ',')
"""

# The columns with the types the log's values have: what a typed read must parse.
TYPES = {
    "job_id": "VARCHAR",
    "project": "VARCHAR",
    "sweep": "VARCHAR",
    "user": "VARCHAR",
    "start_time": "TIMESTAMPTZ",
    "end_time": "TIMESTAMPTZ",
    "n_gpus": "INTEGER",
    "gpu_model": "VARCHAR",
    "note": "VARCHAR",
}


def typed_read(path: str, db: str) -> None:
    """(a): DuckDB reads the log, each column as its type, into a table in the file ``db``."""
    con = duckdb.connect(db)
    con.execute("SET preserve_insertion_order = false")
    con.execute(
        "CREATE TABLE jobs AS SELECT * FROM read_csv($p, columns = $types, header = true, "
        "delim = ',', quote = '\"', escape = '\"')",
        {"p": path, "types": TYPES},
    )
    con.close()


def parse_only(path: str) -> None:
    """(a4): the importer's parse of the log, its canonical rows into a table in memory."""
    from auditor import sql
    from auditor.ingest.base import Relation
    from auditor.ingest.csv_log import CsvOptions, read_csv_logs

    rows = read_csv_logs([path], CsvOptions(tz="UTC")).table
    if not isinstance(rows, Relation):
        raise SystemExit("the CSV importer no longer hands over a view: (a4) measures nothing")
    try:
        rows.con.execute("SET preserve_insertion_order = false")
        rows.con.execute("CREATE TEMP TABLE parsed AS FROM " + sql.quote_ident(rows.view))
    finally:
        rows.con.close()


def timed(run: Callable[..., object], *args: object, **kwargs: object) -> tuple[float, float]:
    """Wall and CPU seconds (user and system, every thread of this process) of ``run(...)``."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    cpu = usage.ru_utime + usage.ru_stime
    start = time.perf_counter()
    run(*args, **kwargs)
    wall = time.perf_counter() - start
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return wall, usage.ru_utime + usage.ru_stime - cpu


def main(sizes: list[int]) -> None:
    from auditor import api

    print("| rows | (a) DuckDB typed read into a file: wall s, CPU s | (a4) the ingest's parse, "
          "in memory: wall s, CPU s | (b) auditor ingest csv: wall s, CPU s | (a4) / (a): wall, "
          "CPU | (b) / (a): wall, CPU |\n|---:|---:|---:|---:|---:|---:|")  # fmt: skip
    for n in sizes:
        with tempfile.TemporaryDirectory() as tmp:
            path = str(Path(tmp) / "jobs.csv")
            duckdb.execute(GENERATE.replace("__PATH__", path), {"n": n})
            bases, parses, ours = [], [], []
            for k in range(3):  # in turn: the machine's speed drifts
                base_db, our_db = Path(tmp) / f"base-{k}.duckdb", Path(tmp) / f"ours-{k}.duckdb"
                bases.append(timed(typed_read, path, str(base_db)))
                parses.append(timed(parse_only, path))
                ours.append(timed(api.ingest_csv, [path], db=str(our_db), tz="UTC"))
            base, parse, our = min(bases), min(parses), min(ours)
            print(
                f"| {n:,} | {base[0]:.2f}, {base[1]:.2f} | {parse[0]:.2f}, {parse[1]:.2f} | "
                f"{our[0]:.2f}, {our[1]:.2f} | {parse[0] / base[0]:.2f}, {parse[1] / base[1]:.2f} "
                f"| {our[0] / base[0]:.2f}, {our[1] / base[1]:.2f} |",
                flush=True,
            )


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [1_000_000])
