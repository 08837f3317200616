"""An MLflow tracking server (``http(s)://``) into the raw tables.

Read through ``MlflowClient``, authenticated by MLflow's own environment variables
(``MLFLOW_TRACKING_USERNAME``/``PASSWORD``, ``MLFLOW_TRACKING_TOKEN``); mlflow is imported
only here, inside the functions that talk to a server.
"""

from __future__ import annotations

import socket
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any, NamedTuple, TypeVar
from urllib.parse import urlsplit

from auditor.errors import InputError
from auditor.ingest.mlflow.locate import StoreRef
from auditor.ingest.mlflow.raw import (
    EXPERIMENTS,
    POINTS,
    SERIES_RE,
    Experiment,
    ExperimentTag,
    MetricKey,
    MlflowOptions,
    Point,
    Raw,
    RawRows,
    Run,
    RunValue,
    first_line,
    rows_table,
    select_experiments,
)

HTTP_PAGE = 1000
T = TypeVar("T")


class Series(NamedTuple):
    """A run's metric whose whole history is read, and the points it is expected to hold."""

    run_id: str
    key: str
    points_expected: int


class Batch(NamedTuple):
    """One key of many runs, asked for in one request."""

    key: str
    run_ids: list[str]


def read_server(
    ref: StoreRef,
    wanted: Sequence[str],
    options: MlflowOptions,
    changed_since_ms: int | None = None,
) -> Raw:
    """The raw tables of the experiments ``wanted`` (all when empty) of a tracking server;
    with ``changed_since_ms``, of the runs the server finds started or ended since then,
    or running or scheduled.

    Raises InputError when the server cannot be reached, refuses access or is no MLflow
    server, UsageError for an unknown experiment.
    """
    _check_reachable(ref)
    from mlflow.exceptions import MlflowException

    try:
        return _read_runs(ref, wanted, options, changed_since_ms)
    except MlflowException as exc:
        text = first_line(exc).split(". Response body", 1)[0].rstrip(".")
        if any(s in text for s in ("401", "403", "Unauthorized", "Forbidden", "PERMISSION")):
            raise InputError(
                f"the tracking server refused access ({text})",
                file=ref.uri,
                hint="Set MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD, "
                "or MLFLOW_TRACKING_TOKEN.",
            ) from None
        raise InputError(
            f"does not answer as an MLflow tracking server ({text})",
            file=ref.uri,
            hint="Check the address: the server's root URL, e.g. http://host:5000.",
        ) from None


def _check_reachable(ref: StoreRef) -> None:
    """Fail fast when nothing listens: MLflow's client retries for minutes otherwise."""
    parts = urlsplit(ref.location)
    host = parts.hostname or ""
    port = parts.port or (443 if parts.scheme.lower() == "https" else 80)
    try:
        socket.create_connection((host, port), timeout=10).close()
    except OSError as exc:
        raise InputError(
            f"cannot connect to the tracking server ({exc.strerror or exc})",
            file=ref.uri,
            hint="Check the address and that the server is running.",
        ) from None


def _changed_filters(since_ms: int | None) -> list[str | None]:
    # search_runs has no OR: one search per way a run may have changed, joined by run id
    if since_ms is None:
        return [None]
    return [
        f"attributes.end_time >= {since_ms}",
        f"attributes.start_time >= {since_ms}",
        "attributes.status = 'RUNNING'",
        "attributes.status = 'SCHEDULED'",
    ]


def _read_runs(
    ref: StoreRef, wanted: Sequence[str], options: MlflowOptions, changed_since_ms: int | None
) -> Raw:
    from mlflow import MlflowClient
    from mlflow.entities import ViewType

    client = MlflowClient(tracking_uri=ref.location)
    exps = _all_pages(
        lambda token: client.search_experiments(
            view_type=ViewType.ALL, max_results=HTTP_PAGE, page_token=token
        )
    )
    experiments = rows_table(
        [Experiment(e.experiment_id, e.name, e.lifecycle_stage) for e in exps], EXPERIMENTS
    )
    chosen = select_experiments(ref, experiments, wanted)
    exp_ids = [e.experiment_id for e in exps if chosen is None or e.experiment_id in chosen]
    rows = RawRows(
        exp_tags=[ExperimentTag(e.experiment_id, k, v) for e in exps for k, v in e.tags.items()]
    )

    def search(where: str | None) -> list[Any]:
        return _all_pages(
            lambda token: client.search_runs(
                exp_ids,
                filter_string=where or "",
                run_view_type=ViewType.ALL,
                max_results=HTTP_PAGE,
                page_token=token,
            )
        )

    by_id: dict[str, Any] = {}
    for where in _changed_filters(changed_since_ms) if exp_ids else []:
        for run in search(where):
            by_id.setdefault(run.info.run_id, run)
    found = list(by_id.values())
    wanted_series: list[Series] = []
    for run in found:
        info, data = run.info, run.data
        latest = data.to_proto().metrics  # the newest point of each key, with its step
        last_ms = None
        if info.status in ("RUNNING", "SCHEDULED"):
            last_ms = max((m.timestamp for m in latest), default=None)
        rows.runs.append(
            Run(
                run_id=info.run_id,
                experiment_id=info.experiment_id,
                run_name=info.run_name,
                user_id=info.user_id,
                status=info.status,
                start_ms=info.start_time,
                end_ms=info.end_time,
                lifecycle_stage=info.lifecycle_stage,
                last_metric_ms=last_ms,
            )
        )
        rows.run_kv += [RunValue(info.run_id, "tag", k, v) for k, v in data.tags.items()]
        rows.run_kv += [RunValue(info.run_id, "param", k, v) for k, v in data.params.items()]
        for m in latest:
            if not m.key.startswith("system/"):
                rows.run_kv.append(RunValue(info.run_id, "metric", m.key, repr(m.value)))
            elif "gpu_" in m.key:
                rows.metric_keys.append(MetricKey(info.run_id, m.key))
                if SERIES_RE.match(m.key):
                    # system metrics count their logging rounds in `step`
                    wanted_series.append(Series(info.run_id, m.key, m.step + 1))
    points = _HistoryReader(client, ref.location, options.http_workers).read(wanted_series)
    return rows.tables(experiments, rows_table(points, POINTS))


