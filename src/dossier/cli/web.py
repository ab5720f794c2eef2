"""Commands of the web workplace: serve, and its users (add, list, disable, assign, token)."""

from __future__ import annotations

import sys

import click

from dossier.errors import UsageError

from .base import JSON_HELP, Ctx, cli, emit_json

ROLES = ("clerk", "compliance", "manager", "admin")


def _web(obj: Ctx):
    from dossier import web

    web.setup(obj.home)
    web.migrate()
    from dossier.web import accounts

    return accounts


@cli.command()
@click.option("--host", default=None, help="监听地址（默认取设置 web_host，即 127.0.0.1：只接受本机连接）。")
@click.option("--port", type=int, default=None, help="端口（默认取设置 web_port，即 8000）。")
@click.option("--workers", type=int, default=None, help="工作进程数（默认取设置 web_workers）。")
@click.pass_obj
def serve(obj: Ctx, host: str | None, port: int | None, workers: int | None) -> None:
    """运行网页工作台（gunicorn）：合规、客户经理和文员在浏览器中使用；对外服务请放在带 TLS 的 nginx 之后。"""
    from dossier.pipeline import is_home
    from dossier.web.server import serve as run

    if not is_home(obj.config):
        raise UsageError(f"{obj.home} 不是 dossier 主目录。请先运行 `dossier --home {obj.home} init`。")
    cfg = obj.config
    run(cfg, host or cfg.web_host, port or cfg.web_port, workers or cfg.web_workers)


@cli.group(name="user")
def user_group() -> None:
    """网页工作台的用户（没有默认账户，也没有默认密码）。"""


def _read_password() -> str:
    if sys.stdin.isatty():
        return click.prompt("密码", hide_input=True, confirmation_prompt="再输入一次")
    line = sys.stdin.readline()
    if not line.strip():
        raise UsageError("请从标准输入提供密码（例如 `printf '%s\\n' 密码 | dossier user add ...`）；密码不能为空。")
    return line.rstrip("\r\n")


@user_group.command(name="add")
@click.argument("name", metavar="用户名")
@click.option("--role", required=True, type=click.Choice(ROLES), help="角色：clerk 文员、compliance 合规、manager 客户经理、admin 管理员。")
@click.pass_obj
def user_add(obj: Ctx, name: str, role: str) -> None:
    """新增用户；密码从标准输入读取（终端中会提示输入两次），从不作为参数传入。"""
    accounts = _web(obj)
    accounts.add_user(name, role, _read_password())
    click.echo(f"已新增用户 {name}（{role}）。")


@user_group.command(name="list")
@click.option("--json", "as_json", is_flag=True, help=JSON_HELP)
@click.pass_obj
def user_list(obj: Ctx, as_json: bool) -> None:
    """列出用户、角色、分配的客户和状态。"""
    users = _web(obj).list_users()
    if as_json:
        emit_json({"users": users})
        return
    if not users:
        click.echo("还没有用户。用 `dossier user add 用户名 --role 角色` 新增。")
    for u in users:
        clients = "全部客户" if u["all_clients"] else ("、".join(u["clients"]) or "（未分配）")
        click.echo(f"{u['name']}  {u['role']}  {'启用' if u['active'] else '已停用'}  {clients}")


@user_group.command(name="disable")
@click.argument("name", metavar="用户名")
@click.pass_obj
def user_disable(obj: Ctx, name: str) -> None:
    """停用用户：不能再登录，已登录的会话和 API 令牌立即失效。"""
    _web(obj).disable_user(name)
    click.echo(f"已停用用户 {name}。")


@user_group.command(name="assign")
@click.argument("name", metavar="用户名")
@click.argument("clients", nargs=-1, metavar="客户...")
@click.option("--all", "all_clients", is_flag=True, help="可查看全部客户（客户经理）。")
@click.pass_obj
def user_assign(obj: Ctx, name: str, clients: tuple[str, ...], all_clients: bool) -> None:
    """把客户分配给用户（客户经理只能查看分配给自己的客户）。"""
    if not clients and not all_clients:
        raise click.UsageError("请给出至少一个客户，或用 --all。")
    pipe = obj.pipeline()
    try:
        ids = [obj.resolve(pipe, c) for c in clients]
    finally:
        pipe.close()
    got = _web(obj).assign(name, ids, all_clients)
    click.echo(f"用户 {name} 的客户：{'全部客户' if all_clients else '、'.join(got)}")


@user_group.command(name="token")
@click.argument("name", metavar="用户名")
@click.pass_obj
def user_token(obj: Ctx, name: str) -> None:
    """生成新的 API 令牌（只显示这一次；用法：Authorization: Bearer 令牌）。"""
    click.echo(_web(obj).new_token(name))
