"""Commands on dossiers: list, show, history, status, overview, case, issue, amend."""

from __future__ import annotations

from pathlib import Path

import click

from .base import Ctx, cli, emit_json
from .intake import kind_label


@cli.command(name="list")
@click.option("--json", "as_json", is_flag=True)
@click.option("--documents", is_flag=True, help="同时列出每个客户的文件。")
@click.pass_obj
def list_clients(obj: Ctx, as_json: bool, documents: bool) -> None:
    """列出档案库中的全部客户。"""
    pipe = obj.pipeline()
    try:
        clients = pipe.catalog.clients()
        for c in clients:
            c["archive_path"] = str(pipe.archive.object_path(c["client"]))
            if documents:
                c["files"] = [d.to_json() for d in pipe.archive.snapshot(c["client"]).documents]
    finally:
        pipe.close()
    if as_json:
        emit_json({"clients": clients})
        return
    if not clients:
        click.echo("档案库中还没有客户。")
    for c in clients:
        click.echo(f"{c['client']}  {c['name']}  {c['credit_code'] or '（未识别信用代码）'}  "
                   f"{c['version']}  {c['documents']} 份  {c['archive_path']}")
        for d in c.get("files", []):
            click.echo(f"    {d['path']}  ←  {d['source']}  ({kind_label(d['doc_type'], d['confidence'])}, "
                       f"{d['pages'] or '?'} 页, {d['version']})")


@cli.command()
@click.argument("client")
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
def show(obj: Ctx, client: str, as_json: bool) -> None:
    """显示一个客户档案的当前内容（CLIENT 为档案编号、公司名称或信用代码）。"""
    pipe = obj.pipeline()
    try:
        snap = pipe.archive.snapshot(obj.resolve(pipe, client))
        path = pipe.archive.object_path(snap.client)
    finally:
        pipe.close()
    if as_json:
        emit_json(snap.to_json())
        return
    click.echo(f"客户：{snap.client}  名称：{snap.name}  统一社会信用代码：{snap.credit_code or '未识别'}")
    click.echo(f"当前版本：{snap.version}（{snap.created}）  位置：{path}")
    for d in snap.documents:
        click.echo(f"  {d.path}  ←  {d.source}  ({kind_label(d.doc_type, d.confidence)}, {d.pages or '?'} 页, 自 {d.version})")
        for key, value in (d.fields or {}).items():
            if value is not None:
                click.echo(f"      {key}: {value}")


@cli.command()
@click.argument("client")
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
def history(obj: Ctx, client: str, as_json: bool) -> None:
    """显示一个客户档案的全部版本及每个版本的改动。"""
    pipe = obj.pipeline()
    try:
        cid = obj.resolve(pipe, client)
        versions = pipe.archive.history(cid)
    finally:
        pipe.close()
    if as_json:
        emit_json({"client": cid, "versions": versions})
        return
    for v in versions:
        click.echo(f"{v['version']}  {v['created']}  {v['user']}  {v['message']}")
        for key, label in (("added", "新增"), ("changed", "修改"), ("removed", "删除")):
            for p in v[key]:
                click.echo(f"    {label} {p}")
        for r in v["renamed"]:
            click.echo(f"    改名 {r['from']} → {r['to']}")


@cli.command()
@click.argument("client", required=False)
@click.option("--json", "as_json", is_flag=True)
@click.option("--as-of", type=click.DateTime(["%Y-%m-%d"]), help="核查基准日（默认为申请日期）。")
@click.pass_obj
def status(obj: Ctx, client: str | None, as_json: bool, as_of) -> None:
    """档案完整性核查：逐项列出齐全、缺失、过期、不一致、待复核等情况及原因。"""
    from dossier.checks import STATUS_ZH
    from dossier.checks.status import client_status, item_name

    pipe = obj.pipeline()
    try:
        ids = [obj.resolve(pipe, client)] if client else pipe.archive.client_ids()
        result = [client_status(pipe.archive.snapshot(c), as_of and as_of.date()) for c in ids]
    finally:
        pipe.close()
    if as_json:
        emit_json({"clients": result})
        return
    for s in result:
        mark = "齐全" if s["complete"] else "不齐全"
        click.echo(f"{s['client']}  {s['name']}  {s['credit_code'] or '（未识别信用代码）'}  {s['version']}  "
                   f"核查基准日 {s['as_of']}  【{mark}】")
        for item in s["items"]:
            if item["status"] in ("ok", "not_required") and not client:
                continue
            click.echo(f"    {STATUS_ZH[item['status']]:<4} {item_name(item['item'])}"
                       + (f"：{'；'.join(item['problems'])}" if item["problems"] else ""))


