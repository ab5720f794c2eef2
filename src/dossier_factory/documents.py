"""``document_pdf``: one PDF of any document type, by its writer."""

from __future__ import annotations

from pathlib import Path

from .base import DEMO_YEAR, SampleCompany, _code_rng, _out
from .contracts import (
    _approval_pdf,
    _cash_flow_forecast_pdf,
    _customs_pdf,
    _feasibility_pdf,
    _funding_plan_pdf,
    _letter_of_credit_pdf,
    _other_pdf,
    _power_of_attorney_pdf,
    _profit_distribution_pdf,
    _project_schedule_pdf,
    _projected_pdf,
    _trade_contract_pdf,
)
from .doctypes import PRODUCTS, _facts
from .forms import (
    _annual_report_pdf,
    _audit_report_pdf,
    _board_resolution_pdf,
    _cash_flow_pdf,
    _equity_statement_pdf,
    _loan_schedule_pdf,
    _officer_roster_pdf,
    _org_code_pdf,
    _sales_report_pdf,
    _tax_registration_pdf,
)
from .pdfs import (
    _articles_lines,
    application_form_pdf,
    balance_sheet_pdf,
    business_licence_pdf,
    generic_pdf,
    income_statement_pdf,
    legal_rep_id_pdf,
    tax_payment_certificate_pdf,
)


def document_pdf(doc_type: str, company: SampleCompany, path, year: int = DEMO_YEAR, **kw) -> Path:
    """A realistic text PDF of ``doc_type`` (any id of DOC_TYPES) for ``company``.

    ``year`` is the fiscal year (statements, certificates, reports); documents
    dated after it (applications, resolutions) fall in ``year + 1``.  Options:
    application_form ``amount``, ``term_months``, ``product`` (an id of PRODUCTS),
    ``signed``, ``agent`` (None: the legal representative applies), ``attachments``;
    audit_report ``opinion`` (one of OPINIONS), ``firm``; loan_guarantee_schedule
    ``as_of``; tax_registration ``new_style``; board_resolution ``date``;
    power_of_attorney ``agent``; trade_contract / letter_of_credit ``role``
    ("seller" or "buyer": the client's side), ``items``.  ``expected_fields`` with
    the same arguments gives the fields the file should yield.
    """
    f = _facts(doc_type, company, year, kw)
    path = _out(path)
    co = company
    if doc_type == "application_form":
        attachments = ("营业执照副本复印件", "法定代表人身份证复印件", "近三年经审计的资产负债表、利润表",
                       "税务登记证及近三年纳税证明", "公司章程", "股东会同意申请担保的决议")
        rng = _code_rng(co, "agent-phone")
        return application_form_pdf(co, path, f["amount"], f["term_months"], PRODUCTS[f["product"]], f["signed"],
                                    agent=f["agent"], phone=f"1{rng.randrange(3, 9)}{rng.randrange(10**8, 10**9)}",
                                    attachments=attachments if f["attachments"] else ())
    if doc_type == "business_licence":
        return business_licence_pdf(co, path)
    if doc_type == "legal_rep_id":
        return legal_rep_id_pdf(co, path)
    if doc_type == "balance_sheet":
        return balance_sheet_pdf(co, year, path)
    if doc_type == "income_statement":
        return income_statement_pdf(co, year, path)
    if doc_type == "tax_payment_certificate":
        return tax_payment_certificate_pdf(co, year, path)
    if doc_type == "articles_of_association":
        return generic_pdf(path, f"{co.name}章程", _articles_lines(co), pages=2)
    return _WRITERS[doc_type](co, path, f)


_WRITERS = {
    "annual_report": _annual_report_pdf, "org_code_certificate": _org_code_pdf,
    "audit_report": _audit_report_pdf, "equity_statement": _equity_statement_pdf,
    "cash_flow_statement": _cash_flow_pdf, "sales_report": _sales_report_pdf,
    "loan_guarantee_schedule": _loan_schedule_pdf, "tax_registration": _tax_registration_pdf,
    "officer_roster": _officer_roster_pdf, "board_resolution": _board_resolution_pdf,
    "profit_distribution_resolution": _profit_distribution_pdf, "cash_flow_forecast": _cash_flow_forecast_pdf,
    "power_of_attorney": _power_of_attorney_pdf, "customs_document": _customs_pdf,
    "approval_document": _approval_pdf, "funding_plan": _funding_plan_pdf,
    "projected_financials": _projected_pdf, "project_schedule": _project_schedule_pdf,
    "feasibility_study": _feasibility_pdf, "trade_contract": _trade_contract_pdf,
    "letter_of_credit": _letter_of_credit_pdf, "other": _other_pdf,
}
