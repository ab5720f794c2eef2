"""The command line as users and scripts see it: contracts of --json output and exit codes."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from conftest import json_lines, run
import dossier_factory as samples
from dossier.cli import cli

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def filled(env):
    run("init")
    company = samples.make_company(3, short="瑞丰纺织")
    folder = env / "inbox" / company.short
    folder.mkdir(parents=True)
    samples.business_licence_pdf(company, folder / "营业执照.pdf")
    samples.balance_sheet_pdf(company, 2025, folder / "资产负债表.pdf")
    run("ingest")
    return env, company


def test_init_is_idempotent(env):
    first = run("init")
    assert (env / "archive" / "0=ocfl_1.1").exists() and (env / "inbox").is_dir()
    second = run("init")
    assert "已创建" in first.output and "已创建" not in second.output


def test_home_option_beats_environment(env, tmp_path):
    other = tmp_path / "other"
    run("--home", str(other), "init")
    assert (other / "archive" / "0=ocfl_1.1").exists() and not env.exists()


def test_commands_refuse_an_uninitialised_home(env):
    result = run("ingest", ok=False)
    assert result.exit_code == 2
    assert "dossier" in result.output and "init" in result.output


def test_ingest_json_prints_one_object_per_file(env):
    run("init")
    company = samples.make_company(5, short="华茂食品")
    folder = env / "inbox" / company.short
    folder.mkdir(parents=True)
    samples.business_licence_pdf(company, folder / "营业执照.pdf")
    samples.zero_byte(folder / "空文件.pdf")
    rows = json_lines(run("ingest", "--json").stdout)
    outcomes = {r["source"]: r for r in rows}
    assert outcomes["华茂食品/营业执照.pdf"]["outcome"] == "archived"
    assert outcomes["华茂食品/空文件.pdf"]["outcome"] == "quarantined"
    assert outcomes["华茂食品/空文件.pdf"]["reason"]
    assert set(rows[0]) >= {"source", "outcome", "reason"}


def test_show_json_contract(filled):
    env, company = filled
    data = json.loads(run("show", company.short, "--json").stdout)
    assert set(data) == {"client", "name", "credit_code", "version", "documents"}
    assert data["credit_code"] == company.credit_code and data["version"] == "v1"
    doc = data["documents"][0]
    # issue 12 added the review state: review, problems and what people decided
    assert set(doc) == {"path", "source", "sha512", "media_type", "pages", "version", "doc_type", "confidence",
                        "fields", "review", "problems", "confirmed_by", "confirmed_at", "corrections",
                        "fields_as_read", "doc_type_as_read"}
    assert doc["confirmed_by"] is None and doc["corrections"] == [] and doc["fields_as_read"] is None
    assert re.fullmatch(r"[0-9a-f]{128}", doc["sha512"])
    assert doc["source"].startswith("瑞丰纺织/")


@pytest.mark.parametrize("how", ["id", "credit_code"])
def test_client_named_by_id_or_credit_code(filled, how):
    env, company = filled
    query = company.short if how == "id" else company.credit_code.lower()
    assert json.loads(run("show", query, "--json").stdout)["client"] == company.short


def test_unknown_client_is_a_usage_error(filled):
    result = run("show", "不存在的公司", ok=False)
    assert result.exit_code == 2 and "找不到客户" in result.output


def test_history_json_lists_changes(filled):
    env, company = filled
    samples.tax_payment_certificate_pdf(company, 2025, env / "inbox" / company.short / "完税证明.pdf")
    run("ingest")
    data = json.loads(run("history", company.credit_code, "--json").stdout)
    versions = data["versions"]
    assert [v["version"] for v in versions] == ["v1", "v2"]
    assert versions[1]["added"] == ["documents/纳税证明_2025.pdf", "extracted/纳税证明_2025.pdf.json"]
    assert set(versions[1]["changed"]) <= {"dossier.json", "reports/完整性核查表.docx", "reports/归档文件目录.docx",
                                           "reports/分析评价报告（草稿）.docx"}  # a balance sheet is in force
    assert "reports/归档文件目录.docx" in versions[1]["changed"]  # the index now lists the new document
    assert versions[0]["message"].startswith("收件 2 份") and versions[0]["user"]


def test_verify_names_damaged_and_missing_files(filled):
    env, company = filled
    assert "校验通过" in run("verify").output
    content = env / "archive" / company.short / "v1" / "content" / "documents"
    (content / "营业执照.pdf").write_bytes(b"tampered")
    (content / "资产负债表_2025.pdf").unlink()
    result = run("verify", company.short, ok=False)
    assert result.exit_code == 1
    assert "营业执照.pdf" in result.output and "资产负债表_2025.pdf" in result.output


def test_reindex_rebuilds_from_archive(filled):
    env, company = filled
    before = json.loads(run("list", "--json").stdout)
    assert "1 个客户" in run("reindex").output
    assert json.loads(run("list", "--json").stdout) == before


def test_every_command_is_documented_in_readme():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for name in cli.commands:
        assert f"dossier {name}" in readme or f"`{name}`" in readme, name


def test_issue_and_amend_from_the_command_line(filled, tmp_path):
    env, company = filled
    from dossier.archive import Archive
    from dossier.config import load

    archive = Archive(load(env, env={}))
    with archive.store.begin(company.short) as b:
        b.add_bytes("reports/完整性核查表.docx", b"draft")
        b.commit("生成报告", "tester")
    assert "已签发" in run("issue", company.credit_code, "完整性核查表.docx").output
    new = tmp_path / "new.docx"
    from docx import Document  # an amendment must be a real Word document

    revised = Document()
    revised.add_paragraph("amended")
    revised.save(new)
    refused = run("amend", company.short, "完整性核查表.docx", "--file", str(new), ok=False)
    assert refused.exit_code == 2 and "修订说明" in refused.output
    done = run("amend", company.short, "完整性核查表.docx", "--file", str(new), "--note", "更正笔误")
    assert "完整性核查表_修订1.docx" in done.output
    history = json.loads(run("history", company.short, "--json").stdout)["versions"]
    assert history[-1]["added"][0].startswith("notes/") or "reports/完整性核查表_修订1.docx" in history[-1]["added"]


def test_case_command_records_a_new_version_with_the_change(filled):
    env, company = filled
    out = run("case", company.short, "--product", "project_finance", "--term-months", "24", "--date", "2026-10-12",
              "--agent", "王五").output
    assert "已更新" in out
    history = json.loads(run("history", company.short, "--json").stdout)["versions"]
    assert "期限（月）：（空） → 24" in history[-1]["message"] and "王五" in history[-1]["message"]
    assert "没有变化" in run("case", company.short, "--term-months", "24").output
    assert run("case", company.short, "--agent", "x", "--no-agent", ok=False).exit_code == 2


def test_every_version_carries_reports_and_an_issued_report_is_never_overwritten(filled):
    env, company = filled
    from docx import Document

    from dossier.archive import Archive
    from dossier.config import load

    archive = Archive(load(env, env={}))
    reader = archive.store.reader(company.short)
    assert {"reports/完整性核查表.docx", "reports/归档文件目录.docx"} <= set(reader.state())
    text = "\n".join(p.text for p in Document(reader.file_path("reports/完整性核查表.docx")).paragraphs)
    assert "完整性核查表" in text
    run("issue", company.short, "完整性核查表.docx")
    issued = archive.store.reader(company.short).read_bytes("reports/完整性核查表.docx")
    samples.tax_payment_certificate_pdf(company, 2025, env / "inbox" / company.short / "完税证明.pdf")
    run("ingest")
    after = archive.store.reader(company.short)
    assert after.read_bytes("reports/完整性核查表.docx") == issued
    assert "reports/完整性核查表（签发后更新1）.docx" in after.state()  # each update copy is a new file


def test_templates_check_names_the_problem(env, tmp_path):
    run("init")
    assert "正常" in run("templates", "check").output
    broken = env / "templates" / "完整性核查表.docx"
    broken.write_bytes(b"not a docx at all")
    result = run("templates", "check", ok=False)
    assert result.exit_code == 1 and "完整性核查表.docx" in result.output and "有问题" in result.output


def test_a_broken_user_template_never_blocks_archiving(env, caplog):
    run("init")
    (env / "templates" / "完整性核查表.docx").write_bytes(b"edited in a hurry, not a docx any more")
    company = samples.make_company(8, short="华茂食品")
    samples.business_licence_pdf(company, env / "inbox" / company.short / "营业执照.pdf")
    rows = json_lines(run("ingest", "--json").stdout)
    assert [r["outcome"] for r in rows] == ["archived"]
    from dossier.archive import Archive
    from dossier.config import load

    state = Archive(load(env, env={})).store.reader(company.short).state()
    assert "reports/完整性核查表.docx" in state  # rendered from the packaged default instead
    assert "templates check" in caplog.text
