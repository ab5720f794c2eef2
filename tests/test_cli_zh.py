"""Chinese everywhere a user looks: click's own strings, Chinese names for ids, validated input,
forgiving client lookup, local times and versions as ``1`` or ``v1`` (issue 10, findings 7, 9-12)."""

from __future__ import annotations

import json
import re
from datetime import datetime
from zoneinfo import ZoneInfo

import click
import pytest
from conftest import run

import dossier_factory as samples
from dossier.cli import cli

#: English that click writes unless it is translated.
ENGLISH = ("Usage:", "Options", "Commands", "Show this message and exit", "[OPTIONS]", "COMMAND [ARGS]",
           "TEXT", "INTEGER", "FLOAT", "PATH", "DIRECTORY", "FILE", "[default", "[required]", "Error:", "Missing",
           "Invalid value", "does not match", "Try '")


def _commands(group: click.Group, prefix: tuple[str, ...] = ()):
    for name, command in sorted(group.commands.items()):
        yield (*prefix, name)
        if isinstance(command, click.Group):
            yield from _commands(command, (*prefix, name))


COMMANDS = [()] + list(_commands(cli))


@pytest.mark.parametrize("path", COMMANDS, ids=lambda p: " ".join(p) or "dossier")
def test_help_has_no_english_click_boilerplate(env, path):
    text = run(*path, "--help").output
    assert text.startswith("用法： dossier") and "选项：" in text and "显示此帮助并退出。" in text
    for english in ENGLISH:
        assert english not in text, f"{' '.join(path)} --help: {english!r}"


def _json_options():
    for path in COMMANDS[1:]:
        command = cli
        for name in path:
            command = command.commands[name]
        for param in command.params:
            if isinstance(param, click.Option) and "--json" in param.opts:
                yield path, param


@pytest.mark.parametrize("path, option", list(_json_options()), ids=lambda x: " ".join(x) if isinstance(x, tuple) else "")
def test_every_json_flag_has_chinese_help(path, option):
    assert option.help and re.search(r"[\u4e00-\u9fff]", option.help)


@pytest.fixture
def demo(env):
    """A home with two clients whose names share a prefix and a third (licence, balance sheet, form)."""
    run("init")
    companies = {}
    for seed, short in ((41, "金石建材"), (42, "金石机械"), (43, "瑞丰纺织")):
        company = samples.make_company(seed, short=short)
        folder = env / "inbox" / short
        folder.mkdir(parents=True)
        samples.business_licence_pdf(company, folder / "营业执照.pdf")
        samples.balance_sheet_pdf(company, 2025, folder / "资产负债表.pdf")
        companies[short] = company
    run("ingest")
    return env, companies


def test_a_missing_argument_is_a_chinese_usage_error(env):
    run("init")
    result = run("show", ok=False)
    assert result.exit_code == 2
    assert "错误：缺少参数“客户”。" in result.output and "用法： dossier show [选项] 客户" in result.output
    assert "Missing" not in result.output and "Error" not in result.output


def test_a_missing_option_is_named_in_chinese_quotes_and_full_stop(env):
    run("init")
    result = run("move", "某客户", "某文件.pdf", "--note", "放错了", ok=False)
    assert result.exit_code == 2 and "错误：缺少选项“--to”。" in result.output and "'." not in result.output


@pytest.mark.parametrize("value, words", [("2026-02-30", "不存在"), ("2026-13-01", "不存在"), ("20260301", "格式不对")])
def test_a_bad_date_is_a_chinese_usage_error(env, value, words):
    run("init")
    result = run("status", "--as-of", value, ok=False)
    assert result.exit_code == 2 and "错误：" in result.output and words in result.output and value in result.output
    assert "does not match" not in result.output and "Error" not in result.output


def test_an_unknown_option_is_chinese(env):
    run("init")
    result = run("search", "恒远", "--limmit", "3", ok=False)
    assert result.exit_code == 2 and "没有选项“--limmit”" in result.output and "--limit" in result.output
    assert "No such option" not in result.output


