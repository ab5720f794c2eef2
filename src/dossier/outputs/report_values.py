"""Values as a signed report shows them: cleaned of XML-illegal characters, dates and amounts in Chinese."""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any, Iterable

BLANK = "未填写"
DASH = "—"
# -- cleaning untrusted values -------------------------------------------------------------

# XML 1.0 Char: #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF]
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def clean_text(value: str) -> str:
    """A plain ``str`` without XML-illegal characters; CR/CRLF become LF (a line break in Word)."""
    text = _ILLEGAL.sub("", str.__str__(value))  # str.__str__: drop Markup and other subclasses
    return text.replace("\r\n", "\n").replace("\r", "\n")


def clean(value: Any) -> Any:
    """Clean every string in a context, recursively (keys too). Numbers, dates and None are kept;
    other objects become their cleaned text, so nothing unexpected reaches the sandbox."""
    if isinstance(value, str):
        return clean_text(value)
    if value is None or isinstance(value, (bool, int, float, Decimal, date)):
        return value
    if isinstance(value, dict):
        return {clean(k): clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [clean(v) for v in value]
    if isinstance(value, (set, frozenset)):
        return sorted((clean(v) for v in value), key=str)
    return clean_text(str(value))


# -- contexts -------------------------------------------------------------------------------

def show(value: Any, blank: str = BLANK) -> str:
    if value is None:
        return blank
    text = clean_text(str(value)).strip()
    return text or blank


def date_zh(value: Any, blank: str = BLANK) -> str:
    """2026-10-12 -> 2026年10月12日; anything else as given."""
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return f"{value.year}年{value.month}月{value.day}日"
    text = show(value, blank)
    m = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", text)
    return f"{int(m[1])}年{int(m[2])}月{int(m[3])}日" if m else text


def date8(value: Any) -> str:
    """DA/T 22-2015 dates: 8 digits (20180314); a year or year-month keeps its digits."""
    if isinstance(value, (date, datetime)):
        return value.strftime("%Y%m%d")
    text = show(value, "")
    m = re.fullmatch(r"(\d{4})(?:[-./年](\d{1,2})(?:[-./月](\d{1,2})日?)?月?)?", text)
    if not m:
        return text
    return m[1] + "".join(f"{int(g):02d}" for g in m.groups()[1:] if g)


def iso_date(value: Any) -> str | None:
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    m = re.match(r"(\d{4})-(\d{2})-(\d{2})", str(value or ""))
    return m.group(0) if m else None


_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_UNITS = ("", "拾", "佰", "仟")
_GROUPS = ("", "万", "亿", "万亿")


def _group_upper(n: int) -> str:
    out, zero = "", False
    for pos in (3, 2, 1, 0):
        d = n // 10 ** pos % 10
        if d == 0:
            zero = bool(out)
        else:
            out += ("零" if zero else "") + _DIGITS[d] + _UNITS[pos]
            zero = False
    return out


def amount_upper(amount: Decimal | float | int | str) -> str:
    """Chinese financial uppercase of an amount in yuan: 5000000 -> 人民币伍佰万元整."""
    cents = int((Decimal(str(amount)) * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    sign = "负" if cents < 0 else ""
    yuan, rest = divmod(abs(cents), 100)
    jiao, fen = divmod(rest, 10)
    if yuan >= 10 ** 16:
        raise ValueError("amount too large")
    groups = []
    while yuan:
        groups.append(yuan % 10000)
        yuan //= 10000
    text, gap = "", False
    for i in range(len(groups) - 1, -1, -1):
        g = groups[i]
        if g == 0:
            gap = bool(text)
            continue
        if text and (gap or g < 1000):
            text += "零"
        text += _group_upper(g) + _GROUPS[i]
        gap = False
    text = text + "元" if text else ""
    if not jiao and not fen:
        return f"人民币{sign}{text or '零元'}整"
    if jiao:
        text += _DIGITS[jiao] + "角"
    elif text:
        text += "零"
    if fen:
        text += _DIGITS[fen] + "分"
    return f"人民币{sign}{text}"


def amount_pair(value: Any) -> tuple[str, str]:
    if value is None or value == "":
        return BLANK, ""
    try:
        d = Decimal(str(value))
        if not d.is_finite():
            raise InvalidOperation
        return f"{d:,.2f} 元", amount_upper(d)
    except (InvalidOperation, ValueError):
        return show(value), ""


def join_values(values: Iterable[Any] | None, sep: str = "、") -> str:
    return sep.join(show(v, "") for v in (values or []) if v is not None and str(v).strip())
