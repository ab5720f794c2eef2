"""The web workplace end to end in a real browser (issue 13, Done means): Playwright drives Debian's
Chromium against ``dossier serve`` on a home with the demo clients and a user of every role.

Each role logs in through the form and sees what it may and is refused what it may not; a clerk
uploads two files and sees them archived with a receipt; compliance corrects a field in the review
form and sees the new version and the note; a manager downloads a pull zip bagit validates and the
pull is in the access log; a failed login is logged; a POST without the CSRF token is refused.
Screenshots (1366x768) go to ``$DOSSIER_SCREENSHOTS`` (default: a pytest temporary folder).
"""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path

import pytest

import browser_support as bs
from web_support import Workplace, cli

HUAMAO, HENGYUAN, RUIFENG = "华茂食品", "恒远机械", "瑞丰纺织"  # the demo clients; jingli is assigned 华茂食品


@pytest.fixture(scope="module")
def wp(tmp_path_factory):
    place = Workplace.create(tmp_path_factory.mktemp("webui") / "home").start()
    assert place.clients[0] == HUAMAO and set(place.clients) == {HUAMAO, HENGYUAN, RUIFENG}
    yield place
    place.stop()


@pytest.fixture(scope="module")
def browser():
    sync_playwright = bs.playwright_or_fail()
    with sync_playwright() as p:
        b = bs.launch(p)
        yield b
        b.close()


@pytest.fixture(scope="module")
def shots(tmp_path_factory) -> Path:
    return bs.screenshot_dir(tmp_path_factory)


@pytest.fixture
def page(browser, wp):
    ctx = bs.new_context(browser, wp.url)
    pg = ctx.new_page()
    yield pg
    ctx.close()


def expect(x):
    from playwright.sync_api import expect as pw_expect

    return pw_expect(x)


def nav(page):
    return page.get_by_role("navigation")


def assert_refused(page, path: str) -> None:
    got = page.goto(path)
    assert got is not None and got.status == 403, f"{path}: {got and got.status}"
    expect(page.get_by_role("heading", name="无权访问")).to_be_visible()


# -- each role -------------------------------------------------------------------------------------

def test_clerk_sees_intake_and_upload_and_is_refused_the_archive(page):
    bs.login(page, "clerk1")
    links = nav(page)
    expect(links.get_by_role("link", name="收件")).to_be_visible()
    expect(links.get_by_role("link", name="上传文件")).to_be_visible()
    for hidden in ("客户", "复核队列", "查找", "用户"):
        expect(links.get_by_role("link", name=hidden, exact=True)).to_have_count(0)
    assert_refused(page, "/clients/")
    assert_refused(page, f"/clients/{HUAMAO}/")
    assert_refused(page, "/search/?q=营业执照")
    assert_refused(page, "/review/")
    assert_refused(page, f"/clients/{HUAMAO}/pull.zip")
    assert_refused(page, f"/clients/{HUAMAO}/original/documents/纳税证明_2025.pdf")


def test_compliance_sees_every_client_and_the_review_queue_and_is_refused_upload(page, shots):
    bs.login(page, "hegui")
    links = nav(page)
    for shown in ("客户", "复核队列", "查找", "收件"):
        expect(links.get_by_role("link", name=shown, exact=True)).to_be_visible()
    expect(links.get_by_role("link", name="上传文件")).to_have_count(0)
    page.goto("/")
    expect(page.get_by_role("heading", name="首页")).to_be_visible()
    cards = page.get_by_role("main")
    expect(cards.get_by_role("link", name=re.compile(r"^3\s*客户$"))).to_be_visible()
    expect(cards.get_by_role("link", name=re.compile(r"^\d+\s*文件待复核$"))).to_be_visible()
    page.screenshot(path=shots / "dashboard.png", full_page=True)
    page.goto("/clients/")
    for client in (HUAMAO, HENGYUAN, RUIFENG):
        expect(page.get_by_role("link", name=re.compile(client)).first).to_be_visible()
    assert_refused(page, "/upload/")
    assert_refused(page, "/admin/users/")


