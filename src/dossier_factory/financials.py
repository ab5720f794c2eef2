"""Financial figures (amounts in fen), consistent across a company's documents and years."""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Iterable

from .base import SampleCompany, _code_rng

# ---------------------------------------------------------------------------
# 6. Financial figures (amounts in fen, consistent across documents and years)
# ---------------------------------------------------------------------------

_CA = ("货币资金", "应收票据", "应收账款", "预付款项", "其他应收款", "存货")
_CA_W = ((0.18, 0.30), (0.02, 0.08), (0.20, 0.35), (0.03, 0.08), (0.01, 0.05), (0.20, 0.35))
_NCA = ("长期股权投资", "固定资产", "在建工程", "无形资产", "长期待摊费用")
_NCA_W = ((0.0, 0.10), (0.50, 0.70), (0.02, 0.15), (0.10, 0.20), (0.01, 0.05))
_CL = ("短期借款", "应付票据", "应付账款", "预收款项", "应付职工薪酬", "应交税费", "其他应付款")
_CL_W = ((0.25, 0.40), (0.05, 0.15), (0.20, 0.35), (0.03, 0.10), (0.03, 0.06), (0.02, 0.05), (0.02, 0.08))


@dataclass(frozen=True)
class Financials:
    """Figures of one year's statements, in fen (1/100 yuan).

    ``assets``/``liabilities``: the two halves of the 资产负债表 as rows
    (label, 期末余额, 上年年末余额), equal length; section headings and
    padding rows have None amounts.  ``income``: rows of the 利润表 as
    (label, 本期金额, 上期金额).
    """

    year: int
    assets: tuple[tuple[str, int | None, int | None], ...]
    liabilities: tuple[tuple[str, int | None, int | None], ...]
    income: tuple[tuple[str, int | None, int | None], ...]

    def value(self, label: str, previous: bool = False) -> int:
        """Amount of the row labelled ``label`` (else the first label containing it)."""
        rows = [r for r in (*self.assets, *self.liabilities, *self.income) if r[1] is not None]
        for match in (lambda name: name == label, lambda name: label in name):
            for name, cur, prev in rows:
                if match(name):
                    return prev if previous else cur
        raise KeyError(label)

    @property
    def total_assets(self) -> int:
        return self.value("资产总计")

    @property
    def total_liabilities(self) -> int:
        return self.value("负债合计")

    @property
    def total_equity(self) -> int:
        return self.value("所有者权益合计")

    @property
    def revenue(self) -> int:
        return self.value("营业收入")

    @property
    def operating_profit(self) -> int:
        return self.value("营业利润")

    @property
    def net_profit(self) -> int:
        return self.value("净利润")

    @property
    def inventory(self) -> int:
        return self.value("存货")

    @property
    def finance_costs(self) -> int:
        return self.value("财务费用")

    @property
    def interest_expense(self) -> int:
        return self.value("利息费用")  # 其中：利息费用

    @property
    def total_profit(self) -> int:
        return self.value("利润总额")


def _split(total: int, rng: random.Random, ranges) -> list[int]:
    """Split ``total`` into parts weighted by random draws from ``ranges``; parts sum to total."""
    weights = [rng.uniform(lo, hi) for lo, hi in ranges]
    s = sum(weights)
    parts = [int(total * w / s) for w in weights]
    parts[max(range(len(parts)), key=parts.__getitem__)] += total - sum(parts)
    return parts


def _total_assets(company: SampleCompany, year: int) -> int:
    base = _code_rng(company, "scale")
    factor, growth = base.uniform(2.5, 6.0), base.uniform(1.03, 1.15)
    wobble = _code_rng(company, f"scale:{year}").uniform(0.95, 1.05)
    return int(company.registered_capital * 100 * factor * growth ** (year - 2020) * wobble)


def _balance_at(company: SampleCompany, year: int) -> dict[str, int]:
    """Year-end balances of ``year`` by label."""
    rng = _code_rng(company, f"bs:{year}")
    total = _total_assets(company, year)
    ca = int(total * rng.uniform(0.45, 0.70))
    liab = int(total * rng.uniform(0.35, 0.62))
    cl = int(liab * rng.uniform(0.70, 0.90))
    equity = total - liab
    capital = min(company.registered_capital * 100, int(equity * 0.7))
    reserve = int(equity * rng.uniform(0.0, 0.05))
    surplus = int((equity - capital - reserve) * rng.uniform(0.1, 0.3))
    b = dict(zip(_CA, _split(ca, rng, _CA_W))) | dict(zip(_NCA, _split(total - ca, rng, _NCA_W)))
    b |= dict(zip(_CL, _split(cl, rng, _CL_W)))
    b |= {"流动资产合计": ca, "非流动资产合计": total - ca, "资产总计": total,
          "流动负债合计": cl, "长期借款": liab - cl, "非流动负债合计": liab - cl, "负债合计": liab,
          "实收资本（或股本）": capital, "资本公积": reserve, "盈余公积": surplus,
          "未分配利润": equity - capital - reserve - surplus, "所有者权益合计": equity,
          "负债和所有者权益总计": total}
    return b


