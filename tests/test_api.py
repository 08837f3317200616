"""The public surface stays small and explicit."""

from __future__ import annotations

import auditor.api
import auditor.errors
from auditor.errors import AuditorError, ExitCode, InputError


def test_api_all_names_exist() -> None:
    for name in auditor.api.__all__:
        assert hasattr(auditor.api, name), name
    assert {"ingest_slurm", "summary", "jobs"} <= set(auditor.api.__all__)


def test_every_error_has_its_own_exit_code() -> None:
    classes = [
        c
        for c in vars(auditor.errors).values()
        if isinstance(c, type) and issubclass(c, AuditorError) and c is not AuditorError
    ]
    codes = [c.exit_code for c in classes]
    assert len(set(codes)) == len(codes)
    assert ExitCode.OK not in codes


def test_input_error_reads_file_line_column_fix() -> None:
    err = InputError("bad", file="d.txt", line=17, column="AllocTRES", hint="Fix it.")
    assert str(err) == "d.txt:17: bad (column AllocTRES). Fix it."
