"""Evidence a suggestion rests on: references typed on the form, checked, and resolved into links for its page.

A reference is ``case 12``, ``response 345`` or ``gap <touchpoint>[/<dimension>[/<segment>]]`` (codes, as on
the analytics page); the Chinese words 工单, 回复 and 差距 work too. Refusals come as ``Refusal`` values, so the
page can say them in the reader's language.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.models import Customer, Dimension, FollowUpCase, Response, Role, SuggestionEvidence, Touchpoint, User
from app.services.case_views import may_see
from app.services.customer_history import ResponseLine, response_summary
from app.services.suggestions import Evidence
from app.services.survey_titles import in_language
from touchloop.refusal import Refusal

MAX_REFERENCES = 20  # more than this is a list to attach elsewhere, not evidence typed on a phone
KIND_WORDS = {"case": "case", "工单": "case", "response": "response", "回复": "response", "gap": "gap", "差距": "gap"}
_SEPARATORS = re.compile(r"[,;，；、\n]+")
_REFERENCE = re.compile(r"(?P<word>[a-z]+|工单|回复|差距)\s*#?\s*(?P<rest>\S.*)?", re.IGNORECASE)
_ID = re.compile(r"[0-9]{1,9}")
_GAP = re.compile(r"[A-Za-z0-9_-]{1,40}(/[A-Za-z0-9_-]{1,40})?(/[^\s/]{1,80})?")


@dataclass(frozen=True)
class EvidenceLink:
    """One piece of evidence as the suggestion page shows it to one reader."""

    kind: str
    reference: str
    note: str | None
    number: int | None = None  # a response's or a case's id
    linked: bool = False  # True if that response or case exists and the reader may open it
    touchpoint: str | None = None  # a gap's touchpoint, named in the page language
    dimension: str | None = None  # a gap's dimension, named in the page language
    segment: str | None = None  # a gap's segment, as written


@dataclass(frozen=True)
class ResponseView:
    """What the read-only response page shows."""

    response: ResponseLine | None
    customer: Customer | None
    may_open_customer: bool  # the customer pages are for representatives and managers
    cases: list[tuple[int, str]]  # the cases the response opened that the reader may open: id and title


def read_references(text: str | None) -> tuple[list[Evidence], list[Refusal]]:
    """The distinct references in ``text`` (separated by commas, semicolons or lines); a refusal per unreadable one."""
    items = [item.strip() for item in _SEPARATORS.split(text or "") if item.strip()]
    if len(items) > MAX_REFERENCES:
        return [], [Refusal("evidence.too_many", f"give at most {MAX_REFERENCES} references", {"most": MAX_REFERENCES})]
    found, refused = [], []
    for item in items:
        evidence = _reference(item)
        if evidence is None:
            text = f"“{item}”: write case, response or gap followed by its number or codes"
            refused.append(Refusal("evidence.unreadable", text, {"reference": item[:80]}))
        elif evidence not in found:  # the same reference twice is one piece of evidence
            found.append(evidence)
    return found, refused


def _reference(item: str) -> Evidence | None:
    """One typed reference as Evidence, or None if it cannot be read."""
    match = _REFERENCE.fullmatch(item)
    kind = KIND_WORDS.get(match["word"].lower()) if match else None
    rest = (match["rest"] or "").strip() if match else ""
    if kind in ("case", "response") and _ID.fullmatch(rest):
        return Evidence(kind, str(int(rest)))
    if kind == "gap" and _GAP.fullmatch(rest):
        return Evidence(kind, rest)
    return None


def check_references(session: Session, user: User, evidence: Iterable[Evidence]) -> list[Refusal]:
    """A refusal for each reference to something that does not exist or that ``user`` may not see."""
    refused = []
    for item in evidence:
        if item.kind == "case":
            refused += _case_refusals(session, user, int(item.reference))
        elif item.kind == "response":
            refused += _response_refusals(session, user, int(item.reference))
        else:
            refused += _gap_refusals(session, item.reference)
    return refused


def _case_refusals(session: Session, user: User, case_id: int) -> list[Refusal]:
    """Why case ``case_id`` cannot be evidence for ``user`` (empty if it can)."""
    found = session.get(FollowUpCase, case_id)
    if found is None:
        return [Refusal("evidence.no_such_case", f"there is no case #{case_id}", {"id": case_id})]
    if not may_see(user, found):
        return [Refusal("evidence.hidden_case", f"you may not see case #{case_id}", {"id": case_id})]
    return []


def _response_refusals(session: Session, user: User, response_id: int) -> list[Refusal]:
    """Why response ``response_id`` cannot be evidence for ``user`` (empty if it can)."""
    params = {"id": response_id}
    if session.get(Response, response_id) is None:
        return [Refusal("evidence.no_such_response", f"there is no response #{response_id}", params)]
    if response_id not in visible_responses(session, user, [response_id]):
        return [Refusal("evidence.hidden_response", f"you may not see response #{response_id}", params)]
    return []


def _gap_refusals(session: Session, reference: str) -> list[Refusal]:
    """Why the gap ``reference`` names an unknown touchpoint or dimension (empty if it names known ones)."""
    touchpoint, dimension = (reference.split("/") + [None])[:2]
    refused = []
    if session.scalar(sa.select(Touchpoint.id).where(Touchpoint.code == touchpoint)) is None:
        text = f"there is no touchpoint “{touchpoint}”"
        refused.append(Refusal("evidence.no_such_touchpoint", text, {"code": touchpoint}))
    if dimension and session.scalar(sa.select(Dimension.id).where(Dimension.code == dimension)) is None:
        text = f"there is no dimension “{dimension}”"
        refused.append(Refusal("evidence.no_such_dimension", text, {"code": dimension}))
    return refused


def visible_responses(session: Session, user: User, response_ids: Iterable[int]) -> set[int]:
    """Those of ``response_ids`` that ``user`` may read.

    Representatives, managers and admins read every response; an owner reads those at their department's
    touchpoints and those whose case is assigned to them; staff read none.
    """
    ids = sorted(set(response_ids))
    if not ids or not user.active:
        return set()
    if user.has_role(Role.REPRESENTATIVE, Role.MANAGER):
        return set(session.scalars(sa.select(Response.id).where(Response.id.in_(ids))))
    if user.role != Role.OWNER:
        return set()
    reachable = [Response.id.in_(sa.select(FollowUpCase.response_id).where(FollowUpCase.assignee_id == user.id))]
    if user.department_id is not None:
        reachable.append(Touchpoint.department_id == user.department_id)
    query = (
        sa.select(Response.id)
        .join(Touchpoint, Touchpoint.id == Response.touchpoint_id)
        .where(Response.id.in_(ids), sa.or_(*reachable))
    )
    return set(session.scalars(query))


def evidence_links(
    session: Session, rows: list[SuggestionEvidence], reader: User | None, lang: str
) -> list[EvidenceLink]:
    """``rows`` resolved for ``reader``: links to what exists and they may see, named gaps, the rest as text."""
    visible = _visible_targets(session, rows, reader)
    links = []
    for row in rows:
        if row.kind == "gap":
            links.append(_gap_link(session, row, lang))
            continue
        number = int(row.reference) if _ID.fullmatch(row.reference) else None
        links.append(EvidenceLink(row.kind, row.reference, row.note, number, number in visible.get(row.kind, ())))
    return links


def _visible_targets(session: Session, rows: list[SuggestionEvidence], reader: User | None) -> dict[str, set[int]]:
    """Kind -> the ids among ``rows`` of that kind that ``reader`` may open (nothing for no reader)."""
    ids = {"case": set(), "response": set()}
    for row in rows:
        if row.kind in ids and _ID.fullmatch(row.reference):
            ids[row.kind].add(int(row.reference))
    visible = {"case": set(), "response": set(), "gap": set()}
    if reader is None:
        return visible
    if ids["case"]:
        cases = session.scalars(sa.select(FollowUpCase).where(FollowUpCase.id.in_(sorted(ids["case"]))))
        visible["case"] = {case.id for case in cases if may_see(reader, case)}
    visible["response"] = visible_responses(session, reader, ids["response"])
    return visible


def _gap_link(session: Session, row: SuggestionEvidence, lang: str) -> EvidenceLink:
    """A gap's touchpoint and dimension named in ``lang`` (their codes if they are unknown)."""
    touchpoint, dimension, segment = (row.reference.split("/", 2) + [None, None])[:3]
    touchpoint_name = session.scalar(sa.select(Touchpoint.name).where(Touchpoint.code == touchpoint))
    dimension_name = session.scalar(sa.select(Dimension.name).where(Dimension.code == dimension)) if dimension else None
    return EvidenceLink(
        "gap",
        row.reference,
        row.note,
        touchpoint=in_language(touchpoint_name, lang, touchpoint),
        dimension=in_language(dimension_name, lang, dimension) if dimension else None,
        segment=segment,
    )


def response_view(session: Session, response: Response, reader: User, lang: str) -> ResponseView:
    """The response page's content for ``reader`` (who may read the response), in ``lang``."""
    cases = session.scalars(
        sa.select(FollowUpCase).where(FollowUpCase.response_id == response.id).order_by(FollowUpCase.id)
    )
    return ResponseView(
        response=response_summary(session, response.id, lang),
        customer=session.get(Customer, response.customer_id) if response.customer_id else None,
        may_open_customer=reader.has_role(Role.REPRESENTATIVE, Role.MANAGER),
        cases=[(case.id, in_language(case.title, lang, case.rule_id)) for case in cases if may_see(reader, case)],
    )
