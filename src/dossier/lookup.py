"""What people type, resolved: clients by a forgiving name, vocabulary by id or Chinese name, versions.

One library module the shells (CLI, web) share, so every command accepts the same things and
refuses the rest with the same Chinese message:

- :func:`resolve_client` a client by its id, company name, credit code or inbox folder; else by a
  unique prefix, else by a unique substring of a name or folder; an ambiguous query lists the
  candidates, a miss suggests at most three close names (never the whole client list).
- :func:`products`, :func:`doc_types`, :func:`statuses` the vocabularies whose ids are a contract,
  accepting an id or any of its Chinese names (from ``rules/*.toml``: the ``zh`` names, file names,
  the product choices of the application form; the checklist's status names).
- :func:`resolve_version` ``1``, ``v1``, ``V1`` or ``第1版`` as the version name ``v1``.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Protocol

from dossier.errors import ClientNotFound, DossierError, UsageError

#: At most this many candidates are named when a query fits several clients.
MAX_CANDIDATES = 8
#: At most this many close names are suggested for a query that fits no client.
MAX_SUGGESTIONS = 3
#: difflib ratio below which a name is too far from the query to be suggested.
SUGGEST_CUTOFF = 0.5
HOW = "可用档案编号、公司名称、收件文件夹名、统一社会信用代码，或名称中的一部分"


def _norm(text: str) -> str:
    return unicodedata.normalize("NFC", text).strip().casefold()


class ClientIndex(Protocol):
    def client_keys(self) -> list[dict]: ...


@dataclass(frozen=True)
class _Client:
    client: str
    name: str
    credit_code: str
    names: tuple[str, ...]  # id, company name, folders (normalised), what prefixes and substrings match

    @property
    def label(self) -> str:
        return f"{self.client}（{self.name}）" if self.name and self.name != self.client else self.client


def _clients(index: ClientIndex) -> list[_Client]:
    out = []
    for row in index.client_keys():
        names = dict.fromkeys(_norm(n) for n in (row["client"], row.get("name") or "", *(row.get("folders") or []))
                              if n and n.strip())
        out.append(_Client(row["client"], row.get("name") or "", (row.get("credit_code") or "").upper(),
                           tuple(names)))
    return out


def resolve_client(index: ClientIndex, query: str, also_exists=None) -> str:
    """The one client ``query`` names (its id), or ClientNotFound with a Chinese message.

    Exact id, company name, credit code (any case) or inbox folder first; then a unique prefix,
    then a unique substring of an id, name or folder. ``also_exists(query)`` (e.g. ``Archive.exists``)
    accepts an archive object the catalog does not know yet.
    """
    q = _norm(query or "")
    if not q:
        raise ClientNotFound(f"请给出客户（{HOW}）。")
    clients = _clients(index)
    exact = [c for c in clients if q in c.names or (c.credit_code and c.credit_code == q.upper())]
    if not exact and also_exists is not None and _exists(also_exists, query.strip()):
        return query.strip()
    for found in (exact, [c for c in clients if any(n.startswith(q) for n in c.names)],
                  [c for c in clients if any(q in n for n in c.names)]):
        if len(found) == 1:
            return found[0].client
        if len(found) > 1:
            shown = "、".join(c.label for c in found[:MAX_CANDIDATES])
            more = f" 等 {len(found)} 个" if len(found) > MAX_CANDIDATES else ""
            raise ClientNotFound(f"“{query.strip()}”对应多个客户：{shown}{more}。请写得更完整些，或改用档案编号、"
                                 "统一社会信用代码。")
    close = suggest(q, clients)
    hint = f"您是否要找 {'、'.join(close)}？" if close else "全部客户见 `dossier list`。"
    raise ClientNotFound(f"找不到客户“{query.strip()}”。{hint}（{HOW}。）")


def _exists(also_exists, name: str) -> bool:
    try:
        return bool(also_exists(name))
    except DossierError:  # not even a possible id (``../x``): just no such client
        return False


def suggest(query: str, clients: Iterable[_Client], n: int = MAX_SUGGESTIONS) -> list[str]:
    """The ids of at most ``n`` clients whose id, name or folder is closest to ``query`` (difflib)."""
    q = _norm(query)
    best: dict[str, float] = {}
    for c in clients:
        for name in c.names:
            ratio = difflib.SequenceMatcher(None, q, name).ratio()
            if ratio >= SUGGEST_CUTOFF and ratio > best.get(c.client, 0.0):
                best[c.client] = ratio
    return [cid for cid, _ in sorted(best.items(), key=lambda kv: (-kv[1], kv[0]))[:n]]


# --- vocabularies: ids are a contract, people use the Chinese names ---------------------------------

@dataclass(frozen=True)
class Vocabulary:
    """One vocabulary: ``names`` id -> the Chinese name shown; ``aliases`` every accepted spelling -> id."""

    what: str  # what it is, in Chinese: 担保品种, 文档类型, 核查状态
    option: str  # the option that takes it, for messages: --product
    names: Mapping[str, str]
    aliases: Mapping[str, str]

    def resolve(self, value: str) -> str:
        """The id ``value`` stands for (an id or a Chinese name, any case, surrounding spaces ignored)."""
        key = _norm(value or "")
        if key in self.aliases:
            return self.aliases[key]
        close = difflib.get_close_matches(key, list(self.aliases), n=1, cutoff=0.6)
        guess = f"您是否要找“{self.names[self.aliases[close[0]]]}”？" if close else ""
        raise UsageError(f"{self.option} 的取值“{(value or '').strip()}”不是已知的{self.what}。{guess}"
                         f"可用：{self.help()}（也可用英文编号，如 {next(iter(self.names), '')}）。")

    def zh(self, ident: str | None) -> str:
        """The Chinese name of an id (the id itself when unknown, "" for None)."""
        return self.names.get(ident, ident) if ident else ""

    def help(self) -> str:
        """``项目融资担保；信用证担保 …``: the Chinese names (``；`` apart: a name may hold a ``、``)."""
        return "；".join(self.names.values())


def _vocabulary(what: str, option: str, entries: Iterable[tuple[str, str, Iterable[str]]]) -> Vocabulary:
    names: dict[str, str] = {}
    aliases: dict[str, str] = {}
    for ident, shown, spellings in entries:
        names[ident] = shown
        for spelling in (ident, shown, *spellings):
            if spelling and spelling.strip():
                aliases.setdefault(_norm(spelling), ident)  # the first owner of a spelling keeps it
    return Vocabulary(what, option, names, aliases)


def products(option: str = "--product") -> Vocabulary:
    """Guarantee products: the ``product`` choices of the application form in doctypes.toml (the first
    spelling of each is its Chinese name: 项目融资担保)."""
    from dossier.rules import APPLICATION_FORM, load_doctypes

    rules = load_doctypes()
    choices = rules[APPLICATION_FORM].choices.get("product", {}) if APPLICATION_FORM in rules else {}
    return _vocabulary("担保品种", option, ((k, v[0] if v else k, v) for k, v in choices.items()))


def doc_types(option: str = "--type") -> Vocabulary:
    """Document types of doctypes.toml: each ``zh`` name (``利润表/损益表`` gives both), its file name and
    the checklist's name of the item (法定代表人身份证明)."""
    from dossier.rules import load_checklist, load_doctypes

    rules = load_doctypes()
    checklist = load_checklist()
    entries = []
    for ident in rules.ids:
        doc = rules[ident]
        spellings = [*doc.zh.split("/"), doc.file_name]
        if ident in checklist.ids:
            spellings.append(checklist[ident].name)
        entries.append((ident, doc.zh.split("/")[0], spellings))
    return _vocabulary("文档类型", option, entries)


