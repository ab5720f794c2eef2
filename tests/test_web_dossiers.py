"""The web workplace's dossier pages (issue 13): the client list, a client's page, the document viewer,
page images, downloads, pulls, search and the JSON API; on a real server (``dossier serve``) with the
demo clients and a user of every role (the manager is assigned the first client only)."""

from __future__ import annotations

import hashlib
import json
import urllib.parse
import zipfile

import pytest
from web_support import Workplace, cli


@pytest.fixture(scope="module")
def wp(tmp_path_factory):
    place = Workplace.create(tmp_path_factory.mktemp("webdossiers") / "home").start()
    assert len(place.clients) == 3
    yield place
    place.stop()


def href(path: str) -> str:
    """A path as a page links it (Django's ``iri_to_uri``: non-ASCII percent-encoded)."""
    return urllib.parse.quote(path, safe="/#%[]=:;$&()+,!?*@'~")


def shown(wp, client: str) -> dict:
    return json.loads(cli(wp.home, "show", client, "--json").stdout)


def a_pdf(wp, client: str) -> dict:
    """A PDF document in force of the client (from ``dossier show --json``)."""
    return next(d for d in shown(wp, client)["documents"]
                if d["media_type"] == "application/pdf" and not d["path"].startswith("documents/历史/"))


def access_log(wp, client: str) -> list[dict]:
    path = wp.home / "archive" / client / "logs" / "access.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()] if path.exists() else []


def client_urls(wp, client: str) -> list[str]:
    doc = a_pdf(wp, client)["path"]
    return [f"/clients/{client}/", f"/clients/{client}/documents/{doc}", f"/clients/{client}/page/1/{doc}",
            f"/clients/{client}/original/{doc}", f"/clients/{client}/reports/reports/完整性核查表.docx",
            f"/clients/{client}/pull.zip", f"/api/clients/{client}", f"/api/clients/{client}/pull.zip",
            f"/api/clients/{client}/warnings",
            f"/search/?q=有限公司&client={client}"]


# -- each page, for compliance and for the manager --------------------------------------------------

@pytest.mark.parametrize("user", ["hegui", "jingli"])
def test_each_page_answers_for_compliance_and_the_manager(wp, user):
    b = wp.browser(user)
    client = wp.clients[0]  # the manager's
    doc = a_pdf(wp, client)
    listing = b.get("/clients/")
    assert listing.status == 200 and href(f"/clients/{client}/") in listing.text
    page = b.get(f"/clients/{client}/")
    assert page.status == 200 and "核查清单" in page.text and "版本记录" in page.text and "导出 .zip" in page.text
    assert doc["path"].split("/", 1)[1] in page.text and "完整性核查表.docx" in page.text
    viewer = b.get(f"/clients/{client}/documents/{doc['path']}")
    assert viewer.status == 200 and 'class="page-image" data-zoomable' in viewer.text
    assert 'data-zoom="25"' in viewer.text and 'data-zoom="-25"' in viewer.text and "提取的字段" in viewer.text
    image = b.get(f"/clients/{client}/page/1/{doc['path']}")
    assert image.status == 200 and image.headers["Content-Type"] == "image/png" and image.body[:8] == b"\x89PNG\r\n\x1a\n"
    assert "private" in image.headers["Cache-Control"]
    found = b.get("/search/?q=有限公司")
    assert found.status == 200 and href(f"/clients/{client}/documents/") in found.text


def test_the_manager_sees_only_the_assigned_client_in_the_list_search_and_api(wp):
    b = wp.browser("jingli")
    mine, others = wp.clients[0], wp.clients[1:]
    listing = b.get("/clients/").text
    assert href(f"/clients/{mine}/") in listing and "共 1 个客户" in listing
    assert all(href(f"/clients/{c}/") not in listing for c in others)
    assert [c["client"] for c in b.get("/api/clients").json()["clients"]] == [mine]
    hits = b.get("/api/search?q=有限公司").json()["results"]
    assert hits and {h["client"] for h in hits} == {mine}
    page = b.get("/search/?q=有限公司").text
    assert all(href(f"/clients/{c}/documents/") not in page for c in others)


