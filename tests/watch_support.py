"""Hand-made dossier states for the watch tests: archive Documents and Snapshots with chosen fields."""

from __future__ import annotations

from dossier.archive import Document, Snapshot


def doc(path: str, doc_type: str, version: str = "v1", review: bool = False, confidence: float = 0.95,
        confirmed_by: str | None = None, **fields) -> Document:
    return Document(path=path, source=path, sha512=path.encode().hex().ljust(128, "0")[:128],
                    media_type="application/pdf", pages=1, version=version, doc_type=doc_type, confidence=confidence,
                    fields=fields, review=review, record="r" + path, confirmed_by=confirmed_by)


def snapshot(*documents: Document, meta: dict | None = None, version: str = "v1") -> Snapshot:
    return Snapshot(client="甲", name="甲公司", credit_code="91330106MA2B3C4D5E", version=version,
                    created="2026-12-01T00:00:00Z", meta=meta or {}, documents=tuple(documents))


#: Two years of hand-computed statements (yuan). 2024 against 2023: see tests/test_finance.py.
BS = {2024: dict(total_assets=1_000_000, total_liabilities=630_000, total_equity=370_000, current_assets=500_000,
                 current_liabilities=400_000, inventory=150_000),
      2023: dict(total_assets=900_000, total_liabilities=500_000, total_equity=400_000, current_assets=450_000,
                 current_liabilities=300_000, inventory=100_000)}
IS = {2024: dict(revenue=800_000, operating_profit=60_000, total_profit=58_000, finance_costs=12_000,
                 interest_expense=10_000, net_profit=45_000),
      2023: dict(revenue=1_000_000, operating_profit=105_000, total_profit=100_000, finance_costs=8_000,
                 interest_expense=None, net_profit=80_000)}
CF = {2024: dict(operating_cash_flow=-20_000), 2023: dict(operating_cash_flow=-5_000)}


def statements(bs=None, is_=None, cf=None, review_years=(), **overrides) -> list[Document]:
    """Balance sheet, income statement and cash-flow statement per year; ``overrides`` like
    ``net_profit_2024=-1`` change one figure; a year in ``review_years`` has its balance sheet in review."""
    out = []
    for doc_type, table, name in (("balance_sheet", bs or BS, "资产负债表"), ("income_statement", is_ or IS, "利润表"),
                                  ("cash_flow_statement", cf or CF, "现金流量表")):
        for year, figures in table.items():
            values = dict(figures)
            for key, value in overrides.items():
                field, _, y = key.rpartition("_")
                if int(y) == year and field in values:
                    values[field] = value
            out.append(doc(f"documents/{name}_{year}.pdf", doc_type, year=year,
                           review=doc_type == "balance_sheet" and year in review_years, **values))
    return out
