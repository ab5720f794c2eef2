"""Commands on dossiers: list, show, history, status, overview, case, issue, amend."""

from __future__ import annotations

from pathlib import Path

import click

from dossier.lookup import document_fields

from .base import JSON_HELP, Ctx, cli, emit_json
from .intake import kind_label
from .zh import AmountType, DateType, TermType, VocabularyType


@cli.command(name="list")
@click.option("--json", "as_json", is_flag=True, help=JSON_HELP)
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
@click.argument("client", metavar="客户")
@click.option("--json", "as_json", is_flag=True, help=JSON_HELP)
@click.pass_obj
def show(obj: Ctx, client: str, as_json: bool) -> None:
    """显示一个客户档案的当前内容（客户：档案编号、公司名称、收件文件夹名或信用代码，也可只写名称中的一部分）。"""
    pipe = obj.pipeline()
    try:
        snap = pipe.archive.snapshot(obj.resolve(pipe, client))
        path = pipe.archive.object_path(snap.client)
    finally:
        pipe.close()
    if as_json:
        emit_json(obj.iso(snap.to_json(), ("confirmed_at", "at")))
        return
    click.echo(f"客户：{snap.client}  名称：{snap.name}  统一社会信用代码：{snap.credit_code or '未识别'}")
    click.echo(f"当前版本：{snap.version}（{obj.when(snap.created)}）  位置：{path}")
    for d in snap.documents:
        click.echo(f"  {d.path}  ←  {d.source}  ({kind_label(d.doc_type, d.confidence)}, {d.pages or '?'} 页, 自 {d.version})")
        for label, text in document_fields(d.doc_type, d.fields):
            click.echo(f"      {label}：{text}")
        if d.review:
            click.echo(f"      待复核：{'；'.join(d.problems) or '需人工核对'}")
        elif d.settled:
            click.echo(f"      已由 {d.confirmed_by} 于 {obj.when(d.confirmed_at)} 人工"
                       f"{'更正' if d.corrections else '确认'}")


@cli.command()
@click.argument("client", metavar="客户")
@click.option("--json", "as_json", is_flag=True, help=JSON_HELP)
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
        emit_json(obj.iso({"client": cid, "versions": versions}))
        return
    for v in versions:
        click.echo(f"{v['version']}  {obj.when(v['created'])}  {v['user']}  {v['message']}")
        for key, label in (("added", "新增"), ("changed", "修改"), ("removed", "删除")):
            for p in v[key]:
                click.echo(f"    {label} {p}")
        for r in v["renamed"]:
            click.echo(f"    改名 {r['from']} → {r['to']}")


@cli.command()
@click.argument("client", required=False, metavar="[客户]")
@click.option("--json", "as_json", is_flag=True, help=JSON_HELP)
@click.option("--as-of", type=DateType("--as-of"), help="核查基准日 YYYY-MM-DD（默认为申请日期）。")
@click.option("--only", "only", multiple=True, type=VocabularyType("statuses", "--only", "状态"),
              help="只列出这种状态的核查项（可重复），如 --only 缺失 --only 过期；中文名称或编号（missing）均可。")
@click.pass_obj
def status(obj: Ctx, client: str | None, as_json: bool, as_of, only: tuple[str, ...]) -> None:
    """档案完整性核查：逐项列出齐全、缺失、过期、不一致、待复核等情况及原因。"""
    from dossier.checks import STATUS_ZH, case_from
    from dossier.checks.status import client_status, doc_facts, item_name
    from dossier.lookup import products

    pipe = obj.pipeline()
    try:
        ids = [obj.resolve(pipe, client)] if client else pipe.archive.client_ids()
        snaps = [pipe.archive.snapshot(c) for c in ids]
        result = [client_status(snap, as_of) for snap in snaps]
        cases = [case_from(snap.meta.get("case") or {}, doc_facts(snap)) for snap in snaps]
    finally:
        pipe.close()
    if only:
        for s in result:
            s["items"] = [i for i in s["items"] if i["status"] in only]
    if as_json:
        emit_json({"clients": result})
        return
    names = products()
    for s, case in zip(result, cases):
        mark = "齐全" if s["complete"] else "不齐全"
        click.echo(f"{s['client']}  {s['name']}  {s['credit_code'] or '（未识别信用代码）'}  {s['version']}  "
                   f"核查基准日 {s['as_of']}  【{mark}】")
        click.echo(f"    业务：{names.zh(case.product) or '担保品种未定'}，"
                   f"期限 {f'{case.term_months} 个月' if case.term_months is not None else '未定'}，"
                   f"金额 {f'{case.amount:,.2f} 元' if case.amount is not None else '未定'}"
                   + (f"，经办人 {case.agent}" if case.agent else ""))
        for item in s["items"]:
            if item["status"] in ("ok", "not_required") and not client and not only:
                continue
            click.echo(f"    {STATUS_ZH[item['status']]:<4} {item_name(item['item'])}"
                       + (f"：{'；'.join(item['problems'])}" if item["problems"] else ""))


