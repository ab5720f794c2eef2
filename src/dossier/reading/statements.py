"""Statement rows (balance sheet, income statement, cash flow): from ruled tables when the PDF has them, else from text lines, in the current-period column."""

from __future__ import annotations

import re

from dossier.reading.classify import Line, compact, fold
from dossier.reading.grid import Piece, rows_of
from dossier.rules import FIELD_ZH, DocType, DocTypeRules

from .values import C_CHECKED, C_FALLBACK, C_GUESS, C_LABEL, Found, parse_figure, yuan

# ---------------------------------------------------------------------------
# Statements: rows from tables or text lines
# ---------------------------------------------------------------------------

# A row label's stem: what is left when the official forms' decorations are taken off.
_ORDINAL = re.compile(r"^(?:[一二三四五六七八九十]*[、.]|[ⅠⅡⅢⅣⅤⅥⅦⅧⅨⅩ]+[、.]?|\(?[一二三四五六七八九十\d]+\)|"
                      r"\d+(?:[.、](?!\d)|\.(?=[\u4e00-\u9fff]))|"
                      r"其中[:：]?|加[:：]|减[:：]|[*△#▲☆★※]+)+")
_BRACKETS = str.maketrans({"[": "(", "]": ")", "【": "(", "】": ")", "〔": "(", "〕": ")", "［": "(", "］": ")"})
_QUOTES = re.compile(r"[“”\"'‘’「」『』]")
#: Words that official forms use interchangeably within a row label (the stems of the rule file
#: go through the same mapping): 负债及所有者权益 = 负债和所有者权益 = 负债与股东权益.
_SYNONYMS = (("股东权益", "所有者权益"), ("及", "和"), ("与", "和"))


def label_stem(text: str) -> str:
    """The stem of a statement row label: folded, without spaces, parenthetical notes (also one the
    line cut off before it closed), quotes, ordinals (一、 （一） 1. Ⅱ、) and operators (加： 减：
    其中：); interchangeable words mapped to one ("及"/"与" -> "和", "股东权益" -> "所有者权益")."""
    whole = _QUOTES.sub("", compact(text).translate(_BRACKETS))
    c, prev = whole, None
    while prev != c:
        prev = c
        c = re.sub(r"\([^()]*\)", "", c)
    c = re.sub(r"\([^()]*$", "", c)  # a note the line cut off before it closed
    if not c.strip(":："):  # the whole label was bracketed: 【资产总计】
        c = whole.replace("(", "")
    c = c.replace(")", "")
    prev = None
    while prev != c:
        prev = c
        c = _ORDINAL.sub("", c).strip(":：")
    for word, same in _SYNONYMS:
        c = c.replace(word, same)
    return c


_number = parse_figure  # Decimal of a figure; None for a nil cell (a dash); False when it is no figure


def _column_roles(cells: list[str], rules: DocTypeRules) -> list[str | None]:
    roles: list[str | None] = []
    for cell in cells:
        c = compact(cell or "")
        if any(compact(p) in c for p in rules.prior_columns):
            roles.append("prior")
        elif any(compact(p) in c for p in rules.current_columns):
            roles.append("cur")
        elif "行次" in c or c == "附注":
            roles.append("skip")
        else:
            roles.append(None)
    return roles


#: A reference to the notes printed after a row label where the sheet has no 附注 column of its own
#: (an audit report's statements read as text lines: 存货 五、7 2,631.32 1,394.70; 存货 六(1); 存货 注7;
#: a scan may lose the 、: 存货 五7).
_NOTE_REF = re.compile(r"(?:(?:附注|注释|注)[一二三四五六七八九十\d、.()]+|"
                       r"[一二三四五六七八九十]{1,2}(?:[、.]?\d{1,2}|\(\d{1,2}\))(?:\.\d{1,2})*)$")


def _row_field(label: str, wanted: dict[str, set[str]]) -> str | None:
    """The field whose row label ``label`` is: its stem equals one of the field's label stems exactly
    (存货跌价准备 is not 存货, 利息费用 under 财务费用 is not 财务费用); else the same without a trailing
    reference to the notes."""
    c = label_stem(label)
    for name, labels in wanted.items():
        if c in labels:
            return name
    tail = label.rstrip()[-1:]
    if not (tail.isdigit() or tail in ")）"):
        return None
    whole = compact(label).translate(_BRACKETS)
    bare = _NOTE_REF.sub("", whole)
    if not bare or bare == whole:
        return None
    c = label_stem(bare)
    return next((name for name, labels in wanted.items() if c in labels), None)


