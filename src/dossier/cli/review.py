"""Commands that settle what the machine was unsure of: review, confirm, correct, reread, move, withdraw.

Each calls one function of ``dossier.review`` (the web workplace calls the same ones) and prints.
"""

from __future__ import annotations

import click

from dossier import review as lib
from dossier.lookup import document_fields

from .base import JSON_HELP, Ctx, cli, emit_json
from .intake import kind_label
from .zh import VocabularyType

NOTE_HELP = "说明：核对了什么、为什么这样处理（记入 notes/ 并进入新版本）。"


def _value(value) -> str:
    return "（空）" if value is None else str(value)


@cli.command(name="review")
@click.option("--client", "client", default=None, metavar="客户", help="只看一个客户。")
@click.option("--limit", type=click.IntRange(min=1), default=None, metavar="N",
              help="分页：只列出 N 份待复核文件（最早的在前）；输出另给出总数 total。")
@click.option("--offset", type=click.IntRange(min=0), default=None, metavar="M",
              help="分页：跳过最早的 M 份（须与 --limit 一起用）。")
@click.option("--json", "as_json", is_flag=True, help=JSON_HELP)
@click.pass_obj
def review_queue(obj: Ctx, client: str | None, limit: int | None, offset: int | None, as_json: bool) -> None:
    """复核队列：待人工核对的文件（原因、识别的字段和置信度、卡住的核查项），以及处于待复核的核查项；最早的在前。"""
    if offset is not None and limit is None:
        raise click.UsageError("--offset 须与 --limit 一起使用，例如 `dossier review --limit 100 --offset 200`。")
    pipe = obj.pipeline()
    try:
        cid = obj.resolve(pipe, client) if client else None
        found = lib.queue(pipe, cid, limit=limit, offset=offset or 0)
    finally:
        pipe.close()
    if as_json:
        emit_json(obj.iso(found, ("received",)))
        return
    docs, items = found["documents"], found["items"]
    if not docs and not items and not found.get("total"):
        click.echo("复核队列为空：没有待人工核对的文件或核查项。")
        return
    if "total" in found:
        first = (offset or 0) + 1
        if docs:
            click.echo(f"待复核文件共 {found['total']} 份，以下为第 {first}-{first + len(docs) - 1} 份：")
        else:
            click.echo(f"待复核文件共 {found['total']} 份，第 {first} 份起已没有文件（请减小 --offset）。")
    else:
        click.echo(f"待复核文件 {len(docs)} 份：")
    for d in docs:
        click.echo(f"  {d['client']}  {d['path']}  ({kind_label(d['doc_type'], d['confidence'])}, 自 {d['version']})")
        for problem in d["problems"]:
            click.echo(f"      问题：{problem}")
        for label, text in document_fields(d["doc_type"], d["fields"]):
            click.echo(f"      {label}：{text}")
        if d["blocks"]:
            click.echo(f"      卡住的核查项：{'、'.join(d['blocks'])}")
        click.echo(f"      处理：dossier confirm {d['client']} {d['path']}  或  dossier correct {d['client']} "
                   f"{d['path']} --set 字段=值 --note 说明")
    if items:
        click.echo(f"待复核的核查项 {len(items)} 项：")
        for i in items:
            click.echo(f"  {i['client']}  {i['name']}（{i['item']}）")
            for problem in i["problems"]:
                click.echo(f"      {problem}")


@cli.command()
@click.argument("client", metavar="客户")
@click.argument("path", metavar="文件")
@click.option("--note", default=None, help=NOTE_HELP + "（可选；用 --force 时必填）")
@click.option("--force", is_flag=True, help="原件确实如此：保留校验位不符的代码（须在 --note 写明理由）。")
@click.option("--json", "as_json", is_flag=True, help=JSON_HELP)
@click.pass_obj
def confirm(obj: Ctx, client: str, path: str, note: str | None, force: bool, as_json: bool) -> None:
    """确认一份文件的识别结果无误（类型和字段）：清除待复核标记，记录确认人和时间，形成新版本。"""
    pipe = obj.pipeline("editor")
    try:
        done = lib.confirm(pipe, obj.resolve(pipe, client), path, note, force)
    finally:
        pipe.close()
    if as_json:
        emit_json(done.to_json())
        return
    click.echo(f"已确认 {done.path}（客户 {done.client}，版本 {done.version}；记录见 {done.note_path}）。")


def _pairs(values: tuple[str, ...]) -> dict[str, str]:
    out = {}
    for value in values:
        name, eq, text = value.partition("=")
        if not eq or not name.strip():
            raise click.UsageError(f"--set {value!r} 格式不对：请写成 字段=值，如 --set amount=5000000。")
        out[name.strip()] = text
    return out


@cli.command()
@click.argument("client", metavar="客户")
@click.argument("path", metavar="文件")
@click.option("--type", "doc_type", type=VocabularyType("doc_types", "--type", "类型"), default=None,
              help="更正后的文件类型（编号或中文名，如 business_licence 或 营业执照）。")
