"""API tokens: made and revoked by their user, looked up by the SHA-256 of the secret, limited by scope and role.

A token may hold only scopes its user's role allows, and a scope counts only while the role still allows it:
a user moved to a smaller role loses the scopes at once, without anyone revoking tokens. Functions add and
flush; the caller commits.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.models import ApiToken, Role, User

SECRET_PREFIX = "tl_"
MAX_TOKENS_PER_USER = 50
NAME_MAX_LENGTH = 100
LAST_USED_PRECISION = timedelta(minutes=5)  # last_used_at is written at most this often per token

EVERYONE = (Role.STAFF, Role.OWNER, Role.REPRESENTATIVE, Role.MANAGER)
# What each scope lets a program do, and which roles may give it to a token (admins may give any).
SCOPE_ROLES: dict[str, tuple[str, ...]] = {
    "surveys:read": EVERYONE,
    "responses:write": (Role.MANAGER,),
    "responses:read": (Role.REPRESENTATIVE, Role.MANAGER),
    "customers:write": (Role.MANAGER,),
    "invitations:write": (Role.MANAGER,),
    "suggestions:read": EVERYONE,
    "suggestions:write": EVERYONE,
    "cases:read": (Role.REPRESENTATIVE, Role.OWNER, Role.MANAGER),
    "cases:write": (Role.REPRESENTATIVE, Role.OWNER, Role.MANAGER),
    "stats:read": (Role.REPRESENTATIVE, Role.MANAGER),
}
SCOPES = tuple(SCOPE_ROLES)


class TokenRefused(ValueError):
    """A token cannot be made as asked; ``reasons`` say why."""

    def __init__(self, reasons: list[str]):
        super().__init__("; ".join(reasons))
        self.reasons = reasons


def scopes_for(user: User) -> list[str]:
    """The scopes ``user``'s role allows, in the order of SCOPES."""
    return [scope for scope, roles in SCOPE_ROLES.items() if user.has_role(*roles)]


def may_use(user: User, scope: str) -> bool:
    """True if ``user`` is active and their role allows ``scope``."""
    return user.active and scope in SCOPE_ROLES and user.has_role(*SCOPE_ROLES[scope])


def hash_secret(secret: str) -> str:
    """The SHA-256 (hex) a secret is stored and looked up by."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def create_token(
    session: Session, user: User, name: str, scopes: Iterable[str], *, now: datetime
) -> tuple[ApiToken, str]:
    """Add a token for ``user``; return it with its secret, which is never stored and cannot be shown again."""
    name = (name or "").strip()
    wanted = list(dict.fromkeys(scopes))
    reasons = _refusals(session, user, name, wanted)
    if reasons:
        raise TokenRefused(reasons)
    secret = SECRET_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        user_id=user.id,
        name=name,
        secret_hash=hash_secret(secret),
        prefix=secret[:12],
        scopes=[scope for scope in SCOPES if scope in wanted],
        created_at=now,
    )
    session.add(token)
    session.flush()
    return token, secret


def _refusals(session: Session, user: User, name: str, scopes: list[str]) -> list[str]:
    """Why a token named ``name`` with ``scopes`` cannot be made for ``user`` (empty if it can)."""
    reasons = []
    if not name:
        reasons.append("a name is required")
    elif len(name) > NAME_MAX_LENGTH:
        reasons.append(f"the name is longer than {NAME_MAX_LENGTH} characters")
    if not scopes:
        reasons.append("choose at least one scope")
    unknown = [scope for scope in scopes if scope not in SCOPE_ROLES]
    if unknown:
        reasons.append(f"unknown scope(s): {', '.join(unknown)}")
    beyond = [scope for scope in scopes if scope in SCOPE_ROLES and not user.has_role(*SCOPE_ROLES[scope])]
    if beyond:
        reasons.append(f"your role does not allow: {', '.join(beyond)}")
    if len(live_tokens(session, user.id)) >= MAX_TOKENS_PER_USER:
        reasons.append(f"you have {MAX_TOKENS_PER_USER} tokens already; revoke one first")
    return reasons


def live_tokens(session: Session, user_id: int) -> list[ApiToken]:
    """The user's tokens that still work, newest first."""
    query = sa.select(ApiToken).where(ApiToken.user_id == user_id, ApiToken.revoked_at.is_(None))
    return list(session.scalars(query.order_by(ApiToken.id.desc())))


def tokens_of(session: Session, user_id: int) -> list[ApiToken]:
    """All the user's tokens, revoked ones included, newest first."""
    return list(session.scalars(sa.select(ApiToken).where(ApiToken.user_id == user_id).order_by(ApiToken.id.desc())))


def revoke_token(session: Session, user_id: int, token_id: int, *, now: datetime) -> bool:
    """Stop the user's token ``token_id`` from working; False if the user has no such live token."""
    result = session.execute(
        sa.update(ApiToken)
        .where(ApiToken.id == token_id, ApiToken.user_id == user_id, ApiToken.revoked_at.is_(None))
        .values(revoked_at=now)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def authenticate(session: Session, secret: str) -> ApiToken | None:
    """The live token of an active user whose secret this is, or None."""
    if not secret.startswith(SECRET_PREFIX) or len(secret) > 200:
        return None
    token = session.scalar(
        sa.select(ApiToken).where(ApiToken.secret_hash == hash_secret(secret), ApiToken.revoked_at.is_(None))
    )
    if token is None or not token.user.active:
        return None
    return token


def note_use(session: Session, token: ApiToken, now: datetime) -> None:
    """Record that the token was used, at most once per LAST_USED_PRECISION (a conditional UPDATE)."""
    session.execute(
        sa.update(ApiToken)
        .where(
            ApiToken.id == token.id,
            sa.or_(ApiToken.last_used_at.is_(None), ApiToken.last_used_at < now - LAST_USED_PRECISION),
        )
        .values(last_used_at=now)
        .execution_options(synchronize_session=False)
    )
