"""docxtpl's DocxTemplate with the project's overrides, and the deterministic zip every report is written as.

docxtpl renders a template's body in four steps: Jinja over the body's XML (a string), a recover-mode parse of
the result, moving the parsed tree into python-docx's document (``map_tree``), and python-docx serialising it
again when the file is saved. For a long table (the archive index lists every document of a dossier: 2,000
rows are 3.5 MB of XML) the last three cost far more than Jinja does.

The override skips them when they would not change anything: the rendered body is well-formed XML (a strict
parse succeeds, so the recover-mode parse would build the same tree), no table grid needs fixing and no
drawing needs its id renumbered. Then the rendered string itself becomes the body of ``document.xml``: the
document element is serialised around a marker, and ``normalise_zip`` puts the string in its place. The
result is the same XML as docxtpl's (tests compare the canonical form on every packaged template, on a user's
copy laid out differently and on hostile text); only the spelling of a few escapes may differ (``&#34;``
where lxml writes ``"``). Anything else (a malformed render, a grid to fix, pictures) goes through docxtpl
unchanged.
"""

from __future__ import annotations

import io
import re
import zipfile

from lxml import etree

ZIP_DATE = (1980, 1, 1, 0, 0, 0)
#: Stands where the rendered body goes; a comment cannot occur inside the document element's own markup.
BODY_MARK = "dossier-rendered-body-8f3c"
_LISTING = re.compile("[\t\a\n\f]")
_PARAGRAPH = re.compile(r"<w:p(?: [^>]*)?>.*?</w:p>", re.DOTALL)
_DRAWING_ID = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}docPr"


def template_class():
    """docxtpl's DocxTemplate with the project's overrides (imported lazily: python-docx is slow to import).
    After ``render``, ``spliced`` maps a part name to the body bytes ``normalise_zip`` must put in it."""
    from docxtpl import DocxTemplate  # imported lazily: python-docx is slow to import

    from dossier.outputs.sandbox import environment

    class Template(DocxTemplate):
        spliced: dict[str, bytes]

        def render_init(self):
            super().render_init()
            self.spliced = {}
            self._rendered_body = None

        def render_properties(self, context, jinja_env=None):
            # Core properties are plain strings that python-docx escapes itself: render them
            # without autoescape (still sandboxed), or "<&>" would end up as "&lt;&amp;&gt;".
            super().render_properties(context, environment(autoescape=False))

        # The overrides below give docxtpl's result, in time that no longer grows with the rows of a table.
        def resolve_listing(self, xml):
            # docxtpl rewrites \t \a \n \f inside the runs of each paragraph, with regular
            # expressions run per paragraph and per run; a paragraph without any of them comes out
            # as it went in, so only the paragraphs that hold one go through docxtpl.
            if _LISTING.search(xml) is None:
                return xml
            resolve = super().resolve_listing
            return _PARAGRAPH.sub(lambda m: resolve(m.group(0)) if _LISTING.search(m.group(0)) else m.group(0), xml)

        def fix_tables(self, xml):
            # docxtpl widens or narrows a table's grid when a loop made rows with more (or fewer)
            # cells than it has columns; it only reads the tree otherwise. Check that cheaply and
            # leave the rare table that needs it to docxtpl itself.
            data = xml.encode("utf-8")  # (lxml parses UTF-8 bytes twice as fast as a str)
            try:
                tree, strict = etree.fromstring(data), True
            except etree.XMLSyntaxError:  # docxtpl's recover-mode parse decides what the render becomes
                tree, strict = etree.fromstring(data, parser=etree.XMLParser(recover=True)), False
            try:
                if _grids_need_fixing(tree):
                    return super().fix_tables(xml)
            except Exception:  # docxtpl reports whatever is wrong with the table
                return super().fix_tables(xml)
            if strict and next(tree.iter(_DRAWING_ID), None) is None:
                self._rendered_body = data
            return tree

        def fix_docpr_ids(self, tree):
            if self._rendered_body is None:  # a spliced body holds no drawing: nothing to renumber
                super().fix_docpr_ids(tree)

        def map_tree(self, tree):
            if self._rendered_body is None:
                return super().map_tree(tree)
            root = self.docx._element
            root.replace(root.body, etree.Comment(BODY_MARK))
            self.spliced[str(self.docx.part.partname).lstrip("/")] = self._rendered_body

    return Template


def _grids_need_fixing(tree) -> bool:
    """Whether docxtpl's ``fix_tables`` would change a table of ``tree`` (same rules, read only)."""
    ns = "{" + tree.nsmap["w"] + "}"
    tr, tc, tc_pr, grid_span = ns + "tr", ns + "tc", ns + "tcPr", ns + "gridSpan"
    for table in tree.iter(ns + "tbl"):
        columns = len(table.find(ns + "tblGrid").findall(ns + "gridCol"))
        widest = 0
        for row in table.iter(tr):
            cells = row.findall(tc)
            if len(cells) > columns:
                return True  # a loop made a row wider than the grid: columns are added
            if next(row.iter(grid_span), None) is None:
                span = len(cells)  # (a span is always read: a bad one fails here as in docxtpl)
            else:
                span = 0
                for cell in cells:
                    props = cell.find(tc_pr)
                    found = None if props is None else props.find(grid_span)
                    span += 1 if found is None else int(found.get(ns + "val"))
            widest = max(widest, span)
        if widest < columns:
            return True  # every row is narrower than the grid: columns are removed
    return False


def normalise_zip(data: bytes, spliced: dict[str, bytes] | None = None) -> bytes:
    """Rewrite a zip (docx) with its entries in the same order, each dated 1980-01-01 with fixed
    attributes, so equal content gives equal bytes. ``spliced``: part name -> the rendered body that
    replaces the marker ``Template.map_tree`` left in that part."""
    mark = f"<!--{BODY_MARK}-->".encode()
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=ZIP_DATE)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.create_system = 0
            entry.external_attr = 0
            blob = src.read(info.filename)
            if spliced and info.filename in spliced:
                if blob.count(mark) != 1:
                    raise ValueError(f"{info.filename}: the rendered body's place is missing")
                blob = blob.replace(mark, spliced[info.filename])
            dst.writestr(entry, blob, compresslevel=6)
    return out.getvalue()
