"""Signing in does not tell which e-mails have accounts: same answer, and one password hash checked, either way."""

from __future__ import annotations

import pytest
from werkzeug import security

from app.auth import routes
from app.models import people
from tests.web.test_auth import make_user, sign_in


@pytest.fixture
def hash_checks(monkeypatch) -> list[str]:
    """Every password hash checked while signing in (werkzeug's function, counted where it is used)."""
    checked: list[str] = []

    def counting(pwhash: str, password: str) -> bool:
        checked.append(pwhash)
        return security.check_password_hash(pwhash, password)

    monkeypatch.setattr(routes, "check_password_hash", counting)
    monkeypatch.setattr(people, "check_password_hash", counting)
    return checked


@pytest.mark.parametrize("email", ["admin@example.com", "nobody@example.com", "gone@example.com"])
def test_a_wrong_password_unknown_e_mail_or_deactivated_account_look_alike(client, session, hash_checks, email):
    make_user(session)
    make_user(session, email="gone@example.com", active=False)
    response = sign_in(client, email=email, password="wrong password" if "admin" in email else "correct horse battery")
    assert response.status_code == 400
    assert "That e-mail and password do not match an active account." in response.get_data(as_text=True)
    same_cost = security.generate_password_hash("x", method=people.PASSWORD_HASH_METHOD).split("$")[0]
    assert len(hash_checks) == 1 and hash_checks[0].split("$")[0] == same_cost  # the method and its rounds
