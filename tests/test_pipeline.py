"""Intake to archive, end to end through the library, with bad input and faults."""

from __future__ import annotations

import errno
import os
import unicodedata
from pathlib import Path

import pytest

from conftest import by_source, ingest, ocfl_validate
from dossier.archive import ocfl
import dossier_factory as samples
from dossier.archive import Archive
from dossier.catalog import Catalog


@pytest.fixture
def company():
    return samples.make_company(7, short="恒远机械")


def drop_licence(inbox: Path, company, folder: str | None = None, name="营业执照.pdf") -> Path:
    target = inbox / (folder or company.short) / name if folder != "" else inbox / name
    target.parent.mkdir(parents=True, exist_ok=True)
    samples.business_licence_pdf(company, target)
    return target


def test_client_folder_becomes_one_version(home, company):
    folder = home.inbox / company.short
    drop_licence(home.inbox, company)
    samples.balance_sheet_pdf(company, 2025, folder / "2025年资产负债表.pdf")
    samples.income_statement_pdf(company, 2025, folder / "2025利润表.pdf")

    outcomes = ingest(home)

    assert sorted(o.outcome for o in outcomes) == ["archived"] * 3
    assert {o.version for o in outcomes} == {"v1"}
    # taken out of the inbox; the folder stays for the clerk, with a receipt
    assert [p.name for p in folder.iterdir()] == ["收件回执.txt"]
    snap = Archive(home).snapshot(company.short)
    assert snap.credit_code == company.credit_code
    assert {d.source for d in snap.documents} == {
        f"{company.short}/营业执照.pdf", f"{company.short}/2025年资产负债表.pdf", f"{company.short}/2025利润表.pdf"}
    assert all(d.media_type == "application/pdf" and d.pages == 1 for d in snap.documents)
    assert snap.versions[-1].message.startswith("收件 3 份")
    ok, out = ocfl_validate(Archive(home).object_path(company.short))
    assert ok, out


def test_text_layer_is_recorded_and_searchable(home, company):
    drop_licence(home.inbox, company)
    ingest(home)
    snap = Archive(home).snapshot(company.short, with_text=True)
    assert company.credit_code in snap.documents[0].text
    with Catalog(home.catalog_path) as cat:
        hits = cat.search_documents(company.name[2:6])  # a Chinese substring inside a word
    assert hits and hits[0]["client"] == company.short


def test_second_drop_is_a_new_version_and_originals_are_unchanged(home, company):
    drop_licence(home.inbox, company)
    ingest(home)
    first = Archive(home).snapshot(company.short)
    samples.tax_payment_certificate_pdf(company, 2025, home.inbox / company.short / "完税证明2025.pdf")
    outcomes = ingest(home)
    assert [o.version for o in outcomes] == ["v2"]
    snap = Archive(home).snapshot(company.short)
    versions = {d.source.split("/")[-1]: d.version for d in snap.documents}
    assert versions == {"营业执照.pdf": "v1", "完税证明2025.pdf": "v2"}
    assert Archive(home).snapshot(company.short, version="v1").documents == first.documents


def test_same_bytes_again_is_a_duplicate_stored_once(home, company):
    path = drop_licence(home.inbox, company)
    data = path.read_bytes()
    ingest(home)
    (home.inbox / company.short / "扫描件(3).pdf").write_bytes(data)
    outcomes = ingest(home)
    assert [o.outcome for o in outcomes] == ["duplicate"]
    assert "营业执照.pdf" in outcomes[0].reason
    assert not (home.inbox / company.short / "扫描件(3).pdf").exists()
    reader = Archive(home).store.reader(company.short)
    assert reader.head == "v1"


