"""Summaries computed by Spark over a Parquet lake (docs/spark.md, docs/lake.md).

Each row of a lake holds its job's footprint, so Spark only groups and adds
(queries/lake/spark_summary.sql); the result has the columns, types and order of the DuckDB
summary, and the same output code renders it. pyspark is an optional extra (``auditor[spark]``)
that starts a JVM: it is imported here only, inside the functions that need it.
"""

from __future__ import annotations

import os
import shutil
import socket
import tempfile
import warnings
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import pyarrow as pa

from auditor import sql
from auditor.errors import StoreError, UsageError
from auditor.model import lake as lakes, tables
from auditor.model.footprint import running_left_out, with_notes
from auditor.settings import Settings

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

DEFAULT_MASTER = "local[2]"
CONNECT_PORT = 15002  # Spark Connect's default
CONNECT_TIMEOUT_S = 10
DRIVER_MEMORY = "4g"
# Spark's own default of 200 shuffle partitions costs seconds on one machine for a few groups.
LOCAL_SHUFFLE_PARTITIONS = 4
LOG_NAME = "auditor-spark.log"
INSTALL_HINT = "Install it with: pip install 'auditor[spark]'"
CONNECT_HINT = "Install Spark Connect's client with: pip install 'auditor[spark-connect]'"
JAVA_HINT = (
    "Spark needs Java 17: install it (Debian: apt-get install openjdk-17-jre-headless) or set "
    "JAVA_HOME"
)

# Spark writes its log here, WARN and above, so that nothing of it reaches stdout or stderr.
LOG4J2 = """\
rootLogger.level = warn
rootLogger.appenderRef.file.ref = file
appender.file.type = File
appender.file.name = file
appender.file.fileName = {log}
appender.file.layout.type = PatternLayout
appender.file.layout.pattern = %d{{yyyy-MM-dd HH:mm:ss}} %p %c{{1}}: %m%n
"""

# Settings of every session, local or remote: times as UTC, as DuckDB reads the lake, and
# partition values as text, so that a cluster named 2024 stays a name.
# ANSI mode: a figure too large for spark_summary.sql to split (past 2^43) fails instead
# of wrapping round.
SESSION_CONF = {
    "spark.sql.session.timeZone": "UTC",
    "spark.sql.ansi.enabled": "true",
    "spark.sql.sources.partitionColumnTypeInference.enabled": "false",
}


def log_path() -> Path:
    """Where a local Spark writes its log (the temporary directory)."""
    return Path(tempfile.gettempdir()) / LOG_NAME


def _errors() -> tuple[type[BaseException], ...]:
    """The exceptions a Spark query raises for what a user can fix: a path that is not a
    lake, a lake it cannot read, a JVM that did not start, a server it cannot reach."""
    from py4j.protocol import Py4JError
    from pyspark.errors import PySparkException

    return (PySparkException, Py4JError)


def session(*, master: str | None = None, remote: str | None = None) -> SparkSession:
    """A Spark session: on ``master`` (default local[2], or spark-submit's master when it
    started this process), or a Spark Connect server ``remote`` (sc://HOST:PORT). The session
    of the process is reused while it runs.

    Raises UsageError (pyspark, Spark Connect's client or Java missing) or
    StoreError (Spark did not start or the server cannot be reached).
    """
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        raise UsageError(
            f"--engine spark needs pyspark, which is not installed. {INSTALL_HINT}."
        ) from None
    if remote is not None:
        if not remote.startswith("sc://"):
            raise UsageError(
                f"--spark-remote '{remote}' is not a Spark Connect URL (sc://HOST:PORT)."
            )
        try:
            from pyspark.sql.connect.utils import check_dependencies

            with warnings.catch_warnings():
                # pyspark 3.5 compares versions with distutils', which warns
                warnings.simplefilter("ignore", DeprecationWarning)
                check_dependencies("pyspark.sql.connect")
        except ImportError as e:
            raise UsageError(
                f"--spark-remote needs Spark Connect's client ({e}). {CONNECT_HINT}."
            ) from None
        _reach(remote)
        builder = SparkSession.builder.remote(remote)
    else:
        if _java() is None:
            raise UsageError(f"--engine spark found no Java. {JAVA_HINT}.")
        builder = SparkSession.builder.appName("auditor")
        if master is not None or not os.environ.get("PYSPARK_GATEWAY_PORT"):
            chosen = master or DEFAULT_MASTER
            builder = builder.master(chosen)
            for key, value in _local_conf(chosen).items():
                builder = builder.config(key, value)
        # else spark-submit started this process, its JVM and its master: they are used
    try:
        spark = builder.getOrCreate()
        for key, value in SESSION_CONF.items():
            spark.conf.set(key, value)
    except _errors() as e:
        where = remote or master or DEFAULT_MASTER
        raise StoreError(
            f"Spark did not start on {where}: {_first_line(e)}. {_see_log()}"
        ) from None
    return spark


