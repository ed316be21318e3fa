"""Tests for touchloop.expressions, the show_if / follow-up condition language."""

from __future__ import annotations

import dataclasses
import itertools
import json
import pickle
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

import pytest

from touchloop.expressions import (
    Comparison,
    Expression,
    ExpressionError,
    Reference,
    parse,
)


@dataclass(frozen=True)
class Gap:
    """Stand-in for a gap question's answer."""

    expected: object
    actual: object


class RecordingAnswers(Mapping[str, object]):
    """A real mapping that remembers which question ids were looked up."""

    def __init__(self, data: dict[str, object]) -> None:
        self.data = data
        self.looked_up: list[str] = []

    def __getitem__(self, key: str) -> object:
        self.looked_up.append(key)
        return self.data[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self.data)

    def __len__(self) -> int:
        return len(self.data)


class BrokenAnswers(Mapping[str, object]):
    """A mapping whose every lookup fails."""

    def __getitem__(self, key: str) -> object:
        raise RuntimeError("database is down")

    def __iter__(self) -> Iterator[str]:
        raise RuntimeError("database is down")

    def __len__(self) -> int:
        return 0


class ExplodingGap:
    """A gap answer whose attributes raise when read."""

    @property
    def expected(self) -> int:
        raise RuntimeError("boom")

    @property
    def actual(self) -> int:
        raise RuntimeError("boom")


def holds(source: str, **answers: object) -> bool:
    return parse(source).evaluate(answers)


# --- comparison operators -------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "answer", "expected"),
    [
        ("q == 6", 6, True),
        ("q == 6", 7, False),
        ("q != 6", 7, True),
        ("q != 6", 6, False),
        ("q < 6", 5, True),
        ("q < 6", 6, False),
        ("q <= 6", 6, True),
        ("q <= 6", 7, False),
        ("q > 6", 7, True),
        ("q > 6", 6, False),
        ("q >= 6", 6, True),
        ("q >= 6", 5, False),
        ('q == "online"', "online", True),
        ('q == "online"', "phone", False),
        ('q != "online"', "phone", True),
        ('q != "online"', "online", False),
        ("6 >= q", 6, True),
        ("6 > q", 6, False),
        ("q==6", 6, True),
        ("\tq\n==\r\n6  ", 6, True),
    ],
)
def test_comparison_operators_compare_the_answer_with_the_value(source, answer, expected):
    assert holds(source, q=answer) is expected


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("a == b", True),
        ("a != b", False),
        ("a < c", True),
        ("c <= a", False),
        ("a in [1, 2]", True),
        ("c not in [1, 2]", True),
    ],
)
def test_two_answers_can_be_compared_with_each_other(source, expected):
    assert holds(source, a=1, b=1, c=3) is expected


@pytest.mark.parametrize(
    ("source", "answer", "expected"),
    [
        ("q in [1, 2, 3]", 2, True),
        ("q in [1, 2, 3]", 4, False),
        ("q not in [1, 2, 3]", 4, True),
        ("q not in [1, 2, 3]", 2, False),
        ('q in ["online", "phone"]', "phone", True),
        ('q in ["online", "phone"]', "store", False),
        ('q in ["online",]', "online", True),
        ("q in []", 1, False),
        ("q not in []", 1, True),
        ("q in [ 1 , 2 , ]", 2, True),
        ('q in [1, "1"]', "1", True),
        ("q in [true, false]", False, True),
        ("q in [true]", 1, False),
    ],
)
def test_membership_in_a_list_of_values(source, answer, expected):
    assert holds(source, q=answer) is expected


# --- values ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "answer", "expected"),
    [
        ("q == -2", -2, True),
        ("q < -2", -3, True),
        ("q > -2", -3, False),
        ("-2 == q", -2, True),
        ("q in [-1, -2]", -2, True),
        ("q == -0", 0, True),
        ("q == 007", 7, True),
        ("q == 123456789012345678", 123456789012345678, True),
    ],
)
def test_integers_including_negative_ones(source, answer, expected):
    assert holds(source, q=answer) is expected


