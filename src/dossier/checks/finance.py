"""Financial analysis (rules 第十六条): statement figures per fiscal year and the ratios computed from them.

Pure functions of the documents in force. Every figure names the document and the row it came from;
a figure is ``ok``, ``missing`` (no statement of that year, or the row was not read) or ``review``
(its document's reading is not settled yet). A ratio is computed only from ``ok`` figures: one whose
inputs are missing or in review says so (``state``), its value is never a made-up zero.

The formulas (``RATIOS``) are code; what counts as alarming is data (``rules/warnings.toml``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Iterable

from dossier.rules import FIELD_ZH, load_thresholds

#: Statement types and the figures each gives (field ids of rules/doctypes.toml).
STATEMENT_FIELDS: dict[str, tuple[str, ...]] = {
    "balance_sheet": ("total_assets", "total_liabilities", "total_equity", "current_assets",
                      "current_liabilities", "inventory"),
    "income_statement": ("revenue", "operating_profit", "total_profit", "finance_costs", "interest_expense",
                         "net_profit"),
    "cash_flow_statement": ("operating_cash_flow",),
    "tax_payment_certificate": ("amount",),
}
#: The figure of a tax-payment certificate is taxes paid in its year.
TAX_PAID = "tax_paid"
FIGURE_ZH = {**{f: FIELD_ZH.get(f, f) for fs in STATEMENT_FIELDS.values() for f in fs}, TAX_PAID: "纳税总额"}
FIGURE_ZH.setdefault("inventory", "存货")
FIGURE_ZH.setdefault("finance_costs", "财务费用")
FIGURE_ZH.setdefault("interest_expense", "利息费用")
FIGURE_ZH.setdefault("total_profit", "利润总额")
STATEMENT_TYPES = ("balance_sheet", "income_statement", "cash_flow_statement")


@dataclass(frozen=True)
class Figure:
    field: str
    value: float | None
    path: str | None
    state: str  # ok | missing | review

    @property
    def row(self) -> str:
        return FIGURE_ZH.get(self.field, self.field)

    def to_json(self) -> dict:
        return {"field": self.field, "row": self.row, "value": self.value, "path": self.path, "state": self.state}


@dataclass(frozen=True)
class Ratio:
    name: str
    value: float | None  # the value computed from its inputs (None when an input is missing or 0 divides)
    state: str  # ok | missing | review | not_applicable
    inputs: tuple[Figure, ...]
    note: str = ""

    @property
    def definition(self) -> "Definition":
        return RATIOS[self.name]

    def to_json(self) -> dict:
        d = self.definition
        return {"value": self.value, "state": self.state, "zh": d.zh, "formula": d.formula, "unit": d.unit,
                "note": self.note, "inputs": [f.to_json() for f in self.inputs]}


@dataclass(frozen=True)
class Definition:
    zh: str
    unit: str  # percent (a fraction shown as %) | times | yuan
    formula: str
    compute: Callable[["Series", int], tuple[tuple[Figure, ...], Callable[..., float | None]]]


class Series:
    """Figures by year and field, with the choice of document per year already made."""

    def __init__(self, by_year: dict[int, dict[str, Figure]]):
        self.by_year = by_year

    def get(self, year: int, field: str) -> Figure:
        return self.by_year.get(year, {}).get(field) or Figure(field, None, None, "missing")

    @property
    def years(self) -> list[int]:
        return sorted(self.by_year)


def _div(a: float, b: float) -> float | None:
    return a / b if b else None


def _one(*fields: str, fn):
    def compute(s: Series, y: int):
        return tuple(s.get(y, f) for f in fields), fn
    return compute


def _growth(field: str):
    def compute(s: Series, y: int):
        return (s.get(y, field), s.get(y - 1, field)), lambda cur, prev: _div(cur - prev, abs(prev))
    return compute


def _coverage(s: Series, y: int):
    """(利润总额 + 利息费用) ÷ 利息费用; where the statement has no 利息费用 row, 财务费用 stands in."""
    interest = s.get(y, "interest_expense")
    if interest.state == "missing":
        interest = s.get(y, "finance_costs")
    return (s.get(y, "total_profit"), interest), lambda profit, paid: _div(profit + paid, paid) if paid > 0 else None


def _roe(s: Series, y: int):
    """净利润 ÷ 平均所有者权益 (the years' opening and closing equity), else closing equity alone."""
    opening = s.get(y - 1, "total_equity")
    if opening.state == "ok":
        return ((s.get(y, "net_profit"), s.get(y, "total_equity"), opening),
                lambda net, close, start: _div(net, (close + start) / 2))
    return (s.get(y, "net_profit"), s.get(y, "total_equity")), lambda net, close: _div(net, close)


RATIOS: dict[str, Definition] = {
    "debt_ratio": Definition("资产负债率", "percent", "负债合计 ÷ 资产总计",
                             _one("total_liabilities", "total_assets", fn=_div)),
    "current_ratio": Definition("流动比率", "times", "流动资产合计 ÷ 流动负债合计",
                                _one("current_assets", "current_liabilities", fn=_div)),
    "quick_ratio": Definition("速动比率", "times", "（流动资产合计 − 存货）÷ 流动负债合计",
                              _one("current_assets", "inventory", "current_liabilities",
                                   fn=lambda ca, inv, cl: _div(ca - inv, cl))),
    "revenue_growth": Definition("营业收入增长率", "percent", "（本年营业收入 − 上年营业收入）÷ 上年营业收入",
                                 _growth("revenue")),
    "net_margin": Definition("净利润率", "percent", "净利润 ÷ 营业收入", _one("net_profit", "revenue", fn=_div)),
    "roe": Definition("净资产收益率", "percent", "净利润 ÷ 平均所有者权益（上年末与本年末的平均；缺上年末时用本年末）",
                      _roe),
    "operating_cash_flow": Definition("经营活动现金流量净额", "yuan", "现金流量表：经营活动产生的现金流量净额",
                                      _one("operating_cash_flow", fn=lambda v: v)),
    "interest_coverage": Definition("利息保障倍数", "times", "（利润总额 + 利息费用）÷ 利息费用（无利息费用行时用财务费用）",
                                    _coverage),
}
#: Indicators the warning rules may use beside the ratios (not part of the ``ratios`` contract).
INDICATORS: dict[str, Definition] = {
    "tax_paid_growth": Definition("纳税总额增长率", "percent", "（本年纳税总额 − 上年纳税总额）÷ 上年纳税总额",
                                  _growth(TAX_PAID)),
}
MEASURES = {**RATIOS, **INDICATORS}
UNITS = {name: d.unit for name, d in MEASURES.items()} | {f: "yuan" for f in FIGURE_ZH}


def _year(value) -> int | None:
    try:
        year = int(value)
    except (TypeError, ValueError):
        return None
    return year if 1900 <= year <= 2200 else None


def _number(value) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value)


