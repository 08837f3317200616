"""Benchmark: a synthetic GPU-cluster sacct dump, ingested and summarised.

    python scripts/bench.py [--gpu-use] [JOBS ...]    # default: 100000 1000000
    python scripts/bench.py --only g [JOBS ...]       # (g) alone, on a database built before
    python scripts/bench.py --only h [JOBS ...]       # (h) alone, likewise
    python scripts/bench.py --only j [JOBS ...]       # (j) and (i) alone, ingesting if needed
    python scripts/bench.py --scale [JOBS]            # (s): the ingest at JOBS/10 and JOBS

For each size it writes (deterministically) a `sacct -P` dump shaped like a real GPU
cluster, then measures in one run, on the same file: (a) the baseline, DuckDB reading the
allocation rows into a table file with their GPU count, elapsed and start (the fastest of
three runs; every ratio is against it), (a0) the same read in memory with a group-by, (a2)
DuckDB copying the allocation rows, unparsed, into a database file, (a3) DuckDB writing the
ingest's own canonical rows into a file, (a4) the ingest's parse alone (every row checked,
every canonical column, in memory, nothing written), (b) `auditor ingest slurm` into a fresh database,
(c) `auditor summary --by project` and `--by sweep` (library call, repeated and first in a
process, and whole command), (d) a second ingest of an overlapping export a tenth of the
size; (g) `summary --by project` over a copy of (d)'s database that also holds five years of
hourly grid intensity for the jobs' zone, against the same summary with annual factors;
(h) `auditor report` over (d)'s database against `summary --by project`, whole commands in
turn, with their ratio, and (h0) the report's floor: its jobs priced, checked and kept
alone; (j) `auditor export lake` of that database, again with nothing changed, and `summary
--by project --lake` against (c); with AUDITOR_BENCH_SPARK=1, (i) the same summary summed
by Spark in local mode; with --gpu-use, (e) (b) on the same dump with GPU use on its steps
and jobstats summaries, and (f) the whole commands of (c) over that database, with their
ratio to (c). Wall time and peak RSS of each, as a table.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

HEADER = (
    "Cluster|JobID|JobIDRaw|User|Account|Partition|State|Submit|Start|End|ElapsedRaw|NCPUS|"
    "NNodes|ReqMem|AllocTRES|TotalCPU|MaxRSS|ConsumedEnergyRaw|NodeList|JobName"
)

# One allocation row and its .batch and .extern steps per job; every 10th job is a task of a
# 10-task array, every 50th a pending array range, a third have typed GPU TRES, a quarter have
# measured energy. All values come from the job number, so the same n gives the same file.
GENERATE = """
COPY (
    WITH j AS (
        SELECT
            i,
            1000000 + i AS raw,
            CASE WHEN i % 50 = 49 THEN 'PENDING'
                 ELSE ['COMPLETED', 'COMPLETED', 'COMPLETED', 'FAILED', 'CANCELLED by 1001',
                       'TIMEOUT', 'COMPLETED', 'OUT_OF_MEMORY'][1 + (hash(i) % 1000000007)::BIGINT % 8] END AS state,
            60 + (hash(i * 7) % 1000000007)::BIGINT % 200000 AS elapsed,
            [0, 1, 1, 2, 4, 8][1 + (hash(i * 3) % 1000000007)::BIGINT % 6] AS gpus,
            ['a100', 'v100', 'h100'][1 + (hash(i * 5) % 1000000007)::BIGINT % 3] AS gtype,
            TIMESTAMP '2024-01-01' + to_seconds((i * 31) % 31000000) AS submit
        -- job i is the same job in every export that holds it: an overlap updates, never adds
        FROM (SELECT $first - 1000000 + r AS i FROM range($n) t(r))
    ),
    rows AS (
        SELECT
            i, 0 AS k,
            'gpu1' AS "Cluster",
            CASE WHEN i % 50 = 49 THEN (raw - raw % 10) || '_[' || (raw % 10) || '-9]'
                 WHEN i % 10 = 0 THEN (raw - raw % 10) || '_' || (raw % 10)
                 ELSE CAST(raw AS VARCHAR) END AS "JobID",
            CAST(raw AS VARCHAR) AS "JobIDRaw",
            'user' || ((hash(i) % 1000000007)::BIGINT % 400) AS "User",
            'project' || ((hash(i * 11) % 1000000007)::BIGINT % 60) AS "Account",
            'gpu' AS "Partition",
            state AS "State",
            strftime(submit, '%Y-%m-%dT%H:%M:%S') AS "Submit",
            CASE WHEN state = 'PENDING' THEN 'Unknown'
                 ELSE strftime(submit + INTERVAL 30 SECOND, '%Y-%m-%dT%H:%M:%S') END AS "Start",
            CASE WHEN state = 'PENDING' THEN 'Unknown'
                 ELSE strftime(submit + INTERVAL 30 SECOND + to_seconds(elapsed), '%Y-%m-%dT%H:%M:%S')
            END AS "End",
            CAST(CASE WHEN state = 'PENDING' THEN 0 ELSE elapsed END AS VARCHAR) AS "ElapsedRaw",
            '8' AS "NCPUS", '1' AS "NNodes", '64G' AS "ReqMem",
            CASE WHEN state = 'PENDING' THEN ''
                 WHEN gpus = 0 THEN 'billing=8,cpu=8,mem=64G,node=1'
                 WHEN i % 3 = 0 THEN 'billing=8,cpu=8,gres/gpu:' || gtype || '=' || gpus
                     || ',gres/gpu=' || gpus || ',mem=64G,node=1'
                 ELSE 'billing=8,cpu=8,gres/gpu=' || gpus || ',mem=64G,node=1' END AS "AllocTRES",
            '01:00:00' AS "TotalCPU", '' AS "MaxRSS",
            CASE WHEN i % 4 = 0 THEN CAST(elapsed * 300 AS VARCHAR) ELSE '' END AS "ConsumedEnergyRaw",
            CASE WHEN state = 'PENDING' THEN 'None assigned' ELSE 'n' || ((hash(i) % 1000000007)::BIGINT % 500) END AS "NodeList",
            'train-' || (i % 1000) AS "JobName"
        FROM j
    ),
    steps AS (
        SELECT i, s.k, "Cluster", "JobID" || s.suffix AS "JobID", "JobIDRaw" || s.suffix AS "JobIDRaw",
            '' AS "User", "Account", '' AS "Partition", 'COMPLETED' AS "State", "Start" AS "Submit",
            "Start", "End", "ElapsedRaw", "NCPUS", "NNodes", '' AS "ReqMem", "AllocTRES",
            s.cpu AS "TotalCPU", s.rss AS "MaxRSS", '0' AS "ConsumedEnergyRaw", "NodeList",
            s.name AS "JobName"
        FROM rows, (VALUES (1, '.batch', '01:00:00', '2252800K', 'batch'),
                           (2, '.extern', '00:00:00', '1024K', 'extern')) s(k, suffix, cpu, rss, name)
        WHERE "State" <> 'PENDING'
    )
    SELECT * EXCLUDE (i, k) FROM (SELECT * FROM rows UNION ALL SELECT * FROM steps) ORDER BY i, k
) TO '__PATH__' (FORMAT csv, DELIMITER '|', HEADER true, QUOTE '')
"""

# (a) the persisted baseline: what a minimal auditor must store. DuckDB reads the dump
# and writes its allocation rows into a table in a database file, with the GPU count, the
# elapsed seconds and the start time derived for each.
BASELINE = r"""
import duckdb, os, sys
for suffix in ("", ".wal"):
    if os.path.exists(sys.argv[2] + suffix):
        os.unlink(sys.argv[2] + suffix)
