"""Surveys on the admin pages: every survey with its versions, and loading an uploaded survey file.

An upload is checked and loaded by the same code as ``flask surveys validate FILE`` and ``flask surveys
load FILE`` (``read_catalog`` and ``load_catalog``), beside the journey.yaml of the surveys folder. It is
written into that folder only once it is valid, by an atomic rename, so ``flask surveys load`` finds the
same content later. It replaces the file that already declares its slug, or becomes ``<slug>.yaml``.
"""

from __future__ import annotations

import dataclasses
import enum
import os
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import sqlalchemy as sa
import yaml
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.models import Response, Survey, SurveyVersion, Touchpoint
from app.services.survey_loading import load_catalog
from app.services.survey_titles import in_language
from touchloop.catalog import JOURNEY_FILE, Catalog, read_catalog
from touchloop.yamlsource import Problem, YamlError, parse_yaml

MAX_UPLOAD_BYTES = 256 * 1024  # a survey of 30 questions in two languages is a few KB


@dataclass(frozen=True)
class VersionRow:
    """One version of a survey, with how many responses answered it."""

    id: int
    number: int
    loaded_at: datetime
    checksum: str
    source_file: str
    languages: tuple[str, ...]
    responses: int
    current: bool


@dataclass(frozen=True)
class SurveyEntry:
    """A survey, named as its newest version names it, with every version, newest first."""

    id: int
    slug: str
    title: str
    touchpoint: str
    versions: list[VersionRow]


class UploadRefusal(enum.StrEnum):
    """Why an uploaded file was refused as a whole (its content problems are ``Problem``s); the page words each."""

    EMPTY = "empty"
    TOO_LARGE = "too_large"
    NOT_WRITABLE = "not_writable"
    NOT_A_SURVEY = "not_a_survey"
    SLUG_IN_SEVERAL_FILES = "slug_in_several_files"
    NAME_TAKEN = "name_taken"
    LOADED_MEANWHILE = "loaded_meanwhile"


@dataclass
class UploadOutcome:
    """What became of an uploaded file: why it was refused, or where it went and what the load did."""

    name: str
    problems: list[Problem] = field(default_factory=list)  # as ``flask surveys validate`` reports them
    refusal: UploadRefusal | None = None
    details: dict[str, str] = field(default_factory=dict)  # what the refusal's message names
    slug: str | None = None
    saved_as: str | None = None
    status: str | None = None  # created | changed | unchanged
    version: int | None = None

    @property
    def refused(self) -> bool:
        """True if nothing was loaded or written."""
        return bool(self.problems) or self.refusal is not None


def survey_overview(session: Session, lang: str) -> list[SurveyEntry]:
    """Every survey by slug, with each version's response count (one GROUP BY)."""
    counts = dict(
        session.execute(
            sa.select(Response.survey_version_id, sa.func.count()).group_by(Response.survey_version_id)
        ).all()
    )
    rows = session.execute(
        sa.select(Survey.id, Survey.slug, Touchpoint.name, Touchpoint.code, SurveyVersion)
        .join(Touchpoint, Touchpoint.id == Survey.touchpoint_id)
        .join(SurveyVersion, SurveyVersion.survey_id == Survey.id)
        .order_by(Survey.slug, SurveyVersion.number.desc())
    )
    entries: dict[int, SurveyEntry] = {}
    for survey_id, slug, touchpoint_name, touchpoint_code, version in rows:
        if survey_id not in entries:  # the newest version comes first and names the survey
            title = in_language((version.definition or {}).get("title"), lang, slug)
            entries[survey_id] = SurveyEntry(
                survey_id, slug, title, in_language(touchpoint_name, lang, touchpoint_code), []
            )
        entries[survey_id].versions.append(
            VersionRow(
                id=version.id,
                number=version.number,
                loaded_at=version.created_at,
                checksum=version.checksum,
                source_file=Path(version.source_file).name,
                languages=tuple((version.definition or {}).get("languages") or ()),
                responses=counts.get(version.id, 0),
                current=not entries[survey_id].versions,
            )
        )
    return list(entries.values())


