"""The watcher as the clerks' service: volume, files still being written, SIGTERM, bad input."""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import VENV_BIN, archived_digests, assert_objects_valid, dossier_cli, wait_until
import dossier_factory as samples
from dossier.archive import Archive
from dossier.config import load

pytestmark = pytest.mark.slow


def sha512(path: Path) -> str:
    return hashlib.sha512(path.read_bytes()).hexdigest()


def inbox_files(inbox: Path) -> list[Path]:
    """Files still to be dealt with (a claimed file stays in the inbox until the archive holds it).

    os.walk, not rglob: the watcher removes work folders while we look (walk skips what vanished).
    """
    found = []
    for dirpath, dirnames, filenames in os.walk(inbox):
        if Path(dirpath) == inbox:
            dirnames[:] = [d for d in dirnames if d not in ("_failed", "_unsorted")]
        for name in filenames:
            if name != "收件回执.txt" and not name.startswith(".收件回执"):
                found.append(Path(dirpath) / name)
    return found


class Watcher:
    def __init__(self, home: Path, tmp: Path, *args: str, settle: float = 1.0):
        exe = [str(VENV_BIN / "dossier")] if (VENV_BIN / "dossier").exists() else [sys.executable, "-m", "dossier"]
        env = {**os.environ, "DOSSIER_SETTLE_SECONDS": str(settle), "DOSSIER_RESCAN_SECONDS": "3",
               "DOSSIER_POLL_SECONDS": "0.5"}
        self.log = tmp / "watch.log"
        self.proc = subprocess.Popen([*exe, "--home", str(home), "watch", *args], env=env,
                                     stdout=open(self.log, "w"), stderr=subprocess.STDOUT)
        wait_until(lambda: "正在监视" in self.log.read_text(encoding="utf-8"), 30, "the watcher to start")

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8")

    def stop(self) -> float:
        started = time.monotonic()
        self.proc.send_signal(signal.SIGTERM)
        self.proc.wait(timeout=30)
        return time.monotonic() - started


@pytest.fixture
def home(tmp_path) -> Path:
    home = tmp_path / "home"
    assert dossier_cli(home, "init").returncode == 0
    return home


def prepare_drop(tmp: Path, folders: int, per_folder: int, seed: int) -> tuple[list[Path], dict[str, str]]:
    staged, expected = [], {}
    for i in range(folders):
        folder = tmp / f"drop-{seed}" / f"客户{seed}-{i}"
        for path in samples.make_bulk_pdfs(folder, per_folder, seed=seed * 100 + i):
            expected[sha512(path)] = path.name
        staged.append(folder)
    return staged, expected


def test_1000_files_dropped_at_once_are_each_archived_once(home, tmp_path):
    staged, expected = prepare_drop(tmp_path, 5, 200, seed=1)
    assert len(expected) == 1000
    watcher = Watcher(home, tmp_path)
    try:
        for folder in staged:  # same-filesystem mv: no close event, all files appear at once
            os.rename(folder, home / "inbox" / folder.name)
        wait_until(lambda: not inbox_files(home / "inbox"), 600, "the inbox to empty")
    finally:
        watcher.stop()
    archived = archived_digests(home)
    assert set(archived) == set(expected)
    assert all(len(paths) == 1 for paths in archived.values())
    assert_objects_valid(home)


def test_file_still_being_written_is_not_claimed_early(home, tmp_path):
    source = samples.big_pdf(tmp_path / "整本审计报告.pdf", 4, seed=3)
    data = source.read_bytes()
    target = home / "inbox" / "恒远机械" / "整本审计报告.pdf"
    target.parent.mkdir(parents=True)
    watcher = Watcher(home, tmp_path, settle=1.0)
    try:
        chunk = len(data) // 12
        with open(target, "wb") as fh:
            for i in range(12):
                fh.write(data[i * chunk:(i + 1) * chunk])
                fh.flush()
                # One long pause (well past the quiet period): the PDF has no %%EOF yet.
                time.sleep(3.0 if i == 5 else 0.3)
                assert target.exists(), f"claimed while being written (after chunk {i})"
            fh.write(data[12 * chunk:])
        wait_until(lambda: not target.exists(), 60, "the finished file to be archived")
    finally:
        watcher.stop()
    assert list(archived_digests(home)) == [hashlib.sha512(data).hexdigest()]


def test_sigterm_stops_within_10_s_without_a_half_written_version(home, tmp_path):
    staged, expected = prepare_drop(tmp_path, 2, 300, seed=2)
    watcher = Watcher(home, tmp_path, settle=0.5)
    for folder in staged:
        os.rename(folder, home / "inbox" / folder.name)
    wait_until(lambda: len(inbox_files(home / "inbox")) < 600, 60, "work to start")
    elapsed = watcher.stop()
    assert elapsed < 10, f"SIGTERM took {elapsed:.1f} s"
    assert watcher.proc.returncode == 0, watcher.output()
    assert_objects_valid(home)  # before any recovery: no version is half-written
    final = dossier_cli(home, "ingest")
    assert final.returncode == 0, final.stderr
    archived = archived_digests(home)
    assert set(archived) == set(expected) and all(len(p) == 1 for p in archived.values())


