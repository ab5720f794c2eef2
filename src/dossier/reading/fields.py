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

Parsing and validating one value is ``values``; statement rows are ``statements``.

Value types: dates and ``as_of``/``issued`` are ISO strings; amounts are
numbers in yuan (``int`` when whole, else ``float``); ``year``/``term_months``
are ``int``; ``term_end``/``valid_until`` are ISO strings or ``None`` for 长期.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from dossier.reading.classify import Line, compact, fold, split_lines
from dossier.rules import FIELD_KINDS, FIELD_ZH, DocType, DocTypeRules, load_doctypes

from .fallbacks import CHECKED, UNCHECKED, choice, fallback
from .grid import columns as grid_columns
from .parties import by_role
from .statements import restore_lost_digits, statement_checks, statement_fields, unit_of
from .years import column_value, multi_year
from .values import (
    C_CHECKED,
    C_FAILED,
    C_LABEL,
    C_PATTERN,
    DATE_8,
    DATE_CN,
    DATE_NUM,
    Found,
    amounts,
    capital_fragment,
    parse_amounts,
    check_id_number,
    check_org_code,
    check_taxpayer_id,
    check_uscc,
    company_name_of,
    parse_date,
    parse_dates,
    parse_months,
    parse_year,
    person_name_of,
    text_value_of,
    yuan,
)

__all__ = ["Extraction", "extract"]


@dataclass(frozen=True)
class Extraction:
    fields: dict  # every field of the type; None when missing (or 长期 for end dates)
    confidence: dict[str, float]  # per field, 0.0 when missing
    problems: tuple[str, ...]  # Chinese, for the reviewer
    review: bool  # a person must look: a problem, or a confidence below review_below
    notes: tuple[str, ...] = ()  # what the reading did that a person may want to know (restored digits)


# ---------------------------------------------------------------------------
# Locating values: labels, patterns, fallbacks
# ---------------------------------------------------------------------------

_BEFORE_OK = set("(:,;、[【<《)")
_SKIP_AFTER = re.compile(r"[)\]】]*(?:\((?P<note>[^()]{0,8})\))?[)\]】]*(?P<colon>[:])?")
#: Words a label may carry before its value: 受托人姓名 李成, 委托单位名称 X, 申请人全称 X.
_LABEL_TAIL = re.compile(r"(?:姓名|名称|全称)(?:\([^()]{0,8}\))?:?")


def _label_positions(line: Line, label: str, others: frozenset[str] = frozenset()) -> list[int]:
    """Where a value starts after each occurrence of ``label`` (compact) in ``line``. ``others``:
    the labels of other fields (成立日期 is no 日期 label), which a label may not end."""
    out = []
    c = line.compact
    for hit in _label_rx(label).finditer(c):
        start, end = hit.span(1)
        tail = _LABEL_TAIL.match(c, end)
        if tail and (tail.end() in line.starts or c[tail.end() - 1] == ":"):
            end = tail.end()
        m = _SKIP_AFTER.match(c, end)
        # a label starts a token or follows punctuation, or it ends its token (币种及金额 CNY1,520,000.00)
        boundary = start == 0 or start in line.starts or c[start - 1] in _BEFORE_OK
        if not boundary and end in line.starts and m.end() == end:
            head = max((s for s in line.starts if s <= start), default=0)
            boundary = c[head:end] not in others
        if boundary or m["colon"]:
            # Skip "）", "：" and a note such as （盖章）/（卖方）/（大写）, but not a value in brackets.
            note_ok = m["note"] is None or m["colon"] or m.end() == len(c) or any(w in m["note"] for w in "签章方写")
            out.append(m.end() if note_ok else end)
    return out


@functools.lru_cache(maxsize=4096)
def _label_rx(label: str) -> re.Pattern:
    """A label as printed, letter-spaced ones too: a scan may read a speck between its characters
    (名·称 for 名　　称); overlapping occurrences are found."""
    noise = "[·•・.,'`☑✓√□■]?"
    return re.compile("(?=(" + noise.join(map(re.escape, label)) + "))")


_UNIT_NOTE = re.compile(r"^\s*[(（]\s*(个月|月|年|元|万元|千元|亿元|人民币元|人民币万元)\s*[)）]\s*[:：]?\s*(?P<rest>.*)$")


def _unit_last(raw: str) -> str:
    """A value whose label carries its unit (申请期限（月） 6, 金额（万元） 1,000): the unit after it."""
    m = _UNIT_NOTE.match(raw)
    if not m or not m["rest"].strip():
        return raw
    rest = m["rest"].strip()
    return rest if re.search(r"[\u4e00-\u9fff]", rest) else rest + m[1].replace("人民币", "")


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


