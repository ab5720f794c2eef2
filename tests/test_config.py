"""One settings table (dossier.config.SETTINGS) drives the code, `dossier --help`, the README and
the documented dossier.toml: these tests fail when any of them drifts from the table."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from click.testing import CliRunner

from dossier import config as config_mod
from dossier.cli import cli
from dossier.errors import ConfigError
from dossier.pipeline import init_home

README = Path(__file__).resolve().parents[1] / "README.md"


def test_readme_settings_table_is_the_settings_table():
    text = README.read_text(encoding="utf-8")
    assert config_mod.settings_markdown() in text, "README 的设置表与 dossier.config.SETTINGS 不一致：请重新生成"
    documented = {line.split("`")[1] for line in text.splitlines() if line.startswith("| `")
                  and line.split("`")[1] in {s.name for s in config_mod.SETTINGS}}
    assert documented == {s.name for s in config_mod.SETTINGS}


def test_help_lists_every_setting_with_its_default_and_meaning():
    out = CliRunner().invoke(cli, ["--help"]).output
    for s in config_mod.SETTINGS:
        line = next((ln for ln in out.splitlines() if ln.strip().startswith(f"{s.name} = ")), None)
        assert line is not None, s.name
        assert s.help.replace("`", "")[:12] in line


def test_example_toml_sets_every_setting_to_its_default(tmp_path):
    cfg = config_mod.load(tmp_path, env={})
    init_home(cfg)
    example = (tmp_path / "dossier.toml.example").read_text(encoding="utf-8")
    assert example == config_mod.settings_toml()
    # Uncommenting every setting line gives a valid dossier.toml that changes nothing.
    settings = "\n".join(ln[2:] for ln in example.splitlines() if ln.startswith("# ") and " = " in ln
                         and ln[2:].split(" = ")[0] in {s.name for s in config_mod.SETTINGS})
    data = tomllib.loads(settings)
    assert set(data) == {s.name for s in config_mod.SETTINGS}
    (tmp_path / "dossier.toml").write_text(settings, encoding="utf-8")
    loaded = config_mod.load(tmp_path, env={})
    for s in config_mod.SETTINGS:
        assert getattr(loaded, s.name) == s.default, s.name


def test_unknown_setting_names_the_file_and_lists_the_known_ones(tmp_path):
    (tmp_path / "dossier.toml").write_text('setle_seconds = 3\n', encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        config_mod.load(tmp_path, env={})
    assert "dossier.toml" in err.value.message and "setle_seconds" in err.value.message
    assert "settle_seconds" in err.value.message


def test_environment_beats_file_and_command_line_beats_both(tmp_path):
    (tmp_path / "dossier.toml").write_text("ocr_workers = 3\n", encoding="utf-8")
    assert config_mod.load(tmp_path, env={}).ocr_workers == 3
    assert config_mod.load(tmp_path, env={"DOSSIER_OCR_WORKERS": "4"}).ocr_workers == 4
    assert config_mod.load(tmp_path, env={"DOSSIER_OCR_WORKERS": "4"}, overrides={"ocr_workers": 1}).ocr_workers == 1


def test_rules_dir_is_relative_to_home(tmp_path):
    (tmp_path / "dossier.toml").write_text('rules_dir = "公司规则"\n', encoding="utf-8")
    assert config_mod.load(tmp_path, env={}).rules == tmp_path / "公司规则"
    assert config_mod.load(tmp_path / "x", env={}).rules is None
