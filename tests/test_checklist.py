"""The completeness checklist (rules/checklist.toml + dossier.checks.checklist), table-driven.

Every scenario starts from one complete dossier (a 股份有限公司 founded in 2010 applying on
2025-10-15 for a 12-month working-capital loan guarantee, no agent) and changes a few
documents or case values; DocFacts are built directly, no PDFs.
"""

from __future__ import annotations

import os
from dataclasses import replace
from datetime import date

import pytest

from dossier import codes
from dossier.checks import STATUS_ZH, Case, DocFacts, ItemStatus, case_from, evaluate, is_complete
from dossier.rules import DEFAULT_CHECKLIST, DEFAULT_THRESHOLDS, load_checklist
from dossier.errors import ConfigError


def _uscc(first17: str) -> str:
    return first17 + codes.uscc_check_char(first17)


def _id_number(first17: str) -> str:
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    return first17 + "10X98765432"[sum(int(c) * w for c, w in zip(first17, weights)) % 11]


def _bad_check(code: str) -> str:
    last = "0" if code[-1] != "0" else "1"
    return code[:-1] + last


CODE = _uscc("91330106MA2H2K4X1")
OTHER_CODE = _uscc("91110105MA01ABCD2")
NAME = "杭州恒远机械股份有限公司"
OTHER_NAME = "北京某某贸易有限公司"
REP = "李四"
ID_NUMBER = _id_number("33010619800101123")
OLD_REG = "330106000123456"  # 15-digit 注册号 of a licence before 三证合一
ORG_CODE = "12345678-" + codes.org_code_check_char("12345678")
APPLIED = date(2025, 10, 15)

assert codes.is_valid_uscc(CODE) and codes.is_valid_uscc(OTHER_CODE) and codes.is_valid_id_number(ID_NUMBER)


def _doc(path: str, doc_type: str, **fields) -> DocFacts:
    return DocFacts(path=f"documents/{path}.pdf", doc_type=doc_type, fields=fields, confidence=0.95,
                    review=False, problems=(), version="v1")


def _statements(year: int) -> list[DocFacts]:
    return [
        _doc(f"资产负债表_{year}", "balance_sheet", company_name=NAME, year=year, total_assets=1_000_000,
             total_liabilities=400_000, total_equity=600_000, total_liabilities_and_equity=1_000_000),
        _doc(f"利润表_{year}", "income_statement", company_name=NAME, year=year, revenue=5_000_000,
             operating_profit=300_000, net_profit=250_000),
        _doc(f"所有者权益变动表_{year}", "equity_statement", company_name=NAME, year=year),
        _doc(f"审计报告_{year}", "audit_report", company_name=NAME, year=year, audit_firm="明信会计师事务所",
             opinion="standard"),
        _doc(f"纳税证明_{year}", "tax_payment_certificate", credit_code=CODE, company_name=NAME, year=year,
             amount=120_000, issued=f"{year + 1}-01-20"),
    ]


def _baseline() -> dict[str, DocFacts]:
    docs = [
        _doc("担保申请书", "application_form", company_name=NAME, credit_code=CODE, product="working_capital_loan",
             amount=3_000_000, term_months=12, application_date=APPLIED.isoformat(), agent=None),
        _doc("营业执照", "business_licence", credit_code=CODE, company_name=NAME, company_type="股份有限公司(非上市)",
             legal_rep=REP, registered_capital=10_000_000, established="2010-05-01", term_end=None,
             address="杭州市西湖区"),
        _doc("年度报告_2024", "annual_report", credit_code=CODE, year=2024),
        _doc("法定代表人身份证明", "legal_rep_id", name=REP, id_number=ID_NUMBER, valid_until="2035-01-01"),
        _doc("销量情况", "sales_report", company_name=NAME, year=2024),
        _doc("存借款及对外担保情况", "loan_guarantee_schedule", company_name=NAME, as_of="2025-09-30"),
        _doc("公司章程", "articles_of_association", company_name=NAME),
        _doc("董事会成员及负责人名单", "officer_roster", company_name=NAME),
        _doc("董事会决议", "board_resolution", company_name=NAME, date="2025-09-20"),
        _doc("利润分配决议_2024", "profit_distribution_resolution", company_name=NAME, year=2024),
        _doc("现金流量预测及营运计划", "cash_flow_forecast", company_name=NAME),
    ]
    for year in (2022, 2023, 2024):
        docs += _statements(year)
    return {d.path.removeprefix("documents/").removesuffix(".pdf"): d for d in docs}


BASE_CASE = Case(product="working_capital_loan", amount=3_000_000.0, term_months=12, application_date=APPLIED,
                 agent=None)

ALWAYS = ("application_form", "business_licence", "annual_report", "legal_rep_id", "audit_report", "balance_sheet",
          "income_statement", "equity_statement", "sales_report", "loan_guarantee_schedule", "tax_payment_certificate",
          "articles_of_association", "officer_roster", "cash_flow_forecast", "profit_distribution_resolution")
