"""Skew-aware grouping of detected text boxes into lines (engine-independent)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Sequence

from .results import OcrLine, Quad


def _norm_angle(deg: float) -> float:
    """Angle of an undirected line, in (-90, 90]."""
    deg = math.fmod(deg, 180.0)
    if deg <= -90:
        deg += 180
    elif deg > 90:
        deg -= 180
    return deg


def _weighted_median(values: list[float], weights: list[float]) -> float:
    pairs = sorted(zip(values, weights))
    half = sum(weights) / 2
    acc = 0.0
    for v, w in pairs:
        acc += w
        if acc >= half:
            return v
    return pairs[-1][0]


@dataclass
class _Item:
    text: str
    conf: float
    pts: list[tuple[float, float]]
    x0: float = 0.0  # in the deskewed frame
    x1: float = 0.0
    cy: float = 0.0
    h: float = 0.0
    w: float = 0.0


def _geometry(pts: list[tuple[float, float]]) -> tuple[float, float, float]:
    """(angle of the long axis in degrees, length along it, length across it)."""
    (x0, y0), (x1, y1), (x2, y2), (x3, y3) = pts
    # Mean of opposite edges: robust to a slightly irregular quad.
    ax, ay = ((x1 - x0) + (x2 - x3)) / 2, ((y1 - y0) + (y2 - y3)) / 2
    bx, by = ((x3 - x0) + (x2 - x1)) / 2, ((y3 - y0) + (y2 - y1)) / 2
    la, lb = math.hypot(ax, ay), math.hypot(bx, by)
    if la >= lb:
        return _norm_angle(math.degrees(math.atan2(ay, ax))), la, lb
    return _norm_angle(math.degrees(math.atan2(by, bx))), lb, la


def _dominant_angle(items: list[_Item]) -> float:
    """Text angle from the boxes' orientations: weighted mean around the weighted median.

    Weights grow with the square of a box's length: the orientation of a short box is
    quantised by the detector's resolution, a long one's is precise.
    """
    angles, weights = [], []
    for it in items:
        ang, length, across = _geometry(it.pts)
        if across > 0 and length >= 1.5 * across and abs(ang) <= 30:
            angles.append(ang)
            weights.append(length * length)
    if not angles:
        return 0.0
    median = _weighted_median(angles, weights)
    near = [(a, w) for a, w in zip(angles, weights) if abs(a - median) <= 4.0]
    return sum(a * w for a, w in near) / sum(w for _, w in near)


def _refine_angle(items: list[_Item], angle: float, span: float = 2.0, step: float = 0.1) -> float:
    """Refine ``angle`` (degrees) by the projection profile of the box centres.

    Box centres are projected across the text direction into bins of half the median
    box height; the angle within ``span`` degrees whose profile is sharpest (largest sum
    of squared, width-weighted bin counts) wins.  Needs a handful of boxes.
    """
    if len(items) < 6:
        return angle
    heights = sorted(_geometry(it.pts)[2] for it in items)
    bin_h = max(heights[len(heights) // 2] * 0.5, 1.0)
    centres = [(sum(p[0] for p in it.pts) / 4, sum(p[1] for p in it.pts) / 4, _geometry(it.pts)[1])
               for it in items]
    best, best_score = angle, -1.0
    n = int(round(span / step))
    for k in sorted(range(-n, n + 1), key=abs):
        a = math.radians(angle + k * step)
        c, s = math.cos(a), math.sin(a)
        bins: dict[int, float] = {}
        for x, y, w in centres:
            b = math.floor((-x * s + y * c) / bin_h)
            bins[b] = bins.get(b, 0.0) + w
        score = sum(v * v for v in bins.values())
        if score > best_score * (1 + 1e-9):
            best, best_score = angle + k * step, score
    return best


def _deskew(items: list[_Item], angle: float) -> None:
    """Fill the items' geometry in the frame rotated by minus ``angle``."""
    c, s = math.cos(math.radians(angle)), math.sin(math.radians(angle))
    for it in items:
        rot = [(x * c + y * s, -x * s + y * c) for x, y in it.pts]
        xs = [p[0] for p in rot]
        ys = [p[1] for p in rot]
        it.x0, it.x1 = min(xs), max(xs)
        it.cy = sum(ys) / 4
        _, _, across = _geometry(it.pts)
        # Height across the text direction; a vertical or square box uses its y extent.
        it.h = max(min(across, max(ys) - min(ys)), 1.0)
        it.w = max(it.x1 - it.x0, 1.0)


