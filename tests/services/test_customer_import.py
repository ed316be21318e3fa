"""Customer import: whole-file check first, upsert by customer number in batches, then classification."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa

from app.models import Customer
from app.services.customer_import import MAX_PROBLEMS, import_customers
from tests.factories import DEMO_SURVEYS
from touchloop.catalog import read_catalog
from touchloop.customer_csv import CustomerFileError
from touchloop.journey import read_journey
from touchloop.yamlsource import parse_yaml

JOURNEY = read_catalog(DEMO_SURVEYS).journey
TODAY = date(2025, 6, 30)
HEADER = "external_id,name,email,region,customer_since,last_purchase,annual_value,tier\r\n"


def csv_file(*rows: str, header: str = HEADER) -> io.BytesIO:
    """A UTF-8 CSV file with Excel's BOM and CRLF line ends."""
    return io.BytesIO((header + "".join(row + "\r\n" for row in rows)).encode("utf-8-sig"))


def run(session, fileobj, journey=JOURNEY, **options):
    """Import with a fixed date."""
    return import_customers(session, fileobj, journey, today=TODAY, **options)


def customers(session) -> dict[str, Customer]:
    """Every customer by external id."""
    session.expire_all()
    return {c.external_id: c for c in session.scalars(sa.select(Customer))}


def test_new_customers_are_created_with_typed_values_and_classified(session):
    report = run(
        session,
        csv_file(
            'C-1,王伟,wang@example.com,华东,2024-12-01,2025-06-01,"¥80,000",',
            "C-2,李娜,,south,2018/5/1,2025.6.2,20000,",
            "C-3,Zhang,,,,,,",
        ),
    )
    session.commit()
    assert (report.created, report.updated, report.skipped, report.refused) == (3, 0, 0, False)
    found = customers(session)
    first = found["C-1"]
    assert (first.name, first.email, first.region, first.customer_since) == (
        "王伟",
        "wang@example.com",
        "east",
        date(2024, 12, 1),
    )
    assert first.annual_value == Decimal("80000.00")
    assert [(c.tier, c.lifecycle) for c in (found["C-1"], found["C-2"], found["C-3"])] == [
        ("A", "new"),
        ("B", "mature"),
        ("C", "mature"),
    ]
    assert report.classification.tiers == {"A": 1, "B": 1, "C": 1}


def test_a_file_with_bad_rows_is_refused_whole_and_nothing_is_written(session):
    report = run(session, csv_file("C-1,Anna,,east,,,,", "C-2,Bob,bad-mail,,,,,", "C-3,Carl,,Mars,,,,Z"))
    assert report.refused and (report.created, report.skipped, report.problem_count) == (0, 2, 3)
    assert [(p.line, p.column) for p in report.problems] == [(3, "email"), (4, "region"), (4, "tier")]
    session.commit()
    assert customers(session) == {}


def test_skip_invalid_writes_the_good_rows_and_reports_the_rest(session):
    report = run(session, csv_file("C-1,Anna,,east,,,,", "C-2,Bob,bad-mail,,,,,", "C-3,Carl,,,,,,"), skip_invalid=True)
    session.commit()
    assert (report.created, report.skipped, report.refused) == (2, 1, False)
    assert [str(p) for p in report.problems] == [
        "line 3: email: 'bad-mail' is not an e-mail address: An email address must have an @-sign."
    ]
    assert sorted(customers(session)) == ["C-1", "C-3"]


def test_known_customers_are_updated_and_columns_the_file_lacks_are_kept(session):
    run(session, csv_file("C-1,Anna,anna@example.com,east,2020-01-01,,100,", "C-2,Bob,bob@example.com,north,,,50,"))
    session.commit()
    report = run(
        session,
        csv_file("C-2,Robert,,west", "C-3,Carl,carl@example.com,south", header="external_id,name,email,region\r\n"),
    )
    session.commit()
    assert (report.created, report.updated) == (1, 1)
    found = customers(session)
    bob = found["C-2"]
    assert (bob.name, bob.email, bob.region, bob.annual_value) == ("Robert", None, "west", Decimal("50.00"))
    assert found["C-1"].customer_since == date(2020, 1, 1) and len(found) == 3


def test_batches_upsert_across_their_boundaries(session):
    run(session, csv_file(*(f"C-{n},Name {n},,,,,{n}," for n in range(0, 7, 2))))
    session.commit()
    report = run(session, csv_file(*(f"C-{n},New name {n},,,,,{n}," for n in range(7))), batch_size=2)
    session.commit()
    assert (report.created, report.updated) == (3, 4)
    assert {c.name for c in customers(session).values()} == {f"New name {n}" for n in range(7)}


