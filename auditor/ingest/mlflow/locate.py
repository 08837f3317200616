"""Which MLflow store a URI or path names, and how it is to be read."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Literal
from urllib.parse import unquote, urlsplit, urlunsplit

from auditor.errors import InputError, UsageError

SQLITE_MAGIC = b"SQLite format 3\x00"


@dataclass(frozen=True)
class StoreRef:
    """A tracking store: its kind, where it is, and the URI it is known by (no credentials)."""

    kind: Literal["file", "sqlite", "http"]
    uri: str  # normalised; becomes the rows' src_file
    location: str  # directory or database path, or the URI handed to MlflowClient
    name: str  # short, for the rows' cluster: the server's host, the file or directory name


def resolve_store(uri: str | None) -> StoreRef:
    """The store ``uri`` names (default ``$MLFLOW_TRACKING_URI``).

    Raises UsageError for a URI auditor does not read, InputError for a missing path.
    """
    if uri is None:
        uri = os.environ.get("MLFLOW_TRACKING_URI") or None
    if not uri:
        raise UsageError(
            "no MLflow store given. Pass --tracking-uri (an mlruns directory, "
            "sqlite:///path/mlflow.db or http://host:port) or set MLFLOW_TRACKING_URI."
        )
    parts = urlsplit(uri)
    scheme = parts.scheme.lower()
    if scheme in ("http", "https"):
        if not parts.hostname:
            raise UsageError(f"'{uri}' names no host. Use e.g. http://127.0.0.1:5000.")
        netloc = parts.hostname.lower()
        if ":" in netloc:
            netloc = f"[{netloc}]"
        if parts.port is not None:
            netloc += f":{parts.port}"
        clean = urlunsplit((scheme, netloc, parts.path.rstrip("/"), "", ""))
        return StoreRef(kind="http", uri=clean, location=uri, name=parts.hostname.lower())
    if scheme == "sqlite":
        # SQLAlchemy form: sqlite:///relative.db, sqlite:////absolute.db
        rest = uri[len("sqlite:") :].split("?", 1)[0]
        if not rest.startswith("///") or rest[3:] in ("", ":memory:"):
            raise UsageError(f"'{uri}' names no database file. Use sqlite:///path/to/mlflow.db.")
        path = _existing(Path(unquote(rest[3:])), uri)
        return _sqlite(path)
    if scheme == "file":
        if parts.netloc not in ("", "localhost"):
            raise UsageError(f"'{uri}' names a remote host. Copy the directory here first.")
        path = _existing(Path(unquote(parts.path)), uri)
        return _local(path, uri)
    if len(scheme) > 1:  # one letter is a Windows drive, anything else a scheme we do not read
        shown = urlunsplit(parts._replace(netloc=parts.hostname or ""))
        raise UsageError(
            f"'{shown}': {scheme} stores are not read directly. Run 'mlflow server "
            "--backend-store-uri ...' on it and pass the server's http:// address."
        )
    return _local(_existing(Path(uri), uri), uri)


def _existing(path: Path, uri: str) -> Path:
    path = path.expanduser()
    if not path.exists():
        raise InputError("no such file or directory", file=uri, hint="Check --tracking-uri.")
    return path.resolve()


def _inside_store(path: Path, uri: str) -> None:
    """Raises UsageError when ``path`` is an experiment or run folder of a file store (it
    holds a meta.yaml, which a store's root never does), naming the store's root."""
    if not (path / "meta.yaml").is_file():
        return
    experiment, what = path, "an experiment folder"
    if (path.parent / "meta.yaml").is_file():
        experiment, what = path.parent, "a run folder"
    root = experiment.parent
    if root.name == ".trash":  # a deleted experiment
        root = root.parent
    raise UsageError(
        f"{uri} is {what} of the store {root}/; use --tracking-uri {root} "
        f"(with --experiment {experiment.name} for this experiment alone)."
    )


def _local(path: Path, uri: str) -> StoreRef:
    if path.is_dir():
        _inside_store(path, uri)
        return StoreRef(kind="file", uri=path.as_uri(), location=str(path), name=path.name)
    try:
        with path.open("rb") as fh:
            head = fh.read(len(SQLITE_MAGIC))
    except OSError as exc:
        raise InputError(f"cannot read it ({exc.strerror})", file=uri) from None
    if head != SQLITE_MAGIC:
        raise InputError(
            "neither an mlruns directory nor an MLflow SQLite database",
            file=uri,
            hint="Pass the mlruns directory, sqlite:///path/mlflow.db or a server's http:// URI.",
        )
    return _sqlite(path)


def _sqlite(path: Path) -> StoreRef:
    return StoreRef(kind="sqlite", uri="sqlite:///" + str(path), location=str(path), name=path.name)
