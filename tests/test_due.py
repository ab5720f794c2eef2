"""Dated obligations (checks.due through checks.monitor): expiries, annual report, new statements, stale schedule,
documents asked for; across a year boundary."""

from __future__ import annotations

from datetime import date

import pytest
from watch_support import doc, snapshot

from dossier.checks import due, monitor

LICENCE = doc("documents/营业执照.pdf", "business_licence", credit_code="91330106MA2B3C4D5E", company_name="甲公司",
              legal_rep="张三", term_end="2027-01-03")
ID_CARD = doc("documents/法定代表人身份证明.pdf", "legal_rep_id", name="张三", valid_until=None)  # 长期: never due
ANNUAL_2025 = doc("documents/年度报告_2025.pdf", "annual_report", year=2025)
BS_2025 = doc("documents/资产负债表_2025.pdf", "balance_sheet", year=2025, total_assets=1, total_liabilities=1)
SCHEDULE = doc("documents/存借款及对外担保情况.pdf", "loan_guarantee_schedule", as_of="2026-11-30")


def entries(today: date, *documents, meta=None) -> dict[tuple[str, str], dict]:
    watch = monitor.client_watch(snapshot(*documents, meta=meta), today)
    return {(e["kind"], e["item"]): e for e in watch["due"]}


@pytest.mark.parametrize("today, kind, item, when, days_left", [
    # the licence's term ends on 2027-01-03: two weeks ahead, then two days overdue
    (date(2026, 12, 20), "expires", "business_licence", "2027-01-03", 14),
    (date(2027, 1, 5), "expires", "business_licence", "2027-01-03", -2),
    # the 2025 annual report is in force: the 2026 one is due by 2027-06-30 on both sides of new year
    (date(2026, 12, 20), "annual_report", "annual_report", "2027-06-30", 192),
    (date(2027, 1, 5), "annual_report", "annual_report", "2027-06-30", 176),
    # 2025 statements in force: the 2026 balance sheet is due by 2027-05-31
    (date(2026, 12, 20), "statements", "balance_sheet", "2027-05-31", 162),
    (date(2027, 1, 5), "statements", "balance_sheet", "2027-05-31", 146),
    # the schedule as of 2026-11-30 stops counting two months later (checklist.toml months = 2)
    (date(2026, 12, 20), "stale", "loan_guarantee_schedule", "2027-01-30", 41),
    (date(2027, 2, 1), "stale", "loan_guarantee_schedule", "2027-01-30", -2),
])
def test_due_dates_across_a_year_boundary(today, kind, item, when, days_left):
    got = entries(today, LICENCE, ID_CARD, ANNUAL_2025, BS_2025, SCHEDULE)[(kind, item)]
    assert (got["date"], got["days_left"]) == (when, days_left)


@pytest.mark.parametrize("today, year, when", [
    (date(2026, 12, 20), 2025, "2026-06-30"),  # none in force: the latest report already overdue
    (date(2027, 1, 5), 2025, "2026-06-30"),
    (date(2027, 7, 1), 2026, "2027-06-30"),
])
def test_without_any_annual_report_the_overdue_one_is_named(today, year, when):
    got = entries(today, LICENCE)[("annual_report", "annual_report")]
    assert got["date"] == when and got["name"].startswith(f"{year} ")


def test_an_open_ended_id_card_is_never_due_and_history_is_not_watched():
    old = doc("documents/历史/营业执照_v1.pdf", "business_licence", term_end="2026-12-10")
    got = entries(date(2026, 12, 1), ID_CARD, old)
    assert ("expires", "legal_rep_id") not in got and ("expires", "business_licence") not in got


def test_documents_asked_for_since_the_dossier_was_opened():
    got = entries(date(2026, 12, 1), LICENCE, meta={"opened": "2026-10-02T03:00:00Z"})
    asked = got[("withheld", "audit_report")]
    assert asked["date"] == "2026-10-02" and asked["days_left"] == -60 and asked["path"] is None
    assert ("withheld", "business_licence") not in got  # it is there
    assert ("withheld", "annual_report") not in got  # asked for by its own deadline (annual_report entry)


def test_sorted_by_date():
    dates = [e["date"] for e in monitor.client_watch(snapshot(LICENCE, ANNUAL_2025, BS_2025, SCHEDULE),
                                                      date(2026, 12, 20))["due"]]
    assert dates == sorted(dates)


@pytest.mark.parametrize("day, months, expected", [
    (date(2026, 11, 30), 2, date(2027, 1, 30)),
    (date(2026, 12, 31), 2, date(2027, 2, 28)),  # no 31 February
    (date(2027, 12, 31), 2, date(2028, 2, 29)),
])
def test_add_months(day, months, expected):
    assert due.add_months(day, months) == expected
