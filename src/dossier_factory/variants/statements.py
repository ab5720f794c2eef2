"""Balance sheets and income statements as Chinese companies print them.

Formats: 财政部 一般企业财务报表格式 (2019 revision, 会企01表/会企02表), the older 企业会计制度 format
(行次, 年初数/期末数, 损益表 with 本月数/本年累计数), 小企业会计准则 (会小企01表/02表, 期末余额/年初余额,
本年累计金额/本月金额), statements filed through the e-tax bureau (纳税人识别号, 所属期), and the audit
report's own tables in 万元 with dated columns.  Figures come from ``financials`` (fen); the truth is
what the CURRENT column prints, in yuan after the 单位.
"""

from __future__ import annotations

import random
from datetime import date

from ..base import SampleCompany, _code_rng
from ..financials import _balance_at, _income_of
from .paper import Sheet, fmt_date, money, yuan

Q = "“-”"  # the quote style of the official forms varies: “-” or "－"


# ---------------------------------------------------------------------------
# the figures, by short key
# ---------------------------------------------------------------------------

def balance(co: SampleCompany, year: int) -> dict[str, int]:
    b = dict(_balance_at(co, year))
    b["所有者权益（或股东权益）合计"] = b["所有者权益合计"]
    b["长期投资合计"] = b["长期股权投资"]
    b["固定资产合计"] = b["固定资产"] + b["在建工程"]
    b["无形资产及其他资产合计"] = b["无形资产"] + b["长期待摊费用"]
    b["长期负债合计"] = b["非流动负债合计"]
    b["流动资产合计"] = b["流动资产合计"]
    return b


def income(co: SampleCompany, year: int, invest_loss: bool | None = None) -> dict[str, int]:
    """The income figures of ``year``; in about 40% of company-years the investments made a loss."""
    if invest_loss is None:
        invest_loss = _code_rng(co, f"variant-loss:{year}").random() < 0.4
    rows = dict(_income_of(co, year))
    keys = {"一、营业收入": "rev", "减：营业成本": "cost", "税金及附加": "surcharge", "销售费用": "selling",
            "管理费用": "admin", "研发费用": "rnd", "财务费用": "finance", "其中：利息费用": "interest",
            "加：其他收益": "other", "加：营业外收入": "nonop_in", "减：营业外支出": "nonop_out"}
    d = {short: rows[label] for label, short in keys.items()}
    invest = next(v for k, v in rows.items() if k.startswith("投资收益"))
    d["invest"] = -max(invest, 1_234_50) if invest_loss else invest
    d["op"] = (d["rev"] - d["cost"] - d["surcharge"] - d["selling"] - d["admin"] - d["rnd"] - d["finance"]
               + d["other"] + d["invest"])
    d["pretax"] = d["op"] + d["nonop_in"] - d["nonop_out"]
    d["tax"] = max(d["pretax"], 0) // 4
    d["net"] = d["pretax"] - d["tax"]
    return d


def _val(source: dict, key):
    if key is None:
        return None
    if isinstance(key, tuple):
        return sum(source[k] for k in key)
    return source.get(key, 0) if key else None


def header(s: Sheet, co: SampleCompany, title: str, form_code: str, period: str, unit: str, rng: random.Random,
           etax: bool = False) -> None:
    s.title(title, 17, 6)
    if form_code:
        s.line(form_code, 9, align="r", lead=1.2)
    if etax:
        s.pair(f"纳税人识别号：{co.credit_code}", f"纳税人名称：{co.name}", 9)
        s.pair(f"所属期起：{period.split('至')[0]}", f"所属期止：{period.split('至')[-1]}    单位：{unit}", 9)
        return
    label = rng.choice(("编制单位：", "编制单位：", "单位名称：", "编报单位："))
    s.pair(f"{label}{co.name}", f"{period}            单位：{unit}", 9)


# ---------------------------------------------------------------------------
# balance sheet
# ---------------------------------------------------------------------------

