"""One writer, many readers (issue 11, holes 3 and 7), proved with real processes.

- 20 read-only commands, run in a loop as subprocesses while the watcher files a 300-file batch:
  every input archived exactly once, no file moved back by a reader, no reader fails (a lock error
  least of all), the scheduled fixity checks that raced the commits raised no alert, every object
  validates; a declaration deleted meanwhile is named in the alert, and the alert clears once restored.
- Two processes ingesting at once: the second says so and exits 2; ``ingest --wait`` waits its turn.
"""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from conftest import VENV_BIN, archived_digests, assert_objects_valid, dossier_cli, wait_until

import dossier_factory as samples
from dossier.archive import Archive, fixity
from dossier.config import load
from dossier.intake import WriterLock

pytestmark = pytest.mark.slow

CLIENT = "恒远机械"
LOCK_WORDS = ("锁", "locked", "LockBusy", "WriterBusy", "Traceback")


def sha512(path: Path) -> str:
    return hashlib.sha512(path.read_bytes()).hexdigest()


def inbox_files(inbox: Path) -> set[Path]:
    """Files still to be dealt with (os.walk: folders the watcher removes while we look are skipped)."""
    found = set()
    for dirpath, dirnames, filenames in os.walk(inbox):
        if Path(dirpath) == inbox:
            dirnames[:] = [d for d in dirnames if d not in ("_failed", "_unsorted")]
        found.update(Path(dirpath) / n for n in filenames
                     if n != "收件回执.txt" and not n.startswith(".收件回执"))
    return found


def exe() -> list[str]:
    return [str(VENV_BIN / "dossier")] if (VENV_BIN / "dossier").exists() else [sys.executable, "-m", "dossier"]


class Watcher:
    def __init__(self, home: Path, log: Path, **settings: str):
        env = {**os.environ, "DOSSIER_SETTLE_SECONDS": "1", "DOSSIER_RESCAN_SECONDS": "3",
               "DOSSIER_POLL_SECONDS": "0.5", "DOSSIER_OCR_ENGINE": "fake", "DOSSIER_OCR_WORKERS": "1",
               **{f"DOSSIER_{k.upper()}": v for k, v in settings.items()}}
        self.log = log
        self.proc = subprocess.Popen([*exe(), "--home", str(home), "watch"], env=env,
                                     stdout=open(log, "w"), stderr=subprocess.STDOUT)
        wait_until(lambda: "正在监视" in self.output(), 60, "the watcher to start")

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            self.proc.wait(timeout=60)


@pytest.fixture
def home(tmp_path) -> Path:
    home = tmp_path / "home"
    assert dossier_cli(home, "init").returncode == 0
    return home


def read_only_commands(out: Path) -> list[list[str]]:
    """Twenty read-only invocations; ``{n}`` makes each pull and overview write somewhere new."""
    return [
        ["list"], ["list", "--json"], ["list", "--documents"],
        ["status"], ["status", "--json"], ["status", CLIENT],
        ["show", CLIENT], ["show", CLIENT, "--json"],
        ["history", CLIENT], ["history", CLIENT, "--json"],
        ["search", "有限公司"], ["search", "统一社会信用代码", "--json"],
        ["log", CLIENT], ["log", CLIENT, "--json"],
        ["verify"], ["verify", CLIENT],
        ["pull", CLIENT, "--out", str(out / "bag-{n}")], ["pull", CLIENT, "--out", str(out / "bag-{n}.zip"), "--json"],
        ["overview", "--out", str(out / "overview-{n}.xlsx")], ["overview", "--out", str(out / "overview-{n}.csv")],
    ]


