"""`kedjekoll user add|list|role|disable|enable|reset`: staff accounts from the server.

The same store functions as the accounts page (/staff/accounts), audited with the
actor `cli`. Printed links start with KEDJEKOLL_BASE_URL (or --base-url); the
development default http://127.0.0.1:5000 is used only with KEDJEKOLL_DEV=1, so a
production server never prints a link that leads nowhere.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import click
from sqlalchemy.orm import Session

ACTOR = "cli"
BASE_URL_HELP = ("Where the app is served, for the printed link (default: KEDJEKOLL_BASE_URL; "
                 "http://127.0.0.1:5000 only with KEDJEKOLL_DEV=1).")


def link_start(given: str | None) -> str:
    """The start of printed links: --base-url, else KEDJEKOLL_BASE_URL, else (in
    development only) the local default; otherwise the command stops with a reason."""
    from .config import base_url, environment

    if given:
        return given.rstrip("/")
    config = environment()
    if config["BASE_URL"] or config["DEV"]:
        return base_url(config)
    click.echo("kedjekoll: set KEDJEKOLL_BASE_URL to the address the app is served at "
               "(such as https://kedjekoll.region.se), or pass --base-url; "
               "KEDJEKOLL_DEV=1 uses http://127.0.0.1:5000.", err=True)
    sys.exit(2)


@contextmanager
def _unit_of_work() -> Iterator[Session]:
    """A session on the configured database (brought up to date), committed at the end;
    an account error is printed and exits 1."""
    from .cli import _database_url
    from .store.db import make_engine, session_factory, unit_of_work
    from .store.migrate import upgrade
    from .store.staff import AccountError

    engine = make_engine(_database_url())
    upgrade(engine)
    try:
        with unit_of_work(session_factory(engine)) as session:
            yield session
    except AccountError as exc:
        click.echo(f"kedjekoll: {exc}", err=True)
        sys.exit(1)
    finally:
        engine.dispose()


def _account(session: Session, email: str):
    from .store.staff import AccountError, by_email

    user = by_email(session, email)
    if user is None:
        raise AccountError(f"no staff account has the e-mail {email.strip().lower()}")
    return user


@click.group()
def user() -> None:
    """Staff accounts (also on the accounts page, /staff/accounts, for administrators)."""


@user.command(name="add")
@click.argument("email")
@click.option("--role", type=click.Choice(["reviewer", "admin"]), default="reviewer",
              show_default=True)
@click.option("--name", default="", help="The person's name (default: the e-mail).")
@click.option("--link", "with_link", is_flag=True,
              help="Print a one-time link to set the password instead of asking for it.")
@click.option("--base-url", default=None, help=BASE_URL_HELP)
def user_add(email: str, role: str, name: str, with_link: bool, base_url: str | None) -> None:
    """Add a staff account; asks for its password, or prints a set-password link."""
    from .store.staff import add_user, password_link_token

    start = link_start(base_url) if with_link else ""
    password = None
    if not with_link:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    with _unit_of_work() as session:
        account = add_user(session, email, name, role, ACTOR, password)
        token = password_link_token(session, account, ACTOR) if with_link else None
        address = account.email
    click.echo(f"added {role} {address}")
    if token:
        click.echo(f"set-password link (valid 48 hours, once): {start}/staff/password/{token}")


def _state(account) -> str:
    if not account.user.active:
        return "deactivated"
    return "invited" if account.invited else "active"


@user.command(name="list")
def user_list() -> None:
    """List every staff account: e-mail, role, state, last sign-in, name.

    The state is active, deactivated, or invited (no password chosen yet); a `*` after
    it means a password mail waits in the outbox. Times are in KEDJEKOLL_TIMEZONE.
    """
    from .config import environment
    from .formats import local
    from .store.staff import accounts

    zone = environment()["TIMEZONE"]
    with _unit_of_work() as session:
        rows = [(a.user.email, a.user.role, _state(a) + ("*" if a.mail_waiting else ""),
                 local(a.user.last_signed_in_at, zone).strftime("%Y-%m-%d %H:%M")
                 if a.user.last_signed_in_at else "never", a.user.name)
                for a in accounts(session)]
    if not rows:
        click.echo("no staff accounts: add one with `kedjekoll user add EMAIL --role admin`")
        return
    width = max(len(r[0]) for r in rows)
    click.echo(f"{'E-MAIL':{width}}  {'ROLE':8}  {'STATE':12}  {'LAST SIGN-IN':16}  NAME")
    for email, role, state, last, name in rows:
        click.echo(f"{email:{width}}  {role:8}  {state:12}  {last:16}  {name}")


def _change(email: str, change: Callable, done: str, unchanged: str) -> None:
    with _unit_of_work() as session:
        account = _account(session, email)
        changed = change(session, account)
        address = account.email
    click.echo((done if changed else unchanged).format(email=address))


@user.command(name="role")
@click.argument("email")
@click.argument("role", type=click.Choice(["reviewer", "admin"]))
def user_role(email: str, role: str) -> None:
    """Give an account another role (the last active admin stays an admin)."""
    from .store.staff import change_role

    _change(email, lambda s, u: change_role(s, u, role, ACTOR),
            f"{{email}} is now {role}", f"{{email}} is {role} already")


@user.command(name="disable")
@click.argument("email")
def user_disable(email: str) -> None:
    """Deactivate an account: its sessions end at once, it cannot sign in, and its
    set-password link stops working. The last active admin cannot be deactivated."""
    from .store.staff import deactivate

    _change(email, lambda s, u: deactivate(s, u, ACTOR),
            "{email} is deactivated and signed out", "{email} was deactivated already")


@user.command(name="enable")
@click.argument("email")
def user_enable(email: str) -> None:
    """Reactivate a deactivated account (its earlier password works again)."""
    from .store.staff import reactivate

    _change(email, lambda s, u: reactivate(s, u, ACTOR),
            "{email} can sign in again", "{email} is active already")


@user.command(name="reset")
@click.argument("email")
@click.option("--mail", "by_mail", is_flag=True,
              help="Queue the link in a mail through the outbox instead of printing it "
                   "(it leaves with `kedjekoll outbox send` or the next `kedjekoll remind`).")
@click.option("--language", type=click.Choice(["sv", "en"]), default="sv", show_default=True,
              help="The language of the mail (with --mail).")
@click.option("--base-url", default=None, help=BASE_URL_HELP)
def user_reset(email: str, by_mail: bool, language: str, base_url: str | None) -> None:
    """Give a person a one-time link to choose a new password (valid 48 hours).

    By default the link is printed, for you to hand over; it replaces any earlier link.
    With --mail it is mailed instead. The current password keeps working until the link
    is used. A deactivated account gets no link: `kedjekoll user enable` it first.
    """
    from .config import environment
    from .mailtext import staff_mail
    from .store.outbox import STAFF_RESET
    from .store.staff import AccountError, queue_password_mail, reset_link

    start = link_start(base_url)
    with _unit_of_work() as session:
        account = _account(session, email)
        address = account.email
        if not by_mail:
            token = reset_link(session, account, ACTOR)
        else:
            token = None
            subject, body = staff_mail(
                STAFF_RESET, language, buyer=str(environment()["BUYER_NAME"]), base_url=start,
                name=account.name, email=account.email, role=account.role,
                inviter=str(environment()["BUYER_NAME"]))
            if queue_password_mail(session, account, STAFF_RESET, subject, body, language,
                                   ACTOR) is None:
                raise AccountError(f"a password mail to {address} is already waiting in "
                                   "the outbox")
    if token:
        click.echo(f"set-password link for {address} (valid 48 hours, once): "
                   f"{start}/staff/password/{token}")
    else:
        click.echo(f"a password mail to {address} is queued; `kedjekoll outbox send` "
                   "sends it")
