"""Shared validation for rule files: each mistake is a ConfigError naming file and key path."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from ..errors import ConfigError
from .vocabulary import FIELD_KINDS, Weighted

# ---------------------------------------------------------------------------
# Validation helpers: each raises ConfigError naming file and key path
# ---------------------------------------------------------------------------


class Checker:
    def __init__(self, path: Path):
        self.path = path

    def fail(self, where: str, what: str) -> ConfigError:
        return ConfigError(f"{self.path}: {where}：{what}")

    def table(self, value: Any, where: str) -> dict:
        if not isinstance(value, dict):
            raise self.fail(where, f"应为表（table），实际为{kind_of(value)}")
        return value

    def keys(self, value: dict, allowed: set[str], where: str) -> None:
        for key in value:
            if key not in allowed:
                hint = "、".join(sorted(allowed))
                raise self.fail(f"{where}.{key}" if where else key, f"未知的键“{key}”（可用：{hint}）")

    def text(self, value: Any, where: str, empty_ok: bool = False) -> str:
        if not isinstance(value, str):
            raise self.fail(where, f"应为字符串，实际为{kind_of(value)}")
        if not empty_ok and not value.strip():
            raise self.fail(where, "不能为空字符串")
        return value

    def texts(self, value: Any, where: str) -> tuple[str, ...]:
        if not isinstance(value, list):
            raise self.fail(where, f"应为字符串数组，实际为{kind_of(value)}")
        return tuple(self.text(item, f"{where}[{i}]") for i, item in enumerate(value))

    def weighted(self, value: Any, where: str) -> tuple[Weighted, ...]:
        if not isinstance(value, list):
            raise self.fail(where, f"应为数组，实际为{kind_of(value)}")
        out = []
        for i, item in enumerate(value):
            at = f"{where}[{i}]"
            if isinstance(item, str):
                out.append(Weighted(self.text(item, at), 1.0))
                continue
            if not isinstance(item, dict):
                raise self.fail(at, f"应为字符串或 {{ text = \"…\", weight = 数字 }}，实际为{kind_of(item)}")
            self.keys(item, {"text", "weight"}, at)
            if "text" not in item:
                raise self.fail(at, "缺少 text")
            weight = item.get("weight", 1.0)
            if isinstance(weight, bool) or not isinstance(weight, (int, float)):
                raise self.fail(f"{at}.weight", f"应为数字，实际为{kind_of(weight)}")
            if not 0 < weight <= 100:
                raise self.fail(f"{at}.weight", f"应在 0 到 100 之间（不含 0），实际为 {weight}")
            out.append(Weighted(self.text(item["text"], f"{at}.text"), float(weight)))
        return tuple(out)

    def field_name(self, name: str, where: str, allowed: tuple[str, ...] | None = None) -> str:
        if name not in FIELD_KINDS:
            raise self.fail(where, f"未知的字段名“{name}”（可用：{'、'.join(FIELD_KINDS)}）")
        if allowed is not None and name not in allowed:
            raise self.fail(where, f"字段“{name}”不在本类型的 fields 列表中")
        return name


def kind_of(value: Any) -> str:
    return {bool: "布尔值", int: "整数", float: "数字", str: "字符串", list: "数组",
            dict: "表（table）"}.get(type(value), type(value).__name__)

def read_toml(path: Path) -> dict:
    """A rule file as data; syntax and encoding errors as ConfigError naming the file."""
    try:
        with open(path, "rb") as fh:
            return tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        detail = str(exc)
        if "twice" in detail or "overwrite" in detail:
            detail += "（同一个键或表重复定义）"
        raise ConfigError(f"{path}: TOML 语法错误：{detail}") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: 文件不是 UTF-8 编码") from None
