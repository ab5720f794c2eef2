"""The archive: one OCFL object per client, immutable versions, the source of truth.

``ocfl/``     a general crash-safe OCFL 1.1 store (knows nothing of dossiers)
``records``   the dossier's logical paths and records (documents, extracted JSON, snapshots)
``dossier``   ``Archive``: dossier semantics on the store (batches, superseded documents, case data,
              issued reports and amendments, history)
``decisions`` what people decide about a reading, applied to its record (confirm, correct, re-read)
``revision``  the changes one decision may make in a new version (``Archive.revise``)
``issued``    what an issued report freezes: update copies, what an amendment must be (rules 第十九条)
``accesslog`` the access log kept in each object's ``logs/`` (outside versions)
"""

from dossier.archive import accesslog, decisions, fixity
from dossier.archive.dossier import Archive
from dossier.archive.revision import Revision
from dossier.archive.records import (DOCUMENTS, DOSSIER_JSON, EXTRACTED, HISTORY, NOTES, REPORTS, Batch, Document,
                                     Item, Snapshot, diff_states, extracted_path)

__all__ = ["Archive", "Batch", "DOCUMENTS", "DOSSIER_JSON", "Document", "EXTRACTED", "HISTORY", "Item", "NOTES",
           "REPORTS", "Revision", "Snapshot", "accesslog", "decisions", "diff_states", "extracted_path", "fixity"]