CONDITIONAL = ("org_code_certificate", "tax_registration", "board_resolution", "power_of_attorney",
               "approval_document", "funding_plan", "projected_financials", "project_schedule", "feasibility_study",
               "trade_contract", "letter_of_credit")
LONG_TERM = ("approval_document", "funding_plan", "projected_financials", "project_schedule")

EXTRA = {
    "poa_wang": _doc("法定代表人授权委托书", "power_of_attorney", company_name=NAME, agent="王五"),
    "approval": _doc("项目批准文件", "approval_document", company_name=NAME),
    "funding": _doc("资金来源及使用计划", "funding_plan", company_name=NAME),
    "projected": _doc("预计资产负债及损益", "projected_financials", company_name=NAME),
    "schedule": _doc("项目建设进度及营运计划", "project_schedule", company_name=NAME),
    "feasibility": _doc("可行性研究报告", "feasibility_study", company_name=NAME),
    "contract": _doc("贸易合同", "trade_contract", seller=NAME, buyer="宁波港城进出口有限公司", amount=2_000_000),
    "lc": _doc("信用证", "letter_of_credit", applicant=NAME, beneficiary="德国某机械有限公司", amount=2_000_000),
    "org_code": _doc("组织机构代码证", "org_code_certificate", org_code=ORG_CODE, company_name=NAME,
                     valid_until="2027-12-31"),
    "tax_reg": _doc("税务登记证", "tax_registration", taxpayer_id="330106" + ORG_CODE.replace("-", ""),
                    company_name=NAME),
    "articles_other": _doc("公司章程(2)", "articles_of_association", company_name=OTHER_NAME),
    "balance_2024_dup": _doc("资产负债表_2024(2)", "balance_sheet", company_name=NAME, year=2024,
                             total_assets=1_000_000, total_liabilities_and_equity=1_000_000),
    "annual_2023": _doc("年度报告_2023", "annual_report", credit_code=CODE, year=2023),
    "annual_2025": _doc("年度报告_2025", "annual_report", credit_code=CODE, year=2025),
}