def _parse_kind(kind: str, orig: str, doc: DocType, name: str) -> Found | None:
    if not orig.strip():
        return None
    if kind == "company":
        v = company_name_of(orig)
        return Found(v, C_LABEL) if v else None
    if kind == "person":
        v = person_name_of(orig)
        return Found(v, C_LABEL) if v else None
    if kind == "text":
        v = text_value_of(orig)
        return Found(v, C_LABEL) if v else None
    if kind == "uscc":
        return check_uscc(orig)
    if kind == "id_number":
        return check_id_number(orig)
    if kind == "org_code":
        return check_org_code(orig)
    if kind == "taxpayer_id":
        return check_taxpayer_id(orig)
    if kind == "date":
        v = parse_date(orig)
        return Found(v, C_LABEL) if v else None
    if kind == "end_date":
        return _end_date(orig)
    if kind == "year":
        v = parse_year(orig)
        return Found(v, C_LABEL) if v else None
    if kind == "months":
        v = parse_months(orig)
        return Found(v, C_LABEL) if v else None
    if kind == "amount":
        return _amount_checked(orig)
    if kind == "choice":
        v = choice(compact(orig), doc.choices[name])
        if v is None and any(ch in orig for ch in CHECKED + UNCHECKED):
            return None  # no ticked option after the label: the ticked one is elsewhere on the form
        if v is None:
            text = text_value_of(orig)
            return Found(None, C_FAILED, f"{FIELD_ZH.get(name, name)}“{text}”不在可识别的取值中，请人工确认") \
                if text else None
        return Found(v, C_LABEL)
    return None


def _end_date(orig: str) -> Found | None:
    folded = compact(orig)
    dates = parse_dates(folded, compact_digits=True)
    if len(dates) == 1 and re.match(r"^(?:自|起|从)", folded) and not re.search(r"至|到|止", folded):
        return None  # 营业期限自 2019-05-27: the start of the term; its end is on another line
    open_ended = any(w in folded for w in ("长期", "永久", "无固定期限", "不约定期限"))
    if len(dates) >= 2:
        return Found(dates[-1].isoformat(), C_LABEL)
    if open_ended:
        return Found(None, C_LABEL)
    if len(dates) == 1:
        first = DATE_NUM.search(folded) or DATE_CN.search(folded) or DATE_8.search(folded)
        before = folded[:first.start()] if first else ""
        if re.search(r"至|到|截止|止$", before) or not re.search(r"至|-|到|起", folded[first.end():] if first else ""):
            return Found(dates[0].isoformat(), C_LABEL * 0.9)
    return None


def _amount_checked(orig: str) -> Found | None:
    """The first amount of a value; its capital (大写) and figure forms are compared only when both
    are written together (``壹仟万元整（¥10,000,000.00）``, ``大写：… 小写：…``)."""
    found = parse_amounts(orig)
    if not found:
        return None
    first = found[0]
    if first.agrees is False and capital_fragment(orig[first.start:first.end], first.figure):
        # a capital form wrapped over several lines of its cell: the part on this line fits the figure
        return Found(yuan(first.figure), C_LABEL)
    if first.agrees is False:
        return Found(yuan(first.capital), C_FAILED,
                     f"金额大写与小写不一致（{yuan(first.capital)} / {yuan(first.figure)}），已按大写取值，请人工核对")
    return Found(yuan(first.value), C_CHECKED if first.agrees else C_LABEL)


def _raw(line: Line, start: int, end: int) -> str:
    """Original text of compact[start:end], whitespace kept (tokens stay apart)."""
    if start >= end:
        return ""
    return line.original[line.index[start]:line.index[end - 1] + 1]


def _from_labels(lines: list[Line], labels, kind: str, doc: DocType, name: str,
                 stops: list[str]) -> tuple[Found, Line] | None:
    failed = None
    for label in labels:
        lab = compact(label)
        my_stops = [s for s in stops if s != lab and lab not in s]
        others = frozenset(s for s in stops if s != lab)
        for i, line in enumerate(lines):
            for start in _label_positions(line, lab, others):
                end = _value_end(line, start, my_stops)
                candidates = [(line, _raw(line, start, end))]
                if start >= len(line.compact) or kind in ("uscc", "id_number", "org_code", "taxpayer_id"):
                    nxt = lines[i + 1] if i + 1 < len(lines) and lines[i + 1].page == line.page else None
                    if nxt is not None:
                        candidates.append((nxt, _raw(nxt, 0, _value_end(nxt, 0, my_stops))))
                for src, raw in candidates:
                    found = _parse_kind(kind, _unit_last(raw), doc, name)
                    if found is None:
                        continue
                    if found.problem and failed is None:
                        failed = (found, src)
                        continue
                    if found.problem:
                        continue
                    return found, src
    return failed


def _label_value(lines, labels, kind, doc, name, stops, line_conf) -> Found | None:
    got = _from_labels(lines, labels, kind, doc, name, stops)
    return Found(got[0].value, min(got[0].confidence, line_conf(got[1])), got[0].problem) if got else None


