"""Configuration read from the environment (see README, "Configuration")."""

from __future__ import annotations

import os
import secrets
import time
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def database_url(instance_path: str) -> str:
    """DATABASE_URL, or a SQLite file in the instance folder."""
    url = os.environ.get("DATABASE_URL")
    if not url:
        return "sqlite:///" + str(Path(instance_path) / "touchloop.sqlite3")
    # Plain postgres:// URLs (as many hosts hand them out) mean psycopg 3 here.
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def engine_options(url: str) -> dict:
    """Connection settings: fail fast when PostgreSQL is unreachable."""
    if url.startswith("postgresql"):
        return {"pool_pre_ping": True, "connect_args": {"connect_timeout": 3}}
    return {}


def from_environment(instance_path: str) -> dict:
    """The settings a deployment controls through environment variables."""
    url = database_url(instance_path)
    return {
        "SECRET_KEY": os.environ.get("SECRET_KEY"),
        "SQLALCHEMY_DATABASE_URI": url,
        "SQLALCHEMY_ENGINE_OPTIONS": engine_options(url),
        "SMTP_URL": os.environ.get("SMTP_URL"),
        "MAIL_FROM": os.environ.get("MAIL_FROM") or "touchloop@localhost",
        # The address customers reach this server at, for links in e-mails and QR codes.
        "EXTERNAL_URL": (os.environ.get("EXTERNAL_URL") or "http://127.0.0.1:5000").rstrip("/"),
        "MAX_CONTENT_LENGTH": 50 * 1024 * 1024,  # customer CSV uploads
        "SURVEYS_DIR": os.environ.get("TOUCHLOOP_SURVEYS_DIR") or str(PROJECT_ROOT / "surveys"),
        "LANGUAGES": ("zh", "en"),
        "BABEL_TRANSLATION_DIRECTORIES": str(PROJECT_ROOT / "app" / "translations"),
        # A survey page may stay open a long while before the customer submits.
        "WTF_CSRF_TIME_LIMIT": 12 * 3600,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_HTTPONLY": True,
        **https_settings(),
        "LOGIN_RATE_LIMIT": os.environ.get("LOGIN_RATE_LIMIT") or "10 per minute",
    }


def https_settings() -> dict:
    """PREFERRED_URL_SCHEME=https marks cookies Secure; TRUST_PROXY=N believes N proxies' X-Forwarded-* headers."""
    scheme = (os.environ.get("PREFERRED_URL_SCHEME") or "http").strip().lower()
    https = scheme == "https"
    return {
        "PREFERRED_URL_SCHEME": "https" if https else "http",
        "SESSION_COOKIE_SECURE": https,
        "REMEMBER_COOKIE_SECURE": https,
        "TRUST_PROXY": _count(os.environ.get("TRUST_PROXY")),
    }


def _count(text: str | None) -> int:
    """TRUST_PROXY as a number of proxies (unset: 0); anything else stops the start with what is wrong."""
    value = (text or "0").strip()
    if not value.isdigit():
        raise ValueError(f"TRUST_PROXY must be the number of proxies in front of the app (e.g. 1), not {value!r}")
    return int(value)


def instance_secret(instance_path: str) -> str:
    """A random key kept in the instance folder, so a first run needs no setup.

    Production sets SECRET_KEY; this keeps sessions valid across restarts of a
    local install without ever shipping a key in the code.
    """
    path = Path(instance_path) / "secret_key"
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        # O_EXCL: when several workers start at once, exactly one writes the key.
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        pass
    else:
        with os.fdopen(descriptor, "w") as handle:
            handle.write(secrets.token_hex(32))
    for _ in range(50):  # the writer may not have finished its one line yet
        key = path.read_text().strip()
        if key:
            return key
        time.sleep(0.01)
    raise RuntimeError(f"{path} is empty; delete it or set SECRET_KEY")