def _rows_from_tables(tables, wanted, rules, found: dict) -> None:
    for table in tables or []:
        roles: list[str | None] = []
        for row in table:
            cells = [(c or "").replace("\n", "") for c in row]
            r = _column_roles(cells, rules)
            if "cur" in r or "prior" in r:
                roles = r
                continue
            for i, cell in enumerate(cells):
                if _number(cell) is not False or not compact(cell):
                    continue
                name = _row_field(cell, wanted)
                if name is None or name in found:
                    continue
                value, conf = None, 0.0
                for j in range(i + 1, len(cells)):
                    num = _number(cells[j])
                    if num is False:
                        if compact(cells[j]):
                            break
                        continue
                    role = roles[j] if j < len(roles) else None
                    if role == "skip":
                        continue
                    if roles and role not in ("cur",) and "cur" in roles[i + 1:]:
                        continue
                    value, conf = num, (C_CHECKED if roles else C_FALLBACK)
                    break
                if value is not None:
                    found[name] = Found(value, conf)


def _header_role(text: str, rules) -> str | None:
    c = compact(text)
    if any(compact(p) in c for p in rules.prior_columns):
        return "prior"
    if any(compact(p) in c for p in rules.current_columns):
        return "cur"
    if "行次" in c or c in ("附注", "注释", "注"):
        return "skip"
    return None


def _split_heading(piece: Piece, rules) -> list[Piece]:
    """A scan may read several headings as one piece (期末数负债和所有者权益（或股东权益）行次): cut it
    at its column words, each part as wide as its share of the characters."""
    text = compact(piece.text)
    words = sorted({compact(w) for w in (*rules.prior_columns, *rules.current_columns, "行次", "附注")} - {""},
                   key=len, reverse=True)
    cuts: list[tuple[int, int]] = []
    for word in words:
        start = text.find(word)
        while start >= 0:
            if not any(a < start + len(word) and start < b for a, b in cuts):
                cuts.append((start, start + len(word)))
            start = text.find(word, start + 1)
    if not cuts or cuts == [(0, len(text))]:
        return [piece]
    bounds = sorted({0, len(text), *(a for a, _ in cuts), *(b for _, b in cuts)})
    per_char = (piece.x1 - piece.x0) / max(1, len(text))
    return [Piece(text[a:b], piece.x0 + a * per_char, piece.top, piece.x0 + b * per_char, piece.bottom)
            for a, b in zip(bounds, bounds[1:]) if text[a:b]]


def _grid_header(row, rules) -> list[tuple[str, float, float]] | None:
    """The columns a heading row names: (role, x0, x1) of each heading with a role, left to right;
    None when the row names no current-period column. A heading cut into pieces (本 期 金 额) is
    read joined with its neighbours."""
    row = [part for piece in row for part in _split_heading(piece, rules)]
    spans: list[tuple[str, float, float]] = []
    i = 0
    while i < len(row):
        for j in range(i + 1, min(len(row), i + 8) + 1):  # the shortest run of pieces that names a role
            role = _header_role("".join(p.text for p in row[i:j]), rules)
            if role:
                # ... that needs its first piece (项 目 本 期 金 额: the run starts at 本)
                if j > i + 1 and _header_role("".join(p.text for p in row[i + 1:j]), rules):
                    role = None
                break
        if role:
            spans.append((role, row[i].x0, row[j - 1].x1))
            i = j
        else:  # a heading of labels (项目, 资产, 负债和所有者权益): it bounds its neighbours' reach
            spans.append(("label", row[i].x0, row[i].x1))
            i += 1
    return spans if any(role == "cur" for role, _a, _b in spans) else None


def _row_number(text: str) -> bool:
    """A small whole number without cents: on a sheet with a 行次 column, a row number that a scan
    placed under a figure's heading, never an amount (amounts carry their cents)."""
    return re.fullmatch(r"\d{1,3}", compact(text)) is not None


def _reach(header: list[tuple[str, float, float]]) -> list[tuple[str, float, float]]:
    """Each heading's column, reaching half-way to its neighbouring headings."""
    out = []
    for k, (role, a, b) in enumerate(header):
        lo = (header[k - 1][2] + a) / 2 if k > 0 else a - (b - a)
        hi = (b + header[k + 1][1]) / 2 if k + 1 < len(header) else float("inf")
        out.append((role, lo, hi))
    return out


