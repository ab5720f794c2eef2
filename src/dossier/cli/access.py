"""Commands of managers and compliance on the record: pull, search, log."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from dossier.errors import UsageError

from .base import JSON_HELP, Ctx, cli, emit_json
from .intake import progress_printer
from .zh import DateType, VocabularyType

# --- pull, search, log (managers and compliance) ----------------------------------------------------

def vocabulary_zh(doc_type: str) -> str:
    from dossier.lookup import doc_types

    return doc_types().zh(doc_type)


def _size_zh(n: int) -> str:
    for unit, scale in (("GB", 1 << 30), ("MB", 1 << 20), ("KB", 1 << 10)):
        if n >= scale:
            return f"{n / scale:.1f} {unit}"
    return f"{n} 字节"


@cli.command()
@click.argument("client", metavar="客户")
@click.option("--version", "version", default=None, metavar="版本",
              help="导出哪个版本：版本号 3 或 v3（默认最新版本；版本列表见 dossier history）。")
@click.option("--as-of", "as_of", default=None, type=DateType("--as-of"),
              help="导出该日（设置 time_zone 的时区，默认本机时区）结束时的档案：取当天或之前创建的最后一个版本。")
@click.option("--out", "out", required=True, type=click.Path(),
              help="导出位置：新的文件夹，或以 .zip 结尾的文件名。不会覆盖已有的非空文件夹或文件。")
@click.option("--json", "as_json", is_flag=True, help=JSON_HELP)
@click.pass_obj
def pull(obj: Ctx, client: str, version: str | None, as_of, out: str, as_json: bool) -> None:
    """把一个客户的档案（某一版本）导出为 BagIt 包（文件夹或 zip），并记入调阅记录。"""
    from datetime import datetime, time

    from dossier.archive import accesslog
    from dossier.outputs.bag import pull as pull_bag

    if version is not None and as_of is not None:
        raise UsageError("--version 和 --as-of 只能指定其中一个。")
    when = as_of
    if as_of is not None and obj.config.tz is not None:  # the end of that day in the configured zone
        when = datetime.combine(as_of, time.max, tzinfo=obj.config.tz)
    pipe = obj.pipeline()
    try:
        cid = obj.resolve(pipe, client)
        version = obj.version(pipe, cid, version)
        tty = sys.stderr.isatty()
        result = pull_bag(pipe.archive, cid, Path(out), version=version, as_of=when, user=accesslog.os_user(),
                          progress=progress_printer(not tty) if not as_json else None, catalog=pipe.catalog)
        log_file = accesslog.log_path(pipe.archive, cid)
    finally:
        pipe.close()
    if sys.stderr.isatty() and not as_json:
        click.echo("", err=True)
    if as_json:
        emit_json(obj.iso({**result.to_json(), "access_log": str(log_file)}))
        return
    kind = "BagIt zip 文件" if result.format == "zip" else "BagIt 文件夹"
    click.echo(f"已导出客户 {result.client}（{result.name}）的档案，版本 {result.version}"
               f"（创建于 {obj.when(result.version_created, zone_name=True)}）")
    click.echo(f"  位置：{result.path}（{kind}）")
    click.echo(f"  文件：{result.files} 个，共 {_size_zh(result.bytes)}（{result.bytes} 字节）")
    click.echo(f"  调阅已记录：{log_file}")


@cli.command()
@click.argument("text", metavar="文字")
@click.option("--client", "client", default=None, metavar="客户",
              help="只在这个客户的档案中查找（档案编号、公司名称、信用代码，或名称中的一部分）。")
@click.option("--type", "doc_type", default=None, type=VocabularyType("doc_types", "--type", "类型"),
              help="只查找这种文档类型：中文名称或编号，如 营业执照（business_licence）、利润表、担保申请书。")
@click.option("--limit", default=50, show_default=True, type=click.IntRange(min=1), help="最多显示多少条结果。")
@click.option("--json", "as_json", is_flag=True, help=JSON_HELP)
@click.pass_obj
def search(obj: Ctx, text: str, client: str | None, doc_type: str | None, limit: int, as_json: bool) -> None:
    """在全部档案文件的文本中查找（可查词语中间的任意片段，如公司名称中间的三个字）。

    用空格隔开的几个词须全部出现在同一个文件中，如 dossier search "恒远 利润表"。
    """

    if not text.strip():
        raise UsageError("请给出要查找的文字，例如：dossier search 恒远机械")
    pipe = obj.pipeline()
    try:
        cid = obj.resolve(pipe, client) if client else None
        hits = pipe.catalog.search_documents(text, client=cid, doc_type=doc_type, limit=limit)
    finally:
        pipe.close()
    if as_json:
        emit_json({"query": text, "client": cid, "type": doc_type, "results": hits})
        return
    if not hits:
        scope = f"客户 {cid} 的" if cid else ""
        words = "”和“".join(text.split())
        kind = f"类型为{vocabulary_zh(doc_type)}、" if doc_type else ""
        click.echo(f"{scope}档案中没有找到{kind}包含“{words}”的文件。")
        return
    for h in hits:
        kind = f"  [{vocabulary_zh(h['doc_type'])}]" if h["doc_type"] else ""
        click.echo(f"{h['client']}  {h['path']}{kind}")
        click.echo(f"    {h['snippet']}")
    click.echo(f"共 {len(hits)} 条" + ("（已达 --limit 上限，可能还有更多）" if len(hits) >= limit else "") + "。")


@cli.command(name="log")
@click.argument("client", metavar="客户")
@click.option("--json", "as_json", is_flag=True, help=JSON_HELP)
@click.pass_obj
def access_log(obj: Ctx, client: str, as_json: bool) -> None:
    """显示一个客户档案的调阅记录（谁在何时把哪个版本导出到了哪里）。"""
    from dossier.archive import accesslog

    pipe = obj.pipeline()
    try:
        cid = obj.resolve(pipe, client)
        entries = accesslog.sync_catalog(pipe.archive, pipe.catalog, cid)
        log_file = accesslog.log_path(pipe.archive, cid)
    finally:
        pipe.close()
    if as_json:
        emit_json(obj.iso({"client": cid, "log": str(log_file), "entries": entries}))
        return
    if not entries:
        click.echo(f"客户 {cid} 的档案还没有调阅记录（{log_file}）。")
        return
    for e in entries:
        action = "导出" if e.get("event") == "pull" else e.get("event", "?")
        click.echo(f"{obj.when(e.get('time'))}  {e.get('user')}@{e.get('host')}  {action} {e.get('version')}"
                   f"  →  {e.get('destination')}（{e.get('files')} 个文件，{e.get('bytes')} 字节）")
    click.echo(f"共 {len(entries)} 条记录（{log_file}）。")
