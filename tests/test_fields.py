"""Field extraction (dossier.reading.fields) and the golden set through the real path.

Golden cases: dossier_factory writes a text PDF of every document type for
several companies (plus variants), pdfplumber reads it back (text per page,
tables for statements), dossier.reading.classify + dossier.reading.fields run on that, and the
result must equal ``samples.expected_fields`` exactly.  Each case is its own
test id, so a failure names the document type, company and variant.
"""

from __future__ import annotations

import functools
from datetime import date
import re
from pathlib import Path

import pdfplumber
import pytest

from dossier import codes
import dossier_factory as S
from dossier.reading.classify import classify
from dossier.reading.fields import Extraction, extract
from dossier.reading.values import cn_number, parse_amount, parse_date, parse_months, parse_year, repair_id_number
from dossier.rules import load_doctypes

# ---------------------------------------------------------------------------
# Golden set
# ---------------------------------------------------------------------------

COMPANIES = {co.short: co for co in [*S.demo_companies(), S.make_company(4)]}
STATEMENTS = ("balance_sheet", "income_statement", "cash_flow_statement")


def _cases() -> list[tuple[str, str, str, int, dict]]:
    """(case id, doc_type, company short name, year, options)."""
    cases = []
    for doc_type in S.DOC_TYPES:
        for short in COMPANIES:
            cases.append((f"{doc_type}-{short}", doc_type, short, S.DEMO_YEAR, {}))
    first, second = list(COMPANIES)[:2]
    for opinion in ("qualified", "adverse", "disclaimer", "emphasis"):
        cases.append((f"audit_report-{second}-{opinion}", "audit_report", second, S.DEMO_YEAR, {"opinion": opinion}))
    for product in ("project_finance", "letter_of_credit", "bill_acceptance", "equipment_finance"):
        cases.append((f"application_form-{first}-{product}", "application_form", first, S.DEMO_YEAR,
                      {"product": product, "agent": "赵敏"}))
    cases += [
        (f"application_form-{second}-no-attachments", "application_form", second, S.DEMO_YEAR,
         {"agent": None, "attachments": False}),
        (f"trade_contract-{first}-client-buys", "trade_contract", first, S.DEMO_YEAR, {"role": "buyer"}),
        (f"letter_of_credit-{first}-client-sells", "letter_of_credit", first, S.DEMO_YEAR, {"role": "seller"}),
        (f"tax_registration-{second}-three-in-one", "tax_registration", second, S.DEMO_YEAR, {"new_style": True}),
        (f"tax_payment_certificate-{first}-2024", "tax_payment_certificate", first, 2024, {}),
        (f"board_resolution-{first}-dated", "board_resolution", first, S.DEMO_YEAR,
         {"date": date(2026, 11, 3)}),
        (f"loan_guarantee_schedule-{second}-march", "loan_guarantee_schedule", second, S.DEMO_YEAR,
         {"as_of": date(2026, 3, 31)}),
    ]
    for doc_type in STATEMENTS:
        cases.append((f"{doc_type}-{second}-2024", doc_type, second, 2024, {}))
    return cases


CASES = _cases()
CASE_IDS = [c[0] for c in CASES]
BY_ID = {c[0]: c for c in CASES}


@pytest.fixture(scope="module")
def golden_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("golden")


@functools.lru_cache(maxsize=None)
def _read(case_id: str, folder: str) -> tuple[tuple[str, ...], tuple]:
    """Write the case's PDF and read it back as pdfplumber gives it (cached per case)."""
    _, doc_type, short, year, options = BY_ID[case_id]
    path = S.document_pdf(doc_type, COMPANIES[short], Path(folder) / f"{case_id}.pdf", year, **options)
    with pdfplumber.open(path) as pdf:
        pages = tuple(page.extract_text() or "" for page in pdf.pages)
        tables = tuple(t for page in pdf.pages for t in page.extract_tables())
    return pages, tables


@pytest.mark.parametrize("case_id", CASE_IDS)
def test_golden_classification(case_id, golden_dir):
    _, doc_type, *_ = BY_ID[case_id]
    pages, _ = _read(case_id, str(golden_dir))
    result = classify(list(pages))
    assert result.doc_type == doc_type, (result.scores, result.reasons)
    if doc_type == "other":  # unrecognised: always for a person to look at
        assert result.confidence < 0.6
    else:
        assert result.confidence >= 0.6, (result.confidence, result.reasons)


@pytest.mark.parametrize("case_id", CASE_IDS)
def test_golden_fields(case_id, golden_dir):
    _, doc_type, short, year, options = BY_ID[case_id]
    pages, tables = _read(case_id, str(golden_dir))
    got = extract(doc_type, list(pages), [list(t) for t in tables])
    expected = S.expected_fields(doc_type, COMPANIES[short], year, **options)
    assert got.fields == expected
    assert {k: type(v) for k, v in got.fields.items()} == {k: type(v) for k, v in expected.items()}
    assert got.problems == () and got.review is False
    assert all(got.confidence[k] >= 0.6 for k, v in expected.items() if v is not None)