def install_survey_file(session: Session, folder: Path, name: str, content: bytes) -> UploadOutcome:
    """Validate an uploaded survey file as the CLI does; if valid, load it and write it into ``folder``.

    Loads into the session (flushed, not committed) before the file is renamed into place, so a load
    that fails writes nothing. Problems name the file as uploaded.
    """
    outcome = UploadOutcome(name)
    if not content.strip():
        _refuse(outcome, UploadRefusal.EMPTY)
        return outcome
    if len(content) > MAX_UPLOAD_BYTES:
        _refuse(outcome, UploadRefusal.TOO_LARGE, limit=str(MAX_UPLOAD_BYTES // 1024))
        return outcome
    try:
        staged = _stage(folder, content)
    except OSError as exc:
        _refuse(outcome, UploadRefusal.NOT_WRITABLE, error=exc.strerror or str(exc))
        return outcome
    try:
        catalog = _validated(staged, outcome)
        if catalog is not None:
            _load_and_place(session, folder, staged, catalog, outcome)
    finally:
        staged.unlink(missing_ok=True)
    return outcome


def _stage(folder: Path, content: bytes) -> Path:
    """Write ``content`` to a hidden temporary file in ``folder`` (not ``*.yaml``, so the CLI never reads it)."""
    staged = folder / f".upload-{uuid.uuid4().hex}.tmp"
    with open(staged, "xb") as handle:
        handle.write(content)
        handle.flush()
        os.fsync(handle.fileno())
    return staged


def _validated(staged: Path, outcome: UploadOutcome) -> Catalog | None:
    """The catalog of the staged file beside the folder's journey.yaml, or None with the problems recorded."""
    try:
        catalog = read_catalog(staged)
    except (yaml.YAMLError, RecursionError) as exc:
        # parse_yaml lets a few inputs escape as exceptions (control characters, absurd nesting).
        outcome.problems.append(Problem(outcome.name, _error_line(staged, exc), "", f"not valid YAML: {_reason(exc)}"))
        return None
    outcome.problems = [
        dataclasses.replace(problem, file=outcome.name) if problem.file == str(staged) else problem
        for problem in catalog.problems
    ]
    if outcome.problems:
        return None
    if not catalog.surveys:
        return _refuse(outcome, UploadRefusal.NOT_A_SURVEY)
    return catalog


def _load_and_place(session: Session, folder: Path, staged: Path, catalog: Catalog, outcome: UploadOutcome) -> None:
    """Load the survey (as ``flask surveys load``) and rename the staged file over its place in ``folder``."""
    definition = catalog.surveys[0]
    outcome.slug = definition.slug
    target = _target(session, folder, definition.slug, outcome)
    if target is None:
        return
    before = session.scalar(
        sa.select(sa.func.max(SurveyVersion.number)).join(Survey).where(Survey.slug == definition.slug)
    )
    try:
        report = load_catalog(session, Catalog(catalog.journey, [dataclasses.replace(definition, source=str(target))]))
    except IntegrityError:  # another load of this survey took the version number meanwhile
        _refuse(outcome, UploadRefusal.LOADED_MEANWHILE)
        return
    os.replace(staged, target)
    outcome.saved_as = target.name
    if report.unchanged:
        outcome.status, outcome.version = "unchanged", before
    else:
        outcome.status = "created" if report.created else "changed"
        outcome.version = report.new_versions[0][1] if report.new_versions else 1


def _target(session: Session, folder: Path, slug: str, outcome: UploadOutcome) -> Path | None:
    """Where the survey's file goes in ``folder``; None (with a refusal) if that would clash with another file.

    The file that declares the slug; else the file its newest version was loaded from; else ``<slug>.yaml``.
    A file that declares no readable slug (a broken one) may be replaced; one declaring another slug may not.
    """
    holders = [path for path in sorted(folder.glob("*.yaml")) if path.name != JOURNEY_FILE and _slug_of(path) == slug]
    if len(holders) > 1:
        return _refuse(outcome, UploadRefusal.SLUG_IN_SEVERAL_FILES, files=", ".join(path.name for path in holders))
    if holders:
        return holders[0]
    loaded_from = session.scalar(
        sa.select(SurveyVersion.source_file)
        .join(Survey)
        .where(Survey.slug == slug)
        .order_by(SurveyVersion.number.desc())
    )
    for candidate in (Path(loaded_from).name if loaded_from else None, f"{slug}.yaml"):
        if candidate and candidate.endswith(".yaml") and candidate != JOURNEY_FILE:
            path = folder / candidate
            if not path.exists() or _slug_of(path) is None:
                return path
    return _refuse(outcome, UploadRefusal.NAME_TAKEN, file=f"{slug}.yaml")


def _slug_of(path: Path) -> str | None:
    """The slug a definition file declares, or None if it declares none or cannot be read."""
    try:
        data = parse_yaml(path.read_text(encoding="utf-8"), str(path)).data
    except (OSError, UnicodeDecodeError, yaml.YAMLError, YamlError, RecursionError):
        return None
    slug = data.get("slug") if isinstance(data, dict) else None
    return slug if isinstance(slug, str) else None


def _refuse(outcome: UploadOutcome, refusal: UploadRefusal, **details: str) -> None:
    """Record why the file was refused as a whole (None, so ``return _refuse(...)`` returns nothing found)."""
    outcome.refusal, outcome.details = refusal, details


def _error_line(staged: Path, exc: Exception) -> int | None:
    """The line of a reader error (it gives a character position), else None."""
    position = getattr(exc, "position", None)
    if not isinstance(position, int):
        return None
    try:
        return staged.read_text(encoding="utf-8")[:position].count("\n") + 1
    except (OSError, UnicodeDecodeError):
        return None


def _reason(exc: Exception) -> str:
    """A short reason for an exception out of the YAML reader."""
    if isinstance(exc, RecursionError):
        return "it is nested too deeply"
    return str(exc).splitlines()[0]
