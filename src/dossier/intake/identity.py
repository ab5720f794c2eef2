"""Whose document is it: a client's identity is fixed once established (issue "First day at the office").

A company's 统一社会信用代码 never changes, so a document whose own code (the identity fields of
``checklist.toml``: credit_code, taxpayer_id; well-formed codes only) differs from its client's is
another company's document, whatever folder it was dropped in. Its name is weaker evidence, because a
name may be misread or legitimately changed (a licence with the same code and a new name is a
资料变更): a name decides only when it is clearly another company's (not a misreading of the client's
name) and either names an existing client, or sits on a business licence, the document that says who
the client is.

Pure: the caller supplies the client's identity and a lookup of existing clients.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Callable

from dossier import codes
from dossier.models import Understanding
from dossier.rules import load_checklist, load_thresholds

#: Documents that establish who a client is when a folder is new (the client's own evidence).
EVIDENCE_TYPES = ("business_licence", "application_form")
_LEGAL_FORM = re.compile(r"(股份有限公司|有限责任公司|有限公司|股份公司|集团|公司|厂|合伙企业（有限合伙）|合伙企业)$")


@dataclass(frozen=True)
class Identity:
    """What a client is known as: its credit code (None until a licence or application form gave one)
    and its name (the licence's, else the folder's)."""

    client: str
    credit_code: str | None
    name: str | None


@dataclass(frozen=True)
class Owner:
    """The outcome of :func:`owner`: the client the document belongs to (None: nobody known, set it
    aside) and, when it is not the folder's client, why (Chinese, for both receipts)."""

    client: str | None
    reason: str = ""


def own_codes(found: Understanding) -> list[str]:
    """The well-formed 统一社会信用代码 a document gives as its own (its identity fields)."""
    rules = load_checklist()
    out: list[str] = []
    for name in rules.identity_fields:
        value = found.fields.get(name) if isinstance(found.fields, dict) else None
        code = str(value).strip().upper() if value is not None else ""
        if len(code) == 18 and codes.is_valid_uscc(code) and code not in out:
            out.append(code)
    return out


def own_name(found: Understanding) -> str | None:
    rules = load_checklist()
    for name in rules.name_fields:
        value = found.fields.get(name) if isinstance(found.fields, dict) else None
        if isinstance(value, str) and value.strip():
            return value.strip()
    return None


def name_core(name: str) -> str:
    """A company name without spaces, brackets and its legal form (有限公司, 股份有限公司 ...)."""
    text = re.sub(r"[\s()（）]", "", unicodedata.normalize("NFKC", name)).upper()
    return _LEGAL_FORM.sub("", text)


def same_company_name(a: str, b: str) -> bool:
    """Two names of one company: equal, one inside the other (瑞丰纺织, 苏州瑞丰纺织有限公司), or one
    a misreading of the other (a character or two)."""
    x, y = name_core(a), name_core(b)
    if not x or not y:
        return True
    if x in y or y in x:
        return True
    return SequenceMatcher(None, x, y).ratio() >= load_thresholds().same_name  # thresholds.toml


def evidence_codes(items: list[Understanding]) -> list[str]:
    """Credit codes the client's own evidence gives: licences and application forms, licences first."""
    out: list[str] = []
    for doc_type in EVIDENCE_TYPES:
        for found in items:
            if found.doc_type == doc_type:
                out += [c for c in own_codes(found) if c not in out]
    return out


def owner(found: Understanding, home: Identity, by_code: Callable[[str], list[str]],
          by_name: Callable[[str], list[str]]) -> Owner:
    """The client a document of folder client ``home`` belongs to.

    ``by_code(code)`` and ``by_name(name)`` list the existing clients with that credit code / name."""
    mine = own_codes(found)
    if mine and home.credit_code and home.credit_code not in mine:
        code = mine[0]
        others = [c for c in by_code(code) if c != home.client]
        if len(others) == 1:
            return Owner(others[0], f"文件所载统一社会信用代码 {code} 属于客户 {others[0]}，"
                                    f"不是本文件夹客户 {home.client}（{home.credit_code}）的，已归入 {others[0]} 的档案")
        return Owner(None, f"文件所载统一社会信用代码 {code} 与本文件夹客户 {home.client} 的统一社会信用代码 "
                           f"{home.credit_code} 不一致，是另一家公司的文件，未归入本客户档案。"
                           "请核实后放入该公司的客户文件夹（新客户请新建文件夹）。")
    if mine and not home.credit_code:  # a new folder: a document of an existing client goes to that client
        others = [c for c in by_code(mine[0]) if c != home.client]
        if len(others) == 1:
            return Owner(others[0], f"文件所载统一社会信用代码 {mine[0]} 属于客户 {others[0]}，已归入 {others[0]} 的档案")
    if mine and home.credit_code in mine:
        return Owner(home.client)
    name = own_name(found)
    if name and home.name and not same_company_name(name, home.name):
        others = [c for c in by_name(name) if c != home.client]
        if len(others) == 1:
            return Owner(others[0], f"文件所载单位名称“{name}”是客户 {others[0]} 的名称，不是本文件夹客户 "
                                    f"{home.client}（{home.name}）的，已归入 {others[0]} 的档案")
        if found.doc_type == "business_licence" and home.credit_code:
            return Owner(None, f"营业执照所载名称“{name}”与本文件夹客户 {home.client}（{home.name}）不符，"
                               "且未读到与本客户相同的统一社会信用代码，未归入本客户档案。"
                               "请核实是哪家公司的营业执照，放入该公司的客户文件夹。")
    return Owner(home.client)