def statuses(option: str = "--only") -> Vocabulary:
    """Checklist item statuses (齐全, 缺失 … ; the ids ok, missing … are a contract)."""
    from dossier.checks import STATUS_ZH

    return _vocabulary("核查状态", option, ((k, v, ()) for k, v in STATUS_ZH.items()))


def field_text(doc_type: str | None, key: str, value) -> tuple[str, str]:
    """A document field as people read it: its Chinese label and value (a choice id such as
    ``equipment_finance`` or ``standard`` by its Chinese name from doctypes.toml, lists joined)."""
    from dossier.rules import FIELD_ZH, load_doctypes

    label = FIELD_ZH.get(key, "所属年度" if key == "years" else key)
    rules = load_doctypes()
    choices = rules[doc_type].choices.get(key, {}) if doc_type in rules else {}
    if isinstance(value, list):
        return label, "、".join(str(v) for v in value)
    if isinstance(value, str) and choices.get(value):
        return label, choices[value][0]
    return label, str(value)


def document_fields(doc_type: str | None, fields: Mapping | None) -> list[tuple[str, str]]:
    """A document's fields as (Chinese label, value) lines: empty values left out, and ``years`` only
    when it says more than ``year`` (a record covering several years)."""
    fields = fields or {}
    out = []
    for key, value in fields.items():
        if value is None or (key == "years" and list(value or []) in ([], [fields.get("year")])):
            continue
        out.append(field_text(doc_type, key, value))
    return out


# --- versions ----------------------------------------------------------------------------------------

_VERSION = re.compile(r"(?:v|第)?\s*0*(\d{1,9})\s*版?", re.IGNORECASE)


def version_name(value: str) -> str:
    """``v3`` for ``3``, ``v3``, ``V03`` or ``第3版``; UsageError for anything else."""
    m = _VERSION.fullmatch(unicodedata.normalize("NFKC", value or "").strip())
    if not m or int(m.group(1)) < 1:
        raise UsageError(f"版本“{(value or '').strip()}”写法不对：请写版本号，如 3 或 v3（版本列表见 `dossier history`）。")
    return f"v{int(m.group(1))}"


def resolve_version(value: str, client: str, known: list[str]) -> str:
    """The version ``value`` names among the client's ``known`` versions, or a message without OCFL words."""
    name = version_name(value)
    if name in known:
        return name
    have = f"现有 {known[0]}–{known[-1]}" if len(known) > 1 else (f"现有 {known[0]}" if known else "还没有任何版本")
    raise UsageError(f"{client} 没有第 {name[1:]} 版 {name}（{have}）。版本列表见 `dossier history {client}`。")


__all__ = ["MAX_SUGGESTIONS", "Vocabulary", "doc_types", "document_fields", "field_text", "products", "resolve_client", "resolve_version", "statuses",
           "suggest", "version_name"]
