"""SIGKILL at random points of real ingestions: nothing lost, nothing twice, every object valid."""

from __future__ import annotations

import hashlib
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import VENV_BIN, dossier_cli, ocfl_validate
import dossier_factory as samples
from dossier.archive import Archive
from dossier.config import load

pytestmark = pytest.mark.slow

CLIENTS = ("恒远机械", "瑞丰纺织", "华茂食品")


def sha512(path: Path) -> str:
    return hashlib.sha512(path.read_bytes()).hexdigest()


def drop(inbox: Path, rng: random.Random, n: int, serial: list[int], expected: dict[str, str]) -> None:
    for _ in range(n):
        serial[0] += 1
        folder = inbox / rng.choice(CLIENTS)
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"扫描件({serial[0]}).pdf"
        samples.generic_pdf(path, f"第 {serial[0]} 份", [f"随机内容 {rng.random()}"])
        expected[sha512(path)] = path.relative_to(inbox).as_posix()


def test_sigkill_many_times_then_rerun(tmp_path):
    home = tmp_path / "home"
    assert dossier_cli(home, "init").returncode == 0
    inbox = home / "inbox"
    rng = random.Random(20261129)
    expected: dict[str, str] = {}
    serial = [0]
    drop(inbox, rng, 12, serial, expected)
    exe = [str(VENV_BIN / "dossier")] if (VENV_BIN / "dossier").exists() else [sys.executable, "-m", "dossier"]
    env = {**os.environ, "DOSSIER_SETTLE_SECONDS": "0", "DOSSIER_STALE_SECONDS": "0"}

    kills = 0
    for _ in range(40):
        drop(inbox, rng, rng.randint(2, 8), serial, expected)
        proc = subprocess.Popen([*exe, "--home", str(home), "ingest", "--no-wait"], env=env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        # A run of a few files takes 0.1-0.5 s here: spread kills over start-up, claiming,
        # reading, committing and releasing.
        time.sleep(rng.uniform(0.05, 0.6))
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            kills += 1
        proc.wait()
    assert kills >= 15, "the kill window missed the ingestions: adjust the timing"

    final = dossier_cli(home, "ingest")
    assert final.returncode == 0, final.stdout + final.stderr

    left = [p for p in inbox.rglob("*") if p.is_file() and p.name != "收件回执.txt"]
    assert left == [], f"files left in the inbox: {left}"
    cfg = load(home, env={})
    archive = Archive(cfg)
    archived: dict[str, list[str]] = {}
    for client in archive.client_ids():
        for doc in archive.snapshot(client).documents:
            archived.setdefault(doc.sha512, []).append(f"{client}:{doc.path}")
        ok, out = ocfl_validate(archive.object_path(client))
        assert ok, out
    assert set(archived) == set(expected)
    assert {d: p for d, p in archived.items() if len(p) > 1} == {}, "a file was archived twice"
    assert not any(cfg.staging.iterdir()) if cfg.staging.exists() else True
    verify = dossier_cli(home, "verify")
    assert verify.returncode == 0, verify.stdout