# (label, key) ; key "" -> the row prints no figure (in use for this company)
BS2019_A = [("流动资产：", None), ("货币资金", "货币资金"), ("交易性金融资产", ""), ("衍生金融资产", ""),
            ("应收票据", "应收票据"), ("应收账款", "应收账款"), ("应收款项融资", ""), ("预付款项", "预付款项"),
            ("其他应收款", "其他应收款"), ("存货", "存货"), ("合同资产", ""), ("持有待售资产", ""),
            ("一年内到期的非流动资产", ""), ("其他流动资产", ""), ("流动资产合计", "流动资产合计"),
            ("非流动资产：", None), ("债权投资", ""), ("其他债权投资", ""), ("长期应收款", ""),
            ("长期股权投资", "长期股权投资"), ("其他权益工具投资", ""), ("投资性房地产", ""), ("固定资产", "固定资产"),
            ("在建工程", "在建工程"), ("使用权资产", ""), ("无形资产", "无形资产"), ("开发支出", ""), ("商誉", ""),
            ("长期待摊费用", "长期待摊费用"), ("递延所得税资产", ""), ("其他非流动资产", ""),
            ("非流动资产合计", "非流动资产合计")]
BS2019_L = [("流动负债：", None), ("短期借款", "短期借款"), ("交易性金融负债", ""), ("应付票据", "应付票据"),
            ("应付账款", "应付账款"), ("预收款项", "预收款项"), ("合同负债", ""), ("应付职工薪酬", "应付职工薪酬"),
            ("应交税费", "应交税费"), ("其他应付款", "其他应付款"), ("一年内到期的非流动负债", ""),
            ("其他流动负债", ""), ("流动负债合计", "流动负债合计"), ("非流动负债：", None), ("长期借款", "长期借款"),
            ("应付债券", ""), ("租赁负债", ""), ("长期应付款", ""), ("预计负债", ""), ("递延收益", ""),
            ("非流动负债合计", "非流动负债合计"), ("负债合计", "负债合计"), ("所有者权益（或股东权益）：", None),
            ("实收资本（或股本）", "实收资本（或股本）"), ("其他权益工具", ""), ("资本公积", "资本公积"),
            ("减：库存股", ""), ("其他综合收益", ""), ("专项储备", ""), ("盈余公积", "盈余公积"),
            ("未分配利润", "未分配利润"), ("所有者权益（或股东权益）合计", "所有者权益合计")]
OLD_A = [("流动资产：", None, ""), ("货币资金", "货币资金", 1), ("短期投资", "", 2), ("应收票据", "应收票据", 3),
         ("应收账款", "应收账款", 6), ("其他应收款", "其他应收款", 7), ("预付账款", "预付款项", 8),
         ("存货", "存货", 10), ("待摊费用", "", 11), ("流动资产合计", "流动资产合计", 31), ("长期投资：", None, ""),
         ("长期股权投资", "长期股权投资", 32), ("长期投资合计", "长期投资合计", 38), ("固定资产：", None, ""),
         ("固定资产净额", "固定资产", 43), ("在建工程", "在建工程", 45), ("固定资产合计", "固定资产合计", 50),
         ("无形资产及其他资产：", None, ""), ("无形资产", "无形资产", 51), ("长期待摊费用", "长期待摊费用", 52),
         ("无形资产及其他资产合计", "无形资产及其他资产合计", 60)]
OLD_L = [("流动负债：", None, ""), ("短期借款", "短期借款", 68), ("应付票据", "应付票据", 69),
         ("应付账款", "应付账款", 70), ("预收账款", "预收款项", 71), ("应付工资", "应付职工薪酬", 72),
         ("应交税金", "应交税费", 75), ("其他应付款", "其他应付款", 81), ("流动负债合计", "流动负债合计", 100),
         ("长期负债：", None, ""), ("长期借款", "长期借款", 101), ("长期负债合计", "长期负债合计", 110),
         ("负债合计", "负债合计", 114), ("所有者权益（或股东权益）：", None, ""),
         ("实收资本（或股本）", "实收资本（或股本）", 115), ("资本公积", "资本公积", 118), ("盈余公积", "盈余公积", 119),
         ("未分配利润", "未分配利润", 121), ("所有者权益（或股东权益）合计", "所有者权益合计", 122)]
