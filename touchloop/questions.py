"""Question types: what each accepts, its scale and labels, read from YAML."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from touchloop.checks import Checker, Text

NUMERIC_TYPES = ("nps", "rating", "csat", "ces", "gap")
COMMON_KEYS = {"id", "type", "text", "required", "help", "show_if"}

# Default scale ends and gap sub-questions, used when a file gives none.
DEFAULT_LABELS: dict[str, tuple[Text, Text]] = {
    "nps": ({"zh": "完全不可能", "en": "Not at all likely"}, {"zh": "非常可能", "en": "Extremely likely"}),
    "csat": ({"zh": "非常不满意", "en": "Very dissatisfied"}, {"zh": "非常满意", "en": "Very satisfied"}),
    "ces": ({"zh": "非常费力", "en": "Very difficult"}, {"zh": "非常轻松", "en": "Very easy"}),
    "gap": ({"zh": "非常差", "en": "Very poor"}, {"zh": "非常好", "en": "Excellent"}),
}
DEFAULT_GAP_TEXTS: tuple[Text, Text] = (
    {"zh": "您原本的期望", "en": "What did you expect?"},
    {"zh": "您的实际感受", "en": "What did you experience?"},
)
FIXED_SCALES = {"nps": (0, 10), "csat": (1, 5), "ces": (1, 7)}


@dataclass(frozen=True)
class Option:
    """One answer option of a choice question."""

    code: str
    text: Text


@dataclass(frozen=True)
class Question:
    """One validated question of a survey."""

    id: str
    type: str
    text: Text
    required: bool = False
    help: Text | None = None
    show_if: str | None = None
    dimension: str | None = None
    scale: tuple[int, int] | None = None
    labels: tuple[Text, Text] | None = None
    gap_texts: tuple[Text, Text] | None = None
    options: tuple[Option, ...] = ()
    multiple: bool = False
    max_length: int | None = None

    @property
    def is_numeric(self) -> bool:
        """True for questions answered on a number scale."""
        return self.type in NUMERIC_TYPES

    @property
    def option_codes(self) -> tuple[str, ...]:
        """The codes of a choice question's options."""
        return tuple(option.code for option in self.options)


def _common(check: Checker, entry: dict[str, Any], path: tuple, extra: set[str]) -> dict[str, Any]:
    """The keys every question has, after checking the allowed key set."""
    check.allowed_keys(entry, path, {"id", "type", "text"}, COMMON_KEYS - {"id", "type", "text"} | extra)
    show_if = entry.get("show_if")
    if show_if is not None and not isinstance(show_if, str):
        check.fail(path + ("show_if",), "a condition must be written as text, e.g. 'recommend <= 6'")
        show_if = None
    return {
        "id": check.code(entry.get("id"), path + ("id",)),
        "type": entry["type"],
        "text": check.text(entry.get("text"), path + ("text",)),
        "required": check.boolean(entry["required"], path + ("required",)) if "required" in entry else False,
        "help": check.text(entry["help"], path + ("help",)) if "help" in entry else None,
        "show_if": show_if,
    }


def _labels(check: Checker, entry: dict[str, Any], path: tuple, kind: str) -> tuple[Text, Text] | None:
    """The two scale ends: given in the file, or the type's defaults."""
    if "labels" not in entry:
        default = DEFAULT_LABELS.get(kind)
        if default is None:
            check.fail(path, "'labels' is missing: name the low and high ends of the scale")
            return None
        missing = [lang for lang in check.languages if lang not in default[0]]
        if missing:
            check.fail(path, f"'labels' is needed: there are no default labels in {', '.join(missing)}")
        return default
    labels = check.mapping(entry["labels"], path + ("labels",))
    check.allowed_keys(labels, path + ("labels",), {"low", "high"}, set())
    return (
        check.text(labels.get("low"), path + ("labels", "low")),
        check.text(labels.get("high"), path + ("labels", "high")),
    )


def _dimension(check: Checker, entry: dict[str, Any], path: tuple) -> str | None:
    """The experience dimension a numeric question measures, if tagged."""
    return check.code(entry["dimension"], path + ("dimension",)) if "dimension" in entry else None


