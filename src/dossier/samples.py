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
    fin = make_financials(company, year)
    c = _new_pdf(path, f"{year}年资产负债表")
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
    return _finish(c, path)


def income_statement_pdf(company: SampleCompany, year: int, path) -> Path:
    """利润表 (会企02表) for ``year`` with the previous year."""
    path = _out(path)
    fin = make_financials(company, year)
    c = _new_pdf(path, f"{year}年度利润表")
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
    return _finish(c, path)


def application_form_pdf(company: SampleCompany, path, amount: int, term_months: int,
                         product_label: str, signed: date = date(2026, 10, 12)) -> Path:
    """担保申请书 for a guarantee of ``amount`` yuan over ``term_months`` months."""
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
    y = _table(c, 50, y - 6, [130, w - 230], rows, 22, 9.5) - 30
    pledge = ("　　申请人承诺：所提供的资料真实、准确、完整，如有虚假，愿承担由此产生的一切法律责任；"
              "同意贵公司向有关部门及机构查询本公司及法定代表人的信用信息。")
    for line in _wrap(pledge, w - 100, 10.5):
        _text(c, 50, y, line, 10.5)
        y -= 17
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
        application_form_pdf(b, db / "担保申请书.pdf", 5_000_000, 24, "固定资产贷款担保"),
        _scan_pdf(_licence_image(c, noise=True), dc / "营业执照扫描.pdf"),
        legal_rep_id_pdf(c, dc / "法人身份证.pdf"),
        balance_sheet_pdf(c, y, dc / f"资产负债表（{y}年12月）.pdf"),
        balance_sheet_pdf(c, y - 1, dc / f"{y - 1}年资产负债表.pdf"),
        income_statement_pdf(c, y, dc / f"{y}利润表.pdf"),
        tax_payment_certificate_pdf(c, y, dc / f"完税证明{y}.pdf"),
        application_form_pdf(c, dc / "担保申请书.pdf", 2_000_000, 12, "银行承兑汇票担保"),
        generic_pdf(inbox / f"{a.credit_code}_章程.pdf", f"{a.name}章程", _articles_lines(a), pages=2),
    ]
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
