"""Writers of the form-like document types (reports, certificates, rosters, resolutions)."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from .base import (
    GUARANTOR,
    SampleCompany,
    _cn_date,
    _code_rng,
    _money,
    _rand_date,
    _wan,
    _years_later,
    make_id_number,
)
from .doctypes import (
    _BANK_WORDS,
    _counterparty,
    _person_name,
    _products,
    _signature,
    _Writer,
)
from .financials import _balance_at, _cash_flow_rows, _income_of, _split
from .pdfs import _draw_balance_sheet, _draw_income_statement, _text

# --- writers of the other types ------------------------------------------------------------


def _annual_report_pdf(co: SampleCompany, path: Path, f: dict) -> Path:
    year = f["year"]
    rng = _code_rng(co, f"annual:{year}")
    wr = _Writer(path, f"{year}年度报告")
    wr.line("国家企业信用信息公示系统", 9)
    wr.title(f"{co.name}{year}年度报告", 16)
    wr.line("一、企业基本信息", 11)
    wr.table([150, 345], [
        ["统一社会信用代码/注册号", co.credit_code], ["企业名称", co.name],
        ["企业通信地址", co.address], ["邮政编码", f"{co.division[:3]}0{rng.randrange(10, 99)}"],
        ["企业联系电话", f"0{rng.randrange(510, 599)}-{rng.randrange(10**7, 10**8)}"],
        ["从业人数", "企业选择不公示"], ["企业经营状态", "存续（在营、开业、在册）"],
        ["是否有网站或网店", "否"], ["是否有投资信息或购买其他公司股权", "否"],
        ["有无对外提供保证担保信息", "否"]])
    wr.line("二、股东及出资信息", 11)
    wr.table([120, 125, 125, 125], [["股东", "认缴出资额（万元）", "实缴出资额（万元）", "出资方式"],
                                    [co.legal_rep, f"{co.registered_capital / 10_000:g}",
                                     f"{co.registered_capital / 10_000:g}", "货币"]])
    wr.line("三、资产状况信息", 11)
    wr.table([165, 165, 165], [["资产总额", "所有者权益合计", "营业总收入"],
                               ["企业选择不公示", "企业选择不公示", "企业选择不公示"]])
    wr.line(f"公示日期：{_cn_date(date(year + 1, rng.randrange(1, 7), rng.randrange(1, 29)))}", 9)
    return wr.finish()


def _org_code_pdf(co: SampleCompany, path: Path, f: dict) -> Path:
    rng = _code_rng(co, "org-cert")
    issued = f["issued"]
    until = _years_later(issued, 4) - timedelta(days=1)
    wr = _Writer(path, "组织机构代码证", landscape=True)
    wr.title("中华人民共和国", 16, 6)
    wr.title("组织机构代码证", 30, 20)
    wr.line("（副本）", 11, x=wr.w / 2 - 25)
    wr.gap(10)
    x = 120
    wr.line(f"代　　码：{co.credit_code[8:16]}-{co.credit_code[16]}", 12, x)
    wr.line(f"机构名称：{co.name}", 12, x)
    wr.line("机构类型：企业法人", 12, x)
    wr.line(f"地　　址：{co.address}", 12, x)
    wr.line(f"有 效 期：自{_cn_date(issued)}至{_cn_date(until)}", 12, x)
    wr.line(f"颁发单位：{co.region.city}质量技术监督局", 12, x)
    wr.line(f"登 记 号：组代管{co.division}-{rng.randrange(10**5, 10**6)}", 12, x)
    wr.gap(10)
    wr.line("说明：1．中华人民共和国组织机构代码是组织机构在中华人民共和国境内唯一的、始终不变的法定代码标识。", 9, x)
    wr.line("2．本证书应每年年检，有效期满后需重新申领。", 9, x + 36)
    return wr.finish()


_OPINION_TEXT = {
    "standard": ("审计意见", "我们认为，后附的财务报表在所有重大方面按照企业会计准则的规定编制，公允反映了贵公司{end}的财务状况"
                 "以及{year}年度的经营成果和现金流量。", None),
    "emphasis": ("审计意见", "我们认为，后附的财务报表在所有重大方面按照企业会计准则的规定编制，公允反映了贵公司{end}的财务状况"
                 "以及{year}年度的经营成果和现金流量。",
                 ("强调事项", "我们提醒财务报表使用者关注，如财务报表附注十所述，贵公司的主要客户于{year}年度发生经营困难，"
                              "相关应收账款的可收回性存在不确定性。本段内容不影响已发表的审计意见。")),
    "qualified": ("保留意见", "我们认为，除“形成保留意见的基础”部分所述事项可能产生的影响外，后附的财务报表在所有重大方面"
                  "按照企业会计准则的规定编制，公允反映了贵公司{end}的财务状况以及{year}年度的经营成果和现金流量。", None),
    "adverse": ("否定意见", "我们认为，由于“形成否定意见的基础”部分所述事项的重要性，后附的财务报表没有在所有重大方面按照"
                "企业会计准则的规定编制，未能恰当反映贵公司{end}的财务状况以及{year}年度的经营成果和现金流量。", None),
    "disclaimer": ("无法表示意见", "我们不对后附的贵公司财务报表发表审计意见。由于“形成无法表示意见的基础”部分所述事项的重要性，"
                   "我们无法获取充分、适当的审计证据以作为对财务报表发表审计意见的基础。", None),
}
_OPINION_BASIS = {
    "standard": "我们按照中国注册会计师审计准则的规定执行了审计工作。审计报告的“注册会计师对财务报表审计的责任”部分进一步阐述了"
                "我们在这些准则下的责任。按照中国注册会计师职业道德守则，我们独立于贵公司，并履行了职业道德方面的其他责任。"
                "我们相信，我们获取的审计证据是充分、适当的，为发表审计意见提供了基础。",
    "qualified": "贵公司{end}资产负债表中应收账款余额中有部分款项账龄超过三年，我们无法就其可收回性获取充分、适当的审计证据，"
                 "因此无法确定是否有必要对这些金额作出调整。我们相信，我们获取的审计证据是充分、适当的，为发表保留意见提供了基础。",
    "adverse": "如财务报表附注所述，贵公司未对存货计提跌价准备，亦未将重大对外担保事项在财务报表中披露，该等事项对财务报表的影响"
               "重大且具有广泛性。我们相信，我们获取的审计证据是充分、适当的，为发表否定意见提供了基础。",
    "disclaimer": "贵公司财务记录不完整，我们未能对存货、固定资产实施监盘，也无法实施其他替代审计程序。",
}


def _audit_report_pdf(co: SampleCompany, path: Path, f: dict) -> Path:
    year, opinion, firm = f["year"], f["opinion"], f["firm"]
    rng = _code_rng(co, f"audit:{year}")
    number = f"{firm[:firm.index('会计师')].removeprefix(co.region.city_short)}审字〔{year + 1}〕第{rng.randrange(100, 999)}号"
    end = f"{year}年12月31日"
    wr = _Writer(path, f"{year}年度审计报告")
    wr.gap(120)
    wr.title(co.name, 18, 30)
    wr.title(f"{year}年度财务报表", 18, 40)
    wr.title("审计报告", 30, 200)
    wr.title(firm, 14, 10)
    wr.title(number, 11)
    wr.new_page()
    wr.title("审计报告", 18)
    wr.line(number, 10, x=380)
    wr.line(f"{co.name}全体股东：", 11)
    head, text, extra = _OPINION_TEXT[opinion]
    wr.line(f"一、{head}", 11)
    wr.para(f"我们审计了{co.name}（以下简称贵公司）财务报表，包括{end}的资产负债表，{year}年度的利润表、现金流量表、"
            "所有者权益变动表以及相关财务报表附注。")
    wr.para(text.format(end=end, year=year))
    basis = "审计意见" if opinion in ("standard", "emphasis") else head
    wr.line(f"二、形成{basis}的基础", 11)
    wr.para(_OPINION_BASIS.get(opinion, _OPINION_BASIS["standard"]).format(end=end))
    n = 3
    if extra:
        wr.line(f"三、{extra[0]}", 11)
        wr.para(extra[1].format(year=year))
        n = 4
    cn = "一二三四五六"
    wr.line(f"{cn[n - 1]}、管理层和治理层对财务报表的责任", 11)
    wr.para("贵公司管理层负责按照企业会计准则的规定编制财务报表，使其实现公允反映，并设计、执行和维护必要的内部控制，"
            "以使财务报表不存在由于舞弊或错误导致的重大错报。")
    wr.line(f"{cn[n]}、注册会计师对财务报表审计的责任", 11)
    wr.para("我们的目标是对财务报表整体是否不存在由于舞弊或错误导致的重大错报获取合理保证，并出具包含审计意见的审计报告。")
    wr.gap(16)
    wr.line(firm, 10.5, right="中国注册会计师：" + _person_name(rng))
    wr.line(f"中国·{co.region.city_short}", 10.5, right="中国注册会计师：" + _person_name(rng))
    wr.line(_cn_date(f["signed"]), 10.5, x=380)
    wr.new_page()
    _draw_balance_sheet(wr.c, co, year)
    wr.new_page()
    _draw_income_statement(wr.c, co, year)
    wr.new_page()
    wr.y = wr.h - 55
    _draw_cash_flow(wr, co, year)
    return wr.finish()


_CF_HEADINGS = {"销售商品、提供劳务收到的现金": "一、经营活动产生的现金流量：",
                "处置固定资产、无形资产和其他长期资产收回的现金净额": "二、投资活动产生的现金流量：",
                "取得借款收到的现金": "三、筹资活动产生的现金流量："}


def _draw_cash_flow(wr: _Writer, co: SampleCompany, year: int) -> None:
    c, w = wr.c, wr.w
    _text(c, w / 2, 780, "现金流量表", 20, "c")
    _text(c, w - 40, 782, "会企03表", 9, "r")
    _text(c, 40, 755, f"编制单位：{co.name}", 9)
    _text(c, w / 2 + 40, 755, f"{year}年度", 9, "c")
    _text(c, w - 40, 755, "单位：元", 9, "r")
    rows = [["项目", "本期金额", "上期金额"]]
    for label, cur, prev in _cash_flow_rows(co, year):
        if label in _CF_HEADINGS:
            rows.append([_CF_HEADINGS[label], "", ""])
        rows.append([label, _money(cur), _money(prev)])
    wr.y = 745
    wr.table([275, 120, 120], rows, 18, 8, "lrr")
    _text(c, 40, wr.y - 10, "单位负责人：" + co.legal_rep, 9)


def _cash_flow_pdf(co: SampleCompany, path: Path, f: dict) -> Path:
    wr = _Writer(path, f"{f['year']}年度现金流量表")
    _draw_cash_flow(wr, co, f["year"])
    return wr.finish()


def _equity_statement_pdf(co: SampleCompany, path: Path, f: dict) -> Path:
    year = f["year"]
    begin, end = _balance_at(co, year - 1), _balance_at(co, year)
    net = dict(_income_of(co, year))["四、净利润（净亏损以“-”号填列）"]
    cols = ("实收资本（或股本）", "资本公积", "盈余公积", "未分配利润", "所有者权益合计")
    b = [begin[k] for k in cols]
    e = [end[k] for k in cols]
    delta = [x - y for x, y in zip(e, b)]
    surplus = max(delta[2], 0)
    other = [d - (net if i == 3 else 0) + (surplus if i == 3 else 0) - (surplus if i == 2 else 0)
             for i, d in enumerate(delta[:4])]
    wr = _Writer(path, f"{year}年度所有者权益变动表", landscape=True)
    c = wr.c
    _text(c, wr.w / 2, wr.h - 60, "所有者权益变动表", 20, "c")
    _text(c, wr.w - 40, wr.h - 58, "会企04表", 9, "r")
    _text(c, 40, wr.h - 85, f"编制单位：{co.name}", 9)
    _text(c, wr.w / 2, wr.h - 85, f"{year}年度", 9, "c")
    _text(c, wr.w - 40, wr.h - 85, "单位：元", 9, "r")
    m = lambda xs: [_money(x) for x in xs]  # noqa: E731
    rows = [["项目", *cols],
            ["一、上年年末余额", *m(b)], ["加：会计政策变更", "", "", "", "", ""],
            ["二、本年年初余额", *m(b)], ["三、本年增减变动金额", *m(delta)],
            ["（一）综合收益总额", "", "", "", _money(net), _money(net)],
            ["（二）所有者投入和减少资本", _money(other[0]), _money(other[1]), "", "", _money(other[0] + other[1])],
            ["（三）利润分配", "", "", _money(surplus), _money(-surplus), ""],
            ["1．提取盈余公积", "", "", _money(surplus), _money(-surplus), ""],
            ["（四）其他", "", "", _money(other[2]), _money(other[3]), _money(other[2] + other[3])],
            ["四、本年年末余额", *m(e)]]
    wr.y = wr.h - 95
    wr.table([190, 115, 100, 100, 115, 120], rows, 20, 8, "lrrrrr")
    return wr.finish()


def _sales_report_pdf(co: SampleCompany, path: Path, f: dict) -> Path:
    year = f["year"]
    rng = _code_rng(co, f"sales:{year}")
    rev = _income_of(co, year)[0][1] // 100
    wr = _Writer(path, f"{year}年度产品销量情况表")
    wr.title(f"{year}年度主要产品产销量情况表", 17)
    wr.line(f"填报单位：{co.name}", 9.5, right="金额单位：万元")
    rows = [["产品名称", "计量单位", "产量", "销量", "产销率", "销售收入（万元）"]]
    shares = _split(rev, rng, [(0.3, 0.6)] * len(_products(co)))
    for (product, unit), share in zip(_products(co), shares):
        made = rng.randrange(800, 9000)
        sold = int(made * rng.uniform(0.88, 0.99))
        rows.append([product, unit, f"{made:,}", f"{sold:,}", f"{sold / made:.1%}", f"{share / 10_000:,.2f}"])
    rows.append(["合计", "", "", "", "", f"{rev / 10_000:,.2f}"])
    wr.table([110, 60, 80, 80, 70, 95], rows, 20, 9, "lcrrrr")
    wr.para(f"{year}年度公司主要产品销售情况良好，产销率保持在较高水平，主要客户稳定，无重大退货。")
    wr.line("单位负责人：" + co.legal_rep, 9.5, right="填表人：" + _person_name(rng, co.legal_rep))
    return wr.finish()


def _loan_schedule_pdf(co: SampleCompany, path: Path, f: dict) -> Path:
    rng = _code_rng(co, "loans")
    as_of = f["as_of"]
    city = co.region.city_short
    banks = [f"{rng.choice(_BANK_WORDS)}银行{city}分行", f"{city}农村商业银行{co.region.district}支行"]
    wr = _Writer(path, "存借款及对外担保情况表")
    wr.title("存借款及对外担保情况表", 18)
    wr.line(f"单位名称：{co.name}", 9.5, right="金额单位：元")
    wr.line(f"截至{_cn_date(as_of)}", 9.5)
    wr.line("一、银行存款", 11)
    wr.table([200, 160, 135], [["开户银行", "账号", "存款余额"],
                               *[[b, f"{rng.randrange(10**15, 10**16)}", _money(rng.randrange(10**7, 10**9))]
                                 for b in banks]], aligns="llr")
    wr.line("二、银行借款", 11)
    rows = [["贷款银行", "借款余额", "借款日", "到期日", "担保方式"]]
    for b in banks:
        start = as_of - timedelta(days=rng.randrange(30, 300))
        rows.append([b, _money(rng.randrange(100, 800) * 1_000_000), _cn_date(start),
                     _cn_date(_years_later(start, 1)), rng.choice(("保证", "抵押", "信用"))])
    wr.table([150, 95, 85, 85, 80], rows, aligns="lrccc")
    wr.line("三、对外担保", 11)
    other = _counterparty(co, "guarantee")
    wr.table([190, 105, 100, 100], [["被担保人", "担保金额", "担保期限", "担保方式"],
                                    [other.name, _money(rng.randrange(50, 300) * 1_000_000), "一年", "连带责任保证"]],
             aligns="lrcc")
    wr.line("以上情况真实、完整，如有隐瞒，由本公司承担一切责任。", 10)
    _signature(wr, co, as_of + timedelta(days=rng.randrange(1, 10)), "")
    return wr.finish()


def _tax_registration_pdf(co: SampleCompany, path: Path, f: dict) -> Path:
    taxpayer = co.credit_code if f["new_style"] else co.division + co.credit_code[8:17]
    wr = _Writer(path, "税务登记证", landscape=True)
    wr.title("税务登记证", 30, 8)
    wr.line("（副　本）", 11, x=wr.w / 2 - 28)
    wr.line(f"税务登记号：{taxpayer}", 11, x=wr.w - 330)
    x = 110
    wr.line(f"纳税人名称：{co.name}", 11, x)
    wr.line(f"法定代表人（负责人）：{co.legal_rep}", 11, x)
    wr.line(f"地　　址：{co.address}", 11, x)
    wr.line("登记注册类型：有限责任公司", 11, x)
    wr.line(f"经营范围：{co.scope}", 11, x)
    wr.line("批准设立机关：" + co.registration_authority, 11, x)
    wr.line("扣缴义务：依法确定", 11, x)
    wr.gap(20)
    wr.line(f"发证机关：{co.tax_authority}", 11, x=wr.w - 380)
    wr.line(_cn_date(f["issued"]), 11, x=wr.w - 260)
    return wr.finish()


def _officer_roster_pdf(co: SampleCompany, path: Path, f: dict) -> Path:
    rng = _code_rng(co, "officers")
    wr = _Writer(path, "董事会成员、主要负责人及财务负责人名单及签字样本")
    wr.title("董事会成员、主要负责人及财务负责人", 16, 6)
    wr.title("名单及签字样本", 16)
    wr.line(f"单位名称：{co.name}", 10)
    rows = [["职务", "姓名", "身份证号码", "联系电话", "签字样本"],
            ["执行董事（法定代表人）", co.legal_rep, co.legal_rep_id, f"13{rng.randrange(10**8, 10**9)}", ""]]
    used = {co.legal_rep}
    for title in ("总经理", "监事", "财务负责人"):
        name = _person_name(rng)
        while name in used:
            name = _person_name(rng)
        used.add(name)
        birth = _rand_date(rng, date(1965, 1, 1), date(1992, 12, 31))
        rows.append([title, name, make_id_number(rng, birth, co.division), f"13{rng.randrange(10**8, 10**9)}", ""])
    wr.table([120, 60, 130, 90, 95], rows, 30, 9)
    wr.para("以上人员签字样本真实有效，如有变更，本公司将及时书面通知贵公司。")
    _signature(wr, co, date(f["year"] + 1, rng.randrange(1, 10), rng.randrange(1, 29)))
    return wr.finish()


def _board_resolution_pdf(co: SampleCompany, path: Path, f: dict) -> Path:
    d = f["date"]
    rng = _code_rng(co, "board")
    partner = _person_name(rng, co.legal_rep)
    wr = _Writer(path, "股东会决议")
    wr.title(f"{co.name}", 16, 6)
    wr.title("股东会决议", 20)
    wr.line(f"会议时间：{_cn_date(d)}上午九时", 10.5)
    wr.line(f"会议地点：{co.address}公司会议室", 10.5)
    wr.line(f"出席人员：全体股东（{co.legal_rep}、{partner}），代表公司100%的表决权", 10.5)
    wr.para(f"本次会议由执行董事{co.legal_rep}召集并主持，会议的召集、召开程序符合《中华人民共和国公司法》及本公司章程的"
            "规定。经全体股东认真讨论，一致形成如下决议：")
    wr.para(f"一、同意本公司向{GUARANTOR}申请融资担保，担保金额人民币{_wan(f['amount'])}，期限一年，用于补充流动资金。")
    wr.para("二、同意以本公司自有房产及应收账款为上述担保提供反担保，并由股东提供个人连带责任保证。")
    wr.para(f"三、授权执行董事{co.legal_rep}代表公司签署与上述担保有关的合同、协议及其他法律文件。")
    wr.para("表决结果：同意100%，反对0%，弃权0%。")
    wr.gap(10)
    wr.line(f"全体股东签字：{co.legal_rep}　　{partner}", 10.5)
    _signature(wr, co, d, "")
    return wr.finish()
