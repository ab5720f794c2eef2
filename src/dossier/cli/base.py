"""The command group, its context (home, config, client lookup) and how errors reach the terminal."""

from __future__ import annotations

import json
import logging
import sys

import click
from dossier import config as config_mod
from dossier.errors import ClientNotFound, DossierError
from dossier.pipeline import Pipeline

OUTCOME_ZH = {"archived": "已归档", "duplicate": "重复", "quarantined": "已隔离", "unsorted": "待分拣",
              "pending": "待处理"}


def emit_json(data) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


class Ctx:
    def __init__(self, home: str | None):
        self.home = config_mod.resolve_home(home)
        self.config = config_mod.load(self.home)

    def pipeline(self, **kwargs) -> Pipeline:
        pipe = Pipeline(self.config, **kwargs)
        pipe.start()
        return pipe

    def resolve(self, pipe: Pipeline, query: str) -> str:
        found = pipe.catalog.find_client(query)
        if not found and pipe.archive.exists(query):
            found = [query]
        if not found:
            known = "、".join(c["client"] for c in pipe.catalog.clients()[:20]) or "（档案库为空）"
            raise ClientNotFound(f"找不到客户 {query!r}（可用档案编号、公司名称或统一社会信用代码）。现有客户：{known}")
        if len(found) > 1:
            raise ClientNotFound(f"{query!r} 对应多个客户：{'、'.join(found)}。请改用档案编号。")
        return found[0]


class _Failed(click.ClickException):
    """A DossierError shown as ``错误：...`` with the error's own exit code."""

    def __init__(self, error: DossierError):
        super().__init__(error.message)
        self.exit_code = error.exit_code

    def show(self, file=None) -> None:
        click.echo(f"错误：{self.message}", err=True)


class _Group(click.Group):
    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except DossierError as exc:
            raise _Failed(exc) from exc


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]},
             epilog=config_mod.settings_help())
@click.option("--home", type=click.Path(file_okay=False), default=None,
              help="主目录（含 inbox/、archive/、templates/、dossier.toml）。默认取 DOSSIER_HOME，再取当前目录。")
@click.option("-v", "--verbose", is_flag=True, help="显示调试日志。")
@click.pass_context
def cli(ctx: click.Context, home: str | None, verbose: bool) -> None:
    """dossier：融资担保客户档案收件、归档与核查。"""
    logging.basicConfig(level=logging.DEBUG if verbose else logging.WARNING,
                        format="%(asctime)s %(levelname)s %(message)s", stream=sys.stderr)
    ctx.obj = Ctx(home)


def main() -> None:
    cli(prog_name="dossier")
