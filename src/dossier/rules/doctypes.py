"""``doctypes.toml``: document types, their titles and keywords, and the fields to extract."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any, Mapping

from .base import Checker, read_toml
from .location import rule_file, sibling
from .thresholds import Thresholds, file_stamp, load_thresholds
from .vocabulary import FIELD_KINDS, Weighted

DEFAULT_DOCTYPES = Path(__file__).with_name("doctypes.toml")


_ID = re.compile(r"[a-z][a-z0-9_]*")
_TOP_KEYS = {"version", "stop_labels", "current_columns", "prior_columns", "sources", "labels", "title_suffixes",
             "doctype"}
_TYPE_KEYS = {"id", "zh", "file_name", "supersede_by", "titles", "form_codes", "keywords", "anti_keywords", "fields",
              "optional", "labels", "patterns", "rows", "columns", "sources", "multi_year", "choices"}
#: Where a field's value is looked for, in this order unless the rule file says otherwise.
SOURCES = ("rows", "columns", "labels", "patterns", "fallback")




@dataclass(frozen=True)
class DocType:
    """One document type of the rule file (see the comments in doctypes.toml)."""

    id: str
    zh: str
    titles: tuple[str, ...]
    form_codes: tuple[str, ...]
    keywords: tuple[Weighted, ...]
    anti_keywords: tuple[Weighted, ...]
    fields: tuple[str, ...]
    optional: frozenset[str]
    file_name: str  # archive name stem, e.g. 资产负债表 -> documents/资产负债表_2024.pdf
    supersede_by: tuple[str, ...] | None  # None: many may coexist; else a newer one with equal values replaces
    labels: Mapping[str, tuple[str, ...]]
    patterns: Mapping[str, tuple[re.Pattern, ...]]
    rows: Mapping[str, tuple[str, ...]]
    choices: Mapping[str, Mapping[str, tuple[str, ...]]]
    columns: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # field -> table column headers
    sources: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # field -> order of SOURCES
    multi_year: bool = False  # may cover several fiscal years: the record lists them in ``years``

    def sources_of(self, name: str, default: tuple[str, ...] = SOURCES) -> tuple[str, ...]:
        return self.sources.get(name, default)


@dataclass(frozen=True)
class DocTypeRules:
    """The whole rule file: document types in file order plus shared vocabularies."""

    path: Path
    types: Mapping[str, DocType]
    stop_labels: tuple[str, ...]
    current_columns: tuple[str, ...]
    prior_columns: tuple[str, ...]
    thresholds: Thresholds  # thresholds.toml beside this file, else the active/packaged one
    sources: tuple[str, ...] = SOURCES  # default order in which a field's value is looked for
    title_suffixes: tuple[str, ...] = ()  # generic last words of titles (a title's stem counts too)

    def __getitem__(self, doc_type: str) -> DocType:
        return self.types[doc_type]

    def __contains__(self, doc_type: object) -> bool:
        return doc_type in self.types

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(self.types)



def _parse_type(chk: Checker, raw: Any, index: int, shared: Mapping[str, tuple[str, ...]]) -> DocType:
    where = f"doctype[{index}]"
    raw = chk.table(raw, where)
    if "id" in raw:
        doc_id = chk.text(raw["id"], f"{where}.id")
        if not _ID.fullmatch(doc_id):
            raise chk.fail(f"{where}.id", f"“{doc_id}”不是合法的类型 id（小写字母开头，仅含小写字母、数字和下划线）")
        where = f"[{doc_id}]"
    else:
        raise chk.fail(where, "缺少 id")
    chk.keys(raw, _TYPE_KEYS, where)
    for required in ("zh", "fields"):
        if required not in raw:
            raise chk.fail(where, f"缺少 {required}")
    zh = chk.text(raw["zh"], f"{where}.zh")
    fields = chk.texts(raw["fields"], f"{where}.fields")
    seen: set[str] = set()
    for i, name in enumerate(fields):
        chk.field_name(name, f"{where}.fields[{i}]")
        if name in seen:
            raise chk.fail(f"{where}.fields[{i}]", f"字段“{name}”重复")
        seen.add(name)
    optional = chk.texts(raw.get("optional", []), f"{where}.optional")
    for i, name in enumerate(optional):
        chk.field_name(name, f"{where}.optional[{i}]", fields)

    labels: dict[str, tuple[str, ...]] = {}
    for name, value in chk.table(raw.get("labels", {}), f"{where}.labels").items():
        at = f"{where}.labels.{name}"
        chk.field_name(name, at, fields)
        labels[name] = chk.texts(value, at)
    for name, common in shared.items():  # the labels every type shares, after the type's own
        if name in fields:
            labels[name] = tuple(dict.fromkeys(labels.get(name, ()) + common))

    patterns: dict[str, tuple[re.Pattern, ...]] = {}
    for name, value in chk.table(raw.get("patterns", {}), f"{where}.patterns").items():
        at = f"{where}.patterns.{name}"
        chk.field_name(name, at, fields)
        compiled = []
        for i, text in enumerate(chk.texts(value, at)):
            try:
                rx = re.compile(text)
            except re.error as exc:
                raise chk.fail(f"{at}[{i}]", f"正则表达式无效：{exc}") from None
            if "value" not in rx.groupindex and rx.groups < 1:
                raise chk.fail(f"{at}[{i}]", "正则表达式需要一个捕获组（最好命名为 (?P<value>…)）")
            compiled.append(rx)
        patterns[name] = tuple(compiled)

    rows: dict[str, tuple[str, ...]] = {}
    for name, value in chk.table(raw.get("rows", {}), f"{where}.rows").items():
        at = f"{where}.rows.{name}"
        chk.field_name(name, at, fields)
        if FIELD_KINDS[name] != "row":
            raise chk.fail(at, f"字段“{name}”不是报表行项目，不能写在 rows 中")
        rows[name] = chk.texts(value, at)

    columns: dict[str, tuple[str, ...]] = {}
    for name, value in chk.table(raw.get("columns", {}), f"{where}.columns").items():
        at = f"{where}.columns.{name}"
        chk.field_name(name, at, fields)
        columns[name] = chk.texts(value, at)
    sources: dict[str, tuple[str, ...]] = {}
    for name, value in chk.table(raw.get("sources", {}), f"{where}.sources").items():
        at = f"{where}.sources.{name}"
        chk.field_name(name, at, fields)
        sources[name] = _sources(chk, value, at)
    multi_year = raw.get("multi_year", False)
    if not isinstance(multi_year, bool):
        raise chk.fail(f"{where}.multi_year", "应为 true 或 false")
    if multi_year and "year" not in fields:
        raise chk.fail(f"{where}.multi_year", "只有含 year 字段的类型才能设置 multi_year")

    choices: dict[str, Mapping[str, tuple[str, ...]]] = {}
    for name, value in chk.table(raw.get("choices", {}), f"{where}.choices").items():
        at = f"{where}.choices.{name}"
        chk.field_name(name, at, fields)
        if FIELD_KINDS[name] != "choice":
            raise chk.fail(at, f"字段“{name}”不是枚举字段，不能写在 choices 中")
        options = chk.table(value, at)
        if not options:
            raise chk.fail(at, "至少需要一个取值")
        parsed = {}
        for option, phrases in options.items():
            if not _ID.fullmatch(option):
                raise chk.fail(f"{at}.{option}", f"“{option}”不是合法的取值（小写字母、数字和下划线）")
            parsed[option] = chk.texts(phrases, f"{at}.{option}")
        choices[name] = MappingProxyType(parsed)
    for name in fields:
        kind = FIELD_KINDS[name]
        if kind == "row" and name not in rows:
            raise chk.fail(f"{where}.rows", f"缺少字段“{name}”的行项目名称")
        if kind == "choice" and name not in choices:
            raise chk.fail(f"{where}.choices", f"缺少字段“{name}”的取值表")

    file_name = chk.text(raw["file_name"], f"{where}.file_name") if "file_name" in raw else zh.split("/")[0]
    if not file_name or any(c in file_name for c in '/\\:*?"<>|'):
        raise chk.fail(f"{where}.file_name", f"“{file_name}”不能用作文件名（不能为空或含 / \\ : * ? \" < > |）")
    supersede_by = None
    if "supersede_by" in raw:
        supersede_by = chk.texts(raw["supersede_by"], f"{where}.supersede_by")
        for i, name in enumerate(supersede_by):
            chk.field_name(name, f"{where}.supersede_by[{i}]", fields)

    return DocType(
        id=doc_id,
        zh=zh,
        file_name=file_name,
        supersede_by=supersede_by,
        titles=chk.texts(raw.get("titles", []), f"{where}.titles"),
        form_codes=chk.texts(raw.get("form_codes", []), f"{where}.form_codes"),
        keywords=chk.weighted(raw.get("keywords", []), f"{where}.keywords"),
        anti_keywords=chk.weighted(raw.get("anti_keywords", []), f"{where}.anti_keywords"),
        fields=fields,
        optional=frozenset(optional),
        labels=MappingProxyType(labels),
        patterns=MappingProxyType(patterns),
        rows=MappingProxyType(rows),
        choices=MappingProxyType(choices),
        columns=MappingProxyType(columns),
        sources=MappingProxyType(sources),
        multi_year=multi_year,
    )


def _sources(chk: Checker, value: Any, at: str) -> tuple[str, ...]:
    names = chk.texts(value, at)
    for i, name in enumerate(names):
        if name not in SOURCES:
            raise chk.fail(f"{at}[{i}]", f"“{name}”不是取值来源（可用：{'、'.join(SOURCES)}）")
    if len(set(names)) != len(names):
        raise chk.fail(at, "取值来源重复")
    return names


def _parse(path: Path, data: dict, thresholds: Thresholds) -> DocTypeRules:
    chk = Checker(path)
    chk.keys(data, _TOP_KEYS, "")
    version = data.get("version", 1)
    if version != 1:
        raise chk.fail("version", f"不支持的版本 {version!r}（当前仅支持 1）")
    raw_types = data.get("doctype")
    if not isinstance(raw_types, list) or not raw_types:
        raise chk.fail("doctype", "至少需要一个 [[doctype]] 表")
    default_sources = _sources(chk, data["sources"], "sources") if "sources" in data else SOURCES
    shared: dict[str, tuple[str, ...]] = {}
    for name, value in chk.table(data.get("labels", {}), "labels").items():
        chk.field_name(name, f"labels.{name}")
        shared[name] = chk.texts(value, f"labels.{name}")
    types: dict[str, DocType] = {}
    for index, raw in enumerate(raw_types):
        doc = _parse_type(chk, raw, index, shared)
        if doc.id in types:
            raise chk.fail(f"doctype[{index}].id", f"类型 id“{doc.id}”重复（已在前面定义）")
        types[doc.id] = doc
    if "other" not in types:
        raise chk.fail("doctype", "必须定义 id = \"other\" 的类型（无法识别的文件归入此类）")
    return DocTypeRules(
        path=path,
        types=MappingProxyType(types),
        stop_labels=chk.texts(data.get("stop_labels", []), "stop_labels"),
        current_columns=chk.texts(data.get("current_columns", []), "current_columns"),
        prior_columns=chk.texts(data.get("prior_columns", []), "prior_columns"),
        thresholds=thresholds,
        sources=default_sources,
        title_suffixes=chk.texts(data.get("title_suffixes", []), "title_suffixes"),
    )



@functools.lru_cache(maxsize=16)
def _load_cached(path: Path, _stamp: tuple[int, int], thresholds: Thresholds) -> DocTypeRules:
    return _parse(path, read_toml(path), thresholds)


def load_doctypes(path: str | Path | None = None, thresholds: str | Path | None = None) -> DocTypeRules:
    """Load and validate a document-type rule file (default: the active rules folder's, else the
    packaged doctypes.toml), with the thresholds.toml beside it (else the active/packaged one).

    Cached per path; an edited file (new size or modification time) is read again.
    """
    path = Path(path) if path is not None else rule_file("doctypes.toml")
    limits = load_thresholds(thresholds if thresholds is not None else sibling(path, "thresholds.toml"))
    return _load_cached(path.resolve(), file_stamp(path), limits)
