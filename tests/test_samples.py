"""Tests of the synthetic document factory (dossier_factory)."""

from __future__ import annotations

import hashlib
import random
import sys
import time
import tracemalloc
from datetime import date
from pathlib import Path

import pdfplumber
import pypdf
import pytest
from PIL import Image

import dossier_factory as S
from dossier_factory import base as B
from dossier_factory import financials as F

# ---------------------------------------------------------------------------
# Independent check-digit computations (written from the standards, not from
# the module under test).
# ---------------------------------------------------------------------------

CREDIT_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
ORG_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2]
ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]


def credit_code_ok(code: str) -> bool:
    if len(code) != 18 or any(ch not in CREDIT_CHARSET for ch in code):
        return False
    total = sum(CREDIT_CHARSET.index(ch) * w for ch, w in zip(code[:17], CREDIT_WEIGHTS))
    return CREDIT_CHARSET[(31 - total % 31) % 31] == code[17]


def org_code_ok(org: str) -> bool:
    def value(ch: str) -> int:
        return int(ch) if ch.isdigit() else ord(ch) - ord("A") + 10

    total = sum(value(ch) * w for ch, w in zip(org[:8], ORG_WEIGHTS))
    check = 11 - total % 11
    expected = "X" if check == 10 else "0" if check == 11 else str(check)
    return expected == org[8]


def id_number_ok(number: str) -> bool:
    if len(number) != 18 or not number[:17].isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(number[:17], ID_WEIGHTS))
    return "10X98765432"[total % 11] == number[17]


def pdf_text(path: Path) -> str:
    with pdfplumber.open(path) as pdf:
        return "\n".join(page.extract_text() or "" for page in pdf.pages)


def squash(text: str) -> str:
    """Text without whitespace (pdfplumber renders full-width spaces as spaces)."""
    return "".join(text.split())


