"""Issued means frozen (rules 第十九条), update copies included (issue 10, finding 3).

A real synthetic dossier goes through the pipeline: reports are issued, then documents and case changes
arrive over several versions. Every issued file and every update copy keeps its bytes in every later
version (read from the OCFL inventories), an update copy appears only when what the report says
changed, and the object stays valid.
"""

from __future__ import annotations

import json

import pytest

from conftest import ocfl_validate
import dossier_factory as samples
from dossier.archive import Archive
from dossier.pipeline import Pipeline

COMPLETENESS = "reports/完整性核查表.docx"
INDEX = "reports/归档文件目录.docx"
UPDATED = "（签发后更新"


def _inventory(home, client: str) -> dict:
    return json.loads((Archive(home).object_path(client) / "inventory.json").read_text(encoding="utf-8"))


def _states(home, client: str) -> dict[str, dict[str, str]]:
    """version -> {logical path: digest}, from the object's root inventory."""
    inv = _inventory(home, client)
    return {name: {path: digest for digest, paths in ver["state"].items() for path in paths}
            for name, ver in inv["versions"].items()}


def _number(version: str) -> int:
    return int(version[1:])


def _copies(state: dict[str, str], report: str) -> list[str]:
    stem = report.rsplit(".", 1)[0]
    return sorted(p for p in state if p.startswith(stem + UPDATED))


def _docx_text(data: bytes) -> str:
    import io

    from docx import Document

    doc = Document(io.BytesIO(data))
    parts = [p.text for p in doc.paragraphs]
    parts += [c.text for t in doc.tables for r in t.rows for c in r.cells]
    for section in doc.sections:
        parts += [p.text for p in section.header.paragraphs]
    return "\n".join(parts)


@pytest.fixture
def dossier(home):
    """A client with a licence and one balance sheet, its head read by a pipeline that stays open."""
    company = samples.make_company(52, short="同创精密")
    folder = home.inbox / company.short
    samples.business_licence_pdf(company, folder / "营业执照.pdf")
    samples.balance_sheet_pdf(company, 2025, folder / "2025资产负债表.pdf")
    pipe = Pipeline(home)
    pipe.start()
    outcomes = pipe.ingest()
    assert outcomes and all(o.outcome == "archived" for o in outcomes)
    try:
        yield pipe, company, folder
    finally:
        pipe.close()


def test_issuing_makes_no_update_copy(dossier, home):
    pipe, company, _ = dossier
    cid = company.short
    before = _states(home, cid)
    head = max(before, key=_number)
    version = pipe.archive.issue_report(cid, "完整性核查表.docx")
    state = _states(home, cid)[version]
    assert not [p for p in state if UPDATED in p]  # issuing changes nothing the report says
    assert state[COMPLETENESS] == before[head][COMPLETENESS]  # the issued file is the head's, untouched
    assert state[INDEX] != before[head][INDEX]  # the other report is a draft: it shows the new version
    entry = pipe.archive.meta(cid)["issued"][COMPLETENESS]
    assert entry["sha512"] == state[COMPLETENESS] and entry["content"] and entry["updates"] == []
    ok, out = ocfl_validate(Archive(home).object_path(cid))
    assert ok, out


