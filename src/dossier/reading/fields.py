"""Fields of a classified document: pure, driven by ``rules/doctypes.toml``.

For each field of the document type (in the rule file), in order:
labels (text after the label on the same line, else the next line) ->
regular expressions (``patterns``) -> a fallback by kind (e.g. a company name
opening one of the first lines, a fiscal year in the heading).  Statement
rows come from tables when given (pdfplumber ``extract_tables``), else from
text lines, taking the current-period column as the column headings say.

Values are validated, never guessed: a 统一社会信用代码 or ID number is
checked by its check digit after mapping OCR confusions (O->0, I->1, ...);
when the check still fails the raw value is kept, a Chinese problem is added
and ``review`` is set.  A missing field is ``None``.

Value types: dates and ``as_of``/``issued`` are ISO strings; amounts are
numbers in yuan (``int`` when whole, else ``float``); ``year``/``term_months``
are ``int``; ``term_end``/``valid_until`` are ISO strings or ``None`` for 长期.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from dossier import codes
from dossier.reading.classify import Line, compact, fold, split_lines
from dossier.rules import FIELD_KINDS, FIELD_ZH, DocType, DocTypeRules, load_doctypes

__all__ = [
    "Extraction",
    "FIELD_ZH",
    "extract",
    "parse_amount",
    "parse_date",
    "parse_dates",
    "parse_year",
    "parse_months",
    "repair_id_number",
    "cn_number",
]

#: Chinese names of the fields, for problems shown to people.

# Confidence of a value by how it was found.
C_LABEL, C_CHECKED, C_REPAIRED, C_PATTERN, C_FALLBACK, C_GUESS, C_FAILED = 0.9, 0.98, 0.9, 0.9, 0.75, 0.5, 0.3


@dataclass(frozen=True)
class Extraction:
    fields: dict  # every field of the type; None when missing (or 长期 for end dates)
    confidence: dict[str, float]  # per field, 0.0 when missing
    problems: tuple[str, ...]  # Chinese, for the reviewer
    review: bool  # a person must look: a problem, or a confidence below review_below


# ---------------------------------------------------------------------------
# Numbers, amounts, dates
# ---------------------------------------------------------------------------

_CN_DIGIT = {"零": 0, "〇": 0, "○": 0, "一": 1, "壹": 1, "二": 2, "贰": 2, "貳": 2, "两": 2, "三": 3,
             "叁": 3, "參": 3, "四": 4, "肆": 4, "五": 5, "伍": 5, "六": 6, "陆": 6, "陸": 6, "七": 7,
             "柒": 7, "八": 8, "捌": 8, "九": 9, "玖": 9}
_CN_UNIT = {"十": 10, "拾": 10, "百": 100, "佰": 100, "陌": 100, "千": 1000, "仟": 1000, "阡": 1000}
_CN_BIG = {"万": 10**4, "萬": 10**4, "亿": 10**8, "億": 10**8}
_CN_NUM_CHARS = "".join([*_CN_DIGIT, *_CN_UNIT, *_CN_BIG])


def cn_number(text: str) -> int | None:
    """Chinese numerals (lower or financial capitals) -> int: 伍佰万 -> 5000000, 二十 -> 20."""
    if not text or any(ch not in _CN_NUM_CHARS for ch in text):
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


_CAPITAL_RUN = re.compile(rf"[{_CN_NUM_CHARS}元圆角分整正]+")
_ARABIC = re.compile(r"(?P<neg>-)?\s*[¥$]?\s*(?:(?:RMB|CNY)\s*)?(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
                     r"\s*(?P<unit>亿|万|千)?\s*(?P<yuan>元)?")


def _yuan(d: Decimal) -> int | float:
    return int(d) if d == d.to_integral_value() else float(d)


def _capital_amount(run: str) -> Decimal | None:
    if not any(ch in run for ch in "元圆角分") and not any(ch in run for ch in "万亿"):
        return None
    run = run.rstrip("整正")
    head, sep, tail = run.replace("圆", "元").partition("元")
    if not sep:
        if "角" in run or "分" in run:
            head, tail = "", run
        else:
            tail = ""
    whole = cn_number(head) if head else 0
    if head and whole is None:
        return None
    fen = 0
    m = re.fullmatch(r"零?(?:(?P<j>[" + "".join(_CN_DIGIT) + r"])角)?零?(?:(?P<f>[" + "".join(_CN_DIGIT)
                     + r"])分)?", tail)
    if m is None:
        return None
    if m["j"]:
        fen += _CN_DIGIT[m["j"]] * 10
    if m["f"]:
        fen += _CN_DIGIT[m["f"]]
    if not head and not fen:
        return None
    return Decimal(whole) + Decimal(fen) / 100


def _amounts(text: str) -> list[tuple[int, Decimal, str]]:
    """Amounts in ``text`` as (position, value, 'arabic'|'capital'), in order."""
    folded = fold(text)
    found = []
    for m in _CAPITAL_RUN.finditer(folded):
        value = _capital_amount(m.group(0))
        if value is not None:
            found.append((m.start(), value, "capital"))
    for m in _ARABIC.finditer(folded):
        if re.match(r"\s*(?:年|月|日|个月|%|号|\.\d)", folded[m.end():]):
            continue  # a date, a term or a percentage
        money_like = (m["unit"] or m["yuan"] or "," in m["num"] or "." in m["num"]
                      or re.search(r"[¥$]|RMB|CNY", m.group(0)))
        if not money_like:
            continue  # a bare integer is not an amount
        value = Decimal(m["num"].replace(",", "")) * {None: 1, "万": 10**4, "亿": 10**8, "千": 1000}[m["unit"]]
        found.append((m.start(), -value if m["neg"] else value, "arabic"))
    return sorted(found, key=lambda t: t[0])


def parse_amount(text: str) -> int | float | None:
    """First amount in ``text`` in yuan: '1,234,567.89' -> 1234567.89, '500万元' -> 5000000,
    '人民币伍佰万元整' -> 5000000, '壹仟贰佰叁拾肆元伍角陆分' -> 1234.56."""
    found = _amounts(text)
    return _yuan(found[0][1]) if found else None


_DATE_NUM = re.compile(r"(?<!\d)(\d{4})\s*[年./\-]\s*(\d{1,2})\s*[月./\-]\s*(\d{1,2})(?!\d)\s*日?")
_DATE_CN = re.compile(r"([〇○零一二三四五六七八九]{4})\s*年\s*([一二三四五六七八九十]{1,3})\s*月"
                      r"\s*([一二三四五六七八九十]{1,3})\s*日")
_DATE_8 = re.compile(r"(?<!\d)((?:19|20)\d{2})(\d{2})(\d{2})(?!\d)")


def parse_dates(text: str, compact_digits: bool = False) -> list[date]:
    """All valid dates in ``text``, in order (2025年3月1日, 2025-03-01, 2025.3.1, 二〇二五年三月一日)."""
    folded = fold(text)
    hits: list[tuple[int, date]] = []
    rxs = [(_DATE_NUM, int), (_DATE_CN, cn_number)] + ([(_DATE_8, int)] if compact_digits else [])
    taken: list[tuple[int, int]] = []
    for rx, conv in rxs:
        for m in rx.finditer(folded):
            if any(a < m.end() and m.start() < b for a, b in taken):
                continue
            try:
                hits.append((m.start(), date(conv(m[1]), conv(m[2]), conv(m[3]))))
                taken.append(m.span())
            except (TypeError, ValueError):
                continue
    return [d for _, d in sorted(hits, key=lambda t: t[0])]


def parse_date(text: str) -> str | None:
    """First date in ``text`` as ISO 'YYYY-MM-DD', else None."""
    found = parse_dates(text, compact_digits=True)
    return found[0].isoformat() if found else None


def parse_year(text: str) -> int | None:
    """Fiscal year: '2025年度' -> 2025; a date or a period -> the year of its (last) date."""
    folded = fold(text)
    m = re.search(r"(?<!\d)((?:19|20)\d{2})\s*年度", folded)
    dates = parse_dates(folded)
    if dates:
        if m and m.start() < folded.find(str(dates[0].year)):
            return int(m[1])
        return dates[-1].year
    if m:
        return int(m[1])
    m = re.search(r"(?<!\d)((?:19|20)\d{2})(?:\s*年|(?!\d))", folded)
    if m:
        return int(m[1])
    m = _DATE_CN.search(folded) or re.search(r"([〇○零一二三四五六七八九]{4})\s*年", folded)
    return cn_number(m[1]) if m else None


def parse_months(text: str) -> int | None:
    """'12个月' -> 12, '一年' -> 12, '3年' -> 36, '十八个月' -> 18."""
    folded = fold(text)
    m = re.search(rf"(\d+|[{_CN_NUM_CHARS}]+)\s*个?\s*(月|年)", folded)
    if not m:
        return None
    n = int(m[1]) if m[1].isdigit() else cn_number(m[1])
    if n is None:
        return None
    return n * 12 if m[2] == "年" else n


# ---------------------------------------------------------------------------
# Identity codes
# ---------------------------------------------------------------------------

_ID_CONFUSIONS = str.maketrans({"O": "0", "o": "0", "Q": "0", "D": "0", "I": "1", "l": "1", "i": "1",
                                "|": "1", "L": "1", "Z": "2", "z": "2", "S": "5", "s": "5", "B": "8",
                                "G": "6", "b": "6", "g": "9", "T": "7"})


_LOWER_DIGITS = str.maketrans({"l": "1", "i": "1", "o": "0", "z": "2", "s": "5", "|": "1"})


def repair_id_number(raw: str) -> str:
    """Map OCR confusions in a 居民身份证号 (O->0, I/l->1, Z->2, S->5, B->8 ...; x/× -> X at the end)."""
    s = fold(raw).replace(" ", "")
    body, last = s[:-1], s[-1:]
    last = "X" if last in "xX×" else last.translate(_ID_CONFUSIONS)
    return body.translate(_ID_CONFUSIONS) + last


@dataclass(frozen=True)
class _Found:
    value: object
    confidence: float
    problem: str | None = None


def _code_candidates(text: str, lengths: tuple[int, int]) -> list[str]:
    """Tokens that may be a code; codes split by OCR spaces are joined only if none is found whole."""
    lo, hi = lengths
    rx = re.compile(rf"(?<![0-9A-Za-z|])[0-9A-Za-z|×]{{{lo},{hi}}}(?![0-9A-Za-z|])")
    return rx.findall(fold(text)) or rx.findall(compact(text))


def _check_uscc(text: str, what: str = "统一社会信用代码") -> _Found | None:
    cands = _code_candidates(text, (15, 20))
    exact = [c for c in cands if len(c) == 18]
    for raw in exact:
        if codes.is_valid_uscc(raw.upper()):
            return _Found(raw.upper(), C_CHECKED)
        # Lower-case letters never occur in a code: l/i/o/z/s are OCR noise for digits.
        for fixed in (codes.repair_uscc(raw), codes.repair_uscc(raw.translate(_LOWER_DIGITS))):
            if codes.is_valid_uscc(fixed):
                return _Found(fixed, C_REPAIRED)
    if exact:
        raw = exact[0]
        return _Found(raw, C_FAILED, f"{what}“{raw}”校验位不符（可能有识别错误或原件有误），已保留原值，请人工核对原件")
    if cands and re.search(r"\d", cands[0]) and sum(ch.isdigit() for ch in cands[0]) >= 8:
        raw = cands[0]
        return _Found(raw, C_FAILED, f"{what}“{raw}”长度为 {len(raw)} 位（应为 18 位），已保留原值，请人工核对原件")
    return None


def _check_id_number(text: str) -> _Found | None:
    cands = [c for c in _code_candidates(text, (15, 20)) if sum(ch.isdigit() for ch in c) >= 12]
    for raw in cands:
        if len(raw) != 18:
            continue
        if codes.is_valid_id_number(raw):
            return _Found(raw.upper(), C_CHECKED)
        fixed = repair_id_number(raw)
        if codes.is_valid_id_number(fixed):
            return _Found(fixed, C_REPAIRED)
    if cands:
        raw = cands[0]
        why = "校验位不符" if len(raw) == 18 else f"长度为 {len(raw)} 位（应为 18 位）"
        return _Found(raw, C_FAILED, f"公民身份号码“{raw}”{why}，已保留原值，请人工核对原件")
    return None


def _check_org_code(text: str) -> _Found | None:
    m = re.search(r"(?<![0-9A-Za-z])([0-9A-Za-z]{8})\s*[-－—]?\s*([0-9A-Za-z])(?![0-9A-Za-z])", fold(text))
    if not m:
        return None
    raw = f"{m[1]}-{m[2]}"
    if codes.is_valid_org_code(raw.upper()):
        return _Found(raw.upper(), C_CHECKED)
    fixed = codes.repair_uscc(m[1]) + "-" + codes.repair_uscc(m[2])
    if codes.is_valid_org_code(fixed):
        return _Found(fixed, C_REPAIRED)
    return _Found(raw, C_FAILED, f"组织机构代码“{raw}”校验位不符，已保留原值，请人工核对原件")


def _check_taxpayer_id(text: str) -> _Found | None:
    cands = _code_candidates(text, (15, 20))
    if not cands:
        return None
    raw = cands[0]
    if len(raw) == 18:
        return _check_uscc(raw, "纳税人识别号")
    if len(raw) == 15:  # old: administrative division (6) + organisation code (9)
        if raw[:6].isdigit() and codes.is_valid_org_code(raw[6:].upper()):
            return _Found(raw.upper(), C_CHECKED)
        fixed = raw[:6].translate(_ID_CONFUSIONS) + codes.repair_uscc(raw[6:])
        if fixed[:6].isdigit() and codes.is_valid_org_code(fixed[6:]):
            return _Found(fixed, C_REPAIRED)
        return _Found(raw, C_FAILED, f"纳税人识别号“{raw}”中的组织机构代码校验位不符，已保留原值，请人工核对原件")
    if len(raw) == 20 and codes.is_valid_id_number(raw[:18]):  # individual: ID number + 2
        return _Found(raw.upper(), C_LABEL)
    return _Found(raw, C_FAILED, f"纳税人识别号“{raw}”格式无法核验（{len(raw)} 位），已保留原值，请人工核对原件")


# ---------------------------------------------------------------------------
# Names and text values
# ---------------------------------------------------------------------------

_PARTNERSHIP = r"(?:\((?:特殊普通合伙|普通合伙|有限合伙)\))?"
_STRONG_SUFFIX = re.compile(r"(?:有限责任公司|股份有限公司|有限公司|公司)" + _PARTNERSHIP)
_WEAK_SUFFIX = re.compile(r"(?:合作社|经营部|门市部|事务所|研究所|研究院|商行|工作室|中心|企业|厂|店)" + _PARTNERSHIP)
_NAME_CHARS = re.compile(r"[\u4e00-\u9fffA-Za-z0-9()·&]+")
_COMPANY_AT_START = re.compile(r"[\u4e00-\u9fff][\u4e00-\u9fffA-Za-z0-9()·&]{1,50}?"
                               r"(?:有限责任公司|股份有限公司|有限公司|公司)" + _PARTNERSHIP)
_NOT_NAMES = {"签字", "盖章", "签章", "签名", "同志", "先生", "女士", "本人", "身份证", "姓名", "职务", "无"}


def _company(orig: str) -> str | None:
    """A company name opening ``orig`` (original text of a value), or None."""
    folded_tokens = [(t, fold(t)) for t in orig.split()]
    acc_o, acc_f = "", ""
    for tok_o, tok_f in folded_tokens[:12]:
        acc_o, acc_f = acc_o + tok_o, acc_f + tok_f
        cut = re.match(r"[^\u4e00-\u9fffA-Za-z0-9(]*", acc_f).end()
        body_f = acc_f[cut:]
        if not body_f:  # a token of punctuation only (an OCR speck after the label): read on
            continue
        m = _NAME_CHARS.match(body_f)
        if not m:
            return None
        run = body_f[:m.end()]
        for rx in (_STRONG_SUFFIX, _WEAK_SUFFIX):
            ends = [x.end() for x in rx.finditer(run)]
            if ends and ends[-1] >= 4:
                end = ends[-1]
                if rx is _STRONG_SUFFIX or len(folded_tokens) == 1 or run == body_f:
                    return acc_o[cut:cut + end]
        if m.end() < len(body_f):  # the name ran into punctuation: no suffix found
            return None
    return None


def _person(orig: str) -> str | None:
    tokens = orig.split()
    if not tokens:
        return None
    first = fold(tokens[0])
    m = re.match(r"[\u4e00-\u9fff·]+", first)
    if not m:
        return None
    name = m.group(0)
    if len(name) == 1:  # letter-spaced: 杨 志
        for tok in tokens[1:4]:
            if len(tok) == 1 and "\u4e00" <= tok <= "\u9fff":
                name += tok
            else:
                break
    name = re.sub(r"(?:同志|先生|女士)$", "", name)
    if not 2 <= len(name) <= 6 or name in _NOT_NAMES or any(w in name for w in ("签字", "盖章", "身份")):
        return None
    return name


def _text(orig: str) -> str | None:
    value = re.sub(r"\s+", "", orig) if not re.search(r"[A-Za-z]\s+[A-Za-z]", orig) else " ".join(orig.split())
    value = value.strip(" :：,，;；。、")
    return value or None


# ---------------------------------------------------------------------------
# Locating values: labels, patterns, fallbacks
# ---------------------------------------------------------------------------

_BEFORE_OK = set("(:,;、[【<《)")
_SKIP_AFTER = re.compile(r"[)\]】]*(?:\((?P<note>[^()]{0,8})\))?[)\]】]*(?P<colon>[:])?")


def _label_positions(line: Line, label: str) -> list[int]:
    """Where a value starts after each occurrence of ``label`` (compact) in ``line``."""
    out = []
    c = line.compact
    start = c.find(label)
    while start >= 0:
        end = start + len(label)
        m = _SKIP_AFTER.match(c, end)
        boundary = start == 0 or start in line.starts or c[start - 1] in _BEFORE_OK
        if boundary or m["colon"]:
            # Skip "）", "：" and a note such as （盖章）/（卖方）/（大写）, but not a value in brackets.
            note_ok = m["note"] is None or m["colon"] or m.end() == len(c) or any(w in m["note"] for w in "签章方写")
            out.append(m.end() if note_ok else end)
        start = c.find(label, start + 1)
    return out


def _value_end(line: Line, start: int, stops: list[str]) -> int:
    c = line.compact
    end = len(c)
    for stop in stops:
        pos = c.find(stop, start + 1)
        while 0 <= pos < end:
            if len(stop) >= 4 or pos in line.starts:
                end = pos
                break
            pos = c.find(stop, pos + 1)
    return end


def _parse_kind(kind: str, orig: str, doc: DocType, name: str) -> _Found | None:
    if not orig.strip():
        return None
    if kind == "company":
        v = _company(orig)
        return _Found(v, C_LABEL) if v else None
    if kind == "person":
        v = _person(orig)
        return _Found(v, C_LABEL) if v else None
    if kind == "text":
        v = _text(orig)
        return _Found(v, C_LABEL) if v else None
    if kind == "uscc":
        return _check_uscc(orig)
    if kind == "id_number":
        return _check_id_number(orig)
    if kind == "org_code":
        return _check_org_code(orig)
    if kind == "taxpayer_id":
        return _check_taxpayer_id(orig)
    if kind == "date":
        v = parse_date(orig)
        return _Found(v, C_LABEL) if v else None
    if kind == "end_date":
        return _end_date(orig)
    if kind == "year":
        v = parse_year(orig)
        return _Found(v, C_LABEL) if v else None
    if kind == "months":
        v = parse_months(orig)
        return _Found(v, C_LABEL) if v else None
    if kind == "amount":
        return _amount_checked(orig)
    if kind == "choice":
        v = _choice(compact(orig), doc.choices[name])
        if v is None:
            text = _text(orig)
            return _Found(None, C_FAILED, f"{FIELD_ZH.get(name, name)}“{text}”不在可识别的取值中，请人工确认") \
                if text else None
        return _Found(v, C_LABEL)
    return None


def _end_date(orig: str) -> _Found | None:
    folded = compact(orig)
    dates = parse_dates(folded, compact_digits=True)
    open_ended = any(w in folded for w in ("长期", "永久", "无固定期限", "不约定期限"))
    if len(dates) >= 2:
        return _Found(dates[-1].isoformat(), C_LABEL)
    if open_ended:
        return _Found(None, C_LABEL)
    if len(dates) == 1:
        first = _DATE_NUM.search(folded) or _DATE_CN.search(folded) or _DATE_8.search(folded)
        before = folded[:first.start()] if first else ""
        if re.search(r"至|到|截止|止$", before) or not re.search(r"至|-|到|起", folded[first.end():] if first else ""):
            return _Found(dates[0].isoformat(), C_LABEL * 0.9)
    return None


def _amount_checked(orig: str) -> _Found | None:
    found = _amounts(orig)
    if not found:
        return None
    value = found[0][1]
    other = next((v for _, v, k in found[1:] if k != found[0][2]), None)
    if other is not None and other != value:
        capital = value if found[0][2] == "capital" else other
        return _Found(_yuan(capital), C_FAILED,
                      f"金额大写与小写不一致（{_yuan(value)} / {_yuan(other)}），已按大写取值，请人工核对")
    return _Found(_yuan(value), C_CHECKED if other is not None else C_LABEL)


def _choice(text: str, options) -> str | None:
    """Option whose phrase occurs in ``text``; a phrase inside a longer matched phrase does not count."""
    hits = []
    for option, phrases in options.items():
        for phrase in phrases:
            p = compact(phrase)
            start = text.find(p)
            while start >= 0:
                hits.append((start, start + len(p), option))
                start = text.find(p, start + 1)
    live = {opt for a, b, opt in hits
            if not any(a2 <= a and b <= b2 and (b2 - a2) > (b - a) and o2 != opt for a2, b2, o2 in hits)}
    for option in options:
        if option in live:
            return option
    return None


def _raw(line: Line, start: int, end: int) -> str:
    """Original text of compact[start:end], whitespace kept (tokens stay apart)."""
    if start >= end:
        return ""
    return line.original[line.index[start]:line.index[end - 1] + 1]


def _from_labels(lines: list[Line], labels, kind: str, doc: DocType, name: str,
                 stops: list[str]) -> tuple[_Found, Line] | None:
    failed = None
    for label in labels:
        lab = compact(label)
        my_stops = [s for s in stops if s != lab and lab not in s]
        for i, line in enumerate(lines):
            for start in _label_positions(line, lab):
                end = _value_end(line, start, my_stops)
                candidates = [(line, _raw(line, start, end))]
                if start >= len(line.compact) or kind in ("uscc", "id_number", "org_code", "taxpayer_id"):
                    nxt = lines[i + 1] if i + 1 < len(lines) and lines[i + 1].page == line.page else None
                    if nxt is not None:
                        candidates.append((nxt, _raw(nxt, 0, _value_end(nxt, 0, my_stops))))
                for src, raw in candidates:
                    found = _parse_kind(kind, raw, doc, name)
                    if found is None:
                        continue
                    if found.problem and failed is None:
                        failed = (found, src)
                        continue
                    if found.problem:
                        continue
                    return found, src
    return failed


def _from_patterns(patterns, original: str, folded: str, kind: str, doc: DocType, name: str):
    for rx in patterns:
        for m in rx.finditer(folded):
            group = "value" if "value" in rx.groupindex else 1
            a, b = m.span(group)
            found = _parse_kind(kind, original[a:b], doc, name)
            if found is not None and found.value is not None:
                return _Found(found.value, min(found.confidence, C_PATTERN), found.problem), a
    return None


_TERM = re.compile(r"((?:19|20)\d{2})[.\-/年](\d{1,2})[.\-/月](\d{1,2})日?\s*[-—–~至－]\s*"
                   r"((?:19|20)\d{2})[.\-/年](\d{1,2})[.\-/月](\d{1,2})")


def _id_term_check(valid_until: str, text: str) -> list[str]:
    """An ID card is valid 5, 10 or 20 years, to the same month and day: anything else is a misread."""
    for m in _TERM.finditer(text):
        start = tuple(int(g) for g in m.groups()[:3])
        end = tuple(int(g) for g in m.groups()[3:])
        if f"{end[0]:04d}-{end[1]:02d}-{end[2]:02d}" != valid_until:
            continue
        if end[1:] != start[1:] or end[0] - start[0] not in (5, 10, 20):
            return [f"身份证有效期限 {m.group(0)} 不符合 5/10/20 年同月同日的规则，可能识别有误，请人工核对"]
    return []


def _company_at_top(lines: list[Line], labels: tuple[str, ...] = ()) -> _Found | None:
    """A company name opening one of the first lines of page 1 (title such as 'X有限公司章程').

    A line opening with a field label ('类型 有限责任公司') is no name.
    """
    for line in lines[:8]:
        if line.page:
            break
        m = _COMPANY_AT_START.match(line.compact)
        if not m or line.compact[m.end():m.end() + 1] == ":":
            continue
        if any(line.compact.startswith(compact(label)) for label in labels):
            continue
        return _Found(line.slice(0, m.end()), C_FALLBACK)
    return None


def _year_at_top(lines: list[Line]) -> _Found | None:
    """'2025年度' in the heading; else the year of its first date, which may be an issue date: review."""
    head = "\n".join(line.folded for line in lines[:10] if line.page == 0)
    m = re.search(r"(?<!\d)((?:19|20)\d{2})\s*年度", head)
    if m:
        return _Found(int(m[1]), C_FALLBACK)
    dates = parse_dates(head)
    return _Found(dates[0].year, C_GUESS) if dates else None


# ---------------------------------------------------------------------------
# Statements: rows from tables or text lines
# ---------------------------------------------------------------------------

_ORDINAL = re.compile(r"^(?:[一二三四五六七八九十]+[、.]|\(?[一二三四五六七八九十\d]+\)|\d+[.、]|其中:|加:|减:|[*△#])+")
_NUMBER = re.compile(r"^\(?-?[¥]?\d[\d,]*(?:\.\d+)?\)?$")
_DASH = re.compile(r"^[-—–]+$")


def _clean_label(text: str) -> str:
    c = compact(text)
    prev = None
    while prev != c:
        prev = c
        c = re.sub(r"\([^()]*\)", "", c)
    c = re.sub(r"[“”\"'‘’]", "", c)
    c = _ORDINAL.sub("", c)
    return c.strip(":")


def _number(cell: str | None) -> Decimal | None | bool:
    """Decimal of a figure; None for a dash (nil); False when the cell is not a figure."""
    if cell is None:
        return False
    c = compact(cell)
    if not c:
        return False
    if _DASH.match(c):
        return None
    if not _NUMBER.match(c) or (c.startswith("(") != c.endswith(")")):
        return False
    neg = c.startswith("(") or c.startswith("-")
    try:
        d = Decimal(c.strip("()").lstrip("-").lstrip("¥").replace(",", ""))
    except InvalidOperation:
        return False
    return -d if neg else d


def _column_roles(cells: list[str], rules: DocTypeRules) -> list[str | None]:
    roles: list[str | None] = []
    for cell in cells:
        c = compact(cell or "")
        if any(compact(p) in c for p in rules.prior_columns):
            roles.append("prior")
        elif any(compact(p) in c for p in rules.current_columns):
            roles.append("cur")
        elif "行次" in c or c == "附注":
            roles.append("skip")
        else:
            roles.append(None)
    return roles


def _row_field(label: str, wanted: dict[str, set[str]]) -> str | None:
    c = _clean_label(label)
    for name, labels in wanted.items():
        if c in labels:
            return name
    return None


def _rows_from_tables(tables, wanted, rules, found: dict) -> None:
    for table in tables or []:
        roles: list[str | None] = []
        for row in table:
            cells = [(c or "").replace("\n", "") for c in row]
            r = _column_roles(cells, rules)
            if "cur" in r or "prior" in r:
                roles = r
                continue
            for i, cell in enumerate(cells):
                if _number(cell) is not False or not compact(cell):
                    continue
                name = _row_field(cell, wanted)
                if name is None or name in found:
                    continue
                value, conf = None, 0.0
                for j in range(i + 1, len(cells)):
                    num = _number(cells[j])
                    if num is False:
                        if compact(cells[j]):
                            break
                        continue
                    role = roles[j] if j < len(roles) else None
                    if role == "skip":
                        continue
                    if roles and role not in ("cur",) and "cur" in roles[i + 1:]:
                        continue
                    value, conf = num, (C_CHECKED if roles else C_FALLBACK)
                    break
                if value is not None:
                    found[name] = _Found(value, conf)


def _rows_from_text(lines: list[Line], wanted, rules, found: dict, line_conf) -> None:
    cur_index, lineno = 0, None  # lineno: the heading has a 行次 column (None: no heading seen)
    for line in lines:
        tokens = line.original.split()
        c = line.compact
        priors = [c.find(compact(p)) for p in rules.prior_columns if compact(p) in c]
        masked = c
        for p in rules.prior_columns:
            masked = masked.replace(compact(p), "#" * len(compact(p)))
        curs = [masked.find(compact(p)) for p in rules.current_columns if compact(p) in masked]
        if priors and curs:
            cur_index = 0 if min(curs) < min(priors) else 1
            lineno = "行次" in c
            continue
        segments: list[tuple[list[str], list]] = []
        for tok in tokens:
            num = _number(tok)
            if num is False:
                if segments and not segments[-1][1]:
                    segments[-1][0].append(tok)
                else:
                    segments.append(([tok], []))
            elif segments:
                segments[-1][1].append(num)
        for label_tokens, nums in segments:
            # The label is the longest run of tokens ending at the figures that names a row
            # (letter-spaced labels span several tokens; a heading may precede them).
            name = next((n for k in range(len(label_tokens))
                         if (n := _row_field("".join(label_tokens[k:]), wanted)) is not None), None)
            if name is None or name in found or not nums:
                continue
            small_int = nums[0] is not None and nums[0] == nums[0].to_integral_value() and 0 < nums[0] < 1000
            if len(nums) >= 2 and small_int and (lineno or (lineno is None and len(nums) >= 3)):
                nums = nums[1:]  # a 行次 column
            if len(nums) > cur_index:
                value, conf = nums[cur_index], C_LABEL
            else:
                value, conf = nums[0], C_FALLBACK
            if value is not None:
                conf = min(conf, line_conf(line))
                found[name] = _Found(value, conf)


def _unit_factor(text: str) -> int:
    m = re.search(r"单位:?(?:人民币)?(万元|千元|元)", text)
    return {"万元": 10_000, "千元": 1_000}.get(m[1], 1) if m else 1


def _statement_fields(doc: DocType, lines, tables, rules, line_conf, all_compact: str) -> dict[str, _Found]:
    wanted = {name: {_clean_label(lbl) for lbl in labels} for name, labels in doc.rows.items()}
    found: dict[str, _Found] = {}
    _rows_from_tables(tables, wanted, rules, found)
    if len(found) < len(wanted):
        _rows_from_text(lines, wanted, rules, found, line_conf)
    factor = _unit_factor(all_compact)
    return {k: _Found(_yuan(v.value * factor), v.confidence) for k, v in found.items()}


def _statement_checks(fields: dict, tolerance: float) -> list[str]:
    """Totals that do not add up, beyond ``tolerance`` yuan (``total_tolerance`` in thresholds.toml)."""
    out = []
    ta, tle = fields.get("total_assets"), fields.get("total_liabilities_and_equity")
    tl, te = fields.get("total_liabilities"), fields.get("total_equity")
    if ta is not None and tle is not None and abs(ta - tle) > tolerance:
        out.append(f"资产总计（{ta}）与负债和所有者权益总计（{tle}）不相等，请核对")
    if ta is not None and tl is not None and te is not None and abs(ta - tl - te) > tolerance:
        out.append(f"资产总计（{ta}）不等于负债合计与所有者权益合计之和（{tl} + {te}），请核对")
    return out


# ---------------------------------------------------------------------------
# extract
# ---------------------------------------------------------------------------


def extract(doc_type: str, pages: list[str], tables: list[list[list[str | None]]] | None = None,
            line_confidence: dict[str, float] | None = None, rules: DocTypeRules | None = None) -> Extraction:
    """Fields of a document of type ``doc_type`` from its page texts (pure).

    ``tables``: pdfplumber ``extract_tables()`` output of all pages (statements use them first).
    ``line_confidence``: OCR confidence (0..1) per line text; a value read from a line
    below ``review_below`` (thresholds.toml) needs review.
    """
    rules = rules or load_doctypes()
    if doc_type not in rules:
        return Extraction({}, {}, (f"未知的文档类型“{doc_type}”",), True)
    doc = rules[doc_type]
    lines = split_lines(pages)
    original = "\n".join(line.original for line in lines)
    folded = "\n".join(line.folded for line in lines)
    all_compact = "".join(line.compact for line in lines)
    conf_by_line = {compact(k): float(v) for k, v in (line_confidence or {}).items()}

    def line_conf(line: Line) -> float:
        return conf_by_line.get(line.compact, 1.0)

    def line_at(pos: int) -> Line | None:
        for line in lines:
            pos -= len(line.original) + 1
            if pos < 0:
                return line
        return None

    stops = sorted({compact(s) for s in rules.stop_labels}
                   | {compact(lbl) for lbls in doc.labels.values() for lbl in lbls}, key=len, reverse=True)
    fields: dict = {}
    confidence: dict[str, float] = {}
    problems: list[str] = []
    statement = _statement_fields(doc, lines, tables, rules, line_conf, all_compact) if doc.rows else {}

    for name in doc.fields:
        kind = FIELD_KINDS[name]
        found: _Found | None = None
        if kind == "row":
            found = statement.get(name)
        if found is None and name in doc.labels:
            hit = _from_labels(lines, doc.labels[name], kind, doc, name, stops)
            if hit:
                found = _Found(hit[0].value, min(hit[0].confidence, line_conf(hit[1])), hit[0].problem)
        if (found is None or found.problem) and name in doc.patterns:
            hit = _from_patterns(doc.patterns[name], original, folded, kind, doc, name)
            if hit and (found is None or not hit[0].problem):
                line = line_at(hit[1])
                found = _Found(hit[0].value, min(hit[0].confidence, line_conf(line) if line else 1.0),
                               hit[0].problem)
        if found is None:
            fb = _fallback(kind, name, doc, lines, original, rules.stop_labels)
            if fb is not None:
                found = fb
        if found is None:
            fields[name] = None
            confidence[name] = 0.0
            if name not in doc.optional:
                problems.append(f"未识别到{FIELD_ZH.get(name, name)}")
            continue
        fields[name] = found.value
        confidence[name] = round(found.confidence, 3)
        if found.problem:
            problems.append(found.problem)

    if doc_type == "application_form" and fields.get("agent"):
        rep = _from_labels(lines, ["法定代表人", "法人代表"], "person", doc, "agent", stops)
        if rep and rep[0].value == fields["agent"]:
            fields["agent"] = None  # the legal representative applies in person
    if doc.rows:
        problems.extend(_statement_checks(fields, rules.thresholds.total_tolerance))
    if doc.id == "legal_rep_id" and fields.get("valid_until"):
        problems.extend(_id_term_check(fields["valid_until"], fold(original)))
    low = [n for n in doc.fields if n not in doc.optional and fields.get(n) is not None
           and confidence[n] < rules.thresholds.review_below]
    for name in low:
        if not any(FIELD_ZH.get(name, name) in p for p in problems):
            problems.append(f"{FIELD_ZH.get(name, name)}识别置信度低（{confidence[name]:.2f}），请人工核对")
    return Extraction(fields, confidence, tuple(dict.fromkeys(problems)), bool(problems))


def _fallback(kind: str, name: str, doc: DocType, lines: list[Line], original: str,
              stop_labels: tuple[str, ...] = ()) -> _Found | None:
    if kind == "company" and name == "company_name":
        return _company_at_top(lines, stop_labels)
    if kind == "uscc":
        found = codes.find_credit_codes(fold(original))
        return _Found(found[0], C_FALLBACK) if found else None
    if kind == "id_number":
        for cand in _code_candidates(original, (18, 18)):
            f = _check_id_number(cand)
            if f and not f.problem:
                return _Found(f.value, C_FALLBACK)
        return None
    if kind == "year":
        return _year_at_top(lines)
    if kind == "choice":
        options = doc.choices[name]
        if name in doc.labels:  # no label found: search the text for each option's first phrase only
            options = {opt: phrases[:1] for opt, phrases in options.items()}
        v = _choice("".join(line.compact for line in lines), options)
        if v is not None:
            return _Found(v, C_FALLBACK if name in doc.labels else C_LABEL)
    return None
