"""``warnings.toml``: the early-warning rules and the due-date rules, validated at load.

Each rule names what it watches (``kind`` and its keys), its level (关注/预警), the article it serves,
a message with placeholders and the source of its threshold. Evaluated by ``dossier.checks.monitor``.
"""

from __future__ import annotations

import functools
import re
import string
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .base import Checker, kind_of, read_toml
from .vocabulary import FIELD_KINDS

DEFAULT_WARNINGS = Path(__file__).with_name("warnings.toml")

LEVELS = ("关注", "预警")
#: The ratios and indicators dossier computes (``dossier.checks.finance``), and the statement rows.
RATIO_NAMES = ("debt_ratio", "current_ratio", "quick_ratio", "revenue_growth", "net_margin", "roe",
               "operating_cash_flow", "interest_coverage")
INDICATOR_NAMES = ("tax_paid_growth",)
ROW_NAMES = tuple(name for name, kind in FIELD_KINDS.items() if kind == "row")
OPINIONS = ("standard", "emphasis", "qualified", "adverse", "disclaimer")
LICENCE_FIELDS = {"legal_rep": ("changed",), "address": ("changed",), "company_name": ("changed",),
                  "company_type": ("changed",), "registered_capital": ("changed", "lower")}
_COMMON = {"id", "kind", "level", "article", "message", "source"}
_KIND_KEYS = {
    "threshold": {"measure", "above", "below", "consecutive"},
    "opinion": {"opinions"},
    "licence_change": {"field", "change"},
    "withheld": {"days"},
}
#: Placeholders a message of each kind may use.
_PLACEHOLDERS = {
    "threshold": {"year", "value", "threshold", "count"},
    "opinion": {"year", "value"},
    "licence_change": {"old", "new", "year"},
    "withheld": {"name", "days", "threshold"},
}
_MONTH_DAY = re.compile(r"^(\d{2})-(\d{2})$")


@dataclass(frozen=True)
class Rule:
    id: str
    kind: str
    level: str
    article: str
    message: str
    source: str
    measure: str | None = None
    above: float | None = None
    below: float | None = None
    consecutive: int = 1
    opinions: tuple[str, ...] = ()
    field: str | None = None
    change: str | None = None
    days: int | None = None

    @property
    def threshold(self) -> float | int | None:
        if self.kind == "threshold":
            return self.above if self.above is not None else self.below
        return self.days if self.kind == "withheld" else None


@dataclass(frozen=True)
class Due:
    statements: tuple[int, int]  # (month, day) by which last fiscal year's statements are due
    within_days: int


@dataclass(frozen=True)
class WarningRules:
    path: Path
    rules: tuple[Rule, ...]
    due: Due

    def __iter__(self):
        return iter(self.rules)

    def __getitem__(self, rule_id: str) -> Rule:
        for rule in self.rules:
            if rule.id == rule_id:
                return rule
        raise KeyError(rule_id)


def _month_day(chk: Checker, value: Any, where: str) -> tuple[int, int]:
    m = _MONTH_DAY.match(value) if isinstance(value, str) else None
    if not m or not (1 <= int(m[1]) <= 12 and 1 <= int(m[2]) <= 31):
        raise chk.fail(where, f"应为 \"月-日\"，例如 \"06-30\"，实际为 {value!r}")
    month, day = int(m[1]), int(m[2])
    if day > (29 if month == 2 else 30 if month in (4, 6, 9, 11) else 31):
        raise chk.fail(where, f"{month} 月没有 {day} 日")
    return month, day


def _number(chk: Checker, value: Any, where: str, integer: bool = False, lo: float = -1e15,
            hi: float = 1e15) -> float | int:
    kinds = (int,) if integer else (int, float)
    if isinstance(value, bool) or not isinstance(value, kinds) or not lo <= value <= hi:
        what = "整数" if integer else "数字"
        raise chk.fail(where, f"应为 {lo:g} 到 {hi:g} 之间的{what}，实际为{kind_of(value)} {value!r}")
    return int(value) if integer else float(value)


def _message(chk: Checker, text: str, kind: str, where: str) -> str:
    try:
        names = {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}
    except ValueError as exc:
        raise chk.fail(where, f"占位符写法有误（{exc}）；花括号须成对，如 {{value}}") from None
    allowed = _PLACEHOLDERS[kind]
    for name in sorted(names):
        if name not in allowed:
            raise chk.fail(where, f"未知的占位符 {{{name}}}（此类规则可用：{'、'.join(sorted(allowed))}）")
    return text