def test_the_manager_is_refused_every_url_of_an_unassigned_client(wp):
    b = wp.browser("jingli")
    for url in client_urls(wp, wp.clients[1]):
        got = b.get(url)
        assert got.status == 403, (url, got.status)
    assert b.get(f"/api/search?q=有限公司&client={wp.clients[1]}").status == 403


def test_a_clerk_is_refused_every_dossier_page(wp):
    b = wp.browser("clerk1")
    for url in ["/clients/", "/search/?q=有限公司", "/api/clients", "/api/search?q=有限公司",
                *client_urls(wp, wp.clients[0])]:
        got = b.get(url)
        assert got.status == 403, (url, got.status)


def test_anonymous_pages_go_to_the_login_and_the_api_answers_401(wp):
    b = wp.browser()
    got = b.get(f"/clients/{wp.clients[0]}/")
    assert got.status == 302 and got.headers["Location"].startswith("/login/")
    for url in ("/api/clients", f"/api/clients/{wp.clients[0]}", "/api/search?q=x"):
        got = b.get(url)
        assert got.status == 401 and got.json()["error"] == "unauthenticated"


# -- the client list ------------------------------------------------------------------------------------

def test_the_client_list_filters_by_status_product_missing_item_and_text(wp):
    statuses = {s["client"]: s for s in json.loads(cli(wp.home, "status", "--json").stdout)["clients"]}
    b = wp.browser("hegui")

    def listed(query: str) -> set[str]:
        text = b.get("/clients/?" + query).text
        return {c for c in wp.clients if href(f"/clients/{c}/") in text}

    assert listed("") == set(wp.clients)
    assert listed("status=complete") == {c for c, s in statuses.items() if s["complete"]}
    assert listed("status=incomplete") == {c for c, s in statuses.items() if not s["complete"]}
    assert listed("status=review") == {c for c, s in statuses.items()
                                       if any(i["status"] == "review" for i in s["items"])}
    product = statuses[wp.clients[0]]["case"]["product"]
    assert listed(f"product={product}") == {c for c, s in statuses.items() if s["case"]["product"] == product}
    missing = {c for c, s in statuses.items()
               if any(i["item"] == "business_licence" and i["status"] in ("missing", "incomplete") for i in s["items"])}
    assert listed("missing=business_licence") == missing
    code = statuses[wp.clients[2]]["credit_code"]
    assert listed(f"q={code.lower()}") == {wp.clients[2]}
    assert listed("q=没有这个客户") == set()
    assert "共 3 个客户，第 1 / 1 页" in b.get("/clients/?page=9").text


def test_the_catalogs_summaries_and_texts_agree_with_its_statuses(wp):
    from dossier import config as config_mod
    from dossier.catalog import Catalog

    with Catalog(config_mod.load(wp.home).catalog_path) as catalog:
        statuses = catalog.statuses()
        assert [json.loads(t) for t in catalog.status_texts()] == statuses
        assert catalog.status_of(wp.clients[1]) == statuses[[s["client"] for s in statuses].index(wp.clients[1])]
        assert catalog.status_of("没有这个客户") is None
        summaries = catalog.status_summaries([wp.clients[0]])
        assert len(summaries) == 1
        one = next(s for s in statuses if s["client"] == wp.clients[0])
        assert summaries[0] == {"client": one["client"], "version": one["version"], "complete": one["complete"],
                                "product": one["case"]["product"],
                                "review_items": sum(1 for i in one["items"] if i["status"] == "review"),
                                "statuses": {i["item"]: i["status"] for i in one["items"]}}


# -- the client page ------------------------------------------------------------------------------------

