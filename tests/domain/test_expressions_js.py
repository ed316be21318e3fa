"""The browser's condition evaluator (app/static/js/survey.js) agrees with Expression.evaluate.

Every case is a condition and a set of answers as the page builds them (ints,
strings, booleans, lists of codes, gap objects, missing). Python evaluates each
one here; a single ``node`` process evaluates them all from the JSON tree of
``Expression.to_json``; the results must be identical.

Answers are limited to what JSON carries faithfully: no float with a zero
fraction (JSON cannot tell 6.0 from 6) and no integer beyond 2**53.
"""

from __future__ import annotations

import json
import math
import os
import random
import shutil
import subprocess
from pathlib import Path
from types import SimpleNamespace

import pytest

from tests.domain import test_expressions
from touchloop.answers import GapAnswer
from touchloop.expressions import ExpressionError, parse

SURVEY_JS = Path(__file__).resolve().parents[2] / "app" / "static" / "js" / "survey.js"
SAFE_INT = 2**53
MISSING = object()  # the question id is not in the answers at all

# Conditions written for this file, on the names the answer sets below fill in.
SOURCES = [
    "q == 6",
    "q != 6",
    "q < 6",
    "q <= 6",
    "q > 6",
    "q >= 6",
    "6 >= q",
    "-2 < q",
    'q == "a"',
    'q != "a"',
    'q < "b"',
    'q == "6"',
    "q == true",
    "q != false",
    "q == [6]",
    "q in [1, 2, 3]",
    "q not in [1, 2, 3]",
    'q in ["a", "b"]',
    'q not in ["a", "b"]',
    "q in []",
    "q not in []",
    'q in [1, "1", true]',
    "q in [true]",
    "q in [false]",
    '"a" in q',
    '"a" not in q',
    "6 in q",
    "true in q",
    '["a", "b"] in q',
    '["a", "b"] not in q',
    'q == ["a", "b"]',
    'q != ["a", "b"]',
    "q == []",
    "q != []",
    'q == ["a", "a", "b"]',
    "q in q",
    "q not in q",
    "q == q",
    "q != q",
    "q < q",
    "q == r",
    "q != r",
    "q < r",
    "q >= r",
    "q in r",
    "q not in r",
    "r in q",
    "q",
    "not q",
    "not not q",
    "(q)",
    "q and r",
    "q or r",
    "not q and not r",
    "q.expected == 5",
    "q.actual <= 3",
    "q.gap == -2",
    "q.gap < 0",
    "q.gap >= 0",
    "q.gap in [-2, -1]",
    "q.gap not in [0]",
    "not (q.gap >= 0)",
    "q.gap",
    "not q.gap",
    "q.actual < q.expected",
    "q.expected == r",
    "q.gap == r.gap",
    "q.gap < r",
    "(q == 1) == true",
    "(q == 1) != (r == 1)",
    "(q < 6) == (r < 6)",
    "(q in [1]) in [true]",
    "(q == 1) < 2",
    "(q or r) == true",
    "(not q) == false",
    "q <= 6 or r == 1",
    "q <= 6 and r == 1",
    "not (q <= 6) and r != 1",
    'q in ["online", "phone"] and not (r.gap >= 0)',
    '"price" in q or r.actual < 3',
    "true",
    "false",
    "not false",
    "1 == 1",
    '"a" == "a"',
    "[1, 2] == [2, 1]",
    "[] == []",
    '[1] == ["1"]',
    "0",
    '""',
    "[]",
    "[0]",
    "-1",
    "1 in [1]",
    "true == 1",
    "not (q == 1 or r == 2 and not q.gap < 0)",
]

# Answer values as the page builds them, plus odd ones the evaluator must survive.
VALUES = [
    MISSING,
    None,
    0,
    1,
    2,
    3,
    5,
    6,
    7,
    -2,
    -1,
    6.5,
    True,
    False,
    "",
    "a",
    "b",
    "6",
    "1",
    "online",
    "phone",
    "price",
    "  a ",
    [],
    ["a"],
    ["b", "a"],
    ["a", "b"],
    ["a", "a"],
    ["price", "speed"],
    ["6"],
    [6],
    [1, "1"],
    [True],
    [False],
    [0],
    ["a", None, ["a"], {"a": 1}],
    [["a"]],
    {"expected": 5, "actual": 3},
    {"expected": 3, "actual": 5},
    {"expected": 4, "actual": 4},
    {"expected": 1, "actual": 7},
    {"expected": 5},
    {"actual": 3},
    {"expected": None, "actual": 3},
    {"expected": 5, "actual": None},
    {"expected": "5", "actual": 3},
    {"expected": True, "actual": 3},
    {"expected": 5.5, "actual": 3},
    {"expected": [5], "actual": 3},
    {},
    {"nested": "dict"},
]

NAMES = ("q", "r")
RANDOM_ANSWER_SETS = 40


def _jsonable(value: object) -> bool:
    """True if JSON carries ``value`` to the browser unchanged (see the module docstring)."""
    if value is None or isinstance(value, (bool, str)):
        return True
    if isinstance(value, int):
        return abs(value) < SAFE_INT
    if isinstance(value, float):
        return math.isfinite(value) and not value.is_integer()
    if isinstance(value, (list, tuple)):
        return all(_jsonable(item) for item in value)
    if isinstance(value, dict):
        return all(isinstance(key, str) and _jsonable(item) for key, item in value.items())
    return False


def _as_json_answer(value: object) -> object:
    """A test_expressions answer as the page would write it (a Gap becomes an object)."""
    if isinstance(value, test_expressions.Gap):
        return {"expected": value.expected, "actual": value.actual}
    return list(value) if isinstance(value, tuple) else value


