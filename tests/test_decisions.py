"""What people decide, applied to records (archive.decisions) and the values they type
(reading.entered): golden cases, one per parametrized test."""

from __future__ import annotations

import json

import pytest

import dossier_factory as samples
from dossier import review
from dossier.archive import decisions
from dossier.errors import DecisionRefused
from dossier.pipeline import Pipeline
from dossier.reading.entered import entered
from dossier.rules import load_doctypes

from conftest import dossier_cli, ingest, make_config

RULES = load_doctypes()
GOOD_USCC = samples.make_company(3).credit_code
GOOD_ID = samples.make_company(3).legal_rep_id
BAD_ID = GOOD_ID[:-1] + ("0" if GOOD_ID[-1] != "0" else "1")


@pytest.mark.parametrize("doc_type, name, text, value", [
    ("tax_payment_certificate", "issued", "2026年2月3日", "2026-02-03"),
    ("tax_payment_certificate", "issued", "2026.02.03", "2026-02-03"),
    ("tax_payment_certificate", "amount", "140.5万", 1_405_000),
    ("tax_payment_certificate", "amount", "人民币伍佰万元整", 5_000_000),
    ("tax_payment_certificate", "amount", "1,234.56", 1234.56),
    ("tax_payment_certificate", "year", "2025年度", 2025),
    ("tax_payment_certificate", "credit_code", GOOD_USCC.lower(), GOOD_USCC),
    ("tax_payment_certificate", "issued", "", None),
    ("business_licence", "term_end", "长期", None),
    ("business_licence", "term_end", "2039-05-26", "2039-05-26"),
    ("business_licence", "registered_capital", "500万元", 5_000_000),
    ("balance_sheet", "total_assets", "24,152,182.43", 24152182.43),
    ("balance_sheet", "total_equity", "-1,234.00", -1234),
    ("legal_rep_id", "id_number", f"{GOOD_ID[:6]} {GOOD_ID[6:14]} {GOOD_ID[14:]}", GOOD_ID),
    ("application_form", "term_months", "18个月", 18),
    ("application_form", "term_months", "24", 24),
    ("application_form", "product", "项目融资担保", "project_finance"),
    ("application_form", "product", "project_finance", "project_finance"),
])
def test_entered_values_are_parsed_like_extraction(doc_type, name, text, value):
    got = entered(RULES[doc_type], name, text)
    assert got.value == value and got.check_failed is None


@pytest.mark.parametrize("doc_type, name, text, message", [
    ("tax_payment_certificate", "issued", "2026-02-30", "不是有效日期"),
    ("tax_payment_certificate", "amount", "很多", "不是金额"),
    ("tax_payment_certificate", "year", "去年", "不是年度"),
    ("application_form", "term_months", "永久", "不是期限"),
    ("application_form", "product", "房屋按揭", "不在可选值中"),
    ("legal_rep_id", "id_number", "1234", "格式不对"),
    ("tax_payment_certificate", "org_code", "x", "没有字段"),
    ("balance_sheet", "total_assets", "两千万", "不是报表金额"),
])
def test_entered_values_that_cannot_be_taken_are_refused_with_why(doc_type, name, text, message):
    with pytest.raises(DecisionRefused, match=message):
        entered(RULES[doc_type], name, text)


@pytest.mark.parametrize("name, text", [("id_number", BAD_ID), ("credit_code", GOOD_USCC[:-1] + (
    "0" if GOOD_USCC[-1] != "0" else "1"))])
def test_a_failed_check_digit_is_kept_as_entered_and_said(name, text):
    doc = RULES["legal_rep_id" if name == "id_number" else "business_licence"]
    got = entered(doc, name, text)
    assert got.value == text and "校验位不符" in got.check_failed


RECORD = {"source": "a/b.pdf", "received": "2026-01-01T00:00:00Z", "doc_type": "tax_payment_certificate",
          "confidence": 0.5, "fields": {"amount": 1.0, "year": 2025}, "review": True, "problems": ["金额识别置信度低"]}


def test_confirm_pins_the_reading_and_keeps_it_as_read():
    out = decisions.confirm(RECORD, "张三", "2026-01-02T00:00:00Z", "已核对", "notes/x.txt")
    assert out["review"] is False and out["confirmed_by"] == "张三" and out["fields_as_read"] == RECORD["fields"]
    assert out["pinned"] == {"doc_type": RECORD["doc_type"], "fields": RECORD["fields"]}
    assert out["problems"] == RECORD["problems"] and RECORD["review"] is True  # the input is not changed


def test_correct_records_old_and_new_and_a_second_correction_keeps_the_first_reading():
    once, entry = decisions.correct(RECORD, "张三", "t1", "原件", "n1", None, {"amount": 2.0, "year": 2025})
    assert entry["changes"] == [{"field": "amount", "old": 1.0, "new": 2.0}] and entry["doc_type"] is None
    twice, _ = decisions.correct(once, "李四", "t2", "再核", "n2", "other", {})
    assert twice["fields_as_read"] == RECORD["fields"] and twice["doc_type_as_read"] == RECORD["doc_type"]
    assert [c["by"] for c in twice["corrections"]] == ["张三", "李四"] and twice["doc_type"] == "other"


