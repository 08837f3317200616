"""A progress bar on stderr for long DuckDB statements (only when stderr is a terminal)."""

from __future__ import annotations

import threading
from collections.abc import Mapping
from typing import Any

import duckdb


def run_with_progress(
    con: duckdb.DuckDBPyConnection,
    query: str,
    params: Mapping[str, Any],
    label: str,
    enabled: bool,
) -> None:
    """Execute ``query``; with ``enabled``, show DuckDB's own progress of it on stderr."""
    if not enabled:
        con.execute(query, dict(params))
        return
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    failure: list[BaseException] = []
    done = threading.Event()

    def work() -> None:
        try:
            con.execute(query, dict(params))
        except BaseException as exc:  # re-raised in the caller's thread below
            failure.append(exc)
        finally:
            done.set()

    worker = threading.Thread(target=work, daemon=True)
    with Progress(
        TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn(), transient=True
    ) as bar:
        task = bar.add_task(label, total=100)
        worker.start()
        while not done.wait(0.2):
            pct = con.query_progress()
            if pct >= 0:
                bar.update(task, completed=pct)
    worker.join()
    if failure:
        raise failure[0]