# Each scenario: changes to the baseline and what must follow.
#   case: Case overrides; as_of: evaluation date (default: the application date)
#   drop: baseline keys removed; patch: {key: {field or DocFacts attr: value}}; add: EXTRA keys
#   expect: {item: status}; problems: {item: [exact problem or substring]}; years/required: {item: tuple}
SCENARIOS = {
    # -- founding date --------------------------------------------------------------------
    "founded_two_years_ago": dict(
        patch={"营业执照": {"established": "2023-03-01"}},
        drop=[f"{p}_2022" for p in ("资产负债表", "利润表", "所有者权益变动表", "审计报告", "纳税证明")],
        expect={t: "ok" for t in ("balance_sheet", "income_statement", "equity_statement", "audit_report",
                                  "tax_payment_certificate", "annual_report", "profit_distribution_resolution")},
        required={"balance_sheet": (2023, 2024), "tax_payment_certificate": (2023, 2024),
                  "profit_distribution_resolution": (2024,), "annual_report": (2024,)},
    ),
    "founded_two_years_ago_missing_first_year": dict(
        patch={"营业执照": {"established": "2023-03-01"}},
        drop=["资产负债表_2022", "资产负债表_2023"],
        expect={"balance_sheet": "incomplete"},
        problems={"balance_sheet": ["缺少 2023 年度资产负债表"]},
        years={"balance_sheet": (2024,)},
    ),
    "founded_in_application_year": dict(
        patch={"营业执照": {"established": "2025-02-01"}},
        drop=["年度报告_2024", "利润分配决议_2024"] + [f"{p}_{y}" for y in (2022, 2023, 2024) for p in
                                               ("资产负债表", "利润表", "所有者权益变动表", "审计报告", "纳税证明")],
        expect={t: "not_required" for t in ("balance_sheet", "income_statement", "equity_statement", "audit_report",
                                            "tax_payment_certificate", "profit_distribution_resolution",
                                            "annual_report")} | {"business_licence": "ok"},
        complete=True,
    ),
    "founded_last_year_annual_report_due": dict(
        patch={"营业执照": {"established": "2024-08-01"}},
        drop=["年度报告_2024"],
        expect={"annual_report": "missing"},
        problems={"annual_report": ["缺少 2024 年度报告（应于 2025-06-30 前公示）"]},
    ),
    "annual_report_not_yet_due": dict(  # on 2025-05-01 the latest report due is 2023's
        case={"application_date": date(2025, 5, 1)},
        drop=["年度报告_2024"], add=["annual_2023"],
        patch={"存借款及对外担保情况": {"as_of": "2025-04-30"}},
        expect={"annual_report": "ok", "loan_guarantee_schedule": "ok"},
        required={"annual_report": (2023,)},
    ),
    "annual_report_stale": dict(
        drop=["年度报告_2024"], add=["annual_2023"],
        expect={"annual_report": "expired"},
        problems={"annual_report": ["最近一份年度报告为 2023 年度，应提供 2024 年度报告（应于 2025-06-30 前公示）"]},
    ),
    "annual_report_newer_than_due": dict(
        drop=["年度报告_2024"], add=["annual_2025"],
        expect={"annual_report": "ok"}, years={"annual_report": (2025,)},
    ),
    # -- agent --------------------------------------------------------------------------------
    "no_agent": dict(expect={"power_of_attorney": "not_required"}, complete=True),
    "agent_with_power_of_attorney": dict(
        case={"agent": "王五"}, add=["poa_wang"], expect={"power_of_attorney": "ok"}, complete=True,
    ),
    "agent_without_power_of_attorney": dict(
        case={"agent": "王五"}, expect={"power_of_attorney": "missing"},
        problems={"power_of_attorney": ["缺少法定代表人授权委托书"]},
    ),
    "legal_rep_in_person_is_no_agent": dict(
        case={"agent": REP}, expect={"power_of_attorney": "not_required"}, complete=True,
    ),
    "agent_differs_from_power_of_attorney": dict(
        case={"agent": "赵六"}, add=["poa_wang"], expect={"power_of_attorney": "inconsistent"},
        problems={"power_of_attorney": ["法定代表人授权委托书经办人“王五”与担保申请经办人“赵六”不一致"]},
    ),
    # -- company type -----------------------------------------------------------------------
    "joint_stock_needs_resolution": dict(
        drop=["董事会决议"], expect={"board_resolution": "missing"},
        problems={"board_resolution": ["缺少同意申请担保的董事会/股东会决议"]},
    ),
    "limited_liability_needs_resolution": dict(
        patch={"营业执照": {"company_type": "有限责任公司（自然人投资或控股）"}}, drop=["董事会决议"],
        expect={"board_resolution": "missing"},
    ),
    "sino_foreign_joint_venture_needs_resolution": dict(
        patch={"营业执照": {"company_type": "中外合资经营企业"}}, drop=["董事会决议"],
        expect={"board_resolution": "missing"},
    ),
    "sole_proprietorship_no_resolution": dict(
        patch={"营业执照": {"company_type": "个人独资企业"}}, drop=["董事会决议"],
        expect={"board_resolution": "not_required"}, complete=True,
    ),
    "partnership_no_resolution": dict(
        patch={"营业执照": {"company_type": "有限合伙企业"}}, drop=["董事会决议"],
        expect={"board_resolution": "not_required"},
    ),
    "individual_business_no_resolution": dict(
        patch={"营业执照": {"company_type": "个体工商户"}}, drop=["董事会决议"],
        expect={"board_resolution": "not_required"},
    ),
    "company_type_unread": dict(
        patch={"营业执照": {"company_type": None}}, drop=["董事会决议"],
        expect={"board_resolution": "review"},
        problems={"board_resolution": ["营业执照未读出企业类型，无法判断是否需要同意申请担保的董事会/股东会决议"]},
    ),
    # -- term --------------------------------------------------------------------------------
    "short_term": dict(expect={t: "not_required" for t in LONG_TERM}),
    "medium_long_term_missing": dict(
        case={"term_months": 24}, expect={t: "missing" for t in LONG_TERM},
        problems={"approval_document": ["缺少项目批准/核准/备案文件"], "funding_plan": ["缺少资金来源及使用计划"],
                  "projected_financials": ["缺少预计资产负债及损益情况"], "project_schedule": ["缺少项目建设进度及营运计划"]},
    ),
    "medium_long_term_complete": dict(
        case={"term_months": 24}, add=["approval", "funding", "projected", "schedule"],
        expect={t: "ok" for t in LONG_TERM}, complete=True,
    ),
    "term_unknown": dict(
        case={"term_months": None}, expect={t: "review" for t in LONG_TERM},
        problems={"funding_plan": ["未能确定担保期限，无法判断是否需要资金来源及使用计划"]},
    ),
    # -- products -------------------------------------------------------------------------------
    "working_capital_loan": dict(
        expect={"feasibility_study": "not_required", "trade_contract": "not_required",
                "letter_of_credit": "not_required"}, complete=True,
    ),
    "equipment_finance": dict(
        case={"product": "equipment_finance"},
        expect={"feasibility_study": "not_required", "trade_contract": "not_required",
                "letter_of_credit": "not_required"}, complete=True,
    ),
    "project_finance": dict(
        case={"product": "project_finance"},
        expect={"feasibility_study": "missing", "trade_contract": "not_required", "letter_of_credit": "not_required"},
        problems={"feasibility_study": ["缺少可行性研究报告/项目建议书"]},
    ),
    "project_finance_complete": dict(
        case={"product": "project_finance"}, add=["feasibility"], expect={"feasibility_study": "ok"}, complete=True,
    ),
    "bill_acceptance": dict(
        case={"product": "bill_acceptance"},
        expect={"trade_contract": "missing", "letter_of_credit": "not_required", "feasibility_study": "not_required"},
        problems={"trade_contract": ["缺少贸易合同"]},
    ),
    "letter_of_credit": dict(
        case={"product": "letter_of_credit"},
        expect={"trade_contract": "missing", "letter_of_credit": "missing", "feasibility_study": "not_required"},
    ),
    "letter_of_credit_complete": dict(
        case={"product": "letter_of_credit"}, add=["contract", "lc"],
        expect={"trade_contract": "ok", "letter_of_credit": "ok"}, complete=True,
    ),
    "trade_contract_between_other_companies": dict(
        case={"product": "bill_acceptance"}, add=["contract"],
        patch={"贸易合同": {"seller": OTHER_NAME}},
        expect={"trade_contract": "missing"},
        problems={"trade_contract": ["缺少贸易合同", "documents/贸易合同.pdf 不是本公司的文件"]},
    ),
    "product_unknown": dict(
        case={"product": None},
        expect={"feasibility_study": "review", "trade_contract": "review", "letter_of_credit": "review"},
        problems={"trade_contract": ["未能确定担保品种，无法判断是否需要贸易合同"]},
    ),
    # -- expiry ---------------------------------------------------------------------------------
    "licence_expired": dict(
        patch={"营业执照": {"term_end": "2025-06-30"}},
        expect={"business_licence": "expired"}, problems={"business_licence": ["营业执照已于 2025-06-30 到期"]},
    ),
    "licence_expires_on_as_of_day": dict(
        patch={"营业执照": {"term_end": "2025-10-15"}}, expect={"business_licence": "ok"},
    ),
    "licence_long_term": dict(patch={"营业执照": {"term_end": None}}, expect={"business_licence": "ok"}),
    "id_card_expired": dict(
        patch={"法定代表人身份证明": {"valid_until": "2024-01-01"}},
        expect={"legal_rep_id": "expired"}, problems={"legal_rep_id": ["身份证已于 2024-01-01 到期"]},
    ),
    "id_card_long_term": dict(patch={"法定代表人身份证明": {"valid_until": None}}, expect={"legal_rep_id": "ok"}),
    "id_card_name_differs_from_legal_rep": dict(
        patch={"法定代表人身份证明": {"name": "张三"}},
        expect={"legal_rep_id": "inconsistent"},
        problems={"legal_rep_id": ["身份证姓名“张三”与营业执照法定代表人“李四”不一致"]},
    ),
    "loan_schedule_stale": dict(
        patch={"存借款及对外担保情况": {"as_of": "2025-07-31"}},
        expect={"loan_guarantee_schedule": "expired"},
        problems={"loan_guarantee_schedule": [
            "存借款及对外担保情况截至日期为 2025-07-31，不是本年度及最近月份的情况（应不早于 2025-08-01）"]},
    ),
    "loan_schedule_two_months_back": dict(
        patch={"存借款及对外担保情况": {"as_of": "2025-08-01"}}, expect={"loan_guarantee_schedule": "ok"},
    ),
    "loan_schedule_last_year_in_january": dict(
        case={"application_date": date(2026, 1, 10)},
        patch={"存借款及对外担保情况": {"as_of": "2025-12-31"}},
        expect={"loan_guarantee_schedule": "expired"},
    ),
    "loan_schedule_undated": dict(
        patch={"存借款及对外担保情况": {"as_of": None}}, expect={"loan_guarantee_schedule": "review"},
        problems={"loan_guarantee_schedule": ["未读出截至日期"]},
    ),
    "loan_schedule_missing": dict(
        drop=["存借款及对外担保情况"], expect={"loan_guarantee_schedule": "missing"},
    ),
    "as_of_given_explicitly": dict(  # the same dossier checked two years later
        as_of=date(2027, 10, 15), patch={"营业执照": {"term_end": "2026-12-31"}},
        expect={"business_licence": "expired", "loan_guarantee_schedule": "expired", "annual_report": "expired",
                "balance_sheet": "ok"},
        required={"annual_report": (2026,), "balance_sheet": (2022, 2023, 2024)},
    ),
    # -- consistency ----------------------------------------------------------------------------
    "wrong_company_document_beside_right_one": dict(
        add=["articles_other"], expect={"articles_of_association": "inconsistent"},
        problems={"articles_of_association": [
            "documents/公司章程(2).pdf 不是本公司的文件，不予计入：单位名称“北京某某贸易有限公司”与营业执照名称"
            "“杭州恒远机械股份有限公司”不一致"]},
    ),
    "wrong_company_document_only": dict(
        drop=["公司章程"], add=["articles_other"], expect={"articles_of_association": "missing"},
        problems={"articles_of_association": ["缺少公司章程", "不是本公司的文件"]},
    ),
    "wrong_credit_code_one_year": dict(
        patch={"纳税证明_2023": {"credit_code": OTHER_CODE}},
        expect={"tax_payment_certificate": "inconsistent"},
        problems={"tax_payment_certificate": [f"统一社会信用代码 {OTHER_CODE} 与营业执照统一社会信用代码 {CODE} 不一致",
                                              "缺少 2023 年度纳税证明"]},
        years={"tax_payment_certificate": (2022, 2024)},
    ),
    "name_differs_only_in_width_and_spaces": dict(
        patch={"公司章程": {"company_name": "杭州恒远机械股份有限公司 "}, "营业执照": {"company_name": "杭州恒远机械股份有限公司"}},
        expect={"articles_of_association": "ok"},
    ),
    "unbalanced_balance_sheet": dict(
        patch={"资产负债表_2024": {"total_assets": 1000, "total_liabilities_and_equity": 1002}},
        expect={"balance_sheet": "inconsistent"},
        problems={"balance_sheet": ["2024 年度资产负债表：资产总计 1,000.00 与负债和所有者权益总计 1,002.00 相差超过 1 元"]},
    ),
    "balance_sheet_within_one_yuan": dict(
        patch={"资产负债表_2024": {"total_assets": 1000, "total_liabilities_and_equity": 1000.9}},
        expect={"balance_sheet": "ok"},
    ),
    "licence_check_digit_fails": dict(
        patch={"营业执照": {"credit_code": _bad_check(CODE)}},
        expect={"business_licence": "inconsistent"},
        problems={"business_licence": [f"营业执照统一社会信用代码“{_bad_check(CODE)}”校验位不符"]},
    ),
    "id_check_digit_fails": dict(
        patch={"法定代表人身份证明": {"id_number": _bad_check(ID_NUMBER)}},
        expect={"legal_rep_id": "inconsistent"},
        problems={"legal_rep_id": [f"身份证公民身份号码“{_bad_check(ID_NUMBER)}”校验位不符"]},
    ),
    "application_check_digit_fails_is_not_another_company": dict(
        patch={"担保申请书": {"credit_code": _bad_check(CODE)}},
        expect={"application_form": "inconsistent"}, documents={"application_form": ("documents/担保申请书.pdf",)},
    ),
    # -- review ---------------------------------------------------------------------------------
    "review_flag": dict(
        patch={"审计报告_2023": {"review": True, "problems": ("审计意见类型未能识别",)}},
        expect={"audit_report": "review"},
        problems={"audit_report": ["documents/审计报告_2023.pdf：审计意见类型未能识别"]},
    ),
    "low_classifier_confidence": dict(
        patch={"公司章程": {"confidence": 0.45}}, expect={"articles_of_association": "review"},
        problems={"articles_of_association": ["文件类型识别置信度 0.45，需人工复核"]},
    ),
    "review_flag_beaten_by_a_good_copy": dict(
        add=["balance_2024_dup"], patch={"资产负债表_2024": {"review": True}},
        expect={"balance_sheet": "ok"},
        documents={"balance_sheet": ("documents/资产负债表_2022.pdf", "documents/资产负债表_2023.pdf",
                                     "documents/资产负债表_2024(2).pdf", "documents/资产负债表_2024.pdf")},
    ),
    "statement_year_unread": dict(
        patch={"利润表_2024": {"year": None}}, expect={"income_statement": "incomplete"},
        problems={"income_statement": ["缺少 2024 年度利润表", "documents/利润表_2024.pdf：未读出年度"]},
    ),
    # -- three-in-one -----------------------------------------------------------------------
    "three_in_one_licence": dict(
        expect={"org_code_certificate": "not_required", "tax_registration": "not_required"}, complete=True,
    ),
    "old_style_licence_without_certificates": dict(
        patch={"营业执照": {"credit_code": OLD_REG}, "担保申请书": {"credit_code": OLD_REG},
               "年度报告_2024": {"credit_code": OLD_REG}},
        expect={"org_code_certificate": "missing", "tax_registration": "missing", "business_licence": "ok"},
        problems={"org_code_certificate": ["缺少组织机构代码证"], "tax_registration": ["缺少税务登记证"]},
    ),
    "old_style_licence_with_certificates": dict(
        patch={"营业执照": {"credit_code": OLD_REG}, "担保申请书": {"credit_code": OLD_REG},
               "年度报告_2024": {"credit_code": OLD_REG}},
        add=["org_code", "tax_reg"],
        expect={"org_code_certificate": "ok", "tax_registration": "ok"},
    ),
    "old_style_org_code_bad_check_digit": dict(
        patch={"营业执照": {"credit_code": OLD_REG}, "组织机构代码证": {"org_code": _bad_check(ORG_CODE)}},
        add=["org_code", "tax_reg"],
        expect={"org_code_certificate": "inconsistent"},
    ),
    # -- missing years, precedence ------------------------------------------------------------
    "missing_year_is_incomplete": dict(
        drop=["利润表_2023"], expect={"income_statement": "incomplete"},
        problems={"income_statement": ["缺少 2023 年度利润表"]},
        required={"income_statement": (2022, 2023, 2024)}, years={"income_statement": (2022, 2024)},
    ),
    "all_years_missing_is_missing": dict(
        drop=["所有者权益变动表_2022", "所有者权益变动表_2023", "所有者权益变动表_2024"],
        expect={"equity_statement": "missing"},
        problems={"equity_statement": ["缺少 2022 年度所有者权益变动表", "缺少 2023 年度所有者权益变动表",
                                       "缺少 2024 年度所有者权益变动表"]},
    ),
    "precedence_inconsistent_over_incomplete_over_review": dict(
        drop=["资产负债表_2022"],
        patch={"资产负债表_2023": {"total_assets": 1000, "total_liabilities_and_equity": 1500},
               "资产负债表_2024": {"review": True, "problems": ("资产总计未能识别",)}},
        expect={"balance_sheet": "inconsistent"},
        problems={"balance_sheet": ["2023 年度资产负债表：资产总计 1,000.00", "缺少 2022 年度资产负债表",
                                    "documents/资产负债表_2024.pdf：资产总计未能识别"]},
        ordered=True,
    ),
    "precedence_expired_over_inconsistent": dict(
        patch={"营业执照": {"term_end": "2025-06-30", "credit_code": _bad_check(CODE)}},
        expect={"business_licence": "expired"},
        problems={"business_licence": ["营业执照已于 2025-06-30 到期", "校验位不符"]}, ordered=True,
    ),
    "precedence_missing_over_review": dict(
        drop=["资产负债表_2022", "资产负债表_2023", "资产负债表_2024", "营业执照"],
        expect={"balance_sheet": "missing"},
        problems={"balance_sheet": ["缺少 2022 年度资产负债表", "缺少营业执照，无法核对成立日期"]}, ordered=True,
    ),
    "precedence_incomplete_over_review": dict(
        drop=["审计报告_2022"], patch={"审计报告_2023": {"confidence": 0.3}},
        expect={"audit_report": "incomplete"},
        problems={"audit_report": ["缺少 2022 年度审计报告", "置信度 0.30"]}, ordered=True,
    ),
    # -- without a licence --------------------------------------------------------------------
    "no_licence": dict(
        drop=["营业执照", "董事会决议"],
        expect={"business_licence": "missing", "board_resolution": "review", "org_code_certificate": "review",
                "tax_registration": "review", "legal_rep_id": "review", "balance_sheet": "ok"},
        problems={"board_resolution": ["缺少营业执照，无法判断是否需要同意申请担保的董事会/股东会决议"],
                  "legal_rep_id": ["缺少营业执照，无法核对身份证姓名是否与营业执照法定代表人一致"]},
    ),
    "no_licence_but_resolution_given": dict(
        drop=["营业执照"], expect={"board_resolution": "ok"},
    ),
}


