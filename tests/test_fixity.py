"""Honest fixity (issue 11, hole 7): a commit racing a verify never raises a false alert; an object whose
declaration was deleted is named damage and stays listed; the access log is covered (lines, growth only).
Readers caught in the middle of a commit (hole 3) read the last committed inventory without waiting."""

from __future__ import annotations

import json
import os
import threading
import time
from pathlib import Path

import pytest
from conftest import dossier_cli, ingest

import dossier_factory as samples
from dossier.archive import Archive, accesslog, fixity
from dossier.archive.ocfl import StorageRoot, verify_object
from dossier.archive.ocfl import builder as builder_mod
from dossier.catalog import Catalog
from dossier.errors import ArchiveError
from dossier.pipeline import Pipeline

OID = "client-1"
USER = ("测试员", "mailto:test@example.com")


@pytest.fixture
def store(tmp_path: Path) -> StorageRoot:
    s = StorageRoot(tmp_path / "root", tmp_path / "staging", tmp_path / "locks")
    s.init()
    with s.begin(OID) as b:
        b.add_bytes("documents/营业执照.pdf", b"%PDF-1.4 licence\n%%EOF\n")
        b.add_bytes("dossier.json", b'{"version": 1}\n')
        b.commit("首次归档", *USER)
    return s


def _commit(store: StorageRoot, n: int) -> None:
    with store.begin(OID) as b:
        b.add_bytes(f"documents/文件{n}.pdf", f"%PDF-1.4 file {n}\n%%EOF\n".encode())
        b.add_bytes("dossier.json", f'{{"version": {n}}}\n'.encode())
        b.commit(f"收件 {n}", *USER)


class Paused:
    """A commit stopped at one point of its final renames, in another thread, holding the object lock."""

    def __init__(self, store: StorageRoot, monkeypatch, where: str):
        self.reached, self.go = threading.Event(), threading.Event()
        real_rename, real_fsync = os.rename, builder_mod.fsync_dir
        obj = store.object_path(OID)

        def rename(src, dst, *a, **k):
            if where == "sidecar" and Path(dst) == obj / "inventory.json.sha512" and not self.reached.is_set():
                self.reached.set()
                self.go.wait(30)
            return real_rename(src, dst, *a, **k)

        def fsync_dir(path):
            # after the version directory became visible, before the root inventory is replaced
            if where == "version" and Path(path) == obj and (obj / "v2").is_dir() and not self.reached.is_set():
                self.reached.set()
                self.go.wait(30)
            return real_fsync(path)

        monkeypatch.setattr(builder_mod.os, "rename", rename)
        monkeypatch.setattr(builder_mod, "fsync_dir", fsync_dir)
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, args=(store,))
        self.thread.start()
        assert self.reached.wait(30), "the commit never reached the pause"

    def _run(self, store):
        try:
            _commit(store, 2)
        except BaseException as e:  # noqa: BLE001 - reported by the test
            self.error = e

    def finish(self) -> None:
        self.go.set()
        self.thread.join(30)
        assert self.error is None, self.error


@pytest.mark.parametrize("where", ["version", "sidecar"])
def test_a_commit_in_flight_is_no_damage(store, monkeypatch, where):
    paused = Paused(store, monkeypatch, where)
    obj = store.object_path(OID)
    try:
        # the window is real: one look without knowing of the commit sees damage there
        assert verify_object(obj, busy=lambda: False, patience=0), "expected the half-made state to look damaged"
        assert store.committing(OID) is True
        found: list = []
        checker = threading.Thread(target=lambda: found.append(store.verify(OID)))
        checker.start()
        time.sleep(0.5)
        assert checker.is_alive(), "verify gave its answer while the commit was in flight"
    finally:
        paused.finish()
    checker.join(30)
    assert found == [[]]
    assert store.committing(OID) is False
    assert store.reader(OID).head == "v2"


@pytest.mark.parametrize("where,head", [("version", "v1"), ("sidecar", "v2")])
def test_a_reader_in_the_middle_of_a_commit_reads_the_last_committed_head(store, monkeypatch, where, head):
    paused = Paused(store, monkeypatch, where)
    try:
        fresh = StorageRoot(store.root, store.staging_dir, store.lock_dir)  # another process: nothing cached
        reader = fresh.reader(OID)  # no lock taken, no LockBusy, no error while the commit is stopped there
        assert reader.head == head
        assert reader.read_bytes("dossier.json") == (b'{"version": 1}\n' if head == "v1" else b'{"version": 2}\n')
        assert store.committing(OID) is True  # the commit still holds the object's lock
    finally:
        paused.finish()
    assert StorageRoot(store.root, store.staging_dir, store.lock_dir).reader(OID).head == "v2"


def test_scheduled_verify_racing_commits_raises_no_alert(store, tmp_path):
    archive = type("A", (), {"store": store, "verify": store.verify, "object_path": store.object_path})()
    state = tmp_path / "state"
    stop = threading.Event()
    errors: list[BaseException] = []

    def commits():
        try:
            for n in range(2, 40):
                _commit(store, n)
        except BaseException as e:  # noqa: BLE001
            errors.append(e)
        finally:
            stop.set()

    writer = threading.Thread(target=commits)
    writer.start()
    results = []
    while not stop.is_set():
        results.append(fixity.verify_all(archive, state))
    writer.join()
    assert not errors, errors
    assert len(results) >= 2
    assert all(r["damaged"] == {} for r in results), [r for r in results if r["damaged"]][:1]
    assert not (state / fixity.ALERT_NAME).exists()
    assert store.verify(OID) == []


