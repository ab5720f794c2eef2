"""Realistic sample data of the client watch (``checks.monitor.client_watch``'s shape), for trial renders of
the evaluation and monitoring templates (``dossier templates check``), previews and tests. It carries a
control character and ``<&>`` on purpose, a figure in review and one missing."""

from __future__ import annotations

import copy

DOCS = {2024: "documents/资产负债表_2024.pdf", 2025: "documents/资产负债表_2025.pdf"}
INCOME = {2024: "documents/利润表_2024.pdf", 2025: "documents/利润表_2025.pdf"}
CASH = {2025: "documents/现金流量表_2025.pdf"}


def _fig(value, row, path, state="ok"):
    return {"value": value, "row": row, "path": path, "state": state}


def _statements(year: int, scale: float, review: bool = False) -> dict:
    bs, inc = DOCS[year], INCOME[year]
    rows = {
        "total_assets": _fig(20_000_000 * scale, "资产总计", bs),
        "total_liabilities": _fig(15_200_000 * scale, "负债合计", bs),
        "total_equity": _fig(4_800_000 * scale, "所有者权益合计", bs),
        "current_assets": _fig(9_000_000 * scale, "流动资产合计", bs),
        "current_liabilities": _fig(9_800_000 * scale, "流动负债合计", bs),
        "inventory": _fig(3_100_000 * scale, "存货", bs),
        "revenue": _fig(31_000_000 * scale, "营业收入", inc, "review" if review else "ok"),
        "operating_profit": _fig(900_000 * scale, "营业利润", inc),
        "total_profit": _fig(880_000 * scale, "利润总额", inc),
        "finance_costs": _fig(620_000 * scale, "财务费用", inc),
        "interest_expense": _fig(None, "利息费用", inc, "missing"),
        "net_profit": _fig(660_000 * scale, "净利润", inc),
    }
    if year in CASH:
        rows["operating_cash_flow"] = _fig(-1_250_000.0, "经营活动产生的现金流量净额", CASH[year])
    return rows


def _ratio(value, zh, formula, unit, state="ok"):
    return {"value": value, "state": state, "zh": zh, "formula": formula, "unit": unit, "inputs": []}


SAMPLE_WATCH: dict = {
    "client": "恒远机械", "name": "杭州恒远机械有限公司", "credit_code": "91330106MA2H2K4X1L",
    "version": "v5", "as_of": "2026-10-12",
    "statements": {"2024": _statements(2024, 1.0), "2025": _statements(2025, 1.1, review=True)},
    "analysis": {
        "2024": {
            "debt_ratio": _ratio(0.76, "资产负债率", "负债合计 ÷ 资产总计", "percent"),
            "current_ratio": _ratio(0.918367, "流动比率", "流动资产合计 ÷ 流动负债合计", "times"),
            "quick_ratio": _ratio(0.602041, "速动比率", "（流动资产合计 − 存货）÷ 流动负债合计", "times"),
            "revenue_growth": _ratio(None, "营业收入增长率", "（本年 − 上年）÷ 上年", "percent", "missing"),
            "net_margin": _ratio(0.021290, "净利润率", "净利润 ÷ 营业收入", "percent"),
            "roe": _ratio(0.1375, "净资产收益率", "净利润 ÷ 平均所有者权益", "percent"),
            "operating_cash_flow": _ratio(None, "经营活动现金流量净额", "现金流量表", "yuan", "missing"),
            "interest_coverage": _ratio(2.419355, "利息保障倍数", "（利润总额 + 利息费用）÷ 利息费用", "times"),
        },
        "2025": {
            "debt_ratio": _ratio(0.76, "资产负债率", "负债合计 ÷ 资产总计", "percent"),
            "current_ratio": _ratio(0.918367, "流动比率", "流动资产合计 ÷ 流动负债合计", "times"),
            "quick_ratio": _ratio(0.602041, "速动比率", "（流动资产合计 − 存货）÷ 流动负债合计", "times"),
            "revenue_growth": _ratio(0.1, "营业收入增长率", "（本年 − 上年）÷ 上年", "percent", "review"),
            "net_margin": _ratio(0.021290, "净利润率", "净利润 ÷ 营业收入", "percent", "review"),
            "roe": _ratio(0.1375, "净资产收益率", "净利润 ÷ 平均所有者权益", "percent"),
            "operating_cash_flow": _ratio(-1_250_000.0, "经营活动现金流量净额", "现金流量表", "yuan"),
            "interest_coverage": _ratio(2.419355, "利息保障倍数", "（利润总额 + 利息费用）÷ 利息费用", "times"),
        },
    },
    "warnings": [
        {"rule": "debt_ratio_high", "level": "预警", "year": 2025, "value": 0.76, "threshold": 0.7,
         "message": "资产负债率 76.0% 高于 70%", "article": "附录五 财务状况变化信号", "evidence": [DOCS[2025]]},
        {"rule": "current_ratio_low", "level": "关注", "year": 2025, "value": 0.918367, "threshold": 1.0,
         "message": "流动比率 0.92 低于 1.0 <&>\x0b", "article": "附录五 财务状况变化信号", "evidence": [DOCS[2025]]},
        {"rule": "legal_representative_changed", "level": "预警", "year": None, "value": None, "threshold": None,
         "message": "营业执照法定代表人由 张三 变更为 李四", "article": "第二十条（二）",
         "evidence": ["documents/营业执照.pdf", "documents/历史/营业执照_v1.pdf"]},
    ],
    "due": [{"item": "business_licence", "name": "营业执照有效期届满", "path": "documents/营业执照.pdf",
             "date": "2027-01-31", "days_left": 111}],
    "reevaluate": True, "reevaluate_reasons": ["营业执照法定代表人由 张三 变更为 李四（第二十条（二））"],
    "evaluation": {"path": "reports/分析评价报告（草稿）.docx", "issued_at": "2026-09-30T08:00:00Z",
                   "issued_by": "王经理", "version": "v4"},
    "changes_since": [{"version": "v5", "created": "2026-10-12T09:30:00Z", "added": ["documents/营业执照.pdf"],
                       "retired": ["documents/历史/营业执照_v1.pdf"],
                       "reasons": ["营业执照法定代表人由 张三 变更为 李四"]}],
}
SAMPLE_CASE = {"product": "working_capital_loan", "amount": 5_000_000, "term_months": 12,
               "application_date": "2026-09-01"}
SAMPLE_ITEMS = [
    {"item": "business_licence", "name": "营业执照", "status": "ok"},
    {"item": "balance_sheet", "name": "资产负债表", "status": "incomplete"},
    {"item": "articles", "name": "公司章程", "status": "missing"},
    {"item": "credit_report", "name": "企业信用报告", "status": "review"},
]


def sample_watch() -> dict:
    """A fresh copy of SAMPLE_WATCH (callers may change it)."""
    return copy.deepcopy(SAMPLE_WATCH)
