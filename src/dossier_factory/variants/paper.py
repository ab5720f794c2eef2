"""Page mechanics and Chinese print conventions for the variant corpus.

A :class:`Sheet` is a reportlab canvas in invariant mode (no timestamps) with a flowing cursor:
titles, paragraphs, label/value blocks and tables (ruled or unruled), new pages as needed, and the
synthetic-sample notice at the foot of every page.  The formatting helpers write dates, amounts and
numbers the ways Chinese institutions print them; each returns the text, the truth stays in the
caller's hands (amounts in fen, dates as ``datetime.date``).
"""

from __future__ import annotations

import random
from datetime import date
from pathlib import Path

from ..base import NOTICE, _PDF_FONT, _out, _reportlab, _rmb_upper

FONT = _PDF_FONT
_CN_DIGITS = "〇一二三四五六七八九"


# ---------------------------------------------------------------------------
# formatting
# ---------------------------------------------------------------------------

def cn_num_small(n: int) -> str:
    """1..99 in ordinary Chinese numerals: 12 -> 十二, 31 -> 三十一."""
    if n < 10:
        return "零一二三四五六七八九"[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else "零一二三四五六七八九"[tens]) + "十" + ("" if not ones else "零一二三四五六七八九"[ones])


def fmt_date(d: date, style: str = "cn") -> str:
    """A date as printed. Styles: cn 2025年12月31日, cn1 2025年1月5日, dot 2025.12.31, dash 2025-12-31,
    slash 2025/12/31, upper 二〇二五年十二月三十一日, compact 20251231."""
    if style == "cn":
        return f"{d.year}年{d.month:02d}月{d.day:02d}日"
    if style == "cn1":
        return f"{d.year}年{d.month}月{d.day}日"
    if style == "dot":
        return f"{d:%Y.%m.%d}"
    if style == "dash":
        return d.isoformat()
    if style == "slash":
        return f"{d:%Y/%m/%d}"
    if style == "compact":
        return f"{d:%Y%m%d}"
    if style == "upper":
        year = "".join(_CN_DIGITS[int(ch)] for ch in str(d.year))
        return f"{year}年{cn_num_small(d.month)}月{cn_num_small(d.day)}日"
    raise ValueError(style)


def fmt_year(year: int, style: str = "cn") -> str:
    return "".join(_CN_DIGITS[int(ch)] for ch in str(year)) if style == "upper" else str(year)


def money(fen: int | None, *, unit: str = "元", neg: str = "minus", comma: bool = True, blank_zero: bool = False) -> str:
    """An amount in fen printed in ``unit`` (元 with 2 decimals, 万元 with 2 decimals).

    ``neg``: "minus" -1,234.50, "paren" (1,234.50), "fullminus" －1,234.50.
    """
    if fen is None:
        return ""
    if fen == 0 and blank_zero:
        return "-"
    hundredths = fen if unit == "元" else round_wan(fen)
    sign = hundredths < 0
    whole, cents = divmod(abs(hundredths), 100)
    body = f"{whole:,}.{cents:02d}" if comma else f"{whole}.{cents:02d}"
    if not sign:
        return body
    return {"minus": "-" + body, "paren": f"({body})", "fullminus": "－" + body}[neg]


def round_wan(fen: int) -> int:
    """fen -> hundredths of 万元, rounded half away from zero (as spreadsheets round)."""
    q, r = divmod(abs(fen), 10_000)
    q += r >= 5_000
    return q if fen >= 0 else -q


def yuan(fen: int, unit: str = "元"):
    """The truth of an amount printed by :func:`money`: yuan, int when whole."""
    value = fen if unit == "元" else round_wan(fen) * 10_000
    return value // 100 if value % 100 == 0 else round(value / 100, 2)


def wan_text(yuan_amount: int) -> str:
    """5000000 -> 500万元; 12500000 -> 1250万元; 1050000 -> 105万元."""
    w = yuan_amount / 10_000
    return f"{w:g}万元"


