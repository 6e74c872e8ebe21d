"""The status machine of a response: the only place a status changes.

    invited ─► in_progress ─► submitted ─► in_review ─┬─► accepted ──────► closed
                                   ▲                  ├─► action_plan ─┬─► closed
                                   │                  │                └─► accepted
                                   └── clarification_requested ◄┘      rejected ─► closed

Every transition writes exactly one audit event. "Overdue" is not a status: it is
derived from the response's deadline (`is_overdue`, with store/deadlines.py
`deadline_for`).

A campaign is open or closed (CAMPAIGN_*). Closing freezes what suppliers may do, not
their statuses: `may_answer` is the one test of whether a supplier may change answers
and submit, and a reopened campaign lets them carry on where they were.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy.orm import Session

from .audit import record
from .models import Response, utcnow

INVITED = "invited"
IN_PROGRESS = "in_progress"
SUBMITTED = "submitted"
IN_REVIEW = "in_review"
CLARIFICATION = "clarification_requested"
ACCEPTED = "accepted"
ACTION_PLAN = "action_plan"
REJECTED = "rejected"
CLOSED = "closed"

STATUSES = (INVITED, IN_PROGRESS, SUBMITTED, IN_REVIEW, CLARIFICATION, ACCEPTED,
            ACTION_PLAN, REJECTED, CLOSED)

TRANSITIONS: dict[str, frozenset[str]] = {
    INVITED: frozenset({IN_PROGRESS, CLOSED}),
    IN_PROGRESS: frozenset({SUBMITTED, CLOSED}),
    SUBMITTED: frozenset({IN_REVIEW, CLOSED}),
    IN_REVIEW: frozenset({CLARIFICATION, ACCEPTED, ACTION_PLAN, REJECTED}),
    CLARIFICATION: frozenset({SUBMITTED, CLOSED}),
    ACCEPTED: frozenset({CLOSED}),
    ACTION_PLAN: frozenset({ACCEPTED, CLOSED}),
    REJECTED: frozenset({CLOSED}),
    CLOSED: frozenset(),
}

#: statuses in which the supplier may change answers
EDITABLE = frozenset({INVITED, IN_PROGRESS, CLARIFICATION})
#: statuses that count as "answered" in tracking
ANSWERED = frozenset({SUBMITTED, IN_REVIEW, CLARIFICATION, ACCEPTED, ACTION_PLAN, REJECTED})
DECISIONS = frozenset({ACCEPTED, ACTION_PLAN, REJECTED})

LABELS = {
    INVITED: {"sv": "Inbjuden", "en": "Invited"},
    IN_PROGRESS: {"sv": "Påbörjad", "en": "In progress"},
    SUBMITTED: {"sv": "Inskickad", "en": "Submitted"},
    IN_REVIEW: {"sv": "Granskas", "en": "In review"},
    CLARIFICATION: {"sv": "Komplettering begärd", "en": "Clarification requested"},
    ACCEPTED: {"sv": "Godkänd", "en": "Accepted"},
    ACTION_PLAN: {"sv": "Åtgärdsplan", "en": "Action plan"},
    REJECTED: {"sv": "Underkänd", "en": "Rejected"},
    CLOSED: {"sv": "Avslutad", "en": "Closed"},
}


#: a campaign's statuses: open (suppliers answer) or closed (reviews go on, answers wait)
CAMPAIGN_OPEN, CAMPAIGN_CLOSED = "open", "closed"
CAMPAIGN_LABELS = {
    CAMPAIGN_OPEN: {"sv": "Öppen", "en": "Open"},
    CAMPAIGN_CLOSED: {"sv": "Stängd", "en": "Closed"},
}


def may_answer(response: Response) -> bool:
    """The supplier may change answers and submit: its status allows it and its campaign
    is open. Every supplier page and store function asks this, never EDITABLE alone."""
    return response.status in EDITABLE and response.campaign.status == CAMPAIGN_OPEN


def held_by_closing(response: Response) -> bool:
    """The supplier would be answering, but the campaign is closed: what it sees says so."""
    return response.status in EDITABLE and response.campaign.status == CAMPAIGN_CLOSED


class IllegalTransition(Exception):
    """A status change the process does not allow."""

    def __init__(self, current: str, wanted: str):
        self.current, self.wanted = current, wanted
        allowed = ", ".join(sorted(TRANSITIONS.get(current, ()))) or "none"
        super().__init__(f"a response that is '{current}' cannot become '{wanted}' "
                         f"(allowed next: {allowed})")


def transition(session: Session, response: Response, wanted: str, actor: str,
               **details) -> None:
    """Move the response to `wanted`, or raise IllegalTransition; one audit event."""
    current = response.status
    if wanted not in TRANSITIONS.get(current, frozenset()):
        raise IllegalTransition(current, wanted)
    response.status = wanted
    now = utcnow()
    if wanted == SUBMITTED:
        response.submitted_at = now
    elif wanted in DECISIONS:
        response.decided_at = now
    record(session, actor, "status", response, old=current, new=wanted, **details)


def is_overdue(status: str, deadline: date, today: date | None = None) -> bool:
    """Past the deadline without an answer (never stored: it changes with the date)."""
    today = today or datetime.now().date()
    return status in (INVITED, IN_PROGRESS) and today > deadline
