"""Suppliers and their contacts: the list staff see.

The CSV import that fills it is store/supplier_import.py.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from .models import Contract, ContractSupplier, Supplier


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
