"""Values as documents write them, parsed and validated (pure).

Numbers and amounts (大写 too) in yuan, dates, years, terms, identity codes by check digit after
mapping OCR confusions, company and person names; ``C_*`` are the confidences by how a value was found.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from dossier import codes
from dossier.reading.classify import compact, fold
from dossier.reading.grammar import (
    CN_NUM_CHARS,
    DATE_8,
    DATE_CN,
    DATE_NUM,
    Amount,
    amounts,
    cn_number,
    parse_amount,
    parse_amounts,
    parse_date,
    parse_dates,
    parse_figure,
    parse_period,
    parse_year,
    period_years,
    yuan,
)

__all__ = ["C_CHECKED", "C_FAILED", "C_FALLBACK", "C_GUESS", "C_LABEL", "C_PATTERN", "C_REPAIRED", "COMPANY_AT_START",
           "DATE_8", "DATE_CN", "DATE_NUM", "Amount", "Found", "amounts", "check_id_number", "check_org_code",
           "capital_fragment", "capital_of", "check_taxpayer_id", "check_uscc", "cn_number", "code_candidates", "company_name_of", "parse_amount",
           "parse_amounts", "parse_date", "parse_dates", "parse_figure", "parse_months", "parse_period",
           "parse_year", "period_years", "person_name_of", "repair_id_number", "text_value_of", "yuan"]

# Confidence of a value by how it was found.
C_LABEL, C_CHECKED, C_REPAIRED, C_PATTERN, C_FALLBACK, C_GUESS, C_FAILED = 0.9, 0.98, 0.9, 0.9, 0.75, 0.5, 0.3

# ---------------------------------------------------------------------------
# Numbers, amounts, dates: the grammar (grammar.py), re-exported here for existing callers
# ---------------------------------------------------------------------------

def parse_months(text: str) -> int | None:
    """'12个月' -> 12, '一年' -> 12, '3年' -> 36, '十八个月' -> 18."""
    folded = fold(text)
    m = re.search(rf"(\d+|[{CN_NUM_CHARS}]+)\s*个?\s*(月|年)", folded)
    if not m:
        return None
    n = int(m[1]) if m[1].isdigit() else cn_number(m[1])
    if n is None:
        return None
    return n * 12 if m[2] == "年" else n


# ---------------------------------------------------------------------------
# Identity codes
# ---------------------------------------------------------------------------

_ID_CONFUSIONS = str.maketrans({"O": "0", "o": "0", "Q": "0", "D": "0", "I": "1", "l": "1", "i": "1",
                                "|": "1", "L": "1", "Z": "2", "z": "2", "S": "5", "s": "5", "B": "8",
                                "G": "6", "b": "6", "g": "9", "T": "7"})


_LOWER_DIGITS = str.maketrans({"l": "1", "i": "1", "o": "0", "z": "2", "s": "5", "|": "1"})


_CAP_DIGITS = "零壹贰叁肆伍陆柒捌玖"


def capital_of(value: Decimal) -> str:
    """The capital (大写) form of an amount in yuan, its zeros (零) aside (capital_fragment ignores
    them): 6829998.64 -> 陆佰捌拾贰万玖仟玖佰玖拾捌元陆角肆分."""
    fen = int((abs(value) * 100).to_integral_value())
    whole, jiao, fen = fen // 100, fen // 10 % 10, fen % 10
    out = ""
    for big, unit in ((10**8, "亿"), (10**4, "万"), (1, "")):
        part, whole = divmod(whole, big)
        if part:
            section = ""
            for size, name in ((1000, "仟"), (100, "佰"), (10, "拾"), (1, "")):
                digit = part // size % 10
                section += _CAP_DIGITS[digit] + name if digit else ("零" if section and not section.endswith("零") else "")
            out += section.rstrip("零") + unit
        elif out and not out.endswith("零"):
            out += "零"
    out = (out.rstrip("零") or "零") + "元"
    if jiao or fen:
        out += (_CAP_DIGITS[jiao] + "角" if jiao else "零") + (_CAP_DIGITS[fen] + "分" if fen else "")
    else:
        out += "整"
    return out


def capital_fragment(text: str, figure: Decimal | None) -> bool:
    """Whether the capital run in ``text`` is a piece of ``figure``'s capital form (a capital form
    printed over several lines of a narrow cell)."""
    if figure is None:
        return False
    runs = re.findall(r"[零壹贰叁肆伍陆柒捌玖拾佰仟万亿元圆角分]{2,}", text.replace("圆", "元"))
    full = capital_of(figure).replace("零", "")
    return bool(runs) and all(run.replace("零", "") in full for run in runs)


def repair_id_number(raw: str) -> str:
    """Map OCR confusions in a 居民身份证号 (O->0, I/l->1, Z->2, S->5, B->8 ...; x/× -> X at the end)."""
    s = fold(raw).replace(" ", "")
    body, last = s[:-1], s[-1:]
    last = "X" if last in "xX×" else last.translate(_ID_CONFUSIONS)
    return body.translate(_ID_CONFUSIONS) + last


@dataclass(frozen=True)
class Found:
    value: object
    confidence: float
    problem: str | None = None


def code_candidates(text: str, lengths: tuple[int, int]) -> list[str]:
    """Tokens that may be a code; codes split by OCR spaces are joined only if none is found whole."""
    lo, hi = lengths
    rx = re.compile(rf"(?<![0-9A-Za-z|])[0-9A-Za-z|×]{{{lo},{hi}}}(?![0-9A-Za-z|])")
    return rx.findall(fold(text)) or rx.findall(compact(text))


def check_uscc(text: str, what: str = "统一社会信用代码") -> Found | None:
    cands = code_candidates(text, (15, 20))
    exact = [c for c in cands if len(c) == 18]
    for raw in exact:
        if codes.is_valid_uscc(raw.upper()):
            return Found(raw.upper(), C_CHECKED)
        # Lower-case letters never occur in a code: l/i/o/z/s are OCR noise for digits.
        for fixed in (codes.repair_uscc(raw), codes.repair_uscc(raw.translate(_LOWER_DIGITS))):
            if codes.is_valid_uscc(fixed):
                return Found(fixed, C_REPAIRED)
    if exact:
        raw = exact[0]
        return Found(raw, C_FAILED, f"{what}“{raw}”校验位不符（可能有识别错误或原件有误），已保留原值，请人工核对原件")
    if what == "统一社会信用代码":  # an old licence's 15-digit 注册号 stands for the code
        for raw in (c for c in cands if len(c) == 15):
            fixed = raw.translate(_ID_CONFUSIONS)
            if codes.is_valid_registration_no(fixed):
                return Found(fixed, C_CHECKED if fixed == raw else C_REPAIRED)
            # or the old 15-character 纳税人识别号: division (6 digits) + organisation code (9)
            if raw[:6].isdigit() and codes.is_valid_org_code(raw[6:].upper()):
                return Found(raw.upper(), C_CHECKED)
        for raw in (c for c in cands if len(c) == 15 and c.isdigit()):
            return Found(raw, C_FAILED, f"注册号“{raw}”校验位不符（可能有识别错误或原件有误），已保留原值，请人工核对原件")
    if cands and re.search(r"\d", cands[0]) and sum(ch.isdigit() for ch in cands[0]) >= 8:
        raw = cands[0]
        return Found(raw, C_FAILED, f"{what}“{raw}”长度为 {len(raw)} 位（应为 18 位），已保留原值，请人工核对原件")
    return None


def check_id_number(text: str) -> Found | None:
    cands = [c for c in code_candidates(text, (15, 20)) if sum(ch.isdigit() for ch in c) >= 12]
    for raw in cands:
        if len(raw) != 18:
            continue
        if codes.is_valid_id_number(raw):
            return Found(raw.upper(), C_CHECKED)
        fixed = repair_id_number(raw)
        if codes.is_valid_id_number(fixed):
            return Found(fixed, C_REPAIRED)
    if cands:
        raw = cands[0]
        why = "校验位不符" if len(raw) == 18 else f"长度为 {len(raw)} 位（应为 18 位）"
        return Found(raw, C_FAILED, f"公民身份号码“{raw}”{why}，已保留原值，请人工核对原件")
    return None


def check_org_code(text: str) -> Found | None:
    m = re.search(r"(?<![0-9A-Za-z])([0-9A-Za-z]{8})\s*[-－—]?\s*([0-9A-Za-z])(?![0-9A-Za-z])", fold(text))
    if not m:
        return None
    raw = f"{m[1]}-{m[2]}"
    if codes.is_valid_org_code(raw.upper()):
        return Found(raw.upper(), C_CHECKED)
    fixed = codes.repair_uscc(m[1]) + "-" + codes.repair_uscc(m[2])
    if codes.is_valid_org_code(fixed):
        return Found(fixed, C_REPAIRED)
    return Found(raw, C_FAILED, f"组织机构代码“{raw}”校验位不符，已保留原值，请人工核对原件")


def check_taxpayer_id(text: str) -> Found | None:
    cands = code_candidates(text, (15, 20))
    if not cands:
        return None
    raw = cands[0]
    if len(raw) == 18:
        return check_uscc(raw, "纳税人识别号")
    if len(raw) == 15:  # old: administrative division (6) + organisation code (9)
        if raw[:6].isdigit() and codes.is_valid_org_code(raw[6:].upper()):
            return Found(raw.upper(), C_CHECKED)
        fixed = raw[:6].translate(_ID_CONFUSIONS) + codes.repair_uscc(raw[6:])
        if fixed[:6].isdigit() and codes.is_valid_org_code(fixed[6:]):
            return Found(fixed, C_REPAIRED)
        return Found(raw, C_FAILED, f"纳税人识别号“{raw}”中的组织机构代码校验位不符，已保留原值，请人工核对原件")
    if len(raw) == 20 and codes.is_valid_id_number(raw[:18]):  # individual: ID number + 2
        return Found(raw.upper(), C_LABEL)
    return Found(raw, C_FAILED, f"纳税人识别号“{raw}”格式无法核验（{len(raw)} 位），已保留原值，请人工核对原件")


# ---------------------------------------------------------------------------
# Names and text values
# ---------------------------------------------------------------------------

_PARTNERSHIP = r"(?:\((?:特殊普通合伙|普通合伙|有限合伙)\))?"
_STRONG_SUFFIX = re.compile(r"(?:有限责任公司|股份有限公司|有限公司|公司)" + _PARTNERSHIP)
_WEAK_SUFFIX = re.compile(r"(?:合作社|经营部|门市部|事务所|研究所|研究院|商行|工作室|中心|企业|厂|店)" + _PARTNERSHIP)
_NAME_CHARS = re.compile(r"[\u4e00-\u9fffA-Za-z0-9()·&]+")
COMPANY_AT_START = re.compile(r"[\u4e00-\u9fff][\u4e00-\u9fffA-Za-z0-9()·&]{1,50}?"
                               r"(?:有限责任公司|股份有限公司|有限公司|公司)" + _PARTNERSHIP)
_NOT_NAMES = {"签字", "盖章", "签章", "签名", "同志", "先生", "女士", "本人", "身份证", "姓名", "职务", "无"}


#: Words of a sentence that stand before a company name (兹证明X公司…, 致X公司, APPLICANT X公司).
_LEAD_IN = re.compile(r"^\s*(?:(?:兹(?:证明|有|授权|委托|确认)?|特此证明|致|根据|经|由|关于)\s*[:：]?\s*|[A-Za-z][A-Za-z ./]*\s+(?=[\u4e00-\u9fff]))+")
#: A name that starts with these is the writer or the reader (我公司, 本公司, 贵公司), never a company's name.
_PRONOUN = re.compile(r"^(?:我|本|贵|该|你|其|各)")


def company_name_of(orig: str) -> str | None:
    """A company name opening ``orig`` (original text of a value), or None."""
    orig = _LEAD_IN.sub("", orig)
    if _PRONOUN.match(orig.strip()):
        return None
    folded_tokens = [(t, fold(t)) for t in orig.split()]
    acc_o, acc_f = "", ""
    for tok_o, tok_f in folded_tokens[:12]:
        acc_o, acc_f = acc_o + tok_o, acc_f + tok_f
        cut = re.match(r"[^\u4e00-\u9fffA-Za-z0-9(]*", acc_f).end()
        body_f = acc_f[cut:]
        if not body_f:  # a token of punctuation only (an OCR speck after the label): read on
            continue
        m = _NAME_CHARS.match(body_f)
        if not m:
            return None
        run = body_f[:m.end()]
        for rx in (_STRONG_SUFFIX, _WEAK_SUFFIX):
            ends = [x.end() for x in rx.finditer(run)]
            if ends and ends[-1] >= 4:
                end = ends[-1]
                if rx is _STRONG_SUFFIX or len(folded_tokens) == 1 or run == body_f:
                    return acc_o[cut:cut + end]
        if m.end() < len(body_f):  # the name ran into punctuation: no suffix found
            return None
    return None


def person_name_of(orig: str) -> str | None:
    tokens = orig.split()
    if not tokens:
        return None
    first = fold(tokens[0])
    m = re.match(r"[\u4e00-\u9fff·]+", first)
    if not m:
        return None
    name = m.group(0)
    if len(name) == 1:  # letter-spaced: 杨 志
        for tok in tokens[1:4]:
            if len(tok) == 1 and "\u4e00" <= tok <= "\u9fff":
                name += tok
            else:
                break
    name = re.sub(r"(?:同志|先生|女士)$", "", name)
    # a label run into the name on a form (赵明晓性别 男): the name ends where the label starts
    name = re.split(r"性别|民族|出生|住址|职务|身份证|公民身份|证件|电话|籍贯", name)[0]
    if not 2 <= len(name) <= 6 or name in _NOT_NAMES or any(w in name for w in ("签字", "盖章", "身份")):
        return None
    return name


def text_value_of(orig: str) -> str | None:
    value = re.sub(r"\s+", "", orig) if not re.search(r"[A-Za-z]\s+[A-Za-z]", orig) else " ".join(orig.split())
    value = value.strip(" :：,，;；。、")
    return value or None