def read_fixed_scale(check: Checker, entry: dict[str, Any], path: tuple) -> Question:
    """``nps``, ``csat`` and ``ces``: fixed scales with labelled ends."""
    kind = entry["type"]
    allowed = {"labels"} | ({"dimension"} if kind != "nps" else set())
    if "scale" in entry:
        check.fail(
            path + ("scale",),
            f"'{kind}' has a fixed scale {FIXED_SCALES[kind][0]}–{FIXED_SCALES[kind][1]}; remove 'scale'",
        )
        entry = {k: v for k, v in entry.items() if k != "scale"}
    if kind == "nps" and "dimension" in entry:
        check.fail(path + ("dimension",), "an 'nps' question measures loyalty as a whole and takes no dimension")
        entry = {k: v for k, v in entry.items() if k != "dimension"}
    return Question(
        **_common(check, entry, path, allowed),
        dimension=_dimension(check, entry, path),
        scale=FIXED_SCALES[kind],
        labels=_labels(check, entry, path, kind),
    )


def read_rating(check: Checker, entry: dict[str, Any], path: tuple) -> Question:
    """``rating``: 1..scale with labelled ends."""
    common = _common(check, entry, path, {"scale", "labels", "dimension"})
    top = check.integer(entry.get("scale"), path + ("scale",), 2, 11) if "scale" in entry else None
    if "scale" not in entry:
        check.fail(path, "'scale' is missing: a rating runs from 1 to scale (2–11)")
    return Question(
        **common,
        dimension=_dimension(check, entry, path),
        scale=(1, top or 5),
        labels=_labels(check, entry, path, "rating"),
    )


def read_gap(check: Checker, entry: dict[str, Any], path: tuple) -> Question:
    """``gap``: one aspect asked twice (expected, actual) on the same scale."""
    common = _common(check, entry, path, {"scale", "labels", "dimension", "expected_text", "actual_text"})
    top = check.integer(entry["scale"], path + ("scale",), 3, 11) if "scale" in entry else 7
    texts = tuple(
        check.text(entry[key], path + (key,)) if key in entry else default
        for key, default in zip(("expected_text", "actual_text"), DEFAULT_GAP_TEXTS)
    )
    for key, default in zip(("expected_text", "actual_text"), DEFAULT_GAP_TEXTS):
        missing = [lang for lang in check.languages if lang not in default]
        if key not in entry and missing:
            check.fail(path, f"'{key}' is needed: there is no default in {', '.join(missing)}")
    return Question(
        **common,
        dimension=_dimension(check, entry, path),
        scale=(1, top or 7),
        labels=_labels(check, entry, path, "gap"),
        gap_texts=texts,
    )


def read_choice(check: Checker, entry: dict[str, Any], path: tuple) -> Question:
    """``choice``: one option, or several with ``multiple: true``."""
    common = _common(check, entry, path, {"options", "multiple"})
    options = []
    for index, item in enumerate(check.sequence(entry.get("options"), path + ("options",), minimum=2, maximum=20)):
        option = check.mapping(item, path + ("options", index))
        check.allowed_keys(option, path + ("options", index), {"code", "text"}, set())
        options.append(
            Option(
                check.code(option.get("code"), path + ("options", index, "code")),
                check.text(option.get("text"), path + ("options", index, "text")),
            )
        )
    check.unique([o.code for o in options], path + ("options",), "option code")
    multiple = check.boolean(entry["multiple"], path + ("multiple",)) if "multiple" in entry else False
    return Question(**common, options=tuple(options), multiple=multiple)


def read_text(check: Checker, entry: dict[str, Any], path: tuple) -> Question:
    """``text``: a free-text answer of at most ``max_length`` characters."""
    common = _common(check, entry, path, {"max_length"})
    limit = check.integer(entry["max_length"], path + ("max_length",), 1, 5000) if "max_length" in entry else 2000
    return Question(**common, max_length=limit or 2000)


QUESTION_READERS: dict[str, Callable[[Checker, dict[str, Any], tuple], Question]] = {
    "nps": read_fixed_scale,
    "rating": read_rating,
    "csat": read_fixed_scale,
    "ces": read_fixed_scale,
    "gap": read_gap,
    "choice": read_choice,
    "text": read_text,
}