def test_manager_sees_only_the_assigned_client_and_is_refused_the_others_and_review(page):
    bs.login(page, "jingli")
    links = nav(page)
    for shown in ("客户", "查找"):
        expect(links.get_by_role("link", name=shown, exact=True)).to_be_visible()
    expect(links.get_by_role("link", name="复核队列")).to_have_count(0)
    page.goto("/clients/")
    expect(page.get_by_role("link", name=re.compile(HUAMAO)).first).to_be_visible()
    expect(page.get_by_role("main").get_by_text(HENGYUAN)).to_have_count(0)
    got = page.goto(f"/clients/{HUAMAO}/")
    assert got.status == 200
    assert_refused(page, f"/clients/{HENGYUAN}/")
    assert_refused(page, f"/clients/{RUIFENG}/pull.zip")
    assert_refused(page, "/review/")
    assert_refused(page, "/admin/users/")


def test_admin_sees_users_and_checks(page):
    bs.login(page, "admin1")
    expect(nav(page).get_by_role("link", name="用户", exact=True)).to_be_visible()
    page.goto("/admin/users/")
    expect(page.get_by_role("heading", name="用户", exact=True)).to_be_visible()
    for user in ("clerk1", "hegui", "jingli", "admin1"):
        expect(page.get_by_role("main").get_by_text(user, exact=True).first).to_be_visible()
    got = page.goto("/admin/checks/")
    assert got.status == 200
    expect(page.get_by_role("heading", name="规则和模板检查")).to_be_visible()
    page.goto("/clients/")
    expect(page.get_by_role("link", name=re.compile(HENGYUAN)).first).to_be_visible()
    assert_refused(page, "/review/")


# -- a clerk uploads -------------------------------------------------------------------------------

def test_files_dropped_on_the_upload_page_go_into_its_file_input(page):
    bs.login(page, "clerk1")
    page.goto("/upload/")
    zone = page.locator("[data-dropzone]")
    transfer = page.evaluate_handle("""() => {
        const dt = new DataTransfer();
        dt.items.add(new File(["%PDF-1.4 dropped"], "拖入的文件.pdf", {type: "application/pdf"}));
        return dt;
    }""")
    zone.dispatch_event("drop", {"dataTransfer": transfer})
    assert page.locator("input[name=files]").evaluate("input => input.files.length") == 1
    expect(zone).to_contain_text("拖入的文件.pdf")


def test_a_clerk_uploads_two_files_and_sees_them_archived_with_a_receipt(page, wp, tmp_path):
    import dossier_factory as samples

    _a, b, _c = samples.demo_companies()
    assert b.short == RUIFENG
    files = [samples.tax_payment_certificate_pdf(b, 2025, tmp_path / "完税证明2025.pdf"),
             samples.legal_rep_id_pdf(b, tmp_path / "法人身份证.pdf")]
    obj = wp.home / "archive" / RUIFENG
    before = bs.head_version(obj)
    bs.login(page, "clerk1")
    page.goto("/upload/")
    form = page.locator("form").filter(has=page.locator("input[type=file]")).first
    client = form.get_by_role("combobox", name=re.compile("^客户"))
    client.select_option(label=next(o for o in client.locator("option").all_text_contents() if RUIFENG in o))
    form.get_by_label(re.compile("选择文件")).set_input_files([str(f) for f in files])
    form.get_by_role("button", name="上传").click()
    done = page.get_by_text(re.compile("已上传 2 个文件"))
    expect(done).to_be_visible()
    for f in files:
        expect(done).to_contain_text(f.name)
    inbox = wp.home / "inbox" / RUIFENG
    assert {f.name for f in files} <= {p.name for p in inbox.iterdir()}, "uploads go into the client's inbox folder"

    cli(wp.home, "ingest")
    head = bs.head_paths(obj)
    assert bs.head_version(obj) != before
    assert {"documents/纳税证明_2025.pdf", "documents/法定代表人身份证明.pdf"} <= head, head
    page.goto("/intake/")
    main = page.get_by_role("main")
    for f in files:
        row = main.get_by_role("row").filter(has_text=f.name).first
        expect(row).to_contain_text("已归档")
        expect(row).to_contain_text(RUIFENG)
    receipt = main.locator("details").filter(has=page.locator("summary", has_text=RUIFENG)).first
    receipt.locator("summary").click()
    text = receipt.locator("pre")
    expect(text).to_be_visible()
    expect(text).to_contain_text("收件回执")
    for f in files:
        expect(text).to_contain_text(re.compile(r"\[已归档\] " + re.escape(f.name)))