@pytest.mark.parametrize("case_id", [c for c in CASE_IDS if c.split("-")[0] in STATEMENTS])
def test_golden_statements_from_text_lines_only(case_id, golden_dir):
    """Without tables the rows come from text lines, current-period column."""
    _, doc_type, short, year, options = BY_ID[case_id]
    pages, _ = _read(case_id, str(golden_dir))
    got = extract(doc_type, list(pages), None)
    assert got.fields == S.expected_fields(doc_type, COMPANIES[short], year, **options)


def test_golden_set_covers_every_type_with_several_companies():
    per_type: dict[str, set[str]] = {}
    for _, doc_type, short, _, _ in CASES:
        per_type.setdefault(doc_type, set()).add(short)
    assert set(per_type) == set(S.DOC_TYPES) == set(load_doctypes().ids)
    assert all(len(v) >= 2 for v in per_type.values())


# ---------------------------------------------------------------------------
# Parsers
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("text, value", [
    ("1,234,567.89", 1234567.89),
    ("¥3,000,000.00元（大写：人民币叁佰万元整）", 3000000),
    ("500万元", 5000000),
    ("人民币500万元", 5000000),
    ("1.5亿元", 150000000),
    ("人民币伍佰万元整", 5000000),
    ("壹仟贰佰叁拾肆元伍角陆分", 1234.56),
    ("壹拾万零伍佰元整", 100500),
    ("壹亿贰仟万元", 120000000),
    ("伍角", 0.5),
    ("壹佰贰拾柒万捌仟壹佰伍拾元肆角柒分", 1278150.47),
    ("￥１，２３４．５０", 1234.5),
    ("-1,234.50", -1234.5),
    ("CNY 1,230,000.00", 1230000),
    ("12个月", None),
    ("无", None),
])
def test_parse_amount(text, value):
    got = parse_amount(text)
    assert got == value and type(got) is type(value)


@pytest.mark.parametrize("text, iso", [
    ("2025年3月1日", "2025-03-01"),
    ("2025年03月01日", "2025-03-01"),
    ("2025-03-01", "2025-03-01"),
    ("2025.3.1", "2025-03-01"),
    ("2025/12/31", "2025-12-31"),
    ("二〇二五年三月一日", "2025-03-01"),
    ("二〇二六年十二月三十一日", "2026-12-31"),
    ("２０２５年３月１日", "2025-03-01"),
    ("2025年2月30日", None),
    ("日期：", None),
])
def test_parse_date(text, iso):
    assert parse_date(text) == iso


@pytest.mark.parametrize("text, year", [
    ("2025-01-01至2025-12-31", 2025),
    ("税款所属时期：2025年01月01日至2025年12月31日", 2025),
    ("2025年12月31日", 2025),
    ("2025年度", 2025),
    ("二〇二五年度", 2025),
])
def test_parse_year(text, year):
    assert parse_year(text) == year


@pytest.mark.parametrize("text, months", [("12个月", 12), ("24 个月", 24), ("一年", 12), ("3年", 36),
                                          ("十八个月", 18), ("长期", None)])
def test_parse_months(text, months):
    assert parse_months(text) == months


def test_cn_number():
    assert cn_number("伍佰万") == 5_000_000
    assert cn_number("二十") == 20 and cn_number("十二") == 12 and cn_number("二〇二五") == 2025
    assert cn_number("abc") is None


# ---------------------------------------------------------------------------
# Identity codes: repair only where the check digit then passes
# ---------------------------------------------------------------------------

CO = S.demo_companies()[0]  # credit code 91330106421197622W (has zeros), ID 330106197107295382


def licence_text(code: str = CO.credit_code, name_label: str = "名 称") -> list[str]:
    return [
        f"统一社会信用代码 （副 本）\n{code}\n营业执照\n"
        f"{name_label} {CO.name} 注册资本 伍佰万元整\n"
        f"类 型 {CO.company_type} 成立日期 2015年05月04日\n"
        f"法定代表人 {CO.legal_rep} 营业期限 2015年05月04日 至 长期\n"
        f"经营范围 通用机械设备的研发、制造 住 所 {CO.address}\n登记机关 杭州市西湖区市场监督管理局\n"
    ]


def test_ocr_confusion_in_credit_code_is_repaired_when_the_check_digit_then_passes():
    noisy = CO.credit_code.replace("0", "O")
    assert noisy != CO.credit_code
    got = extract("business_licence", licence_text(noisy))
    assert got.fields["credit_code"] == CO.credit_code
    assert got.problems == () and not got.review


@pytest.mark.parametrize("noisy", [
    CO.credit_code.replace("1", "l"),  # lower-case l never occurs in a code
    CO.credit_code.replace("1", "I"),
    "９１３３０１０６４２１１９７６２２Ｗ" if CO.credit_code == "91330106421197622W" else CO.credit_code,
    " ".join([CO.credit_code[:4], CO.credit_code[4:8], CO.credit_code[8:13], CO.credit_code[13:]]),
])
def test_credit_code_ocr_variants(noisy):
    got = extract("business_licence", licence_text(noisy))
    assert got.fields["credit_code"] == CO.credit_code and not got.review


def test_failed_check_digit_keeps_raw_value_and_asks_for_review():
    digits = "0123456789"
    wrong = CO.credit_code[:3] + digits[(digits.index(CO.credit_code[3]) + 1) % 10] + CO.credit_code[4:]
    assert not codes.is_valid_uscc(wrong)
    got = extract("business_licence", licence_text(wrong))
    assert got.fields["credit_code"] == wrong  # never "fixed" by guessing
    assert got.review and any("校验位不符" in p and wrong in p for p in got.problems)
    assert got.confidence["credit_code"] < 0.6


