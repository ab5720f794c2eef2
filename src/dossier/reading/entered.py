"""Values a person enters (``dossier correct --set FIELD=VALUE``), parsed and checked as extraction
parses and checks what it reads: dates to ISO, amounts to yuan (大写 and 万 too), fiscal years,
terms in months, identity codes by their check digit, choices by their id or Chinese name.

``entered(doc, name, text)`` returns an ``Entered`` value, or raises ``DecisionRefused`` with the
message a person should see. A value whose check digit fails is returned with ``check_failed`` set: the caller
refuses it unless the person insists (``--force``, with a note saying why).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from dossier import codes
from dossier.errors import DecisionRefused
from dossier.reading.classify import compact, fold
from dossier.reading.fallbacks import choice
from dossier.reading.grammar import parse_amount, parse_date, parse_figure, parse_year, yuan
from dossier.reading.values import company_name_of, parse_months, person_name_of
from dossier.rules import FIELD_KINDS, FIELD_ZH, DocType

#: Words that mean "no end date" (营业期限 长期, 身份证 长期).
OPEN_ENDED = ("长期", "永久", "无固定期限", "不约定期限")
#: Words that mean "no value": the field is cleared (read as not found).
EMPTY = ("", "无", "空", "none", "null")


@dataclass(frozen=True)
class Entered:
    value: object
    check_failed: str | None = None  # why its check digit fails (the value is kept as entered)


def _code(text: str) -> str:
    return re.sub(r"[\s\-－—]", "", unicodedata.normalize("NFKC", text)).upper()


def entered(doc: DocType, name: str, text: str) -> Entered:
    label = FIELD_ZH.get(name, name)
    if name == "years":
        years = [parse_year(part) for part in re.split(r"[,，、;；\s]+", text.strip()) if part]
        if not years or any(y is None for y in years):
            raise DecisionRefused(f"年度列表“{text}”无法识别：请写成 2023,2024 这样的四位年份。")
        return Entered(sorted(set(years)))
    if name not in doc.fields:
        known = "、".join(f"{n}（{FIELD_ZH.get(n, n)}）" for n in doc.fields)
        raise DecisionRefused(f"{doc.zh}没有字段 {name}。可更正的字段：{known}")
    raw = text.strip()
    if raw.lower() in EMPTY:
        return Entered(None)
    kind = FIELD_KINDS[name]
    if kind in ("date", "end_date"):
        if kind == "end_date" and any(w in raw for w in OPEN_ENDED):
            return Entered(None)
        value = parse_date(raw)
        if value is None:
            raise DecisionRefused(f"{label}“{raw}”不是有效日期：请写成 2026-06-30 或 2026年6月30日。")
        return Entered(value)
    if kind == "amount":
        value = parse_amount(raw)
        if value is None:
            raise DecisionRefused(f"{label}“{raw}”不是金额：请写成 5000000、500万 或 人民币伍佰万元整。")
        return Entered(value)
    if kind == "row":
        figure = parse_figure(raw.replace("元", ""))
        if figure is False or figure is None:
            raise DecisionRefused(f"{label}“{raw}”不是报表金额：请写成 24,152,182.43（负数写成 -1,234.00）。")
        return Entered(yuan(figure))
    if kind == "year":
        value = parse_year(raw)
        if value is None:
            raise DecisionRefused(f"{label}“{raw}”不是年度：请写成 2024。")
        return Entered(value)
    if kind == "months":
        value = int(raw) if raw.isdigit() else parse_months(raw)
        if value is None or value <= 0:
            raise DecisionRefused(f"{label}“{raw}”不是期限：请写成月数，如 12 或 12个月。")
        return Entered(value)
    if kind == "choice":
        options = doc.choices.get(name) or {}
        if raw in options:
            return Entered(raw)
        value = choice(compact(raw), options)
        if value is None:
            listed = "、".join(f"{k}（{'/'.join(v[:1])}）" for k, v in options.items())
            raise DecisionRefused(f"{label}“{raw}”不在可选值中：{listed}")
        return Entered(value)
    if kind in ("uscc", "id_number", "org_code", "taxpayer_id"):
        return _checked(kind, label, raw)
    if kind == "company":
        value = company_name_of(fold(raw)) or raw
        return Entered(unicodedata.normalize("NFC", value))
    if kind == "person":
        return Entered(unicodedata.normalize("NFC", person_name_of(raw) or raw))
    return Entered(unicodedata.normalize("NFC", raw))


def _checked(kind: str, label: str, raw: str) -> Entered:
    code = _code(raw)
    if kind == "org_code" and re.fullmatch(r"[0-9A-Z]{9}", code):
        code = f"{code[:8]}-{code[8]}"
    if kind == "uscc":
        ok = codes.is_valid_uscc(code) if len(code) == 18 else codes.is_valid_registration_no(code)
        shape = len(code) in (15, 18)
    elif kind == "id_number":
        ok, shape = codes.is_valid_id_number(code), len(code) == 18
    elif kind == "org_code":
        ok, shape = codes.is_valid_org_code(code), bool(re.fullmatch(r"[0-9A-Z]{8}-[0-9A-Z]", code))
    else:  # taxpayer_id: 18 (USCC), 15 (region + org code), 20 (ID number + 2)
        ok = (codes.is_valid_uscc(code) if len(code) == 18 else
              code[:6].isdigit() and codes.is_valid_org_code(code[6:]) if len(code) == 15 else
              codes.is_valid_id_number(code[:18]) if len(code) == 20 else False)
        shape = len(code) in (15, 18, 20)
    if not re.fullmatch(r"[0-9A-Z\-]+", code) or not shape:
        raise DecisionRefused(f"{label}“{raw}”格式不对（{len(code)} 位）：请对照原件逐位填写。")
    return Entered(code, None if ok else f"{label}“{code}”校验位不符")
