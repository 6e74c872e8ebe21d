"""The staff navigation: one registry of the pages a reviewer or administrator moves between.

Every staff page extends `staff_base.html`, whose header lists these entries. An entry
shows only if its endpoint is registered in the running app, so a page another part of the
app adds (the accounts page, say) appears in the menu by being listed here once, and an
app without it shows no dead link. Who sees an entry follows the audience its view
declares (access.py): a page for "admin" is left out of a reviewer's menu, who would get a
404 there anyway.

A page under an entry (its address goes on below the entry's, like /staff/campaigns/7
below /staff/campaigns, or starts with one of the entry's `below` prefixes) highlights
that entry as the section; only the entry's own page carries aria-current="page".
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from flask import current_app, request, url_for
from flask_babel import lazy_gettext as _
from flask_login import current_user

from . import bp


@dataclass(frozen=True)
class Entry:
    endpoint: str
    label: str
    below: tuple[str, ...] = ()  # more address prefixes of the pages under this entry


ENTRIES = (
    Entry("review.dashboard", _("Overview")),
    Entry("review.campaigns", _("Campaigns"), below=("/staff/responses/",)),
    Entry("review.suppliers", _("Suppliers")),
    Entry("author.index", _("Questionnaires"), below=("/questionnaires/",)),
    Entry("review.outbox_page", _("Mail outbox")),
    Entry("review.audit_log", _("Audit log")),
    Entry("auth.accounts", _("Accounts")),
)

ROLES = {"admin": _("Administrator"), "reviewer": _("Reviewer")}


@dataclass(frozen=True)
class Link:
    """One entry as the header shows it to the signed-in person on this page."""

    url: str
    label: str
    current: bool  # this very page: aria-current="page"
    in_section: bool  # a page under this entry: highlighted, not announced as the page


def visible(entry: Entry, views: Mapping[str, Callable], is_admin: bool) -> bool:
    """Whether the entry belongs in the menu: its page exists and the person may see it."""
    view = views.get(entry.endpoint)
    return view is not None and (is_admin or getattr(view, "audience", None) == "staff")


@bp.app_template_global()
def staff_links() -> list[Link]:
    """The menu for the signed-in person, the current page marked."""
    views = current_app.view_functions
    here = request.endpoint
    is_admin = bool(getattr(current_user, "is_admin", False))
    links = []
    for entry in ENTRIES:
        if not visible(entry, views, is_admin):
            continue
        url = url_for(entry.endpoint)
        prefixes = entry.below if url.endswith("/") else (url + "/", *entry.below)
        links.append(Link(url, str(entry.label), here == entry.endpoint,
                          request.path.startswith(prefixes)))
    return links


@bp.app_template_global()
def staff_role(role: str) -> str:
    """The person's role in words ("Administratör"), shown beside their name."""
    return str(ROLES.get(role, role))