@pytest.mark.parametrize(
    ("source", "answer"),
    [
        (r'q == "say \"hi\""', 'say "hi"'),
        (r'q == "back\\slash"', "back\\slash"),
        (r'q == "\\"', "\\"),
        (r'q == "\\\""', '\\"'),
        ('q == ""', ""),
        ('q == "  two  spaces "', "  two  spaces "),
        ('q == "推荐 and or not in"', "推荐 and or not in"),
        ('q == "line\nbreak"', "line\nbreak"),
        ('q == "it\'s"', "it's"),
    ],
)
def test_strings_keep_their_text_and_unescape_quotes_and_backslashes(source, answer):
    assert holds(source, q=answer) is True
    assert holds(source, q=answer + "x") is False


@pytest.mark.parametrize(
    ("source", "answer", "expected"),
    [
        ("q == true", True, True),
        ("q == true", False, False),
        ("q == false", False, True),
        ("q != true", False, True),
        ("(q == 1) == true", 1, True),
        ("(q == 1) == false", 2, True),
        ("(q == 1) != (q == 2)", 1, True),
        ("true", None, True),
        ("false", None, False),
        ("not false", None, True),
    ],
)
def test_true_and_false_are_values(source, answer, expected):
    assert holds(source, q=answer) is expected


# --- and / or / not / parentheses -----------------------------------------------------


@pytest.mark.parametrize(("a", "b", "c"), list(itertools.product([True, False], repeat=3)))
def test_not_binds_tighter_than_and_which_binds_tighter_than_or(a, b, c):
    expected = (not a) or (b and c)  # a, b, c: whether a == 1, b == 2, c == 3 hold
    answers = {"a": 1 if a else 0, "b": 2 if b else 0, "c": 3 if c else 0}
    assert parse("not a == 1 or b == 2 and c == 3").evaluate(answers) is expected


@pytest.mark.parametrize(("a", "b", "c"), list(itertools.product([True, False], repeat=3)))
def test_parentheses_override_precedence(a, b, c):
    answers = {"a": int(a), "b": int(b), "c": int(c)}
    assert parse("(a == 1 or b == 1) and c == 1").evaluate(answers) is ((a or b) and c)
    assert parse("not (a == 1 and b == 1)").evaluate(answers) is (not (a and b))
    assert parse("a == 1 or (b == 1 and c == 1)").evaluate(answers) is (a or (b and c))


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("a == 1 and b == 2 and c == 3", True),
        ("a == 1 and b == 2 and c == 4", False),
        ("a == 9 or b == 9 or c == 3", True),
        ("a == 9 or b == 9 or c == 9", False),
        ("not not a == 1", True),
        ("not not not a == 1", False),
        ("((a == 1))", True),
        ("(((a)) == ((1)))", True),
        ("not (a == 1) and (b == 2 or c == 9)", False),
    ],
)
def test_logical_operators_combine_comparisons(source, expected):
    assert holds(source, a=1, b=2, c=3) is expected


def test_and_stops_at_the_first_false_condition():
    answers = RecordingAnswers({"a": 1, "b": 2})
    assert parse("a == 2 and b == 2").evaluate(answers) is False
    assert answers.looked_up == ["a"]


def test_or_stops_at_the_first_true_condition():
    answers = RecordingAnswers({"a": 1, "b": 2})
    assert parse("a == 1 or b == 2").evaluate(answers) is True
    assert answers.looked_up == ["a"]


def test_a_long_flat_chain_of_and_parses_and_evaluates():
    source = " and ".join(f"q{i} == {i}" for i in range(2000))
    answers = {f"q{i}": i for i in range(2000)}
    assert parse(source).evaluate(answers) is True
    answers["q1999"] = 0
    assert parse(source).evaluate(answers) is False


# --- gap questions --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("wait.expected == 5", True),
        ("wait.actual == 3", True),
        ("wait.gap == -2", True),
        ("wait.gap < 0", True),
        ("wait.gap >= 0", False),
        ("wait.gap in [-2, -1]", True),
        ("not (wait.gap >= 0)", True),
        ("wait . gap == -2", True),
        ("wait.actual < wait.expected", True),
    ],
)
def test_gap_parts_read_expected_actual_and_their_difference(source, expected):
    assert holds(source, wait=Gap(expected=5, actual=3)) is expected


