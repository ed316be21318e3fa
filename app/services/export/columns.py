"""The columns of a response export and the one SQL statement that yields them, one row per response.

Columns, in this order (the headers are a contract: scripts read them):

- ``response_id``, ``submitted_at`` (UTC), ``survey`` (slug), ``version`` (number), ``touchpoint`` (code),
  ``channel``, ``language``, ``customer_external_id`` (empty for anonymous answers);
- only when personal data is asked for: ``customer_name``, ``customer_email``, ``customer_phone``;
- ``segment.<attribute>`` for each segment attribute of journey.yaml, in its order: the customer's value
  (its code) when they answered, as snapshotted with the response;
- per question key of every version of the survey, the newest version's order first, then keys only older
  versions asked: a gap question gives ``<key>.expected``, ``<key>.experience`` and ``<key>.gap``
  (experience − expected); any other question gives ``<key>``: the score, the chosen option code (several
  joined with ";" in the options' order), or the text verbatim. A key whose header would equal another
  column's gets ``question.`` in front.

The answers are pivoted to one row per response by a GROUP BY in the database, so Python reads one row
per response and nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta, timezone

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.models import Answer, Customer, Response, ResponseSegment, Survey, SurveyVersion, Touchpoint
from app.services.definitions import loaded_version
from app.services.export.sql import utc_iso
from touchloop.journey import Journey

FIXED = ("response_id", "submitted_at", "survey", "version", "touchpoint", "channel", "language")
CUSTOMER = "customer_external_id"
PERSONAL = ("customer_name", "customer_email", "customer_phone")
GAP_PARTS = ("expected", "experience", "gap")


class ExportError(ValueError):
    """The export asked for cannot be made (unknown survey, a period that ends before it starts)."""


@dataclass(frozen=True)
class ExportCriteria:
    """Which responses to export: one survey, optionally a period of whole UTC days (both ends included)."""

    survey: str
    start: date | None = None
    end: date | None = None
    personal: bool = False  # add the customers' names, e-mail addresses and phone numbers


class OptionOrder(dict):
    """Option code -> its position among the options; a code no version declares sorts last."""

    def __missing__(self, code: str) -> int:
        """After every declared option."""
        return len(self)


@dataclass(frozen=True)
class Column:
    """One column: its header, the SQL that fills it, whether it can hold text, and option order for choices."""

    header: str
    expression: sa.ColumnElement
    text: bool = False
    option_order: OptionOrder | None = None  # set on a multiple choice


@dataclass(frozen=True)
class ExportPlan:
    """Everything needed to write an export: headers, the statement, and which cells need care."""

    criteria: ExportCriteria
    headers: tuple[str, ...]
    statement: sa.Select
    conditions: tuple[sa.ColumnElement[bool], ...]
    text_columns: tuple[int, ...]  # cells that may hold text typed by people: guarded against formulas
    choice_orders: tuple[tuple[int, OptionOrder], ...]  # multiple-choice cells and their option order


@dataclass(frozen=True)
class _Pivot:
    """A subquery with one row per response id, and the export columns it provides."""

    subquery: sa.Subquery
    columns: list[Column]


@dataclass
class _Key:
    """What the versions of a survey asked under one question key."""

    gap_ids: list[int] = field(default_factory=list)
    ids: dict[str, list[int]] = field(default_factory=dict)  # "number" / "choice" / "text" -> question ids
    options: OptionOrder = field(default_factory=OptionOrder)
    multiple: bool = False


def plan_export(session: Session, criteria: ExportCriteria, journey: Journey | None) -> ExportPlan:
    """The columns and the statement for ``criteria``; raises ExportError for an unknown survey or bad period."""
    survey_id = session.scalar(sa.select(Survey.id).where(Survey.slug == criteria.survey))
    if survey_id is None:
        raise ExportError(f"there is no survey '{criteria.survey}'")
    if criteria.start and criteria.end and criteria.start > criteria.end:
        raise ExportError(f"the period starts ({criteria.start}) after it ends ({criteria.end})")
    chosen = (Response.survey_id == survey_id, *period_conditions(criteria.start, criteria.end))
    # The pivots below read answers and segments by response id alone (joining response there costs more than
    # the pivot itself), within the ids of the chosen responses; fixing the range now also keeps a response
    # that arrives while the file is written out of the file altogether.
    low, high = session.execute(sa.select(sa.func.min(Response.id), sa.func.max(Response.id)).where(*chosen)).one()
    ids = (low or 0, high or 0)
    conditions = (*chosen, Response.id.between(*ids))
    segments = _segment_pivot(_segment_codes(journey), ids)
    answers = _answer_pivot(_question_columns(_question_keys(session, survey_id), _taken(segments)), ids)
    columns = _fixed_columns(criteria) + segments.columns + answers.columns
    statement = (
        sa.select(*(column.expression for column in columns))
        .select_from(Response)
        .join(SurveyVersion, SurveyVersion.id == Response.survey_version_id)
        .join(Touchpoint, Touchpoint.id == Response.touchpoint_id)
        .outerjoin(Customer, Customer.id == Response.customer_id)
        .where(*conditions)
        .order_by(Response.id)
    )
    for pivot in (segments, answers):
        if pivot.columns:  # no segments before a journey is loaded
            statement = statement.outerjoin(pivot.subquery, pivot.subquery.c.response_id == Response.id)
    return ExportPlan(
        criteria=criteria,
        headers=tuple(column.header for column in columns),
        statement=statement,
        conditions=conditions,
        text_columns=tuple(n for n, column in enumerate(columns) if column.text),
        choice_orders=tuple((n, c.option_order) for n, c in enumerate(columns) if c.option_order is not None),
    )


def period_conditions(start: date | None, end: date | None) -> list[sa.ColumnElement[bool]]:
    """SQL for "submitted on ``start`` .. ``end``", whole UTC days, both included; a missing end is open."""
    conditions = []
    if start is not None:
        conditions.append(Response.submitted_at >= datetime.combine(start, time.min, tzinfo=timezone.utc))
    if end is not None:
        conditions.append(Response.submitted_at < datetime.combine(end + timedelta(days=1), time.min, timezone.utc))
    return conditions


def count_responses(session: Session, plan: ExportPlan) -> int:
    """How many responses (rows) the export will hold."""
    return session.scalar(sa.select(sa.func.count()).select_from(Response).where(*plan.conditions)) or 0


def _fixed_columns(criteria: ExportCriteria) -> list[Column]:
    """The response's own columns, then the customer's (personal ones only when asked for)."""
    columns = [
        Column("response_id", Response.id),
        Column("submitted_at", utc_iso(Response.submitted_at)),
        Column("survey", sa.literal(criteria.survey, sa.String)),
        Column("version", SurveyVersion.number),
        Column("touchpoint", Touchpoint.code),
        Column("channel", Response.channel, text=True),  # a source tag: letters, digits, "_", "." and "-"
        Column("language", Response.language),
        Column(CUSTOMER, Customer.external_id, text=True),
    ]
    if criteria.personal:
        columns += [Column(name, getattr(Customer, name.removeprefix("customer_")), text=True) for name in PERSONAL]
    return columns


def _segment_pivot(codes: list[str], ids: tuple[int, int]) -> _Pivot:
    """One column per segment attribute, from a GROUP BY of the responses' segment rows."""
    aggregates = [sa.func.max(ResponseSegment.value).filter(ResponseSegment.attribute == code) for code in codes]
    subquery = (
        sa.select(ResponseSegment.response_id, *(a.label(f"s{n}") for n, a in enumerate(aggregates)))
        .where(ResponseSegment.response_id.between(*ids))
        .group_by(ResponseSegment.response_id)
        .subquery("segments")
    )
    return _Pivot(subquery, [Column(f"segment.{code}", subquery.c[f"s{n}"], text=True) for n, code in enumerate(codes)])


