"""``thresholds.toml``: every threshold and tolerance, in one place, validated at load."""

from __future__ import annotations

import functools
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from .base import Checker, read_toml

DEFAULT_THRESHOLDS = Path(__file__).with_name("thresholds.toml")


@dataclass(frozen=True)
class Classifier:
    """Scores of the document-type classifier (``reading.classify``); see the comments in the file."""

    top_lines: int
    title_top: float
    title_page1: float
    title_later_top: float
    fuzzy_factor: float
    form_code_page1: float
    form_code_later: float
    keyword_cap: float
    min_score: float
    scale: float
    other_max: float


@dataclass(frozen=True)
class CaseBounds:
    """Plausible case values (``dossier case``): an amount above 0 and at most ``max_amount`` yuan, a term
    of ``min_term_months`` to ``max_term_months`` months. Optional table ``[case]``: a company's older
    copy of the file without it gets these defaults."""

    max_amount: float = 10_000_000_000.0
    min_term_months: int = 1
    max_term_months: int = 360


@dataclass(frozen=True)
class Thresholds:
    path: Path
    review_below: float  # a classification, field or OCR confidence below this needs a person
    total_tolerance: float  # yuan: statement totals further apart are unbalanced
    min_text_chars: int  # a PDF page with fewer visible characters in its text layer is a scan
    classifier: Classifier
    case: CaseBounds = CaseBounds()
    expiring_days: int = 90  # documents whose validity ends within this many days are "expiring soon"
    same_name: float = 0.6  # two company names' cores at least this similar: one company, misread


#: (lowest, highest) allowed value of each number, and whether it must be an integer.
_RANGES: dict[str, tuple[float, float, bool]] = {
    "review_below": (0.0, 1.0, False),
    "total_tolerance": (0.0, 1e9, False),
    "min_text_chars": (0, 100_000, True),
    "expiring_days": (1, 3650, True),
    "same_name": (0.0, 1.0, False),
    "top_lines": (1, 100, True),
    "title_top": (0.0, 1000.0, False), "title_page1": (0.0, 1000.0, False),
    "title_later_top": (0.0, 1000.0, False), "fuzzy_factor": (0.0, 1.0, False),
    "form_code_page1": (0.0, 1000.0, False), "form_code_later": (0.0, 1000.0, False),
    "keyword_cap": (0.0, 1000.0, False), "min_score": (0.001, 1000.0, False),
    "scale": (0.001, 1000.0, False), "other_max": (0.0, 1.0, False),
    "max_amount": (1.0, 1e15, False), "min_term_months": (1, 1200, True), "max_term_months": (1, 1200, True),
}
_TOP = ("review_below", "total_tolerance", "min_text_chars")
#: Top-level keys a company's older copy of the file may lack (the defaults of ``Thresholds`` then).
_OPTIONAL = ("expiring_days", "same_name")
_CLASSIFIER = tuple(f.name for f in fields(Classifier))
_CASE = tuple(f.name for f in fields(CaseBounds))


def _number(chk: Checker, raw: dict, key: str, where: str) -> float | int:
    if key not in raw:
        raise chk.fail(where, "缺少此设置")
    value = raw[key]
    lo, hi, integer = _RANGES[key]
    ok = not isinstance(value, bool) and isinstance(value, int if integer else (int, float)) and lo <= value <= hi
    if not ok:
        kind = "整数" if integer else "数字"
        raise chk.fail(where, f"应为 {lo:g} 到 {hi:g} 之间的{kind}，实际为 {value!r}")
    return int(value) if integer else float(value)


def parse_thresholds(path: Path, data: dict[str, Any]) -> Thresholds:
    chk = Checker(path)
    chk.keys(data, {"version", *_TOP, *_OPTIONAL, "classifier", "case"}, "")
    if data.get("version", 1) != 1:
        raise chk.fail("version", f"不支持的版本 {data.get('version')!r}（当前仅支持 1）")
    top = {key: _number(chk, data, key, key) for key in _TOP}
    raw = chk.table(data.get("classifier", {}), "classifier")
    chk.keys(raw, set(_CLASSIFIER), "classifier")
    classifier = Classifier(**{key: _number(chk, raw, key, f"classifier.{key}") for key in _CLASSIFIER})
    raw_case = chk.table(data.get("case", {}), "case")
    chk.keys(raw_case, set(_CASE), "case")
    case = CaseBounds(**{key: _number(chk, raw_case, key, f"case.{key}") for key in _CASE if key in raw_case})
    if case.min_term_months > case.max_term_months:
        raise chk.fail("case.min_term_months", f"不能大于 max_term_months（{case.max_term_months}）")
    optional = {key: _number(chk, data, key, key) for key in _OPTIONAL if key in data}
    return Thresholds(path=path, classifier=classifier, case=case, **top, **optional)


@functools.lru_cache(maxsize=16)
def _load_cached(path: Path, _stamp: tuple[int, int]) -> Thresholds:
    return parse_thresholds(path, read_toml(path))


def file_stamp(path: Path) -> tuple[int, int]:
    """(mtime_ns, size) of a rule file: the cache key that notices an edited file."""
    from ..errors import ConfigError

    try:
        st = path.stat()
    except OSError as exc:
        raise ConfigError(f"{path}: 无法读取规则文件（{exc.strerror or exc}）") from None
    return st.st_mtime_ns, st.st_size


def load_thresholds(path: str | Path | None = None) -> Thresholds:
    """Load and validate a thresholds file (default: the active rules folder's, else the packaged one).

    Cached per path; an edited file (new size or modification time) is read again.
    """
    from .location import rule_file

    path = Path(path) if path is not None else rule_file("thresholds.toml")
    return _load_cached(path.resolve(), file_stamp(path))