def test_issued_reports_and_their_update_copies_never_change(dossier, home):
    pipe, company, folder = dossier
    cid = company.short
    issued_in = {COMPLETENESS: pipe.archive.issue_report(cid, "完整性核查表.docx"),
                 INDEX: pipe.archive.issue_report(cid, "归档文件目录.docx")}
    assert not [p for p in _states(home, cid)[issued_in[INDEX]] if UPDATED in p]

    # a case change: the completeness report shows the amount, the archive index does not
    v_case = pipe.archive.set_case(cid, {"amount": 3000000, "term_months": 12})
    state = _states(home, cid)[v_case]
    assert _copies(state, COMPLETENESS) == ["reports/完整性核查表（签发后更新1）.docx"]
    assert _copies(state, INDEX) == []  # what the index says did not change: no copy, only a new version
    text = _docx_text(pipe.archive.store.reader(cid).read_bytes("reports/完整性核查表（签发后更新1）.docx"))
    assert "3,000,000.00" in text and v_case in text  # the copy is the fresh render, with its own version

    # a second case change, then two batches of documents
    v_case2 = pipe.archive.set_case(cid, {"amount": 3500000})
    samples.tax_payment_certificate_pdf(company, 2025, folder / "完税证明.pdf")
    assert all(o.outcome == "archived" for o in pipe.ingest())
    samples.balance_sheet_pdf(company, 2024, folder / "2024资产负债表.pdf")
    assert all(o.outcome == "archived" for o in pipe.ingest())

    states = _states(home, cid)
    last = states[max(states, key=_number)]
    assert _copies(last, COMPLETENESS) == [f"reports/完整性核查表（签发后更新{n}）.docx" for n in (1, 2, 3, 4)]
    assert _copies(last, INDEX) == [f"reports/归档文件目录（签发后更新{n}）.docx" for n in (1, 2)]
    assert _copies(states[v_case2], INDEX) == []

    # every issued file and every update copy keeps its digest from the version it appeared in onwards
    frozen: dict[str, tuple[str, str]] = {}  # path -> (first version, digest)
    for version in sorted(states, key=_number):
        state = states[version]
        for path, (first, digest) in frozen.items():
            assert state.get(path) == digest, f"{path} (from {first}) changed in {version}"
        for path in (COMPLETENESS, INDEX):
            if _number(version) >= _number(issued_in[path]):
                frozen.setdefault(path, (version, state[path]))
            for copy in _copies(state, path):
                frozen.setdefault(copy, (version, state[copy]))
    assert len(frozen) == 2 + 4 + 2

    # dossier.json records each copy (version, digest, what it says); a fresh process reads the same
    meta = Archive(home).meta(cid)
    for path in (COMPLETENESS, INDEX):
        updates = meta["issued"][path]["updates"]
        assert [u["path"] for u in updates] == _copies(last, path)
        assert all(states[u["version"]][u["path"]] == u["sha512"] for u in updates)
        contents = [meta["issued"][path]["content"], *(u["content"] for u in updates)]
        assert all(contents) and len(set(contents)) == len(contents)  # each copy says something new
    ok, out = ocfl_validate(Archive(home).object_path(cid))
    assert ok, out


def test_nothing_new_to_say_makes_no_copy(dossier, home):
    """Versions that change nothing a report shows (another report's input, a note) make no copy of it."""
    pipe, company, _ = dossier
    cid = company.short
    pipe.archive.issue_report(cid, "归档文件目录.docx")
    for amount in (1000000, 2000000, 3000000):
        assert pipe.archive.set_case(cid, {"amount": amount})
    states = _states(home, cid)
    assert len(states) >= 5
    assert all(_copies(state, INDEX) == [] for state in states.values())
    assert Archive(home).meta(cid)["issued"][INDEX]["updates"] == []


def test_a_report_issued_without_a_known_fingerprint_gets_one_copy_then_follows_content(home):
    """A report whose bytes no render of the head gives (written by hand here) has no fingerprint: the
    next version copies the fresh render once, and later versions compare with that copy."""
    company = samples.make_company(53, short="宏图物流")
    folder = home.inbox / company.short
    samples.business_licence_pdf(company, folder / "营业执照.pdf")
    pipe = Pipeline(home)
    try:
        pipe.start()
        pipe.ingest()
        with pipe.archive.store.begin(cid := company.short) as b:
            b.add_bytes(INDEX, b"an index written by hand")
            b.commit("手工放入报告", "tester")
        pipe.archive.issue_report(cid, "归档文件目录.docx")
        assert pipe.archive.meta(cid)["issued"][INDEX]["content"] is None
        assert pipe.archive.set_case(cid, {"amount": 1000000})
        assert pipe.archive.set_case(cid, {"amount": 2000000})
        states = _states(home, cid)
        last = states[max(states, key=_number)]
        assert _copies(last, INDEX) == ["reports/归档文件目录（签发后更新1）.docx"]
        assert pipe.archive.store.reader(cid).read_bytes(INDEX) == b"an index written by hand"
    finally:
        pipe.close()
    ok, out = ocfl_validate(Archive(home).object_path(cid))
    assert ok, out


# -- amend validates (issue 10, finding 8) ---------------------------------------------------------

def _word_file(path, text: str):
    from docx import Document

    doc = Document()
    doc.add_paragraph(text)
    doc.save(path)
    return path


def _zip_file(path, entries: dict[str, bytes]):
    import zipfile

    with zipfile.ZipFile(path, "w") as z:
        for name, data in entries.items():
            z.writestr(name, data)
    return path