def _harvested() -> tuple[list[str], list[object]]:
    """The conditions and answers of test_expressions' parametrized tests that parse and fit JSON."""
    sources, values = [], []
    for function in vars(test_expressions).values():
        for mark in getattr(function, "pytestmark", []):
            if mark.name != "parametrize":
                continue
            names = mark.args[0] if isinstance(mark.args[0], (list, tuple)) else mark.args[0].split(",")
            names = [name.strip() for name in names]
            for row in mark.args[1]:
                row = row if len(names) > 1 else (row,)
                for name, item in zip(names, row):
                    if name == "source" and isinstance(item, str):
                        sources.append(item)
                    elif name == "answer" and _jsonable(_as_json_answer(item)):
                        values.append(_as_json_answer(item))
    return sources, values


def _parses(source: str) -> bool:
    try:
        parse(source)
    except ExpressionError:
        return False
    return True


def _answer_sets(names: list[str], values: list[object], rng: random.Random) -> list[dict[str, object]]:
    """Every name set to each value in turn, then random mixes of values."""
    chosen = [dict.fromkeys(names, value) for value in values]
    chosen += [{name: rng.choice(values) for name in names} for _ in range(RANDOM_ANSWER_SETS)]
    return [{name: value for name, value in answers.items() if value is not MISSING} for answers in chosen]


def _build_cases() -> dict[str, list[dict[str, object]]]:
    """Answer sets by condition source, deterministic from run to run."""
    harvested_sources, harvested_values = _harvested()
    sources = list(dict.fromkeys(s for s in SOURCES + harvested_sources if _parses(s)))
    values = list(VALUES)
    values += [v for v in harvested_values if v not in values]
    rng = random.Random(20240601)
    cases = {}
    for source in sources:
        names = sorted({ref.name for ref in parse(source).references()} | set(NAMES))
        cases[source] = _answer_sets(names, values, rng)
    return cases


CASES = _build_cases()


def _python_answer(value: object) -> object:
    """A JSON answer as the server holds it: a gap object becomes a GapAnswer-like object."""
    if not isinstance(value, dict):
        return value
    if set(value) <= {"expected", "actual"}:
        return GapAnswer(value.get("expected"), value.get("actual"))
    return SimpleNamespace(**value)  # only the keys present are attributes, as in JS


def _python_results() -> dict[str, list[bool]]:
    results = {}
    for source, answer_sets in CASES.items():
        expression = parse(source)
        results[source] = [
            expression.evaluate({name: _python_answer(value) for name, value in answers.items()})
            for answers in answer_sets
        ]
    return results


NODE_SCRIPT = """
const fs = require('fs');
const {evaluate} = require(process.argv[1]);
const input = JSON.parse(fs.readFileSync(0, 'utf8'));
const results = input.map(([tree, answerSets]) => answerSets.map((answers) => evaluate(tree, answers)));
process.stdout.write(JSON.stringify(results));
"""


@pytest.fixture(scope="module")
def node() -> str:
    """The node executable. Without it (a user's machine with only python3) the
    comparison is skipped; CI sets TOUCHLOOP_REQUIRE_NODE so there it must run."""
    path = shutil.which("node")
    if path is None:
        if os.environ.get("TOUCHLOOP_REQUIRE_NODE"):
            pytest.fail("node is required (TOUCHLOOP_REQUIRE_NODE is set) but not installed")
        pytest.skip("node is not installed; the page script's evaluator is compared with Python only where it is")
    return path


@pytest.fixture(scope="module")
def js_results(node) -> dict[str, list[object]]:
    """Every case evaluated by survey.js in one node process."""
    sources = list(CASES)
    payload = json.dumps([[parse(s).to_json(), CASES[s]] for s in sources], allow_nan=False)
    completed = subprocess.run(
        [node, "-e", NODE_SCRIPT, str(SURVEY_JS)],
        input=payload,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    return dict(zip(sources, json.loads(completed.stdout), strict=True))


PYTHON_RESULTS = _python_results()


def test_the_table_is_large_and_varied():
    results = [result for per_source in PYTHON_RESULTS.values() for result in per_source]
    assert len(CASES) >= 200
    assert len(results) >= 20_000
    assert 0.1 < sum(results) / len(results) < 0.9  # plenty of both outcomes


def test_node_evaluates_every_case_and_returns_booleans(js_results):
    assert list(js_results) == list(CASES)
    for source, results in js_results.items():
        assert len(results) == len(CASES[source]), source
        assert all(isinstance(result, bool) for result in results), source


@pytest.mark.parametrize("source", list(CASES))
def test_javascript_agrees_with_python(source, js_results):
    mismatches = [
        f"answers={json.dumps(answers)}: python={expected} js={actual}"
        for answers, expected, actual in zip(CASES[source], PYTHON_RESULTS[source], js_results[source], strict=True)
        if expected is not actual
    ]
    assert not mismatches, f"{source!r} differs for {len(mismatches)} answer sets:\n" + "\n".join(mismatches[:10])


def test_the_javascript_evaluator_survives_malformed_input(node):
    script = (
        "const {evaluate} = require(process.argv[1]);"
        "const out = [evaluate(null, {}), evaluate({}, {}), evaluate({cmp: '??', left: {lit: 1}, right: {lit: 1}}, {}),"
        " evaluate({ref: 'q', part: null}, null), evaluate({ref: 'constructor', part: null}, {}),"
        " evaluate({ref: 'q', part: 'gap'}, {q: null}), evaluate({op: 'and', items: null}, {})];"
        "process.stdout.write(JSON.stringify(out));"
    )
    completed = subprocess.run(
        [node, "-e", script, str(SURVEY_JS)], capture_output=True, text=True, timeout=60, check=True
    )
    assert json.loads(completed.stdout) == [False] * 7