@pytest.mark.parametrize(
    "answer",
    [
        None,
        Gap(expected=None, actual=3),
        Gap(expected=5, actual=None),
        Gap(expected="5", actual=3),
        Gap(expected=5.0, actual=3),
        Gap(expected=True, actual=3),
        7,
        "text",
        ExplodingGap(),
    ],
)
def test_a_gap_with_a_missing_or_non_integer_part_is_unanswered(answer):
    assert holds("wait.gap < 0 or wait.gap >= 0", wait=answer) is False
    assert holds("wait.gap not in [1]", wait=answer) is False
    assert holds("not (wait.gap >= 0)", wait=answer) is True


def test_a_gap_part_that_is_present_still_works_when_the_other_is_missing():
    assert holds("wait.actual == 3", wait=Gap(expected=None, actual=3)) is True


def test_a_bare_gap_answer_matches_nothing():
    gap = Gap(expected=5, actual=3)
    assert holds("wait == 3 or wait != 3 or wait in [3]", wait=gap) is False
    assert holds("wait", wait=gap) is False


# --- multiple choice ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "answer", "expected"),
    [
        ('"price" in reasons', ["price", "speed"], True),
        ('"price" in reasons', ("speed",), False),
        ('"price" in reasons', [], False),
        ('"price" not in reasons', ["speed"], True),
        ('"price" not in reasons', ["price"], False),
        ('"price" not in reasons', [], True),
        ('reasons in ["price", "staff"]', ["speed", "staff"], True),
        ('reasons in ["price", "staff"]', ["speed"], False),
        ('reasons not in ["price", "staff"]', ["speed"], True),
        ('reasons not in ["price", "staff"]', ["speed", "price"], False),
        ('["price", "staff"] in reasons', ["staff"], True),
        ('reasons == ["a", "b"]', ["b", "a"], True),
        ('reasons == ["a", "b"]', ["a"], False),
        ('reasons != ["a", "b"]', ["a"], True),
        ("reasons == []", [], True),
        ('reasons == "price"', ["price"], False),
        ('"price" in reasons', "price", True),
        ('"price" in reasons', "speed", False),
        ('"price" not in reasons', "speed", True),
        ("1 in reasons", ["1"], False),
        ('"price" in reasons', ["price", 3, None, ["nested"]], True),
    ],
)
def test_multiple_choice_membership_works_both_ways(source, answer, expected):
    assert holds(source, reasons=answer) is expected


# --- unanswered questions -------------------------------------------------------------


@pytest.mark.parametrize(
    "source",
    [
        "q == 6",
        "q != 6",
        "q < 6",
        "q <= 6",
        "q > 6",
        "q >= 6",
        'q == "a"',
        'q != "a"',
        "q in [6, 7]",
        "q not in [6, 7]",
        '"a" in q',
        '"a" not in q',
        "q == q",
        "q != other",
        "other != q",
        "q == true",
        "q",
        "(q)",
    ],
)
@pytest.mark.parametrize("answers", [{}, {"q": None}, {"q": 6.5}, {"q": object()}])
def test_every_comparison_on_an_unanswered_question_is_false(source, answers):
    assert parse(source).evaluate({**answers, "other": 1}) is False


@pytest.mark.parametrize(
    "source",
    ["not (q <= 6)", "not q <= 6", "not (q > 6)", "not q in [1]", "not q not in [1]", "not q"],
)
def test_not_of_a_comparison_on_an_unanswered_question_is_true(source):
    assert holds(source) is True


def test_an_unanswered_question_does_not_spoil_an_or_with_another_true_branch():
    assert holds("q <= 6 or r == 1", r=1) is True
    assert holds("q <= 6 and r == 1", r=1) is False


# --- mismatched types -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "answer"),
    [
        ('q == "6"', 6),
        ('q != "6"', 6),
        ('q < "7"', 6),
        ('q >= "1"', 6),
        ("q == 6", "6"),
        ("q != 6", "6"),
        ("q < 7", "6"),
        ("q in [6]", "6"),
        ('q in ["6"]', 6),
        ("q == 1", True),
        ("q != 1", True),
        ("q == true", 1),
        ("q != true", 1),
        ("q < 2", True),
        ('q < "b"', "a"),
        ('q >= "a"', "a"),
        ("q < [1]", 0),
        ("q == [6]", 6),
    ],
)
def test_values_of_different_types_never_match_and_never_raise(source, answer):
    assert holds(source, q=answer) is False


