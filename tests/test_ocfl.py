"""Tests for dossier.archive.ocfl: reading fixtures, writing valid objects, crash safety."""

from __future__ import annotations

import errno
import hashlib
import json
import os
import shutil
import subprocess
import sys
import textwrap
import time
import tracemalloc
from datetime import datetime, timezone
from pathlib import Path

import pytest

from dossier.archive import ocfl
from dossier.errors import ArchiveError, LockBusy
from dossier.archive.ocfl import ObjectReader, StorageRoot, verify_object


def _fixtures_dir() -> Path | None:
    candidates = [os.environ.get("DOSSIER_OCFL_FIXTURES"),
                  Path(__file__).resolve().parents[2] / "shared/fixtures/ocfl/1.1",
                  "/work/shared/fixtures/ocfl/1.1"]
    for c in candidates:
        if c and Path(c, "good-objects").is_dir():
            return Path(c)
    return None


FIXTURES = _fixtures_dir()
NO_FIXTURES = pytest.mark.skipif(FIXTURES is None, reason="OCFL 1.1 fixtures (shared/fixtures/ocfl/1.1) not found")


def _names(kind: str) -> list[str]:
    return sorted(p.name for p in (FIXTURES / kind).iterdir() if p.is_dir()) if FIXTURES else []


VALIDATOR = Path(sys.executable).parent / "ocfl-validate.py"
USER = ("张三", "mailto:zhangsan@example.com")
WHEN = datetime(2026, 11, 29, 1, 23, 45, tzinfo=timezone.utc)
PDF = b"%PDF-1.4 fake licence \xe8\x90\xa5\xe4\xb8\x9a" * 50
JSON = '{"名称": "上海示例有限公司"}'.encode()


