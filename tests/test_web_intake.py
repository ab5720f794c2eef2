"""Uploads, the intake page and the administrator's pages of the web workplace (issue 13), on a real
server (``dossier serve``): a clerk's upload lands in the client's inbox folder, ``dossier ingest``
archives it, and the intake page shows the outcome and the folder's receipt; nothing outside the
inbox is read or written."""

from __future__ import annotations

import html
import json
import os
import re
import urllib.parse

import pytest
from web_support import Workplace, cli

import dossier_factory as samples

CLIENT = "瑞丰纺织"  # its demo dossier holds neither file uploaded here
MAX_MB = 1


@pytest.fixture(scope="module")
def wp(tmp_path_factory):
    home = tmp_path_factory.mktemp("web-intake") / "home"
    place = Workplace.create(home)
    (home / "dossier.toml").write_text(f"max_file_mb = {MAX_MB}\n", encoding="utf-8")
    place.start()
    yield place
    place.stop()


@pytest.fixture(scope="module")
def company():
    return next(c for c in samples.demo_companies() if c.short == CLIENT)


def _upload(b, data: dict, files: list[tuple[str, bytes, str]], field: str = "files"):
    token = b.csrf("/upload/")
    return b.request("POST", "/upload/", data={"csrfmiddlewaretoken": token, **data}, files={field: files})


def _inbox_files(wp, folder: str) -> list[str]:
    return sorted(os.listdir(wp.home / "inbox" / folder))


def test_a_clerk_uploads_two_files_and_intake_archives_them_with_a_receipt(wp, company, tmp_path):
    tax = samples.tax_payment_certificate_pdf(company, 2024, tmp_path / "完税证明2024.pdf").read_bytes()
    card = samples.legal_rep_id_pdf(company, tmp_path / "法人身份证.pdf").read_bytes()
    b = wp.browser("clerk1")
    page = b.get("/upload/")
    assert page.status == 200
    assert 'name="files" multiple accept="application/pdf,image/*"' in page.text
    assert 'accept="image/*" capture="environment"' in page.text and 'name="new_folder"' in page.text
    got = _upload(b, {"client": CLIENT}, [("完税证明2024.pdf", tax, "application/pdf"),
                                          ("法人身份证.pdf", card, "application/pdf")])
    assert got.status == 302 and got.headers["Location"] == "/upload/"
    shown = b.get("/upload/").text
    assert "已上传 2 个文件" in shown and "完税证明2024.pdf" in shown and "法人身份证.pdf" in shown
    folder = wp.home / "inbox" / CLIENT
    assert sorted(p.name for p in folder.iterdir() if p.name != "收件回执.txt") == ["完税证明2024.pdf", "法人身份证.pdf"]
    assert (folder / "完税证明2024.pdf").read_bytes() == tax  # whole, and no temporary file left beside
    # the same name again is never overwritten
    again = _upload(b, {"client": CLIENT}, [("法人身份证.pdf", card[:-10] + b"%%EOF\n\n\n\n\n", "application/pdf")])
    assert again.status == 302 and (folder / "法人身份证 (2).pdf").exists()
    (folder / "法人身份证 (2).pdf").unlink()

    out = cli(wp.home, "ingest")
    assert "完税证明2024.pdf" in out.stdout
    docs = {d["source"].rsplit("/", 1)[-1]: d for d in json.loads(cli(wp.home, "show", CLIENT, "--json").stdout)["documents"]}
    assert docs["完税证明2024.pdf"]["doc_type"] == "tax_payment_certificate"
    assert docs["法人身份证.pdf"]["doc_type"] == "legal_rep_id"

    intake = b.get("/intake/")
    assert intake.status == 200
    for name in ("完税证明2024.pdf", "法人身份证.pdf"):
        row = re.search(rf"<tr class=\"outcome-archived\"><td>[^<]*</td><td>{CLIENT}/{re.escape(name)}</td>"
                        r"<td>已归档</td>", intake.text)
        assert row, name
    receipt = (folder / "收件回执.txt").read_text(encoding="utf-8")
    assert "完税证明2024.pdf" in receipt
    assert html.escape(receipt.splitlines()[0]) in intake.text
    alone = b.get(f"/intake/receipt/{CLIENT}/")
    assert alone.status == 200 and "[已归档] 完税证明2024.pdf" in html.unescape(alone.text)
    log = json.loads(cli(wp.home, "log", CLIENT, "--json").stdout)["entries"]
    assert any(e["event"] == "upload" and e["user"] == "clerk1" and e["files"] == 2
               and sorted(e["names"]) == ["完税证明2024.pdf", "法人身份证.pdf"] for e in log)


