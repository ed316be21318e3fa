"""``Idempotency-Key``: a retried request gets the first answer again (same status and body) and changes nothing.

The key is claimed first, in its own committed row, so that of two requests with the same key only one runs;
the other is told to retry shortly (409). A successful answer is kept with the key and replayed from then on; a
failed one frees the key, so the client can correct the request and send it again under the same key. A claim
left behind by a crashed process is taken over after STALE_AFTER; creating a response stays exactly-once even
then, because its submission key is derived from the idempotency key.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from datetime import timedelta
from functools import wraps

import sqlalchemy as sa
from flask import current_app, g, make_response, request
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from app.api.problems import Problem
from app.extensions import db
from app.models import IdempotencyKey
from app.models.types import utcnow
from app.services.invitation_delivery import as_utc

HEADER = "Idempotency-Key"
KEY_RE = re.compile(r"[\x21-\x7e]{8,200}")  # printable ASCII without spaces, e.g. a UUID
STALE_AFTER = timedelta(seconds=60)


def idempotency_key() -> str | None:
    """The request's Idempotency-Key, checked; None if it sent none."""
    key = request.headers.get(HEADER)
    if key is None:
        return None
    if not KEY_RE.fullmatch(key):
        message = _("An Idempotency-Key is 8 to 200 printable ASCII characters without spaces, e.g. a UUID.")
        raise Problem(400, "invalid-fields", message, errors=[{"header": HEADER, "message": message}])
    return key


def derived_key(purpose: str, key: str) -> str:
    """A 64-character key for ``purpose`` made from the caller's idempotency key (the same for every retry)."""
    return hashlib.sha256(f"{purpose}\n{g.api_user_id}\n{key}".encode()).hexdigest()


def idempotent(view: Callable) -> Callable:
    """Decorate a POST view so that requests carrying an Idempotency-Key are answered once and replayed."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        key = idempotency_key()
        if key is None:
            return view(*args, **kwargs)
        earlier = _claim(key, _fingerprint())
        if earlier is not None:
            return _replay(earlier)
        try:
            response = make_response(view(*args, **kwargs))
        except BaseException:
            _release(key)
            raise
        if 200 <= response.status_code < 300:
            _keep(key, response)
        else:
            _release(key)
        return response

    return wrapped


def _fingerprint() -> str:
    """What identifies the request besides its key: method, path with query, and the JSON body."""
    body = request.get_json(silent=True)
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(f"{request.method}\n{request.full_path}\n{canonical}".encode()).hexdigest()


def _claim(key: str, fingerprint: str) -> IdempotencyKey | None:
    """Claim ``key`` for this request (None), or the finished record of the request that used it first."""
    now = utcnow()
    db.session.add(IdempotencyKey(user_id=g.api_user_id, key=key, fingerprint=fingerprint, created_at=now))
    try:
        db.session.commit()
        return None
    except IntegrityError:
        db.session.rollback()
    found = db.session.scalar(
        sa.select(IdempotencyKey).where(IdempotencyKey.user_id == g.api_user_id, IdempotencyKey.key == key)
    )
    if found is not None and found.fingerprint != fingerprint:
        detail = _("This Idempotency-Key was used for a different request; use a new key for a new request.")
        raise Problem(422, "idempotency-key-reused", detail)
    if found is not None and found.status is not None:
        return found
    if found is not None and as_utc(found.created_at) < now - STALE_AFTER and _take_over(found, now):
        return None
    detail = _("A request with this Idempotency-Key is still being handled; try again in a moment.")
    raise Problem(409, "idempotency-key-in-use", detail, headers={"Retry-After": "1"})


def _take_over(stale: IdempotencyKey, now) -> bool:
    """Claim an unfinished key whose request seems to have died; True if this request got it."""
    result = db.session.execute(
        sa.update(IdempotencyKey)
        .where(
            IdempotencyKey.id == stale.id,
            IdempotencyKey.status.is_(None),
            IdempotencyKey.created_at == stale.created_at,
        )
        .values(created_at=now)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return result.rowcount == 1


def _keep(key: str, response) -> None:
    """Store the successful answer with the key, for replays."""
    db.session.rollback()  # whatever the view left uncommitted is not part of its answer
    db.session.execute(
        sa.update(IdempotencyKey)
        .where(IdempotencyKey.user_id == g.api_user_id, IdempotencyKey.key == key)
        .values(status=response.status_code, body=response.get_json(), location=response.headers.get("Location"))
        .execution_options(synchronize_session=False)
    )
    db.session.commit()


def _release(key: str) -> None:
    """Free an unfinished key after a failure, so the request can be sent again (best effort)."""
    try:
        db.session.rollback()
        db.session.execute(
            sa.delete(IdempotencyKey).where(
                IdempotencyKey.user_id == g.api_user_id, IdempotencyKey.key == key, IdempotencyKey.status.is_(None)
            )
        )
        db.session.commit()
    except SQLAlchemyError:
        db.session.rollback()  # the claim goes stale and is taken over by a later retry


def _replay(record: IdempotencyKey):
    """The stored answer again, byte for byte as first sent."""
    response = current_app.json.response(record.body)
    response.status_code = record.status
    if record.location:
        response.headers["Location"] = record.location
    response.headers["Idempotent-Replayed"] = "true"
    return response
