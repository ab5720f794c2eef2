"""Archive semantics: issued reports and amendments (rules 第十九条)."""

from __future__ import annotations

import pytest

from conftest import ingest, ocfl_validate
from dossier import samples
from dossier.archive import Archive, DOSSIER_JSON
from dossier.errors import UsageError


@pytest.fixture
def client(home):
    company = samples.make_company(21, short="瑞丰纺织")
    samples.business_licence_pdf(company, home.inbox / company.short / "营业执照.pdf")
    ingest(home)
    archive = Archive(home)
    with archive.store.begin(company.short) as b:  # a generated report, as the reports stage will write
        b.add_bytes("reports/完整性核查表.docx", b"report v1 bytes")
        b.commit("生成报告", "tester")
    return archive, company.short


def test_issue_then_amend_keeps_original_and_note(client, tmp_path):
    archive, cid = client
    v_issue = archive.issue_report(cid, "完整性核查表.docx")
    assert archive.meta(cid)["issued"]["reports/完整性核查表.docx"]["sha512"]
    new = tmp_path / "修订版.docx"
    new.write_bytes(b"report v2 bytes")
    version, amended, note = archive.amend_report(cid, "reports/完整性核查表.docx", new, "更正注册资本金额的笔误")
    reader = archive.store.reader(cid)
    assert reader.read_bytes("reports/完整性核查表.docx") == b"report v1 bytes"  # original untouched
    assert reader.read_bytes(amended) == b"report v2 bytes"
    assert amended == "reports/完整性核查表_修订1.docx"
    text = reader.read_bytes(note).decode("utf-8")
    assert "更正注册资本金额的笔误" in text and "reports/完整性核查表.docx" in text and "修订人" in text
    assert reader.version(version).message.startswith("修订报告")
    assert reader.read_bytes("reports/完整性核查表.docx", v_issue) == b"report v1 bytes"
    ok, out = ocfl_validate(archive.object_path(cid))
    assert ok, out


@pytest.mark.parametrize("note", ["", "   "])
def test_amendment_without_note_is_refused(client, tmp_path, note):
    archive, cid = client
    archive.issue_report(cid, "完整性核查表.docx")
    new = tmp_path / "x.docx"
    new.write_bytes(b"x")
    head = archive.store.reader(cid).head
    with pytest.raises(UsageError, match="修订说明"):
        archive.amend_report(cid, "完整性核查表.docx", new, note)
    assert archive.store.reader(cid).head == head


def test_amending_an_unissued_report_is_refused(client, tmp_path):
    archive, cid = client
    new = tmp_path / "x.docx"
    new.write_bytes(b"x")
    with pytest.raises(UsageError, match="尚未签发"):
        archive.amend_report(cid, "完整性核查表.docx", new, "说明")


def test_issuing_twice_or_an_unknown_report_is_refused(client):
    archive, cid = client
    archive.issue_report(cid, "完整性核查表.docx")
    with pytest.raises(UsageError, match="已于"):
        archive.issue_report(cid, "完整性核查表.docx")
    with pytest.raises(UsageError, match="没有报告"):
        archive.issue_report(cid, "不存在.docx")


def test_issued_report_survives_later_intake(client, home):
    archive, cid = client
    archive.issue_report(cid, "完整性核查表.docx")
    company = samples.make_company(21, short="瑞丰纺织")
    samples.tax_payment_certificate_pdf(company, 2025, home.inbox / cid / "完税证明.pdf")
    ingest(home)
    reader = archive.store.reader(cid)
    assert reader.read_bytes("reports/完整性核查表.docx") == b"report v1 bytes"
    assert DOSSIER_JSON in reader.state()
