"""click in Chinese: its own strings (usage, help, errors) and the parameter types of dossier's options.

click marks every message it prints with ``gettext`` (``from gettext import gettext as _`` in each
module, looked up when the message is made). :func:`install` points those names at a fixed
Chinese table, so the translation does not depend on the machine's locale or on ``.mo`` files;
a message missing from the table stays in English (and ``tests/test_cli_zh.py`` notices). The
command classes put Chinese placeholders where click writes ``[OPTIONS]``, ``COMMAND`` or ``TEXT``.
The parameter types call the library's parsers (:mod:`dossier.inputs`, :mod:`dossier.lookup`), so a
web form refuses the same values with the same words.
"""

from __future__ import annotations

import importlib
import re
import unicodedata

import click

from dossier.errors import DossierError

#: click's messages (msgid, as in click's source) -> Chinese. Placeholders keep click's names.
MESSAGES: dict[str, str] = {
    "Usage:": "用法：",
    "Options": "选项",
    "Commands": "命令",
    "Positional arguments": "参数",
    "Show this message and exit.": "显示此帮助并退出。",
    "Show the version and exit.": "显示版本并退出。",
    "%(prog)s, version %(version)s": "%(prog)s，版本 %(version)s",
    "Error: {message}": "错误：{message}",
    "Try '{command} {option}' for help.": "运行“{command} {option}”查看帮助。",
    "Aborted!": "已中止。",
    "deprecated": "已弃用",
    "Missing command.": "缺少命令。",
    "Missing argument": "缺少参数",
    "Missing option": "缺少选项",
    "Missing parameter": "缺少参数",
    "Missing {param_type}": "缺少{param_type}",
    "Missing parameter: {param_name}": "缺少参数：{param_name}",
    "No such option {name!r}.": "没有选项“{name}”。",
    "No such command {name!r}.": "没有命令“{name}”。",
    "Did you mean {possibility}?": "您是否要用 {possibility}？",
    "(Did you mean one of: {possibilities}?)": "（您是否要用其中之一：{possibilities}？）",
    "Got unexpected extra argument ({args})": "多余的参数（{args}）",
    "Got unexpected extra arguments ({args})": "多余的参数（{args}）",
    "Invalid value: {message}": "取值无效：{message}",
    "Invalid value for {param_hint}: {message}": "{param_hint} 的取值无效：{message}",
    "unknown error": "未知错误",
    "Could not open file {filename!r}: {message}": "无法打开文件“{filename}”：{message}",
    "Option {name!r} does not take a value.": "选项“{name}”不需要取值。",
    "Option {name!r} requires an argument.": "选项“{name}”需要一个取值。",
    "Option {name!r} requires {nargs} arguments.": "选项“{name}”需要 {nargs} 个取值。",
    "Argument {name!r} takes {nargs} values.": "参数“{name}”需要 {nargs} 个取值。",
    "Invalid start character for option ({option})": "选项的开头字符无效（{option}）",
    "Takes {nargs} values but 1 was given.": "需要 {nargs} 个取值，只给了 1 个。",
    "Takes {nargs} values but {len} were given.": "需要 {nargs} 个取值，给了 {len} 个。",
    "Value must be an iterable.": "取值必须是一组值。",
    "env var: {var}": "环境变量：{var}",
    "default: {default}": "默认：{default}",
    "required": "必填",
    "(dynamic)": "（动态）",
    "Choose from:\n\t{choices}": "可选：\n\t{choices}",
    "{value!r} is not {choice}.": "“{value}”不是 {choice}。",
    "{value!r} is not one of {choices}.": "“{value}”不是可选值之一：{choices}。",
    "Choice({choices})": "可选值（{choices}）",
    "{value!r} does not match the format {format}.": "“{value}”不是有效日期，格式应为 {format}（如 2026-03-31）。",
    "{value!r} does not match the formats {formats}.": "“{value}”不是有效日期，格式应为 {formats} 之一。",
    "{value!r} is not a valid {number_type}.": "“{value}”不是有效的数字。",
    "{value} is not in the range {range}.": "{value} 不在范围 {range} 内。",
    "{value!r} is not a valid boolean. Recognized values: {states}": "“{value}”不是有效的是/否取值。可用：{states}",
    "{value!r} is not a valid UUID.": "“{value}”不是有效的 UUID。",
    "{len_type} values are required, but {len_value} was given.": "需要 {len_type} 个取值，只给了 {len_value} 个。",
    "{len_type} values are required, but {len_value} were given.": "需要 {len_type} 个取值，给了 {len_value} 个。",
    "file": "文件",
    "directory": "文件夹",
    "path": "路径",
    "{name} {filename!r} does not exist.": "{name}“{filename}”不存在。",
    "{name} {filename!r} is a file.": "{name}“{filename}”是文件，不是文件夹。",
    "{name} {filename!r} is a directory.": "{name}“{filename}”是文件夹，不是文件。",
    "{name} {filename!r} is not readable.": "{name}“{filename}”无法读取（没有权限）。",
    "{name} {filename!r} is not writable.": "{name}“{filename}”无法写入（没有权限）。",
    "{name} {filename!r} is not executable.": "{name}“{filename}”不可执行。",
    "Do you want to continue?": "是否继续？",
    "Confirm the action without prompting.": "不再询问，直接确认。",
    "Repeat for confirmation": "请再输入一次以确认",
    "Error: The two entered values do not match.": "错误：两次输入不一致。",
    "Error: invalid input": "错误：输入无效",
    "Press any key to continue...": "按任意键继续…",
}