con = duckdb.connect(sys.argv[2])
con.execute("SET enable_progress_bar = false")
con.execute("SET preserve_insertion_order = false")
con.execute(
    "CREATE TABLE jobs AS SELECT *, "
    "coalesce(try_cast(regexp_extract(\"AllocTRES\", 'gres/gpu=(\\d+)', 1) AS INTEGER), 0) AS gpus, "
    "try_cast(\"ElapsedRaw\" AS BIGINT) AS elapsed_s, "
    "try_strptime(\"Start\", '%Y-%m-%dT%H:%M:%S') AS start_time "
    "FROM read_csv(?, delim='|', header=true, quote='', escape='', all_varchar=true) "
    "WHERE \"JobID\" NOT LIKE '%.%'",
    [sys.argv[1]],
)
con.close()
"""

# (a0) the baseline of #7: the same read and GPU count and elapsed seconds, a group-by, all
# in memory, nothing written.
IN_MEMORY = """
import duckdb, sys
con = duckdb.connect()
con.execute("SET enable_progress_bar = false")
con.execute("SET preserve_insertion_order = false")
con.execute(f"CREATE TABLE d AS SELECT * FROM read_csv('{sys.argv[1]}', delim='|', header=true, quote='', escape='', all_varchar=true)")
con.execute(r'''CREATE TABLE x AS SELECT "Account" AS account,
    coalesce(try_cast(regexp_extract("AllocTRES", 'gres/gpu=(\\d+)', 1) AS INTEGER), 0) AS gpus,
    try_cast("ElapsedRaw" AS BIGINT) AS elapsed FROM d WHERE "JobID" NOT LIKE '%.%' ''')
