"""PostgreSQL cuts a connection after the page is ready (a restart does that): the customer still gets the page.

Found by faults/submit_through_restart.py: when the server shuts down, it ends every
connection, including one a request is still holding after its last query. Closing
that request's session then fails (its ROLLBACK meets a dead connection), and the
error used to escape Flask after the response was built: a bare 500 from gunicorn
for a page or a stored submission that had succeeded. The test cuts the request's
own connection in an after_request hook (pg_terminate_backend) and waits until
the backend is gone, so the close is certain to meet it.
"""

from __future__ import annotations

import time

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import Response
from tests.factories import load_surveys
from tests.web.forms import hidden_fields
from tests.web.test_survey_pages import GOOD, INSTALL


@pytest.fixture
def cut(app, database_url):
    """A switch: while on, each request's database connection is terminated once the response is ready."""
    if sa.make_url(database_url).get_backend_name() != "postgresql":
        pytest.skip("needs a PostgreSQL server to terminate connections: set TEST_DATABASE_URL to run")
    killer = sa.create_engine(database_url, isolation_level="AUTOCOMMIT")
    switch = {"on": False, "cuts": 0}

    @app.after_request
    def terminate_this_requests_connection(response):
        """Kill the backend serving this request's session and wait until it has exited."""
        if switch["on"]:
            pid = db.session.scalar(sa.text("SELECT pg_backend_pid()"))
            with killer.connect() as connection:
                connection.execute(sa.text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
                for _ in range(200):
                    gone = connection.execute(sa.text("SELECT 1 FROM pg_stat_activity WHERE pid = :pid"), {"pid": pid})
                    if gone.first() is None:
                        break
                    time.sleep(0.01)
            switch["cuts"] += 1
        return response

    with app.app_context():
        load_surveys(db.session)
        db.session.remove()
    yield switch
    killer.dispose()


def test_survey_page_is_shown_when_the_connection_is_cut_after_it_was_rendered(app, client, cut):
    cut["on"] = True
    response = client.get(f"/s/{INSTALL}?lang=en")
    assert cut["cuts"] == 1
    assert response.status_code == 200 and 'name="submission_key"' in response.get_data(as_text=True)


def test_stored_answers_are_thanked_once_when_the_connection_is_cut_after_the_commit(app, client, cut):
    form = hidden_fields(client.get(f"/s/{INSTALL}?lang=en").get_data(as_text=True))
    cut["on"] = True
    response = client.post(f"/s/{INSTALL}?lang=en", data={**form, **GOOD})
    assert cut["cuts"] == 1
    assert response.status_code == 303 and "/thanks" in response.headers["Location"]
    cut["on"] = False
    again = client.post(f"/s/{INSTALL}?lang=en", data={**form, **GOOD})  # the pool must not hand out the dead one
    assert again.status_code == 303
    with app.app_context():
        stored = db.session.scalars(sa.select(Response.submission_key)).all()
    assert stored == [form["submission_key"]]
