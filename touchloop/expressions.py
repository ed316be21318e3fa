"""A small, safe condition language for survey ``show_if`` and follow-up ``when`` rules.

The text is tokenized and parsed by hand in touchloop.expression_syntax (see
"Conditions: show_if" in surveys/FORMAT.md); it is never handed to
``eval``/``exec``. This module evaluates the parsed tree. Grammar::

    expr       := and_expr ('or' and_expr)*
    and_expr   := not_expr ('and' not_expr)*
    not_expr   := 'not' not_expr | comparison
    comparison := operand [('=='|'!='|'<'|'<='|'>'|'>='|'in'|'not' 'in') operand]
    operand    := INTEGER | STRING | 'true' | 'false' | list | ref | '(' expr ')'
    list       := '[' [literal (',' literal)* [',']] ']'
    ref        := IDENT ['.' ('expected' | 'actual' | 'gap')]

Evaluation (``Expression.evaluate`` never raises):

- ``answers`` maps question id to an int, str, bool, list/tuple of str, None,
  or for a gap question an object with int ``expected``/``actual`` attributes
  (``q.gap`` is actual - expected). A missing key, None, any other type, or a
  missing/non-int part is *unanswered*.
- Every comparison (``==``, ``!=``, ``<``, ..., ``in``, ``not in``) involving an
  unanswered value is False. So ``not (q <= 6)`` is True when ``q`` is
  unanswered: ``not`` negates the comparison, it does not turn it into ``q > 6``.
- Values of different types never match: ``==``, ``!=`` and orderings between
  an int and a str (or a bool and an int) are all False. Ordering works on
  integers only. Two lists are equal when they hold the same items.
- ``x in [...]`` with a multiple-choice ``x`` is True if any selected code is
  listed; ``"a" in q`` is True if "a" was selected (or is q's single answer).
- An operand on its own (``show_if: contact_me``) is True when it is answered
  and truthy (not 0, "", empty or false).

``Expression.to_json`` gives the tree as plain JSON for the survey page:
``{"lit": value}`` (a list literal as a list), ``{"ref": id, "part":
"expected" | "actual" | "gap" | None}``, ``{"cmp": op, "left": node, "right":
node}`` (op is a comparison operator, "in" or "not in"), ``{"not": node}`` and
``{"op": "and" | "or", "items": [node, ...]}``.

app/static/js/survey.js repeats these rules for the browser, reading the tree
from ``Expression.to_json``; tests/domain/test_expressions_js.py keeps the two
in step.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from touchloop.expression_syntax import (
    MAX_DEPTH,
    PARTS,
    Compare,
    ExpressionError,
    Junction,
    Literal,
    Node,
    Not,
    Ref,
    Reference,
    parse_tree,
)

__all__ = ["MAX_DEPTH", "PARTS", "Comparison", "Expression", "ExpressionError", "Reference", "parse"]

_FLIPPED = {
    "==": "==",
    "!=": "!=",
    "<": ">",
    "<=": ">=",
    ">": "<",
    ">=": "<=",
    "in": "contains",
    "not in": "not contains",
}


@dataclass(frozen=True)
class Comparison:
    """A reference compared with literal values, written as ``ref op values``."""

    ref: Reference
    op: str
    values: tuple


_UNANSWERED = object()
_SCALARS = (bool, int, str)


def _kind(value: object) -> type | None:
    for kind in (bool, int, str, tuple):  # bool first: it is a subclass of int
        if isinstance(value, kind):
            return kind
    return None


def _member(item: object, items: tuple) -> bool:
    kind = _kind(item)
    return kind in _SCALARS and any(_kind(other) is kind and other == item for other in items)


def _equal(left: object, right: object) -> bool:
    if _kind(left) is None or _kind(left) is not _kind(right):
        return False
    if isinstance(left, tuple):
        return all(_member(x, right) for x in left) and all(_member(y, left) for y in right)
    return left == right


def _contains(container: object, item: object) -> bool:
    items = container if isinstance(container, tuple) else (container,)
    candidates = item if isinstance(item, tuple) else (item,)
    return any(_member(candidate, items) for candidate in candidates)


def _ordered(test: Callable[[int, int], bool]) -> Callable[[object, object], bool]:
    return lambda a, b: _kind(a) is int and _kind(b) is int and test(a, b)


_OPERATORS: dict[str, Callable[[object, object], bool]] = {
    "==": _equal,
    "!=": lambda a, b: _kind(a) is not None and _kind(a) is _kind(b) and not _equal(a, b),
    "<": _ordered(lambda a, b: a < b),
    "<=": _ordered(lambda a, b: a <= b),
    ">": _ordered(lambda a, b: a > b),
    ">=": _ordered(lambda a, b: a >= b),
    "in": lambda a, b: _contains(b, a),
    "not in": lambda a, b: not _contains(b, a),
}


def _truthy(value: object) -> bool:
    return _kind(value) is not None and bool(value)  # _UNANSWERED has no kind


def _int_part(value: object, name: str) -> object:
    part = getattr(value, name, None)
    return part if _kind(part) is int else _UNANSWERED


def _lookup(answers: Mapping[str, object], ref: Reference) -> object:
    try:  # no answers mapping or gap object may make evaluation raise
        value = answers.get(ref.name)
        if ref.part is None:
            value = tuple(value) if isinstance(value, (list, tuple)) else value
            return value if _kind(value) else _UNANSWERED
        if ref.part != "gap":
            return _int_part(value, ref.part)
        expected, actual = _int_part(value, "expected"), _int_part(value, "actual")
        if expected is _UNANSWERED or actual is _UNANSWERED:
            return _UNANSWERED
        return actual - expected  # type: ignore[operator]
    except Exception:
        return _UNANSWERED


def _resolve(node: Node, answers: Mapping[str, object]) -> object:
    """The value of ``node``: a literal, an answer, _UNANSWERED, or a bool."""
    if isinstance(node, Literal):
        return node.value
    if isinstance(node, Ref):
        return _lookup(answers, node.ref)
    if isinstance(node, Compare):
        left, right = _resolve(node.left, answers), _resolve(node.right, answers)
        if left is _UNANSWERED or right is _UNANSWERED:
            return False
        return _OPERATORS[node.op](left, right)
    if isinstance(node, Not):
        return not _truthy(_resolve(node.operand, answers))
    # A Junction: the generator lets all/any stop at the first deciding item.
    test = all if node.op == "and" else any
    return test(_truthy(_resolve(item, answers)) for item in node.items)


def _children(node: Node) -> tuple[Node, ...]:
    if isinstance(node, Compare):
        return (node.left, node.right)
    if isinstance(node, Not):
        return (node.operand,)
    if isinstance(node, Junction):
        return node.items
    return ()


def _walk(node: Node) -> Iterator[Node]:
    yield node
    for child in _children(node):
        yield from _walk(child)


def _as_comparison(node: Compare) -> Comparison | None:
    def values(literal: Literal) -> tuple:
        return literal.value if isinstance(literal.value, tuple) else (literal.value,)

    if isinstance(node.left, Ref) and isinstance(node.right, Literal):
        return Comparison(node.left.ref, node.op, values(node.right))
    if isinstance(node.left, Literal) and isinstance(node.right, Ref):
        return Comparison(node.right.ref, _FLIPPED[node.op], values(node.left))
    return None


def _json(node: Node) -> dict[str, Any]:
    """One node of the tree as JSON, in the shapes the module docstring lists."""
    if isinstance(node, Literal):
        return {"lit": list(node.value) if isinstance(node.value, tuple) else node.value}
    if isinstance(node, Ref):
        return {"ref": node.ref.name, "part": node.ref.part}
    if isinstance(node, Compare):
        return {"cmp": node.op, "left": _json(node.left), "right": _json(node.right)}
    if isinstance(node, Not):
        return {"not": _json(node.operand)}
    return {"op": node.op, "items": [_json(item) for item in node.items]}


@dataclass(frozen=True)
class Expression:
    """A parsed condition; build one with :func:`parse`."""

    source: str
    root: Node = field(repr=False)

    def references(self) -> list[Reference]:
        """Every question reference, in order of appearance."""
        return [node.ref for node in _walk(self.root) if isinstance(node, Ref)]

    def comparisons(self) -> list[Comparison]:
        """Every comparison of a reference with literals, the reference written first."""
        found = (_as_comparison(n) for n in _walk(self.root) if isinstance(n, Compare))
        return [comparison for comparison in found if comparison is not None]

    def evaluate(self, answers: Mapping[str, object]) -> bool:
        """Whether the condition holds for ``answers`` (question id -> answer); never raises."""
        return _truthy(_resolve(self.root, answers))

    def to_json(self) -> dict[str, Any]:
        """The syntax tree as plain JSON-able dicts for the page script (shapes: module docstring)."""
        return _json(self.root)


def parse(source: str) -> Expression:
    """Parse a condition; raise ExpressionError (with a column) on any syntax problem."""
    return Expression(source, parse_tree(source))