con.execute("SELECT account, sum(gpus * elapsed) / 3600 FROM x GROUP BY account").fetchall()
"""

# What no ingest can beat: DuckDB reads the dump and writes its allocation rows, their fields
# as they are (20 unparsed strings), into a database file, as the ingest writes its jobs.
FLOOR = r"""
import duckdb, os, sys
for suffix in ("", ".wal"):
    if os.path.exists(sys.argv[2] + suffix):
        os.unlink(sys.argv[2] + suffix)
con = duckdb.connect(sys.argv[2])
con.execute("SET enable_progress_bar = false")
con.execute("SET preserve_insertion_order = false")
con.execute(
    "CREATE TABLE jobs AS SELECT * FROM read_csv(?, delim='|', header=true, quote='', escape='', "
    "all_varchar=true) WHERE \"JobID\" NOT LIKE '%.%'",
    [sys.argv[1]],
)
con.close()
"""


# (a3) the other floor: DuckDB writing the ingest's own rows (the 1M canonical jobs, 38
# columns with the tags map, read into memory first) into a new database file, timed alone.
WRITE_FLOOR = r"""
import duckdb, os, sys, time
for suffix in ("", ".wal"):
    if os.path.exists(sys.argv[2] + suffix):
        os.unlink(sys.argv[2] + suffix)
con = duckdb.connect()
con.execute("SET enable_progress_bar = false")
con.execute("SET preserve_insertion_order = false")
con.execute("ATTACH ? AS src (READ_ONLY)", [sys.argv[1]])
con.execute("CREATE TABLE mem AS SELECT * FROM src.jobs")
con.execute("DETACH src")
con.execute("ATTACH ? AS dst", [sys.argv[2]])
t, cpu = time.perf_counter(), time.process_time()
con.execute("CREATE TABLE dst.jobs AS SELECT * FROM mem")
con.execute("DETACH dst")
print(time.perf_counter() - t, time.process_time() - cpu)
"""

# (a4) the ingest's own parse, what it cannot leave out: the importer reads the dump, checks
# every row and step with its line, gives the steps to their allocations and computes every
# canonical column, as `auditor ingest slurm` does; the rows go into a table in memory,
# nothing is written to a file and nothing is stored (no ledger, no dedupe).
PARSE_FLOOR = r"""
import sys
from auditor import sql
from auditor.ingest.slurm import SlurmOptions, read_slurm
rows = read_slurm([sys.argv[1]], SlurmOptions(tz="UTC")).table
for name, value in rows.settings.items():
    rows.con.execute(f"SET {sql.quote_ident(name)} = ?", [value])
