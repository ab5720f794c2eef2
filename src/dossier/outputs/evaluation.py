"""The evaluation-report draft, 分析评价报告（草稿）.docx (rules 第十六、十七、十九条): its context.

Made from what dossier reads and computes, never from what it cannot know:

* the client and the case, and how complete the file is (the checklist);
* the statement figures of up to the last three fiscal years, each figure's source document named,
  a missing figure "缺", a figure whose reading is not settled "（待复核）";
* the ratios per year (``checks.monitor.client_watch``'s ``analysis``), a ratio with a warning marked
  "▲" in bold, one whose inputs are missing or in review "缺数据"/"待复核" (never a zero);
* two charts (``charts``): revenue and net profit, debt ratio and current ratio, over the years;
* the early warnings, each with its level, year, value against threshold, rule and article, evidence.

The account manager's own analysis (management, industry, environment, guarantee scheme, opinion:
第十七条, 附录四) is headed in the template and left blank: the machine does not write it.
"""

from __future__ import annotations

from datetime import date

from dossier.outputs.charts import ratio_chart, revenue_chart
from dossier.outputs.report_values import (
    DASH,
    amount_pair,
    clean,
    date_zh,
    iso_date,
    show,
)

EVALUATION = "分析评价报告（草稿）.docx"
EVALUATION_PATH = "reports/" + EVALUATION
#: Statement figures in report order (field ids of rules/doctypes.toml) with their row names.
FIGURES: dict[str, str] = {
    "total_assets": "资产总计", "total_liabilities": "负债合计", "total_equity": "所有者权益合计",
    "current_assets": "流动资产合计", "current_liabilities": "流动负债合计", "inventory": "存货",
    "revenue": "营业收入", "operating_profit": "营业利润", "total_profit": "利润总额",
    "finance_costs": "财务费用", "interest_expense": "其中：利息费用", "net_profit": "净利润",
    "operating_cash_flow": "经营活动产生的现金流量净额",
}
#: Ratios in report order (``checks.finance.RATIOS`` ids), with the names and units used when the
#: analysis does not carry them.
RATIOS: dict[str, tuple[str, str]] = {
    "debt_ratio": ("资产负债率", "percent"), "current_ratio": ("流动比率", "times"),
    "quick_ratio": ("速动比率", "times"), "revenue_growth": ("营业收入增长率", "percent"),
    "net_margin": ("净利润率", "percent"), "roe": ("净资产收益率", "percent"),
    "operating_cash_flow": ("经营活动现金流量净额", "yuan"), "interest_coverage": ("利息保障倍数", "times"),
}
YEARS_SHOWN = 3
MARK = "▲"
REVIEW, MISSING = "待复核", "缺数据"
COMPLETENESS_STATUSES = {"ok": "齐全", "missing": "缺失", "incomplete": "不完整", "expired": "过期",
                         "inconsistent": "不一致", "review": "待复核", "not_required": "不适用"}
#: The keys of the context that hold pictures (not part of what the report says: the figures are).
PICTURES = ("chart_revenue", "chart_ratios")


def show_number(value: float | None, unit: str) -> str:
    """63.0%, 1.25, 1,234,567.00 (yuan) — a ``percent`` value is a fraction."""
    if value is None:
        return DASH
    if unit in ("percent", "ratio"):
        return f"{value * 100:.1f}%"
    if unit == "times":
        return f"{value:.2f}"
    return f"{value:,.2f}"


def shown_years(watch: dict) -> list[str]:
    """The last YEARS_SHOWN fiscal years with statements or ratios, oldest first."""
    years = {str(y) for y, row in (watch.get("statements") or {}).items() if set(row or {}) & set(FIGURES)}
    years |= {str(y) for y in (watch.get("analysis") or {})}
    return sorted(years, key=lambda y: (len(y), y))[-YEARS_SHOWN:]


def _columns(values: list[str], prefix: str = "v") -> dict[str, str]:
    padded = values + [""] * (YEARS_SHOWN - len(values))
    return {f"{prefix}{i}": v for i, v in enumerate(padded, 1)}


def _file_name(path: str | None) -> str:
    return show(path, DASH).rsplit("/", 1)[-1]


