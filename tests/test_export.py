"""`dossier pull`: BagIt bags (folder and zip) equal to the archive, --as-of, damage, access log."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import zipfile
from datetime import date, datetime, timezone
from pathlib import Path

import pytest

from conftest import ocfl_validate, run
from dossier.archive import accesslog
from dossier import config as config_mod
import dossier_factory as samples
from dossier.archive import Archive
from dossier.catalog import Catalog
from dossier.errors import ArchiveError, UsageError
from dossier.outputs.bag import INDEX_FILE, pick_version, pull

bagit = pytest.importorskip("bagit", reason="bagit-python is not installed: run `make setup`")
BAGIT_CLI = Path(sys.executable).parent / "bagit.py"
USER = "测试员"


@pytest.fixture
def filled(env):
    """One client with two intake versions, then a version adding a report and an odd file name."""
    run("init")
    company = samples.make_company(7, short="恒远机械")
    folder = env / "inbox" / company.short
    folder.mkdir(parents=True)
    samples.business_licence_pdf(company, folder / "营业执照.pdf")
    samples.balance_sheet_pdf(company, 2025, folder / "资产负债表.pdf")
    run("ingest")
    # not an appendix document, so it keeps its awkward name (a '%' in a BagIt manifest path)
    samples.generic_pdf(folder / "章程 (修订稿) 5%.pdf", "会议纪要", [company.name, "关于办公室搬迁的安排"])
    run("ingest")
    archive = Archive(config_mod.load(env))
    with archive.store.begin(company.short) as b:  # a report and a note, as the reports stage writes them
        b.add_bytes("reports/完整性核查表.docx", b"PK\x03\x04 report bytes")
        b.add_bytes("notes/20261129_说明.txt", "修订说明：补充材料\n".encode())
        b.commit("生成报告", "tester")
    return env, company, archive


def _bag_files(root: Path) -> dict[str, bytes]:
    data = root / "data"
    return {p.relative_to(data).as_posix(): p.read_bytes() for p in data.rglob("*") if p.is_file()}


def _archive_state(archive: Archive, client: str, version: str | None = None) -> dict[str, bytes]:
    reader = archive.store.reader(client)
    return {path: reader.read_bytes(path, version) for path in reader.state(version)}


def _validate(bag_dir: Path) -> None:
    bag = bagit.Bag(str(bag_dir))
    bag.validate()  # raises BagValidationError with details
    assert bag.is_valid()
    if BAGIT_CLI.exists():
        proc = subprocess.run([sys.executable, str(BAGIT_CLI), "--validate", str(bag_dir)],
                              capture_output=True, text=True)
        assert proc.returncode == 0 and "is valid" in proc.stderr, proc.stderr


def _no_leftovers(parent: Path) -> None:
    assert [p.name for p in parent.iterdir() if ".partial-" in p.name] == []


# --- the bag ----------------------------------------------------------------

def test_folder_bag_validates_and_equals_the_archive(filled, tmp_path):
    env, company, archive = filled
    out = tmp_path / "导出" / "恒远机械-当前"
    result = pull(archive, company.short, out, user=USER)
    _validate(out)
    reader = archive.store.reader(company.short)
    assert result.version == reader.head == "v3"
    payload = _bag_files(out)
    assert payload == _archive_state(archive, company.short)  # byte for byte, every logical path
    assert {p.split("/")[0] for p in payload} >= {"documents", "extracted", "reports", "notes", "dossier.json"}
    assert (result.files, result.bytes) == (len(payload), sum(map(len, payload.values())))
    # The manifest carries the inventory's digests.
    manifest = dict(line.split(" ", 1)[::-1] for line in (out / "manifest-sha512.txt").read_text("utf-8").splitlines())
    assert manifest == {f"data/{p}": d for p, d in reader.state().items()}
    info = bagit.Bag(str(out)).info
    assert info["External-Identifier"] == company.short
    assert info["Dossier-Credit-Code"] == company.credit_code
    assert info["Dossier-Version"] == "v3"
    assert info["Dossier-Version-Date"] == reader.version().created
    assert info["Dossier-Company-Name"] and info["Bagging-Date"] == date.today().isoformat()
    assert info["Payload-Oxum"] == f"{result.bytes}.{result.files}"
    # The index is a tag file, listed in the tag manifest, not payload.
    tagmanifest = (out / "tagmanifest-sha512.txt").read_text("utf-8")
    assert INDEX_FILE in tagmanifest and not (out / "data" / INDEX_FILE).exists()
    index = (out / INDEX_FILE).read_text("utf-8")
    assert "序号\t逻辑路径\t来源\t版本\t页数\tSHA-512 前 16 位" in index
    licence_digest = reader.state()["documents/营业执照.pdf"]
    assert f"documents/营业执照.pdf\t恒远机械/营业执照.pdf\tv1\t1\t{licence_digest[:16]}" in index
    assert "documents/章程 (修订稿) 5%.pdf" in index and "v2" in index
    assert not any(p.name.startswith(".") for p in out.parent.iterdir())  # no temp sibling left
    # The manifests are real: a changed payload byte is caught by bagit-python.
    tampered = out / "data" / "documents" / "营业执照.pdf"
    tampered.write_bytes(tampered.read_bytes()[:-1] + b"X")
    with pytest.raises(bagit.BagValidationError):
        bagit.Bag(str(out)).validate()


def test_zip_bag_is_deterministic_in_order_and_validates_after_unzip(filled, tmp_path):
    env, company, archive = filled
    out = tmp_path / "恒远机械-v2.zip"
    result = pull(archive, company.short, out, version="v2", user=USER)
    assert result.format == "zip" and out.is_file()
    with zipfile.ZipFile(out) as zf:
        infos = zf.infolist()
        names = [i.filename for i in infos]
        assert names[:5] == [f"恒远机械-v2/{n}" for n in ("bagit.txt", "bag-info.txt", INDEX_FILE,
                                                           "manifest-sha512.txt", "tagmanifest-sha512.txt")]
        payload_names = names[5:]
        assert payload_names == sorted(payload_names)
        for info in infos:
            expected = zipfile.ZIP_STORED if info.filename.endswith((".pdf", ".docx")) else zipfile.ZIP_DEFLATED
            assert info.compress_type == expected, info.filename
            assert info.flag_bits & 0x800  # names are flagged UTF-8
        zf.extractall(tmp_path / "unzipped")
    bag = tmp_path / "unzipped" / "恒远机械-v2"
    _validate(bag)
    assert _bag_files(bag) == _archive_state(archive, company.short, "v2")
    assert "reports/完整性核查表.docx" in _bag_files(bag)  # every version carries its own reports
    # Same version pulled again: the same entries in the same order.
    again = tmp_path / "again.zip"
    pull(archive, company.short, again, version="v2", user=USER)
    with zipfile.ZipFile(again) as zf:
        assert [i.filename.split("/", 1)[1] for i in zf.infolist()] == [n.split("/", 1)[1] for n in names]


def test_older_version_payload_is_that_version(filled, tmp_path):
    env, company, archive = filled
    out = tmp_path / "v1"
    pull(archive, company.short, out, version="v1", user=USER)
    _validate(out)
    assert _bag_files(out) == _archive_state(archive, company.short, "v1")
    assert "章程 (修订稿) 5%.pdf" not in " ".join(_bag_files(out))


def test_cli_pull_prints_where_count_bytes_version(filled, tmp_path):
    env, company, archive = filled
    out = tmp_path / "bag"
    result = run("pull", company.credit_code, "--out", str(out))  # the client by its credit code
    text = result.output
    assert str(out) in text and "v3" in text and "个" in text and "字节" in text
    files = len(archive.store.reader(company.short).state())
    assert f"{files} 个" in text
    data = json.loads(run("pull", company.short, "--version", "v1", "--out", str(tmp_path / "b.zip"),
                          "--json").output)
    assert data["version"] == "v1" and data["format"] == "zip" and data["files"] > 0
    assert data["access_log"].endswith("logs/access.jsonl")


# --- choosing by date -------------------------------------------------------

@pytest.fixture
def shanghai(monkeypatch):
    """The machine's local time zone is UTC+8 for this test (POSIX TZ string: no tzdata needed)."""
    monkeypatch.setenv("TZ", "CST-8")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.fixture
