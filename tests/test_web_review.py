"""The review queue and correction form of the web workplace (issue 13 on issue 12's library), on a
real server (``dossier serve``) with the demo home: its scans are unread by the fake OCR engine and
wait for a person."""

from __future__ import annotations

import html
import json
import re
import urllib.parse

import pytest
from conftest import make_config
from web_support import Workplace, cli

from dossier.pipeline import Pipeline

TAX = "documents/纳税证明_2025.pdf"


@pytest.fixture(scope="module")
def wp(tmp_path_factory):
    place = Workplace.create(tmp_path_factory.mktemp("web-review") / "home").start()
    yield place
    place.stop()


def _url(client: str, path: str) -> str:
    return f"/review/{client}/{path}"


def _queue(wp) -> dict:
    return json.loads(cli(wp.home, "review", "--json").stdout)


def _show(wp, client: str) -> dict:
    return {d["path"]: d for d in json.loads(cli(wp.home, "show", client, "--json").stdout)["documents"]}


def _head(wp, client: str) -> str:
    return json.loads(cli(wp.home, "show", client, "--json").stdout)["version"]


def _form_values(page: str) -> dict:
    """What the review form would send as filled in: its type and every field input."""
    values = {f"field_{m[1]}": html.unescape(m[2])
              for m in re.finditer(r'name="field_(\w+)" value="([^"]*)"', page)}
    chosen = re.search(r'<option value="(\w+)" selected>', page)
    values["doc_type"] = chosen[1]
    return values


def _notes(wp, client: str) -> dict[str, str]:
    pipe = Pipeline(make_config(wp.home))
    pipe.start("reader")
    try:
        reader = pipe.archive.store.reader(client)
        return {p: reader.read_bytes(p).decode("utf-8") for p in reader.version().state if p.startswith("notes/")}
    finally:
        pipe.close()


def _tax_client(wp) -> str:
    return next(c for c in wp.clients if TAX in _show(wp, c))


def test_compliance_sees_the_queue_oldest_first_with_links_to_the_form(wp):
    queue = _queue(wp)
    assert len(queue["documents"]) >= 3
    page = wp.browser("hegui").get("/review/")
    assert page.status == 200 and "复核队列" in page.text
    positions = []
    for d in queue["documents"]:
        link = urllib.parse.quote(f"/review/{d['client']}/{d['path']}", safe="/")
        assert f'href="{link}"' in page.text
        positions.append(page.text.index(f'href="{link}"'))
        for problem in d["problems"]:
            assert html.escape(problem) in page.text
    assert positions == sorted(positions)


def test_the_form_shows_the_page_image_the_fields_and_one_form_with_the_actions(wp):
    client = _tax_client(wp)
    page = wp.browser("hegui").get(_url(client, TAX))
    assert page.status == 200
    image = urllib.parse.quote(f"/clients/{client}/page/1/{TAX}", safe="/")
    assert f'<img class="page-image" data-zoomable src="{image}"' in page.text
    for action in ("confirm", "correct", "withdraw"):
        assert f'name="action" value="{action}"' in page.text
    assert 'name="csrfmiddlewaretoken"' in page.text and 'name="force"' in page.text and 'name="note"' in page.text
    values = _form_values(page.text)
    assert values["doc_type"] == "tax_payment_certificate"
    assert values["field_amount"] == str(_show(wp, client)[TAX]["fields"]["amount"])
    assert "纳税证明" in page.text and "营业执照" in page.text  # the type select has every type by name
    assert wp.browser("hegui").get(_url(client, "documents/没有这份.pdf")).status == 404
    assert wp.browser("hegui").get(_url("没有这个客户", TAX)).status == 404


def test_a_post_without_csrf_token_is_refused(wp):
    client = _tax_client(wp)
    got = wp.browser("hegui").request("POST", _url(client, TAX), data={"action": "confirm"})
    assert got.status == 403
    assert _head(wp, client) == "v1"


@pytest.mark.parametrize("user", ["jingli", "clerk1", "admin1"])
def test_other_roles_may_not_review(wp, user):
    b = wp.browser(user)
    first = _queue(wp)["documents"][0]
    assert b.get("/review/").status == 403
    assert b.get(_url(first["client"], first["path"])).status == 403
    got = b.post(_url(first["client"], first["path"]), {"action": "confirm"}, form="/")
    assert got.status == 403
    assert b.get("/api/review").status == 403
    assert any(d["path"] == first["path"] and d["client"] == first["client"] for d in _queue(wp)["documents"])


def test_the_api_answers_exactly_review_json(wp):
    b = wp.browser("hegui")
    got = b.get("/api/review")
    assert got.status == 200 and got.headers["Content-Type"].startswith("application/json")
    assert got.json() == _queue(wp)
    assert wp.browser().get("/api/review").status == 401


def test_the_api_pages_the_queue_when_asked(wp):
    b = wp.browser("hegui")
    whole = _queue(wp)["documents"]
    assert len(whole) >= 2, "the fixture's queue should hold several documents"
    first = b.get("/api/review?limit=1").json()
    assert first["documents"] == whole[:1] and first["total"] == len(whole)
    second = b.get("/api/review?limit=1&offset=1").json()
    assert second["documents"] == whole[1:2] and second["items"] == first["items"]
    assert b.get(f"/api/review?limit=1&offset={len(whole)}").json()["documents"] == []
    for bad in ("limit=abc", "offset=3", "limit=1&offset=x"):
        got = b.get(f"/api/review?{bad}")
        assert got.status == 400 and got.json()["error"] == "bad_request" and "limit" in got.json()["message"]


