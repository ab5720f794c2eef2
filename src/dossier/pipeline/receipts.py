"""The receipt stage: the clerk's receipt of every client folder a group touched, from the archive."""

from __future__ import annotations

import logging

from dossier import intake
from dossier.archive import Snapshot
from dossier.models import Outcome
from dossier.outputs import Waiting, receipt_text

from .parts import Group

log = logging.getLogger(__name__)


class Receipts:
    """The receipt stage of :class:`dossier.pipeline.Pipeline` (which supplies config, archive, catalog)."""

    def _receipt(self, group: Group) -> None:
        """Rewrite, from the archive, the receipt of every client folder this group touched: the group's
        own folder, and the folder of each client a file was routed to (root drops, misfiled files)."""
        touched: dict[str, str | None] = {}  # inbox folder -> its client
        if group.folder is not None and group.outcomes:
            touched[group.folder] = group.home or next((o.client for o in group.outcomes if o.client), None)
        for client in group.heads:
            if client != group.home:
                folder = self._inbox_folder(client)
                if folder is not None and folder not in touched:
                    touched[folder] = client
        for folder, client in touched.items():
            outcomes = group.outcomes if folder == group.folder else [o for o in group.outcomes if o.client == client]
            self._write_receipt(folder, client, outcomes, group.heads.get(client) if client else None)

    def _inbox_folder(self, client: str) -> str | None:
        """The client's folder in the inbox, if it has one there (the first of its folders that exists)."""
        try:
            folders = list(self.archive.head(client).meta.get("folders") or [])
        except Exception:
            return None
        return next((f for f in folders if (self.config.inbox / f).is_dir()), None)

    def _write_receipt(self, folder: str, client: str | None, outcomes: list[Outcome],
                       snap: Snapshot | None = None) -> None:
        folder_path = self.config.inbox / folder
        if not folder_path.is_dir():
            return
        try:
            if client and snap is None and self.archive.exists(client):
                snap = self.archive.head(client)
            waiting = [Waiting(rel.split("/", 1)[-1], note) for rel, note in sorted(self._waits.items())
                       if rel.split("/", 1)[0] == folder and "/" in rel]
            intake.write_receipt(folder_path, receipt_text(snap, folder, outcomes, waiting, self.config.tz))
            self._receipt_waits[folder] = frozenset(w.name for w in waiting)
        except Exception:  # a receipt is a courtesy: it never costs a batch
            log.exception("receipt for %s not written", folder)

    def _waiting_receipts(self, ran: set[str | None]) -> None:
        """A folder whose waiting files changed, and that no group ran for, gets a fresh receipt saying so."""
        folders = {rel.split("/", 1)[0] for rel in self._waits if "/" in rel}
        for folder in sorted(folders | set(self._receipt_waits)):
            if folder in ran:
                continue
            names = frozenset(rel.split("/", 1)[1] for rel in self._waits if rel.split("/", 1)[0] == folder
                              and "/" in rel)
            if names == self._receipt_waits.get(folder, frozenset()):
                continue
            found = self.catalog.find_client(folder)
            self._write_receipt(folder, found[0] if found else None, [])