def test_a_leftover_version_is_still_damage_once_the_lock_is_free(store):
    obj = store.object_path(OID)
    (obj / "v2").mkdir()  # an interrupted commit nobody recovered
    problems = store.verify(OID)
    assert [(p.path, p.kind) for p in problems] == [("v2", "extra")]
    assert "recover" in problems[0].detail


@pytest.fixture
def filed(home):
    company = samples.make_company(11, short="恒远机械")
    samples.business_licence_pdf(company, home.inbox / "恒远机械" / "营业执照.pdf")
    outcomes = ingest(home)
    assert [o.outcome for o in outcomes] == ["archived"]
    return home, outcomes[0].client


def test_deleted_object_declaration_is_named_damage_and_the_client_stays(filed):
    home, client = filed
    archive = Archive(home)
    (archive.object_path(client) / "0=ocfl_object_1.1").unlink()

    assert client in archive.client_ids()  # never silently dropped
    assert archive.snapshot(client).documents  # still readable by its intact inventory
    result = fixity.verify_all(archive, home.state_dir)
    assert list(result["damaged"]) == [client]
    assert "0=ocfl_object_1.1" in result["damaged"][client][0]
    alert = (home.state_dir / fixity.ALERT_NAME).read_text(encoding="utf-8")
    assert client in alert and "0=ocfl_object_1.1" in alert

    pipe = Pipeline(home)
    try:
        pipe.start("reader")
        assert client in pipe.catalog.heads()  # the catalog keeps it
        with pytest.raises(ArchiveError, match="0=ocfl_object_1.1"):
            archive.store.begin(client)  # no new version onto a damaged object
    finally:
        pipe.close()

    run = dossier_cli(home.home, "verify")
    assert run.returncode == 1
    assert "0=ocfl_object_1.1" in run.stdout and "缺失" in run.stdout


def test_an_object_folder_that_lost_everything_is_still_checked(filed):
    home, client = filed
    archive = Archive(home)
    obj = archive.object_path(client)
    for name in ("0=ocfl_object_1.1", "inventory.json", "inventory.json.sha512"):
        (obj / name).unlink()
    result = fixity.verify_all(archive, home.state_dir)
    assert client in result["damaged"]
    assert any("inventory.json" in item for item in result["damaged"][client])


def _pull_line(archive, client, n):
    entry = accesslog.pull_entry(client=client, version="v1", version_created="", destination=f"/tmp/out{n}",
                                 fmt="dir", files=1, size=10)
    accesslog.record(archive, entry)


def test_access_log_is_covered_lines_and_growth_only(filed):
    home, client = filed
    archive = Archive(home)
    _pull_line(archive, client, 1)
    _pull_line(archive, client, 2)
    assert fixity.verify_all(archive, home.state_dir)["damaged"] == {}
    marks = json.loads((home.state_dir / fixity.MARKS_NAME).read_text(encoding="utf-8"))
    log = accesslog.log_path(archive, client)
    assert marks[client]["bytes"] == log.stat().st_size

    _pull_line(archive, client, 3)  # growth is allowed
    with open(log, "ab") as fh:
        fh.write(b'{"time": "2026')  # an append in flight: left for the next check
    assert fixity.verify_all(archive, home.state_dir)["damaged"] == {}
    log.write_bytes(log.read_bytes()[:log.read_bytes().rfind(b"\n") + 1])

    lines = log.read_bytes().splitlines(keepends=True)
    log.write_bytes(b"".join(lines[1:]))  # the first pull erased
    damaged = fixity.verify_all(archive, home.state_dir)["damaged"]
    assert client in damaged and "logs/access.jsonl" in damaged[client][0] and "只能追加" in damaged[client][0]
    run = dossier_cli(home.home, "verify")
    assert run.returncode == 1 and "access.jsonl" in run.stdout

    log.write_bytes(b"".join(lines))  # restored from backup
    assert fixity.verify_all(archive, home.state_dir)["damaged"] == {}
    log.write_bytes(b"".join(lines) + b"not a record\n")
    damaged = fixity.verify_all(archive, home.state_dir)["damaged"]
    assert "第 4 行" in damaged[client][0]


def test_the_catalog_opens_and_reads_while_a_writer_holds_it(home):
    import sqlite3

    Catalog(home.catalog_path).close()
    writer = sqlite3.connect(home.catalog_path, isolation_level=None)
    try:
        writer.execute("BEGIN IMMEDIATE")  # a commit's catalog update in progress
        writer.execute("INSERT INTO meta VALUES ('in-flight', '1')")
        with Catalog(home.catalog_path) as cat:  # a reader: opening writes nothing, so it never waits
            assert cat.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
            assert cat.db.execute("PRAGMA busy_timeout").fetchone()[0] >= 10000
            assert cat.heads() == {}
        writer.execute("COMMIT")
    finally:
        writer.close()
