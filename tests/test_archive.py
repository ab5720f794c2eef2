"""Archive semantics: issued reports and amendments (rules 第十九条)."""

from __future__ import annotations

import pytest

from conftest import ingest, ocfl_validate
import dossier_factory as samples
from dossier.archive import Archive, DOSSIER_JSON
from dossier.errors import UsageError


@pytest.fixture
def client(home):
    company = samples.make_company(21, short="瑞丰纺织")
    samples.business_licence_pdf(company, home.inbox / company.short / "营业执照.pdf")
    ingest(home)
    archive = Archive(home)
    with archive.store.begin(company.short) as b:  # a generated report, as the reports stage will write
        b.add_bytes("reports/完整性核查表.docx", b"report v1 bytes")
        b.commit("生成报告", "tester")
    return archive, company.short


def test_issue_then_amend_keeps_original_and_note(client, tmp_path):
    archive, cid = client
    v_issue = archive.issue_report(cid, "完整性核查表.docx")
    assert archive.meta(cid)["issued"]["reports/完整性核查表.docx"]["sha512"]
    new = tmp_path / "修订版.docx"
    from docx import Document  # an amendment must be a real Word document

    revised = Document()
    revised.add_paragraph("report v2")
    revised.save(new)
    version, amended, note = archive.amend_report(cid, "reports/完整性核查表.docx", new, "更正注册资本金额的笔误")
    reader = archive.store.reader(cid)
    assert reader.read_bytes("reports/完整性核查表.docx") == b"report v1 bytes"  # original untouched
    assert reader.read_bytes(amended) == new.read_bytes()
    assert amended == "reports/完整性核查表_修订1.docx"
    text = reader.read_bytes(note).decode("utf-8")
    assert "更正注册资本金额的笔误" in text and "reports/完整性核查表.docx" in text and "修订人" in text
    assert reader.version(version).message.startswith("修订报告")
    assert reader.read_bytes("reports/完整性核查表.docx", v_issue) == b"report v1 bytes"
    ok, out = ocfl_validate(archive.object_path(cid))
    assert ok, out


@pytest.mark.parametrize("note", ["", "   "])
def test_amendment_without_note_is_refused(client, tmp_path, note):
    archive, cid = client
    archive.issue_report(cid, "完整性核查表.docx")
    new = tmp_path / "x.docx"
    new.write_bytes(b"x")
    head = archive.store.reader(cid).head
    with pytest.raises(UsageError, match="修订说明"):
        archive.amend_report(cid, "完整性核查表.docx", new, note)
    assert archive.store.reader(cid).head == head


def test_amending_an_unissued_report_is_refused(client, tmp_path):
    archive, cid = client
    new = tmp_path / "x.docx"
    new.write_bytes(b"x")
    with pytest.raises(UsageError, match="尚未签发"):
        archive.amend_report(cid, "完整性核查表.docx", new, "说明")


def test_issuing_twice_or_an_unknown_report_is_refused(client):
    archive, cid = client
    archive.issue_report(cid, "完整性核查表.docx")
    with pytest.raises(UsageError, match="已于"):
        archive.issue_report(cid, "完整性核查表.docx")
    with pytest.raises(UsageError, match="没有报告"):
        archive.issue_report(cid, "不存在.docx")


def test_issued_report_survives_later_intake(client, home):
    archive, cid = client
    archive.issue_report(cid, "完整性核查表.docx")
    company = samples.make_company(21, short="瑞丰纺织")
    samples.tax_payment_certificate_pdf(company, 2025, home.inbox / cid / "完税证明.pdf")
    ingest(home)
    reader = archive.store.reader(cid)
    assert reader.read_bytes("reports/完整性核查表.docx") == b"report v1 bytes"
    assert DOSSIER_JSON in reader.state()