def _history(client: str) -> list[dict]:
    return json.loads(run("history", client, "--json").output)["versions"]


def test_case_accepts_the_chinese_product_name_and_status_shows_the_case(demo):
    run("case", "瑞丰纺织", "--product", "项目融资担保", "--amount", "800万", "--term-months", "36",
        "--date", "2026-03-31")
    data = json.loads(run("status", "瑞丰纺织", "--json").output)["clients"][0]
    assert data["case"]["product"] == "project_finance" and data["case"]["term_months"] == 36
    assert data["case"]["application_date"] == "2026-03-31"
    header = run("status", "瑞丰纺织").output.splitlines()[1]
    assert "项目融资担保" in header and "36 个月" in header and "8,000,000.00 元" in header
    run("case", "瑞丰纺织", "--product", "bill_acceptance")  # the id still works
    assert json.loads(run("status", "瑞丰纺织", "--json").output)["clients"][0]["case"]["product"] == "bill_acceptance"


@pytest.mark.parametrize("args, words", [
    (("--amount", "-5"), "须大于 0"), (("--amount", "0"), "须大于 0"), (("--amount", "五百万"), "不是数字"),
    (("--term-months", "0"), "超出范围"), (("--term-months", "361"), "超出范围"),
    (("--date", "2026-02-30"), "不存在"), (("--product", "汽车贷款"), "项目融资担保"),
])
def test_case_refuses_implausible_values_and_writes_nothing(demo, args, words):
    env, companies = demo
    before = _history("瑞丰纺织")
    result = run("case", "瑞丰纺织", *args, ok=False)
    assert result.exit_code == 2 and "错误：" in result.output and words in result.output
    assert _history("瑞丰纺织") == before


def test_status_only_filters_by_chinese_status(demo):
    env, companies = demo
    items = json.loads(run("status", "瑞丰纺织", "--only", "缺失", "--json").output)["clients"][0]["items"]
    assert items and {i["status"] for i in items} == {"missing"}
    text = run("status", "瑞丰纺织", "--only", "齐全").output
    assert "齐全   营业执照" in text and "缺失" not in text.split("\n", 2)[2]
    bad = run("status", "--only", "丢失", ok=False)
    assert bad.exit_code == 2 and "不是已知的核查状态" in bad.output and "缺失" in bad.output


def test_search_type_by_chinese_name(demo):
    env, companies = demo
    by_id = json.loads(run("search", "有限公司", "--type", "business_licence", "--json").output)
    by_zh = json.loads(run("search", "有限公司", "--type", "营业执照", "--json").output)
    assert by_zh["results"] == by_id["results"] and by_zh["type"] == "business_licence"
    assert {h["path"] for h in by_zh["results"]} == {"documents/营业执照.pdf"}
    assert "[营业执照]" in run("search", "有限公司", "--type", "营业执照").output


@pytest.mark.parametrize("query, expected", [("瑞丰", "瑞丰纺织"), ("丰纺", "瑞丰纺织"), ("金石建", "金石建材")])
def test_show_a_partial_name(demo, query, expected):
    assert json.loads(run("show", query, "--json").output)["client"] == expected


def test_show_an_ambiguous_name_lists_the_candidates(demo):
    result = run("show", "金石", ok=False)
    assert result.exit_code == 2 and "金石建材" in result.output and "金石机械" in result.output
    assert "瑞丰纺织" not in result.output


def test_show_a_typo_suggests_the_closest_name_not_the_whole_list(demo):
    result = run("show", "金石建才", ok=False)
    assert result.exit_code == 2 and "您是否要找 金石建材" in result.output
    assert "瑞丰纺织" not in result.output


def test_every_command_taking_a_client_is_forgiving(demo, tmp_path):
    assert _history("瑞丰")[0]["version"] == "v1"
    assert "瑞丰纺织" in run("status", "丰纺").output
    assert "完好  瑞丰纺织" in run("verify", "瑞丰").output
    assert json.loads(run("search", "有限公司", "--client", "瑞丰", "--json").output)["client"] == "瑞丰纺织"
    assert json.loads(run("log", "瑞丰", "--json").output)["client"] == "瑞丰纺织"
    pulled = json.loads(run("pull", "瑞丰", "--out", str(tmp_path / "bag"), "--json").output)
    assert pulled["client"] == "瑞丰纺织"


