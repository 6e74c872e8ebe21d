"""The CSV import of suppliers and their contacts.

The import upserts suppliers by organisation number, adds contacts by e-mail (never
twice) and links suppliers to framework agreements. It works out what would change
first; with `apply=False` that is all `import_rows` does (the preview and `--dry-run`),
so the preview and the import can never disagree. Rows with problems are never
imported, and each of them is reported.

The whole file is checked before anything is stored. `import_file` then stores it in
batches of a few hundred rows, each its own short transaction that re-reads what is
already stored for its suppliers, so a supplier saving meanwhile waits for one batch at
most, never for the whole file (shared/security.md R6), and a run that dies half-way
leaves whole batches: importing the same file again adds only what is still missing.
Each batch costs a handful of statements whatever its size: one query each for the
known suppliers, contacts and agreement links, bulk inserts, and its audit events
flushed together.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from sqlalchemy import insert, select, text, update
from sqlalchemy.orm import Session, sessionmaker

from .audit import Event, record, record_many
from .db import unit_of_work
from .models import Contact, Contract, ContractSupplier, Supplier
from .supplier_csv import ParsedFile, Row, RowProblem

#: rows a batch stores in one transaction (a supplier's lines always share a batch)
BATCH_ROWS = 500
#: on SQLite, the pause after each batch: longer than the 100 ms a writer waiting on
#: the busy timeout sleeps between tries, so it gets the lock before the next batch
SQLITE_PAUSE = 0.12
#: IN lists are split so no statement passes too many parameters
_CHUNK = 900
#: the key of the PostgreSQL advisory lock that keeps two imports' batches apart
_IMPORT_LOCK = 0x6B6B_1A
_SUPPLIER, _CONTACT, _LINK = Supplier.__table__, Contact.__table__, ContractSupplier.__table__


class Agreement(NamedTuple):
    id: int
    reference: str


class _Known(NamedTuple):
    """A stored supplier, its contacts' e-mail addresses and its agreements' ids."""

    id: int
    name: str
    country: str
    emails: set[str]
    agreements: set[int]


@dataclass
class Planned:
    """What the import does to one supplier (`action`: create, update or unchanged)."""

    org_number: str
    name: str
    country: str
    lines: list[int]
    action: str = "unchanged"
    changes: list[tuple[str, str, str]] = field(default_factory=list)  # (field, old, new)
    new_contacts: list[str] = field(default_factory=list)
    new_agreements: list[str] = field(default_factory=list)
    supplier_id: int | None = field(default=None, repr=False)
    contact_rows: list[Row] = field(default_factory=list, repr=False)
    link_rows: list[tuple[Agreement, int]] = field(default_factory=list, repr=False)


@dataclass
class ImportResult:
    """The plan (or what was done), the rows left out and how the file was read."""

    suppliers: list[Planned]
    problems: list[RowProblem]
    encoding: str
    delimiter: str
    applied: bool
    rows_done: int = 0  # lines stored (or found already stored) so far
    rows_total: int = 0  # lines without problems

    def count(self, action: str) -> int:
        return sum(1 for s in self.suppliers if s.action == action)

    @property
    def finished(self) -> bool:
        """Every line without problems is stored (a time limit may stop `import_file`
        early; the same file imported again goes on where it stopped)."""
        return self.rows_done >= self.rows_total


def import_rows(session: Session, parsed: ParsedFile, actor: str, *, apply: bool = True,
                stamp: dict[str, Any] | None = None) -> ImportResult:
    """Plan the parsed rows in one session and, with apply=True, store them there (one
    transaction: for the dry run, and where the caller owns the unit of work)."""
    rows, problems, references = _usable(session, parsed)
    plans = _plan(rows, _known(session, rows), references)
    result = _result(plans, problems, parsed, apply)
    result.rows_total, result.rows_done = len(rows), len(rows) if apply else 0
    if apply:
        _store(session, plans, actor, stamp or {})
        _summarise(session, result, actor)
        session.flush()
    return result


def import_file(factory: sessionmaker[Session], parsed: ParsedFile, actor: str, *,
                batch_rows: int = BATCH_ROWS, stamp: dict[str, Any] | None = None,
                deadline: float | None = None,
                after_batch: Callable[[int, int], None] | None = None) -> ImportResult:
    """Check the whole file, then store it in batches, each its own transaction.

    `stamp` goes into every audit event's details (the request's id and address: the
    bulk insert passes by the session's own stamping). `after_batch(rows_done,
    rows_total)` runs after each committed batch (progress; a test raises there to
    interrupt). After `deadline` (a `time.monotonic()` value) the next batch does not
    start, once this run has written one: then the result is not `finished`. Importing
    the same file again after an interruption or a deadline stores only what the
    committed batches did not.
    """
    with factory() as session:
        rows, problems, references = _usable(session, parsed)
        sqlite = session.get_bind().dialect.name == "sqlite"
    planned: list[Planned] = []
    done, wrote = 0, False
    for batch in _batches(rows, batch_rows):
        # a batch an earlier run stored is only read, quickly; stopping only after a
        # batch that wrote makes every run get further
        if wrote and deadline is not None and time.monotonic() >= deadline:
            break
        if wrote and sqlite:
            time.sleep(SQLITE_PAUSE)
        with unit_of_work(factory) as session:
            if not sqlite:
                session.execute(text("SELECT pg_advisory_xact_lock(:key)"),
                                {"key": _IMPORT_LOCK})
            plans = _plan(batch, _known(session, batch), references)
            wrote = any(p.action != "unchanged" for p in plans)
            if wrote:
                _store(session, plans, actor, stamp or {})
        planned += plans
        done += len(batch)
        if after_batch is not None:
            after_batch(done, len(rows))
    result = _result(planned, problems, parsed, True)
    result.rows_done, result.rows_total = done, len(rows)
    with unit_of_work(factory) as session:
        _summarise(session, result, actor)
    return result


def _usable(session: Session, parsed: ParsedFile
            ) -> tuple[list[Row], list[RowProblem], dict[str, Agreement]]:
    """The rows to import, every problem (the parser's and unknown agreements) and the
    agreements by reference (case-insensitive)."""
    references = {reference.casefold(): Agreement(id_, reference) for id_, reference
                  in session.execute(select(Contract.id, Contract.reference))}
    problems = list(parsed.problems)
    rows: list[Row] = []
    for row in parsed.rows:
        if row.agreement and row.agreement.casefold() not in references:
            problems.append(RowProblem(row.line, "unknown_agreement", row.agreement))
        else:
            rows.append(row)
    return rows, sorted(problems), references


def _batches(rows: list[Row], size: int) -> Iterator[list[Row]]:
    """The rows in batches of about `size`, every supplier's lines in one batch."""
    grouped: dict[str, list[Row]] = {}
    for row in rows:
        grouped.setdefault(row.org_number, []).append(row)
    batch: list[Row] = []
    for lines in grouped.values():
        if batch and len(batch) + len(lines) > size:
            yield batch
            batch = []
        batch += lines
    if batch:
        yield batch


def _chunks(values: Iterable, size: int = _CHUNK) -> Iterator[list]:
    values = list(values)
    for start in range(0, len(values), size):
        yield values[start:start + size]


def _known(session: Session, rows: list[Row]) -> dict[str, _Known]:
    """What is stored for the rows' suppliers: three queries, however many rows."""
    known: dict[str, _Known] = {}
    for chunk in _chunks({r.org_number for r in rows}):
        for id_, org, name, country in session.execute(
                select(Supplier.id, Supplier.org_number, Supplier.name, Supplier.country)
                .where(Supplier.org_number.in_(chunk))):
            known[org] = _Known(id_, name, country, set(), set())
    by_id = {k.id: k for k in known.values()}
    for chunk in _chunks(by_id):
        for supplier_id, email in session.execute(
                select(Contact.supplier_id, Contact.email).where(Contact.supplier_id.in_(chunk))):
            by_id[supplier_id].emails.add(email.lower())
        for supplier_id, contract_id in session.execute(
                select(ContractSupplier.supplier_id, ContractSupplier.contract_id)
                .where(ContractSupplier.supplier_id.in_(chunk))):
            by_id[supplier_id].agreements.add(contract_id)
    return known


def _plan(rows: list[Row], known: dict[str, _Known], references: dict[str, Agreement]
          ) -> list[Planned]:
    """What storing `rows` changes, given what is stored: pure Python, no queries."""
    plans: dict[str, Planned] = {}
    for row in rows:
        plan = plans.get(row.org_number)
        supplier = known.get(row.org_number)
        if plan is None:
            plan = plans[row.org_number] = Planned(row.org_number, row.name, row.country, [])
            if supplier is None:
                plan.action = "create"
            else:
                plan.supplier_id = supplier.id
                if supplier.name != row.name:
                    plan.changes.append(("name", supplier.name, row.name))
                if supplier.country != row.country:
                    plan.changes.append(("country", supplier.country, row.country))
        plan.lines.append(row.line)
        emails = supplier.emails if supplier else set()
        if row.contact_email and row.contact_email not in emails \
                and row.contact_email not in plan.new_contacts:
            plan.new_contacts.append(row.contact_email)
            plan.contact_rows.append(row)
        agreement = references.get(row.agreement.casefold()) if row.agreement else None
        if agreement is not None and agreement.reference not in plan.new_agreements and (
                supplier is None or agreement.id not in supplier.agreements):
            plan.new_agreements.append(agreement.reference)
            plan.link_rows.append((agreement, row.line))
        if plan.action != "create" and (plan.changes or plan.new_contacts
                                        or plan.new_agreements):
            plan.action = "update"
    return sorted(plans.values(), key=lambda p: p.lines[0])


def _store(session: Session, plans: list[Planned], actor: str,
           stamp: dict[str, Any]) -> None:
    """Carry out `plans` with one bulk statement per table, and record an audit event
    per change (S18) with `stamp` in its details."""
    new = [p for p in plans if p.action == "create"]
    if new:  # Core inserts (the tables, not the models): no ORM bookkeeping per row
        ids = dict(session.execute(
            insert(_SUPPLIER).returning(_SUPPLIER.c.org_number, _SUPPLIER.c.id),
            [{"org_number": p.org_number, "name": p.name, "country": p.country}
             for p in new]).tuples().all())
        for plan in new:
            plan.supplier_id = ids[plan.org_number]
    changed = [p for p in plans if p.changes]
    if changed:
        session.execute(update(Supplier), [{"id": p.supplier_id, "name": p.name,
                                            "country": p.country} for p in changed])
    contact_rows = {(p.supplier_id, row.contact_email): row
                    for p in plans for row in p.contact_rows}
    contact_ids: dict[tuple[int | None, str], int] = {}
    if contact_rows:
        contact_ids = {(supplier_id, email): id_ for id_, supplier_id, email in session.execute(
            insert(_CONTACT).returning(_CONTACT.c.id, _CONTACT.c.supplier_id,
                                       _CONTACT.c.email),
            [{"supplier_id": supplier_id, "name": row.contact_name,
              "email": row.contact_email, "language": row.contact_language}
             for (supplier_id, _email), row in contact_rows.items()])}
    links = [{"contract_id": agreement.id, "supplier_id": p.supplier_id}
             for p in plans for agreement, _line in p.link_rows]
    if links:
        session.execute(insert(_LINK), links)
    events: list[Event] = []
    for plan in plans:
        if plan.action == "create":
            events.append(Event("supplier.created", "supplier", plan.supplier_id,
                                {"org_number": plan.org_number, "line": plan.lines[0]}))
        elif plan.changes:
            old = {name: before for name, before, _after in plan.changes}
            events.append(Event("supplier.updated", "supplier", plan.supplier_id, {
                "line": plan.lines[0], "name": [old.get("name", plan.name), plan.name],
                "country": [old.get("country", plan.country), plan.country]}))
        events += [Event("supplier.linked", "supplier", plan.supplier_id,
                         {"contract": agreement.reference, "line": line})
                   for agreement, line in plan.link_rows]
    events += [Event("contact.added", "contact", contact_ids[key],
                     {"supplier": key[0], "line": row.line})
               for key, row in contact_rows.items()]
    record_many(session, actor, events, **stamp)


def _result(plans: list[Planned], problems: list[RowProblem], parsed: ParsedFile,
            applied: bool) -> ImportResult:
    return ImportResult(sorted(plans, key=lambda p: p.lines[0]), problems, parsed.encoding,
                        parsed.delimiter, applied)


def _summarise(session: Session, result: ImportResult, actor: str) -> None:
    """One event for the run, saying how many lines it left for the next when it was
    stopped early."""
    partly = {} if result.finished else {"remaining": result.rows_total - result.rows_done}
    record(session, actor, "suppliers.imported", None, created=result.count("create"),
           updated=result.count("update"), unchanged=result.count("unchanged"),
           rows_left_out=len({p.line for p in result.problems}), encoding=result.encoding,
           **partly)
