"""Commands that watch clients after the file is complete: due, warnings (rules 第二十、二十一条, 附录五)."""

from __future__ import annotations

from datetime import date

import click

from .base import JSON_HELP, Ctx, cli, emit_json
from .zh import DateType


def _watches(obj: Ctx, client: str | None, today: date) -> list[dict]:
    from dossier.outputs.alerts import watch_all

    pipe = obj.pipeline()
    try:
        ids = [obj.resolve(pipe, client)] if client else None
        return watch_all(pipe.archive, today, ids)
    finally:
        pipe.close()


def _left(n: int) -> str:
    return f"逾期 {-n} 天" if n < 0 else "今天" if n == 0 else f"{n} 天后"


@cli.command()
@click.option("--within", type=click.IntRange(0, 36500), metavar="天数",
              help="只列出这么多天内到期的事项（含已逾期的；默认见 warnings.toml 的 [due] within_days，90 天）。")
@click.option("--client", metavar="客户", help="只看这一个客户（档案编号、名称或其中一部分）。")
@click.option("--as-of", "today", type=DateType("--as-of"), help="以这一天为今天 YYYY-MM-DD（默认今天）。")
@click.option("--json", "as_json", is_flag=True, help=JSON_HELP)
@click.pass_obj
def due(obj: Ctx, within: int | None, client: str | None, today: date | None, as_json: bool) -> None:
    """到期提醒：营业执照、身份证等有效期届满，年度报告和新年度报表应报送，存借款及担保情况需更新，
    已索要未提供的文件；按日期排序，列出剩余天数。"""
    from dossier.outputs.alerts import due_across
    from dossier.rules import load_warnings

    obj.use_rules()
    today = today or date.today()
    days = within if within is not None else load_warnings().due.within_days
    rows = due_across(_watches(obj, client, today), days)
    if as_json:
        emit_json({"as_of": today.isoformat(), "within_days": days, "due": rows})
        return
    if not rows:
        click.echo(f"{days} 天内没有到期或逾期的事项（基准日 {today.isoformat()}）。")
        return
    click.echo(f"{days} 天内到期或已逾期的事项（基准日 {today.isoformat()}，共 {len(rows)} 项）：")
    for r in rows:
        where = f"  {r['path']}" if r["path"] else ""
        click.echo(f"  {r['date']}  {_left(r['days_left']):>9}  {r['client']} {r['client_name']}：{r['name']}{where}")


@cli.command(name="warnings")
@click.argument("client", required=False, metavar="[客户]")
@click.option("--as-of", "today", type=DateType("--as-of"), help="以这一天为今天 YYYY-MM-DD（默认今天）。")
@click.option("--json", "as_json", is_flag=True, help=JSON_HELP)
@click.pass_obj
def warnings_(obj: Ctx, client: str | None, today: date | None, as_json: bool) -> None:
    """预警信号：按 warnings.toml 的规则，从财务报表比率、审计意见、营业执照变更、纳税和资料提供情况中
    找出须关注或预警的事项，并判断是否需要重新评估（第二十条）。"""
    from dossier.checks import monitor

    obj.use_rules()
    today = today or date.today()
    watches = _watches(obj, client, today)
    if as_json:
        emit_json({"clients": watches})
        return
    if not watches:
        click.echo("档案库中还没有客户。")
    for w in watches:
        mark = "【需重新评估】" if w["reevaluate"] else ""
        click.echo(f"{w['client']}  {w['name']}  {w['credit_code'] or '（未识别信用代码）'}  {w['version']}  {mark}")
        years, rows = monitor.ratio_table(w, years=len(w["analysis"]))
        for i, y in enumerate(years):
            click.echo(f"    {y} 年：" + "，".join(f"{r['zh']} {r['cells'][i]['text']}" for r in rows))
        if not years:
            click.echo("    没有可分析的财务报表。")
        for x in w["warnings"]:
            click.echo(f"    【{x['level']}】{x['message']}（{x['article']}；规则 {x['rule']}）")
            for path in x["evidence"]:
                click.echo(f"        依据：{path}")
        if not w["warnings"]:
            click.echo("    未发现预警信号。")
        for reason in w["reevaluate_reasons"]:
            click.echo(f"    需重新评估：{reason}")