def test_empty_and_oversized_files_are_refused_with_a_message(wp):
    b = wp.browser("clerk1")
    before = _inbox_files(wp, CLIENT)
    big = b"%PDF-1.4\n" + b"0" * (MAX_MB * 1024 * 1024 + 10)
    got = _upload(b, {"client": CLIENT}, [("大文件.pdf", big, "application/pdf"), ("空.pdf", b"", "application/pdf")])
    assert got.status == 400
    assert "大文件.pdf" in got.text and f"超过上限 {MAX_MB} MB" in got.text
    assert "空.pdf" in got.text and "文件是空的" in got.text
    assert _inbox_files(wp, CLIENT) == before


def test_folder_names_cannot_leave_the_inbox(wp, tmp_path):
    b = wp.browser("clerk1")
    pdf = samples.generic_pdf(tmp_path / "x.pdf", "情况说明", ["本公司经营正常。"]).read_bytes()
    outside = sorted(os.listdir(wp.home))
    for name in ("../逃逸", "..", "_failed", ".hidden", "a/b"):
        got = _upload(b, {"client": "", "new_folder": name}, [("x.pdf", pdf, "application/pdf")])
        assert got.status == 400 and "不可用" in got.text, name
    assert sorted(os.listdir(wp.home)) == outside
    assert not (wp.home / "inbox" / "_failed" / "x.pdf").exists()
    got = _upload(b, {"client": "../../etc"}, [("x.pdf", pdf, "application/pdf")])
    assert got.status == 400
    for path in ("/intake/receipt/../", "/intake/receipt/%2E%2E/", "/intake/receipt/..%2F..%2Fetc/",
                 "/intake/receipt/_failed/", "/intake/receipt/没有这个文件夹/"):
        assert b.get(path).status == 404, path
    # a new client's folder with a safe name is made inside the inbox
    ok = _upload(b, {"client": "", "new_folder": "新客户甲"}, [("x.pdf", pdf, "application/pdf")])
    assert ok.status == 302 and (wp.home / "inbox" / "新客户甲" / "x.pdf").is_file()
    # a client folder planted as a link to elsewhere is moved aside, never written through
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (wp.home / "inbox" / "新客户乙").symlink_to(elsewhere)
    ok = _upload(b, {"client": "", "new_folder": "新客户乙"}, [("x.pdf", pdf, "application/pdf")])
    assert ok.status == 302 and list(elsewhere.iterdir()) == []
    assert not (wp.home / "inbox" / "新客户乙").is_symlink() and (wp.home / "inbox" / "新客户乙" / "x.pdf").is_file()


