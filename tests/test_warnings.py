"""Early warnings (rules/warnings.toml, checks.monitor): each rule firing and not firing, re-evaluation, rule-file errors."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from watch_support import doc, snapshot, statements

from dossier.checks import monitor
from dossier.errors import ConfigError
from dossier.rules import DEFAULT_WARNINGS, load_warnings
from dossier.rules.warnings import parse_warnings, read_toml

TODAY = date(2026, 12, 1)
LICENCE = dict(credit_code="91330106MA2B3C4D5E", company_name="甲公司", legal_rep="张三", registered_capital=5_000_000,
               address="杭州市西湖区文三路 1 号", term_end=None)


def fired(*documents, meta=None) -> dict[str, list[dict]]:
    watch = monitor.client_watch(snapshot(*documents, meta=meta), TODAY)
    out: dict[str, list[dict]] = {}
    for w in watch["warnings"]:
        out.setdefault(w["rule"], []).append(w)
    return out


def licences(old: dict, new: dict, review: bool = False):
    return (doc("documents/历史/营业执照_v1.pdf", "business_licence", version="v2", **(LICENCE | old)),
            doc("documents/营业执照.pdf", "business_licence", version="v2", review=review, **(LICENCE | new)))


def audit(opinion: str, year: int = 2024, **kw):
    return doc(f"documents/审计报告_{year}.pdf", "audit_report", year=year, opinion=opinion, company_name="甲公司", **kw)


def tax(amounts: dict[int, float]):
    return [doc(f"documents/纳税证明_{y}.pdf", "tax_payment_certificate", year=y, amount=a) for y, a in amounts.items()]


# (rule, documents, fires, year it fires for)
CASES = [
    ("debt_ratio_high", statements(total_liabilities_2024=710_000), True, 2024),
    ("debt_ratio_high", statements(total_liabilities_2024=700_000), False, None),  # at the threshold: not above
    ("current_ratio_low", statements(current_liabilities_2024=510_000), True, 2024),
    ("current_ratio_low", statements(), False, None),
    ("quick_ratio_low", statements(inventory_2024=310_000), True, 2024),
    ("quick_ratio_low", statements(), False, None),
    ("interest_coverage_low", statements(total_profit_2024=4_000), True, 2024),  # (4000+10000)/10000 = 1.4
    ("interest_coverage_low", statements(), False, None),
    ("revenue_drop", statements(revenue_2024=790_000), True, 2024),
    ("revenue_drop", statements(), False, None),  # exactly -20%: not below
    ("operating_cash_flow_negative", statements(), True, 2024),  # -5,000 then -20,000
    ("operating_cash_flow_negative", statements(operating_cash_flow_2023=1), False, None),  # one year only
    ("net_loss", statements(net_profit_2024=-1), True, 2024),
    ("net_loss", statements(), False, None),
    ("tax_paid_drop", tax({2023: 100_000, 2024: 60_000}), True, 2024),
    ("tax_paid_drop", tax({2023: 100_000, 2024: 80_000}), False, None),
    ("audit_opinion_modified", [audit("qualified")], True, 2024),
    ("audit_opinion_modified", [audit("disclaimer")], True, 2024),
    ("audit_opinion_modified", [audit("standard")], False, None),
    ("audit_opinion_modified", [audit("qualified", review=True)], False, None),  # a doubtful reading waits
    ("audit_opinion_modified", [audit("qualified", review=True, confirmed_by="hegui")], True, 2024),
    ("audit_opinion_emphasis", [audit("emphasis")], True, 2024),
    ("audit_opinion_emphasis", [audit("qualified")], False, None),
    ("legal_rep_changed", licences({}, {"legal_rep": "李四"}), True, None),
    ("legal_rep_changed", licences({}, {}), False, None),
    ("legal_rep_changed", licences({}, {"legal_rep": "李四"}, review=True), False, None),  # a doubtful reading
    ("registered_capital_lower", licences({}, {"registered_capital": 3_000_000}), True, None),
    ("registered_capital_lower", licences({}, {"registered_capital": 8_000_000}), False, None),
    ("address_changed", licences({}, {"address": "杭州市滨江区江南大道 8 号"}), True, None),
    ("address_changed", licences({}, {"address": "杭州市西湖区文三路1号"}), False, None),  # spacing only
]


@pytest.mark.parametrize("rule, documents, fires, year", CASES,
                         ids=[f"{c[0]}-{'fires' if c[2] else 'quiet'}-{i}" for i, c in enumerate(CASES)])
def test_each_rule_fires_and_does_not(rule, documents, fires, year):
    got = fired(*documents)
    assert (rule in got) == fires, got
    if fires:
        w = got[rule][0]
        assert w["year"] == year and w["level"] in ("关注", "预警") and w["message"] and w["evidence"]
        assert w["article"] == load_warnings()[rule].article


def test_a_warning_says_value_threshold_and_evidence():
    w = fired(*statements(total_liabilities_2024=750_000))["debt_ratio_high"][0]
    assert (w["value"], w["threshold"]) == (0.75, 0.7)
    assert w["message"] == "2024 年资产负债率 75.0%，高于 70.0%"
    assert w["evidence"] == ["documents/资产负债表_2024.pdf"]


def test_the_legal_representative_change_names_both_and_both_licences():
    w = fired(*licences({}, {"legal_rep": "李四"}))["legal_rep_changed"][0]
    assert "张三" in w["message"] and "李四" in w["message"]
    assert w["evidence"] == ["documents/营业执照.pdf", "documents/历史/营业执照_v1.pdf"]


def test_a_withdrawn_licence_is_no_previous_licence():
    meta = {"withdrawn": [{"path": "documents/营业执照_2.pdf", "history": "documents/历史/营业执照_v1.pdf"}]}
    assert "legal_rep_changed" not in fired(*licences({}, {"legal_rep": "李四"}), meta=meta)


@pytest.mark.parametrize("opened, fires", [("2026-10-01T08:00:00Z", True), ("2026-11-15T08:00:00Z", False)])
def test_documents_withheld_past_the_rules_days(opened, fires):
    got = fired(doc("documents/营业执照.pdf", "business_licence", **LICENCE), meta={"opened": opened})
    assert ("documents_withheld" in got) == fires
    if fires:
        items = {w["item"] for w in got["documents_withheld"]}
        assert "audit_report" in items and "business_licence" not in items


ISSUED = {"issued": {monitor.EVALUATION_REPORT: {"issued_at": "2026-06-01T00:00:00Z", "issued_by": "jingli",
                                                 "version": "v3"}}}


def test_a_changed_legal_representative_after_the_evaluation_marks_reevaluate():
    old = doc("documents/历史/营业执照_v1.pdf", "business_licence", version="v5", **LICENCE)
    new = doc("documents/营业执照.pdf", "business_licence", version="v5", **(LICENCE | {"legal_rep": "李四"}))
    watch = monitor.client_watch(snapshot(old, new, meta=ISSUED, version="v5"), TODAY)
    assert watch["reevaluate"] is True
    assert any("李四" in r and r.startswith("v5") for r in watch["reevaluate_reasons"])
    assert watch["changes_since"][0]["version"] == "v5"
    assert watch["changes_since"][0]["added"] == ["documents/营业执照.pdf"]
    assert watch["changes_since"][0]["retired"] == ["documents/历史/营业执照_v1.pdf"]
    assert monitor.reevaluate_of(snapshot(old, new, meta=ISSUED, version="v5")) == (True, watch["reevaluate_reasons"])


@pytest.mark.parametrize("case, meta, version", [
    ("no evaluation issued", {}, "v5"),
    ("the change came before the evaluation", ISSUED, "v2"),
])
def test_no_reevaluation_without_news_since_an_issued_evaluation(case, meta, version):
    old = doc("documents/历史/营业执照_v1.pdf", "business_licence", version=version, **LICENCE)
    new = doc("documents/营业执照.pdf", "business_licence", version=version, **(LICENCE | {"legal_rep": "李四"}))
    watch = monitor.client_watch(snapshot(old, new, meta=meta), TODAY)
    assert "legal_rep_changed" in {w["rule"] for w in watch["warnings"]}, case
    assert watch["reevaluate"] is False and watch["reevaluate_reasons"] == [], case


def test_the_json_shape_of_the_issue():
    watch = monitor.client_watch(snapshot(*statements(total_liabilities_2024=750_000)), TODAY)
    assert {"client", "credit_code", "ratios", "warnings", "due", "reevaluate", "reevaluate_reasons"} <= set(watch)
    assert watch["ratios"]["2024"]["debt_ratio"] == 0.75 and watch["ratios"]["2023"]["revenue_growth"] is None
    assert {"rule", "level", "year", "value", "threshold", "message", "evidence"} <= set(watch["warnings"][0])
    assert all({"item", "path", "date", "days_left"} <= set(d) for d in watch["due"])


# -- the rule file: validated at load, errors name the file and the key ---------------------------------------

DEFAULT = DEFAULT_WARNINGS.read_text(encoding="utf-8")


@pytest.mark.parametrize("old, new, where", [
    ('above = 0.70', 'above = "七成"', "rule[0].above"),
    ('level = "预警"\narticle = "附录五 财务状况变化信号；第十六条"\nmessage = "{year} 年资产负债率',
     'level = "严重"\narticle = "附录五 财务状况变化信号；第十六条"\nmessage = "{year} 年资产负债率', "rule[0].level"),
    ('measure = "debt_ratio"', 'measure = "debt_rate"', "rule[0].measure"),
    ('message = "{year} 年资产负债率 {value}，高于 {threshold}"', 'message = "{year} 年资产负债率 {valeu}"',
     "rule[0].message"),
    ('measure = "debt_ratio"\nabove = 0.70', 'measure = "debt_ratio"\nabove = 0.70\nbelow = 0.1', "rule[0]"),
    ('opinions = ["qualified", "adverse", "disclaimer"]', 'opinions = ["保留"]', "rule[8].opinions[0]"),
    ('field = "legal_rep"\nchange = "changed"', 'field = "legal_rep"\nchange = "lower"', "rule[10].change"),
    ('days = 30', 'days = 0', "rule[13].days"),
    ('statements = "05-31"', 'statements = "02-30"', "due.statements"),
    ('id = "current_ratio_low"', 'id = "debt_ratio_high"', "rule[1].id"),
    ('kind = "withheld"', 'kind = "withheld"\nthreshold = 3', "rule[13].threshold"),
])
def test_a_rule_file_error_names_file_and_key(tmp_path, old, new, where):
    assert old in DEFAULT
    path = tmp_path / "warnings.toml"
    path.write_text(DEFAULT.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_warnings(path)
    assert str(path) in err.value.message and f"{where}：" in err.value.message, err.value.message


def test_the_packaged_rules_are_valid_and_sourced():
    rules = parse_warnings(Path(DEFAULT_WARNINGS), read_toml(DEFAULT_WARNINGS))
    assert len(rules.rules) >= 14 and all(r.source and r.article for r in rules)
    assert rules.due.statements == (5, 31)
