"""The evaluation-report draft and the monitoring report (issue 14; rules 第十九、二十、二十一条), on dossiers
ingested through the real pipeline from synthetic statements: figures and their sources, ratios with the
warned ones marked, two charts, warnings, blank sections for the account manager; byte-identical renders;
LibreOffice opens the draft; after the draft is issued a changed licence makes the monitoring report."""

from __future__ import annotations

import dataclasses
import io
import logging
import os
import shutil
import subprocess
import zipfile

import pytest
from conftest import dossier_cli, ingest, make_config
from docx import Document

import dossier_factory as samples
from dossier.archive import Archive
from dossier.errors import ChartFontMissing
from dossier.outputs import REPORT_PATHS, charts, report_files
from dossier.outputs.evaluation import EVALUATION_PATH, FIGURES
from dossier.outputs.monitoring import MONITORING_PATH
from dossier.pipeline import init_home

YEARS = (2023, 2024, 2025)
SEED, SHORT = 3, "晟峰食品"  # its 2024 current ratio is 0.90: below the 1.0 of rules/warnings.toml
UPDATED = "（签发后更新"


def _write_statements(folder, company, years=YEARS, cash_years=(2025,)):
    for year in years:
        samples.balance_sheet_pdf(company, year, folder / f"{year}资产负债表.pdf")
        samples.income_statement_pdf(company, year, folder / f"{year}利润表.pdf")
    for year in cash_years:
        samples.document_pdf("cash_flow_statement", company, folder / f"{year}现金流量表.pdf", year)


def _stored(cfg, client: str, path: str, version: str | None = None) -> bytes:
    return Archive(cfg).store.reader(client).read_bytes(path, version)


def _paths(cfg, client: str, version: str | None = None) -> set[str]:
    return set(Archive(cfg).store.reader(client).version(version).state)


def _truth(company, year: int) -> dict:
    return {**samples.expected_fields("balance_sheet", company, year),
            **samples.expected_fields("income_statement", company, year),
            **({"operating_cash_flow": samples.expected_fields("cash_flow_statement", company, year)
                ["operating_cash_flow"]} if year == 2025 else {})}


def _table(doc, first_header: str):
    return next(t for t in doc.tables if t.rows[0].cells[0].text == first_header)


def _row(table, name: str):
    return next(r for r in table.rows if r.cells[0].text == name)


def _text(data: bytes) -> str:
    doc = Document(io.BytesIO(data))
    parts = [p.text for p in doc.paragraphs] + [c.text for t in doc.tables for r in t.rows for c in r.cells]
    return "\n".join(parts)


@pytest.fixture(scope="module")
def watched(tmp_path_factory):
    """A client with its licence, three years of balance sheets and income statements and a 2025 cash flow."""
    cfg = make_config(tmp_path_factory.mktemp("evaluation") / "home")
    init_home(cfg)
    company = samples.make_company(SEED)
    folder = cfg.inbox / company.short
    samples.business_licence_pdf(company, folder / "营业执照.pdf")
    _write_statements(folder, company)
    samples.document_pdf("audit_report", company, folder / "2025审计报告.pdf", 2025, opinion="qualified")
    outcomes = ingest(cfg)
    assert outcomes and all(o.outcome == "archived" for o in outcomes), outcomes
    snap = Archive(cfg).snapshot(company.short)
    return cfg, company, snap, _stored(cfg, company.short, EVALUATION_PATH)


# -- where the draft is written --------------------------------------------------------------------

def test_draft_only_in_versions_with_a_statement_in_force(home):
    company = samples.make_company(SEED + 1, short="无表客户")
    folder = home.inbox / company.short
    samples.business_licence_pdf(company, folder / "营业执照.pdf")
    ingest(home)
    assert EVALUATION_PATH not in _paths(home, company.short, "v1")
    assert set(REPORT_PATHS.values()) <= _paths(home, company.short, "v1")
    samples.income_statement_pdf(company, 2025, folder / "2025利润表.pdf")
    ingest(home)
    assert EVALUATION_PATH in _paths(home, company.short, "v2")
    assert MONITORING_PATH not in _paths(home, company.short, "v2")  # nothing issued yet