def test_links_in_the_share_are_never_followed(wp, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("机密内容 do-not-show", encoding="utf-8")
    folder = wp.home / "inbox" / wp.clients[0]
    receipt = folder / "收件回执.txt"
    kept = receipt.read_bytes()
    receipt.unlink()
    receipt.symlink_to(secret)
    (folder / "链接.pdf").symlink_to(secret)
    try:
        b = wp.browser("hegui")
        page = b.get("/intake/")
        assert page.status == 200 and "do-not-show" not in page.text
        assert "链接.pdf" in page.text and "不是普通文件" in page.text
        alone = b.get(f"/intake/receipt/{wp.clients[0]}/")
        assert alone.status == 200 and "do-not-show" not in alone.text and "还没有收件回执" in alone.text
    finally:
        (folder / "链接.pdf").unlink()
        receipt.unlink()
        receipt.write_bytes(kept)


def test_a_quarantined_upload_shows_its_reason(wp, tmp_path):
    b = wp.browser("clerk1")
    bad = samples.corrupt_pdf(tmp_path / "坏文件.pdf").read_bytes()
    got = _upload(b, {"client": CLIENT}, [("坏文件.pdf", bad, "application/pdf")])
    assert got.status == 302
    cli(wp.home, "ingest")
    page = b.get("/intake/")
    assert f"_failed/{CLIENT}/坏文件.pdf" in page.text
    reason = next((wp.home / "inbox" / "_failed" / CLIENT).glob("坏文件.pdf.reason.txt")).read_text(encoding="utf-8")
    line = next(x for x in reason.splitlines() if x.startswith("原因："))
    assert html.escape(line) in page.text


def test_managers_see_only_their_clients_folders_and_upload_only_for_them(wp):
    b = wp.browser("jingli")
    mine, other = wp.clients[0], CLIENT
    assert mine != other
    page = b.get("/intake/")
    assert page.status == 200
    link = lambda folder: urllib.parse.quote(f"/intake/receipt/{folder}/")
    assert link(mine) in page.text and link(other) not in page.text
    assert f"{other}/完税证明2024.pdf" not in page.text
    assert b.get(f"/intake/receipt/{other}/").status == 404
    form = b.get("/upload/").text
    assert f'value="{mine}"' in form and f'value="{other}"' not in form and 'name="new_folder"' not in form
    got = _upload(b, {"client": other}, [("照片.jpg", b"\xff\xd8\xff\xe0photo", "image/jpeg")], field="camera")
    assert got.status == 403
    got = _upload(b, {"client": mine}, [("现场照片.jpg", b"\xff\xd8\xff\xe0photo", "image/jpeg")], field="camera")
    assert got.status == 302


@pytest.mark.parametrize("user", ["hegui", "admin1"])
def test_compliance_and_admin_may_not_upload(wp, user):
    b = wp.browser(user)
    assert b.get("/upload/").status == 403
    assert b.post("/upload/", {"client": CLIENT}, form="/").status == 403


def test_the_admin_sees_users_logins_and_checks_read_only(wp):
    b = wp.browser("admin1")
    page = b.get("/admin/users/")
    assert page.status == 200
    for name, role in (("clerk1", "文员"), ("hegui", "合规"), ("jingli", "客户经理"), ("admin1", "管理员")):
        assert re.search(rf"<td>{name}</td><td>{role}</td>", page.text), name
    assert wp.clients[0] in page.text and "dossier user add" in page.text and "<form" not in page.text.split("</header>")[1]
    assert "登录" in page.text and "127.0.0.1" in page.text
    checks = b.get("/admin/checks/")
    assert checks.status == 200 and "doctypes.toml" in checks.text and ".docx" in checks.text and "有问题" not in checks.text
    for user in ("hegui", "jingli", "clerk1"):
        other = wp.browser(user)
        assert other.get("/admin/users/").status == 403 and other.get("/admin/checks/").status == 403


# -- the library underneath (dossier.intake.listing), without a server --------------------------

def test_listing_reads_only_regular_files_inside_the_share(tmp_path):
    from dossier.intake import listing

    inbox = tmp_path / "inbox"
    (inbox / "甲公司").mkdir(parents=True)
    (inbox / "甲公司" / "收件回执.txt").write_text("收件回执：甲公司\n", encoding="utf-8")
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "收件回执.txt").write_text("secret", encoding="utf-8")
    (inbox / "乙公司").symlink_to(outside, target_is_directory=True)  # a linked folder is no client folder
    (inbox / "_failed" / "甲公司").mkdir(parents=True)
    (inbox / "_failed" / "甲公司" / "坏.pdf").write_bytes(b"%PDF-bad")
    (inbox / "_failed" / "甲公司" / "坏.pdf.reason.txt").write_text(
        "原因：PDF 已损坏，身份证 11010519491231002X\n", encoding="utf-8")
    (inbox / "_failed" / "孤.pdf.reason.txt").write_text("原因：未知", encoding="utf-8")
    assert listing.client_folders(inbox) == ["甲公司"]
    assert listing.receipt(inbox, "甲公司") == "收件回执：甲公司\n"
    assert listing.receipt(inbox, "乙公司") is None and listing.receipt(inbox, "..") is None
    assert listing.read_text(inbox, ("乙公司", "收件回执.txt")) is None  # not through the link
    found = {s.name: s for s in listing.set_aside(inbox / "_failed")}
    assert found["甲公司/坏.pdf"].folder == "甲公司" and found["甲公司/坏.pdf"].size == 8
    assert "PDF 已损坏" in found["甲公司/坏.pdf"].reason and "11010519491231002X" not in found["甲公司/坏.pdf"].reason
    assert found["孤.pdf"].size is None and found["孤.pdf"].folder is None


def test_deposit_writes_whole_files_under_new_names_and_never_overwrites(tmp_path):
    from dossier.intake import listing

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    first = listing.deposit(inbox, "甲公司", "扫描.pdf", [b"%PDF-1 ", b"one"])
    second = listing.deposit(inbox, "甲公司", "扫描.PDF", [b"%PDF-1 two"])
    assert (first, second) == ("扫描.pdf", "扫描 (2).PDF")
    assert (inbox / "甲公司" / first).read_bytes() == b"%PDF-1 one"
    assert sorted(os.listdir(inbox / "甲公司")) == ["扫描 (2).PDF", "扫描.pdf"]  # no temporary file left
    assert listing.acceptable_name("C:\\fakepath\\a:b.pdf") == "a_b.pdf"
    assert listing.acceptable_name("收件回执.txt") is None and listing.acceptable_name("x.part") is None
    for bad in ("..", "_failed", "a/b", ".x"):
        with pytest.raises(ValueError):
            listing.deposit(inbox, bad, "x.pdf", [b"x"])


def test_the_intake_log_is_read_newest_first_from_its_tail(tmp_path):
    from dossier.intake import listing

    state = tmp_path / ".dossier"
    state.mkdir()
    lines = [json.dumps({"time": f"2026-01-01T00:00:{i % 60:02d}+0000", "source": f"甲/{i}.pdf", "outcome": "archived",
                         "reason": ""}, ensure_ascii=False) for i in range(5000)]
    (state / "intake.log.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    got = listing.intake_log(state, limit=50)
    assert [e["source"] for e in got] == [f"甲/{i}.pdf" for i in range(4999, 4949, -1)]
    assert listing.intake_log(tmp_path / "nowhere") == []