def _from_patterns(patterns, original: str, folded: str, kind: str, doc: DocType, name: str):
    for rx in patterns:
        for m in rx.finditer(folded):
            group = "value" if "value" in rx.groupindex else 1
            a, b = m.span(group)
            found = _parse_kind(kind, original[a:b], doc, name)
            if found is not None and found.value is not None:
                return Found(found.value, min(found.confidence, C_PATTERN), found.problem), a
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


# ---------------------------------------------------------------------------
# extract
# ---------------------------------------------------------------------------


def extract(doc_type: str, pages: list[str], tables: list[list[list[str | None]]] | None = None,
            line_confidence: dict[str, float] | None = None, rules: DocTypeRules | None = None,
            cells: list | None = None) -> Extraction:
    """Fields of a document of type ``doc_type`` from its page texts (pure).

    ``tables``: pdfplumber ``extract_tables()`` output of all pages (statements use them first).
    ``line_confidence``: OCR confidence (0..1) per line text; a value read from a line
    below ``review_below`` (thresholds.toml) needs review.
    ``cells``: per page, the positioned text pieces of ``Page.cells`` (columns by their header).
    Each field is looked for in the order of its sources (``sources`` in doctypes.toml).
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
    statement = statement_fields(doc, lines, tables, rules, line_conf, all_compact, cells) if doc.rows else {}

    years: list[int] = []
    for name in doc.fields:
        kind = FIELD_KINDS[name]
        found: Found | None = None
        found_years: list[int] = []
        for source in doc.sources_of(name, rules.sources):
            if found is not None and not found.problem:
                break
            hit, hit_years = None, []
            if source == "rows" and kind == "row":
                hit = statement.get(name)
            elif source == "columns" and name in doc.columns and cells:
                got = column_value(grid_columns(cells, doc.columns[name]), kind,
                                   lambda text: _parse_kind(kind, text, doc, name))
                if got:
                    hit, hit_years = got
            elif source == "labels" and name in doc.labels:
                hit = _label_value(lines, doc.labels[name], kind, doc, name, stops, line_conf)
                if hit is None and kind == "company" and name != "company_name":  # a party: 甲方 bound to its role
                    hit = by_role(lines, doc.labels[name], lambda holders: _label_value(
                        lines, holders, kind, doc, name, stops, line_conf))
            elif source == "patterns" and name in doc.patterns:
                got = _from_patterns(doc.patterns[name], original, folded, kind, doc, name)
                if got:
                    line = line_at(got[1])
                    hit = Found(got[0].value, min(got[0].confidence, line_conf(line) if line else 1.0), got[0].problem)
            elif source == "fallback" and found is None:
                hit = fallback(kind, name, doc, lines, original, rules.stop_labels)
            if hit is not None and (found is None or (found.problem and not hit.problem)):
                found, found_years = hit, hit_years
        if name == "year" and doc.multi_year:
            found, found_years = multi_year(found, found_years, lines)
        if found is None:
            fields[name] = None
            confidence[name] = 0.0
            if name not in doc.optional:
                problems.append(f"未识别到{FIELD_ZH.get(name, name)}")
            continue
        fields[name] = found.value
        confidence[name] = round(found.confidence, 3)
        if name == "year":
            years = found_years or ([found.value] if isinstance(found.value, int) else [])
        if found.problem:
            problems.append(found.problem)
    if "year" in doc.fields:
        fields["years"] = years
        confidence["years"] = confidence["year"]

    if doc_type == "application_form" and fields.get("agent"):
        rep = _from_labels(lines, ["法定代表人", "法人代表"], "person", doc, "agent", stops)
        if rep and rep[0].value == fields["agent"]:
            fields["agent"] = None  # the legal representative applies in person
    notes: list[str] = []
    if doc.rows:
        unit = unit_of(all_compact)
        if conf_by_line:  # read by OCR: a seal or a speck may have hidden a total's leading digits
            figures = [float(v) * unit for _, v, kind in amounts(original) if kind == "arabic"]  # in yuan
            restored = restore_lost_digits(fields, confidence, figures, rules.thresholds.total_tolerance, unit)
            problems = [p for p in problems if p not in {f"未识别到{FIELD_ZH.get(n, n)}" for n in restored}]
            notes = list(restored.values())
        problems.extend(statement_checks(fields, rules.thresholds.total_tolerance, unit))
    if doc.id == "legal_rep_id" and fields.get("valid_until"):
        problems.extend(_id_term_check(fields["valid_until"], fold(original)))
    low = [n for n in doc.fields if n not in doc.optional and fields.get(n) is not None
           and confidence[n] < rules.thresholds.review_below]
    for name in low:
        if not any(FIELD_ZH.get(name, name) in p for p in problems):
            problems.append(f"{FIELD_ZH.get(name, name)}识别置信度低（{confidence[name]:.2f}），请人工核对")
    return Extraction(fields, confidence, tuple(dict.fromkeys(problems)), bool(problems), tuple(notes))