class _NoBulkEndpoint(Exception):
    """The server does not offer the bulk history endpoint (a proxy may hide it)."""


class _HistoryReader:
    """Full metric histories from a tracking server, many runs per request.

    MLflow's public API asks for one run and one key per request (about 0.1 s each against
    a local server here, 4 per run with 2 GPUs); the endpoint the MLflow web UI uses returns
    one key for up to 100 runs at once. A response that may have been cut off at the
    endpoint's point limit is asked again in halves; a server without the endpoint is read
    one run at a time through the public API.
    """

    ENDPOINT = "/ajax-api/2.0/mlflow/metrics/get-history-bulk"
    MAX_RUNS = 100
    MAX_POINTS = 25_000  # the endpoint's limit per response
    BATCH_POINTS = 20_000  # what a batch is planned to hold, by the runs' last steps

    def __init__(self, client: Any, uri: str, workers: int) -> None:
        from mlflow.utils.credentials import get_default_host_creds

        self.client = client
        # the credentials MlflowClient itself uses, from MLflow's environment variables
        self.creds = get_default_host_creds(uri)  # type: ignore[no-untyped-call]
        self.workers = max(1, workers)

    def read(self, series: Sequence[Series]) -> list[Point]:
        batches = self._plan(series)
        if not batches:
            return []
        try:
            first = self._bulk(batches[0])
        except _NoBulkEndpoint:
            return self._map(self._one, [MetricKey(s.run_id, s.key) for s in series])
        return first + self._map(self._bulk, batches[1:])

    def _plan(self, series: Sequence[Series]) -> list[Batch]:
        batches: list[Batch] = []
        for key in sorted({s.key for s in series}):
            runs: list[str] = []
            points = 0
            for s in series:
                if s.key != key:
                    continue
                if runs and (
                    len(runs) == self.MAX_RUNS or points + s.points_expected > self.BATCH_POINTS
                ):
                    batches.append(Batch(key, runs))
                    runs, points = [], 0
                runs.append(s.run_id)
                points += s.points_expected
            batches.append(Batch(key, runs))
        return batches

    def _map(self, fetch: Callable[[T], list[Point]], items: Sequence[T]) -> list[Point]:
        points: list[Point] = []
        with ThreadPoolExecutor(max_workers=self.workers) as pool:
            for chunk in pool.map(fetch, items):
                points += chunk
        return points

    def _bulk(self, batch: Batch) -> list[Point]:
        from mlflow.utils.rest_utils import http_request, verify_rest_response

        key, run_ids = batch
        params = [("run_id", r) for r in run_ids]
        params += [("metric_key", key), ("max_results", str(self.MAX_POINTS))]
        answer = http_request(  # type: ignore[no-untyped-call]
            self.creds, self.ENDPOINT, "GET", params=params, raise_on_status=False
        )
        if answer.status_code == 404:
            raise _NoBulkEndpoint
        metrics = verify_rest_response(answer, self.ENDPOINT).json().get("metrics", [])
        if len(metrics) >= self.MAX_POINTS:  # perhaps cut off: ask again in halves
            if len(run_ids) == 1:
                return self._one(MetricKey(run_ids[0], key))
            half = len(run_ids) // 2
            return self._bulk(Batch(key, run_ids[:half])) + self._bulk(Batch(key, run_ids[half:]))
        return [Point(m["run_id"], key, int(m["timestamp"]), float(m["value"])) for m in metrics]

    def _one(self, metric: MetricKey) -> list[Point]:
        history = self.client.get_metric_history(metric.run_id, metric.key)
        return [Point(metric.run_id, metric.key, m.timestamp, m.value) for m in history]


def _all_pages(fetch: Callable[[str | None], Any]) -> list[Any]:
    items: list[Any] = []
    token = None
    while True:
        page = fetch(token)
        items += list(page)
        token = page.token
        if not token:
            return items
