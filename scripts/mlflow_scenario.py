"""One small lab, written into a real MLflow store with the mlflow library's client.

Used by the tests (MLflow 3) and by scripts/make_mlflow_fixture.py (MLflow 2.x, for the
old-schema store), so it imports nothing from auditor. Every time is explicit, in ms UTC;
the expected values in the tests are arithmetic on the constants below.
"""

from __future__ import annotations

from typing import Any

T0 = 1_700_000_000_000  # 2023-11-14T22:13:20Z
T1 = T0 + 10_000_000  # vision runs
T2 = T0 + 20_000_000  # runs in Slurm jobs
S = 1000  # ms per second

EXP_NLP = "nlp/sweep-lr"  # experiment tag project=nlp
EXP_VISION = "vision"

# Leaf runs (the ones ingested as jobs) and the parents that are not.
LEAVES = (
    "lr-0.1",
    "lr-0.01",
    "lr-0.001",
    "resnet-killed",
    "still-running",
    "slurm-linked",
    "array-linked",
    "deleted-run",
)
PARENTS = ("sweep-lr", "bracket")


def _series(key: str, start_ms: int, stop_ms: int, every_ms: int, watts: Any) -> list[Any]:
    """Metric points from start to stop inclusive; ``watts(t_ms)`` gives each value."""
    from mlflow.entities import Metric

    return [
        Metric(key, float(watts(t)), t, i)
        for i, t in enumerate(range(start_ms, stop_ms + 1, every_ms))
    ]


def populate(uri: str) -> dict[str, str]:
    """Write the scenario into the (empty) store at ``uri``; returns run name -> run id."""
    from mlflow import MlflowClient
    from mlflow.entities import Param

    c = MlflowClient(tracking_uri=uri)
    nlp = c.create_experiment(EXP_NLP, tags={"project": "nlp"})
    vision = c.create_experiment(EXP_VISION)
    ids: dict[str, str] = {}

    def run(
        exp: str,
        name: str,
        start: int,
        end: int | None,
        status: str = "FINISHED",
        parent: str | None = None,
        tags: dict[str, str] | None = None,
        params: dict[str, str] | None = None,
        metrics: list[Any] | None = None,
    ) -> str:
        all_tags = dict(tags or {})
        if parent:
            all_tags["mlflow.parentRunId"] = ids[parent]
        r = c.create_run(exp, start_time=start, tags=all_tags, run_name=name)
        run_id = str(r.info.run_id)
        ids[name] = run_id
        batch = list(metrics or [])
        for i in range(0, max(len(batch), 1), 500):  # a batch holds at most 1000 metrics
            c.log_batch(
                run_id,
                metrics=batch[i : i + 500],
                params=[Param(k, v) for k, v in (params or {}).items()] if i == 0 else [],
                tags=[],
            )
        if end is not None:
            c.set_terminated(run_id, status=status, end_time=end)
        return run_id

    # A sweep: parent, two children, and a nested bracket with one grandchild.
    run(nlp, "sweep-lr", T0, T0 + 1500 * S)
    run(
        nlp,
        "lr-0.1",
        T0,
        T0 + 600 * S,
        parent="sweep-lr",
        tags={"mlflow.user": "alice"},
        params={"lr": "0.1"},
        metrics=[
            *_series("system/gpu_0_power_usage_watts", T0, T0 + 600 * S, 10 * S, lambda t: 300),
            *_series("system/gpu_1_power_usage_watts", T0, T0 + 600 * S, 10 * S, lambda t: 300),
            *_series("system/gpu_0_utilization_percentage", T0, T0 + 600 * S, 10 * S, lambda t: 40),
            *_series("system/gpu_1_utilization_percentage", T0, T0 + 600 * S, 10 * S, lambda t: 60),
            *_series("loss", T0, T0 + 600 * S, 60 * S, lambda t: 1.0),
            # 0.5, 0.625, 0.75 at 0, 300 and 600 s: the latest is 0.75
            *_series("val_acc", T0, T0 + 600 * S, 300 * S, lambda t: 0.5 + (t - T0) / (2400 * S)),
        ],
    )
    start = T0 + 600 * S
    run(
        nlp,
        "lr-0.01",
        start,
        start + 600 * S,
        status="FAILED",
        parent="sweep-lr",
        params={"lr": "0.01", "gpus": "4", "gpu_model": "NVIDIA A100-SXM4-80GB"},
        # a ramp from 100 W to 300 W over the 600 s
        metrics=_series(
            "system/gpu_0_power_usage_watts",
            start,
            start + 600 * S,
            10 * S,
            lambda t: 100 + (t - start) / (600 * S) * 200,
        ),
    )
    start = T0 + 1200 * S
    run(nlp, "bracket", start, start + 300 * S, parent="sweep-lr")
    run(
        nlp,
        "lr-0.001",
        start,
        start + 300 * S,
        parent="bracket",
        params={"lr": "0.001"},
        # samples for 100 s, nothing for 150 s (not bridged), samples for the last 50 s
        metrics=[
            # 0.55, 0.6, 0.65 at 0, 150 and 300 s: a second score of the sweep (sensitivity)
            *_series(
                "val_acc",
                start,
                start + 300 * S,
                150 * S,
                lambda t: 0.55 + (t - start) / (3000 * S),
            ),
            *_series(
                "system/gpu_0_power_usage_watts", start, start + 100 * S, 10 * S, lambda t: 250
            ),
            *_series(
                "system/gpu_0_power_usage_watts",
                start + 250 * S,
                start + 300 * S,
                10 * S,
                lambda t: 250,
            ),
        ],
    )

    # Standalone runs: each is its own sweep.
    run(
        vision,
        "resnet-killed",
        T1,
        T1 + 300 * S,
        status="KILLED",
        tags={"project": "cv"},
        params={"gpus": "0,1"},
        # samples from a minute before the start to a minute after the end: clipped
        metrics=_series(
            "system/gpu_0_power_usage_watts", T1 - 60 * S, T1 + 360 * S, 10 * S, lambda t: 200
        ),
    )
    run(
        vision,
        "still-running",
        T1,
        None,
        metrics=_series("system/gpu_0_power_usage_watts", T1, T1 + 120 * S, 10 * S, lambda t: 100),
    )
    run(
        vision,
        "slurm-linked",
        T2,
        T2 + 3600 * S,
        tags={"slurm_job_id": "777", "mlflow.user": "bob"},
        metrics=_series("system/gpu_0_power_usage_watts", T2, T2 + 3600 * S, 60 * S, lambda t: 400),
    )
    run(vision, "array-linked", T2, T2 + 1800 * S, params={"SLURM_JOB_ID": "4243_2"})
    run(vision, "deleted-run", T2, T2 + 60 * S, params={"gpus": "auto"})
    c.delete_run(ids["deleted-run"])
    return ids