def _rows_from_grid(pages_cells, wanted, rules, found: dict, piece_conf) -> None:
    """Rows of a statement laid out as a table (with or without rules, text layer or scan): each
    label's figure in the current-period column to its right, as the heading row places it."""
    for cells in pages_cells or []:
        if not cells:
            continue
        header = None
        pending: list[tuple] = []  # (text, x0, x1, figures) of labels naming no row: labels that wrap
        before: list = []  # the figures of the row above: a wrapped label's figures may sit between its lines
        for row in rows_of(cells):
            spans = _grid_header(row, rules)
            if spans is not None:
                header, pending, before = spans, [], []
                continue
            if header is None:
                continue
            groups: list[list] = []  # [label pieces, figure pieces]
            depth = 0
            for piece in row:
                if any(role == "skip" and lo <= piece.centre <= hi for role, lo, hi in _reach(header)):
                    continue  # a 行次 or 附注 cell
                folded_piece = fold(piece.text).translate(_BRACKETS)
                num = False if depth > 0 else _number(piece.text)
                depth = max(0, depth + folded_piece.count("(") - folded_piece.count(")"))
                if num is False:
                    if groups and not groups[-1][1]:
                        groups[-1][0].append(piece)
                    else:
                        groups.append([[piece], []])
                elif groups:
                    groups[-1][1].append((piece, num))
            row_figures = [f for _labels, figures in groups for f in figures]
            numbered = any(role == "skip" for role, _a, _b in header)
            for labels, figures in groups:
                label = "".join(p.text for p in labels)
                x0, x1 = labels[0].x0, labels[-1].x1
                above = next((p for p in pending if min(p[2], x1) - max(p[1], x0) > 0), None)  # same column
                name = _row_field(label, wanted)
                if name is None and above:
                    name = _row_field(above[0] + label, wanted)
                    if name is not None and not figures:
                        # 负债和所有者权益（或股东权益） [figures] / 总计, or the figures on the row between
                        figures = above[3] or before
                pending = [p for p in pending if p is not above]
                if name is None:
                    pending.append((label, x0, x1, figures))
                if not figures or name is None or name in found:
                    continue
                right = x1
                cur = next(((lo, hi) for (role, lo, hi), (_r, a, b) in zip(_reach(header), header)
                            if role == "cur" and (a + b) / 2 > right), None)  # the heading right of the label
                if cur is None:
                    continue
                inside = [(piece, num) for piece, num in figures if cur[0] <= piece.centre <= cur[1]
                          and not (numbered and _row_number(piece.text))]
                if len(inside) == 1 and inside[0][1] is not None:
                    conf = min([C_CHECKED] + [piece_conf(p.text) for p in labels + [inside[0][0]]])
                    if any(role == "skip" and a <= inside[0][0].x0 <= b for role, a, b in header):
                        conf = C_GUESS  # the figure starts under 行次: a scan may have run the two together
                    found[name] = Found(inside[0][1], conf)
            before = row_figures


def _conf_of(lines: list[Line], text: str, line_conf) -> float:
    """Confidence of the line a piece of text was read on (1.0 for the text layer)."""
    c = compact(text)
    return next((line_conf(line) for line in lines if c and c in line.compact), 1.0)


