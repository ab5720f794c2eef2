"""The command group, its context (home, config, client lookup) and how errors reach the terminal."""

from __future__ import annotations

import json
import logging
import sys

import click
from dossier import config as config_mod
from dossier import lookup, timefmt
from dossier.errors import DossierError
from dossier.pipeline import Pipeline

from . import zh

zh.install()  # click's own usage, help and error strings in Chinese

OUTCOME_ZH = {"archived": "已归档", "duplicate": "重复", "quarantined": "已隔离", "unsorted": "待分拣",
              "pending": "待处理"}


JSON_HELP = "以 JSON 输出（供脚本使用；键名为英文，时间为带时区偏移的 ISO 8601）。"


def emit_json(data) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


class Ctx:
    def __init__(self, home: str | None):
        self.home = config_mod.resolve_home(home)
        self.config = config_mod.load(self.home)

    def pipeline(self, role: str = "reader", wait: bool = False, **kwargs) -> Pipeline:
        """The library, started for ``role``: ``ingester`` (ingest, watch: the home's one writer),
        ``editor`` (one commit: case, issue, amend), ``reader`` (everything that only shows)."""
        pipe = Pipeline(self.config, **kwargs)
        try:
            pipe.start(role, wait)
        except BaseException:
            pipe.close()
            raise
        return pipe

    def use_rules(self) -> None:
        """Read rule files from the home's ``rules_dir`` (the pipeline does the same when it starts)."""
        from dossier import rules

        rules.use(self.config.rules)

    def resolve(self, pipe: Pipeline, query: str) -> str:
        """The client a person named: exact, unique prefix or substring, else close names (lookup)."""
        return lookup.resolve_client(pipe.catalog, query, also_exists=pipe.archive.exists)

    def version(self, pipe: Pipeline, client: str, value: str | None) -> str | None:
        """``1`` / ``v1`` as the client's version name, refused in plain words when it has no such version."""
        if value is None:
            return None
        known = [v.name for v in pipe.archive.store.reader(client).versions()]  # the archive, never a stale cache
        return lookup.resolve_version(value, client, known)

    # times: local in the configured zone for people, ISO 8601 with that offset for JSON
    def when(self, value, zone_name: bool = False) -> str:
        return timefmt.human(value, self.config.tz, zone_name=zone_name)

    def iso(self, data, keys=("created", "time", "at", "issued_at", "version_created")):
        return timefmt.iso_fields(data, keys)


class _Failed(click.ClickException):
    """A DossierError shown as ``错误：...`` with the error's own exit code."""

    def __init__(self, error: DossierError):
        super().__init__(error.message)
        self.exit_code = error.exit_code

    def show(self, file=None) -> None:
        click.echo(f"错误：{self.message}", err=True)


class _Group(zh.Group):
    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except DossierError as exc:
            raise _Failed(exc) from exc


@click.group(name="dossier", cls=_Group, context_settings={"help_option_names": ["-h", "--help"]},
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
