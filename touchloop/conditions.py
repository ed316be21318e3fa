"""Checking conditions (show_if, follow-up rules) against a survey's questions."""

from __future__ import annotations

from typing import Any

from touchloop.checks import Checker
from touchloop.expressions import Comparison, Expression, ExpressionError, parse
from touchloop.questions import Question

GAP_PARTS = ("expected", "actual", "gap")
ORDERINGS = ("<", "<=", ">", ">=")


def check_show_if(check: Checker, questions: list[Question]) -> None:
    """Each show_if must parse and refer only to earlier questions."""
    for position, question in enumerate(questions):
        if question.show_if is not None:
            path = ("questions", position, "show_if")
            read_condition(check, question.show_if, path, questions, position=position)


def read_condition(
    check: Checker, source: Any, path: tuple, questions: list[Question], *, position: int | None
) -> Expression | None:
    """Parse and check a condition; ``position`` limits it to earlier questions."""
    if not isinstance(source, str) or not source.strip():
        check.fail(path, "expected a condition such as 'recommend <= 6'")
        return None
    try:
        expression = parse(source)
    except ExpressionError as exc:
        check.fail(path, f"cannot read the condition {source!r}: {exc}")
        return None
    by_id = {q.id: (index, q) for index, q in enumerate(questions)}
    ok = True
    for ref in expression.references():
        message = _reference_problem(ref.name, ref.part, by_id, position)
        if message:
            check.fail(path, f"{message} (in {source!r}, column {ref.column})")
            ok = False
    if ok:
        for comparison in expression.comparisons():
            message = _comparison_problem(comparison, by_id[comparison.ref.name][1])
            if message:
                check.fail(path, f"{message} (in {source!r})")
                ok = False
    return expression if ok else None


def _reference_problem(name: str, part: str | None, by_id: dict, position: int | None) -> str | None:
    """Why a reference to question ``name`` is not allowed here, if it is not."""
    if name not in by_id:
        return f"there is no question '{name}'"
    index, question = by_id[name]
    if question.type == "unknown":
        return None  # its own problem is already reported
    if position is not None and index == position:
        return f"a question cannot depend on itself ('{name}')"
    if position is not None and index > position:
        return f"'{name}' comes later (question {index + 1}); a condition may only use earlier answers"
    if question.type == "gap" and part not in GAP_PARTS:
        return f"'{name}' is a gap question: use {name}.expected, {name}.actual or {name}.gap"
    if question.type != "gap" and part is not None:
        return f"'{name}' is a {question.type} question and has no part '.{part}'"
    return None


def _comparison_problem(comparison: Comparison, question: Question) -> str | None:
    """Why comparing this question's answer with these values cannot make sense."""
    if question.type in ("choice", "text") and comparison.op in ORDERINGS:
        return f"'{question.id}' is not answered with a number; compare it with == or in, not {comparison.op}"
    if question.type == "choice":
        return _choice_problem(comparison, question)
    if question.is_numeric:
        return _number_problem(comparison, question)
    if question.type == "text" and any(not isinstance(v, str) for v in comparison.values):
        return f"'{question.id}' is a text answer; compare it with text in double quotes"
    return None


def _choice_problem(comparison: Comparison, question: Question) -> str | None:
    """Option codes must exist; a multiple choice is tested with ``in``."""
    if question.multiple and comparison.op in ("==", "!="):
        return f"'{question.id}' allows several options: write '\"code\" in {question.id}', not {comparison.op}"
    unknown = [v for v in comparison.values if v not in question.option_codes]
    if unknown:
        return f"'{question.id}' has no option {unknown[0]!r} (options: {', '.join(question.option_codes)})"
    return None


def _number_problem(comparison: Comparison, question: Question) -> str | None:
    """Values must be whole numbers on the scale (of the gap, for ``.gap``)."""
    low, high = question.scale or (0, 10)
    if comparison.ref.part == "gap":
        low, high = low - high, high - low
    for value in comparison.values:
        if isinstance(value, bool) or not isinstance(value, int):
            return f"'{question.id}' is answered with a number; {value!r} is not one"
        if not low <= value <= high:
            return f"{value} is outside the scale of '{question.id}' ({low} to {high}), so this never changes"
    return None