#: Placeholders of option values by click type name (``TEXT`` -> 文字).
METAVARS = {"text": "文字", "integer": "整数", "float": "数字", "boolean": "是/否", "integer range": "整数",
            "float range": "数字", "文件": "文件", "文件夹": "文件夹", "路径": "路径"}

_MODULES = ("core", "decorators", "exceptions", "formatting", "parser", "types", "termui", "utils",
            "shell_completion", "_termui_impl")


def gettext(message: str) -> str:
    return MESSAGES.get(message, message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return gettext(singular if n == 1 else plural)


def install() -> None:
    """Make click speak Chinese in this process (idempotent)."""
    for name in _MODULES:
        try:
            module = importlib.import_module(f"click.{name}")
        except ImportError:  # a module of another platform or version
            continue
        if hasattr(module, "_"):
            module._ = gettext
        if hasattr(module, "ngettext"):
            module.ngettext = ngettext
    missing = click.exceptions.MissingParameter
    if not getattr(missing.format_message, "zh", False):  # click ends "Missing argument 'X'" with "."
        english = missing.format_message

        def format_message(self) -> str:
            return _MISSING.sub(_missing_zh, english(self), count=1)

        format_message.zh = True
        missing.format_message = format_message


#: What click makes of "Missing argument 'X'." once its words are Chinese: the hint quoted as Chinese is.
_MISSING = re.compile(r"^(缺少[^ .']*)((?: '[^']*'(?: / '[^']*')*)?)\.")


def _missing_zh(m: re.Match) -> str:
    return m.group(1) + " / ".join(f"“{name}”" for name in re.findall(r"'([^']*)'", m.group(2))) + "。"


def width(text: str) -> int:
    """Columns ``text`` takes in a terminal: Chinese characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


_NO_LINE_START = set("。，、；：？！）」』”’》")  # closing punctuation stays at the end of its line
_TOKEN = re.compile(r"[0-9A-Za-z_\-./%:=<>'\"`|\[\]()]+|\s+|.")


def wrap(text: str, columns: int) -> list[str]:
    """Lines of at most ``columns`` terminal columns; Latin words and numbers stay whole."""
    lines: list[str] = []
    for paragraph in text.splitlines() or [""]:
        line, used = "", 0
        for token in _TOKEN.findall(" ".join(paragraph.split())):
            w = width(token)
            if used + w > columns and line.strip() and token not in _NO_LINE_START:
                lines.append(line.rstrip())
                line, used = ("", 0) if token.isspace() else (token, w)
                continue
            line, used = line + token, used + w
        lines.append(line.rstrip())
    return lines


class Formatter(click.HelpFormatter):
    """Help laid out by terminal columns (a Chinese character takes two), headings with ``：``."""

    def write_heading(self, heading: str) -> None:
        self.write(f"{'':>{self.current_indent}}{heading}：\n")

    def write_text(self, text: str) -> None:
        indent = " " * self.current_indent
        for paragraph in text.split("\n\n"):
            keep = paragraph.startswith("\b")  # click's mark: keep these lines as written
            body = paragraph.removeprefix("\b").strip("\n")
            for line in (body.splitlines() if keep else wrap(body, max(self.width - self.current_indent, 20))):
                self.write(f"{indent}{line}\n" if line else "\n")
            self.write("\n")
        self.buffer[-1] = self.buffer[-1].removesuffix("\n")

    def write_dl(self, rows, col_max: int = 30, col_spacing: int = 2) -> None:
        rows = list(rows)
        first_col = min(max((width(r[0]) for r in rows), default=0), col_max) + col_spacing
        for first, second in rows:
            self.write(f"{'':>{self.current_indent}}{first}")
            if not second:
                self.write("\n")
                continue
            if width(first) <= first_col - col_spacing:
                self.write(" " * (first_col - width(first)))
            else:
                self.write("\n" + " " * (first_col + self.current_indent))
            lines = wrap(second, max(self.width - first_col - self.current_indent - 2, 10))
            self.write(f"{lines[0]}\n")
            for line in lines[1:]:
                self.write(f"{'':>{first_col + self.current_indent}}{line}\n")


class Context(click.Context):
    formatter_class = Formatter


class Command(click.Command):
    """A command whose usage line and option placeholders are Chinese."""

    context_class = Context

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("options_metavar", "[选项]")
        super().__init__(*args, **kwargs)
        _chinese_metavars(self.params)


class Group(click.Group):
    """A group of Chinese commands (sub-groups are of the same class)."""

    command_class = Command
    group_class = type
    context_class = Context

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("options_metavar", "[选项]")
        kwargs.setdefault("subcommand_metavar", "命令 [参数]...")
        super().__init__(*args, **kwargs)
        _chinese_metavars(self.params)


def _chinese_metavars(params) -> None:
    for p in params:
        if isinstance(p, click.Option) and p.metavar is None and not p.is_flag:
            if isinstance(p.type, (click.Choice, click.DateTime)) or getattr(p.type, "zh_metavar", None):
                continue  # they name their own values
            p.metavar = METAVARS.get(p.type.name, p.type.name.upper())


# --- parameter types: the library's parsers, refusals as click usage errors in Chinese ----------------

class _LibraryType(click.ParamType):
    zh_metavar = "值"

    def get_metavar(self, param, ctx=None):
        return self.zh_metavar

    def parse(self, value):
        raise NotImplementedError

    def convert(self, value, param, ctx):
        if not isinstance(value, str):
            return value
        try:
            use_rules = getattr(ctx.find_root().obj, "use_rules", None) if ctx is not None else None
            if use_rules is not None:
                use_rules()  # the home's own rule files name the vocabularies and bounds
            return self.parse(value)
        except DossierError as exc:
            raise click.UsageError(exc.message, ctx) from None


class DateType(_LibraryType):
    """A real day, ``YYYY-MM-DD`` (a ``datetime.date``)."""

    name = "date"
    zh_metavar = "YYYY-MM-DD"

    def __init__(self, option: str):
        self.option = option

    def parse(self, value):
        from dossier.inputs import parse_date

        return parse_date(value, self.option)


class AmountType(_LibraryType):
    name = "amount"
    zh_metavar = "金额"

    def parse(self, value):
        from dossier.inputs import parse_amount

        return parse_amount(value, "--amount")


class TermType(_LibraryType):
    name = "term"
    zh_metavar = "月数"

    def parse(self, value):
        from dossier.inputs import parse_term

        return parse_term(value, "--term-months")


class VocabularyType(_LibraryType):
    """An id of a vocabulary (products, document types, statuses) given as the id or a Chinese name."""

    name = "vocabulary"

    def __init__(self, kind: str, option: str, metavar: str):
        self.kind, self.option, self.zh_metavar = kind, option, metavar

    def vocabulary(self):
        from dossier import lookup

        return getattr(lookup, self.kind)(self.option)

    def parse(self, value):
        return self.vocabulary().resolve(value)


__all__ = ["MESSAGES", "AmountType", "Command", "DateType", "Group", "TermType", "VocabularyType", "install"]
