"""Check digits of Chinese identity codes, and OCR-confusion repair (design section 6).

- 统一社会信用代码 (GB 32100-2015): 18 characters.
- 组织机构代码 (GB 11714-1997): 8 characters + check, often written ``XXXXXXXX-X``.
- 居民身份证号码 (GB 11643-1999): 17 digits + check digit or ``X``.

Pure functions, no package imports.
"""

from __future__ import annotations

import re

USCC_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = [pow(3, i, 31) for i in range(17)]
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"

# Letters GB 32100 never uses (I, O, Z, S, V) and what OCR usually meant by them.
_OCR_CONFUSIONS = str.maketrans({"O": "0", "I": "1", "Z": "2", "S": "5", "V": "U"})

# A candidate: 18 characters from the charset plus the confusable letters, not inside a longer token.
_USCC_CANDIDATE = re.compile(r"(?<![0-9A-Z])[0-9A-Z]{18}(?![0-9A-Z])")


def uscc_check_char(first17: str) -> str:
    total = sum(USCC_CHARSET.index(c) * w for c, w in zip(first17, _USCC_WEIGHTS))
    return USCC_CHARSET[(31 - total % 31) % 31]


def org_code_check_char(first8: str) -> str:
    # GB 11714 values letters by the full alphabet (A=10 ... Z=35), unlike GB 32100.
    total = sum(int(c, 36) * w for c, w in zip(first8, _ORG_WEIGHTS))
    value = 11 - total % 11
    return {10: "X", 11: "0"}.get(value, str(value))


def is_valid_uscc(code: str) -> bool:
    code = code.upper()
    if len(code) != 18 or any(c not in USCC_CHARSET for c in code):
        return False
    return uscc_check_char(code[:17]) == code[17]


def is_valid_org_code(code: str) -> bool:
    code = code.upper().replace("-", "")
    if len(code) != 9 or not code[:8].isalnum() or not code[:8].isascii():
        return False
    return org_code_check_char(code[:8]) == code[8]


def is_valid_id_number(number: str) -> bool:
    number = number.upper()
    if not re.fullmatch(r"\d{17}[\dX]", number):
        return False
    total = sum(int(c) * w for c, w in zip(number[:17], _ID_WEIGHTS))
    return _ID_CHECK[total % 11] == number[17]


def is_valid_registration_no(number: str) -> bool:
    """A 15-digit 工商注册号 of an old licence (GS15-2006): its last digit is the ISO 7064 MOD 11,10
    check digit of the first 14."""
    if not re.fullmatch(r"\d{15}", number):
        return False
    p = 10
    for ch in number[:14]:
        s = (p + int(ch)) % 10 or 10
        p = (2 * s) % 11
    return (p + int(number[14])) % 10 == 1


def repair_uscc(text: str) -> str:
    """Map OCR confusions (O→0, I→1, Z→2, S→5, V→U) onto the GB 32100 charset."""
    return text.upper().translate(_OCR_CONFUSIONS)


def find_credit_codes(text: str) -> list[str]:
    """Valid 统一社会信用代码 found in ``text`` (after repair), in order, without repeats."""
    found: list[str] = []
    for match in _USCC_CANDIDATE.finditer(text.upper()):
        code = repair_uscc(match.group(0))
        if is_valid_uscc(code) and code not in found:
            found.append(code)
    return found


_ID_CANDIDATE = re.compile(r"(?<![0-9A-Za-z])(\d{6})(\d{8})(\d{3}[0-9Xx])(?![0-9A-Za-z])")


def mask_id_numbers(text: str) -> str:
    """Every valid 18-character 居民身份证号码 in ``text`` masked as ``330108********114X`` (the region
    and the last four kept), for anything written where others can read it (the clerks' share)."""
    def mask(m: re.Match) -> str:
        whole = m.group(0)
        return f"{m.group(1)}{'*' * 8}{m.group(3)}" if is_valid_id_number(whole) else whole

    return _ID_CANDIDATE.sub(mask, text)
