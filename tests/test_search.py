"""`dossier search`: FTS5 trigram full-text search with snippet and path, --client and --type filters."""

from __future__ import annotations

import json

import pytest

from conftest import run
from dossier import config as config_mod
import dossier_factory as samples
from dossier.catalog import Catalog


@pytest.fixture
def two_clients(env):
    run("init")
    first = samples.make_company(11, short="恒远机械")
    second = samples.make_company(12, short="瑞丰纺织")
    for company in (first, second):
        folder = env / "inbox" / company.short
        folder.mkdir(parents=True)
        samples.business_licence_pdf(company, folder / "营业执照.pdf")
        samples.generic_pdf(folder / "说明.pdf", "情况说明", [f"{company.name}承诺所提交材料真实有效。"])
    run("ingest")
    return env, first, second


def search(*args) -> list[dict]:
    return json.loads(run("search", *args, "--json").output)["results"]


def test_finds_three_characters_from_inside_a_company_name(two_clients):
    env, first, second = two_clients
    # e.g. 杭州恒远机械有限公司 -> "远机械": the middle of a word, no word boundary around it
    middle = first.name[3:6]
    assert middle not in second.name
    hits = search(middle)
    assert hits and {h["client"] for h in hits} == {first.short}
    assert {h["path"] for h in hits} == {"documents/营业执照.pdf", "documents/说明.pdf"}
    for h in hits:
        assert f"【{middle}】" in h["snippet"]
        assert set(h) >= {"client", "name", "path", "doc_type", "version", "snippet"}
    text = run("search", middle).output
    assert "documents/营业执照.pdf" in text and f"【{middle}】" in text and f"共 {len(hits)} 条" in text


def test_client_filter(two_clients):
    env, first, second = two_clients
    everywhere = search("有限公司")
    assert {h["client"] for h in everywhere} == {first.short, second.short}
    only = search("有限公司", "--client", second.short)
    assert only and {h["client"] for h in only} == {second.short}
    by_code = search("有限公司", "--client", second.credit_code)  # resolved like every other command
    assert by_code == only
    none = run("search", first.name[3:6], "--client", second.short).output
    assert "没有找到" in none


def test_one_or_two_characters_fall_back_to_substring_scan(two_clients):
    env, first, second = two_clients
    two = first.short[1:3]  # 远机
    hits = search(two)
    assert hits and all(h["client"] == first.short for h in hits)
    assert all(f"【{two}】" in h["snippet"] for h in hits)
    assert all("%" in h["snippet"] for h in search("%"))  # "%" is no LIKE wildcard here


def test_type_filter_uses_documents_doc_type(two_clients):
    env, first, second = two_clients
    with Catalog(config_mod.load(env).catalog_path) as catalog:  # as the classify stage records it
        catalog.db.execute("UPDATE documents SET doc_type = 'business_licence' WHERE path = ?",
                           ("documents/营业执照.pdf",))
    hits = search("有限公司", "--type", "business_licence")
    assert {h["path"] for h in hits} == {"documents/营业执照.pdf"}
    assert {h["client"] for h in hits} == {first.short, second.short}
    assert all(h["doc_type"] == "business_licence" for h in hits)
    unknown = run("search", "有限公司", "--type", "no_such_type", ok=False)  # a typo is refused, not "no hits"
    assert unknown.exit_code == 2 and "不是已知的文档类型" in unknown.output and "营业执照" in unknown.output


def test_quotes_and_empty_queries(two_clients):
    assert search('远"机械') == []
    assert run("search", "   ", ok=False).exit_code == 2


def test_several_words_must_all_occur(two_clients):
    env, first, second = two_clients
    both = search("有限公司 承诺")  # each client's 说明.pdf has both words, neither licence has 承诺
    assert {(h["client"], h["path"]) for h in both} == {(first.short, "documents/说明.pdf"),
                                                        (second.short, "documents/说明.pdf")}
    only_first = search(f"{first.short} 承诺")  # e.g. "恒远机械 承诺": the other client's 说明.pdf lacks 恒远机械
    assert {(h["client"], h["path"]) for h in only_first} == {(first.short, "documents/说明.pdf")}
    assert all("【承诺】" in h["snippet"] for h in only_first)
    assert search(f"{first.short} {second.short}") == []  # no file names both companies
    short_and_long = search(f"{first.short[:2]} 承诺")  # a two-character word (substring scan) with a long one
    assert {(h["client"], h["path"]) for h in short_and_long} == {(first.short, "documents/说明.pdf")}
    assert all(f"【{first.short[:2]}】" in h["snippet"] or "【承诺】" in h["snippet"] for h in short_and_long)
    two_short = search(f"{first.short[:2]} {first.short[2:]}")
    assert two_short and {h["client"] for h in two_short} == {first.short}
    text = run("search", f"{first.short} {second.short}").output
    assert "没有找到" in text and f"“{first.short}”和“{second.short}”" in text