def test_a_refused_value_re_renders_the_form_with_the_message_and_the_input_kept(wp):
    client = _tax_client(wp)
    url = _url(client, TAX)
    b = wp.browser("hegui")
    values = {**_form_values(b.get(url).text), "field_issued": "2026-13-45", "note": "核对原件日期",
              "action": "correct"}
    got = b.post(url, values)
    assert got.status == 400
    assert "不是有效日期" in got.text and 'value="2026-13-45"' in got.text and "核对原件日期" in got.text
    no_note = b.post(url, {**values, "field_issued": "2026-02-23", "note": ""})
    assert no_note.status == 400 and "写明理由" in no_note.text
    assert _head(wp, client) == "v1"


def test_compliance_corrects_an_amount_and_sees_the_new_version_and_the_note(wp):
    client = _tax_client(wp)
    url = _url(client, TAX)
    b = wp.browser("hegui")
    before = _show(wp, client)[TAX]
    old, head = before["fields"]["amount"], _head(wp, client)
    values = {**_form_values(b.get(url).text), "field_amount": "1500000.00", "note": "对照原件，金额应为 150 万元",
              "action": "correct"}
    got = b.post(url, values)
    assert got.status == 302
    after = _show(wp, client)[TAX]
    assert after["fields"]["amount"] == 1500000 and after["fields_as_read"]["amount"] == old
    assert after["corrections"][-1]["by"] == "hegui"
    assert [c["field"] for c in after["corrections"][-1]["changes"]] == ["amount"]  # only what changed
    version = _head(wp, client)
    assert version != head
    note_path = after["corrections"][-1]["note_path"]
    note = _notes(wp, client)[note_path]
    assert "对照原件，金额应为 150 万元" in note and "hegui" in note
    landed = b.get(got.headers["Location"])
    assert f"已更正 {TAX}" in landed.text and version in landed.text and note_path in landed.text
    log = json.loads(cli(wp.home, "log", client, "--json").stdout)
    assert any(e.get("event") == "decision" and e.get("action") == "correct" and e.get("user") == "hegui"
               for e in log["entries"])


def test_confirming_one_document_goes_on_to_the_next(wp):
    queue = _queue(wp)["documents"]
    first, second = queue[0], queue[1]
    b = wp.browser("hegui")
    got = b.post(_url(first["client"], first["path"]), {"action": "confirm", "note": ""})
    assert got.status == 302
    assert urllib.parse.unquote(got.headers["Location"]) == _url(second["client"], second["path"])
    landed = b.get(got.headers["Location"])
    assert landed.status == 200 and f"已确认 {first['path']}" in landed.text and "下一份" in landed.text
    assert second["path"] in landed.text
    doc = _show(wp, first["client"])[first["path"]]
    assert doc["review"] is False and doc["confirmed_by"] == "hegui"
    assert all((d["client"], d["path"]) != (first["client"], first["path"]) for d in _queue(wp)["documents"])


def test_withdrawing_needs_a_note_and_keeps_the_document_in_history(wp):
    last = _queue(wp)["documents"][-1]
    url = _url(last["client"], last["path"])
    b = wp.browser("hegui")
    refused = b.post(url, {"action": "withdraw", "note": ""})
    assert refused.status == 400 and "写明理由" in refused.text
    got = b.post(url, {"action": "withdraw", "note": "误归档：不是本客户的资料"})
    assert got.status == 302
    docs = _show(wp, last["client"])
    assert last["path"] not in docs and any(p.startswith("documents/历史/") for p in docs)


def test_moving_a_misfiled_document_to_its_client(wp):
    doc = _queue(wp)["documents"][0]
    other = next(c for c in wp.clients if c != doc["client"])
    url = _url(doc["client"], doc["path"])
    b = wp.browser("hegui")
    page = b.get(url).text
    assert 'class="move-form"' in page and f'<option value="{other}"' in page
    refused = b.post(url, {"action": "move", "to": "", "note": "不是本客户的"})
    assert refused.status == 400 and "请选择文件真正所属的客户" in refused.text
    got = b.post(url, {"action": "move", "to": other, "note": "误归档：实为另一客户的资料"})
    assert got.status == 302
    assert doc["path"] not in _show(wp, doc["client"])
    moved = [d for d in _show(wp, other).values() if d["source"].endswith(doc["path"].rsplit("/", 1)[-1])
             or d["path"].rsplit("/", 1)[-1] == doc["path"].rsplit("/", 1)[-1]]
    assert moved
    assert f"已移交客户 {other}" in b.get(got.headers["Location"]).text


def test_correcting_the_type_of_an_unread_scan_renames_it_and_keeps_the_machines_reading(wp):
    doc = _queue(wp)["documents"][0]
    assert doc["doc_type"] == "other"
    b = wp.browser("hegui")
    got = b.post(_url(doc["client"], doc["path"]), {"action": "correct", "doc_type": "business_licence",
                                                     "note": "人工查看原件：是营业执照"})
    assert got.status == 302
    docs = _show(wp, doc["client"])
    assert doc["path"] not in docs
    new = next(d for d in docs.values() if d["doc_type"] == "business_licence" and d["corrections"])
    assert new["doc_type_as_read"] == "other" and new["confirmed_by"] == "hegui"
    landed = b.get(got.headers["Location"]).text
    assert f"已更正 {new['path']}（原名 {doc['path']}）" in landed
