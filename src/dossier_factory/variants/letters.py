"""Letters and forms the client writes: the guarantee application, the power of attorney, shareholders'
and board resolutions (consent to the guarantee; profit distribution), purchase contracts and letters
of credit."""

from __future__ import annotations

import random
from datetime import date, timedelta

from ..base import _GIVEN, _SURNAMES, GUARANTOR, SampleCompany, _rmb_upper
from .paper import Sheet, cn_num_small, fmt_date, money, upper_amount, wan_text

PRODUCT_ZH = {"working_capital_loan": "流动资金贷款担保", "project_finance": "项目融资担保",
              "letter_of_credit": "信用证担保", "bill_acceptance": "票据承兑担保",
              "equipment_finance": "设备采购和更新融资担保"}
BANKS = ("中国工商银行", "中国农业银行", "中国银行", "中国建设银行", "交通银行", "招商银行")


def person(rng: random.Random) -> str:
    return rng.choice(_SURNAMES) + "".join(rng.sample(_GIVEN, rng.choice((1, 2))))


def _term_text(months: int, style: str) -> str:
    if style == "years" and months % 12 == 0:
        return f"{cn_num_small(months // 12)}年"
    if style == "cn":
        return f"{cn_num_small(months)}个月"
    return f"{months}个月"


def application_form(layout: str, co: SampleCompany, path, *, year: int, rng: random.Random,
                     product: str = "working_capital_loan", amount: int = 10_000_000, term_months: int = 12,
                     application_date: date | None = None, agent: str | None = None, **_):
    when = application_date or date(year + 1, 3, 10)
    bank = rng.choice(BANKS) + co.region.city_short + "分行"
    s = Sheet(path, "担保申请书")
    if layout == "table_form":
        s.title("委托担保申请书", 18, 6)
        s.line(f"编号：SQ{when:%Y%m}{rng.randrange(100, 999)}", 9, align="r")
        s.line(f"{GUARANTOR}：", 11)
        s.para("我公司因生产经营需要，申请贵公司提供担保，有关情况如下：", 10.5)
        boxes = "　".join(("■" if k == product else "□") + v for k, v in PRODUCT_ZH.items())
        rows = [["申请人名称", co.name, "统一社会信用代码", co.credit_code],
                ["法定代表人", co.legal_rep, "经办人", agent or co.legal_rep],
                ["申请担保金额", f"人民币{wan_text(amount)}", "担保期限", _term_text(term_months, "num")],
                ["贷款银行", bank, "资金用途", "购买原材料"], ["担保品种", boxes, "", ""]]
        s.table(rows, [90, 170, 100, 150], size=9, row_h=24, header_rows=0)
        s.para("我公司保证所提供的资料真实、完整、有效，并愿意承担相应的法律责任。", 10.5)
        s.line(f"申请人（盖章）：{co.name}", 10.5, align="r")
        s.line(f"申请日期：{fmt_date(when, 'cn')}", 10.5, align="r")
    elif layout == "letter":
        s.title("担 保 申 请 书", 18, 16)
        s.line(f"致：{GUARANTOR}", 11)
        by = (f"现委托我公司{agent}同志具体办理相关手续。" if agent else "由我公司法定代表人亲自办理相关手续。")
        s.para(f"{co.name}（统一社会信用代码：{co.credit_code}）因业务发展需要，拟向{bank}申请"
               f"{PRODUCT_ZH[product].removesuffix('担保')}¥{money(amount * 100)}元（大写：{_rmb_upper(amount * 100)}），"
               f"期限{_term_text(term_months, 'years')}，特申请贵公司提供{PRODUCT_ZH[product]}。{by}", 11)
        s.para("我公司承诺按期还本付息，并按规定向贵公司提供反担保。", 11)
        s.gap(24)
        s.line(f"申请单位：{co.name}（公章）", 11, align="r")
        s.line(f"法定代表人：{co.legal_rep}", 11, align="r")
        s.line(fmt_date(when, "upper"), 11, align="r")
    elif layout == "entrust_grid":
        s.title("融资担保业务申请表", 17, 10)
        s.pair(f"申请日期：{fmt_date(when, 'dash')}", "金额单位：元", 9.5)
        rows = [["企业名称", co.name], ["统一社会信用代码", co.credit_code], ["注册地址", co.address],
                ["担保业务品种", PRODUCT_ZH[product]],
                ["申请金额（大写）", upper_amount(amount)], ["申请金额（小写）", f"{amount:,}.00"],
                ["申请期限（月）", str(term_months)], ["授权经办人", agent or ""],
                ["经办人身份证号", ""], ["联系电话", "1" + str(rng.randrange(3 * 10**9, 9 * 10**9))]]
        s.table(rows, [130, 350], size=10, row_h=22, header_rows=0)
        s.line("申请企业（盖章）　　　　　　法定代表人（签字）：", 10.5)
    else:
        raise KeyError(layout)
    s.finish()
    return {"company_name": co.name, "credit_code": co.credit_code, "product": product, "amount": amount,
            "term_months": term_months, "application_date": when.isoformat(), "agent": agent}


