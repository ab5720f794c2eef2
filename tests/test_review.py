"""People settle what the machine is unsure of: review queue, confirm, correct, reread, move, withdraw,
rules test (issue 12), on synthetic dossiers ingested through the real pipeline."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from pathlib import Path

import pytest

import dossier_factory as samples
from dossier import review
from dossier.checks import assess
from dossier.errors import DecisionRefused, UsageError
from dossier.pipeline import Pipeline

from conftest import assert_objects_valid, dossier_cli, ingest, make_config

YEAR = samples.DEMO_YEAR


def _bad_check_digit(id_number: str) -> str:
    last = id_number[-1]
    return id_number[:-1] + ("0" if last != "0" else "1")


@pytest.fixture
def pipe(home):
    p = Pipeline(home)
    p.start("editor")
    yield p
    p.close()


def _company(seed: int = 7):
    return samples.make_company(seed)


def _ingest_client(cfg, co, extra=()):
    folder = cfg.inbox / co.short
    samples.business_licence_pdf(co, folder / "营业执照.pdf")
    samples.application_form_pdf(co, folder / "担保申请书.pdf", 3_000_000, 12, "流动资金贷款担保")
    for make in extra:
        make(folder)
    outcomes = ingest(cfg)
    assert all(o.outcome == "archived" for o in outcomes), [o.to_json() for o in outcomes]
    return co.short


def _doc(pipe, client, path):
    return {d.path: d for d in pipe.archive.head(client).documents}[path]


def _item(pipe, client, item_id):
    _case, _when, items = assess(pipe.archive.head(client))
    return {i.item: i for i in items}[item_id]


def _record(pipe, client, path):
    reader = pipe.archive.store.reader(client)
    return json.loads(reader.content_path(_doc(pipe, client, path).record).read_bytes())


def _notes(pipe, client) -> dict[str, str]:
    reader = pipe.archive.store.reader(client)
    state = reader.version().state
    return {p: reader.read_bytes(p).decode("utf-8") for p in state if p.startswith("notes/")}


# -- a failed check digit, corrected by a person -------------------------------------
def test_failed_check_digit_id_corrected_by_a_person(home, pipe):
    co = _company()
    bad = replace(co, legal_rep_id=_bad_check_digit(co.legal_rep_id))
    client = _ingest_client(home, co, [lambda f: samples.legal_rep_id_pdf(bad, f / "法人身份证.pdf")])
    path = "documents/法定代表人身份证明.pdf"
    doc = _doc(pipe, client, path)
    assert doc.review and doc.fields["id_number"] == bad.legal_rep_id
    assert _item(pipe, client, "legal_rep_id").status == "inconsistent"
    queued = review.queue(pipe, client)["documents"]
    assert [d["path"] for d in queued] == [path]
    assert queued[0]["field_confidence"]["id_number"] < 0.6 and queued[0]["problems"]
    assert "legal_rep_id" in queued[0]["blocks"]

    with pytest.raises(DecisionRefused, match="校验位不符"):  # the same wrong number again
        review.correct(pipe, client, path, "核对原件", values={"id_number": bad.legal_rep_id})
    with pytest.raises(DecisionRefused, match="校验位不符"):  # confirming a failing code needs --force
        review.confirm(pipe, client, path)
    before = pipe.archive.head(client).version
    done = review.correct(pipe, client, path, "对照身份证原件，末位识别有误", values={"id_number": co.legal_rep_id})
    assert done.version != before and done.changes == ({"field": "id_number", "old": bad.legal_rep_id,
                                                        "new": co.legal_rep_id},)
    doc = _doc(pipe, client, path)
    assert doc.fields["id_number"] == co.legal_rep_id and doc.fields_as_read["id_number"] == bad.legal_rep_id
    assert not doc.review and doc.confirmed_by == home.operator and doc.corrections[0]["note"].startswith("对照")
    assert _item(pipe, client, "legal_rep_id").status == "ok"
    assert review.queue(pipe, client)["documents"] == []
    note = _notes(pipe, client)[done.note_path]
    assert bad.legal_rep_id in note and co.legal_rep_id in note and "末位识别有误" in note and home.operator in note
    assert_objects_valid(home.home)


def test_a_code_that_fails_its_check_is_kept_only_with_force_and_a_note(home, pipe):
    co = _company(8)
    bad = replace(co, legal_rep_id=_bad_check_digit(co.legal_rep_id))
    client = _ingest_client(home, co, [lambda f: samples.legal_rep_id_pdf(bad, f / "法人身份证.pdf")])
    path = "documents/法定代表人身份证明.pdf"
    with pytest.raises(UsageError, match="--note"):
        review.confirm(pipe, client, path, force=True)
    review.confirm(pipe, client, path, "公安户籍系统核实，原件号码如此", force=True)
    doc = _doc(pipe, client, path)
    assert doc.forced == ("id_number",) and not doc.review
    assert _item(pipe, client, "legal_rep_id").status == "ok"


# -- a misread amount --------------------------------------------------------------
def test_misread_amount_corrected_wins_everywhere_and_the_reading_is_kept(home, pipe):
    co = _company(9)
    client = _ingest_client(home, co, [lambda f: samples.tax_payment_certificate_pdf(co, YEAR, f / "完税证明.pdf")])
    path = f"documents/纳税证明_{YEAR}.pdf"
    read = _doc(pipe, client, path).fields["amount"]
    with pytest.raises(DecisionRefused, match="不是金额"):
        review.correct(pipe, client, path, "x", values={"amount": "很多"})
    with pytest.raises(DecisionRefused, match="没有字段"):
        review.correct(pipe, client, path, "x", values={"id_number": "1"})
    review.correct(pipe, client, path, "原件金额为 140.5 万元", values={"amount": "140.5万"})
    doc = _doc(pipe, client, path)
    assert doc.fields["amount"] == 1_405_000 and doc.fields_as_read["amount"] == read
    shown = {d["path"]: d for d in pipe.archive.head(client).to_json()["documents"]}[path]
    assert shown["fields"]["amount"] == 1_405_000 and shown["corrections"][0]["changes"][0]["old"] == read
    catalog = pipe.catalog.records(client)[doc.record]
    assert catalog["fields"]["amount"] == 1_405_000 and catalog["fields_as_read"]["amount"] == read
    # the machine's reading stays in the version before, byte for byte
    reader = pipe.archive.store.reader(client)
    previous = reader.version(f"v{reader.version().number - 1}")
    old = json.loads(reader.read_bytes("extracted/" + path[len("documents/"):] + ".json", previous.name))
    assert old["fields"]["amount"] == read and "fields_as_read" not in old
    assert_objects_valid(home.home)


# -- a wrong type --------------------------------------------------------------------
def _letter(co):
    return lambda f: samples.generic_pdf(f / "说明.pdf", f"{co.name}关于近期经营情况的说明",
                                         [f"我司{co.name}近期生产经营正常。", "特此说明。", co.name])


def test_wrong_type_corrected_reads_the_fields_of_the_right_type_and_renames(home, pipe):
    co = _company(10)
    client = _ingest_client(home, co, [_letter(co)])
    path = "documents/说明.pdf"
    assert _doc(pipe, client, path).review and _doc(pipe, client, path).doc_type == "other"
    assert _item(pipe, client, "sales_report").status == "missing"
    with pytest.raises(UsageError, match="没有文件类型"):
        review.correct(pipe, client, path, "x", doc_type="no_such_type")
    done = review.correct(pipe, client, path, "客户提交的销售情况说明", doc_type="sales_report",
                          values={"year": str(YEAR)})
    assert done.path == f"documents/销量情况_{YEAR}.pdf"
    doc = _doc(pipe, client, done.path)
    assert doc.doc_type == "sales_report" and doc.doc_type_as_read == "other" and doc.fields["company_name"] == co.name
    assert doc.corrections[0]["doc_type"] == {"old": "other", "new": "sales_report"}
    assert _item(pipe, client, "sales_report").status == "ok"
    assert_objects_valid(home.home)


def _in_force(pipe, client, doc_type):
    return sorted(d.path for d in pipe.archive.head(client).documents
                  if d.in_force and d.doc_type == doc_type)


def test_a_correction_that_makes_a_second_of_a_kind_retires_the_older_one(home, pipe):
    """Rules 第十二条: of one kind (here a year's sales report) the latest in force stays, as at intake."""
    co = _company(14)
    client = _ingest_client(home, co, [lambda f: samples.document_pdf("sales_report", co, f / "销量.pdf", year=YEAR)])
    older = f"documents/销量情况_{YEAR}.pdf"
    _letter(co)(home.inbox / co.short)  # a later delivery the machine could not type
    ingest(home)
    done = review.correct(pipe, client, "documents/说明.pdf", "客户补交的销售情况说明", doc_type="sales_report",
                          values={"year": str(YEAR)})
    assert not done.path.startswith("documents/历史/")
    assert _in_force(pipe, client, "sales_report") == [done.path]
    docs = {d.path: d for d in pipe.archive.head(client).documents}
    retired = [p for p in docs if p.startswith("documents/历史/") and docs[p].doc_type == "sales_report"]
    assert len(retired) == 1 and older not in docs
    note = _notes(pipe, client)[done.note_path]
    assert "第十二条" in note and older in note and retired[0] in note
    assert _item(pipe, client, "sales_report").status == "ok"
    assert_objects_valid(home.home)


def test_a_correction_of_an_older_delivery_leaves_the_later_one_in_force(home, pipe):
    co = _company(15)
    client = _ingest_client(home, co, [_letter(co)])  # the letter came first
    samples.document_pdf("sales_report", co, home.inbox / co.short / "销量.pdf", year=YEAR)
    ingest(home)
    later = f"documents/销量情况_{YEAR}.pdf"
    done = review.correct(pipe, client, "documents/说明.pdf", "早先交来的销售情况说明", doc_type="sales_report",
                          values={"year": str(YEAR)})
    assert done.path.startswith("documents/历史/")  # corrected, and kept as history: the later one is in force
    assert _in_force(pipe, client, "sales_report") == [later]
    record = _record(pipe, client, done.path)
    assert record["doc_type"] == "sales_report" and record["corrections"]
    assert done.path in _notes(pipe, client)[done.note_path]
    assert_objects_valid(home.home)


# -- withdraw and move ----------------------------------------------------------------
def test_withdrawal_keeps_the_document_in_history_with_the_note(home, pipe):
    co = _company(11)
    client = _ingest_client(home, co, [lambda f: samples.tax_payment_certificate_pdf(co, YEAR, f / "完税证明.pdf")])
    path = f"documents/纳税证明_{YEAR}.pdf"
    digest = _doc(pipe, client, path).sha512
    with pytest.raises(UsageError, match="--note"):
        review.withdraw(pipe, client, path, "")
    done = review.withdraw(pipe, client, path, "客户要求撤回：交错了年份")
    docs = {d.path: d for d in pipe.archive.head(client).documents}
    assert path not in docs and docs[done.path].sha512 == digest and done.path.startswith("documents/历史/")
    assert "交错了年份" in _notes(pipe, client)[done.note_path]
    assert pipe.archive.head(client).meta["withdrawn"][0]["path"] == path
    with pytest.raises(DecisionRefused, match="历史文件"):
        review.withdraw(pipe, client, done.path, "again")
    assert_objects_valid(home.home)


def test_move_adds_the_original_to_the_other_client_and_retires_it_here(home, pipe):
    a, b = _company(12), _company(13)
    _ingest_client(home, a)
    _ingest_client(home, b)
    # b's sales report, filed in a's folder: routing by identity cannot tell (it carries no code)
    samples.document_pdf("sales_report", b, home.inbox / a.short / "销量.pdf", year=YEAR)
    assert [o.client for o in ingest(home)] == [a.short]
    path = f"documents/销量情况_{YEAR}.pdf"
    digest = _doc(pipe, a.short, path).sha512
    assert _item(pipe, b.short, "sales_report").status == "missing"
    done = review.move(pipe, a.short, path, b.short, "误放入 A 的文件夹，实为 B 的销量情况")
    assert done.path.startswith("documents/历史/") and done.other["client"] == b.short
    assert _doc(pipe, b.short, done.other["path"]).sha512 == digest
    assert _doc(pipe, b.short, done.other["path"]).fields["company_name"] == b.name
    assert _item(pipe, b.short, "sales_report").status == "ok"
    assert path not in {d.path for d in pipe.archive.head(a.short).documents}
    moved = _record(pipe, b.short, done.other["path"])
    assert moved["moved_from"]["client"] == a.short and moved["moved_from"]["path"] == path
    assert "实为 B" in _notes(pipe, a.short)[done.note_path] and "实为 B" in _notes(pipe, b.short)[done.other["note"]]
    assert_objects_valid(home.home)


def test_a_document_moved_in_retires_the_older_one_of_its_kind_there(home, pipe):
    a, b = _company(12), _company(13)  # (as above: routing cannot tell whose the report is)
    _ingest_client(home, a)
    _ingest_client(home, b, [lambda f: samples.document_pdf("sales_report", b, f / "销量.pdf", year=YEAR)])
    misfiled = samples.document_pdf("sales_report", b, home.inbox / a.short / "销量新.pdf", year=YEAR)
    misfiled.write_bytes(misfiled.read_bytes() + b"% a later printout\n")  # other bytes, the same report
    assert [o.client for o in ingest(home)] == [a.short]
    path = f"documents/销量情况_{YEAR}.pdf"
    done = review.move(pipe, a.short, path, b.short, "B 补交的销量情况误放入 A 的文件夹")
    assert _in_force(pipe, b.short, "sales_report") == [done.other["path"]]
    retired = [d for d in pipe.archive.head(b.short).documents if d.doc_type == "sales_report" and not d.in_force]
    assert len(retired) == 1 and retired[0].path.startswith("documents/历史/")
    assert "第十二条" in _notes(pipe, b.short)[done.other["note"]]
    assert_objects_valid(home.home)


# -- reread after a rules change keeps a correction ------------------------------------
def _rules_copy(home, tmp_path, edit) -> Path:
    from dossier.rules import install_rules

    folder = tmp_path / "rules-copy"
    install_rules(folder)
    for name, (old, new) in edit.items():
        text = (folder / name).read_text(encoding="utf-8")
        assert old in text, (name, old)
        (folder / name).write_text(text.replace(old, new, 1), encoding="utf-8")
    return folder


def test_rules_change_then_reread_keeps_the_correction(home, tmp_path):
    co = _company(14)
    p = Pipeline(home)
    p.start("editor")
    try:
        client = _ingest_client(home, co, [lambda f: samples.tax_payment_certificate_pdf(co, YEAR, f / "完税证明.pdf")])
        path = f"documents/纳税证明_{YEAR}.pdf"
        review.correct(p, client, path, "原件金额另有更正章", values={"amount": "1234.56"})
        assert review.reread(p, client) == []  # same rules, same engine: nothing changes, no version
        head = p.archive.head(client).version
    finally:
        p.close()
    # the company raises its review threshold: every reading below 0.99 now needs a person
    folder = _rules_copy(home, tmp_path, {"thresholds.toml": (re.search(
        r"review_below\s*=\s*[0-9.]+", (Path(__file__).parents[1] / "src/dossier/rules/thresholds.toml")
        .read_text(encoding="utf-8"))[0], "review_below = 0.99")})
    cfg = make_config(home.home, rules_dir=str(folder))
    p = Pipeline(cfg)
    p.start("editor")
    try:
        planned = review.reread(p, client, dry_run=True)
        assert planned and p.archive.head(client).version == head  # a dry run changes nothing
        changed = {r.path: r for r in planned}
        # the corrected one is settled: its values and flag stand (only the machine's own reading may change)
        assert all(c.get("as_read") or c["field"] == "problems" for c in changed[path].changes) if path in changed \
            else True
        assert any(c["field"] == "review" and c["new"] is True for r in planned for c in r.changes)
        done = review.reread(p, client)
        assert {r.path for r in done} == set(changed)
        assert p.archive.head(client).version != head
        doc = _doc(p, client, path)
        assert doc.fields["amount"] == 1234.56 and not doc.review and doc.settled
        licence = _doc(p, client, "documents/营业执照.pdf")
        assert licence.review
        assert any(n.endswith("重新识别.txt") for n in _notes(p, client))
        assert review.reread(p, client) == []  # read again: nothing left to change
    finally:
        p.close()
    assert_objects_valid(home.home)


def test_a_reread_that_makes_a_second_of_a_kind_retires_the_older_one(home, tmp_path):
    """Rules 第十二条 after a re-read, as at intake and after a correction: a later delivery the rules in
    force then could not type now reads as the year's sales report; it stays in force, the older one moves
    under 历史/, and the note says so."""
    co = _company(16)
    client = _ingest_client(home, co, [lambda f: samples.document_pdf("sales_report", co, f / "销量.pdf", year=YEAR)])
    older = f"documents/销量情况_{YEAR}.pdf"
    # a company's rules copy that no longer knows sales reports (their titles and keywords edited away)
    folder = _rules_copy(home, tmp_path, {"doctypes.toml": ('titles = ["销量情况", "产销量情况", "销售情况表", "产品销售情况", '
                                                            '"销售量情况", "销售收入明细", "销售明细表",\n'
                                                            '          "销售收入情况", "销售情况的报告", "销售情况报告"]',
                                                            'titles = ["（本公司不再收此类文件）"]')})
    text = (folder / "doctypes.toml").read_text(encoding="utf-8")
    (folder / "doctypes.toml").write_text(text.replace(
        '{ text = "销量", weight = 3 }, { text = "产销率", weight = 3 }, { text = "产量", weight = 2 },\n'
        '  { text = "主要产品", weight = 2 }, { text = "销售数量", weight = 2 }, "销售收入", "计量单位",',
        '"（本公司不再收此类文件）",', 1), encoding="utf-8")
    again = samples.document_pdf("sales_report", co, home.inbox / co.short / "补交销量.pdf", year=YEAR)
    again.write_bytes(again.read_bytes() + b"%% a second delivery: other bytes\n")
    assert [o.outcome for o in ingest(make_config(home.home, rules_dir=str(folder)))] == ["archived"]
    p = Pipeline(home)  # the packaged rules again
    p.start("editor")
    try:
        (later,) = [d.path for d in p.archive.head(client).documents if d.in_force and d.source.endswith("补交销量.pdf")]
        assert _doc(p, client, later).doc_type != "sales_report"  # as the edited rules read it
        assert _in_force(p, client, "sales_report") == [older]
        done = {r.path: r for r in review.reread(p, client)}
        assert later in done
        now = done[later].new_path or later
        assert _in_force(p, client, "sales_report") == [now] and not now.startswith("documents/历史/")
        assert now == older  # the name the older one held: as at intake, the one in force takes it
        docs = {d.path: d for d in p.archive.head(client).documents}
        assert docs[older].source.endswith("补交销量.pdf")
        (retired,) = [q for q in docs if q.startswith("documents/历史/") and docs[q].doc_type == "sales_report"]
        assert docs[retired].source.endswith("/销量.pdf")
        if older in done:  # the older one was read again too: it says where it went
            assert done[older].new_path == retired
        (note,) = [t for n, t in _notes(p, client).items() if n.endswith("重新识别.txt")]
        assert "第十二条" in note and older in note and retired in note
        assert _item(p, client, "sales_report").status == "ok"
        assert review.reread(p, client) == []  # read again: nothing left to change
    finally:
        p.close()
    assert_objects_valid(home.home)


# -- the demo: every flag settled leaves no item in review ----------------------------
def test_demo_queue_settled_by_confirming_each_leaves_nothing_in_review(tmp_path):
    root = tmp_path / "demo"
    assert dossier_cli(root, "init").returncode == 0
    samples.write_demo_inbox(root / "inbox")
    rapid = {"DOSSIER_OCR_ENGINE": "rapid"}  # real OCR, as `make demo`: the demo's scans carry no text layer
    assert dossier_cli(root, "ingest", env=rapid).returncode == 0
    got = dossier_cli(root, "review", "--json", env=rapid)
    assert got.returncode == 0, got.stderr
    queued = json.loads(got.stdout)["documents"]
    assert queued, "the demo flags a document for a person"
    for d in queued:
        done = dossier_cli(root, "confirm", d["client"], d["path"], "--note", "已核对原件", env=rapid)
        assert done.returncode == 0, done.stderr
    assert json.loads(dossier_cli(root, "review", "--json", env=rapid).stdout) == {"documents": [], "items": []}
    status = json.loads(dossier_cli(root, "status", "--json", env=rapid).stdout)
    assert [i for c in status["clients"] for i in c["items"] if i["status"] == "review"] == []
    assert_objects_valid(root)


# -- the shell -------------------------------------------------------------------------
def test_cli_review_pages_the_documents_as_the_api_does(home, monkeypatch):
    """``dossier review --limit N --offset M``: the oldest first, with the total, as ``/api/review``."""
    from click.testing import CliRunner

    from dossier.cli import cli

    co = _company(17)
    letters = [lambda f, n=n: samples.generic_pdf(f / f"说明{n}.pdf", f"{co.name}关于第{n}项事宜的说明",
                                                  [f"我司{co.name}第{n}项事宜说明如下。", "特此说明。", co.name])
               for n in range(1, 4)]
    _ingest_client(home, co, letters)
    for key, value in {"DOSSIER_SETTLE_SECONDS": "0", "DOSSIER_OCR_ENGINE": "fake"}.items():
        monkeypatch.setenv(key, value)

    def review_json(*args):
        got = CliRunner().invoke(cli, ["--home", str(home.home), "review", "--json", *args])
        assert got.exit_code == 0, got.output
        return json.loads(got.output)

    whole = review_json()
    paths = [d["path"] for d in whole["documents"]]
    assert len(paths) >= 3 and "total" not in whole
    first, rest = review_json("--limit", "2"), review_json("--limit", "2", "--offset", "2")
    assert [d["path"] for d in first["documents"]] == paths[:2] and first["total"] == len(paths)
    assert [d["path"] for d in rest["documents"]] == paths[2:4] and rest["total"] == len(paths)
    assert first["items"] == whole["items"]  # the items are not paged
    text = CliRunner().invoke(cli, ["--home", str(home.home), "review", "--limit", "2", "--offset", "1"]).output
    assert f"待复核文件共 {len(paths)} 份，以下为第 2-3 份" in text
    past = CliRunner().invoke(cli, ["--home", str(home.home), "review", "--limit", "2", "--offset", "99"]).output
    assert "第 100 份起已没有文件" in past
    alone = CliRunner().invoke(cli, ["--home", str(home.home), "review", "--offset", "2"])
    assert alone.exit_code == 2 and "--offset 须与 --limit 一起使用" in alone.output
    zero = CliRunner().invoke(cli, ["--home", str(home.home), "review", "--limit", "0"])
    assert zero.exit_code == 2


def test_cli_review_confirm_correct_and_rules_test(home, tmp_path):
    co = _company(15)
    _ingest_client(home, co, [_letter(co), lambda f: samples.tax_payment_certificate_pdf(co, YEAR, f / "完税证明.pdf")])
    client, root = co.short, home.home
    env = {"DOSSIER_OCR_ENGINE": "fake"}
    got = dossier_cli(root, "review", "--json", env=env)
    assert got.returncode == 0, got.stderr
    queued = json.loads(got.stdout)["documents"]
    assert [d["path"] for d in queued] == ["documents/说明.pdf"]
    assert set(queued[0]) >= {"client", "path", "doc_type", "confidence", "fields", "field_confidence", "problems",
                              "blocks", "version"}
    got = dossier_cli(root, "rules", "test", env=env)
    assert got.returncode == 0 and "没有可重放的案例" in got.stdout, got.stdout + got.stderr
    got = dossier_cli(root, "confirm", client, "documents/说明.pdf", "--note", "其他资料", env=env)
    assert got.returncode == 0 and "已确认" in got.stdout, got.stderr
    got = dossier_cli(root, "correct", client, f"documents/纳税证明_{YEAR}.pdf", "--set", "amount=abc", "--note", "x",
                      env=env)
    assert got.returncode == 2 and "不是金额" in got.stderr
    got = dossier_cli(root, "correct", client, f"documents/纳税证明_{YEAR}.pdf", "--set", "amount=9.99", env=env)
    assert got.returncode == 2 and "--note" in got.stderr
    got = dossier_cli(root, "correct", client, f"documents/纳税证明_{YEAR}.pdf", "--set", "amount=9.99",
                      "--note", "原件金额", env=env)
    assert got.returncode == 0 and "9.99" in got.stdout, got.stderr
    shown = json.loads(dossier_cli(root, "show", client, "--json", env=env).stdout)
    tax = {d["path"]: d for d in shown["documents"]}[f"documents/纳税证明_{YEAR}.pdf"]
    assert tax["fields"]["amount"] == 9.99 and tax["fields_as_read"]["amount"] != 9.99 and tax["confirmed_by"]
    # the rules in force still read the machine's value: the corrected case is wrong, exit 1
    got = dossier_cli(root, "rules", "test", env=env)
    assert got.returncode == 1, got.stdout + got.stderr
    assert re.search(r"错\s+\S+\s+documents/纳税证明_\d+\.pdf\s+amount\*\s+9\.99", got.stdout), got.stdout
    assert "合计" in got.stdout
    status = json.loads(dossier_cli(root, "status", client, "--json", env=env).stdout)
    assert all(i["status"] != "review" for c in status["clients"] for i in c["items"])