rows.con.execute("SET preserve_insertion_order = false")
rows.con.execute("CREATE TEMP TABLE parsed AS FROM " + sql.quote_ident(rows.view))
print(rows.con.execute("SELECT count(*) FROM parsed").fetchone()[0])
"""

# The same dump with GPU use: steps with gres/gpuutil and gres/gpumem in TRESUsageInTot and
# TRESUsageInMax, GPU jobs with a jobstats summary in AdminComment (one of $summaries, by job
# number; every 7th 'JS1:Short').
GPU_USE = """
COPY (
    WITH d AS (
        SELECT *, row_number() OVER () AS k
        FROM read_csv($src, delim = '|', header = true, quote = '', escape = '', all_varchar = true)
    )
    SELECT * EXCLUDE (k, i, gpus),
        CASE WHEN NOT contains("JobID", '.batch') OR gpus = 0 THEN ''
             ELSE 'cpu=01:00:00,gres/gpumem=' || (i % 80 + 1) || 'G,gres/gpuutil=' || (i % 101) * gpus
                  || ',mem=2252800K' END AS "TRESUsageInTot",
        CASE WHEN NOT contains("JobID", '.batch') OR gpus = 0 THEN ''
             ELSE 'cpu=01:00:00,gres/gpumem=' || (i % 80 + 1) || 'G,gres/gpuutil=' || (i % 101)
                  || ',mem=2252800K' END AS "TRESUsageInMax",
        CASE WHEN contains("JobID", '.') OR gpus = 0 THEN ''
             WHEN i % 7 = 0 THEN 'JS1:Short'
             ELSE $summaries[1 + i % len($summaries)] END AS "AdminComment"
    FROM (
        SELECT *, CAST("JobIDRaw".split('.')[1] AS BIGINT) AS i,
            coalesce(try_cast(regexp_extract("AllocTRES", 'gres/gpu=(\\d+)', 1) AS INTEGER), 0) AS gpus
        FROM d
    )
    ORDER BY k
) TO '__PATH__' (FORMAT csv, DELIMITER '|', HEADER true, QUOTE '')
"""


def jobstats_comments(count: int = 16) -> list[str]:
    """Jobstats AdminComments ('JS1:' + base64 of gzipped JSON) of 1 to 8 busy GPUs."""
    import base64
    import gzip
    import json

    out = []
    for k in range(count):
        gpus = 1 + k % 8
        node = {
            "cpus": 8,
            "total_memory": 68719476736,
            "used_memory": 21474836480,
            "total_time": 25000.5,
            "gpu_total_memory": {str(g): 85899345920 for g in range(gpus)},
            "gpu_used_memory": {str(g): 1000000000 * (k + g + 1) for g in range(gpus)},
            "gpu_utilization": {
                str(g): round(100 * ((k * 7 + g) % 11) / 11, 1) for g in range(gpus)
            },
        }
        summary = {"nodes": {f"gpu-{k:03d}": node}, "total_time": 3600, "gpus": gpus}
        raw = gzip.compress(json.dumps(summary, separators=(",", ":")).encode(), mtime=0)
        out.append("JS1:" + base64.b64encode(raw).decode())
    return out


def generate_gpu_use(source: Path, path: Path) -> None:
    """Write ``path``: the dump ``source`` with GPU use (GPU_USE), in a child process."""
    code = (
        "import duckdb, json, sys; con = duckdb.connect(); con.execute('SET enable_progress_bar = false'); "
        "con.execute(sys.argv[1], {'src': sys.argv[2], 'summaries': json.loads(sys.argv[3])})"
    )
    import json

    query = GPU_USE.replace("__PATH__", str(path).replace("'", "''"))
    args = [query, str(source), json.dumps(jobstats_comments())]
    subprocess.run([sys.executable, "-c", code, *args], check=True)


def generate(path: Path, n: int, first: int = 1_000_000) -> None:
    """Write the dump in a child process, so this one stays small: a forked child starts
    with its parent's peak RSS, which would inflate every measurement after."""
    code = (
        "import duckdb, sys; con = duckdb.connect(); con.execute('SET enable_progress_bar = false'); "
        "con.execute(sys.argv[1], {'n': int(sys.argv[2]), 'first': int(sys.argv[3])})"
    )
    query = GENERATE.replace("__PATH__", str(path).replace("'", "''"))
    subprocess.run([sys.executable, "-c", code, query, str(n), str(first)], check=True)


def measure(argv: list[str], env: dict[str, str] | None = None) -> tuple[float, float]:
    """Wall seconds and peak RSS (MB) of one command (in the environment ``env``)."""
    wall, rss, _ = measure_cpu(argv, env)
    return wall, rss


def measure_cpu(argv: list[str], env: dict[str, str] | None = None) -> tuple[float, float, float]:
    """Wall seconds, peak RSS (MB) and CPU seconds (user and system, every thread) of one
    command: on a shared machine the CPU seconds drift less than the wall time."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    err = proc.stderr.read().decode() if proc.stderr else ""
    if proc.stderr:
        proc.stderr.close()
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"failed: {' '.join(argv)}\n{err}")
    return wall, usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime


# The footprint model on: energy, CO2e and costs for every job, not GPU-hours only.
CONFIG = str(Path(__file__).resolve().parents[1] / "examples" / "auditor.toml")


def library_summary_seconds(db: str, by: str) -> tuple[float, float]:
    """Seconds of ``api.summary`` in a fresh process: its first call (which also loads the
    modules and factor tables it needs), and the median of three calls after it."""
    code = (
        "import statistics, time; from auditor import api\n"
        "def once():\n"
        "    t = time.perf_counter()\n"
        f"    api.summary(db={db!r}, by={by!r}, footprint=api.FootprintOptions(config={CONFIG!r}))\n"
        "    return time.perf_counter() - t\n"
        "first = once(); print(first, statistics.median(once() for _ in range(3)))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    # DuckDB draws its progress bar on stdout during a long query: the figures are the last line
    first, warm = out.stdout.splitlines()[-1].split()
    return float(first), float(warm)


def summary_command(db: str, by: str) -> list[str]:
    """``auditor summary`` of ``db`` by ``by``, the footprint model on, printing CSV."""
    auditor = [sys.executable, "-m", "auditor"]
    return [*auditor, "summary", "--db", db, "--by", by, "--format", "csv", "--config", CONFIG]


# Five years of hourly average intensity for zone US, the grid examples/auditor.toml gives
# the synthetic cluster's jobs (all of them in 2024 and 2025): a daily swing around 380 g/kWh.
SERIES = """
SET TimeZone = 'UTC';
INSERT INTO intensity_series
SELECT 'US', 'average', 'lifecycle', t, t + INTERVAL 1 HOUR,
    380 + 120 * sin(2 * pi() * epoch(t) / 86400), NULL, 0, 'bench', NULL