def test_a_new_licence_supersedes_the_old_one_with_a_change_note(home):
    import dataclasses

    company = samples.make_company(31, short="华茂食品")
    samples.business_licence_pdf(company, home.inbox / company.short / "营业执照.pdf")
    ingest(home)
    archive = Archive(home)
    old_digest = archive.store.reader(company.short).state()["documents/营业执照.pdf"]
    # 变更登记: a new legal representative and a new address, same credit code
    changed = dataclasses.replace(company, legal_rep="周新民", address="浙江省宁波市鄞州区新城路8号")
    samples.business_licence_pdf(changed, home.inbox / company.short / "营业执照（变更后）.pdf")
    (outcome,) = ingest(home)

    assert outcome.outcome == "archived" and outcome.path == "documents/营业执照.pdf"
    reader = archive.store.reader(company.short)
    state = reader.state()
    assert state["documents/历史/营业执照_v1.pdf"] == old_digest  # the old one stays, as history
    assert "extracted/历史/营业执照_v1.pdf.json" in state
    assert state["documents/营业执照.pdf"] != old_digest
    notes = [p for p in state if p.startswith("notes/")]
    assert len(notes) == 1
    text = reader.read_bytes(notes[0]).decode("utf-8")
    assert f"{company.legal_rep} → 周新民" in text and "新城路8号" in text
    assert "第十二条" in text
    assert "营业执照已更新" in reader.version().message
    assert reader.read_bytes("documents/营业执照.pdf", "v1") == reader.read_bytes("documents/历史/营业执照_v1.pdf")
    ok, out = ocfl_validate(archive.object_path(company.short))
    assert ok, out


def test_statements_of_different_years_do_not_supersede_each_other(home):
    company = samples.make_company(32, short="恒远机械")
    samples.balance_sheet_pdf(company, 2024, home.inbox / company.short / "2024资产负债表.pdf")
    samples.balance_sheet_pdf(company, 2025, home.inbox / company.short / "2025资产负债表.pdf")
    ingest(home)
    state = Archive(home).store.reader(company.short).state()
    assert {"documents/资产负债表_2024.pdf", "documents/资产负债表_2025.pdf"} <= set(state)
    assert not any(p.startswith("documents/历史/") for p in state)


# -- commit from memory: the head a writer keeps is the head a fresh reader reads ------------------

def _same_head(kept, read) -> None:
    assert kept.to_json() == read.to_json()
    assert [(d.review, d.problems, d.record) for d in kept.documents] == \
        [(d.review, d.problems, d.record) for d in read.documents]
    assert (kept.meta, kept.created, kept.name, kept.credit_code) == (read.meta, read.created, read.name, read.credit_code)
    assert [(v.name, v.created, v.message) for v in kept.versions] == [(v.name, v.created, v.message) for v in read.versions]


def test_head_kept_in_memory_equals_the_archive_read_afresh(home):
    """Batches with a superseded licence, a second year, a case change and an issued report: after each
    commit the writer's head (built from memory, nothing parsed back) is what a new process reads."""
    import dataclasses

    from dossier.pipeline import Pipeline

    company = samples.make_company(41, short="嘉禾电子")
    folder = home.inbox / company.short
    pipe = Pipeline(home)
    try:
        pipe.start()
        steps = [
            lambda: (samples.business_licence_pdf(company, folder / "营业执照.pdf"),
                     samples.balance_sheet_pdf(company, 2024, folder / "2024资产负债表.pdf")),
            lambda: (samples.business_licence_pdf(dataclasses.replace(company, legal_rep="吴新"),
                                                  folder / "营业执照（变更）.pdf"),
                     samples.balance_sheet_pdf(company, 2025, folder / "2025资产负债表.pdf")),
            lambda: (samples.tax_payment_certificate_pdf(company, 2025, folder / "完税证明.pdf"),
                     samples.generic_pdf(folder / "说明.pdf", "情况说明", [f"{company.name}承诺所提交材料真实有效。"])),
        ]
        for step in steps:
            step()
            outcomes = pipe.ingest()
            assert outcomes and all(o.outcome == "archived" for o in outcomes)
            _same_head(pipe.archive.head(company.short), Archive(home).snapshot(company.short))
        assert pipe.archive.set_case(company.short, {"amount": 3000000, "term_months": 12})
        _same_head(pipe.archive.head(company.short), Archive(home).snapshot(company.short))
        pipe.archive.issue_report(company.short, "完整性核查表.docx")
        _same_head(pipe.archive.head(company.short), Archive(home).snapshot(company.short))
        history = [d for d in pipe.archive.head(company.short).documents if not d.in_force]
        assert history  # the superseded licence is there, as history
    finally:
        pipe.close()
    ok, out = ocfl_validate(Archive(home).object_path(company.short))
    assert ok, out