def dated(tmp_path):
    """An object with versions at chosen UTC times (just before/after local midnight in UTC+8)."""
    cfg = config_mod.load(tmp_path / "home", env={}, overrides={"settle_seconds": 0})
    from dossier.pipeline import init_home

    init_home(cfg)
    archive = Archive(cfg)
    times = [datetime(2026, 2, 27, 8, 0, tzinfo=timezone.utc),      # 2026-02-27 16:00 local
             datetime(2026, 3, 1, 15, 59, 59, tzinfo=timezone.utc),  # 2026-03-01 23:59:59 local
             datetime(2026, 3, 1, 16, 0, 0, tzinfo=timezone.utc)]    # 2026-03-02 00:00:00 local
    for n, when in enumerate(times, 1):
        with archive.store.begin("定时客户") as b:
            b.add_bytes(f"documents/第{n}份.pdf", f"%PDF-1.4 doc {n}\n%%EOF\n".encode())
            b.add_bytes("dossier.json", json.dumps({"client": "定时客户", "name": "定时客户", "n": n}).encode())
            b.commit(f"收件 {n}", "tester", created=when)
    return cfg, archive


@pytest.mark.parametrize("day, expected", [
    (date(2026, 2, 27), "v1"),
    (date(2026, 2, 28), "v1"),
    (date(2026, 3, 1), "v2"),   # v2 at 23:59:59 local counts; v3 (00:00 next day local) does not
    (date(2026, 3, 2), "v3"),
    (date(2031, 1, 1), "v3"),
])
def test_as_of_picks_last_version_by_local_end_of_day(shanghai, dated, day, expected):
    cfg, archive = dated
    assert pick_version(archive.store.reader("定时客户"), as_of=day).name == expected


