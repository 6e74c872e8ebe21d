"""The person at the buyer a supplier can ask: shown on every supplier page and error page.

The campaign of the supplier's response names one. Where no response is known (a link
that does not work, a page outside a session), the buyer's general contact from the
configuration (KEDJEKOLL_BUYER_CONTACT_*) is shown, if there is one: an unknown link and
an expired one must look the same (shared/security.md S6), so neither names a campaign.
"""

from __future__ import annotations

from flask import Flask, current_app, g
from sqlalchemy.exc import SQLAlchemyError

from ..access import current_response
from ..mailer import general_contact
from ..store.campaigns import BuyerContact


def buyer_contact() -> BuyerContact | None:
    """The contact of the signed-in supplier's campaign, else the buyer's general one."""
    response = g.get("response")
    if response is None:
        try:
            response = current_response()
        except SQLAlchemyError:  # an error page must render even when the database fails
            response = None
    if response is not None:
        named = BuyerContact.of(response.campaign)
        if named is not None:
            return named
    return general_contact(current_app.config)


def tel(phone: str) -> str:
    """A phone number as a `tel:` address: digits and a leading plus only."""
    return "".join(c for c in phone if c.isdigit() or (c == "+" and not phone.index(c)))


def init_contact(app: Flask) -> None:
    @app.context_processor
    def contact():
        return {"buyer_contact": buyer_contact, "tel": tel}
