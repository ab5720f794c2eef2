"""One settings table: read from ``dossier.toml`` in the home folder and ``DOSSIER_*``.

Precedence: explicit overrides (CLI) > environment > dossier.toml > defaults.
Nothing else in the package reads the environment.
"""

from __future__ import annotations

import getpass
import os
import socket
import tomllib
import zoneinfo
from dataclasses import dataclass, field
from datetime import tzinfo
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
    Setting("inbox_dir", "inbox", "收件箱文件夹（相对主目录或绝对路径）"),
    Setting("archive_dir", "archive", "OCFL 档案库文件夹（相对主目录或绝对路径）"),
    Setting("templates_dir", "templates", "报告模板文件夹（相对主目录或绝对路径）"),
    Setting("rules_dir", "", "公司自己的规则文件夹（doctypes.toml、checklist.toml、thresholds.toml、warnings.toml，"
            "用 `dossier rules init` 复制、`dossier rules check` 校验）；为空时用软件包自带的规则"),
    Setting("settle_seconds", 5.0, "文件大小和修改时间保持不变多少秒才视为写入完成", float),
    Setting("rescan_seconds", 60.0, "监视模式下定期全量扫描收件箱的间隔（秒）", float),
    Setting("poll_seconds", 2.0, "`--polling` 模式下的轮询间隔（秒）", float),
    Setting("stale_seconds", 600.0, "PDF 缺少结束标记（`%%EOF`）时，静止多少秒后判定为不完整并隔离；"
            "在此之前视为仍在复制", float),
    Setting("read_max_pages", 500, "读取文本层的最大页数，超出部分只记录页数", int),
    Setting("ocr_engine", "rapid", "扫描件文字识别：`rapid`（RapidOCR，模型随软件包提供，完全离线）、"
            "`none`（不识别，扫描件标记待复核）、`fake`（仅测试）"),
    Setting("ocr_workers", 2, "OCR 工作进程数（每个进程单线程，监视服务保持响应）", int),
    Setting("ocr_max_pages", 30, "每个文件最多识别的扫描页数（其余页记为未识别）", int),
    Setting("ocr_dpi", 200, "扫描 PDF 页送识别时的渲染分辨率（dpi）", int),
    Setting("ocr_file_seconds", 600.0, "每个文件所有扫描页识别的总时间上限（秒，0 为不限）：超出后其余页记为未识别，"
            "文件照常归档并标记待复核；单页识别也不超过此时间", float),
    Setting("max_file_mb", 2048, "收件的单个文件大小上限（MB，0 为不限）；更大的文件不复制、不读取，移入 _failed 并说明原因", int),
    Setting("read_seconds", 120.0, "解析一个文件（文本层、表格、图像帧、压缩包校验）的时间上限（秒，0 为不限），"
            "在独立的读取进程中执行；超时的文件移入 _failed 并注明原因", float),
    Setting("read_memory_mb", 2048, "读取进程和每个 OCR 进程的内存（地址空间）上限（MB，0 为不限）；超出的文件"
            "（如压缩炸弹）移入 _failed，两次导致读取进程崩溃的文件不再重试", int),
    Setting("read_cache_mb", 64.0, "读取结果缓存上限（MB）：按文件内容 SHA-512 保存已读取和识别的结果，"
            "重试的批次不再重复读取或 OCR；0 表示不缓存", float),
    Setting("verify_hours", 24.0, "监视模式下定期全量固定性校验的间隔（小时，0 为关闭），结果记入 "
            "`.dossier/fixity.log.jsonl`", float),
    Setting("user", "", "写入版本记录的操作人（为空时取当前系统用户）"),
    Setting("group_access", "no", "档案库、`.dossier/`（目录索引含全部 OCR 文本）由 dossier 以私有权限创建：`no` 仅服务用户可读写（默认），"
            "`read` 服务用户所在组也可读；收件箱中的回执和原因说明始终可供文员读取"),
    Setting("web_host", "127.0.0.1", "`dossier serve` 监听的地址（默认只接受本机连接；对外服务请放在带 TLS 的 nginx 之后）"),
    Setting("web_port", 8000, "`dossier serve` 监听的端口", int),
    Setting("web_workers", 2, "`dossier serve` 的工作进程数（gunicorn）", int),
    Setting("web_allowed_hosts", "127.0.0.1,localhost", "网页工作台接受的主机名（逗号分隔，即浏览器地址栏中的主机名）"),
    Setting("web_secure_cookies", "no", "`yes`：登录 Cookie 只经 HTTPS 发送并启用 HSTS（在 nginx 的 TLS 之后运行时设为 yes）"),
    Setting("web_database", ".dossier/web.sqlite3", "网页工作台自己的数据库（用户、会话、令牌、分配），相对主目录或绝对路径"),
    Setting("time_zone", "", "屏幕上显示时间所用的时区（IANA 名称，如 `Asia/Shanghai`）；为空时用本机时区。"
            "`--json` 中的时间保持档案记录的原值（ISO 8601，带时区偏移）"),
)

