"""Document classification (dossier.reading.classify) and the rule file (dossier.rules).

The golden set (every document type x several companies, through real PDFs)
is in test_fields.py; here: distractors, OCR noise, letter spacing,
calibration of the confidence, and validation of doctypes.toml.
"""

from __future__ import annotations

import random
import shutil
from pathlib import Path

import pdfplumber
import pytest

import dossier_factory as S
from dossier.reading.classify import Classification, classify, compact, fold, split_lines
from dossier.errors import ConfigError
from dossier.rules import DEFAULT_DOCTYPES, FIELD_KINDS, load_doctypes

CO = S.demo_companies()[0]

#: The public contract: document-type ids and their field names, exactly.
CONTRACT = {
    "application_form": ["company_name", "credit_code", "product", "amount", "term_months", "application_date",
                         "agent"],
    "business_licence": ["credit_code", "company_name", "company_type", "legal_rep", "registered_capital",
                         "established", "term_end", "address"],
    "annual_report": ["credit_code", "year"],
    "org_code_certificate": ["org_code", "company_name", "valid_until"],
    "legal_rep_id": ["name", "id_number", "valid_until"],
    "audit_report": ["company_name", "year", "audit_firm", "opinion"],
    "balance_sheet": ["company_name", "year", "total_assets", "total_liabilities", "total_equity",
                      "total_liabilities_and_equity", "current_assets", "current_liabilities", "inventory"],
    "income_statement": ["company_name", "year", "revenue", "operating_profit", "net_profit", "finance_costs",
                         "interest_expense", "total_profit"],
    "equity_statement": ["company_name", "year"],
    "cash_flow_statement": ["company_name", "year", "operating_cash_flow"],
    "sales_report": ["company_name", "year"],
    "loan_guarantee_schedule": ["company_name", "as_of"],
    "tax_registration": ["taxpayer_id", "company_name"],
    "tax_payment_certificate": ["credit_code", "company_name", "year", "amount", "issued"],
    "articles_of_association": ["company_name"],
    "officer_roster": ["company_name"],
    "board_resolution": ["company_name", "date"],
    "profit_distribution_resolution": ["company_name", "year"],
    "cash_flow_forecast": ["company_name"],
    "power_of_attorney": ["company_name", "agent"],
    "customs_document": ["company_name"],
    "approval_document": ["company_name"],
    "funding_plan": ["company_name"],
    "projected_financials": ["company_name"],
    "project_schedule": ["company_name"],
    "feasibility_study": ["company_name"],
    "trade_contract": ["seller", "buyer", "amount"],
    "letter_of_credit": ["applicant", "beneficiary", "amount"],
    "other": [],
}


def pdf_pages(path: Path) -> list[str]:
    with pdfplumber.open(path) as pdf:
        return [page.extract_text() or "" for page in pdf.pages]


@pytest.fixture(scope="module")
def docs(tmp_path_factory) -> dict[str, list[str]]:
    """Page texts of a few real sample PDFs (pdfplumber)."""
    folder = tmp_path_factory.mktemp("classify")
    kinds = ("business_licence", "application_form", "audit_report", "balance_sheet", "projected_financials",
             "cash_flow_statement", "cash_flow_forecast", "board_resolution", "profit_distribution_resolution",
             "trade_contract", "letter_of_credit", "legal_rep_id", "power_of_attorney", "tax_registration",
             "tax_payment_certificate")
    return {k: pdf_pages(S.document_pdf(k, CO, folder / f"{k}.pdf")) for k in kinds}


# ---------------------------------------------------------------------------
# Text preparation
# ---------------------------------------------------------------------------


def test_fold_is_one_for_one_and_never_nfkc():
    text = "名　称：ＡＢＣ１２３（有限）"
    assert fold(text) == "名 称:ABC123(有限)" and len(fold(text)) == len(text)
    assert compact("名　　称") == compact("名 称") == compact("名称") == "名称"