@pytest.mark.parametrize("kind, needle", [
    ("zero", "0 字节"),
    ("truncated", "不完整"),
    ("corrupt", "损坏"),
    ("encrypted", "加密"),
    ("unknown", "文档格式"),
])
def test_bad_file_is_quarantined_with_reason_and_the_rest_archived(home, company, tmp_path, kind, needle):
    folder = home.inbox / company.short
    good = drop_licence(home.inbox, company)
    bad = folder / f"坏文件-{kind}.pdf"
    if kind == "zero":
        samples.zero_byte(bad)
    elif kind == "truncated":
        samples.truncated_pdf(good, bad)
    elif kind == "corrupt":
        samples.corrupt_pdf(bad)
    elif kind == "encrypted":
        samples.encrypted_pdf(good, bad)
    else:
        bad.write_bytes(b"just some text, not a document\n" * 10)

    outcomes = by_source(ingest(home))

    source = f"{company.short}/{bad.name}"
    assert outcomes[source].outcome == "quarantined"
    assert needle in outcomes[source].reason
    assert outcomes[f"{company.short}/营业执照.pdf"].outcome == "archived"
    moved = home.failed / company.short / bad.name
    assert moved.exists()
    reason = moved.with_name(bad.name + ".reason.txt").read_text(encoding="utf-8")
    assert needle in reason and source in reason


def test_truncated_pdf_still_fresh_waits_in_place(home, company, tmp_path):
    cfg = home.__class__(home=home.home, values={**home.values, "stale_seconds": 3600})
    good = tmp_path / "good.pdf"
    samples.business_licence_pdf(company, good)
    bad = home.inbox / company.short / "复制中.pdf"
    bad.parent.mkdir(parents=True)
    samples.truncated_pdf(good, bad)
    outcomes = ingest(cfg, wait=False)
    assert [o.outcome for o in outcomes] == ["pending"]
    assert bad.exists()


def test_gbk_file_name_from_windows_share(home, company):
    folder = home.inbox / company.short
    folder.mkdir(parents=True)
    raw = os.fsencode(str(folder)) + b"/" + "营业执照副本.pdf".encode("gbk")
    samples.business_licence_pdf(company, Path(os.fsdecode(raw)))
    outcomes = ingest(home)
    assert outcomes[0].outcome == "archived"
    assert outcomes[0].source == f"{company.short}/营业执照副本.pdf"
    assert outcomes[0].path == "documents/营业执照.pdf"  # named by what it is; the source name is kept


@pytest.mark.parametrize("name, logical", [
    ("C:报表.pdf", "documents/C_报表.pdf"),
    ("报表.pdf..", "documents/报表.pdf"),
    ("上..级.pdf", "documents/上..级.pdf"),
    ("a\\b.pdf", "documents/a_b.pdf"),
    ("bad\x07\nname.pdf", "documents/bad__name.pdf"),
])
def test_awkward_names_get_safe_logical_paths(home, company, name, logical):
    # Content that is no appendix document keeps (a safe form of) the name it was dropped with.
    samples.generic_pdf(home.inbox / company.short / name, "会议纪要", ["关于办公室搬迁的安排"])
    (outcome,) = ingest(home)
    assert outcome.outcome == "archived", outcome
    assert outcome.path == logical
    ok, out = ocfl_validate(Archive(home).object_path(company.short))
    assert ok, out


def test_names_differing_only_in_case_or_unicode_form(home, company):
    folder = home.inbox / company.short
    folder.mkdir(parents=True)
    samples.generic_pdf(folder / "Scan.pdf", "扫描件", ["第一份"])
    samples.generic_pdf(folder / "scan.PDF", "扫描件", ["第二份"])
    samples.generic_pdf(folder / unicodedata.normalize("NFC", "Café.pdf"), "扫描件", ["第三份"])
    samples.generic_pdf(folder / unicodedata.normalize("NFD", "Café.pdf"), "扫描件", ["第四份"])
    outcomes = ingest(home)
    assert [o.outcome for o in outcomes] == ["archived"] * 4
    paths = [o.path for o in outcomes]
    assert len({unicodedata.normalize("NFC", p).casefold() for p in paths}) == 4
    assert all(unicodedata.is_normalized("NFC", p) for p in paths)
    ok, out = ocfl_validate(Archive(home).object_path(company.short))
    assert ok, out


