"""The Java that pyspark starts: the system's, installed from Debian's packages under CI.

Used by the tests of ``--engine spark`` and by ``scripts/bench.py``. Spark 3.5 runs on Java 17;
pyspark starts ``$JAVA_HOME/bin/java``, else ``java`` on PATH.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

PACKAGE = "openjdk-17-jre-headless"


def find_java() -> str | None:
    """The java pyspark would start, or None."""
    home = os.environ.get("JAVA_HOME")
    if home:
        java = Path(home) / "bin" / "java"
        return str(java) if java.is_file() else None
    return shutil.which("java")


def install_java() -> tuple[str | None, str]:
    """Java's path, installing Debian's JRE 17 when it is missing, CI=true and running as root
    with apt-get. Returns (path or None, why it is missing and what to install)."""
    found = find_java()
    if found:
        return found, ""
    why = f"no Java for Spark: apt-get install {PACKAGE} (or set JAVA_HOME to a Java 17)"
    if os.environ.get("CI") != "true" or os.geteuid() != 0 or not shutil.which("apt-get"):
        return None, why
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    install = ["apt-get", "install", "-y", "--no-install-recommends", PACKAGE]
    done = subprocess.run(install, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:  # a fresh machine may have no package lists yet
        subprocess.run(["apt-get", "update"], env=env, capture_output=True, check=False)
        done = subprocess.run(install, env=env, capture_output=True, text=True, check=False)
    found = find_java()
    if found:
        return found, ""
    tail = (done.stderr or done.stdout).strip().splitlines()[-1:] or ["no output"]
    return None, f"apt-get install {PACKAGE} failed: {tail[0]}"