@cli.command()
@click.option("--out", required=True, type=click.Path(dir_okay=False), help="输出文件：.xlsx 或 .csv。")
@click.option("--as-of", type=DateType("--as-of"), help="核查基准日 YYYY-MM-DD（默认为各客户的申请日期）。")
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
        statuses = [client_status(pipe.archive.snapshot(c), as_of) for c in pipe.archive.client_ids()]
    finally:
        pipe.close()
    write_overview(*overview_rows(statuses), target)
    complete = sum(1 for s in statuses if s["complete"])
    click.echo(f"已写入 {target}：{len(statuses)} 个客户，齐全 {complete} 个，不齐全 {len(statuses) - complete} 个。")


@cli.command()
@click.argument("client", metavar="客户")
@click.option("--product", type=VocabularyType("products", "--product", "品种"),
              help="担保品种：中文名称或编号，如 项目融资担保（project_finance）、流动资金贷款担保、信用证担保、"
                   "票据承兑担保、设备采购和更新融资担保。")
@click.option("--amount", type=AmountType(), help="担保金额（元），须大于 0，如 5000000 或 500万。")
@click.option("--term-months", type=TermType(),
              help="担保期限（月），范围见规则文件 thresholds.toml 的 [case]；超过 12 个月为中长期。")
@click.option("--date", "application_date", type=DateType("--date"), help="申请日期 YYYY-MM-DD（须为真实日期）。")
@click.option("--agent", help="经办人（授权委托人）姓名，非法定代表人本人办理时填写。")
@click.option("--no-agent", is_flag=True, help="由法定代表人本人办理（清除经办人）。")
@click.pass_obj
def case(obj: Ctx, client: str, product, amount, term_months, application_date, agent, no_agent) -> None:
    """设置或更正业务信息（默认取自担保申请书）；形成新版本并记录改动。"""
    if agent and no_agent:
        raise click.UsageError("--agent 与 --no-agent 不能同时使用。")
    changes = {k: v for k, v in (("product", product), ("amount", amount), ("term_months", term_months),
                                 ("application_date", application_date and application_date.isoformat()),
                                 ("agent", agent)) if v is not None}
    if no_agent:
        changes["agent"] = None
    if not changes:
        raise click.UsageError("请至少给出一项要修改的业务信息，例如 --term-months 24。")
    pipe = obj.pipeline("editor")
    try:
        cid = obj.resolve(pipe, client)
        version = pipe.archive.set_case(cid, changes)
        pipe.sync_catalog()
    finally:
        pipe.close()
    click.echo(f"已更新客户 {cid} 的业务信息（版本 {version}）。" if version else "业务信息没有变化，未形成新版本。")


@cli.command(name="issue")
@click.argument("client", metavar="客户")
@click.argument("report", metavar="报告")
@click.pass_obj
def issue_report(obj: Ctx, client: str, report: str) -> None:
    """签发报告（如 完整性核查表.docx）：此后原稿不再改动，更改须走 amend 并附说明。"""
    pipe = obj.pipeline("editor")
    try:
        cid = obj.resolve(pipe, client)
        version = pipe.archive.issue_report(cid, report)
        pipe.sync_catalog()
    finally:
        pipe.close()
    click.echo(f"已签发 {report}（客户 {cid}，版本 {version}）。此后如需更改，请用 dossier amend 并附修订说明。")


@cli.command()
@click.argument("client", metavar="客户")
@click.argument("report", metavar="报告")
@click.option("--file", "new_file", required=True, type=click.Path(exists=True, dir_okay=False),
              help="修订后的报告文件。")
@click.option("--note", default="", help="修订说明：修改了什么、为什么（必填）。")
@click.pass_obj
def amend(obj: Ctx, client: str, report: str, new_file: str, note: str) -> None:
    """修订已签发的报告：原稿保留不变，修订稿另存为新文件，并在 notes/ 附修订说明。"""
    pipe = obj.pipeline("editor")
    try:
        cid = obj.resolve(pipe, client)
        version, amended, note_path = pipe.archive.amend_report(cid, report, Path(new_file), note)
        pipe.sync_catalog()
    finally:
        pipe.close()
    click.echo(f"已保存修订稿 {amended} 和修订说明 {note_path}（客户 {cid}，版本 {version}）；原报告保持不变。")