class Readers:
    """Threads running the read-only commands in a loop until stopped; every run is kept."""

    def __init__(self, home: Path, out: Path, threads: int = 2):
        self.home, self.commands = home, read_only_commands(out)
        assert len(self.commands) == 20
        self.runs: list[tuple[list[str], int, str]] = []
        self.started: list[tuple[int, float]] = []  # (which command, when it started)
        self.stop = threading.Event()
        self._n = 0
        self._lock = threading.Lock()
        self.threads = [threading.Thread(target=self._loop, args=(i,), daemon=True) for i in range(threads)]
        for t in self.threads:
            t.start()

    def _loop(self, offset: int) -> None:
        i = offset * 10
        while not self.stop.is_set():
            with self._lock:
                self._n += 1
                n = self._n
            args = [a.replace("{n}", str(n)) for a in self.commands[i % len(self.commands)]]
            started = time.monotonic()
            proc = dossier_cli(self.home, *args, env={"DOSSIER_SETTLE_SECONDS": "1"})
            with self._lock:
                self.runs.append((args, proc.returncode, proc.stderr))
                self.started.append((i % len(self.commands), started))
            i += 1

    def finish(self) -> None:
        self.stop.set()
        for t in self.threads:
            t.join(timeout=300)


class InboxWatch:
    """Notes every inbox file seen; a file that went away and comes back was moved back (by a reader)."""

    def __init__(self, inbox: Path):
        self.inbox, self.gone, self.back = inbox, set(), set()
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._loop, daemon=True)
        self.seen: set[Path] = set()
        self.thread.start()

    def _loop(self) -> None:
        while not self.stop.is_set():
            now = inbox_files(self.inbox)
            self.back |= now & self.gone
            self.gone |= self.seen - now
            self.seen = now
            time.sleep(0.1)

    def finish(self) -> None:
        self.stop.set()
        self.thread.join(timeout=30)


def test_readers_hammering_a_300_file_watcher_batch(home, tmp_path):
    company = samples.make_company(7, short=CLIENT)
    samples.business_licence_pdf(company, home / "inbox" / CLIENT / "营业执照.pdf")
    first = dossier_cli(home, "ingest")
    assert first.returncode == 0, first.stderr
    expected: dict = dict(archived_digests(home))  # the licence
    drops = []
    for i in range(6):
        folder = tmp_path / "drop" / f"客户{i}"
        for path in samples.make_bulk_pdfs(folder, 50, seed=40 + i):
            expected[sha512(path)] = path.name
        drops.append(folder)
    assert len(expected) == 301
    out = tmp_path / "reads"
    out.mkdir()

    watcher = Watcher(home, tmp_path / "watch.log", verify_hours="0.0004")  # a fixity check every ~1.4 s
    readers = Readers(home, out)
    inbox = InboxWatch(home / "inbox")
    try:
        for chunk in range(5):  # ten files per client folder at a time (same-filesystem mv): commits keep coming
            for folder in drops:
                target = home / "inbox" / folder.name
                target.mkdir(exist_ok=True)
                for path in sorted(folder.iterdir())[:10]:
                    os.rename(path, target / path.name)
                time.sleep(1.5)
        wait_until(lambda: not inbox_files(home / "inbox"), 900, "the inbox to empty")
        batch_done = time.monotonic()
        wait_until(lambda: len(readers.runs) >= 20, 300, "every read-only command to run once")
        fixity_log = load(home, env={}).state_dir / fixity.LOG_NAME
        wait_until(lambda: fixity_log.exists() and len(fixity_log.read_text(encoding="utf-8").splitlines()) >= 3,
                   120, "scheduled fixity checks")
    finally:
        readers.finish()
        inbox.finish()

    try:
        failed = [(args, rc, err[-500:]) for args, rc, err in readers.runs if rc != 0]
        assert not failed, failed
        assert not [(args, err) for args, _rc, err in readers.runs if any(w in err for w in LOCK_WORDS)]
        assert {which for which, _t in readers.started} == set(range(20))  # each of the 20 ran
        during = [which for which, t in readers.started if t < batch_done]
        assert len(during) >= 20, f"only {len(during)} reads started during the batch"
        assert not inbox.back, f"moved back into the inbox: {sorted(map(str, inbox.back))[:5]}"

        checks = [json.loads(line) for line in fixity_log.read_text(encoding="utf-8").splitlines()]
        assert checks and all(c["damaged"] == {} for c in checks), [c for c in checks if c["damaged"]][:1]
        assert not (load(home, env={}).state_dir / fixity.ALERT_NAME).exists()

        before_damage = watcher.output()
        # a declaration deleted under the running watcher: named in the alert, cleared once restored
        archive = Archive(load(home, env={}))
        victim = next(c for c in archive.client_ids() if c != CLIENT)
        declaration = archive.object_path(victim) / "0=ocfl_object_1.1"
        saved = declaration.read_bytes()
        declaration.unlink()
        alert = load(home, env={}).state_dir / fixity.ALERT_NAME
        wait_until(lambda: alert.exists() and victim in alert.read_text(encoding="utf-8"), 120,
                   "the fixity alert to name the damaged object")
        assert "0=ocfl_object_1.1" in alert.read_text(encoding="utf-8")
        declaration.write_bytes(saved)
        wait_until(lambda: not alert.exists(), 120, "the alert to clear once the declaration is restored")
    finally:
        watcher.stop()

    assert "Traceback" not in watcher.output()
    assert " ERROR " not in before_damage and " WARNING " not in before_damage, before_damage[-3000:]
    archived = archived_digests(home)
    assert set(archived) == set(expected)
    assert all(len(paths) == 1 for paths in archived.values()), [p for p in archived.values() if len(p) > 1][:3]
    assert not any((home / "inbox" / "_failed").rglob("*.pdf"))
    assert not any((home / "inbox" / "_unsorted").rglob("*.pdf"))
    assert_objects_valid(home)


