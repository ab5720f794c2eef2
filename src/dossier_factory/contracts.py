"""Writers of plans, projections, contracts and the other document types."""

from __future__ import annotations

import math
from datetime import date, timedelta
from pathlib import Path

from .base import (
    GUARANTOR,
    SampleCompany,
    _cn_date,
    _code_rng,
    _money,
    _rand_date,
    _rmb_upper,
    _years_later,
    make_id_number,
)
from .doctypes import _BANK_WORDS, _CONSULT_WORDS, _project, _signature, _Writer
from .financials import _balance_at, _income_of, _split
from .pdfs import generic_pdf


def _profit_distribution_pdf(co: SampleCompany, path: Path, f: dict) -> Path:
    year, d = f["year"], f["date"]
    net = dict(_income_of(co, year))["四、净利润（净亏损以“-”号填列）"]
    reserve = max(net, 0) // 10
    dividend = max(net - reserve, 0) * 3 // 10 // 100_000 * 100_000
    wr = _Writer(path, f"{year}年度利润分配决议")
    wr.title(f"{co.name}", 16, 6)
    wr.title(f"关于{year}年度利润分配的股东会决议", 17)
    wr.line(f"会议时间：{_cn_date(d)}", 10.5)
    wr.line("出席人员：全体股东", 10.5)
    wr.para(f"经审计，公司{year}年度实现净利润{_money(net)}元。根据《中华人民共和国公司法》和公司章程的规定，"
            "经全体股东一致同意，形成利润分配决议如下：")
    wr.para(f"一、按净利润的10%提取法定公积金{_money(reserve)}元；")
    wr.para(f"二、向全体股东按实缴出资比例分配现金红利{_money(dividend)}元；")
    wr.para("三、剩余未分配利润结转以后年度分配。")
    wr.para("表决结果：同意100%。")
    _signature(wr, co, d, "全体股东签字：")
    return wr.finish()


def _cash_flow_forecast_pdf(co: SampleCompany, path: Path, f: dict) -> Path:
    year = f["year"]
    rng = _code_rng(co, "forecast")
    rev = _income_of(co, year)[0][1]
    wr = _Writer(path, "现金流量预测及营运计划")
    wr.title("现金流量预测及营运计划", 18)
    wr.line(f"编制单位：{co.name}", 9.5, right="单位：万元")
    years = [year + 1, year + 2, year + 3]
    rows = [["项目", *[f"{y}年（预测）" for y in years]]]
    growth = [rng.uniform(1.04, 1.15) for _ in years]
    inflow = [int(rev / 1_000_000 * math.prod(growth[:i + 1])) for i in range(3)]
    outflow = [int(x * rng.uniform(0.86, 0.93)) for x in inflow]
    invest = [rng.randrange(50, 400) for _ in years]
    fin = [rng.randrange(-200, 300) for _ in years]
    rows += [["经营活动现金流入", *map(str, inflow)], ["经营活动现金流出", *map(str, outflow)],
             ["经营活动现金净流量", *[str(a - b) for a, b in zip(inflow, outflow)]],
             ["投资活动现金净流量", *[str(-x) for x in invest]], ["筹资活动现金净流量", *map(str, fin)],
             ["现金净增加额", *[str(a - b - c + d) for a, b, c, d in zip(inflow, outflow, invest, fin)]]]
    wr.table([175, 110, 110, 110], rows, 20, 9, "lrrr")
    wr.line("营运计划", 12)
    for i, item in enumerate((
            f"销售：巩固现有客户，{years[0]}年计划销售收入增长{(growth[0] - 1) * 100:.0f}%；",
            "生产：优化排产，提高设备利用率，控制单位成本；",
            "采购：与主要供应商签订年度框架协议，稳定原材料价格；",
            "资金：保持合理的存货和应收账款周转，按期归还银行借款。"), 1):
        wr.line(f"{i}．{item}", 10.5)
    wr.line("单位负责人：" + co.legal_rep, 9.5)
    return wr.finish()