@pytest.mark.parametrize("answer", [6, "6", True])
def test_not_in_a_list_of_another_type_is_true_for_an_answered_question(answer):
    assert holds('q not in ["a", "b"]', q=answer) is True


# --- a reference on its own -----------------------------------------------------------


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        (True, True),
        (False, False),
        (1, True),
        (0, False),
        (-1, True),
        ("yes", True),
        ("", False),
        (["a"], True),
        ([], False),
        (None, False),
        (Gap(expected=1, actual=2), False),
    ],
)
def test_a_bare_reference_is_true_when_the_answer_is_truthy(answer, expected):
    assert holds("contact_me", contact_me=answer) is expected
    assert holds("not contact_me", contact_me=answer) is (not expected)


def test_a_missing_bare_reference_is_false():
    assert holds("contact_me") is False
    assert holds("contact_me and recommend <= 6", recommend=3) is False
    assert holds("wait.gap", wait=Gap(expected=3, actual=5)) is True


# --- evaluation never raises ----------------------------------------------------------


@pytest.mark.parametrize(
    "answers",
    [
        BrokenAnswers(),
        {"q": ExplodingGap()},
        {"q": {"nested": "dict"}},
        {"q": [["nested"], {"a": 1}, None]},
        {"q": b"bytes"},
        {"q": float("nan")},
        {"q": 10**30},
    ],
)
def test_evaluation_never_raises_for_odd_answers(answers):
    expression = parse('q < 5 or q.gap < 0 or q not in ["a"] or "a" in q or q == q or q.expected == 1')
    assert isinstance(expression.evaluate(answers), bool)


def test_evaluation_never_raises_when_answers_is_not_a_mapping():
    assert parse("q == 1").evaluate(None) is False  # type: ignore[arg-type]


def test_evaluate_returns_a_real_bool():
    assert parse("q").evaluate({"q": "text"}) is True
    assert parse("q in [1]").evaluate({"q": 1}) is True


# --- references() and comparisons() ---------------------------------------------------


def test_references_lists_every_reference_in_order_with_parts_and_columns():
    expression = parse('channel in ["online"] and not (wait.gap >= 0) or "x" in reasons or channel')
    assert expression.references() == [
        Reference("channel", None, 1),
        Reference("wait", "gap", 32),
        Reference("reasons", None, 57),
        Reference("channel", None, 68),
    ]


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("1 == 1", []),
        ("true", []),
        ("a < b", [Reference("a", None, 1), Reference("b", None, 5)]),
        ("w.expected > w.actual", [Reference("w", "expected", 1), Reference("w", "actual", 14)]),
        ("((q))", [Reference("q", None, 3)]),
    ],
)
def test_references_for_small_expressions(source, expected):
    assert parse(source).references() == expected


def test_comparisons_describe_reference_op_and_literal_values():
    expression = parse(
        'channel in ["online", "phone"] and not (wait.gap >= 0) and "price" in reasons'
        " and 6 >= recommend and rating != 3 and a == b and (x == 1) == true"
    )
    assert expression.comparisons() == [
        Comparison(Reference("channel", None, 1), "in", ("online", "phone")),
        Comparison(Reference("wait", "gap", 41), ">=", (0,)),
        Comparison(Reference("reasons", None, 71), "contains", ("price",)),
        Comparison(Reference("recommend", None, 88), "<=", (6,)),
        Comparison(Reference("rating", None, 102), "!=", (3,)),
        Comparison(Reference("x", None, 130), "==", (1,)),
    ]


@pytest.mark.parametrize(
    ("source", "op", "values"),
    [
        ("q == 1", "==", (1,)),
        ("1 == q", "==", (1,)),
        ("q != 1", "!=", (1,)),
        ("1 != q", "!=", (1,)),
        ("q < 1", "<", (1,)),
        ("1 < q", ">", (1,)),
        ("q <= 1", "<=", (1,)),
        ("1 <= q", ">=", (1,)),
        ("q > 1", ">", (1,)),
        ("1 > q", "<", (1,)),
        ("q >= 1", ">=", (1,)),
        ("1 >= q", "<=", (1,)),
        ("q in [1, -2]", "in", (1, -2)),
        ('q in "a"', "in", ("a",)),
        ("q not in []", "not in", ()),
        ('"a" in q', "contains", ("a",)),
        ('"a" not in q', "not contains", ("a",)),
        ('["a", "b"] in q', "contains", ("a", "b")),
        ("q == true", "==", (True,)),
        ('q == "x\\"y"', "==", ('x"y',)),
    ],
)
def test_comparisons_put_the_reference_first(source, op, values):
    (comparison,) = parse(source).comparisons()
    assert comparison == Comparison(Reference("q", None, source.index("q") + 1), op, values)


