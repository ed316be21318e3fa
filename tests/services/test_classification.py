"""Classification in the database: SQL Pareto tiers agree with the pure rule; given values win."""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

import sqlalchemy as sa

from app.models import Customer
from app.services.classification import classify_customers, computed_tiers
from tests.factories import DEMO_SURVEYS
from touchloop.catalog import read_catalog
from touchloop.classification import Classification, assign_tiers, customer_facts, lifecycle_stage

JOURNEY = read_catalog(DEMO_SURVEYS).journey
TODAY = date(2025, 6, 30)


def add_customers(session, rows: list[dict]) -> None:
    """Insert customers in bulk and commit."""
    session.execute(sa.insert(Customer), rows)
    session.commit()


def random_customers(seed: int, count: int) -> list[dict]:
    """Customers with values that tie, are missing or zero, and dates that cover every stage."""
    rng = random.Random(seed)
    values = [None, Decimal(0), Decimal("100.00"), Decimal("100.00"), Decimal("0.01")]
    return [
        {
            "external_id": f"K-{rng.randrange(10**6):06d}-{n}",
            "name": f"Customer {n}",
            "annual_value": rng.choice(values) if n % 5 == 0 else Decimal(rng.randrange(1, 10**7)) / 100,
            "customer_since": None if n % 11 == 0 else TODAY - timedelta(days=rng.randrange(0, 4000)),
            "last_purchase": None if n % 7 == 0 else TODAY - timedelta(days=rng.randrange(0, 900)),
            "region": rng.choice(["east", "west", None]),
        }
        for n in range(count)
    ]


def test_sql_tiers_agree_with_the_pure_python_rule(session):
    rows = random_customers(seed=3, count=400)
    add_customers(session, rows)
    for rules in (Classification(), Classification(tier_shares=(("A", 50), ("B", 45)))):
        ids = dict(session.execute(sa.select(Customer.id, Customer.external_id)).tuples().all())
        in_sql = {ids[customer_id]: tier for customer_id, tier in session.execute(computed_tiers(rules))}
        expected = assign_tiers([(row["external_id"], row["annual_value"]) for row in rows], rules)
        assert in_sql == expected
        assert set(expected.values()) == {"A", "B", "C"}


def test_classify_matches_the_pure_functions_for_every_customer(session):
    rows = random_customers(seed=8, count=300)
    add_customers(session, rows)
    summary = classify_customers(session, JOURNEY, today=TODAY)
    session.commit()
    tiers = assign_tiers([(row["external_id"], row["annual_value"]) for row in rows], JOURNEY.classification)
    for customer in session.scalars(sa.select(Customer)):
        facts = customer_facts(
            today=TODAY,
            customer_since=customer.customer_since,
            last_purchase=customer.last_purchase,
            annual_value=customer.annual_value,
            tier=customer.tier,
            region=customer.region,
            industry=customer.industry,
        )
        assert customer.tier == tiers[customer.external_id]
        assert customer.lifecycle == lifecycle_stage(facts, JOURNEY.classification.lifecycle)
    assert sum(summary.tiers.values()) == sum(summary.stages.values()) == 300
    assert summary.tiers_changed == summary.stages_changed == 300


def test_given_tier_and_stage_win_over_computed_ones(session):
    add_customers(
        session,
        [
            {"external_id": "big", "name": "Big", "annual_value": Decimal(800), "tier_given": "C"},
            {"external_id": "small", "name": "Small", "annual_value": Decimal(200), "lifecycle_given": "lost"},
        ],
    )
    classify_customers(session, JOURNEY, today=TODAY)
    session.commit()
    found = {c.external_id: (c.tier, c.lifecycle) for c in session.scalars(sa.select(Customer))}
    assert found == {"big": ("C", "mature"), "small": ("B", "lost")}


def test_negative_values_count_as_no_value(session):
    add_customers(
        session,
        [
            {"external_id": "a", "name": "A", "annual_value": Decimal(-50)},
            {"external_id": "b", "name": "B", "annual_value": Decimal(10)},
        ],
    )
    classify_customers(session, JOURNEY, today=TODAY)
    assert dict(session.execute(sa.select(Customer.external_id, Customer.tier)).tuples().all()) == {"a": "C", "b": "A"}


def test_classifying_again_changes_nothing(session):
    add_customers(session, random_customers(seed=5, count=50))
    classify_customers(session, JOURNEY, today=TODAY)
    again = classify_customers(session, JOURNEY, today=TODAY)
    assert (again.tiers_changed, again.stages_changed) == (0, 0)


def test_lifecycle_stages_follow_the_date(session):
    add_customers(session, [{"external_id": "a", "name": "A", "customer_since": date(2024, 7, 1)}])
    classify_customers(session, JOURNEY, today=date(2025, 6, 30))
    assert session.scalar(sa.select(Customer.lifecycle)) == "new"
    classify_customers(session, JOURNEY, today=date(2025, 7, 1))
    assert session.scalar(sa.select(Customer.lifecycle)) == "growing"