@cli.command()
@click.option("--out", required=True, type=click.Path(dir_okay=False), help="输出文件：.xlsx 或 .csv。")
@click.option("--as-of", type=click.DateTime(["%Y-%m-%d"]), help="核查基准日（默认为各客户的申请日期）。")
@click.pass_obj
def overview(obj: Ctx, out: str, as_of) -> None:
    """全部客户的完整性总览，写成 Excel（.xlsx）或 CSV 文件，供合规部门查阅。"""
    from dossier.checks.status import client_status, overview_rows
    from dossier.outputs.overview import FORMATS, write_overview

    target = Path(out)
    if target.suffix.lower() not in FORMATS:  # before reading every dossier
        raise click.UsageError(f"不支持的输出格式 {target.suffix or '（无扩展名）'}：请用 .xlsx 或 .csv 结尾。")
    pipe = obj.pipeline()
    try:
        statuses = [client_status(pipe.archive.snapshot(c), as_of and as_of.date()) for c in pipe.archive.client_ids()]
    finally:
        pipe.close()
    write_overview(*overview_rows(statuses), target)
    complete = sum(1 for s in statuses if s["complete"])
    click.echo(f"已写入 {target}：{len(statuses)} 个客户，齐全 {complete} 个，不齐全 {len(statuses) - complete} 个。")


PRODUCTS = ("working_capital_loan", "project_finance", "letter_of_credit", "bill_acceptance", "equipment_finance")


@cli.command()
@click.argument("client")
@click.option("--product", type=click.Choice(PRODUCTS), help="担保品种。")
@click.option("--amount", type=float, help="担保金额（元）。")
@click.option("--term-months", type=click.IntRange(1, 600), help="担保期限（月）；超过 12 个月为中长期。")
@click.option("--date", "application_date", type=click.DateTime(["%Y-%m-%d"]), help="申请日期 YYYY-MM-DD。")
@click.option("--agent", help="经办人（授权委托人）姓名，非法定代表人本人办理时填写。")
@click.option("--no-agent", is_flag=True, help="由法定代表人本人办理（清除经办人）。")
@click.pass_obj
def case(obj: Ctx, client: str, product, amount, term_months, application_date, agent, no_agent) -> None:
    """设置或更正业务信息（默认取自担保申请书）；形成新版本并记录改动。"""
    if agent and no_agent:
        raise click.UsageError("--agent 与 --no-agent 不能同时使用。")
    changes = {k: v for k, v in (("product", product), ("amount", amount), ("term_months", term_months),
                                 ("application_date", application_date and application_date.date().isoformat()),
                                 ("agent", agent)) if v is not None}
    if no_agent:
        changes["agent"] = None
    if not changes:
        raise click.UsageError("请至少给出一项要修改的业务信息，例如 --term-months 24。")
    pipe = obj.pipeline()
    try:
        cid = obj.resolve(pipe, client)
        version = pipe.archive.set_case(cid, changes)
        pipe.sync_catalog()
    finally:
        pipe.close()
    click.echo(f"已更新客户 {cid} 的业务信息（版本 {version}）。" if version else "业务信息没有变化，未形成新版本。")


@cli.command(name="issue")
@click.argument("client")
@click.argument("report")
@click.pass_obj
def issue_report(obj: Ctx, client: str, report: str) -> None:
    """签发报告（如 完整性核查表.docx）：此后原稿不再改动，更改须走 amend 并附说明。"""
    pipe = obj.pipeline()
    try:
        cid = obj.resolve(pipe, client)
        version = pipe.archive.issue_report(cid, report)
        pipe.sync_catalog()
    finally:
        pipe.close()
    click.echo(f"已签发 {report}（客户 {cid}，版本 {version}）。此后如需更改，请用 dossier amend 并附修订说明。")


@cli.command()
@click.argument("client")
@click.argument("report")
@click.option("--file", "new_file", required=True, type=click.Path(exists=True, dir_okay=False),
              help="修订后的报告文件。")
@click.option("--note", default="", help="修订说明：修改了什么、为什么（必填）。")
@click.pass_obj
def amend(obj: Ctx, client: str, report: str, new_file: str, note: str) -> None:
    """修订已签发的报告：原稿保留不变，修订稿另存为新文件，并在 notes/ 附修订说明。"""
    pipe = obj.pipeline()
    try:
        cid = obj.resolve(pipe, client)
        version, amended, note_path = pipe.archive.amend_report(cid, report, Path(new_file), note)
        pipe.sync_catalog()
    finally:
        pipe.close()
    click.echo(f"已保存修订稿 {amended} 和修订说明 {note_path}（客户 {cid}，版本 {version}）；原报告保持不变。")