SMALL_A = [("流动资产：", None), ("货币资金", "货币资金"), ("短期投资", ""), ("应收票据", "应收票据"),
           ("应收账款", "应收账款"), ("预付账款", "预付款项"), ("应收股利", ""), ("应收利息", ""),
           ("其他应收款", "其他应收款"), ("存货", "存货"), ("其他流动资产", ""), ("流动资产合计", "流动资产合计"),
           ("非流动资产：", None), ("长期债券投资", ""), ("长期股权投资", "长期股权投资"),
           ("固定资产账面价值", "固定资产"), ("在建工程", "在建工程"), ("无形资产", "无形资产"),
           ("长期待摊费用", "长期待摊费用"), ("其他非流动资产", ""), ("非流动资产合计", "非流动资产合计")]
SMALL_L = [("流动负债：", None), ("短期借款", "短期借款"), ("应付票据", "应付票据"), ("应付账款", "应付账款"),
           ("预收账款", "预收款项"), ("应付职工薪酬", "应付职工薪酬"), ("应交税费", "应交税费"), ("应付利息", ""),
           ("应付利润", ""), ("其他应付款", "其他应付款"), ("流动负债合计", "流动负债合计"), ("非流动负债：", None),
           ("长期借款", "长期借款"), ("长期应付款", ""), ("非流动负债合计", "非流动负债合计"), ("负债合计", "负债合计"),
           ("所有者权益（或股东权益）：", None), ("实收资本（或股本）", "实收资本（或股本）"), ("资本公积", "资本公积"),
           ("盈余公积", "盈余公积"), ("未分配利润", "未分配利润"), ("所有者权益（或股东权益）合计", "所有者权益合计")]


def _bs_truth(co, year, cur, unit, total_le_fen) -> dict:
    return {"company_name": co.name, "year": year, "total_assets": yuan(cur["资产总计"], unit),
            "total_liabilities": yuan(cur["负债合计"], unit), "total_equity": yuan(cur["所有者权益合计"], unit),
            "total_liabilities_and_equity": yuan(total_le_fen, unit),
            "current_assets": yuan(cur["流动资产合计"], unit), "current_liabilities": yuan(cur["流动负债合计"], unit),
            "inventory": yuan(cur["存货"], unit), "years": [year]}


def _side_by_side(assets, liabs, cur, prev, unit, neg, numbered, old_order) -> list[list[str]]:
    n = max(len(assets), len(liabs))
    assets = assets + [("", None, "")] * (n - len(assets))
    liabs = liabs + [("", None, "")] * (n - len(liabs))
    rows = []
    for a, lb in zip(assets, liabs):
        row = []
        for spec in (a, lb):
            label, key = spec[0], spec[1]
            c, p = money(_val(cur, key), unit=unit, neg=neg), money(_val(prev, key), unit=unit, neg=neg)
            if key == "":
                c = p = ""
            cells = [p, c] if old_order else [c, p]
            row += [label, *([str(spec[2])] if numbered else []), *cells]
        rows.append(row)
    return rows


