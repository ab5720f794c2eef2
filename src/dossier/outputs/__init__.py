"""Outputs: what people read, made from a dossier state (reports, receipts, bags).

``reports``         report contexts, template files and deterministic docxtpl rendering
``report_values``   values as a signed report shows them (cleaned, dates and amounts in Chinese)
``template_check``  ``dossier templates check``
``dossier_reports`` the reports written into every archive version (completeness, index; the
                    evaluation draft where statements are in force; the monitoring report once it is issued)
``evaluation``      分析评价报告（草稿）.docx: statements, ratios, warnings (issue 14)
``monitoring``      担保后监测报告.docx: what changed since the issued evaluation (issue 14)
``charts``          the draft's charts (matplotlib, Agg, a CJK font found on the machine)
``receipt``         the clerk's receipt in the client's inbox folder
``bag``             ``dossier pull``: a version exported as a BagIt bag
"""

from dossier.outputs.dossier_reports import REPORT_PATHS, WATCH_PATHS, index_rows, report_files
from dossier.outputs.receipt import Waiting, receipt_text

__all__ = ["REPORT_PATHS", "WATCH_PATHS", "Waiting", "index_rows", "receipt_text", "report_files"]