def test_confusion_that_does_not_pass_the_check_is_kept_raw():
    # O for 0 plus a real misread digit: repairing O is not enough, so nothing is repaired.
    bad = CO.credit_code.replace("0", "O")
    bad = bad[:4] + ("7" if bad[4] != "7" else "8") + bad[5:]
    got = extract("business_licence", licence_text(bad))
    assert got.fields["credit_code"] == bad and got.review


def test_id_number_ocr_repair_and_failure():
    def id_text(number: str) -> list[str]:
        return [f"居民身份证\n姓名 {CO.legal_rep}\n公民身份号码 {number}\n有效期限 2016.10.09-2036.10.09\n"]

    noisy = CO.legal_rep_id.replace("0", "O").replace("1", "l")
    assert repair_id_number(noisy) == CO.legal_rep_id
    got = extract("legal_rep_id", id_text(noisy))
    assert got.fields == {"name": CO.legal_rep, "id_number": CO.legal_rep_id, "valid_until": "2036-10-09"}
    assert not got.review
    wrong = CO.legal_rep_id[:-1] + ("0" if CO.legal_rep_id[-1] != "0" else "1")
    got = extract("legal_rep_id", id_text(wrong))
    assert got.fields["id_number"] == wrong and got.review
    assert any("公民身份号码" in p and "校验位不符" in p for p in got.problems)


def test_id_card_valid_for_life_gives_none_with_confidence():
    got = extract("legal_rep_id", [f"居民身份证\n姓名 {CO.legal_rep}\n公民身份号码 {CO.legal_rep_id}\n"
                                   "有效期限 2022.08.18-长期\n"])
    assert got.fields["valid_until"] is None and got.confidence["valid_until"] > 0.6 and not got.review


def test_org_code_check_and_repair():
    body = CO.credit_code[8:16] + "-" + CO.credit_code[16]
    text = f"组织机构代码证\n代 码：{body.replace('0', 'O')}\n机构名称：{CO.name}\n有效期：自2012年01月01日至2015年12月31日\n"
    got = extract("org_code_certificate", [text])
    assert got.fields == {"org_code": body, "company_name": CO.name, "valid_until": "2015-12-31"}
    bad = text.replace(body.replace("0", "O"), body[:-1] + ("1" if body[-1] != "1" else "2"))
    assert extract("org_code_certificate", [bad]).review


def test_old_style_taxpayer_id_is_checked():
    old = CO.division + CO.credit_code[8:17]
    got = extract("tax_registration", [f"税务登记证\n税务登记号：{old}\n纳税人名称：{CO.name}\n"])
    assert got.fields == {"taxpayer_id": old, "company_name": CO.name} and not got.review
    wrong = old[:-1] + ("1" if old[-1] != "1" else "2")
    got = extract("tax_registration", [f"税务登记证\n税务登记号：{wrong}\n纳税人名称：{CO.name}\n"])
    assert got.fields["taxpayer_id"] == wrong and got.review


# ---------------------------------------------------------------------------
# Labels, layout, noise
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("label", ["名　　称", "名 称", "名称", "名　称：", "名称:"])
def test_letter_spaced_labels(label):
    got = extract("business_licence", licence_text(name_label=label))
    assert got.fields["company_name"] == CO.name
    assert got.fields["registered_capital"] == 5_000_000  # the second column is not swallowed
    assert got.fields["term_end"] is None and got.fields["address"] == CO.address


def test_values_keep_original_full_width_characters():
    got = extract("business_licence", licence_text())
    assert got.fields["company_type"] == "有限责任公司（自然人投资或控股）"  # not NFKC-ed to ASCII parentheses


def test_low_ocr_line_confidence_asks_for_review():
    pages = licence_text()
    line = next(l for l in pages[0].splitlines() if l.startswith("法定代表人"))
    got = extract("business_licence", pages, line_confidence={line: 0.41})
    assert got.fields["legal_rep"] == CO.legal_rep
    assert got.confidence["legal_rep"] == pytest.approx(0.41) and got.review
    assert any("法定代表人" in p and "置信度低" in p for p in got.problems)
    assert not extract("business_licence", pages, line_confidence={line: 0.97}).review


def test_missing_fields_are_none_never_invented():
    got = extract("tax_payment_certificate", ["税收完税证明\n纳税人名称：" + CO.name + "\n"])
    assert got.fields == {"credit_code": None, "company_name": CO.name, "year": None, "amount": None,
                          "issued": None, "years": []}
    assert got.confidence["credit_code"] == 0.0 and got.review
    assert any("未识别到" in p for p in got.problems)


def test_optional_agent_missing_does_not_ask_for_review():
    text = (f"担保申请书\n申请人名称 {CO.name}\n统一社会信用代码 {CO.credit_code}\n申请担保金额 人民币叁佰万元整\n"
            "担保期限 12个月\n担保品种 流动资金贷款担保\n日期：2026年10月12日\n")
    got = extract("application_form", [text])
    assert got.fields["agent"] is None and not got.review, got.problems
    rep_is_agent = text + f"法定代表人 {CO.legal_rep}\n经办人 {CO.legal_rep}\n"
    assert extract("application_form", [rep_is_agent]).fields["agent"] is None
    other = text + f"法定代表人 {CO.legal_rep}\n经办人 王小明 联系电话：13800000000\n"
    assert extract("application_form", [other]).fields["agent"] == "王小明"


