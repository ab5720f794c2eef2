"""Commands of the clerks' service: init, ingest, watch, samples."""

from __future__ import annotations

import json
import logging
import signal
import sys
from pathlib import Path

import click
from dossier.errors import DossierError
from dossier.models import Outcome, Progress
from dossier.pipeline import init_home

from .base import OUTCOME_ZH, Ctx, cli


@cli.command()
@click.pass_obj
def init(obj: Ctx) -> None:
    """创建或补全主目录：inbox/、archive/（OCFL 存储根）、templates/。可重复运行。"""
    created = init_home(obj.config)
    for path in created:
        click.echo(f"已创建 {path}")
    click.echo(f"主目录就绪：{obj.home}\n  收件箱：{obj.config.inbox}\n  档案库：{obj.config.archive}")


def progress_printer(quiet: bool):
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


def kind_label(doc_type: str | None, confidence: float | None) -> str:
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
@click.option("--wait", "wait_writer", is_flag=True, help="另一个收件进程（监视服务）正在运行时，等它结束后再收件（默认立即退出，退出码 2）。")
@click.pass_obj
def ingest(obj: Ctx, as_json: bool, no_wait: bool, wait_writer: bool) -> None:
    """处理收件箱一次：归档、查重、隔离或待分拣。"""
    pipe = obj.pipeline("ingester", wait_writer, on_progress=progress_printer(False))
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
    pipe = obj.pipeline("ingester")
    signal.signal(signal.SIGTERM, lambda *_: pipe.request_stop())
    signal.signal(signal.SIGINT, lambda *_: pipe.request_stop())
    click.echo(f"正在监视 {obj.config.inbox}（{'轮询' if polling else 'inotify'}），停止请按 Ctrl-C", err=True)
    try:
        pipe.watch(polling=polling, on_pass=_print_outcomes)
    finally:
        pipe.close()
    click.echo("监视已停止。", err=True)


@cli.command()
@click.argument("inbox", type=click.Path(file_okay=False), required=False, metavar="[收件箱]")
@click.option("--seed", default=2026, show_default=True, help="随机种子：同一种子生成相同的示例文件。")
@click.pass_obj
def samples(obj: Ctx, inbox: str | None, seed: int) -> None:
    """在收件箱写入三个示例客户的合成文件（仅用于演示和测试，全部为虚构数据）。"""
    from dossier_factory import write_demo_inbox

    target = Path(inbox) if inbox else obj.config.inbox
    paths = write_demo_inbox(target, seed=seed)
    click.echo(f"已写入 {len(paths)} 个示例文件到 {target}")