@pytest.mark.parametrize("source", ["a == b", "1 == 1", "q", "(a == b) == true", "not q", "q.gap"])
def test_comparisons_skip_those_without_exactly_one_reference_and_literal(source):
    assert parse(source).comparisons() == []


# --- the Expression object ------------------------------------------------------------


def test_expression_keeps_its_source_and_is_immutable():
    expression = parse("  q == 1 ")
    assert isinstance(expression, Expression)
    assert expression.source == "  q == 1 "
    with pytest.raises(dataclasses.FrozenInstanceError):
        expression.source = "q == 2"  # type: ignore[misc]


def test_parsing_the_same_source_twice_gives_equal_expressions():
    assert parse("a == 1 or b in [1, 2]") == parse("a == 1 or b in [1, 2]")
    assert parse("a == 1") != parse("a == 2")


def test_references_and_comparisons_are_frozen():
    reference = parse("q == 1").references()[0]
    with pytest.raises(dataclasses.FrozenInstanceError):
        reference.name = "r"  # type: ignore[misc]
    comparison = parse("q == 1").comparisons()[0]
    with pytest.raises(dataclasses.FrozenInstanceError):
        comparison.op = "!="  # type: ignore[misc]


# --- to_json --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "value"),
    [
        ("6", 6),
        ("-2", -2),
        ("007", 7),
        ('"online"', "online"),
        (r'"say \"hi\" \\"', 'say "hi" \\'),
        ("true", True),
        ("false", False),
        ("[]", []),
        ('[1, "a", true, -3,]', [1, "a", True, -3]),
    ],
)
def test_to_json_writes_literals_as_plain_json_values(source, value):
    tree = parse(source).to_json()
    assert tree == {"lit": value}
    assert type(tree["lit"]) is type(value)  # true stays a bool, a list is a list (not a tuple)


@pytest.mark.parametrize(
    ("source", "part"),
    [("wait", None), ("wait.expected", "expected"), ("wait.actual", "actual"), ("wait . gap", "gap")],
)
def test_to_json_writes_references_with_their_part(source, part):
    assert parse(source).to_json() == {"ref": "wait", "part": part}


@pytest.mark.parametrize("op", ["==", "!=", "<", "<=", ">", ">=", "in", "not in"])
def test_to_json_writes_every_comparison_operator(op):
    assert parse(f"q {op} [1, 2]").to_json() == {
        "cmp": op,
        "left": {"ref": "q", "part": None},
        "right": {"lit": [1, 2]},
    }


def test_to_json_keeps_the_order_of_the_operands():
    assert parse('"a" in reasons').to_json() == {
        "cmp": "in",
        "left": {"lit": "a"},
        "right": {"ref": "reasons", "part": None},
    }


def test_to_json_writes_not_and_or_with_flat_item_lists():
    assert parse("not a or b and c and d or e").to_json() == {
        "op": "or",
        "items": [
            {"not": {"ref": "a", "part": None}},
            {
                "op": "and",
                "items": [{"ref": "b", "part": None}, {"ref": "c", "part": None}, {"ref": "d", "part": None}],
            },
            {"ref": "e", "part": None},
        ],
    }


def test_to_json_drops_parentheses_but_keeps_their_grouping():
    assert parse("((a == 1)) and not (b or (c.gap < 0) == false)").to_json() == {
        "op": "and",
        "items": [
            {"cmp": "==", "left": {"ref": "a", "part": None}, "right": {"lit": 1}},
            {
                "not": {
                    "op": "or",
                    "items": [
                        {"ref": "b", "part": None},
                        {
                            "cmp": "==",
                            "left": {"cmp": "<", "left": {"ref": "c", "part": "gap"}, "right": {"lit": 0}},
                            "right": {"lit": False},
                        },
                    ],
                }
            },
        ],
    }