APPLICATION_LAYOUTS = ("table_form", "letter", "entrust_grid")


def power_of_attorney(layout: str, co: SampleCompany, path, *, year: int, rng: random.Random,
                      agent: str | None = None, **_):
    agent = agent or person(rng)
    when = date(year + 1, 2, 1) + timedelta(days=rng.randrange(0, 60))
    s = Sheet(path, "授权委托书")
    if layout == "letter":
        s.title("法定代表人授权委托书", 18, 14)
        s.line(f"{GUARANTOR}：", 11)
        s.para(f"本人{co.legal_rep}系{co.name}的法定代表人，现授权委托{agent}为我公司的代理人，以本公司的名义办理"
               "向贵公司申请担保的有关事宜。代理人在办理上述事宜过程中所签署的一切文件和处理与之有关的一切事务，我均予以承认。", 11)
        s.para("代理人无转委托权。委托期限：自签发之日起六个月。", 11)
        s.line(f"委托单位：{co.name}（盖章）", 11, align="r")
        s.line(f"法定代表人：{co.legal_rep}（签字）", 11, align="r")
        s.line(f"受托人：{agent}（签字）", 11, align="r")
        s.line(fmt_date(when, "cn"), 11, align="r")
    elif layout == "table":
        s.title("授 权 委 托 书", 18, 10)
        s.table([["委托单位", co.name], ["法定代表人", co.legal_rep], ["受托人姓名", agent],
                 ["受托人职务", "财务经理"], ["委托事项", "办理融资担保申请、资料报送及合同签署"],
                 ["委托期限", f"{fmt_date(when, 'dot')}—{fmt_date(when + timedelta(days=180), 'dot')}"]],
                [110, 370], size=10.5, row_h=26, header_rows=0)
        s.line(f"委托人（盖章）：{co.name}", 10.5, align="r")
    elif layout == "authorisation":
        s.title("授权书", 20, 14)
        s.para(f"兹授权我公司员工 {agent} 先生/女士 全权代表{co.name}，就我公司向{GUARANTOR}申请担保一事，"
               "提交资料、接受调查并签署相关文件。", 11)
        s.para("被授权人签字样本：________", 11)
        s.line(f"授权单位：{co.name}", 11, align="r")
        s.line(fmt_date(when, "upper"), 11, align="r")
    else:
        raise KeyError(layout)
    s.finish()
    return {"company_name": co.name, "agent": agent}


POA_LAYOUTS = ("letter", "table", "authorisation")


