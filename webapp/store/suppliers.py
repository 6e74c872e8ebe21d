"""Suppliers and their contacts: the list staff see, and the CSV import.

The import upserts suppliers by organisation number, adds contacts by e-mail (never
twice) and links suppliers to framework agreements. `import_rows` works out what would
change first; with `apply=False` that is all it does (the preview and `--dry-run`), so
the preview and the import can never disagree. Rows with problems are never imported,
and each of them is reported.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from .audit import record
from .models import Contact, Contract, ContractSupplier, Supplier
from .supplier_csv import ParsedFile, Row, RowProblem


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


@dataclass
class ImportResult:
    """The plan (or what was done), the rows left out and how the file was read."""

    suppliers: list[Planned]
    problems: list[RowProblem]
    encoding: str
    delimiter: str
    applied: bool

    def count(self, action: str) -> int:
        return sum(1 for s in self.suppliers if s.action == action)


def suppliers_list(session: Session) -> list[tuple[Supplier, list[Contract]]]:
    """Every supplier by name, with its contacts and its framework agreements."""
    found = session.scalars(select(Supplier).options(selectinload(Supplier.contacts))
                            .order_by(Supplier.name, Supplier.id)).all()
    links: dict[int, list[Contract]] = {}
    for supplier_id, contract in session.execute(
            select(ContractSupplier.supplier_id, Contract)
            .join(Contract, Contract.id == ContractSupplier.contract_id)
            .order_by(Contract.reference)):
        links.setdefault(supplier_id, []).append(contract)
    return [(s, links.get(s.id, [])) for s in found]


def import_rows(session: Session, parsed: ParsedFile, actor: str, *, apply: bool = True
                ) -> ImportResult:
    """Upsert the parsed rows; with apply=False only report what would change."""
    references = {r.reference.casefold(): r for r in session.scalars(select(Contract))}
    problems = list(parsed.problems)
    rows: list[Row] = []
    for row in parsed.rows:
        if row.agreement and row.agreement.casefold() not in references:
            problems.append(RowProblem(row.line, "unknown_agreement", row.agreement))
        else:
            rows.append(row)
    existing = {s.org_number: s for s in session.scalars(
        select(Supplier).options(selectinload(Supplier.contacts))
        .where(Supplier.org_number.in_({r.org_number for r in rows})))} if rows else {}
    linked = {(c, s) for c, s in session.execute(
        select(ContractSupplier.contract_id, ContractSupplier.supplier_id))} if rows else set()
    plans: dict[str, Planned] = {}
    for row in rows:
        plan = plans.get(row.org_number)
        supplier = existing.get(row.org_number)
        if plan is None:
            plan = plans[row.org_number] = Planned(row.org_number, row.name, row.country, [])
            if supplier is None:
                plan.action = "create"
            else:
                if supplier.name != row.name:
                    plan.changes.append(("name", supplier.name, row.name))
                if supplier.country != row.country:
                    plan.changes.append(("country", supplier.country, row.country))
        plan.lines.append(row.line)
        known = {c.email.lower() for c in supplier.contacts} if supplier else set()
        if row.contact_email and row.contact_email not in known \
                and row.contact_email not in plan.new_contacts:
            plan.new_contacts.append(row.contact_email)
        contract = references.get(row.agreement.casefold()) if row.agreement else None
        if contract is not None and contract.reference not in plan.new_agreements and (
                supplier is None or (contract.id, supplier.id) not in linked):
            plan.new_agreements.append(contract.reference)
        if plan.action != "create" and (plan.changes or plan.new_contacts
                                        or plan.new_agreements):
            plan.action = "update"
    result = ImportResult(sorted(plans.values(), key=lambda p: p.lines[0]), sorted(problems),
                          parsed.encoding, parsed.delimiter, apply)
    if apply:
        _apply(session, rows, existing, references, linked, actor)
        record(session, actor, "suppliers.imported", None, created=result.count("create"),
               updated=result.count("update"), unchanged=result.count("unchanged"),
               rows_left_out=len({p.line for p in result.problems}),
               encoding=parsed.encoding)
        session.flush()
    return result


def _apply(session: Session, rows: list[Row], existing: dict[str | None, Supplier],
           references: dict[str, Contract], linked: set[tuple[int, int]], actor: str) -> None:
    seen: set[str] = set()
    for row in rows:
        supplier = existing.get(row.org_number)
        first = row.org_number not in seen  # later lines add contacts and agreements
        seen.add(row.org_number)
        if supplier is None:
            supplier = Supplier(org_number=row.org_number, name=row.name, country=row.country)
            session.add(supplier)
            session.flush()
            existing[row.org_number] = supplier
            record(session, actor, "supplier.created", supplier, org_number=row.org_number,
                   line=row.line)
        elif first and (supplier.name, supplier.country) != (row.name, row.country):
            record(session, actor, "supplier.updated", supplier, line=row.line,
                   name=[supplier.name, row.name], country=[supplier.country, row.country])
            supplier.name, supplier.country = row.name, row.country
        contacts = {c.email.lower(): c for c in supplier.contacts}
        if row.contact_email and row.contact_email not in contacts:
            contact = Contact(name=row.contact_name, email=row.contact_email,
                              language=row.contact_language)
            supplier.contacts.append(contact)
            session.flush()
            record(session, actor, "contact.added", contact, supplier=supplier.id,
                   line=row.line)
        contract = references.get(row.agreement.casefold()) if row.agreement else None
        if contract is not None and (contract.id, supplier.id) not in linked:
            session.add(ContractSupplier(contract_id=contract.id, supplier_id=supplier.id))
            linked.add((contract.id, supplier.id))
            record(session, actor, "supplier.linked", supplier, contract=contract.reference,
                   line=row.line)
    session.flush()
