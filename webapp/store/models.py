"""The stored rows: suppliers, contracts, staff, campaigns, responses, reviews, audit.

Typed SQLAlchemy 2.0 models on one `Base` with a naming convention, so migrations
name constraints the same on SQLite and PostgreSQL.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
JSONValue = JSON().with_variant(JSONB(), "postgresql")


#: the largest id an integer key column holds (PostgreSQL `integer`); a larger number
#: names nothing, and must not reach the database driver, which would overflow
MAX_ID = 2**31 - 1


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {
        datetime: DateTime(timezone=True),
        dict[str, Any]: JSONValue,
        list[Any]: JSONValue,
    }


class Supplier(Base):
    __tablename__ = "supplier"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(300))
    org_number: Mapped[str | None] = mapped_column(String(40), unique=True)
    country: Mapped[str] = mapped_column(String(2), default="SE")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    contacts: Mapped[list[Contact]] = relationship(back_populates="supplier",
                                                   order_by="Contact.id")


class Contact(Base):
    __tablename__ = "contact"

    id: Mapped[int] = mapped_column(primary_key=True)
    supplier_id: Mapped[int] = mapped_column(ForeignKey("supplier.id", ondelete="CASCADE"),
                                             index=True)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(254))
    language: Mapped[str] = mapped_column(String(2), default="sv")

    supplier: Mapped[Supplier] = relationship(back_populates="contacts")


class ContractSupplier(Base):
    __tablename__ = "contract_supplier"

    contract_id: Mapped[int] = mapped_column(ForeignKey("contract.id", ondelete="CASCADE"),
                                             primary_key=True)
    supplier_id: Mapped[int] = mapped_column(ForeignKey("supplier.id", ondelete="CASCADE"),
                                             primary_key=True)


class Contract(Base):
    """A framework agreement (ramavtal)."""

    __tablename__ = "contract"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(300))
    reference: Mapped[str] = mapped_column(String(80), unique=True)
    year: Mapped[int] = mapped_column(Integer)
    risk_areas: Mapped[list[Any]] = mapped_column(default=list)

    suppliers: Mapped[list[Supplier]] = relationship(secondary="contract_supplier",
                                                     order_by="Supplier.name")


class StaffUser(Base):
    __tablename__ = "staff_user"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)  # normalised: lower case
    name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str | None] = mapped_column(String(300))
    role: Mapped[str] = mapped_column(String(20))  # admin | reviewer
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    session_epoch: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    password_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    password_token_expires_at: Mapped[datetime | None] = mapped_column()
    last_signed_in_at: Mapped[datetime | None] = mapped_column()


class QuestionnaireVersion(Base):
    """The definition a campaign was sent with, frozen as canonical JSON."""

    __tablename__ = "questionnaire_version"
    __table_args__ = (UniqueConstraint("questionnaire_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    questionnaire_id: Mapped[str] = mapped_column(String(63))
    version: Mapped[int] = mapped_column(Integer)
    content_hash: Mapped[str] = mapped_column(String(64))
    definition: Mapped[dict[str, Any]] = mapped_column(deferred=True)
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)


class Campaign(Base):
    """A follow-up round: one questionnaire version sent to the suppliers of a contract."""

    __tablename__ = "campaign"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(300))
    questionnaire_version_id: Mapped[int] = mapped_column(
        ForeignKey("questionnaire_version.id"), index=True)
    contract_id: Mapped[int | None] = mapped_column(ForeignKey("contract.id"), index=True)
    deadline: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20), default="open")  # open | closed
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column()  # when it was last closed
    # the person at the buyer the supplier can turn to, shown on every page and mail
    contact_name: Mapped[str | None] = mapped_column(String(200))
    contact_email: Mapped[str | None] = mapped_column(String(254))
    contact_phone: Mapped[str | None] = mapped_column(String(40))

    questionnaire_version: Mapped[QuestionnaireVersion] = relationship()
    contract: Mapped[Contract | None] = relationship()


class Response(Base):
    """One supplier's response to one campaign; it is also the invitation."""

    __tablename__ = "response"
    __table_args__ = (UniqueConstraint("campaign_id", "supplier_id"),
                      # The tracking figures of a campaign read this index alone (tracking.py).
                      Index("ix_response_campaign_figures", "campaign_id", "status", "rating",
                            "red_flags", "amber_flags", "plan_items", "plan_late", "plan_due",
                            "deadline"))

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id", ondelete="CASCADE"))
    supplier_id: Mapped[int] = mapped_column(ForeignKey("supplier.id"), index=True)
    status: Mapped[str] = mapped_column(String(30), default="invited")
    round: Mapped[int] = mapped_column(Integer, default=1)
    draft_version: Mapped[int] = mapped_column(Integer, default=0)
    session_epoch: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    reviewer_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    invited_at: Mapped[datetime] = mapped_column(default=utcnow)
    first_opened_at: Mapped[datetime | None] = mapped_column()
    last_saved_at: Mapped[datetime | None] = mapped_column()
    submitted_at: Mapped[datetime | None] = mapped_column()
    decided_at: Mapped[datetime | None] = mapped_column()
    # a later deadline for this supplier alone, and why (store/deadlines.py)
    deadline: Mapped[date | None] = mapped_column(Date)
    deadline_reason: Mapped[str | None] = mapped_column(String(500))
    # The verdict on the latest submitted round, stored by store/verdicts.py `refresh`
    # whenever anything it depends on changes: every page, list and export reads these.
    score: Mapped[float | None] = mapped_column()  # due-diligence score, 0-100
    provisional: Mapped[bool] = mapped_column(default=False, server_default="0")
    rating: Mapped[str | None] = mapped_column(String(63))  # risk rating band in force
    red_flags: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    amber_flags: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    verdict: Mapped[dict[str, Any] | None] = mapped_column(JSONValue)
    # The action plan's facts its traffic light is read from, stored by
    # store/action_plans.py whenever a deviation is added or changes status.
    plan_items: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    plan_due: Mapped[date | None] = mapped_column(Date)  # earliest deadline not yet closed
    plan_late: Mapped[bool] = mapped_column(default=False, server_default="0")  # closed late

    campaign: Mapped[Campaign] = relationship()
    supplier: Mapped[Supplier] = relationship()


