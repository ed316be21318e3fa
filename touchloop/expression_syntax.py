"""Reading condition text into a syntax tree: tokenizer, parser and syntax errors.

The grammar is in the docstring of touchloop.expressions, which evaluates the
trees built here. The tree types are plain data, so this module needs nothing
from touchloop.expressions and the two never import each other in a circle.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Union

MAX_DEPTH = 50
MAX_DIGITS = 18
PARTS = ("expected", "actual", "gap")
_KEYWORDS = {"and": None, "or": None, "not": None, "in": None, "true": True, "false": False}
_COMPARISON_OPS = frozenset({"==", "!=", "<", "<=", ">", ">="})
_LITERAL_KINDS = frozenset({"int", "str", "true", "false"})
_HINTS = {
    "=": "use '==' to compare",
    "!": "use 'not', or '!=' to compare",
    "&": "use 'and'",
    "|": "use 'or'",
    "'": "strings use double quotes",
    "-": "write negative numbers with the digits right after '-', as in -2",
}


class ExpressionError(ValueError):
    """A syntax error in a condition, with the 1-based column where it is."""

    def __init__(self, message: str, column: int) -> None:
        super().__init__(f"column {column}: {message}")
        self.message = message
        self.column = column

    def __reduce__(self) -> tuple[type, tuple[str, int]]:
        return (type(self), (self.message, self.column))


@dataclass(frozen=True)
class Reference:
    """A question's answer named in a condition, e.g. ``recommend`` or ``wait.gap``."""

    name: str
    part: str | None
    column: int


@dataclass(frozen=True)
class Literal:
    """A value written in the condition."""

    value: object  # int, str, bool, or a tuple of those for a list


@dataclass(frozen=True)
class Ref:
    """A reference used as an operand."""

    ref: Reference


@dataclass(frozen=True)
class Compare:
    """``left op right``; ``op`` is a comparison operator, 'in' or 'not in'."""

    left: Node
    op: str
    right: Node


@dataclass(frozen=True)
class Not:
    """``not operand``."""

    operand: Node


@dataclass(frozen=True)
class Junction:
    """Two or more operands joined by 'and' or by 'or'."""

    op: str
    items: tuple[Node, ...]


Node = Union[Literal, Ref, Compare, Not, Junction]


@dataclass(frozen=True)
class _Token:
    kind: str  # "int", "str", "name", "end", or the keyword / operator / punctuation itself
    text: str
    value: object
    column: int


_SPACE = re.compile(r"\s*")
_STRING_BODY = re.compile(r'(?:[^"\\]|\\["\\])*')
_TOKEN = re.compile(
    r'(?P<int>-?[0-9]+(?:\.[0-9]+)?[A-Za-z0-9_]*)|(?P<str>"(?:[^"\\]|\\["\\])*")'
    r"|(?P<name>[A-Za-z_][A-Za-z0-9_]*)|(?P<op>[=!<>]=|[<>()\[\],.])"
)


def _unexpected(source: str, pos: int) -> ExpressionError:
    char = source[pos]
    if char != '"':
        hint = f"; {_HINTS[char]}" if char in _HINTS else ""
        return ExpressionError(f"unexpected character {char!r}{hint}", pos + 1)
    end = _STRING_BODY.match(source, pos + 1).end()  # type: ignore[union-attr]
    if end == len(source):
        return ExpressionError("this string is never closed; add a '\"' at its end", pos + 1)
    return ExpressionError("in a string, a backslash must be followed by '\"' or '\\'", end + 1)


def _token(kind: str, text: str, column: int) -> _Token:
    # The int pattern also swallows "1.5" and "6a" so they get a clear message here.
    if kind == "int" and not re.fullmatch(r"-?[0-9]+", text):
        problem = "use whole numbers" if "." in text else "a question id cannot start with a digit"
        raise ExpressionError(f"'{text}' is not a number; {problem}", column)
    if kind == "int" and len(text.lstrip("-")) > MAX_DIGITS:
        raise ExpressionError(f"the number {text} is too long", column)
    if kind == "int":
        return _Token(kind, text, int(text), column)
    if kind == "str":
        return _Token(kind, text, re.sub(r"\\(.)", r"\1", text[1:-1], flags=re.DOTALL), column)
    if kind == "name" and text in _KEYWORDS:
        return _Token(text, text, _KEYWORDS[text], column)
    return _Token(kind if kind == "name" else text, text, None, column)


def _tokenize(source: str) -> list[_Token]:
    tokens, pos = [], _SPACE.match(source).end()  # type: ignore[union-attr]
    while pos < len(source):
        match = _TOKEN.match(source, pos)
        if match is None:
            raise _unexpected(source, pos)
        tokens.append(_token(str(match.lastgroup), match.group(), pos + 1))
        pos = _SPACE.match(source, match.end()).end()  # type: ignore[union-attr]
    tokens.append(_Token("end", "", None, len(source) + 1))
    return tokens