def test_as_of_datetime_is_inclusive_and_naive_means_local(shanghai, dated):
    cfg, archive = dated
    reader = archive.store.reader("定时客户")
    assert pick_version(reader, as_of=datetime(2026, 3, 1, 23, 59, 59)).name == "v2"
    assert pick_version(reader, as_of=datetime(2026, 3, 2, 0, 0, 0)).name == "v3"
    assert pick_version(reader, as_of=datetime(2026, 3, 1, 16, 0, tzinfo=timezone.utc)).name == "v3"


def test_as_of_before_the_first_version_is_a_clear_error(shanghai, dated, tmp_path):
    cfg, archive = dated
    with pytest.raises(UsageError) as err:
        pull(archive, "定时客户", tmp_path / "out", as_of=date(2026, 2, 26), user=USER)
    assert "2026-02-26" in err.value.message and "v1" in err.value.message and "2026-02-27 16:00:00" in err.value.message
    assert not (tmp_path / "out").exists()
    with pytest.raises(UsageError):
        pick_version(archive.store.reader("定时客户"), version="v1", as_of=date(2026, 3, 1))


def test_cli_as_of_pulls_that_version(shanghai, dated, tmp_path, monkeypatch):
    cfg, archive = dated
    monkeypatch.setenv("DOSSIER_HOME", str(cfg.home))
    out = tmp_path / "三月一日.zip"
    result = run("pull", "定时客户", "--as-of", "2026-03-01", "--out", str(out))
    assert "v2" in result.output
    with zipfile.ZipFile(out) as zf:
        zf.extractall(tmp_path / "x")
    _validate(tmp_path / "x" / "三月一日")
    assert _bag_files(tmp_path / "x" / "三月一日") == _archive_state(archive, "定时客户", "v2")
    assert accesslog.read_log(archive, "定时客户")[-1]["as_of"] == "2026-03-01"
    bad = run("pull", "定时客户", "--as-of", "2026-02-01", "--out", str(tmp_path / "none"), ok=False)
    assert bad.exit_code == 2 and "没有任何版本" in bad.output
    bad = run("pull", "定时客户", "--as-of", "3月1日", "--out", str(tmp_path / "none"), ok=False)
    assert bad.exit_code == 2 and "YYYY-MM-DD" in bad.output
    bad = run("pull", "定时客户", "--version", "v9", "--out", str(tmp_path / "none"), ok=False)
    assert bad.exit_code == 2 and "v9" in bad.output


# --- damage, refusal, atomicity ----------------------------------------------