def balance_sheet(layout: str, co: SampleCompany, path, *, year: int, rng: random.Random, **_):
    cur, prev = balance(co, year), balance(co, year - 1)
    end = date(year, 12, 31)
    total_le = cur["负债和所有者权益总计"]
    if layout == "cas2019":
        total_le += 1  # 0.01 yuan of rounding between the two totals, as real spreadsheets leave it
        s = Sheet(path, "资产负债表")
        header(s, co, "资产负债表", "会企01表", fmt_date(end, "cn"), "元", rng)
        rows = [["资产", "期末余额", "上年年末余额", "负债和所有者权益（或股东权益）", "期末余额", "上年年末余额"]]
        rows += _side_by_side([(a, k) for a, k in BS2019_A], [(a, k) for a, k in BS2019_L], cur, prev, "元",
                              "minus", False, False)
        rows.append(["资产总计", money(cur["资产总计"]), money(prev["资产总计"]), "负债和所有者权益（或股东权益）总计",
                     money(total_le), money(prev["负债和所有者权益总计"])])
        s.table(rows, [95, 62, 62, 118, 62, 62], size=6.8, row_h=12.5, aligns="lrrlrr")
        unit = "元"
    elif layout == "old_rows":
        s = Sheet(path, "资产负债表")
        header(s, co, "资 产 负 债 表", "会企01表", fmt_date(end, "cn1"), "元", rng)
        rows = [["资产", "行次", "年初数", "期末数", "负债和所有者权益（或股东权益）", "行次", "年初数", "期末数"]]
        rows += _side_by_side(OLD_A, OLD_L, cur, prev, "元", "minus", True, True)
        rows.append(["资产总计", "67", money(prev["资产总计"]), money(cur["资产总计"]),
                     "负债和所有者权益（或股东权益）总计", "135", money(prev["负债和所有者权益总计"]), money(total_le)])
        s.table(rows, [80, 22, 62, 62, 110, 22, 62, 62], size=6.8, row_h=13, aligns="lcrrlcrr")
        unit = "元"
    elif layout == "small":
        s = Sheet(path, "资产负债表")
        header(s, co, "资产负债表", "会小企01表", fmt_date(end, "cn"), "元", rng)
        rows = [["资产", "行次", "期末余额", "年初余额", "负债和所有者权益", "行次", "期末余额", "年初余额"]]
        a = [(lb, k, i + 1) for i, (lb, k) in enumerate(SMALL_A)]
        lz = [(lb, k, i + 31) for i, (lb, k) in enumerate(SMALL_L)]
        rows += _side_by_side(a, lz, cur, prev, "元", "minus", True, False)
        rows.append(["资产总计", "30", money(cur["资产总计"]), money(prev["资产总计"]),
                     "负债和所有者权益（或股东权益）总计", "53", money(total_le), money(prev["负债和所有者权益总计"])])
        s.table(rows, [80, 22, 62, 62, 110, 22, 62, 62], size=6.8, row_h=13, aligns="lcrrlcrr")
        unit = "元"
    elif layout in ("audit_wan", "etax_vertical"):
        unit = "万元" if layout == "audit_wan" else "元"
        s = Sheet(path, "资产负债表")
        if layout == "audit_wan":
            header(s, co, "资产负债表", "", fmt_date(end, "cn"), "人民币万元", rng)
            cols = ["项目", "附注", f"{year}年12月31日", f"{year - 1}年12月31日"]
        else:
            header(s, co, "资产负债表", "", f"{year}-01-01至{end.isoformat()}", "元", rng, etax=True)
            cols = ["项目", "行次", "期末余额", "上年年末余额"]
        rows = [cols]
        specs = [(lb, k) for lb, k in BS2019_A if k != ""] + [("资产总计", "资产总计")]
        specs += [(lb, k) for lb, k in BS2019_L if k != ""] + [("负债和所有者权益（或股东权益）总计", "__le")]
        for i, (label, key) in enumerate(specs, 1):
            c = total_le if key == "__le" else _val(cur, key)
            p = prev["负债和所有者权益总计"] if key == "__le" else _val(prev, key)
            mid = (f"五、{i}" if key and "合计" not in label and "总计" not in label else "") if unit == "万元" else str(i)
            rows.append([label, mid, money(c, unit=unit), money(p, unit=unit)])
        s.table(rows, [200, 40, 110, 110], ruled=layout != "audit_wan", size=8, row_h=13.5, aligns="lcrr")
    else:
        raise KeyError(layout)
    s.line("法定代表人：" + co.legal_rep + "　　主管会计工作负责人：" + co.legal_rep + "　　会计机构负责人：", 9)
    s.finish()
    return _bs_truth(co, year, cur, unit, total_le)


