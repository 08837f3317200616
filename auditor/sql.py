"""SQL files of the package, and the helpers that quote identifiers and literals."""

from __future__ import annotations

import re
import weakref
from collections.abc import Mapping, Sequence
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import duckdb


_SLOT = re.compile(r"\{\{(\w+)\}\}")


@cache
def _text(name: str) -> str:
    path = resources.files("auditor.queries")
    *folders, file = name.split("/")
    for folder in folders:
        path = path.joinpath(folder)
    return path.joinpath(f"{file}.sql").read_text("utf-8")


@cache
def query(name: str) -> str:
    """Text of ``auditor/queries/<name>.sql``; ``name`` holds the stage's folder
    (``"slurm/canonical"``). A query with ``{{slot}}``s is read through ``fill``: here it
    raises ``KeyError``."""
    text = _text(name)
    slots = sorted(set(_SLOT.findall(text)))
    if slots:
        raise KeyError(f"{name}.sql has slots {slots}: read it with sql.fill")
    return text


def fill(name: str, **identifiers: str | Sequence[str]) -> str:
    """Query ``name`` with each ``{{slot}}`` replaced by the identifier given for it, quoted
    (a sequence becomes a comma-separated list). The one way an identifier enters SQL: values
    go in as DuckDB parameters (``$name``). A slot without an identifier, or an identifier
    without a slot, is a bug and raises ``KeyError``."""
    text = _text(name)
    slots = set(_SLOT.findall(text))
    if slots != set(identifiers):
        raise KeyError(f"{name}.sql: slots {sorted(slots)}, given {sorted(identifiers)}")

    def ident(found: re.Match[str]) -> str:
        value = identifiers[found.group(1)]
        if isinstance(value, str):
            return quote_ident(value)
        return ", ".join(map(quote_ident, value))

    return _SLOT.sub(ident, text)


def migrations() -> list[tuple[int, str, str]]:
    """Every migration as (version, name, sql), in order."""
    found = []
    for entry in resources.files("auditor.migrations").iterdir():
        if entry.name.endswith(".sql"):
            version, _, name = entry.name.removesuffix(".sql").partition("_")
            found.append((int(version), name, entry.read_text("utf-8")))
    return sorted(found)


def quote_ident(name: str) -> str:
    """Quote an identifier for DuckDB: every identifier built at run time goes through here."""
    return '"' + name.replace('"', '""') + '"'


def quote_literal(value: str) -> str:
    """Quote a string as a DuckDB literal, for the few values a view must hold as text."""
    return "'" + value.replace("'", "''") + "'"


Literal = str | int | Sequence[str] | Sequence[int]


def _literal(value: Literal) -> str:
    if isinstance(value, str):
        return quote_literal(value)
    if isinstance(value, int):
        return str(value)
    return "[" + ", ".join(_literal(v) for v in value) + "]"


def with_literals(text: str, values: Mapping[str, Literal]) -> str:
    """``text`` with each parameter ``$name`` of ``values`` put in as a literal (a string
    quoted; a list untyped: cast it where it may be empty), for a query that becomes a view,
    which cannot take parameters. One pass: a value that holds ``$name`` itself is never
    filled in again."""
    if not values:
        return text
    names = "|".join(sorted(map(re.escape, values), key=len, reverse=True))

    def literal(found: re.Match[str]) -> str:
        return _literal(values[found.group(1)])

    return re.sub(rf"\$({names})\b", literal, text)


class Pipeline:
    """The steps of an importer or of the store, query names in the order they run, walked on
    one connection: a step may be left out or run again, never run before one listed ahead of
    it, so the order written in the tuple is the order the queries run in."""

    def __init__(self, con: duckdb.DuckDBPyConnection, steps: Sequence[str]) -> None:
        self.con = con
        self.steps = tuple(steps)
        self._at = 0

    def text(self, name: str, **identifiers: str | Sequence[str]) -> str:
        """The SQL of step ``name``, filled (``fill``); raises ValueError for a step not in
        the pipeline after the last step run (a step listed twice runs twice)."""
        if name not in self.steps[self._at :]:
            raise ValueError(
                f"{name} runs after {self.steps[self._at]}, but is not listed after it"
            )
        self._at = self.steps.index(name, self._at)
        return fill(name, **identifiers)

    def run(
        self,
        name: str,
        params: Mapping[str, Any] | None = None,
        **identifiers: str | Sequence[str],
    ) -> duckdb.DuckDBPyConnection:
        """Run step ``name`` with the values ``params``; the connection, to fetch from."""
        return self.con.execute(self.text(name, **identifiers), params)


def define_macros(con: duckdb.DuckDBPyConnection) -> None:
    """Define the package's SQL macros (``gpu_key`` ...) on ``con``."""
    con.execute(query("store/macros"))


_TEMP_MACROS: weakref.WeakSet[Any] = weakref.WeakSet()  # the connections that have them


def define_temp_macros(con: duckdb.DuckDBPyConnection) -> None:
    """The same macros as temp macros: a read-only store can hold those, not others. Once per
    connection: they never change, and defining them takes a few hundredths of a second."""
    if con in _TEMP_MACROS:
        return
    con.execute(
        query("store/macros").replace("CREATE OR REPLACE MACRO", "CREATE OR REPLACE TEMP MACRO")
    )
    _TEMP_MACROS.add(con)
