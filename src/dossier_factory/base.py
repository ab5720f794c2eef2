"""Shared ground of the factory: its optional dependencies, identity codes with valid check digits, invented companies, Chinese formatting."""

from __future__ import annotations

import functools
import random
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from types import SimpleNamespace

from dossier.errors import DossierError

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
