"""Management reports and project papers: sales reports (one year, or three years in one table), the
schedule of loans and guarantees given, articles of association, the officer roster, cash-flow
forecasts, customs declarations, project approvals, funding plans, projected statements, project
schedules and feasibility studies."""

from __future__ import annotations

import random
from datetime import date, timedelta

from ..base import SampleCompany
from . import statements as st
from .letters import BANKS, person
from .paper import Sheet, fmt_date, fmt_year, money

_PRODUCTS = ("主导产品A", "配套产品B", "其他产品")


def sales_report(layout: str, co: SampleCompany, path, *, year: int, rng: random.Random, **_):
    s = Sheet(path, "销售情况报告")
    if layout == "three_years":
        years = [year - 2, year - 1, year]
        s.title(f"{co.name}", 14, 2)
        s.title(f"近三年产品销售情况表（{years[0]}—{year}年）", 15, 8)
        s.line("单位：万元", 9.5, align="r")
        rows = [["产品名称", *(f"{y}年" for y in years), "三年合计"]]
        totals = [st.income(co, y)["rev"] for y in years]
        for k, name in enumerate(_PRODUCTS):
            share = (0.6, 0.3, 0.1)[k]
            vals = [int(t * share) for t in totals]
            rows.append([name, *(money(v, unit="万元") for v in vals), money(sum(vals), unit="万元")])
        rows.append(["合计", *(money(t, unit="万元") for t in totals), money(sum(totals), unit="万元")])
        s.table(rows, [120, 90, 90, 90, 100], size=9.5, row_h=20, aligns="lrrrr")
        s.para(f"注：{year}年销售收入较上年增长{rng.randrange(3, 18)}%，主要客户稳定。", 10)
    elif layout == "monthly":
        years = [year]
        s.title(f"{year}年度销售收入明细表", 16, 4)
        s.pair(f"编制单位：{co.name}", "单位：元", 9.5)
        rev = st.income(co, year)["rev"]
        rows = [["月份", "销售收入", "销售数量（台/件）", "回款金额"]]
        for m in range(1, 13):
            v = rev // 12 if m < 12 else rev - 11 * (rev // 12)
            rows.append([f"{year}年{m}月", money(v), str(rng.randrange(300, 900)), money(v * 97 // 100)])
        rows.append(["合计", money(rev), "", ""])
        s.table(rows, [110, 130, 110, 130], size=9, row_h=17, aligns="lrrr")
    elif layout == "narrative":
        years = [year]
        s.title("关于公司销售情况的报告", 17, 12)
        rev = st.income(co, year)["rev"]
        s.para(f"{co.name}{fmt_year(year, 'upper')}年度（{year}年1月1日至12月31日）实现销售收入"
               f"{money(rev, unit='万元')}万元，其中内销占{rng.randrange(60, 90)}%，外销占其余部分。", 11)
        s.para("主要销售渠道为直销及经销商，前五大客户合计占比约四成。", 11)
        s.line(co.name, 11, align="r")
        s.line(fmt_date(date(year + 1, 1, 15) + timedelta(days=rng.randrange(0, 40)), "cn"), 11, align="r")
    else:
        raise KeyError(layout)
    s.finish()
    return {"company_name": co.name, "year": year, "years": years}


SALES_LAYOUTS = ("three_years", "monthly", "narrative")


def loan_guarantee_schedule(layout: str, co: SampleCompany, path, *, year: int, rng: random.Random,
                            as_of: date | None = None, **_):
    as_of = as_of or date(year + 1, 2, 28)
    loans = [(rng.choice(BANKS) + co.region.city_short + "支行", rng.randrange(100, 800) * 10_000) for _ in range(3)]
    s = Sheet(path, "借款及对外担保情况")
    if layout == "table":
        s.title("企业借款及对外担保情况表", 16, 4)
        s.pair(f"填报单位：{co.name}", f"截至日期：{fmt_date(as_of, 'cn')}　单位：万元", 9.5)
        rows = [["序号", "贷款银行", "借款金额", "起始日", "到期日", "担保方式"]]
        for i, (bank, amt) in enumerate(loans, 1):
            start = as_of - timedelta(days=rng.randrange(30, 300))
            rows.append([str(i), bank, f"{amt / 10000:g}", fmt_date(start, "dash"),
                         fmt_date(start + timedelta(days=365), "dash"), rng.choice(("保证", "抵押", "信用"))])
        s.table(rows, [30, 150, 70, 80, 80, 70], size=9, row_h=18)
        s.line("二、对外担保情况：无。", 10.5)
    elif layout == "month_end":
        s.title(f"存借款及对外担保明细（{as_of.year}年{as_of.month}月末）", 15, 8)
        s.line(f"企业名称：{co.name}", 10.5)
        rows = [["类别", "金融机构", "余额（元）"]]
        rows += [["存款", BANKS[0] + "基本户", money(rng.randrange(10**8, 10**9))]]
        rows += [["借款", b, money(a * 100)] for b, a in loans]
        rows += [["对外担保", "—", "0.00"]]
        s.table(rows, [90, 230, 160], ruled=False, size=10, row_h=18, aligns="llr")
    elif layout == "letter":
        s.title("关于我公司借款及对外担保情况的说明", 16, 12)
        total = sum(a for _b, a in loans)
        s.para(f"截至{fmt_date(as_of, 'cn1')}，{co.name}银行借款余额合计人民币{total / 10000:g}万元，"
               f"分别为：" + "；".join(f"{b}{a / 10000:g}万元" for b, a in loans) + "。我公司无对外担保。", 11)
        s.line(co.name, 11, align="r")
        s.line(fmt_date(as_of + timedelta(days=rng.randrange(1, 8)), "cn"), 11, align="r")
    else:
        raise KeyError(layout)
    s.finish()
    return {"company_name": co.name, "as_of": as_of.isoformat()}


SCHEDULE_LAYOUTS = ("table", "month_end", "letter")


def articles_of_association(layout: str, co: SampleCompany, path, *, year: int, rng: random.Random, **_):
    s = Sheet(path, "公司章程")
    title = {"chapters": f"{co.name}章程", "cover": "章　程", "revised": f"{co.name}章程（{year}年修订）"}[layout]
    if layout == "cover":
        s.gap(200)
        s.title(title, 30, 60)
        s.title(co.name, 16, 10)
        s.title(fmt_date(date(year, 6, 1), "upper")[:5] + "年", 12, 4)
        s.new_page()
    else:
        s.title(title, 17, 14)
    s.line("第一章　总　则", 12, align="c")
    s.para("第一条　为规范公司的组织和行为，保护公司、股东和债权人的合法权益，根据《中华人民共和国公司法》，制定本章程。", 10.5)
    s.para(f"第二条　公司名称：{co.name}。", 10.5)
    s.para(f"第三条　公司住所：{co.address}。", 10.5)
    s.line("第二章　经营范围", 12, align="c")
    s.para(f"第四条　公司经营范围：{co.scope}", 10.5)
    s.line("第三章　注册资本及股东出资", 12, align="c")
    s.para(f"第五条　公司注册资本为人民币{co.registered_capital // 10000}万元。", 10.5)
    s.line("第四章　组织机构", 12, align="c")
    s.para("第六条　股东会由全体股东组成，是公司的权力机构。公司不设董事会，设执行董事一名；不设监事会，设监事一名。", 10.5)
    s.para("第七条　执行董事为公司的法定代表人。", 10.5)
    s.line(f"全体股东签字：{co.legal_rep}", 10.5, align="r")
    s.finish()
    return {"company_name": co.name}


ARTICLES_LAYOUTS = ("chapters", "cover", "revised")


def officer_roster(layout: str, co: SampleCompany, path, *, year: int, rng: random.Random, **_):
    people = [(co.legal_rep, "执行董事、总经理"), (person(rng), "监事"), (person(rng), "财务负责人"),
              (person(rng), "副总经理")]
    s = Sheet(path, "主要负责人名单")
    if layout == "signature_table":
        s.title("董事会成员、主要负责人、财务负责人名单及签字样本", 14, 8)
        s.line(f"单位名称：{co.name}", 10.5)
        s.table([["姓名", "职务", "签字样本", "印鉴样本"], *[[n, t, "", ""] for n, t in people]], [90, 150, 120, 120],
                size=10, row_h=34)
    elif layout == "list":
        s.title(f"{co.name}", 14, 2)
        s.title("董事、监事、高级管理人员名单", 15, 10)
        for i, (n, t) in enumerate(people, 1):
            s.line(f"{i}．{n}　　{t}", 11)
        s.line("以上人员签字样本附后。", 10.5)
    elif layout == "ruled_ids":
        s.title("主要管理人员情况表", 15, 8)
        s.pair(f"企业名称：{co.name}", f"填表日期：{fmt_date(date(year + 1, 2, 1), 'dot')}", 9.5)
        s.table([["序号", "姓名", "职务", "学历", "从业年限"],
                 *[[str(i), n, t, rng.choice(("本科", "大专", "硕士")), str(rng.randrange(5, 30))]
                   for i, (n, t) in enumerate(people, 1)]], [40, 90, 150, 90, 90], size=10, row_h=20)
    else:
        raise KeyError(layout)
    s.finish()
    return {"company_name": co.name}


ROSTER_LAYOUTS = ("signature_table", "list", "ruled_ids")


def _project(rng: random.Random) -> str:
    return rng.choice(("年产5000台智能装备技术改造项目", "新建标准厂房及生产线项目", "数字化车间升级改造项目"))


def project_paper(doc_type: str, layout: str, co: SampleCompany, path, *, year: int, rng: random.Random, **_):
    """The seven project papers, three layouts each: a table, a letter/cover, an unruled list."""
    proj = _project(rng)
    when = date(year + 1, 1, 10) + timedelta(days=rng.randrange(0, 80))
    titles = {
        "cash_flow_forecast": ("现金流量预测表", "未来三年现金流量预测", "资金收支预测表"),
        "customs_document": ("中华人民共和国海关进口货物报关单", "中华人民共和国海关出口货物报关单",
                             "海关进出口货物收发货人备案回执"),
        "approval_document": ("企业投资项目备案通知书", "关于同意项目核准的批复", "浙江省企业投资项目备案（赋码）信息表"),
        "funding_plan": ("项目资金筹措方案", "资金使用计划", "项目投资及资金来源计划表"),
        "projected_financials": ("预计资产负债表及利润表", "未来三年财务预测", "预测财务报表"),
        "project_schedule": ("项目实施进度计划", "项目建设进度安排表", "工程进度计划横道图说明"),
        "feasibility_study": (f"{proj}可行性研究报告", f"{proj}项目建议书", "可行性研究报告"),
    }[doc_type]
    title = titles[{"table": 0, "letter": 1, "list": 2}[layout]]
    s = Sheet(path, title)
    if layout == "letter" and doc_type in ("feasibility_study", "approval_document"):
        if doc_type == "feasibility_study":
            s.gap(150)
            s.title(title, 18, 40)
            s.title(f"建设单位：{co.name}", 13, 8)
            s.title(f"编制时间：{when.year}年{when.month}月", 12, 8)
            s.new_page()
            s.line("目　录", 13, align="c")
            for k, ch in enumerate(("总论", "项目建设背景和必要性", "市场分析", "建设方案", "投资估算与资金筹措",
                                    "财务评价", "结论与建议"), 1):
                s.line(f"第{'一二三四五六七'[k - 1]}章　{ch}", 10.5)
        else:
            s.title(title, 17, 6)
            s.line(f"{co.region.city_short}发改审批〔{when.year}〕{rng.randrange(10, 300)}号", 10, align="c")
            s.line(f"{co.name}：", 11)
            s.para(f"你单位报送的《关于{proj}核准的请示》收悉。经研究，同意该项目核准。项目总投资{rng.randrange(2, 9)}"
                   "千万元，建设期两年。", 11)
            s.line(f"{co.region.city}发展和改革委员会", 11, align="r")
            s.line(fmt_date(when, "upper"), 11, align="r")
    elif layout == "table":
        s.title(title, 16, 4)
        s.pair(f"{'申报单位' if doc_type != 'customs_document' else '境内收发货人'}：{co.name}",
               "单位：万元" if doc_type not in ("customs_document", "project_schedule") else "", 9.5)
        if doc_type == "customs_document":
            rows = [["海关编号", f"{rng.randrange(10**17, 10**18)}", "申报日期", fmt_date(when, "compact")],
                    ["境内收发货人", co.name, "运输方式", "水路运输"], ["商品名称", "液压配件", "成交方式", "FOB"],
                    ["总价", f"USD {rng.randrange(10, 90)},000.00", "监管方式", "一般贸易"]]
            s.table(rows, [90, 170, 80, 140], size=9.5, row_h=22, header_rows=0)
        elif doc_type == "project_schedule":  # a schedule's table is its stages, not figures
            rows = [["序号", "阶段", "主要工作内容", "计划完成时间"]]
            stages = (("前期准备", "项目备案、环评批复、施工图审查"), ("土建施工", "厂房基础及主体结构施工"),
                      ("设备购置", "主要生产设备采购、到货、安装调试"), ("试运行", "联动试车、试生产及竣工验收"))
            for k, (stage, work) in enumerate(stages, 1):
                rows.append([str(k), stage, work, fmt_date(when + timedelta(days=90 * k), "cn1")])
            s.table(rows, [40, 90, 230, 110], size=9.5, row_h=20, aligns="lllc")
        else:
            yrs = [when.year + k for k in range(3)]
            rows = [["项目", *(f"{y}年" for y in yrs)]]
            for item in ("经营活动现金流入", "经营活动现金流出", "投资支出", "借款", "期末余额"):
                rows.append([item, *(f"{rng.randrange(100, 9000):,}.00" for _ in yrs)])
            s.table(rows, [170, 100, 100, 100], size=9.5, row_h=20, aligns="lrrr")
    elif layout == "letter":
        s.title(title, 17, 12)
        s.para(f"{co.name}（以下简称“公司”）拟实施{proj}。根据公司经营计划，现将{title}报告如下：项目计划于"
               f"{fmt_date(when, 'cn1')}启动，所需资金由自有资金及银行借款解决，预计投产后年新增销售收入"
               f"{rng.randrange(2000, 9000)}万元。", 11)
        s.para("以上内容如有变化，公司将及时报告。", 11)
        s.line(f"{co.name}", 11, align="r")
        s.line(fmt_date(when, "upper"), 11, align="r")
    else:
        s.title(title, 16, 10)
        s.line(f"项目单位：{co.name}", 10.5)
        s.line(f"项目名称：{proj}", 10.5)
        for k, item in enumerate(("前期准备", "土建施工", "设备采购及安装", "调试投产"), 1):
            s.line(f"{k}、{item}：{fmt_date(when + timedelta(days=90 * k), 'cn1')}前完成", 10.5)
        s.line(co.name, 10.5, align="r")
    s.finish()
    return {"company_name": co.name}


PROJECT_TYPES = ("cash_flow_forecast", "customs_document", "approval_document", "funding_plan",
                 "projected_financials", "project_schedule", "feasibility_study")
PROJECT_LAYOUTS = ("table", "letter", "list")
