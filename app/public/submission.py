"""Taking a posted survey form: CSRF, answer checks, and storing the response exactly once.

Shared by the public survey (/s/<slug>) and personal invitations (/i/<token>).
"""

from __future__ import annotations

import enum
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from flask import current_app, g, request
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import IntegrityError, OperationalError

from app.extensions import csrf, db
from app.models import Customer
from app.public.forms import SurveyFormBase, build_form_class, parse_started_at, raw_answers
from app.public.render import channel, survey_page
from app.services.analytics import count_responses
from app.services.definitions import LoadedVersion
from app.services.invitations import is_answered
from app.services.journey import current_journey
from app.services.responses import ResponseMeta, record_response, response_exists
from app.services.segments import snapshot_segments
from touchloop.answers import check_answers

KEY_RE = re.compile(r"[A-Za-z0-9-]{16,64}")


class Stored(enum.Enum):
    """What became of a checked submission."""

    NEW = "new"  # this request stored it
    REPEATED = "repeated"  # the same form was stored before (double click, retry)
    ANSWERED_BEFORE = "answered_before"  # its invitation already has another response


@dataclass(frozen=True)
class Received:
    """A posted form's fate: stored (``stored``), or a page to show again (``page``)."""

    stored: Stored | None = None
    page: Any = None


def form_class(version: LoadedVersion, lang: str) -> type[SurveyFormBase]:
    """The form class of a version in a language, built once per process (versions never change)."""
    return version.derive(("form", lang), lambda: build_form_class(version.definition.questions, lang))


def blank_form(version: LoadedVersion) -> SurveyFormBase:
    """A fresh form for ``version`` with a new submission key and the time it was shown."""
    form = form_class(version, g.lang)(formdata=None)
    form.submission_key.data = uuid.uuid4().hex
    form.version_id.data = str(version.version_id)
    form.started_at.data = str(int(datetime.now(timezone.utc).timestamp()))
    return form


def receive_answers(
    version: LoadedVersion, meta_for: Callable[[SurveyFormBase], ResponseMeta], **page_options
) -> Received:
    """Check the posted form and store it once; or the survey page again with what to fix."""
    form = form_class(version, g.lang)()
    if not KEY_RE.fullmatch(form.submission_key.data or ""):
        form.submission_key.data = uuid.uuid4().hex
    refusal = csrf_refusal()
    if refusal:
        return Received(page=survey_page(version, form, notice=refusal, status=400, **page_options))
    checked = check_answers(version.definition.questions, raw_answers(form, version.definition.questions))
    if not checked.ok:
        return Received(page=survey_page(version, form, errors=checked.errors, status=422, **page_options))
    try:
        return Received(stored=store_once(version, checked.answers, meta_for(form)))
    except OperationalError as exc:
        db.session.rollback()
        current_app.logger.error("could not store a response, database unavailable: %s", exc.orig)
        return Received(page=survey_page(version, form, notice="unavailable", status=503, **page_options))


def form_meta(form: SurveyFormBase, *, default_channel: str = "web", **ids: int) -> ResponseMeta:
    """Where and when this response was given (``ids``: customer_id, invitation_id)."""
    started = parse_started_at(form.started_at.data)
    return ResponseMeta(
        submission_key=form.submission_key.data,
        language=g.lang,
        channel=channel() or default_channel,
        started_at=datetime.fromtimestamp(started, timezone.utc) if started else None,
        **ids,
    )


def csrf_refusal() -> str | None:
    """Why the CSRF check failed ("cookies" or "expired"), or None if it passed."""
    try:
        csrf.protect()
    except CSRFError:
        if current_app.config["SESSION_COOKIE_NAME"] not in request.cookies:
            return "cookies"
        return "expired"
    return None


def store_once(version: LoadedVersion, answers: dict, meta: ResponseMeta) -> Stored:
    """Insert the response (and its customer's segment snapshot) unless already stored; commit.

    The commit lives here, not in a service, because exactly-once storage is
    decided by unique keys at commit time: a concurrent twin (double click,
    browser retry, the same invitation in a second browser) that wins the race
    turns our insert into a no-op.
    """
    # The unique submission key decides; asking first would only cost a round trip on every
    # submission. An invitation is asked first: its second response has a key of its own.
    earlier = _stored_before(meta) if meta.invitation_id is not None else None
    if earlier:
        return earlier
    try:
        response = record_response(db.session, version, answers, meta)
        if meta.customer_id is not None:
            _snapshot(response.id, meta.customer_id, response.submitted_at)
        count_responses(db.session, [response.id])  # the dashboards' rollups, in the same transaction
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        earlier = _stored_before(meta)
        if earlier is None:
            raise
        return earlier
    return Stored.NEW


def _stored_before(meta: ResponseMeta) -> Stored | None:
    """How this submission was already stored, if it was."""
    if response_exists(db.session, meta.submission_key):
        return Stored.REPEATED
    if meta.invitation_id is not None and is_answered(db.session, meta.invitation_id):
        return Stored.ANSWERED_BEFORE
    return None


def _snapshot(response_id: int, customer_id: int, at: datetime) -> None:
    """Keep the customer's segments as they are now with the response, in the same transaction."""
    customer = db.session.get(Customer, customer_id)
    journey = current_journey(db.session)
    if customer is not None and journey is not None:
        snapshot_segments(db.session, response_id, customer, journey, at)