def _apply(spec: dict) -> tuple[Case, list[DocFacts]]:
    docs = _baseline()
    for key in spec.get("drop", ()):
        del docs[key]
    for key in spec.get("add", ()):
        extra = EXTRA[key]
        docs[extra.path.removeprefix("documents/").removesuffix(".pdf")] = extra
    for key, changes in spec.get("patch", {}).items():
        doc = docs[key]
        attrs = {k: v for k, v in changes.items() if k in ("review", "problems", "confidence")}
        fields = {**doc.fields, **{k: v for k, v in changes.items() if k not in attrs}}
        docs[key] = replace(doc, fields=fields, **attrs)
    return replace(BASE_CASE, **spec.get("case", {})), list(docs.values())


@pytest.mark.parametrize("spec", SCENARIOS.values(), ids=SCENARIOS.keys())
def test_scenario(spec):
    case, docs = _apply(spec)
    result = {s.item: s for s in evaluate(case, docs, as_of=spec.get("as_of"))}
    assert list(result) == list(load_checklist().ids)
    for item, status in spec["expect"].items():
        assert result[item].status == status, (item, result[item])
        if status in ("ok", "not_required"):
            assert result[item].problems == (), (item, result[item])
        else:
            assert result[item].problems, (item, result[item])
    for item, wanted in spec.get("problems", {}).items():
        got = result[item].problems
        positions = []
        for text in wanted:
            hits = [i for i, p in enumerate(got) if text in p]
            assert hits, (item, text, got)
            positions.append(hits[0])
        if spec.get("ordered"):
            assert positions == sorted(positions), (item, got)
    for item, years in spec.get("required", {}).items():
        assert result[item].required_years == years, (item, result[item])
    for item, years in spec.get("years", {}).items():
        assert result[item].years == years, (item, result[item])
    for item, paths in spec.get("documents", {}).items():
        assert result[item].documents == paths, (item, result[item])
    if "complete" in spec:
        assert is_complete(list(result.values())) is spec["complete"], [s for s in result.values()
                                                                        if s.status not in ("ok", "not_required")]