def _answer_pivot(columns: list[Column], ids: tuple[int, int]) -> _Pivot:
    """The answer columns, from a GROUP BY of the responses' answer rows."""
    subquery = (
        sa.select(Answer.response_id, *(c.expression.label(f"q{n}") for n, c in enumerate(columns)))
        .where(Answer.response_id.between(*ids))
        .group_by(Answer.response_id)
        .subquery("answers")
    )
    return _Pivot(subquery, [replace(c, expression=subquery.c[f"q{n}"]) for n, c in enumerate(columns)])


def _taken(segments: _Pivot) -> set[str]:
    """Headers a question's columns must not repeat."""
    return {*FIXED, CUSTOMER, *PERSONAL, *(column.header for column in segments.columns)}


def _segment_codes(journey: Journey | None) -> list[str]:
    """The segment attributes journey.yaml declares, in its order (none before a journey is loaded)."""
    return [attribute.code for attribute in journey.segments] if journey is not None else []


def _question_keys(session: Session, survey_id: int) -> dict[str, _Key]:
    """Every question key of every version, newest version's order first, with the question ids under it."""
    version_ids = session.scalars(
        sa.select(SurveyVersion.id).where(SurveyVersion.survey_id == survey_id).order_by(SurveyVersion.number.desc())
    ).all()
    keys: dict[str, _Key] = {}
    for version_id in version_ids:
        version = loaded_version(session, version_id)
        for question in version.definition.questions:
            key = keys.setdefault(question.id, _Key())
            question_id = version.question_ids[question.id]
            if question.type == "gap":
                key.gap_ids.append(question_id)
                continue
            kind = "number" if question.is_numeric else question.type
            key.ids.setdefault(kind, []).append(question_id)
            for code in question.option_codes:
                key.options.setdefault(code, len(key.options))
            key.multiple = key.multiple or question.multiple
    return keys


