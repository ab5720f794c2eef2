"""Cash-flow statements, statements of changes in equity and audit reports (with their statements).

Audit reports follow the CICPA wording of 中国注册会计师审计准则第1501号 (2017: 审计意见 first) or the
older order (管理层的责任 … 审计意见 last); a report may cover one, two or three years.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from ..base import SampleCompany, _code_rng
from ..financials import _balance_at, _cash_flow_rows
from . import statements as st
from .paper import Sheet, fmt_date, money, yuan

# ---------------------------------------------------------------------------
# cash flow statement
# ---------------------------------------------------------------------------

_SMALL_CF = {"销售商品、提供劳务收到的现金": "销售产成品、商品、提供劳务收到的现金",
             "购买商品、接受劳务支付的现金": "购买原材料、商品、接受劳务支付的现金",
             "支付给职工以及为职工支付的现金": "支付的职工薪酬"}
_SECTIONS = {"销售商品、提供劳务收到的现金": "一、经营活动产生的现金流量：",
             "处置固定资产、无形资产和其他长期资产收回的现金净额": "二、投资活动产生的现金流量：",
             "取得借款收到的现金": "三、筹资活动产生的现金流量："}


def cash_flow_statement(layout: str, co: SampleCompany, path, *, year: int, rng: random.Random, **_):
    rows_cf = _cash_flow_rows(co, year)
    op = next(c for lb, c, _p in rows_cf if lb == "经营活动产生的现金流量净额")
    unit = "万元" if layout == "wan_paren" else "元"
    neg = "paren" if layout in ("wan_paren", "cas2019_paren") else "minus"
    s = Sheet(path, "现金流量表")
    if layout in ("cas2019", "cas2019_paren"):
        st.header(s, co, "现金流量表", "会企03表", f"{year}年度", "元", rng)
        head = ["项目", "本期金额", "上期金额"]
    elif layout == "small":
        st.header(s, co, "现金流量表", "会小企03表", f"{year}年", "元", rng)
        head = ["项目", "行次", "本年累计金额", "本月金额"]
    elif layout == "wan_paren":
        st.header(s, co, "现 金 流 量 表", "", f"{year}年1月1日至{year}年12月31日", "人民币万元", rng)
        head = ["项目", f"{year}年度", f"{year - 1}年度"]
    else:
        raise KeyError(layout)
    rows = [head]
    for i, (label, cur, prev) in enumerate(rows_cf, 1):
        if label in _SECTIONS:
            rows.append([_SECTIONS[label]] + [""] * (len(head) - 1))
        if layout == "small":
            rows.append([_SMALL_CF.get(label, label), str(i), money(cur), money(cur // 12)])
        else:
            rows.append([label, money(cur, unit=unit, neg=neg), money(prev, unit=unit, neg=neg)])
    s.table(rows, [270, 40, 110, 110][: len(head)] if layout == "small" else [280, 115, 115],
            ruled=layout != "wan_paren", size=8.2, row_h=15, aligns="lcrr" if layout == "small" else "lrr")
    s.line("单位负责人：" + co.legal_rep + "　　会计主管：　　　　复核：　　　　制表：", 9)
    s.finish()
    return {"company_name": co.name, "year": year, "operating_cash_flow": yuan(op, unit), "years": [year]}


CF_LAYOUTS = ("cas2019", "cas2019_paren", "small", "wan_paren")


# ---------------------------------------------------------------------------
# statement of changes in equity
# ---------------------------------------------------------------------------

def _equity_moves(co: SampleCompany, year: int) -> list[tuple[str, list[int | None]]]:
    b0, b1 = _balance_at(co, year - 1), _balance_at(co, year)
    keys = ("实收资本（或股本）", "资本公积", "盈余公积", "未分配利润", "所有者权益合计")
    start = [b0[k] for k in keys]
    end = [b1[k] for k in keys]
    net = st.income(co, year)["net"]
    d_cap, d_res, d_sur = (end[i] - start[i] for i in range(3))
    dist = start[3] + net - d_sur - end[3]
    zero = [None] * 5
    return [
        ("一、上年年末余额", start), ("加：会计政策变更", zero), ("前期差错更正", zero), ("二、本年年初余额", start),
        ("三、本年增减变动金额（减少以“－”号填列）", [d_cap, d_res, d_sur, end[3] - start[3], end[4] - start[4]]),
        ("（一）综合收益总额", [None, None, None, net, net]),
        ("（二）所有者投入和减少资本", [d_cap, d_res, None, None, d_cap + d_res]),
        ("（三）利润分配", [None, None, d_sur, -d_sur - dist, -dist]),
        ("1．提取盈余公积", [None, None, d_sur, -d_sur, None]),
        ("2．对所有者（或股东）的分配", [None, None, None, -dist, -dist]),
        ("四、本年年末余额", end)]


def equity_statement(layout: str, co: SampleCompany, path, *, year: int, rng: random.Random, **_):
    moves = _equity_moves(co, year)
    cols = ["实收资本（或股本）", "资本公积", "盈余公积", "未分配利润", "所有者权益合计"]
    if layout == "cas_wide":
        s = Sheet(path, "所有者权益变动表", landscape=True)
        st.header(s, co, "所有者权益变动表", "会企04表", f"{year}年度", "元", rng)
        rows = [["项目", *cols]] + [[lb, *(money(v) for v in vals)] for lb, vals in moves]
        s.table(rows, [190, 100, 90, 90, 100, 110], size=8, row_h=17, aligns="lrrrrr")
    elif layout == "shareholders":
        s = Sheet(path, "股东权益变动表", landscape=True)
        st.header(s, co, "股东权益变动表", "", f"{year}年1-12月", "人民币元", rng)
        rows = [["项目", "行次", "股本", "资本公积", "盈余公积", "未分配利润", "股东权益合计"]]
        rows += [[lb.replace("所有者", "股东"), str(i), *(money(v, neg="paren") for v in vals)]
                 for i, (lb, vals) in enumerate(moves, 1)]
        s.table(rows, [180, 30, 95, 85, 85, 95, 105], ruled=False, size=8, row_h=17, aligns="lcrrrrr")
    elif layout == "vertical_wan":
        s = Sheet(path, "所有者权益变动表")
        st.header(s, co, "所有者权益（股东权益）变动表", "", f"{year}年度", "万元", rng)
        rows = [["项目", "本年金额", "上年金额"]]
        prev = dict(_equity_moves(co, year - 1))
        for lb, vals in moves:
            rows.append([lb, money(vals[4], unit="万元"), money(prev[lb][4], unit="万元")])
        s.table(rows, [280, 110, 110], size=8.5, row_h=17, aligns="lrr")
    else:
        raise KeyError(layout)
    s.line("法定代表人：" + co.legal_rep + "　　主管会计工作负责人：　　　　会计机构负责人：", 9)
    s.finish()
    return {"company_name": co.name, "year": year, "years": [year]}


EQ_LAYOUTS = ("cas_wide", "shareholders", "vertical_wan")


# ---------------------------------------------------------------------------
# audit report
# ---------------------------------------------------------------------------

_FIRM_A = "信衡立诚德正天勤永和中瑞明达"
_FIRM_B = ("会计师事务所（特殊普通合伙）", "会计师事务所有限公司", "会计师事务所（普通合伙）")


def audit_firm(co: SampleCompany) -> str:
    rng = _code_rng(co, "variant-audit-firm")
    a = "".join(rng.sample(_FIRM_A, 2))
    return f"{co.region.city_short}{a}{rng.choice(_FIRM_B)}"


_OPINION_HEAD = {"standard": "审计意见", "emphasis": "审计意见", "qualified": "保留意见",
                 "adverse": "否定意见", "disclaimer": "无法表示意见"}


def _opinion_text(op: str, co: SampleCompany, short: str, years: list[int]) -> list[tuple[str, str]]:
    ends = "、".join(f"{y}年12月31日" for y in years)
    yrs = "、".join(f"{y}年度" for y in years)
    scope = (f"我们审计了{co.name}（以下简称“{short}公司”）财务报表，包括{ends}的资产负债表，{yrs}的利润表、"
             f"现金流量表、所有者权益变动表以及相关财务报表附注。")
    fair = (f"我们认为，后附的财务报表在所有重大方面按照企业会计准则的规定编制，公允反映了{short}公司{ends}的"
            f"财务状况以及{yrs}的经营成果和现金流量。")
    if op in ("standard", "emphasis"):
        out = [("审计意见", scope + fair),
               ("形成审计意见的基础", "我们按照中国注册会计师审计准则的规定执行了审计工作。我们相信，我们获取的审计证据是"
                                     "充分、适当的，为发表审计意见提供了基础。")]
        if op == "emphasis":
            out.append(("强调事项", f"我们提醒财务报表使用者关注，如财务报表附注所述，{short}公司存在对外担保涉及的未决诉讼，"
                                    "其结果具有不确定性。本段内容不影响已发表的审计意见。"))
        return out
    if op == "qualified":
        return [("保留意见", scope + "我们认为，除“形成保留意见的基础”部分所述事项产生的影响外，后附的财务报表在所有重大"
                 f"方面按照企业会计准则的规定编制，公允反映了{short}公司{ends}的财务状况。"),
                ("形成保留意见的基础", f"{short}公司未对部分账龄超过三年的应收账款计提坏账准备，我们无法获取充分、适当的审计证据。")]
    if op == "adverse":
        return [("否定意见", scope + "我们认为，由于“形成否定意见的基础”部分所述事项的重要性，后附的财务报表没有在所有重大"
                 f"方面按照企业会计准则的规定编制，未能公允反映{short}公司{ends}的财务状况。"),
                ("形成否定意见的基础", f"{short}公司未将其控制的子公司纳入合并范围。")]
    if op == "disclaimer":
        return [("无法表示意见", f"我们接受委托，审计{co.name}（以下简称“{short}公司”）财务报表。我们不对后附的"
                 f"{short}公司财务报表发表审计意见。由于“形成无法表示意见的基础”部分所述事项的重要性，我们无法获取充分、"
                 "适当的审计证据以作为对财务报表发表审计意见的基础。"),
                ("形成无法表示意见的基础", f"{short}公司存货盘点记录缺失，我们无法实施替代程序。")]
    raise KeyError(op)


def audit_report(layout: str, co: SampleCompany, path, *, year: int, rng: random.Random, opinion: str = "standard",
                 years_covered: int | None = None, **_):
    n = years_covered or {"cicpa2017": 1, "old_order": 1, "multi_year": rng.choice((2, 3)), "cover_pages": 1}[layout]
    years = list(range(year - n + 1, year + 1))
    firm = audit_firm(co)
    short = co.short[:2]
    issued = date(year + 1, 3, 1) + timedelta(days=rng.randrange(0, 50))
    number = f"{co.region.city_short[0]}{firm[len(co.region.city_short):][:2]}审字〔{year + 1}〕第{rng.randrange(100, 999)}号"
    s = Sheet(path, "审计报告")
    if layout == "cover_pages":
        s.gap(160)
        s.title(co.name, 20, 20)
        s.title(f"{year}年度财务报表审计报告", 18, 160)
        s.title(firm, 14, 6)
        s.title(fmt_date(issued, "upper"), 12, 6)
        s.new_page()
    s.title("审 计 报 告" if layout != "old_order" else "审计报告", 18, 4)
    s.line(number, 10, align="c")
    s.line(f"{co.name}全体股东：", 11)
    paras = _opinion_text(opinion, co, short, years)
    if layout == "old_order":
        s.para(paras[0][1].split("我们认为")[0])
        s.line("一、管理层对财务报表的责任", 11)
        s.para("编制和公允列报财务报表是贵公司管理层的责任。")
        s.line("二、注册会计师的责任", 11)
        s.para("我们的责任是在执行审计工作的基础上对财务报表发表审计意见。")
        head = "三、" + _OPINION_HEAD[opinion]
        s.line(head, 11)
        s.para(("我们认为" + paras[0][1].split("我们认为", 1)[1]) if "我们认为" in paras[0][1] else paras[0][1])
        for title, body in paras[1:]:
            s.line(("四、" if title == "强调事项" else "") + title, 11)
            s.para(body)
    else:
        for i, (title, body) in enumerate(paras):
            s.line("一二三四五"[i] + "、" + title, 11)
            s.para(body)
        k = len(paras)
        s.line("一二三四五六"[k] + "、管理层和治理层对财务报表的责任", 11)
        s.para(f"{short}公司管理层负责按照企业会计准则的规定编制财务报表，使其实现公允反映。")
        s.line("一二三四五六七"[k + 1] + "、注册会计师对财务报表审计的责任", 11)
        s.para("我们的目标是对财务报表整体是否不存在由于舞弊或错误导致的重大错报获取合理保证，并出具包含审计意见的审计报告。")
    s.gap(10)
    s.line(firm, 10.5, x=s.margin)
    s.line("中国注册会计师：　　　　（项目合伙人）", 10.5, x=s.w - s.margin - 230)
    s.line(f"中国·{co.region.city}", 10.5, x=s.margin)
    s.line("中国注册会计师：", 10.5, x=s.w - s.margin - 230)
    s.line(fmt_date(issued, rng.choice(("upper", "cn"))), 10.5, x=s.w - s.margin - 230)
    # The statements follow the opinion, as printed in the report (the latest year's figures).
    s.new_page()
    cur, prev = st.balance(co, year), st.balance(co, year - 1)
    s.title("资产负债表", 15, 4)
    s.pair(f"编制单位：{co.name}", f"{year}年12月31日　　单位：元", 9)
    rows = [["项目", "期末余额", "上年年末余额"]]
    for label, key in [*st.BS2019_A, ("资产总计", "资产总计"), *st.BS2019_L,
                       ("负债和所有者权益（或股东权益）总计", "负债和所有者权益总计")]:
        if key != "":
            rows.append([label, money(st._val(cur, key)), money(st._val(prev, key))])
    s.table(rows, [260, 120, 120], size=7.5, row_h=12.5, aligns="lrr")
    s.new_page()
    d, p = st.income(co, year), st.income(co, year - 1)
    s.title("利润表", 15, 4)
    s.pair(f"编制单位：{co.name}", f"{year}年度　　单位：元", 9)
    rows = [["项目", "本期金额", "上期金额"]]
    rows += [[lb, money(c), money(pv)] for lb, c, pv in st._is2019_rows(d, p, "“-”") if c is not None]
    s.table(rows, [260, 120, 120], size=8, row_h=14, aligns="lrr")
    s.finish()
    return {"company_name": co.name, "year": year, "audit_firm": firm, "opinion": opinion, "years": years}


AUDIT_LAYOUTS = ("cicpa2017", "old_order", "multi_year", "cover_pages")