def upper_amount(yuan_amount: int) -> str:
    return _rmb_upper(yuan_amount * 100)


def spaced(label: str, width: int = 4) -> str:
    """Letter-spaced label: 姓名 -> 姓　　名 (full-width spaces up to ``width`` characters)."""
    if len(label) >= width or len(label) < 2:
        return label
    gaps = len(label) - 1
    total = width - len(label)
    out = label[0]
    for i, ch in enumerate(label[1:]):
        n = total // gaps + (1 if i < total % gaps else 0)
        out += "　" * n + ch
    return out


def pick(rng: random.Random, *options):
    return rng.choice(options)


# ---------------------------------------------------------------------------
# the sheet
# ---------------------------------------------------------------------------

class Sheet:
    """A PDF being written top to bottom; ``y`` is the cursor (points from the bottom)."""

    def __init__(self, path, title: str, *, landscape: bool = False, margin: float = 56):
        rl = _reportlab()
        size = rl.pagesizes.landscape(rl.pagesizes.A4) if landscape else rl.pagesizes.A4
        self.path = _out(path)
        self.c = rl.canvas.Canvas(str(self.path), pagesize=size, invariant=1)
        self.c.setTitle(title)
        self.c.setAuthor("dossier_factory.variants")
        self.c.setCreator("dossier_factory.variants")
        self.c.setSubject(NOTICE)
        self.w, self.h = size
        self.margin = margin
        self.y = self.h - margin
        self.page = 1

    # -- primitives --
    def text(self, x: float, y: float, s: str, size: float = 11, align: str = "l") -> None:
        self.c.setFont(FONT, size)
        {"l": self.c.drawString, "c": self.c.drawCentredString, "r": self.c.drawRightString}[align](x, y, s)

    def width(self, s: str, size: float) -> float:
        return _reportlab().pdfmetrics.stringWidth(s, FONT, size)

    def wrap(self, s: str, width: float, size: float) -> list[str]:
        lines, line = [], ""
        for ch in s:
            if line and self.width(line + ch, size) > width:
                lines.append(line)
                line = ""
            line += ch
        return lines + [line] if line or not lines else lines

    def need(self, height: float) -> None:
        if self.y - height < 40:
            self.new_page()

    def new_page(self) -> None:
        self._footer()
        self.c.showPage()
        self.page += 1
        self.y = self.h - self.margin

    def _footer(self) -> None:
        self.c.setFillGray(0.45)
        self.text(self.w / 2, 12, f"{NOTICE}  第{self.page}页", 6.5, "c")
        self.c.setFillGray(0)

    def finish(self) -> Path:
        self._footer()
        self.c.showPage()
        self.c.save()
        return self.path

    # -- flow --
    def gap(self, h: float = 8) -> None:
        self.y -= h

    def title(self, s: str, size: float = 18, gap: float = 10) -> None:
        self.need(size + gap)
        self.y -= size
        self.text(self.w / 2, self.y, s, size, "c")
        self.y -= gap

    def line(self, s: str, size: float = 10.5, x: float | None = None, align: str = "l", lead: float = 1.6) -> None:
        self.need(size * lead)
        self.y -= size * lead
        if align == "r":
            self.text(self.w - self.margin if x is None else x, self.y, s, size, "r")
        elif align == "c":
            self.text(self.w / 2, self.y, s, size, "c")
        else:
            self.text(self.margin if x is None else x, self.y, s, size)

    def pair(self, left: str, right: str, size: float = 10) -> None:
        """One line with text at both margins (e.g. 编制单位 … 单位：元)."""
        self.need(size * 1.7)
        self.y -= size * 1.7
        self.text(self.margin, self.y, left, size)
        self.text(self.w - self.margin, self.y, right, size, "r")

    def para(self, s: str, size: float = 10.5, indent: bool = True, lead: float = 1.75) -> None:
        body = ("　　" if indent else "") + s
        for part in self.wrap(body, self.w - 2 * self.margin, size):
            self.line(part, size, lead=lead)

    def kv(self, rows: list[tuple[str, str]], *, label_w: float = 90, size: float = 10.5, x: float | None = None,
           sep: str = "", lead: float = 1.9) -> None:
        """Unruled label/value lines (licences, certificates); values wrap under themselves."""
        x = self.margin if x is None else x
        avail = self.w - self.margin - x - label_w
        for label, value in rows:
            parts = self.wrap(value, avail, size) if value else [""]
            self.need(size * lead * len(parts))
            self.y -= size * lead
            self.text(x, self.y, label + sep, size)
            for k, part in enumerate(parts):
                if k:
                    self.y -= size * lead * 0.8
                self.text(x + label_w, self.y, part, size)

    def table(self, rows: list[list[str]], widths: list[float], *, ruled: bool = True, size: float = 8.5,
              row_h: float = 16, aligns: str | None = None, x: float | None = None, header_rows: int = 1) -> None:
        """A table; breaks across pages repeating its header rows. Cells wrap when too wide."""
        x = self.margin if x is None else x
        total = sum(widths)
        widths = [w * (self.w - self.margin - x) / total for w in widths]
        aligns = aligns or "l" * len(widths)
        header = rows[:header_rows]
        body = rows[header_rows:]
        self._table_rows(header, widths, ruled, size, row_h, aligns, x, top_rule=True)
        for row in body:
            h = self._row_height(row, widths, size, row_h)
            if self.y - h < 40:
                self.new_page()
                self._table_rows(header, widths, ruled, size, row_h, aligns, x, top_rule=True)
            self._table_rows([row], widths, ruled, size, row_h, aligns, x)
        if not ruled:
            self.c.setLineWidth(0.8)
            self.c.line(x, self.y, x + sum(widths), self.y)
        self.y -= 4

    def _row_height(self, row, widths, size, row_h) -> float:
        n = max(len(self.wrap(cell or "", w - 6, size)) for cell, w in zip(row, widths))
        return max(row_h, n * (size + 3) + 5)

    def _table_rows(self, rows, widths, ruled, size, row_h, aligns, x, top_rule=False) -> None:
        xs = [x]
        for w in widths:
            xs.append(xs[-1] + w)
        self.c.setLineWidth(0.6 if ruled else 0.8)
        for row in rows:
            h = self._row_height(row, widths, size, row_h)
            top = self.y
            if ruled or top_rule:
                self.c.line(x, top, xs[-1], top)
            bottom = top - h
            if ruled:
                self.c.line(x, bottom, xs[-1], bottom)
                for cx in xs:
                    self.c.line(cx, top, cx, bottom)
            for col, cell in enumerate(row):
                if not cell:
                    continue
                parts = self.wrap(cell, widths[col] - 6, size)
                a = aligns[col] if col < len(aligns) else "l"
                tx = {"l": xs[col] + 3, "c": (xs[col] + xs[col + 1]) / 2, "r": xs[col + 1] - 3}[a]
                base = top - (h - len(parts) * (size + 3)) / 2 - size
                for k, part in enumerate(parts):
                    self.text(tx, base - k * (size + 3) + 1, part, size, a)
            self.y = bottom
            top_rule = False

    def seal(self, cx: float, cy: float, text: str, r: float = 38) -> None:
        """An outline of a round seal (red), the name on its rim is not drawn as text (seals are images)."""
        self.c.saveState()
        self.c.setStrokeColorRGB(0.8, 0.1, 0.1)
        self.c.setLineWidth(1.6)
        self.c.circle(cx, cy, r)
        self.c.circle(cx, cy, r * 0.2)
        self.c.restoreState()

    def signature_block(self, lines: list[str], size: float = 10.5) -> None:
        for s in lines:
            self.line(s, size, x=self.w - self.margin - 230)
