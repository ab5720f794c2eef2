"""Registration documents: business licences (三证合一 horizontal and vertical, old 注册号 licences),
organisation-code certificates, tax registration certificates, the legal representative's identity
(ID card copies, 法定代表人身份证明书) and the annual report of the public credit-information system."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from ..base import SampleCompany, _code_rng, _id_card_terms, _licence_issued, _org_code_check, _rand_date
from .paper import Sheet, fmt_date, spaced, upper_amount, wan_text


@dataclass(frozen=True)
class LegacyCompany(SampleCompany):
    """A company still on an old licence: ``credit_code`` holds its 15-digit 注册号."""

    org_body: str = "00000000"

    @property
    def division(self) -> str:
        return self.credit_code[:6]


def registration_no(division: str, rng: random.Random) -> str:
    """A 15-digit 工商注册号 with its GB/T 17710 (ISO 7064 MOD 11,10) check digit."""
    body = division + "0" + "".join(rng.choice("0123456789") for _ in range(7))
    p = 10
    for ch in body:
        s = (p + int(ch)) % 10 or 10
        p = (2 * s) % 11
    return body + str((11 - p) % 10)


def org_code(co: SampleCompany) -> str:
    """The 9-character 组织机构代码 as printed: XXXXXXXX-X."""
    if isinstance(co, LegacyCompany):
        body = co.org_body
        return f"{body}-{_org_code_check(body)}"
    return f"{co.credit_code[8:16]}-{co.credit_code[16]}"


def taxpayer_id(co: SampleCompany) -> str:
    """Old 15-character 纳税人识别号 (division + organisation code), or the USCC."""
    if isinstance(co, LegacyCompany):
        return co.division + org_code(co).replace("-", "")
    return co.credit_code


def capital_text(co: SampleCompany, style: str) -> str:
    if style == "upper":
        return f"{upper_amount(co.registered_capital).removesuffix('整')}整"
    if style == "wan":
        return f"人民币{wan_text(co.registered_capital)}"
    return f"{co.registered_capital // 10_000}万元人民币"


def _term(co: SampleCompany, style: str) -> str:
    end = "长期" if co.term_end is None else fmt_date(co.term_end, style)
    return f"{fmt_date(co.established, style)} 至 {end}"


# ---------------------------------------------------------------------------
# business licence
# ---------------------------------------------------------------------------

def business_licence(layout: str, co: SampleCompany, path, *, year: int, rng: random.Random, **_):
    issued = _licence_issued(co)
    legacy = isinstance(co, LegacyCompany)
    if layout == "horizontal":
        s = Sheet(path, "营业执照", landscape=True, margin=60)
        s.line(f"统一社会信用代码　{co.credit_code}", 11)
        s.line("（1-1）", 9, align="r")
        s.title("营 业 执 照", 30, 6)
        s.title("（副　　本）", 13, 16)
        left = [("名　　称", co.name), ("类　　型", co.company_type), ("法定代表人", co.legal_rep),
                ("经营范围", co.scope)]
        right = [("注册资本", capital_text(co, rng.choice(("upper", "plain")))),
                 ("成立日期", fmt_date(co.established, "cn")), ("营业期限", _term(co, "cn")), ("住　　所", co.address)]
        top = s.y
        s.kv(left, label_w=80, size=11, x=s.margin)
        low = s.y
        s.y = top
        s.kv(right, label_w=80, size=11, x=s.w / 2 + 20)
        s.y = min(low, s.y) - 20
        s.line("登记机关", 11, x=s.w - 260)
        s.line(fmt_date(issued, "cn"), 11, x=s.w - 240)
        s.line("国家企业信用信息公示系统网址：http://www.gsxt.gov.cn", 8, x=s.margin)
    elif layout == "vertical":
        s = Sheet(path, "营业执照", margin=70)
        s.title("营业执照", 30, 20)
        s.line(f"统一社会信用代码：{co.credit_code}", 11)
        s.gap(6)
        rows = [("名称", co.name), ("类型", co.company_type), ("住所", co.address), ("法定代表人", co.legal_rep),
                ("注册资本", capital_text(co, "wan")), ("成立日期", fmt_date(co.established, "cn1")),
                ("营业期限", _term(co, "cn1")), ("经营范围", co.scope)]
        s.kv([(spaced(k, 5), v) for k, v in rows], label_w=95, size=11)
        s.gap(30)
        s.line(f"登记机关：{co.registration_authority}", 11, x=s.w - 300)
        s.line(fmt_date(issued, "upper"), 11, x=s.w - 220)
    elif layout == "old_regno":
        if not legacy:
            raise ValueError("old_regno needs a LegacyCompany (15-digit 注册号)")
        s = Sheet(path, "企业法人营业执照", landscape=True, margin=60)
        s.title("企业法人营业执照", 28, 4)
        s.title("（副本）", 13, 10)
        s.line(f"注册号　{co.credit_code}", 11, align="r")
        rows = [("名　　称", co.name), ("住　　所", co.address), ("法定代表人姓名", co.legal_rep),
                ("注册资本", capital_text(co, "plain")), ("实收资本", capital_text(co, "plain")),
                ("公司类型", co.company_type), ("经营范围", co.scope),
                ("成立日期", fmt_date(co.established, "cn")), ("营业期限", _term(co, "cn").replace(" 至 ", "至")),
                ("年检情况", f"{year}年度已年检")]
        s.kv(rows, label_w=110, size=11, lead=1.8)
        s.line(f"登记机关　{co.registration_authority.replace('市场监督管理局', '工商行政管理局')}", 11, x=s.w - 330)
        s.line(fmt_date(issued if issued.year < 2015 else date(2014, 6, 20), "cn"), 11, x=s.w - 230)
    elif layout == "ruled_copy":
        s = Sheet(path, "营业执照副本复印件")
        s.title("营业执照（副本）", 22, 6)
        s.line("统一社会信用代码" + ("（注册号）" if legacy else "") + f"：{co.credit_code}", 10.5)
        rows = [["名称", co.name], ["类型", co.company_type], ["住所", co.address], ["法定代表人", co.legal_rep],
                ["注册资本", capital_text(co, "plain")], ["成立日期", fmt_date(co.established, "dash")],
                ["营业期限自", fmt_date(co.established, "dash")],
                ["营业期限至", "长期" if co.term_end is None else fmt_date(co.term_end, "dash")], ["经营范围", co.scope],
                ["登记机关", co.registration_authority], ["核准日期", fmt_date(issued, "dash")]]
        s.table(rows, [100, 380], size=10, row_h=22, header_rows=0)
        s.line("本复印件与原件一致，仅供担保申请使用。", 10, align="r")
    else:
        raise KeyError(layout)
    s.finish()
    return {"credit_code": co.credit_code, "company_name": co.name, "company_type": co.company_type,
            "legal_rep": co.legal_rep, "registered_capital": co.registered_capital,
            "established": co.established.isoformat(),
            "term_end": None if co.term_end is None else co.term_end.isoformat(), "address": co.address}


LICENCE_LAYOUTS = ("horizontal", "vertical", "old_regno", "ruled_copy")


# ---------------------------------------------------------------------------
# organisation code certificate, tax registration
# ---------------------------------------------------------------------------

def org_valid_until(co: SampleCompany) -> date:
    rng = _code_rng(co, "variant-org-valid")
    return _rand_date(rng, date(2027, 1, 1), date(2029, 12, 31))


def org_code_certificate(layout: str, co: SampleCompany, path, *, year: int, rng: random.Random,
                         valid_until: date | None = None, **_):
    until = valid_until or org_valid_until(co)
    start = date(until.year - 4, until.month, 1)
    code = org_code(co)
    regno = f"组代管{co.division}-{rng.randrange(100000, 999999)}"
    authority = f"{co.region.city}质量技术监督局"
    if layout == "classic":
        s = Sheet(path, "中华人民共和国组织机构代码证", landscape=True)
        s.title("中华人民共和国", 20, 4)
        s.title("组织机构代码证", 26, 4)
        s.title("（副本）", 12, 12)
        s.kv([("代　　码：", code), ("机构名称：", co.name), ("机构类型：", "企业法人"), ("地　　址：", co.address),
              ("有 效 期：", f"自{fmt_date(start, 'cn')}至{fmt_date(until, 'cn')}"), ("颁发单位：", authority),
              ("登 记 号：", regno)], label_w=90, size=12)
    elif layout == "vertical":
        s = Sheet(path, "组织机构代码证")
        s.title("组织机构代码证", 24, 20)
        s.kv([(spaced("代码", 4), code), (spaced("机构名称", 4), co.name), (spaced("机构类型", 4), "有限责任公司"),
              (spaced("法定代表人", 5), co.legal_rep), (spaced("地址", 4), co.address),
              (spaced("有效期至", 4), fmt_date(until, "dot"))], label_w=95, size=11.5)
        s.gap(20)
        s.line(f"颁发单位：{authority}", 10.5, x=s.w - 300)
        s.line(f"颁证日期：{fmt_date(start, 'dot')}", 10.5, x=s.w - 300)
    elif layout == "table":
        s = Sheet(path, "组织机构代码证书")
        s.title("组织机构代码证书（复印件）", 18, 10)
        s.table([["组织机构代码", code], ["单位名称", co.name], ["单位地址", co.address],
                 ["有效期限", f"{fmt_date(start, 'dash')} 至 {fmt_date(until, 'dash')}"], ["发证机关", authority],
                 ["登记证号", regno]], [120, 360], size=10.5, row_h=24, header_rows=0)
    else:
        raise KeyError(layout)
    s.finish()
    return {"org_code": code, "company_name": co.name, "valid_until": until.isoformat()}


ORG_LAYOUTS = ("classic", "vertical", "table")


def tax_registration(layout: str, co: SampleCompany, path, *, year: int, rng: random.Random, **_):
    tid = taxpayer_id(co)
    abbr = {"330": "浙", "320": "苏", "340": "皖", "440": "粤", "350": "闽"}.get(co.division[:3], "浙")
    issued = _licence_issued(co) if not isinstance(co, LegacyCompany) else date(2012, 5, 8)
    if layout in ("national", "local"):
        office = "国税" if layout == "national" else "地税"
        s = Sheet(path, "税务登记证", landscape=True)
        s.title("税 务 登 记 证", 26, 4)
        s.title("（副　本）", 12, 4)
        s.line(f"{abbr}{office}字 {tid} 号", 12, align="c")
        s.gap(6)
        s.kv([("纳税人名称", co.name), ("法定代表人（负责人）", co.legal_rep), ("地　　址", co.address),
              ("登记注册类型", co.company_type), ("经营范围", co.scope), ("批准设立机关", co.registration_authority),
              ("扣缴义务", "依法确定")], label_w=130, size=11)
        auth = co.tax_authority if layout == "national" else co.tax_authority.replace("国家税务总局", "") + "（地方税务局）"
        s.line(f"发证机关：{auth}", 10.5, x=s.w - 360)
        s.line(fmt_date(issued, "upper" if layout == "local" else "cn"), 10.5, x=s.w - 250)
    elif layout == "notice":
        s = Sheet(path, "税务登记通知书")
        s.title("税务事项通知书", 18, 4)
        s.line(f"（登记类）　{abbr}税通〔{issued.year}〕{rng.randrange(1000, 9999)}号", 10, align="c")
        s.line(f"{co.name}（纳税人识别号：{tid}）：", 11)
        s.para(f"你单位于{fmt_date(issued, 'cn')}报送的设立税务登记表及相关资料收悉。经审核，准予登记，纳税人识别号为"
               f"{tid}。请按规定期限办理纳税申报。")
        s.table([["纳税人识别号", tid], ["纳税人名称", co.name], ["法定代表人", co.legal_rep],
                 ["生产经营地址", co.address]], [120, 360], size=10, row_h=22, header_rows=0)
        s.line(co.tax_authority, 10.5, align="r")
        s.line(fmt_date(issued, "cn"), 10.5, align="r")
    else:
        raise KeyError(layout)
    s.finish()
    return {"taxpayer_id": tid, "company_name": co.name}


TAXREG_LAYOUTS = ("national", "local", "notice")


# ---------------------------------------------------------------------------
# legal representative's identity
# ---------------------------------------------------------------------------

def id_terms(co: SampleCompany, valid_until: date | None | str = "auto") -> tuple[str, date, date | None]:
    authority, text = _id_card_terms(co)
    start_s, _, end_s = text.partition("-")
    start = date(*map(int, start_s.split(".")))
    end = None if end_s == "长期" else date(*map(int, end_s.split(".")))
    if valid_until != "auto":
        end = valid_until
    return authority, start, end


def legal_rep_id(layout: str, co: SampleCompany, path, *, year: int, rng: random.Random, valid_until="auto", **_):
    authority, start, end = id_terms(co, valid_until)
    end_dot = "长期" if end is None else fmt_date(end, "dot")
    b = co.legal_rep_birth
    front = [(spaced("姓名", 2) if False else "姓名", co.legal_rep),
             ("性别", co.legal_rep_sex + "　　民族　汉"), ("出生", f"{b.year}年{b.month}月{b.day}日"),
             ("住址", co.legal_rep_address), ("公民身份号码", co.legal_rep_id)]
    back = [("签发机关", authority), ("有效期限", f"{fmt_date(start, 'dot')}-{end_dot}")]
    s = Sheet(path, "法定代表人身份证明")
    if layout in ("card_copy", "card_back_first"):
        s.title("居民身份证复印件", 16, 14)
        sides = [("front", front), ("back", back)]
        if layout == "card_back_first":
            sides.reverse()
        for side, rows in sides:
            s.c.setLineWidth(0.8)
            top = s.y
            s.c.roundRect(s.margin + 60, top - 170, 330, 165, 10)
            s.y = top - 6
            if side == "back":
                s.line("中华人民共和国", 13, x=s.margin + 150)
                s.line("居 民 身 份 证", 16, x=s.margin + 130)
                s.gap(20)
            s.kv(rows, label_w=80 if side == "front" else 70, size=10, x=s.margin + 75, lead=2.0)
            s.y = top - 190
        s.line("此复印件仅供办理担保申请使用，再复印无效。", 10, align="c")
        s.line(f"（{co.legal_rep}签字）", 10, align="r")
    elif layout == "letter":
        s.title("法定代表人身份证明书", 18, 14)
        s.line(f"单位名称：{co.name}", 11)
        s.line(f"地　　址：{co.address}", 11)
        s.line(f"姓名：{co.legal_rep}　性别：{co.legal_rep_sex}　年龄：{year - b.year}　职务：执行董事兼总经理", 11)
        s.para(f"系{co.name}的法定代表人。", 11)
        s.para("特此证明。", 11)
        s.gap(6)
        s.table([["身份证号码", co.legal_rep_id], ["签发机关", authority],
                 ["有效期限", f"{fmt_date(start, 'cn')}至{'长期' if end is None else fmt_date(end, 'cn')}"]],
                [100, 380], size=10.5, row_h=22, header_rows=0)
        s.line("附：法定代表人身份证复印件", 10)
        s.line(f"{co.name}（盖章）", 11, align="r")
        s.line(fmt_date(date(year + 1, 1, 1) + timedelta(days=rng.randrange(20, 150)), "cn"), 11, align="r")
    elif layout == "form":
        s.title("法定代表人身份信息表", 16, 12)
        s.table([["姓　　名", co.legal_rep, "性　　别", co.legal_rep_sex],
                 ["出生日期", fmt_date(b, "dash"), "民　　族", "汉"],
                 ["证件类型", "居民身份证", "证件号码", co.legal_rep_id],
                 ["证件有效期", "长期" if end is None else f"至{fmt_date(end, 'dash')}", "签发机关", authority],
                 ["任职单位", co.name, "职　　务", "法定代表人"]], [80, 160, 80, 160], size=9.5, row_h=24,
                header_rows=0)
    else:
        raise KeyError(layout)
    s.finish()
    return {"name": co.legal_rep, "id_number": co.legal_rep_id, "valid_until": None if end is None else end.isoformat()}


ID_LAYOUTS = ("card_copy", "card_back_first", "letter", "form")


# ---------------------------------------------------------------------------
# annual report (国家企业信用信息公示系统)
# ---------------------------------------------------------------------------

def annual_report(layout: str, co: SampleCompany, path, *, year: int, rng: random.Random, **_):
    filed = date(year + 1, 3, 1) + timedelta(days=rng.randrange(0, 110))
    label = "注册号" if isinstance(co, LegacyCompany) else "统一社会信用代码"
    s = Sheet(path, f"{year}年度报告")
    if layout == "gsxt_print":
        s.title(f"{co.name}", 15, 2)
        s.title(f"{year}年度报告", 15, 10)
        s.line("一、企业基本信息", 11)
        s.table([[label, co.credit_code, "企业名称", co.name],
                 ["企业通信地址", co.address, "邮政编码", "310000"],
                 ["企业联系电话", "0571-8" + str(rng.randrange(1000000, 9999999)), "从业人数", "企业选择不公示"],
                 ["企业经营状态", "存续（在营、开业、在册）", "是否有网站或网店", "否"]], [90, 150, 90, 150],
                size=8.5, row_h=22, header_rows=0)
        s.line("二、股东及出资信息", 11)
        s.table([["股东", "认缴出资额（万元）", "认缴出资时间", "出资方式"],
                 [co.legal_rep, f"{co.registered_capital / 10000:g}", fmt_date(co.established, "dash"), "货币"]],
                [120, 120, 120, 120], size=8.5)
        s.line("三、资产状况信息", 11)
        s.line("资产总额、负债总额等　企业选择不公示", 9.5)
        s.line(f"报送日期：{fmt_date(filed, 'dash')}", 9.5, align="r")
    elif layout == "cover":
        s.gap(120)
        s.title("企业年度报告书", 26, 30)
        s.title(f"（{year}年度）", 16, 80)
        s.kv([("企业名称：", co.name), (f"{label}：", co.credit_code), ("报送日期：", fmt_date(filed, "cn"))],
             label_w=140, size=12, x=s.margin + 60)
        s.new_page()
        s.line("企业基本信息", 12, align="c")
        s.kv([("企业名称", co.name), ("住所", co.address), ("法定代表人", co.legal_rep),
              ("报告年度", f"{year}年度")], label_w=100, size=10.5)
    elif layout == "receipt":
        s.title("企业年报公示回执", 16, 10)
        s.para(f"{co.name}（{label}：{co.credit_code}）：你单位已于{fmt_date(filed, 'cn1')}通过国家企业信用信息公示系统"
               f"报送{fmt_year_text(year)}年度报告，并向社会公示。")
        s.line(f"公示年度：{year}", 10.5)
        s.line(f"登记机关：{co.registration_authority}", 10.5)
    else:
        raise KeyError(layout)
    s.finish()
    return {"credit_code": co.credit_code, "year": year, "years": [year]}


def fmt_year_text(year: int) -> str:
    return str(year)


ANNUAL_LAYOUTS = ("gsxt_print", "cover", "receipt")
