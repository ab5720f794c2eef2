"""Shared fixtures: a fresh dossier home per test, synthetic documents from dossier_factory."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from dossier import config as config_mod
from dossier.pipeline import Pipeline, init_home

SHARED = Path(__file__).resolve().parents[2] / "shared"
OCFL_FIXTURES = SHARED / "fixtures" / "ocfl" / "1.1"
VENV_BIN = Path(sys.executable).parent


def make_config(home: Path, **overrides) -> config_mod.Config:
    values = {"settle_seconds": 0, "stale_seconds": 0, "rescan_seconds": 1, "ocr_engine": "fake", "ocr_workers": 1}
    values.update(overrides)
    return config_mod.load(home, env={}, overrides=values)


@pytest.fixture
def home(tmp_path) -> config_mod.Config:
    cfg = make_config(tmp_path / "home")
    init_home(cfg)
    return cfg


def ingest(cfg: config_mod.Config, **kwargs):
    pipe = Pipeline(cfg)
    try:
        pipe.start()
        return pipe.ingest(**kwargs)
    finally:
        pipe.close()


def by_source(outcomes) -> dict:
    return {o.source: o for o in outcomes}


def ocfl_validate(object_path: Path) -> tuple[bool, str]:
    """ocfl-py's validator, per object (its storage-root exit code is unreliable)."""
    script = VENV_BIN / "ocfl-validate.py"
    if not script.exists():
        found = shutil.which("ocfl-validate.py")
        if not found:
            pytest.skip("ocfl-validate.py (ocfl-py) is not installed: run `make setup`")
        script = Path(found)
    proc = subprocess.run([sys.executable, str(script), str(object_path)], capture_output=True, text=True)
    return proc.returncode == 0 and "is VALID" in proc.stdout, proc.stdout + proc.stderr



def archived_digests(home: Path) -> dict[str, list[str]]:
    """sha512 -> the client:path entries holding it, over the head of every client of ``home``."""
    from dossier.archive import Archive

    archive = Archive(config_mod.load(home, env={}))
    out: dict[str, list[str]] = {}
    for client in archive.client_ids():
        for doc in archive.snapshot(client).documents:
            out.setdefault(doc.sha512, []).append(f"{client}:{doc.path}")
    return out


def assert_objects_valid(home: Path) -> None:
    """Every object of ``home`` validates with ocfl-py."""
    from dossier.archive import Archive

    archive = Archive(config_mod.load(home, env={}))
    for client in archive.client_ids():
        ok, out = ocfl_validate(archive.object_path(client))
        assert ok, out


def wait_until(predicate, timeout: float, what: str) -> None:
    """Poll ``predicate`` every 0.2 s until it is true; AssertionError naming ``what`` after ``timeout`` s."""
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")

def dossier_cli(home: Path, *args: str, env: dict | None = None, **kwargs) -> subprocess.CompletedProcess:
    """Run the installed console script as a user would."""
    full_env = {**os.environ, "DOSSIER_SETTLE_SECONDS": "0", "DOSSIER_STALE_SECONDS": "0",
                "DOSSIER_OCR_ENGINE": "fake", "DOSSIER_OCR_WORKERS": "1", **(env or {})}
    exe = VENV_BIN / "dossier"
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "dossier"]
    return subprocess.run([*cmd, "--home", str(home), *args], capture_output=True, text=True, env=full_env, **kwargs)


def json_lines(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines() if line.strip().startswith("{")]


@pytest.fixture
def env(tmp_path, monkeypatch):
    """A home for the click CLI, chosen through DOSSIER_HOME as a user would (fake OCR, no waiting)."""
    home = tmp_path / "home"
    for key, value in {"DOSSIER_HOME": str(home), "DOSSIER_SETTLE_SECONDS": "0", "DOSSIER_STALE_SECONDS": "0",
                       "DOSSIER_OCR_ENGINE": "fake", "DOSSIER_OCR_WORKERS": "1"}.items():
        monkeypatch.setenv(key, value)
    return home


def run(*args, ok=True):
    """Invoke the CLI in-process; with ok=True it must succeed."""
    from click.testing import CliRunner

    from dossier.cli import cli

    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    if ok:
        assert result.exit_code == 0, result.output
    return result