@click.option("--set", "values", multiple=True, metavar="字段=值", help="更正一个字段（可多次使用），如 amount=5000000。")
@click.option("--note", default="", help=NOTE_HELP + "（必填）")
@click.option("--force", is_flag=True, help="原件确实如此：保留校验位不符的代码（须在 --note 写明理由）。")
@click.option("--json", "as_json", is_flag=True, help=JSON_HELP)
@click.pass_obj
def correct(obj: Ctx, client: str, path: str, doc_type: str | None, values: tuple[str, ...], note: str,
            force: bool, as_json: bool) -> None:
    """更正识别结果：更正后的值此后在核查、报告和状态中生效；机器识别的原值保留（fields_as_read），形成新版本。"""
    pairs = _pairs(values)
    pipe = obj.pipeline("editor")
    try:
        done = lib.correct(pipe, obj.resolve(pipe, client), path, note, doc_type, pairs, force)
    finally:
        pipe.close()
    if as_json:
        emit_json(done.to_json())
        return
    click.echo(f"已更正 {done.path}（客户 {done.client}，版本 {done.version}；记录见 {done.note_path}）：")
    for c in done.changes:
        click.echo(f"  {c['field']}：{_value(c['old'])} → {_value(c['new'])}")


@cli.command()
@click.argument("client", required=False, metavar="[客户]")
@click.option("--path", "path", default=None, metavar="文件", help="只重新识别这一份文件（须同时给出客户）。")
@click.option("--dry-run", is_flag=True, help="只列出会有哪些变化，不形成新版本。")
@click.option("--json", "as_json", is_flag=True, help=JSON_HELP)
@click.pass_obj
def reread(obj: Ctx, client: str | None, path: str | None, dry_run: bool, as_json: bool) -> None:
    """按当前规则和识别引擎重新识别已归档的原件；结果有变化的才形成新版本，人工确认和更正的值保留并优先。"""
    if path and not client:
        raise click.UsageError("--path 须与客户一起使用，如 dossier reread 客户 --path documents/营业执照.pdf。")
    pipe = obj.pipeline("editor")
    try:
        cid = obj.resolve(pipe, client) if client else None
        results = lib.reread(pipe, cid, path, dry_run)
    finally:
        pipe.close()
    if as_json:
        emit_json({"dry_run": dry_run, "documents": [r.to_json() for r in results]})
        return
    changed = [r for r in results if r.changes]
    for r in results:
        if r.error:
            click.echo(f"  未能重新识别 {r.client} {r.path}：{r.error}")
    if not changed:
        click.echo("重新识别完成：所有文件的识别结果都没有变化，未形成新版本。")
        return
    verb = "将会变化" if dry_run else "已更新"
    click.echo(f"{verb} {len(changed)} 份文件的识别结果：")
    for r in changed:
        click.echo(f"  {r.client}  {r.path}" + (f" → {r.new_path}" if r.new_path else ""))
        for c in r.changes:
            if c["field"] in ("text", "problems"):
                click.echo(f"      {'文字层' if c['field'] == 'text' else '问题提示'}有变化")
                continue
            click.echo(f"      {c['field']}{'（机器识别）' if c.get('as_read') else ''}：{_value(c['old'])} → {_value(c['new'])}")
    if dry_run:
        click.echo("这是预演（--dry-run），没有形成新版本。")


@cli.command()
@click.argument("client", metavar="客户")
@click.argument("path", metavar="文件")
@click.option("--to", "other", required=True, metavar="客户", help="文件真正所属的客户。")
@click.option("--note", default="", help=NOTE_HELP + "（必填）")
@click.pass_obj
def move(obj: Ctx, client: str, path: str, other: str, note: str) -> None:
    """误归档的文件移交给真正的客户：原件加入对方档案，本档案中移出有效文件并保留在 documents/历史/。"""
    pipe = obj.pipeline("editor")
    try:
        done = lib.move(pipe, obj.resolve(pipe, client), path, obj.resolve(pipe, other), note)
    finally:
        pipe.close()
    click.echo(f"已移交：{done.other['client']} 的档案收入 {done.other['path']}（版本 {done.other['version']}）；"
               f"客户 {done.client} 保留为 {done.path}（版本 {done.version}，记录见 {done.note_path}）。")


@cli.command()
@click.argument("client", metavar="客户")
@click.argument("path", metavar="文件")
@click.option("--note", default="", help=NOTE_HELP + "（必填）")
@click.pass_obj
def withdraw(obj: Ctx, client: str, path: str, note: str) -> None:
    """撤回误归档的文件：移出有效文件，原件和识别记录保留在 documents/历史/，附说明。"""
    pipe = obj.pipeline("editor")
    try:
        done = lib.withdraw(pipe, obj.resolve(pipe, client), path, note)
    finally:
        pipe.close()
    click.echo(f"已撤回：保留为 {done.path}（客户 {done.client}，版本 {done.version}，记录见 {done.note_path}）。")
