"""Synthetic client documents for the demo, the tests and the benchmarks.

Everything here is invented: company names are random pairs of common words,
people's names are random pairs of common characters, identity codes are
random with correct check digits.  Every page carries a small notice saying
the document is a synthetic sample.  Generated files are never committed.

All output is deterministic: the same seed (or the same company) gives the
same bytes.  PDFs are written with reportlab in invariant mode (no timestamps,
no random IDs) and a Chinese text layer in the non-embedded Adobe CID font
STSong-Light (encoding UniGB-UCS2-H), which needs no font file and which
pdfplumber/pdfminer extract.  Scans are Pillow images drawn with the
WenQuanYi Micro Hei font (Debian package fonts-wqy-microhei).

Sections:
  1. dependencies and errors        6. financial figures
  2. identity codes                 7. image "scans"
  3. invented companies             8. bad inputs (faults)
  4. Chinese formatting             9. hand-written PDF (big_pdf, bulk)
  5. PDF documents (reportlab)     10. demo inbox and bulk files
                                   11. every document type (document_pdf, expected_fields)
"""

from __future__ import annotations

import functools
import hashlib
import io
import math
import random
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Iterable, Iterator

from dossier.errors import DossierError

__all__ = [
    "SampleCompany",
    "Financials",
    "SampleDependencyError",
    "make_credit_code",
    "make_id_number",
    "make_company",
    "demo_companies",
    "make_financials",
    "business_licence_pdf",
    "legal_rep_id_pdf",
    "tax_payment_certificate_pdf",
    "balance_sheet_pdf",
    "income_statement_pdf",
    "application_form_pdf",
    "generic_pdf",
    "licence_scan_jpg",
    "id_card_png",
    "image_only_pdf",
    "truncated_pdf",
    "corrupt_pdf",
    "encrypted_pdf",
    "zero_byte",
    "big_pdf",
    "write_demo_inbox",
    "make_bulk_pdfs",
    "DOC_TYPES",
    "PRODUCTS",
    "OPINIONS",
    "document_pdf",
    "expected_fields",
    "TRUTH",
]

#: Printed (small, grey) at the foot of every generated page.
NOTICE = "合成样例：本文件由 dossier 生成，单位、人员及号码均为虚构，仅供演示与测试。"
#: Invented guarantee company the application forms are addressed to.
GUARANTOR = "星桥融资担保有限公司"
DEMO_YEAR = 2025
MIB = 1024 * 1024


# ---------------------------------------------------------------------------
# 1. Dependencies and errors
# ---------------------------------------------------------------------------


class SampleDependencyError(DossierError, RuntimeError):
    """A library or font needed to draw sample documents is missing."""


_PDF_FONT = "STSong-Light"
#: Where the CJK TrueType font for scans is looked for (tests may patch this).
_FONT_DIRS = [Path("/usr/share/fonts"), Path("/usr/local/share/fonts")]
_FONT_FILES = ("wqy-microhei.ttc", "wqy-zenhei.ttc")


@functools.lru_cache(maxsize=1)
def _reportlab() -> SimpleNamespace:
    """Import reportlab lazily and register the CID font once.

    Returns a namespace with ``canvas``, ``pdfmetrics`` and ``pagesizes``.
    """
    try:
        from reportlab.lib import pagesizes
        from reportlab.pdfbase import pdfmetrics
        from reportlab.pdfbase.cidfonts import UnicodeCIDFont
        from reportlab.pdfgen import canvas
    except ImportError as exc:
        raise SampleDependencyError(
            "需要安装 reportlab：make setup "
            "(reportlab is required to write sample PDFs; run `make setup` "
            "or `pip install -e '.[samples]'`)"
        ) from exc
    if _PDF_FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(_PDF_FONT))

    return SimpleNamespace(canvas=canvas, pdfmetrics=pdfmetrics, pagesizes=pagesizes)


@functools.lru_cache(maxsize=1)
def _cjk_font_path() -> Path:
    for folder in _FONT_DIRS:
        if not folder.is_dir():
            continue
        for name in _FONT_FILES:
            hits = sorted(folder.rglob(name))
            if hits:
                return hits[0]
    raise SampleDependencyError(
        "缺少中文字体 wqy-microhei：请运行 make setup 或 apt-get install -y fonts-wqy-microhei "
        "(CJK font not found under /usr/share/fonts; run `make setup` or "
        "`apt-get install -y fonts-wqy-microhei`)"
    )


@functools.lru_cache(maxsize=32)
def _font(size: int):
    from PIL import ImageFont

    return ImageFont.truetype(str(_cjk_font_path()), size, index=0)


def _out(path) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


# ---------------------------------------------------------------------------
# 2. Identity codes (GB 32100-2015, GB 11714-1997, GB 11643-1999)
# ---------------------------------------------------------------------------

_CREDIT_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_CREDIT_WEIGHTS = [pow(3, i, 31) for i in range(17)]
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def _org_code_check(body8: str) -> str:
    """Check character of a GB 11714 organisation code (8 chars -> 1 char)."""
    total = sum(int(ch, 36) * w for ch, w in zip(body8, _ORG_WEIGHTS))
    check = 11 - total % 11
    return {10: "X", 11: "0"}.get(check, str(check))


def _credit_code_check(body17: str) -> str:
    total = sum(_CREDIT_CHARS.index(ch) * w for ch, w in zip(body17, _CREDIT_WEIGHTS))
    return _CREDIT_CHARS[(31 - total % 31) % 31]


def _id_check(body17: str) -> str:
    total = sum(int(ch) * w for ch, w in zip(body17, _ID_WEIGHTS))
    return "10X98765432"[total % 11]


def make_credit_code(rng: random.Random, division: str | None = None) -> str:
    """A valid 18-character 统一社会信用代码 of a company (starts with "91").

    The organisation-code part is either the post-2015 "MA" style or an
    older all-digit code, both with a correct GB 11714 check character.
    """
    division = division or rng.choice(_REGIONS).division
    if rng.random() < 0.6:
        body = "MA" + "".join(rng.choice(_CREDIT_CHARS) for _ in range(6))
    else:
        body = "".join(rng.choice("0123456789") for _ in range(8))
    head = "91" + division + body + _org_code_check(body)
    return head + _credit_code_check(head)


def make_id_number(
    rng: random.Random, birth: date, division: str | None = None, male: bool | None = None
) -> str:
    """A valid 18-character 居民身份证号 for someone born on ``birth``.

    The 17th digit is odd for men and even for women (random if ``male`` is None).
    """
    division = division or rng.choice(_REGIONS).division
    seq = rng.randrange(0, 100)
    sex = rng.randrange(0, 10, 2) + (1 if (male if male is not None else rng.random() < 0.5) else 0)
    body = f"{division}{birth:%Y%m%d}{seq:02d}{sex}"
    return body + _id_check(body)


# ---------------------------------------------------------------------------
# 3. Invented companies
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _Region:
    province: str
    city: str  # e.g. 杭州市
    district: str  # e.g. 西湖区
    division: str  # 6-digit administrative division code

    @property
    def city_short(self) -> str:
        return self.city.removesuffix("市")