def test_two_ingesters_the_second_says_so_and_wait_waits(home, tmp_path):
    for i in range(3):
        samples.make_bulk_pdfs(home / "inbox" / f"客户{i}", 60, seed=70 + i)  # long enough for two more starts
    expected = {sha512(p) for p in inbox_files(home / "inbox")}
    env = {**os.environ, "DOSSIER_SETTLE_SECONDS": "0", "DOSSIER_STALE_SECONDS": "0",
           "DOSSIER_OCR_ENGINE": "fake", "DOSSIER_OCR_WORKERS": "1"}
    first = subprocess.Popen([*exe(), "--home", str(home), "ingest"], env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    lock = WriterLock(load(home, env={}).locks).path  # its holder writes its pid there (no probe: a probe's
    # momentary shared lock could itself turn an ingester away)

    def holds() -> bool:
        try:
            return lock.read_text().strip() == str(first.pid)
        except OSError:
            return False

    try:
        wait_until(lambda: holds() or first.poll() is not None, 60, "the first ingest to take the writer lock")
        assert first.poll() is None, "the first ingest ended before the second could start: make the inbox bigger"
        second = dossier_cli(home, "ingest")
        assert second.returncode == 2, second.stderr
        assert "另一个收件进程" in second.stderr and "--wait" in second.stderr
        waiting = subprocess.Popen([*exe(), "--home", str(home), "ingest", "--wait"], env=env,
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        time.sleep(1)
        # it waits while the first holds the lock: it may have finished only once the first released it (the
        # first process may still be exiting then; the lock file then names the waiting one, not the first)
        done = waiting.poll() is not None
        assert not done or first.poll() is not None or not holds()
        _out, err = first.communicate(timeout=900)
        assert first.returncode == 0, err
        _w_out, w_err = waiting.communicate(timeout=300)
        assert waiting.returncode == 0, w_err
    finally:
        for proc in (first,):
            if proc.poll() is None:
                proc.kill()
    archived = archived_digests(home)
    assert set(archived) == expected
    assert all(len(paths) == 1 for paths in archived.values())
    assert_objects_valid(home)