def statement_rows(watch: dict, years: list[str]) -> tuple[list[dict], list[dict]]:
    """The statement table (one row per figure, one column per year) and its sources: per year and
    document, the rows it gave, so each figure's document is named."""
    statements = watch.get("statements") or {}
    warned = _warned(watch)
    rows, sources = [], {}
    for field, name in FIGURES.items():
        cells = []
        for year in years:
            fig = (statements.get(year) or {}).get(field) or {}
            value, state = fig.get("value"), fig.get("state") or "missing"
            if value is None or state == "missing":
                cells.append("缺")
            else:
                mark = f"{MARK} " if (field, year) in warned else ""
                cells.append(mark + show_number(value, "yuan") + ("（待复核）" if state == "review" else ""))
            if fig.get("path") and value is not None:
                sources.setdefault((year, fig["path"]), []).append(name.removeprefix("其中："))
        rows.append({"name": name, **_columns(cells)})
    # by year, then in the order of the table (a document's first row), so a balance sheet comes first
    order = {name.removeprefix("其中："): i for i, name in enumerate(FIGURES.values())}
    keys = sorted(sources, key=lambda k: (k[0], order[sources[k][0]], k[1]))
    source_rows = [{"year": year, "path": show(path), "file": _file_name(path), "rows": "、".join(sources[year, path]),
                    "text": f"{year} 年 {'、'.join(sources[year, path])} → {show(path)}"} for year, path in keys]
    return rows, source_rows


def measure_of_rule(rule: str) -> str | None:
    """What a warning rule measures (``rules/warnings.toml`` ``measure``: a ratio or a statement figure),
    or None (a document signal: audit opinion, licence change, ...)."""
    from dossier.rules import load_warnings

    try:
        found = next((r.measure for r in load_warnings() if r.id == rule), None)
    except Exception:  # an unreadable rules file is reported where rules load; here: the id alone
        found = None
    if found:
        return found
    return next((name for name in sorted([*RATIOS, *FIGURES], key=len, reverse=True) if rule.startswith(name)), None)


def _warned(watch: dict) -> set[tuple[str | None, str]]:
    """(measure, year) of every warning about a measured value of a year."""
    return {(measure_of_rule(str(w.get("rule") or "")), str(w.get("year")))
            for w in watch.get("warnings") or [] if w.get("year") is not None}


def _unit_of(measure: str | None) -> str | None:
    if measure in RATIOS:
        return RATIOS[measure][1]
    if measure in FIGURES:
        return "yuan"
    return "percent" if measure and measure.endswith("_growth") else None


def ratio_rows(watch: dict, years: list[str]) -> list[dict]:
    """The ratio table: per ratio and year the value, or 缺数据/待复核/不适用; a warned value in ``b1``..
    (shown bold with MARK), any other in ``v1``.. (exactly one of the two is set)."""
    analysis = watch.get("analysis") or {}
    warned = _warned(watch)
    rows = []
    for key, (zh, unit) in RATIOS.items():
        bold, plain, formula = [], [], ""
        for year in years:
            entry = (analysis.get(year) or {}).get(key) or {}
            formula = formula or str(entry.get("formula") or "")
            unit_here = entry.get("unit") or unit
            state, value = entry.get("state") or "missing", entry.get("value")
            if not entry or state == "missing":
                text = MISSING
            elif state == "not_applicable":
                text = "不适用"
            elif state == "review":
                text = REVIEW if value is None else f"{show_number(value, unit_here)}（{REVIEW}）"
            else:
                text = show_number(value, unit_here)
            if (key, year) in warned:
                bold.append(f"{MARK} {text}")
                plain.append("")
            else:
                bold.append("")
                plain.append(text)
        zh = next((str((analysis.get(y) or {}).get(key, {}).get("zh") or "") for y in years
                   if (analysis.get(y) or {}).get(key, {}).get("zh")), zh)
        row = {"name": zh + ("（元）" if unit == "yuan" else "（倍）" if unit == "times" else ""),
               "formula": show(formula, DASH)}
        rows.append({**row, **_columns(bold, "b"), **_columns(plain, "v")})
    return rows