def _reach(remote: str) -> None:
    """Raises StoreError unless the server of ``remote`` accepts a connection: Spark Connect's
    client retries an unreachable server for minutes before it says so."""
    url = urlsplit(remote.split(";", 1)[0])
    host, port = url.hostname or "localhost", url.port or CONNECT_PORT
    try:
        socket.create_connection((host, port), timeout=CONNECT_TIMEOUT_S).close()
    except OSError as e:
        raise StoreError(
            f"--spark-remote {remote}: no Spark Connect server answers at {host}:{port} "
            f"({e.strerror or e}). Start one (sbin/start-connect-server.sh) or check the URL."
        ) from None


def _java() -> str | None:
    home = os.environ.get("JAVA_HOME")
    if home:
        java = Path(home) / "bin" / "java"
        return str(java) if java.is_file() else None
    return shutil.which("java")


def _local_conf(master: str) -> dict[str, str]:
    """What the driver this process starts is given: quiet logs and no web UI, and for local
    mode a few shuffle partitions."""
    config = log_path().with_suffix(".log4j2.properties")
    config.write_text(LOG4J2.format(log=log_path()), encoding="utf-8")
    conf = {
        "spark.driver.extraJavaOptions": f"-Dlog4j2.configurationFile=file:{config}",
        "spark.ui.enabled": "false",
        "spark.ui.showConsoleProgress": "false",
        **SESSION_CONF,
    }
    if master.startswith("local"):
        conf["spark.sql.shuffle.partitions"] = str(LOCAL_SHUFFLE_PARTITIONS)
    # the driver receives every group: a summary by run of millions of jobs outgrows
    # Spark's 1 GiB default; SPARK_DRIVER_MEMORY, Spark's own variable, still decides
    if not os.environ.get("SPARK_DRIVER_MEMORY"):
        conf["spark.driver.memory"] = DRIVER_MEMORY
    conf["spark.driver.maxResultSize"] = "0"  # bounded by the driver's memory alone
    return conf


def _first_line(e: BaseException) -> str:
    text = str(e).strip()
    return (text.splitlines() or [type(e).__name__])[0].rstrip(".")


def _see_log() -> str:
    return f"Spark's log: {log_path()}"


def read_schema(spark: SparkSession, lake: str) -> str:
    """The text of the lake's ``_schema.json``, read by Spark so that any storage it reaches
    (a shared file system, s3a://) works. Raises StoreError when there is none."""
    path = lake.rstrip("/") + "/_schema.json"
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ResourceWarning)  # as in _arrow
            rows = spark.read.text(path, wholetext=True).collect()
    except _errors() as e:
        raise StoreError(
            f"{lake}: not a lake, Spark cannot read its _schema.json ({_first_line(e)}). "
            "Make one with 'auditor export lake DIR'."
        ) from None
    return str(rows[0][0]) if rows else ""


def _lake_view(spark: SparkSession, lake: str) -> None:
    """The temp view ``lake_jobs``: every row of the lake, partition columns from its paths."""
    try:
        frame = spark.read.option("basePath", lake).parquet(lake)
        frame.createOrReplaceTempView("lake_jobs")
    except _errors() as e:
        raise StoreError(f"{lake}: Spark cannot read the lake's files: {_first_line(e)}.") from None


