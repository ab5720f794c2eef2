"""Rules in one place: thresholds.toml holds every threshold, a company's rules_dir overrides the
packaged rules, and `dossier rules check` validates a copy, naming file and key."""

from __future__ import annotations

import os

import pytest

from conftest import make_config, run
from dossier import rules
from dossier.errors import ConfigError
from dossier.reading.classify import classify
from dossier.reading.fields import extract
from dossier.rules import (DEFAULT_THRESHOLDS, PACKAGED_DIR, RULE_FILES, check_rules, install_rules, load_checklist,
                           load_doctypes, load_thresholds)

DEFAULT = DEFAULT_THRESHOLDS.read_text(encoding="utf-8")

THRESHOLD_ERRORS = {
    "review_below_out_of_range": (("review_below = 0.6", "review_below = 1.5"), "review_below", "0 到 1"),
    "tolerance_not_a_number": (("total_tolerance = 1.0", 'total_tolerance = "一元"'), "total_tolerance", "数字"),
    "min_text_chars_not_an_integer": (("min_text_chars = 20", "min_text_chars = 20.5"), "min_text_chars", "整数"),
    "missing_setting": (("min_text_chars = 20\n", ""), "min_text_chars", "缺少"),
    "unknown_key": (("version = 1", "version = 1\nreview_bellow = 0.5"), "review_bellow", "未知的键"),
    "unknown_classifier_key": (("[classifier]", "[classifier]\ntitle_bottom = 1.0"), "classifier.title_bottom",
                               "未知的键"),
    "classifier_out_of_range": (("fuzzy_factor = 0.6", "fuzzy_factor = 2"), "classifier.fuzzy_factor", "0 到 1"),
    "same_name_out_of_range": (("same_name = 0.6", "same_name = -0.1"), "same_name", "0 到 1"),
}


@pytest.fixture(autouse=True)
def packaged_rules():
    yield
    rules.use(None)


