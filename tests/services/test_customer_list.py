"""Customer list queries: keyset pages in (name, id) order, and filters on any segment attribute."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa
import yaml

from app.models import Customer
from app.services.customer_list import PAGE_SIZE, CustomerCriteria, list_customers
from tests.factories import DEMO_SURVEYS, make_customer, make_survey_dir
from touchloop.catalog import read_catalog

TODAY = date(2026, 11, 22)
NAMES = ["Zhou", "an", "An", "王芳", "李娜", "Émile", "émile", "O'Neil", "a_b", "a%b", "Same"]


def walk_forward(session, journey, criteria: CustomerCriteria, sort_matches_below: int) -> list[int]:
    """Every customer id, following the next-page cursors from the first page."""
    ids, after = [], None
    while True:
        page = list_customers(
            session,
            journey,
            CustomerCriteria(criteria.search, criteria.segments, after=after),
            TODAY,
            sort_matches_below,
        )
        assert len(page.rows) <= PAGE_SIZE
        ids += [row.id for row in page.rows]
        if page.next_after is None:
            return ids
        after = page.next_after


def walk_backward(session, last_id: int, sort_matches_below: int) -> list[int]:
    """Every customer id before ``last_id``, following the previous-page cursors, in list order."""
    ids, criteria = [], CustomerCriteria(before=last_id)
    while True:
        page = list_customers(session, None, criteria, TODAY, sort_matches_below)
        ids = [row.id for row in page.rows] + ids
        if page.previous_before is None:
            return ids
        criteria = CustomerCriteria(before=page.previous_before)


@pytest.mark.parametrize("sort_matches_below", [0, 10_000], ids=["walk the name index", "sort the matches"])
def test_pages_cover_every_customer_once_in_name_then_id_order(session, sort_matches_below):
    for number in range(130):
        make_customer(session, name=NAMES[number % len(NAMES)] if number % 3 else "Same")
    expected = session.scalars(sa.select(Customer.id).order_by(Customer.name, Customer.id)).all()
    assert walk_forward(session, None, CustomerCriteria(), sort_matches_below) == expected
    assert walk_backward(session, expected[-1], sort_matches_below) == expected[:-1]
    before_the_first = list_customers(session, None, CustomerCriteria(before=expected[0]), TODAY, sort_matches_below)
    assert [row.id for row in before_the_first.rows] == expected[:PAGE_SIZE]  # shows the first page instead


def test_search_wildcards_are_plain_characters(session):
    for name in ("a_b", "a%b", "axb", "a\\b"):
        make_customer(session, name=name)
    for term, found in (("a_b", ["a_b"]), ("a%b", ["a%b"]), ("a\\b", ["a\\b"]), ("ab", [])):
        page = list_customers(session, None, CustomerCriteria(search=term), TODAY)
        assert [row.name for row in page.rows] == found, term


def test_any_segment_attribute_of_the_journey_can_be_filtered_on(session, tmp_path):
    folder = make_survey_dir(tmp_path)
    journey = yaml.safe_load((DEMO_SURVEYS / "journey.yaml").read_text(encoding="utf-8"))
    journey["segments"].append(
        {
            "code": "partner",
            "name": {"zh": "合作伙伴", "en": "Partner"},
            "values": [
                {"code": "yes", "name": {"zh": "是", "en": "Yes"}},
                {"code": "no", "name": {"zh": "否", "en": "No"}},
            ],
        }
    )
    (folder / "journey.yaml").write_text(yaml.safe_dump(journey, allow_unicode=True), encoding="utf-8")
    catalog = read_catalog(folder)
    assert not catalog.problems
    make_customer(session, name="Partner", extra={"partner": "yes"})
    make_customer(session, name="Not a partner", extra={"partner": "no"})
    make_customer(session, name="Unknown")
    page = list_customers(session, catalog.journey, CustomerCriteria(segments={"partner": "yes"}), TODAY)
    assert [row.name for row in page.rows] == ["Partner"] and page.total == 1
