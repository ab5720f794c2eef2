"""Tax payment certificates: 税收完税证明 (table form, one year or several), the electronic print of the
e-tax bureau, and the letter 纳税情况证明 ("兹证明……").  The certificate is issued in the year AFTER the
tax period; its fiscal year is the period's."""

from __future__ import annotations

import random
from datetime import date, timedelta

from ..base import _PROVINCE_ABBR, SampleCompany, _rmb_upper
from . import statements as st
from .licences import taxpayer_id
from .paper import Sheet, fmt_date, money, yuan


def tax_lines(co: SampleCompany, year: int) -> list[tuple[str, str, date, date, date, int]]:
    """(税种, 品目名称, period start, period end, paid on, amount in fen) of one fiscal year."""
    d = st.income(co, year)
    vat_year = d["rev"] * 13 // 1000
    out = []
    for q in range(4):
        start = date(year, 3 * q + 1, 1)
        end = (date(year, 3, 31), date(year, 6, 30), date(year, 9, 30), date(year, 12, 31))[q]
        paid = end + timedelta(days=15)
        vat = vat_year // 4
        out.append(("增值税", "货物和劳务", start, end, paid, vat))
        out.append(("城市维护建设税", "市区（增值税附征）", start, end, paid, vat * 7 // 100))
        out.append(("教育费附加", "增值税教育费附加", start, end, paid, vat * 3 // 100))
    cit = d["tax"]
    out.append(("企业所得税", "应纳税所得额", date(year, 1, 1), date(year, 12, 31), date(year + 1, 1, 18), cit))
    out.append(("印花税", "购销合同", date(year, 1, 1), date(year, 12, 31), date(year + 1, 1, 12), d["rev"] * 3 // 10000))
    return out


def cert_number(co: SampleCompany, issued: date, rng: random.Random) -> str:
    abbr = _PROVINCE_ABBR.get(co.region.province, "浙")
    return f"（{issued.year}）{abbr}税证 {rng.randrange(10**7, 10**8):08d}"


def tax_payment_certificate(layout: str, co: SampleCompany, path, *, year: int, rng: random.Random,
                            years_covered: int | None = None, **_):
    n = years_covered or (2 if layout == "table_multi" else 1)
    years = list(range(year - n + 1, year + 1))
    lines = [ln for y in years for ln in tax_lines(co, y)]
    total = sum(ln[5] for ln in lines)
    issued = date(year + 1, 1, 20) + timedelta(days=rng.randrange(0, 40))
    tid = taxpayer_id(co)
    if layout in ("table", "table_multi"):
        s = Sheet(path, "中华人民共和国税收完税证明", landscape=True, margin=40)
        s.title("中华人民共和国", 16, 2)
        s.title("税 收 完 税 证 明", 20, 4)
        s.pair(f"填发日期：{fmt_date(issued, 'cn')}", f"No. {cert_number(co, issued, rng)}", 9.5)
        s.pair(f"税务机关：{co.tax_authority}", "", 9.5)
        s.table([["纳税人识别号", tid, "纳税人名称", co.name]], [90, 200, 90, 300], size=9.5, row_h=20,
                header_rows=1)
        rows = [["原凭证号", "税种", "品目名称", "税款所属时期", "入（退）库日期", "实缴（退）金额"]]
        for i, (tax, item, a, b, paid, fen) in enumerate(lines):
            rows.append([f"3{co.division[:4]}{a.year % 100:02d}{i:06d}", tax, item, f"{a.isoformat()}至{b.isoformat()}",
                         paid.isoformat(), money(fen)])
        rows.append(["金额合计", f"（大写）{_rmb_upper(total)}", "", "", "", f"¥{money(total)}"])
        s.table(rows, [110, 95, 120, 170, 90, 100], size=8, row_h=15, aligns="lllccr")
        s.pair("税务机关（盖章）", "填票人：电子税务局", 9.5)
        s.line("妥善保管。本证明仅作为纳税人已缴税款的证明，不作纳税人记账、抵扣凭证。", 8)
    elif layout == "etax_print":
        s = Sheet(path, "税收完税证明（文书式）")
        s.title("税收完税证明", 18, 4)
        s.line("（文书式）", 10, align="c")
        s.line(f"证明编号：{cert_number(co, issued, rng).replace(' ', '')}", 9.5, align="r")
        s.kv([("纳税人识别号：", tid), ("纳税人名称：", co.name), ("开具日期：", fmt_date(issued, "dot"))],
             label_w=100, size=10)
        rows = [["税种", "税款所属期起", "税款所属期止", "实缴金额（元）"]]
        by = {}
        for tax, _item, a, b, _paid, fen in lines:
            by.setdefault((tax, a, b), 0)
            by[(tax, a, b)] += fen
        for (tax, a, b), fen in by.items():
            rows.append([tax, fmt_date(a, "dot"), fmt_date(b, "dot"), money(fen)])
        rows.append(["合计", "", "", money(total)])
        s.table(rows, [130, 110, 110, 130], ruled=False, size=9, row_h=16, aligns="lccr")
        s.line(f"{co.tax_authority}（电子签章）", 10, align="r")
    elif layout == "letter":
        s = Sheet(path, "纳税情况证明")
        s.title("纳税情况证明", 20, 16)
        a, b = date(years[0], 1, 1), date(year, 12, 31)
        by_tax = {}
        for tax, *_rest, fen in lines:
            by_tax[tax] = by_tax.get(tax, 0) + fen
        parts = "，".join(f"{k}{money(v)}元" for k, v in by_tax.items())
        s.para(f"兹证明{co.name}（统一社会信用代码：{tid}）自{fmt_date(a, 'cn1')}至{fmt_date(b, 'cn1')}期间，在我局"
               f"累计入库各项税款共计人民币{money(total)}元（大写：{_rmb_upper(total)}），其中{parts}。"
               "截至本证明开具之日，该纳税人无欠缴税款记录。", 11)
        s.para("特此证明。", 11)
        s.gap(30)
        s.line(co.tax_authority, 11, align="r")
        s.line(fmt_date(issued, "upper"), 11, align="r")
    else:
        raise KeyError(layout)
    s.finish()
    return {"credit_code": tid, "company_name": co.name, "year": year, "amount": yuan(total),
            "issued": issued.isoformat(), "years": years}


TAX_LAYOUTS = ("table", "table_multi", "etax_print", "letter")