BASELINE_EXPECT = {item: "ok" for item in ALWAYS} | {item: "not_required" for item in CONDITIONAL} | {
    "board_resolution": "ok"}


@pytest.mark.parametrize("item", list(BASELINE_EXPECT), ids=list(BASELINE_EXPECT))
def test_baseline_item(item):
    result = {s.item: s for s in evaluate(BASE_CASE, list(_baseline().values()))}
    assert result[item].status == BASELINE_EXPECT[item]
    assert result[item].problems == ()


def test_baseline_is_complete_and_json():
    items = evaluate(BASE_CASE, list(_baseline().values()))
    assert is_complete(items)
    balance = next(s for s in items if s.item == "balance_sheet").to_json()
    assert balance == {
        "item": "balance_sheet", "status": "ok", "required_years": [2022, 2023, 2024], "years": [2022, 2023, 2024],
        "documents": ["documents/资产负债表_2022.pdf", "documents/资产负债表_2023.pdf", "documents/资产负债表_2024.pdf"],
        "problems": [],
    }
    assert set(STATUS_ZH) == {"ok", "missing", "incomplete", "expired", "inconsistent", "review", "not_required"}
    assert not is_complete(items + [ItemStatus("x", "review")])


def test_as_of_defaults_to_today_without_application_date():
    case = replace(BASE_CASE, application_date=None)
    docs = [replace(d, fields={**d.fields, "term_end": "2000-01-01"}) if d.doc_type == "business_licence" else d
            for d in _baseline().values()]
    licence = next(s for s in evaluate(case, docs) if s.item == "business_licence")
    assert licence.status == "expired"


