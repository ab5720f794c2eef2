"""``dossier templates check``: what a user's edited template would break, named by part and paragraph."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path
from typing import Iterable

from dossier.errors import TemplateProblem
from dossier.outputs.reports import (
    TEMPLATES,
    describe_error,
    environment,
    render_file,
    sample_context,
)
from jinja2 import TemplateSyntaxError, meta, nodes
from lxml import etree

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_TAG = re.compile(r"{%.*?%}|{{.*?}}|{#.*?#}", re.DOTALL)
_OPEN = re.compile(r"{[{%#]")
_CLOSE = re.compile(r"[}%#]}")
# an opening or closing delimiter typed with at least one full-width character (Chinese input method)
_FULLWIDTH = re.compile(r"｛[｛{％%]|{[｛％]|[％%]｝|％}|｝[｝}]|}｝")
def _part_label(name: str) -> str:
    base = name.rsplit("/", 1)[-1]
    for prefix, label in (("document", "正文"), ("header", "页眉"), ("footer", "页脚"), ("footnotes", "脚注"),
                          ("endnotes", "尾注")):
        if base.startswith(prefix):
            return label
    return name


def _short(text: str, limit: int = 60) -> str:
    text = re.sub(r"\s+", " ", text).strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _line_text(source: str, lineno: int | None) -> str:
    lines = source.split("\n")
    if not lineno or lineno > len(lines):
        return ""
    return _short(re.sub(r"<[^>]+>", "", lines[lineno - 1]))


def _normalise_tag(tag: str) -> str:
    tag = tag.translate(str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'"}))
    tag = re.sub(r"^([{][{%#])-?\s*(?:(?:tr|tc|p|r)\s)?", r"\1", tag)
    tag = re.sub(r"-?([%}#][}])$", r"\1", tag)
    return re.sub(r"\s+", "", tag)


def _paragraph_problems(label: str, xml_root: etree._Element, patch) -> list[str]:
    """Tags the user sees in a paragraph but docxtpl does not (split runs), tags left open across
    paragraphs, full-width braces."""
    problems = []
    for p in xml_root.iter(f"{_W}p"):
        text = "".join(t.text or "" for t in p.iter(f"{_W}t"))
        if not text:
            continue
        shown = _short(text)
        if _FULLWIDTH.search(text):
            problems.append(f"{label}“{shown}”中使用了全角符号 ｛ ｝ 或 ％（中文输入法）：请改为半角的 "
                            "{{ }} 或 {% %}，否则不会被替换。")
        seen = [_normalise_tag(t) for t in _TAG.findall(text)]
        rest = _TAG.sub("", text)
        if _OPEN.search(rest) or _CLOSE.search(rest):
            problems.append(f"{label}“{shown}”中有未闭合的标签（或标签跨越了段落）：每个 {{{{ }}}}、"
                            "{% %} 须在同一段落内写完整。")
            continue
        if not seen:
            continue
        raw = etree.tostring(p, encoding="unicode")
        patched = patch(raw)
        got = [_normalise_tag(t) for t in _TAG.findall(patched)]
        broken = [t for t in _TAG.findall(patched) if re.search(r"</?w:", t)]
        if broken or sorted(got) != sorted(seen):
            problems.append(f"{label}“{shown}”中的标签被 Word 拆分成了程序无法识别的几段（格式、修订或域代码"
                            "夹在标签中间）：请删除该标签，以纯文本一次性重新输入（可先粘贴到记事本再复制回来），"
                            "并确保整个标签格式一致。")
    return problems


def _dotted(node: nodes.Node) -> list[str] | None:
    """``a.b['c']`` -> ["a", "b", "c"]; None when not a plain variable path."""
    if isinstance(node, nodes.Name):
        return [node.name]
    if isinstance(node, nodes.Getattr):
        base = _dotted(node.node)
        return base + [node.attr] if base else None
    if isinstance(node, nodes.Getitem) and isinstance(node.arg, nodes.Const) and isinstance(node.arg.value, str):
        base = _dotted(node.node)
        return base + [node.arg.value] if base else None
    return None


def _variable_uses(node: nodes.Node, out: list[tuple[list[str], int]]) -> None:
    if isinstance(node, (nodes.Name, nodes.Getattr, nodes.Getitem)):
        path = _dotted(node)
        if path:
            if not isinstance(node, nodes.Name) or node.ctx == "load":
                out.append((path, node.lineno))
            return
    for child in node.iter_child_nodes():
        _variable_uses(child, out)


def _unknown_variables(ast: nodes.Template, known: dict[str, str], env) -> list[tuple[str, int]]:
    top = meta.find_undeclared_variables(ast) - set(env.globals)
    loops: dict[str, list[str]] = {}
    for loop in ast.find_all(nodes.For):
        iterable = _dotted(loop.iter)
        if isinstance(loop.target, nodes.Name) and iterable:
            loops[loop.target.name] = loops.get(iterable[0], [iterable[0]]) + iterable[1:]
    uses: list[tuple[list[str], int]] = []
    _variable_uses(ast, uses)
    unknown, said = [], set()
    for path, lineno in uses:
        head = path[0]
        if head in loops and head not in top:
            path = loops[head] + path[1:]
        elif head not in top:
            continue  # a local: loop, set, macro argument
        name = path[0]
        if name in known:
            if len(path) > 1 and any(k.startswith(name + ".") for k in known):
                name = f"{path[0]}.{path[1]}"
        if name not in known and name not in said:
            said.add(name)
            unknown.append((name, lineno))
    return unknown


def _strict_parse(data: bytes) -> str | None:
    parser = etree.XMLParser(recover=False, resolve_entities=False, no_network=True, huge_tree=True)
    try:
        etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        return f"第 {exc.lineno} 行：{exc.msg}" if exc.lineno else str(exc.msg)
    return None


def _template_parts(names: Iterable[str]) -> list[str]:
    parts = [n for n in names if re.fullmatch(r"word/(document|header\d*|footer\d*|footnotes)\.xml", n)]
    return sorted(parts, key=lambda n: (n != "word/document.xml", n))


_DC = "{http://purl.org/dc/elements/1.1/}"
_CORE_LABELS = {"title": "标题", "subject": "主题", "creator": "作者", "description": "备注",
                "identifier": "标识符", "language": "语言"}


def _core_property_problems(where: str, data: bytes | None, known: dict[str, str], env) -> list[str]:
    """docxtpl renders these core properties (文件 > 属性) as templates too."""
    if not data:
        return []
    problems = []
    root = etree.fromstring(data)
    for tag, label in _CORE_LABELS.items():
        element = root.find(_DC + tag)
        text = element.text if element is not None else None
        if not text or not _OPEN.search(text):
            continue
        try:
            ast = env.parse(text)
            env.compile(ast)
        except TemplateSyntaxError as exc:
            problems.append(f"{where} 的文档属性“{label}”（{_short(text)}）中{describe_error(exc)}。请在 Word/WPS 的"
                            "“文件 > 属性”中改正。")
            continue
        for var, _ in _unknown_variables(ast, known, env):
            problems.append(f"{where} 的文档属性“{label}”（{_short(text)}）引用了未知变量“{var}”。请在“文件 > 属性”"
                            "中改正或删除。")
    return problems


def check_template(path: Path, template: str | None = None) -> list[str]:
    """Problems of a template file, as Chinese messages naming the file and what to fix; [] = fine.

    ``template`` is the template it stands for (default: the file name), which fixes the variables
    it may use (``TEMPLATES``)."""
    from docxtpl import DocxTemplate

    path = Path(path)
    template = template or path.name
    where = f"模板 {path}"
    if template not in TEMPLATES:
        return [f"{where}：文件名不是已知的报告模板（{'、'.join(TEMPLATES)}），不会被使用。请按模板名称命名。"]
    known = TEMPLATES[template]
    try:
        with zipfile.ZipFile(path) as zf:
            members = {n: zf.read(n) for n in zf.namelist() if not n.endswith("/")}
    except FileNotFoundError:
        return [f"{where}：文件不存在。"]
    except (zipfile.BadZipFile, OSError) as exc:
        return [f"{where}：不是有效的 .docx 文件（无法作为 zip 打开：{exc}）。请在 Word/WPS 中另存为"
                "“Word 文档 (*.docx)”，或删除该文件以使用默认模板。"]
    problems = []
    for required in ("[Content_Types].xml", "word/document.xml"):
        if required not in members:
            problems.append(f"{where}：缺少部件 {required}，不是完整的 Word 文档。请在 Word/WPS 中另存为 .docx，"
                            "或删除该文件以使用默认模板。")
    for name, data in members.items():
        if name.endswith((".xml", ".rels")):
            error = _strict_parse(data)
            if error:
                problems.append(f"{where}：部件 {name} 不是格式正确的 XML（{error}）。文件已损坏：请在 Word/WPS "
                                "中打开并另存为 .docx，或删除该文件以使用默认模板。")
    if problems:
        return problems

    env = environment()
    patch = DocxTemplate(io.BytesIO()).patch_xml
    for name in _template_parts(members):
        label = f"{where} 的{_part_label(name)}"
        root = etree.fromstring(members[name])
        found = _paragraph_problems(label, root, patch)
        problems += found
        source = patch(etree.tostring(root, encoding="unicode"))
        source = re.sub(r"<w:p([ >])", r"\n<w:p\1", source)
        try:
            ast = env.parse(source)
            env.compile(ast)  # unknown filters and tests surface here (TemplateAssertionError)
        except TemplateSyntaxError as exc:
            text = _line_text(source, exc.lineno)
            problems.append(f"{label}“{text}”处：{describe_error(exc)}。请在 Word/WPS 中改正该段的 {{{{ }}}} 或 {{% %}} 标签。"
                            if text else f"{label}：{describe_error(exc)}。")
            continue
        for var, lineno in _unknown_variables(ast, known, env):
            names = "、".join(k for k in known if "." not in k or k.startswith(var.split(".")[0] + "."))
            problems.append(f"{label}“{_line_text(source, lineno)}”中引用了未知变量“{var}”。请改正拼写或删除；"
                            f"可用的变量有：{names}。")
    problems += _core_property_problems(where, members.get("docProps/core.xml"), known, env)
    if problems:
        return problems

    # Trial render with sample data: runtime errors and XML the template would produce.
    try:
        out = render_file(path, sample_context(template))
    except TemplateProblem as exc:
        return [f"{where}：按示例数据试渲染失败：{exc.message}"]
    with zipfile.ZipFile(io.BytesIO(out)) as zf:
        for name in _template_parts(zf.namelist()):
            error = _strict_parse(zf.read(name))
            if error:
                problems.append(f"{where}：按示例数据试渲染后，{_part_label(name)}不是格式正确的 XML（{error}）。"
                                "通常是标签跨越了表格行、段落或格式：请检查 {%tr %}、{%p %} 标签所在的行或段落。")
    return problems
