"""One customer's 360° view: segments, invitations and responses, each bounded and fetched in few queries."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.models import Answer, Customer, Invitation, Response, Touchpoint
from app.services.definitions import LoadedVersion, loaded_version
from app.services.segments import value_of
from app.services.survey_titles import in_language, newest_titles
from touchloop.journey import Journey
from touchloop.questions import Question

HISTORY_LIMIT = 200  # the newest invitations and responses shown; older ones stay in the reports


@dataclass(frozen=True)
class SegmentFact:
    """One segment attribute of the customer: its name, value code and value name, and if the value was given."""

    attribute: str
    code: str | None
    name: str | None
    given: bool = False  # tier and lifecycle: set in the imported data rather than computed


@dataclass(frozen=True)
class InvitationLine:
    """One personal invitation and what became of it."""

    survey: str
    created_at: datetime
    sent_at: datetime | None
    opened_at: datetime | None
    reminded_at: datetime | None
    answered_at: datetime | None


@dataclass(frozen=True)
class GapLine:
    """A gap answer: what the customer expected and what they experienced."""

    question: str
    expected: int | None
    actual: int | None

    @property
    def gap(self) -> int | None:
        """Experience minus expectation."""
        return None if self.expected is None or self.actual is None else self.actual - self.expected


@dataclass
class ResponseLine:
    """One response, summarised: its scores, gaps and comments."""

    id: int
    submitted_at: datetime
    survey: str
    touchpoint: str
    channel: str
    language: str
    nps: int | None = None
    csat: int | None = None
    gaps: list[GapLine] = field(default_factory=list)
    texts: list[tuple[str, str]] = field(default_factory=list)


def segment_facts(customer: Customer, journey: Journey | None, lang: str, today: date) -> list[SegmentFact]:
    """Every segment attribute of the journey with the customer's value, named in ``lang``."""
    facts = []
    for attribute in journey.segments if journey else ():
        code = value_of(customer, attribute, today)
        names = {item.code: item.name for item in attribute.bands or attribute.values}
        name = in_language(names.get(code), lang, code or "") or None
        given = getattr(customer, f"{attribute.code}_given", None) is not None
        facts.append(SegmentFact(in_language(attribute.name, lang, attribute.code), code, name, given))
    return facts


def customer_invitations(session: Session, customer_id: int, lang: str) -> list[InvitationLine]:
    """The customer's newest invitations, each with when it was answered (one query, plus survey titles)."""
    rows = session.execute(
        sa.select(Invitation, Response.submitted_at)
        .outerjoin(Response, Response.invitation_id == Invitation.id)
        .where(Invitation.customer_id == customer_id)
        .order_by(Invitation.created_at.desc(), Invitation.id.desc())
        .limit(HISTORY_LIMIT)
    ).all()
    titles = newest_titles(session, {invitation.survey_id for invitation, _ in rows})
    return [
        InvitationLine(
            survey=in_language(titles.get(invitation.survey_id), lang),
            created_at=invitation.created_at,
            sent_at=invitation.sent_at,
            opened_at=invitation.opened_at,
            reminded_at=invitation.reminded_at,
            answered_at=answered_at,
        )
        for invitation, answered_at in rows
    ]


def customer_responses(session: Session, customer_id: int, lang: str) -> list[ResponseLine]:
    """The customer's newest responses with their answers summarised (answers fetched in one query)."""
    rows = session.execute(
        sa.select(Response, Touchpoint.name)
        .join(Touchpoint, Touchpoint.id == Response.touchpoint_id)
        .where(Response.customer_id == customer_id)
        .order_by(Response.submitted_at.desc(), Response.id.desc())
        .limit(HISTORY_LIMIT)
    ).all()
    answers = _answers_by_response(session, [response.id for response, _ in rows])
    # Versions never change and are cached per process, so this costs a query per new version at most.
    versions = {vid: loaded_version(session, vid) for vid in {response.survey_version_id for response, _ in rows}}
    questions = {vid: _questions_by_id(version) for vid, version in versions.items()}
    lines = []
    for response, touchpoint_name in rows:
        version = versions[response.survey_version_id]
        line = ResponseLine(
            id=response.id,
            submitted_at=response.submitted_at,
            survey=in_language(version.definition.title if version else None, lang),
            touchpoint=in_language(touchpoint_name, lang),
            channel=response.channel,
            language=response.language,
        )
        _summarise(line, answers.get(response.id, []), questions[response.survey_version_id], lang)
        lines.append(line)
    return lines


def response_summary(session: Session, response_id: int, lang: str) -> ResponseLine | None:
    """One response with its answers summarised, as on the customer page (None if there is no such response)."""
    row = session.execute(
        sa.select(Response, Touchpoint.name)
        .join(Touchpoint, Touchpoint.id == Response.touchpoint_id)
        .where(Response.id == response_id)
    ).first()
    if row is None:
        return None
    response, touchpoint_name = row
    version = loaded_version(session, response.survey_version_id)
    line = ResponseLine(
        id=response.id,
        submitted_at=response.submitted_at,
        survey=in_language(version.definition.title if version else None, lang),
        touchpoint=in_language(touchpoint_name, lang),
        channel=response.channel,
        language=response.language,
    )
    _summarise(line, _answers_by_response(session, [response.id]).get(response.id, []), _questions_by_id(version), lang)
    return line


def _answers_by_response(session: Session, response_ids: list[int]) -> dict[int, list[Answer]]:
    """The answers of these responses, grouped by response, in question order."""
    grouped: dict[int, list[Answer]] = {}
    if not response_ids:
        return grouped
    for answer in session.scalars(
        sa.select(Answer).where(Answer.response_id.in_(response_ids)).order_by(Answer.response_id, Answer.id)
    ):
        grouped.setdefault(answer.response_id, []).append(answer)
    return grouped


def _questions_by_id(version: LoadedVersion | None) -> dict[int, Question]:
    """The version's questions by their database id."""
    if version is None:
        return {}
    return {version.question_ids[q.id]: q for q in version.definition.questions if q.id in version.question_ids}


def _summarise(line: ResponseLine, answers: list[Answer], questions: dict[int, Question], lang: str) -> None:
    """Fill in the NPS and CSAT scores, the gaps and the comments of a response."""
    for answer in answers:
        question = questions.get(answer.question_id)
        if question is None:
            continue
        label = in_language(question.text, lang, question.id)
        if question.type == "nps" and line.nps is None:
            line.nps = answer.value
        elif question.type == "csat" and line.csat is None:
            line.csat = answer.value
        elif question.type == "gap":
            line.gaps.append(GapLine(label, answer.expected, answer.value))
        elif question.type == "text" and answer.text:
            line.texts.append((label, answer.text))
