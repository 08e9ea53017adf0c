"""The documented production environment (.env.example), filled in for tests."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ENV_EXAMPLE = ROOT / ".env.example"
# What a subprocess keeps from the test's own environment: nothing that configures EventHub.
_PASSED_THROUGH = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR")


def read_env_file(path: Path = ENV_EXAMPLE) -> dict[str, str]:
    """Return the `NAME=value` lines of an env file (comments and blank lines skipped)."""
    values = {}
    for line in path.read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#") and "=" in line:
            name, value = line.split("=", 1)
            values[name.strip()] = value.strip()
    return values


def production_environment(**overrides: str) -> dict[str, str]:
    """Return .env.example with its secrets generated, plus `overrides`."""
    values = read_env_file()
    password = secrets.token_urlsafe(16)
    values.update(
        SECRET_KEY=secrets.token_urlsafe(50),
        QR_SIGNING_KEYS=secrets.token_urlsafe(32),
        POSTGRES_PASSWORD=password,
        DATABASE_URL=values["DATABASE_URL"].replace("CHANGE-ME-postgres-password", password),
    )
    values.update(overrides)
    return values


def process_environment(values: dict[str, str]) -> dict[str, str]:
    """Return `values` as a whole process environment (PATH and locale kept)."""
    return {name: os.environ[name] for name in _PASSED_THROUGH if name in os.environ} | values


def run_python(*args: str, env: dict[str, str], timeout: float = 120) -> subprocess.CompletedProcess:
    """Run this Python in the project directory with only `env` (and PATH) as its environment."""
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=process_environment(env), capture_output=True, text=True,
        timeout=timeout,
    )
