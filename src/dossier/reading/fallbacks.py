"""Where a value is when no label names it (pure): the last source of ``fields.extract``.

By the field's kind: a company name opening one of the first lines (a title such as
``X有限公司章程``) or standing alone as the signature at the end of a letter; a fiscal year in the
heading (a period, ``2025年度``, ``2025年1-12月``); the date a letter is signed on, alone on its
line at the end; the amount written in both forms (大写 and 小写) that agree; a code anywhere in the
text that passes its check digit; for an option field, the option a ticked box marks, else the
option whose phrase occurs.
"""

from __future__ import annotations

import calendar
import re
from datetime import date

from dossier import codes
from dossier.reading.classify import Line, compact, fold
from dossier.rules import DocType

from .values import (
    C_FALLBACK,
    C_GUESS,
    C_LABEL,
    COMPANY_AT_START,
    Found,
    check_id_number,
    check_taxpayer_id,
    code_candidates,
    company_name_of,
    parse_amounts,
    parse_dates,
    period_years,
    yuan,
)

#: Ticked and empty boxes of a printed form (■流动资金贷款担保 □项目融资担保, √ 票据承兑).
CHECKED = "■☑☒✓✔√●◼▣"
UNCHECKED = "□☐○◻"


def choice(text: str, options) -> str | None:
    """Option whose phrase occurs in ``text``; a phrase inside a longer matched phrase does not count.

    On a form with tick boxes only a ticked option counts: a phrase right after an empty box
    (□项目融资担保) is not chosen, one right after a ticked box wins over every other."""
    hits = []
    for option, phrases in options.items():
        for phrase in phrases:
            p = compact(phrase)
            start = text.find(p)
            while start >= 0:
                hits.append((start, start + len(p), option))
                start = text.find(p, start + 1)
    live = [(a, b, opt) for a, b, opt in hits
            if not any(a2 <= a and b <= b2 and (b2 - a2) > (b - a) and o2 != opt for a2, b2, o2 in hits)]
    if any(ch in text for ch in CHECKED + UNCHECKED):
        ticked = {opt for a, _b, opt in live if a > 0 and text[a - 1] in CHECKED}
        if ticked:
            live = [h for h in live if h[2] in ticked]
        else:
            live = [h for h in live if not (h[0] > 0 and text[h[0] - 1] in UNCHECKED)]
    names = {opt for _a, _b, opt in live}
    for option in options:
        if option in names:
            return option
    return None


def company_at_top(lines: list[Line], labels: tuple[str, ...] = ()) -> Found | None:
    """A company name opening one of the first lines of page 1 (title such as 'X有限公司章程').

    A line opening with a field label ('类型 有限责任公司') is no name.
    """
    for line in lines[:8]:
        if line.page:
            break
        m = COMPANY_AT_START.match(line.compact)
        if not m or line.compact[m.end():m.end() + 1] == ":":
            continue
        if any(line.compact.startswith(compact(label)) for label in labels):
            continue
        name = company_name_of(line.slice(0, m.end()))
        if name:
            return Found(name, C_FALLBACK)
    return None


_SEAL = re.compile(r"^(?P<name>.+?)[(（]?(?:盖章|公章|签章|印章|章)?[)）]?$")


def company_signature(lines: list[Line]) -> Found | None:
    """The company a letter is signed by: a line that is nothing but its name (盖章 allowed), among
    the last lines of the last page."""
    if not lines:
        return None
    last = lines[-1].page
    tail = [line for line in lines if line.page == last][-8:]
    for line in reversed(tail):
        # the whole line, or its last word: a signature set to the right of the letter's last line
        for text in dict.fromkeys((line.compact, compact(line.original.split()[-1]))):
            m = _SEAL.match(text)
            name = company_name_of(m["name"]) if m else None
            if name and compact(name) == compact(m["name"]).rstrip("(（"):
                return Found(name, C_FALLBACK)
    return None


def year_at_top(lines: list[Line]) -> Found | None:
    """The fiscal year a heading names (a period: 2025年度, 2025年1-12月, 2025-01-01至2025-12-31);
    else the year of its first date, which may be an issue date: review."""
    heading = [line.folded for line in lines[:10] if line.page == 0]
    head = "\n".join(heading)
    # a period, also one the line wrapped inside (自2024年1月1日至202 / 4年12月31日)
    years = period_years(head) or period_years("".join(heading))
    if years:
        return Found(years[0], C_FALLBACK)
    dates = parse_dates(head)
    for start in dates:  # 所属期起：2023-01-01 所属期止：2023-12-31
        if (start.month, start.day) == (1, 1) and any(d.year == start.year and (d.month, d.day) == (12, 31)
                                                       for d in dates):
            return Found(start.year, C_FALLBACK)
    return Found(dates[0].year, C_GUESS) if dates else None


