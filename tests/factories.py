"""Test data: a contract with a campaign and invited suppliers, staff users."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

from sqlalchemy.orm import Session

from webapp.store.models import Campaign, Contact, Contract, StaffUser, Supplier
from webapp.store.responses import invite
from webapp.store.versions import record_version


def make_campaign(session: Session, questionnaire, suppliers: int = 1,
                  deadline: date | None = None):
    """A contract, a campaign on it and invited suppliers; returns (campaign, invitations)."""
    tag = uuid.uuid4().hex[:6]
    contract = Contract(name=f"Hälso- och sjukvårdsmaterial {tag}", reference=f"HSM-{tag}",
                        year=2018, risk_areas=["medical"])
    version = record_version(session, questionnaire)
    campaign = Campaign(name=f"Uppföljning {tag}", questionnaire_version=version,
                        contract=contract, deadline=deadline or date.today() + timedelta(30))
    session.add_all([contract, campaign])
    invitations = []
    for n in range(suppliers):
        supplier = Supplier(name=f"Leverantör {tag}-{n} AB", org_number=f"55{tag}-{n:04d}",
                            country="SE")
        supplier.contacts.append(Contact(name="Kim Kontakt", email=f"kim{n}@{tag}.example",
                                         language="sv"))
        contract.suppliers.append(supplier)
        session.add(supplier)
        invitations.append(invite(session, campaign, supplier, actor="staff@example.org"))
    session.flush()
    return campaign, invitations


def make_staff(session: Session, role: str = "reviewer") -> StaffUser:
    user = StaffUser(email=f"{role}-{uuid.uuid4().hex[:6]}@region.example", name="Rita Granskare",
                     role=role, password_hash=None)
    session.add(user)
    session.flush()
    return user
