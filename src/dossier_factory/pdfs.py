"""PDF documents written with reportlab (Chinese text layer in the Adobe CID font STSong-Light)."""

from __future__ import annotations

import math
from datetime import date, timedelta
from pathlib import Path

from .base import (
    _PDF_FONT,
    _PROVINCE_ABBR,
    GUARANTOR,
    NOTICE,
    SampleCompany,
    _cn_date,
    _code_rng,
    _id_card_terms,
    _licence_issued,
    _money,
    _out,
    _reportlab,
    _rmb_upper,
    _term_text,
    _wan,
)
from .financials import make_financials

# ---------------------------------------------------------------------------
# 5. PDF documents (reportlab, Chinese text layer)
# ---------------------------------------------------------------------------


def _new_pdf(path: Path, title: str, landscape: bool = False):
    rl = _reportlab()
    size = rl.pagesizes.A4
    if landscape:
        size = rl.pagesizes.landscape(size)
    c = rl.canvas.Canvas(str(path), pagesize=size, invariant=1)
    c.setTitle(title)
    c.setAuthor("dossier.samples")
    c.setCreator("dossier.samples")
    c.setSubject(NOTICE)
    c.setFont(_PDF_FONT, 11)
    return c


def _text(c, x: float, y: float, s: str, size: float = 11, align: str = "l") -> None:
    c.setFont(_PDF_FONT, size)
    {"l": c.drawString, "c": c.drawCentredString, "r": c.drawRightString}[align](x, y, s)


def _width(s: str, size: float) -> float:
    return _reportlab().pdfmetrics.stringWidth(s, _PDF_FONT, size)


def _wrap(s: str, width: float, size: float) -> list[str]:
    """Break ``s`` into lines no wider than ``width`` points (character wrap)."""
    lines, line = [], ""
    for ch in s:
        if line and _width(line + ch, size) > width:
            lines.append(line)
            line = ""
        line += ch
    return lines + [line] if line or not lines else lines


def _footer(c, page_label: str = "") -> None:
    w = c._pagesize[0]
    c.setFillGray(0.45)
    _text(c, w / 2, 10, NOTICE + (f"  {page_label}" if page_label else ""), 6.5, "c")
    c.setFillGray(0)


def _finish(c, path: Path) -> Path:
    _footer(c)
    c.showPage()
    c.save()
    return path


def _table(c, x: float, top: float, widths: list[float], rows: list[list[str]],
           row_h: float = 17, size: float = 8.5, aligns: str | None = None) -> float:
    """Draw a fully ruled table (pdfplumber finds it by its lines); returns its bottom y."""
    aligns = aligns or "l" * len(widths)
    bottom = top - row_h * len(rows)
    right = x + sum(widths)
    c.setLineWidth(0.6)
    for i in range(len(rows) + 1):
        c.line(x, top - i * row_h, right, top - i * row_h)
    xs = [x]
    for w in widths:
        xs.append(xs[-1] + w)
    for cx in xs:
        c.line(cx, top, cx, bottom)
    for r, row in enumerate(rows):
        base = top - (r + 1) * row_h + (row_h - size) / 2 + 1
        for col, cell in enumerate(row):
            if not cell:
                continue
            a = aligns[col]
            tx = {"l": xs[col] + 3, "c": (xs[col] + xs[col + 1]) / 2, "r": xs[col + 1] - 3}[a]
            _text(c, tx, base, cell, size, a)
    return bottom


def _seal_outline(c, cx: float, cy: float, r: float) -> None:
    """A red round seal (ring and star, no text so the text layer stays clean)."""
    c.saveState()
    c.setStrokeColorRGB(0.8, 0.1, 0.1)
    c.setFillColorRGB(0.8, 0.1, 0.1)
    c.setLineWidth(2.2)
    c.circle(cx, cy, r)
    p = c.beginPath()
    for k, (px, py) in enumerate(_star_points(cx, cy, r * 0.3)):
        (p.moveTo if k == 0 else p.lineTo)(px, py)
    p.close()
    c.drawPath(p, stroke=0, fill=1)
    c.restoreState()