@pytest.mark.parametrize("as_zip", [False, True], ids=["folder", "zip"])
def test_damaged_stored_file_fails_naming_it_and_leaves_nothing(filled, tmp_path, as_zip):
    env, company, archive = filled
    reader = archive.store.reader(company.short)
    target = reader.file_path("documents/资产负债表_2025.pdf")
    data = bytearray(target.read_bytes())
    data[len(data) // 2] ^= 0xFF  # one flipped byte, same size
    os.chmod(target, 0o644)
    target.write_bytes(bytes(data))
    out = tmp_path / ("bag.zip" if as_zip else "bag")
    with pytest.raises(ArchiveError) as err:
        pull(archive, company.short, out, user=USER)
    assert "documents/资产负债表_2025.pdf" in err.value.message and "损坏" in err.value.message
    assert str(target) in err.value.message
    assert not out.exists()
    _no_leftovers(tmp_path)
    assert accesslog.read_log(archive, company.short) == []  # a failed pull is no pull
    result = run("pull", company.short, "--out", str(out), ok=False)
    assert result.exit_code == 1 and "documents/资产负债表_2025.pdf" in result.output and not out.exists()


def test_missing_stored_file_fails_naming_it(filled, tmp_path):
    env, company, archive = filled
    target = archive.store.reader(company.short).file_path("documents/营业执照.pdf")
    target.unlink()
    with pytest.raises(ArchiveError) as err:
        pull(archive, company.short, tmp_path / "bag", user=USER)
    assert "documents/营业执照.pdf" in err.value.message and "缺少" in err.value.message
    assert not (tmp_path / "bag").exists()
    _no_leftovers(tmp_path)


def test_refuses_a_non_empty_destination(filled, tmp_path):
    env, company, archive = filled
    busy = tmp_path / "已有"
    busy.mkdir()
    (busy / "别人的文件.txt").write_text("keep")
    with pytest.raises(UsageError) as err:
        pull(archive, company.short, busy, user=USER)
    assert str(busy) in err.value.message
    assert [p.name for p in busy.iterdir()] == ["别人的文件.txt"]
    old_zip = tmp_path / "old.zip"
    old_zip.write_bytes(b"not mine to overwrite")
    with pytest.raises(UsageError):
        pull(archive, company.short, old_zip, user=USER)
    assert old_zip.read_bytes() == b"not mine to overwrite"
    result = run("pull", company.short, "--out", str(busy), ok=False)
    assert result.exit_code == 2 and str(busy) in result.output
    with pytest.raises(UsageError):  # never into the archive itself
        pull(archive, company.short, archive.object_path(company.short) / "bag", user=USER)
    empty = tmp_path / "空文件夹"
    empty.mkdir()
    pull(archive, company.short, empty, user=USER)  # an empty folder is fine
    _validate(empty)


def test_failed_log_write_removes_the_bag(filled, tmp_path, monkeypatch):
    env, company, archive = filled

    def broken(*args, **kwargs):
        raise ArchiveError("无法写入调阅记录（测试）")

    monkeypatch.setattr(accesslog, "record", broken)
    with pytest.raises(ArchiveError):
        pull(archive, company.short, tmp_path / "bag", user=USER)
    assert not (tmp_path / "bag").exists()


# --- the access log -----------------------------------------------------------

def test_pulls_are_logged_in_the_object_and_catalog_and_object_stays_valid(filled, tmp_path):
    env, company, archive = filled
    run("pull", company.short, "--out", str(tmp_path / "a"))
    run("pull", company.short, "--version", "v1", "--out", str(tmp_path / "b.zip"))
    log_file = archive.object_path(company.short) / "logs" / "access.jsonl"
    lines = log_file.read_text("utf-8").splitlines()
    assert len(lines) == 2
    first, second = (json.loads(line) for line in lines)
    assert first["event"] == "pull" and first["client"] == company.short and first["version"] == "v3"
    assert first["user"] == accesslog.os_user() and first["destination"] == str(tmp_path / "a")
    assert first["files"] == len(archive.store.reader(company.short).state()) and first["bytes"] > 0
    assert datetime.fromisoformat(first["time"]).utcoffset() is not None  # ISO 8601 with offset
    assert second["version"] == "v1" and second["format"] == "zip"
    assert accesslog.read_log(archive, company.short) == [first, second]
    with Catalog(config_mod.load(env).catalog_path) as catalog:
        assert catalog.access_log(company.short) == [first, second]
    shown = json.loads(run("log", company.short, "--json").output)
    assert shown["entries"] == [first, second]
    text = run("log", company.short).output
    assert str(tmp_path / "a") in text and "v1" in text and "共 2 条" in text
    ok, report = ocfl_validate(archive.object_path(company.short))
    assert ok, report
    assert archive.verify(company.short) == []
    assert "校验通过" in run("verify", company.short).output


def test_log_survives_losing_the_catalog(filled, tmp_path):
    env, company, archive = filled
    run("pull", company.short, "--out", str(tmp_path / "a"))
    run("reindex")  # deletes and rebuilds catalog.sqlite from the archive
    entries = json.loads(run("log", company.short, "--json").output)["entries"]
    assert [e["destination"] for e in entries] == [str(tmp_path / "a")]
    with Catalog(config_mod.load(env).catalog_path) as catalog:
        assert len(catalog.access_log(company.short)) == 1  # `dossier log` refilled the cache


def test_log_of_a_never_pulled_client(filled):
    env, company, archive = filled
    assert "还没有调阅记录" in run("log", company.short).output
    assert json.loads(run("log", company.short, "--json").output)["entries"] == []