def test_unknown_product_is_not_guessed_from_other_text():
    text = (f"担保申请书\n申请人名称 {CO.name}\n担保品种 固定资产贷款担保\n融资用途 补充流动资金\n")
    got = extract("application_form", [text])
    assert got.fields["product"] is None and got.review
    assert any("固定资产贷款担保" in p for p in got.problems)


def test_amount_capital_and_figures_disagree():
    text = f"担保申请书\n申请人名称 {CO.name}\n申请担保金额 ¥3,000,000.00元（大写：人民币叁佰伍拾万元整）\n"
    got = extract("application_form", [text])
    assert got.fields["amount"] == 3_500_000  # the capital amount is the binding one
    assert got.review and any("大写与小写不一致" in p for p in got.problems)


@pytest.mark.parametrize("opinion, text", [
    ("standard", "一、审计意见\n我们认为，后附的财务报表…公允反映了贵公司2025年12月31日的财务状况"),
    ("standard", "我们出具了标准无保留意见的审计报告。"),
    ("qualified", "一、保留意见\n我们认为，除“形成保留意见的基础”部分所述事项可能产生的影响外，…公允反映了"),
    ("adverse", "一、否定意见\n由于“形成否定意见的基础”部分所述事项的重要性，…未能公允反映"),
    ("disclaimer", "一、无法表示意见\n我们不对后附的贵公司财务报表发表审计意见。"),
    ("emphasis", "一、审计意见\n…公允反映了…\n三、强调事项\n我们提醒财务报表使用者关注…"),
    ("emphasis", "出具了带强调事项段的无保留意见审计报告"),
])
def test_audit_opinion_mapping(opinion, text):
    page = f"审计报告\n{CO.name}全体股东：\n{text}\n杭州明信会计师事务所（特殊普通合伙）\n"
    got = extract("audit_report", [page])
    assert got.fields["opinion"] == opinion
    assert got.fields["audit_firm"] == "杭州明信会计师事务所（特殊普通合伙）"
    assert got.fields["company_name"] == CO.name


def test_statement_text_columns_follow_the_headings():
    """Old-style sheets put 年初数 before 期末数 and have a 行次 column."""
    page = (f"资产负债表\n会企01表\n编制单位：{CO.name} 2025年12月31日 单位：元\n"
            "资 产 行次 年初数 期末数 负债和所有者权益 行次 年初数 期末数\n"
            "流动资产合计 10 900.00 1,000.00 流动负债合计 40 500.00 600.00\n"
            "资产总计 30 1,900.00 2,000.00 负债合计 50 700.00 800.00\n"
            "所有者权益合计 60 1,200.00 1,200.00\n"
            "负债和所有者权益总计 70 1,900.00 2,000.00\n")
    got = extract("balance_sheet", [page])
    assert got.fields == {"company_name": CO.name, "year": 2025, "total_assets": 2000,
                          "total_liabilities": 800, "total_equity": 1200, "total_liabilities_and_equity": 2000,
                          "current_assets": 1000, "current_liabilities": 600, "inventory": None, "years": [2025]}
    assert not got.review  # 存货 is optional: a sheet without the row is not sent to review


def test_statement_in_wan_yuan_and_inconsistent_totals():
    page = (f"资产负债表\n编制单位：{CO.name} 2025年12月31日 单位：万元\n"
            "项目 期末余额 上年年末余额\n资产总计 2,000.50 1,800.00\n负债合计 800.00 700.00\n"
            "所有者权益合计 1,100.00 1,100.00\n负债和所有者权益总计 2,000.50 1,800.00\n")
    got = extract("balance_sheet", [page])
    assert got.fields["total_assets"] == 20_005_000 and got.fields["total_liabilities"] == 8_000_000
    assert got.review and any("不等于" in p for p in got.problems)


def test_statement_rows_from_tables():
    table = [["项目", "本期金额", "上期金额"], ["一、营业收入", "1,000.00", "900.00"],
             ["二、营业利润（亏损以“-”号填列）", "(50.00)", "30.00"],
             ["四、净利润（净亏损以“-”号\n填列）", "-", "20.00"]]
    got = extract("income_statement", [f"利润表\n编制单位：{CO.name}\n2025年度\n"], [table])
    assert got.fields["revenue"] == 1000 and got.fields["operating_profit"] == -50
    assert got.fields["net_profit"] is None  # a dash is nil, not a number to invent


def test_unknown_doc_type():
    got = extract("no_such_type", ["文本"])
    assert isinstance(got, Extraction) and got.review and got.fields == {}


def test_other_has_no_fields():
    got = extract("other", ["关于国庆节放假安排的通知"])
    assert got.fields == {} and not got.review


def test_extract_is_pure():
    pages = licence_text()
    before = list(pages)
    assert extract("business_licence", pages) == extract("business_licence", pages)
    assert pages == before


def test_problem_messages_are_chinese():
    got = extract("tax_payment_certificate", ["税收完税证明"])
    assert got.problems and all(re.search(r"[\u4e00-\u9fff]", p) for p in got.problems)