def _star_points(cx: float, cy: float, outer: float, y_down: bool = False) -> list[tuple[float, float]]:
    pts = []
    for k in range(10):
        radius = outer if k % 2 == 0 else outer * 0.4
        angle = math.pi / 2 + k * math.pi / 5
        dy = radius * math.sin(angle)
        pts.append((cx + radius * math.cos(angle), cy - dy if y_down else cy + dy))
    return pts


def business_licence_pdf(company: SampleCompany, path) -> Path:
    """营业执照（副本）, A4 landscape."""
    path = _out(path)
    c = _new_pdf(path, "营业执照", landscape=True)
    w, h = c._pagesize
    c.setLineWidth(3)
    c.setStrokeColorRGB(0.6, 0.35, 0.15)
    c.rect(24, 24, w - 48, h - 48)
    c.setLineWidth(0.8)
    c.rect(32, 32, w - 64, h - 64)
    c.setStrokeColorRGB(0, 0, 0)
    _text(c, 60, 530, "统一社会信用代码", 10)
    _text(c, 60, 512, company.credit_code, 13)
    _text(c, w - 60, 530, "（副　本）", 11, "r")
    _text(c, w / 2, 455, "营业执照", 40, "c")
    left = [("名　　称", [company.name]), ("类　　型", [company.company_type]),
            ("法定代表人", [company.legal_rep]), ("经营范围", _wrap(company.scope, 250, 11))]
    right = [("注册资本", [_rmb_upper(company.registered_capital * 100)]),
             ("成立日期", [_cn_date(company.established)]),
             ("营业期限", _wrap(_term_text(company), 230, 11)),
             ("住　　所", _wrap(company.address, 230, 11))]
    for column, (lx, vx) in ((left, (80, 160)), (right, (440, 520))):
        y = 395
        for label, values in column:
            _text(c, lx, y, label, 11)
            for line in values:
                _text(c, vx, y, line, 11)
                y -= 16
            y -= 18
    _text(c, 520, 135, "登记机关", 11)
    _text(c, 590, 135, company.registration_authority, 11)
    _text(c, 600, 100, _cn_date(_licence_issued(company)), 11)
    _seal_outline(c, 680, 125, 46)
    return _finish(c, path)


def legal_rep_id_pdf(company: SampleCompany, path) -> Path:
    """Photocopy of the legal representative's 居民身份证, front and back on one A4 page."""
    path = _out(path)
    c = _new_pdf(path, "法定代表人身份证复印件")
    w, _ = c._pagesize
    _text(c, w / 2, 770, "法定代表人身份证复印件", 15, "c")
    cw, ch = 320, 202
    x = (w - cw) / 2
    for top in (740, 500):
        c.setLineWidth(1)
        c.roundRect(x, top - ch, cw, ch, 12)
    b = company.legal_rep_birth
    front = [(22, "姓名", company.legal_rep), (52, "性别", company.legal_rep_sex),
             (82, "出生", f"{b.year}年{b.month}月{b.day}日")]
    for dy, label, value in front:
        _text(c, x + 16, 740 - dy, label, 9)
        _text(c, x + 56, 740 - dy, value, 11)
    _text(c, x + 120, 740 - 52, "民族", 9)
    _text(c, x + 150, 740 - 52, "汉", 11)
    _text(c, x + 16, 740 - 112, "住址", 9)
    for i, line in enumerate(_wrap(company.legal_rep_address, 170, 10)):
        _text(c, x + 56, 740 - 112 - i * 14, line, 10)
    _text(c, x + 16, 740 - 180, "公民身份号码", 9)
    _text(c, x + 90, 740 - 180, company.legal_rep_id, 13)
    c.setFillGray(0.85)
    c.rect(x + cw - 95, 740 - 150, 78, 100, stroke=0, fill=1)
    c.setFillGray(0)
    issuer, valid = _id_card_terms(company)
    _text(c, x + cw / 2 + 20, 500 - 45, "中华人民共和国", 13, "c")
    _text(c, x + cw / 2 + 20, 500 - 80, "居民身份证", 20, "c")
    _text(c, x + 40, 500 - 140, "签发机关", 9)
    _text(c, x + 100, 500 - 140, issuer, 10)
    _text(c, x + 40, 500 - 165, "有效期限", 9)
    _text(c, x + 100, 500 - 165, valid, 10)
    _seal_outline(c, x + 40, 500 - 50, 24)
    _text(c, w / 2, 260, "（本复印件仅供担保申请使用，他用无效）", 11, "c")
    return _finish(c, path)