def test_symlink_pointing_outside_is_never_followed(home, company, tmp_path):
    secret = tmp_path / "outside" / "机密.pdf"
    secret.parent.mkdir()
    samples.generic_pdf(secret, "机密", ["不应被读取"])
    before = secret.read_bytes()
    folder = home.inbox / company.short
    folder.mkdir(parents=True)
    (folder / "链接.pdf").symlink_to(secret)
    (home.inbox / "链接目录").symlink_to(secret.parent, target_is_directory=True)
    drop_licence(home.inbox, company)

    outcomes = by_source(ingest(home))

    assert outcomes[f"{company.short}/链接.pdf"].outcome == "quarantined"
    assert "符号链接" in outcomes[f"{company.short}/链接.pdf"].reason
    assert outcomes["链接目录"].outcome == "quarantined"
    assert secret.read_bytes() == before and (tmp_path / "outside").is_dir()
    snap = Archive(home).snapshot(company.short)
    assert [d.source for d in snap.documents] == [f"{company.short}/营业执照.pdf"]


def test_root_level_drop_is_routed_by_credit_code(home, company):
    drop_licence(home.inbox, company)
    ingest(home)
    samples.generic_pdf(home.inbox / f"{company.credit_code}_章程.pdf", "公司章程", ["第一条"])
    samples.generic_pdf(home.inbox / "无代码.pdf", "说明", ["没有信用代码"])
    other = samples.make_company(99)
    samples.business_licence_pdf(other, home.inbox / "别家执照.pdf")

    outcomes = by_source(ingest(home))

    assert outcomes[f"{company.credit_code}_章程.pdf"].outcome == "archived"
    assert outcomes[f"{company.credit_code}_章程.pdf"].client == company.short
    assert outcomes["无代码.pdf"].outcome == "unsorted"
    assert outcomes["别家执照.pdf"].outcome == "unsorted"
    assert other.credit_code in outcomes["别家执照.pdf"].reason
    assert (home.unsorted / "无代码.pdf").exists()
    assert (home.unsorted / "无代码.pdf.reason.txt").exists()


def test_new_folder_name_with_known_credit_code_joins_that_client(home, company):
    drop_licence(home.inbox, company)
    ingest(home)
    samples.tax_payment_certificate_pdf(company, 2025, home.inbox / company.name / "完税证明.pdf")
    (outcome,) = ingest(home)
    assert outcome.client == company.short and outcome.version == "v2"


def test_nested_folders_keep_their_source_path(home, company):
    folder = home.inbox / company.short / "2025年报表"
    folder.mkdir(parents=True)
    samples.balance_sheet_pdf(company, 2025, folder / "资产负债表.pdf")
    (outcome,) = ingest(home)
    assert outcome.source == f"{company.short}/2025年报表/资产负债表.pdf"
    assert not folder.exists() or not any(p for p in folder.rglob("*") if p.is_file())


def test_disk_full_during_commit_leaves_files_in_inbox_and_archive_unchanged(home, company, monkeypatch):
    drop_licence(home.inbox, company)
    ingest(home)
    object_path = Archive(home).object_path(company.short)
    before = {p: p.read_bytes() for p in object_path.rglob("*") if p.is_file()}
    folder = home.inbox / company.short
    samples.balance_sheet_pdf(company, 2025, folder / "资产负债表.pdf")
    samples.income_statement_pdf(company, 2025, folder / "利润表.pdf")
    real = ocfl.copy_and_hash
    calls = {"n": 0}

    def full_disk(src, dst):
        calls["n"] += 1
        if calls["n"] == 2:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(src, dst)

    monkeypatch.setattr(ocfl.inventory, "copy_and_hash", full_disk)
    outcomes = ingest(home)
    assert {o.outcome for o in outcomes} == {"pending"}
    assert all("磁盘" in o.reason for o in outcomes)
    assert sorted(p.name for p in folder.iterdir() if p.name != "收件回执.txt") == ["利润表.pdf", "资产负债表.pdf"]
    assert {p: p.read_bytes() for p in object_path.rglob("*") if p.is_file()} == before

    monkeypatch.setattr(ocfl.inventory, "copy_and_hash", real)
    outcomes = ingest(home)
    assert {o.outcome for o in outcomes} == {"archived"}
    ok, out = ocfl_validate(object_path)
    assert ok, out