# ---------------------------------------------------------------------------
# Layouts other than the samples' (OCR line breaks, older forms, e-tax certificates)
# ---------------------------------------------------------------------------

LAYOUTS = {
    "licence-ocr-no-spaces": ("business_licence", f"""营 业 执 照
（副 本）
统一社会信用代码{CO.credit_code}
名称{CO.name}
类型有限责任公司(自然人投资或控股)
法定代表人{CO.legal_rep}
经营范围通用机械设备研发
注册资本伍佰万元整
成立日期2015年05月04日
营业期限2015年05月04日至2045年05月03日
住所{CO.address}
登记机关""", {"credit_code": CO.credit_code, "company_name": CO.name,
               "company_type": "有限责任公司(自然人投资或控股)", "legal_rep": CO.legal_rep,
               "registered_capital": 5000000, "established": "2015-05-04", "term_end": "2045-05-03",
               "address": CO.address}),
    "e-tax-certificate": ("tax_payment_certificate", f"""中华人民共和国
税 收 完 税 证 明
填发日期：2026年1月15日 税务机关：国家税务总局杭州市西湖区税务局
纳税人识别号 {CO.credit_code} 纳税人名称 {CO.name}
原凭证号 税种 品目名称 税款所属时期 入(退)库日期 实缴(退)金额
333011260100001 增值税 制造业 2025-10-01至2025-12-31 2026-01-10 120,000.00
金额合计 (大写)壹拾贰万元整 ￥120,000.00""", {"credit_code": CO.credit_code, "company_name": CO.name,
                                             "year": 2025, "amount": 120000, "issued": "2026-01-15",
                                             "years": [2025]}),
    "old-income-statement": ("income_statement", f"""损 益 表
会企02表
编制单位：{CO.name} 2024年1-12月 单位：元
项 目 行次 本月数 本年累计数
一、主营业务收入 1 100.00 12,345.00
三、营业利润 18 10.00 1,234.00
五、净利润 30 5.00 999.00""", {"company_name": CO.name, "year": 2024, "revenue": 12345, "operating_profit": 1234,
                              "net_profit": 999, "finance_costs": None, "interest_expense": None,
                              "total_profit": None, "years": [2024]}),
}


@pytest.mark.parametrize("case", LAYOUTS)
def test_other_layouts(case):
    doc_type, text, expected = LAYOUTS[case]
    assert classify([text]).doc_type == doc_type
    got = extract(doc_type, [text])
    assert got.fields == expected and not got.review, got.problems


def test_year_guessed_from_an_issue_date_needs_review():
    got = extract("tax_payment_certificate", [f"完税证明\n填发日期：2026年1月15日\n纳税人识别号 {CO.credit_code}\n"])
    assert got.fields["year"] == 2026 and got.confidence["year"] < 0.6 and got.review


# -- statement row labels by their stem ---------------------------------------------------------

from dossier.reading.statements import label_stem  # noqa: E402

STEMS = {
    "ordinal-and-loss-note": ('二、营业利润（亏损以"－"号填列）', "营业利润"),
    "net-profit-curly-quotes": ("四、净利润（净亏损以“－”号填列）", "净利润"),
    "or-shareholders-equity": ("负债和所有者权益（或股东权益）总计", "负债和所有者权益总计"),
    "operator-minus": ("减：营业成本", "营业成本"),
    "operator-of-which": ("  其中：利息费用", "利息费用"),
    "bracketed-ordinal": ("（一）持续经营净利润", "持续经营净利润"),
    "arabic-ordinal": ("1.营业收入", "营业收入"),
    "roman-ordinal": ("Ⅱ、流动资产合计", "流动资产合计"),
    "ji-and-shareholders": ("负债及股东权益合计", "负债和所有者权益合计"),
    "note-cut-off-by-the-line": ("四、净利润(净亏损以", "净利润"),
    "star-marker": ("* 资产总计", "资产总计"),
    "letter-spaced": ("资 产 总 计", "资产总计"),
    "full-width-ascii": ("３．营业收入", "营业收入"),
    "whole-label-bracketed": ("【资产总计】", "资产总计"),
    "old-format-ordinal-five": ("五、净利润", "净利润"),
    "not-a-prefix-operator": ("资产减值损失", "资产减值损失"),
    "continuing-ops-keeps-its-words": ("归属于母公司所有者的净利润", "归属于母公司所有者的净利润"),
}


@pytest.mark.parametrize("case", STEMS)
def test_row_label_stems(case):
    label, stem = STEMS[case]
    assert label_stem(label) == stem