def test_lines_map_back_to_the_original():
    (line,) = split_lines(["名　　称　杭州（恒远）机械有限公司  注册资本"])
    start = line.compact.index("杭州")
    end = line.compact.index("注册资本")
    assert line.slice(start, end) == "杭州（恒远）机械有限公司"


# ---------------------------------------------------------------------------
# Distractors and calibration
# ---------------------------------------------------------------------------


def test_audit_report_embedding_statements_is_an_audit_report(docs):
    pages = docs["audit_report"]
    assert any("资产负债表" in p and "会企01表" in p for p in pages[1:])  # the distractor is there
    result = classify(pages)
    assert result.doc_type == "audit_report" and result.confidence >= 0.6
    assert result.scores["balance_sheet"] < result.scores["audit_report"] / 2


def test_application_form_listing_attachments_is_an_application(docs):
    pages = docs["application_form"]
    assert "营业执照" in pages[0] and "决议" in pages[0]
    result = classify(pages)
    assert result.doc_type == "application_form" and result.confidence >= 0.75


@pytest.mark.parametrize("kind, rival", [
    ("projected_financials", "balance_sheet"),  # 预计资产负债表 contains 资产负债表
    ("cash_flow_forecast", "cash_flow_statement"),
    ("profit_distribution_resolution", "board_resolution"),
    ("power_of_attorney", "legal_rep_id"),
    ("tax_registration", "tax_payment_certificate"),
    ("trade_contract", "letter_of_credit"),  # pays by letter of credit
])
def test_near_neighbours_are_told_apart(docs, kind, rival):
    result = classify(docs[kind])
    assert result.doc_type == kind and result.confidence >= 0.6
    assert result.scores.get(rival, 0) < result.scores[kind] / 2


def test_result_shape_and_reasons(docs):
    result = classify(docs["balance_sheet"])
    assert isinstance(result, Classification)
    assert 0 <= result.confidence <= 1
    assert list(result.scores.values()) == sorted(result.scores.values(), reverse=True)
    assert next(iter(result.scores)) == "balance_sheet"
    assert any("资产负债表" in r for r in result.reasons) and any("会企01表" in r for r in result.reasons)


@pytest.mark.parametrize("pages", [[], [""], ["   \n  "], ["第1页"]])
def test_no_text_is_other_with_zero_confidence(pages):
    result = classify(pages)
    assert result.doc_type == "other" and result.confidence == 0.0 and result.reasons


def test_unrelated_text_is_other_and_goes_to_a_person():
    result = classify(["关于国庆节放假安排的通知\n各部门：现将放假安排通知如下：10月1日至7日放假。\n特此通知。"])
    assert result.doc_type == "other" and 0 < result.confidence < 0.6


def test_keywords_without_a_title_need_review():
    # Looks like a balance sheet, but nothing says so: a person should look.
    text = "货币资金 100.00\n应收账款 50.00\n流动资产合计 150.00\n短期借款 20.00\n"
    result = classify([text])
    assert result.confidence < 0.6


def test_two_titles_at_the_top_need_review():
    text = "资产负债表\n利润表\n编制单位：某公司\n"
    assert classify([text]).confidence < 0.6


def test_title_on_a_later_page_weighs_less_than_on_page_one():
    first = classify(["资产负债表\n编制单位：某公司\n" + "说明文字\n" * 3])
    later = classify(["封面\n" + "说明文字\n" * 8, "资产负债表\n编制单位：某公司\n"])
    assert first.scores["balance_sheet"] > later.scores.get("balance_sheet", 0)


# ---------------------------------------------------------------------------
# Letter spacing and OCR noise
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("title", ["营业执照", "营 业 执 照", "营　业　执　照", "营业执熙", "营业执"])
def test_letter_spaced_and_noisy_titles(title, docs):
    pages = [docs["business_licence"][0].replace("营业执照", title, 1)]
    result = classify(pages)
    assert result.doc_type == "business_licence" and result.confidence >= 0.6