def test_reread_keeps_what_people_pinned_and_takes_new_fields_of_the_same_type():
    settled, _ = decisions.correct(RECORD, "张三", "t1", "原件", "n1", None, {"amount": 2.0, "year": 2025})
    fresh = {**RECORD, "received": "later", "fields": {"amount": 3.0, "year": 2025, "issued": "2026-02-03"},
             "review": True, "problems": ["新规则的提示"]}
    merged = decisions.merge_reread(settled, fresh)
    assert merged["fields"] == {"amount": 2.0, "year": 2025, "issued": "2026-02-03"}
    assert merged["fields_as_read"] == fresh["fields"] and merged["review"] is False
    assert merged["received"] == RECORD["received"] and merged["corrections"] == settled["corrections"]
    unsettled = decisions.merge_reread(RECORD, fresh)
    assert unsettled["fields"] == fresh["fields"] and unsettled["review"] is True and "fields_as_read" not in unsettled
    assert {c["field"] for c in decisions.differences(settled, merged)} >= {"issued", "problems"}


# -- rules test: a copy that fixes a case, and one that breaks it ------------------------
#: A rules copy that never finds a tax certificate's amount (it looks only where no pattern is).
TAX_SOURCES = 'year = ["税款所属时期", "所属时期", "税款所属期", "所属期间", "所属期"]\n\n[doctype.sources]\n' \
              'year = ["columns", "labels", "patterns", "fallback"]'
NO_AMOUNT = [(TAX_SOURCES, TAX_SOURCES + '\namount = ["patterns"]')]


def _copy(tmp_path, name, edits):
    from dossier.rules import install_rules

    folder = tmp_path / name
    install_rules(folder)
    text = (folder / "doctypes.toml").read_text(encoding="utf-8")
    for old, new in edits:
        assert old in text
        text = text.replace(old, new, 1)
    (folder / "doctypes.toml").write_text(text, encoding="utf-8")
    return folder


def test_rules_test_says_fixed_and_broken_against_people_s_answers(tmp_path):
    broken = _copy(tmp_path, "broken", NO_AMOUNT)
    packaged = _copy(tmp_path, "packaged", [])
    root = tmp_path / "home"
    cfg = make_config(root, rules_dir=str(broken))
    from dossier.pipeline import init_home

    init_home(cfg)
    co = samples.make_company(21)
    year = samples.DEMO_YEAR
    samples.business_licence_pdf(co, cfg.inbox / co.short / "营业执照.pdf")
    samples.tax_payment_certificate_pdf(co, year, cfg.inbox / co.short / "完税证明.pdf")
    ingest(cfg)
    p = Pipeline(cfg)
    p.start("editor")
    try:
        path = f"documents/纳税证明_{year}.pdf"
        record = json.loads(p.archive.store.reader(co.short).read_bytes(f"extracted/纳税证明_{year}.pdf.json"))
        assert record["fields"]["amount"] is None and record["review"]  # the copy never finds it
        truth = samples.expected_fields("tax_payment_certificate", co, year)["amount"]
        review.correct(p, co.short, path, "对照原件填写", values={"amount": str(truth)})
        review.confirm(p, co.short, "documents/营业执照.pdf", "已核对")
        checks, skipped = review.replay(p, packaged)
    finally:
        p.close()
    assert not skipped
    verdicts = {(c.path, c.field): c.verdict for c in checks}
    assert verdicts[(path, "amount")] == "fixed"  # the rules in force miss it, the packaged rules read it
    assert verdicts[("documents/营业执照.pdf", "company_name")] == "right"
    env = {"DOSSIER_RULES_DIR": str(broken)}
    fixed = dossier_cli(root, "rules", "test", "--rules-dir", str(packaged), env=env)
    assert fixed.returncode == 0 and "改对" in fixed.stdout, fixed.stdout + fixed.stderr
    still = dossier_cli(root, "rules", "test", env=env)  # the rules in force still miss the corrected amount
    assert still.returncode == 1 and "错" in still.stdout and "amount*" in still.stdout


def test_rules_test_flags_a_copy_that_breaks_a_confirmed_case(home, tmp_path):
    broken = _copy(tmp_path, "broken", NO_AMOUNT)
    co = samples.make_company(22)
    year = samples.DEMO_YEAR
    samples.tax_payment_certificate_pdf(co, year, home.inbox / co.short / "完税证明.pdf")
    ingest(home)
    p = Pipeline(home)
    p.start("editor")
    try:
        path = f"documents/纳税证明_{year}.pdf"
        review.confirm(p, co.short, path, "已核对原件")
        checks, _ = review.replay(p, broken)
    finally:
        p.close()
    verdicts = {c.field: c.verdict for c in checks}
    assert verdicts["amount"] == "broken" and verdicts["doc_type"] == "right"
    got = dossier_cli(home.home, "rules", "test", "--rules-dir", str(broken), "--json")
    assert got.returncode == 1
    assert [c["verdict"] for c in json.loads(got.stdout)["cases"] if c["field"] == "amount"] == ["broken"]
    assert dossier_cli(home.home, "rules", "test").returncode == 0  # the rules in force agree with the person