@pytest.mark.parametrize("value", ["1", "v1", "V1", "第1版"])
def test_pull_accepts_a_version_as_number_or_name(demo, tmp_path, value):
    pulled = json.loads(run("pull", "瑞丰纺织", "--version", value, "--out", str(tmp_path / "bag"), "--json").output)
    assert pulled["version"] == "v1"


def test_pull_of_a_missing_version_speaks_plainly(demo, tmp_path):
    result = run("pull", "瑞丰纺织", "--version", "7", "--out", str(tmp_path / "bag"), ok=False)
    assert result.exit_code == 2 and "瑞丰纺织 没有第 7 版" in result.output and "现有 v1" in result.output
    assert "对象" not in result.output and not (tmp_path / "bag").exists()


@pytest.mark.parametrize("zone", ["Asia/Shanghai", "America/New_York"])
def test_human_times_are_local_in_the_configured_zone(demo, monkeypatch, tmp_path, zone):
    env, companies = demo
    monkeypatch.setenv("DOSSIER_TIME_ZONE", zone)
    created = _history("瑞丰纺织")[0]["created"]
    assert datetime.fromisoformat(created).utcoffset() is not None  # JSON: ISO 8601 with an offset
    local = datetime.fromisoformat(created).astimezone(ZoneInfo(zone)).strftime("%Y-%m-%d %H:%M:%S")
    assert run("history", "瑞丰纺织").output.startswith(f"v1  {local}  ")
    assert f"当前版本：v1（{local}）" in run("show", "瑞丰纺织").output
    run("pull", "瑞丰纺织", "--out", str(tmp_path / "bag"))
    entry = json.loads(run("log", "瑞丰纺织", "--json").output)["entries"][0]
    when = datetime.fromisoformat(entry["time"])
    assert when.utcoffset() is not None
    assert run("log", "瑞丰纺织").output.startswith(when.astimezone(ZoneInfo(zone)).strftime("%Y-%m-%d %H:%M:%S"))


def test_pull_names_the_zone_of_the_time_it_shows(demo, monkeypatch, tmp_path):
    monkeypatch.setenv("DOSSIER_TIME_ZONE", "Asia/Shanghai")
    assert "（UTC+08:00）" in run("pull", "瑞丰纺织", "--out", str(tmp_path / "bag")).output


def test_an_unknown_time_zone_is_a_chinese_configuration_error(demo, monkeypatch):
    env, companies = demo
    (env / "dossier.toml").write_text('time_zone = "Asia/Beijing"\n', encoding="utf-8")
    result = run("list", ok=False)
    assert result.exit_code == 2 and "Asia/Beijing" in result.output and "Asia/Shanghai" in result.output
    assert "dossier.toml" in result.output


def test_show_names_fields_in_chinese(demo):
    env, companies = demo
    text = run("show", "瑞丰纺织").output
    assert f"单位名称：{companies['瑞丰纺织'].name}" in text and f"统一社会信用代码：{companies['瑞丰纺织'].credit_code}" in text
    assert "company_name" not in text and "credit_code" not in text


def test_verify_names_problems_in_chinese(demo):
    env, companies = demo
    content = env / "archive" / "瑞丰纺织" / "v1" / "content" / "documents"
    (content / "营业执照.pdf").write_bytes(b"tampered")
    result = run("verify", "瑞丰", ok=False)
    assert result.exit_code == 1 and "[已损坏]" in result.output and "[damaged]" not in result.output


@pytest.mark.parametrize("query", ["../x", "a/b", ".hidden", "extensions"])
def test_a_query_that_cannot_be_an_id_is_just_not_found(demo, query):
    result = run("show", query, ok=False)
    assert result.exit_code == 2 and "找不到客户" in result.output and "对象" not in result.output
