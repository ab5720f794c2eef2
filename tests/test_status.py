"""`dossier status` and `dossier overview` on real ingested dossiers."""

from __future__ import annotations

import csv
import json

from openpyxl import load_workbook

import pytest

from conftest import dossier_cli
import dossier_factory as samples


@pytest.mark.slow
def test_demo_has_one_complete_and_two_incomplete_clients(tmp_path):
    home = tmp_path / "home"
    assert dossier_cli(home, "init").returncode == 0
    samples.write_demo_inbox(home / "inbox")
    # real OCR: the demo's ID card and licence scans carry no text layer
    assert dossier_cli(home, "ingest", env={"DOSSIER_OCR_ENGINE": "rapid"}).returncode == 0
    out = dossier_cli(home, "status", "--json")
    assert out.returncode == 0, out.stderr
    clients = {c["client"]: c for c in json.loads(out.stdout)["clients"]}
    a, b, c = samples.demo_companies()
    assert clients[a.short]["complete"] is True
    assert clients[b.short]["complete"] is False and clients[c.short]["complete"] is False
    items = {i["item"]: i for i in clients[c.short]["items"]}
    assert items["balance_sheet"]["status"] == "incomplete"
    assert items["balance_sheet"]["years"] == [2024, 2025] and 2023 in items["balance_sheet"]["required_years"]
    assert any("2023" in p for p in items["balance_sheet"]["problems"])
    assert clients[a.short]["case"]["product"] == "working_capital_loan"

    xlsx = tmp_path / "总览.xlsx"
    assert dossier_cli(home, "overview", "--out", str(xlsx)).returncode == 0
    sheet = load_workbook(xlsx).active
    rows = list(sheet.values)
    assert rows[0][:3] == ("档案编号", "公司名称", "统一社会信用代码")
    assert {r[0] for r in rows[1:]} == {a.short, b.short, c.short}
    csv_path = tmp_path / "总览.csv"
    assert dossier_cli(home, "overview", "--out", str(csv_path)).returncode == 0
    with open(csv_path, encoding="utf-8-sig") as fh:
        assert len(list(csv.reader(fh))) == 4
    bad = dossier_cli(home, "overview", "--out", str(tmp_path / "x.pdf"))
    assert bad.returncode == 2 and ".xlsx" in bad.stderr


def test_overview_cells_are_values_never_formulas(tmp_path):
    """Client names and problems come from folder names and read documents: a leading '=' stays text."""
    from openpyxl import load_workbook

    from dossier.outputs.overview import write_overview

    target = write_overview(["档案编号", "问题"], [["=HYPERLINK(\"http://x\")", "=1+1"]], tmp_path / "总览.xlsx")
    sheet = load_workbook(target).active
    assert [c.value for c in sheet[2]] == ['=HYPERLINK("http://x")', "=1+1"]
    assert all(c.data_type == "s" for c in sheet[2])


def test_the_demo_home_leaves_git_status_clean(tmp_path):
    """`make demo` uses the repository as the home: .gitignore covers everything it and the README's
    examples write there (issue 10, finding 14)."""
    import shutil
    import subprocess
    from pathlib import Path

    repo = tmp_path / "repo"
    repo.mkdir()
    shutil.copy(Path(__file__).resolve().parents[1] / ".gitignore", repo / ".gitignore")
    git = ["git", "-C", str(repo)]
    subprocess.run([*git, "init", "-q"], check=True)
    for args in (["init"], ["samples", "inbox"], ["ingest"], ["overview", "--out", str(repo / "总览.xlsx")],
                 ["overview", "--out", str(repo / "总览.csv")]):
        out = dossier_cli(repo, *args, cwd=repo)  # as `make demo` runs, in the repository
        assert out.returncode == 0, (args, out.stdout, out.stderr)
    written = [p for p in repo.rglob("*") if p.is_file() and ".git" not in p.relative_to(repo).parts[:1]]
    assert len(written) > 10, written  # the demo did write its home: templates, inbox, archive, state
    status = subprocess.run([*git, "status", "--porcelain", "--untracked-files=all"], capture_output=True,
                            text=True, check=True).stdout.splitlines()
    assert status == ["?? .gitignore"], status


def test_a_version_s_reports_say_the_same_on_a_later_day(tmp_path, monkeypatch):
    """Without an application date the checklist is as of the day the version was made, not of the day a
    report is rendered again (an issued report's fingerprint, a pull months later)."""
    from datetime import date, timedelta

    from conftest import ingest, make_config
    from dossier.archive import Archive
    from dossier.checks import status
    from dossier.outputs.dossier_reports import REPORT_PATHS, report_files
    from dossier.pipeline import init_home

    cfg = make_config(tmp_path / "home")
    init_home(cfg)
    co = samples.make_company(21)
    samples.business_licence_pdf(co, cfg.inbox / co.short / "营业执照.pdf")  # no application form, no date
    assert all(o.outcome == "archived" for o in ingest(cfg))
    archive = Archive(cfg)
    snap = archive.snapshot(co.short)
    path = REPORT_PATHS["completeness"]
    reader = archive.store.reader(co.short)
    stored = reader.content_path(reader.version(None).state[path]).read_bytes()
    assert bytes(report_files(snap)[path]) == stored

    class Later(date):
        @classmethod
        def today(cls):
            return status.version_day(snap) + timedelta(days=40)

    monkeypatch.setattr(status, "date", Later)
    assert bytes(report_files(snap)[path]) == stored
    assert status.client_status(snap)["as_of"] == (status.version_day(snap) + timedelta(days=40)).isoformat()