def _rows_from_text(lines: list[Line], wanted, rules, found: dict, line_conf) -> None:
    cur_index, lineno = 0, None  # lineno: the heading has a 行次 column (None: no heading seen)
    pending = ""  # the label a line ended with, without figures: a label wrapped to the next line
    orphans: list = []  # figures that opened a line with no label before them
    waiting = None  # a row named at the end of a line without its figures: they open the next line
    waiting_doubt = False  # ... and figures without a label opened the line before it: whose are they?

    def take(name: str, nums: list, line: Line, doubt: bool = False) -> None:
        small_int = nums[0] is not None and nums[0] == nums[0].to_integral_value() and 0 < nums[0] < 1000
        if len(nums) >= 2 and small_int and (lineno or (lineno is None and len(nums) >= 3)):
            nums = nums[1:]  # a 行次 column
        if len(nums) > cur_index:
            value, conf = nums[cur_index], C_LABEL
        else:
            value, conf = nums[0], C_FALLBACK
        if value is None:
            return
        if doubt:  # a phone photo's slope may have moved every row's figures to the line above its label
            found[name] = Found(value, C_GUESS, f"{FIELD_ZH[name]}的金额与行名不在同一行，上下两行都有金额，"
                                                f"可能错行，请人工核对")
        else:
            found[name] = Found(value, min(conf, line_conf(line)))

    for line in lines:
        tokens = line.original.split()
        c = line.compact
        priors = [c.find(compact(p)) for p in rules.prior_columns if compact(p) in c]
        masked = c
        for p in rules.prior_columns:
            masked = masked.replace(compact(p), "#" * len(compact(p)))
        curs = [masked.find(compact(p)) for p in rules.current_columns if compact(p) in masked]
        if priors and curs:
            cur_index = 0 if min(curs) < min(priors) else 1
            lineno = "行次" in c
            continue
        segments: list[tuple[list[str], list]] = []
        depth = 0  # inside a parenthetical note of a label (亏损以 “－” 号填列): words, not figures
        for tok in tokens:
            folded_tok = fold(tok).translate(_BRACKETS)
            num = False if depth > 0 else _number(tok)
            depth = max(0, depth + folded_tok.count("(") - folded_tok.count(")"))
            if num is False:
                if segments and not segments[-1][1]:
                    segments[-1][0].append(tok)
                else:
                    segments.append(([tok], []))
            elif segments:
                segments[-1][1].append(num)
            else:
                segments.append(([], [num]))  # figures before any label on this line
        previous, pending = pending, ""
        previous_orphans, orphans = orphans, []
        named, waiting = waiting, None
        doubt, waiting_doubt = waiting_doubt, False
        for index, (label_tokens, nums) in enumerate(segments):
            if not label_tokens:
                orphans = nums
                if index == 0 and named and named not in found:  # 一、营业收入 / 229,211,443.11 257,699,201.36
                    take(named, nums, line, doubt)
                    orphans = []  # taken: no figures left over for the label below
                elif previous:  # 负债和所有者权益（或股东权益） / 135 20,498,521.28 … / 总计
                    pending = previous
                continue
            # The label is the longest run of tokens ending at the figures that names a row
            # (letter-spaced labels span several tokens; a heading may precede them).
            name = next((n for k in range(len(label_tokens))
                         if (n := _row_field("".join(label_tokens[k:]), wanted)) is not None), None)
            if name is None and index == 0 and previous:  # the second line of a wrapped label
                name = _row_field(previous + "".join(label_tokens), wanted)
                if name is not None and not nums:
                    nums = previous_orphans
            if not nums and index == len(segments) - 1:
                if name is None:
                    pending = "".join(label_tokens)
                else:
                    waiting, waiting_doubt = name, index == 0 and bool(previous_orphans)
            if name is None or name in found or not nums:
                continue
            take(name, nums, line)


def unit_of(text: str) -> int:
    """Yuan per unit the statement is printed in (单位：万元 -> 10000)."""
    m = re.search(r"单位[:：]?(?:人民币)?(万元|千元|元)", text)
    return {"万元": 10_000, "千元": 1_000}.get(m[1], 1) if m else 1


def statement_fields(doc: DocType, lines, tables, rules, line_conf, all_compact: str,
                     cells=None) -> dict[str, Found]:
    wanted = {name: {label_stem(lbl) for lbl in labels} for name, labels in doc.rows.items()}
    found: dict[str, Found] = {}
    _rows_from_tables(tables, wanted, rules, found)
    if len(found) < len(wanted):
        _rows_from_grid(cells, wanted, rules, found, lambda text: _conf_of(lines, text, line_conf))
    if len(found) < len(wanted):
        _rows_from_text(lines, wanted, rules, found, line_conf)
    factor = unit_of(all_compact)
    low = rules.thresholds.review_below
    # An optional row may be missing without review, but a row that is there and read unsure is
    # checked like any other (the ratios and warnings rest on it).
    return {k: Found(yuan(v.value * factor), v.confidence, v.problem or (
                f"{FIELD_ZH[k]}识别置信度低（{v.confidence:.2f}），请人工核对"
                if k in doc.optional and v.confidence < low else None)) for k, v in found.items()}


