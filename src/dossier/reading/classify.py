"""Document type from text: pure, driven by ``rules/doctypes.toml``.

Matching works on a *folded, compact* form of each line: NFC, full-width ASCII
letters/digits/punctuation folded to half-width (one character for one, so
positions still map back to the original), and whitespace removed, which
undoes letter-spaced labels (``名　　称``, ``名 称`` -> ``名称``).  The original
text is never rewritten: values are always sliced out of it (see fields.py).

Score of a type = best title occurrence (heaviest at the top of page 1)
+ form codes + keywords (each counted once, capped) - anti-keywords.
A title occurrence that lies inside a longer title of another type (资产负债表
inside 预计资产负债表) does not count.  Titles at the top of page 1 also match
with one wrong, missing or extra character (OCR noise), at a lower weight.

``confidence`` is calibrated so that < 0.6 (``review_below`` in thresholds.toml) means a person must review: it needs
both a strong score (in practice a title near the top of page 1 plus some
keywords) and a clear lead over the runner-up.
"""

from __future__ import annotations

import math
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from dossier.rules import Classifier, DocType, DocTypeRules, load_doctypes

__all__ = ["Classification", "Line", "classify", "fold", "compact", "split_lines"]

# Every score and threshold of the classifier is in rules/thresholds.toml ([classifier]).


# ---------------------------------------------------------------------------
# Text preparation (shared with fields.py)
# ---------------------------------------------------------------------------

_FOLD = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)}
_FOLD.update({0x3000: 0x20, 0x00A0: 0x20, 0xFFE5: 0x00A5, 0x2212: 0x2D, 0xFE63: 0x2D, 0x2002: 0x20,
              0x2003: 0x20, 0x2009: 0x20, 0x200B: 0x20, 0x3007: 0x3007})


def fold(text: str) -> str:
    """NFC, then full-width ASCII -> half-width and odd spaces -> space, one char for one."""
    return unicodedata.normalize("NFC", text).translate(_FOLD)


@dataclass(frozen=True)
class Line:
    """One line of text in three forms, with positions mapping compact -> original."""

    original: str  # NFC text as read
    folded: str  # fold(original), same length
    compact: str  # folded without whitespace
    index: tuple[int, ...]  # index[i] = position in original of compact[i]
    starts: frozenset[int]  # compact positions where a whitespace-separated token starts
    page: int  # 0-based page number
    number: int  # 0-based line number within the page (non-empty lines only)

    def slice(self, start: int, end: int) -> str:
        """Original text of compact[start:end], inner whitespace collapsed sensibly."""
        if start >= end:
            return ""
        raw = self.original[self.index[start]:self.index[end - 1] + 1]
        return _collapse(raw)


def _collapse(raw: str) -> str:
    """Remove whitespace except a single space between two ASCII letters/digits."""
    out: list[str] = []
    pending = False
    for ch in raw:
        if ch.isspace() or ch == "\u3000":
            pending = True
            continue
        if pending and out and out[-1].isascii() and out[-1].isalnum() and ch.isascii() and ch.isalnum():
            out.append(" ")
        pending = False
        out.append(ch)
    return "".join(out)


def compact(text: str) -> str:
    """fold(text) without any whitespace."""
    return "".join(fold(text).split())


def _make_line(original: str, page: int, number: int) -> Line:
    folded = fold(original)
    chars, index, starts = [], [], set()
    prev_space = True
    for pos, ch in enumerate(folded):
        if ch.isspace():
            prev_space = True
            continue
        if prev_space:
            starts.add(len(chars))
        prev_space = False
        chars.append(ch)
        index.append(pos)
    return Line(original, folded, "".join(chars), tuple(index), frozenset(starts), page, number)


def split_lines(pages: list[str] | tuple[str, ...]) -> list[Line]:
    """Non-empty lines of all pages, in order."""
    lines = []
    for p, text in enumerate(pages):
        n = 0
        for raw in unicodedata.normalize("NFC", text or "").splitlines():
            if raw.strip():
                lines.append(_make_line(raw, p, n))
                n += 1
    return lines


