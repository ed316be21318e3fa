"""A form opened before a survey changed is stored against the version it showed."""

from __future__ import annotations

import sqlalchemy as sa

from app.models import Response
from tests.factories import MINIMAL_SURVEY, load_surveys, make_survey_dir
from tests.web.forms import open_survey, post_survey


def test_response_survives_a_reload_of_a_changed_file(app, client, session, tmp_path):
    folder = make_survey_dir(tmp_path, {"mini.yaml": MINIMAL_SURVEY})
    load_surveys(session, folder)
    old_form = open_survey(client, "mini")
    assert post_survey(client, "mini", open_survey(client, "mini"), {"q_recommend": "7"}).status_code == 303
    (folder / "mini.yaml").write_text(
        MINIMAL_SURVEY.replace("Arriving on time", "Arriving when promised"), encoding="utf-8"
    )
    runner = app.test_cli_runner()
    assert "mini: changed, now version 2" in runner.invoke(args=["surveys", "load", str(folder)]).output
    new_form = open_survey(client, "mini")
    assert new_form["version_id"] != old_form["version_id"]
    assert "Arriving when promised" in client.get("/s/mini?lang=en").get_data(as_text=True)
    assert post_survey(client, "mini", old_form, {"q_recommend": "8"}).status_code == 303
    assert post_survey(client, "mini", new_form, {"q_recommend": "9"}).status_code == 303
    stored = dict(
        session.execute(
            sa.select(Response.survey_version_id, sa.func.count()).group_by(Response.survey_version_id)
        ).all()
    )
    assert stored == {int(old_form["version_id"]): 2, int(new_form["version_id"]): 1}