# -- case_from ------------------------------------------------------------------------------

FORM = _baseline()["担保申请书"]
CASE_FROM = {
    "from_application_form": ({}, [FORM], BASE_CASE),
    "meta_wins": ({"product": "project_finance", "term_months": 36, "agent": "王五"}, [FORM],
                  replace(BASE_CASE, product="project_finance", term_months=36, agent="王五")),
    "meta_strings_converted": ({"amount": "1,500,000", "term_months": "18", "application_date": "2025-11-01"}, [],
                               Case(amount=1_500_000.0, term_months=18, application_date=date(2025, 11, 1))),
    "empty_meta_values_fall_back": ({"product": "", "agent": None}, [FORM], BASE_CASE),
    "nothing_known": (None, [], Case()),
    "form_under_review_loses": ({}, [replace(FORM, review=True, fields={**FORM.fields, "term_months": 60}), FORM],
                                BASE_CASE),
    "unreadable_values_are_none": ({"term_months": "twelve", "application_date": "soon"}, [], Case()),
}


@pytest.mark.parametrize("meta, docs, expected", CASE_FROM.values(), ids=CASE_FROM.keys())
def test_case_from(meta, docs, expected):
    assert case_from(meta, docs) == expected


# -- the rule file ----------------------------------------------------------------------------