# ---------------------------------------------------------------------------
# Classification
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Classification:
    doc_type: str
    confidence: float  # 0..1; below review_below (thresholds.toml) a person must review
    scores: dict[str, float]  # raw score per type that scored above zero, best first
    reasons: tuple[str, ...]  # why (Chinese), for the chosen type


@lru_cache(maxsize=4096)
def _norm(s: str) -> str:
    return compact(s)


def _within(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return b[0] <= a[0] and a[1] <= b[1] and (a != b)


def _occurrences(text: str, needle: str) -> list[int]:
    out, start = [], text.find(needle)
    while start >= 0:
        out.append(start)
        start = text.find(needle, start + 1)
    return out


def _fuzzy_find(text: str, needle: str) -> bool:
    """``needle`` occurs in ``text`` with at most one substitution, insertion or deletion."""
    n = len(needle)
    if n < 4 or len(text) < n - 1:
        return False
    # Sellers' algorithm (approximate substring matching), k = 1.
    prev = [0] * (len(text) + 1)
    for i in range(1, n + 1):
        cur = [i] + [0] * len(text)
        c = needle[i - 1]
        for j in range(1, len(text) + 1):
            cur[j] = min(prev[j - 1] + (text[j - 1] != c), prev[j] + 1, cur[j - 1] + 1)
        prev = cur
    return min(prev) <= 1


def _title_weight(line: Line, title: str, c: Classifier) -> float:
    short = len(line.compact) <= 2 * len(title) + 14
    if line.page == 0 and line.number < c.top_lines:
        weight = c.title_top * (1.0 if line.number < 3 else 0.8)
        return weight if short else weight * 0.45
    if line.page == 0:
        return c.title_page1 if short else c.title_page1 * 0.5
    return c.title_later_top if short else 0.0


def _title_scores(lines: list[Line], rules: DocTypeRules) -> dict[str, tuple[float, str]]:
    """Best title score per type, with a reason."""
    c = rules.thresholds.classifier
    # All exact title occurrences, per line, so that shorter titles inside longer ones drop out.
    best: dict[str, tuple[float, str]] = {}
    for line in lines:
        if line.page and line.number >= c.top_lines:
            continue  # only page 1 and the tops of later pages carry titles
        hits: list[tuple[tuple[int, int], str, str]] = []  # (span, type, title)
        for doc in rules.types.values():
            for title in doc.titles:
                t = _norm(title)
                for pos in _occurrences(line.compact, t):
                    hits.append(((pos, pos + len(t)), doc.id, title))
        for span, doc_id, title in hits:
            if any(_within(span, other) for other, other_id, _ in hits if other_id != doc_id):
                continue
            w = _title_weight(line, _norm(title), c)
            if w > best.get(doc_id, (0.0, ""))[0]:
                where = _where(line, c)
                best[doc_id] = (w, f"标题“{title}”位于{where}（+{w:g}）")
    if not any(w >= c.title_top * 0.8 for w, _ in best.values()):
        # No clean title at the top of page 1: a title's stem there, without its generic last
        # word (存借款及对外担保明细 for 存借款及对外担保情况), counts as a near title.
        for line in lines:
            if line.page or line.number >= c.top_lines:
                break
            for doc in rules.types.values():
                for title in doc.titles:
                    stem = _title_stem(_norm(title), rules.title_suffixes)
                    if stem and stem in line.compact and _norm(title) not in line.compact:
                        w = _title_weight(line, stem, c) * c.fuzzy_factor
                        if w > best.get(doc.id, (0.0, ""))[0]:
                            best[doc.id] = (w, f"标题“{title}”的主干“{stem}”位于{_where(line, c)}（+{w:.1f}）")
    if not any(w >= c.title_top * 0.8 for w, _ in best.values()):
        # No clean title at the top of page 1: allow one OCR error there.
        for line in lines:
            if line.page or line.number >= c.top_lines:
                break
            for doc in rules.types.values():
                for title in doc.titles:
                    t = _norm(title)
                    if len(t) >= 4 and t not in line.compact and _fuzzy_find(line.compact, t):
                        w = _title_weight(line, t, c) * c.fuzzy_factor
                        if w > best.get(doc.id, (0.0, ""))[0]:
                            best[doc.id] = (w, f"标题近似“{title}”（可能有识别错误）位于{_where(line, c)}（+{w:.1f}）")
    return best


def _title_stem(title: str, suffixes: tuple[str, ...]) -> str | None:
    """A title without its generic last word (情况, 明细表, 计划 ...), if four characters or more remain."""
    for suffix in sorted(suffixes, key=len, reverse=True):
        s = _norm(suffix)
        if s and title.endswith(s) and len(title) - len(s) >= 4:
            return title[: -len(s)]
    return None


def _where(line: Line, c: Classifier) -> str:
    if line.page == 0 and line.number < c.top_lines:
        return "第1页顶部"
    if line.number < c.top_lines:
        return f"第{line.page + 1}页顶部"
    return f"第{line.page + 1}页"


def _score_type(doc: DocType, page1: str, rest: str, title: tuple[float, str] | None,
                c: Classifier) -> tuple[float, list[str]]:
    score, reasons = 0.0, []
    if title:
        score += title[0]
        reasons.append(title[1])
    for code in doc.form_codes:
        norm = _norm(code)
        if norm in page1:
            score += c.form_code_page1
            reasons.append(f"表号“{code}”（+{c.form_code_page1:g}）")
            break
        if norm in rest:
            score += c.form_code_later
            reasons.append(f"表号“{code}”出现在后续页（+{c.form_code_later:g}）")
            break
    kw_total, kw_found = 0.0, []
    for kw in doc.keywords:
        k = _norm(kw.text)
        if k in page1 or k in rest:
            kw_total += kw.weight
            kw_found.append(kw.text)
    if kw_found:
        capped = min(kw_total, c.keyword_cap)
        score += capped
        reasons.append(f"关键词 {'、'.join(kw_found)}（+{capped:g}）")
    for kw in doc.anti_keywords:
        k = _norm(kw.text)
        if k in page1 or k in rest:
            score -= kw.weight
            reasons.append(f"反向关键词“{kw.text}”（-{kw.weight:g}）")
    return score, reasons


def classify(pages: list[str], rules: DocTypeRules | None = None) -> Classification:
    """Classify a document from its page texts (pure; ``rules`` default to the packaged file)."""
    rules = rules or load_doctypes()
    c = rules.thresholds.classifier
    lines = split_lines(pages)
    page1 = "".join(line.compact for line in lines if line.page == 0)
    rest = "".join(line.compact for line in lines if line.page > 0)
    if len(page1) + len(rest) < 10:
        return Classification("other", 0.0, {}, ("文本过少，无法识别（可能是扫描件未识别文字）",))
    titles = _title_scores(lines, rules)
    results: dict[str, tuple[float, list[str]]] = {}
    for doc in rules.types.values():
        if doc.id == "other":
            continue
        score, reasons = _score_type(doc, page1, rest, titles.get(doc.id), c)
        if score > 0:
            results[doc.id] = (round(score, 2), reasons)
    ranked = sorted(results.items(), key=lambda kv: -kv[1][0])
    scores = {doc_id: s for doc_id, (s, _) in ranked}
    best_id, (best, reasons) = ranked[0] if ranked else ("other", (0.0, []))
    second = ranked[1][1][0] if len(ranked) > 1 else 0.0
    if best < c.min_score:
        # Nothing recognised: "other" is the answer, but a person decides what the file is.
        conf = max(0.0, 1.0 - best / c.min_score) * c.other_max
        why = ["未找到任何文档类型的标题或足够的关键词"]
        if ranked:
            why.append(f"最接近：{rules[best_id].zh}（得分 {best:g}）")
        return Classification("other", round(conf, 3), scores, tuple(why))
    strength = 1.0 - math.exp(-best / c.scale)
    margin = (best - max(second, 0.0)) / best
    conf = strength * (0.4 + 0.6 * margin)
    if ranked and len(ranked) > 1:
        reasons = [*reasons, f"次高：{rules[ranked[1][0]].zh}（得分 {second:g}）"]
    return Classification(best_id, round(min(conf, 1.0), 3), scores, tuple(reasons))
