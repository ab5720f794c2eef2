"""Checks: what a dossier state means for compliance (pure functions of archive snapshots).

``checklist`` the appendix checklist: (case, documents in force, as-of date) -> item statuses
``status``    a client's status (the ``dossier status --json`` contract) and the overview rows
"""

from dossier.checks.checklist import STATUS_ZH, STATUSES, Case, DocFacts, ItemStatus, case_from, evaluate, is_complete
from dossier.checks.status import assess, client_status, item_name, overview_rows

__all__ = ["Case", "DocFacts", "ItemStatus", "STATUSES", "STATUS_ZH", "assess", "case_from", "client_status",
           "evaluate", "is_complete", "item_name", "overview_rows"]