STATEMENT_LAYOUTS = {
    # 2019 general format, the loss notes spaced out by the text layer ("－" alone between spaces)
    "notes-with-spaced-dash": ("income_statement", f"""利 润 表
会企02表
编制单位：{CO.name} 2025年度 单位：元
项 目 本期金额 上期金额
一、营业收入 12,000,000.00 11,000,000.00
二、营业利润（亏损以 “ － ” 号填列） 1,500,000.00 1,400,000.00
四、净利润（净亏损以 “ － ” 号填列） 1,100,000.00 1,000,000.00""",
                              {"revenue": 12000000, "operating_profit": 1500000, "net_profit": 1100000}),
    # 小企业会计准则 会小企02表: the year-to-date column first, then the month
    "small-enterprise-ytd-first": ("income_statement", f"""利润表
会小企02表
编制单位：{CO.name} 2025年 单位：元
项 目 行次 本年累计金额 本月金额
一、营业收入 1 8,000,000.00 700,000.00
二、营业利润（亏损以“-”号填列） 21 900,000.00 80,000.00
四、净利润（净亏损以“-”号填列） 32 650,000.00 60,000.00""",
                                   {"revenue": 8000000, "operating_profit": 900000, "net_profit": 650000}),
    # the balance sheet's closing line with the parenthetical (或股东权益) and 0.01 of rounding
    "rounding-cent": ("balance_sheet", f"""资产负债表
会企01表
编制单位：{CO.name} 2025年12月31日 单位：元
资 产 期末余额 上年年末余额 负债和所有者权益（或股东权益） 期末余额 上年年末余额
流动资产合计 3,000.00 2,000.00 流动负债合计 1,000.00 900.00
资产总计 5,000.01 4,000.00 负债合计 2,000.00 1,800.00
所有者权益（或股东权益）合计 3,000.00 2,200.00
负债和所有者权益（或股东权益）总计 5,000.00 4,000.00""",
                      {"total_assets": 5000.01, "total_liabilities_and_equity": 5000, "total_equity": 3000}),
}


@pytest.mark.parametrize("case", STATEMENT_LAYOUTS)
def test_statement_rows_of_official_formats(case):
    doc_type, text, expected = STATEMENT_LAYOUTS[case]
    got = extract(doc_type, [text])
    assert {k: got.fields[k] for k in expected} == expected
    assert not got.review, got.problems


# -- parties by their role words ---------------------------------------------------------------

PA, PB = "杭州恒远机械有限公司", "苏州瑞丰纺织有限公司"
ROLE_PAIRS = {  # doc type, (seller/applicant field, its role), (buyer/beneficiary field, its role), title
    "gong-xu": ("trade_contract", ("seller", "供方"), ("buyer", "需方"), "工矿产品购销合同"),
    "mai-mai": ("trade_contract", ("seller", "卖方"), ("buyer", "买方"), "买卖合同"),
    "chumairen-maishouren": ("trade_contract", ("seller", "出卖人"), ("buyer", "买受人"), "买卖合同"),
    "shenqingren-shouyiren": ("letter_of_credit", ("applicant", "开证申请人"), ("beneficiary", "受益人"),
                              "国内信用证 开证行 通知行 交单期 议付"),
}
PARTY_FORMS = {
    "role-colon": "{ra}：{a}\n{rb}：{b}",
    "role-then-holder": "{ra}（甲方）：{a}\n{rb}（乙方）：{b}",
    "holder-then-role": "甲方（{ra}）：{a}\n乙方（{rb}）：{b}",
    "holder-name-role": "甲方：{a}（{ra}）\n乙方：{b}（{rb}）",
    "holder-bound-later": "甲方：{a}\n乙方：{b}\n本合同中甲方为{ra}，乙方为{rb}。",
    "short-name-note": "{a}（以下简称“{ra}”）\n{b}（以下简称“{rb}”）",
    "name-on-next-line": "{ra}：\n{a}\n{rb}：\n{b}",
}


@pytest.mark.parametrize("form", PARTY_FORMS)
@pytest.mark.parametrize("pair", ROLE_PAIRS)
def test_parties_by_role_words(pair, form):
    doc_type, (fa, ra), (fb, rb), title = ROLE_PAIRS[pair]
    text = f"{title}\n" + PARTY_FORMS[form].format(a=PA, b=PB, ra=ra, rb=rb) + \
        "\n合同金额：人民币壹佰万元整（¥1,000,000.00）\n违约责任 交货 质量标准\n"
    got = extract(doc_type, [text])
    assert (got.fields[fa], got.fields[fb]) == (PA, PB), got.problems


def test_placeholders_never_bound_to_a_role_are_not_guessed():
    text = f"采购合同\n甲方：{PA}\n乙方：{PB}\n合同金额：100万元\n违约责任 交货\n"
    got = extract("trade_contract", [text])
    assert got.fields["seller"] is None and got.fields["buyer"] is None and got.review


# -- values where the document puts them --------------------------------------------------------