@pytest.mark.parametrize(
    "source",
    [
        'channel in ["online", "phone"] and not (wait_time.gap >= 0)',
        '"price" in reasons or reasons == [] or q != "x\\"y"',
        "(" * 50 + "q == 1" + ")" * 50,
        "not " * 50 + "q",
        " and ".join(f"q{i} == {i}" for i in range(500)),
    ],
)
def test_to_json_survives_a_json_round_trip(source):
    tree = parse(source).to_json()
    assert json.loads(json.dumps(tree, allow_nan=False)) == tree


def test_to_json_gives_a_fresh_tree_each_time():
    expression = parse("q in [1, 2]")
    expression.to_json()["right"]["lit"].append(3)
    assert expression.to_json()["right"] == {"lit": [1, 2]}


# --- syntax errors --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "column", "message"),
    [
        # empty
        ("", 1, "the condition is empty"),
        ("   ", 1, "the condition is empty"),
        # characters that are not part of the language
        ("q # 1", 3, "unexpected character '#'"),
        ("q = 1", 3, "unexpected character '='; use '==' to compare"),
        ("!q", 1, "unexpected character '!'; use 'not', or '!=' to compare"),
        ("a == 1 && b == 2", 8, "unexpected character '&'; use 'and'"),
        ("a == 1 || b == 2", 8, "unexpected character '|'; use 'or'"),
        ("q == 'a'", 6, 'unexpected character "\'"; strings use double quotes'),
        ("q == - 2", 6, "unexpected character '-'; write negative numbers"),
        ("q == é", 6, "unexpected character 'é'"),
        ("q == 1 + 1", 8, "unexpected character '+'"),
        # numbers
        ("q == 1.5", 6, "'1.5' is not a number; use whole numbers"),
        ("q == 6a", 6, "'6a' is not a number; a question id cannot start with a digit"),
        ("1q == 6", 1, "'1q' is not a number; a question id cannot start with a digit"),
        ("q == 1234567890123456789", 6, "the number 1234567890123456789 is too long"),
        # strings
        ('q == "online', 6, "this string is never closed"),
        ('q == "a" or r == "b', 18, "this string is never closed"),
        ('q == "a\\"', 6, "this string is never closed"),
        ('q == "a\\n"', 8, "in a string, a backslash must be followed by '\"' or '\\'"),
        ('q == "a\\', 8, "in a string, a backslash must be followed by"),
        # missing operands
        ("q <=", 5, "expected a value after '<='"),
        ("q <= ", 6, "expected a value after '<='"),
        ("q == and r == 1", 6, "expected a value after '==' but found 'and'"),
        ("q in", 5, "expected a value after 'in'"),
        ("q not in", 9, "expected a value after 'in'"),
        ("== 1", 1, "expected a value but found '=='"),
        ("and q", 1, "expected a value but found 'and'"),
        ("q == 1 and", 11, "expected a value after 'and'"),
        ("q == 1 or", 10, "expected a value after 'or'"),
        ("q == 1 or or r", 11, "expected a value after 'or' but found 'or'"),
        ("not", 4, "expected a value after 'not'"),
        ("not in q", 5, "expected a value after 'not' but found 'in'"),
        ("q == not r", 6, "expected a value after '==' but found 'not'"),
        ("in == 1", 1, "expected a value but found 'in'"),
        ("()", 2, "expected a value after '(' but found ')'"),
        # trailing tokens
        ("a b", 3, "unexpected 'b'; did you forget 'and' or 'or'?"),
        ("q == 1 r == 2", 8, "unexpected 'r'"),
        ("a == 1 AND b == 2", 8, "unexpected 'AND'"),
        ("q == 1 [1]", 8, "unexpected '['"),
        ("true.gap", 5, "unexpected '.'"),
        ('__import__("os")', 11, "unexpected '('"),
        ("q -1", 3, "unexpected '-1'"),
        ("q - 1", 3, "unexpected character '-'; write negative numbers"),
        # parentheses
        ("(q == 1", 8, "expected ')' to close the '(' at column 1"),
        ("((q == 1) and r", 16, "expected ')' to close the '(' at column 1"),
        ("(q == 1 r", 9, "expected ')' to close the '(' at column 1"),
        ("q == 1)", 7, "this ')' has no matching '('"),
        ("(q == 1))", 9, "this ')' has no matching '('"),
        (")", 1, "expected a value but found ')'"),
        # chained comparisons
        ("a < b < c", 7, "comparisons cannot be chained; join them with 'and'"),
        ("a == b == c", 8, "comparisons cannot be chained"),
        ("1 < q <= 5", 7, "comparisons cannot be chained"),
        ("a in [1] in b", 10, "comparisons cannot be chained"),
        ("a == 1 not in b", 8, "comparisons cannot be chained"),
        # 'not' not followed by 'in'
        ("a not b", 7, "expected 'in' after 'not' here"),
        ("a not", 6, "expected 'in' after 'not' here"),
        # lists
        ("q in [1, r]", 10, "list items must be numbers, strings, true or false, not 'r'"),
        ("q in [[1]]", 7, "list items must be numbers, strings, true or false, not '['"),
        ("q in [,]", 7, "list items must be numbers, strings, true or false, not ','"),
        ("q in [1,,2]", 9, "list items must be numbers, strings, true or false, not ','"),
        ("q in [1 2]", 9, "expected ',' or ']' in the list opened at column 6"),
        ("q in [1", 8, "expected ',' or ']' in the list opened at column 6"),
        ("q in [1,", 9, "the list opened at column 6 is never closed; add ']'"),
        ("q in [", 7, "the list opened at column 6 is never closed; add ']'"),
        ("q in 1]", 7, "unexpected ']'"),
        # references
        ("q.foo == 1", 3, "expected 'expected', 'actual' or 'gap' after 'q.'"),
        ("q. == 1", 4, "expected 'expected', 'actual' or 'gap' after 'q.'"),
        ("q.", 3, "expected 'expected', 'actual' or 'gap' after 'q.'"),
        ("q.gap.gap < 0", 6, "unexpected '.'"),
        ("q..gap", 3, "expected 'expected', 'actual' or 'gap' after 'q.'"),
        (".gap < 0", 1, "expected a value but found '.'"),
    ],
)
def test_syntax_errors_are_reported_with_their_column(source, column, message):
    with pytest.raises(ExpressionError) as caught:
        parse(source)
    error = caught.value
    assert error.column == column
    assert error.message.startswith(message)
    assert str(error) == f"column {column}: {error.message}"