class InvitationLink(Base):
    """One valid link to a response; only the SHA-256 of its token is stored.

    A response has several: the first invitation, and one per mail sent since, so a
    reminder never breaks the link in an earlier mail. A lost link revokes them all.
    """

    __tablename__ = "invitation_link"

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("response.id", ondelete="CASCADE"),
                                             index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column()
    revoked_at: Mapped[datetime | None] = mapped_column()


class OutboxMessage(Base):
    """A mail to a supplier (or a staff member's set-password mail), kept until an SMTP
    server accepts it (or it is printed).

    The body holds the placeholder `{link}`: the link is minted when the mail is sent,
    so no token is ever stored. `dedupe_key` makes queueing the same step twice a no-op.
    """

    __tablename__ = "outbox_message"
    __table_args__ = (Index("ix_outbox_message_pending", "sent_at", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))  # invitation | reminder
    step: Mapped[str | None] = mapped_column(String(20))  # before | due | overdue | manual
    response_id: Mapped[int | None] = mapped_column(
        ForeignKey("response.id", ondelete="CASCADE"), index=True)
    # set instead of response_id for a staff invitation or password reset
    staff_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_user.id", ondelete="CASCADE"), index=True)
    recipients: Mapped[list[Any]] = mapped_column()
    language: Mapped[str] = mapped_column(String(2))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    dedupe_key: Mapped[str] = mapped_column(String(120), unique=True)
    queued_by: Mapped[str] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column()
    delivery: Mapped[str | None] = mapped_column(String(20))  # smtp | printed
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)

    response: Mapped[Response | None] = relationship()
    staff_user: Mapped[StaffUser | None] = relationship()


class Answer(Base):
    """One answer of a response's working draft."""

    __tablename__ = "answer"

    response_id: Mapped[int] = mapped_column(ForeignKey("response.id", ondelete="CASCADE"),
                                             primary_key=True)
    question_id: Mapped[str] = mapped_column(String(140), primary_key=True)
    value: Mapped[Any] = mapped_column(JSONValue)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class Submission(Base):
    """An immutable record of one submitted round."""

    __tablename__ = "submission"
    __table_args__ = (UniqueConstraint("response_id", "round"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("response.id", ondelete="CASCADE"),
                                             index=True)
    round: Mapped[int] = mapped_column(Integer)
    receipt: Mapped[str] = mapped_column(String(40), unique=True)
    client_submission_id: Mapped[str] = mapped_column(String(64), unique=True)
    submitted_at: Mapped[datetime] = mapped_column(default=utcnow)
    content_hash: Mapped[str] = mapped_column(String(64))
    answers: Mapped[dict[str, Any]] = mapped_column()
    score: Mapped[dict[str, Any]] = mapped_column()
    total: Mapped[float | None] = mapped_column()
    rating: Mapped[str | None] = mapped_column(String(63))
    red_flags: Mapped[int] = mapped_column(Integer, default=0)
    amber_flags: Mapped[int] = mapped_column(Integer, default=0)


class Attachment(Base):
    """An evidence file; its bytes are kept by SHA-256, under responses/files/ or in
    `evidence_chunk` (KEDJEKOLL_FILE_STORAGE, store/blobs.py)."""

    __tablename__ = "attachment"

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("response.id", ondelete="CASCADE"),
                                             index=True)
    question_id: Mapped[str] = mapped_column(String(140))
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    media_type: Mapped[str] = mapped_column(String(120))
    original_name: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class EvidenceChunk(Base):
    """A piece of an evidence file kept in the database (KEDJEKOLL_FILE_STORAGE=database):
    the file's SHA-256, the piece's place in it from 0, and at most 256 KiB of its bytes
    (store/blobs.py). A plain table, so a database dump carries the files."""

    __tablename__ = "evidence_chunk"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    data: Mapped[bytes] = mapped_column(LargeBinary)


