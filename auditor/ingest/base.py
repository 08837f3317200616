"""The importer contract: a source in, canonical job rows (auditor.schema.JOB_SCHEMA) out.

Importers never write to the database; ``auditor.store.Store.ingest`` does. Each returns an
``ImportResult``. Strict by default: the first bad row raises ``InputError`` naming file,
line and column; with ``skip_bad_rows`` such rows are left out and counted instead.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pyarrow as pa

from auditor import sql
from auditor.duck import limit_error
from auditor.errors import AuditorError, InputError, UsageError


@dataclass(frozen=True)
class Relation:
    """Canonical job rows as a view on an importer's own connection (an in-memory DuckDB).
    The store attaches its database to that connection and inserts the rows in place, with
    no copy through Arrow; the importer still writes nothing."""

    con: duckdb.DuckDBPyConnection
    view: str
    # DuckDB settings in force while the view is read, and only then (the store's own
    # queries after it plan as usual)
    settings: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class SkippedRow:
    file: str
    line: int | str
    reason: str


@dataclass
class ImportResult:
    table: pa.Table | Relation  # a Relation is read in place, by the store
    rows_read: int
    skipped: list[SkippedRow] = field(default_factory=list)  # the first few, for the report
    skipped_count: int = 0
    notes: list[str] = field(default_factory=list)  # facts the user should see, e.g. the zone


def existing_file(path: str, kind: str) -> Path:
    """``path`` as a file to read, else InputError saying it is missing or is a directory
    (``kind`` names what was expected: 'a sacct dump')."""
    p = Path(path)
    if not p.exists():
        raise InputError("no such file", file=path, hint="Check the path.")
    if p.is_dir():
        raise InputError(f"is a directory, not {kind}", file=path)
    return p


def read_failure(
    exc: duckdb.OutOfMemoryException | duckdb.IOException, paths: list[str]
) -> AuditorError:
    """The user's sentence for DuckDB failing to read ``paths``: a limit, or an unreadable file."""
    if isinstance(exc, duckdb.OutOfMemoryException) or "space" in str(exc).lower():
        return limit_error(exc)
    return InputError(f"cannot be read ({str(exc).splitlines()[0]})", file=",".join(paths))


GROUP_FIELDS = ("account", "wckey", "partition", "user", "comment", "jobname", "tag", "array")


@dataclass(frozen=True)
class GroupSpec:
    """Where a project or sweep name comes from: ``account``, ``jobname:REGEX``, ``tag:NAME``..."""

    kind: str
    arg: str | None = None

    @classmethod
    def parse(cls, text: str, option: str) -> GroupSpec:
        kind, sep, arg = text.partition(":")
        kind = kind.strip().lower()
        if kind not in GROUP_FIELDS:
            raise UsageError(
                f"{option} '{text}' is not known. Try one of: account, wckey, partition, user, "
                "comment, array, jobname:REGEX, tag:NAME."
            )
        if kind in ("jobname", "tag") and not arg:
            raise UsageError(f"{option} {kind} needs a value, e.g. {kind}:{_EXAMPLE[kind]}.")
        if kind == "jobname":
            try:
                re.compile(arg)
            except re.error as exc:
                raise UsageError(f"{option} '{text}': not a regular expression ({exc}).") from None
        if kind not in ("jobname", "tag") and sep:
            raise UsageError(f"{option} {kind} takes no value.")
        return cls(kind, arg or None)

    def params(self, prefix: str) -> dict[str, str | int]:
        group = 0
        if self.kind == "jobname" and self.arg:
            group = 1 if re.compile(self.arg).groups else 0
        return {
            f"{prefix}_kind": self.kind,
            f"{prefix}_arg": self.arg or "",
            f"{prefix}_group": group,
        }


_EXAMPLE = {"jobname": "'^(\\w+)-'", "tag": "experiment"}


def apply_grouping(
    con: duckdb.DuckDBPyConnection,
    relation: str,
    project: GroupSpec | None,
    sweep: GroupSpec | None,
    *,
    in_place: bool = False,
    settings: Mapping[str, str] | None = None,
) -> pa.Table | Relation:
    """Canonical rows of ``relation`` with project and sweep re-derived as the specs say.

    A spec of None keeps the importer's own default; a field that is empty gives '(none)'.
    With ``in_place`` the rows come as a view on ``con`` (the temp view ``import_rows``),
    which the store reads where it is, under the DuckDB ``settings`` given: the importer
    then never holds the whole export.
    """
    params: dict[str, str | int] = {}
    if project is None and sweep is None:
        text = sql.fill("store/import_rows", relation=relation)
    else:
        for prefix, spec in (("project", project), ("sweep", sweep)):
            params.update((spec or GroupSpec("keep")).params(prefix))
        text = sql.fill("store/apply_grouping", relation=relation)
    # a view cannot take parameters: they are put in as literals
    con.execute(sql.with_literals(text, params))
    if in_place:
        return Relation(con, "import_rows", dict(settings or {}))
    table: pa.Table = con.view("import_rows").to_arrow_table()
    return table