def test_catalog_is_rebuilt_from_the_archive_alone(home, company):
    drop_licence(home.inbox, company)
    ingest(home)
    with Catalog(home.catalog_path) as cat:
        before = cat.clients()
    home.catalog_path.unlink()
    for suffix in ("-wal", "-shm"):
        Path(str(home.catalog_path) + suffix).unlink(missing_ok=True)
    ingest(home)  # start-up syncs the catalog
    with Catalog(home.catalog_path) as cat:
        assert cat.clients() == before
        assert cat.find_client(company.credit_code) == [company.short]


@pytest.mark.slow
def test_300_mb_file_is_hashed_and_stored_with_bounded_memory(tmp_path):
    import subprocess
    import sys

    from conftest import VENV_BIN, dossier_cli

    home = tmp_path / "home"
    assert dossier_cli(home, "init").returncode == 0
    big = samples.big_pdf(home / "inbox" / "恒远机械" / "整本扫描.pdf", 300, seed=5)
    size = big.stat().st_size
    probe = ("import resource, subprocess, sys\n"
             "p = subprocess.run(sys.argv[1:], capture_output=True, text=True)\n"
             "print(p.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
             "print(p.stdout, p.stderr)\n")
    env = {**os.environ, "DOSSIER_SETTLE_SECONDS": "0"}
    out = subprocess.run([sys.executable, "-c", probe, str(VENV_BIN / "dossier"), "--home", str(home), "ingest",
                          "--json"], capture_output=True, text=True, env=env)
    code, maxrss_kib = map(int, out.stdout.split()[:2])
    assert code == 0, out.stdout
    assert '"archived"' in out.stdout
    peak_mib = maxrss_kib / 1024
    print(f"peak RSS {peak_mib:.0f} MiB for a {size >> 20} MiB file")
    assert peak_mib < 160, f"peak RSS {peak_mib:.0f} MiB while ingesting a {size >> 20} MiB file"
    stored = Archive(dossier_config(home)).object_path("恒远机械") / "v1" / "content" / "documents" / "整本扫描.pdf"
    assert stored.stat().st_size == size


def dossier_config(home):
    from dossier.config import load

    return load(home, env={})


def test_a_folder_is_held_while_one_of_its_files_is_still_settling(home, company):
    import time

    from dossier.pipeline import Pipeline

    cfg = home.__class__(home=home.home, values={**home.values, "settle_seconds": 1.0})
    old = drop_licence(home.inbox, company)
    time.sleep(1.2)
    young = samples.generic_pdf(home.inbox / company.short / "刚放入.pdf", "说明", ["刚放入"])
    pipe = Pipeline(cfg)
    pipe.start()
    pipe.settle.clock = lambda: 0.0  # no observed quiet time: only the inode clock counts
    pipe.settle.wallclock = lambda: old.stat().st_ctime + 1.05  # the old file has settled, the young not
    outcomes, pending = pipe.pass_once()
    assert outcomes == [] and len(pending) == 2
    pipe.settle.wallclock = lambda: young.stat().st_ctime + 1.05
    outcomes, pending = pipe.pass_once()
    pipe.close()
    assert [o.outcome for o in outcomes] == ["archived", "archived"] and {o.version for o in outcomes} == {"v1"}


