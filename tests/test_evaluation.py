"""Contexts of the evaluation draft and the monitoring report (``outputs.evaluation``, ``outputs.monitoring``)
and their charts (``outputs.charts``), table-driven on the watch shape ``checks.monitor.client_watch`` gives."""

from __future__ import annotations

import pytest

from dossier.outputs import charts, reports
from dossier.outputs.evaluation import (
    evaluation_context,
    ratio_rows,
    shown_years,
    statement_rows,
    warning_rows,
)
from dossier.outputs.monitoring import monitoring_context
from dossier.outputs.watch_sample import SAMPLE_CASE, SAMPLE_ITEMS, sample_watch


def _ratio(state: str, value, unit: str = "percent") -> dict:
    return {"value": value, "state": state, "zh": "资产负债率", "formula": "负债合计 ÷ 资产总计", "unit": unit,
            "inputs": []}


@pytest.mark.parametrize("entry, warned, bold, plain", [
    (_ratio("ok", 0.63), False, "", "63.0%"),
    (_ratio("ok", 0.755), True, "▲ 75.5%", ""),
    (_ratio("missing", None), False, "", "缺数据"),
    (_ratio("review", 0.5), False, "", "50.0%（待复核）"),
    (_ratio("review", None), False, "", "待复核"),
    (_ratio("not_applicable", None), False, "", "不适用"),
    (_ratio("ok", 1.2345, "times"), False, "", "1.23"),
    (_ratio("ok", -1_250_000.0, "yuan"), False, "", "-1,250,000.00"),
    (None, False, "", "缺数据"),  # no analysis of that ratio at all
], ids=["ok", "warned", "missing", "review", "review-no-value", "not-applicable", "times", "yuan", "absent"])
def test_ratio_cell(entry, warned, bold, plain):
    watch = {"analysis": {"2025": {"debt_ratio": entry} if entry else {}},
             "warnings": [{"rule": "debt_ratio_high", "year": 2025, "value": 0.755, "threshold": 0.7}] if warned else []}
    row = ratio_rows(watch, ["2025"])[0]
    assert (row["b1"], row["v1"]) == (bold, plain)
    assert row["v2"] == row["b2"] == "" and row["v3"] == ""  # fewer than three years: blank columns


@pytest.mark.parametrize("figure, shown", [
    ({"value": 1_000_000.0, "path": "documents/资产负债表_2025.pdf", "state": "ok"}, "1,000,000.00"),
    ({"value": 1_000_000.0, "path": "documents/资产负债表_2025.pdf", "state": "review"}, "1,000,000.00（待复核）"),
    ({"value": None, "path": "documents/资产负债表_2025.pdf", "state": "missing"}, "缺"),
    (None, "缺"),
], ids=["ok", "review", "missing", "absent"])
def test_statement_cell(figure, shown):
    watch = {"statements": {"2025": {"total_assets": figure} if figure else {"revenue": {"value": 1.0,
                                                                                          "state": "ok"}}}}
    rows, _ = statement_rows(watch, ["2025"])
    assert rows[0]["name"] == "资产总计" and rows[0]["v1"] == shown


def test_years_are_the_last_three_with_statements():
    watch = {"statements": {str(y): {"revenue": {"value": 1.0, "state": "ok"}} for y in (2021, 2022, 2023, 2024)}
             | {"2025": {"tax_paid": {"value": 1.0, "state": "ok"}}}}  # a tax certificate alone makes no column
    assert shown_years(watch) == ["2022", "2023", "2024"]


@pytest.mark.parametrize("warning, measure", [
    ({"rule": "debt_ratio_high", "value": 0.755, "threshold": 0.7}, "75.5%（阈值 70.0%）"),
    ({"rule": "current_ratio_low", "value": 0.8, "threshold": 1.0}, "0.80 倍（阈值 1.00 倍）"),
    ({"rule": "net_loss", "value": -5000.0, "threshold": 0}, "-5,000.00 元（阈值 0.00 元）"),
    ({"rule": "legal_rep_changed", "value": "欧阳振华", "threshold": "朱秀红"}, "—"),  # new and old, not a limit
    ({"rule": "audit_opinion_modified", "value": "qualified", "threshold": ["qualified", "adverse"]}, "—"),
], ids=["percent", "times", "yuan", "licence-change", "audit-opinion"])
def test_warning_value_against_threshold(warning, measure):
    row = warning_rows({"warnings": [{"level": "预警", "year": 2025, "message": "m", "article": "附录五",
                                      "evidence": ["documents/a.pdf"], **warning}]})[0]
    assert row["measure"] == measure and row["basis"] == f"{warning['rule']}\n附录五"


def test_sample_contexts_are_clean_and_complete():
    ctx = evaluation_context(sample_watch(), SAMPLE_CASE, SAMPLE_ITEMS, version="v5", as_of="2026-10-12")
    assert ctx["missing_names"] == "公司章程" and ctx["items_review"] == 1
    assert ctx["warnings_summary"] == "共 3 条：预警 2 条，关注 1 条。"
    assert ctx["warnings"][1]["message"] == "流动比率 0.92 低于 1.0 <&>"  # control character dropped
    assert isinstance(ctx["chart_revenue"], charts.Picture) and isinstance(ctx["chart_ratios"], charts.Picture)
    assert set(ctx) - {"chart_revenue", "chart_ratios"} <= set(reports.TEMPLATES[reports.EVALUATION])


@pytest.mark.parametrize("reevaluate, reasons, conclusion, said", [
    (True, ["v5：营业执照法定代表人由 张三 变更为 李四"], "需要重新进行担保分析评价", "v5：营业执照法定代表人由 张三 变更为 李四"),
    (False, [], "暂不需要重新评价", "无"),
])
def test_monitoring_conclusion(reevaluate, reasons, conclusion, said):
    watch = sample_watch() | {"reevaluate": reevaluate, "reevaluate_reasons": reasons}
    ctx = monitoring_context(watch, version="v5", as_of="2026-10-12")
    assert ctx["reevaluate"] == conclusion and ctx["reevaluate_reasons"] == said
    assert ctx["evaluation_issued_at"] == "2026年9月30日" and ctx["evaluation_issued_by"] == "王经理"
    assert ctx["changes"][0]["retired"] == "documents/历史/营业执照_v1.pdf"
    assert set(ctx) <= set(reports.TEMPLATES[reports.MONITORING])


def test_monitoring_dates_the_version_being_written():
    watch = sample_watch()
    watch["changes_since"][0]["created"] = None
    ctx = monitoring_context(watch, version="v5", as_of="2026-10-12", created={"v5": "2026-10-13T01:02:03Z"})
    assert ctx["changes"][0]["date"] == "2026年10月13日"


def test_charts_are_deterministic_and_never_draw_a_missing_value_as_zero():
    first = charts.revenue_chart(["2024", "2025"], [10_000_000.0, None], [500_000.0, -200_000.0])
    assert first == charts.revenue_chart(["2024", "2025"], [10_000_000.0, None], [500_000.0, -200_000.0])
    assert first.png.startswith(b"\x89PNG") and b"Software" not in first.png
    assert first != charts.revenue_chart(["2024", "2025"], [10_000_000.0, 0.0], [500_000.0, -200_000.0])


def test_the_cjk_font_found_really_draws_chinese():
    font = charts.cjk_font()
    assert charts.has_cjk_glyphs(font)
    assert not charts.has_cjk_glyphs("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
