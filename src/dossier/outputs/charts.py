"""Charts of the evaluation-report draft (rules 第十六、十九条), drawn with matplotlib to PNG.

* ``revenue_chart``: 营业收入 and 净利润 per fiscal year (bars, in 万元);
* ``ratio_chart``: 资产负债率 (bars, %, left axis) and 流动比率 (line, times, right axis) per year.

A value that is missing or in review (None) is never drawn as zero: its bar or point is left out and
the year is labelled "缺数据". Chinese text (titles, axes, legend) needs a CJK font found offline on the
machine: ``cjk_font`` asks fontconfig for one of the families the project installs
(``deploy/apt-packages.txt``: fonts-wqy-microhei), then tries known paths, and keeps a file only
when it really has Chinese glyphs (fontconfig falls back silently to DejaVu, which has none; design
section 6). Without one, ``ChartFontMissing`` names the fix; nothing is drawn with boxes.

Deterministic: the Agg backend, a fixed size and dpi, no "Software" metadata: the same figures give
the same PNG bytes on the same machine and library versions.
"""

from __future__ import annotations

import io
import shutil
import subprocess
import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from dossier.errors import ChartFontMissing

#: Families asked of fontconfig, in order (the first is the one deploy/apt-packages.txt installs).
CJK_FAMILIES = ("WenQuanYi Micro Hei", "WenQuanYi Zen Hei", "Noto Sans CJK SC", "Source Han Sans SC",
                "Droid Sans Fallback")
#: Known places of CJK fonts when fontconfig is absent or finds none of them.
CJK_PATHS = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
)
#: Characters a font must draw to count as Chinese (a title's own).
PROBE = "营业收入净利润资产负债率流动比率"
FIX = ("图表中的中文需要中文字体，本机未找到。请安装项目自带的系统依赖（`make sysdeps`，即 deploy/apt-packages.txt "
       "中的 fonts-wqy-microhei：`sudo apt-get install fonts-wqy-microhei`），然后重新生成报告。")
WIDTH_IN, HEIGHT_IN, DPI = 6.4, 3.0, 150
COLOURS = ("#1F4E79", "#C55A11", "#548235")


@dataclass(frozen=True)
class Picture:
    """A PNG to place into a report at ``width_mm``; ``render_file`` turns it into a docxtpl InlineImage.
    Its bytes are not part of what the report says (``content_digest``): the figures it draws are."""

    png: bytes
    width_mm: float = 160.0

    def __repr__(self) -> str:
        return f"Picture({len(self.png)} bytes)"


def has_cjk_glyphs(path: str | Path) -> bool:
    """Whether the font file draws every character of PROBE (the first face of a .ttc)."""
    from matplotlib.ft2font import FT2Font

    try:
        font = FT2Font(str(path))
    except (OSError, RuntimeError, ValueError):
        return False
    return all(font.get_char_index(ord(ch)) for ch in PROBE)


def _fontconfig_matches() -> list[str]:
    fc_match = shutil.which("fc-match")
    if not fc_match:
        return []
    found = []
    for family in CJK_FAMILIES:
        try:
            out = subprocess.run([fc_match, "-f", "%{file}", family], capture_output=True, text=True,
                                 timeout=10).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            continue
        if out:
            found.append(out)
    return found


@lru_cache(maxsize=1)
def cjk_font() -> Path:
    """A font file on this machine that really draws Chinese; ChartFontMissing (naming the fix) if none."""
    for candidate in (*_fontconfig_matches(), *CJK_PATHS):
        if Path(candidate).is_file() and has_cjk_glyphs(candidate):
            return Path(candidate)
    raise ChartFontMissing(FIX)


def warm() -> threading.Thread:
    """Import matplotlib and find the font in a background thread: seconds on a cold start, spent while
    the pipeline reads the batch (in its reader process) rather than when the first draft is drawn."""
    def run() -> None:
        try:
            import matplotlib.backends.backend_agg  # noqa: F401
            import matplotlib.figure  # noqa: F401

            cjk_font()
        except Exception:  # drawing says what is wrong, in its own time
            pass

    thread = threading.Thread(target=run, name="dossier-charts-warm", daemon=True)
    thread.start()
    return thread


def forget() -> None:
    """Drop what this process remembers: the font found and the charts drawn (after installing a font)."""
    cjk_font.cache_clear()
    _revenue_png.cache_clear()
    _ratio_png.cache_clear()


def _figure():
    from matplotlib import font_manager
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(WIDTH_IN, HEIGHT_IN), dpi=DPI)
    FigureCanvasAgg(fig)  # the Agg backend for this figure alone: no pyplot, no process-wide backend switch
    fig.set_facecolor("white")
    fig.subplots_adjust(left=0.1, right=0.9, top=0.88, bottom=0.26)  # fixed: no layout pass to pay for
    return fig, font_manager.FontProperties(fname=str(cjk_font()), size=9)


def _png(fig) -> bytes:
    out = io.BytesIO()
    fig.savefig(out, format="png", dpi=DPI, metadata={"Software": None}, facecolor="white")
    return out.getvalue()


def _style_axes(ax, font, years: list[str]) -> None:
    ax.set_xticks(range(len(years)))
    ax.set_xticklabels([f"{y} 年" for y in years], fontproperties=font)
    for label in ax.get_yticklabels():
        label.set_fontproperties(font)
    ax.spines["top"].set_visible(False)
    ax.grid(axis="y", color="#DDDDDD", linewidth=0.6)
    ax.set_axisbelow(True)


