"""A survey definition (one YAML file per survey) and its validation."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from touchloop import conditions
from touchloop.checks import SLUG_RE, Checker, Text
from touchloop.expressions import Expression
from touchloop.journey import Journey
from touchloop.questions import QUESTION_READERS, Question
from touchloop.yamlsource import Problem, YamlDocument

TOP_KEYS_REQUIRED = {"slug", "touchpoint", "languages", "title", "questions"}
TOP_KEYS_OPTIONAL = {"intro", "thanks", "followups"}


@dataclass(frozen=True)
class FollowUpRule:
    """When a response matches ``when``, a follow-up case opens with a deadline."""

    id: str
    when: Expression
    deadline_hours: int
    title: Text


@dataclass(frozen=True)
class Survey:
    """A validated survey definition."""

    slug: str
    touchpoint: str
    languages: tuple[str, ...]
    title: Text
    intro: Text | None
    thanks: Text | None
    questions: tuple[Question, ...]
    followups: tuple[FollowUpRule, ...]
    data: dict[str, Any]
    source: str = ""

    @property
    def checksum(self) -> str:
        """A fingerprint of the content (not of comments or layout)."""
        return content_checksum(self.data)


def content_checksum(data: Any) -> str:
    """SHA-256 of the canonical JSON of parsed YAML data."""
    canonical = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def read_survey(document: YamlDocument, journey: Journey | None) -> tuple[Survey | None, list[Problem]]:
    """Validate a survey file; with ``journey`` None, cross-references are not checked."""
    check = Checker(document)
    data = check.mapping(document.data, ())
    check.allowed_keys(data, (), TOP_KEYS_REQUIRED, TOP_KEYS_OPTIONAL)
    check.languages = check.languages_list(data.get("languages", []), ("languages",))
    slug = check.code(data.get("slug"), ("slug",), SLUG_RE)
    touchpoint = str(data.get("touchpoint"))
    if journey is not None and "touchpoint" in data:
        _check_against_journey(check, journey, touchpoint)
    title = check.text(data.get("title"), ("title",))
    optional_text = {key: check.text(data[key], (key,)) if key in data else None for key in ("intro", "thanks")}
    questions = _questions(check, data.get("questions"), journey)
    conditions.check_show_if(check, questions)
    followups = _followups(check, data.get("followups", []), questions)
    if check.problems:
        return None, check.problems
    survey = Survey(
        slug,
        touchpoint,
        check.languages,
        title,
        optional_text["intro"],
        optional_text["thanks"],
        tuple(questions),
        tuple(followups),
        data,
        document.file,
    )
    return survey, []


def _check_against_journey(check: Checker, journey: Journey, touchpoint: str) -> None:
    """The touchpoint must exist and the languages must be the journey's."""
    if touchpoint not in journey.touchpoints:
        known = ", ".join(journey.touchpoints)
        check.fail(("touchpoint",), f"unknown touchpoint {touchpoint!r} (journey.yaml has: {known})")
    extra = [lang for lang in check.languages if lang not in journey.languages]
    if extra:
        check.fail(
            ("languages",), f"{', '.join(extra)} not among the journey's languages ({', '.join(journey.languages)})"
        )


def _questions(check: Checker, raw: Any, journey: Journey | None) -> list[Question]:
    """Read every question; ids must be unique."""
    questions = []
    for index, item in enumerate(check.sequence(raw, ("questions",), minimum=1, maximum=30)):
        path = ("questions", index)
        entry = check.mapping(item, path)
        kind = entry.get("type")
        reader = QUESTION_READERS.get(kind) if isinstance(kind, str) else None
        if reader is None:
            known = ", ".join(QUESTION_READERS)
            check.fail(
                path + ("type",), f"unknown question type {kind!r} (known: {known})" if kind else "'type' is missing"
            )
            # Keep its id so conditions naming it are not reported a second time.
            if isinstance(entry.get("id"), str):
                questions.append(Question(id=entry["id"], type="unknown", text={}))
            continue
        question = reader(check, entry, path)
        if question.dimension and journey is not None and question.dimension not in journey.dimension_codes:
            check.fail(
                path + ("dimension",),
                f"unknown dimension {question.dimension!r} (known: {', '.join(sorted(journey.dimension_codes))})",
            )
        questions.append(question)
    check.unique([q.id for q in questions], ("questions",), "question id")
    return questions


def _followups(check: Checker, raw: Any, questions: list[Question]) -> list[FollowUpRule]:
    """Follow-up rules, whose conditions may name any question of the survey."""
    rules = []
    for index, item in enumerate(check.sequence(raw, ("followups",), maximum=20)):
        path = ("followups", index)
        entry = check.mapping(item, path)
        check.allowed_keys(entry, path, {"id", "when", "deadline_hours", "title"}, set())
        rule_id = check.code(entry.get("id"), path + ("id",))
        when = conditions.read_condition(check, entry.get("when"), path + ("when",), questions, position=None)
        hours = check.integer(entry.get("deadline_hours"), path + ("deadline_hours",), 1, 720)
        title = check.text(entry.get("title"), path + ("title",))
        if when is not None and hours is not None:
            rules.append(FollowUpRule(rule_id, when, hours, title))
    check.unique([r.id for r in rules], ("followups",), "follow-up rule id")
    return rules
