"""Classification and fields for one read document: the stage between reading and archiving.

Pure apart from one thing: statements are worth their ruled tables, which only the PDF holds,
so this stage asks ``pdf.pdf_tables`` (pdfplumber, only those pages) for them when the type calls
for rows; every other page's text came from pypdfium2 in the read stage.
"""

from __future__ import annotations

from pathlib import Path

from dossier.models import Reading, Understanding
from dossier.naming import safe_segment
from dossier.reading.classify import Classification, classify
from dossier.reading.fields import extract
from dossier.reading.tables import pdf_tables
from dossier.rules import DocTypeRules, load_doctypes


def understand(path: Path, reading: Reading, rules: DocTypeRules | None = None,
               doc_type: str | None = None) -> Understanding:
    """Type, fields and review flags of one read document. ``doc_type``: the type a person said the
    document is (``review.correct --type``): its fields are read as that type's, with no classification."""
    rules = rules or load_doctypes()
    review_below = rules.thresholds.review_below  # classification, field or OCR confidence
    texts = list(reading.pages_text)
    unread = [p.number for p in reading.page_texts if p.method == "none"]
    if not any(t.strip() for t in texts):
        why = "未能读到任何文字（扫描件未识别或空白页），请人工查看" if reading.page_texts else "此格式暂不读取内容，请人工查看"
        return Understanding(problems=(why,), review=True)
    found = classify(texts, rules) if doc_type is None else Classification(doc_type, 1.0, {}, ("人工指定",))
    problems: list[str] = []
    fields: dict = {}
    confidence: dict = {}
    notes: tuple[str, ...] = ()
    review = found.confidence < review_below
    if review:
        problems.append(f"文档类型识别把握不足（{found.confidence:.2f}），请人工确认")
    if found.doc_type != "other":
        doc = rules[found.doc_type]
        tables = None
        text_pages = [p.number for p in reading.page_texts if p.method == "text"]
        if doc.rows and reading.media_type == "application/pdf" and text_pages:
            tables = pdf_tables(path, text_pages)
        lines = {text: conf for page in reading.page_texts for text, conf in page.line_confidence}
        cells = [p.cells for p in reading.page_texts]
        result = extract(found.doc_type, texts, tables, lines or None, rules, cells if any(cells) else None)
        fields, confidence, notes = result.fields, result.confidence, result.notes
        problems += result.problems
        review = review or result.review
    ocr = reading.ocr_confidence
    if ocr is not None and ocr < review_below:
        problems.append(f"扫描件文字识别把握不足（{ocr:.2f}），请人工核对")
        review = True
    if unread:
        problems.append(f"第 {'、'.join(map(str, unread))} 页未能读取文字")
        review = True
    return Understanding(found.doc_type, round(found.confidence, 3), fields, confidence, tuple(problems), review,
                         notes)


def document_name(found: Understanding, source_name: str, rules: DocTypeRules | None = None) -> str:
    """Readable archive name: ``资产负债表_2024.pdf``; the source name for ``other``."""
    rules = rules or load_doctypes()
    ext = Path(source_name).suffix.lower()
    if found.doc_type == "other" or found.doc_type not in rules:
        return safe_segment(source_name)
    doc = rules[found.doc_type]
    base = doc.file_name
    year = found.fields.get("year") if isinstance(found.fields, dict) else None
    return safe_segment(f"{base}_{year}{ext}" if year else f"{base}{ext}")
