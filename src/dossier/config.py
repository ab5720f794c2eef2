"""One settings table: read from ``dossier.toml`` in the home folder and ``DOSSIER_*``.

Precedence: explicit overrides (CLI) > environment > dossier.toml > defaults.
Nothing else in the package reads the environment.
"""

from __future__ import annotations

import getpass
import os
import socket
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

from dossier.errors import ConfigError


@dataclass(frozen=True)
class Setting:
    name: str
    default: Any
    help: str
    kind: type = str


SETTINGS: tuple[Setting, ...] = (
    Setting("inbox_dir", "inbox", "收件箱文件夹（相对于主目录）"),
    Setting("archive_dir", "archive", "OCFL 档案库文件夹（相对于主目录）"),
    Setting("templates_dir", "templates", "报告模板文件夹（相对于主目录）"),
    Setting("settle_seconds", 5.0, "文件大小与修改时间保持不变多少秒后才视为写入完成", float),
    Setting("rescan_seconds", 60.0, "监视模式下定期全量扫描收件箱的间隔（秒）", float),
    Setting("poll_seconds", 2.0, "--polling 模式下的轮询间隔（秒）", float),
    Setting("stale_seconds", 600.0, "PDF 缺少结束标记且多少秒未变化后判定为不完整并隔离", float),
    Setting("read_max_pages", 500, "读取文本层的最大页数，超出部分只记录页数", int),
    Setting("ocr_engine", "rapid", "扫描件文字识别引擎：rapid（RapidOCR，随软件包离线提供）、fake（仅测试）、none（不识别）"),
    Setting("ocr_workers", 2, "OCR 工作进程数（每个进程一个线程）", int),
    Setting("ocr_max_pages", 30, "每个文件最多 OCR 的页数（其余页记为未识别）", int),
    Setting("ocr_dpi", 200, "PDF 扫描页送 OCR 时的渲染分辨率（dpi）", int),
    Setting("verify_hours", 24.0, "监视模式下定期全量固定性校验的间隔（小时，0 表示不校验）", float),
    Setting("user", "", "写入版本记录的操作人（默认当前系统用户）"),
)

_BY_NAME = {s.name: s for s in SETTINGS}


def _coerce(setting: Setting, value: Any, origin: str) -> Any:
    try:
        if setting.kind is float:
            return float(value)
        if setting.kind is int:
            return int(value)
        return str(value)
    except (TypeError, ValueError):
        raise ConfigError(
            f"{origin} 中的设置 {setting.name} 取值 {value!r} 无效：应为"
            f"{ {float: '数字', int: '整数', str: '文本'}[setting.kind] }。"
        ) from None


@dataclass(frozen=True)
class Config:
    home: Path
    values: Mapping[str, Any] = field(default_factory=dict)

    def __getattr__(self, name: str) -> Any:
        if name in _BY_NAME:
            return self.values.get(name, _BY_NAME[name].default)
        raise AttributeError(name)

    # Derived paths -----------------------------------------------------
    def _path(self, name: str) -> Path:
        p = Path(self.values.get(name, _BY_NAME[name].default))
        return p if p.is_absolute() else self.home / p

    @property
    def inbox(self) -> Path:
        return self._path("inbox_dir")

    @property
    def archive(self) -> Path:
        return self._path("archive_dir")

    @property
    def templates(self) -> Path:
        return self._path("templates_dir")

    @property
    def state_dir(self) -> Path:
        """Private working state: catalog, locks, staging (beside the archive)."""
        return self.archive.parent / ".dossier"

    @property
    def catalog_path(self) -> Path:
        return self.state_dir / "catalog.sqlite"

    @property
    def staging(self) -> Path:
        return self.state_dir / "staging"

    @property
    def locks(self) -> Path:
        return self.state_dir / "locks"

    @property
    def work(self) -> Path:
        """Claimed files wait here; inside the inbox so the claim is a same-filesystem rename."""
        return self.inbox / ".dossier-work"

    @property
    def failed(self) -> Path:
        return self.inbox / "_failed"

    @property
    def unsorted(self) -> Path:
        return self.inbox / "_unsorted"

    @property
    def operator(self) -> str:
        if self.values.get("user"):
            return str(self.values["user"])
        try:
            return getpass.getuser()
        except Exception:  # no passwd entry (containers)
            return str(os.getuid())

    @property
    def operator_address(self) -> str:
        return f"mailto:{self.operator}@{socket.gethostname() or 'localhost'}"


def resolve_home(cli_home: str | os.PathLike | None, env: Mapping[str, str] | None = None) -> Path:
    env = os.environ if env is None else env
    if cli_home:
        return Path(cli_home).expanduser().resolve()
    if env.get("DOSSIER_HOME"):
        return Path(env["DOSSIER_HOME"]).expanduser().resolve()
    return Path.cwd().resolve()


def load(home: Path, env: Mapping[str, str] | None = None, overrides: Mapping[str, Any] | None = None) -> Config:
    env = os.environ if env is None else env
    values: dict[str, Any] = {}
    toml_path = home / "dossier.toml"
    if toml_path.exists():
        try:
            data = tomllib.loads(toml_path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ConfigError(f"配置文件 {toml_path} 格式错误：{exc}。请修正或删除该文件。") from exc
        for key, value in data.items():
            if key not in _BY_NAME:
                raise ConfigError(
                    f"配置文件 {toml_path} 中有未知设置 {key!r}。可用设置：{', '.join(_BY_NAME)}。"
                )
            values[key] = _coerce(_BY_NAME[key], value, str(toml_path))
    for setting in SETTINGS:
        var = "DOSSIER_" + setting.name.upper()
        if var in env and env[var] != "":
            values[setting.name] = _coerce(setting, env[var], f"环境变量 {var}")
    for key, value in (overrides or {}).items():
        if value is not None:
            values[key] = _coerce(_BY_NAME[key], value, "命令行")
    return Config(home=home, values=values)



__all__ = ["Config", "SETTINGS", "Setting", "load", "resolve_home"]