FROM generate_series(TIMESTAMPTZ '2021-01-01', TIMESTAMPTZ '2025-12-31 23:00', INTERVAL 1 HOUR)
    AS g(t);
"""


def with_series(db: str, copy: str) -> None:
    """Write ``copy``: the database ``db`` with SERIES stored, in a child process."""
    import shutil

    for suffix in ("", ".wal"):
        Path(copy + suffix).unlink(missing_ok=True)
    shutil.copyfile(db, copy)
    code = "import duckdb, sys; con = duckdb.connect(sys.argv[2]); con.execute(sys.argv[1])"
    subprocess.run([sys.executable, "-c", code, SERIES, copy], check=True)


def series_rows(db: str, work: Path, n: int) -> list[tuple[str, float, float, str]]:
    """(g): summary --by project with and without the series, library call and command."""
    series_db = str(work / f"bench-{n}-series.duckdb")
    with_series(db, series_db)
    rows: list[tuple[str, float, float, str]] = []
    annual_call = library_summary_seconds(db, "project")[1]
    series_call = library_summary_seconds(series_db, "project")[1]
    # the best of three, each pair run in turn: the machine's speed drifts
    annual_cmd = min(measure(summary_command(db, "project")) for _ in range(3))
    series_cmd = min(measure(summary_command(series_db, "project")) for _ in range(3))
    rows.append(("(g) summary --by project, annual factors: library call", annual_call,
                 float("nan"), ""))  # fmt: skip
    rows.append((f"(g) summary --by project, hourly series: library call "
                 f"({series_call / annual_call:.2f} x)", series_call, float("nan"), ""))  # fmt: skip
    rows.append(("(g) summary --by project, annual factors: whole command", *annual_cmd, ""))
    rows.append((f"(g) summary --by project, hourly series: whole command "
                 f"({series_cmd[0] / annual_cmd[0]:.2f} x)", *series_cmd, ""))  # fmt: skip
    return rows


# (h0): what any report over these jobs must do, in a fresh process: price every one
# (footprint.compute) and keep the rows the report reads, each with its factor class, check
# them for the notes, and group the factor classes from them; the summary prices them once
# and keeps nothing
REPORT_FLOOR = """
import sys
from auditor import api, sql
from auditor.model.footprint import checks, compute, define_factor_classes
from auditor.store import Store
settings = api.FootprintOptions(config=sys.argv[2]).settings()
with Store(sys.argv[1], read_only=True) as store:
    con = store.con
    compute(con, settings, check=False)
    define_factor_classes(con)
    con.execute(sql.fill("report/footprint", rows="factor_class_jobs"))
    checks(con, settings, owned_rows="report_footprint")
    con.execute(sql.query("report/factor_classes"))