_REGIONS = [
    _Region("浙江省", "杭州市", "西湖区", "330106"),
    _Region("浙江省", "宁波市", "海曙区", "330203"),
    _Region("浙江省", "温州市", "鹿城区", "330302"),
    _Region("江苏省", "苏州市", "吴中区", "320506"),
    _Region("江苏省", "无锡市", "滨湖区", "320211"),
    _Region("安徽省", "合肥市", "蜀山区", "340104"),
    _Region("广东省", "佛山市", "南海区", "440605"),
    _Region("福建省", "泉州市", "丰泽区", "350503"),
]
_PROVINCE_ABBR = {"浙江省": "浙", "江苏省": "苏", "安徽省": "皖", "广东省": "粤", "福建省": "闽"}
_BRAND_FIRST = "恒瑞华鼎启博嘉润泓晟岳澜"
_BRAND_SECOND = "远丰茂盛航泰禾川越辰森峰"
_INDUSTRIES = {
    "机械": "通用机械设备、液压配件的研发、制造、销售；货物进出口。",
    "纺织": "纺织品、针织品及原料的生产、销售；服装加工；货物进出口。",
    "食品": "食品生产；食品经营；农副产品收购；预包装食品销售。",
    "电子": "电子元器件、电子产品的研发、生产、销售；技术服务。",
    "包装": "纸制品、塑料包装制品的生产、销售；包装装潢印刷。",
    "五金": "五金制品、金属工具的制造、加工、销售。",
    "建材": "新型建筑材料的生产、销售；建材批发。",
    "家居": "家具、木制品的设计、制造、销售；室内装饰材料销售。",
}
_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高"
_GIVEN = "建国伟明军华平志强晓丽红霞文杰海涛敏静磊芳秀英俊玉兰德成"
_ROADS = ["兴业路", "创新路", "科创大道", "振华路", "明珠路", "工业园路", "望江路", "青云街"]
_DEMO_CLIENTS = (("恒远机械", "杭州市"), ("瑞丰纺织", "苏州市"), ("华茂食品", "宁波市"))


@dataclass(frozen=True)
class SampleCompany:
    """An invented client company and its legal representative."""

    name: str  # 杭州恒远机械有限公司
    short: str  # 恒远机械 (also the client folder name)
    credit_code: str  # 统一社会信用代码
    legal_rep: str  # 法定代表人
    legal_rep_id: str  # 法定代表人居民身份证号
    company_type: str  # 有限责任公司
    registered_capital: int  # yuan
    established: date
    address: str
    term_end: date | None = None  # 营业期限 end; None = 长期
    scope: str = "一般项目：技术服务；货物进出口。"
    legal_rep_address: str = ""

    @property
    def division(self) -> str:
        return self.credit_code[2:8]

    @property
    def region(self) -> _Region:
        for region in _REGIONS:
            if region.division == self.division:
                return region
        return _Region("", "", "", self.division)

    @property
    def registration_authority(self) -> str:
        r = self.region
        return f"{r.city}{r.district}市场监督管理局"

    @property
    def tax_authority(self) -> str:
        r = self.region
        return f"国家税务总局{r.city}{r.district}税务局"

    @property
    def legal_rep_birth(self) -> date:
        s = self.legal_rep_id
        return date(int(s[6:10]), int(s[10:12]), int(s[12:14]))

    @property
    def legal_rep_sex(self) -> str:
        return "男" if int(self.legal_rep_id[16]) % 2 else "女"


def _rand_date(rng: random.Random, start: date, end: date) -> date:
    return start + timedelta(days=rng.randrange((end - start).days + 1))


def make_company(seed: int, short: str | None = None, city: str | None = None) -> SampleCompany:
    """An invented company; ``short`` (e.g. "恒远机械") fixes the brand and industry,
    ``city`` (e.g. "杭州市", one of the built-in regions) the place."""
    rng = random.Random(f"dossier-company:{seed}:{short or ''}")
    region = rng.choice(_REGIONS)
    if city is not None:
        region = next((r for r in _REGIONS if city in (r.city, r.city_short)), None)
        if region is None:
            raise ValueError(f"unknown city {city!r}; known: {[r.city for r in _REGIONS]}")
    if short is None:
        short = rng.choice(_BRAND_FIRST) + rng.choice(_BRAND_SECOND) + rng.choice(list(_INDUSTRIES))
    industry = short[-2:]
    established = _rand_date(rng, date(2006, 1, 1), date(2021, 12, 31))
    birth = _rand_date(rng, date(1964, 1, 1), date(1990, 12, 31))
    male = rng.random() < 0.7
    rep = rng.choice(_SURNAMES) + "".join(rng.sample(_GIVEN, rng.choice((1, 2))))
    place = f"{region.province}{region.city}{region.district}"
    return SampleCompany(
        name=f"{region.city_short}{short}有限公司",
        short=short,
        credit_code=make_credit_code(rng, region.division),
        legal_rep=rep,
        legal_rep_id=make_id_number(rng, birth, region.division, male),
        company_type="有限责任公司（自然人投资或控股）",
        registered_capital=rng.choice((100, 200, 300, 500, 800, 1000, 1200, 2000, 3000)) * 10_000,
        established=established,
        address=f"{place}{rng.choice(_ROADS)}{rng.randrange(1, 400)}号",
        term_end=None if rng.random() < 0.5 else _years_later(established, 30) - timedelta(days=1),
        scope=_INDUSTRIES.get(industry, "一般项目：技术服务；货物进出口。"),
        legal_rep_address=f"{place}{rng.choice(_ROADS)}{rng.randrange(1, 200)}号"
        f"{rng.randrange(1, 30)}幢{rng.randrange(1, 6)}单元{rng.randrange(101, 2602)}室",
    )


def demo_companies(seed: int = 2026) -> list[SampleCompany]:
    """The three demo clients: 恒远机械, 瑞丰纺织, 华茂食品."""
    return [make_company(seed + i, short, city) for i, (short, city) in enumerate(_DEMO_CLIENTS)]


def _years_later(d: date, years: int) -> date:
    try:
        return d.replace(year=d.year + years)
    except ValueError:  # 29 February
        return d.replace(year=d.year + years, day=28)


# ---------------------------------------------------------------------------
# 4. Chinese formatting
# ---------------------------------------------------------------------------

_UPPER_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_UPPER_GROUPS = ("", "万", "亿", "万亿")


def _upper_group(n: int) -> str:
    """0 < n < 10000 in financial capitals, e.g. 1050 -> 壹仟零伍拾."""
    out, zero = "", False
    for power, unit in ((3, "仟"), (2, "佰"), (1, "拾"), (0, "")):
        digit = n // 10**power % 10
        if digit == 0:
            zero = bool(out)
            continue
        if zero:
            out += "零"
            zero = False
        out += _UPPER_DIGITS[digit] + unit
    return out


