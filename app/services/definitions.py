"""Survey versions as definitions the forms and checks work with.

A version never changes once loaded, so its parsed definition and question ids
are cached per process by version id. This is a cache of immutable data, not
state: every process derives the same thing from the database. It also lets a
customer's submission be checked and re-shown while the database is down.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from dataclasses import dataclass, field
from threading import Lock

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.models import Question, Survey, SurveyVersion, Touchpoint
from touchloop.survey import Survey as SurveyDefinition
from touchloop.survey import read_survey
from touchloop.yamlsource import YamlDocument

CACHE_SIZE = 256


@dataclass(frozen=True)
class LoadedVersion:
    """A survey version with what answering it needs, no database required."""

    version_id: int
    number: int
    survey_id: int
    touchpoint_id: int
    question_ids: dict[str, int]
    definition: SurveyDefinition
    # What the web layer derives from the version once per process (form classes, the blank
    # questions' markup): as immutable as the version, and forgotten with it.
    derived: dict = field(default_factory=dict, compare=False, repr=False)

    def derive(self, key: tuple, make):
        """The value cached under ``key``, made by ``make()`` the first time."""
        if key not in self.derived:
            self.derived[key] = make()
        return self.derived[key]


_cache: OrderedDict[int, LoadedVersion] = OrderedDict()
_lock = Lock()


def loaded_version(session: Session, version_id: int) -> LoadedVersion | None:
    """The version with this id, from the cache or the database."""
    with _lock:
        if version_id in _cache:
            _cache.move_to_end(version_id)
            return _cache[version_id]
    version = session.get(SurveyVersion, version_id)
    if version is None:
        return None
    loaded = _load(session, version)
    with _lock:
        _cache[version_id] = loaded
        while len(_cache) > CACHE_SIZE:
            _cache.popitem(last=False)
    return loaded


def current_version(session: Session, slug: str) -> LoadedVersion | None:
    """The newest version of the survey with this slug, or None."""
    version_id = session.scalar(
        sa.select(SurveyVersion.id)
        .join(Survey)
        .where(Survey.slug == slug)
        .order_by(SurveyVersion.number.desc())
        .limit(1)
    )
    return loaded_version(session, version_id) if version_id else None


def parse_id(text: str | None) -> int | None:
    """A database id from untrusted text: 1 to 9 ASCII digits, else None."""
    return int(text) if text and re.fullmatch(r"[0-9]{1,9}", text) else None


def version_for_submission(session: Session, slug: str, version_id: str | None) -> LoadedVersion | None:
    """The version a posted form answered, if it names one of ``slug``; else the newest."""
    if parse_id(version_id):
        loaded = loaded_version(session, parse_id(version_id))
        if loaded is not None and loaded.definition.slug == slug:
            return loaded
    return current_version(session, slug)


def clear_cache() -> None:
    """Forget every cached version (tests that reuse ids across databases)."""
    with _lock:
        _cache.clear()


def _load(session: Session, version: SurveyVersion) -> LoadedVersion:
    """Parse a stored version and collect its question ids."""
    definition, problems = read_survey(
        YamlDocument(f"{version.survey.slug} v{version.number}", version.definition, {}), None
    )
    if definition is None:
        raise ValueError(f"stored survey version {version.id} does not validate: {problems[0]}")
    question_ids = dict(
        session.execute(sa.select(Question.code, Question.id).where(Question.version_id == version.id)).all()
    )
    # The touchpoint the version itself names: the survey may have moved since.
    touchpoint_id = session.scalar(sa.select(Touchpoint.id).where(Touchpoint.code == definition.touchpoint))
    return LoadedVersion(version.id, version.number, version.survey_id, touchpoint_id, question_ids, definition)
