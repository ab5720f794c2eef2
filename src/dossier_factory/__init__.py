"""Synthetic client documents for the demo, the tests and the benchmarks.

Everything here is invented: company names are random pairs of common words,
people's names are random pairs of common characters, identity codes are
random with correct check digits.  Every page carries a small notice saying
the document is a synthetic sample.  Generated files are never committed.

All output is deterministic: the same seed (or the same company) gives the
same bytes.  PDFs are written with reportlab in invariant mode (no timestamps,
no random IDs) and a Chinese text layer in the non-embedded Adobe CID font
STSong-Light (encoding UniGB-UCS2-H), which needs no font file and which
pdfplumber/pdfminer extract.  Scans are Pillow images drawn with the
WenQuanYi Micro Hei font (Debian package fonts-wqy-microhei).

Modules (imports point down this list):
  base        dependencies, identity codes, invented companies, Chinese formatting
  financials  figures consistent across documents and years
  pdfs        the core documents (licence, ID, tax certificate, statements, application)
  images      image "scans" (Pillow); scans: scanner and phone-photo degradations
  faults      bad inputs and hand-written PDFs; doctypes, forms, contracts, documents: every type
  inbox       the demo inbox and bulk files

This package is not part of the product: the demo (``dossier samples``), the tests and the benches
use it; nothing in ``dossier`` imports it except the ``samples`` command. Only the fake OCR engine
(``dossier.reading.ocr.fake``) reads the truth its synthetic pages carry.
"""

from .base import (DEMO_YEAR, GUARANTOR, MIB, NOTICE, SampleCompany, SampleDependencyError, demo_companies,
                   make_company, make_credit_code, make_id_number)
from .doctypes import DOC_TYPES, OPINIONS, PRODUCTS, TRUTH, expected_fields
from .documents import document_pdf
from .faults import big_pdf, corrupt_pdf, encrypted_pdf, truncated_pdf, zero_byte
from .financials import Financials, make_financials
from .images import id_card_png, image_only_pdf, licence_scan_jpg
from .inbox import make_bulk_pdfs, write_demo_inbox
from .pdfs import (application_form_pdf, balance_sheet_pdf, business_licence_pdf, generic_pdf, income_statement_pdf,
                   legal_rep_id_pdf, tax_payment_certificate_pdf)

__all__ = [
    "DEMO_YEAR", "DOC_TYPES", "Financials", "GUARANTOR", "MIB", "NOTICE", "OPINIONS", "PRODUCTS", "SampleCompany",
    "SampleDependencyError", "TRUTH", "application_form_pdf", "balance_sheet_pdf", "big_pdf", "business_licence_pdf",
    "corrupt_pdf", "demo_companies", "document_pdf", "encrypted_pdf", "expected_fields", "generic_pdf",
    "id_card_png", "image_only_pdf", "income_statement_pdf", "legal_rep_id_pdf", "licence_scan_jpg",
    "make_bulk_pdfs", "make_company", "make_credit_code", "make_financials", "make_id_number",
    "tax_payment_certificate_pdf", "truncated_pdf", "write_demo_inbox", "zero_byte",
]