def group_lines(words: Sequence[tuple[str, float, Quad]], *, space_chars: float = 0.5) -> list[OcrLine]:
    """Group detector boxes ``(text, confidence, quad)`` into lines of a (nearly) upright page.

    1. the dominant text angle (a page scanned a few degrees askew) is estimated from
       the orientations of the wide boxes (weighted mean around the weighted median,
       long boxes counting most), then refined within ±2° by the projection profile
       of the box centres;
    2. box corners are rotated by minus that angle, so lines are horizontal again;
    3. boxes are clustered into lines by vertical overlap relative to their own
       heights (at least half the smaller height; not a fixed pixel band), so a 40-pt
       title and 8-pt table rows group equally well.  A box is compared with the
       horizontally nearest box of a line, so a line that still slopes a little (a
       phone photo's perspective) stays one line; a box that would overlap a line's
       box horizontally starts another line;
    4. lines are ordered top to bottom, boxes left to right, and joined with one space
       where the gap between two boxes is wider than ``space_chars`` characters
       (character width estimated as box width / text length, the narrower of the two
       boxes), with nothing otherwise.  The default, half a character, separates table
       cells and Latin words (a word space is about half a Latin letter's width) but
       never splits a word the detector cut into touching pieces.

    ``quad``: four (x, y) corners in order around the box (any start).  The line's
    ``box`` is the axis-aligned bounding box of its quads; its confidence is the
    character-weighted mean.
    """
    items: list[_Item] = []
    for text, conf, quad in words:
        if not text or not text.strip():
            continue
        pts = [(float(p[0]), float(p[1])) for p in quad]
        if len(pts) != 4:
            raise ValueError("each box needs four corners")
        items.append(_Item(text.strip(), float(conf), pts))
    if not items:
        return []
    angle = _refine_angle(items, _dominant_angle(items))
    _deskew(items, angle)
    items.sort(key=lambda it: (it.cy, it.x0))
    lines: list[list[_Item]] = []
    stats: list[list[float]] = []  # per line: [sum cy, n, top, bottom]
    for it in items:
        top, bottom = it.cy - it.h / 2, it.cy + it.h / 2
        best, best_key = None, None
        for li, members in enumerate(lines):
            st = stats[li]
            if st[3] < top or st[2] > bottom:  # nowhere near vertically
                continue
            if any(min(it.x1, m.x1) - max(it.x0, m.x0) > 0.3 * min(it.w, m.w) for m in members):
                continue  # would sit on top of a box of that line: another line
            # Compare with the horizontally nearest box of the line: lines that still
            # slope a little (residual skew, a photo's perspective) group all the same.
            near = min(members, key=lambda m: max(0.0, m.x0 - it.x1, it.x0 - m.x1))
            overlap = min(bottom, near.cy + near.h / 2) - max(top, near.cy - near.h / 2)
            ratio = overlap / min(it.h, near.h)
            if ratio < 0.5:
                continue
            key = (ratio, -max(0.0, near.x0 - it.x1, it.x0 - near.x1))
            if best_key is None or key > best_key:
                best, best_key = li, key
        if best is None:
            lines.append([it])
            stats.append([it.cy, 1, top, bottom])
        else:
            lines[best].append(it)
            st = stats[best]
            st[0] += it.cy
            st[1] += 1
            st[2] = min(st[2], top)
            st[3] = max(st[3], bottom)
    order = sorted(range(len(lines)), key=lambda i: stats[i][0] / stats[i][1])
    out: list[OcrLine] = []
    for li in order:
        members = sorted(lines[li], key=lambda m: m.x0)
        per_char = [m.w / max(1, len(m.text)) for m in members]
        text = members[0].text
        for prev, cur, cw_prev, cw_cur in zip(members, members[1:], per_char, per_char[1:]):
            gap = cur.x0 - prev.x1
            char_w = min(cw_prev, cw_cur)
            text += (" " if gap > space_chars * char_w else "") + cur.text
        nchars = sum(len(m.text) for m in members)
        conf = sum(m.conf * len(m.text) for m in members) / max(1, nchars)
        xs = [p[0] for m in members for p in m.pts]
        ys = [p[1] for m in members for p in m.pts]
        parts = tuple((m.text, round(m.x0, 1), round(m.cy - m.h / 2, 1), round(m.x1, 1), round(m.cy + m.h / 2, 1))
                      for m in members)
        out.append(OcrLine(text, round(conf, 4), (min(xs), min(ys), max(xs), max(ys)), parts))
    return out
