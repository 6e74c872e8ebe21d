"""The `kedjekoll` command."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import click

from .config import DEVELOPMENT_BASE_URL
from .definitions import check_paths
from .definitions.json_schema import SCHEMA_FILES
from .user_commands import BASE_URL_HELP, link_start

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class _Group(click.Group):
    """Any command: a configuration error is one line and exit status 2, no traceback."""

    def invoke(self, ctx: click.Context):
        from .config import ConfigError

        try:
            return super().invoke(ctx)
        except ConfigError as exc:
            click.echo(f"kedjekoll: {exc}", err=True)
            ctx.exit(2)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """Kedjekoll: supply-chain due-diligence questionnaires for public procurement."""


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
def check(paths: tuple[Path, ...]) -> None:
    """Check questionnaire files and run their test cases (default: questionnaires/).

    Prints `path:line:col: CODE message` for every error in every file, then a
    summary line. Exits 1 when there are errors, else 0. A `<stem>.cases.yaml` file
    beside `<stem>.yaml` holds that questionnaire's test cases: each case's answers
    are scored and an expectation not met is an error at its line.
    """
    targets = list(paths) or [Path("questionnaires")]
    results = check_paths(targets)
    errors = 0
    for result in results:
        for problem in result.problems:
            click.echo(problem.format())
        errors += len(result.problems)
    bad = sum(1 for r in results if r.problems)
    if not results:
        click.echo("no questionnaire files found", err=True)
        sys.exit(1)
    files = f"{len(results)} file{'s' if len(results) != 1 else ''}"
    case_files = [r for r in results if r.cases is not None]
    count = sum(r.cases or 0 for r in case_files)
    cases = f" ({count} test case{'s' if count != 1 else ''})" if case_files else ""
    if errors:
        click.echo(f"{errors} error{'s' if errors != 1 else ''} in {bad} of {files}{cases}")
        sys.exit(1)
    click.echo(f"{files} checked{cases}, no errors")


@main.command()
@click.option("--check", "check_only", is_flag=True,
              help="Do not write; exit 1 if a file on disk is stale.")
@click.option("--dir", "folder", type=click.Path(path_type=Path, file_okay=False), default=None,
              help="Where to write the files (default: schemas/ in the project).")
def schema(check_only: bool, folder: Path | None) -> None:
    """Write the JSON Schemas generated from the pydantic models.

    schemas/questionnaire.schema.json describes questionnaire files;
    schemas/response.schema.json describes `kedjekoll export --format json`;
    schemas/cases.schema.json describes questionnaire test cases (`<stem>.cases.yaml`).
    """
    stale = False
    for relative, render in SCHEMA_FILES:
        target = (folder / Path(relative).name) if folder else PROJECT_ROOT / relative
        text = render()
        if check_only:
            current = target.read_text(encoding="utf-8") if target.exists() else ""
            if current != text:
                click.echo(f"{target} is stale: run `kedjekoll schema` and commit it", err=True)
                stale = True
            else:
                click.echo(f"{target} is current")
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        click.echo(f"wrote {target}")
    if stale:
        sys.exit(1)


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--dev", is_flag=True,
              help="Development: Flask's own server, the database brought up to date at "
                   "start, a generated secret key kept in responses/, cookies without the "
                   "Secure flag (plain http on your own machine).")
@click.option("--debug", is_flag=True, help="Like --dev, and reload on change with tracebacks.")
@click.option("--workers", type=click.IntRange(1, 64), default=None,
              help="gunicorn worker processes (default: 2 × cores + 1, at most 8; one "
                   "with KEDJEKOLL_RATELIMIT_STORAGE_URI=memory://).")
@click.option("--threads", type=click.IntRange(1, 64), default=None,
              help="Threads per worker (default: 2).")
def serve(host: str, port: int, dev: bool, debug: bool, workers: int | None,
          threads: int | None) -> None:
    """Serve the web app: gunicorn, or Flask's built-in server with --dev.

    Without --dev run `kedjekoll db upgrade` first: the app does not migrate at start,
    and it needs KEDJEKOLL_SECRET_KEY, KEDJEKOLL_BASE_URL (the start of links in mail)
    and KEDJEKOLL_RATELIMIT_STORAGE_URI (Redis, so every worker and server shares the
    rate limits; memory:// counts in one process only) (docs/deploy.md).
    """
    from . import config as app_config
    from .config import ConfigError

    if not (dev or debug or app_config.environment()["DEV"]):  # KEDJEKOLL_DEV=1 is --dev
        from .server import Server, settings

        try:
            config = app_config.load()  # one clear line now rather than from every worker
        except ConfigError as exc:
            click.echo(f"kedjekoll: {exc}", err=True)
            sys.exit(2)
        if config["RATELIMIT_STORAGE_URI"] == app_config.PROCESS_MEMORY and workers is None:
            workers = 1  # limits counted in memory hold only in one process
        address = f"[{host}]:{port}" if ":" in host and not host.startswith("[") \
            else f"{host}:{port}"
        options = settings(address, workers, threads)
        click.echo(f"Kedjekoll: gunicorn on http://{address}/ with {options['workers']} "
                   f"workers × {options['threads']} threads")
        Server(options).run()
        return
    from . import create_app

    try:
        app = create_app({"DEV": True, "DEBUG": debug})
    except ConfigError as exc:
        click.echo(f"kedjekoll: {exc}", err=True)
        sys.exit(2)
    catalogue = app.extensions["kedjekoll.catalogue"]
    click.echo(f"Kedjekoll: {len(catalogue)} questionnaires loaded from {catalogue.folder}")
    for failed in catalogue.failed:
        click.echo(f"  not loaded, run `kedjekoll check`: {failed.file}", err=True)
    click.echo(f"Open http://{host}:{port}/")
    _print_demo_logins()
    app.run(host=host, port=port, debug=debug, use_reloader=debug)


def _print_demo_logins() -> None:
    """Remind the developer of the demo logins, when the database holds the demo."""
    from sqlalchemy import select
    from sqlalchemy.exc import SQLAlchemyError

    from .store.db import make_engine
    from .store.demo import ADMIN, REVIEWER
    from .store.models import StaffUser

    engine = make_engine(_database_url())
    try:
        with engine.connect() as connection:
            emails = set(connection.scalars(select(StaffUser.email).where(
                StaffUser.email.in_([ADMIN[0], REVIEWER[0]]))))
    except SQLAlchemyError:
        emails = set()
    finally:
        engine.dispose()
    for email, _name, role, password in (ADMIN, REVIEWER):
        if email in emails:
            click.echo(f"  demo {role}: {email} / {password}")
    if emails:
        click.echo("  suppliers: the invitation links printed by `kedjekoll demo`, or "
                   "`kedjekoll link RESPONSE_ID` for a new one")


def _database_url() -> str:
    from .config import defaults
    from .store.db import database_url

    return database_url(os.environ.get("KEDJEKOLL_RESPONSES_DIR") or defaults()["RESPONSES_DIR"])


@main.group()
def db() -> None:
    """The database: SQLite in responses/, or KEDJEKOLL_DATABASE_URL."""


@db.command(name="upgrade")
def db_upgrade() -> None:
    """Create or update the tables (runs the Alembic migrations)."""
    from .store.db import make_engine
    from .store.migrate import upgrade

    url = _database_url()
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    click.echo(f"database is up to date: {engine.url.render_as_string(hide_password=True)}")


@main.command()
@click.option("--base-url", default=DEVELOPMENT_BASE_URL, show_default=True,
              envvar="KEDJEKOLL_BASE_URL",
              help="Where the app is served, for the invitation links printed "
                   "(or KEDJEKOLL_BASE_URL).")
def demo(base_url: str) -> None:
    """Load demo data into an empty database (running it again changes nothing).

    Prints the staff logins and invitation links for a few suppliers. Demo data, with
    its published passwords, is for development: so is the default address of its links.
    """
    from .config import environment
    from .definitions import Catalogue
    from .store.blobs import evidence
    from .store.db import make_engine, session_factory, unit_of_work
    from .store.demo import load_demo
    from .store.migrate import upgrade

    engine = make_engine(_database_url())
    upgrade(engine)
    config = environment()  # KEDJEKOLL_FILE_STORAGE: where the demo's evidence file goes
    stores = evidence(config["FILE_STORAGE"], Path(config["RESPONSES_DIR"]) / "files", engine)
    with unit_of_work(session_factory(engine)) as session:
        result = load_demo(session, Catalogue.load(config["QUESTIONNAIRES_DIR"]), stores.active)
    engine.dispose()
    if not result.loaded:
        click.echo("The database already holds data: demo data not loaded.")
        return
    click.echo(f"Demo data loaded: {result.responses} responses in {result.campaigns} "
               "campaigns.")
    click.echo("Staff logins (demo only):")
    for email, password, role in result.logins:
        click.echo(f"  {role:9} {email}  password: {password}")
    click.echo("Invitation links of the suppliers with something to do (shown only now; "
               "tokens are stored hashed):")
    for supplier, status, token in result.links:
        click.echo(f"  {supplier} ({status}): {base_url.rstrip('/')}/i/{token}")


@main.command()
@click.argument("response_id", type=int)
@click.option("--base-url", default=None, help=BASE_URL_HELP)
def link(response_id: int, base_url: str | None) -> None:
    """Issue a new invitation link for a lost one: every earlier link stops working."""
    from .store.db import make_engine, session_factory, unit_of_work
    from .store.models import Response
    from .store.responses import new_token

    start = link_start(base_url)

    engine = make_engine(_database_url())
    with unit_of_work(session_factory(engine)) as session:
        response = session.get(Response, response_id)
        if response is None:
            click.echo(f"kedjekoll: no response {response_id}", err=True)
            sys.exit(1)
        token = new_token(session, response, "cli")
        supplier = response.supplier.name
    engine.dispose()
    click.echo(f"{supplier}: {start}/i/{token}")


@main.command(name="ast")
@click.argument("expression")
def ast_command(expression: str) -> None:
    """Print the JSON syntax tree of a condition (what the browser evaluates)."""
    from .definitions.expressions import ExpressionError, parse

    try:
        click.echo(json.dumps(parse(expression).ast, ensure_ascii=False))
    except ExpressionError as exc:
        click.echo(f"E500 {exc}", err=True)
        sys.exit(1)


def _more_commands() -> None:
    from .author_commands import score
    from .backup_commands import backup, restore
    from .data_commands import export, suppliers
    from .file_commands import files
    from .mail_commands import outbox, remind
    from .user_commands import user

    for command in (score, export, suppliers, remind, outbox, user, backup, restore, files):
        main.add_command(command)


_more_commands()

if __name__ == "__main__":  # python -m webapp.cli
    main()
