"""Reading: what a claimed file says (design section 1, the second stage).

``sniff``      media type and completeness from one open (remembered across the settle check)
``pdf``        pypdfium2: page count, encryption, the text layer laid out as pdfplumber does
``tables``     ruled tables of statement pages: pdfplumber's table finder on pypdfium2's characters
               and ruling lines (pdfminer never parses a page)
``cache``      readings by content SHA-512 and reader settings, in the home's state folder
``sandbox``    the worker process every parse runs in, with a time and a memory limit, and the
               strikes of files that killed it (``read_seconds``, ``read_memory_mb``)
``document``   ``read_batch`` (many files, their OCR pages in one stream of the pool) and
               ``read_document`` (one file)
``ocr/``       the OCR engines, line grouping, page rendering and the worker pool
``classify``   document type from the text (rules/doctypes.toml)
``fields``     key fields of a typed document, validated (check digits, dates, amounts), each from
               its sources in the rule file's order: rows, columns, labels, patterns, fallbacks
``grammar``    one grammar for figures, amounts (大写/小写), dates, periods and years
``values``     values as documents write them, parsed and validated; ``statements`` statement rows
               (ruled tables, the grid, text lines) by their label's stem
``grid``       tables from positioned text (Page.cells): rows by overlap, columns by their header
``years``      the fiscal years a document covers; ``parties`` contract parties by role words;
               ``fallbacks`` values no label names (signature line, signed date, tick boxes ...)
``understand`` type + fields + review flags for one read document; its archive name

Nothing here writes anything but the reading cache: every function maps plain data (a path, a
Reading) to plain data.
"""

from dossier.reading import sandbox
from dossier.reading.cache import ReadingCache, ReadSettings, file_sha512
from dossier.reading.document import Interrupted, read_batch, read_document, settings_for
from dossier.reading.sandbox import Sandbox
from dossier.reading.sniff import looks_complete, probe, sniff
from dossier.reading.understand import document_name, understand

__all__ = ["Interrupted", "ReadSettings", "ReadingCache", "Sandbox", "document_name", "file_sha512",
           "looks_complete", "probe", "read_batch", "read_document", "sandbox", "settings_for", "sniff",
           "understand"]
