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

A loop over table rows or paragraphs whose body only shows fields of its item (``{{ d.title }}``, as in the
archive index) is not run through Jinja at all: each row is the loop's body with the item's values escaped
as Jinja escapes them (``markupsafe.escape``). The rest of the template is rendered by Jinja around a
marker, and the body with one stamped row is what is parsed and checked; the rows are copies of that one
row with other escaped text, so the whole body is well-formed and needs no grid fix exactly when it does.
"""

from __future__ import annotations

import io
import re
import zipfile

from lxml import etree
from markupsafe import Markup, escape

from dossier.errors import TemplateProblem

ZIP_DATE = (1980, 1, 1, 0, 0, 0)
#: Stands where the rendered body goes; a comment cannot occur inside the document element's own markup.
BODY_MARK = "dossier-rendered-body-8f3c"
_LISTING = re.compile("[\t\a\n\f]")
_PARAGRAPH = re.compile(r"<w:p(?: [^>]*)?>.*?</w:p>", re.DOTALL)
_DRAWING_ID = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}docPr"
#: A loop of whole rows or paragraphs (docxtpl's ``{%tr for %}``, ``{%p for %}``), and what its body may show.
_LOOP = re.compile(r"\{%\s*for\s+(\w+)\s+in\s+(\w+)\s*%\}(<w:(?:tr|p)[ >].*?</w:(?:tr|p)>)\{%\s*endfor\s*%\}",
                   re.DOTALL)
_FIELD = re.compile(r"\{\{\s*(\w+)\.(\w+)\s*\}\}")
_TAG = re.compile(r"\{[{%#]")
_TAG_WORD = re.compile(r"\{%-?\s*(\w+)")
#: Tags that cannot rebind a loop's sequence (``set``, ``with``, macros, includes... could).
_PLAIN_TAGS = frozenset({"for", "endfor", "if", "elif", "else", "endif"})
#: XML 1.0 forbids these characters (the context is cleaned of them; a stamped value is checked anyway).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_ANY_TAG = re.compile(r"\{[{%].*?[}%]\}", re.DOTALL)
_WORD = re.compile(r"\w+")
#: Values a stamped row may show: escaped exactly as Jinja escapes them, with no side effect.
_PLAIN = frozenset({str, int, float, bool, type(None)})
#: What ``markupsafe.escape`` changes in a string.
_SPECIAL = re.compile("[&<>\"']")
_BRACES = re.compile("[{}%]")
_ELEMENT = re.compile(r"<(/?)[\w:.-]+(?:\s[^>]*?)?(/?)>")


def template_class():
    """docxtpl's DocxTemplate with the project's overrides (imported lazily: python-docx is slow to import).
    After ``render``, ``spliced`` maps a part name to the body bytes ``normalise_zip`` must put in it."""
    from docxtpl import DocxTemplate  # imported lazily: python-docx is slow to import

    from dossier.outputs.sandbox import environment

    class Template(DocxTemplate):
        spliced: dict[str, bytes]
        _rendered_body: bytes | None = None  # the body written as rendered (see fix_tables)
        # (body around the loops with a mark for each, [(mark, rows as UTF-8)], body with one row per loop)
        _stamped: tuple[str, list[tuple[bytes, list[bytes]]], str] | None = None

        def render_init(self):
            super().render_init()
            self.spliced = {}
            self._rendered_body = None
            self._stamped = None

        def render_xml_part(self, src_xml, part, context, jinja_env=None):
            plan = _row_plan(src_xml, context) if part is self.docx._part else None
            if plan is None:
                return super().render_xml_part(src_xml, part, context, jinja_env)
            source, loops = plan
            marks = {var: f"\ue000{var}\ue001" for var, *_ in loops}  # private-use characters: in no template
            around = super().render_xml_part(source, part, {**context, **{v: Markup(m) for v, m in marks.items()}},
                                             jinja_env)
            one, stamped = around, []
            for var, body, _name, items in loops:
                first, rows, values = _stamp(body, items)
                if around.count(marks[var]) != 1 or _NOT_XML.search(values):
                    # a loop inside a condition or another loop, or a value XML forbids: Jinja and docxtpl decide
                    return super().render_xml_part(src_xml, part, context, jinja_env)
                if not _post_is_identity(body, values):
                    # docxtpl's steps after Jinja work per paragraph, and rows hold whole ones: all rows at once
                    rows = [self._post(b"".join(rows).decode("utf-8")).encode("utf-8")]
                one = one.replace(marks[var], self._post(first))
                stamped.append((marks[var].encode("utf-8"), rows))
            self._stamped = (around, stamped, one)
            return one  # what fix_tables parses and checks; the body written is ``_full()``

        def _full(self) -> bytes:
            """The body with every stamped row, as UTF-8 (built as bytes: 3.5 MB of text for 2,000 rows)."""
            around, stamped, _one = self._stamped
            pieces = around.encode("utf-8").split(stamped[0][0]) if len(stamped) == 1 else None
            if pieces is not None:
                return b"".join([pieces[0], *stamped[0][1], pieces[1]])
            full = around.encode("utf-8")
            for mark, rows in stamped:
                full = full.replace(mark, b"".join(rows))
            return full

        def _post(self, xml):
            # docxtpl's steps after Jinja (render_xml_part), on stamped rows
            xml = xml.replace("{_{", "{{").replace("}_}", "}}").replace("{_%", "{%").replace("%_}", "%}")
            return self.resolve_listing(xml)

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
            # leave the rare table that needs it to docxtpl itself. Stamped rows are copies of the one
            # checked here (same cells, other escaped text): what holds for it holds for all of them.
            def full() -> str:
                return xml if self._stamped is None else self._full().decode("utf-8")

            data = xml.encode("utf-8")  # (lxml parses UTF-8 bytes twice as fast as a str)
            try:
                tree, strict = etree.fromstring(data), True
            except etree.XMLSyntaxError:  # docxtpl's recover-mode parse decides what the render becomes
                if self._stamped is not None:
                    return super().fix_tables(full())
                tree, strict = etree.fromstring(data, parser=etree.XMLParser(recover=True)), False
            try:
                if _grids_need_fixing(tree):
                    return super().fix_tables(full())
            except Exception:  # docxtpl reports whatever is wrong with the table
                return super().fix_tables(full())
            if strict and next(tree.iter(_DRAWING_ID), None) is None:
                self._rendered_body = data if self._stamped is None else self._full()
                return tree
            return tree if self._stamped is None else super().fix_tables(full())

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


def _row_plan(source: str, context: dict):
    """The simple loops of a body's Jinja source, and the source with a variable in place of each. None when
    the source has a tag that could rebind a sequence, a loop is not simple, or its items are not mappings
    holding every field it shows: Jinja then runs the whole source (and says what is wrong)."""
    if any(word not in _PLAIN_TAGS for word in _TAG_WORD.findall(source)):
        return None
    loops, parts, last, sequences = [], [], 0, set()
    for m in _LOOP.finditer(source):
        name, seq, body = m.groups()
        items = context.get(seq)
        if not isinstance(items, list) or not items or _TAG.search(_FIELD.sub("", body)) or not _balanced(body):
            return None
        fields = set()
        for found in _FIELD.finditer(body):
            if found.group(1) != name or hasattr(dict, found.group(2)):  # d.items would be the method
                return None
            fields.add(found.group(2))
        if not all(type(item) is dict and fields <= item.keys() and all(type(item[f]) in _PLAIN for f in fields)
                   for item in items):  # (an object such as an InlineImage renders with side effects: Jinja)
            return None
        var = f"__dossier_rows_{len(loops)}__"
        parts += [source[last:m.start()], "{{ " + var + " }}"]
        loops.append((var, body, name, items))
        sequences.add(seq)
        last = m.end()
    if not loops:
        return None
    rest = "".join(parts) + source[last:]
    named = {word for tag in _ANY_TAG.findall(rest) for word in _WORD.findall(tag)}
    if named & sequences:  # the rest of the template names a sequence: it might change it, or rebind it
        return None
    return rest, loops


def _balanced(body: str) -> bool:
    """Whether a loop body's markup closes every element it opens (so each copy leaves the parser where it
    found it). Only elements: a comment, CDATA or processing instruction makes it unknown."""
    depth = 0
    for closing, empty in _ELEMENT.findall(body):
        if closing:
            depth -= 1
            if depth < 0:
                return False
        elif not empty:
            depth += 1
    return depth == 0 and "<!" not in body and "<?" not in body


def _escape(value) -> str:
    """``markupsafe.escape(value)`` as a plain string (the same text; most values need no escaping at all)."""
    if type(value) is str and _SPECIAL.search(value) is None:
        return value
    return str(escape(value))


def _stamp(body: str, items: list[dict]) -> tuple[str, list[bytes], str]:
    """A loop's body for each item, as Jinja renders each ``{{ d.field }}`` with autoescape: the first row as
    text, every row as UTF-8; and every value shown, joined (the body itself is the template's XML, so only
    values can hold what XML forbids)."""
    pieces = _FIELD.split(body)  # literal, (name, field, literal)...
    literals, fields = pieces[0::3], pieces[2::3]
    encoded = [literal.encode("utf-8") for literal in literals]
    head, tail = encoded[0], encoded[1:]
    rows, values, first = [], [], None
    for item in items:
        shown = [_escape(item[field]) for field in fields]
        values += shown
        if first is None:
            first = literals[0] + "".join(v + literal for v, literal in zip(shown, literals[1:]))
        rows.append(head)
        for value, literal in zip(shown, tail):
            rows += (value.encode("utf-8"), literal)
    return first, rows, "".join(values)


def _post_is_identity(body: str, values: str) -> bool:
    """Whether docxtpl's steps after Jinja (``{_{`` -> ``{{`` and the like, then \\t \\a \\n \\f made
    into Word's tabs and breaks) leave rows of this body showing these values exactly as they are.

    Each of the four replacements needs a "_" and one of "{", "}", "%"; the listing needs one of its
    characters. When the rows' text (the body's literal markup and the values) lacks the listing
    characters, and lacks "_" or else every one of "{", "}", "%", nothing can match anywhere in a row."""
    text = _FIELD.sub("", body) + values
    return _LISTING.search(text) is None and ("_" not in text or _BRACES.search(text) is None)


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
                if blob.count(mark) != 1:  # only a template that holds the marker itself could do this
                    raise TemplateProblem(f"报告模板的 {info.filename} 中含有保留标记 {BODY_MARK}，无法生成报告。"
                                          "请删除该模板副本，改用软件自带的默认模板。")
                blob = blob.replace(mark, spliced[info.filename])
            dst.writestr(entry, blob, compresslevel=6)
    return out.getvalue()