def test_a_given_tier_and_stage_win_and_clearing_them_lets_the_computed_ones_back(session):
    header = "external_id,name,annual_value,tier,lifecycle,customer_since\r\n"
    run(session, csv_file("C-1,Anna,1000,C,lost,2019-01-01", "C-2,Bob,1,,,2019-01-01", header=header))
    session.commit()
    anna = customers(session)["C-1"]
    assert (anna.tier, anna.tier_given, anna.lifecycle, anna.lifecycle_given) == ("C", "C", "lost", "lost")
    run(session, csv_file("C-1,Anna,1000,,,2019-01-01", header=header))
    session.commit()
    anna = customers(session)["C-1"]
    assert (anna.tier, anna.tier_given, anna.lifecycle, anna.lifecycle_given) == ("A", None, "mature", None)


def test_other_segment_attributes_are_merged_into_extra(session):
    text = DEMO_SURVEYS.joinpath("journey.yaml").read_text(encoding="utf-8")
    extra = (
        "\n  - code: channel\n    name: {zh: 渠道, en: Channel}\n    values:\n"
        "      - {code: store, name: {zh: 门店, en: Store}}\n      - {code: online, name: {zh: 线上, en: Online}}\n"
        "  - code: floors\n    name: {zh: 楼层, en: Floors}\n"
        "    bands:\n      - {code: low, name: {zh: 低, en: Low}, min: 0}\n"
    )
    journey, problems = read_journey(parse_yaml(text.replace("\ncontact:", extra + "\ncontact:"), "journey.yaml"))
    assert problems == []
    run(session, csv_file("C-1,Anna,门店,3", header="external_id,name,channel,floors\r\n"), journey)
    run(session, csv_file("C-1,Anna,online", header="external_id,name,channel\r\n"), journey)
    session.commit()
    assert customers(session)["C-1"].extra == {"channel": "online", "floors": 3}


def test_problems_are_all_counted_but_only_the_first_thousand_kept(session):
    report = run(
        session, csv_file(*(f"C-{n},Name,bad" for n in range(MAX_PROBLEMS + 5)), header="external_id,name,email\r\n")
    )
    assert report.refused and report.problem_count == report.skipped == MAX_PROBLEMS + 5
    assert len(report.problems) == MAX_PROBLEMS and report.problems[-1].line == MAX_PROBLEMS + 1


def test_progress_is_reported_for_each_pass(session):
    seen: list[tuple[str, int]] = []
    fileobj = csv_file(*(f"C-{n},Name {n},,,,,," for n in range(50)))
    run(session, fileobj, batch_size=10, progress=lambda phase, done: seen.append((phase, done)))
    assert [phase for phase, _ in seen] == ["check"] * 5 + ["import"] * 5
    assert seen[-1][1] == len(fileobj.getvalue())


def test_a_file_refused_as_a_whole_raises_before_writing(session):
    with pytest.raises(CustomerFileError, match="unknown column"):
        run(session, csv_file("C-1,Anna,x", header="external_id,name,colour\r\n"), skip_invalid=True)
    session.rollback()
    assert customers(session) == {}


def test_checking_first_needs_a_seekable_file_but_skipping_does_not(session):
    class Stream(io.RawIOBase):
        def __init__(self, data: bytes):
            self.data = io.BytesIO(data)

        def readable(self):
            return True

        def readinto(self, buffer):
            chunk = self.data.read(len(buffer))
            buffer[: len(chunk)] = chunk
            return len(chunk)

    data = csv_file("C-1,Anna,,,,,,").getvalue()
    with pytest.raises(ValueError, match="seekable"):
        run(session, Stream(data))
    assert run(session, Stream(data), skip_invalid=True).created == 1


def test_the_representative_column_is_stored_and_progress_is_reported(session):
    seen = []
    header = "external_id,name,representative\r\n"
    report = run(
        session,
        csv_file("R1,Rita's customer,Rep.Li@Huachen.example", "R2,Nobody's,", header=header),
        progress=lambda stage, done: seen.append((stage, done)),
    )
    session.commit()
    assert report.created == 2
    stored = customers(session)
    assert stored["R1"].representative.lower() == "rep.li@huachen.example" and stored["R2"].representative is None
    assert "import" in {stage for stage, _ in seen}
    assert [done for stage, done in seen if stage == "import"] == sorted(
        done for stage, done in seen if stage == "import"
    )
    assert max(done for _, done in seen) > 0


def test_on_postgresql_the_planner_is_told_how_many_customers_the_import_wrote(session):
    """A first import leaves statistics that count its rows (else a re-import's updates scan the table each)."""
    if session.get_bind().dialect.name != "postgresql":
        pytest.skip("statistics for PostgreSQL's planner: set TEST_DATABASE_URL to a postgresql:// database to run")
    rows = [f"C{n:05d},Customer {n},,east,2024-01-01,2025-06-01,1000," for n in range(2500)]
    run(session, csv_file(*rows), batch_size=200)
    reltuples = session.scalar(sa.text("SELECT reltuples FROM pg_class WHERE relname = 'customer'"))
    assert reltuples == 2500
