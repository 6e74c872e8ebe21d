"""The supplier import and campaign creation in the store, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from webapp.store.campaigns import CampaignError, create_campaign
from webapp.store.models import Contract, Response, Supplier
from webapp.store.supplier_csv import parse_text
from webapp.store.supplier_import import import_rows
from webapp.store.suppliers import suppliers_list
from webapp.store.versions import record_version

CSV = ("organisationsnummer;namn;land;e-post;ramavtal\n"
       "556677-8899;Kedjan AB;SE;a@kedjan.example;{ref}\n"
       "556677-8899;Kedjan AB;SE;b@kedjan.example;\n"
       "DE123;Handschuh GmbH;de;h@handschuh.example;{ref}\n")


def test_import_is_an_upsert_and_idempotent(session, backend):
    contract = Contract(name="Bristvaror 2020", reference=f"BV-{backend}", year=2020,
                        risk_areas=[])
    session.add(contract)
    session.flush()
    parsed = parse_text(CSV.format(ref=contract.reference))
    assert parsed.delimiter == ";" and not parsed.problems
    first = import_rows(session, parsed, "test")
    assert [(p.org_number, p.action) for p in first.suppliers] == [
        ("556677-8899", "create"), ("DE123", "create")]
    listed = {s.org_number: (s, agreements) for s, agreements in suppliers_list(session)}
    kedjan, agreements = listed["556677-8899"]
    assert [c.email for c in kedjan.contacts] == ["a@kedjan.example", "b@kedjan.example"]
    assert [a.reference for a in agreements] == [contract.reference]
    assert listed["DE123"][0].country == "DE"
    again = import_rows(session, parse_text(CSV.format(ref=contract.reference)), "test")
    assert {p.action for p in again.suppliers} == {"unchanged"}
    assert len(session.scalars(select(Supplier)).all()) == 2


def test_campaign_invites_the_chosen_suppliers(session, backend, masks):
    contract = Contract(name="Hälso- och sjukvårdsmaterial", reference=f"HSM-{backend}",
                        year=2018, risk_areas=[])
    contract.suppliers.extend([Supplier(name="A AB", org_number=f"A-{backend}"),
                               Supplier(name="B AB", org_number=f"B-{backend}")])
    session.add(contract)
    session.flush()
    version = record_version(session, masks)
    created = create_campaign(session, name="Runda 1", version=version, contract=contract,
                              suppliers=contract.suppliers[:1],
                              deadline=date.today() + timedelta(days=10), reviewer=None,
                              actor="test")
    assert [r.supplier.name for r, _token in created.invitations] == ["A AB"]
    assert session.scalars(select(Response).where(
        Response.campaign_id == created.campaign.id)).all()[0].status == "invited"
    with pytest.raises(CampaignError):
        create_campaign(session, name="Sen", version=version, contract=contract,
                        suppliers=contract.suppliers, deadline=date.today(), reviewer=None,
                        actor="test")
