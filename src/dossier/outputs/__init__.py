"""Outputs: what people read, made from a dossier state (reports, receipts, bags).

``reports``         report contexts, template files and deterministic docxtpl rendering
``report_values``   values as a signed report shows them (cleaned, dates and amounts in Chinese)
``template_check``  ``dossier templates check``
``dossier_reports`` the two reports written into every archive version
``receipt``         the clerk's receipt in the client's inbox folder
``bag``             ``dossier pull``: a version exported as a BagIt bag
"""

from dossier.outputs.dossier_reports import REPORT_PATHS, index_rows, report_files
from dossier.outputs.receipt import Waiting, receipt_text

__all__ = ["REPORT_PATHS", "Waiting", "index_rows", "receipt_text", "report_files"]
