"""Reading: what a claimed file says (design section 1, the second stage).

``document``   media type, completeness, page count, the PDF text layer, OCR for pages without text
``ocr/``       the OCR engines, line grouping, page rendering and the worker pool
``classify``   document type from the text (rules/doctypes.toml)
``fields``     key fields of a typed document, validated (check digits, dates, amounts)
``understand`` type + fields + review flags for one read document; its archive name

Nothing here writes anything: every function maps plain data (a path, a Reading) to plain data.
"""

from dossier.reading.document import Interrupted, looks_complete, read_document, sniff
from dossier.reading.understand import document_name, understand

__all__ = ["Interrupted", "document_name", "looks_complete", "read_document", "sniff", "understand"]
