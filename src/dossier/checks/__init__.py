"""Checks: what a dossier state means for compliance (pure functions of archive snapshots).

``facts``     the case, a document's facts, an item's status (status ids are a contract)
``checklist`` the appendix checklist: (case, documents in force, as-of date) -> item statuses
``documents`` one document judged for one item (another company's, expired, inconsistent, review)
``status``    a client's status (the ``dossier status --json`` contract) and the overview rows
"""

from dossier.checks.checklist import case_from, evaluate
from dossier.checks.facts import (
           STATUS_ZH,
           STATUSES,
           Case,
           DocFacts,
           ItemStatus,
           is_complete,
)
from dossier.checks.status import assess, client_status, expiring_soon, expiry_fields, item_name, overview_rows

__all__ = ["Case", "DocFacts", "ItemStatus", "STATUSES", "STATUS_ZH", "assess", "case_from", "client_status",
           "evaluate", "expiring_soon", "expiry_fields", "is_complete", "item_name", "overview_rows"]