def _power_of_attorney_pdf(co: SampleCompany, path: Path, f: dict) -> Path:
    agent, d = f["agent"], f["date"]
    rng = _code_rng(co, "poa")
    birth = _rand_date(rng, date(1970, 1, 1), date(1995, 12, 31))
    wr = _Writer(path, "法定代表人授权委托书")
    wr.title("法定代表人授权委托书", 20)
    wr.line(f"{GUARANTOR}：", 11)
    wr.para(f"本人{co.legal_rep}（身份证号码：{co.legal_rep_id}），系{co.name}的法定代表人，现授权委托{agent}为我公司"
            "代理人，以本公司的名义办理向贵公司申请融资担保的相关事宜。")
    wr.para("代理人在授权范围内签署的一切文件和处理的有关事务，我公司均予以承认。代理人无转委托权。")
    wr.line("委托权限：办理担保申请、提交资料、签收文件", 10.5)
    wr.line(f"委托期限：自{_cn_date(d)}至{_cn_date(_years_later(d, 1) - timedelta(days=1))}", 10.5)
    wr.gap(8)
    wr.line(f"受托人：{agent}　身份证号码：{make_id_number(rng, birth, co.division)}", 10.5)
    wr.line(f"委托单位（盖章）：{co.name}", 10.5)
    wr.line(f"法定代表人（签字）：{co.legal_rep}", 10.5)
    wr.line("特此委托。", 10.5)
    wr.line(_cn_date(d), 10.5, x=380)
    return wr.finish()


def _customs_pdf(co: SampleCompany, path: Path, f: dict) -> Path:
    rng = _code_rng(co, "customs")
    wr = _Writer(path, "海关报关单位注册登记证书", landscape=True)
    wr.title("中华人民共和国海关", 18, 6)
    wr.title("报关单位注册登记证书", 26, 20)
    x = 120
    wr.line(f"海关注册编码：{co.division[:4]}{rng.randrange(10**5, 10**6)}{rng.randrange(10)}", 12, x)
    wr.line(f"企业名称：{co.name}", 12, x)
    wr.line(f"统一社会信用代码：{co.credit_code}", 12, x)
    wr.line(f"企业地址：{co.address}", 12, x)
    wr.line(f"法定代表人：{co.legal_rep}", 12, x)
    wr.line("企业经营类别：进出口货物收发货人", 12, x)
    wr.line(f"注册海关：{co.region.city_short}海关", 12, x)
    wr.line(f"注册登记日期：{_cn_date(_rand_date(rng, co.established, date(2024, 12, 31)))}", 12, x)
    wr.line("有效期：长期", 12, x)
    wr.gap(16)
    wr.line("（本证书为报关单位办理海关业务的凭证，不得涂改、转让）", 9, x)
    return wr.finish()


def _approval_pdf(co: SampleCompany, path: Path, f: dict) -> Path:
    p = _project(co)
    wr = _Writer(path, "企业投资项目备案信息表")
    wr.title(f"{co.region.province}企业投资项目备案（赋码）信息表", 16)
    wr.line(f"项目代码：{p.code}", 10, right=f"备案日期：{_cn_date(p.start - timedelta(days=90))}")
    wr.table([130, 365], [
        ["项目名称", p.name], ["项目单位", co.name], ["统一社会信用代码", co.credit_code],
        ["建设地点", p.site], ["建设性质", "技术改造"],
        ["建设规模及内容", "新增数控加工中心、自动化装配线等设备，建成后形成新增产能。"],
        ["总投资", f"{p.invest // 10_000}万元"], ["计划开工时间", f"{p.start.year}年{p.start.month}月"],
        ["备案机关", p.authority]], 24, 9.5)
    wr.para("项目单位对备案信息的真实性、合法性和完整性负责。项目应当在备案后两年内开工建设。")
    wr.line(f"{p.authority}（盖章）", 10.5, x=330)
    return wr.finish()


def _funding_plan_pdf(co: SampleCompany, path: Path, f: dict) -> Path:
    p = _project(co)
    rng = _code_rng(co, "funding")
    total = p.invest // 10_000
    own = total * rng.randrange(30, 50) // 100
    loan = total - own
    uses = _split(total, rng, [(0.5, 0.7), (0.15, 0.3), (0.05, 0.1), (0.05, 0.15)])
    wr = _Writer(path, "项目资金来源及使用计划")
    wr.title("项目资金来源及使用计划", 18)
    wr.line(f"项目单位：{co.name}", 10, right="单位：万元")
    wr.line(f"项目名称：{p.name}", 10)
    wr.line("一、资金来源", 11)
    wr.table([250, 120, 125], [["来源", "金额", "占比"], ["自有资金（资本金）", str(own), f"{own / total:.0%}"],
                               ["银行贷款", str(loan), f"{loan / total:.0%}"], ["合计", str(total), "100%"]], aligns="lrr")
    wr.line("二、资金使用", 11)
    wr.table([250, 120, 125], [["用途", "金额", "使用时间"],
                               ["设备购置及安装", str(uses[0]), f"{p.start.year}年"],
                               ["厂房改造", str(uses[1]), f"{p.start.year}年"],
                               ["其他费用", str(uses[2]), f"{p.start.year}年"],
                               ["铺底流动资金", str(uses[3]), f"{p.start.year + 1}年"],
                               ["合计", str(total), ""]], aligns="lrc")
    wr.line("单位负责人：" + co.legal_rep, 10)
    return wr.finish()


