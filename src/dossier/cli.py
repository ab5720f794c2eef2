"""Command line: parse, call one library function, print. Nothing imports this module."""

from __future__ import annotations

import json
import logging
import signal
import sys
from pathlib import Path

import click

from dossier import config as config_mod
from dossier.errors import ClientNotFound, DamageFound, DossierError, UsageError
from dossier.models import Outcome, Progress
from dossier.pipeline import Pipeline, init_home, is_home

OUTCOME_ZH = {"archived": "已归档", "duplicate": "重复", "quarantined": "已隔离", "unsorted": "待分拣",
              "pending": "待处理"}


def _emit_json(data) -> None:
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


@cli.command()
@click.pass_obj
def init(obj: Ctx) -> None:
    """创建或补全主目录：inbox/、archive/（OCFL 存储根）、templates/。可重复运行。"""
    created = init_home(obj.config)
    for path in created:
        click.echo(f"已创建 {path}")
    click.echo(f"主目录就绪：{obj.home}\n  收件箱：{obj.config.inbox}\n  档案库：{obj.config.archive}")


def _progress_printer(quiet: bool):
    tty = sys.stderr.isatty()

    def show(p: Progress) -> None:
        if quiet:
            return
        line = f"[{p.done + 1}/{p.total}] {p.current}"
        if tty:
            click.echo("\r\033[K" + line, err=True, nl=False)
        else:
            click.echo(line, err=True)

    return show


def _kind(doc_type: str | None, confidence: float | None) -> str:
    """Document type in Chinese with the classifier's confidence, for people."""
    if not doc_type:
        return "未识别"
    from dossier.rules import load_doctypes

    rules = load_doctypes()
    zh = rules[doc_type].zh.split("/")[0] if doc_type in rules else doc_type
    return f"{zh} {confidence:.0%}" if confidence is not None else zh


def _print_outcomes(outcomes: list[Outcome]) -> None:
    for o in outcomes:
        where = o.path and f"{o.client}:{o.path}" or o.moved_to or ""
        version = f" ({o.version})" if o.version else ""
        reason = f" —— {o.reason}" if o.reason else ""
        click.echo(f"{OUTCOME_ZH.get(o.outcome, o.outcome)}  {o.source}  →  {where}{version}{reason}")


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="每个文件输出一行 JSON（outcome、reason 等）。")
@click.option("--no-wait", is_flag=True, help="不等待仍在写入的文件。")
@click.pass_obj
def ingest(obj: Ctx, as_json: bool, no_wait: bool) -> None:
    """处理收件箱一次：归档、查重、隔离或待分拣。"""
    pipe = obj.pipeline(on_progress=_progress_printer(False))
    try:
        waited: set[int] = set()

        def on_wait(n: int) -> None:
            if n not in waited:
                waited.add(n)
                click.echo(f"等待 {n} 个文件写入完成（静止 {obj.config.settle_seconds:g} 秒后收件）…", err=True)

        outcomes = pipe.ingest(wait=not no_wait, on_wait=on_wait)
    finally:
        pipe.close()
    if sys.stderr.isatty():
        click.echo("", err=True)
    if as_json:
        for o in outcomes:
            click.echo(json.dumps(o.to_json(), ensure_ascii=False))
    else:
        _print_outcomes(outcomes)
        counts = {k: sum(o.outcome == k for o in outcomes) for k in OUTCOME_ZH}
        click.echo("合计：" + "，".join(f"{OUTCOME_ZH[k]} {n}" for k, n in counts.items() if n) if outcomes
                   else "收件箱中没有待处理的文件。")
    failed = [o for o in outcomes if o.outcome == "pending" and o.reason.startswith("归档失败")]
    if failed:
        raise DossierError(f"{len(failed)} 个文件归档失败，已留在收件箱，原因见上。")