# -- the statement table ---------------------------------------------------------------------------

@pytest.mark.parametrize("field", list(FIGURES))
@pytest.mark.parametrize("year", YEARS)
def test_statement_table_shows_each_figure_as_read(watched, field, year):
    _, company, _, data = watched
    table = _table(Document(io.BytesIO(data)), "项目")
    assert [c.text for c in table.rows[0].cells] == ["项目", "2023 年", "2024 年", "2025 年"]
    cell = _row(table, FIGURES[field]).cells[1 + YEARS.index(year)].text
    truth = _truth(company, year).get(field)
    assert cell == ("缺" if truth is None else f"{truth:,.2f}")


def test_each_figure_names_its_source_document(watched):
    _, _, snap, data = watched
    text = _text(data)
    paths = {(d.doc_type, d.fields.get("year")): d.path for d in snap.documents}
    assert f"2025 年 资产总计、负债合计、所有者权益合计、流动资产合计、流动负债合计、存货 → {paths['balance_sheet', 2025]}" in text
    assert "2023 年 营业收入、营业利润、利润总额" in text and paths["income_statement", 2023] in text
    assert f"2025 年 经营活动产生的现金流量净额 → {paths['cash_flow_statement', 2025]}" in text


# -- the ratio table -------------------------------------------------------------------------------

def _pct(x: float) -> str:
    return f"{x * 100:.1f}%"


RATIO_CASES = [
    ("资产负债率", 2025, lambda t, p: _pct(t["total_liabilities"] / t["total_assets"])),
    ("流动比率（倍）", 2023, lambda t, p: f"{t['current_assets'] / t['current_liabilities']:.2f}"),
    ("速动比率（倍）", 2025, lambda t, p: f"{(t['current_assets'] - t['inventory']) / t['current_liabilities']:.2f}"),
    ("营业收入增长率", 2023, lambda t, p: "缺数据"),  # no 2022 statement
    ("营业收入增长率", 2025, lambda t, p: _pct(t["revenue"] / p["revenue"] - 1)),
    ("净利润率", 2024, lambda t, p: _pct(t["net_profit"] / t["revenue"])),
    ("经营活动现金流量净额（元）", 2024, lambda t, p: "缺数据"),  # no 2024 cash-flow statement
    ("经营活动现金流量净额（元）", 2025, lambda t, p: f"{t['operating_cash_flow']:,.2f}"),
    ("利息保障倍数（倍）", 2025,
     lambda t, p: f"{(t['total_profit'] + t['interest_expense']) / t['interest_expense']:.2f}"),
]


@pytest.mark.parametrize("name, year, expected", RATIO_CASES, ids=[f"{n}-{y}" for n, y, _ in RATIO_CASES])
def test_ratio_table_values(watched, name, year, expected):
    _, company, _, data = watched
    table = _table(Document(io.BytesIO(data)), "指标")
    cell = _row(table, name).cells[2 + YEARS.index(year)]
    assert cell.text == expected(_truth(company, year), _truth(company, year - 1) if year > 2023 else {})
    assert not any(r.bold for r in cell.paragraphs[0].runs if r.text)  # no warning on these


def test_a_warned_ratio_is_marked_and_bold(watched):
    _, company, _, data = watched
    t = _truth(company, 2024)
    cell = _row(_table(Document(io.BytesIO(data)), "指标"), "流动比率（倍）").cells[2 + YEARS.index(2024)]
    assert cell.text == f"▲ {t['current_assets'] / t['current_liabilities']:.2f}"
    assert [r.bold for r in cell.paragraphs[0].runs if r.text] == [True]
    assert "“▲”加粗 = 触发预警规则" in _text(data)


def test_warnings_section_lists_rule_level_article_and_evidence(watched):
    _, _, snap, data = watched
    table = _table(Document(io.BytesIO(data)), "级别")
    rows = [[c.text for c in r.cells] for r in table.rows[1:]]
    hit = next(r for r in rows if r[4].startswith("current_ratio_low"))
    level, message, year, measure, basis, evidence = hit
    assert level == "关注" and year == "2024" and "2024 年流动比率 0.90 倍，低于 1.00 倍" in message
    assert measure == "0.90 倍（阈值 1.00 倍）"
    assert basis == "current_ratio_low\n附录五 财务状况变化信号；第十六条"
    bs_2024 = next(d.path for d in snap.documents if d.doc_type == "balance_sheet" and d.fields.get("year") == 2024)
    assert bs_2024 in evidence.split("\n")