def board_resolution(layout: str, co: SampleCompany, path, *, year: int, rng: random.Random,
                     date_: date | None = None, amount: int = 10_000_000, **_):
    when = date_ or date(year + 1, 2, 10) + timedelta(days=rng.randrange(0, 40))
    directors = [co.legal_rep] + [person(rng) for _ in range(2)]
    s = Sheet(path, "决议")
    if layout == "shareholders":
        s.title(f"{co.name}", 15, 2)
        s.title("股东会决议", 18, 12)
        s.para(f"会议时间：{fmt_date(when, 'cn')}　　会议地点：公司会议室", 10.5, indent=False)
        s.para(f"{co.name}股东会会议于{fmt_date(when, 'cn1')}召开，全体股东均出席会议，代表100%表决权。经全体股东一致同意，"
               f"形成决议如下：同意公司向银行申请借款人民币{wan_text(amount)}，并向{GUARANTOR}申请担保，同意以公司"
               "资产提供反担保。", 10.5)
        s.line("全体股东签字（盖章）：" + "　".join(directors[:2]), 10.5)
    elif layout == "board":
        s.title("董事会决议", 18, 10)
        s.line(f"公司名称：{co.name}", 10.5)
        s.line(f"会议日期：{fmt_date(when, 'upper')}", 10.5)
        s.para(f"应到董事3名，实到董事3名，会议由董事长{co.legal_rep}主持。会议审议通过以下事项：", 10.5)
        s.para(f"一、同意公司申请融资担保，金额为¥{money(amount * 100)}元；二、授权董事长签署相关文件。", 10.5)
        s.table([["董事签名", *directors]], [100, 120, 120, 120], size=10, row_h=26, header_rows=0)
    elif layout == "decision":
        s.title("执行董事决定书", 18, 10)
        s.para(f"根据《{co.name}章程》的规定，本人作为公司执行董事，决定如下：同意公司向{GUARANTOR}申请担保，"
               f"担保金额{upper_amount(amount)}。", 11)
        s.line(f"执行董事：{co.legal_rep}", 11, align="r")
        s.line(f"{co.name}", 11, align="r")
        s.line(fmt_date(when, "dot"), 11, align="r")
    else:
        raise KeyError(layout)
    s.finish()
    return {"company_name": co.name, "date": when.isoformat()}


BOARD_LAYOUTS = ("shareholders", "board", "decision")


def profit_distribution_resolution(layout: str, co: SampleCompany, path, *, year: int, rng: random.Random, **_):
    when = date(year + 1, 4, 1) + timedelta(days=rng.randrange(0, 60))
    amount = rng.randrange(50, 400) * 10_000
    s = Sheet(path, "利润分配决议")
    if layout == "shareholders":
        s.title(f"{co.name}", 15, 2)
        s.title(f"关于{year}年度利润分配方案的股东会决议", 15, 12)
        s.para(f"{fmt_date(when, 'cn')}，公司召开股东会，审议{year}年度利润分配方案。经审议，决议如下：按{year}年度"
               f"净利润的10%提取法定盈余公积，向股东分配现金红利人民币{wan_text(amount)}，其余未分配利润结转下一年度。", 10.5)
        s.line("股东签字：" + co.legal_rep, 10.5, align="r")
    elif layout == "general_meeting":
        s.title("股东大会决议", 18, 4)
        s.line(f"（{fmt_year_upper(year + 1)}年第一次）", 10.5, align="c")
        s.line(f"{co.name}", 11)
        s.para(f"本次股东大会审议通过《{year}年度利润分配预案》：以现有股本为基数，每10股派发现金红利1.00元（含税），"
               f"共计派发¥{money(amount * 100)}元。", 10.5)
        s.line(fmt_date(when, "upper"), 10.5, align="r")
    elif layout == "plan":
        s.title("利润分配方案", 18, 10)
        s.pair(f"单位：{co.name}", f"所属年度：{year}年度", 10)
        s.table([["项目", "金额（元）"], ["本年净利润", money(amount * 300)], ["提取法定盈余公积", money(amount * 30)],
                 ["向投资者分配利润", money(amount * 100)]], [280, 200], size=10, row_h=22)
        s.line(f"经{fmt_date(when, 'dash')}股东会审议通过。", 10.5)
    else:
        raise KeyError(layout)
    s.finish()
    return {"company_name": co.name, "year": year, "years": [year]}


def fmt_year_upper(year: int) -> str:
    return "".join("〇一二三四五六七八九"[int(c)] for c in str(year))


PROFIT_LAYOUTS = ("shareholders", "general_meeting", "plan")


