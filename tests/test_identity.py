"""A client's identity is fixed: one client's file never becomes another's (issue 10, findings 1, 2, 6)."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import by_source, ingest, ocfl_validate
import dossier_factory as samples
from dossier.archive import Archive
from dossier.checks.status import client_status
from dossier.intake.identity import Identity, owner, same_company_name
from dossier.models import Understanding


@pytest.fixture
def ruifeng():
    return samples.make_company(11, short="瑞丰纺织", city="苏州市")


@pytest.fixture
def jinshi():
    return samples.make_company(12, short="金石建材", city="温州市")


@pytest.fixture
def huamao():
    return samples.make_company(13, short="华茂食品")


def _licence(inbox: Path, folder: str, company, name="营业执照.pdf") -> Path:
    return samples.business_licence_pdf(company, inbox / folder / name)


def _assert_valid(home, *clients):
    for client in clients:
        ok, out = ocfl_validate(Archive(home).object_path(client))
        assert ok, out


def test_another_companys_licence_in_a_folder_goes_to_its_own_client(home, ruifeng, jinshi):
    _licence(home.inbox, "瑞丰纺织", ruifeng)
    _licence(home.inbox, "金石建材", jinshi)
    ingest(home)
    before = Archive(home).snapshot("瑞丰纺织")

    _licence(home.inbox, "瑞丰纺织", jinshi, "营业执照（新）.pdf")  # the wrong company's licence
    outcomes = by_source(ingest(home))
    got = outcomes["瑞丰纺织/营业执照（新）.pdf"]
    # the same bytes are already 金石建材's licence: a duplicate there, nothing in 瑞丰纺织
    assert got.client == "金石建材" and got.outcome == "duplicate"
    after = Archive(home).snapshot("瑞丰纺织")
    assert after.version == before.version and after.documents == before.documents
    assert after.credit_code == ruifeng.credit_code
    assert not any(d.path.startswith("documents/历史/") for d in after.documents)
    receipt = (home.inbox / "瑞丰纺织" / "收件回执.txt").read_text(encoding="utf-8")
    assert "金石建材" in receipt
    _assert_valid(home, "瑞丰纺织", "金石建材")


def test_another_companys_new_licence_is_routed_with_a_note_in_both_receipts(home, ruifeng, jinshi):
    _licence(home.inbox, "瑞丰纺织", ruifeng)
    samples.tax_payment_certificate_pdf(jinshi, 2025, home.inbox / "金石建材" / "完税证明.pdf")
    samples.application_form_pdf(jinshi, home.inbox / "金石建材" / "担保申请书.pdf", 5_000_000, 12, "流动资金贷款担保")
    ingest(home)
    _licence(home.inbox, "瑞丰纺织", jinshi, "执照扫描.pdf")

    outcomes = by_source(ingest(home))
    got = outcomes["瑞丰纺织/执照扫描.pdf"]
    assert got.outcome == "archived" and got.client == "金石建材"
    assert "金石建材" in got.reason and jinshi.credit_code in got.reason
    ruifeng_snap = Archive(home).snapshot("瑞丰纺织")
    assert [d.source for d in ruifeng_snap.documents] == ["瑞丰纺织/营业执照.pdf"]
    assert ruifeng_snap.credit_code == ruifeng.credit_code and ruifeng_snap.version == "v1"
    jinshi_snap = Archive(home).snapshot("金石建材")
    assert any(d.doc_type == "business_licence" for d in jinshi_snap.documents)
    assert "瑞丰纺织" not in (jinshi_snap.meta.get("folders") or [])
    for folder in ("瑞丰纺织", "金石建材"):
        receipt = (home.inbox / folder / "收件回执.txt").read_text(encoding="utf-8")
        assert "执照扫描.pdf" in receipt, folder
    # 瑞丰纺织's own documents still count as its own
    status = client_status(ruifeng_snap)
    assert not any("不是本公司的文件" in p for i in status["items"] for p in i["problems"])
    _assert_valid(home, "瑞丰纺织", "金石建材")


def test_unknown_companys_licence_waits_in_unsorted_naming_both_codes(home, ruifeng, jinshi):
    _licence(home.inbox, "瑞丰纺织", ruifeng)
    ingest(home)
    _licence(home.inbox, "瑞丰纺织", jinshi, "营业执照2.pdf")
    got = by_source(ingest(home))["瑞丰纺织/营业执照2.pdf"]
    assert got.outcome == "unsorted"
    assert ruifeng.credit_code in got.reason and jinshi.credit_code in got.reason
    moved = home.inbox / got.moved_to
    assert moved.exists()
    assert Archive(home).snapshot("瑞丰纺织").version == "v1"


def test_same_code_new_name_is_still_a_change_of_particulars(home, ruifeng):
    _licence(home.inbox, "瑞丰纺织", ruifeng)
    ingest(home)
    renamed = samples.make_company(11, short="瑞丰纺织", city="苏州市")
    object.__setattr__(renamed, "name", ruifeng.name.replace("纺织", "新材料"))
    _licence(home.inbox, "瑞丰纺织", renamed, "营业执照（更名）.pdf")
    got = by_source(ingest(home))["瑞丰纺织/营业执照（更名）.pdf"]
    assert got.outcome == "archived" and got.client == "瑞丰纺织"
    snap = Archive(home).snapshot("瑞丰纺织")
    assert any(d.path.startswith("documents/历史/") for d in snap.documents)
    assert snap.name == renamed.name


def test_a_new_folder_is_never_bound_by_duplicates(home, huamao):
    xinda = samples.make_company(14, short="新达建材")
    _licence(home.inbox, "华茂食品", huamao)
    samples.application_form_pdf(huamao, home.inbox / "华茂食品" / "担保申请书.pdf", 3_000_000, 12, "流动资金贷款担保")
    ingest(home)
    huamao_before = Archive(home).snapshot("华茂食品")
    # the new folder's first files are copies of 华茂食品's
    for name in ("营业执照.pdf", "担保申请书.pdf"):
        data = next(d for d in huamao_before.documents if d.source.endswith(name))
        src = Archive(home).store.reader("华茂食品").content_path(data.sha512)
        (home.inbox / "新达建材").mkdir(exist_ok=True)
        (home.inbox / "新达建材" / name).write_bytes(src.read_bytes())
    outcomes = ingest(home)
    assert {o.outcome for o in outcomes} == {"duplicate"}, outcomes
    assert "新达建材" not in (Archive(home).snapshot("华茂食品").meta.get("folders") or [])

    # the genuine 新达建材 application form later goes to a new client 新达建材
    samples.application_form_pdf(xinda, home.inbox / "新达建材" / "担保申请书.pdf", 8_000_000, 24, "项目融资担保")
    got = by_source(ingest(home))["新达建材/担保申请书.pdf"]
    assert got.outcome == "archived" and got.client == "新达建材"
    huamao_after = Archive(home).snapshot("华茂食品")
    assert huamao_after.documents == huamao_before.documents and huamao_after.meta.get("case") == \
        huamao_before.meta.get("case")
    xinda_snap = Archive(home).snapshot("新达建材")
    assert xinda_snap.credit_code == xinda.credit_code
    _assert_valid(home, "华茂食品", "新达建材")


def test_a_new_folder_with_its_clients_own_evidence_is_bound_to_it(home, huamao):
    _licence(home.inbox, "华茂食品", huamao)
    ingest(home)
    samples.tax_payment_certificate_pdf(huamao, 2025, home.inbox / "华茂" / "完税证明.pdf")
    samples.application_form_pdf(huamao, home.inbox / "华茂" / "担保申请书.pdf", 3_000_000, 12, "流动资金贷款担保")
    outcomes = ingest(home)
    assert {o.client for o in outcomes} == {"华茂食品"}
    assert "华茂" in Archive(home).snapshot("华茂食品").meta["folders"]


def test_root_file_with_the_full_company_name_but_no_code_is_routed_by_name(home, huamao):
    _licence(home.inbox, "华茂食品", huamao)
    ingest(home)
    # a balance sheet names the company in full but carries no credit code
    samples.balance_sheet_pdf(huamao, 2025, home.inbox / "资产负债表2025.pdf")
    got = by_source(ingest(home))["资产负债表2025.pdf"]
    assert got.outcome == "archived" and got.client == "华茂食品", got.reason


@pytest.mark.parametrize("a, b, same", [
    ("苏州瑞丰纺织有限公司", "瑞丰纺织", True),
    ("苏州瑞丰纺织有限公司", "苏州瑞丰纺识有限公司", True),  # one character misread
    ("苏州瑞丰纺织有限公司", "苏州瑞丰纺织股份有限公司", True),
    ("苏州瑞丰纺织有限公司", "温州金石建材有限公司", False),
    ("杭州华茂食品有限公司", "新达建材", False),
])
def test_same_company_name(a, b, same):
    assert same_company_name(a, b) is same


def _found(doc_type, **fields):
    return Understanding(doc_type, 0.9, fields, {k: 0.9 for k in fields}, (), False)


def test_owner_rules():
    home = Identity("瑞丰纺织", "91320506MAGKXT5T2H", "苏州瑞丰纺织有限公司")
    codes = {"91330302MA0B3N364R": ["金石建材"], "91320506MAGKXT5T2H": ["瑞丰纺织"]}
    names = {"温州金石建材有限公司": ["金石建材"]}
    by_code, by_name = (lambda c: codes.get(c, [])), (lambda n: names.get(n, []))
    # own code, another client's: routed there
    assert owner(_found("tax_payment_certificate", taxpayer_id="91330302MA0B3N364R"), home, by_code,
                 by_name).client == "金石建材"
    # a code with a bad check digit contradicts nothing (a misprint is the checklist's business)
    assert owner(_found("business_licence", credit_code="91330302MA0B3N364X"), home, by_code,
                 by_name).client == "瑞丰纺织"
    # a misread name stays; another client's name goes there; an unknown name on a licence waits
    assert owner(_found("audit_report", company_name="苏州瑞丰纺识有限公司"), home, by_code, by_name).client == "瑞丰纺织"
    assert owner(_found("audit_report", company_name="温州金石建材有限公司"), home, by_code, by_name).client == "金石建材"
    assert owner(_found("business_licence", company_name="宁波海川电子有限公司"), home, by_code, by_name).client is None
    # an unknown name on another document stays with the client: the checklist flags it
    assert owner(_found("audit_report", company_name="宁波海川电子有限公司"), home, by_code, by_name).client == "瑞丰纺织"
