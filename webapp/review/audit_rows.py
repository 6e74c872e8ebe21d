"""Audit events as people read them: who, what in words, the object and the details.

Shared by the audit page (with links) and its CSV download (text only). Every id is
shown as the name it stands for, with a link to the staff page where one exists; every
coded value in words; days in the reader's style. Nothing is cut off: long values wrap
on the page and stay whole in the CSV.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from ..definitions.fields import text_in
from ..formats import date_text, datetime_text, number_text
from ..store.audit_log import Names, supplier_of_actor
from ..store.models import AuditEvent
from .audit_words import (
    CHANGE_PAIR,
    DATE_KEYS,
    Words,
    action_name,
    coded_value,
    field_name,
    mail_kind,
    object_name,
)

#: builds a link: (endpoint, its arguments, an anchor) -> URL, or None where there is none
Linker = Callable[[str, dict[str, Any], str | None], str | None]

YES_NO = {True: Words("Ja", "Yes"), False: Words("Nej", "No")}
UNKNOWN = Words("(finns inte längre)", "(no longer exists)")
SUPPLIER_CONTACT = Words("Leverantörens kontakt", "Supplier's contact")


@dataclass(frozen=True)
class Ref:
    """Something named, with the page it is on (None: no page)."""

    text: str
    url: str | None = None


@dataclass
class Line:
    """One event as shown."""

    event: AuditEvent
    actor: Ref
    action: str
    kind: str  # what kind of object, in words ("" for none)
    object: Ref | None
    details: list[tuple[str, Ref]] = field(default_factory=list)


def _no_link(_endpoint: str, _arguments: dict[str, Any], _anchor: str | None) -> None:
    return None


class Reader:
    """Turns events into `Line`s in one language, with the names of `names`."""

    def __init__(self, names: Names, lang: str, link: Linker = _no_link, tz: str | None = None):
        self.names, self.lang, self.link, self.tz = names, lang, link, tz

    # -- the objects an id can point at

    def response(self, rid: int) -> Ref:
        found = self.names.responses.get(rid)
        if found is None:
            return Ref(f"#{rid} {UNKNOWN.in_(self.lang)}")
        _cid, _sid, supplier, campaign = found
        return Ref(f"{supplier} – {campaign}",
                   self.link("review.response_page", {"response_id": rid}, None))

    def campaign(self, cid: int) -> Ref:
        name = self.names.campaigns.get(cid)
        if name is None:
            return Ref(f"#{cid} {UNKNOWN.in_(self.lang)}")
        return Ref(name, self.link("review.campaign", {"campaign_id": cid}, None))

    def supplier(self, sid: int) -> Ref:
        name = self.names.suppliers.get(sid)
        if name is None:
            return Ref(f"#{sid} {UNKNOWN.in_(self.lang)}")
        return Ref(name, self.link("review.suppliers", {}, None))

    def attachment(self, aid: int) -> Ref:
        found = self.names.attachments.get(aid)
        if found is None:
            return Ref(f"#{aid} {UNKNOWN.in_(self.lang)}")
        name, rid = found
        return Ref(name, self.link("review.response_page", {"response_id": rid}, None))

    def deviation(self, did: int) -> Ref:
        found = self.names.deviations.get(did)
        if found is None:
            return Ref(f"#{did} {UNKNOWN.in_(self.lang)}")
        description, rid = found
        short = description if len(description) <= 90 else description[:89].rstrip() + "…"
        return Ref(short, self.link("review.response_page", {"response_id": rid},
                                    f"dev-{did}"))

    def contact(self, cid: int) -> Ref:
        found = self.names.contacts.get(cid)
        if found is None:
            return Ref(f"#{cid} {UNKNOWN.in_(self.lang)}")
        return Ref(found[0], self.link("review.suppliers", {}, None))

    def staff_user(self, uid: int) -> Ref:
        name = self.names.staff.get(uid)
        if name is None:
            return Ref(f"#{uid} {UNKNOWN.in_(self.lang)}")
        # the person's account page (auth.account, with account administration)
        return Ref(name, self.link("auth.account", {"user_id": uid}, None))

    def questionnaire_version(self, vid: int) -> Ref:
        found = self.names.versions.get(vid)
        if found is None:
            return Ref(f"#{vid} {UNKNOWN.in_(self.lang)}")
        qid, version = found
        return Ref(f"{qid}, version {version}",
                   self.link("author.preview", {"questionnaire_id": qid}, None))

    def outbox_message(self, event: AuditEvent) -> Ref:
        details = event.details or {}
        text = mail_kind(str(details.get("kind") or ""), details.get("step"), self.lang) \
            if details.get("kind") else object_name("outbox_message", self.lang)
        return Ref(text, self.link("review.outbox_page", {}, None))

    def mail(self, mid: int) -> Ref:
        """A queued mail (an id in the details): the outbox, where it is listed."""
        return Ref(f"{object_name('outbox_message', self.lang)} #{mid}",
                   self.link("review.outbox_page", {}, None))

    # -- one event

    def line(self, event: AuditEvent) -> Line:
        return Line(event=event, actor=self.actor(event.actor),
                    action=action_name(event.action, self.lang),
                    kind=object_name(event.object_type, self.lang) if event.object_type else "",
                    object=self.object(event), details=self.details(event))

    def actor(self, actor: str) -> Ref:
        supplier = supplier_of_actor(actor)
        if supplier is not None:
            email = actor.split(":", 2)[2] if actor.count(":") >= 2 else ""
            name = self.names.suppliers.get(supplier, f"#{supplier}")
            return Ref(f"{SUPPLIER_CONTACT.in_(self.lang)}: {name}"
                       + (f" <{email}>" if email else ""))
        name = self.names.staff_by_email.get(actor)
        return Ref(f"{name} <{actor}>" if name else actor)

    def object(self, event: AuditEvent) -> Ref | None:
        if not event.object_type:
            return None
        if event.object_type == "outbox_message":
            return self.outbox_message(event)
        show = getattr(self, event.object_type, None) \
            if event.object_type in OBJECT_TYPES else None
        if show is None or event.object_id is None:
            return Ref(f"#{event.object_id}" if event.object_id is not None else "")
        return show(event.object_id)

    def details(self, event: AuditEvent) -> list[tuple[str, Ref]]:
        shown = []
        for key, value in (event.details or {}).items():
            if (value is None and key not in CHANGE_PAIR) or value == "" or value == []:
                continue
            shown.append((field_name(key, self.lang), self.value(event, key, value)))
        return shown

    def value(self, event: AuditEvent, key: str, value: Any) -> Ref:
        if value is None:
            return Ref("—")
        points_at = ID_KEYS.get(key)
        if points_at and isinstance(value, int) and not isinstance(value, bool):
            return getattr(self, points_at)(value)
        if key == "question" and isinstance(value, str):
            return Ref(self._question(event, value))
        words = coded_value(event.action, key, value, self.lang)
        if words is not None:
            return Ref(words)
        if key in CHANGE_KEYS and isinstance(value, list) and len(value) == 2:
            return Ref(f"{self.plain(value[0]) or '—'} → {self.plain(value[1]) or '—'}")
        if isinstance(value, str) and (key in DATE_KEYS or ISO_DAY.fullmatch(value)):
            try:
                return Ref(date_text(date.fromisoformat(value), self.lang))
            except ValueError:
                return Ref(value)
        if isinstance(value, str) and ISO_MOMENT.fullmatch(value):
            return Ref(datetime_text(datetime.fromisoformat(value), self.lang, self.tz))
        return Ref(self.plain(value))

    def _question(self, event: AuditEvent, question_id: str) -> str:
        rid = event.object_id if event.object_type == "response" else \
            (event.details or {}).get("response")
        q = self.names.questionnaires.get(rid) if isinstance(rid, int) else None
        question = q.questions.get(question_id) if q else None
        if question is None:
            return question_id
        label = text_in(question.label or question.text, self.lang, "sv")
        return f"{label} ({question_id})" if label else question_id

    def plain(self, value: Any) -> str:
        """Any stored value as text: numbers the reader's way, a change as "a → b"."""
        if isinstance(value, bool):
            return YES_NO[value].in_(self.lang)
        if isinstance(value, int | float):
            return number_text(value, self.lang)
        if value is None:
            return ""
        if isinstance(value, list):
            return ", ".join(self.plain(v) for v in value)
        if isinstance(value, dict):  # e.g. the filters of an export: "Händelse: Svar bedömt"
            return "; ".join(f"{field_name(k, self.lang)}: "
                             f"{action_name(v, self.lang) if k == 'action' else self.plain(v)}"
                             for k, v in value.items())
        return str(value)

    def when(self, moment: datetime) -> str:
        """The moment for a spreadsheet: "2026-12-01 19:16:03", in the buyer's zone."""
        from ..formats import local

        return local(moment, self.tz).strftime("%Y-%m-%d %H:%M:%S")


#: object types with a method of `Reader` of the same name
OBJECT_TYPES = frozenset({"response", "campaign", "supplier", "attachment", "deviation",
                          "contact", "staff_user", "questionnaire_version"})
#: a day and a moment as stored in details (ISO 8601)
ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
ISO_MOMENT = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?([+-]\d{2}:\d{2}|Z)?")
#: detail keys whose value is [before, after]
CHANGE_KEYS = frozenset({"name", "country"})
#: detail keys whose value is the id of an object
ID_KEYS = {"response": "response", "campaign": "campaign", "supplier": "supplier",
           "file": "attachment", "mail": "mail"}
