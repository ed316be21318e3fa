"""A folder of definition files: journey.yaml plus one file per survey."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from touchloop.journey import Journey, read_journey
from touchloop.survey import Survey, read_survey
from touchloop.yamlsource import Problem, YamlError, parse_yaml

JOURNEY_FILE = "journey.yaml"


@dataclass
class Catalog:
    """What a folder declares, and every problem found in it."""

    journey: Journey | None = None
    surveys: list[Survey] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def read_catalog(path: Path) -> Catalog:
    """Read and validate a folder (or a single survey file beside its journey.yaml)."""
    path = Path(path)
    folder = path if path.is_dir() else path.parent
    catalog = Catalog()
    if not path.exists():
        catalog.problems.append(Problem(str(path), None, "", "no such file or folder"))
        return catalog
    journey_path = folder / JOURNEY_FILE
    if not journey_path.is_file():
        catalog.problems.append(Problem(str(journey_path), None, "", "journey.yaml is missing from this folder"))
        return catalog
    catalog.journey = _read(journey_path, catalog.problems, read_journey)
    survey_paths = sorted(folder.glob("*.yaml")) if path.is_dir() else [path]
    slugs: dict[str, str] = {}
    for survey_path in survey_paths:
        if survey_path.name == JOURNEY_FILE:
            continue
        survey = _read(survey_path, catalog.problems, lambda doc: read_survey(doc, catalog.journey))
        if survey is None:
            continue
        if survey.slug in slugs:
            line = parse_yaml(survey_path.read_text(encoding="utf-8"), str(survey_path)).line_of(("slug",))
            catalog.problems.append(
                Problem(
                    str(survey_path), line, "slug", f"the slug '{survey.slug}' is already used by {slugs[survey.slug]}"
                )
            )
        slugs[survey.slug] = str(survey_path)
        catalog.surveys.append(survey)
    return catalog


def _read(file_path: Path, problems: list[Problem], reader):
    """Parse one file with ``reader``; add its problems and return its value or None."""
    try:
        text = file_path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        problems.append(Problem(str(file_path), None, "", f"not UTF-8 text (byte {exc.start})"))
        return None
    try:
        document = parse_yaml(text, str(file_path))
    except YamlError as exc:
        problems.append(exc.problem)
        return None
    value, found = reader(document)
    problems.extend(found)
    return value