def _noisy(pages: list[str], rate: float, seed: str) -> list[str]:
    rng = random.Random(seed)
    pool = [chr(c) for c in range(0x4E00, 0x4E00 + 3000)]
    return ["".join(rng.choice(pool) if "\u4e00" <= ch <= "\u9fff" and rng.random() < rate else ch for ch in p)
            for p in pages]


@pytest.mark.parametrize("seed", range(3))
def test_a_few_wrong_characters_do_not_change_the_type(docs, seed):
    for kind, pages in docs.items():
        result = classify(_noisy(pages, 0.03, f"{kind}:{seed}"))
        assert result.doc_type == kind, (kind, result.scores)


@pytest.mark.parametrize("seed", range(3))
def test_heavy_noise_is_never_confidently_wrong(docs, seed):
    for kind, pages in docs.items():
        result = classify(_noisy(pages, 0.15, f"heavy:{kind}:{seed}"))
        assert result.doc_type == kind or result.confidence < 0.6, (kind, result)


def test_classify_is_pure(docs):
    pages = docs["trade_contract"]
    before = list(pages)
    assert classify(pages) == classify(pages)
    assert pages == before


# ---------------------------------------------------------------------------
# The rule file
# ---------------------------------------------------------------------------


def test_packaged_rules_match_the_public_contract():
    rules = load_doctypes()
    assert list(rules.ids) == list(CONTRACT)
    for doc_type, fields in CONTRACT.items():
        assert list(rules[doc_type].fields) == fields, doc_type
        assert rules[doc_type].zh
    assert set(rules["application_form"].choices["product"]) == set(S.PRODUCTS)
    assert list(rules["audit_report"].choices["opinion"]) == ["disclaimer", "adverse", "qualified", "emphasis",
                                                              "standard"]
    assert set(S.OPINIONS) == set(rules["audit_report"].choices["opinion"])


def test_rules_are_cached_per_path_and_reloaded_when_edited(tmp_path):
    assert load_doctypes() is load_doctypes() is load_doctypes(DEFAULT_DOCTYPES)
    copy = tmp_path / "doctypes.toml"
    shutil.copy(DEFAULT_DOCTYPES, copy)
    first = load_doctypes(copy)
    assert load_doctypes(copy) is first
    copy.write_text(copy.read_text(encoding="utf-8").replace('titles = ["营业执照"]', 'titles = ["营业执照", "执照"]'),
                    encoding="utf-8")
    assert load_doctypes(copy) is not first and "执照" in load_doctypes(copy)["business_licence"].titles


def test_a_company_can_add_keywords_without_code(tmp_path):
    copy = tmp_path / "doctypes.toml"
    text = DEFAULT_DOCTYPES.read_text(encoding="utf-8")
    text = text.replace('titles = ["营业执照"]', 'titles = ["营业执照", "经营许可证明"]')
    copy.write_text(text, encoding="utf-8")
    page = ["经营许可证明\n名称：某某有限公司\n登记机关 某市市场监督管理局\n营业期限 长期\n经营范围 技术服务\n"]
    assert classify(page).doc_type != "business_licence" or classify(page).confidence < 0.6
    custom = classify(page, load_doctypes(copy))
    assert custom.doc_type == "business_licence" and custom.confidence >= 0.6


def _edited(tmp_path: Path, old: str, new: str, count: int = 1) -> Path:
    text = DEFAULT_DOCTYPES.read_text(encoding="utf-8")
    assert old in text, old
    path = tmp_path / "doctypes.toml"
    path.write_text(text.replace(old, new, count), encoding="utf-8")
    return path


BS_KEYWORDS = '''keywords = [
  { text = "流动资产合计", weight = 2 }, { text = "资产总计", weight = 2 },'''


