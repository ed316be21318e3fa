"""flask customers export ID --out FILE.json and flask customers erase ID [--yes], with their audit entries."""

from __future__ import annotations

import json

import sqlalchemy as sa

from app.models import AuditEntry, Customer
from tests.factories import load_surveys, make_customer, make_response
from tests.services.test_cases import DETRACTOR


def _customer(session) -> Customer:
    load_surveys(session)
    customer = make_customer(session, name="Li Na", email="li.na@example.com")
    make_response(session, dict(DETRACTOR, improve="Ask for Li Na at the back door"), customer=customer)
    return customer


def _audit(session) -> list[tuple]:
    session.expire_all()
    query = sa.select(AuditEntry.action, AuditEntry.actor_name, AuditEntry.object_id).order_by(AuditEntry.id)
    return list(session.execute(query).tuples())


def test_export_writes_everything_held_as_json_and_is_audited(runner, session, tmp_path):
    customer = _customer(session)
    out = tmp_path / "li-na.json"
    result = runner.invoke(args=["customers", "export", str(customer.id), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert f"customer {customer.id}: 1 response(s), 1 case(s) -> {out}" in result.output
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["profile"]["email"] == "li.na@example.com" and len(data["responses"]) == 1
    assert _audit(session) == [("customer.exported", "command line", str(customer.id))]


def test_export_of_an_unknown_id_says_so_and_writes_nothing(runner, session, tmp_path):
    out = tmp_path / "nobody.json"
    result = runner.invoke(args=["customers", "export", "4242", "--out", str(out)])
    assert result.exit_code == 1
    assert "there is no customer with id 4242; nothing was written." in result.output
    assert not out.exists() and _audit(session) == []


def test_export_to_an_unwritable_place_says_why(runner, session, tmp_path):
    customer = _customer(session)
    result = runner.invoke(args=["customers", "export", str(customer.id), "--out", str(tmp_path / "no" / "x.json")])
    assert result.exit_code == 1 and "could not write" in result.output
    assert _audit(session) == []


def test_erase_asks_first_and_a_no_changes_nothing(runner, session):
    customer = _customer(session)
    result = runner.invoke(args=["customers", "erase", str(customer.id)], input="n\n")
    assert result.exit_code == 1 and "Erase the personal data of Li Na" in result.output
    session.expire_all()
    assert session.get(Customer, customer.id).erased_at is None and _audit(session) == []


def test_erase_with_yes_erases_and_is_audited_without_personal_data(runner, session):
    customer = _customer(session)
    result = runner.invoke(args=["customers", "erase", str(customer.id), "--yes"])
    assert result.exit_code == 0, result.output
    assert "1 response(s) kept anonymised, 1 text answer(s)" in result.output
    session.expire_all()
    assert session.get(Customer, customer.id).email is None
    assert _audit(session) == [("customer.erased", "command line", str(customer.id))]
    summary = session.scalars(sa.select(AuditEntry.summary)).one()
    assert "Li Na" not in json.dumps(summary) and summary["responses_kept"] == 1


def test_erase_twice_or_of_an_unknown_id_says_so(runner, session):
    customer = _customer(session)
    runner.invoke(args=["customers", "erase", str(customer.id), "--yes"])
    again = runner.invoke(args=["customers", "erase", str(customer.id), "--yes"])
    assert again.exit_code == 1 and "was erased before; nothing more to erase" in again.output
    unknown = runner.invoke(args=["customers", "erase", "4242", "--yes"])
    assert unknown.exit_code == 1 and "there is no customer with id 4242; nothing was erased." in unknown.output


def test_an_id_that_is_not_a_number_is_refused_by_the_command(runner, session):
    result = runner.invoke(args=["customers", "erase", "C-00001", "--yes"])
    assert result.exit_code == 2 and "'C-00001' is not a valid integer" in result.output