def _missing_marks(ax, font, positions: list[float]) -> None:
    for x in positions:
        ax.annotate("缺数据", (x, 0), xytext=(0, 4), textcoords="offset points", ha="center", va="bottom",
                    fontproperties=font, color="#7F7F7F")


def _legend(ax, font, *handles_labels) -> None:
    """Below the x axis, so it never covers a bar or a point."""
    ax.legend(*handles_labels, prop=font, loc="upper center", bbox_to_anchor=(0.5, -0.13), frameon=False, ncols=2)


def _no_years(ax, font) -> None:
    ax.text(0.5, 0.5, "无可用数据", transform=ax.transAxes, ha="center", va="center", fontproperties=font,
            color="#7F7F7F")
    ax.set_xticks([])
    ax.set_yticks([])


def revenue_chart(years: list[str], revenue: list[float | None], net_profit: list[float | None]) -> Picture:
    """营业收入 and 净利润 (yuan; drawn in 万元) per year, as paired bars. None: not drawn, "缺数据"."""
    return Picture(_revenue_png(tuple(years), tuple(revenue), tuple(net_profit)))


def ratio_chart(years: list[str], debt_ratio: list[float | None], current_ratio: list[float | None],
                *, debt_limit: float | None = None, current_floor: float | None = None) -> Picture:
    """资产负债率 (fractions, drawn as %; bars on the left axis) and 流动比率 (times; a line on the right
    axis) per year, with the warning thresholds as dashed lines when given. None: not drawn, "缺数据"."""
    return Picture(_ratio_png(tuple(years), tuple(debt_ratio), tuple(current_ratio), debt_limit, current_floor))


# Drawing is the slow part of a report (a few tenths of a second per chart): the same figures (most new
# versions of a dossier add no statement) give the same PNG, drawn once per process.
@lru_cache(maxsize=64)
def _revenue_png(years: tuple, revenue: tuple, net_profit: tuple) -> bytes:
    fig, font = _figure()
    ax = fig.add_subplot()
    ax.set_title("营业收入与净利润（万元）", fontproperties=font, fontsize=11)
    if not years:
        _no_years(ax, font)
    else:
        width, missing = 0.36, []
        for offset, values, label, colour in ((-width / 2, revenue, "营业收入", COLOURS[0]),
                                              (width / 2, net_profit, "净利润", COLOURS[1])):
            xs = [i + offset for i, v in enumerate(values) if v is not None]
            hs = [v / 10_000 for v in values if v is not None]
            bars = ax.bar(xs, hs, width, label=label, color=colour)
            ax.bar_label(bars, fmt="{:,.0f}", fontproperties=font, fontsize=7, padding=2)
            missing += [i + offset for i, v in enumerate(values) if v is None]
        ax.axhline(0, color="#404040", linewidth=0.8)
        _missing_marks(ax, font, missing)
        _style_axes(ax, font, years)
        ax.set_ylabel("万元", fontproperties=font)
        ax.spines["right"].set_visible(False)
        _legend(ax, font)
        ax.margins(y=0.15)
    return _png(fig)


@lru_cache(maxsize=64)
def _ratio_png(years: tuple, debt_ratio: tuple, current_ratio: tuple, debt_limit: float | None,
               current_floor: float | None) -> bytes:
    fig, font = _figure()
    ax = fig.add_subplot()
    ax.set_title("资产负债率与流动比率", fontproperties=font, fontsize=11)
    if not years:
        _no_years(ax, font)
        return _png(fig)
    xs = [i for i, v in enumerate(debt_ratio) if v is not None]
    bars = ax.bar(xs, [debt_ratio[i] * 100 for i in xs], 0.45, color=COLOURS[0], label="资产负债率（%，左轴）")
    ax.bar_label(bars, fmt="{:.1f}%", fontproperties=font, fontsize=7, padding=2)
    ax.set_ylabel("资产负债率（%）", fontproperties=font)
    ax.set_ylim(0, max([100.0] + [debt_ratio[i] * 110 for i in xs]))
    if debt_limit is not None:
        ax.axhline(debt_limit * 100, color=COLOURS[0], linestyle="--", linewidth=0.8)
    _style_axes(ax, font, years)
    right = ax.twinx()
    points = [(i, v) for i, v in enumerate(current_ratio) if v is not None]
    if points:
        right.plot([i for i, _ in points], [v for _, v in points], color=COLOURS[1], marker="o", linewidth=1.6,
                   label="流动比率（倍，右轴）")
        for i, v in points:
            right.annotate(f"{v:.2f}", (i, v), xytext=(0, 6), textcoords="offset points", ha="center",
                           fontproperties=font, fontsize=7, color=COLOURS[1],
                           bbox={"boxstyle": "round,pad=0.15", "facecolor": "white", "edgecolor": "none"})
    if current_floor is not None:
        right.axhline(current_floor, color=COLOURS[1], linestyle="--", linewidth=0.8)
    top = max([2.0] + [v * 1.25 for _, v in points] + ([current_floor * 1.25] if current_floor else []))
    right.set_ylim(0, top)
    right.set_ylabel("流动比率（倍）", fontproperties=font)
    for label in right.get_yticklabels():
        label.set_fontproperties(font)
    right.spines["top"].set_visible(False)
    missing = sorted({float(i) for i, v in enumerate(debt_ratio) if v is None}
                     | {float(i) for i, v in enumerate(current_ratio) if v is None})
    _missing_marks(ax, font, missing)
    handles = ax.get_legend_handles_labels()
    more = right.get_legend_handles_labels()
    _legend(ax, font, handles[0] + more[0], handles[1] + more[1])
    return _png(fig)
