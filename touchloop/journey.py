"""The customer journey as declared in journey.yaml, and its validation."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from touchloop.checks import SEGMENT_VALUE_RE, Checker, Text
from touchloop.classification import Classification, read_classification
from touchloop.yamlsource import Problem, YamlDocument

REQUIRED_DIMENSIONS = ("product", "service", "relationship", "convenience", "brand", "price")
BANDED_SEGMENTS = ("years_as_customer",)
REQUIRED_SEGMENTS = {
    "tier": ("A", "B", "C"),
    "lifecycle": ("new", "growing", "mature", "declining", "lost"),
    "region": (),
    "industry": (),
    "years_as_customer": (),
}


@dataclass(frozen=True)
class Named:
    """A coded thing with a name per language (department, dimension, ...)."""

    code: str
    name: Text


@dataclass(frozen=True)
class Touchpoint:
    """One contact between company and customer, owned by a department."""

    code: str
    name: Text
    stage: str
    department: str


@dataclass(frozen=True)
class Stage:
    """A journey stage and its touchpoints, in order."""

    code: str
    name: Text
    touchpoints: tuple[Touchpoint, ...]


@dataclass(frozen=True)
class SegmentBand:
    """A numeric band ``min <= x < max`` of a banded segment attribute."""

    code: str
    name: Text
    minimum: int
    maximum: int | None


@dataclass(frozen=True)
class SegmentAttribute:
    """A customer segment attribute: listed values, or numeric bands."""

    code: str
    name: Text
    values: tuple[Named, ...]
    bands: tuple[SegmentBand, ...]


@dataclass(frozen=True)
class ContactRules:
    """How often customers may be asked, and how long invitations live."""

    min_days_between_invitations: int = 30
    reminder_after_days: int = 5
    invitation_valid_days: int = 30


@dataclass(frozen=True)
class Journey:
    """Everything journey.yaml declares (``data`` is the file's parsed content)."""

    company: Text
    languages: tuple[str, ...]
    departments: tuple[Named, ...]
    stages: tuple[Stage, ...]
    dimensions: tuple[Named, ...]
    segments: tuple[SegmentAttribute, ...]
    contact: ContactRules = ContactRules()
    classification: Classification = Classification()
    root_causes: tuple[Named, ...] = ()  # codes a resolved follow-up case is filed under
    data: dict = field(default_factory=dict, compare=False, repr=False)

    @property
    def touchpoints(self) -> dict[str, Touchpoint]:
        """Every touchpoint by code, in journey order."""
        return {tp.code: tp for stage in self.stages for tp in stage.touchpoints}

    @property
    def dimension_codes(self) -> set[str]:
        """The codes of the declared experience dimensions."""
        return {d.code for d in self.dimensions}


def read_journey(document: YamlDocument) -> tuple[Journey | None, list[Problem]]:
    """Validate journey.yaml; return the Journey, or None and the problems."""
    raw = document.data
    check = Checker(document)
    data = check.mapping(raw, ())
    check.allowed_keys(
        data,
        (),
        {"company", "languages", "departments", "stages", "dimensions", "segments"},
        {"contact", "classification", "root_causes"},
    )
    check.languages = check.languages_list(data.get("languages", []), ("languages",))
    company = check.text(data.get("company"), ("company",))
    departments = _named_list(check, data.get("departments"), ("departments",), "department")
    dept_codes = {d.code for d in departments}
    stages = _stages(check, data.get("stages"), dept_codes)
    dimensions = _named_list(check, data.get("dimensions"), ("dimensions",), "dimension")
    for code in REQUIRED_DIMENSIONS:
        if code not in {d.code for d in dimensions}:
            check.fail(("dimensions",), f"the dimension '{code}' is required")
    segments = _segments(check, data.get("segments"))
    contact = _contact(check, data.get("contact", {}))
    values = {s.code: tuple(v.code for v in s.values) for s in segments}
    classification = read_classification(check, data.get("classification", {}), values)
    root_causes = _root_causes(check, data)
    if check.problems:
        return None, check.problems
    journey = Journey(
        company=company,
        languages=check.languages,
        departments=tuple(departments),
        stages=tuple(stages),
        dimensions=tuple(dimensions),
        segments=tuple(segments),
        contact=contact,
        classification=classification,
        root_causes=root_causes,
        data=data,
    )
    return journey, []


def _root_causes(check: Checker, data: dict[str, Any]) -> tuple[Named, ...]:
    """The optional ``root_causes`` list of ``{code, name}``; none when the section is absent."""
    if "root_causes" not in data:
        return ()
    return tuple(_named_list(check, data["root_causes"], ("root_causes",), "root cause"))


def _contact(check: Checker, raw: Any) -> ContactRules:
    """The optional ``contact`` section; each setting has a sensible default."""
    entry = check.mapping(raw, ("contact",))
    limits = {
        "min_days_between_invitations": (0, 365),
        "reminder_after_days": (1, 60),
        "invitation_valid_days": (1, 365),
    }
    check.allowed_keys(entry, ("contact",), set(), set(limits))
    values = {}
    for key, (low, high) in limits.items():
        if key in entry:
            value = check.integer(entry[key], ("contact", key), low, high)
            if value is not None:
                values[key] = value
    return ContactRules(**values)


def _named_list(check: Checker, raw: Any, path: tuple, what: str, pattern=None) -> list[Named]:
    """A list of ``{code, name}`` items with unique codes."""
    items = []
    for index, item in enumerate(check.sequence(raw, path, minimum=1, maximum=200)):
        entry = check.mapping(item, path + (index,))
        check.allowed_keys(entry, path + (index,), {"code", "name"}, set())
        code = check.code(entry.get("code"), path + (index, "code"), *([pattern] if pattern else []))
        items.append(Named(code, check.text(entry.get("name"), path + (index, "name"))))
    check.unique([item.code for item in items], path, what)
    return items


def _stages(check: Checker, raw: Any, dept_codes: set[str]) -> list[Stage]:
    """The journey stages with their touchpoints, each owned by a known department."""
    stages, all_codes = [], []
    for index, item in enumerate(check.sequence(raw, ("stages",), minimum=1, maximum=20)):
        path = ("stages", index)
        entry = check.mapping(item, path)
        check.allowed_keys(entry, path, {"code", "name", "touchpoints"}, set())
        code = check.code(entry.get("code"), path + ("code",))
        touchpoints = []
        for tp_index, tp_item in enumerate(
            check.sequence(entry.get("touchpoints"), path + ("touchpoints",), minimum=1, maximum=60)
        ):
            tp_path = path + ("touchpoints", tp_index)
            tp = check.mapping(tp_item, tp_path)
            check.allowed_keys(tp, tp_path, {"code", "name", "department"}, set())
            tp_code = check.code(tp.get("code"), tp_path + ("code",))
            department = tp.get("department")
            if not isinstance(department, str) or department not in dept_codes:
                check.fail(
                    tp_path + ("department",),
                    f"unknown department {department!r} (known: {', '.join(sorted(dept_codes))})",
                )
            touchpoints.append(
                Touchpoint(tp_code, check.text(tp.get("name"), tp_path + ("name",)), code, str(department))
            )
            all_codes.append(tp_code)
        stages.append(Stage(code, check.text(entry.get("name"), path + ("name",)), tuple(touchpoints)))
    check.unique([s.code for s in stages], ("stages",), "stage")
    if len(set(all_codes)) != len(all_codes):
        dupes = sorted({c for c in all_codes if all_codes.count(c) > 1})
        check.fail(("stages",), f"touchpoint codes must be unique across stages: {', '.join(dupes)}")
    return stages


def _segments(check: Checker, raw: Any) -> list[SegmentAttribute]:
    """Segment attributes, each with listed values or numeric bands."""
    result = []
    for index, item in enumerate(check.sequence(raw, ("segments",), minimum=1, maximum=50)):
        path = ("segments", index)
        entry = check.mapping(item, path)
        check.allowed_keys(entry, path, {"code", "name"}, {"values", "bands"})
        code = check.code(entry.get("code"), path + ("code",))
        name = check.text(entry.get("name"), path + ("name",))
        values, bands = (), ()
        if ("values" in entry) == ("bands" in entry):
            check.fail(path, "give either 'values' or 'bands'")
        elif "values" in entry:
            values = tuple(_named_list(check, entry["values"], path + ("values",), "value", SEGMENT_VALUE_RE))
        else:
            bands = tuple(_bands(check, entry["bands"], path + ("bands",)))
        result.append(SegmentAttribute(code, name, values, bands))
        expected = REQUIRED_SEGMENTS.get(code)
        if expected and tuple(v.code for v in values) != expected:
            check.fail(path + ("values",), f"'{code}' must have the values {', '.join(expected)} in this order")
        if code in BANDED_SEGMENTS and "values" in entry:
            check.fail(path + ("values",), f"'{code}' is a number of years: give 'bands', not 'values'")
    codes = [s.code for s in result]
    check.unique(codes, ("segments",), "segment attribute")
    for code in REQUIRED_SEGMENTS:
        if code not in codes:
            check.fail(("segments",), f"the segment attribute '{code}' is required")
    return result


def _bands(check: Checker, raw: Any, path: tuple) -> list[SegmentBand]:
    """Numeric bands that follow each other without gaps or overlaps."""
    bands = []
    for index, item in enumerate(check.sequence(raw, path, minimum=1, maximum=20)):
        entry = check.mapping(item, path + (index,))
        check.allowed_keys(entry, path + (index,), {"code", "name", "min"}, {"max"})
        low = check.integer(entry.get("min"), path + (index, "min"), 0, 1000)
        high = check.integer(entry["max"], path + (index, "max"), 1, 1000) if "max" in entry else None
        if bands and bands[-1].maximum is None:
            check.fail(path + (index,), "the previous band has no max, so no band can follow it")
        elif bands and low is not None and bands[-1].maximum != low:
            check.fail(path + (index, "min"), f"this band must start where the previous one ends ({bands[-1].maximum})")
        if low is not None and high is not None and high <= low:
            check.fail(path + (index, "max"), "max must be greater than min")
        bands.append(
            SegmentBand(
                check.code(entry.get("code"), path + (index, "code")),
                check.text(entry.get("name"), path + (index, "name")),
                low or 0,
                high,
            )
        )
    check.unique([b.code for b in bands], path, "band")
    return bands