def _upper_int(n: int) -> str:
    if n == 0:
        return "零"
    groups = []
    while n:
        n, g = divmod(n, 10_000)
        groups.append(g)
    out, gap = "", False
    for idx in reversed(range(len(groups))):
        g = groups[idx]
        if g == 0:
            gap = bool(out)
            continue
        if out and (gap or g < 1000):
            out += "零"
        out += _upper_group(g) + _UPPER_GROUPS[idx]
        gap = False
    return out


def _rmb_upper(fen: int) -> str:
    """An amount in fen as 大写金额, e.g. 500000000 -> 伍佰万元整."""
    if fen < 0:
        return "负" + _rmb_upper(-fen)
    yuan, rest = divmod(fen, 100)
    jiao, cents = divmod(rest, 10)
    head = _upper_int(yuan) + "元" if yuan else ""
    if not rest:
        return (head or "零元") + "整"
    tail = _UPPER_DIGITS[jiao] + "角" if jiao else ("零" if yuan else "")
    return head + tail + (_UPPER_DIGITS[cents] + "分" if cents else "")


def _money(fen: int | None) -> str:
    """1234567 -> '12,345.67'; None -> ''."""
    if fen is None:
        return ""
    sign = "-" if fen < 0 else ""
    yuan, cents = divmod(abs(fen), 100)
    return f"{sign}{yuan:,}.{cents:02d}"


def _cn_date(d: date) -> str:
    return f"{d.year}年{d.month:02d}月{d.day:02d}日"


def _wan(yuan: int) -> str:
    return f"{yuan / 10_000:g}万元"


def _term_text(company: SampleCompany) -> str:
    end = "长期" if company.term_end is None else _cn_date(company.term_end)
    return f"{_cn_date(company.established)} 至 {end}"


def _code_rng(company: SampleCompany, purpose: str) -> random.Random:
    return random.Random(f"dossier:{company.credit_code}:{purpose}")


def _licence_issued(company: SampleCompany) -> date:
    rng = _code_rng(company, "licence-issued")
    return _rand_date(rng, max(company.established, date(2019, 1, 1)), date(2025, 6, 30))


def _id_card_terms(company: SampleCompany) -> tuple[str, str]:
    """(签发机关, 有效期限) of the legal representative's ID card."""
    rng = _code_rng(company, "id-card")
    birth = company.legal_rep_birth
    issued = _rand_date(rng, date(2016, 1, 1), date(2022, 12, 31))
    age = issued.year - birth.year
    years = None if age >= 46 else (20 if age >= 26 else 10)
    end = "长期" if years is None else f"{_years_later(issued, years):%Y.%m.%d}"
    r = company.region
    return f"{r.city}公安局{r.district.removesuffix('区')}分局", f"{issued:%Y.%m.%d}-{end}"


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


# ---------------------------------------------------------------------------
# 7. Image "scans" (Pillow, wqy-microhei)
# ---------------------------------------------------------------------------

_PAPER = (236, 233, 224)
_SEAL_RED = (205, 30, 35, 170)


def _draw_text(draw, xy, s: str, size: int, fill=(20, 20, 20), anchor: str = "la") -> None:
    draw.text(xy, s, font=_font(size), fill=fill, anchor=anchor)


def _wrap_px(s: str, size: int, width: int) -> list[str]:
    font, lines, line = _font(size), [], ""
    for ch in s:
        if line and font.getlength(line + ch) > width:
            lines.append(line)
            line = ""
        line += ch
    return lines + [line] if line else lines


