"""Compliance's actions in the web workplace (issue 13): case data, issuing and amending reports, the
overview; the same checks and versions as the CLI's case / issue / amend / overview."""

from __future__ import annotations

import io
import json
import zipfile

import pytest

from web_support import Workplace, cli


@pytest.fixture(scope="module")
def wp(tmp_path_factory):
    place = Workplace.create(tmp_path_factory.mktemp("webc") / "home").start()
    yield place
    place.stop()


def _show(wp, client):
    return json.loads(cli(wp.home, "show", client, "--json").stdout)


def _history(wp, client):
    return json.loads(cli(wp.home, "history", client, "--json").stdout)["versions"]


def test_case_data_from_the_form_is_checked_and_versioned(wp):
    client = wp.clients[1]
    b = wp.browser("hegui")
    page = f"/clients/{client}/"
    before = len(_history(wp, client))
    got = b.post(f"/clients/{client}/case", {"amount": "600万", "term_months": "18"}, form=page)
    assert got.status == 302
    status = json.loads(cli(wp.home, "status", client, "--json").stdout)["clients"][0]
    assert status["case"]["amount"] == 6_000_000 and status["case"]["term_months"] == 18
    assert len(_history(wp, client)) == before + 1 and "修改业务信息" in _history(wp, client)[-1]["message"]
    assert _history(wp, client)[-1]["user"] == "hegui"
    bad = b.post(f"/clients/{client}/case", {"application_date": "2026-02-30"}, form=page)
    assert bad.status == 302 and len(_history(wp, client)) == before + 1
    assert "不存在" in b.get(page).text  # the refusal is shown on the page it returns to


def test_issue_then_amend_a_report_with_a_note(wp):
    client = wp.clients[0]
    b = wp.browser("hegui")
    page = f"/clients/{client}/"
    report = "reports/完整性核查表.docx"
    assert b.post(f"/clients/{client}/issue", {"report": report}, form=page).status == 302
    assert _show(wp, client)["version"] == _history(wp, client)[-1]["version"]
    assert "签发报告" in _history(wp, client)[-1]["message"] and _history(wp, client)[-1]["user"] == "hegui"
    from docx import Document

    buf = io.BytesIO()
    doc = Document()
    doc.add_paragraph("修订稿：更正了核查基准日")
    doc.save(buf)
    csrf = b.csrf(page)
    got = b.request("POST", f"/clients/{client}/amend", data={"csrfmiddlewaretoken": csrf, "report": report,
                                                             "note": "核查基准日写错，已更正"},
                    files={"file": [("修订.docx", buf.getvalue(),
                                     "application/vnd.openxmlformats-officedocument.wordprocessingml.document")]})
    assert got.status == 302
    last = _history(wp, client)[-1]
    assert "修订报告" in last["message"] and any(p.startswith("notes/") for p in last["added"])
    assert last["user"] == "hegui"


def test_overview_download_and_who_may(wp):
    got = wp.browser("hegui").get("/overview.xlsx")
    assert got.status == 200 and got.body[:2] == b"PK"
    assert "xl/workbook.xml" in zipfile.ZipFile(io.BytesIO(got.body)).namelist()
    for user in ("jingli", "clerk1", "admin1"):
        assert wp.browser(user).get("/overview.xlsx").status == 403
    b = wp.browser("jingli")
    csrf = b.csrf("/upload/") if b.get("/upload/").status == 200 else b.csrf("/login/")
    refused = b.request("POST", f"/clients/{wp.clients[0]}/case",
                        data={"csrfmiddlewaretoken": csrf, "amount": "1"})
    assert refused.status == 403
