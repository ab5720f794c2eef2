"""Watching clients through the pipeline (issue 14): an issued evaluation, then a licence with another legal
representative marks re-evaluation in status, warnings and the overview; the daily alert file; dossier due."""

from __future__ import annotations

import dataclasses
import json
import threading
from datetime import date

import pytest
from conftest import dossier_cli, ingest

import dossier_factory as samples
from dossier.archive import Archive
from dossier.catalog import Catalog
from dossier.checks import monitor
from dossier.outputs import alerts

YEAR = samples.DEMO_YEAR


@pytest.fixture
def watched(home):
    co = samples.make_company(77, "远航物流")
    folder = home.inbox / co.short
    samples.business_licence_pdf(co, folder / "营业执照.pdf")
    samples.balance_sheet_pdf(co, YEAR, folder / "资产负债表.pdf")
    samples.income_statement_pdf(co, YEAR, folder / "利润表.pdf")
    assert {o.outcome for o in ingest(home)} == {"archived"}
    return home, co


def status_of(cfg, client: str) -> dict:
    out = dossier_cli(cfg.home, "status", client, "--json")
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)["clients"][0]


def test_a_new_legal_representative_after_the_issued_evaluation_marks_reevaluate(watched, tmp_path):
    cfg, co = watched
    client = Archive(cfg).client_ids()[0]
    assert status_of(cfg, client)["reevaluate"] is False
    issued = dossier_cli(cfg.home, "issue", client, monitor.EVALUATION_REPORT.removeprefix("reports/"))
    assert issued.returncode == 0, issued.stderr
    assert status_of(cfg, client)["reevaluate"] is False  # issuing changes nothing it says

    moved_on = dataclasses.replace(co, legal_rep="欧阳明远")
    samples.business_licence_pdf(moved_on, cfg.inbox / co.short / "营业执照（变更后）.pdf")
    assert {o.outcome for o in ingest(cfg)} == {"archived"}

    status = status_of(cfg, client)
    assert status["reevaluate"] is True
    assert any("欧阳明远" in r and co.legal_rep in r for r in status["reevaluate_reasons"])
    watch = json.loads(dossier_cli(cfg.home, "warnings", client, "--json").stdout)["clients"][0]
    assert watch["reevaluate"] is True and watch["reevaluate_reasons"] == status["reevaluate_reasons"]
    assert "legal_rep_changed" in {w["rule"] for w in watch["warnings"]}
    assert watch["evaluation"]["version"] == "v2" and watch["changes_since"][0]["version"] == "v3"

    sheet = tmp_path / "overview.csv"
    assert dossier_cli(cfg.home, "overview", "--out", str(sheet)).returncode == 0
    text = sheet.read_text(encoding="utf-8-sig")
    assert "需重新评估" in text and "下次到期" in text and "欧阳明远" in text

    with Catalog(cfg.catalog_path) as catalog:  # the dashboard's query: no archive read
        assert catalog.reevaluating() == [{"client": client, "name": co.name, "reasons": status["reevaluate_reasons"]}]
        assert catalog.reevaluating(["someone else"]) == []

    text_out = dossier_cli(cfg.home, "warnings", client).stdout
    assert "【需重新评估】" in text_out and "欧阳明远" in text_out


def test_the_daily_check_writes_the_alert_and_clears_it(watched):
    cfg, co = watched
    archive = Archive(cfg)
    stop = threading.Event()
    daily = alerts.Daily(archive, cfg.state_dir, stop, within=400)  # the statements of next year fall due
    daily.tick()
    daily.thread.join(60)
    alert = cfg.state_dir / alerts.ALERT_NAME
    text = alert.read_text(encoding="utf-8")
    assert co.name in text and f"{YEAR + 1} 年度资产负债表应报送" in text
    log = [json.loads(line) for line in (cfg.state_dir / alerts.LOG_NAME).read_text(encoding="utf-8").splitlines()]
    assert len(log) == 1 and log[0]["clients"] == 1 and log[0]["due"] >= 1
    daily.tick()  # once a day: the log is fresh, nothing runs
    assert daily.thread is not None and not daily.thread.is_alive()
    assert len((cfg.state_dir / alerts.LOG_NAME).read_text(encoding="utf-8").splitlines()) == 1
    assert alerts.write_alert(cfg.state_dir, [], date.today(), 90) is None and not alert.exists()


def test_dossier_due_lists_by_date_with_days_left(watched):
    cfg, co = watched
    out = dossier_cli(cfg.home, "due", "--within", "3650", "--as-of", "2026-12-20", "--json")
    assert out.returncode == 0, out.stderr
    rows = json.loads(out.stdout)
    assert rows["as_of"] == "2026-12-20" and rows["within_days"] == 3650
    dates = [r["date"] for r in rows["due"]]
    assert dates == sorted(dates) and all(r["client_name"] == co.name for r in rows["due"])
    statements = next(r for r in rows["due"] if r["kind"] == "statements" and r["item"] == "balance_sheet")
    assert statements["date"] == f"{YEAR + 2}-05-31"
    assert statements["days_left"] == (date(YEAR + 2, 5, 31) - date(2026, 12, 20)).days
    assert dossier_cli(cfg.home, "due", "--within", "-1").returncode == 2  # bad usage
    status = json.loads(dossier_cli(cfg.home, "status", "--as-of", "2026-12-20", "--json").stdout)["clients"][0]
    first = min((r for r in rows["due"] if r["kind"] != "withheld"), key=lambda r: r["date"])
    assert status["next_due"] == {k: first[k] for k in ("item", "name", "kind", "path", "date")}
    plain = dossier_cli(cfg.home, "due", "--within", "3650", "--as-of", "2026-12-20").stdout
    assert "资产负债表应报送" in plain and co.name in plain