def test_a_document_signal_is_listed_with_its_message_and_no_threshold(watched):
    _, _, snap, data = watched
    rows = [[c.text for c in r.cells] for r in _table(Document(io.BytesIO(data)), "级别").rows[1:]]
    level, message, year, measure, basis, evidence = next(r for r in rows if r[4].startswith("audit_opinion_modified"))
    assert (level, message, year, measure) == ("预警", "2025 年度审计报告为保留意见", "2025", "—")
    assert evidence == next(d.path for d in snap.documents if d.doc_type == "audit_report")
    assert "共 2 条：预警 1 条，关注 1 条。" in _text(data)  # the more serious first (checks.monitor)


@pytest.mark.parametrize("heading, instruction", [
    ("六、经营管理分析", "公司治理、管理层素质"),
    ("七、行业与市场分析", "产品和市场、行业特点"),
    ("八、外部环境分析", "宏观经济环境"),
    ("九、担保方案与反担保措施", "反保证人资格"),
    ("十、客户经理意见", "综合评价结论"),
])
def test_the_account_managers_sections_are_headed_and_blank(watched, heading, instruction):
    _, _, _, data = watched
    paragraphs = Document(io.BytesIO(data)).paragraphs
    at = next(i for i, p in enumerate(paragraphs) if p.text == heading)
    assert paragraphs[at].style.name == "Heading 1"
    note = paragraphs[at + 1]
    assert note.text.startswith("由客户经理填写：") and instruction in note.text
    assert all(str(r.font.color.rgb) == "7F7F7F" for r in note.runs)
    rest = []
    for p in paragraphs[at + 2:]:
        if p.style.name == "Heading 1" or "（签字）" in p.text:
            break
        rest.append(p.text)
    assert rest and all(text == "" for text in rest)  # the machine writes nothing there


# -- charts and determinism ------------------------------------------------------------------------

def test_two_charts_are_embedded_as_png(watched):
    _, _, _, data = watched
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        media = [n for n in zf.namelist() if n.startswith("word/media/")]
        assert len(media) == 2 and all(zf.read(n).startswith(b"\x89PNG\r\n\x1a\n") for n in media)
    assert len(Document(io.BytesIO(data)).inline_shapes) == 2


def test_rendering_twice_gives_the_archived_bytes(watched):
    _, _, snap, data = watched
    first, second = report_files(snap), report_files(snap)
    assert bytes(first[EVALUATION_PATH]) == bytes(second[EVALUATION_PATH]) == data
    later = report_files(dataclasses.replace(snap, version="v9"))
    assert bytes(later[EVALUATION_PATH]) != data  # the version header differs
    assert later[EVALUATION_PATH].content == first[EVALUATION_PATH].content  # what it says does not


def test_another_process_renders_the_same_bytes(watched):
    """Fonts, matplotlib and docxtpl state of one process do not leak into the bytes."""
    import hashlib
    import sys

    cfg, company, _, data = watched
    code = ("import hashlib, sys; from pathlib import Path; from dossier import config; from dossier.archive import Archive; "
            "from dossier.outputs import report_files; "
            "snap = Archive(config.load(Path(sys.argv[1]), env={})).snapshot(sys.argv[2]); "
            f"print(hashlib.sha256(report_files(snap)[{EVALUATION_PATH!r}]).hexdigest())")
    out = subprocess.run([sys.executable, "-c", code, str(cfg.home), company.short], capture_output=True, text=True,
                         timeout=300, env={**os.environ, "DOSSIER_OCR_ENGINE": "fake"})
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == hashlib.sha256(data).hexdigest()


def _without(snap, doc_type: str, year: int, change):
    docs = tuple(change(d) if d.doc_type == doc_type and d.fields.get("year") == year else d for d in snap.documents)
    return dataclasses.replace(snap, documents=docs)


