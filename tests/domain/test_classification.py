"""Classification rules: Pareto tiers, lifecycle stages, and the journey.yaml section that sets them."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from touchloop.classification import (
    Classification,
    assign_tiers,
    customer_facts,
    lifecycle_stage,
    to_cents,
    whole_months_between,
)
from touchloop.journey import read_journey
from touchloop.yamlsource import parse_yaml

JOURNEY_TEXT = (Path(__file__).resolve().parents[2] / "surveys" / "journey.yaml").read_text(encoding="utf-8")
BASE = JOURNEY_TEXT.split("\nclassification:")[0]
DEFAULT = Classification()
SECTION_LINE = BASE.count("\n") + 3  # the first line under "classification:"
TODAY = date(2025, 6, 30)


def read_section(section: str):
    """The journey (or None) and problems for the demo journey with this classification section."""
    journey, problems = read_journey(parse_yaml(BASE + "\nclassification:\n" + section, "journey.yaml"))
    return journey, [str(problem) for problem in problems]


def facts(**given) -> dict[str, object]:
    """Facts of a customer on TODAY, with nothing known unless given."""
    values = dict(customer_since=None, last_purchase=None, annual_value=None, tier=None, region=None, industry=None)
    return customer_facts(today=TODAY, **{**values, **given})


def test_pareto_tiers_use_the_share_of_value_before_each_customer():
    values = [("a", Decimal(50)), ("b", Decimal(30)), ("c", Decimal(10)), ("d", Decimal(5)), ("e", Decimal(5))]
    # before a: 0% -> A; before b: 50% -> A; before c: 80% -> B; before d: 90% -> C; before e: 95% -> C
    assert assign_tiers(values, DEFAULT) == {"a": "A", "b": "A", "c": "B", "d": "C", "e": "C"}


def test_ties_are_broken_by_customer_number_and_no_value_is_the_last_tier():
    values = [("z", Decimal(40)), ("y", Decimal(40)), ("x", Decimal(20)), ("n", None), ("o", Decimal(0))]
    assert assign_tiers(values, DEFAULT) == {"y": "A", "z": "A", "x": "B", "n": "C", "o": "C"}


def test_a_single_customer_holding_everything_is_a_and_nobody_with_value_means_all_c():
    assert assign_tiers([("only", Decimal("0.01"))], DEFAULT) == {"only": "A"}
    assert assign_tiers([("a", None), ("b", Decimal(0))], DEFAULT) == {"a": "C", "b": "C"}


def test_tier_shares_are_configurable():
    rules = Classification(tier_shares=(("A", 50), ("B", 30)))
    values = [("a", Decimal(50)), ("b", Decimal(30)), ("c", Decimal(20))]
    assert rules.tier_limits() == (("A", 50), ("B", 80))
    assert assign_tiers(values, rules) == {"a": "A", "b": "B", "c": "C"}


def test_money_is_counted_in_exact_cents():
    assert [to_cents(v) for v in (None, Decimal("1234.50"), 0.1 + 0.2, Decimal("0.005"))] == [0, 123450, 30, 1]


@pytest.mark.parametrize(
    ("start", "end", "months"),
    [
        (date(2024, 1, 31), date(2024, 2, 29), 0),
        (date(2024, 1, 31), date(2024, 3, 1), 1),
        (date(2023, 6, 30), date(2025, 6, 30), 24),
        (date(2025, 7, 1), date(2025, 6, 30), 0),
    ],
)
def test_whole_months_count_completed_months_only(start, end, months):
    assert whole_months_between(start, end) == months


def test_facts_are_whole_numbers_or_unknown():
    known = facts(
        customer_since=date(2021, 7, 1), last_purchase=date(2025, 6, 1), annual_value=Decimal("99.99"), tier="B"
    )
    assert known == {
        "years_as_customer": 3,
        "months_as_customer": 47,
        "days_since_last_purchase": 29,
        "annual_value": 99,
        "tier": "B",
        "region": None,
        "industry": None,
    }
    assert facts()["months_as_customer"] is None


@pytest.mark.parametrize(
    ("given", "stage"),
    [
        ({"last_purchase": date(2023, 12, 1), "customer_since": date(2025, 1, 1)}, "lost"),
        ({"last_purchase": date(2024, 9, 1), "customer_since": date(2020, 1, 1)}, "declining"),
        ({"last_purchase": date(2025, 6, 1), "customer_since": date(2024, 8, 1)}, "new"),
        ({"customer_since": date(2023, 1, 1)}, "growing"),
        ({"customer_since": date(2019, 1, 1)}, "mature"),
        ({}, "mature"),  # nothing known: only the catch-all matches
    ],
)
def test_the_first_lifecycle_rule_that_holds_gives_the_stage(given, stage):
    assert lifecycle_stage(facts(**given), DEFAULT.lifecycle) == stage


def test_the_demo_journey_declares_the_default_rules():
    journey, problems = read_journey(parse_yaml(JOURNEY_TEXT, "journey.yaml"))
    assert problems == [] and journey.classification == DEFAULT


def test_without_a_classification_section_the_defaults_apply():
    journey, problems = read_journey(parse_yaml(BASE, "journey.yaml"))
    assert problems == [] and journey.classification == DEFAULT


def test_a_custom_section_is_read():
    journey, problems = read_section(
        "  tiers: {A: 60, B: 30}\n"
        "  lifecycle:\n"
        '    - {stage: lost, when: days_since_last_purchase >= 365 and tier != "A"}\n'
        "    - stage: new\n"
        '      when: months_as_customer < 6 or region in ["west"]\n'
        "    - {stage: mature, when: true}\n"
    )
    assert problems == []
    rules = journey.classification
    assert rules.tier_limits() == (("A", 60), ("B", 90))
    assert [rule.stage for rule in rules.lifecycle] == ["lost", "new", "mature"]
    assert lifecycle_stage(facts(last_purchase=date(2024, 1, 1), tier="A"), rules.lifecycle) == "mature"
    assert lifecycle_stage(facts(region="west"), rules.lifecycle) == "new"


@pytest.mark.parametrize(
    ("section", "problem"),
    [
        ("  tiers: {A: 70, B: 30}\n", f"journey.yaml:{SECTION_LINE}: classification.tiers: the shares add up to 100;"),
        ("  tiers: {A: 70, B: 10, C: 20}\n", "classification.tiers.C: 'C' is the last tier and takes the rest"),
        ("  tiers: {A: 70}\n", "classification.tiers: 'B' is missing"),
        ("  tiers: {A: 70, B: 20, D: 5}\n", "classification.tiers.D: unknown key 'D' (allowed: A, B)"),
        ("  tiers: {A: 70.5, B: 20}\n", "classification.tiers.A: expected a whole number"),
        ("  tierz: {}\n", "classification.tierz: unknown key 'tierz' (allowed: lifecycle, tiers)"),
        ("  lifecycle: []\n", "classification.lifecycle: expected 1 to 30 items, found 0"),
        (
            "  lifecycle:\n    - {stage: dormant, when: 'true'}\n",
            f"journey.yaml:{SECTION_LINE + 1}: classification.lifecycle[0].stage: unknown lifecycle stage 'dormant' "
            "(stages: new, growing, mature, declining, lost)",
        ),
        ("  lifecycle:\n    - {stage: new}\n", "classification.lifecycle[0]: 'when' is missing"),
        ("  lifecycle:\n    - {stage: new, when: ''}\n", "expected a condition such as"),
        (
            "  lifecycle:\n    - {stage: new, when: age < 3}\n",
            "classification.lifecycle[0].when: there is no customer fact 'age' (facts: years_as_customer,",
        ),
        ("  lifecycle:\n    - {stage: new, when: tier.gap < 3}\n", "'tier' has no part '.gap'"),
        ("  lifecycle:\n    - {stage: new, when: 'annual_value > \"big\"'}\n", "'annual_value' is a whole number;"),
        ("  lifecycle:\n    - {stage: new, when: 'region > \"east\"'}\n", "'region' is a code; compare it with =="),
        ("  lifecycle:\n    - {stage: new, when: 'tier == \"D\"'}\n", "'tier' has no value 'D' (values: A, B, C)"),
        ("  lifecycle:\n    - {stage: new, when: months_as_customer = 3}\n", "cannot read the condition"),
    ],
)
def test_mistakes_in_the_section_are_located(section, problem):
    journey, problems = read_section(section)
    assert journey is None
    assert len(problems) == 1 and problem in problems[0], problems
