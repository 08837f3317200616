"""The one exception tree of auditor, and the exit code each maps to.

    AuditorError                 anything the user can fix; never a bug
    ├── InputError               a bad input file, row or value (exit 1)
    ├── UsageError               options that contradict each other (exit 2)
    ├── ConfigError              a bad auditor.toml or preset (exit 3)
    ├── MissingFactor            a GPU model, region or price with no factor (exit 4)
    ├── StoreError               the database cannot be opened, is locked or too new (exit 5)
    └── LimitError               out of memory or disk space (exit 6)

The CLI catches ``AuditorError`` in one place and prints ``auditor: error: <message>``;
any other exception is a bug and keeps its traceback.
"""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    OK = 0
    INPUT = 1
    USAGE = 2
    CONFIG = 3
    MISSING_FACTOR = 4
    STORE = 5
    LIMIT = 6


class AuditorError(Exception):
    """Base of every error a user can fix."""

    exit_code: ExitCode = ExitCode.INPUT


class InputError(AuditorError):
    """A bad input file, row or value: says where, what, and how to fix it."""

    exit_code = ExitCode.INPUT

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        line: int | str | None = None,
        column: str | None = None,
        hint: str | None = None,
    ) -> None:
        self.message = message
        self.file = file
        self.line = line
        self.column = column
        self.hint = hint
        super().__init__(str(self))

    def __str__(self) -> str:
        where = ""
        if self.file is not None:
            where = f"{self.file}:{self.line}: " if self.line is not None else f"{self.file}: "
        text = where + self.message
        if self.column:
            text += f" (column {self.column})"
        text += "."
        if self.hint:
            text += " " + self.hint
        return text


class UsageError(AuditorError):
    """Options that cannot be used together or name something that does not exist."""

    exit_code = ExitCode.USAGE


class ConfigError(AuditorError):
    """A configuration file or preset that cannot be used."""

    exit_code = ExitCode.CONFIG


class MissingFactor(AuditorError):
    """A factor (GPU power, grid intensity, price) that no table or config provides."""

    exit_code = ExitCode.MISSING_FACTOR


class StoreError(AuditorError):
    """The database cannot be opened, is locked by another process, or is too new."""

    exit_code = ExitCode.STORE


class LimitError(AuditorError):
    """The machine ran out of memory or disk space for this work."""

    exit_code = ExitCode.LIMIT
