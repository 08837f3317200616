"""Benchmark: a synthetic CSV job log, ingested by auditor and read by DuckDB alone.

    python scripts/bench_csv.py [ROWS ...]          # default: 1000000

For each size it writes (deterministically) a job log with quoted fields, then measures on the
same file: (a) the DuckDB baseline, read_csv of every column as text into a table, and
(b) `auditor.api.ingest_csv` into a fresh database. Wall time of each, as a table.
"""

from __future__ import annotations

import sys
import tempfile
import time
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


def main(sizes: list[int]) -> None:
    from auditor import api

    print(f"{'rows':>10}  {'duckdb read_csv s':>18}  {'auditor ingest s':>17}  ratio")
    for n in sizes:
        with tempfile.TemporaryDirectory() as tmp:
            path = str(Path(tmp) / "jobs.csv")
            duckdb.execute(GENERATE.replace("__PATH__", path), {"n": n})
            con = duckdb.connect()
            t0 = time.perf_counter()
            con.execute(
                "CREATE TABLE t AS SELECT * FROM read_csv($p, all_varchar = true, header = true, "
                "delim = ',', quote = '\"', escape = '\"')",
                {"p": path},
            )
            base = time.perf_counter() - t0
            con.close()
            t0 = time.perf_counter()
            api.ingest_csv([path], db=str(Path(tmp) / "a.duckdb"), tz="UTC")
            ours = time.perf_counter() - t0
            print(f"{n:>10}  {base:>18.2f}  {ours:>17.2f}  {ours / base:.1f}")


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [1_000_000])