class _Parser:
    def __init__(self, source: str) -> None:
        self.tokens = _tokenize(source)
        self.pos = 0
        self.depth = 0

    def peek(self) -> _Token:
        return self.tokens[self.pos]

    def take(self) -> _Token:
        token = self.peek()
        self.pos = min(self.pos + 1, len(self.tokens) - 1)
        return token

    def accept(self, kind: str) -> bool:
        if self.peek().kind == kind:
            self.take()
            return True
        return False

    def expect(self, kind: str, message: str) -> _Token:
        token = self.take()
        if token.kind != kind:
            raise ExpressionError(message, token.column)
        return token

    def nest(self, token: _Token, change: int) -> None:
        # Bounding the depth keeps hostile input from reaching Python's recursion limit.
        self.depth += change
        if self.depth > MAX_DEPTH:
            raise ExpressionError(
                f"the condition is nested too deeply (more than {MAX_DEPTH} levels of parentheses or 'not')",
                token.column,
            )

    def parse(self) -> Node:
        token = self.peek()
        if token.kind == "end":
            raise ExpressionError("the condition is empty", 1)
        node = self.or_expr()
        token = self.peek()
        if token.kind == ")":
            raise ExpressionError("this ')' has no matching '('", token.column)
        if token.kind != "end":
            message = f"unexpected '{token.text}'; did you forget 'and' or 'or'?"
            raise ExpressionError(message, token.column)
        return node

    def or_expr(self) -> Node:
        return self.junction("or", self.and_expr)

    def and_expr(self) -> Node:
        return self.junction("and", self.not_expr)

    def junction(self, op: str, item: Callable[[], Node]) -> Node:
        # A flat list rather than nested pairs, so long chains cannot recurse deeply.
        items = [item()]
        while self.accept(op):
            items.append(item())
        return items[0] if len(items) == 1 else Junction(op, tuple(items))

    def not_expr(self) -> Node:
        token = self.peek()
        if not self.accept("not"):
            return self.comparison()
        self.nest(token, +1)
        node = Not(self.not_expr())
        self.nest(token, -1)
        return node

    def comparison(self) -> Node:
        left = self.operand()
        op = self.comparison_op()
        if op is None:
            return left
        right = self.operand()
        chained = self.peek()
        if self.comparison_op() is not None:
            raise ExpressionError(
                "comparisons cannot be chained; join them with 'and', as in 'a < b and b < c'", chained.column
            )
        return Compare(left, op, right)

    def comparison_op(self) -> str | None:
        token = self.peek()
        if token.kind in _COMPARISON_OPS or token.kind == "in":
            self.take()
            return token.kind
        if token.kind != "not":
            return None
        self.take()
        self.expect("in", "expected 'in' after 'not' here, as in 'x not in [1, 2]'")
        return "not in"

    def operand(self) -> Node:
        token = self.peek()
        if token.kind in _LITERAL_KINDS:
            return Literal(self.take().value)
        if token.kind == "[":
            return self.list_literal()
        if token.kind == "name":
            return self.reference()
        if token.kind == "(":
            return self.group()
        after = f" after '{self.tokens[self.pos - 1].text}'" if self.pos else ""
        found = "" if token.kind == "end" else f" but found '{token.text}'"
        raise ExpressionError(f"expected a value{after}{found}", token.column)

    def list_literal(self) -> Literal:
        opening, items = self.take(), []
        while self.peek().kind != "]":
            token = self.take()
            if token.kind == "end":
                message = f"the list opened at column {opening.column} is never closed; add ']'"
                raise ExpressionError(message, token.column)
            if token.kind not in _LITERAL_KINDS:
                message = f"list items must be numbers, strings, true or false, not '{token.text}'"
                raise ExpressionError(message, token.column)
            items.append(token.value)
            if not self.accept(","):
                break
        self.expect("]", f"expected ',' or ']' in the list opened at column {opening.column}")
        return Literal(tuple(items))

    def reference(self) -> Ref:
        name = self.take()
        if not self.accept("."):
            return Ref(Reference(name.text, None, name.column))
        part = self.take()
        if part.kind != "name" or part.text not in PARTS:
            message = f"expected 'expected', 'actual' or 'gap' after '{name.text}.'"
            raise ExpressionError(message, part.column)
        return Ref(Reference(name.text, part.text, name.column))

    def group(self) -> Node:
        opening = self.take()
        self.nest(opening, +1)
        node = self.or_expr()
        self.nest(opening, -1)
        self.expect(")", f"expected ')' to close the '(' at column {opening.column}")
        return node


def parse_tree(source: str) -> Node:
    """The syntax tree of a condition; raise ExpressionError (with a column) on any problem."""
    if not isinstance(source, str):
        raise ExpressionError("the condition must be written as text", 1)
    return _Parser(source).parse()
