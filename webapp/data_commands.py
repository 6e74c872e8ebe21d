"""`kedjekoll export` and `kedjekoll suppliers import`: data out of and into the store as files."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click


@click.command()
@click.argument("campaign_id", type=int)
@click.option("--format", "kind", type=click.Choice(["csv", "xlsx", "json"]), required=True,
              help="csv: two files, responses and table rows; xlsx: one workbook; "
                   "json: one document (schemas/response.schema.json).")
@click.option("--output", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="The file to write (default: responses/exports/campaign-ID.FORMAT). "
                   "With csv, table rows go beside it in NAME-tables.csv.")
@click.option("--lang", type=click.Choice(["sv", "en"]), default="sv", show_default=True,
              help="Language of the texts: the csv's second header row (question texts); "
                   "in xlsx the first header row, options, statuses and ratings.")
@click.option("--dialect", type=click.Choice(["sv", "en"]), default=None,
              help="How csv is written. sv: for Swedish Excel, with semicolons, a decimal "
                   "comma and Swedish time; en: international, with commas, a decimal point "
                   "and UTC. Default: as --lang.")
def export(campaign_id: int, kind: str, output: Path | None, lang: str,
           dialect: str | None) -> None:
    """Export a campaign's responses: the latest submitted answers, score, flags, grades.

    Every response gets a row, also those never submitted (status only, no answers).
    Rows are read and written in batches, so memory stays flat for large campaigns.
    Text that a spreadsheet could run as a formula is prefixed with ' (security S14).
    The xlsx has typed cells (numbers, dates, Swedish time), frozen headers, texts in
    --lang and the codes in its second header row and options sheet.
    Each export is recorded in the audit log.
    """
    from .cli import _database_url
    from .config import defaults
    from .formats import DEFAULT_TIMEZONE
    from .store.db import make_engine, session_factory, unit_of_work
    from .store.exports import record_export, responses_csv, tables_csv
    from .store.models import Campaign

    responses = Path(os.environ.get("KEDJEKOLL_RESPONSES_DIR") or defaults()["RESPONSES_DIR"])
    target = output or responses / "exports" / f"campaign-{campaign_id}.{kind}"
    zone = os.environ.get("KEDJEKOLL_TIMEZONE") or DEFAULT_TIMEZONE
    dialect = dialect or lang
    engine = make_engine(_database_url())
    sessions = session_factory(engine)
    try:
        with sessions() as session:
            campaign = session.get(Campaign, campaign_id)
            if campaign is None:
                click.echo(f"kedjekoll: no campaign {campaign_id}", err=True)
                sys.exit(1)
            target.parent.mkdir(parents=True, exist_ok=True)
            written = [target]
            if kind == "csv":
                tables = target.with_name(f"{target.stem}-tables.csv")
                _write_text(target, responses_csv(session, campaign, lang, dialect, zone))
                _write_text(tables, tables_csv(session, campaign, dialect, zone))
                written.append(tables)
            elif kind == "xlsx":
                from .store.workbook import write_xlsx

                write_xlsx(session, campaign, target, lang, zone)
            else:
                from .store.export_json import campaign_json

                _write_text(target, campaign_json(session, campaign))
        with unit_of_work(sessions) as session:
            record_export(session, session.get(Campaign, campaign_id), "cli", kind,
                          **({"dialect": dialect} if kind == "csv" else {}))
    finally:
        engine.dispose()
    for path in written:
        click.echo(f"wrote {path}")


def _write_text(path: Path, chunks) -> None:
    with path.open("w", encoding="utf-8", newline="") as out:
        for chunk in chunks:
            out.write(chunk)

@click.group()
def suppliers() -> None:
    """Suppliers and their contacts."""


@suppliers.command(name="import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Only show what would change; write nothing.")
def suppliers_import(file: Path, dry_run: bool) -> None:
    """Import suppliers and contacts from a CSV file (the same rules as the web page).

    Suppliers are matched by organisation number, contacts by e-mail. Lines with
    problems are listed and left out; the exit status is 1 when there were any.
    """
    from .cli import _database_url
    from .store.db import make_engine, session_factory
    from .store.migrate import upgrade
    from .store.supplier_csv import MAX_BYTES, parse_bytes
    from .store.supplier_import import import_file, import_rows

    if file.stat().st_size > MAX_BYTES:
        click.echo(f"kedjekoll: {file} is larger than {MAX_BYTES // 1024 // 1024} MB", err=True)
        sys.exit(1)
    parsed = parse_bytes(file.read_bytes())
    engine = make_engine(_database_url())
    upgrade(engine)
    factory = session_factory(engine)
    try:
        if dry_run:
            with factory() as session:
                result = import_rows(session, parsed, "cli", apply=False)
        else:  # in batches of short transactions, as on the web page (R6)
            result = import_file(factory, parsed, "cli")
    finally:
        engine.dispose()
    sep = "tab" if result.delimiter == "\t" else result.delimiter
    click.echo(f"read {file} as {result.encoding}, separated by '{sep}'")
    for plan in result.suppliers:
        if plan.action == "unchanged":
            continue
        added = [*(f"{name}: {old} → {new}" for name, old, new in plan.changes),
                 *(f"contact {c}" for c in plan.new_contacts),
                 *(f"agreement {a}" for a in plan.new_agreements)]
        click.echo(f"  {plan.action:7} {plan.org_number} {plan.name}"
                   + (f": {', '.join(added)}" if added else ""))
    for problem in result.problems:
        click.echo(f"{file}:{problem.line}: {problem.describe()}", err=True)
    verb = "would be" if dry_run else "were"
    click.echo(f"{result.count('create')} new, {result.count('update')} updated, "
               f"{result.count('unchanged')} unchanged suppliers {verb} imported; "
               f"{len({p.line for p in result.problems})} lines left out"
               + (" (dry run: nothing written)" if dry_run else ""))
    if result.problems:
        sys.exit(1)