def _arrow(frame: DataFrame) -> pa.Table:
    """The rows of ``frame`` as an Arrow table, without a Python object per row."""
    if hasattr(frame, "_collect_as_arrow"):  # a classic session
        from pyspark.sql.pandas.types import to_arrow_schema

        with warnings.catch_warnings():
            # pyspark 3.5 leaves the socket a collect reads from to the garbage collector
            warnings.simplefilter("ignore", ResourceWarning)
            batches = frame._collect_as_arrow()
        schema = to_arrow_schema(frame.schema)
        return pa.Table.from_batches(batches, schema=batches[0].schema if batches else schema)
    connect: Any = frame  # Spark Connect: its client receives the Arrow batches
    table, _ = connect._session.client.to_table(connect._plan.to_proto(connect._session.client))
    return pa.table(table)


def _run(spark: SparkSession, lake: str, name: str, args: Mapping[str, Any]) -> pa.Table:
    try:
        return _arrow(spark.sql(sql.query(name), args=dict(args)))
    except _errors() as e:
        raise StoreError(
            f"{lake}: Spark could not sum the lake ({_first_line(e)}). A lake of another "
            "version (docs/lake.md), or a driver out of memory (set SPARK_DRIVER_MEMORY, "
            f"default {DRIVER_MEMORY}) are the usual causes. {_see_log()}"
        ) from None


def summary(
    spark: SparkSession,
    lake: str,
    *,
    by: str,
    project: str | None,
    include_running: bool,
) -> tuple[pa.Table, tuple[int, float]]:
    """The summary's groups of the lake ``lake`` for ``by`` (group_key, project, jobs and the
    figures, as the DuckDB summary's query gives them, sorted by key) and the jobs still
    running that it leaves out with their GPU-hours so far ((0, 0.0) when counted).

    Raises StoreError (the lake cannot be read or summed).
    """
    _lake_view(spark, lake)
    args = {"by": by, "project": project, "include_running": include_running}
    grouped = _run(spark, lake, "lake/spark_summary", args)
    # nullable like every column DuckDB returns: Spark marks its counts NOT NULL
    grouped = grouped.cast(pa.schema([f.with_nullable(True) for f in grouped.schema]))
    if include_running:
        return grouped, (0, 0.0)
    running = _run(spark, lake, "lake/spark_running", {"project": project}).to_pylist()[0]
    return grouped, (int(running["jobs"]), float(running["gpu_hours"]))


def lake_summary(
    lake: str,
    settings: Settings,
    *,
    by: str,
    project: str | None,
    include_running: bool,
    units: str,
    master: str | None = None,
    remote: str | None = None,
) -> pa.Table:
    """``lake.summary`` computed by Spark (see ``session`` for ``master`` and ``remote``): the
    same columns, types and order, the same notes (the lake's, and the running jobs left out).

    ``lake`` is a directory, or a URL Spark reads (s3a://, hdfs://, file://), whose
    _schema.json Spark reads too. Raises UsageError (not a lake, another fingerprint, no
    pyspark or Java) or StoreError (Spark cannot start, or read or sum the lake).
    """
    if "://" in lake:
        spark = session(master=master, remote=remote)
        schema = lakes.parse_schema(read_schema(spark, lake), f"{lake}/{lakes.SCHEMA_FILE}")
    else:  # refused before a JVM starts
        schema = lakes.read_schema(Path(lake))
    lakes.check_readable(schema, lake, settings)
    if "://" not in lake:
        spark = session(master=master, remote=remote)
    grouped, (running, running_hours) = summary(
        spark, lake, by=by, project=project, include_running=include_running
    )
    defaults = schema.get("defaults", {})
    table = tables.shown_columns(
        grouped,
        by,
        units=units,
        default_gpu_power=defaults.get("default_gpu_power_w") is not None,
        default_carbon=defaults.get("default_carbon_g_per_kwh") is not None,
    )
    notes = schema.get("notes_with_running" if include_running else "notes", [])
    return with_notes(table, [*notes, *running_left_out(running, running_hours)])