def test_the_client_page_shows_case_checklist_versions_and_the_access_log_to_compliance_only(wp):
    client = wp.clients[0]
    status = json.loads(cli(wp.home, "status", client, "--json").stdout)["clients"][0]
    page = wp.browser("hegui").get(f"/clients/{client}/").text
    for item in status["items"]:
        assert f'class="status-{item["status"]}"' in page
    assert "业务信息" in page and "担保品种" in page and "v1" in page and "新增 documents/" in page
    assert "调阅记录" in page and "保存业务信息" in page  # compliance's forms (views/compliance.py)
    managers = wp.browser("jingli").get(f"/clients/{client}/").text
    assert "调阅记录" not in managers and "保存业务信息" not in managers


# -- the viewer, page images, downloads -------------------------------------------------------------------

def test_the_viewer_logs_a_view_with_the_web_user(wp):
    client = wp.clients[0]
    doc = a_pdf(wp, client)["path"]
    got = wp.browser("jingli").get(f"/clients/{client}/documents/{doc}")
    assert got.status == 200
    views = [e for e in access_log(wp, client) if e["event"] == "view" and e.get("path") == doc]
    assert views and views[-1]["user"] == "jingli" and views[-1]["via"] == "web"
    assert views[-1]["address"] == "127.0.0.1" and views[-1]["version"] == shown(wp, client)["version"]