def statement_checks(fields: dict, tolerance: float, unit: int = 1) -> list[str]:
    """Totals that do not add up, beyond ``tolerance`` yuan (``total_tolerance`` in thresholds.toml).

    A statement printed in 万元 or 千元 rounds every line to its own last digit: there the tolerance
    counts in that unit's hundredths (1 yuan on a statement in 元; 0.01 万元 = 100 yuan in 万元)."""
    tolerance = tolerance * unit / 100 if unit > 1 else tolerance
    out = []
    ta, tle = fields.get("total_assets"), fields.get("total_liabilities_and_equity")
    tl, te = fields.get("total_liabilities"), fields.get("total_equity")
    if ta is not None and tle is not None and abs(ta - tle) > tolerance:
        out.append(f"资产总计（{ta}）与负债和所有者权益总计（{tle}）不相等，请核对")
    if ta is not None and tl is not None and te is not None and abs(ta - tl - te) > tolerance:
        out.append(f"资产总计（{ta}）不等于负债合计与所有者权益合计之和（{tl} + {te}），请核对")
    return out


#: The balance sheet's identities, as the ways each total can be had from the others:
#: 资产总计 = 负债和所有者权益总计 = 负债合计 + 所有者权益合计.
_DERIVATIONS = {
    "total_assets": ((("total_liabilities_and_equity", 1),), (("total_liabilities", 1), ("total_equity", 1))),
    "total_liabilities_and_equity": ((("total_assets", 1),), (("total_liabilities", 1), ("total_equity", 1))),
    "total_liabilities": ((("total_liabilities_and_equity", 1), ("total_equity", -1)),
                          (("total_assets", 1), ("total_equity", -1))),
    "total_equity": ((("total_liabilities_and_equity", 1), ("total_liabilities", -1)),
                     (("total_assets", 1), ("total_liabilities", -1))),
}


def _lost_lead(derived: float, fragment: float, tolerance: float) -> float | None:
    """``derived`` as ``fragment`` with its leading digits restored, if ``fragment`` is ``derived``
    without them (within ``tolerance``) and keeps enough digits that a chance match is out of the
    question (the lost part is at least 10^5 times the tolerance)."""
    if fragment <= 0 or derived <= fragment:
        return None
    m = len(str(int(fragment)))
    while 10 ** m <= derived:
        if 10 ** m >= tolerance * 1e5:
            lead = round((derived - fragment) / 10 ** m) * 10 ** m
            if lead >= 10 ** m and abs(derived - lead - fragment) <= tolerance:
                return round(lead + fragment, 2)
        m += 1
    return None


def restore_lost_digits(fields: dict, confidence: dict, figures: list[float], tolerance: float,
                        unit: int = 1) -> dict[str, str]:
    """Balance-sheet totals whose leading digits a scan lost (a seal or a speck over the start of
    the figure), restored where the statement's identities prove them; the notes say what was done.

    A total is restored only when every way of deriving it from the other totals agrees, there are
    at least two such ways or the total was not read at all, and the digits that were read (the
    read value, or for a total not read, one figure on the page) are the derived value's last
    digits. The read digits are kept; only the lost ones come from the arithmetic. Used for OCR
    readings only: a text layer does not lose digits, so there a disagreement is the document's.
    Changes ``fields`` and ``confidence`` in place; returns a note per restored field."""
    tolerance = tolerance * unit / 100 if unit > 1 else tolerance
    notes: dict[str, str] = {}
    for name, ways in _DERIVATIONS.items():
        got = [sum(sign * fields[f] for f, sign in way) for way in ways
               if all(isinstance(fields.get(f), (int, float)) for f, _ in way)]
        if not got or max(got) - min(got) > tolerance:
            continue
        derived, read = got[0], fields.get(name)
        if read is not None and (len(got) < 2 or abs(read - derived) <= tolerance):
            continue
        restored: dict[float, float] = {}
        for fragment in [read] if read is not None else figures:
            value = _lost_lead(derived, fragment, tolerance)
            if value is not None:
                restored[value] = fragment
        if len(restored) != 1:
            continue
        value, fragment = restored.popitem()
        value = int(value) if float(value).is_integer() else value
        how = "识别为" if read is not None else "仅读到残存数字"
        notes[name] = (f"{FIELD_ZH[name]}{how} {fragment:,.2f}，首位数字缺失（印章或污点遮挡），"
                       f"按报表勾稽关系补全为 {value:,.2f}")
        fields[name] = value
        inputs = [confidence.get(f, 1.0) for way in ways for f, _ in way]
        confidence[name] = round(min([confidence.get(name) or 1.0, *inputs]) * 0.95, 3)
    return notes