"""


def report_rows(db: str, work: Path) -> list[tuple[str, float, float, str]]:
    """(h): ``auditor report`` (HTML, footprint on) against ``summary --by project``, whole
    commands on the same database, three rounds in turn; the best of each, and their ratio;
    (h0) the report's floor (REPORT_FLOOR) likewise. CPU seconds in the names: on a shared
    machine they drift less than the wall times."""
    html = str(work / "report.html")
    report = [sys.executable, "-m", "auditor", "report", "--db", db, "--config", CONFIG, "-o", html]
    floor = [sys.executable, "-c", REPORT_FLOOR, db, CONFIG]
    summaries, reports, floors = [], [], []
    for _ in range(3):  # in turn: the machine's speed drifts
        summaries.append(measure_cpu(summary_command(db, "project")))
        reports.append(measure_cpu(report))
        floors.append(measure_cpu(floor))
    summary, whole, least = min(summaries), min(reports), min(floors)
    cpu = min(s[2] for s in summaries), min(r[2] for r in reports), min(f[2] for f in floors)
    return [
        ("(h) summary --by project: whole command, CSV out", *summary[:2], f"{cpu[0]:.2f} s CPU"),
        (
            f"(h) report, HTML: whole command ({whole[0] / summary[0]:.2f} x the summary)",
            *whole[:2],
            f"{cpu[1]:.2f} s CPU",
        ),
        (
            f"(h0) floor: the report's jobs priced, checked and kept, with their factor "
            f"classes ({least[0] / summary[0]:.2f} x the summary)",
            *least[:2],
            f"{cpu[2]:.2f} s CPU",
        ),
    ]


def lake_rows(db: str, work: Path, n: int, by_db: float) -> list[tuple[str, float, float, str]]:
    """(j): export lake of ``db`` (afresh, then again with nothing changed), and summary --by
    project over the lake, against ``by_db``, the same over the database ((c)'s command)."""
    import shutil

    lake = work / f"lake-{n}"
    shutil.rmtree(lake, ignore_errors=True)
    export = [sys.executable, "-m", "auditor", "export", "lake", str(lake), "--db", db,
              "--config", CONFIG]  # fmt: skip
    first = measure(export)
    again = measure(export)
    # the best of three, as the machine's speed drifts; --lake prices nothing: no --config
    read = [sys.executable, "-m", "auditor", "summary", "--lake", str(lake), "--by", "project",
            "--format", "csv"]  # fmt: skip
    cmd = min(measure(read) for _ in range(3))
    return [
        (f"(j) export lake, {n:,} jobs", *first, ""),
        ("(j) export lake again, nothing changed", *again, ""),
        (
            f"(j) summary --by project --lake: whole command, CSV out ({cmd[0] / by_db:.2f} x (c))",
            *cmd,
            "",
        ),
    ]


def best_of_three(argv: list[str]) -> tuple[float, float, float]:
    """The fastest of three runs (wall s, peak RSS MB, CPU s): the first read may find the
    dump out of the page cache, which would flatter every ratio after it."""
    return min(measure_cpu(argv) for _ in range(3))


def slurm_ingest_rows(
    n: int, dump: Path, work: Path, db: str
) -> tuple[list[tuple[str, float, float, str]], float]:
    """(a), (a0), (a2), (a3), (a4) and (b) on ``dump``, ingested into ``db``, every ratio
    against (a); and (a)'s wall seconds."""
    size = f"{dump.stat().st_size / 1e6:.0f} MB"
    table = str(work / f"baseline-{n}.duckdb")
    base = best_of_three([sys.executable, "-c", BASELINE, str(dump), table])
    memory = best_of_three([sys.executable, "-c", IN_MEMORY, str(dump)])
    floor = best_of_three([sys.executable, "-c", FLOOR, str(dump), str(work / f"floor-{n}.duckdb")])
    auditor = [sys.executable, "-m", "auditor"]
    parse = best_of_three([sys.executable, "-c", PARSE_FLOOR, str(dump)])
    ing = measure_cpu([*auditor, "ingest", "slurm", "--db", db, "--tz", "UTC", str(dump)])
    write, write_cpu = min(
        write_floor_seconds(db, str(work / f"write-{n}.duckdb")) for _ in range(3)
    )

    def ratio(wall: float) -> str:
        return f"{wall / base[0]:.2f}"

    def cpu(run: tuple[float, float, float]) -> str:
        return f"{run[2]:.1f} s of CPU, {run[2] / base[2]:.2f} x (a)'s"

    rows = [
        (f"(a) DuckDB baseline, {n:,} jobs ({size}): the allocations and their GPU count, "
         f"elapsed and start, into a table file ({base[2]:.1f} s of CPU)", *base[:2], "1.00"),
        (f"(a0) DuckDB in memory: the same read, GPU count and elapsed, a group-by ({cpu(memory)})",
         *memory[:2], ratio(memory[0])),
        ("(a2) DuckDB floor: the allocation rows copied into a database file, unparsed "
         f"({cpu(floor)})", *floor[:2], ratio(floor[0])),
        ("(a3) DuckDB floor: the ingest's canonical rows written from memory into a file "
         f"({write_cpu:.1f} s of CPU, {write_cpu / base[2]:.2f} x (a)'s)",
         write, float("nan"), ratio(write)),
        ("(a4) floor: the ingest's parse, every row checked and every canonical column, "
         f"into memory, nothing written ({cpu(parse)})", *parse[:2], ratio(parse[0])),
        (f"(b) auditor ingest slurm ({cpu(ing)}; (a4) + (a3) = {parse[0] + write:.2f} s, "
         f"{(parse[0] + write) / base[0]:.2f} x (a), and {parse[2] + write_cpu:.1f} s of CPU)",
         *ing[:2], ratio(ing[0])),
    ]  # fmt: skip
    return rows, base[0]


def write_floor_seconds(db: str, copy: str) -> tuple[float, float]:
    """(a3): wall and CPU seconds DuckDB takes to write the jobs of ``db`` from memory into
    ``copy``."""
    out = subprocess.run(
        [sys.executable, "-c", WRITE_FLOOR, db, copy], capture_output=True, text=True, check=True
    )
    wall, cpu = out.stdout.split()[-2:]
    return float(wall), float(cpu)


def spark_rows(work: Path, n: int) -> list[tuple[str, float, float, str]]:
    """(i): summary --by project over (j)'s lake, summed by Spark in local mode (local[2],
    a JVM started by the command), against DuckDB over the same lake. Only with
    AUDITOR_BENCH_SPARK=1 (a JVM start takes seconds: the bench's own test leaves it out), and
    pyspark and Java."""
    if os.environ.get("AUDITOR_BENCH_SPARK") != "1":
        return []
    import importlib.util

    # run as a script, the checkout's root is not on the path for the package scripts/
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from scripts.java import find_java

    if importlib.util.find_spec("pyspark") is None or find_java() is None:
        raise SystemExit("AUDITOR_BENCH_SPARK=1 needs pyspark and Java: pip install '.[spark]'")
    read = [sys.executable, "-m", "auditor", "summary", "--lake", str(work / f"lake-{n}"),
            "--by", "project", "--format", "csv"]  # fmt: skip
    duck = min(measure(read) for _ in range(3))
    spark = min(measure([*read, "--engine", "spark"]) for _ in range(3))
    name = "(i) summary --by project --lake --engine spark: whole command, CSV out"
    return [(f"{name} ({spark[0] / duck[0]:.2f} x DuckDB's {duck[0]:.2f} s)", *spark, "")]


def lake_only_rows(n: int, work: Path) -> list[tuple[str, float, float, str]]:
    """--only j: (j) and (i) over the database of ``n`` jobs in ``work``, written first (and
    its dump) when missing, with the ingest's and (c)'s rows they are compared with."""
    dump, db = work / f"sacct-{n}.txt", work / f"bench-{n}.duckdb"
    rows: list[tuple[str, float, float, str]] = []
    if not db.exists():
        if not dump.exists():
            generate(dump, n)
        ingest = [sys.executable, "-m", "auditor", "ingest", "slurm", "--db", str(db), "--tz",
                  "UTC", str(dump)]  # fmt: skip
        wall, rss, cpu = measure_cpu(ingest)
        rows.append((f"(b) auditor ingest slurm, {n:,} jobs ({cpu:.0f} s of CPU)", wall, rss, ""))
    by_db = min(measure(summary_command(str(db), "project")) for _ in range(3))
    rows.append(("(c) summary --by project: whole command, CSV out", *by_db, ""))
    return rows + lake_rows(str(db), work, n, by_db[0]) + spark_rows(work, n)


def bench(n: int, work: Path, gpu_use: bool = False) -> list[tuple[str, float, float, str]]:
    dump = work / f"sacct-{n}.txt"
    later = work / f"sacct-{n}-later.txt"
    if not dump.exists():
        generate(dump, n)
    if not later.exists():  # a tenth of the size, half of it already in the first export
        generate(later, max(n // 10, 1), first=1_000_000 + n - n // 20)
    db = str(work / f"bench-{n}.duckdb")
    for suffix in ("", ".wal"):
        Path(db + suffix).unlink(missing_ok=True)
    auditor = [sys.executable, "-m", "auditor"]
    whole: dict[str, float] = {}  # (c)'s whole command, what (f) is compared with
    rows, base = slurm_ingest_rows(n, dump, work, db)
    for by in ("project", "sweep"):
        first, warm = library_summary_seconds(db, by)
        cmd = measure(summary_command(db, by))
        whole[by] = cmd[0]
        rows.append((f"(c) summary --by {by}: library call", warm, float("nan"), ""))
        rows.append((f"(c) summary --by {by}: first call in a process", first, float("nan"), ""))
        rows.append((f"(c) summary --by {by}: whole command, CSV out", *cmd, ""))
    again = measure([*auditor, "ingest", "slurm", "--db", db, "--tz", "UTC", str(later)])
    rows.append((f"(d) overlapping export, {max(n // 10, 1):,} jobs", *again, ""))
    rows += series_rows(db, work, n)
    rows += report_rows(db, work)
    rows += lake_rows(db, work, n, whole["project"])
    rows += spark_rows(work, n)
    if gpu_use:
        busy = work / f"sacct-{n}-gpu-use.txt"
        if not busy.exists():
            generate_gpu_use(dump, busy)
        used_db = str(work / f"bench-{n}-gpu-use.duckdb")
        for suffix in ("", ".wal"):
            Path(used_db + suffix).unlink(missing_ok=True)
        used = measure([*auditor, "ingest", "slurm", "--db", used_db, "--tz", "UTC", str(busy)])
        rows.append(("(e) (b) with GPU use: step gres/gpuutil, jobstats AdminComment", *used,
                     f"{used[0] / base:.2f}"))  # fmt: skip
        for by in ("project", "sweep"):
            cmd = measure(summary_command(used_db, by))
            ratio = cmd[0] / whole[by]
            name = f"(f) summary --by {by} with GPU use: whole command, CSV out ({ratio:.2f} x (c))"
            rows.append((name, *cmd, ""))
    return rows


def scale_rows(n: int, work: Path) -> Iterator[tuple[str, float, float, str]]:
    """--scale: ``auditor ingest slurm`` of a dump of a tenth of ``n`` jobs and of one of
    ``n``, under the default AUDITOR_MEMORY_LIMIT and under 2GB; the slope in seconds per
    million jobs between them, the database's size, and 100M extrapolated (never run). Each
    row as soon as it is measured: the whole takes long."""
    sizes = (max(n // 10, 1), n)
    for jobs in sizes:
        if not (work / f"sacct-{jobs}.txt").exists():
            generate(work / f"sacct-{jobs}.txt", jobs)
    auditor = [sys.executable, "-m", "auditor"]
    for limit in (None, "2GB"):
        env = {k: v for k, v in os.environ.items() if k != "AUDITOR_MEMORY_LIMIT"}
        if limit:
            env["AUDITOR_MEMORY_LIMIT"] = limit
        walls = []
        for jobs in sizes:
            path = work / f"sacct-{jobs}.txt"
            db = str(work / f"scale-{jobs}.duckdb")
            for suffix in ("", ".wal"):
                Path(db + suffix).unlink(missing_ok=True)
            wall, rss, cpu = measure_cpu(
                [*auditor, "ingest", "slurm", "--db", db, "--tz", "UTC", str(path)], env
            )
            walls.append(wall)
            size = Path(db).stat().st_size / 1e6
            label = f"AUDITOR_MEMORY_LIMIT={limit or 'default (1GB)'}"
            yield ((f"(s) ingest slurm, {jobs:,} jobs ({path.stat().st_size / 1e9:.2f} GB "
                         f"dump, {size:.0f} MB database), {label}; {cpu:.0f} s of CPU",
                         wall, rss, ""))  # fmt: skip
        slope = (walls[1] - walls[0]) / ((sizes[1] - sizes[0]) / 1e6)
        yield ((f"(s) slope, {label}: s per million jobs, {sizes[0]:,} to {n:,} jobs",
                     slope, float("nan"), ""))  # fmt: skip
        yield ((f"(s) 100M jobs extrapolated from the slope (not run), {label}; a "
                     f"database of about {size * 1e8 / n / 1e3:.0f} GB",
                     walls[1] + slope * (100 - n / 1e6), float("nan"), ""))  # fmt: skip


def main(argv: list[str]) -> None:
    gpu_use = "--gpu-use" in argv  # adds (e): the same dump with GPU use, ingested
    # --only g or h: that row alone, over the database (d) left in AUDITOR_BENCH_DIR;
    # --only j: the lake's rows (and Spark's), the dump ingested first when no database is left
    only = argv[argv.index("--only") + 1] if "--only" in argv else None
    if only not in (None, "g", "h", "j"):
        raise SystemExit(f"--only {only}: only (g), (h) and (j) run alone. Try --only g.")
    # --scale [JOBS]: the ingest at 1M and at JOBS (default 10M) jobs alone, minutes long
    scale = "--scale" in argv
    skip = {"--gpu-use", "--only", "g", "h", "j", "--scale"}
    sizes = [int(a) for a in argv if a not in skip] or (
        [10_000_000] if scale else [100_000, 1_000_000]
    )
    work = Path(os.environ.get("AUDITOR_BENCH_DIR") or tempfile.mkdtemp(prefix="auditor-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    print("| step | wall s | peak RSS MB | / baseline |\n|---|---:|---:|---:|")
    if scale:
        for n in sizes:
            for name, wall, rss, ratio in scale_rows(n, work):
                rss_text = "" if rss != rss else f"{rss:.0f}"
                print(f"| {name} | {wall:.2f} | {rss_text} | {ratio} |", flush=True)
        return
    for n in sizes:
        db = work / f"bench-{n}.duckdb"
        if only == "j":
            rows = lake_only_rows(n, work)
        elif only and not db.exists():
            raise SystemExit(f"{db} does not exist: run the whole bench once with that directory")
        elif only == "h":
            rows = report_rows(str(db), work)
        elif only == "g":
            rows = series_rows(str(db), work, n)
        else:
            rows = bench(n, work, gpu_use)
        for name, wall, rss, ratio in rows:
            rss_text = "" if rss != rss else f"{rss:.0f}"
            print(f"| {name} | {wall:.2f} | {rss_text} | {ratio} |", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