def test_the_page_image_is_a_png_rendered_once_and_served_from_the_cache(wp):
    client = wp.clients[1]
    doc = a_pdf(wp, client)
    b = wp.browser("hegui")
    first = b.get(f"/clients/{client}/page/1/{doc['path']}")
    assert first.status == 200 and first.body[:8] == b"\x89PNG\r\n\x1a\n"
    cached = wp.home / ".dossier" / "page-images" / doc["sha512"].lower() / "1.png"
    assert cached.read_bytes() == first.body
    before = cached.stat()
    second = b.get(f"/clients/{client}/page/1/{doc['path']}")
    after = cached.stat()
    assert second.body == first.body and (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
    import io

    from PIL import Image

    with Image.open(io.BytesIO(first.body)) as im:
        assert 200 < im.width <= 1600
    assert b.get(f"/clients/{client}/page/{(doc['pages'] or 1) + 1}/{doc['path']}").status == 404
    assert b.get(f"/clients/{client}/page/0/{doc['path']}").status == 404


def test_the_original_and_a_report_download_as_attachments_and_are_logged(wp):
    client = wp.clients[0]
    doc = a_pdf(wp, client)
    b = wp.browser("hegui")
    got = b.get(f"/clients/{client}/original/{doc['path']}")
    assert got.status == 200 and got.headers["Content-Type"] == "application/pdf"
    assert got.headers["Content-Disposition"].startswith("attachment")
    assert hashlib.sha512(got.body).hexdigest() == doc["sha512"].lower()
    report = b.get(f"/clients/{client}/reports/reports/完整性核查表.docx")
    assert report.status == 200 and report.body[:2] == b"PK" and "attachment" in report.headers["Content-Disposition"]
    assert "wordprocessingml" in report.headers["Content-Type"]
    downloads = [e for e in access_log(wp, client) if e["event"] == "download" and e["user"] == "hegui"]
    assert {e["path"] for e in downloads} >= {doc["path"], "reports/完整性核查表.docx"}


@pytest.mark.parametrize("url", [
    "/clients/{c}/original/../../dossier.toml",
    "/clients/{c}/original/documents/../dossier.json",
    "/clients/{c}/documents/../dossier.json",
    "/clients/{c}/documents/%2e%2e/dossier.json",
    "/clients/{c}/original/%2e%2e/%2e%2e/dossier.toml",
    "/clients/{c}/page/1/%2e%2e%2f%2e%2e%2fdossier.toml",
    "/clients/{c}/original/extracted/营业执照.pdf.json",
    "/clients/{c}/reports/../dossier.json",
    "/clients/{c}/reports/dossier.json",
])
def test_path_traversal_and_non_documents_are_not_found(wp, url):
    got = wp.browser("hegui").get(url.format(c=wp.clients[0]))
    assert got.status == 404, (url, got.status)


# -- pulls ----------------------------------------------------------------------------------------

def unpack_and_validate(body: bytes, tmp_path) -> None:
    import bagit

    archive = tmp_path / "pull.zip"
    archive.write_bytes(body)
    with zipfile.ZipFile(archive) as z:
        z.extractall(tmp_path / "bag")
    roots = [p.parent for p in (tmp_path / "bag").rglob("bagit.txt")]
    assert len(roots) == 1
    bagit.Bag(str(roots[0])).validate()


def test_a_pull_zip_validates_with_bagit_and_is_logged_with_the_web_user(wp, tmp_path):
    client = wp.clients[0]
    got = wp.browser("jingli").get(f"/clients/{client}/pull.zip")
    assert got.status == 200 and got.headers["Content-Type"] == "application/zip"
    version = shown(wp, client)["version"]
    assert "attachment" in got.headers["Content-Disposition"] and f"_{version}.zip" in got.headers["Content-Disposition"]
    unpack_and_validate(got.body, tmp_path)
    pulls = [e for e in access_log(wp, client) if e["event"] == "pull"]
    assert pulls and pulls[-1]["user"] == "jingli" and pulls[-1]["version"] == version
    assert pulls[-1]["via"] == "web" and pulls[-1]["address"] == "127.0.0.1"  # who, when and from where
    page = wp.browser("hegui").get(f"/clients/{client}/").text
    assert "导出" in page and "jingli" in page.split("调阅记录", 1)[1]


def test_a_pull_of_an_earlier_version_and_a_bad_version(wp, tmp_path):
    client = wp.clients[0]
    b = wp.browser("hegui")
    got = b.get(f"/clients/{client}/pull.zip?version=1")
    assert got.status == 200 and "_v1.zip" in got.headers["Content-Disposition"]
    unpack_and_validate(got.body, tmp_path)
    assert b.get(f"/clients/{client}/pull.zip?version=99").status == 400
    bad = b.get(f"/api/clients/{client}/pull.zip?version=99")
    assert bad.status == 400 and bad.json()["error"] == "bad_request"


# -- the API: the CLI's shapes -----------------------------------------------------------------------

def test_api_clients_equals_the_cli_status_json(wp):
    cli_clients = json.loads(cli(wp.home, "status", "--json").stdout)["clients"]
    api = wp.browser("hegui").get("/api/clients")
    assert api.status == 200 and api.headers["Content-Type"].startswith("application/json")
    assert api.json()["clients"] == cli_clients
    mine = wp.browser("jingli").get("/api/clients").json()["clients"]
    assert mine == [c for c in cli_clients if c["client"] == wp.clients[0]]


def test_api_client_equals_the_cli_show_json(wp):
    for client in wp.clients:
        assert wp.browser("hegui").get(f"/api/clients/{client}").json() == shown(wp, client)
    assert wp.browser("hegui").get("/api/clients/没有这个客户").status == 404


def test_api_warnings_equals_the_cli_warnings_json_and_the_page_shows_them(wp):
    for client in wp.clients:
        want = json.loads(cli(wp.home, "warnings", client, "--json").stdout)
        assert wp.browser("hegui").get(f"/api/clients/{client}/warnings").json() == want
    page = wp.browser("jingli").get(f"/clients/{wp.clients[0]}/").text
    assert "保后监测：预警与到期" in page and "资产负债率" in page


def test_api_search_equals_the_cli_search_json(wp):
    want = json.loads(cli(wp.home, "search", "有限公司", "--json").stdout)
    got = wp.browser("hegui").get("/api/search?q=有限公司")
    assert got.status == 200 and got.json() == want
    typed = wp.browser("hegui").get("/api/search?q=有限公司&type=利润表").json()
    assert typed["type"] == "income_statement" and all(h["doc_type"] == "income_statement" for h in typed["results"])
    assert wp.browser("hegui").get("/api/search?q=").status == 400


def test_a_bearer_token_works_on_the_api_and_a_wrong_one_is_401(wp, tmp_path):
    token = cli(wp.home, "user", "token", "jingli").stdout.strip()
    b = wp.browser()
    ok = b.get("/api/clients", headers={"Authorization": f"Bearer {token}"})
    assert ok.status == 200 and [c["client"] for c in ok.json()["clients"]] == [wp.clients[0]]
    pulled = b.get(f"/api/clients/{wp.clients[0]}/pull.zip", headers={"Authorization": f"Bearer {token}"})
    assert pulled.status == 200
    unpack_and_validate(pulled.body, tmp_path)
    assert access_log(wp, wp.clients[0])[-1]["user"] == "jingli"
    refused = b.get(f"/api/clients/{wp.clients[1]}", headers={"Authorization": f"Bearer {token}"})
    assert refused.status == 403 and refused.json()["error"] == "forbidden"
    wrong = b.get("/api/clients", headers={"Authorization": "Bearer not-a-token"})
    assert wrong.status == 401
    assert b.get(f"/clients/{wp.clients[0]}/", headers={"Authorization": f"Bearer {token}"}).status == 302


# -- page images (web/pages.py) on their own ------------------------------------------------------------

def test_pages_draws_each_page_of_a_pdf_and_each_frame_of_a_tiff_once(tmp_path):
    import pypdfium2 as pdfium
    from PIL import Image

    from dossier.web import pages

    pdf_path = tmp_path / "three.pdf"
    pdf = pdfium.PdfDocument.new()
    for _ in range(3):
        pdf.new_page(595, 842)  # A4 in points
    pdf.save(str(pdf_path))
    pdf.close()
    tiff_path = tmp_path / "two.tif"
    frames = [Image.new("RGB", (2400, 3000), colour) for colour in ("white", "gray")]
    frames[0].save(tiff_path, save_all=True, append_images=frames[1:])
    cache = tmp_path / "cache"
    for source, media_type, count in ((pdf_path, "application/pdf", 3), (tiff_path, "image/tiff", 2)):
        digest = hashlib.sha512(source.read_bytes()).hexdigest()
        assert pages.page_count(cache, digest, source, media_type) == count
        for number in range(1, count + 1):
            png = pages.page_image(cache, digest, number, source, media_type)
            assert png == cache / digest / f"{number}.png"
            with Image.open(png) as im:
                assert im.format == "PNG" and im.width <= pages.MAX_WIDTH
        assert pages.page_image(cache, digest, count + 1, source, media_type) is None
        assert pages.page_image(cache, digest, 0, source, media_type) is None
    with Image.open(cache / hashlib.sha512(pdf_path.read_bytes()).hexdigest() / "1.png") as im:
        assert abs(im.width - round(595 * pages.DPI / 72)) <= 1  # about 110 dpi
    assert pages.page_image(cache, "../../etc", 1, pdf_path, "application/pdf") is None  # only a digest names a folder
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.7\n" + b"\x00garbage" * 100)
    digest = hashlib.sha512(broken.read_bytes()).hexdigest()
    assert pages.page_count(cache, digest, broken, "application/pdf") == 0  # the child failed, the caller did not
    assert pages.page_image(cache, digest, 1, broken, "application/pdf") is None
    huge = tmp_path / "huge.pdf"
    pdf = pdfium.PdfDocument.new()
    pdf.new_page(595, 842)
    pdf.save(str(huge))
    pdf.close()
    digest = hashlib.sha512(huge.read_bytes()).hexdigest()
    assert pages.page_image(cache, digest, 1, huge, "application/pdf", limits=(60, 1)) is None  # 1 MiB: refused
    assert not [p for p in cache.rglob("*") if p.name.startswith(".")]  # no temporary file left
