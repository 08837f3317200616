"""A LISA-shaped job log (Strubell et al. 2019, sec. 4.2) for the purchase view's tests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tests.helpers.joblog import job, write_jobs

START = datetime(2017, 6, 1, tzinfo=UTC)


def write_lisa(db: str) -> None:
    """239,942 GPU-hours over 172 days: 58 one-GPU jobs that run the whole 172 days and one
    of 518 h inside them, all of project 'lisa', sweep 'gs'."""
    days = timedelta(days=172)
    rows = [
        job(n, gpus=1.0, gpu_model="TITAN X", start_ts=START, end_ts=START + days,
            elapsed_s=days.total_seconds(), project="lisa", sweep="gs")
        for n in range(58)
    ]  # fmt: skip
    late = START + timedelta(days=3)
    rows.append(
        job(58, gpus=1.0, gpu_model="TITAN X", start_ts=late,
            end_ts=late + timedelta(hours=518), elapsed_s=518 * 3600.0,
            project="lisa", sweep="gs")
    )  # fmt: skip
    write_jobs(db, rows)