def warning_rows(watch: dict) -> list[dict]:
    """The warnings as the reports list them (level, message, year, value and threshold, rule, article, evidence)."""
    rows = []
    for no, w in enumerate(watch.get("warnings") or [], 1):
        measured = measure_of_rule(str(w.get("rule") or ""))
        unit = _unit_of(measured)
        value, threshold = _plain(w.get("value"), unit), _plain(w.get("threshold"), unit)
        # a document signal (audit opinion, licence change, documents withheld) says it in its message:
        # its value and "threshold" are of other kinds (new and old legal representative, opinion ids)
        shown = DASH if measured is None else value if threshold == DASH else f"{value}（阈值 {threshold}）"
        rule, article = show(w.get("rule"), DASH), show(w.get("article"), DASH)
        rows.append({
            "no": no,
            "level": show(w.get("level"), DASH),
            "message": show(w.get("message"), DASH),
            "year": show(w.get("year"), DASH),
            "value": value,
            "threshold": threshold,
            "measure": shown,
            "rule": rule,
            "article": article,
            "basis": f"{rule}\n{article}",
            "evidence": "\n".join(show(p) for p in w.get("evidence") or []) or DASH,
        })
    return rows


def _plain(value, unit: str | None) -> str:
    if value is None or isinstance(value, bool):
        return DASH
    if isinstance(value, (int, float)):
        if unit:
            return show_number(float(value), unit) + (" 元" if unit == "yuan" else " 倍" if unit == "times" else "")
        return f"{value:g}"
    if isinstance(value, (list, tuple)):
        return "、".join(show(v) for v in value) or DASH
    return show(value, DASH)


def completeness_summary(items: list[dict]) -> dict:
    """How many checklist items are ok / missing / in review, and the missing ones by name."""
    counts = {s: 0 for s in COMPLETENESS_STATUSES}
    for item in items or []:
        status = str(item.get("status") or "")
        counts[status] = counts.get(status, 0) + 1
    missing = [show(i.get("name") or i.get("item")) for i in items or [] if i.get("status") == "missing"]
    others = "，".join(f"{zh} {counts[s]} 项" for s, zh in COMPLETENESS_STATUSES.items() if counts[s])
    return {
        "items_total": len(items or []),
        "items_ok": counts["ok"],
        "items_missing": counts["missing"],
        "items_review": counts["review"],
        "missing_names": "、".join(missing) or "无",
        "completeness_text": f"核查项目共 {len(items or [])} 项：{others or '无'}。",
    }


def _series(watch: dict, section: str, years: list[str], key: str) -> list[float | None]:
    """Values of ``key`` per year from the watch's ``statements`` or ``analysis`` (None when missing)."""
    out = []
    for year in years:
        entry = ((watch.get(section) or {}).get(year) or {}).get(key) or {}
        out.append(entry.get("value") if entry.get("state") in ("ok", "review") else None)
    return out


def _threshold(watch: dict, ratio: str) -> float | None:
    """The warning threshold of a ratio (drawn as a dashed line): a raised warning's, else the rule's."""
    for w in watch.get("warnings") or []:
        if measure_of_rule(str(w.get("rule") or "")) == ratio and isinstance(w.get("threshold"), (int, float)):
            return float(w["threshold"])
    from dossier.rules import load_warnings

    try:
        limits = [r.threshold for r in load_warnings() if r.kind == "threshold" and r.measure == ratio]
    except Exception:  # an unreadable rules file is reported where rules load; the chart just has no line
        return None
    return float(limits[0]) if limits and limits[0] is not None else None


def evaluation_context(watch: dict, case: dict, items: list[dict], *, version: str, as_of: str | date,
                       version_date: str | date | None = None, charts: bool = True) -> dict:
    """Context of 分析评价报告（草稿）.docx.

    ``watch``: ``checks.monitor.client_watch`` of the state (client, name, credit_code, statements,
    analysis, warnings); ``case``: dossier.json ``case`` as for the completeness report; ``items``: the
    checklist rows (``item``, ``name``, ``status``). ``charts=False`` leaves the pictures out (a context
    to compare, not to render)."""
    case = case or {}
    years = shown_years(watch)
    statements, sources = statement_rows(watch, years)
    warnings = warning_rows(watch)
    amount, upper = amount_pair(case.get("amount"))
    product = case.get("product")
    from dossier.outputs.reports import PRODUCTS

    ctx = {
        "client_name": show(watch.get("name") or watch.get("client")),
        "client_id": show(watch.get("client")),
        "credit_code": show(watch.get("credit_code")),
        "product": show(PRODUCTS.get(product, product) if product else None),
        "amount": amount,
        "amount_upper": upper,
        "term_months": show(case.get("term_months")),
        "application_date": date_zh(case.get("application_date")),
        "version": show(version),
        "as_of": date_zh(as_of),
        "document_date": iso_date(version_date) or iso_date(as_of) or "1980-01-01",
        **completeness_summary(items),
        "years_text": "、".join(f"{y} 年" for y in years) or "无",
        **{f"year{i}": (f"{y} 年" if y else "") for i, y in enumerate(years + [""] * (YEARS_SHOWN - len(years)), 1)},
        "statements": statements,
        "sources": sources,
        "ratios": ratio_rows(watch, years),
        "warnings": warnings,
        "warnings_total": len(warnings),
        "warnings_summary": _warnings_summary(warnings),
    }
    ctx = clean(ctx)
    if charts:
        ctx["chart_revenue"] = revenue_chart(years, _series(watch, "statements", years, "revenue"),
                                           _series(watch, "statements", years, "net_profit"))
        ctx["chart_ratios"] = ratio_chart(years, _series(watch, "analysis", years, "debt_ratio"),
                                          _series(watch, "analysis", years, "current_ratio"),
                                          debt_limit=_threshold(watch, "debt_ratio"),
                                          current_floor=_threshold(watch, "current_ratio"))
    return ctx


