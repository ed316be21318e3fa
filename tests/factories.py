"""Plain factory functions for test data."""

from __future__ import annotations

import functools
import itertools
import shutil
import uuid
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.models import Customer, Dimension, Invitation, Response, Suggestion, SuggestionEvent, Survey, Touchpoint, User
from app.services.analytics import count_responses
from app.services.definitions import current_version
from app.services.responses import ResponseMeta, record_response
from app.services.survey_loading import LoadReport, load_catalog
from touchloop.catalog import Catalog, read_catalog

ROOT = Path(__file__).resolve().parent.parent
DEMO_SURVEYS = ROOT / "surveys"

MINIMAL_SURVEY = """\
slug: mini
touchpoint: installation
languages: [zh, en]
title: {zh: 安装回访, en: Installation follow-up}
questions:
  - id: recommend
    type: nps
    required: true
    text: {zh: 您向亲友推荐我们的可能性有多大？, en: "How likely are you to recommend us?"}
  - id: punctuality
    type: gap
    dimension: convenience
    text: {zh: 准时上门, en: Arriving on time}
  - id: why
    type: text
    show_if: recommend <= 6
    text: {zh: 我们哪里可以做得更好？, en: "What could we do better?"}
  - id: topics
    type: choice
    multiple: true
    text: {zh: 您关心哪些方面？, en: "What matters to you?"}
    options:
      - {code: price, text: {zh: 价格, en: Price}}
      - {code: speed, text: {zh: 速度, en: Speed}}
      - {code: care, text: {zh: 细致, en: Care}}
"""


def make_survey_dir(tmp_path: Path, files: dict[str, str] | None = None, *, with_demo: bool = False) -> Path:
    """A surveys folder with the demo journey.yaml plus ``files`` (name -> YAML text)."""
    folder = tmp_path / "surveys"
    folder.mkdir(exist_ok=True)
    shutil.copy(DEMO_SURVEYS / "journey.yaml", folder / "journey.yaml")
    if with_demo:
        for path in DEMO_SURVEYS.glob("*.yaml"):
            shutil.copy(path, folder / path.name)
    for name, text in (files or {}).items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def load_surveys(session: Session, folder: Path = DEMO_SURVEYS) -> LoadReport:
    """Validate and load a surveys folder, then commit."""
    catalog = demo_catalog() if folder == DEMO_SURVEYS else read_catalog(folder)
    assert not catalog.problems, [str(p) for p in catalog.problems]
    report = load_catalog(session, catalog)
    session.commit()
    return report


@functools.cache
def demo_catalog() -> Catalog:
    """The demo surveys, read once per test process (a quarter second of YAML parsing each time otherwise)."""
    return read_catalog(DEMO_SURVEYS)


_numbers = itertools.count(1)


def make_customer(session: Session, **overrides) -> Customer:
    """A committed customer; each call gets its own external id, name and e-mail unless given."""
    number = next(_numbers)
    values = {
        "external_id": f"C-{number:05d}",
        "name": f"Customer {number:05d}",
        "email": f"customer{number:05d}@example.com",
        "region": "east",
        "industry": "residential",
        "tier": "B",
        "lifecycle": "growing",
        "customer_since": date(2022, 1, 1),
    }
    customer = Customer(**{**values, **overrides})
    session.add(customer)
    session.commit()
    return customer


def make_invitation(session: Session, customer: Customer, slug: str = "delivery-installation", **overrides):
    """A committed personal invitation of ``customer`` to the survey ``slug`` (loaded beforehand)."""
    survey_id = session.scalar(sa.select(Survey.id).where(Survey.slug == slug))
    now = datetime.now(timezone.utc)
    values = {"public_id": uuid.uuid4().hex, "created_at": now, "expires_at": now + timedelta(days=30)}
    invitation = Invitation(customer_id=customer.id, survey_id=survey_id, **{**values, **overrides})
    session.add(invitation)
    session.commit()
    return invitation


def make_response(
    session: Session,
    answers: dict[str, Any],
    slug: str = "delivery-installation",
    *,
    customer: Customer | None = None,
    invitation: Invitation | None = None,
    channel: str = "web",
    submitted_at: datetime | None = None,
) -> Response:
    """A committed response to the newest version of ``slug`` with already-valid ``answers`` (id -> value)."""
    version = current_version(session, slug)
    meta = ResponseMeta(uuid.uuid4().hex, "en", channel, customer_id=customer.id if customer else None)
    response = record_response(session, version, answers, meta)
    if invitation is not None:
        response.invitation_id = invitation.id
    if submitted_at is not None:
        response.submitted_at = submitted_at
    count_responses(session, [response.id])
    session.commit()
    return response


def make_implemented_suggestion(
    session: Session,
    touchpoint_code: str | None,
    implemented_at: datetime,
    *,
    dimension_code: str | None = None,
    path: tuple[str, ...] = ("implemented",),
    **overrides,
) -> Suggestion:
    """A committed suggestion whose timeline walks ``path`` (from in progress), one step a day, the first step into
    "implemented" at ``implemented_at``; it ends in the last state of ``path``."""
    submitter = session.scalar(sa.select(User).where(User.email == "submitter@example.com"))
    if submitter is None:
        submitter = User(email="submitter@example.com", name="Sam Submitter", role="staff")
        submitter.set_password("correct horse battery")
        session.add(submitter)
        session.flush()
    touchpoint = session.scalar(sa.select(Touchpoint.id).where(Touchpoint.code == touchpoint_code))
    dimension = session.scalar(sa.select(Dimension.id).where(Dimension.code == dimension_code))
    values = {"title": "Call before coming", "description": "Phone the customer first.", "state": path[-1]}
    suggestion = Suggestion(
        submitter_id=submitter.id, touchpoint_id=touchpoint, dimension_id=dimension, **{**values, **overrides}
    )
    session.add(suggestion)
    session.flush()
    steps = [("submitted", "in_progress"), *zip(("in_progress", *path[:-1]), path)]
    first = implemented_at - timedelta(days=1)
    for number, (before, after) in enumerate(steps):
        at = first + timedelta(days=number) if number else first - timedelta(days=10)
        session.add(SuggestionEvent(suggestion_id=suggestion.id, at=at, from_state=before, to_state=after))
    session.commit()
    return suggestion