def test_a_commit_by_another_process_is_seen(home):
    """The writer's kept head and cached reader give way when the object changes behind them."""
    company = samples.make_company(42, short="立信五金")
    samples.business_licence_pdf(company, home.inbox / company.short / "营业执照.pdf")
    ingest(home)
    mine = Archive(home)
    before = mine.head(company.short)
    other = Archive(home)  # another process: its own caches
    other.set_case(company.short, {"amount": 1000000})
    after = mine.head(company.short)
    assert after.version != before.version and after.meta["case"]["amount"] == 1000000
    _same_head(after, Archive(home).snapshot(company.short))


def test_text_of_a_head_document(home):
    company = samples.make_company(43, short="鼎盛建材")
    samples.business_licence_pdf(company, home.inbox / company.short / "营业执照.pdf")
    ingest(home)
    archive = Archive(home)
    (doc,) = [d for d in archive.head(company.short).documents if d.path == "documents/营业执照.pdf"]
    with_text = archive.snapshot(company.short, with_text=True)
    assert archive.text_of(company.short, doc) == with_text.documents[0].text
    assert company.name in archive.text_of(company.short, doc)


@pytest.mark.parametrize("value", [
    {}, [], "", {"b": {}, "a": []}, {"k": ["中文（全角）", "\"\\\n\t\x01\u2028"]},
    {"manifest": {"ab": ["v1/content/documents/营业执照.pdf"]}, "versions": {"v1": {"state": {"ab": ["x", "y"]}}}},
    {"n": [1, 2.5, None, True, False, {"z": [{}]}], "m": {"x": {"y": [[], ["a"]]}}},
    [{"a": 1}, "s", [["t"]]], 3, None, {"": ""},
    {"x": float("nan"), "y": float("inf"), "z": -float("inf"), "w": -0.0, "v": 1e-7, "u": 10 ** 30},
    [1, "a", None, True, 2.5, float("nan")], {"only": {"flat": 1, "中": "文", "n": None}}, [[1, 2], [{"k": False}]],
])
def test_canonical_json_is_the_standard_library_text(value):
    import json

    from dossier.archive import ocfl

    assert ocfl.canonical_json(value) == json.dumps(value, ensure_ascii=False, indent=2, sort_keys=True)


@pytest.mark.parametrize("seed", range(8))
def test_canonical_json_on_random_structures(seed):
    """Nested dicts, lists, numbers, null, booleans and awkward strings, as dossier.json and inventories hold."""
    import json
    import random

    from dossier.archive import ocfl

    rng = random.Random(seed)

    def make(depth=0):
        r = rng.random()
        if depth > 4 or r < 0.3:
            return rng.choice([None, True, False, 0, -5, 10 ** 20, 1.5, -0.0, 1e300, "x", "中\n\"\\", ""])
        if r < 0.65:
            return [make(depth + 1) for _ in range(rng.randrange(4))]
        return {rng.choice(["a", "b", "中", "", "z\n"]) + str(i): make(depth + 1) for i in range(rng.randrange(5))}

    value = {"root": [make() for _ in range(20)]}
    assert ocfl.canonical_json(value) == json.dumps(value, ensure_ascii=False, indent=2, sort_keys=True)


def test_memory_caches_stay_bounded(home, monkeypatch):
    """A watcher serving many clients keeps only the heads used last; what it forgets is read again."""
    from dossier.archive import dossier as dossier_mod

    monkeypatch.setattr(dossier_mod, "HEADS_KEPT", 2)
    for seed, short in ((51, "甲方科技"), (52, "乙方建材"), (53, "丙方食品")):
        company = samples.make_company(seed, short=short)
        samples.business_licence_pdf(company, home.inbox / short / "营业执照.pdf")
    assert all(o.outcome == "archived" for o in ingest(home))
    archive = Archive(home)
    first = [archive.snapshot(c) for c in ("甲方科技", "乙方建材", "丙方食品")]
    assert list(archive._heads) == ["乙方建材", "丙方食品"]
    again = archive.snapshot("甲方科技")  # forgotten: read from the archive again, same answer
    assert again == first[0] and list(archive._heads) == ["丙方食品", "甲方科技"]