def _tax_rows(company: SampleCompany, year: int) -> list[tuple[str, str, int]]:
    """(税种, 品目名称, amount in fen) paid for ``year``."""
    fin = make_financials(company, year)
    vat = fin.revenue * _code_rng(company, f"vat:{year}").randrange(12, 30) // 1000
    return [
        ("增值税", "货物销售", vat),
        ("企业所得税", "应纳税所得额", max(fin.value("减：所得税费用"), 0)),
        ("城市维护建设税", "增值税附征", vat * 7 // 100),
        ("教育费附加", "增值税附征", vat * 3 // 100),
        ("印花税", "购销合同", fin.revenue * 3 // 10_000),
    ]


def tax_payment_certificate_pdf(company: SampleCompany, year: int, path) -> Path:
    """中华人民共和国税收完税证明 for the taxes paid for ``year``."""
    path = _out(path)
    rng = _code_rng(company, f"tax-cert:{year}")
    c = _new_pdf(path, f"税收完税证明 {year}")
    w, _ = c._pagesize
    _text(c, w / 2, 775, "中华人民共和国", 15, "c")
    _text(c, w / 2, 748, "税收完税证明", 22, "c")
    abbr = _PROVINCE_ABBR.get(company.region.province, "")
    _text(c, w - 40, 725, f"（{year + 1}）{abbr}税证 {rng.randrange(10**6, 10**7)}", 10, "r")
    issued = date(year + 1, 1, 1) + timedelta(days=rng.randrange(10, 80))
    _text(c, 40, 700, f"填发日期：{_cn_date(issued)}", 10)
    _text(c, 250, 700, f"税务机关：{company.tax_authority}", 10)
    _text(c, 40, 680, f"纳税人识别号：{company.credit_code}", 10)
    _text(c, 40, 662, f"纳税人名称：{company.name}", 10)
    _text(c, 40, 644, f"税款所属时期：{year}年01月01日至{year}年12月31日", 10)
    rows = [["原凭证号", "税种", "品目名称", "税款所属时期", "入（退）库日期", "实缴（退）金额"]]
    taxes = _tax_rows(company, year)
    for tax, item, fen in taxes:
        voucher = f"{company.division[:4]}{year % 100:02d}{rng.randrange(10**9, 10**10)}"
        paid = date(year + 1, 1, 1) + timedelta(days=rng.randrange(0, 10))
        rows.append([voucher, tax, item, f"{year}-01-01至{year}-12-31", f"{paid:%Y-%m-%d}", _money(fen)])
    bottom = _table(c, 40, 630, [88, 72, 72, 120, 78, 85], rows, 20, 8, "llllcr")
    total = sum(fen for _, _, fen in taxes)
    _text(c, 40, bottom - 22, f"金额合计（大写）：{_rmb_upper(total)}", 10)
    _text(c, w - 40, bottom - 22, f"（小写）：¥{_money(total)}", 10, "r")
    _text(c, 40, bottom - 48, "备注：本凭证不作纳税人记账、抵扣凭证。", 9)
    _seal_outline(c, w - 110, bottom - 90, 36)
    return _finish(c, path)


def balance_sheet_pdf(company: SampleCompany, year: int, path) -> Path:
    """资产负债表 (会企01表) at 31 December ``year`` with the previous year-end."""
    path = _out(path)
    c = _new_pdf(path, f"{year}年资产负债表")
    _draw_balance_sheet(c, company, year)
    return _finish(c, path)


def _draw_balance_sheet(c, company: SampleCompany, year: int) -> None:
    fin = make_financials(company, year)
    w, _ = c._pagesize
    _text(c, w / 2, 780, "资产负债表", 20, "c")
    _text(c, w - 40, 782, "会企01表", 9, "r")
    _text(c, 40, 755, f"编制单位：{company.name}", 9)
    _text(c, w / 2 + 40, 755, f"{year}年12月31日", 9, "c")
    _text(c, w - 40, 755, "单位：元", 9, "r")
    header = ["资产", "期末余额", "上年年末余额", "负债和所有者权益", "期末余额", "上年年末余额"]
    rows = [header]
    for (la, ae, ab), (ll, le, lb) in zip(fin.assets, fin.liabilities):
        rows.append([la, _money(ae), _money(ab), ll, _money(le), _money(lb)])
    _table(c, 40, 745, [100, 76, 76, 111, 76, 76], rows, 17, 7.5, "lrrlrr")
    _text(c, 40, 745 - 17 * len(rows) - 20, "单位负责人：" + company.legal_rep, 9)
    _text(c, 250, 745 - 17 * len(rows) - 20, "主管会计工作负责人：", 9)
    _text(c, 430, 745 - 17 * len(rows) - 20, "会计机构负责人：", 9)


def income_statement_pdf(company: SampleCompany, year: int, path) -> Path:
    """利润表 (会企02表) for ``year`` with the previous year."""
    path = _out(path)
    c = _new_pdf(path, f"{year}年度利润表")
    _draw_income_statement(c, company, year)
    return _finish(c, path)


def _draw_income_statement(c, company: SampleCompany, year: int) -> None:
    fin = make_financials(company, year)
    w, _ = c._pagesize
    _text(c, w / 2, 780, "利润表", 20, "c")
    _text(c, w - 40, 782, "会企02表", 9, "r")
    _text(c, 40, 755, f"编制单位：{company.name}", 9)
    _text(c, w / 2 + 40, 755, f"{year}年度", 9, "c")
    _text(c, w - 40, 755, "单位：元", 9, "r")
    rows = [["项目", "本期金额", "上期金额"]]
    rows += [[label, _money(cur), _money(prev)] for label, cur, prev in fin.income]
    bottom = _table(c, 40, 745, [275, 120, 120], rows, 19, 8.5, "lrr")
    _text(c, 40, bottom - 20, "单位负责人：" + company.legal_rep, 9)


def application_form_pdf(company: SampleCompany, path, amount: int, term_months: int,
                         product_label: str, signed: date = date(2026, 10, 12), *,
                         agent: str | None = None, phone: str = "",
                         attachments: tuple[str, ...] = ()) -> Path:
    """担保申请书 for a guarantee of ``amount`` yuan over ``term_months`` months.

    ``agent``: a 经办人 other than the legal representative (a row of the table);
    ``attachments``: a 附件 list printed before the signatures (names other documents).
    """
    path = _out(path)
    c = _new_pdf(path, "担保申请书")
    w, _ = c._pagesize
    _text(c, w / 2, 775, "担保申请书", 22, "c")
    _text(c, 50, 735, f"{GUARANTOR}：", 11)
    intro = (f"　　我公司因生产经营需要，拟向银行申请融资人民币{_wan(amount)}，期限{term_months}个月，"
             f"特向贵公司申请提供{product_label}。现将有关情况说明如下，请予审查。")
    y = 712
    for line in _wrap(intro, w - 100, 11):
        _text(c, 50, y, line, 11)
        y -= 18
    rows = [
        ["申请人名称", company.name],
        ["统一社会信用代码", company.credit_code],
        ["法定代表人", company.legal_rep],
        ["法定代表人身份证号码", company.legal_rep_id],
        ["注册资本", f"人民币{_wan(company.registered_capital)}"],
        ["成立日期", _cn_date(company.established)],
        ["住所", company.address],
        ["申请担保金额", f"¥{_money(amount * 100)}元（大写：人民币{_rmb_upper(amount * 100)}）"],
        ["担保期限", f"{term_months}个月"],
        ["担保品种", product_label],
        ["融资用途", "补充流动资金，用于采购原材料及日常经营周转"],
        ["还款来源", "企业经营收入"],
        ["反担保措施", "法定代表人及其配偶提供个人无限连带责任保证"],
    ]
    if agent:
        rows.append(["经办人", f"{agent}　联系电话：{phone}" if phone else agent])
    y = _table(c, 50, y - 6, [130, w - 230], rows, 22, 9.5) - 30
    pledge = ("　　申请人承诺：所提供的资料真实、准确、完整，如有虚假，愿承担由此产生的一切法律责任；"
              "同意贵公司向有关部门及机构查询本公司及法定代表人的信用信息。")
    for line in _wrap(pledge, w - 100, 10.5):
        _text(c, 50, y, line, 10.5)
        y -= 17
    if attachments:
        y -= 6
        _text(c, 50, y, "附件：", 10.5)
        for i, item in enumerate(attachments, 1):
            y -= 16
            _text(c, 80, y, f"{i}. {item}", 10)
        y += 10
    _text(c, 330, y - 30, f"申请人（盖章）：{company.name}", 10.5)
    _text(c, 330, y - 55, "法定代表人（签字）：", 10.5)
    _text(c, 330, y - 80, f"日期：{_cn_date(signed)}", 10.5)
    return _finish(c, path)


def generic_pdf(path, title: str, lines: list[str], pages: int = 1) -> Path:
    """A text PDF: ``lines`` spread over ``pages`` pages (more if they do not fit)."""
    path = _out(path)
    c = _new_pdf(path, title)
    w, h = c._pagesize
    pages = max(1, pages)
    per_page = math.ceil(len(lines) / pages) if lines else 0
    chunks = [lines[i * per_page:(i + 1) * per_page] for i in range(pages)] if per_page else [[]] * pages
    page_no = 0

    def start_page(first: bool) -> float:
        nonlocal page_no
        page_no += 1
        _text(c, w / 2, h - 70, title if first else f"{title}（续）", 18 if first else 12, "c")
        return h - 110

    for index, chunk in enumerate(chunks):
        y = start_page(index == 0)
        for raw in chunk:
            for line in _wrap(raw, w - 120, 11):
                if y < 60:
                    _footer(c, f"第{page_no}页")
                    c.showPage()
                    y = start_page(False)
                _text(c, 60, y, line, 11)
                y -= 19
        if index < len(chunks) - 1:
            _footer(c, f"第{page_no}页")
            c.showPage()
    _footer(c, f"第{page_no}页")
    c.showPage()
    c.save()
    return path


def _articles_lines(company: SampleCompany) -> list[str]:
    """Text of an invented 公司章程."""
    cap = _wan(company.registered_capital)
    return [
        "第一章　总则",
        "第一条　为规范公司的组织和行为，根据《中华人民共和国公司法》及有关法律、法规的规定，制定本章程。",
        f"第二条　公司名称：{company.name}。",
        f"第三条　公司住所：{company.address}。",
        f"第四条　公司统一社会信用代码：{company.credit_code}。",
        "第二章　经营范围",
        f"第五条　公司经营范围：{company.scope}",
        "第三章　注册资本",
        f"第六条　公司注册资本为人民币{cap}，由股东以货币方式认缴。",
        "第七条　股东应当按期足额缴纳各自所认缴的出资额。",
        "第四章　股东的权利和义务",
        "第八条　股东按照实缴的出资比例分取红利。",
        "第九条　股东有权查阅、复制公司章程、股东会会议记录和财务会计报告。",
        "第五章　组织机构",
        "第十条　股东会由全体股东组成，是公司的权力机构。",
        "第十一条　公司不设董事会，设执行董事一名，由股东会选举产生。",
        f"第十二条　执行董事为公司的法定代表人，现任法定代表人为{company.legal_rep}。",
        "第十三条　公司不设监事会，设监事一名，由股东会选举产生。",
        "第六章　财务与会计",
        "第十四条　公司应当依照法律、行政法规和国务院财政部门的规定建立本公司的财务、会计制度。",
        "第十五条　公司应当在每一会计年度终了时编制财务会计报告，并依法经会计师事务所审计。",
        "第七章　解散与清算",
        "第十六条　公司因本章程规定的解散事由出现或股东会决议解散的，应当依法进行清算。",
        "第八章　附则",
        "第十七条　本章程经全体股东签署后生效。",
        "第十八条　本章程一式三份，公司留存一份，并报公司登记机关备案一份。",
        f"全体股东签字（盖章）：{company.legal_rep}",
        f"{_cn_date(company.established)}",
    ]