def _stamp_seal(img, centre: tuple[int, int], radius: int, text: str):
    """Composite a semi-transparent red round seal with ``text`` along its upper arc."""
    from PIL import Image, ImageDraw

    layer = Image.new("RGBA", img.size, (0, 0, 0, 0))
    d = ImageDraw.Draw(layer)
    cx, cy = centre
    d.ellipse([cx - radius, cy - radius, cx + radius, cy + radius], outline=_SEAL_RED,
              width=max(4, radius // 18))
    d.polygon(_star_points(cx, cy, radius * 0.3, y_down=True), fill=_SEAL_RED)
    size = max(12, int(radius * 0.26))
    span = 230 if len(text) > 6 else 160
    for i, ch in enumerate(text):
        angle = 90 + span / 2 - span * i / max(1, len(text) - 1)
        tile = Image.new("RGBA", (size * 2, size * 2), (0, 0, 0, 0))
        ImageDraw.Draw(tile).text((size, size), ch, font=_font(size), fill=_SEAL_RED, anchor="mm")
        tile = tile.rotate(angle - 90, resample=Image.BICUBIC)
        rr = radius - size * 0.85
        px = cx + rr * math.cos(math.radians(angle)) - size
        py = cy - rr * math.sin(math.radians(angle)) - size
        layer.alpha_composite(tile, (int(px), int(py)))
    return Image.alpha_composite(img.convert("RGBA"), layer).convert("RGB")


def _add_noise(img, rng: random.Random, strength: int = 18):
    """Darken pixels by a seeded random 0..strength and soften like a scanner."""
    from PIL import Image, ImageChops, ImageFilter

    w, h = img.size
    noise = Image.frombytes("L", (w, h), rng.randbytes(w * h)).point(lambda v: v * strength // 255)
    img = ImageChops.subtract(img, Image.merge("RGB", (noise, noise, noise)))
    return img.filter(ImageFilter.GaussianBlur(0.6))


def _fake_qr(draw, x: int, y: int, cells: int, cell: int, rng: random.Random) -> None:
    for i in range(cells):
        for j in range(cells):
            corner = min(i, cells - 1 - i) < 3 and min(j, cells - 1 - j) < 3 and (i < 3 or j < 3)
            if corner or rng.random() < 0.45:
                draw.rectangle([x + i * cell, y + j * cell, x + (i + 1) * cell - 1,
                                y + (j + 1) * cell - 1], fill=(25, 25, 25))


def _licence_image(company: SampleCompany, noise: bool):
    from PIL import Image, ImageDraw

    rng = _code_rng(company, "licence-scan")
    img = Image.new("RGB", (1600, 1130), _PAPER)
    d = ImageDraw.Draw(img)
    d.rectangle([30, 30, 1569, 1099], outline=(160, 100, 50), width=8)
    d.rectangle([46, 46, 1553, 1083], outline=(160, 100, 50), width=2)
    _draw_text(d, (95, 85), "统一社会信用代码", 26)
    _draw_text(d, (95, 122), company.credit_code, 32)
    _draw_text(d, (1505, 95), "（副　本）", 28, anchor="ra")
    _draw_text(d, (800, 230), "营业执照", 100, anchor="mm")
    left = [("名　　称", [company.name]), ("类　　型", _wrap_px(company.company_type, 28, 500)),
            ("法定代表人", [company.legal_rep]), ("经营范围", _wrap_px(company.scope, 28, 500))]
    right = [("注册资本", [_rmb_upper(company.registered_capital * 100)]),
             ("成立日期", [_cn_date(company.established)]),
             ("营业期限", _wrap_px(_term_text(company), 28, 500)),
             ("住　　所", _wrap_px(company.address, 28, 500))]
    for column, lx, vx in ((left, 130, 300), (right, 860, 1030)):
        y = 370
        for label, values in column:
            _draw_text(d, (lx, y), label, 28)
            for line in values:
                _draw_text(d, (vx, y), line, 28)
                y += 40
            y += 28
    _fake_qr(d, 130, 850, 25, 7, rng)
    _draw_text(d, (1000, 900), "登记机关", 28)
    _draw_text(d, (1130, 960), _cn_date(_licence_issued(company)), 28)
    _draw_text(d, (800, 1060), NOTICE, 18, fill=(110, 110, 110), anchor="mm")
    img = _stamp_seal(img, (1230, 920), 120, company.registration_authority)
    return _add_noise(img, rng) if noise else img


def licence_scan_jpg(company: SampleCompany, path, rotate: int = 0, noise: bool = True) -> Path:
    """A scanned 营业执照 as JPEG: grey paper, red seal over the text, optional rotation."""
    if rotate % 90:
        raise ValueError("rotate must be a multiple of 90 degrees")
    path = _out(path)
    img = _licence_image(company, noise)
    if rotate % 360:
        img = img.rotate(rotate % 360, expand=True)
    img.save(path, "JPEG", quality=85)
    return path


def _id_card_image(company: SampleCompany):
    from PIL import Image, ImageDraw

    img = Image.new("RGB", (1000, 1300), (248, 248, 246))
    d = ImageDraw.Draw(img)
    label, ink = (60, 90, 140), (20, 20, 20)
    for top in (60, 660):
        d.rounded_rectangle([72, top, 928, top + 540], radius=30, fill=(228, 238, 245),
                            outline=(150, 160, 170), width=2)
    b = company.legal_rep_birth
    x, t = 112, 60
    _draw_text(d, (x, t + 50), "姓名", 26, label)
    _draw_text(d, (x + 100, t + 45), company.legal_rep, 34, ink)
    _draw_text(d, (x, t + 120), "性别", 26, label)
    _draw_text(d, (x + 100, t + 116), company.legal_rep_sex, 30, ink)
    _draw_text(d, (x + 220, t + 120), "民族", 26, label)
    _draw_text(d, (x + 320, t + 116), "汉", 30, ink)
    _draw_text(d, (x, t + 190), "出生", 26, label)
    _draw_text(d, (x + 100, t + 186), f"{b.year}年{b.month}月{b.day}日", 30, ink)
    _draw_text(d, (x, t + 260), "住址", 26, label)
    for i, line in enumerate(_wrap_px(company.legal_rep_address, 30, 430)):
        _draw_text(d, (x + 100, t + 256 + i * 42), line, 30, ink)
    _draw_text(d, (x, t + 450), "公民身份号码", 26, label)
    _draw_text(d, (x + 200, t + 444), company.legal_rep_id, 38, ink)
    d.rectangle([650, t + 60, 870, t + 340], fill=(205, 210, 215))
    d.ellipse([715, t + 100, 805, t + 210], fill=(160, 165, 170))
    d.pieslice([670, t + 220, 850, t + 420], 180, 360, fill=(160, 165, 170))
    issuer, valid = _id_card_terms(company)
    t = 660
    d.ellipse([120, t + 50, 260, t + 190], outline=(200, 40, 40), width=6)
    d.polygon(_star_points(190, t + 120, 40, y_down=True), fill=(200, 40, 40))
    _draw_text(d, (560, t + 90), "中华人民共和国", 44, ink, "mm")
    _draw_text(d, (560, t + 170), "居民身份证", 68, ink, "mm")
    _draw_text(d, (180, t + 330), "签发机关", 26, label)
    _draw_text(d, (320, t + 326), issuer, 30, ink)
    _draw_text(d, (180, t + 410), "有效期限", 26, label)
    _draw_text(d, (320, t + 406), valid, 30, ink)
    _draw_text(d, (500, 1240), "（本复印件仅供担保申请使用，他用无效）", 28, (150, 40, 40), "mm")
    _draw_text(d, (500, 1280), NOTICE, 16, (110, 110, 110), "mm")
    return img


def id_card_png(company: SampleCompany, path) -> Path:
    """Photocopy-style PNG of the legal representative's ID card, front above back."""
    path = _out(path)
    _id_card_image(company).save(path, "PNG")
    return path


def _save_image_pdf(img, pdf_path: Path) -> Path:
    """One A4 page holding just ``img`` (no text layer), like a scanner's PDF."""
    w, h = img.size
    long_in, short_in = 11.69, 8.27
    dpi = max(w, h) / long_in if max(w, h) / min(w, h) > long_in / short_in else min(w, h) / short_in
    if img.mode not in ("RGB", "L"):
        img = img.convert("RGB")
    img.save(pdf_path, "PDF", resolution=round(dpi, 2), title="Scanned document",
             creationDate=None, modDate=None)
    return pdf_path


def image_only_pdf(image_path, pdf_path) -> Path:
    """Wrap an image into a PDF page without any text layer."""
    from PIL import Image

    pdf_path = _out(pdf_path)
    with Image.open(image_path) as img:
        img.load()
        return _save_image_pdf(img, pdf_path)


# ---------------------------------------------------------------------------
# 8. Bad inputs (fault injection)
# ---------------------------------------------------------------------------


def truncated_pdf(src_pdf, path, keep_fraction: float = 0.6) -> Path:
    """The first ``keep_fraction`` of ``src_pdf``'s bytes, cut before any %%EOF."""
    if not 0 < keep_fraction < 1:
        raise ValueError("keep_fraction must be between 0 and 1")
    data = Path(src_pdf).read_bytes()
    cut = data[: int(len(data) * keep_fraction)]
    eof = cut.find(b"%%EOF")
    path = _out(path)
    path.write_bytes(cut if eof < 0 else cut[:eof])
    return path


def corrupt_pdf(path, seed: int = 0, size: int = 4096) -> Path:
    """A PDF header, random garbage and a trailing %%EOF: looks like a PDF, is not."""
    garbage = random.Random(f"dossier-corrupt:{seed}").randbytes(size)
    path = _out(path)
    path.write_bytes(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n" + garbage.replace(b"%%EOF", b"%%EOG") + b"\n%%EOF\n")
    return path


def encrypted_pdf(src_pdf, path, user_password: str = "1234") -> Path:
    """``src_pdf`` encrypted (RC4-128) with ``user_password`` (also the owner password)."""
    from pypdf import PdfWriter
    from pypdf.generic import ArrayObject

    writer = PdfWriter(clone_from=str(src_pdf))
    writer.encrypt(user_password=user_password, owner_password=user_password, algorithm="RC4-128")
    # pypdf puts a random second file identifier in the trailer; reuse the first
    # one (the key depends only on it) so the output is deterministic.
    ids = getattr(writer, "_ID", None)
    if ids:
        writer._ID = ArrayObject([ids[0], ids[0]])
    path = _out(path)
    with open(path, "wb") as fh:
        writer.write(fh)
    return path


def zero_byte(path) -> Path:
    path = _out(path)
    path.write_bytes(b"")
    return path


# ---------------------------------------------------------------------------
# 9. Hand-written PDF: one page of Chinese text (+ an optional big stream)
# ---------------------------------------------------------------------------

# Widths of Adobe-GB1 CIDs 1..95 (proportional Latin), as reportlab writes them.
_GB1_WIDTHS = (
    b"1 [ 207 270 342 467 462 797 710 239 374 ] 10 [ 374 423 605 238 375 238 334 462 ] "
    b"18 26 462 27 28 238 29 31 605 32 [ 344 748 684 560 695 739 563 511 729 793 318 312 "
    b"666 526 896 758 772 544 772 628 465 607 753 711 972 647 620 607 374 333 374 606 500 "
    b"239 417 503 427 529 415 264 444 518 241 230 495 228 793 527 524 ] 81 [ 524 504 338 "
    b"336 277 517 450 652 466 452 407 370 258 370 605 ]"
)


def _hex_text(s: str) -> bytes:
    return b"<" + s.encode("utf-16-be").hex().upper().encode() + b">"


def _plain_objects(title: str, lines: list[str]) -> list[bytes]:
    """Bodies of objects 1..6: catalog, pages, page, contents, font, info."""
    ops = [b"BT /F1 18 Tf 72 770 Td " + _hex_text(title) + b" Tj ET",
           b"BT /F1 11 Tf 72 735 Td 17 TL"]
    for line in lines[:38]:
        ops.append(_hex_text(line) + b" Tj T*")
    ops += [b"ET", b"0.45 g BT /F1 6.5 Tf 72 18 Td " + _hex_text(NOTICE) + b" Tj ET"]
    content = b"\n".join(ops)
    return [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595.2756 841.8898] "
        b"/Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /UniGB-UCS2-H "
        b"/DescendantFonts [<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light "
        b"/CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 2 >> "
        b"/FontDescriptor << /Type /FontDescriptor /FontName /STSong-Light /Flags 6 "
        b"/FontBBox [-25 -254 1000 880] /ItalicAngle 0 /Ascent 752 /Descent -271 "
        b"/CapHeight 737 /StemV 58 >> /DW 1000 /W [" + _GB1_WIDTHS + b"] >>] >>",
        b"<< /Title <FEFF" + title.encode("utf-16-be").hex().upper().encode()
        + b"> /Producer (dossier.samples) >>",
    ]


class _PdfSink:
    """Write PDF objects sequentially, remembering their offsets for the xref."""

    def __init__(self, fh):
        self.fh, self.pos, self.offsets = fh, 0, []

    def write(self, data: bytes) -> None:
        self.fh.write(data)
        self.pos += len(data)

    def obj(self, body: bytes) -> None:
        self.offsets.append(self.pos)
        self.write(b"%d 0 obj\n" % len(self.offsets) + body + b"\nendobj\n")

    def trailer(self, file_id: bytes) -> None:
        self.write(_xref_and_trailer(self.offsets, self.pos, file_id))


def _xref_and_trailer(offsets: list[int], xref_pos: int, file_id: bytes) -> bytes:
    n = len(offsets) + 1
    hid = file_id.hex().encode()
    return (b"xref\n0 %d\n0000000000 65535 f \n" % n
            + b"".join(b"%010d 00000 n \n" % off for off in offsets)
            + b"trailer\n<< /Size %d /Root 1 0 R /Info 6 0 R /ID [<%s><%s>] >>\n"
              b"startxref\n%d\n%%%%EOF\n" % (n, hid, hid, xref_pos))


def _plain_pdf_bytes(title: str, lines: list[str]) -> bytes:
    buf = io.BytesIO()
    sink = _PdfSink(buf)
    sink.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    for body in _plain_objects(title, lines):
        sink.obj(body)
    sink.trailer(hashlib.md5("\n".join([title, *lines]).encode()).digest())
    return buf.getvalue()


def _random_chunks(total: int, seed: int, chunk: int = MIB) -> Iterator[bytes]:
    rng = random.Random(f"dossier-big:{seed}")
    while total > 0:
        n = min(chunk, total)
        yield rng.randbytes(n)
        total -= n


def big_pdf(path, size_mb: float, seed: int = 0) -> Path:
    """A valid one-page PDF of about ``size_mb`` MiB (1 MiB = 1,048,576 bytes).

    The page holds a little Chinese text; the bulk is an unreferenced stream
    of random (incompressible) bytes written in 1 MiB chunks, so memory use
    stays small whatever the size.  The file is exactly ``size_mb`` MiB unless
    that is below the minimum (about 2 KB).
    """
    path = _out(path)
    target = int(size_mb * MIB)
    title = "大文件测试样例"
    lines = [f"本文件约 {size_mb:g} MB，其中包含一个随机数据流，用于测试大文件的处理。"]
    file_id = hashlib.md5(f"dossier-big:{seed}:{target}".encode()).digest()
    end = b"\nendstream\nendobj\n"
    with open(path, "wb") as fh:
        sink = _PdfSink(fh)
        sink.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
        for body in _plain_objects(title, lines):
            sink.obj(body)
        offsets = [*sink.offsets, sink.pos]
        head = lambda n: b"7 0 obj\n<< /Length %d >>\nstream\n" % n  # noqa: E731
        length = target
        for _ in range(3):  # the digit counts settle after one or two rounds
            xref_pos = sink.pos + len(head(length)) + length + len(end)
            overhead = xref_pos - length + len(_xref_and_trailer(offsets, xref_pos, file_id))
            length = max(0, target - overhead)
        sink.offsets.append(sink.pos)
        sink.write(head(length))
        for chunk in _random_chunks(length, seed):
            sink.write(chunk)
        sink.write(end)
        sink.trailer(file_id)
    return path


# ---------------------------------------------------------------------------
# 10. Demo inbox and bulk files
# ---------------------------------------------------------------------------


def _scan_pdf(img, pdf_path: Path) -> Path:
    return _save_image_pdf(img, _out(pdf_path))


def write_demo_inbox(inbox, seed: int = 2026) -> list[Path]:
    """Three client folders with clerk-style file names plus one file at the root.

    The root file's name starts with the credit code of the first client, to
    exercise routing by credit code.  Returns the paths written.
    """
    inbox = Path(inbox)
    a, b, c = demo_companies(seed)
    y = DEMO_YEAR
    da, db, dc = (inbox / co.short for co in (a, b, c))
    written = [
        business_licence_pdf(a, da / "营业执照.pdf"),
        _scan_pdf(_id_card_image(a), da / "扫描件(3).pdf"),
        balance_sheet_pdf(a, y, da / f"{y}年资产负债表.pdf"),
        income_statement_pdf(a, y, da / f"{y}利润表.pdf"),
        tax_payment_certificate_pdf(a, y, da / f"完税证明{y}.pdf"),
        application_form_pdf(a, da / "担保申请书.pdf", 3_000_000, 12, "流动资金贷款担保"),
        licence_scan_jpg(b, db / "IMG_20261012_093012.jpg", rotate=90),
        _scan_pdf(_id_card_image(b), db / "扫描件(1).pdf"),
        balance_sheet_pdf(b, y, db / f"{y}年资产负债表.pdf"),
        income_statement_pdf(b, y, db / f"{y}利润表.pdf"),
        application_form_pdf(b, db / "担保申请书.pdf", 5_000_000, 24, "设备采购和更新融资担保"),
        _scan_pdf(_licence_image(c, noise=True), dc / "营业执照扫描.pdf"),
        legal_rep_id_pdf(c, dc / "法人身份证.pdf"),
        balance_sheet_pdf(c, y, dc / f"资产负债表（{y}年12月）.pdf"),
        balance_sheet_pdf(c, y - 1, dc / f"{y - 1}年资产负债表.pdf"),
        income_statement_pdf(c, y, dc / f"{y}利润表.pdf"),
        tax_payment_certificate_pdf(c, y, dc / f"完税证明{y}.pdf"),
        application_form_pdf(c, dc / "担保申请书.pdf", 2_000_000, 12, "银行承兑汇票担保"),
        generic_pdf(inbox / f"{a.credit_code}_章程.pdf", f"{a.name}章程", _articles_lines(a), pages=2),
    ]
    # The first client brings everything the appendix asks for a 12-month working-capital
    # guarantee, so the demo shows one complete dossier beside two incomplete ones.
    complete_set = [
        *[(kind, yr, f"{yr}年{name}.pdf") for yr in (y - 2, y - 1) for kind, name in
          (("balance_sheet", "资产负债表"), ("income_statement", "利润表"), ("tax_payment_certificate", "完税证明"))],
        *[(kind, yr, f"{yr}年{name}.pdf") for yr in (y - 2, y - 1, y) for kind, name in
          (("equity_statement", "所有者权益变动表"), ("audit_report", "审计报告"))],
        ("annual_report", y, f"{y}年度报告.pdf"),
        ("sales_report", y, "销量情况.pdf"),
        ("loan_guarantee_schedule", y, "存借款及对外担保情况.pdf"),
        ("officer_roster", y, "董事会成员及财务负责人名单.pdf"),
        ("cash_flow_forecast", y, "现金流量预测.pdf"),
        ("board_resolution", y, "股东会决议.pdf"),
        ("profit_distribution_resolution", y, "利润分配决议.pdf"),
    ]
    for kind, yr, name in complete_set:
        options = {"as_of": date(y + 1, 9, 30)} if kind == "loan_guarantee_schedule" else {}
        written.append(document_pdf(kind, a, da / name, year=yr, **options))
    return written


_BULK_KINDS = ("营业执照", "完税证明", "资产负债表", "利润表", "担保申请书", "公司章程", "说明")


def make_bulk_pdfs(folder, n: int, seed: int = 0) -> list[Path]:
    """``n`` small, distinct, valid one-page text PDFs (hand-written, ~0.1 ms each)."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    companies = [make_company(seed * 1000 + k) for k in range(max(1, min(20, n // 50)))]
    rng = random.Random(f"dossier-bulk:{seed}")
    width = max(4, len(str(n)))
    paths = []
    for i in range(n):
        co = companies[i % len(companies)]
        kind = _BULK_KINDS[rng.randrange(len(_BULK_KINDS))]
        day = _rand_date(rng, date(2020, 1, 1), date(2026, 9, 30))
        lines = [f"名称：{co.name}", f"统一社会信用代码：{co.credit_code}",
                 f"法定代表人：{co.legal_rep}", f"文件编号：{seed}-{i:0{width}d}",
                 f"金额：{_money(rng.randrange(10**5, 10**10))}元", f"日期：{_cn_date(day)}"]
        path = folder / f"{i:0{width}d}_{co.short}_{kind}.pdf"
        path.write_bytes(_plain_pdf_bytes(kind, lines))
        paths.append(path)
    return paths


# ---------------------------------------------------------------------------
# 11. Every document type: document_pdf() and the fields it should yield
# ---------------------------------------------------------------------------

#: The document types of rules/doctypes.toml (the public contract), in checklist order.
DOC_TYPES = (
    "application_form", "business_licence", "annual_report", "org_code_certificate", "legal_rep_id",
    "audit_report", "balance_sheet", "income_statement", "equity_statement", "cash_flow_statement",
    "sales_report", "loan_guarantee_schedule", "tax_registration", "tax_payment_certificate",
    "articles_of_association", "officer_roster", "board_resolution", "profit_distribution_resolution",
    "cash_flow_forecast", "power_of_attorney", "customs_document", "approval_document", "funding_plan",
    "projected_financials", "project_schedule", "feasibility_study", "trade_contract",
    "letter_of_credit", "other",
)
#: Guarantee products (application_form.product) and how application forms name them.
PRODUCTS = {
    "working_capital_loan": "流动资金贷款担保",
    "project_finance": "项目融资担保",
    "letter_of_credit": "信用证担保",
    "bill_acceptance": "票据承兑担保",
    "equipment_finance": "设备采购和更新融资担保",
}
#: Audit opinions (audit_report.opinion).
OPINIONS = ("standard", "qualified", "adverse", "disclaimer", "emphasis")

_PRODUCT_LINES = {
    "机械": [("液压泵", "台"), ("齿轮箱", "台"), ("液压阀组", "套")],
    "纺织": [("棉纱", "吨"), ("针织面料", "万米"), ("成衣", "万件")],
    "食品": [("速冻水饺", "吨"), ("调味酱", "吨"), ("休闲零食", "吨")],
    "电子": [("电源模块", "万只"), ("控制板", "万块"), ("传感器", "万只")],
    "包装": [("瓦楞纸箱", "万只"), ("塑料包装袋", "吨"), ("彩印盒", "万只")],
    "五金": [("扳手", "万把"), ("合页", "万副"), ("紧固件", "吨")],
    "建材": [("加气砌块", "万立方米"), ("干混砂浆", "吨"), ("保温板", "万平方米")],
    "家居": [("实木餐桌", "张"), ("板式衣柜", "套"), ("办公椅", "把")],
}
_FIRM_WORDS = ("明信", "正衡", "立诚", "中汇信", "求实", "瑞华信", "天恒", "致远")
_BANK_WORDS = ("明湖", "星河", "鼎泰", "瑞安", "汇通")
_CONSULT_WORDS = ("华策", "远见", "中咨信", "博思")


def _fen_to_yuan(fen: int) -> int | float:
    return fen // 100 if fen % 100 == 0 else fen / 100


def _person_name(rng: random.Random, avoid: str = "") -> str:
    while True:
        name = rng.choice(_SURNAMES) + "".join(rng.sample(_GIVEN, rng.choice((1, 2))))
        if name != avoid:
            return name


def _counterparty(company: SampleCompany, purpose: str) -> SampleCompany:
    seed = _code_rng(company, f"counterparty:{purpose}").randrange(10**6)
    other = make_company(seed)
    return other if other.name != company.name else make_company(seed + 1)


def _products(company: SampleCompany) -> list[tuple[str, str]]:
    return _PRODUCT_LINES.get(company.short[-2:], [("主要产品", "件"), ("配套产品", "件")])


def _project(company: SampleCompany) -> SimpleNamespace:
    rng = _code_rng(company, "project")
    product, unit = _products(company)[0]
    qty = rng.choice((2, 3, 5, 8, 10, 20))
    invest = rng.choice((30, 50, 80, 120, 150, 200)) * 100 * 10_000  # yuan
    return SimpleNamespace(
        name=f"年产{qty}万{unit}{product}技术改造项目", invest=invest,
        code=f"{rng.randrange(2024, 2026)}-{company.division}-{rng.randrange(10, 40)}-03-{rng.randrange(10**5, 10**6)}",
        site=company.address, start=date(DEMO_YEAR + 1, rng.randrange(1, 7), 1),
        authority=f"{company.region.city}{company.region.district}发展和改革局")


class _Writer:
    """A text PDF written top to bottom with automatic page breaks."""

    def __init__(self, path: Path, title: str, landscape: bool = False):
        self.path = path
        self.c = _new_pdf(path, title, landscape)
        self.w, self.h = self.c._pagesize
        self.y = self.h - 55
        self.page = 1

    def ensure(self, need: float) -> None:
        if self.y - need < 45:
            self.new_page()

    def new_page(self) -> None:
        _footer(self.c, f"第{self.page}页")
        self.c.showPage()
        self.page += 1
        self.y = self.h - 55

    def title(self, text: str, size: float = 20, gap: float = 14) -> None:
        self.ensure(size + gap)
        _text(self.c, self.w / 2, self.y - size, text, size, "c")
        self.y -= size + gap

    def line(self, text: str, size: float = 10.5, x: float = 50, right: str = "") -> None:
        for piece in _wrap(text, self.w - x - 50 - (_width(right, size) + 20 if right else 0), size):
            self.ensure(size + 8)
            _text(self.c, x, self.y - size, piece, size)
            if right:
                _text(self.c, self.w - 50, self.y - size, right, size, "r")
                right = ""
            self.y -= size + 7

    def para(self, text: str, size: float = 10.5) -> None:
        self.line("　　" + text, size)

    def gap(self, dy: float = 8) -> None:
        self.y -= dy

    def table(self, widths: list[float], rows: list[list[str]], row_h: float = 18, size: float = 8.5,
              aligns: str | None = None) -> None:
        while rows:
            fit = max(1, int((self.y - 45) // row_h))
            if fit < min(3, len(rows)):
                self.new_page()
                continue
            chunk, rows = rows[:fit], rows[fit:]
            self.y = _table(self.c, 50, self.y, widths, chunk, row_h, size, aligns) - 10
            if rows:
                self.new_page()

    def finish(self) -> Path:
        if self.page == 1:
            _footer(self.c)
        else:
            _footer(self.c, f"第{self.page}页")
        self.c.showPage()
        self.c.save()
        return self.path


def _signature(wr: _Writer, company: SampleCompany, signed: date, who: str = "法定代表人（签字）：") -> None:
    wr.gap(20)
    wr.line(f"{company.name}（盖章）", x=320)
    if who:
        wr.line(who, x=320)
    wr.line(_cn_date(signed), x=320)


# --- facts: every document's parameters, resolved once (writers and TRUTH share them) -----


def _facts(doc_type: str, company: SampleCompany, year: int, kw: dict) -> dict:
    """Resolve the parameters of one document from ``kw`` and seeded defaults."""
    if doc_type not in DOC_TYPES:
        raise ValueError(f"unknown doc_type {doc_type!r}")
    rng = _code_rng(company, f"doc:{doc_type}:{year}")
    f: dict = {"year": year}
    if doc_type == "application_form":
        f["amount"] = kw.get("amount", rng.choice((100, 200, 300, 500, 800, 1000)) * 10_000)
        f["term_months"] = kw.get("term_months", rng.choice((12, 24, 36)))
        f["product"] = kw.get("product", "working_capital_loan")
        f["signed"] = kw.get("signed", date(year + 1, rng.randrange(1, 13), rng.randrange(1, 29)))
        agent = _person_name(rng, avoid=company.legal_rep)
        f["agent"] = kw.get("agent", agent if rng.random() < 0.5 else None)
        f["attachments"] = kw.get("attachments", True)
    elif doc_type == "org_code_certificate":
        f["issued"] = kw.get("issued", _rand_date(rng, date(2011, 1, 1), date(2014, 12, 31)))
    elif doc_type == "audit_report":
        f["opinion"] = kw.get("opinion", "standard")
        f["firm"] = kw.get("firm", f"{company.region.city_short}{rng.choice(_FIRM_WORDS)}会计师事务所（特殊普通合伙）")
        f["signed"] = kw.get("signed", date(year + 1, rng.randrange(2, 5), rng.randrange(1, 29)))
    elif doc_type == "loan_guarantee_schedule":
        f["as_of"] = kw.get("as_of", date(year + 1, rng.choice((3, 6, 9)), 30))
    elif doc_type == "tax_registration":
        f["new_style"] = kw.get("new_style", False)
        f["issued"] = kw.get("issued", _rand_date(rng, date(2010, 1, 1), date(2015, 6, 30)))
    elif doc_type in ("board_resolution", "profit_distribution_resolution", "power_of_attorney"):
        f["date"] = kw.get("date", date(year + 1, rng.randrange(3, 10), rng.randrange(1, 29)))
        f["agent"] = kw.get("agent", _person_name(rng, avoid=company.legal_rep))
        f["amount"] = kw.get("amount", rng.choice((200, 300, 500, 800)) * 10_000)
    elif doc_type in ("trade_contract", "letter_of_credit"):
        f["role"] = kw.get("role", "seller" if doc_type == "trade_contract" else "buyer")
        f["other"] = _counterparty(company, doc_type)
        items = []
        for product, unit in _products(company)[:2]:
            qty = rng.randrange(2, 60) * 10
            price_fen = rng.randrange(200, 20_000) * 100 + rng.choice((0, 0, 50))
            items.append((product, unit, qty, price_fen))
        f["items"] = kw.get("items", items)
        f["amount_fen"] = sum(q * p for _, _, q, p in f["items"])
        f["signed"] = kw.get("signed", date(year + 1, rng.randrange(1, 10), rng.randrange(1, 29)))
    unknown = set(kw) - set(f)
    if unknown:
        raise TypeError(f"document_pdf({doc_type!r}) got unexpected keyword(s): {sorted(unknown)}")
    return f


def expected_fields(doc_type: str, company: SampleCompany, year: int = DEMO_YEAR, **kw) -> dict:
    """TRUTH: the exact fields ``document_pdf(doc_type, company, path, year, **kw)`` should yield.

    Keys and value types follow the public contract (see dossier.fields): ISO dates,
    amounts in yuan (int when whole), ``None`` for a missing value or a 长期 end date.
    """
    f = _facts(doc_type, company, year, kw)
    co = company
    fin = make_financials(co, year) if doc_type in ("balance_sheet", "income_statement") else None
    if doc_type == "application_form":
        return {"company_name": co.name, "credit_code": co.credit_code, "product": f["product"],
                "amount": f["amount"], "term_months": f["term_months"],
                "application_date": f["signed"].isoformat(), "agent": f["agent"]}
    if doc_type == "business_licence":
        return {"credit_code": co.credit_code, "company_name": co.name, "company_type": co.company_type,
                "legal_rep": co.legal_rep, "registered_capital": co.registered_capital,
                "established": co.established.isoformat(),
                "term_end": co.term_end.isoformat() if co.term_end else None, "address": co.address}
    if doc_type == "annual_report":
        return {"credit_code": co.credit_code, "year": year}
    if doc_type == "org_code_certificate":
        return {"org_code": f"{co.credit_code[8:16]}-{co.credit_code[16]}", "company_name": co.name,
                "valid_until": (_years_later(f["issued"], 4) - timedelta(days=1)).isoformat()}
    if doc_type == "legal_rep_id":
        valid = _id_card_terms(co)[1].split("-")[1]
        return {"name": co.legal_rep, "id_number": co.legal_rep_id,
                "valid_until": None if valid == "长期" else valid.replace(".", "-")}
    if doc_type == "audit_report":
        return {"company_name": co.name, "year": year, "audit_firm": f["firm"], "opinion": f["opinion"]}
    if doc_type == "balance_sheet":
        y = lambda label: _fen_to_yuan(fin.value(label))  # noqa: E731
        return {"company_name": co.name, "year": year, "total_assets": y("资产总计"),
                "total_liabilities": y("负债合计"), "total_equity": y("所有者权益合计"),
                "total_liabilities_and_equity": y("负债和所有者权益总计"),
                "current_assets": y("流动资产合计"), "current_liabilities": y("流动负债合计")}
    if doc_type == "income_statement":
        return {"company_name": co.name, "year": year, "revenue": _fen_to_yuan(fin.revenue),
                "operating_profit": _fen_to_yuan(fin.operating_profit), "net_profit": _fen_to_yuan(fin.net_profit)}
    if doc_type == "cash_flow_statement":
        rows = {label: cur for label, cur, _ in _cash_flow_rows(co, year)}
        return {"company_name": co.name, "year": year,
                "operating_cash_flow": _fen_to_yuan(rows["经营活动产生的现金流量净额"])}
    if doc_type in ("equity_statement", "sales_report", "profit_distribution_resolution"):
        return {"company_name": co.name, "year": year}
    if doc_type == "loan_guarantee_schedule":
        return {"company_name": co.name, "as_of": f["as_of"].isoformat()}
    if doc_type == "tax_registration":
        taxpayer = co.credit_code if f["new_style"] else co.division + co.credit_code[8:17]
        return {"taxpayer_id": taxpayer, "company_name": co.name}
    if doc_type == "tax_payment_certificate":
        rng = _code_rng(co, f"tax-cert:{year}")
        rng.randrange(10**6, 10**7)
        issued = date(year + 1, 1, 1) + timedelta(days=rng.randrange(10, 80))
        total = sum(fen for _, _, fen in _tax_rows(co, year))
        return {"credit_code": co.credit_code, "company_name": co.name, "year": year,
                "amount": _fen_to_yuan(total), "issued": issued.isoformat()}
    if doc_type == "board_resolution":
        return {"company_name": co.name, "date": f["date"].isoformat()}
    if doc_type == "power_of_attorney":
        return {"company_name": co.name, "agent": f["agent"]}
    if doc_type in ("trade_contract", "letter_of_credit"):
        ours, theirs = co.name, f["other"].name
        client_sells = f["role"] == "seller"
        seller, buyer = (ours, theirs) if client_sells else (theirs, ours)
        amount = _fen_to_yuan(f["amount_fen"])
        if doc_type == "trade_contract":
            return {"seller": seller, "buyer": buyer, "amount": amount}
        return {"applicant": buyer, "beneficiary": seller, "amount": amount}
    if doc_type == "other":
        return {}
    return {"company_name": co.name}


TRUTH = expected_fields


def document_pdf(doc_type: str, company: SampleCompany, path, year: int = DEMO_YEAR, **kw) -> Path:
    """A realistic text PDF of ``doc_type`` (any id of DOC_TYPES) for ``company``.

    ``year`` is the fiscal year (statements, certificates, reports); documents
    dated after it (applications, resolutions) fall in ``year + 1``.  Options:
    application_form ``amount``, ``term_months``, ``product`` (an id of PRODUCTS),
    ``signed``, ``agent`` (None: the legal representative applies), ``attachments``;
    audit_report ``opinion`` (one of OPINIONS), ``firm``; loan_guarantee_schedule
    ``as_of``; tax_registration ``new_style``; board_resolution ``date``;
    power_of_attorney ``agent``; trade_contract / letter_of_credit ``role``
    ("seller" or "buyer": the client's side), ``items``.  ``expected_fields`` with
    the same arguments gives the fields the file should yield.
    """
    f = _facts(doc_type, company, year, kw)
    path = _out(path)
    co = company
    if doc_type == "application_form":
        attachments = ("营业执照副本复印件", "法定代表人身份证复印件", "近三年经审计的资产负债表、利润表",
                       "税务登记证及近三年纳税证明", "公司章程", "股东会同意申请担保的决议")
        rng = _code_rng(co, "agent-phone")
        return application_form_pdf(co, path, f["amount"], f["term_months"], PRODUCTS[f["product"]], f["signed"],
                                    agent=f["agent"], phone=f"1{rng.randrange(3, 9)}{rng.randrange(10**8, 10**9)}",
                                    attachments=attachments if f["attachments"] else ())
    if doc_type == "business_licence":
        return business_licence_pdf(co, path)
    if doc_type == "legal_rep_id":
        return legal_rep_id_pdf(co, path)
    if doc_type == "balance_sheet":
        return balance_sheet_pdf(co, year, path)
    if doc_type == "income_statement":
        return income_statement_pdf(co, year, path)
    if doc_type == "tax_payment_certificate":
        return tax_payment_certificate_pdf(co, year, path)
    if doc_type == "articles_of_association":
        return generic_pdf(path, f"{co.name}章程", _articles_lines(co), pages=2)
    return _WRITERS[doc_type](co, path, f)


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


_WRITERS = {
    "annual_report": _annual_report_pdf, "org_code_certificate": _org_code_pdf,
    "audit_report": _audit_report_pdf, "equity_statement": _equity_statement_pdf,
    "cash_flow_statement": _cash_flow_pdf, "sales_report": _sales_report_pdf,
    "loan_guarantee_schedule": _loan_schedule_pdf, "tax_registration": _tax_registration_pdf,
    "officer_roster": _officer_roster_pdf, "board_resolution": _board_resolution_pdf,
    "profit_distribution_resolution": _profit_distribution_pdf, "cash_flow_forecast": _cash_flow_forecast_pdf,
    "power_of_attorney": _power_of_attorney_pdf, "customs_document": _customs_pdf,
    "approval_document": _approval_pdf, "funding_plan": _funding_plan_pdf,
    "projected_financials": _projected_pdf, "project_schedule": _project_schedule_pdf,
    "feasibility_study": _feasibility_pdf, "trade_contract": _trade_contract_pdf,
    "letter_of_credit": _letter_of_credit_pdf, "other": _other_pdf,
}