@pytest.mark.parametrize("change, row, figure, ratio, shown", [
    (lambda d: dataclasses.replace(d, fields={k: v for k, v in d.fields.items() if k != "inventory"}),
     "存货", "缺", "速动比率（倍）", "缺数据"),
    (lambda d: dataclasses.replace(d, review=True), "资产总计", "（待复核）", "资产负债率", "（待复核）"),
], ids=["missing", "review"])
def test_missing_and_review_inputs_are_said_never_zero(watched, change, row, figure, ratio, shown):
    _, _, snap, _ = watched
    data = report_files(_without(snap, "balance_sheet", 2025, change))[EVALUATION_PATH]
    doc = Document(io.BytesIO(data))
    assert _row(_table(doc, "项目"), row).cells[3].text.endswith(figure)
    cell = _row(_table(doc, "指标"), ratio).cells[4].text
    assert cell.endswith(shown) and not cell.startswith("0")


def test_no_cjk_font_fails_with_the_fix_and_keeps_the_other_reports(watched, monkeypatch, caplog):
    _, _, snap, _ = watched
    dejavu = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
    monkeypatch.setattr(charts, "CJK_FAMILIES", ("No Such Family",))  # fontconfig falls back silently
    monkeypatch.setattr(charts, "CJK_PATHS", (dejavu,))
    charts.forget()
    try:
        with pytest.raises(ChartFontMissing) as err:
            charts.revenue_chart(["2025"], [1.0], [1.0])
        assert "fonts-wqy-microhei" in err.value.message and "make sysdeps" in err.value.message
        with caplog.at_level(logging.ERROR):
            files = report_files(snap)
    finally:
        charts.forget()
    assert EVALUATION_PATH not in files and set(REPORT_PATHS.values()) <= set(files)
    assert "fonts-wqy-microhei" in caplog.text


# -- LibreOffice -----------------------------------------------------------------------------------

