"""Benchmark: the supplier CSV import, as a ratio to bare SQLAlchemy Core on the same rows.

Run: .venv/bin/python bench/suppliers.py [--rows 10000] [--repeat 3] [--url URL]
                                          [--before REV]

Each round imports the same generated file (tests/support/supplier_files.py: one supplier
in three with two contact lines, one line in four naming an agreement) into a fresh
database three ways, alternated so the machine's load falls on all alike:

* kedjekoll: `store.supplier_import.import_file`, in batches of short transactions;
* bare: SQLAlchemy Core inserting the same suppliers, contacts, links and audit events
  in one transaction, with nothing checked (the floor);
* before (with `--before REV`, e.g. dfc1c5e): `import_rows` as it was at that git
  revision, one transaction (its module is read with `git show`).

It prints the median CPU time (time.process_time: SQLite runs in this process, so its
work is counted; on PostgreSQL the server's is not) and wall time of each, and the
ratios. The wall time includes the pauses the import leaves between batches on SQLite
so that waiting writers get the lock (SQLITE_PAUSE, 0.12 s per batch).

Measured on the shared 2-core development machine (1 December 2026, 10,000 rows,
`--repeat 1 --before dfc1c5e`, load average 9-16 from other work, so the wall times
are long and the ratios are the figures to read):

    SQLite              CPU       wall
    before (dfc1c5e)   47.2 s   257.9 s   one transaction holding the write lock
    kedjekoll           1.4 s    10.2 s   20 batches, 0.12 s pause after each
    bare Core           1.2 s     9.4 s
    before / kedjekoll 33x; kedjekoll / bare Core 1.2x

    PostgreSQL (client CPU only; the server's work is in the wall time)
    kedjekoll           2.8 s    13.2 s
    bare Core           2.2 s     9.8 s
"""

from __future__ import annotations

import argparse
import importlib.util
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import insert, select

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.support.supplier_files import supplier_file  # noqa: E402
from webapp.store.db import make_engine, session_factory, unit_of_work  # noqa: E402
from webapp.store.migrate import upgrade  # noqa: E402
from webapp.store.models import (  # noqa: E402
    AuditEvent,
    Contact,
    Contract,
    ContractSupplier,
    Supplier,
)
from webapp.store.supplier_csv import parse_text  # noqa: E402
from webapp.store.supplier_import import import_file  # noqa: E402

REFERENCE = "SK-2020"


def fresh(url: str | None, folder: Path, n: int):
    """A migrated database holding the agreement the file names."""
    engine = make_engine(url or f"sqlite:///{folder / f'bench-{n}.sqlite3'}")
    upgrade(engine)
    factory = session_factory(engine)
    with unit_of_work(factory) as session:
        if session.scalar(select(Contract.id).where(Contract.reference == REFERENCE)) is None:
            session.add(Contract(name="Skyddsutrustning", reference=REFERENCE, year=2020,
                                 risk_areas=[]))
    return engine, factory


def before_module(rev: str):
    """store/suppliers.py as it was at `rev`, importable beside today's modules."""
    source = subprocess.run(["git", "-C", str(ROOT), "show", f"{rev}:webapp/store/suppliers.py"],
                            check=True, capture_output=True, text=True).stdout
    spec = importlib.util.spec_from_loader("webapp.store._before", loader=None)
    module = importlib.util.module_from_spec(spec)
    module.__package__ = "webapp.store"
    sys.modules[spec.name] = module  # its dataclasses look their module up
    exec(compile(source, f"{rev}:webapp/store/suppliers.py", "exec"), module.__dict__)
    return module


def bare(factory, parsed) -> None:
    """The same rows with Core, unchecked, in one transaction."""
    with unit_of_work(factory) as session:
        contract = session.scalar(select(Contract.id).where(Contract.reference == REFERENCE))
        first: dict[str, tuple] = {}
        for row in parsed.rows:
            first.setdefault(row.org_number, row)
        ids = dict(session.execute(
            insert(Supplier.__table__).returning(Supplier.org_number, Supplier.id),
            [{"org_number": r.org_number, "name": r.name, "country": r.country}
             for r in first.values()]).tuples().all())
        contacts = list(session.scalars(insert(Contact.__table__).returning(Contact.id), [
            {"supplier_id": ids[r.org_number], "name": r.contact_name,
             "email": r.contact_email, "language": r.contact_language}
            for r in parsed.rows]))
        session.execute(insert(ContractSupplier.__table__), [
            {"contract_id": contract, "supplier_id": ids[r.org_number]}
            for r in parsed.rows if r.agreement])
        session.execute(insert(AuditEvent.__table__), [
            {"actor": "bench", "action": "supplier.created", "object_type": "supplier",
             "object_id": i, "details": {"line": 0}} for i in ids.values()] + [
            {"actor": "bench", "action": "contact.added", "object_type": "contact",
             "object_id": i, "details": {"line": 0}} for i in contacts])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--url", default=None, help="a PostgreSQL URL (default: SQLite)")
    parser.add_argument("--before", default=None, metavar="REV",
                        help="also time import_rows as it was at this git revision")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="kedjekoll-bench-"))
    text = supplier_file(args.rows, (REFERENCE,))
    old = before_module(args.before) if args.before else None
    ways = {"kedjekoll": lambda f, p: import_file(f, p, "bench"), "bare Core": bare}
    if old is not None:
        ways[f"before ({args.before})"] = lambda f, p: _before(old, f, p)
    cpu: dict[str, list[float]] = {name: [] for name in ways}
    wall: dict[str, list[float]] = {name: [] for name in ways}
    count = 0
    for _ in range(args.repeat):
        for name, way in ways.items():
            count += 1
            # on PostgreSQL each round uses other organisation numbers in the same database
            parsed = parse_text(supplier_file(args.rows, (REFERENCE,), prefix=f"{count:02d}")
                                if args.url else text)
            engine, factory = fresh(args.url, folder, count)
            started, spent = time.perf_counter(), time.process_time()
            way(factory, parsed)
            cpu[name].append(time.process_time() - spent)
            wall[name].append(time.perf_counter() - started)
            engine.dispose()
            print(f"  {name:22} CPU {cpu[name][-1]:7.2f} s   wall {wall[name][-1]:7.2f} s")
    backend = "PostgreSQL" if args.url else "SQLite"
    print(f"\n{args.rows} rows, {backend}, median of {args.repeat}:")
    median = {name: statistics.median(values) for name, values in cpu.items()}
    for name in ways:
        print(f"  {name:22} CPU {median[name]:7.2f} s   wall "
              f"{statistics.median(wall[name]):7.2f} s")
    print(f"  kedjekoll / bare Core: {median['kedjekoll'] / median['bare Core']:.1f}x CPU")
    if old is not None:
        print(f"  before / kedjekoll:    "
              f"{median[f'before ({args.before})'] / median['kedjekoll']:.1f}x CPU")


def _before(module, factory, parsed) -> None:
    with unit_of_work(factory) as session:
        module.import_rows(session, parsed, "bench")


if __name__ == "__main__":
    main()