@pytest.mark.parametrize("polling", [False, True], ids=["inotify", "polling"])
def test_watcher_survives_bad_input_and_keeps_serving(home, tmp_path, polling):
    company = samples.make_company(11, short="华茂食品")
    outside = samples.generic_pdf(tmp_path / "outside" / "机密.pdf", "机密", ["不应被读取"])
    watcher = Watcher(home, tmp_path, *(["--polling"] if polling else []), settle=0.5)
    try:
        folder = home / "inbox" / company.short
        folder.mkdir()
        samples.zero_byte(folder / "空.pdf")
        samples.corrupt_pdf(folder / "坏.pdf")
        good = samples.business_licence_pdf(company, tmp_path / "执照.pdf")
        samples.encrypted_pdf(good, folder / "加密.pdf")
        (folder / "链接.pdf").symlink_to(outside)
        gbk = os.fsencode(str(folder)) + b"/" + "法人身份证.pdf".encode("gbk")
        samples.legal_rep_id_pdf(company, Path(os.fsdecode(gbk)))
        os.rename(good, folder / "营业执照.pdf")
        wait_until(lambda: not inbox_files(home / "inbox"), 60, "the inbox to empty")
        assert watcher.proc.poll() is None, watcher.output()
        # still serving after all that
        samples.tax_payment_certificate_pdf(company, 2025, folder / "完税证明.pdf")
        wait_until(lambda: not (folder / "完税证明.pdf").exists(), 60, "a later file")
    finally:
        watcher.stop()
    failed = sorted(p.name for p in (home / "inbox" / "_failed" / company.short).iterdir())
    assert failed == sorted(["空.pdf", "空.pdf.reason.txt", "坏.pdf", "坏.pdf.reason.txt", "加密.pdf",
                             "加密.pdf.reason.txt", "链接.pdf", "链接.pdf.reason.txt"])
    sources = {d.source for d in Archive(load(home, env={})).snapshot(company.short).documents}
    assert sources == {f"{company.short}/营业执照.pdf", f"{company.short}/法人身份证.pdf",
                       f"{company.short}/完税证明.pdf"}
    assert outside.exists()


def test_scheduled_fixity_check_reports_damage_loudly(home, tmp_path):
    company = samples.make_company(12, short="恒远机械")
    samples.business_licence_pdf(company, home / "inbox" / company.short / "营业执照.pdf")
    assert dossier_cli(home, "ingest").returncode == 0
    stored = home / "archive" / company.short / "v1" / "content" / "documents" / "营业执照.pdf"
    stored.write_bytes(b"bit rot")
    exe = [str(VENV_BIN / "dossier")] if (VENV_BIN / "dossier").exists() else [sys.executable, "-m", "dossier"]
    env = {**os.environ, "DOSSIER_VERIFY_HOURS": "0.0001"}  # due at once: no check has run yet
    log = tmp_path / "watch.log"
    proc = subprocess.Popen([*exe, "--home", str(home), "watch"], env=env, stdout=open(log, "w"),
                            stderr=subprocess.STDOUT)
    alert = home / ".dossier" / "FIXITY-ALERT.txt"
    try:
        wait_until(alert.exists, 30, "the fixity alert")
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)
    assert "营业执照.pdf" in alert.read_text(encoding="utf-8")
    assert "营业执照.pdf" in log.read_text(encoding="utf-8")
    assert (home / ".dossier" / "fixity.log.jsonl").exists()


def test_sigterm_during_ocr_of_a_long_scan_stops_quickly_and_keeps_the_file(home, tmp_path):
    from dossier_factory import scans

    company = samples.make_company(13, short="瑞丰纺织")
    page = scans.scan(scans.pdf_page_to_image(samples.business_licence_pdf(company, tmp_path / "l.pdf"), 0, 150),
                      dpi=150, seed=1)
    staged = scans.write_scanned_pdf([page] * 12, tmp_path / "整本扫描.pdf")  # ~12 pages of real OCR
    exe = [str(VENV_BIN / "dossier")] if (VENV_BIN / "dossier").exists() else [sys.executable, "-m", "dossier"]
    env = {**os.environ, "DOSSIER_SETTLE_SECONDS": "0", "DOSSIER_OCR_ENGINE": "rapid", "DOSSIER_VERIFY_HOURS": "0"}
    log = tmp_path / "watch.log"
    proc = subprocess.Popen([*exe, "--home", str(home), "watch"], env=env, stdout=open(log, "w"),
                            stderr=subprocess.STDOUT)
    target = home / "inbox" / company.short / "整本扫描.pdf"
    target.parent.mkdir()
    os.rename(staged, target)
    work = home / ".dossier" / "work"  # the private copy read instead of the inbox's file
    wait_until(lambda: work.is_dir() and any(p.is_file() for p in work.rglob("*")), 30, "the scan to be claimed")
    time.sleep(4)  # OCR is under way
    started = time.monotonic()
    proc.send_signal(signal.SIGTERM)
    proc.wait(timeout=60)
    elapsed = time.monotonic() - started
    assert elapsed < 10, f"SIGTERM during OCR took {elapsed:.1f} s"
    assert proc.returncode == 0, log.read_text(encoding="utf-8")
    assert target.exists(), "the file must go back to the inbox, untouched"
    assert archived_digests(home) == {}
    assert_objects_valid(home)