MECHANISMS = {
    # tick boxes choose the option; the empty boxes' options do not count
    "ticked-box-product": ("application_form", f"委托担保申请书\n申请人名称 {PA}\n■流动资金贷款担保 □项目融资担保\n"
                           "担保品种 □信用证担保 □票据承兑担保\n申请担保金额 人民币300万元 担保期限 12个月\n"
                           "申请日期：2026年01月03日\n", {"product": "working_capital_loan", "amount": 3000000}),
    # a letter: no labels, the amount in both forms, the date alone on the last line
    "letter-application": ("application_form", f"担 保 申 请 书\n致：星桥融资担保有限公司\n{PA}因业务发展需要，拟申请项目"
                           "融资¥8,000,000.00元（大写：捌佰万元整），期限二年，特申请贵公司提供项目融资担保。\n"
                           f"申请单位：{PA}（公章）\n二〇二六年二月四日\n",
                           {"company_name": PA, "amount": 8000000, "application_date": "2026-02-04"}),
    # a label's unit note and a label that ends its token
    "unit-note-months": ("application_form", f"融资担保业务申请表\n企业名称 {PA}\n申请金额（小写） 10,000,000.00\n"
                         "申请期限（月） 6\n申请日期：2026-03-05\n", {"term_months": 6, "amount": 10000000}),
    "label-ends-token": ("letter_of_credit", f"不可撤销跟单信用证\n:50: 申请人 APPLICANT {PA}\n:59: 受益人 BENEFICIARY {PB}\n"
                         ":32B: 币种及金额 CNY1,520,000.00\n开证行 通知行 议付 交单期\n",
                         {"applicant": PA, "beneficiary": PB, "amount": 1520000}),
    # lead-in words are no part of a name; the signature line names the company
    "certify-lead-in": ("tax_payment_certificate", f"纳税情况证明\n兹证明{PA}（统一社会信用代码：{CO.credit_code}）自"
                        "2024年1月1日至2024年12月31日期间，累计入库税款共计人民币4,604,824.13元（大写：肆佰陆拾万肆仟"
                        "捌佰贰拾肆元壹角叁分）。\n特此证明。\n国家税务总局苏州市吴中区税务局\n二〇二五年二月十三日\n",
                        {"company_name": PA, "amount": 4604824.13, "issued": "2025-02-13", "year": 2024}),
    "we-are-no-name": ("loan_guarantee_schedule", f"关于我公司借款及对外担保情况的说明\n截至2026年2月28日，{PA}银行借款"
                       f"余额合计人民币1024万元。我公司无对外担保。\n{PA}\n2026年03月05日\n",
                       {"company_name": PA, "as_of": "2026-02-28"}),
    # a label with 姓名 after it; a letter naming its agent
    "label-with-name-word": ("power_of_attorney", f"授 权 委 托 书\n委托单位 {PA}\n受托人姓名 李成\n受托人职务 财务经理\n",
                             {"company_name": PA, "agent": "李成"}),
    "authorised-speck-after-name": ("power_of_attorney", f"授权书\n兹授权我公司员工吴秀·先生/女士全权代表{PA}办理担保申请。\n"
                                    f"授权单位：{PA}\n", {"agent": "吴秀"}),
    "authorised-in-a-sentence": ("power_of_attorney", f"授权书\n兹授权我公司员工 张平霞 先生/女士 全权代表{PA}办理担保申请。\n"
                                 f"授权单位：{PA}\n二〇二四年二月五日\n", {"company_name": PA, "agent": "张平霞"}),
    # a term given as start and end on two lines
    "term-start-and-end-rows": ("business_licence", f"营业执照（副本）\n统一社会信用代码：{CO.credit_code}\n名称 {PA}\n"
                                "类型 有限责任公司\n住所 杭州市西湖区文三路1号\n法定代表人 陈晓敏\n注册资本 500万元人民币\n"
                                "成立日期 2019-05-27\n营业期限自 2019-05-27\n营业期限至 长期\n",
                                {"term_end": None, "established": "2019-05-27"}),
    # an old licence: the 15-digit 注册号 (valid MOD 11,10 check digit), 法定代表人姓名, 公司类型
    "old-licence": ("business_licence", f"企业法人营业执照\n注册号 320211035319145\n名 称 {PA}\n住 所 江苏省无锡市滨湖区青云街251号\n"
                    "法定代表人姓名 郭秀丽\n注册资本 500万元人民币\n公司类型 有限责任公司（自然人投资或控股）\n"
                    "成立日期 2006年11月17日\n营业期限 2006年11月17日至2036年11月16日\n",
                    {"credit_code": "320211035319145", "legal_rep": "郭秀丽", "company_type": "有限责任公司（自然人投资或控股）"}),
    # a capital form wrapped in a narrow cell: the part on the total's line fits the figure
    "wrapped-capital": ("trade_contract", f"工业品买卖合同\n供方（甲方）：{PA}\n需方（乙方）：{PB}\n产品名称 数量 金额（元）\n"
                        "陆佰捌拾贰万玖仟\n合计人民币（大写） 玖佰玖拾捌元陆角 ¥6,829,998.64\n肆分\n违约责任 交货\n",
                        {"amount": 6829998.64}),
    # the statement heading's period names the year
    "year-from-month-range": ("equity_statement", f"股东权益变动表\n编制单位：{PA} 2022年1-12月 单位：人民币元\n"
                              "项目 行次 股本 资本公积 未分配利润\n一、上年年末余额 1 10,000,000.00\n本年年初余额 本年增减变动金额\n",
                              {"company_name": PA, "year": 2022}),
    # a resolution whose sentence wraps another company to the start of a line; its own name repeats
    "repeated-name-wins": ("board_resolution", f"执行董事决定书\n根据《{PA}章程》的规定，本人作为公司执行董事，决定如下：同意公司向\n"
                           f"星桥融资担保有限公司申请担保，担保金额壹仟万元整。\n执行董事：郭秀丽\n{PA}\n2026.02.12\n",
                           {"company_name": PA, "date": "2026-02-12"}),
    "month-end-as-of": ("loan_guarantee_schedule", f"存借款及对外担保明细（2025年2月末）\n企业名称：{PA}\n类别 金融机构 余额（元）\n"
                        "借款 中国农业银行泉州支行 5,160,000.00\n", {"company_name": PA, "as_of": "2025-02-28"}),
    "total-word-amount": ("tax_payment_certificate", f"纳税情况证明\n兹证明{PA}2024年度在我局累计入库各项税款共计人民币4,604,824.13元（大写：肆佰陆拾万肆仟捌佰\n"
                          "贰拾肆元壹角叁分），其中增值税1,098,513.84元。\n国家税务总局苏州市吴中区税务局\n二〇二五年二月十三日\n",
                          {"amount": 4604824.13, "issued": "2025-02-13"}),
    "addressee-of-an-approval": ("approval_document", f"关于同意项目核准的批复\n无锡发改审批〔2026〕132号\n{PA}：\n你单位报送的《关于"
                                 "新建标准厂房及生产线项目核准的请示》收悉。经研究，同意该项目核准。\n无锡市发展和改革委员会\n",
                                 {"company_name": PA}),
    "scan-speck-in-label": ("business_licence", f"营业执照\n名·称{PA}\n类型 有限责任公司\n", {"company_name": PA}),
    # OCR remnants: a lost ordinal leaves 、, a seal's tick inside a label, a signature right of the last line
    "lost-ordinal": ("income_statement", f"利润表\n编报单位：{PA} 2024年度 单位：元\n项目 本期金额 上期金额\n"
                     "、营业收入 2,000.00 1,900.00\n、营业利润（亏损以“-”号填列） 300.00 250.00\n四、净利润 200.00 150.00\n",
                     {"revenue": 2000, "operating_profit": 300}),
    "tick-inside-label": ("business_licence", f"营业执照\n名 称 {PA}\n注☑册资本 人民币1000万元\n", {"registered_capital": 10000000}),
    "signature-beside-last-line": ("loan_guarantee_schedule", f"关于我公司借款及对外担保情况的说明\n截至2026年1月31日，银行借款余额"
                                   f"合计人民币1387万元。我公司无对外\n担保。 {PA}\n2026年02月06日\n",
                                   {"company_name": PA, "as_of": "2026-01-31"}),
    "filed-by-label": ("balance_sheet", f"资产负债表\n会企01表\n编报单位：{PA} 2023年12月31日 单位：元\n"
                       "资产 期末余额 上年年末余额\n资产总计 100.00 90.00\n", {"company_name": PA, "year": 2023}),
}