class Review(Base):
    """A reviewer's grading of one round, and the decision on it."""

    __tablename__ = "review"
    __table_args__ = (UniqueConstraint("response_id", "round"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("response.id", ondelete="CASCADE"),
                                             index=True)
    round: Mapped[int] = mapped_column(Integer)
    reviewer_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    decision: Mapped[str | None] = mapped_column(String(30))
    justification: Mapped[str | None] = mapped_column(Text)
    decided_at: Mapped[datetime | None] = mapped_column()
    score: Mapped[dict[str, Any] | None] = mapped_column(JSONValue)
    total: Mapped[float | None] = mapped_column()
    rating: Mapped[str | None] = mapped_column(String(63))
    # a reviewer's risk rating for this round instead of the rules', with the reason
    rating_override: Mapped[str | None] = mapped_column(String(63))
    override_justification: Mapped[str | None] = mapped_column(Text)
    override_by: Mapped[str | None] = mapped_column(String(300))
    override_at: Mapped[datetime | None] = mapped_column()
    version: Mapped[int] = mapped_column(Integer, default=1)

    grades: Mapped[list[Grade]] = relationship(back_populates="review",
                                               cascade="all, delete-orphan",
                                               order_by="Grade.question_id")

    __mapper_args__ = {"version_id_col": version}


class Grade(Base):
    """A reviewer's rubric level, comment and clarification request on one question."""

    __tablename__ = "grade"

    review_id: Mapped[int] = mapped_column(ForeignKey("review.id", ondelete="CASCADE"),
                                           primary_key=True)
    question_id: Mapped[str] = mapped_column(String(63), primary_key=True)
    points: Mapped[float | None] = mapped_column()
    comment: Mapped[str | None] = mapped_column(Text)
    clarification: Mapped[str | None] = mapped_column(Text)
    # the clarification request asks the supplier to attach a document
    wants_file: Mapped[bool] = mapped_column(default=False, server_default="0")
    # set when a reviewer graded in this round; a row without it only asks to clarify,
    # and the grade of an earlier round stays in force for an unchanged answer
    graded_at: Mapped[datetime | None] = mapped_column()

    review: Mapped[Review] = relationship(back_populates="grades")


class ClarificationReply(Base):
    """The supplier's written reply (and file) to one clarification request.

    `round` is the round the reply is sent with: the one after the request's round.
    """

    __tablename__ = "clarification_reply"
    __table_args__ = (UniqueConstraint("response_id", "round", "question_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("response.id", ondelete="CASCADE"))
    round: Mapped[int] = mapped_column(Integer)
    question_id: Mapped[str] = mapped_column(String(63))
    text: Mapped[str | None] = mapped_column(Text)
    attachment_id: Mapped[int | None] = mapped_column(
        ForeignKey("attachment.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    attachment: Mapped[Attachment | None] = relationship()


class Deviation(Base):
    """An item of a corrective action plan."""

    __tablename__ = "deviation"

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("response.id", ondelete="CASCADE"),
                                             index=True)
    severity: Mapped[str] = mapped_column(String(10))  # minor | major | critical
    description: Mapped[str] = mapped_column(Text)
    owner: Mapped[str] = mapped_column(String(200))
    deadline: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20), default="open")  # open|in_progress|closed
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column()

    reports: Mapped[list[DeviationReport]] = relationship(
        back_populates="deviation", cascade="all, delete-orphan",
        order_by="DeviationReport.id")


class DeviationReport(Base):
    """One entry in a deviation's history: the supplier's progress or a reviewer's note."""

    __tablename__ = "deviation_report"

    id: Mapped[int] = mapped_column(primary_key=True)
    deviation_id: Mapped[int] = mapped_column(
        ForeignKey("deviation.id", ondelete="CASCADE"), index=True)
    by_supplier: Mapped[bool] = mapped_column()
    author: Mapped[str] = mapped_column(String(300))
    status: Mapped[str] = mapped_column(String(20))  # the deviation's status after it
    note: Mapped[str] = mapped_column(Text)
    attachment_id: Mapped[int | None] = mapped_column(
        ForeignKey("attachment.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    deviation: Mapped[Deviation] = relationship(back_populates="reports")


class AuditEvent(Base):
    """Append-only: who did what to which object, when (UTC)."""

    __tablename__ = "audit_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(String(300))
    action: Mapped[str] = mapped_column(String(60))
    object_type: Mapped[str] = mapped_column(String(40))
    object_id: Mapped[int | None] = mapped_column(Integer)
    details: Mapped[dict[str, Any]] = mapped_column(default=dict)