BS_LAYOUTS = ("cas2019", "old_rows", "small", "audit_wan", "etax_vertical")


# ---------------------------------------------------------------------------
# income statement
# ---------------------------------------------------------------------------

def _is2019_rows(d: dict, p: dict, q: str) -> list[tuple[str, int | None, int | None]]:
    r = [("一、营业收入", "rev"), ("减：营业成本", "cost"), ("税金及附加", "surcharge"), ("销售费用", "selling"),
         ("管理费用", "admin"), ("研发费用", "rnd"), ("财务费用", "finance"), ("其中：利息费用", "interest"),
         ("利息收入", ""), ("加：其他收益", "other"), (f"投资收益（损失以{q}号填列）", "invest"),
         (f"公允价值变动收益（损失以{q}号填列）", ""), (f"信用减值损失（损失以{q}号填列）", ""),
         (f"资产减值损失（损失以{q}号填列）", ""), (f"资产处置收益（损失以{q}号填列）", ""),
         (f"二、营业利润（亏损以{q}号填列）", "op"), ("加：营业外收入", "nonop_in"), ("减：营业外支出", "nonop_out"),
         (f"三、利润总额（亏损总额以{q}号填列）", "pretax"), ("减：所得税费用", "tax"),
         (f"四、净利润（净亏损以{q}号填列）", "net"), (f"（一）持续经营净利润（净亏损以{q}号填列）", "net"),
         (f"（二）终止经营净利润（净亏损以{q}号填列）", ""), ("五、其他综合收益的税后净额", ""), ("六、综合收益总额", "net")]
    return [(lb, d.get(k) if k else None, p.get(k) if k else None) for lb, k in r]