def tree_bytes(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def company() -> S.SampleCompany:
    return S.make_company(7)


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> tuple[Path, list[Path], float]:
    inbox = tmp_path_factory.mktemp("demo") / "inbox"
    start = time.perf_counter()
    written = S.write_demo_inbox(inbox)
    return inbox, written, time.perf_counter() - start


# ---------------------------------------------------------------------------
# Identity codes and companies
# ---------------------------------------------------------------------------


def test_independent_checkers_accept_the_standards_example():
    assert id_number_ok("11010519491231002X")  # GB 11643-1999 example
    assert not id_number_ok("110105194912310021")
    assert org_code_ok("D2143569X")  # GB 11714 example
    assert org_code_ok("123456788")


def test_credit_codes_have_valid_check_characters():
    codes = [S.make_credit_code(random.Random(seed)) for seed in range(200)]
    codes += [S.make_company(seed).credit_code for seed in range(200)]
    bad = [c for c in codes if not (c[:2] == "91" and c[2:8].isdigit()
                                    and credit_code_ok(c) and org_code_ok(c[8:17]))]
    assert not bad
    assert len(set(codes)) > 350
    assert any(c[8:10] == "MA" for c in codes) and any(c[8:17].isdigit() for c in codes)


def test_credit_code_uses_the_given_division():
    assert S.make_credit_code(random.Random(1), "330106")[2:8] == "330106"


def test_id_numbers_have_valid_check_digits():
    checks = set()
    for seed in range(200):
        rng = random.Random(seed)
        birth = date(1950, 1, 1) + (date(2005, 12, 31) - date(1950, 1, 1)) * rng.random()
        number = S.make_id_number(rng, birth)
        assert id_number_ok(number), (seed, number)
        assert number[6:14] == f"{birth:%Y%m%d}"
        assert int(S.make_id_number(rng, birth, male=True)[16]) % 2 == 1
        assert int(S.make_id_number(rng, birth, male=False)[16]) % 2 == 0
        assert id_number_ok(S.make_company(seed).legal_rep_id)
        checks.add(number[17])
    assert "X" in checks and len(checks) == 11


@pytest.mark.parametrize("fen, text", [
    (500_000_000, "伍佰万元整"),
    (1_000_000_000, "壹仟万元整"),
    (3_050_000_000, "叁仟零伍拾万元整"),
    (105_000_000, "壹佰零伍万元整"),
    (1_000_500_000, "壹仟万伍仟元整"),  # 支付结算办法: the 零 may be left out here
    (10_700_053, "壹拾万柒仟元伍角叁分"),  # its own example
    (168_032, "壹仟陆佰捌拾元叁角贰分"),
    (10_000_000_000, "壹亿元整"),
    (100_500, "壹仟零伍元整"),
    (123_456_789, "壹佰贰拾叁万肆仟伍佰陆拾柒元捌角玖分"),
    (105, "壹元零伍分"),
    (50, "伍角"),
    (0, "零元整"),
])
def test_rmb_upper(fen, text):
    assert B._rmb_upper(fen) == text


def test_make_company_is_deterministic_and_plausible():
    a, b = S.make_company(42), S.make_company(42)
    assert a == b
    assert S.make_company(43) != a
    assert a.name.endswith("有限公司") and a.short in a.name
    assert a.legal_rep_id[:6] == a.credit_code[2:8] == a.division
    assert a.legal_rep_birth.strftime("%Y%m%d") == a.legal_rep_id[6:14]
    assert a.registered_capital % 10_000 == 0 and a.registered_capital > 0
    assert a.registration_authority.endswith("市场监督管理局")
    named = S.make_company(1, "恒远机械", city="杭州市")
    assert named.name == "杭州恒远机械有限公司" and named.short == "恒远机械"
    assert named.credit_code[2:8] == "330106"
    with pytest.raises(ValueError):
        S.make_company(1, city="火星市")


def test_demo_companies():
    companies = S.demo_companies(2026)
    assert [c.short for c in companies] == ["恒远机械", "瑞丰纺织", "华茂食品"]
    assert len({c.credit_code for c in companies}) == 3
    assert S.demo_companies(2026) == companies


# ---------------------------------------------------------------------------
# PDF writers: text layer and figures
# ---------------------------------------------------------------------------


def test_business_licence_pdf(tmp_path, company):
    path = S.business_licence_pdf(company, tmp_path / "licence.pdf")
    text = squash(pdf_text(path))
    for value in (company.credit_code, company.name, company.legal_rep, "营业执照",
                  "统一社会信用代码", "名称", "类型", "法定代表人", "注册资本", "成立日期",
                  "营业期限", "住所", "登记机关", company.address,
                  B._rmb_upper(company.registered_capital * 100), B._cn_date(company.established)):
        assert squash(value) in text, value


def test_legal_rep_id_pdf(tmp_path, company):
    text = squash(pdf_text(S.legal_rep_id_pdf(company, tmp_path / "id.pdf")))
    for value in (company.legal_rep, company.legal_rep_id, "姓名", "性别", "民族", "出生",
                  "住址", "公民身份号码", "签发机关", "有效期限", "居民身份证"):
        assert value in text, value


def test_tax_payment_certificate_pdf(tmp_path, company):
    path = S.tax_payment_certificate_pdf(company, 2025, tmp_path / "tax.pdf")
    text = squash(pdf_text(path))
    for value in ("税收完税证明", "纳税人识别号", company.credit_code, "纳税人名称", company.name,
                  "税款所属时期", "2025年01月01日至2025年12月31日"):
        assert value in text, value
    with pdfplumber.open(path) as pdf:
        (table,) = pdf.pages[0].extract_tables()
    amounts = [int(row[-1].replace(",", "").replace(".", "")) for row in table[1:]]
    assert len(amounts) == 5 and all(a >= 0 for a in amounts)
    assert f"¥{B._money(sum(amounts))}" in text
    assert B._rmb_upper(sum(amounts)) in text


def _amount(cell: str) -> int:
    return int(cell.replace(",", "").replace(".", ""))


@pytest.mark.parametrize("year", [2024, 2025])
def test_balance_sheet_pdf_totals_balance(tmp_path, company, year):
    path = S.balance_sheet_pdf(company, year, tmp_path / "bs.pdf")
    text = squash(pdf_text(path))
    for value in ("资产负债表", "会企01表", company.name, f"{year}年12月31日", "单位：元"):
        assert value in text, value
    with pdfplumber.open(path) as pdf:
        (table,) = pdf.pages[0].extract_tables()
    left = {row[0]: row[1:3] for row in table if row[0]}
    right = {row[3]: row[4:6] for row in table if row[3]}
    for label in ("流动资产合计", "资产总计"):
        assert label in left
    for label in ("流动负债合计", "负债合计", "所有者权益合计", "负债和所有者权益总计"):
        assert label in right
    for col in (0, 1):  # 期末余额, 上年年末余额
        assets = _amount(left["资产总计"][col])
        assert assets == _amount(right["负债和所有者权益总计"][col]) > 0
        assert assets == _amount(right["负债合计"][col]) + _amount(right["所有者权益合计"][col])
        assert assets == _amount(left["流动资产合计"][col]) + _amount(left["非流动资产合计"][col])
        current = ["货币资金", "应收票据", "应收账款", "预付款项", "其他应收款", "存货"]
        assert sum(_amount(left[k][col]) for k in current) == _amount(left["流动资产合计"][col])
    fin = S.make_financials(company, year)
    assert _amount(left["资产总计"][0]) == fin.total_assets
    assert fin.total_assets == fin.total_liabilities + fin.total_equity
    # the previous year-end column equals last year's year-end figures
    assert fin.value("资产总计", previous=True) == S.make_financials(company, year - 1).total_assets
    assert _amount(left["存货"][0]) == fin.inventory > 0


def test_income_statement_pdf(tmp_path, company):
    path = S.income_statement_pdf(company, 2025, tmp_path / "is.pdf")
    text = squash(pdf_text(path))
    for value in ("利润表", "会企02表", company.name, "2025年度", "营业收入", "营业利润", "净利润"):
        assert value in text, value
    with pdfplumber.open(path) as pdf:
        (table,) = pdf.pages[0].extract_tables()
    rows = {row[0]: _amount(row[1]) for row in table[1:]}

    def find(word: str) -> int:
        return next(v for k, v in rows.items() if word in k)

    fin = S.make_financials(company, 2025)
    assert find("营业收入") == fin.revenue > 0
    assert find("营业利润") == fin.operating_profit
    assert find("净利润") == fin.net_profit == find("利润总额") - find("所得税费用")
    assert find("利润总额") == fin.total_profit and find("财务费用") == fin.finance_costs
    assert find("利息费用") == fin.interest_expense <= fin.finance_costs


def test_application_form_pdf(tmp_path, company):
    path = S.application_form_pdf(company, tmp_path / "app.pdf", 3_000_000, 12, "流动资金贷款担保")
    text = squash(pdf_text(path))
    for value in ("担保申请书", company.name, company.credit_code, company.legal_rep,
                  company.legal_rep_id, "3,000,000.00", "叁佰万元整", "12个月", "流动资金贷款担保"):
        assert value in text, value


def test_generic_pdf_pages(tmp_path):
    lines = [f"第{i}行：测试内容" for i in range(10)]
    path = S.generic_pdf(tmp_path / "g.pdf", "公司章程", lines, pages=3)
    assert len(pypdf.PdfReader(path).pages) == 3
    text = pdf_text(path)
    assert "公司章程" in text and all(line in text for line in lines)
    many = S.generic_pdf(tmp_path / "long.pdf", "长文件", [f"第{i}行" for i in range(200)])
    assert len(pypdf.PdfReader(many).pages) > 1
    assert len(pypdf.PdfReader(S.generic_pdf(tmp_path / "e.pdf", "空", [], pages=2)).pages) == 2


def test_writers_create_parent_folders_and_return_path(tmp_path, company):
    target = tmp_path / "a" / "b" / "营业执照.pdf"
    assert S.business_licence_pdf(company, str(target)) == target and target.is_file()


def test_missing_reportlab_gives_a_clear_error(monkeypatch, tmp_path, company):
    for name in [n for n in sys.modules if n == "reportlab" or n.startswith("reportlab.")]:
        monkeypatch.setitem(sys.modules, name, None)
    B._reportlab.cache_clear()
    try:
        with pytest.raises(S.SampleDependencyError, match="make setup") as info:
            S.business_licence_pdf(company, tmp_path / "x.pdf")
        assert "reportlab" in str(info.value)
    finally:
        monkeypatch.undo()
        B._reportlab.cache_clear()


# ---------------------------------------------------------------------------
# Images
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("rotate", [0, 90, 180, 270])
def test_licence_scan_jpg(tmp_path, company, rotate):
    path = S.licence_scan_jpg(company, tmp_path / f"scan{rotate}.jpg", rotate=rotate)
    with Image.open(path) as img:
        assert img.format == "JPEG" and img.mode == "RGB"
        assert img.size == ((1600, 1130) if rotate in (0, 180) else (1130, 1600))
        px = img.resize((400, 400)).tobytes()
    reds = sum(1 for i in range(0, len(px), 3) if px[i] > 150 and px[i + 1] < 110 and px[i + 2] < 110)
    assert reds > 100  # the seal


def test_licence_scan_rejects_odd_rotation(tmp_path, company):
    with pytest.raises(ValueError):
        S.licence_scan_jpg(company, tmp_path / "x.jpg", rotate=45)


def test_id_card_png_and_image_only_pdf(tmp_path, company):
    png = S.id_card_png(company, tmp_path / "id.png")
    with Image.open(png) as img:
        assert img.format == "PNG" and img.size == (1000, 1300)
    pdf_path = S.image_only_pdf(png, tmp_path / "扫描件(1).pdf")
    with pdfplumber.open(pdf_path) as pdf:
        (page,) = pdf.pages
        assert not (page.extract_text() or "").strip()
        assert len(page.images) == 1
        assert page.width < page.height  # portrait A4-ish
    reader = pypdf.PdfReader(pdf_path)
    assert len(reader.pages) == 1 and not reader.pages[0].extract_text().strip()


def test_missing_font_gives_a_clear_runtime_error(monkeypatch, tmp_path, company):
    monkeypatch.setattr(B, "_FONT_DIRS", [tmp_path / "no-fonts"])
    B._cjk_font_path.cache_clear()
    B._font.cache_clear()
    try:
        with pytest.raises(RuntimeError, match="fonts-wqy-microhei"):
            S.id_card_png(company, tmp_path / "id.png")
    finally:
        monkeypatch.undo()
        B._cjk_font_path.cache_clear()
        B._font.cache_clear()


# ---------------------------------------------------------------------------
# Determinism
# ---------------------------------------------------------------------------


def _write_everything(root: Path) -> None:
    S.write_demo_inbox(root / "inbox", seed=7)
    co = S.make_company(99)
    S.licence_scan_jpg(co, root / "scan.jpg", rotate=270)
    S.licence_scan_jpg(co, root / "clean.jpg", noise=False)
    S.id_card_png(co, root / "id.png")
    S.image_only_pdf(root / "scan.jpg", root / "scan.pdf")
    S.legal_rep_id_pdf(co, root / "id.pdf")
    S.encrypted_pdf(root / "id.pdf", root / "enc.pdf")
    S.truncated_pdf(root / "id.pdf", root / "trunc.pdf")
    S.corrupt_pdf(root / "corrupt.pdf")
    S.big_pdf(root / "big.pdf", 0.2)
    S.make_bulk_pdfs(root / "bulk", 30, seed=5)


def test_same_seed_gives_identical_bytes(tmp_path):
    _write_everything(tmp_path / "a")
    _write_everything(tmp_path / "b")
    a, b = tree_bytes(tmp_path / "a"), tree_bytes(tmp_path / "b")
    assert len(a) > 50
    assert a == b


def test_other_seed_gives_other_documents(tmp_path):
    S.write_demo_inbox(tmp_path / "a", seed=1)
    S.write_demo_inbox(tmp_path / "b", seed=2)
    a, b = tree_bytes(tmp_path / "a"), tree_bytes(tmp_path / "b")
    assert set(a.values()).isdisjoint(b.values())


# ---------------------------------------------------------------------------
# Bad inputs
# ---------------------------------------------------------------------------


@pytest.fixture()
def good_pdf(tmp_path, company) -> Path:
    return S.business_licence_pdf(company, tmp_path / "good.pdf")


def test_truncated_pdf(tmp_path, good_pdf):
    path = S.truncated_pdf(good_pdf, tmp_path / "t.pdf")
    data = path.read_bytes()
    assert data.startswith(b"%PDF-") and b"%%EOF" not in data
    assert len(data) == int(good_pdf.stat().st_size * 0.6)
    assert b"%%EOF" not in S.truncated_pdf(good_pdf, tmp_path / "t2.pdf", 0.9999).read_bytes()
    with pytest.raises(ValueError):
        S.truncated_pdf(good_pdf, tmp_path / "t3.pdf", 1.0)


def test_corrupt_pdf(tmp_path):
    data = S.corrupt_pdf(tmp_path / "c.pdf").read_bytes()
    assert data.startswith(b"%PDF-1.4") and data.rstrip().endswith(b"%%EOF")
    assert data.count(b"%%EOF") == 1
    with pytest.raises(pypdf.errors.PdfReadError):
        pypdf.PdfReader(tmp_path / "c.pdf").pages[0]


def test_encrypted_pdf(tmp_path, good_pdf, company):
    path = S.encrypted_pdf(good_pdf, tmp_path / "e.pdf", user_password="1234")
    reader = pypdf.PdfReader(path)
    assert reader.is_encrypted
    assert not pypdf.PdfReader(path).decrypt("wrong")
    assert reader.decrypt("1234")
    assert company.credit_code in reader.pages[0].extract_text()


def test_zero_byte(tmp_path):
    assert S.zero_byte(tmp_path / "z.pdf").stat().st_size == 0


def test_big_pdf_is_valid_and_written_in_small_memory(tmp_path):
    path = tmp_path / "big.pdf"
    tracemalloc.start()
    try:
        S.big_pdf(path, 20)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 8 * S.MIB, peak
    assert path.stat().st_size == 20 * S.MIB
    with open(path, "rb") as fh:
        assert fh.read(8) == b"%PDF-1.4"
        fh.seek(-6, 2)
        assert fh.read() == b"%%EOF\n"
    reader = pypdf.PdfReader(path, strict=True)
    assert len(reader.pages) == 1
    assert "大文件测试样例" in pdf_text(path)


# ---------------------------------------------------------------------------
# Demo inbox and bulk files
# ---------------------------------------------------------------------------


def test_write_demo_inbox_layout(demo):
    inbox, written, _seconds = demo  # speed belongs in benchmarks, not in unit tests
    on_disk = sorted(p for p in inbox.rglob("*") if p.is_file())
    assert sorted(written) == on_disk
    folders = sorted(p.name for p in inbox.iterdir() if p.is_dir())
    assert folders == sorted(["恒远机械", "瑞丰纺织", "华茂食品"])
    first, second, third = S.demo_companies(2026)
    assert len(list((inbox / first.short).iterdir())) >= 20  # the complete dossier of the demo
    assert len(list((inbox / second.short).iterdir())) == 6
    assert len(list((inbox / third.short).iterdir())) == 8  # with the audit report of a qualified opinion
    (root_file,) = [p for p in inbox.iterdir() if p.is_file()]
    codes = {c.credit_code for c in S.demo_companies(2026)}
    assert any(code in root_file.name for code in codes)
    assert root_file.suffix == ".pdf"


def test_demo_inbox_files_are_readable(demo):
    inbox, written, _ = demo
    names = {p.name for p in written}
    for expected in ("营业执照.pdf", "扫描件(3).pdf", "IMG_20261012_093012.jpg", "2025年资产负债表.pdf",
                     "2025利润表.pdf", "完税证明2025.pdf", "担保申请书.pdf"):
        assert expected in names
    for path in written:
        if path.suffix == ".pdf":
            assert len(pypdf.PdfReader(path, strict=True).pages) >= 1, path
        else:
            with Image.open(path) as img:
                img.verify()
    assert not pdf_text(inbox / "恒远机械" / "扫描件(3).pdf").strip()  # image only


def test_demo_third_client_audit_report_reads_a_qualified_opinion(demo):
    """The demo's early warning (附录五: a qualified audit opinion) comes from a document dossier reads."""
    from dossier.reading import read_document, understand

    inbox, _written, _ = demo
    third = S.demo_companies(2026)[2]
    path = inbox / third.short / f"{S.DEMO_YEAR}年度审计报告.pdf"
    assert pdf_text(path).strip()  # a text layer, no OCR needed
    got = understand(path, read_document(path))
    assert got.doc_type == "audit_report" and not got.review, got.problems
    assert got.fields["opinion"] == "qualified" and got.fields["company_name"] == third.name
    assert got.fields == S.expected_fields("audit_report", third, S.DEMO_YEAR, opinion="qualified")
    hengyuan = S.demo_companies(2026)[0]
    assert hengyuan.credit_code in pdf_text(inbox / "恒远机械" / "营业执照.pdf")


def test_make_bulk_pdfs(tmp_path):
    start = time.perf_counter()
    paths = S.make_bulk_pdfs(tmp_path / "bulk", 1000, seed=3)
    assert time.perf_counter() - start < 20
    assert len(paths) == 1000 == len({p.name for p in paths})
    assert len({hashlib.sha256(p.read_bytes()).digest() for p in paths}) == 1000
    for path in paths[::250]:
        reader = pypdf.PdfReader(path, strict=True)
        assert len(reader.pages) == 1
        text = pdf_text(path)
        assert "统一社会信用代码" in text and "有限公司" in text


# ---------------------------------------------------------------------------
# Every document type: document_pdf and expected_fields (TRUTH)
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("doc_type", S.DOC_TYPES)
def test_document_pdf_every_type(tmp_path, company, doc_type):
    path = S.document_pdf(doc_type, company, tmp_path / "sub" / f"{doc_type}.pdf")
    assert path.exists()
    reader = pypdf.PdfReader(path, strict=True)
    with pdfplumber.open(path) as pdf:
        texts = [squash(page.extract_text() or "") for page in pdf.pages]
    assert len(reader.pages) == len(texts) >= 1
    assert all(squash(S.NOTICE) in t for t in texts)  # every page says it is synthetic
    truth = S.expected_fields(doc_type, company)
    for value in truth.values():  # every expected Chinese text value is printed somewhere
        if isinstance(value, str) and any("\u4e00" <= ch <= "\u9fff" for ch in value):
            assert squash(value) in "".join(texts), value


def test_expected_fields_follow_the_rule_file(company):
    from dossier.rules import load_doctypes

    rules = load_doctypes()
    assert set(S.DOC_TYPES) == set(rules.ids)
    for doc_type in S.DOC_TYPES:
        fields = list(rules[doc_type].fields)
        # a type with a fiscal year also lists the years a document covers (multi-year documents)
        assert list(S.expected_fields(doc_type, company)) == fields + (["years"] if "year" in fields else []), doc_type
    assert S.TRUTH is S.expected_fields


@pytest.mark.parametrize("doc_type", ["audit_report", "trade_contract", "equity_statement", "application_form"])
def test_document_pdf_is_deterministic(tmp_path, company, doc_type):
    a = S.document_pdf(doc_type, company, tmp_path / "a.pdf")
    b = S.document_pdf(doc_type, company, tmp_path / "b.pdf")
    assert a.read_bytes() == b.read_bytes()
    assert S.expected_fields(doc_type, company) == S.expected_fields(doc_type, company)


def test_document_pdf_rejects_unknown_type_and_options(tmp_path, company):
    with pytest.raises(ValueError):
        S.document_pdf("invoice", company, tmp_path / "x.pdf")
    with pytest.raises(TypeError):
        S.document_pdf("sales_report", company, tmp_path / "x.pdf", colour="red")
    with pytest.raises(TypeError):
        S.expected_fields("audit_report", company, opinon="qualified")


def test_distractors_are_present(tmp_path, company):
    audit = S.document_pdf("audit_report", company, tmp_path / "audit.pdf")
    with pdfplumber.open(audit) as pdf:
        pages = [squash(p.extract_text() or "") for p in pdf.pages]
    assert "审计报告" in pages[0]
    assert any("资产负债表" in p and "会企01表" in p for p in pages[2:])
    assert any("现金流量表" in p and "会企03表" in p for p in pages[2:])
    app = squash(pdf_text(S.document_pdf("application_form", company, tmp_path / "app.pdf")))
    assert "附件" in app and "营业执照副本复印件" in app and "公司章程" in app
    contract = squash(pdf_text(S.document_pdf("trade_contract", company, tmp_path / "c.pdf")))
    assert "信用证" in contract


def test_application_form_options(tmp_path, company):
    plain = S.application_form_pdf(company, tmp_path / "a.pdf", 3_000_000, 12, "流动资金贷款担保")
    again = S.application_form_pdf(company, tmp_path / "b.pdf", 3_000_000, 12, "流动资金贷款担保", agent=None)
    assert plain.read_bytes() == again.read_bytes()  # the new options default to the old output
    text = squash(pdf_text(S.document_pdf("application_form", company, tmp_path / "c.pdf", agent="赵敏",
                                          product="bill_acceptance")))
    assert "经办人赵敏" in text and "票据承兑担保" in text
    truth = S.expected_fields("application_form", company, agent="赵敏", product="bill_acceptance")
    assert truth["agent"] == "赵敏" and truth["product"] == "bill_acceptance"


@pytest.mark.parametrize("year", [2024, 2025])
def test_cash_flow_rows_are_consistent(company, year):
    rows = {label: cur for label, cur, _ in F._cash_flow_rows(company, year)}
    net = rows["经营活动产生的现金流量净额"] + rows["投资活动产生的现金流量净额"] + rows["筹资活动产生的现金流量净额"]
    assert net == rows["五、现金及现金等价物净增加额"]
    assert rows["六、期末现金及现金等价物余额"] == S.make_financials(company, year).value("货币资金")
    assert rows["加：期初现金及现金等价物余额"] == S.make_financials(company, year).value("货币资金", previous=True)
    prev = {label: p for label, _, p in F._cash_flow_rows(company, year)}
    assert prev["经营活动产生的现金流量净额"] == dict(
        (label, cur) for label, cur, _ in F._cash_flow_rows(company, year - 1))["经营活动产生的现金流量净额"]


def test_trade_contract_and_letter_of_credit_sides(company):
    sells = S.expected_fields("trade_contract", company)
    buys = S.expected_fields("trade_contract", company, role="buyer")
    assert sells["seller"] == company.name == buys["buyer"]
    assert sells["buyer"] == buys["seller"] != company.name
    lc = S.expected_fields("letter_of_credit", company)
    assert lc["applicant"] == company.name and lc["beneficiary"] != company.name
    assert isinstance(lc["amount"], (int, float)) and lc["amount"] > 0
