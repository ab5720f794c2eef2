"""A second synthetic corpus: client documents in the layouts real Chinese institutions print.

Written independently of the extractor (and of the main factory's wording) so that a bench over it
measures how the reading generalises: several layouts per document type (statements in the 2019
会企 format, the older 行次/年初数/期末数 and 损益表 format, the 小企业会计准则 会小企 format, in 元 and
in 万元, ruled and unruled; tax certificates in table and letter form over one year or several;
horizontal, vertical and old 注册号 licences; ID card copies and 法定代表人身份证明书; …).

API (deterministic for a seed):

``LAYOUTS``        doc_type -> layout ids
``render(doc_type, layout, company, path, *, year, rng_seed=0, **options) -> dict``
                   writes a text-layer PDF and returns its truth (field -> value, plus ``years`` for
                   year-bearing types)
``make_clients(n, seed) -> list[ClientCase]``
                   synthetic clients: the documents to drop, the case, the expected checklist status
                   of every item and the expected verdict
``degrade(pdf, out_stem, kind, seed)``
                   a scan ("scan") or phone photo ("photo") of a rendered PDF (dossier_factory.scans)

Modules: paper (page mechanics, Chinese formatting), statements / statements2 (financial statements
and audit reports), licences, taxes, letters, reports (the other types), clients (checklist truth).
Every page carries the synthetic-sample notice (dossier_factory.base.NOTICE).
"""

from __future__ import annotations

import random
from pathlib import Path

from . import letters, licences, reports, statements, statements2, taxes
from .clients import CHECK_ITEMS, ClientCase, DocSpec, company_for, make_clients
from .degrade import degrade, degrade_params

_R = {
    "application_form": (letters.application_form, letters.APPLICATION_LAYOUTS),
    "business_licence": (licences.business_licence, licences.LICENCE_LAYOUTS),
    "annual_report": (licences.annual_report, licences.ANNUAL_LAYOUTS),
    "org_code_certificate": (licences.org_code_certificate, licences.ORG_LAYOUTS),
    "legal_rep_id": (licences.legal_rep_id, licences.ID_LAYOUTS),
    "audit_report": (statements2.audit_report, statements2.AUDIT_LAYOUTS),
    "balance_sheet": (statements.balance_sheet, statements.BS_LAYOUTS),
    "income_statement": (statements.income_statement, statements.IS_LAYOUTS),
    "equity_statement": (statements2.equity_statement, statements2.EQ_LAYOUTS),
    "cash_flow_statement": (statements2.cash_flow_statement, statements2.CF_LAYOUTS),
    "sales_report": (reports.sales_report, reports.SALES_LAYOUTS),
    "loan_guarantee_schedule": (reports.loan_guarantee_schedule, reports.SCHEDULE_LAYOUTS),
    "tax_registration": (licences.tax_registration, licences.TAXREG_LAYOUTS),
    "tax_payment_certificate": (taxes.tax_payment_certificate, taxes.TAX_LAYOUTS),
    "articles_of_association": (reports.articles_of_association, reports.ARTICLES_LAYOUTS),
    "officer_roster": (reports.officer_roster, reports.ROSTER_LAYOUTS),
    "board_resolution": (letters.board_resolution, letters.BOARD_LAYOUTS),
    "profit_distribution_resolution": (letters.profit_distribution_resolution, letters.PROFIT_LAYOUTS),
    "power_of_attorney": (letters.power_of_attorney, letters.POA_LAYOUTS),
    "trade_contract": (letters.trade_contract, letters.CONTRACT_LAYOUTS),
    "letter_of_credit": (letters.letter_of_credit, letters.LC_LAYOUTS),
}
for _t in reports.PROJECT_TYPES:
    _R[_t] = (lambda layout, co, path, _t=_t, **kw: reports.project_paper(_t, layout, co, path, **kw),
              reports.PROJECT_LAYOUTS)

#: doc_type -> layout ids (a layout id names a way the document is printed).
LAYOUTS: dict[str, tuple[str, ...]] = {t: layouts for t, (_f, layouts) in _R.items()}
#: Layouts that need a company on an old licence (15-digit 注册号, see ``licences.LegacyCompany``).
LEGACY_ONLY = {("business_licence", "old_regno")}


def render(doc_type: str, layout: str, company, path, *, year: int, rng_seed: int = 0, **options) -> dict:
    """Write ``doc_type`` in ``layout`` for ``company`` (fiscal ``year``) to ``path``; return its truth."""
    try:
        func, layouts = _R[doc_type]
    except KeyError:
        raise KeyError(f"unknown doc type {doc_type!r}") from None
    if layout not in layouts:
        raise KeyError(f"unknown layout {layout!r} of {doc_type}; known: {layouts}")
    rng = random.Random(f"variants:{doc_type}:{layout}:{company.credit_code}:{year}:{rng_seed}")
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    return func(layout, company, Path(path), year=year, rng=rng, **options)


__all__ = ["CHECK_ITEMS", "ClientCase", "DocSpec", "LAYOUTS", "LEGACY_ONLY", "company_for", "degrade", "degrade_params",
           "make_clients", "render"]
