"""Writing test stores with the mlflow library."""

from __future__ import annotations

import contextlib
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest


@contextlib.contextmanager
def writing_store(cwd: Path, file_store: bool = False) -> Iterator[None]:
    """While the mlflow library writes a test store: in ``cwd``, with the opt-in MLflow >= 3.13
    needs for a file store, and its own dependencies' deprecation warnings silenced."""
    with pytest.MonkeyPatch.context() as mp, warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        if file_store:
            mp.setenv("MLFLOW_ALLOW_FILE_STORE", "true")
        mp.chdir(cwd)
        yield