def _rule(chk: Checker, raw: Any, where: str) -> Rule:
    raw = chk.table(raw, where)
    for key in ("id", "kind", "level", "article", "message", "source"):
        if key not in raw:
            raise chk.fail(where, f"缺少 {key}")
    rule_id = chk.text(raw["id"], f"{where}.id")
    if not re.fullmatch(r"[a-z][a-z0-9_]{1,60}", rule_id):
        raise chk.fail(f"{where}.id", f"应为英文小写字母、数字和下划线，实际为 {rule_id!r}")
    kind = chk.text(raw["kind"], f"{where}.kind")
    if kind not in _KIND_KEYS:
        raise chk.fail(f"{where}.kind", f"未知的规则种类“{kind}”（可用：{'、'.join(_KIND_KEYS)}）")
    chk.keys(raw, _COMMON | _KIND_KEYS[kind], where)
    level = chk.text(raw["level"], f"{where}.level")
    if level not in LEVELS:
        raise chk.fail(f"{where}.level", f"应为 {' 或 '.join(LEVELS)}，实际为 {level!r}")
    values: dict[str, Any] = {
        "id": rule_id, "kind": kind, "level": level,
        "article": chk.text(raw["article"], f"{where}.article"),
        "message": _message(chk, chk.text(raw["message"], f"{where}.message"), kind, f"{where}.message"),
        "source": chk.text(raw["source"], f"{where}.source"),
    }
    if kind == "threshold":
        if "measure" not in raw:
            raise chk.fail(where, "缺少 measure")
        measure = chk.text(raw["measure"], f"{where}.measure")
        known = (*RATIO_NAMES, *INDICATOR_NAMES, *ROW_NAMES)
        if measure not in known:
            raise chk.fail(f"{where}.measure", f"未知的指标“{measure}”（可用：{'、'.join(known)}）")
        if ("above" in raw) == ("below" in raw):
            raise chk.fail(where, "above 和 below 须写且只写一个")
        side = "above" if "above" in raw else "below"
        values.update(measure=measure, **{side: _number(chk, raw[side], f"{where}.{side}")},
                      consecutive=_number(chk, raw.get("consecutive", 1), f"{where}.consecutive", True, 1, 10))
    elif kind == "opinion":
        if "opinions" not in raw:
            raise chk.fail(where, "缺少 opinions")
        opinions = chk.texts(raw["opinions"], f"{where}.opinions")
        for i, opinion in enumerate(opinions):
            if opinion not in OPINIONS:
                raise chk.fail(f"{where}.opinions[{i}]", f"未知的审计意见“{opinion}”（可用：{'、'.join(OPINIONS)}）")
        if not opinions:
            raise chk.fail(f"{where}.opinions", "不能为空")
        values["opinions"] = opinions
    elif kind == "licence_change":
        for key in ("field", "change"):
            if key not in raw:
                raise chk.fail(where, f"缺少 {key}")
        field = chk.text(raw["field"], f"{where}.field")
        if field not in LICENCE_FIELDS:
            raise chk.fail(f"{where}.field", f"未知的营业执照字段“{field}”（可用：{'、'.join(LICENCE_FIELDS)}）")
        change = chk.text(raw["change"], f"{where}.change")
        if change not in LICENCE_FIELDS[field]:
            raise chk.fail(f"{where}.change", f"字段 {field} 可用的变化：{'、'.join(LICENCE_FIELDS[field])}，实际为 {change!r}")
        values.update(field=field, change=change)
    else:  # withheld
        if "days" not in raw:
            raise chk.fail(where, "缺少 days")
        values["days"] = _number(chk, raw["days"], f"{where}.days", True, 1, 3650)
    return Rule(**values)


def parse_warnings(path: Path, data: dict[str, Any]) -> WarningRules:
    chk = Checker(path)
    chk.keys(data, {"version", "due", "rule"}, "")
    if data.get("version", 1) != 1:
        raise chk.fail("version", f"不支持的版本 {data.get('version')!r}（当前仅支持 1）")
    raw_due = chk.table(data.get("due", {}), "due")
    chk.keys(raw_due, {"statements", "within_days"}, "due")
    due = Due(statements=_month_day(chk, raw_due.get("statements", "05-31"), "due.statements"),
              within_days=_number(chk, raw_due.get("within_days", 90), "due.within_days", True, 1, 3650))
    raw_rules = data.get("rule", [])
    if not isinstance(raw_rules, list):
        raise chk.fail("rule", f"应为 [[rule]] 表数组，实际为{kind_of(raw_rules)}")
    rules, seen = [], set()
    for i, raw in enumerate(raw_rules):
        rule = _rule(chk, raw, f"rule[{i}]")
        if rule.id in seen:
            raise chk.fail(f"rule[{i}].id", f"规则编号“{rule.id}”重复")
        seen.add(rule.id)
        rules.append(rule)
    return WarningRules(path=path, rules=tuple(rules), due=due)


@functools.lru_cache(maxsize=16)
def _load_cached(path: Path, _stamp: tuple[int, int]) -> WarningRules:
    return parse_warnings(path, read_toml(path))


def load_warnings(path: str | Path | None = None) -> WarningRules:
    """Load and validate a warnings file (default: the active rules folder's, else the packaged one).
    Cached per path; an edited file is read again."""
    from .location import rule_file
    from .thresholds import file_stamp

    path = Path(path) if path is not None else rule_file("warnings.toml")
    return _load_cached(path.resolve(), file_stamp(path))
