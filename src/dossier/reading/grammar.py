"""One grammar for numbers, amounts and dates as Chinese documents write them (pure).

Everything works on ``fold(text)`` (full-width digits, ``，．－（）￥：`` to half-width, one character
for one, so positions are those of the original text).

Figures: ``1234``, ``1,234.50`` (groups of exactly three digits after each comma, ``，`` too),
``1 000 000.00`` (OCR spaces, groups of exactly three), a sign ``-`` (``－``, ``−``) or accounting
parentheses ``(1,234.50)`` for negatives, a currency mark ``¥ ￥ $ RMB CNY 人民币`` before, a unit
``千 万 百万 千万 亿`` and ``元`` after.  A figure that runs into ``,5`` or ``.5`` is malformed (not a
figure); one followed by 年 月 日 号 个 % is a date, a term or a ratio, not an amount.

Capital amounts (大写): financial or plain numerals with ``元/圆``, ``角``, ``分``, ``整/正``, or a run of
financial capitals ending in 万/亿 (``壹仟万``); sections must be well formed (units descending, 零 for a
gap), so a unit without a numeral (the ``万元`` of ``1000万元``) is never an amount.

Dates: ``2025年12月31日`` (日 optional), ``2025.12.31``, ``2025-12-31``, ``2025/12/31`` (one separator
throughout), ``二〇二五年十二月三十一日``, ``20251231`` only with ``compact_digits``; years 1900-2099;
invalid calendar dates are not dates.  Periods: two dates joined by 至/到/-/~/— (``起…止`` too, the
second date may omit its year), ``2025年1-12月``, ``2025年1月至12月``, ``2025年度``,
``2023-2025年``, ``2023、2024、2025年度``.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from dossier.reading.classify import fold

__all__ = ["CN_NUM_CHARS", "DATE_8", "DATE_CN", "DATE_NUM", "Amount", "amounts", "cn_number", "parse_amount", "parse_amounts",
           "parse_date", "parse_dates", "parse_figure", "parse_period", "parse_year", "period_years", "yuan"]

# ---------------------------------------------------------------------------
# Chinese numerals
# ---------------------------------------------------------------------------

_CN_ZERO = "零〇○"
_CN_DIGIT = {"零": 0, "〇": 0, "○": 0, "一": 1, "壹": 1, "二": 2, "贰": 2, "貳": 2, "两": 2, "三": 3,
             "叁": 3, "參": 3, "四": 4, "肆": 4, "五": 5, "伍": 5, "六": 6, "陆": 6, "陸": 6, "七": 7,
             "柒": 7, "八": 8, "捌": 8, "九": 9, "玖": 9}
_CN_UNIT = {"十": 10, "拾": 10, "百": 100, "佰": 100, "陌": 100, "千": 1000, "仟": 1000, "阡": 1000}
_CN_BIG = {"万": 10**4, "萬": 10**4, "亿": 10**8, "億": 10**8}
CN_NUM_CHARS = "".join([*_CN_DIGIT, *_CN_UNIT, *_CN_BIG])
_FINANCIAL = "壹贰貳叁參肆伍陆陸柒捌玖拾佰仟"
_CN_YEAR_DIGITS = "〇○零一二三四五六七八九"


def cn_number(text: str) -> int | None:
    """Chinese numerals (lower or financial capitals) -> int: 伍佰万 -> 5000000, 二十 -> 20, 二〇二五 -> 2025.

    Lenient (a unit alone counts as 0); amounts use the strict ``_cn_integer``."""
    if not text or any(ch not in CN_NUM_CHARS for ch in text):
        return None
    if all(ch in _CN_DIGIT for ch in text) and len(text) > 1:  # 二〇二五 digit by digit
        return int("".join(str(_CN_DIGIT[ch]) for ch in text))
    total, section, number = 0, 0, 0
    for ch in text:
        if ch in _CN_DIGIT:
            number = _CN_DIGIT[ch]
        elif ch in _CN_UNIT:
            section += (number or 1) * _CN_UNIT[ch]
            number = 0
        else:
            big = _CN_BIG[ch]
            if big == 10**8:
                total = (total + section + number) * big
            else:
                total += (section + number) * big
            section = number = 0
    return total + section + number


def _cn_integer(text: str) -> int | None:
    """A well-formed Chinese integer, else None: 伍拾万零叁佰 -> 500300, 拾万 -> 100000; 万, 伍伍, 壹佰伍 -> None."""
    if not text:
        return None
    if all(ch in _CN_ZERO for ch in text):
        return 0 if len(text) == 1 else None
    total = section = 0
    digit: int | None = None
    last_unit, last_big, zero = 10**4, 10**9, False
    for ch in text:
        if ch in _CN_ZERO:
            if digit is not None:
                return None
            zero = True
        elif ch in _CN_DIGIT:
            if digit is not None:
                return None
            digit = _CN_DIGIT[ch]
        elif ch in _CN_UNIT:
            unit = _CN_UNIT[ch]
            if unit >= last_unit:
                return None
            if digit is None:
                if unit != 10 or section or total or zero:  # only a leading 拾 stands alone
                    return None
                digit = 1
            section += digit * unit
            digit, last_unit, zero = None, unit, False
        elif ch in _CN_BIG:
            big = _CN_BIG[ch]
            if big >= last_big or (digit is not None and not _bare_digit_ok(section, last_unit, zero)):
                return None
            section += digit or 0
            if not section:
                return None
            total += section * big
            section, digit, last_unit, last_big, zero = 0, None, 10**4, big, False
        else:
            return None
    if digit is not None and not _bare_digit_ok(section, last_unit, zero):
        return None
    return total + section + (digit or 0)


def _bare_digit_ok(section: int, last_unit: int, zero: bool) -> bool:
    """A digit without a unit ends a section only as its units digit (伍拾伍, 壹佰零伍, not 壹佰伍)."""
    return not section or last_unit == 10 or zero


def _cn_small(text: str) -> int | None:
    """Month or day numerals: 一 .. 九, 十, 十二, 二十, 三十一; else None."""
    m = re.fullmatch(r"([一二三四五六七八九])?(十)?([一二三四五六七八九])?", text)
    if not m or not text or (m[1] and m[3] and not m[2]):
        return None
    if not m[2]:
        return _CN_DIGIT[m[1] or m[3]]
    return (_CN_DIGIT[m[1]] if m[1] else 1) * 10 + (_CN_DIGIT[m[3]] if m[3] else 0)


def _cn_year(text: str) -> int | None:
    year = int("".join(str(_CN_DIGIT[ch]) for ch in text))
    return year if 1900 <= year <= 2099 else None


def _capital(run: str) -> Decimal | None:
    """A capital amount, or None when ``run`` is not a complete one."""
    run = run.replace("圆", "元")
    if run[-1] in "整正":
        run = run[:-1]
    if not run:
        return None
    if "元" in run:
        head, _, tail = run.partition("元")
    elif "角" in run or "分" in run:
        head, tail = "", run
    elif run[-1:] in _CN_BIG and any(ch in _FINANCIAL for ch in run):
        head, tail = run, ""
    else:
        return None
    whole = _cn_integer(head) if head else 0
    if whole is None:
        return None
    digits = "".join(_CN_DIGIT)
    m = re.fullmatch(rf"[{_CN_ZERO}]?(?:(?P<j>[{digits}])角)?[{_CN_ZERO}]?(?:(?P<f>[{digits}])分)?", tail)
    if m is None or (not head and not (m["j"] or m["f"])):
        return None
    fen = (_CN_DIGIT[m["j"]] * 10 if m["j"] else 0) + (_CN_DIGIT[m["f"]] if m["f"] else 0)
    return Decimal(whole) + Decimal(fen) / 100


# ---------------------------------------------------------------------------
# Figures and amounts
# ---------------------------------------------------------------------------

_NUM = r"(?:\d{1,3}(?:,\d{3})+(?!\d)|\d{1,3}(?: \d{3})+(?![\d,])|\d+)(?:\.\d+)?"
_NUM_RX = re.compile(rf"(?<![\d.,])(?P<num>{_NUM})")
_CELL = re.compile(rf"(?P<open>\()?(?P<s1>-)?(?P<cur>¥)?(?P<s2>-)?(?P<num>{_NUM})(?P<close>\))?")
_NIL = re.compile(r"[-—–―‐‑﹣_]+|/")
_CAPITAL_RUN = re.compile(rf"[{CN_NUM_CHARS}元圆角分]+[整正]?")
_UNIT = {None: 1, "千": 1000, "万": 10**4, "百万": 10**6, "千万": 10**7, "亿": 10**8}
_LEFT = re.compile(r"(?P<open>\()?\s*(?P<s1>(?<![0-9A-Za-z])-)?\s*(?P<cur>¥|\$|RMB|CNY|人民币)?\s*:?\s*"
                   r"(?P<s2>(?<![0-9A-Za-z])-)?\s*$")
_RIGHT = re.compile(r"\s*(?P<unit>百万|千万|亿|万|千)?\s*(?P<yuan>元|圆)?(?P<close>\s*\))?")
_NOT_MONEY_AFTER = re.compile(r"\s*(?:年|月|日|号|个|%|‰|\.\d|,\d)")
_PAIR_GAP = re.compile(r"(?:[\s():;,/、\[\]【】]|大写|小写|金额|人民币|RMB|CNY|即)*")


def yuan(d: Decimal) -> int | float:
    """A Decimal in yuan as JSON shows it: int when whole, else float."""
    return int(d) if d == d.to_integral_value() else float(d)


def _to_decimal(num: str) -> Decimal:
    return Decimal(num.replace(",", "").replace(" ", ""))


def parse_figure(cell: str | None) -> Decimal | None | bool:
    """A statement cell: Decimal of a figure, None for a nil cell, False when it is not a figure.

    Figures: ``1234``, ``1,234.50``, ``0.00``, ``(1,234.50)`` and ``-1,234.50`` / ``－1,234.50`` negative,
    ``¥1,234.50``, full-width digits, inner OCR spaces only as consistent groups of three.
    Nil: a run of dashes (``-`` ``--`` ``—`` ``——`` ``－`` ``–``) or ``/``.  Not a figure (False): empty or
    blank cells, words, dates, percentages, a trailing minus (``1,234.50-``), mixed signs ``(-1)``.
    Row numbers (行次) are figures: the caller knows its columns."""
    if cell is None:
        return False
    c = fold(cell).strip()
    if not c:
        return False
    if _NIL.fullmatch(re.sub(r"\s+", "", c)):
        return None
    c = re.sub(r"(?<!\d)\s+|\s+(?!\d)", "", c)  # spaces remain only between digits
    c = re.sub(r"(\d\.\d\d)[.,·'`]$", r"\1", c)  # a scanner's speck after the cents: 22,642,353.31.
    c = re.sub(r"^[.,·'`](?=\d{1,3}(?:,\d{3})+(?:\.\d+)?$)", "", c)  # … and before a grouped figure: .12,372,734.82
    m = _CELL.fullmatch(c)
    if not m or bool(m["open"]) != bool(m["close"]):
        return False
    negs = bool(m["open"]) + bool(m["s1"]) + bool(m["s2"])
    if negs > 1:
        return False
    d = _to_decimal(m["num"])
    return -d if negs else d


@dataclass(frozen=True)
class Amount:
    """One amount as written: its capital (大写) and figure (小写) forms, either or both."""

    start: int
    end: int
    capital: Decimal | None
    figure: Decimal | None

    @property
    def value(self) -> Decimal:
        """The capital form when there is one (it is the legal one), else the figure."""
        return self.capital if self.capital is not None else self.figure  # type: ignore[return-value]

    @property
    def agrees(self) -> bool | None:
        """Whether both forms say the same; None when only one form is written."""
        if self.capital is None or self.figure is None:
            return None
        return self.capital == self.figure


@dataclass(frozen=True)
class _Form:
    start: int
    end: int
    value: Decimal
    kind: str  # 'arabic' | 'capital'
    in_parens: bool = False  # a bare figure in parentheses: negative unless it follows its capital form


def _figure_forms(t: str, blocked: list[tuple[int, int]]) -> list[_Form]:
    forms = []
    for m in _NUM_RX.finditer(t):
        s, e = m.span()
        if any(a < e and s < b for a, b in blocked) or _NOT_MONEY_AFTER.match(t, e):
            continue
        left = _LEFT.search(t, max(0, s - 12), s)
        right = _RIGHT.match(t, e)
        num, unit, cur = m["num"], right["unit"], left["cur"]
        parens = bool(left["open"] and right["close"] and not (cur or unit or right["yuan"]))
        if not (unit or right["yuan"] or cur or "," in num or "." in num):
            continue  # a bare integer is not an amount
        value = _to_decimal(num) * _UNIT[unit]
        start = left.start() if (parens or cur or left["s1"] or left["s2"]) else s
        end = right.end() if parens else (right.end("yuan") if right["yuan"] else right.end("unit") if unit else e)
        if left["s1"] or left["s2"]:
            value = -value
        forms.append(_Form(start, end, value, "arabic", parens))
    return forms


def _forms(text: str) -> list[_Form]:
    t = fold(text)
    blocked = [(s, e) for s, e, _ in _date_spans(t, False)] + [(s, e) for s, e, _ in _period_spans(t)]
    forms = [_Form(m.start(), m.end(), v, "capital") for m in _CAPITAL_RUN.finditer(t)
             if (v := _capital(m.group(0))) is not None]
    forms += _figure_forms(t, blocked)
    forms.sort(key=lambda f: f.start)
    out: list[_Form] = []
    for f in forms:
        if f.in_parens:  # (1,234.50) is negative, unless it is the figure form of the capital before it
            prev = out[-1] if out else None
            after_capital = prev is not None and prev.kind == "capital" and _PAIR_GAP.fullmatch(t, prev.end, f.start)
            f = _Form(f.start, f.end, f.value if after_capital else -f.value, f.kind)
        out.append(f)
    return out


def parse_amounts(text: str) -> list[Amount]:
    """Amounts in ``text`` in order; a capital and a figure form are one amount only when adjacent
    (nothing between them but spaces, punctuation and 大写/小写/金额/人民币/RMB/CNY labels)."""
    t = fold(text)
    out: list[Amount] = []
    pending: _Form | None = None
    for f in _forms(text):
        if pending is not None and pending.kind != f.kind and _PAIR_GAP.fullmatch(t, pending.end, f.start):
            cap, fig = (pending, f) if pending.kind == "capital" else (f, pending)
            out.append(Amount(pending.start, f.end, cap.value, fig.value))
            pending = None
            continue
        if pending is not None:
            out.append(_single(pending))
        pending = f
    if pending is not None:
        out.append(_single(pending))
    return out


def _single(f: _Form) -> Amount:
    return Amount(f.start, f.end, f.value if f.kind == "capital" else None, f.value if f.kind == "arabic" else None)


def amounts(text: str) -> list[tuple[int, Decimal, str]]:
    """Every amount form in ``text`` as (position, value, 'arabic'|'capital'), in order."""
    return [(f.start, f.value, f.kind) for f in _forms(text)]


def parse_amount(text: str) -> int | float | None:
    """First amount form in ``text`` in yuan: '1,234,567.89' -> 1234567.89, '500万元' -> 5000000,
    '人民币伍佰万元整' -> 5000000, '壹仟贰佰叁拾肆元伍角陆分' -> 1234.56."""
    found = amounts(text)
    return yuan(found[0][1]) if found else None


# ---------------------------------------------------------------------------
# Dates and periods
# ---------------------------------------------------------------------------

_Y = r"(?:19|20)\d{2}"
DATE_NUM = re.compile(rf"(?<![\d.])(?P<y>{_Y})\s*(?:年\s*(?P<m1>\d{{1,2}})\s*月|(?P<sep>[./-])\s*(?P<m2>\d{{1,2}})\s*(?P=sep))"
                      r"\s*(?P<d>\d{1,2})(?![\d])(?:\s*[日号])?")
DATE_CN = re.compile(rf"(?P<y>[{_CN_YEAR_DIGITS}]{{4}})\s*年\s*(?P<m>[一二三四五六七八九十]{{1,2}})\s*月"
                     r"\s*(?P<d>[一二三四五六七八九十]{1,3})(?:\s*[日号])?")
DATE_8 = re.compile(rf"(?<![\d.])(?P<y>{_Y})(?P<m>\d{{2}})(?P<d>\d{{2}})(?![\d.])")
_TO = r"\s*(?:起\s*)?(?:至|到|~|--?|—{1,2}|–|―)\s*"
_TO_RX = re.compile(_TO)
_MONTH_DAY = re.compile(r"(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})(?!\d)(?:\s*[日号])?")
_MONTHS = re.compile(rf"(?<!\d)(?P<y>{_Y})\s*年\s*(?P<m1>\d{{1,2}})\s*月?{_TO}(?:(?P<y2>{_Y})\s*年\s*)?"
                     r"(?P<m2>\d{1,2})\s*月份?")
_YEARS = re.compile(rf"(?<!\d)(?P<y1>{_Y})\s*(?:年度?)?{_TO}(?P<y2>{_Y})\s*年度?(?!\s*(?:\d|[一二三四五六七八九十])+\s*月)")
_YEAR_LIST = re.compile(rf"(?<!\d){_Y}(?:\s*年度?)?(?:\s*[、,和及与]\s*{_Y}(?:\s*年度?)?)*\s*年度")
_FISCAL = re.compile(rf"(?<!\d)(?P<y>{_Y})\s*年度|(?P<cy>[{_CN_YEAR_DIGITS}]{{4}})\s*年度")


def _make_date(y: int | None, m: int | None, d: int | None) -> date | None:
    if y is None or m is None or d is None:
        return None
    try:
        return date(y, m, d)
    except ValueError:
        return None


def _date_spans(t: str, compact_digits: bool) -> list[tuple[int, int, date]]:
    """(start, end, date) of every valid date in folded ``t``, in order, without overlaps."""
    hits: list[tuple[int, int, date]] = []
    for m in DATE_NUM.finditer(t):
        if d := _make_date(int(m["y"]), int(m["m1"] or m["m2"]), int(m["d"])):
            hits.append((m.start(), m.end(), d))
    for m in DATE_CN.finditer(t):
        if d := _make_date(_cn_year(m["y"]), _cn_small(m["m"]), _cn_small(m["d"])):
            hits.append((m.start(), m.end(), d))
    if compact_digits:
        for m in DATE_8.finditer(t):
            if d := _make_date(int(m["y"]), int(m["m"]), int(m["d"])):
                hits.append((m.start(), m.end(), d))
    hits.sort()
    out: list[tuple[int, int, date]] = []
    for h in hits:
        if not out or h[0] >= out[-1][1]:
            out.append(h)
    return out


def parse_dates(text: str, compact_digits: bool = False) -> list[date]:
    """All valid dates in ``text``, in order (2025年3月1日, 2025-03-01, 2025.3.1, 二〇二五年三月一日;
    20250301 only with ``compact_digits``)."""
    return [d for _, _, d in _date_spans(fold(text), compact_digits)]


def parse_date(text: str) -> str | None:
    """First date in ``text`` (compact 8 digits too) as ISO 'YYYY-MM-DD', else None."""
    found = parse_dates(text, compact_digits=True)
    return found[0].isoformat() if found else None


def _month_end(y: int, m: int) -> date:
    return date(y, m, calendar.monthrange(y, m)[1])


def _period_spans(t: str, compact_digits: bool = False) -> list[tuple[int, int, tuple[date, date]]]:
    hits: list[tuple[int, int, tuple[date, date]]] = []
    dates = _date_spans(t, compact_digits)
    for i, (s1, e1, d1) in enumerate(dates):
        gap = _TO_RX.match(t, e1)
        if not gap:
            continue
        nxt = dates[i + 1] if i + 1 < len(dates) else None
        if nxt and nxt[0] == gap.end():
            if d1 <= nxt[2]:
                hits.append((s1, nxt[1], (d1, nxt[2])))
        elif md := _MONTH_DAY.match(t, gap.end()):  # 2025年1月1日至12月31日: the year of the start
            d2 = _make_date(d1.year, int(md["m"]), int(md["d"]))
            if d2 and d1 <= d2:
                hits.append((s1, md.end(), (d1, d2)))
    for m in _MONTHS.finditer(t):
        y1, m1, m2 = int(m["y"]), int(m["m1"]), int(m["m2"])
        y2 = int(m["y2"]) if m["y2"] else y1
        if 1 <= m1 <= 12 and 1 <= m2 <= 12 and (y1, m1) <= (y2, m2):
            hits.append((m.start(), m.end(), (date(y1, m1, 1), _month_end(y2, m2))))
    for m in _YEARS.finditer(t):
        if int(m["y1"]) <= int(m["y2"]):
            hits.append((m.start(), m.end(), (date(int(m["y1"]), 1, 1), date(int(m["y2"]), 12, 31))))
    for m in _YEAR_LIST.finditer(t):
        for y in re.finditer(_Y, m.group(0)):
            year = int(y.group(0))
            hits.append((m.start() + y.start(), m.start() + y.end(), (date(year, 1, 1), date(year, 12, 31))))
    for m in _FISCAL.finditer(t):
        year = int(m["y"]) if m["y"] else _cn_year(m["cy"])
        if year:
            hits.append((m.start(), m.end(), (date(year, 1, 1), date(year, 12, 31))))
    hits.sort(key=lambda h: (h[0], -h[1]))
    out: list[tuple[int, int, tuple[date, date]]] = []
    for h in hits:
        if not out or h[0] >= out[-1][1]:
            out.append(h)
    return out


def parse_period(text: str, compact_digits: bool = False) -> list[tuple[date, date]]:
    """Periods in ``text`` as (start, end), in order: two dates joined by 至/到/-/~/— (the second may
    omit its year), month ranges (2025年1-12月 -> 2025-01-01..2025-12-31), 2025年度 and year ranges
    (2023-2025年) as whole calendar years.  A period whose end precedes its start is not a period."""
    return [p for _, _, p in _period_spans(fold(text), compact_digits)]


def _covers(start: date, end: date, year: int) -> bool:
    """More than half of ``year`` lies in start..end."""
    lo, hi = max(start, date(year, 1, 1)), min(end, date(year, 12, 31))
    days = (hi - lo).days + 1
    return days * 2 > (date(year, 12, 31) - date(year, 1, 1)).days + 1


def period_years(text: str) -> list[int]:
    """Fiscal (calendar) years the periods in ``text`` cover, in order, each once: a year counts when a
    period covers more than half of it; a shorter period (an interim one) counts for the year it ends in.
    '2025-01-01至2025-12-31' -> [2025]; '2023年度、2024年度' -> [2023, 2024]; '2023-2025年' -> [2023, 2024, 2025]."""
    years: list[int] = []
    for start, end in parse_period(text):
        got = [y for y in range(start.year, end.year + 1) if _covers(start, end, y)] or [end.year]
        years += [y for y in got if y not in years]
    return years


def parse_year(text: str) -> int | None:
    """Fiscal year: '2025年度' -> 2025; a date or a period -> the year of its (last) date, unless a
    年度 comes before the first date; else the first year written (2025年, 2025, 二〇二五年)."""
    t = fold(text)
    fiscal = _FISCAL.search(t)
    fiscal_year = (int(fiscal["y"]) if fiscal["y"] else _cn_year(fiscal["cy"])) if fiscal else None
    dates = _date_spans(t, False)
    if dates:
        if fiscal_year and fiscal.start() < dates[0][0]:
            return fiscal_year
        return dates[-1][2].year
    if fiscal_year:
        return fiscal_year
    m = re.search(rf"(?<!\d)({_Y})(?:\s*年|(?!\d))", t)
    if m:
        return int(m[1])
    m = re.search(rf"([{_CN_YEAR_DIGITS}]{{4}})\s*年", t)
    return _cn_year(m[1]) if m else None
