"""How a stored verdict reads on staff pages: the risk rating with why it is what it is.

Every figure comes from a verdict record as `store/verdicts.py` writes it (on the
response for the latest round, on the round's review or submission for an older one);
this module only words it. Two figures are kept apart everywhere: the due-diligence
score (0-100, how well the supplier manages its risks) and the risk rating (a band the
flags decide and the score can only lower, or the reviewer's band with a reason).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from typing import Any

from flask_babel import format_decimal, ngettext
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..definitions import Questionnaire
from ..definitions.fields import text_in
from ..definitions.scoring import score_band
from ..rendering import current_language
from ..store.models import Campaign, QuestionnaireVersion, Response, Review, Submission
from ..store.verdicts import CHANGED
from ..store.versions import definition

Record = Mapping[str, Any]


def round_record(response: Response, submission: Submission, review: Review | None,
                 latest: bool) -> Record:
    """The verdict of one round: the response's own for the latest, else the round's."""
    if latest and response.verdict:
        return response.verdict
    return (review.score if review is not None and review.score else submission.score) or {}


def band_label(q: Questionnaire, band: str | None) -> str:
    """The band's label in the page's language ("—" for none)."""
    found = next((r for r in q.ratings if r.id == band), None)
    if found is None:
        return band or "—"
    return text_in(found.label, current_language(), "sv")


def rating_labels(questionnaires: Iterable[Questionnaire]) -> dict[str, str]:
    """Rating id -> its label in the page's language, lowest risk first.

    For figures summed over several questionnaires (the overview): the first
    questionnaire that names a rating gives its label.
    """
    lang = current_language()
    bands: dict[str, tuple[float, str]] = {}
    for q in questionnaires:
        for r in q.ratings:
            bands.setdefault(r.id, (r.min_score, text_in(r.label, lang, "sv")))
    return {rid: label for rid, (_score, label) in
            sorted(bands.items(), key=lambda item: -item[1][0])}


def campaign_rating_labels(session: Session) -> dict[str, str]:
    """The rating labels of every questionnaire version a campaign uses (one query)."""
    used = select(Campaign.questionnaire_version_id)
    versions = session.scalars(select(QuestionnaireVersion)
                               .where(QuestionnaireVersion.id.in_(used))
                               .order_by(QuestionnaireVersion.id))
    return rating_labels(definition(v) for v in versions)


def score_text(record: Record) -> str:
    total = record.get("total")
    return format_decimal(total) if total is not None else "—"


def deciding_flags(q: Questionnaire, record: Record | None) -> list[Mapping[str, Any]]:
    """The raised flags that put the rules' rating above the score's band (none when the
    score's band is the rating): what the review page marks as deciding it."""
    if not record:
        return []
    rating = record.get("rules_rating", record.get("rating"))
    if rating is None or rating == score_band(q, record.get("total")):
        return []
    defined = {f.id: f for f in q.flags}
    return [hit for hit in record.get("flags", ()) if hit.get("id") in defined
            and q.flag_band(defined[hit["id"]]) == rating]


def _flag_reason(q: Questionnaire, record: Record) -> str | None:
    """The flags that put the rating above the score's band, counted ("2 red flags")."""
    deciding = deciding_flags(q, record)
    red = sum(1 for hit in deciding if hit.get("severity") == "red")
    amber = len(deciding) - red
    parts = []
    if red:
        parts.append(ngettext("%(num)s red flag", "%(num)s red flags", red))
    if amber:
        parts.append(ngettext("%(num)s amber flag", "%(num)s amber flags", amber))
    return ", ".join(parts) or None


def rating_text(q: Questionnaire, record: Record | None) -> str:
    """The rating in force and why: "High risk: 2 red flags", or the reviewer's reason."""
    if not record or not record.get("rating"):
        return "—"
    label = band_label(q, record["rating"])
    override = record.get("override")
    if override:
        return _("%(rating)s, set by the reviewer: %(why)s (by the rules: %(rules)s)",
                 rating=label, why=override.get("justification", ""),
                 rules=band_label(q, record.get("rules_rating")))
    reason = _flag_reason(q, record)
    if reason is None and record.get("total") is not None:
        reason = _("due-diligence score %(score)s", score=score_text(record))
    return _("%(rating)s: %(reason)s", rating=label, reason=reason) if reason else label


def rating_short(q: Questionnaire, record: Record | None) -> str:
    """The rating in a table cell: its label, and whether the reviewer set it."""
    if not record or not record.get("rating"):
        return "—"
    label = band_label(q, record["rating"])
    if record.get("override"):
        return _("%(rating)s, set by the reviewer", rating=label)
    return label


def grades_in_force(record: Record, review: Review | None, round_: int) -> dict[str, dict]:
    """Question id -> {points, comment, round} of the grades the record counts.

    Records written before grades carried their round have no "grades": their round's
    own grade rows stand in.
    """
    if "grades" in record:
        return dict(record["grades"])
    if review is None:
        return {}
    return {g.question_id: {"points": g.points, "comment": g.comment, "round": round_}
            for g in review.grades if g.points is not None or g.comment}


def lost_notes(record: Record, before: Record | None, previous_round: int | None,
               changed: Collection[str] = ()) -> dict[str, str]:
    """Question id -> why its earlier grade no longer counts and that it needs a new one.

    A question reopened for clarification whose answer then changed reads as changed:
    that is what the reviewer needs to know about it.
    """
    notes = {}
    earlier = (before or {}).get("grades", {})
    for qid, why in record.get("lost", {}).items():
        n = earlier.get(qid, {}).get("round", previous_round)
        if why == CHANGED or qid in changed:
            notes[qid] = _("The answer has changed since it was graded in round %(n)s: "
                           "grade it again.", n=n)
        else:
            notes[qid] = _("The question was reopened for clarification after it was "
                           "graded in round %(n)s: grade it again.", n=n)
    return notes


def overridden(session: Session, response_ids: Iterable[int]) -> dict[int, str]:
    """Response id -> the reviewer's justification, for responses whose rating was set
    by hand (one query for a page of rows)."""
    ids = list(response_ids)
    if not ids:
        return {}
    rows = session.execute(select(Response.id, Response.verdict).where(Response.id.in_(ids)))
    return {rid: (verdict.get("override") or {}).get("justification", "")
            for rid, verdict in rows if verdict and verdict.get("override")}