# -- compliance corrects a field -------------------------------------------------------------------

def test_compliance_corrects_a_field_in_the_review_form_and_sees_the_new_version_and_the_note(page, wp, shots):
    doc = "documents/纳税证明_2025.pdf"
    shown = json.loads(cli(wp.home, "show", HUAMAO, "--json").stdout)
    before = next(d for d in shown["documents"] if d["path"] == doc)
    assert before["fields"]["amount"] == 1408141.98 and before["confirmed_by"] is None
    obj = wp.home / "archive" / HUAMAO
    old_version, old_notes = bs.head_version(obj), {p for p in bs.head_paths(obj) if p.startswith("notes/")}
    note = "对照原件更正金额：应为 1408142.00 元（浏览器测试）"
    bs.login(page, "hegui")
    page.goto(f"/review/{HUAMAO}/{doc}")
    expect(page.get_by_role("heading", level=1)).to_contain_text(doc)
    form = page.locator("form.review-form")
    amount = form.get_by_label(re.compile(r"^金额"))
    expect(amount).to_have_value(re.compile(r"^1,?408,?141\.98$"))
    _image_loaded(page, page.get_by_role("img", name=re.compile("第 1 页")))
    page.screenshot(path=shots / "review-form.png", full_page=True)
    amount.fill("1408142.00")
    form.get_by_label(re.compile(r"^说明")).fill(note)
    form.get_by_role("button", name="更正", exact=True).click()
    expect(page).not_to_have_url(re.compile(re.escape("纳税证明_2025")))  # on to the next

    shown = json.loads(cli(wp.home, "show", HUAMAO, "--json").stdout)
    after = next(d for d in shown["documents"] if d["path"] == doc)
    assert after["fields"]["amount"] == 1408142.0 and after["confirmed_by"] == "hegui"
    assert after["fields_as_read"]["amount"] == 1408141.98 and after["corrections"][-1]["note"] == note
    new_version = bs.head_version(obj)
    assert new_version != old_version and shown["version"] == new_version
    notes = {p for p in bs.head_paths(obj) if p.startswith("notes/")} - old_notes
    assert len(notes) == 1, notes
    note_path = notes.pop()
    assert after["corrections"][-1]["note_path"] == note_path

    page.goto(f"/clients/{HUAMAO}/")
    step = page.locator("ol.timeline > li").filter(has=page.get_by_text(new_version, exact=True)).first
    expect(step).to_contain_text("人工更正")
    expect(step).to_contain_text("hegui")
    expect(step).to_contain_text(note_path)
    page.goto(f"/review/{HUAMAO}/{doc}")
    expect(page.get_by_role("main")).to_contain_text(note)
    expect(page.locator("form.review-form").get_by_label(re.compile(r"^金额"))).to_have_value(
        re.compile(r"^1,?408,?142(\.0+)?$"))


def _image_loaded(page, image) -> None:
    expect(image).to_be_visible()
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=image.element_handle())


# -- a manager pulls -------------------------------------------------------------------------------

def _pulls(wp, user: str) -> list[dict]:
    log = bs.jsonl(wp.home / "archive" / HUAMAO / "logs" / "access.jsonl")
    return [e for e in log if e.get("user") == user and e.get("event") == "pull"]


def test_a_manager_downloads_a_pull_zip_that_bagit_validates_and_the_pull_is_logged(page, wp, tmp_path):
    import bagit

    before = len(_pulls(wp, "jingli"))
    bs.login(page, "jingli")
    page.goto(f"/clients/{HUAMAO}/")
    with page.expect_download() as got:
        page.get_by_role("link", name="导出 .zip").click()
    download = got.value
    zip_path = tmp_path / (download.suggested_filename or "pull.zip")
    download.save_as(zip_path)
    assert zip_path.suffix == ".zip"
    out = tmp_path / "bag"
    with zipfile.ZipFile(zip_path) as z:
        z.extractall(out)
    roots = [p.parent for p in out.rglob("bagit.txt")]
    assert len(roots) == 1
    bag = bagit.Bag(str(roots[0]))
    bag.validate()
    assert any(p.endswith("纳税证明_2025.pdf") for p in bag.payload_files()), list(bag.payload_files())

    pulls = _pulls(wp, "jingli")
    assert len(pulls) == before + 1, pulls
    assert pulls[-1]["version"] == bs.head_version(wp.home / "archive" / HUAMAO)
    # the access log is shown to compliance and admin only
    expect(page.get_by_role("heading", name="调阅记录")).to_have_count(0)