def trade_contract(layout: str, co: SampleCompany, path, *, year: int, rng: random.Random, role: str = "seller",
                   other: str = "佛山泓森五金有限公司", amount: int | None = None, **_):
    amount = amount or rng.randrange(200, 2000) * 5_000
    seller, buyer = (co.name, other) if role == "seller" else (other, co.name)
    when = date(year + 1, 1, 5) + timedelta(days=rng.randrange(0, 90))
    labels = {"supply": ("供方（甲方）", "需方（乙方）", "工业品买卖合同"), "sale": ("出卖人", "买受人", "买卖合同"),
              "purchase": ("卖方", "买方", "采购合同")}[layout]
    s = Sheet(path, labels[2])
    s.title(labels[2], 18, 6)
    s.pair(f"合同编号：HT{when:%Y%m%d}{rng.randrange(10, 99)}", f"签订地点：{co.region.city}", 9.5)
    s.pair(f"签订时间：{fmt_date(when, 'cn')}", "", 9.5)
    s.line(f"{labels[0]}：{seller}", 11)
    s.line(f"{labels[1]}：{buyer}", 11)
    qty = rng.randrange(10, 200)
    unit_fen = amount * 100 // qty
    total_fen = unit_fen * qty
    rows = [["产品名称", "规格型号", "数量", "单价（元）", "金额（元）"],
            ["液压配件", "HY-" + str(rng.randrange(100, 999)), str(qty), money(unit_fen), money(total_fen)],
            ["合计人民币（大写）", _rmb_upper(total_fen), "", "", f"¥{money(total_fen)}"]]
    s.table(rows, [120, 90, 60, 100, 110], size=9.5, row_h=20, aligns="llrrr")
    s.para("一、质量标准：按国家标准执行。二、交货地点及方式：需方仓库，供方负责运输。三、结算方式：银行承兑汇票或信用证。"
           "四、违约责任：按《中华人民共和国民法典》执行。", 10)
    if layout == "purchase":
        s.para(f"本合同总价款为人民币{money(total_fen)}元（含13%增值税）。", 10)
    s.pair(f"{labels[0].split('（')[0]}（盖章）：{seller}", f"{labels[1].split('（')[0]}（盖章）：{buyer}", 9.5)
    s.finish()
    return {"seller": seller, "buyer": buyer, "amount": total_fen // 100 if total_fen % 100 == 0 else total_fen / 100}


CONTRACT_LAYOUTS = ("supply", "sale", "purchase")


def letter_of_credit(layout: str, co: SampleCompany, path, *, year: int, rng: random.Random,
                     other: str = "佛山泓森五金有限公司", amount: int | None = None, **_):
    amount = amount or rng.randrange(200, 2000) * 5_000
    bank = rng.choice(BANKS) + co.region.city_short + "分行"
    when = date(year + 1, 2, 1) + timedelta(days=rng.randrange(0, 60))
    s = Sheet(path, "信用证")
    if layout == "domestic_application":
        s.title("国内信用证开证申请书", 17, 10)
        s.line(f"致：{bank}", 10.5)
        s.table([["申请人", co.name], ["受益人", other], ["开证金额", f"人民币（大写）{_rmb_upper(amount * 100)}"
                                                                 f"　（小写）¥{money(amount * 100)}"],
                 ["信用证有效期", fmt_date(when + timedelta(days=90), "cn")], ["付款期限", "即期"],
                 ["货物描述", "液压配件一批"]], [110, 370], size=10, row_h=24, header_rows=0)
        s.line(f"申请人（签章）：{co.name}　　日期：{fmt_date(when, 'dash')}", 10)
    elif layout == "domestic_lc":
        s.title("国内信用证", 18, 4)
        s.line(f"信用证编号：LC{when:%Y%m%d}{rng.randrange(1000, 9999)}", 10, align="r")
        s.kv([("开证行：", bank), ("开证日期：", fmt_date(when, "cn")), ("开证申请人：", co.name),
              ("受益人：", other), ("信用证金额：", f"CNY {money(amount * 100)}"),
              ("有效期及有效地点：", f"{fmt_date(when + timedelta(days=120), 'cn')} 在通知行"),
              ("运输方式：", "公路运输"), ("货物描述：", "纺织机械配件")], label_w=130, size=10.5)
        s.para("本信用证依据《国内信用证结算办法》开立。", 10)
    elif layout == "swift_text":
        s.title("不可撤销跟单信用证", 17, 4)
        s.line("IRREVOCABLE DOCUMENTARY CREDIT", 10, align="c")
        for tag, text in ((":40A: 跟单信用证类型", "IRREVOCABLE"),
                          (":31C: 开证日期", when.strftime("%y%m%d")),
                          (":50: 申请人 APPLICANT", co.name),
                          (":59: 受益人 BENEFICIARY", other),
                          (":32B: 币种及金额", f"CNY{amount:,}.00"),
                          (":41D: 兑付方式", "ANY BANK BY NEGOTIATION")):
            s.line(f"{tag}　{text}", 10)
    else:
        raise KeyError(layout)
    s.finish()
    return {"applicant": co.name, "beneficiary": other, "amount": amount}


LC_LAYOUTS = ("domestic_application", "domestic_lc", "swift_text")
