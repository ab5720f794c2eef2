"""Where the rule files are: the company's own ``rules_dir`` (a setting) or the packaged defaults.

The shells (CLI, web, the pipeline) call :func:`use` once with the home's ``rules_dir``; every loader
called without an explicit path then reads that folder's file, or the packaged one when the folder
has no such file (so a company may override only the checklist, say).
"""

from __future__ import annotations

from pathlib import Path

from ..errors import ConfigError

PACKAGED_DIR = Path(__file__).parent
RULE_FILES = ("doctypes.toml", "checklist.toml", "thresholds.toml", "warnings.toml")

_active: Path | None = None


def use(rules_dir: str | Path | None) -> None:
    """Make ``rules_dir`` the folder rule files are read from (None or "": the packaged rules)."""
    global _active
    if rules_dir and not Path(rules_dir).is_dir():
        raise ConfigError(f"设置 rules_dir 指向的规则文件夹 {rules_dir} 不存在。请运行 `dossier rules init` "
                          "复制一份默认规则，或修改 dossier.toml 中的 rules_dir。")
    _active = Path(rules_dir) if rules_dir else None


def active_dir() -> Path | None:
    return _active


def rule_file(name: str, rules_dir: str | Path | None = None) -> Path:
    """The file ``name`` of ``rules_dir`` (default: the active folder) if present, else the packaged one."""
    folder = Path(rules_dir) if rules_dir else _active
    if folder is not None and (folder / name).is_file():
        return folder / name
    return PACKAGED_DIR / name


def sibling(path: Path, name: str) -> Path:
    """The rule file ``name`` beside ``path`` if there is one, else the active/packaged one: a folder of
    rules is read together (a checklist is checked against the doctypes next to it). Beside a packaged
    file, the active folder's copy still comes first (a company may override only some files)."""
    near = Path(path).with_name(name)
    if Path(path).parent.resolve() == PACKAGED_DIR.resolve():  # a packaged file: the company's copy first
        return rule_file(name)
    return near if near.is_file() else rule_file(name)