_BY_NAME = {s.name: s for s in SETTINGS}


def zone(name: str, origin: str = "设置 time_zone") -> tzinfo:
    """The IANA time zone ``name`` (ConfigError naming where it came from when unknown)."""
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ConfigError(f"{origin} 的时区“{name}”无法识别：请写 IANA 时区名称，如 Asia/Shanghai，"
                          "或留空以使用本机时区。") from None


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
    def rules(self) -> Path | None:
        """The company's rule folder, or None for the packaged rules."""
        return self._path("rules_dir") if self.values.get("rules_dir") else None

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
        """Private copies of claimed files, read instead of the inbox's (outside the clerks' share)."""
        return self.state_dir / "work"

    @property
    def web_database_path(self) -> Path:
        return self._path("web_database")

    @property
    def failed(self) -> Path:
        return self.inbox / "_failed"

    @property
    def unsorted(self) -> Path:
        return self.inbox / "_unsorted"

    @property
    def umask(self) -> int:
        """The umask dossier works under (``group_access``): what it creates is private by default."""
        value = str(self.values.get("group_access") or "no").strip().lower()
        if value not in ("no", "read"):
            raise ConfigError(f"设置 group_access 的取值“{value}”无效：请写 no（仅服务用户）或 read（组可读）。")
        return 0o027 if value == "read" else 0o077

    @property
    def tz(self) -> tzinfo | None:
        """The time zone people read times in: ``time_zone``; None for the machine's own zone
        (``datetime.astimezone(None)``, which follows the machine's daylight-saving rules)."""
        name = str(self.values.get("time_zone") or "").strip()
        return zone(name) if name else None

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


def _shown(value: Any) -> str:
    if value == "":
        return "（空）"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def settings_markdown() -> str:
    """The settings table of the README (a test keeps the README equal to this)."""
    rows = ["| 设置 | 默认 | 含义 |", "|---|---|---|"]
    rows += [f"| `{s.name}` | {f'`{s.default}`' if s.kind is str and s.default else _shown(s.default)} | {s.help} |"
             for s in SETTINGS]
    return "\n".join(rows) + "\n"


def settings_help() -> str:
    """The settings as ``dossier --help`` lists them."""
    lines = ["\b", "设置（主目录的 dossier.toml，或环境变量 DOSSIER_<设置名大写>）："]  # \b: click keeps the lines
    lines += [f"  {s.name} = {_shown(s.default)}    {s.help.replace('`', '')}" for s in SETTINGS]
    return "\n".join(lines)


def settings_toml() -> str:
    """A documented dossier.toml in which every setting is commented out at its default."""
    lines = ["# dossier.toml：dossier 的设置。去掉行首的 # 并修改取值即可生效；环境变量 DOSSIER_<设置名大写>",
             "# 优先于本文件，命令行参数优先于环境变量。本文件由 `dossier init` 生成（dossier.toml.example）。", ""]
    for s in SETTINGS:
        value = f'"{s.default}"' if s.kind is str else _shown(s.default)
        lines += [f"# {s.help.replace('`', '')}", f"# {s.name} = {value}", ""]
    return "\n".join(lines)


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
    if str(values.get("time_zone") or "").strip():  # a wrong zone is a configuration error at load
        zone(str(values["time_zone"]).strip(), f"{toml_path} 或环境变量 DOSSIER_TIME_ZONE 中的设置 time_zone")
    return Config(home=home, values=values)



__all__ = ["Config", "SETTINGS", "Setting", "load", "resolve_home", "settings_help", "settings_markdown", "settings_toml"]
