"""Administrator commands: templates check, rules check/init, verify, reindex."""

from __future__ import annotations

from pathlib import Path

import click
from dossier.archive import fixity
from dossier.errors import DamageFound, DossierError, UsageError
from dossier.intake import WriterLock
from dossier.pipeline import Pipeline, is_home

from .base import Ctx, cli

#: Kinds of fixity problems (``ocfl.Problem.kind``) as people read them.
PROBLEM_ZH = {"damaged": "已损坏", "missing": "缺失", "extra": "多余文件", "inventory": "清单有误"}


@cli.group()
def templates() -> None:
    """报告模板（templates/ 中的 .docx，可用 Word 或 WPS 编辑）。"""


@templates.command(name="check")
@click.argument("files", nargs=-1, type=click.Path(exists=True, dir_okay=False), metavar="[文件]...")
@click.pass_obj
def templates_check(obj: Ctx, files: tuple[str, ...]) -> None:
    """检查报告模板：XML 是否完好、模板标签是否正确、是否用了未知的变量（有问题时退出码为 1）。"""
    from dossier.outputs.reports import TEMPLATES, template_path
    from dossier.outputs.template_check import check_template

    paths = [Path(f) for f in files] or [template_path(name, obj.config.templates) for name in TEMPLATES]
    if not files and obj.config.templates.is_dir():
        paths += sorted(p for p in obj.config.templates.glob("*.docx")
                        if p.name not in TEMPLATES and not p.name.startswith("~$"))
    bad = 0
    for path in paths:
        problems = check_template(path)
        bad += bool(problems)
        click.echo(f"{'有问题' if problems else '正常'}  {path}")
        for problem in problems:
            click.echo(f"    {problem}")
    if bad:
        raise DossierError(f"{bad} 个模板有问题，请按上面的提示修改后再运行 `dossier templates check`。")


@templates.command(name="init")
@click.pass_obj
def templates_init(obj: Ctx) -> None:
    """把软件自带的报告模板复制到 templates/（已有的文件不覆盖；可用 Word 或 WPS 修改副本）。"""
    from dossier.outputs.reports import install_defaults

    written = install_defaults(obj.config.templates)
    for path in written:
        click.echo(f"已复制 {path}")
    if not written:
        click.echo(f"{obj.config.templates} 中已有全部报告模板，未改动。")


@cli.group(name="rules")
def rules_group() -> None:
    """规则文件（文档类型 doctypes.toml、核查清单 checklist.toml、阈值 thresholds.toml）。"""


@rules_group.command(name="check")
@click.argument("folder", type=click.Path(file_okay=False), required=False, metavar="[文件夹]")
@click.pass_obj
def rules_check(obj: Ctx, folder: str | None) -> None:
    """校验规则文件夹（默认：设置 rules_dir；未设置时为软件包自带的规则）；有错误时退出码为 1。"""
    from dossier.rules import check_rules

    target = Path(folder) if folder else obj.config.rules
    if target is not None and not target.is_dir():
        raise UsageError(f"规则文件夹 {target} 不存在。可用 `dossier rules init {target}` 复制一份默认规则。")
    results = check_rules(target)
    for r in results:
        origin = "（软件包自带）" if r.packaged else ""
        click.echo(f"{'有错误' if r.error else '正常'}  {r.path}{origin}")
        if r.error:
            click.echo(f"    {r.error}")
    bad = sum(1 for r in results if r.error)
    if bad:
        raise DossierError(f"{bad} 个规则文件有错误，请按上面的提示修改后再运行 `dossier rules check`。")


@rules_group.command(name="init")
@click.argument("folder", type=click.Path(file_okay=False), required=False, metavar="[文件夹]")
@click.pass_obj
def rules_init(obj: Ctx, folder: str | None) -> None:
    """把软件包自带的规则复制到公司自己的规则文件夹（默认 主目录/rules；已有的文件不覆盖）。"""
    from dossier.rules import install_rules

    target = Path(folder) if folder else (obj.config.rules or obj.home / "rules")
    written = install_rules(target)
    for path in written:
        click.echo(f"已复制 {path}")
    if not written:
        click.echo(f"{target} 中已有全部规则文件，未改动。")
    if obj.config.rules is None or obj.config.rules.resolve() != target.resolve():
        try:
            shown = target.resolve().relative_to(obj.home)
        except ValueError:
            shown = target.resolve()
        click.echo(f"要让系统使用这些规则，请在 {obj.home / 'dossier.toml'} 中写入：rules_dir = \"{shown}\"")


