"""Contract parties by their role words (pure).

A contract names its parties by a role (供方/需方, 卖方/买方, 出卖人/买受人, 委托人/受托人,
申请人/受益人 ...: the field's labels in doctypes.toml) or by a place-holder (甲方/乙方/丙方),
and ties the two together somewhere: ``甲方（供方）：X``, ``供方（甲方）：X``, ``甲方：X（供方）``,
``甲方为供方``, ``X（以下简称“供方”）``. The labels stage reads ``供方：X`` itself; what is left
here is the place-holder bound to a role elsewhere in the text, and the role given after a name.
"""

from __future__ import annotations

import re
from typing import Callable, Sequence

from dossier.reading.classify import Line, compact

from .values import C_LABEL, Found, company_name_of

#: Place-holders that stand for a party until the text says which role it plays.
PLACEHOLDERS = ("甲方", "乙方", "丙方", "丁方")
_NAME = r"(?P<name>[\u4e00-\u9fffA-Za-z0-9()·&]{4,60}?(?:有限责任公司|股份有限公司|有限公司|公司|合作社|厂|中心))"


def _bound(text: str, holder: str, role: str) -> bool:
    """Whether ``text`` (compact) says that the place-holder plays the role."""
    h, r = re.escape(holder), re.escape(role)
    return re.search(rf"{h}\(?{r}\)|{r}\({h}\)|{h}(?:为|是|系|即|作为){r}|{r}(?:为|是|系|即){h}"
                     rf"|{h}:[^:]{{2,60}}?\({r}\)", text) is not None


def by_role(lines: Sequence[Line], roles: Sequence[str],
            read_label: Callable[[list[str]], Found | None]) -> Found | None:
    """The party playing one of ``roles``, through a place-holder or a 以下简称 note; None if the
    text never says. ``read_label``: the labels stage, reading the value after given labels."""
    text = "\n".join(line.compact for line in lines)
    wanted = [compact(r) for r in roles]
    for role in wanted:
        m = re.search(_NAME + r"\((?:以下)?(?:简称|称)[:]?[“”\"'‘’]?" + re.escape(role) + r"[“”\"'‘’]?\)", text)
        if m:
            name = company_name_of(m["name"])
            if name:
                return Found(name, C_LABEL)
    for holder in PLACEHOLDERS:
        if any(_bound(text, holder, role) for role in wanted):
            found = read_label([holder])
            if found is not None and found.value is not None:
                return Found(found.value, min(found.confidence, C_LABEL), found.problem)
    return None


__all__ = ["PLACEHOLDERS", "by_role"]
