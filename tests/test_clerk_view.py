"""A clerk's view that is always true (issue 10, findings 4, 5, 6): receipts rewritten from the archive,
waiting files shown and costing nothing, junk and emptied folders not left silently."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from conftest import by_source, ingest, make_config
import dossier_factory as samples
from dossier.archive import Archive
from dossier.intake import tidy
from dossier.intake.events import CHANGES
from dossier.pipeline import Pipeline


@pytest.fixture
def company():
    return samples.make_company(7, short="恒远机械")


def _receipt(home, folder="恒远机械") -> str:
    return (home.inbox / folder / "收件回执.txt").read_text(encoding="utf-8")


def test_root_file_routed_into_a_client_rewrites_its_receipt(home, company):
    samples.business_licence_pdf(company, home.inbox / "恒远机械" / "营业执照.pdf")
    ingest(home)
    assert "当前版本 v1" in _receipt(home)
    # a tax certificate at the inbox root, routed by the credit code it carries
    samples.tax_payment_certificate_pdf(company, 2025, home.inbox / "完税证明2025.pdf")
    got = by_source(ingest(home))["完税证明2025.pdf"]
    assert got.client == "恒远机械" and got.version == "v2"
    text = _receipt(home)
    assert "当前版本 v2" in text
    assert "完税证明2025.pdf" in text and "来自收件箱" in text
    assert "纳税证明_2025" in text  # listed among the dossier's documents, not as missing


def test_receipt_lists_every_document_of_the_dossier_after_a_second_batch(home, company):
    folder = home.inbox / "恒远机械"
    samples.business_licence_pdf(company, folder / "营业执照.pdf")
    samples.balance_sheet_pdf(company, 2025, folder / "资产负债表.pdf")
    ingest(home)
    samples.income_statement_pdf(company, 2025, folder / "利润表.pdf")
    ingest(home)
    text = _receipt(home)
    assert "当前版本 v2" in text
    listed = text.split("档案中现有文件", 1)[1]
    for name in ("营业执照", "资产负债表_2025", "利润表_2025"):
        assert name in listed, name


def test_half_copied_pdf_is_shown_waiting_with_its_deadline(tmp_path, company):
    home = make_config(tmp_path / "home", stale_seconds=600.0)
    from dossier.pipeline import init_home

    init_home(home)
    folder = home.inbox / "恒远机械"
    samples.business_licence_pdf(company, folder / "营业执照.pdf")
    full = samples.balance_sheet_pdf(company, 2025, tmp_path / "bs.pdf")
    data = full.read_bytes()
    (folder / "资产负债表.pdf").write_bytes(data[: len(data) // 2])
    pipe = Pipeline(home)
    try:
        pipe.start()
        outcomes = by_source(pipe.ingest(wait=False))
        assert outcomes["恒远机械/营业执照.pdf"].outcome == "archived"
        assert outcomes["恒远机械/资产负债表.pdf"].outcome == "pending"
        text = _receipt(home)
        waiting = text.split("尚在等待处理的文件", 1)[1]
        assert "资产负债表.pdf" in waiting and "_failed" in waiting
        # nothing changes: the watcher need not look again before the file could be quarantined
        assert pipe.next_due() > 500
    finally:
        pipe.close()


def test_watcher_wakes_on_changes_not_on_reads():
    assert {"created", "modified", "moved", "deleted", "closed"} <= CHANGES
    assert "opened" not in CHANGES and "closed_no_write" not in CHANGES


def _age(path: Path, seconds: float) -> None:
    t = time.time() - seconds
    os.utime(path, (t, t))


def test_tidy_removes_os_junk_orphan_notes_and_emptied_subfolders(tmp_path):
    inbox = tmp_path / "inbox"
    client = inbox / "恒远机械"
    (client / "扫描" / "空").mkdir(parents=True)
    for name in ("Thumbs.db", "desktop.ini", ".DS_Store", "._营业执照.pdf"):
        (client / name).write_bytes(b"x")
    (client / "营业执照.pdf.reason.txt").write_text("原因", encoding="utf-8")  # its file is gone
    (client / "利润表.pdf").write_bytes(b"%PDF-1.4")
    (client / "利润表.pdf.reason.txt").write_text("原因", encoding="utf-8")  # its file is still there
    (client / "复制中.tmp").write_bytes(b"x")
    (inbox / "_failed").mkdir()
    (inbox / "_failed" / "Thumbs.db").write_bytes(b"x")  # reserved folders are not ours to tidy
    (inbox / ".dossier-work").mkdir()
    for p in [*client.rglob("*"), client]:
        _age(p, 3600)
    (client / "扫描").touch()  # just emptied: left for now
    _age(client / "扫描" / "空", 3600)

    got = tidy(inbox, quiet=5, stale=600)
    left = sorted(p.relative_to(inbox).as_posix() for p in inbox.rglob("*"))
    assert left == [".dossier-work", "_failed", "_failed/Thumbs.db", "恒远机械", "恒远机械/利润表.pdf",
                    "恒远机械/利润表.pdf.reason.txt", "恒远机械/复制中.tmp", "恒远机械/扫描"]
    assert "恒远机械/复制中.tmp" in got.reported
    assert "恒远机械/扫描/空/" in got.removed and "恒远机械/Thumbs.db" in got.removed


def test_tidy_never_follows_links(tmp_path):
    inbox = tmp_path / "inbox"
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "Thumbs.db").write_bytes(b"x")
    (inbox / "恒远机械").mkdir(parents=True)
    (inbox / "恒远机械" / "链接").symlink_to(outside)
    tidy(inbox, quiet=0, stale=0, now=time.time() + 3600)
    assert (outside / "Thumbs.db").exists()
    assert (inbox / "恒远机械" / "链接").is_symlink()


def test_junk_dropped_with_a_batch_is_cleaned_and_the_rest_archived(home, company):
    folder = home.inbox / "恒远机械"
    samples.business_licence_pdf(company, folder / "营业执照.pdf")
    (folder / "Thumbs.db").write_bytes(b"\xd0\xcf\x11\xe0")
    _age(folder / "Thumbs.db", 60)
    outcomes = ingest(home)
    assert [o.outcome for o in outcomes] == ["archived"]
    assert sorted(p.name for p in folder.iterdir()) == ["收件回执.txt"]
    assert Archive(home).snapshot("恒远机械").version == "v1"