@pytest.fixture
def issued(dossier, home):
    pipe, company, _ = dossier
    pipe.archive.issue_report(company.short, "完整性核查表.docx")
    return pipe.archive, company.short


def _not_word_cases(tmp_path) -> dict:
    csv = tmp_path / "核查表.docx"
    csv.write_text("客户,状态\n同创精密,齐全\n", encoding="utf-8-sig")  # a CSV renamed .docx
    pdf = tmp_path / "扫描件.docx"
    samples.generic_pdf(tmp_path / "x.pdf", "修订稿", ["修订稿"]).rename(pdf)
    xlsx = _zip_file(tmp_path / "表格.docx", {"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>"})
    plain_zip = _zip_file(tmp_path / "压缩包.docx", {"word/document.xml": b"<document/>"})
    empty = tmp_path / "空.docx"
    empty.write_bytes(b"")
    cut = tmp_path / "不完整.docx"
    cut.write_bytes(_word_file(tmp_path / "whole.docx", "修订稿").read_bytes()[:600])
    return {"csv": (csv, "不是 Word 格式"), "pdf": (pdf, "不是 Word 格式"),
            "xlsx": (xlsx, "word/document.xml"), "zip": (plain_zip, "[Content_Types].xml"),
            "empty": (empty, "空"), "truncated": (cut, "损坏")}


@pytest.mark.parametrize("case", ["csv", "pdf", "xlsx", "zip", "empty", "truncated"])
def test_amend_refuses_what_is_not_a_word_document(issued, tmp_path, case):
    from dossier.errors import AmendmentRefused

    archive, cid = issued
    path, reason = _not_word_cases(tmp_path)[case]
    head = archive.store.reader(cid).head
    with pytest.raises(AmendmentRefused) as refused:
        archive.amend_report(cid, "完整性核查表.docx", path, "更正笔误")
    message = refused.value.message
    assert str(path) in message and "不是 Word 文档" in message and reason in message
    assert "另存为" in message  # the fix
    assert refused.value.exit_code == 2
    assert archive.store.reader(cid).head == head  # nothing written


def test_amend_refuses_the_issued_report_itself_and_a_repeated_amendment(issued, tmp_path):
    from dossier.errors import AmendmentRefused

    archive, cid = issued
    same = tmp_path / "原件副本.docx"
    same.write_bytes(archive.store.reader(cid).read_bytes(COMPLETENESS))
    head = archive.store.reader(cid).head
    with pytest.raises(AmendmentRefused, match="完全相同") as refused:
        archive.amend_report(cid, "完整性核查表.docx", same, "没有改动")
    assert str(same) in refused.value.message and COMPLETENESS in refused.value.message
    assert archive.store.reader(cid).head == head

    revised = _word_file(tmp_path / "修订稿.docx", "更正后的核查表")
    version, amended, _ = archive.amend_report(cid, "完整性核查表.docx", revised, "更正笔误")
    assert archive.store.reader(cid).read_bytes(amended) == revised.read_bytes()
    again = tmp_path / "再次提交.docx"
    again.write_bytes(revised.read_bytes())
    with pytest.raises(AmendmentRefused, match="已保存的修订稿") as refused:
        archive.amend_report(cid, "完整性核查表.docx", again, "再交一次")
    assert amended in refused.value.message and str(again) in refused.value.message
    assert archive.store.reader(cid).head == version
    second = _word_file(tmp_path / "第二次修订.docx", "再次更正后的核查表")
    assert archive.amend_report(cid, "完整性核查表.docx", second, "再次更正")[1] == "reports/完整性核查表_修订2.docx"
    ok, out = ocfl_validate(archive.object_path(cid))
    assert ok, out


def test_amend_from_the_command_line_prints_the_refusal(issued, tmp_path, home):
    from conftest import dossier_cli

    archive, cid = issued
    head = archive.store.reader(cid).head
    csv = tmp_path / "核查表.docx"
    csv.write_text("a,b\n1,2\n", encoding="utf-8")
    out = dossier_cli(home.home, "amend", cid, "完整性核查表.docx", "--file", str(csv), "--note", "更正")
    assert out.returncode == 2, out.stdout + out.stderr
    assert "不是 Word 文档" in out.stderr and str(csv) in out.stderr and "Traceback" not in out.stderr
    assert archive.store.reader(cid).head == head