def _projected_pdf(co: SampleCompany, path: Path, f: dict) -> Path:
    year = f["year"]
    rng = _code_rng(co, "projected")
    end = _balance_at(co, year)
    inc = dict(_income_of(co, year))
    years = [year + 1, year + 2, year + 3]
    g = [rng.uniform(1.05, 1.15) ** (i + 1) for i in range(3)]
    wr = _Writer(path, "预计资产负债表及预计损益表")
    wr.title("预计资产负债表", 18)
    wr.line(f"编制单位：{co.name}", 9.5, right="单位：万元")
    wan = lambda fen, k: f"{fen * k / 1_000_000:,.2f}"  # noqa: E731
    rows = [["项目", *[f"{y}年末（预计）" for y in years]]]
    for label in ("流动资产合计", "非流动资产合计", "资产总计", "流动负债合计", "负债合计", "所有者权益合计"):
        rows.append([label, *[wan(end[label], k) for k in g]])
    wr.table([175, 110, 110, 110], rows, 20, 9, "lrrr")
    wr.new_page()
    wr.title("预计损益表", 18)
    wr.line(f"编制单位：{co.name}", 9.5, right="单位：万元")
    rows = [["项目", *[f"{y}年（预计）" for y in years]]]
    for label, key in (("营业收入", "一、营业收入"), ("营业成本", "减：营业成本"),
                       ("营业利润", "二、营业利润（亏损以“-”号填列）"), ("净利润", "四、净利润（净亏损以“-”号填列）")):
        rows.append([label, *[wan(inc[key], k) for k in g]])
    wr.table([175, 110, 110, 110], rows, 20, 9, "lrrr")
    wr.para("预计依据：以近三年经营数据为基础，结合在手订单和新项目投产计划编制。")
    return wr.finish()


def _project_schedule_pdf(co: SampleCompany, path: Path, f: dict) -> Path:
    p = _project(co)
    s = p.start
    wr = _Writer(path, "项目建设进度及营运计划")
    wr.title("项目建设进度及营运计划", 18)
    wr.line(f"项目单位：{co.name}", 10)
    wr.line(f"项目名称：{p.name}", 10)
    stages = [("前期准备", s - timedelta(days=90), s - timedelta(days=1), "备案、环评、设计、设备招标"),
              ("土建改造", s, s + timedelta(days=120), "厂房改造、配套设施建设"),
              ("设备安装调试", s + timedelta(days=121), s + timedelta(days=240), "设备到货、安装、调试"),
              ("试生产", s + timedelta(days=241), s + timedelta(days=300), "小批量试生产、工艺验证"),
              ("竣工投产", s + timedelta(days=301), s + timedelta(days=330), "竣工验收、正式投产")]
    rows = [["阶段", "开始", "结束", "主要内容"]]
    rows += [[a, _cn_date(b), _cn_date(c), d] for a, b, c, d in stages]
    wr.table([90, 95, 95, 215], rows, 20, 9)
    wr.line("营运计划：投产第一年达产60%，第二年达产90%，第三年全面达产。", 10.5)
    return wr.finish()


def _feasibility_pdf(co: SampleCompany, path: Path, f: dict) -> Path:
    p = _project(co)
    rng = _code_rng(co, "feasibility")
    consultant = f"{co.region.city_short}{rng.choice(_CONSULT_WORDS)}工程咨询有限公司"
    wr = _Writer(path, f"{p.name}可行性研究报告")
    wr.gap(100)
    wr.title(p.name, 18, 16)
    wr.title("可行性研究报告", 26, 80)
    wr.line(f"项目单位：{co.name}", 12, x=150)
    wr.line(f"编制单位：{consultant}", 12, x=150)
    wr.line(f"编制日期：{p.start.year - 1}年{rng.randrange(6, 13)}月", 12, x=150)
    wr.new_page()
    wr.title("第一章　总论", 14)
    wr.para(f"项目名称：{p.name}。项目建设地点：{p.site}。项目总投资{p.invest // 10_000}万元。")
    wr.title("第二章　市场分析", 14)
    wr.para("国内市场需求稳步增长，进口替代空间较大，项目产品具有较强的市场竞争力。")
    wr.title("第三章　投资估算与资金筹措", 14)
    wr.para("项目投资估算包括设备购置费、安装工程费、工程建设其他费用及铺底流动资金。")
    wr.title("第四章　经济效益与财务评价", 14)
    wr.para("项目达产后预计年新增销售收入可观，投资回收期约五年，财务内部收益率高于行业基准收益率，项目可行。")
    wr.title("第五章　风险分析", 14)
    wr.para("主要风险为市场风险、原材料价格风险和技术风险，项目单位已制定相应的应对措施。")
    return wr.finish()