@cli.command()
@click.option("--polling", is_flag=True, help="用轮询代替 inotify（收件箱在网络共享盘 NFS/SMB 上时必须使用）。")
@click.pass_obj
def watch(obj: Ctx, polling: bool) -> None:
    """持续监视收件箱（文员使用的服务）。SIGTERM/Ctrl-C 安全停止。"""
    logging.getLogger().setLevel(logging.INFO)
    pipe = obj.pipeline()
    signal.signal(signal.SIGTERM, lambda *_: pipe.request_stop())
    signal.signal(signal.SIGINT, lambda *_: pipe.request_stop())
    click.echo(f"正在监视 {obj.config.inbox}（{'轮询' if polling else 'inotify'}），停止请按 Ctrl-C", err=True)
    try:
        pipe.watch(polling=polling, on_pass=_print_outcomes)
    finally:
        pipe.close()
    click.echo("监视已停止。", err=True)


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
        _emit_json({"clients": clients})
        return
    if not clients:
        click.echo("档案库中还没有客户。")
    for c in clients:
        click.echo(f"{c['client']}  {c['name']}  {c['credit_code'] or '（未识别信用代码）'}  "
                   f"{c['version']}  {c['documents']} 份  {c['archive_path']}")
        for d in c.get("files", []):
            click.echo(f"    {d['path']}  ←  {d['source']}  ({_kind(d['doc_type'], d['confidence'])}, "
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
        _emit_json(snap.to_json())
        return
    click.echo(f"客户：{snap.client}  名称：{snap.name}  统一社会信用代码：{snap.credit_code or '未识别'}")
    click.echo(f"当前版本：{snap.version}（{snap.created}）  位置：{path}")
    for d in snap.documents:
        click.echo(f"  {d.path}  ←  {d.source}  ({_kind(d.doc_type, d.confidence)}, {d.pages or '?'} 页, 自 {d.version})")
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
        _emit_json({"client": cid, "versions": versions})
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
        _emit_json({"clients": result})
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

    target = Path(out)
    if target.suffix.lower() not in (".xlsx", ".csv"):
        raise click.UsageError(f"不支持的输出格式 {target.suffix or '（无扩展名）'}：请用 .xlsx 或 .csv 结尾。")
    pipe = obj.pipeline()
    try:
        statuses = [client_status(pipe.archive.snapshot(c), as_of and as_of.date()) for c in pipe.archive.client_ids()]
    finally:
        pipe.close()
    header, rows = overview_rows(statuses)
    if target.suffix.lower() == ".csv":
        import csv

        with open(target, "w", encoding="utf-8-sig", newline="") as fh:  # BOM: Excel opens UTF-8 CSV correctly
            csv.writer(fh).writerows([header, *rows])
    else:
        from openpyxl import Workbook
        from openpyxl.styles import Font

        book = Workbook()
        sheet = book.active
        sheet.title = "完整性总览"
        sheet.append(header)
        for row in rows:
            sheet.append(row)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        sheet.freeze_panes = "C2"
        book.save(target)
    complete = sum(1 for s in statuses if s["complete"])
    click.echo(f"已写入 {target}：{len(statuses)} 个客户，齐全 {complete} 个，不齐全 {len(statuses) - complete} 个。")


@cli.group()
def templates() -> None:
    """报告模板（templates/ 中的 .docx，可用 Word 或 WPS 编辑）。"""


@templates.command(name="check")
@click.argument("files", nargs=-1, type=click.Path(exists=True, dir_okay=False))
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


@cli.group(name="rules")
def rules_group() -> None:
    """规则文件（文档类型 doctypes.toml、核查清单 checklist.toml、阈值 thresholds.toml）。"""


@rules_group.command(name="check")
@click.argument("folder", type=click.Path(file_okay=False), required=False)
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
@click.argument("folder", type=click.Path(file_okay=False), required=False)
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


@cli.command()
@click.argument("client", required=False)
@click.pass_obj
def verify(obj: Ctx, client: str | None) -> None:
    """重新计算档案库中每个文件的 SHA-512，报告损坏或缺失的文件（有问题时退出码为 1）。"""
    pipe = obj.pipeline()
    try:
        ids = [obj.resolve(pipe, client)] if client else pipe.archive.client_ids()
        damaged = 0
        for cid in ids:
            problems = pipe.archive.verify(cid)
            root = pipe.archive.object_path(cid)
            if problems:
                damaged += len(problems)
                for p in problems:
                    click.echo(f"损坏  {root / p.path}  [{p.kind}] {p.detail}")
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
    for suffix in ("", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    pipe = obj.pipeline()
    try:
        n = pipe.sync_catalog(full=True)
    finally:
        pipe.close()
    click.echo(f"已从档案库重建目录：{n} 个客户。")


@cli.command()
@click.argument("inbox", type=click.Path(file_okay=False), required=False)
@click.option("--seed", default=2026, show_default=True)
@click.pass_obj
def samples(obj: Ctx, inbox: str | None, seed: int) -> None:
    """在收件箱写入三个示例客户的合成文件（仅用于演示和测试，全部为虚构数据）。"""
    from dossier_factory import write_demo_inbox

    target = Path(inbox) if inbox else obj.config.inbox
    paths = write_demo_inbox(target, seed=seed)
    click.echo(f"已写入 {len(paths)} 个示例文件到 {target}")


# --- pull, search, log (managers and compliance) ----------------------------------------------------

def _size_zh(n: int) -> str:
    for unit, scale in (("GB", 1 << 30), ("MB", 1 << 20), ("KB", 1 << 10)):
        if n >= scale:
            return f"{n / scale:.1f} {unit}"
    return f"{n} 字节"


def _local_time_zh(created: str) -> str:
    from dossier.outputs.bag import parse_created

    when = parse_created(created)
    return f"{created}，本地时间 {when.astimezone():%Y-%m-%d %H:%M:%S}" if when else created


@cli.command()
@click.argument("client")
@click.option("--version", "version", default=None, metavar="vN", help="导出哪个版本（默认最新版本）。")
@click.option("--as-of", "as_of", default=None, metavar="YYYY-MM-DD",
              help="导出该日（本机时区）结束时的档案：取当天或之前创建的最后一个版本。")
@click.option("--out", "out", required=True, type=click.Path(),
              help="导出位置：新的文件夹，或以 .zip 结尾的文件名。不会覆盖已有的非空文件夹或文件。")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出结果。")
@click.pass_obj
def pull(obj: Ctx, client: str, version: str | None, as_of: str | None, out: str, as_json: bool) -> None:
    """把一个客户的档案（某一版本）导出为 BagIt 包（文件夹或 zip），并记入调阅记录。"""
    from datetime import date

    from dossier.archive import accesslog
    from dossier.outputs.bag import pull as pull_bag

    when = None
    if as_of is not None:
        try:
            when = date.fromisoformat(as_of.strip())
        except ValueError:
            raise UsageError(f"--as-of 的日期“{as_of}”格式不对，应为 YYYY-MM-DD，例如 2026-03-31。") from None
    if version is not None and when is not None:
        raise UsageError("--version 和 --as-of 只能指定其中一个。")
    pipe = obj.pipeline()
    try:
        cid = obj.resolve(pipe, client)
        tty = sys.stderr.isatty()
        result = pull_bag(pipe.archive, cid, Path(out), version=version, as_of=when, user=accesslog.os_user(),
                          progress=_progress_printer(not tty) if not as_json else None, catalog=pipe.catalog)
        log_file = accesslog.log_path(pipe.archive, cid)
    finally:
        pipe.close()
    if sys.stderr.isatty() and not as_json:
        click.echo("", err=True)
    if as_json:
        _emit_json({**result.to_json(), "access_log": str(log_file)})
        return
    kind = "BagIt zip 文件" if result.format == "zip" else "BagIt 文件夹"
    click.echo(f"已导出客户 {result.client}（{result.name}）的档案，版本 {result.version}"
               f"（创建于 {_local_time_zh(result.version_created)}）")
    click.echo(f"  位置：{result.path}（{kind}）")
    click.echo(f"  文件：{result.files} 个，共 {_size_zh(result.bytes)}（{result.bytes} 字节）")
    click.echo(f"  调阅已记录：{log_file}")


@cli.command()
@click.argument("text")
@click.option("--client", "client", default=None, help="只在这个客户的档案中查找（档案编号、公司名称或信用代码）。")
@click.option("--type", "doc_type", default=None, help="只查找这种文档类型（documents.doc_type，如 business_licence）。")
@click.option("--limit", default=50, show_default=True, help="最多显示多少条结果。")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出结果。")
@click.pass_obj
def search(obj: Ctx, text: str, client: str | None, doc_type: str | None, limit: int, as_json: bool) -> None:
    """在全部档案文件的文本中查找（可查词语中间的任意片段，如公司名称中间的三个字）。"""

    if not text.strip():
        raise UsageError("请给出要查找的文字，例如：dossier search 恒远机械")
    pipe = obj.pipeline()
    try:
        cid = obj.resolve(pipe, client) if client else None
        hits = pipe.catalog.search_documents(text, client=cid, doc_type=doc_type, limit=limit)
    finally:
        pipe.close()
    if as_json:
        _emit_json({"query": text, "client": cid, "type": doc_type, "results": hits})
        return
    if not hits:
        scope = f"客户 {cid} 的" if cid else ""
        click.echo(f"{scope}档案中没有找到包含“{text.strip()}”的文件。")
        return
    for h in hits:
        kind = f"  [{h['doc_type']}]" if h["doc_type"] else ""
        click.echo(f"{h['client']}  {h['path']}{kind}")
        click.echo(f"    {h['snippet']}")
    click.echo(f"共 {len(hits)} 条" + ("（已达 --limit 上限，可能还有更多）" if len(hits) >= limit else "") + "。")


@cli.command(name="log")
@click.argument("client")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出全部记录。")
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
        _emit_json({"client": cid, "log": str(log_file), "entries": entries})
        return
    if not entries:
        click.echo(f"客户 {cid} 的档案还没有调阅记录（{log_file}）。")
        return
    for e in entries:
        action = "导出" if e.get("event") == "pull" else e.get("event", "?")
        click.echo(f"{e.get('time')}  {e.get('user')}@{e.get('host')}  {action} {e.get('version')}"
                   f"  →  {e.get('destination')}（{e.get('files')} 个文件，{e.get('bytes')} 字节）")
    click.echo(f"共 {len(entries)} 条记录（{log_file}）。")


def main() -> None:
    cli(prog_name="dossier")


__all__ = ["cli", "main"]