def test_compliance_finds_the_managers_pull_in_the_client_pages_access_log(browser, wp, shots):
    ctx = bs.new_context(browser, wp.url)
    try:
        page = ctx.new_page()
        bs.login(page, "jingli")
        with page.expect_download():
            page.goto(f"/clients/{HUAMAO}/")
            page.get_by_role("link", name="导出 .zip").click()
        ctx.clear_cookies()
        bs.login(page, "hegui")
        page.goto(f"/clients/{HUAMAO}/")
        expect(page.get_by_role("heading", name="调阅记录")).to_be_visible()
        pulls = page.locator("table.access-log").get_by_role("row").filter(has_text="jingli")
        expect(pulls.first).to_be_visible()
        expect(pulls.first).to_contain_text("导出")
        page.screenshot(path=shots / "client-page.png", full_page=True)
    finally:
        ctx.close()


# -- the viewer ------------------------------------------------------------------------------------

def test_the_viewer_shows_the_page_image_beside_the_fields(page, shots):
    bs.login(page, "hegui")
    page.goto(f"/clients/{HENGYUAN}/")
    page.get_by_role("link", name=re.compile("利润表_2025")).first.click()
    expect(page).to_have_url(re.compile(r"/clients/.+/documents/"))
    _image_loaded(page, page.get_by_role("img", name=re.compile("第 1 页")))
    expect(page.get_by_role("complementary")).to_contain_text("提取的字段")
    page.screenshot(path=shots / "viewer.png", full_page=True)


# -- logins and CSRF -------------------------------------------------------------------------------

def test_a_failed_login_shows_the_error_and_is_logged(page, wp):
    bs.login(page, "jingli", password="not-the-password", ok=False)
    expect(page.get_by_role("alert")).to_contain_text("不正确")
    expect(page.get_by_role("button", name="退出")).to_have_count(0)
    events = bs.jsonl(wp.home / ".dossier" / "web-logins.jsonl")
    assert any(e["event"] == "login_failed" and e["user"] == "jingli" and e["address"] == "127.0.0.1"
               and e["reason"] == "bad credentials" for e in events), events


def test_a_post_without_the_csrf_token_is_refused(page, wp):
    bs.login(page, "hegui")
    doc = "documents/营业执照扫描.pdf"
    got = page.request.post(f"/review/{HUAMAO}/{doc}", form={"action": "confirm", "note": "无令牌"})
    assert got.status == 403, got.status
    assert "CSRF" in got.text()
    status = page.evaluate("""async () => (await fetch('/logout/', {method: 'POST'})).status""")
    assert status == 403
    page.goto("/")
    expect(page.get_by_role("button", name="退出")).to_be_visible()  # still logged in: the logout was refused
    shown = json.loads(cli(wp.home, "show", HUAMAO, "--json").stdout)
    assert next(d for d in shown["documents"] if d["path"] == doc)["confirmed_by"] is None


# -- a phone ---------------------------------------------------------------------------------------

def test_the_upload_page_works_on_a_phone(browser, wp, shots):
    ctx = bs.new_context(browser, wp.url, viewport=bs.PHONE, is_mobile=True, has_touch=True)
    try:
        page = ctx.new_page()
        bs.login(page, "clerk1")
        page.goto("/upload/")
        inputs = page.locator("input[type=file][name=files]")
        assert inputs.count() >= 1
        for i in range(inputs.count()):
            expect(inputs.nth(i)).to_be_visible()
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= bs.PHONE["width"] + 1, f"the page scrolls sideways on a phone ({width}px)"
        page.screenshot(path=shots / "upload-phone.png", full_page=True)
    finally:
        ctx.close()