@pytest.mark.parametrize("case", MECHANISMS)
def test_values_where_documents_put_them(case):
    doc_type, text, expected = MECHANISMS[case]
    got = extract(doc_type, [text])
    assert {k: got.fields[k] for k in expected} == expected, got.problems


def test_an_unchecked_registration_number_goes_to_review():
    text = f"企业法人营业执照\n注册号 320211035319146\n名 称 {PA}\n"
    got = extract("business_licence", [text])
    assert got.fields["credit_code"] == "320211035319146" and got.review
    assert any("注册号" in p and "校验位" in p for p in got.problems)


def test_statement_in_wan_yuan_allows_the_rounding_of_its_own_unit():
    page = (f"资产负债表\n编制单位：{CO.name} 2025年12月31日 单位：人民币万元\n项目 期末余额 上年年末余额\n"
            "资产总计 482.59 450.49\n负债合计 198.30 169.83\n所有者权益合计 284.30 280.66\n"
            "负债和所有者权益总计 482.59 450.49\n")
    got = extract("balance_sheet", [page])
    assert got.fields["total_assets"] == 4_825_900 and got.fields["total_equity"] == 2_843_000
    assert not any("不等于" in p or "不相等" in p for p in got.problems), got.problems


@pytest.mark.parametrize("layout", ["label-around-figures", "label-then-figures"])
def test_statement_label_wrapped_over_two_lines(layout):
    closing = {"label-around-figures": "资产总计 67 2,000.00 1,800.00 负债和所有者权益（或股东权益）\n135 2,000.00 1,800.00\n总计\n",
               "label-then-figures": "资产总计 67 2,000.00 1,800.00 负债和所有者权益（或股东权益）\n总计 135 2,000.00 1,800.00\n"}[layout]
    page = (f"资产负债表\n编制单位：{CO.name} 2024年12月31日 单位：元\n资产 行次 期末数 年初数 负债和所有者权益 行次 期末数 年初数\n"
            "流动资产合计 31 1,000.00 900.00 流动负债合计 100 600.00 500.00\n负债合计 114 800.00 700.00\n"
            "所有者权益（或股东权益）合计 122 1,200.00 1,100.00\n" + closing)
    got = extract("balance_sheet", [page])
    assert got.fields["total_liabilities_and_equity"] == 2000 and got.fields["total_assets"] == 2000, got.problems


def test_statement_row_whose_figures_open_the_next_line():
    # a phone photo's slope put a row's figures on a line of their own
    page = (f"利润表\n编制单位：{CO.name}\n2025年度 单位：元\n项目\n本期金额 上期金额\n一、营业收入\n"
            "229,211,443.11 257,699,201.36\n二、营业利润 31,932,148.51 30,000,000.00\n四、净利润 23,868,440.58 22,000,000.00\n")
    got = extract("income_statement", [page])
    assert got.fields["revenue"] == 229211443.11 and not got.review, got.problems