def test_expression_error_is_a_value_error_with_a_readable_message():
    with pytest.raises(ValueError, match=r"^column 5: expected a value after '<='$"):
        parse("q <=")


def test_a_condition_that_is_not_text_is_an_error():
    with pytest.raises(ExpressionError) as caught:
        parse(6)  # type: ignore[arg-type]
    assert caught.value.column == 1
    assert caught.value.message == "the condition must be written as text"


@pytest.mark.parametrize("depth", [1, 25, 50])
def test_nesting_up_to_fifty_levels_is_allowed(depth):
    assert holds("(" * depth + "q == 1" + ")" * depth, q=1) is True
    assert holds("not " * depth + "q == 1", q=1) is (depth % 2 == 0)


def test_more_than_fifty_levels_of_parentheses_is_an_error():
    with pytest.raises(ExpressionError) as caught:
        parse("(" * 51 + "q == 1" + ")" * 51)
    assert caught.value.column == 51
    assert "nested too deeply" in caught.value.message


def test_more_than_fifty_nested_nots_is_an_error():
    with pytest.raises(ExpressionError) as caught:
        parse("not " * 51 + "q")
    assert caught.value.column == 201
    assert "nested too deeply" in caught.value.message


def test_parentheses_and_nots_count_together_towards_the_nesting_limit():
    assert holds("not (" * 25 + "q == 1" + ")" * 25, q=1) is False
    with pytest.raises(ExpressionError, match="nested too deeply"):
        parse("not (" * 26 + "q == 1" + ")" * 26)


def test_absurd_nesting_is_refused_without_a_recursion_error():
    with pytest.raises(ExpressionError, match="nested too deeply"):
        parse("(" * 100_000 + "q" + ")" * 100_000)


def test_expression_error_survives_pickling():
    with pytest.raises(ExpressionError) as caught:
        parse("q <=")
    copy = pickle.loads(pickle.dumps(caught.value))
    assert (copy.message, copy.column, str(copy)) == (caught.value.message, caught.value.column, str(caught.value))