DEFAULT_TEXT = DEFAULT_CHECKLIST.read_text(encoding="utf-8")

# (edit of the default file: (old, new) replaced once, or text to prepend/append), key path, message part
RULE_ERRORS = {
    "unknown_top_key": (("", "colour = 1\n"), "colour", "未知的键"),
    "bad_version": (("version = 1", "version = 2"), "version", "不支持的版本"),
    "review_below_moved_to_thresholds": (("", "review_below = 0.6\n"), "review_below", "已移至 thresholds.toml"),
    "unknown_field_in_identity_fields": (('identity_fields = ["credit_code"', 'identity_fields = ["code"'),
                                         "identity_fields[0]", "未知的字段名"),
    "licence_not_a_doctype": (('licence = "business_licence"', 'licence = "licence"'), "licence", "不是"),
    "unknown_item_id": (('id = "sales_report"', 'id = "sales_reports"'), "item[9].id", "sales_reports"),
    "missing_item_id": (('id = "sales_report"', 'name = "销量"'), "item[9]", "缺少 id"),
    "duplicate_item": (("\n", '\n[[item]]\nid = "sales_report"\n'), "item[26].id", "重复"),
    "unknown_item_key": (('id = "sales_report"', 'id = "sales_report"\ncolor = "red"'), "[sales_report].color",
                         "未知的键"),
    "unknown_period": (('period = "latest_due"', 'period = "yearly"'), "[annual_report].period", "yearly"),
    "years_out_of_range": (('id = "balance_sheet"\nperiod = "fiscal_years"\nyears = 3',
                            'id = "balance_sheet"\nperiod = "fiscal_years"\nyears = 0'),
                           "[balance_sheet].years", "1 到 20"),
    "years_without_fiscal_period": (('id = "sales_report"', 'id = "sales_report"\nyears = 2'),
                                    "[sales_report].years", "fiscal_years"),
    "fiscal_years_on_type_without_year": (('id = "articles_of_association"',
                                           'id = "articles_of_association"\nperiod = "fiscal_years"'),
                                          "[articles_of_association].period", "year"),
    "bad_due": (('due = "06-30"', 'due = "13-01"'), "[annual_report].due", "月-日"),
    "missing_due": (('due = "06-30"\n', ""), "[annual_report]", "需要 due"),
    "recent_date_field_wrong_kind": (('date_field = "as_of"', 'date_field = "company_name"'),
                                     "[loan_guarantee_schedule].date_field", "类型"),
    "not_expired_unknown_field": (('not_expired = "term_end"', 'not_expired = "valid_until"'),
                                  "[business_licence].not_expired", "不是 business_licence 的字段"),
    "unknown_check_kind": (('id_number = "id_number"', 'id_number = "luhn"'),
                           "[legal_rep_id].check_digits.id_number", "未知的校验方式"),
    "match_licence_unknown_licence_field": (('match_licence = { name = "legal_rep" }',
                                             'match_licence = { name = "boss" }'),
                                            "[legal_rep_id].match_licence.name", "不是 business_licence 的字段"),
    "match_case_unknown_case_field": (('match_case = { agent = "agent" }', 'match_case = { agent = "broker" }'),
                                      "[power_of_attorney].match_case.agent", "未知的业务信息"),
    "equal_totals_not_a_pair": (('[["total_assets", "total_liabilities_and_equity"]]', '[["total_assets"]]'),
                                "[balance_sheet].equal_totals[0]", "两个字段名"),
    "parties_wrong_kind": (('parties = ["seller", "buyer"]', 'parties = ["seller", "amount"]'),
                           "[trade_contract].parties[1]", "类型"),
    "unknown_when_key": (("when = { term_months_over = 12 }", "when = { term_over = 12 }"),
                         "[approval_document].when.term_over", "未知的键"),
    "unknown_product": (('products = ["bill_acceptance"', 'products = ["bill_acceptence"'),
                        "[trade_contract].when.products[0]", "未知的担保品种"),
    "agent_not_bool": (("when = { agent = true }", 'when = { agent = "yes" }'), "[power_of_attorney].when.agent",
                       "true 或 false"),
    "toml_syntax": (("\n", "\n[[item]\n"), "", "TOML 语法错误"),
}


