"""Shared fixtures: an app on a real database (SQLite, or PostgreSQL via TEST_DATABASE_URL)."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest
import sqlalchemy as sa
from werkzeug.routing import Rule

from app import create_app
from app.extensions import db
from app.models import people
from app.services import definitions
from tests.factories import DEMO_SURVEYS

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session", autouse=True)
def fast_password_hashes():
    """Hash passwords with few rounds: the suite creates thousands of users (scrypt costs ~0.1 s each)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(people, "PASSWORD_HASH_METHOD", "pbkdf2:sha256:1000")
        yield


@pytest.fixture(scope="session", autouse=True)
def routing_builders_made_once():
    """Each test builds a fresh app, and werkzeug compiles Python code for every one of its ~100 URL rules (two
    functions each, from an AST): 60 of the 90 ms an app costs. The code depends only on the rule's parts and
    defaults, so the suite compiles it once per rule and binds it to each app's rule as werkzeug does.
    """
    original = Rule._compile_builder
    made: dict[tuple, object] = {}

    def compile_builder(rule: Rule, append_unknown: bool = True):
        key = (rule.rule, repr(rule._trace), repr(sorted((rule.defaults or {}).items())), append_unknown)
        if key not in made:
            made[key] = original(rule, append_unknown)
        return made[key]

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Rule, "_compile_builder", compile_builder)
        yield


@sa.event.listens_for(sa.Engine, "connect")
def _sqlite_without_fsync(dbapi_connection, _record) -> None:
    """Test SQLite files need not survive a crash either: no fsync on each commit (the journal stays the same)."""
    if isinstance(dbapi_connection, sqlite3.Connection):
        dbapi_connection.execute("PRAGMA synchronous = OFF")


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    """The database the suite runs on; built once per run from the migrations."""
    url = os.environ.get("TEST_DATABASE_URL") or f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    url = _own_database_per_worker(url)
    engine = sa.create_engine(url)
    if engine.dialect.name == "postgresql":
        with engine.begin() as connection:
            connection.execute(sa.text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
            # A test database need not survive a crash: commits stop waiting for the disk (12 % of the suite).
            name = connection.execute(sa.text("SELECT current_database()")).scalar()
            connection.execute(sa.text(f'ALTER DATABASE "{name}" SET synchronous_commit = off'))
    engine.dispose()
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "schema"})
    with app.app_context():
        from flask_migrate import upgrade

        upgrade()
        db.engine.dispose()
    return url


def _own_database_per_worker(url: str) -> str:
    """Under pytest-xdist, each worker gets its own PostgreSQL database (``<name>_gw0``…), created when missing.

    SQLite needs nothing: every worker has its own temporary folder.
    """
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    parsed = sa.engine.make_url(url)
    if not worker or parsed.get_backend_name() != "postgresql":
        return url
    own = parsed.set(database=f"{parsed.database}_{worker}")
    engine = sa.create_engine(parsed, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        exists = connection.scalar(sa.text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": own.database})
        if not exists:
            connection.execute(sa.text(f'CREATE DATABASE "{own.database}"'))
    engine.dispose()
    return own.render_as_string(hide_password=False)


@pytest.fixture
def app(database_url, tmp_path):
    """A fresh app whose tables are emptied after each test."""
    app = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": database_url,
            "SQLALCHEMY_ENGINE_OPTIONS": {},
            "SECRET_KEY": "test-secret",
            "SURVEYS_DIR": str(DEMO_SURVEYS),
        }
    )
    yield app
    with app.app_context():
        db.session.remove()
        _empty_tables()
        db.engine.dispose()
    definitions.clear_cache()


def _empty_tables() -> None:
    """Delete every row, children first; on PostgreSQL also start the id sequences again.

    (DELETE, not TRUNCATE: on a few rows it costs about a tenth, 15 ms against 150 ms a test.)
    """
    tables = [t for t in reversed(db.metadata.sorted_tables)]
    with db.engine.begin() as connection:
        for table, column in _references_against_the_order(tables):
            connection.execute(table.update().where(column.isnot(None)).values({column.name: None}))
        for table in tables:
            connection.execute(table.delete())
        if connection.dialect.name == "postgresql":
            connection.execute(sa.text(RESTART_SEQUENCES))


def _references_against_the_order(tables: list[sa.Table]) -> list[tuple[sa.Table, sa.Column]]:
    """The nullable foreign keys pointing at a table deleted before theirs (a cycle, e.g. a department's head)."""
    position = {table.name: n for n, table in enumerate(tables)}
    return [
        (table, key.parent)
        for table in tables
        for key in table.foreign_keys
        if position[key.column.table.name] < position[table.name] and key.parent.nullable
    ]


RESTART_SEQUENCES = """
SELECT setval(format('%I.%I', schemaname, sequencename)::regclass, 1, false)
FROM pg_sequences WHERE schemaname = current_schema() AND last_value IS NOT NULL
"""


@pytest.fixture
def client(app):
    """A test client for the app, whose browser prefers English (as most tests assert English texts)."""
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


@pytest.fixture
def runner(app):
    """A CLI runner for the app's flask commands."""
    return app.test_cli_runner()


@pytest.fixture
def session(app):
    """The app's database session, inside an app context."""
    with app.app_context():
        yield db.session