VERDICT_ZH = {"right": "对", "fixed": "改对", "wrong": "错", "broken": "改错"}


@rules_group.command(name="test")
@click.option("--rules-dir", "folder", type=click.Path(file_okay=False), default=None, metavar="文件夹",
              help="要检验的规则副本（默认：设置 rules_dir；未设置时为软件包自带的规则）。")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出（供脚本使用）。")
@click.pass_obj
def rules_test(obj: Ctx, folder: str | None, as_json: bool) -> None:
    """用规则副本重放本库所有经人工确认或更正的文件，逐项列出副本识别的对错；副本弄错任何一项时退出码为 1。"""
    import json as json_mod

    from dossier.review import replay

    target = Path(folder) if folder else obj.config.rules
    pipe = obj.pipeline()
    try:
        checks, skipped = replay(pipe, target)
    finally:
        pipe.close()
    wrong = [c for c in checks if c.verdict in ("wrong", "broken")]
    if as_json:
        click.echo(json_mod.dumps({"rules_dir": str(target) if target else None, "cases": [c.to_json() for c in checks],
                                   "skipped": skipped, "wrong": len(wrong)}, ensure_ascii=False, indent=2))
    else:
        if not checks:
            click.echo("本库还没有人工确认或更正过的文件，没有可重放的案例。")
        cases = sorted({(c.client, c.path) for c in checks})
        click.echo(f"重放 {len(cases)} 份人工核对过的文件（{len(checks)} 项）；规则副本：{target or '软件包自带的规则'}")
        click.echo("结论  客户  文件  字段  人工答案  现行规则  副本  （人工更正的项标 *）")
        for c in checks:
            if c.verdict == "right" and not c.corrected:
                continue  # confirmed and still right: counted, not listed
            click.echo(f"{VERDICT_ZH[c.verdict]}  {c.client}  {c.path}  {c.field}{'*' if c.corrected else ''}  "
                       f"{c.answer}  {c.current}  {c.candidate}")
        right = sum(1 for c in checks if c.verdict in ("right", "fixed"))
        click.echo(f"合计：副本对 {right} 项，错 {len(wrong)} 项"
                   f"（其中现行规则对而副本错 {sum(1 for c in wrong if c.verdict == 'broken')} 项）。")
        for line in skipped:
            click.echo(f"未能重放：{line}")
    if wrong:
        raise DossierError(f"规则副本有 {len(wrong)} 项与人工核对的结论不一致，请修改规则后再运行 `dossier rules test`。")


@cli.command()
@click.argument("client", required=False, metavar="[客户]")
@click.pass_obj
def verify(obj: Ctx, client: str | None) -> None:
    """重新计算档案库中每个文件的 SHA-512，报告损坏或缺失的文件（有问题时退出码为 1）。"""
    pipe = obj.pipeline()
    try:
        ids = [obj.resolve(pipe, client)] if client else fixity.client_ids(pipe.archive)
        marks = fixity.load_marks(obj.config.state_dir)  # compared with, never moved on (readers write nothing)
        damaged = 0
        for cid in ids:
            problems = fixity.check(pipe.archive, cid, marks)
            root = pipe.archive.object_path(cid)
            if problems:
                damaged += len(problems)
                for p in problems:
                    click.echo(f"损坏  {root / p.path}  [{PROBLEM_ZH.get(p.kind, p.kind)}] {p.detail}")
            else:
                click.echo(f"完好  {cid}")
    finally:
        pipe.close()
    if damaged:
        raise DamageFound(f"发现 {damaged} 处损坏或缺失，请从备份恢复上面列出的文件。")
    click.echo(f"全部 {len(ids)} 个客户档案校验通过。")


@cli.command()
@click.pass_obj
def reindex(obj: Ctx) -> None:
    """仅依据档案库重建目录数据库（catalog.sqlite）。"""
    path = obj.config.catalog_path
    if not is_home(obj.config):
        Pipeline(obj.config)  # raises the "not a home" error
    writer = WriterLock(obj.config.locks)
    writer.acquire()  # the catalog is deleted: never under a running ingester (WriterBusy, exit code 2)
    try:
        for suffix in ("", "-wal", "-shm"):
            Path(str(path) + suffix).unlink(missing_ok=True)
        pipe = obj.pipeline()
        try:
            n = pipe.sync_catalog(full=True)
        finally:
            pipe.close()
    finally:
        writer.release()
    click.echo(f"已从档案库重建目录：{n} 个客户。")
