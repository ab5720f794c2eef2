"""Loading and validating ``checklist.toml``: which documents a dossier needs and how each is checked."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from types import MappingProxyType
from typing import Any, Mapping

from .base import Checker, read_toml
from .doctypes import DocTypeRules, load_doctypes
from .location import rule_file, sibling
from .thresholds import file_stamp
from .vocabulary import FIELD_KINDS

DEFAULT_CHECKLIST = Path(__file__).with_name("checklist.toml")
APPLICATION_FORM = "application_form"
CASE_FIELDS = ("product", "amount", "term_months", "application_date", "agent")

@dataclass(frozen=True)
class Item:
    """One entry of checklist.toml (see the comments there)."""

    id: str
    name: str
    short: str
    when: Mapping[str, Any]
    period: str  # once | fiscal_years | latest_due | recent
    years: int
    due: tuple[int, int] | None  # (month, day) of the following year
    date_field: str | None
    months: int
    same_year: bool
    not_expired: str | None
    check_digits: Mapping[str, str]
    match_licence: Mapping[str, str]
    match_case: Mapping[str, str]
    equal_totals: tuple[tuple[str, str], ...]
    parties: tuple[str, ...]


@dataclass(frozen=True)
class Checklist:
    path: Path
    licence: str
    review_below: float
    tolerance: float
    identity_fields: tuple[str, ...]
    name_fields: tuple[str, ...]
    items: tuple[Item, ...]

    def __getitem__(self, item_id: str) -> Item:
        for item in self.items:
            if item.id == item_id:
                return item
        raise KeyError(item_id)

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(item.id for item in self.items)

_TOP_KEYS = {"version", "licence", "identity_fields", "name_fields", "item"}
_MOVED = ("review_below", "tolerance")  # now in thresholds.toml (one place for every threshold)
_ITEM_KEYS = {"id", "name", "short", "when", "period", "years", "due", "date_field", "months", "same_year",
              "not_expired", "check_digits", "match_licence", "match_case", "equal_totals", "parties"}
_WHEN_KEYS = {"term_months_over", "products", "agent", "company_type_any", "company_type_none",
              "licence_without_uscc"}
_PERIODS = ("once", "fiscal_years", "latest_due", "recent")
_PERIOD_KEYS = {"years": "fiscal_years", "due": "latest_due", "date_field": "recent", "months": "recent",
                "same_year": "recent"}
_DIGIT_KINDS = ("credit_code", "uscc", "id_number", "org_code", "taxpayer_id")
_LICENCE_FIELDS = ("credit_code", "company_name")


def _int(chk: Checker, value: Any, where: str, lo: int, hi: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not lo <= value <= hi:
        raise chk.fail(where, f"应为 {lo} 到 {hi} 之间的整数，实际为 {value!r}")
    return value


def _bool(chk: Checker, value: Any, where: str) -> bool:
    if not isinstance(value, bool):
        raise chk.fail(where, f"应为 true 或 false，实际为 {value!r}")
    return value


def _doc_field(chk: Checker, doctypes: DocTypeRules, doc_type: str, name: Any, where: str,
               kinds: tuple[str, ...] | None = None) -> str:
    name = chk.text(name, where)
    fields = doctypes[doc_type].fields
    if name not in fields:
        raise chk.fail(where, f"“{name}”不是 {doc_type} 的字段（可用：{'、'.join(fields) or '无'}）")
    if kinds is not None and FIELD_KINDS[name] not in kinds:
        raise chk.fail(where, f"字段“{name}”的类型不适用于此处（应为 {'、'.join(kinds)} 类字段）")
    return name


def _parse_when(chk: Checker, raw: Any, where: str, products: tuple[str, ...]) -> Mapping[str, Any]:
    raw = chk.table(raw, where)
    chk.keys(raw, _WHEN_KEYS, where)
    out: dict[str, Any] = {}
    for key, value in raw.items():
        at = f"{where}.{key}"
        if key == "term_months_over":
            out[key] = _int(chk, value, at, 0, 600)
        elif key == "products":
            items = chk.texts(value, at)
            if not items:
                raise chk.fail(at, "至少需要一个担保品种")
            for i, product in enumerate(items):
                if products and product not in products:
                    raise chk.fail(f"{at}[{i}]", f"未知的担保品种“{product}”（可用：{'、'.join(products)}）")
            out[key] = frozenset(items)
        elif key in ("company_type_any", "company_type_none"):
            items = chk.texts(value, at)
            if not items:
                raise chk.fail(at, "至少需要一个词")
            out[key] = items
        else:  # agent, licence_without_uscc
            out[key] = _bool(chk, value, at)
    return MappingProxyType(out)


def _parse_item(chk: Checker, raw: Any, index: int, doctypes: DocTypeRules, licence: str) -> Item:
    where = f"item[{index}]"
    raw = chk.table(raw, where)
    if "id" not in raw:
        raise chk.fail(where, "缺少 id")
    item_id = chk.text(raw["id"], f"{where}.id")
    if item_id not in doctypes or item_id == "other":
        known = "、".join(i for i in doctypes.ids if i != "other")
        raise chk.fail(f"{where}.id", f"“{item_id}”不是 doctypes.toml 中的文档类型（可用：{known}）")
    where = f"[{item_id}]"
    chk.keys(raw, _ITEM_KEYS, where)
    doc = doctypes[item_id]
    name = chk.text(raw["name"], f"{where}.name") if "name" in raw else doc.file_name
    short = chk.text(raw["short"], f"{where}.short") if "short" in raw else name

    period = chk.text(raw.get("period", "once"), f"{where}.period")
    if period not in _PERIODS:
        raise chk.fail(f"{where}.period", f"未知的期间“{period}”（可用：{'、'.join(_PERIODS)}）")
    for key, owner in _PERIOD_KEYS.items():
        if key in raw and period != owner:
            raise chk.fail(f"{where}.{key}", f"只能用于 period = \"{owner}\"")
    if period in ("fiscal_years", "latest_due") and "year" not in doc.fields:
        raise chk.fail(f"{where}.period", f"{item_id} 没有 year 字段，不能按年度核查")
    years = _int(chk, raw.get("years", 3), f"{where}.years", 1, 20)
    due = None
    if period == "latest_due":
        if "due" not in raw:
            raise chk.fail(where, "period = \"latest_due\" 需要 due（次年公示截止的 月-日，如 \"06-30\"）")
        text = chk.text(raw["due"], f"{where}.due")
        m = re.fullmatch(r"(\d{2})-(\d{2})", text)
        try:
            if not m:
                raise ValueError
            date(2001, int(m[1]), int(m[2]))  # a non-leap year: 02-29 is not a deadline every year
        except ValueError:
            raise chk.fail(f"{where}.due", f"“{text}”不是有效的 月-日（如 \"06-30\"）") from None
        due = (int(m[1]), int(m[2]))
    date_field = None
    if period == "recent":
        if "date_field" not in raw:
            raise chk.fail(where, "period = \"recent\" 需要 date_field")
        date_field = _doc_field(chk, doctypes, item_id, raw["date_field"], f"{where}.date_field", ("date",))
    months = _int(chk, raw.get("months", 2), f"{where}.months", 0, 120)
    same_year = _bool(chk, raw.get("same_year", False), f"{where}.same_year")

    not_expired = None
    if "not_expired" in raw:
        not_expired = _doc_field(chk, doctypes, item_id, raw["not_expired"], f"{where}.not_expired",
                                 ("end_date", "date"))
    check_digits = {}
    for fname, kind in chk.table(raw.get("check_digits", {}), f"{where}.check_digits").items():
        at = f"{where}.check_digits.{fname}"
        _doc_field(chk, doctypes, item_id, fname, at)
        kind = chk.text(kind, at)
        if kind not in _DIGIT_KINDS:
            raise chk.fail(at, f"未知的校验方式“{kind}”（可用：{'、'.join(_DIGIT_KINDS)}）")
        check_digits[fname] = kind
    match_licence = {}
    for fname, lfield in chk.table(raw.get("match_licence", {}), f"{where}.match_licence").items():
        at = f"{where}.match_licence.{fname}"
        _doc_field(chk, doctypes, item_id, fname, at)
        match_licence[fname] = _doc_field(chk, doctypes, licence, lfield, at)
    match_case = {}
    for fname, cfield in chk.table(raw.get("match_case", {}), f"{where}.match_case").items():
        at = f"{where}.match_case.{fname}"
        _doc_field(chk, doctypes, item_id, fname, at)
        cfield = chk.text(cfield, at)
        if cfield not in CASE_FIELDS:
            raise chk.fail(at, f"未知的业务信息“{cfield}”（可用：{'、'.join(CASE_FIELDS)}）")
        match_case[fname] = cfield
    equal_totals = []
    raw_totals = raw.get("equal_totals", [])
    if not isinstance(raw_totals, list):
        raise chk.fail(f"{where}.equal_totals", "应为数组，如 [[\"total_assets\", \"total_liabilities_and_equity\"]]")
    for i, pair in enumerate(raw_totals):
        at = f"{where}.equal_totals[{i}]"
        if not isinstance(pair, list) or len(pair) != 2:
            raise chk.fail(at, "应为两个字段名组成的数组，如 [\"total_assets\", \"total_liabilities_and_equity\"]")
        left = _doc_field(chk, doctypes, item_id, pair[0], f"{at}[0]", ("row", "amount"))
        right = _doc_field(chk, doctypes, item_id, pair[1], f"{at}[1]", ("row", "amount"))
        equal_totals.append((left, right))
    parties = tuple(_doc_field(chk, doctypes, item_id, p, f"{where}.parties[{i}]", ("company",))
                    for i, p in enumerate(chk.texts(raw.get("parties", []), f"{where}.parties")))

    products = tuple(doctypes[APPLICATION_FORM].choices.get("product", {})) if APPLICATION_FORM in doctypes else ()
    when = _parse_when(chk, raw.get("when", {}), f"{where}.when", products)
    return Item(id=item_id, name=name, short=short, when=when, period=period, years=years, due=due,
                date_field=date_field, months=months, same_year=same_year, not_expired=not_expired,
                check_digits=MappingProxyType(check_digits), match_licence=MappingProxyType(match_licence),
                match_case=MappingProxyType(match_case), equal_totals=tuple(equal_totals), parties=parties)


def _parse(path: Path, data: dict, doctypes: DocTypeRules) -> Checklist:
    chk = Checker(path)
    for key in _MOVED:
        if key in data:
            raise chk.fail(key, "此设置已移至 thresholds.toml（review_below、total_tolerance），请从本文件删除")
    chk.keys(data, _TOP_KEYS, "")
    version = data.get("version", 1)
    if version != 1:
        raise chk.fail("version", f"不支持的版本 {version!r}（当前仅支持 1）")
    licence = chk.text(data.get("licence", "business_licence"), "licence")
    if licence not in doctypes:
        raise chk.fail("licence", f"“{licence}”不是 doctypes.toml 中的文档类型")
    for name in _LICENCE_FIELDS:
        if name not in doctypes[licence].fields:
            raise chk.fail("licence", f"{licence} 没有字段“{name}”，不能作为比对基准")
    field_lists = {}
    for key in ("identity_fields", "name_fields"):
        names = chk.texts(data.get(key, []), key)
        for i, name in enumerate(names):
            chk.field_name(name, f"{key}[{i}]")
        field_lists[key] = names
    raw_items = data.get("item")
    if not isinstance(raw_items, list) or not raw_items:
        raise chk.fail("item", "至少需要一个 [[item]] 表")
    items: list[Item] = []
    seen: set[str] = set()
    for index, raw in enumerate(raw_items):
        item = _parse_item(chk, raw, index, doctypes, licence)
        if item.id in seen:
            raise chk.fail(f"item[{index}].id", f"清单项“{item.id}”重复（已在前面定义）")
        seen.add(item.id)
        items.append(item)
    return Checklist(path=path, licence=licence, review_below=doctypes.thresholds.review_below,
                     tolerance=doctypes.thresholds.total_tolerance,
                     identity_fields=field_lists["identity_fields"], name_fields=field_lists["name_fields"],
                     items=tuple(items))


#: (path, stamp) -> (the doctypes it was checked against, the checklist); a doctypes or thresholds
#: file edited since gives a new doctypes object, hence a fresh parse.
_CACHE: dict[tuple[Path, tuple[int, int]], tuple[DocTypeRules, Checklist]] = {}


def _load_cached(path: Path, stamp: tuple[int, int], doctypes: DocTypeRules) -> Checklist:
    hit = _CACHE.get((path, stamp))
    if hit is not None and hit[0] is doctypes:
        return hit[1]
    checklist = _parse(path, read_toml(path), doctypes)
    if len(_CACHE) >= 16:
        _CACHE.clear()
    _CACHE[(path, stamp)] = (doctypes, checklist)
    return checklist


def load_checklist(path: str | Path | None = None) -> Checklist:
    """Load and validate a checklist rule file (default: the active rules folder's, else the packaged
    checklist.toml). Item ids and field names are checked against the doctypes.toml beside it (else
    the active/packaged one); review_below and tolerance come from thresholds.toml.

    Cached per path; an edited file (new size or modification time) is read again.
    """
    path = Path(path) if path is not None else rule_file("checklist.toml")
    doctypes = load_doctypes(sibling(path, "doctypes.toml"), sibling(path, "thresholds.toml"))
    return _load_cached(path.resolve(), file_stamp(path), doctypes)