def test_clerk_receipt_lists_what_was_archived_and_what_is_missing(home, company):
    folder = home.inbox / company.short
    drop_licence(home.inbox, company)
    samples.zero_byte(folder / "空白.pdf")
    ingest(home)
    receipt = (folder / "收件回执.txt").read_text(encoding="utf-8")
    assert "[已归档] 营业执照.pdf → documents/营业执照.pdf" in receipt
    assert "[未收件] 空白.pdf" in receipt and "0 字节" in receipt
    assert "还需补充或核对的资料" in receipt and "担保申请书" in receipt
    assert ingest(home) == []  # the receipt itself is never taken in
    assert (folder / "收件回执.txt").exists()


def test_root_level_file_waits_for_a_client_folder_still_settling(home, company):
    import time

    from dossier.pipeline import Pipeline

    cfg = home.__class__(home=home.home, values={**home.values, "settle_seconds": 1.0})
    root_file = samples.generic_pdf(home.inbox / f"{company.credit_code}_章程.pdf", "公司章程", [company.name])
    time.sleep(1.2)
    licence = drop_licence(home.inbox, company)  # the folder that creates the client arrives later
    pipe = Pipeline(cfg)
    pipe.start()
    pipe.settle.clock = lambda: 0.0
    pipe.settle.wallclock = lambda: root_file.stat().st_ctime + 1.05  # root file settled, folder not yet
    outcomes, pending = pipe.pass_once()
    assert outcomes == [] and len(pending) == 2  # not sent to _unsorted
    pipe.settle.wallclock = lambda: licence.stat().st_ctime + 1.05
    outcomes, _ = pipe.pass_once()
    pipe.close()
    assert {o.outcome for o in outcomes} == {"archived"} and {o.client for o in outcomes} == {company.short}


def test_a_closed_pipeline_is_freed_at_once_with_the_snapshots_it_held(home, company):
    """No reference cycle through the archive (its report hook is not a bound method of the pipeline): a
    pipeline and the dossier snapshots it kept are freed when dropped, not at the cyclic collector's next
    full pass (which costs more the more such garbage a long-lived process holds)."""
    import gc
    import weakref

    from dossier.pipeline import Pipeline

    drop_licence(home.inbox, company)
    gc.collect()
    gc.disable()
    try:
        pipe = Pipeline(home)
        pipe.start()
        assert [o.outcome for o in pipe.ingest()] == ["archived"]
        pipe.close()
        head = pipe.archive.head(company.short)  # kept in memory by the archive
        refs = [weakref.ref(x) for x in (pipe, pipe.archive, pipe.catalog)]
        head_ref = weakref.ref(head.documents[0])
        del pipe, head
        assert [r() for r in refs] == [None, None, None]
        assert head_ref() is None
    finally:
        gc.enable()


def test_an_ingester_keeps_its_start_up_heap_out_of_full_collections_while_it_runs(home, company):
    """heap.hold at start (the modules and state it starts with are frozen for the cyclic collector),
    heap.release at close: nothing stays frozen after the last ingester closes, and nested holders share."""
    import gc

    from dossier.pipeline import Pipeline, heap

    drop_licence(home.inbox, company)
    frozen_before = gc.get_freeze_count()
    first = Pipeline(home)
    try:
        first.start()
        held = gc.get_freeze_count()
        assert held > frozen_before
        heap.hold()  # a second holder (another pipeline in this process) freezes nothing more ...
        heap.release()  # ... and its release leaves the first one's hold in place
        assert gc.get_freeze_count() == held
        assert [o.outcome for o in first.ingest()] == ["archived"]
    finally:
        first.close()
    assert gc.get_freeze_count() == 0
    first.close()  # closing twice releases once
    heap.release()  # an unmatched release is a no-op
    assert gc.get_freeze_count() == 0
    reader = Pipeline(home)
    try:
        reader.start(role="reader")  # readers and editors (the web's requests) freeze nothing
        assert gc.get_freeze_count() == 0
    finally:
        reader.close()