_DATE_LINE = re.compile(r"^(?:日期|时间)?[:]?(?P<date>.{6,20}?)(?:\(?盖章\)?)?$")


def signed_date(lines: list[Line]) -> Found | None:
    """The date a letter is signed on: alone on one of the last lines of its last page."""
    if not lines:
        return None
    last = lines[-1].page
    tail = [line for line in lines if line.page == last][-6:]
    for line in reversed(tail):
        m = _DATE_LINE.match(line.compact)
        if not m:
            continue
        dates = parse_dates(m["date"], compact_digits=True)
        if len(dates) == 1:
            return Found(dates[0].isoformat(), C_FALLBACK)
    return None


def paired_amount(original: str) -> Found | None:
    """The first amount written in both forms that agree (人民币捌佰万元整（¥8,000,000.00）)."""
    for amount in parse_amounts(original):
        if amount.agrees:
            return Found(yuan(amount.value), C_FALLBACK)
    return None


_MONTH_END = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*年\s*(\d{1,2})\s*月\s*(?:末|底|月末|份末)")


def month_end(original: str) -> Found | None:
    """A date given as the end of a month (2025年2月末, 2025年2月底): that month's last day."""
    m = _MONTH_END.search(fold(original))
    if not m or not 1 <= int(m[2]) <= 12:
        return None
    year, month = int(m[1]), int(m[2])
    return Found(date(year, month, calendar.monthrange(year, month)[1]).isoformat(), C_FALLBACK)


_TOTAL_WORD = re.compile(r"(?:共计|合计|总计|累计|总额为|总金额为)")


def total_amount(original: str) -> Found | None:
    """The first amount right after a word of total (共计人民币4,604,824.13元)."""
    text = fold(original)
    for m in _TOTAL_WORD.finditer(text):
        found = parse_amounts(text[m.end():m.end() + 40])
        if found and found[0].start <= 6:
            return Found(yuan(found[0].value), C_FALLBACK)
    return None


def fallback(kind: str, name: str, doc: DocType, lines: list[Line], original: str,
             stop_labels: tuple[str, ...] = ()) -> Found | None:
    if kind == "company" and name == "company_name":
        top, signed = company_at_top(lines, stop_labels), company_signature(lines)
        if top and signed and top.value != signed.value:
            # a sentence may begin a line with another company (…申请担保 wrapped before 星桥融资担保
            # 有限公司): the name the document repeats is its own
            text = compact(original)
            return signed if text.count(compact(signed.value)) > text.count(compact(top.value)) else top
        return top or signed
    if kind == "uscc":
        found = codes.find_credit_codes(fold(original))
        return Found(found[0], C_FALLBACK) if found else None
    if kind == "taxpayer_id":
        for cand in code_candidates(original, (15, 20)):
            f = check_taxpayer_id(cand)
            if f and not f.problem:
                return Found(f.value, C_FALLBACK)
        return None
    if kind == "id_number":
        for cand in code_candidates(original, (18, 18)):
            f = check_id_number(cand)
            if f and not f.problem:
                return Found(f.value, C_FALLBACK)
        return None
    if kind == "year":
        return year_at_top(lines)
    if kind == "date" and name in ("application_date", "date", "issued"):
        return signed_date(lines)
    if kind == "date" and name == "as_of":
        return month_end(original)
    if kind == "amount":
        return paired_amount(original) or total_amount(original)
    if kind == "choice":
        options = doc.choices[name]
        if name in doc.labels:  # no label found: search the text for each option's first phrase only
            options = {opt: phrases[:1] for opt, phrases in options.items()}
        v = choice("".join(line.compact for line in lines), options)
        if v is not None:
            return Found(v, C_FALLBACK if name in doc.labels else C_LABEL)
    return None


__all__ = ["CHECKED", "UNCHECKED", "choice", "company_at_top", "company_signature", "fallback", "month_end",
           "paired_amount", "signed_date", "total_amount", "year_at_top"]