@pytest.mark.parametrize("old, new, where, what", [
    (BS_KEYWORDS, BS_KEYWORDS.replace('{ text = "资产总计", weight = 2 },', '{ text = "资产总计", weight = 2 }, 42,'),
     "doctypes.toml: [balance_sheet].keywords[2]", "应为字符串"),
    (BS_KEYWORDS, BS_KEYWORDS.replace('weight = 2 }, { text = "资产总计"', 'weight = "高" }, { text = "资产总计"'),
     "doctypes.toml: [balance_sheet].keywords[0].weight", "应为数字"),
    (BS_KEYWORDS, BS_KEYWORDS.replace('{ text = "资产总计", weight = 2 }', '{ txt = "资产总计" }'),
     "doctypes.toml: [balance_sheet].keywords[1].txt", "未知的键"),
    ('zh = "资产负债表"', 'zh = "资产负债表"\ncolour = "red"', "doctypes.toml: [balance_sheet].colour", "未知的键"),
    ('fields = ["company_name", "year", "total_assets"', 'fields = ["company_name", "yaer", "total_assets"',
     "doctypes.toml: [balance_sheet].fields[1]", "未知的字段名“yaer”"),
    ('titles = ["资产负债表"]', 'titles = "资产负债表"', "doctypes.toml: [balance_sheet].titles", "应为字符串数组"),
    ('id = "income_statement"', 'id = "balance_sheet"', "doctypes.toml: doctype[7].id", "重复"),
    ("total_assets = [\"资产总计\"", "total_asets = [\"资产总计\"", "doctypes.toml: [balance_sheet].rows.total_asets",
     "未知的字段名"),
    ("year = ['(?P<value>\\d{4})\\s*年\\s*\\d{1,2}\\s*月", "year = ['(?P<value>\\d{4}\\s*年\\s*\\d{1,2}\\s*月",
     "doctypes.toml: [balance_sheet].patterns.year[0]", "正则表达式无效"),
    ('company_name = ["编制单位", "单位名称", "企业名称"]\n\n[doctype.patterns]\nyear = [\'(?P<value>\\d{4})\\s*年\\s*\\d',
     'seller = ["编制单位"]\n\n[doctype.patterns]\nyear = [\'(?P<value>\\d{4})\\s*年\\s*\\d',
     "doctypes.toml: [balance_sheet].labels.seller", "不在本类型的 fields 列表中"),
    ('version = 1', 'version = 1\nextra = true', "doctypes.toml: extra", "未知的键"),
    ('id = "other"', 'id = "Other"', "doctypes.toml: doctype[28].id", "不是合法的类型 id"),
    ('[doctype.choices.opinion]\ndisclaimer = ["无法表示意见"]', '[doctype.choices.opinion]\ndisclaimer = "无法表示意见"',
     "doctypes.toml: [audit_report].choices.opinion.disclaimer", "应为字符串数组"),
])
def test_rule_file_errors_name_file_and_key(tmp_path, old, new, where, what):
    path = _edited(tmp_path, old, new)
    with pytest.raises(ConfigError) as info:
        load_doctypes(path)
    message = info.value.message
    assert where in message and what in message, message
    assert str(path) in message


def test_rule_file_syntax_error_and_missing_file(tmp_path):
    bad = tmp_path / "doctypes.toml"
    bad.write_text("[[doctype]\nid = ", encoding="utf-8")
    with pytest.raises(ConfigError, match="TOML 语法错误"):
        load_doctypes(bad)
    with pytest.raises(ConfigError, match="无法读取规则文件"):
        load_doctypes(tmp_path / "missing.toml")


def test_every_field_kind_is_known_to_the_extractor():
    from dossier.reading import fields

    assert set(FIELD_KINDS) <= set(fields.FIELD_ZH)
    assert set(FIELD_KINDS.values()) == {"company", "uscc", "choice", "amount", "months", "date", "person", "text",
                                         "end_date", "year", "org_code", "id_number", "row", "taxpayer_id"}