def _old_rows(d: dict, m: dict) -> list[tuple[str, str, int | None, int | None]]:
    main = d["rev"] - d["cost"] - d["surcharge"]
    op = main + d["other"] - d["selling"] - d["admin"] - d["rnd"] - d["finance"]
    pre = op + d["invest"] + d["nonop_in"] - d["nonop_out"]
    tax = max(pre, 0) // 4
    mm = {k: v // 12 for k, v in m.items()}
    mmain = mm["rev"] - mm["cost"] - mm["surcharge"]
    mop = mmain + mm["other"] - mm["selling"] - mm["admin"] - mm["rnd"] - mm["finance"]
    mpre = mop + mm["invest"] + mm["nonop_in"] - mm["nonop_out"]
    mtax = max(mpre, 0) // 4
    spec = [("一、主营业务收入", 1, "rev"), ("减：主营业务成本", 4, "cost"), ("主营业务税金及附加", 5, "surcharge"),
            ("二、主营业务利润（亏损以“－”号填列）", 10, (main, mmain)), ("加：其他业务利润（亏损以“－”号填列）", 11, "other"),
            ("减：营业费用", 14, "selling"), ("管理费用", 15, ("admin", "rnd")), ("财务费用", 16, "finance"),
            ("三、营业利润（亏损以“－”号填列）", 18, (op, mop)), ("加：投资收益（损失以“－”号填列）", 19, "invest"),
            ("补贴收入", 22, None), ("营业外收入", 23, "nonop_in"), ("减：营业外支出", 25, "nonop_out"),
            ("四、利润总额（亏损总额以“－”号填列）", 27, (pre, mpre)), ("减：所得税", 28, (tax, mtax)),
            ("五、净利润（净亏损以“－”号填列）", 30, (pre - tax, mpre - mtax))]
    out = []
    for label, no, key in spec:
        if key is None:
            out.append((label, str(no), None, None))
        elif isinstance(key, tuple) and isinstance(key[0], int):
            out.append((label, str(no), key[1], key[0]))
        elif isinstance(key, tuple):
            out.append((label, str(no), sum(mm[k] for k in key), sum(d[k] for k in key)))
        else:
            out.append((label, str(no), mm[key], d[key]))
    # the old 损益表 has 财务费用 but no 利息费用 row
    return out, {"revenue": d["rev"], "operating_profit": op, "net_profit": pre - tax, "finance_costs": d["finance"],
                 "interest_expense": None, "total_profit": pre}


def income_statement(layout: str, co: SampleCompany, path, *, year: int, rng: random.Random, **_):
    d, p = income(co, year), income(co, year - 1)
    unit, neg = "元", "minus"
    truth_fen = {"revenue": d["rev"], "operating_profit": d["op"], "net_profit": d["net"],
                 "finance_costs": d["finance"], "interest_expense": d["interest"], "total_profit": d["pretax"]}
    s = Sheet(path, "利润表")
    if layout == "cas2019":
        header(s, co, "利润表", "会企02表", f"{year}年度", "元", rng)
        rows = [["项目", "本期金额", "上期金额"]]
        rows += [[lb, money(c), money(pv)] for lb, c, pv in _is2019_rows(d, p, Q)]
        s.table(rows, [260, 120, 120], size=8.5, row_h=16, aligns="lrr")
    elif layout == "old_sunyi":
        header(s, co, "损 益 表", "会企02表", f"{year}年12月", "元", rng)
        rows_old, truth_fen = _old_rows(d, d)
        rows = [["项目", "行次", "本月数", "本年累计数"]]
        rows += [[lb, no, money(m), money(c)] for lb, no, m, c in rows_old]
        s.table(rows, [250, 40, 110, 120], size=8.5, row_h=17, aligns="lcrr")
    elif layout == "small":
        header(s, co, "利润表", "会小企02表", f"{year}年", "元", rng)
        rows = [["项目", "行次", "本年累计金额", "本月金额"]]
        spec = [("一、营业收入", "rev"), ("减：营业成本", "cost"), ("营业税金及附加", "surcharge"),
                ("销售费用", "selling"), ("管理费用", ("admin", "rnd")), ("财务费用", "finance"),
                ("其中：利息费用（收入以“-”号填列）", "interest"), ("加：投资收益（损失以“-”号填列）", "invest"),
                ("二、营业利润（亏损以“-”号填列）", "op"), ("加：营业外收入", "nonop_in"), ("其中：政府补助", None),
                ("减：营业外支出", "nonop_out"), ("三、利润总额（亏损总额以“-”号填列）", "pretax"),
                ("减：所得税费用", "tax"), ("四、净利润（净亏损以“-”号填列）", "net")]
        for i, (label, key) in enumerate(spec, 1):
            if key is None:
                rows.append([label, str(i), "", ""])
                continue
            c = sum(d[k] for k in key) if isinstance(key, tuple) else d[key]
            rows.append([label, str(i), money(c), money(c // 12)])
        s.table(rows, [250, 36, 120, 110], size=8.5, row_h=17, aligns="lcrr")
    elif layout in ("audit_wan", "paren_neg"):
        unit = "万元" if layout == "audit_wan" else "元"
        neg = "paren"
        header(s, co, "利 润 表" if unit == "万元" else "利润表", "会企02表" if unit == "元" else "",
               f"{year}年1-12月", "万元" if unit == "万元" else "人民币元", rng)
        rows = [["项目", "附注", f"{year}年度", f"{year - 1}年度"]]
        for lb, c, pv in _is2019_rows(d, p, "“－”"):
            if c is None and pv is None:
                continue
            rows.append([lb, "", money(c, unit=unit, neg=neg), money(pv, unit=unit, neg=neg)])
        s.table(rows, [250, 40, 110, 110], ruled=layout == "paren_neg", size=8.5, row_h=16, aligns="lcrr")
    else:
        raise KeyError(layout)
    s.line("企业负责人：" + co.legal_rep + "　　财务负责人：　　　　制表人：", 9)
    s.finish()
    out = {"company_name": co.name, "year": year}
    out.update({k: None if v is None else yuan(v, unit) for k, v in truth_fen.items()})
    out["years"] = [year]
    return out


IS_LAYOUTS = ("cas2019", "old_sunyi", "small", "audit_wan", "paren_neg")