def _edited(edit: tuple[str, str]) -> str:
    old, new = edit
    if old == "":
        return new + DEFAULT_TEXT
    if old == "\n" and new.startswith("\n["):
        return DEFAULT_TEXT + new
    assert old in DEFAULT_TEXT, old
    return DEFAULT_TEXT.replace(old, new, 1)


@pytest.mark.parametrize("edit, where, message", RULE_ERRORS.values(), ids=RULE_ERRORS.keys())
def test_rule_file_error_names_file_and_key(tmp_path, edit, where, message):
    path = tmp_path / "checklist.toml"
    path.write_text(_edited(edit), encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_checklist(path)
    text = err.value.message
    assert text.startswith(f"{path.resolve()}: {where}"), text
    assert message in text, text


def test_missing_rule_file(tmp_path):
    with pytest.raises(ConfigError, match="无法读取规则文件"):
        load_checklist(tmp_path / "nope.toml")


def test_default_rules_and_reload_after_edit(tmp_path):
    """The tolerance lives in thresholds.toml beside the checklist; an edit there is read again."""
    assert load_checklist() is load_checklist(DEFAULT_CHECKLIST)
    path = tmp_path / "checklist.toml"
    path.write_text(DEFAULT_TEXT, encoding="utf-8")
    thresholds = tmp_path / "thresholds.toml"
    default_thresholds = DEFAULT_THRESHOLDS.read_text(encoding="utf-8")
    thresholds.write_text(default_thresholds, encoding="utf-8")
    first = load_checklist(path)
    assert first.tolerance == 1.0 and load_checklist(path) is first
    assert "total_tolerance = 1.0" in default_thresholds
    thresholds.write_text(default_thresholds.replace("total_tolerance = 1.0", "total_tolerance = 5.0"), encoding="utf-8")
    os.utime(thresholds, ns=(1, 1))
    edited = load_checklist(path)
    assert edited.tolerance == 5.0
    # The edited rules are used when passed: a 2-yuan difference is now tolerated.
    case, docs = _apply(SCENARIOS["unbalanced_balance_sheet"])
    balance = next(s for s in evaluate(case, docs, rules=edited) if s.item == "balance_sheet")
    assert balance.status == "ok"


def test_company_can_add_a_rule_without_code(tmp_path):
    """A cash-flow statement for the last two years, as data only."""
    path = tmp_path / "checklist.toml"
    path.write_text(DEFAULT_TEXT + '\n[[item]]\nid = "cash_flow_statement"\nperiod = "fiscal_years"\nyears = 2\n',
                    encoding="utf-8")
    case, docs = _apply({})
    status = evaluate(case, docs, rules=load_checklist(path))[-1]
    assert (status.item, status.status, status.problems) == (
        "cash_flow_statement", "missing", ("缺少 2023 年度现金流量表", "缺少 2024 年度现金流量表"))