def _question_columns(keys: dict[str, _Key], taken: set[str]) -> list[Column]:
    """The answer columns of each key, as aggregates over the answer rows of one response."""
    columns = []
    for code, key in keys.items():
        headers = ([code] if key.ids else []) + [f"{code}.{part}" for part in GAP_PARTS if key.gap_ids]
        prefix = "question." if taken.intersection(headers) else ""
        if key.ids:
            order = key.options if key.multiple else None
            text = "text" in key.ids  # choice codes are letters, digits and "_": never a formula
            columns.append(Column(prefix + code, _plain_answer(key), text=text, option_order=order))
        if key.gap_ids:
            expected = sa.func.max(Answer.expected).filter(_among(key.gap_ids))
            experience = sa.func.max(Answer.value).filter(_among(key.gap_ids))
            columns += [
                Column(f"{prefix}{code}.expected", expected),
                Column(f"{prefix}{code}.experience", experience),
                Column(f"{prefix}{code}.gap", experience - expected),
            ]
    return columns


def _plain_answer(key: _Key) -> sa.ColumnElement:
    """One aggregate for a non-gap key; a key whose type changed between versions reads as text."""
    parts = []
    if "number" in key.ids:
        parts.append(sa.func.max(Answer.value).filter(_among(key.ids["number"])))
    if "choice" in key.ids:
        aggregate = sa.func.aggregate_strings(Answer.choice, ";") if key.multiple else sa.func.max(Answer.choice)
        parts.append(aggregate.filter(_among(key.ids["choice"])))
    if "text" in key.ids:
        parts.append(sa.func.max(Answer.text).filter(_among(key.ids["text"])))
    if len(parts) == 1:
        return parts[0]
    return sa.func.coalesce(*(sa.cast(part, sa.Text) for part in parts))


def _among(question_ids: list[int]) -> sa.ColumnElement[bool]:
    """The answer belongs to one of these questions."""
    return Answer.question_id == question_ids[0] if len(question_ids) == 1 else Answer.question_id.in_(question_ids)