def test_libreoffice_shows_figures_ratios_warnings_and_charts(watched, tmp_path):
    soffice, pdftotext, pdfimages = (shutil.which(n) for n in ("soffice", "pdftotext", "pdfimages"))
    if not soffice or not pdftotext or not pdfimages:
        pytest.skip("LibreOffice (soffice) 或 poppler-utils 未安装：请运行 `make sysdeps`（deploy/apt-packages.txt）")
    _, company, _, data = watched
    source = tmp_path / "分析评价报告（草稿）.docx"
    source.write_bytes(data)
    profile = tmp_path / "profile"
    profile.mkdir()
    result = subprocess.run(
        [soffice, f"-env:UserInstallation={profile.as_uri()}/lo", "--headless", "--norestore",
         "--convert-to", "pdf", "--outdir", str(tmp_path), str(source)],
        env={**os.environ, "HOME": str(profile), "TMPDIR": str(tmp_path)}, capture_output=True, text=True,
        timeout=180)
    pdf = source.with_suffix(".pdf")
    assert pdf.exists(), result.stdout + result.stderr
    text = "".join(subprocess.run([pdftotext, "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True,
                                  timeout=60, check=True).stdout.split())
    t = _truth(company, 2024)
    for value in (company.name, "担保业务分析评价报告（草稿）", f"{t['total_assets']:,.2f}", f"{t['net_profit']:,.2f}",
                  _pct(t["total_liabilities"] / t["total_assets"]),
                  f"▲{t['current_assets'] / t['current_liabilities']:.2f}", "2024年流动比率0.90倍，低于1.00倍",
                  "current_ratio_low", "六、经营管理分析", "十、客户经理意见"):
        assert value in text, value
    images = subprocess.run([pdfimages, "-list", str(pdf)], capture_output=True, text=True, timeout=60,
                            check=True).stdout.splitlines()[2:]
    assert len([line for line in images if line.split()[2] == "image"]) == 2


# -- issued, then a changed licence: the monitoring report -----------------------------------------

def test_issued_draft_is_frozen_and_a_new_legal_representative_makes_the_monitoring_report(home):
    company = samples.make_company(SEED)
    folder = home.inbox / company.short
    samples.business_licence_pdf(company, folder / "营业执照.pdf")
    _write_statements(folder, company, years=(2024, 2025))
    ingest(home)
    cid = company.short
    result = dossier_cli(home.home, "issue", cid, EVALUATION_PATH)
    assert result.returncode == 0, result.stdout + result.stderr
    meta = Archive(home).meta(cid)
    entry = meta["issued"][EVALUATION_PATH]
    issued_in = entry["version"]
    frozen = _stored(home, cid, EVALUATION_PATH, issued_in)
    assert MONITORING_PATH in _paths(home, cid, issued_in)

    changed = dataclasses.replace(company, legal_rep="欧阳振华")
    samples.business_licence_pdf(changed, folder / "营业执照（变更后）.pdf")
    outcomes = ingest(home)
    assert outcomes and all(o.outcome == "archived" for o in outcomes), outcomes
    head = Archive(home).snapshot(cid)
    assert _stored(home, cid, EVALUATION_PATH, head.version) == frozen  # issued: never rewritten
    assert any(p.startswith("reports/分析评价报告（草稿）" + UPDATED) for p in _paths(home, cid, head.version))

    text = _text(_stored(home, cid, MONITORING_PATH, head.version))
    assert "担保后监测报告" in text and EVALUATION_PATH in text and entry["issued_by"] in text
    assert f"（档案版本 {issued_in}）" in text
    assert company.legal_rep in text and "欧阳振华" in text and "法定代表人" in text
    assert "需要重新进行担保分析评价" in text
    table = _table(Document(io.BytesIO(_stored(home, cid, MONITORING_PATH, head.version))), "版本")
    versions = [r.cells[0].text for r in table.rows[1:]]
    assert head.version in versions


# -- a user's copy of the templates -----------------------------------------------------------------

def test_a_users_copy_of_the_draft_template_wins(watched, tmp_path):
    from dossier.outputs import reports

    _, _, snap, _ = watched
    doc = Document(str(reports.default_template(reports.EVALUATION)))
    title = next(p for p in doc.paragraphs if p.text == "担保业务分析评价报告（草稿）")
    title.runs[0].text = "本公司担保项目评审报告（草稿）"
    templates = tmp_path / "templates"
    templates.mkdir()
    doc.save(templates / reports.EVALUATION)
    text = _text(report_files(snap, templates)[EVALUATION_PATH])
    assert "本公司担保项目评审报告（草稿）" in text and "担保业务分析评价报告（草稿）" not in text
    assert "担保业务分析评价报告（草稿）" in _text(report_files(snap)[EVALUATION_PATH])


def test_templates_check_names_an_unknown_column_of_the_ratio_table(tmp_path):
    from dossier.outputs import reports, template_check

    doc = Document(str(reports.default_template(reports.EVALUATION)))
    table = next(t for t in doc.tables if t.rows[0].cells[0].text == "指标")
    table.rows[2].cells[4].paragraphs[0].runs[-1].text = "{{ r.v4 }}"
    doc.save(tmp_path / reports.EVALUATION)
    problems = template_check.check_template(tmp_path / reports.EVALUATION)
    assert len(problems) == 1 and "未知变量“ratios.v4”" in problems[0] and "ratios.v3" in problems[0]


def test_templates_init_copies_the_new_templates_and_keeps_a_users_copy(home):
    from dossier.outputs import reports

    (home.templates / reports.EVALUATION).unlink()
    (home.templates / reports.MONITORING).unlink()
    (home.templates / reports.COMPLETENESS).write_bytes(b"the user's own copy")
    result = dossier_cli(home.home, "templates", "init")
    assert result.returncode == 0, result.stderr
    assert f"已复制 {home.templates / reports.EVALUATION}" in result.stdout
    assert (home.templates / reports.MONITORING).read_bytes() == reports.default_template(reports.MONITORING).read_bytes()
    assert (home.templates / reports.COMPLETENESS).read_bytes() == b"the user's own copy"
    again = dossier_cli(home.home, "templates", "init")
    assert again.returncode == 0 and "已有全部报告模板，未改动" in again.stdout