def _trade_contract_pdf(co: SampleCompany, path: Path, f: dict) -> Path:
    other, items = f["other"], f["items"]
    seller, buyer = (co, other) if f["role"] == "seller" else (other, co)
    rng = _code_rng(co, "contract")
    total = f["amount_fen"]
    wr = _Writer(path, "购销合同")
    wr.title("购销合同", 22)
    wr.line(f"合同编号：GX{f['signed']:%Y%m}{rng.randrange(100, 999)}", 10, right=f"签订日期：{_cn_date(f['signed'])}")
    wr.line(f"供方（卖方）：{seller.name}", 10.5)
    wr.line(f"需方（买方）：{buyer.name}", 10.5)
    wr.para("根据《中华人民共和国民法典》及相关法律法规，供需双方经友好协商，就下列产品的购销事宜达成如下条款：")
    wr.line("一、产品名称、数量、金额", 11)
    rows = [["产品名称", "计量单位", "数量", "单价（元）", "金额（元）"]]
    for product, unit, qty, price in items:
        rows.append([product, unit, f"{qty:,}", _money(price), _money(qty * price)])
    rows.append(["合计", "", "", "", _money(total)])
    wr.table([150, 70, 70, 100, 105], rows, 20, 9, "lcrrr")
    wr.line(f"合同总金额：人民币（大写）{_rmb_upper(total)}（¥{_money(total)}）", 10.5)
    wr.line("二、质量标准：按国家标准及双方确认的技术协议执行。", 10.5)
    wr.line(f"三、交货时间及地点：{f['signed'].year}年{f['signed'].month}月底前交货至需方指定仓库，运费由供方承担。", 10.5)
    wr.line("四、验收：需方应在收到货物后七日内验收，逾期视为验收合格。", 10.5)
    wr.line("五、付款方式：需方以国内信用证方式支付全部货款，信用证有效期不少于九十天。", 10.5)
    wr.line("六、违约责任：任何一方违约，应按合同总金额的5%向守约方支付违约金。", 10.5)
    wr.line("七、争议解决：协商不成的，向合同签订地人民法院提起诉讼。", 10.5)
    wr.gap(16)
    wr.line(f"供方（盖章）：{seller.name}", 10, right=f"需方（盖章）：{buyer.name}")
    return wr.finish()


def _letter_of_credit_pdf(co: SampleCompany, path: Path, f: dict) -> Path:
    other = f["other"]
    seller, buyer = (co, other) if f["role"] == "seller" else (other, co)
    rng = _code_rng(co, "lc")
    total = f["amount_fen"]
    issue = f["signed"] + timedelta(days=10)
    bank = f"{rng.choice(_BANK_WORDS)}银行股份有限公司{buyer.region.city_short}分行"
    wr = _Writer(path, "国内信用证")
    wr.title("国内信用证", 22)
    wr.line(f"开证日期：{_cn_date(issue)}", 10, right=f"信用证编号：LC{issue:%Y%m%d}{rng.randrange(1000, 9999)}")
    wr.table([130, 365], [
        ["开证行", bank], ["开证申请人", buyer.name], ["受益人", seller.name],
        ["通知行", f"{rng.choice(_BANK_WORDS)}银行股份有限公司{seller.region.city_short}分行"],
        ["信用证金额", f"人民币{_rmb_upper(total)}（¥{_money(total)}）"],
        ["有效期及有效地点", f"{_cn_date(issue + timedelta(days=90))}，在通知行"],
        ["付款方式", "即期付款"], ["货物描述", "、".join(p for p, _, _, _ in f["items"]) + "，详见购销合同"],
        ["交单期", "货物发运后十五天内，但须在信用证有效期内"], ["是否可转让", "不可转让"],
        ["单据要求", "增值税专用发票、货物运输单据、验收单"]], 22, 9.5)
    wr.para("本信用证依据《国内信用证结算办法》开立。开证行保证在收到单证相符的单据后履行付款责任。")
    wr.line(f"{bank}（业务专用章）", 10.5, x=300)
    return wr.finish()


def _other_pdf(co: SampleCompany, path: Path, f: dict) -> Path:
    year = f["year"]
    lines = ["各部门：", f"根据国家有关规定，结合公司实际情况，现将{year + 1}年国庆节放假安排通知如下：",
             f"一、{year + 1}年10月1日至10月7日放假，共7天。",
             "二、放假期间各部门做好防火、防盗等安全工作，值班人员保持通讯畅通。",
             "三、节后上班第一天，各部门负责人召开部门例会。", "特此通知。", f"{co.name}行政部",
             _cn_date(date(year + 1, 9, 25))]
    return generic_pdf(path, "关于国庆节放假安排的通知", lines)
