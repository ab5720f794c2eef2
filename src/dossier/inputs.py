"""Values people give on the command line (or a web form), checked before anything is written.

Dates must be real days, amounts above zero, terms within the bounds of ``thresholds.toml``
(``[case]``); every refusal is a :class:`dossier.errors.UsageError` in Chinese naming the option,
the value and what to write instead.
"""

from __future__ import annotations

import math
import re
import unicodedata
from datetime import date

from dossier.errors import UsageError

_DATE = re.compile(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?")


def parse_date(value: str, option: str = "日期") -> date:
    """A real day from ``2026-03-31`` (also ``2026/3/31``, ``2026年3月31日``)."""
    text = unicodedata.normalize("NFKC", value or "").strip()
    m = _DATE.fullmatch(text)
    if m:
        try:
            return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError:
            raise UsageError(f"{option} 的日期“{text}”不存在（{int(m.group(2))} 月没有 {int(m.group(3))} 日，"
                             "或月份不在 1–12）。请写一个真实的日期，如 2026-03-31。") from None
    raise UsageError(f"{option} 的日期“{text}”格式不对：应为 YYYY-MM-DD，如 2026-03-31。")


def parse_amount(value: str | float, option: str = "--amount") -> float:
    """An amount in yuan above zero and at most the ``[case].max_amount`` of thresholds.toml.

    Accepts ``5000000``, ``5,000,000``, ``500万`` and ``1.2亿``."""
    from dossier.rules import load_thresholds

    bounds = load_thresholds().case
    text = unicodedata.normalize("NFKC", str(value)).strip().replace(",", "").replace("，", "")
    text = text.removesuffix("元")
    scale = 1.0
    for suffix, factor in (("万", 1e4), ("亿", 1e8)):
        if text.endswith(suffix):
            text, scale = text[: -len(suffix)], factor
    try:
        amount = float(text) * scale
    except ValueError:
        raise UsageError(f"{option} 的金额“{value}”不是数字：请写金额（元），如 5000000 或 500万。") from None
    if not math.isfinite(amount) or amount <= 0:
        raise UsageError(f"{option} 的金额“{value}”无效：担保金额须大于 0（单位：元），如 5000000。")
    if amount > bounds.max_amount:
        raise UsageError(f"{option} 的金额“{value}”超过上限 {bounds.max_amount:,.0f} 元，可能多写了几位数。"
                         f"如确需更大金额，请在规则文件 thresholds.toml 的 [case] max_amount 中调整。")
    return round(amount, 2)


def parse_term(value: str | int, option: str = "--term-months") -> int:
    """A term in whole months within ``[case]`` min_term_months .. max_term_months of thresholds.toml."""
    from dossier.rules import load_thresholds

    bounds = load_thresholds().case
    text = unicodedata.normalize("NFKC", str(value)).strip().removesuffix("个月").removesuffix("月")
    try:
        months = int(text)
    except ValueError:
        raise UsageError(f"{option} 的期限“{value}”不是整数：请写月数，如 12。") from None
    if not bounds.min_term_months <= months <= bounds.max_term_months:
        raise UsageError(f"{option} 的期限 {months} 个月超出范围：应在 {bounds.min_term_months} 到 "
                         f"{bounds.max_term_months} 个月之间（规则文件 thresholds.toml 的 [case]）。")
    return months


__all__ = ["parse_amount", "parse_date", "parse_term"]
