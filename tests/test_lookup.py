"""dossier.lookup, dossier.inputs, dossier.timefmt: what people type, resolved or refused in Chinese.

Clients are looked up in the catalog of a real home whose dossiers were ingested from synthetic
licences; vocabularies come from the packaged rule files.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from conftest import ingest, make_config

import dossier_factory as samples
from dossier import inputs, lookup, rules, timefmt
from dossier.catalog import Catalog
from dossier.errors import ClientNotFound, UsageError
from dossier.pipeline import init_home

SHORTS = ("金石建材", "金石机械", "瑞丰纺织", "华茂食品", "恒远机械", "宏达五金")


@pytest.fixture(scope="module")
def catalog(tmp_path_factory):
    cfg = make_config(tmp_path_factory.mktemp("lookup") / "home")
    init_home(cfg)
    companies = {}
    for seed, short in enumerate(SHORTS, start=30):
        company = samples.make_company(seed, short=short)
        folder = cfg.inbox / short
        folder.mkdir(parents=True)
        samples.business_licence_pdf(company, folder / "营业执照.pdf")
        companies[short] = company
    ingest(cfg)
    with Catalog(cfg.catalog_path) as cat:
        yield cat, companies


@pytest.mark.parametrize("how", ["id", "full_name", "credit_code_lower", "spaces"])
def test_exact_names(catalog, how):
    cat, companies = catalog
    company = companies["瑞丰纺织"]
    query = {"id": "瑞丰纺织", "full_name": company.name, "credit_code_lower": company.credit_code.lower(),
             "spaces": "  瑞丰纺织 "}[how]
    assert lookup.resolve_client(cat, query) == "瑞丰纺织"


@pytest.mark.parametrize("query, expected", [
    ("瑞丰", "瑞丰纺织"),          # unique prefix of the id
    ("华茂食", "华茂食品"),
    ("丰纺", "瑞丰纺织"),          # unique substring
    ("五金", "宏达五金"),
    ("金石建", "金石建材"),        # the prefix shared by two clients is made unique by one more character
])
def test_unique_prefix_or_substring(catalog, query, expected):
    cat, _ = catalog
    assert lookup.resolve_client(cat, query) == expected


def test_a_prefix_of_the_full_company_name(catalog):
    cat, companies = catalog
    full = companies["恒远机械"].name  # e.g. 杭州恒远机械有限公司
    assert lookup.resolve_client(cat, full[: full.index("恒远") + 3]) == "恒远机械"


def test_an_ambiguous_query_lists_the_candidates(catalog):
    cat, _ = catalog
    with pytest.raises(ClientNotFound) as err:
        lookup.resolve_client(cat, "金石")
    message = err.value.message
    assert "对应多个客户" in message and "金石建材" in message and "金石机械" in message
    assert "瑞丰纺织" not in message
    assert err.value.exit_code == 2


def test_a_typo_suggests_the_closest_name(catalog):
    cat, _ = catalog
    with pytest.raises(ClientNotFound) as err:
        lookup.resolve_client(cat, "金石建才")
    message = err.value.message
    assert "找不到客户“金石建才”" in message and "您是否要找 金石建材" in message
    named = [s for s in SHORTS if s in message]
    assert 1 <= len(named) <= lookup.MAX_SUGGESTIONS


def test_a_miss_never_lists_every_client(catalog):
    cat, _ = catalog
    with pytest.raises(ClientNotFound) as err:
        lookup.resolve_client(cat, "不存在的公司")
    message = err.value.message
    assert [s for s in SHORTS if s in message] == []
    assert "dossier list" in message


def test_suggestions_are_at_most_three(catalog):
    cat, _ = catalog
    with pytest.raises(ClientNotFound) as err:
        lookup.resolve_client(cat, "金石恒远机")  # close to several names
    assert len([s for s in SHORTS if s in err.value.message]) <= 3


# --- vocabularies --------------------------------------------------------------------------------

@pytest.mark.parametrize("value, expected", [
    ("项目融资担保", "project_finance"), ("project_finance", "project_finance"), ("项目融资", "project_finance"),
    (" 流动资金贷款担保 ", "working_capital_loan"), ("票据承兑担保", "bill_acceptance"),
    ("设备采购和更新融资担保", "equipment_finance"), ("信用证担保", "letter_of_credit"),
])
def test_products_by_id_or_chinese_name(value, expected):
    assert lookup.products().resolve(value) == expected


@pytest.mark.parametrize("value, expected", [
    ("营业执照", "business_licence"), ("business_licence", "business_licence"), ("损益表", "income_statement"),
    ("利润表", "income_statement"), ("法定代表人身份证明", "legal_rep_id"), ("居民身份证", "legal_rep_id"),
    ("纳税证明", "tax_payment_certificate"),
])
def test_document_types_by_id_or_chinese_name(value, expected):
    assert lookup.doc_types().resolve(value) == expected


@pytest.mark.parametrize("value, expected", [("缺失", "missing"), ("missing", "missing"), ("待复核", "review"),
                                             ("不适用", "not_required")])
def test_statuses_by_id_or_chinese_name(value, expected):
    assert lookup.statuses().resolve(value) == expected


def test_an_unknown_value_lists_the_chinese_names():
    with pytest.raises(UsageError) as err:
        lookup.products().resolve("汽车贷款")
    message = err.value.message
    assert "--product" in message and "汽车贷款" in message and "不是已知的担保品种" in message
    for name in ("流动资金贷款担保", "项目融资担保", "信用证担保", "票据承兑担保", "设备采购和更新融资担保"):
        assert name in message
    assert err.value.exit_code == 2


def test_a_near_miss_is_suggested():
    with pytest.raises(UsageError) as err:
        lookup.doc_types().resolve("营业执")
    assert "您是否要找“营业执照”" in err.value.message


def test_chinese_names_for_display():
    assert lookup.products().zh("project_finance") == "项目融资担保"
    assert lookup.doc_types().zh("income_statement") == "利润表"
    assert lookup.statuses().zh("expired") == "过期"
    assert lookup.products().zh(None) == ""


# --- versions ------------------------------------------------------------------------------------

@pytest.mark.parametrize("value", ["3", "v3", "V3", "v03", " 3 ", "第3版", "第 3 版", "３"])
def test_version_names(value):
    assert lookup.version_name(value) == "v3"


@pytest.mark.parametrize("value", ["0", "v0", "vx", "latest", "", "3.1"])
def test_bad_version_names(value):
    with pytest.raises(UsageError) as err:
        lookup.version_name(value)
    assert "版本" in err.value.message and "v3" in err.value.message


def test_a_missing_version_in_plain_words():
    known = ["v1", "v2", "v3", "v4", "v5"]
    assert lookup.resolve_version("5", "瑞丰纺织", known) == "v5"
    with pytest.raises(UsageError) as err:
        lookup.resolve_version("7", "瑞丰纺织", known)
    assert err.value.message.startswith("瑞丰纺织 没有第 7 版") and "现有 v1–v5" in err.value.message
    assert "对象" not in err.value.message and "OCFL" not in err.value.message


# --- case input ----------------------------------------------------------------------------------

@pytest.mark.parametrize("value, expected", [("5000000", 5_000_000.0), ("5,000,000", 5_000_000.0),
                                             ("500万", 5_000_000.0), ("1.2亿", 120_000_000.0),
                                             ("3000000.5元", 3_000_000.5)])
def test_amounts(value, expected):
    assert inputs.parse_amount(value) == expected


@pytest.mark.parametrize("value", ["-5", "0", "abc", "nan", "inf", "1e12"])
def test_bad_amounts(value):
    with pytest.raises(UsageError) as err:
        inputs.parse_amount(value)
    assert "--amount" in err.value.message and value in err.value.message


@pytest.mark.parametrize("value, ok", [("1", True), ("12", True), ("360", True), ("0", False), ("361", False),
                                        ("-3", False), ("1.5", False), ("24个月", True)])
def test_terms_within_the_bounds_of_thresholds(value, ok):
    bounds = rules.load_thresholds().case
    assert (bounds.min_term_months, bounds.max_term_months) == (1, 360)
    if ok:
        assert inputs.parse_term(value) == int(value.removesuffix("个月"))
    else:
        with pytest.raises(UsageError) as err:
            inputs.parse_term(value)
        assert "--term-months" in err.value.message


def test_a_company_sets_its_own_term_bounds(tmp_path):
    folder = tmp_path / "rules"
    folder.mkdir()
    text = rules.DEFAULT_THRESHOLDS.read_text(encoding="utf-8")
    (folder / "thresholds.toml").write_text(text.replace("max_term_months = 360", "max_term_months = 120"),
                                            encoding="utf-8")
    rules.use(folder)
    try:
        assert inputs.parse_term("120") == 120
        with pytest.raises(UsageError) as err:
            inputs.parse_term("121")
        assert "1 到 120 个月" in err.value.message
    finally:
        rules.use(None)


def test_an_older_thresholds_file_without_case_bounds_gets_the_defaults(tmp_path):
    text = rules.DEFAULT_THRESHOLDS.read_text(encoding="utf-8")
    start = text.index("[case]")
    old = tmp_path / "thresholds.toml"
    old.write_text(text[:start] + text[text.index("\n\n", start):], encoding="utf-8")
    assert "[case]" not in old.read_text(encoding="utf-8")
    assert rules.load_thresholds(old).case == rules.load_thresholds().case


@pytest.mark.parametrize("value, expected", [("2026-03-31", date(2026, 3, 31)), ("2026/3/1", date(2026, 3, 1)),
                                             ("2026年3月31日", date(2026, 3, 31)), ("2028-02-29", date(2028, 2, 29))])
def test_dates(value, expected):
    assert inputs.parse_date(value) == expected


@pytest.mark.parametrize("value, words", [("2026-02-30", "不存在"), ("2027-02-29", "不存在"), ("2026-13-01", "不存在"),
                                          ("31/03/2026", "格式不对"), ("明天", "格式不对")])
def test_bad_dates(value, words):
    with pytest.raises(UsageError) as err:
        inputs.parse_date(value, "--date")
    assert words in err.value.message and "--date" in err.value.message and "2026-03-31" in err.value.message


# --- times ---------------------------------------------------------------------------------------

def test_times_in_the_readers_zone():
    shanghai, new_york = ZoneInfo("Asia/Shanghai"), ZoneInfo("America/New_York")
    assert timefmt.human("2026-03-31T06:34:13Z", shanghai) == "2026-03-31 14:34:13"
    assert timefmt.human("2026-03-31T06:34:13Z", new_york) == "2026-03-31 02:34:13"  # daylight saving time
    assert timefmt.human("2026-01-31T06:34:13Z", new_york) == "2026-01-31 01:34:13"
    assert timefmt.human("2026-03-31T14:34:13+08:00", UTC, zone_name=True) == "2026-03-31 06:34:13（UTC）"
    assert timefmt.human("2026-03-31T06:34:13Z", shanghai, zone_name=True).endswith("（UTC+08:00）")
    assert timefmt.iso("2026-03-31T06:34:13Z", shanghai) == "2026-03-31T14:34:13+08:00"
    assert timefmt.human("不是时间", shanghai) == "不是时间"
    assert timefmt.human(datetime(2026, 3, 31, 6, 34, 13), shanghai) == "2026-03-31 14:34:13"  # naive is UTC


def test_json_times_always_carry_an_offset():
    data = {"created": "2026-03-31T06:34:13", "versions": [{"created": "2026-03-31T06:34:13Z"}],
            "time": "2026-03-31T14:34:13+08:00", "as_of": "2026-03-31", "note": "2026-03-31T06:34:13"}
    out = timefmt.iso_fields(data, ("created", "time"))
    assert out["created"] == "2026-03-31T06:34:13+00:00"
    assert out["versions"][0]["created"] == "2026-03-31T06:34:13Z"  # stored values with an offset: verbatim
    assert out["time"] == "2026-03-31T14:34:13+08:00"
    assert out["as_of"] == "2026-03-31" and out["note"] == "2026-03-31T06:34:13"  # not a time key


def test_document_fields_for_people():
    lines = lookup.document_fields("application_form", {"product": "project_finance", "term_months": 24,
                                                        "agent": None, "company_name": "苏州瑞丰纺织有限公司"})
    assert lines == [("担保品种", "项目融资担保"), ("期限（月）", "24"), ("单位名称", "苏州瑞丰纺织有限公司")]
    assert lookup.document_fields("audit_report", {"opinion": "standard", "year": 2025, "years": [2025]}) == [
        ("审计意见类型", "无保留意见"), ("年度", "2025")]
    assert ("所属年度", "2024、2025") in lookup.document_fields("audit_report", {"year": 2025, "years": [2024, 2025]})
