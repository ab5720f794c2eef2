"""The route stage: the client of each file (design section 2; issue "First day at the office").

A folder's files are its client's unless a file's own credit code (or, clearly, its name) is another
company's (``intake.identity``); root files go by the code or the full company name they carry.
"""

from __future__ import annotations

import logging
from collections import defaultdict

from dossier.intake import identity
from dossier.models import Outcome, Understanding
from dossier.naming import client_id_for
from dossier.reading import file_sha512

from .parts import Claimed, Group

log = logging.getLogger(__name__)

UNSORTED_TITLE = "无法确定客户：文件已移入 _unsorted 待分拣文件夹"


class Routing:
    """The route stage of :class:`dossier.pipeline.Pipeline` (which supplies config, archive, catalog)."""

    def _route(self, group: Group) -> None:
        """The client of each file. A folder's files are its client's unless a file's own credit code (or,
        clearly, its name) is another company's (``intake.identity``); root files go by code or full name."""
        if not group.claimed:
            return
        routed: dict[str, list[Claimed]] = defaultdict(list)
        if group.folder is not None:
            group.home = self._client_for_folder(group.folder, group.claimed)
            home = self._identity(group.home, group.folder, group.claimed)
            for item in group.claimed:
                owner = identity.owner(item.understanding, home, self.catalog.find_client, self._clients_named)
                if owner.client is None:
                    self._unsorted(group, item, owner.reason)
                    continue
                routed[owner.client].append(item)
                item.note = owner.reason
            group.clients = dict(routed)
            return
        for item in group.claimed:
            clients = sorted({c for code in item.codes for c in self.catalog.find_client(code)})
            name = identity.own_name(item.understanding)
            if not item.codes and name:  # no code anywhere: the company's full name, if it is a client's
                clients = self._clients_named(name)
            if len(clients) == 1:
                routed[clients[0]].append(item)
                continue
            if not item.codes:
                reason = ("文件放在收件箱根目录，但文件名和文本中都没有找到统一社会信用代码"
                          + (f"，所载单位名称“{name}”也不是档案库中任何客户的名称" if name else "")
                          + "。请把文件放入对应客户的文件夹。")
            elif not clients:
                reason = (f"找到统一社会信用代码 {'、'.join(item.codes)}，但档案库中没有该代码的客户。"
                          "新客户请先建立客户文件夹，把文件放入其中。")
            else:
                reason = (f"文件中的统一社会信用代码对应多个客户（{'、'.join(clients)}），无法自动分拣。"
                          "请把文件放入对应客户的文件夹。")
            self._unsorted(group, item, reason)
        group.clients = dict(routed)

    def _warm_head(self, group: Group) -> None:
        """Build the head snapshot of the client a folder is known as, ahead of the route stage: called
        while the reading worker starts, so its cost (it grows with the dossier) overlaps the worker's
        start-up instead of adding to the batch. Route and commit then get it from memory; a head that
        changed in between is rebuilt there (the archive checks the inventory digest)."""
        if group.folder is None:
            return
        try:
            client = self._known_client(group.folder)
            if client is not None:
                self.archive.head(client)
        except Exception:  # only a head start: the route stage builds it again and says what is wrong
            log.exception("building the head of folder %s's client ahead of routing failed", group.folder)

    def _known_client(self, folder: str) -> str | None:
        """The existing client an inbox folder is known as (the catalog's name for it, else the client
        id the folder name gives), or None for a folder no client has yet."""
        found = self.catalog.find_client(folder)
        if found:
            return found[0]
        return client_id_for(folder) if self.archive.exists(client_id_for(folder)) else None

    def _unsorted(self, group: Group, item: Claimed, reason: str) -> None:
        dest = self._set_aside(item.entry, self.config.unsorted, reason, UNSORTED_TITLE, item.path)
        group.outcomes.append(Outcome(item.entry.incoming.source, "unsorted", reason, moved_to=self._rel(dest)))

    def _clients_named(self, name: str) -> list[str]:
        """Existing clients whose company name is ``name`` (ignoring spaces, brackets and legal form)."""
        core = identity.name_core(name)
        if len(core) < 4:
            return []
        return sorted(c["client"] for c in self.catalog.clients()
                      if c.get("name") and identity.name_core(c["name"]) == core)

    def _identity(self, client: str, folder: str, items: list[Claimed]) -> identity.Identity:
        """Who ``client`` is: its dossier's credit code and name; for a new client, its own evidence
        (not a copy of what a client already holds, nor a code another client already has)."""
        if self.archive.exists(client):
            head = self.archive.head(client)
            return identity.Identity(client, head.credit_code, head.name or folder)
        codes = [c for c in identity.evidence_codes(self._fresh(items)) if not self.catalog.find_client(c)]
        return identity.Identity(client, codes[0] if len(codes) == 1 else None, folder)

    def _fresh(self, items: list[Claimed]) -> list[Understanding]:
        """What the files say that no client holds already (copies bind and establish nothing)."""
        for item in items:  # hashed once per pass, however often routing asks
            item.sha512 = item.sha512 or file_sha512(item.path)
        return [i.understanding for i in items if not self.catalog.clients_holding(i.sha512)]

    def _client_for_folder(self, folder: str, items: list[Claimed]) -> str:
        """The client of an inbox folder: the one it is known as, else the one the client's own evidence
        (a licence or application form with its credit code) names, else a new client. Never bound by
        duplicates or by codes a document merely mentions."""
        known = self._known_client(folder)
        if known is not None:
            return known
        codes = identity.evidence_codes(self._fresh(items))  # a copy of what a client already holds binds nothing
        clients = {c for code in codes for c in self.catalog.find_client(code)}
        if len(codes) == 1 and len(clients) == 1:
            return clients.pop()
        return self.archive.new_client_id(folder)