def _in_review(doc, review_below: float) -> bool:
    if doc.settled:
        return False
    return bool(doc.review) or (doc.confidence is not None and doc.confidence < review_below)


def figures(documents: Iterable, review_below: float | None = None) -> Series:
    """The statement figures per fiscal year from the documents in force (archive ``Document``s or
    checks ``DocFacts``): per type and year the document whose reading is surest (settled or not in
    review first, then the higher confidence, then the path)."""
    review_below = load_thresholds().review_below if review_below is None else review_below
    chosen: dict[tuple[str, int], object] = {}
    for doc in documents:
        if not getattr(doc, "in_force", True) or doc.doc_type not in STATEMENT_FIELDS:
            continue
        year = _year((doc.fields or {}).get("year"))
        if year is None:
            continue
        key = (doc.doc_type, year)
        rank = (not _in_review(doc, review_below), doc.confidence or 0.0, doc.path)
        best = chosen.get(key)
        if best is None or rank > (not _in_review(best, review_below), best.confidence or 0.0, best.path):
            chosen[key] = doc
    by_year: dict[int, dict[str, Figure]] = {}
    for (doc_type, year), doc in sorted(chosen.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        review = _in_review(doc, review_below)
        row = by_year.setdefault(year, {})
        for field in STATEMENT_FIELDS[doc_type]:
            name = TAX_PAID if doc_type == "tax_payment_certificate" else field
            value = _number((doc.fields or {}).get(field))
            state = "missing" if value is None else "review" if review else "ok"
            row[name] = Figure(name, value, doc.path, state)
    return Series(by_year)


def measure(name: str, series: Series, year: int) -> Ratio:
    """One ratio or indicator of ``year``: computed from ``ok`` inputs only."""
    inputs, fn = MEASURES[name].compute(series, year)
    missing = [f for f in inputs if f.state == "missing"]
    if missing:
        return Ratio(name, None, "missing", inputs, "缺少" + "、".join(_input_name(f, year) for f in missing))
    review = [f for f in inputs if f.state == "review"]
    value = fn(*(f.value for f in inputs))
    if value is None:
        return Ratio(name, None, "not_applicable", inputs, "分母为零或无利息费用，不适用")
    value = round(value, 6)
    if review:
        return Ratio(name, value, "review", inputs, "待复核：" + "、".join(_input_name(f, year) for f in review))
    return Ratio(name, value, "ok", inputs)


def _input_name(figure: Figure, year: int) -> str:
    return f"{figure.row}（{figure.path or '无报表'}）"


def ratios(series: Series, names: Iterable[str] = RATIOS) -> dict[int, dict[str, Ratio]]:
    """Every ratio of every year that has a statement (a year with only a tax certificate gives none)."""
    names = tuple(names)
    years = [y for y in series.years if any(f in series.by_year[y] for t in STATEMENT_TYPES
                                            for f in STATEMENT_FIELDS[t])]
    return {y: {n: measure(n, series, y) for n in names} for y in years}


def show_value(value: float | None, unit: str) -> str:
    """A value as people read it: 63.0%, 1.25 倍, 1,234,567.00 元."""
    if value is None:
        return "—"
    if unit == "percent":
        return f"{value * 100:.1f}%"
    if unit == "times":
        return f"{value:.2f} 倍"
    return f"{value:,.2f} 元"