def validate(path: Path) -> str:
    """Run ocfl-py's validator on ``path``; fail unless it says VALID."""
    if not VALIDATOR.exists():
        pytest.skip(f"ocfl-validate.py (ocfl-py) not installed next to {sys.executable}")
    r = subprocess.run([sys.executable, str(VALIDATOR), str(path)], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0 and "is VALID" in r.stdout, r.stdout + r.stderr
    # The only warning allowed: W005, our ids (client codes) are not URIs.
    warnings = [ln for ln in r.stdout.splitlines() if ln.startswith("[W") and not ln.startswith("[W005]")]
    assert warnings == [], r.stdout
    return r.stdout


def validator_says_invalid(path: Path) -> bool:
    if not VALIDATOR.exists():
        return True
    r = subprocess.run([sys.executable, str(VALIDATOR), "-q", str(path)], capture_output=True, text=True, timeout=120)
    return r.returncode != 0


def snapshot(top: Path) -> dict[str, bytes | None]:
    """Every file (bytes) and directory (None) under ``top``."""
    out: dict[str, bytes | None] = {}
    for dirpath, dirs, files in os.walk(top):
        for d in dirs:
            out[(Path(dirpath) / d).relative_to(top).as_posix() + "/"] = None
        for f in files:
            p = Path(dirpath) / f
            out[p.relative_to(top).as_posix()] = p.read_bytes()
    return out


def tree_files(top: Path) -> dict[str, bytes]:
    return {k: v for k, v in snapshot(top).items() if v is not None}


@pytest.fixture
def store(tmp_path: Path) -> StorageRoot:
    s = StorageRoot(tmp_path / "root", tmp_path / "staging", tmp_path / "locks")
    s.init()
    return s


def make_v1(store: StorageRoot, oid: str = "91310000MA1K000001") -> Path:
    with store.begin(oid) as b:
        b.add_bytes("documents/营业执照.pdf", PDF)
        b.add_bytes("extracted/营业执照.json", JSON)
        b.add_bytes("dossier.json", b'{"version": 1}\n')
        assert b.commit("首次归档", *USER, created=WHEN) == "v1"
    return store.object_path(oid)


def make_v2(store: StorageRoot, oid: str = "91310000MA1K000001") -> Path:
    with store.begin(oid) as b:
        b.add_bytes("documents/审计报告.pdf", b"audit report 2025")
        b.add_bytes("dossier.json", b'{"version": 2}\n')
        b.rename("extracted/营业执照.json", "extracted/营业执照-2026.json")
        b.remove("documents/营业执照.pdf")
        b.add_bytes("archive/营业执照副本.pdf", PDF)  # same bytes as v1 content
        assert b.commit("补充材料", *USER, created=WHEN) == "v2"
    return store.object_path(oid)


def make_v1_v2(store: StorageRoot) -> Path:
    make_v1(store)
    return make_v2(store)


# --------------------------------------------------------------------------
# 1. Reading the official fixtures
# --------------------------------------------------------------------------

@NO_FIXTURES
@pytest.mark.parametrize("name", _names("good-objects"))
def test_reader_reads_good_object(name: str) -> None:
    reader = ObjectReader(FIXTURES / "good-objects" / name)
    versions = reader.versions()
    assert [v.number for v in versions] == list(range(1, len(versions) + 1))
    assert versions[-1].name == reader.head
    expected_root = FIXTURES / "content" / name
    for v in versions:
        for logical, digest in v.state.items():
            data = reader.read_bytes(logical, v.name)
            assert hashlib.new(reader.digest_algorithm, data).hexdigest() == digest.lower(), (v.name, logical)
            with reader.open(logical, v.name) as f:
                assert f.read() == data
        if expected_root.is_dir():
            expected = tree_files(expected_root / v.name)
            assert set(v.state) == set(expected), v.name
            for logical, data in expected.items():
                assert reader.read_bytes(logical, v.name) == data, (v.name, logical)


@NO_FIXTURES
@pytest.mark.parametrize("name", _names("warn-objects"))
def test_reader_reads_warn_object(name: str) -> None:
    reader = ObjectReader(FIXTURES / "warn-objects" / name)
    for v in reader.versions():
        for logical, digest in v.state.items():
            data = reader.read_bytes(logical, v.name)
            assert hashlib.new(reader.digest_algorithm, data).hexdigest() == digest.lower()


@NO_FIXTURES
def test_reader_version_lookup_and_history() -> None:
    full = ObjectReader(FIXTURES / "good-objects" / "spec-ex-full")
    assert full.id == "ark:/12345/bcd987" and full.head == "v3"
    v2 = full.version("v2")
    assert (v2.user_name, v2.user_address) == ("Bob", "mailto:bob@example.com")
    assert v2.created == "2018-02-02T02:02:02Z"
    assert full.first_version_of("empty2.txt") == "v2"
    assert full.first_version_of("foo/bar.xml") == "v2"
    assert full.first_version_of("image.tiff") == "v3"  # removed in v2, reinstated in v3
    assert full.first_version_of("empty.txt", "v2") == "v1"
    assert full.content_path(full.state()["image.tiff"]) == full.path / "v1/content/image.tiff"
    with pytest.raises(ArchiveError):
        full.version("v4")
    with pytest.raises(ArchiveError):
        full.file_path("empty.txt")  # deleted in v3
    padded = ObjectReader(FIXTURES / "warn-objects" / "W001_zero_padded_versions")
    assert padded.version("v2").name == "v002" and padded.version("v002").number == 2
    stuff = ObjectReader(FIXTURES / "good-objects" / "minimal_content_dir_called_stuff")
    assert stuff.file_path("a_file.txt") == stuff.path / "v1/stuff/a_file.txt"


# --------------------------------------------------------------------------
# 2. Objects we write validate with ocfl-py
# --------------------------------------------------------------------------

def test_v1_with_chinese_paths_validates(store: StorageRoot) -> None:
    obj = make_v1(store)
    validate(obj)
    assert (obj / "v1/content/documents/营业执照.pdf").read_bytes() == PDF
    raw = (obj / "inventory.json").read_text("utf-8")
    assert "营业执照" in raw and raw == (obj / "v1/inventory.json").read_text("utf-8")
    inv = json.loads(raw)
    assert "contentDirectory" not in inv and inv["digestAlgorithm"] == "sha512"
    assert inv["versions"]["v1"]["created"] == "2026-11-29T01:23:45Z"
    assert inv["versions"]["v1"]["user"] == {"name": USER[0], "address": USER[1]}
    assert sorted(os.listdir(obj)) == ["0=ocfl_object_1.1", "inventory.json", "inventory.json.sha512", "v1"]
    reader = store.reader("91310000MA1K000001")
    assert reader.read_bytes("extracted/营业执照.json") == JSON
    assert store.object_ids() == ["91310000MA1K000001"]
    assert list(store.staging_dir.iterdir()) == []


def test_v2_add_change_rename_remove_validates(store: StorageRoot) -> None:
    obj = make_v1_v2(store)
    validate(obj)
    reader = store.reader("91310000MA1K000001")
    assert set(reader.state("v2")) == {"documents/审计报告.pdf", "dossier.json",
                                       "extracted/营业执照-2026.json", "archive/营业执照副本.pdf"}
    assert reader.read_bytes("dossier.json", "v1") == b'{"version": 1}\n'
    assert reader.read_bytes("dossier.json") == b'{"version": 2}\n'
    assert reader.read_bytes("archive/营业执照副本.pdf") == PDF
    assert reader.first_version_of("extracted/营业执照-2026.json") == "v2"
    assert reader.first_version_of("extracted/营业执照.json", "v1") == "v1"
    # The duplicate PDF is stored once, in v1.
    copies = [k for k, v in tree_files(obj).items() if v == PDF]
    assert copies == ["v1/content/documents/营业执照.pdf"]
    assert reader.file_path("archive/营业执照副本.pdf") == obj / copies[0]
    assert not (obj / "v2/content/extracted").exists()  # a rename stores nothing
    assert verify_object(obj) == []


def test_identical_bytes_within_one_version_stored_once(store: StorageRoot) -> None:
    with store.begin("dup") as b:
        d1 = b.add_bytes("a/one.txt", b"same")
        assert b.has_digest(d1)
        d2 = b.add_bytes("b/two.txt", b"same")
        b.commit("dup", *USER)
    assert d1 == d2
    files = tree_files(store.object_path("dup") / "v1/content")
    assert list(files) == ["a/one.txt"]
    validate(store.object_path("dup"))


def test_removed_before_commit_is_not_stored(store: StorageRoot) -> None:
    with store.begin("gone") as b:
        b.add_bytes("keep.txt", b"keep")
        b.add_bytes("drop.txt", b"drop")
        b.remove("drop.txt")
        b.commit("x", *USER)
    assert list(tree_files(store.object_path("gone") / "v1/content")) == ["keep.txt"]
    validate(store.object_path("gone"))


def test_storage_root_validates(store: StorageRoot) -> None:
    if not VALIDATOR.exists():
        pytest.skip(f"ocfl-validate.py (ocfl-py) not installed next to {sys.executable}")
    make_v1_v2(store)
    make_v1(store, "other")
    root = store.root
    # No extensions/0002.../config.json: ocfl-py 2.1 crashes on one (its PARAMS is None).
    assert not (root / "extensions").exists()
    # ocfl-py checks only the root structure here: it prints nothing and exits 0
    # even when an object inside is invalid, so each object is validated too.
    r = subprocess.run([sys.executable, str(VALIDATOR), str(root)], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0 and "INVALID" not in r.stdout + r.stderr, r.stdout + r.stderr
    for oid in store.object_ids():
        validate(store.object_path(oid))
    assert json.loads((store.root / "ocfl_layout.json").read_text())["extension"] == "0002-flat-direct-storage-layout"
    assert store.object_ids() == ["91310000MA1K000001", "other"]


def test_init_is_idempotent_and_refuses_foreign_dir(tmp_path: Path) -> None:
    s = StorageRoot(tmp_path / "root", tmp_path / "staging", tmp_path / "locks")
    assert not s.is_initialized()
    s.init()
    before = snapshot(s.root)
    s.init()
    assert s.is_initialized() and snapshot(s.root) == before
    assert (s.root / "0=ocfl_1.1").read_bytes() == b"ocfl_1.1\n"
    foreign = tmp_path / "foreign"
    foreign.mkdir()
    (foreign / "notes.txt").write_text("x")
    with pytest.raises(ArchiveError, match="OCFL"):
        StorageRoot(foreign, tmp_path / "staging", tmp_path / "locks").init()
    with pytest.raises(ArchiveError, match="之内"):
        StorageRoot(tmp_path / "r2", tmp_path / "r2/staging", tmp_path / "locks").init()


@pytest.mark.parametrize("oid", ["a/b", "a\\b", "x\0", ".", "..", ".hidden", "extensions", ""])
def test_invalid_object_id_rejected(store: StorageRoot, oid: str) -> None:
    with pytest.raises(ArchiveError):
        store.begin(oid)


@pytest.mark.parametrize("logical", ["/abs", "a//b", "a/./b", "../x", "a/..", "dir/", "", "x\0y",
                                     "cafe\u0301.txt"])
def test_invalid_logical_path_rejected(store: StorageRoot, logical: str) -> None:
    with store.begin("obj") as b:
        with pytest.raises(ArchiveError):
            b.add_bytes(logical, b"x")


def test_builder_rules(store: StorageRoot) -> None:
    make_v1(store)
    with store.begin("91310000MA1K000001") as b:
        assert not b.changed and b.base_state == b.state
        with pytest.raises(ArchiveError, match="没有任何变化"):
            b.commit("noop", *USER)
        with pytest.raises(ArchiveError, match="冲突"):
            b.add_bytes("dossier.json/inner", b"x")  # a file cannot also be a directory
        with pytest.raises(ArchiveError):
            b.rename("dossier.json", "extracted/营业执照.json")  # would overwrite
        with pytest.raises(ArchiveError):
            b.remove("nope.txt")
        assert b.has_digest(hashlib.sha512(PDF).hexdigest().upper())
        b.add_bytes("dossier.json", b'{"version": 1}\n')  # same bytes: not a change
        assert not b.changed
    assert list((store.staging_dir).iterdir()) == []


# --------------------------------------------------------------------------
# 3. verify_object
# --------------------------------------------------------------------------

def test_verify_intact(store: StorageRoot) -> None:
    make_v1_v2(store)
    assert store.verify("91310000MA1K000001") == []


def test_verify_damaged_file(store: StorageRoot) -> None:
    obj = make_v1(store)
    target = obj / "v1/content/documents/营业执照.pdf"
    data = bytearray(target.read_bytes())
    data[10] ^= 0x01
    target.write_bytes(bytes(data))
    problems = verify_object(obj)
    assert [(p.path, p.kind) for p in problems] == [("v1/content/documents/营业执照.pdf", "damaged")]


def test_verify_missing_file(store: StorageRoot) -> None:
    obj = make_v1(store)
    (obj / "v1/content/dossier.json").unlink()
    assert [(p.path, p.kind) for p in verify_object(obj)] == [("v1/content/dossier.json", "missing")]


def test_verify_extra_file(store: StorageRoot) -> None:
    obj = make_v1_v2(store)
    (obj / "v2/content/stray.tmp").write_bytes(b"?")
    assert [(p.path, p.kind) for p in verify_object(obj)] == [("v2/content/stray.tmp", "extra")]


def test_verify_tampered_inventory(store: StorageRoot) -> None:
    obj = make_v1(store)
    raw = (obj / "inventory.json").read_text("utf-8").replace("首次归档", "篡改")
    (obj / "inventory.json").write_text(raw, "utf-8")
    problems = verify_object(obj)
    assert ("inventory.json.sha512", "inventory") in [(p.path, p.kind) for p in problems]
    assert all(p.detail for p in problems)


@NO_FIXTURES
@pytest.mark.parametrize("name,kind", [
    ("E092_content_file_digest_mismatch", "damaged"),
    ("E092_E093_content_path_does_not_exist", "missing"),
    ("E023_extra_file", "extra"),
    ("E060_version_inventory_digest_mismatch", "inventory"),
    ("E064_different_root_and_latest_inventories", "inventory"),
    ("E007_bad_declaration_contents", "missing"),
])
def test_verify_flags_bad_fixture(name: str, kind: str) -> None:
    if not (FIXTURES / "bad-objects" / name).is_dir():
        pytest.skip(f"fixture {name} absent")
    assert kind in {p.kind for p in verify_object(FIXTURES / "bad-objects" / name)}


@NO_FIXTURES
@pytest.mark.parametrize("name", _names("good-objects"))
def test_verify_good_fixture_is_intact(name: str) -> None:
    assert verify_object(FIXTURES / "good-objects" / name) == []


# --------------------------------------------------------------------------
# 4. Crash recovery (on-disk states built directly)
# --------------------------------------------------------------------------

OID = "91310000MA1K000001"


def _set_root_inventory(obj: Path, inventory_from: str, sidecar_from: str) -> None:
    shutil.copyfile(obj / inventory_from / "inventory.json", obj / "inventory.json")
    shutil.copyfile(obj / sidecar_from / "inventory.json.sha512", obj / "inventory.json.sha512")


def test_recover_version_renamed_root_not_replaced(store: StorageRoot) -> None:
    obj = make_v1_v2(store)
    final = snapshot(obj)
    _set_root_inventory(obj, "v1", "v1")  # crash right after renaming v2 into the object
    assert validator_says_invalid(obj)
    assert any(p.path == "v2" and p.kind == "extra" for p in verify_object(obj))
    actions = store.recover()
    assert len(actions) == 1 and "v2" in actions[0]
    assert snapshot(obj) == final
    validate(obj)


def test_recover_root_inventory_replaced_sidecar_old(store: StorageRoot) -> None:
    obj = make_v1_v2(store)
    final = snapshot(obj)
    _set_root_inventory(obj, "v2", "v1")  # crash between the two root renames
    assert validator_says_invalid(obj)
    assert store.recover(OID) != []
    assert snapshot(obj) == final
    validate(obj)


def test_recover_removes_leftover_staging(store: StorageRoot) -> None:
    obj = make_v1(store)
    before = snapshot(obj)
    junk = store.staging_dir / OID / "deadbeef" / "v2" / "content"
    junk.mkdir(parents=True)
    (junk / "half.pdf").write_bytes(b"half")
    new_obj = store.staging_dir / "never-created" / "cafe" / "object" / "v1"
    new_obj.mkdir(parents=True)
    actions = store.recover()
    assert len(actions) == 2
    assert list(store.staging_dir.iterdir()) == []
    assert snapshot(obj) == before and not store.exists("never-created")
    validate(obj)


@pytest.mark.parametrize("half", ["empty", "content-only", "no-sidecar", "bad-sidecar"])
def test_recover_removes_half_made_version(store: StorageRoot, half: str) -> None:
    obj = make_v1(store)
    before = snapshot(obj)
    v2 = obj / "v2"
    v2.mkdir()
    if half != "empty":
        (v2 / "content").mkdir()
        (v2 / "content/x.pdf").write_bytes(b"partial")
    if half in ("no-sidecar", "bad-sidecar"):
        shutil.copyfile(obj / "inventory.json", v2 / "inventory.json")
    if half == "bad-sidecar":
        (v2 / "inventory.json.sha512").write_text("0" * 128 + " inventory.json\n")
    actions = store.recover(OID)
    assert actions and "v2" in actions[0]
    assert snapshot(obj) == before
    validate(obj)


def test_recover_leaves_consistent_object_alone(store: StorageRoot) -> None:
    obj = make_v1_v2(store)
    before = {p: p.stat().st_mtime_ns for p in obj.rglob("*")}
    assert store.recover() == []
    assert {p: p.stat().st_mtime_ns for p in obj.rglob("*")} == before


@NO_FIXTURES
def test_recover_leaves_foreign_valid_objects_alone(store: StorageRoot) -> None:
    for kind in ("good-objects", "warn-objects"):
        for name in _names(kind):
            shutil.copytree(FIXTURES / kind / name, store.root / name)
    before = snapshot(store.root)
    assert store.recover() == []
    assert snapshot(store.root) == before


def test_begin_recovers_before_building(store: StorageRoot) -> None:
    obj = make_v1_v2(store)
    _set_root_inventory(obj, "v1", "v1")
    with store.begin(OID) as b:
        assert b.base_state == store.reader(OID).state("v2")
        b.add_bytes("more.txt", b"more")
        assert b.commit("v3", *USER) == "v3"
    validate(obj)


CRASH_CHILD = textwrap.dedent("""
    import os, sys
    from pathlib import Path
    from dossier.archive.ocfl import StorageRoot
    root, staging, locks = map(Path, sys.argv[1:4])
    crash_at = int(sys.argv[4])
    b = StorageRoot(root, staging, locks).begin("91310000MA1K000001")
    b.add_bytes("new/a.txt", b"new file")
    b.add_bytes("dossier.json", b"changed")
    real_rename, calls = os.rename, [0]
    def rename(src, dst):
        calls[0] += 1
        if calls[0] == crash_at:
            os._exit(3)  # the process dies just before this rename
        real_rename(src, dst)
    os.rename = rename
    b.commit("crash test", "x", "mailto:x@example.com")
""")


# Renames of an update commit: 2 staged files into staging vN/content, vN into
# the object, root inventory, root sidecar. Crashing before the 4th or later
# leaves v2 visible, so recover() must roll forward; before that, v1 stays.
@pytest.mark.parametrize("crash_at", [1, 2, 3, 4, 5])
def test_killed_commit_is_recovered(store: StorageRoot, crash_at: int) -> None:
    obj = make_v1(store)
    args = [sys.executable, "-c", CRASH_CHILD, str(store.root), str(store.staging_dir), str(store.lock_dir),
            str(crash_at)]
    assert subprocess.run(args, capture_output=True, timeout=60).returncode == 3
    actions = store.recover()
    assert actions
    assert list(store.staging_dir.iterdir()) == []
    reader = store.reader(OID)
    assert reader.head == ("v1" if crash_at <= 3 else "v2")
    if reader.head == "v2":
        assert reader.read_bytes("dossier.json") == b"changed"
    assert verify_object(obj) == []
    validate(obj)


# --------------------------------------------------------------------------
# 5. Disk full / write failures
# --------------------------------------------------------------------------

def _fail_on_call(monkeypatch: pytest.MonkeyPatch, n: int) -> None:
    real = ocfl.copy_and_hash
    calls = {"n": 0}

    def flaky(src, dst):
        calls["n"] += 1
        if calls["n"] == n:
            raise OSError(errno.ENOSPC, "No space left on device", str(dst))
        return real(src, dst)

    monkeypatch.setattr(ocfl.inventory, "copy_and_hash", flaky)


def _assert_untouched(store: StorageRoot, before: dict, obj: Path) -> None:
    assert snapshot(store.root) == before
    assert list(store.staging_dir.iterdir()) == []
    with store.begin(OID, timeout=0.2):  # the lock was released
        pass
    if obj.exists():
        validate(obj)


@pytest.mark.parametrize("fail_at", [1, 2, 3, 4])
def test_disk_full_during_commit_of_existing_object(store, monkeypatch, fail_at: int) -> None:
    obj = make_v1(store)
    before = snapshot(store.root)
    b = store.begin(OID)
    b.add_bytes("documents/新文件.pdf", b"new content")
    b.add_bytes("dossier.json", b'{"version": 2}\n')
    _fail_on_call(monkeypatch, fail_at)
    with pytest.raises(ArchiveError, match="磁盘") as info:
        b.commit("v2", *USER)
    assert isinstance(info.value.__cause__, OSError) and info.value.__cause__.errno == errno.ENOSPC
    assert OID in info.value.message
    monkeypatch.undo()
    _assert_untouched(store, before, obj)


@pytest.mark.parametrize("fail_at", [1, 2, 3, 4, 5])
def test_disk_full_during_commit_of_new_object(store, monkeypatch, fail_at: int) -> None:
    before = snapshot(store.root)
    with store.begin(OID) as b:
        b.add_bytes("a.txt", b"a")
        _fail_on_call(monkeypatch, fail_at)
        with pytest.raises(ArchiveError, match="磁盘"):
            b.commit("v1", *USER)
    monkeypatch.undo()
    assert not store.exists(OID)
    _assert_untouched(store, before, store.object_path(OID))


def test_disk_full_during_add_file(store, monkeypatch, tmp_path: Path) -> None:
    obj = make_v1(store)
    before = snapshot(store.root)
    src = tmp_path / "src.bin"
    src.write_bytes(b"payload" * 1000)
    _fail_on_call(monkeypatch, 2)
    with pytest.raises(ArchiveError, match="磁盘"):
        with store.begin(OID) as b:
            b.add_file("one.bin", src)
            b.add_file("two.bin", src)
    monkeypatch.undo()
    _assert_untouched(store, before, obj)


def test_failure_after_version_became_visible_is_rolled_back(store, monkeypatch) -> None:
    obj = make_v1(store)
    before = snapshot(store.root)
    real_rename = os.rename
    failed = []

    def rename(src, dst):
        if Path(dst) == obj / "inventory.json.sha512" and not failed:
            failed.append(dst)  # the root inventory is already replaced at this point
            raise OSError(errno.EIO, "I/O error", str(dst))
        return real_rename(src, dst)

    monkeypatch.setattr(os, "rename", rename)
    with store.begin(OID) as b:
        b.add_bytes("late.txt", b"late")
        with pytest.raises(ArchiveError, match="写入失败"):
            b.commit("v2", *USER)
    monkeypatch.undo()
    assert failed
    _assert_untouched(store, before, obj)


# --------------------------------------------------------------------------
# 6. Locking
# --------------------------------------------------------------------------

LOCK_CHILD = textwrap.dedent("""
    import sys
    from pathlib import Path
    from dossier.archive.ocfl import StorageRoot
    from dossier.errors import LockBusy
    root, staging, locks = map(Path, sys.argv[1:4])
    try:
        with StorageRoot(root, staging, locks).begin(sys.argv[4], timeout=0.3):
            print("OK")
    except LockBusy as e:
        print("BUSY", e.message)
""")


def _child(store: StorageRoot, oid: str) -> str:
    args = [sys.executable, "-c", LOCK_CHILD, str(store.root), str(store.staging_dir), str(store.lock_dir), oid]
    return subprocess.run(args, capture_output=True, text=True, timeout=60, check=True).stdout


def test_lock_blocks_other_process(store: StorageRoot) -> None:
    make_v1(store)
    with store.begin(OID):
        out = _child(store, OID)
        assert out.startswith("BUSY") and OID in out and "重试" in out
        assert _child(store, "another-object").startswith("OK")  # locks are per object
    assert _child(store, OID).startswith("OK")


COMMIT_CHILD = textwrap.dedent("""
    import sys
    from pathlib import Path
    from dossier.archive.ocfl import StorageRoot
    root, staging, locks = map(Path, sys.argv[1:4])
    with StorageRoot(root, staging, locks).begin("91310000MA1K000001", timeout=30) as b:
        b.add_bytes("from-" + sys.argv[4] + ".txt", sys.argv[4].encode() * 100000)
        print(b.commit("concurrent", "x", "mailto:x@example.com"))
""")


def test_concurrent_commits_are_serialized(store: StorageRoot) -> None:
    obj = make_v1(store)
    procs = [subprocess.Popen([sys.executable, "-c", COMMIT_CHILD, str(store.root), str(store.staging_dir),
                               str(store.lock_dir), tag], stdout=subprocess.PIPE, text=True) for tag in "ab"]
    outs = sorted(p.communicate(timeout=60)[0].strip() for p in procs)
    assert outs == ["v2", "v3"] and all(p.returncode == 0 for p in procs)
    assert {"from-a.txt", "from-b.txt"} <= set(store.reader(OID).state())
    validate(obj)


def test_lock_timeout_in_process(store: StorageRoot) -> None:
    with store.lock(OID):
        start = time.monotonic()
        with pytest.raises(LockBusy):
            store.begin(OID, timeout=0.2)
        assert 0.15 < time.monotonic() - start < 5
    assert not any(p.suffix != ".lock" for p in store.lock_dir.iterdir())
    assert not list(store.root.glob(f"{OID}*"))  # lock files live outside the root


# --------------------------------------------------------------------------
# 7. The reader rejects bad objects
# --------------------------------------------------------------------------

BAD = ["E003_E063_empty", "E003_no_decl", "E007_bad_declaration_contents", "E008_E036_no_versions_no_head",
       "E010_skipped_versions", "E025_wrong_digest_algorithm", "E036_no_head", "E036_no_id",
       "E040_wrong_head_doesnt_exist", "E041_no_manifest", "E050_state_digest_not_in_manifest",
       "E058_no_sidecar", "E060_E064_root_inventory_digest_mismatch", "E061_invalid_sidecar", "E063_no_inv"]


@NO_FIXTURES
@pytest.mark.parametrize("name", [n for n in BAD if n in _names("bad-objects")])
def test_reader_rejects_bad_object(name: str) -> None:
    path = FIXTURES / "bad-objects" / name
    with pytest.raises(ArchiveError) as info:
        ObjectReader(path)
    assert str(path) in info.value.message


# --------------------------------------------------------------------------
# 8. Streaming: bounded memory for a huge file
# --------------------------------------------------------------------------

def test_large_file_is_streamed(store: StorageRoot, tmp_path: Path) -> None:
    src = tmp_path / "big.bin"
    block = os.urandom(1 << 20)
    with open(src, "wb") as f:
        for i in range(50):
            f.write(block[:-1] + bytes([i]))
    with store.begin("big") as b:
        tracemalloc.start()
        try:
            digest = b.add_file("scans/big.bin", src)
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
        b.commit("big file", *USER)
    assert peak < 16 * 2**20, f"peak {peak / 2**20:.1f} MiB"
    h = hashlib.sha512()
    with open(src, "rb") as f:
        while chunk := f.read(1 << 20):
            h.update(chunk)
    assert digest == h.hexdigest()
    assert store.reader("big").file_path("scans/big.bin").stat().st_size == 50 * 2**20
    tracemalloc.start()
    try:
        assert store.verify("big") == []
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 16 * 2**20


def test_more_than_nine_versions_read_and_validate(store: StorageRoot) -> None:
    # Unpadded names of different widths (v9, v10) are one consistent sequence.
    make_v1(store)
    for n in range(2, 13):
        with store.begin("91310000MA1K000001") as b:
            b.add_bytes(f"documents/第{n}份.pdf", f"document {n}".encode())
            assert b.commit(f"收件 {n}", *USER, created=WHEN) == f"v{n}"
    reader = store.reader("91310000MA1K000001")
    assert reader.head == "v12" and [v.name for v in reader.versions()][-3:] == ["v10", "v11", "v12"]
    assert reader.first_version_of("documents/第10份.pdf") == "v10"
    validate(store.object_path("91310000MA1K000001"))


def test_init_accepts_a_folder_holding_only_a_vcs_placeholder(tmp_path: Path) -> None:
    # archive/ is kept in git by archive/.gitkeep; a fresh clone must init there.
    root = tmp_path / "archive"
    root.mkdir()
    (root / ".gitkeep").write_text("")
    s = StorageRoot(root, tmp_path / "staging", tmp_path / "locks")
    s.init()
    assert s.is_initialized() and (root / ".gitkeep").exists()
    assert s.object_ids() == []


def test_inventory_is_written_one_entry_per_line(store: StorageRoot) -> None:
    """Inventories are sorted JSON with one entry per line (the C encoder's text): the same value as read,
    and a version written over an older, indented inventory reads and validates alike."""
    obj = make_v1_v2(store)
    raw = (obj / "inventory.json").read_bytes()
    inv = json.loads(raw)
    assert raw == ocfl.inventory.inventory_bytes(inv)
    lines = raw.decode("utf-8").splitlines()
    assert all(not line.startswith(" ") for line in lines)  # no indentation
    entries = len(inv["manifest"]) + sum(len(v["state"]) for v in inv["versions"].values())
    assert len(lines) >= entries  # each manifest and state entry on a line of its own
    for digest in inv["manifest"]:
        assert sum(f'"{digest}": [' in line for line in lines) == 1 + sum(
            digest in v["state"] for v in inv["versions"].values())
    assert raw.endswith(b"\n") and "营业执照" in raw.decode("utf-8")
    # an object whose inventory was written indented (as before) takes a new version as usual
    indented = (json.dumps(inv, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode("utf-8")
    side = f"{hashlib.sha512(indented).hexdigest()} inventory.json\n".encode()
    for folder in (obj, obj / inv["head"]):
        (folder / "inventory.json").write_bytes(indented)
        (folder / "inventory.json.sha512").write_bytes(side)
    fresh = StorageRoot(store.root, store.staging_dir, store.lock_dir)
    assert fresh.recover() == []
    with fresh.begin("91310000MA1K000001") as b:
        b.add_bytes("documents/第三份.pdf", b"third")
        assert b.commit("收件 1", *USER, created=WHEN) == "v3"
    assert (obj / "v2/inventory.json").read_bytes() == indented  # a version's copy keeps its bytes
    assert json.loads((obj / "inventory.json").read_bytes())["versions"]["v2"] == inv["versions"]["v2"]
    validate(obj)
    assert verify_object(obj) == []


@pytest.mark.parametrize("seed", range(4))
def test_quick_path_check_agrees_with_path_error(seed: int) -> None:
    """check_inventory screens manifest paths with one regular expression; it must accept exactly the
    paths path_error() accepts (what it flags is looked at by path_error() itself)."""
    import random

    rng = random.Random(seed)
    pieces = ["a", "中", ".", "..", "/", "\x00", "\n", "..a", "a.", " "]
    for _ in range(4000):
        path = "".join(rng.choice(pieces) for _ in range(rng.randrange(7)))
        if ocfl.inventory._BAD_PATH.search(path) is None:
            assert ocfl.inventory.path_error(path) is None, repr(path)
    for path in ("", "/a", "a/", "a//b", "./a", "a/.", "a/../b", "..", ".", "a\x00b"):
        assert ocfl.inventory._BAD_PATH.search(path) and ocfl.inventory.path_error(path), repr(path)


@pytest.mark.parametrize("path", ["documents/两\n行.pdf", 'documents/引号"和\\反斜杠.pdf', "documents/\u2028分隔\u2029.pdf",
                                  "documents/制表\t符 ,\n\"x\": [.pdf", "documents/𠀋生僻字.pdf"])
def test_inventory_text_of_awkward_paths_reads_back_the_same(store: StorageRoot, path: str) -> None:
    """Paths a clerk's file names can hold (line breaks, quotes, the separators JSON and JavaScript treat
    apart, our own entry separator) stay inside their strings: the inventory parses back to the same value."""
    with store.begin("awkward") as b:
        b.add_bytes(path, b"content")
        b.commit("收件 1", *USER, created=WHEN)
    obj = store.object_path("awkward")
    raw = (obj / "inventory.json").read_bytes()
    inv = json.loads(raw)
    assert ocfl.inventory.inventory_bytes(inv) == raw
    assert list(inv["versions"]["v1"]["state"].values()) == [[path]]
    assert StorageRoot(store.root, store.staging_dir, store.lock_dir).reader("awkward").read_bytes(path) == b"content"
    assert verify_object(obj) == []
