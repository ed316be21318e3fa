"""A customer's answers checked against a survey: visibility, required, ranges."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from touchloop.expressions import parse
from touchloop.questions import Question
from touchloop.text import printable

# Error codes; the web layer turns them into messages in the customer's language.
REQUIRED = "required"
GAP_INCOMPLETE = "gap_incomplete"
OUT_OF_RANGE = "out_of_range"
UNKNOWN_OPTION = "unknown_option"
TOO_LONG = "too_long"


@dataclass(frozen=True)
class GapAnswer:
    """Both halves of a gap answer; either may be missing while editing."""

    expected: int | None
    actual: int | None

    @property
    def gap(self) -> int | None:
        """Experience minus expectation."""
        if self.expected is None or self.actual is None:
            return None
        return self.actual - self.expected


@dataclass
class CheckedAnswers:
    """The answers to store (visible, non-empty) and the errors by question id."""

    answers: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    visible: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when there is nothing for the customer to fix."""
        return not self.errors


def is_empty(value: Any) -> bool:
    """True for an unanswered value of any question type."""
    if isinstance(value, GapAnswer):
        return value.expected is None and value.actual is None
    return value is None or value == "" or value == [] or value == ()


def check_answers(questions: tuple[Question, ...], raw: dict[str, Any]) -> CheckedAnswers:
    """Decide which questions are visible and validate their answers in order.

    A question's condition sees only the answers of earlier *visible* questions,
    so a hidden question's answer never influences anything and is dropped.
    """
    result = CheckedAnswers()
    for question in questions:
        if question.show_if and not parse(question.show_if).evaluate(result.answers):
            continue
        result.visible.append(question.id)
        value = _normalise(question, raw.get(question.id))
        if is_empty(value):
            if question.required:
                result.errors[question.id] = REQUIRED
            continue
        error = _value_error(question, value)
        if error:
            result.errors[question.id] = error
        else:
            result.answers[question.id] = value
    return result


def _normalise(question: Question, value: Any) -> Any:
    """Trim text, drop invisible control characters (NUL, zero-width), turn empty into None."""
    if isinstance(value, str):
        value = printable(value.replace("\r\n", "\n"), keep="\n\t")
        return value.strip() or None
    if question.type == "choice" and question.multiple and value is not None:
        return list(dict.fromkeys(v for v in value if v))  # an option ticked twice counts once
    return value


def _value_error(question: Question, value: Any) -> str | None:
    """The error code for a non-empty answer, or None if it is acceptable."""
    if question.type == "gap":
        if not isinstance(value, GapAnswer) or value.expected is None or value.actual is None:
            return GAP_INCOMPLETE
        return None if all(_in_scale(question, v) for v in (value.expected, value.actual)) else OUT_OF_RANGE
    if question.is_numeric:
        return None if _in_scale(question, value) else OUT_OF_RANGE
    if question.type == "choice":
        chosen = value if question.multiple else [value]
        return None if all(v in question.option_codes for v in chosen) else UNKNOWN_OPTION
    if question.type == "text" and question.max_length and len(value) > question.max_length:
        return TOO_LONG
    return None


def _in_scale(question: Question, value: Any) -> bool:
    """True if ``value`` is a whole number on the question's scale."""
    low, high = question.scale or (0, 0)
    return isinstance(value, int) and not isinstance(value, bool) and low <= value <= high