def _warnings_summary(rows: list[dict]) -> str:
    if not rows:
        return "未发现预警信号。"
    by_level: dict[str, int] = {}
    for row in rows:
        by_level[row["level"]] = by_level.get(row["level"], 0) + 1
    return f"共 {len(rows)} 条：" + "，".join(f"{level} {n} 条" for level, n in by_level.items()) + "。"


_YEAR_COLUMNS = {f"{table}.{p}{i}": f"第 {i} 个年度（year{i}）的{what}" for table, p, what in (
    ("statements", "v", "数值（“缺”/“（待复核）”）"), ("ratios", "v", "数值（未触发预警时）"),
    ("ratios", "b", "数值（触发预警时，带 ▲，模板中加粗）")) for i in range(1, YEARS_SHOWN + 1)}
#: Variables of 分析评价报告（草稿）.docx (name -> meaning), for ``reports.TEMPLATES``.
VARIABLES: dict[str, str] = {
    "client_name": "客户名称", "client_id": "档案编号", "credit_code": "统一社会信用代码",
    "product": "担保品种（中文）", "amount": "担保金额，如 5,000,000.00 元", "amount_upper": "担保金额大写",
    "term_months": "担保期限（月）", "application_date": "申请日期", "version": "档案版本，如 v3",
    "as_of": "评价基准日，如 2026年10月12日", "document_date": "文档日期 YYYY-MM-DD（写入文档属性）",
    "items_total": "核查项目总数", "items_ok": "齐全项数", "items_missing": "缺失项数", "items_review": "待复核项数",
    "missing_names": "缺失资料名称，以顿号分隔（无则为“无”）", "completeness_text": "完整性小结",
    "years_text": "表中年度，如 2023 年、2024 年、2025 年",
    **{f"year{i}": f"第 {i} 个年度的列标题，如 2025 年（不足三年时为空）" for i in range(1, YEARS_SHOWN + 1)},
    "statements": "主要财务数据表，每个报表项目一行", "statements.name": "报表项目，如 资产总计",
    "sources": "数据来源，每个年度的每份报表一行", "sources.year": "年度", "sources.path": "档案文件路径",
    "sources.file": "档案文件名", "sources.rows": "该文件提供的项目", "sources.text": "“2024 年 资产总计、… → documents/…”",
    "ratios": "财务指标表，每个指标一行", "ratios.name": "指标名称（含单位）", "ratios.formula": "计算公式",
    **_YEAR_COLUMNS,
    "warnings": "预警信号，每条一行", "warnings.no": "序号", "warnings.level": "级别：关注/预警",
    "warnings.message": "信号说明", "warnings.year": "年度（无年度时为 —）", "warnings.value": "数值",
    "warnings.threshold": "阈值", "warnings.measure": "数值（阈值 …）", "warnings.rule": "规则编号",
    "warnings.article": "所依据的条款", "warnings.basis": "规则编号和条款，两行", "warnings.evidence": "依据文件，每行一个",
    "warnings_total": "预警信号条数", "warnings_summary": "预警小结，如 共 2 条：预警 1 条，关注 1 条。",
    "chart_revenue": "图：营业收入与净利润（图片，单独成段）", "chart_ratios": "图：资产负债率与流动比率（图片，单独成段）",
}