@pytest.mark.parametrize("edit, where, message", THRESHOLD_ERRORS.values(), ids=THRESHOLD_ERRORS.keys())
def test_threshold_errors_name_file_and_key(tmp_path, edit, where, message):
    old, new = edit
    assert old in DEFAULT
    path = tmp_path / "thresholds.toml"
    path.write_text(DEFAULT.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_thresholds(path)
    assert err.value.message.startswith(f"{path.resolve()}: {where}"), err.value.message
    assert message in err.value.message


def test_one_review_threshold_for_every_stage():
    t = load_thresholds()
    assert load_doctypes().thresholds == t
    assert load_checklist().review_below == t.review_below and load_checklist().tolerance == t.total_tolerance


def test_statement_totals_use_the_rule_files_tolerance(tmp_path):
    """A balance sheet whose totals differ by 0.01 yuan of rounding is not flagged (1 yuan tolerance);
    a company that wants exact totals says so in its own thresholds.toml."""
    page = ("资产负债表\n编制单位：测试有限公司 2025年12月31日 单位：元\n"
            "资产总计 1,000,000.00\n负债合计 400,000.00\n所有者权益合计 600,000.01\n"
            "负债和所有者权益总计 1,000,000.01\n")
    lenient = extract("balance_sheet", [page])
    assert lenient.fields["total_assets"] == 1000000 and lenient.fields["total_liabilities_and_equity"] == 1000000.01
    assert not any("不相等" in p for p in lenient.problems), lenient.problems
    strict_dir = tmp_path / "strict"
    install_rules(strict_dir)
    th = strict_dir / "thresholds.toml"
    th.write_text(th.read_text(encoding="utf-8").replace("total_tolerance = 1.0", "total_tolerance = 0.001"),
                  encoding="utf-8")
    strict = extract("balance_sheet", [page], rules=load_doctypes(strict_dir / "doctypes.toml"))
    assert any("不相等" in p for p in strict.problems), strict.problems


def test_classifier_scores_come_from_the_rule_file(tmp_path):
    folder = tmp_path / "r"
    install_rules(folder)
    text = ["资产负债表\n编制单位：测试有限公司\n资产总计 100\n负债合计 40\n所有者权益合计 60\n负债和所有者权益总计 100"]
    assert classify(text).doc_type == "balance_sheet"
    th = folder / "thresholds.toml"
    th.write_text(th.read_text(encoding="utf-8").replace("min_score = 6.0", "min_score = 999.0"), encoding="utf-8")
    assert classify(text, load_doctypes(folder / "doctypes.toml")).doc_type == "other"


def test_rules_dir_setting_switches_every_loader(tmp_path):
    folder = tmp_path / "公司规则"
    assert sorted(p.name for p in install_rules(folder)) == sorted(RULE_FILES)
    assert install_rules(folder) == []  # never overwrites a company's edited copy
    th = folder / "thresholds.toml"
    th.write_text(th.read_text(encoding="utf-8").replace("review_below = 0.6", "review_below = 0.75"),
                  encoding="utf-8")
    rules.use(folder)
    assert load_thresholds().review_below == 0.75
    assert load_doctypes().thresholds.review_below == 0.75
    assert load_checklist().review_below == 0.75
    rules.use(None)
    assert load_checklist().review_below == 0.6


def test_a_folder_with_only_some_files_uses_the_packaged_rest(tmp_path):
    folder = tmp_path / "only-thresholds"
    folder.mkdir()
    (folder / "thresholds.toml").write_text(DEFAULT.replace("review_below = 0.6", "review_below = 0.5"),
                                            encoding="utf-8")
    results = {r.name: r for r in check_rules(folder)}
    assert not results["thresholds.toml"].packaged and results["doctypes.toml"].packaged
    assert all(r.error is None for r in results.values())
    rules.use(folder)
    assert load_checklist().review_below == 0.5


def test_missing_rules_dir_is_a_clear_error(tmp_path):
    with pytest.raises(ConfigError, match="rules init"):
        rules.use(tmp_path / "nope")


def test_rules_check_cli_names_file_and_key(env, tmp_path, monkeypatch):
    run("init")
    out = run("rules", "check").output
    assert out.count("正常") == len(RULE_FILES) and str(PACKAGED_DIR) in out
    folder = tmp_path / "mine"
    out = run("rules", "init", str(folder)).output
    assert "rules_dir" in out and (folder / "checklist.toml").is_file()
    checklist = folder / "checklist.toml"
    checklist.write_text(checklist.read_text(encoding="utf-8").replace('id = "annual_report"', 'id = "anual_report"'),
                         encoding="utf-8")
    result = run("rules", "check", str(folder), ok=False)
    assert result.exit_code == 1
    assert f"{checklist.resolve()}: item[" in result.output and "anual_report" in result.output
    missing = run("rules", "check", str(tmp_path / "none"), ok=False)
    assert missing.exit_code == 2 and "rules init" in missing.output


def test_pipeline_reads_the_company_rules(tmp_path):
    from dossier.pipeline import Pipeline, init_home

    folder = tmp_path / "rules"
    install_rules(folder)
    cfg = make_config(tmp_path / "home", rules_dir=str(folder))
    init_home(cfg)
    th = folder / "thresholds.toml"
    th.write_text(th.read_text(encoding="utf-8").replace("review_below = 0.6", "review_below = 0.9"),
                  encoding="utf-8")
    os.utime(th, ns=(2, 2))
    pipe = Pipeline(cfg)
    try:
        assert pipe.archive.rules.thresholds.review_below == 0.9
        assert load_checklist().review_below == 0.9
    finally:
        pipe.close()


def test_name_similarity_for_routing_is_the_rule_files(tmp_path):
    """Whether a misread company name is still the client's is thresholds.toml's ``same_name``; an older
    copy of the file without the key gets the packaged default."""
    from dossier.intake.identity import same_company_name

    one_misread = ("苏州瑞丰纺织有限公司", "苏州瑞丰纺识有限公司")
    assert load_thresholds().same_name == 0.6 and same_company_name(*one_misread)
    folder = tmp_path / "公司规则"
    install_rules(folder)
    th = folder / "thresholds.toml"
    th.write_text(th.read_text(encoding="utf-8").replace("same_name = 0.6", "same_name = 0.95"), encoding="utf-8")
    rules.use(folder)
    assert not same_company_name(*one_misread)  # stricter: another company
    assert same_company_name("苏州瑞丰纺织有限公司", "瑞丰纺织")  # one name inside the other stays the same
    th.write_text(th.read_text(encoding="utf-8").replace("same_name = 0.95\n", ""), encoding="utf-8")
    assert "same_name" not in th.read_text(encoding="utf-8")
    assert load_thresholds().same_name == 0.6 and same_company_name(*one_misread)
