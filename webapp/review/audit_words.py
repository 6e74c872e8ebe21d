"""The words of the audit log: every recorded action, object and detail, in both languages.

One registry for the audit page, its CSV and the outbox page. Each action code passed
to `webapp.store.audit.record` must have a line in `ACTIONS` (tests/review/test_audit.py
reads every `record(` call in webapp/ and fails on a missing one); a code without words
is still shown, as the code itself, so an unknown event never breaks the page.
Pure Python with no Flask, so a script or the CSV writer can use it too.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from ..store.status import LABELS as STATUS_LABELS


class Words(NamedTuple):
    """One thing said in Swedish and in English."""

    sv: str
    en: str

    def in_(self, lang: str) -> str:
        return self.en if lang == "en" else self.sv


#: action code -> what happened; add a line here with each new `record(...)` code
ACTIONS: dict[str, Words] = {
    "invited": Words("Leverantör inbjuden", "Supplier invited"),
    "token_replaced": Words("Ny länk till leverantören (de gamla slutade gälla)",
                            "New link for the supplier (the old ones stopped working)"),
    "opened": Words("Leverantören öppnade enkäten första gången",
                    "Supplier opened the questionnaire for the first time"),
    "signed_out": Words("Leverantören utloggad överallt", "Supplier signed out everywhere"),
    "status": Words("Status ändrad", "Status changed"),
    "graded": Words("Svar bedömt", "Answer graded"),
    "rating.overridden": Words("Riskklassning satt för hand", "Risk rating set by hand"),
    "rating.override_removed": Words("Handsatt riskklassning borttagen",
                                     "Hand-set risk rating removed"),
    "clarification.replied": Words("Leverantören svarade på en komplettering",
                                   "Supplier replied to a clarification"),
    "attachment.added": Words("Fil bifogad", "File attached"),
    "attachment.downloaded": Words("Fil nedladdad", "File downloaded"),
    "deviation.added": Words("Avvikelse tillagd", "Deviation added"),
    "deviation.reported": Words("Leverantören rapporterade om en avvikelse",
                                "Supplier reported on a deviation"),
    "deviation.updated": Words("Avvikelse ändrad", "Deviation updated"),
    "campaign.created": Words("Uppföljning skapad", "Campaign created"),
    "campaign.closed": Words("Uppföljning stängd", "Campaign closed"),
    "campaign.reopened": Words("Uppföljning öppnad igen", "Campaign reopened"),
    "campaign.exported": Words("Uppföljning exporterad", "Campaign exported"),
    "deadline.extended": Words("Sista svarsdag flyttad för en leverantör",
                               "Deadline extended for one supplier"),
    "questionnaire_version.recorded": Words("Enkätversion sparad",
                                            "Questionnaire version recorded"),
    "suppliers.imported": Words("Leverantörer importerade", "Suppliers imported"),
    "supplier.created": Words("Leverantör skapad", "Supplier created"),
    "supplier.updated": Words("Leverantör ändrad", "Supplier changed"),
    "supplier.linked": Words("Leverantör kopplad till ramavtal",
                             "Supplier linked to a framework agreement"),
    "contact.added": Words("Kontaktperson tillagd", "Contact added"),
    "mail.queued": Words("E-post lagd i utkorgen", "Mail queued in the outbox"),
    "mail.sent": Words("E-post skickad", "Mail sent"),
    "mail.withdrawn": Words("E-post återkallad (behövdes inte längre)",
                            "Mail withdrawn (no longer needed)"),
    "staff.added": Words("Konto skapat", "Account added"),
    "staff.password_link": Words("Länk för att välja lösenord skapad",
                                 "Set-password link created"),
    "staff.password_set": Words("Lösenord valt", "Password set"),
    "staff.signed_out": Words("Utloggad överallt", "Signed out everywhere"),
    "user.invited": Words("Person inbjuden att skapa konto", "Staff member invited"),
    "user.role_changed": Words("Roll ändrad", "Role changed"),
    "user.disabled": Words("Konto avstängt", "Account deactivated"),
    "user.enabled": Words("Konto återaktiverat", "Account reactivated"),
    "user.reset_sent": Words("Länk för nytt lösenord skickad", "Password reset sent"),
    "audit.exported": Words("Händelseloggen exporterad", "Audit log exported"),
}

#: object type (table name) -> what it is
OBJECTS: dict[str, Words] = {
    "response": Words("Svar", "Response"),
    "campaign": Words("Uppföljning", "Campaign"),
    "supplier": Words("Leverantör", "Supplier"),
    "contact": Words("Kontaktperson", "Contact"),
    "attachment": Words("Fil", "File"),
    "deviation": Words("Avvikelse", "Deviation"),
    "outbox_message": Words("E-post", "Mail"),
    "staff_user": Words("Konto", "Account"),
    "questionnaire_version": Words("Enkätversion", "Questionnaire version"),
}

#: detail key -> its label
FIELDS: dict[str, Words] = {
    "response": Words("Svar", "Response"),
    "campaign": Words("Uppföljning", "Campaign"),
    "supplier": Words("Leverantör", "Supplier"),
    "question": Words("Fråga", "Question"),
    "questions": Words("Frågor", "Questions"),
    "old": Words("Före", "Before"),
    "new": Words("Efter", "After"),
    "round": Words("Omgång", "Round"),
    "receipt": Words("Kvitto", "Receipt"),
    "justification": Words("Motivering", "Justification"),
    "reason": Words("Skäl", "Reason"),
    "request_id": Words("Anropets referens", "Request reference"),
    "address": Words("Klientens adress", "Client address"),
    "rules": Words("Enligt reglerna", "By the rules"),
    "file": Words("Fil", "File"),
    "sha256": Words("Kontrollsumma (SHA-256)", "Checksum (SHA-256)"),
    "size": Words("Storlek (byte)", "Size (bytes)"),
    "severity": Words("Allvarlighetsgrad", "Severity"),
    "deadline": Words("Sista dag", "Deadline"),
    "kind": Words("Slag", "Kind"),
    "step": Words("Tillfälle", "Occasion"),
    "delivery": Words("Leverans", "Delivery"),
    "recipients": Words("Mottagare", "Recipients"),
    "status": Words("Status", "Status"),
    "format": Words("Format", "Format"),
    "questionnaire": Words("Enkät", "Questionnaire"),
    "version": Words("Version", "Version"),
    "content_hash": Words("Innehållets kontrollsumma", "Content checksum"),
    "contract": Words("Ramavtal", "Framework agreement"),
    "suppliers": Words("Leverantörer", "Suppliers"),
    "reviewer": Words("Granskare", "Reviewer"),
    "contact": Words("Kontaktperson", "Contact"),
    "role": Words("Roll", "Role"),
    "org_number": Words("Organisationsnummer", "Organisation number"),
    "line": Words("Rad i filen", "Line in the file"),
    "name": Words("Namn", "Name"),
    "country": Words("Land", "Country"),
    "created": Words("Skapade", "Created"),
    "updated": Words("Ändrade", "Changed"),
    "unchanged": Words("Oförändrade", "Unchanged"),
    "rows_left_out": Words("Rader som inte kunde läsas", "Rows left out"),
    "encoding": Words("Teckenkodning", "Encoding"),
    "remaining": Words("Rader kvar att importera", "Lines still to import"),
    "filters": Words("Filter", "Filters"),
    "from": Words("Från och med", "From"),
    "to": Words("Till och med", "To"),
    "actor": Words("Vem", "Who"),
    "action": Words("Händelse", "Action"),
    "not_started": Words("Inte påbörjade", "Not started"),
    "drafts": Words("Utkast", "Drafts"),
    "clarifying": Words("Under komplettering", "Clarifying"),
    "mails_withdrawn": Words("E-post återkallad", "Mails withdrawn"),
    "mails_requeued": Words("E-post lagd i kö igen", "Mails queued again"),
    "waiting": Words("Väntande svar", "Responses waiting"),
    "closed_at": Words("Stängd", "Closed"),
    "before": Words("Före", "Before"),
    "after": Words("Efter", "After"),
    "via": Words("Sätt", "Way"),
    "mail": Words("E-post", "Mail"),
}

#: the mails of the outbox: kind, and the occasion (step) within a kind
MAIL_KINDS: dict[str, Words] = {
    "invitation": Words("Inbjudan", "Invitation"),
    "reminder": Words("Påminnelse", "Reminder"),
    "clarification": Words("Begäran om komplettering", "Clarification requested"),
    "decision": Words("Beslut", "Decision"),
    "deviation": Words("Avvikelse", "Deviation"),
    "new_link": Words("Ny länk på begäran", "New link asked for"),
    "deadline": Words("Ny sista svarsdag", "New deadline"),
    "staff_invite": Words("Inbjudan till personal", "Staff invitation"),
    "staff_reset": Words("Länk för nytt lösenord", "Password link"),
}
MAIL_STEPS: dict[str, Words] = {
    "before": Words("före sista dagen", "before the deadline"),
    "due": Words("sista dagen", "deadline day"),
    "overdue": Words("försenad", "overdue"),
    "manual": Words("begärd av handläggare", "asked by staff"),
    "added": Words("ny", "added"),
    "closed": Words("stängd", "closed"),
    "accepted": Words("godkänd", "accepted"),
    "action_plan": Words("åtgärdsplan", "action plan"),
    "rejected": Words("underkänd", "rejected"),
}

#: named sets of codes a detail value may be one of
VOCABULARIES: dict[str, dict[str, Words]] = {
    "status": {code: Words(w["sv"], w["en"]) for code, w in STATUS_LABELS.items()}
    | {"deactivated": Words("Kontot avstängt", "Account deactivated")},
    "deviation_status": {"open": Words("Öppen", "Open"),
                         "in_progress": Words("Påbörjad", "In progress"),
                         "closed": Words("Stängd", "Closed")},
    "severity": {"minor": Words("Mindre", "Minor"), "major": Words("Större", "Major"),
                 "critical": Words("Kritisk", "Critical")},
    "mail_kind": MAIL_KINDS,
    "mail_step": MAIL_STEPS,
    "delivery": {"smtp": Words("via SMTP-servern", "through the SMTP server"),
                 "printed": Words("utskriven på servern (ingen SMTP)",
                                  "printed on the server (no SMTP)"),
                 "withdrawn": Words("återkallad", "withdrawn")},
    "role": {"admin": Words("Administratör", "Administrator"),
             "reviewer": Words("Granskare", "Reviewer")},
    "via": {"mail": Words("via e-post", "by mail"),
            "link": Words("länk utskriven på servern", "link printed on the server")},
    "export": {"responses.csv": Words("Svar (CSV)", "Responses (CSV)"),
               "tables.csv": Words("Tabeller (CSV)", "Tables (CSV)"),
               "xlsx": Words("Excel (XLSX)", "Excel (XLSX)"),
               "json": Words("JSON", "JSON")},
}

#: detail key -> the vocabulary its value comes from
KEY_VOCABULARY: dict[str, str] = {
    "kind": "mail_kind", "step": "mail_step", "delivery": "delivery", "severity": "severity",
    "role": "role", "format": "export", "status": "status", "via": "via",
}
#: "old" and "new" mean different things per action
OLD_NEW_VOCABULARY: dict[str, str] = {
    "status": "status", "deviation.updated": "deviation_status",
    "deviation.reported": "deviation_status", "user.role_changed": "role",
}
#: the keys of a change from one value to another
CHANGE_PAIR = frozenset({"old", "new", "before", "after"})
#: detail keys whose value is a day written YYYY-MM-DD
DATE_KEYS = frozenset({"deadline"})


def action_name(code: str, lang: str) -> str:
    """The action in words; the code itself for one not (yet) in the registry."""
    words = ACTIONS.get(code)
    return words.in_(lang) if words else code


def object_name(object_type: str, lang: str) -> str:
    words = OBJECTS.get(object_type)
    return words.in_(lang) if words else object_type


def field_name(key: str, lang: str) -> str:
    words = FIELDS.get(key)
    return words.in_(lang) if words else key.replace("_", " ")


def vocabulary_of(action: str, key: str) -> dict[str, Words] | None:
    """The words a detail value is one of, if its key (for this action) has them."""
    name = OLD_NEW_VOCABULARY.get(action) if key in CHANGE_PAIR else KEY_VOCABULARY.get(key)
    return VOCABULARIES.get(name) if name else None


def coded_value(action: str, key: str, value: Any, lang: str) -> str | None:
    """A coded value in words ("accepted" -> "Godkänd"), None if it is not coded."""
    vocabulary = vocabulary_of(action, key)
    if vocabulary is None or not isinstance(value, str) or value not in vocabulary:
        return None
    return vocabulary[value].in_(lang)


def mail_kind(kind: str, step: str | None, lang: str) -> str:
    """"Påminnelse, begärd av handläggare": what a queued mail is, in words."""
    words = MAIL_KINDS.get(kind)
    text = words.in_(lang) if words else kind
    if step:
        step_words = MAIL_STEPS.get(step)
        text += ", " + (step_words.in_(lang) if step_words else step)
    return text