_ASSET_ROWS = ("流动资产：", *_CA, "流动资产合计", "非流动资产：", *_NCA, "非流动资产合计")
_LIAB_ROWS = ("流动负债：", *_CL, "流动负债合计", "非流动负债：", "长期借款", "非流动负债合计",
              "负债合计", "所有者权益：", "实收资本（或股本）", "资本公积", "盈余公积", "未分配利润",
              "所有者权益合计")


def _income_of(company: SampleCompany, year: int) -> list[tuple[str, int]]:
    rng = _code_rng(company, f"is:{year}")
    rev = int(_total_assets(company, year) * rng.uniform(0.8, 1.6))
    costs = [int(rev * rng.uniform(lo, hi)) for lo, hi in
             ((0.72, 0.82), (0.004, 0.008), (0.02, 0.04), (0.03, 0.05), (0.0, 0.03), (0.005, 0.012))]
    finance = costs[-1]
    other, invest = int(rev * rng.uniform(0, 0.005)), int(rev * rng.uniform(0, 0.004))
    op = rev - sum(costs) + other + invest
    extra_in, extra_out = int(rev * rng.uniform(0, 0.002)), int(rev * rng.uniform(0, 0.002))
    pre_tax = op + extra_in - extra_out
    tax = max(pre_tax, 0) // 4
    labels = ("减：营业成本", "税金及附加", "销售费用", "管理费用", "研发费用", "财务费用")
    return [("一、营业收入", rev), *zip(labels, costs), ("其中：利息费用", finance * 9 // 10),
            ("加：其他收益", other), ("投资收益（损失以“-”号填列）", invest),
            ("二、营业利润（亏损以“-”号填列）", op), ("加：营业外收入", extra_in),
            ("减：营业外支出", extra_out), ("三、利润总额（亏损总额以“-”号填列）", pre_tax),
            ("减：所得税费用", tax), ("四、净利润（净亏损以“-”号填列）", pre_tax - tax)]


def make_financials(company: SampleCompany, year: int) -> Financials:
    """The statements' figures; the previous-year columns equal the previous year's figures."""
    end, begin = _balance_at(company, year), _balance_at(company, year - 1)

    def rows(labels: Iterable[str]) -> list[tuple[str, int | None, int | None]]:
        return [(lb, end.get(lb), begin.get(lb)) for lb in labels]

    assets, liabs = rows(_ASSET_ROWS), rows(_LIAB_ROWS)
    pad = len(liabs) - len(assets)
    assets += [("", None, None)] * pad
    assets.append(("资产总计", end["资产总计"], begin["资产总计"]))
    liabs.append(("负债和所有者权益总计", end["负债和所有者权益总计"], begin["负债和所有者权益总计"]))
    cur, prev = _income_of(company, year), _income_of(company, year - 1)
    income = [(lb, a, b) for (lb, a), (_, b) in zip(cur, prev)]
    return Financials(year, tuple(assets), tuple(liabs), tuple(income))


def _cash_flow_rows(co: SampleCompany, year: int) -> list[tuple[str, int, int]]:
    """(label, 本期金额, 上期金额) in fen; ending cash equals the year-end 货币资金."""
    def one(y: int) -> dict[str, int]:
        rng = _code_rng(co, f"cf:{y}")
        inc = dict(_income_of(co, y))
        rev, cost = inc["一、营业收入"], inc["减：营业成本"]
        begin, end = _balance_at(co, y - 1)["货币资金"], _balance_at(co, y)["货币资金"]
        sales = int(rev * rng.uniform(1.02, 1.10))
        other_in = int(rev * rng.uniform(0.002, 0.01))
        buy = int(cost * rng.uniform(0.98, 1.08))
        staff = int(rev * rng.uniform(0.05, 0.09))
        taxes = int(rev * rng.uniform(0.02, 0.04))
        other_out = int(rev * rng.uniform(0.01, 0.03))
        op = sales + other_in - buy - staff - taxes - other_out
        inv_out = int(rev * rng.uniform(0.02, 0.06))
        inv_in = int(inv_out * rng.uniform(0.0, 0.1))
        inv = inv_in - inv_out
        fin_net = end - begin - op - inv
        interest = inc["其中：利息费用"]
        borrow = max(fin_net + interest, 0) + int(rev * rng.uniform(0.05, 0.1))
        repay = borrow - interest - fin_net
        return {"销售商品、提供劳务收到的现金": sales, "收到其他与经营活动有关的现金": other_in,
                "经营活动现金流入小计": sales + other_in, "购买商品、接受劳务支付的现金": buy,
                "支付给职工以及为职工支付的现金": staff, "支付的各项税费": taxes,
                "支付其他与经营活动有关的现金": other_out,
                "经营活动现金流出小计": buy + staff + taxes + other_out, "经营活动产生的现金流量净额": op,
                "处置固定资产、无形资产和其他长期资产收回的现金净额": inv_in,
                "购建固定资产、无形资产和其他长期资产支付的现金": inv_out, "投资活动产生的现金流量净额": inv,
                "取得借款收到的现金": borrow, "偿还债务支付的现金": repay,
                "分配股利、利润或偿付利息支付的现金": interest, "筹资活动产生的现金流量净额": fin_net,
                "五、现金及现金等价物净增加额": end - begin, "加：期初现金及现金等价物余额": begin,
                "六、期末现金及现金等价物余额": end}
    cur, prev = one(year), one(year - 1)
    return [(label, cur[label], prev[label]) for label in cur]
