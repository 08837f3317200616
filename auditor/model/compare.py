"""Scenarios: the same jobs priced under several settings, side by side (``auditor compare``).

A scenario is ``current`` (the settings in force), ``preset:NAME`` or a config file, laid
over the settings in force key by key (``settings.layer``); ``NAME=SPEC`` names it. Each
scenario's summary is computed on one store connection, then the tables are joined on their
group keys in Arrow: a column no scenario changes comes once under its own name, any other
once per scenario as ``COLUMN@NAME``, with ``COLUMN@NAME_delta`` (this scenario minus the
first) for every scenario after the first.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

from auditor.errors import AuditorError, InputError, UsageError
from auditor.model import tables
from auditor.model.footprint import notes_of, with_notes
from auditor.settings import Settings, layer
from auditor.store import Store

CURRENT = "current"
DELTA = "_delta"
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.+-]*")


@dataclass(frozen=True)
class Scenario:
    """A scenario's name and the settings it prices the jobs with."""

    name: str
    settings: Settings


def _check_name(name: str, spec: str) -> str:
    if not _NAME.fullmatch(name) or name.endswith(DELTA):
        raise UsageError(
            f"scenario '{spec}': '{name}' cannot name a scenario (letters, digits and _ . + -, "
            f"not ending in '{DELTA}'); name it with NAME=SPEC."
        )
    return name


def scenarios(specs: Sequence[str], base: Settings) -> list[Scenario]:
    """The scenarios ``specs`` give over ``base``. Raises UsageError (none, a bad or repeated
    name) or ConfigError (an unknown preset, a missing or bad file)."""
    if not specs:
        raise UsageError("compare needs a scenario: current, preset:NAME or a config file.")
    out: list[Scenario] = []
    for given in specs:
        name, eq, spec = given.partition("=")
        if not eq or not _NAME.fullmatch(name):
            name, spec = "", given
        if not spec:
            raise UsageError(f"scenario '{given}': nothing after '='; give current, preset:NAME "
                             "or a config file.")  # fmt: skip
        if spec == CURRENT:
            settings, default = base, CURRENT
        elif spec.startswith("preset:"):
            preset = spec.removeprefix("preset:")
            settings, default = layer(base, preset=preset), preset
        else:
            settings, default = layer(base, config=spec), Path(spec).stem
        name = _check_name(name or default, given)
        if any(s.name == name for s in out):
            raise UsageError(
                f"two scenarios are named '{name}'; name one with NAME=SPEC (e.g. {name}2={spec})."
            )
        out.append(Scenario(name, settings))
    return out


def summaries(
    store: Store,
    chosen: Sequence[Scenario],
    *,
    by: str,
    project: str | None,
    include_running: bool,
    units: str,
) -> list[pa.Table]:
    """Each scenario's summary, on ``store``'s one connection. A scenario's AuditorError is
    raised again, of the same class, with the scenario's name in front."""
    out = []
    for scenario in chosen:
        try:
            out.append(
                tables.summary(
                    store,
                    scenario.settings,
                    by=by,
                    project=project,
                    include_running=include_running,
                    units=units,
                )
            )
        except InputError:
            raise  # it names its file and line already
        except AuditorError as exc:
            raise type(exc)(f"scenario '{scenario.name}': {exc}") from None
    return out


def _numeric(t: pa.DataType) -> bool:
    return bool(pa.types.is_integer(t) or pa.types.is_floating(t) or pa.types.is_decimal(t))


def side_by_side(
    chosen: Sequence[Scenario],
    results: Sequence[pa.Table],
    keys: Sequence[str],
    only: Sequence[str] = (),
) -> pa.Table:
    """The scenarios' summaries joined on ``keys`` (see the module's docstring), sorted by
    them, with every scenario's notes, prefixed with the names of the scenarios that gave
    them; ``only`` keeps those columns. Raises UsageError for a column no summary has."""
    names = [s.name for s in chosen]
    columns: list[str] = []
    for table in results:
        columns += [c for c in table.column_names if c not in keys and c not in columns]
    unknown = [c for c in only if c not in columns]
    if unknown:
        raise UsageError(
            f"--columns: no column '{unknown[0]}' in the summary. Try one of: {', '.join(columns)}."
        )
    if only:
        columns = list(dict.fromkeys(only))
        results = [
            t.select([c for c in t.column_names if c in keys or c in columns]) for t in results
        ]
    renamed = [
        table.rename_columns(
            [c if c in keys else f"{c}@{name}" for c in table.column_names]
        ).replace_schema_metadata(None)
        for name, table in zip(names, results, strict=True)
    ]
    joined = renamed[0]
    for table in renamed[1:]:
        joined = joined.join(table, list(keys), join_type="full outer")
    joined = joined.sort_by([(k, "ascending") for k in keys])

    out = joined.select(list(keys))
    for column in columns:
        here = [n for n in names if f"{column}@{n}" in joined.column_names]
        values = [joined.column(f"{column}@{n}") for n in here]
        if len(here) == len(names) and all(v.equals(values[0]) for v in values[1:]):
            out = out.append_column(column, values[0])  # no scenario changes it
            continue
        first = f"{column}@{names[0]}"
        for n, v in zip(here, values, strict=True):
            out = out.append_column(f"{column}@{n}", v)
            if n != names[0] and first in joined.column_names and _numeric(v.type):
                out = out.append_column(f"{column}@{n}{DELTA}", pc.subtract(v, joined[first]))

    said: dict[str, list[str]] = {}
    for name, table in zip(names, results, strict=True):
        for note in notes_of(table):
            said.setdefault(note, []).append(name)
    notes = [f"{', '.join(who)}: {note}" for note, who in said.items()]
    return with_notes(out, notes)
