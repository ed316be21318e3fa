"""The surveys pages: versions with response counts, a read-only preview per language, loading a changed file."""

from __future__ import annotations

import io
import re

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import Role, Survey, SurveyVersion
from tests.factories import MINIMAL_SURVEY, load_surveys, make_response, make_survey_dir
from tests.web.forms import hidden_fields
from tests.web.test_user_pages import client_for, make_person

INSTALLATION = "installation.yaml"


@pytest.fixture(autouse=True)
def folder(app, tmp_path):
    """A loaded copy of the demo surveys folder, configured as the surveys folder (never the project's own)."""
    folder = make_survey_dir(tmp_path, with_demo=True)
    app.config["SURVEYS_DIR"] = str(folder)
    with app.app_context():
        load_surveys(db.session, folder)
    return folder


@pytest.fixture
def admin(app):
    """A browser signed in as an admin."""
    return client_for(app, make_person(app, Role.ADMIN, "Ada Admin"))


def upload(browser, name: str, content: bytes, **extra):
    """Send a file through the upload form, with the CSRF token of the surveys page."""
    token = hidden_fields(browser.get("/admin/surveys").get_data(as_text=True))["csrf_token"]
    data = {"csrf_token": token, "file": (io.BytesIO(content), name), **extra}
    return browser.post("/admin/surveys/upload", data=data, content_type="multipart/form-data")


def version_id(app, slug: str, number: int) -> int:
    """The id of version ``number`` of survey ``slug``."""
    with app.app_context():
        return db.session.scalar(
            sa.select(SurveyVersion.id).join(Survey).where(Survey.slug == slug, SurveyVersion.number == number)
        )


@pytest.mark.parametrize("role", [Role.STAFF, Role.OWNER, Role.REPRESENTATIVE])
def test_staff_owners_and_representatives_cannot_see_surveys(app, role, folder):
    browser = client_for(app, make_person(app, role))
    assert browser.get("/admin/surveys").status_code == 403
    assert browser.get(f"/admin/surveys/versions/{version_id(app, 'purchase', 1)}/preview").status_code == 403
    token = hidden_fields(browser.get("/suggestions/new").get_data(as_text=True))["csrf_token"]
    assert browser.post("/admin/surveys/upload", data={"csrf_token": token}).status_code == 403


def test_managers_may_look_but_not_load(app, folder):
    manager = client_for(app, make_person(app, Role.MANAGER))
    page = manager.get("/admin/surveys")
    assert page.status_code == 200 and "Load a changed survey file" not in page.get_data(as_text=True)
    assert manager.get(f"/admin/surveys/versions/{version_id(app, 'purchase', 1)}/preview").status_code == 200
    before = (folder / INSTALLATION).read_bytes()
    assert upload(manager, INSTALLATION, before.replace(b"How did", b"So how did")).status_code == 403
    assert (folder / INSTALLATION).read_bytes() == before


def test_every_survey_is_listed_with_its_versions_and_responses(app, admin, folder):
    with app.app_context():
        make_response(db.session, {"recommend": 10, "overall_satisfaction": 5})
    changed = (folder / INSTALLATION).read_text(encoding="utf-8").replace("How did your", "So, how did your")
    assert upload(admin, INSTALLATION, changed.encode()).status_code == 303
    page = admin.get("/admin/surveys").get_data(as_text=True)
    assert 'href="/admin/surveys" aria-current="page">Surveys' in page
    for slug in ("after-sales-service", "delivery-installation", "pre-purchase-consultation", "purchase"):
        assert f"({slug})" in page
    rows = re.findall(
        r"<tr>\s*<td>(\d)( <span class=\"badge\">Current</span>)?</td>.*?<td class=\"num\">(\d+)</td>", page, re.S
    )
    assert ("2", ' <span class="badge">Current</span>', "0") in rows and ("1", "", "1") in rows
    v1 = version_id(app, "delivery-installation", 1)
    assert f'href="/admin/surveys/versions/{v1}/preview?lang=zh"' in page
    assert f'href="/admin/surveys/versions/{v1}/preview?lang=en"' in page


def test_the_preview_is_the_customers_page_read_only_in_each_language(app, admin, folder):
    (folder / INSTALLATION).write_text(
        (folder / INSTALLATION).read_text(encoding="utf-8").replace("How did your installation go?", "New title"),
        encoding="utf-8",
    )
    with app.app_context():
        load_surveys(db.session, folder)
    old = version_id(app, "delivery-installation", 1)
    english = admin.get(f"/admin/surveys/versions/{old}/preview?lang=en")
    body = english.get_data(as_text=True)
    assert english.status_code == 200
    assert "<title>Preview · How did your installation go?</title>" in body and "New title" not in body
    assert '<fieldset disabled class="survey-preview"' in body and 'class="survey-form"' in body
    assert "survey.js" not in body  # no script: every question shows, conditional ones too
    assert f'action="/admin/surveys/versions/{old}/preview"' in body
    assert admin.post(f"/admin/surveys/versions/{old}/preview").status_code == 405  # nothing can be sent
    chinese = admin.get(f"/admin/surveys/versions/{old}/preview?lang=zh").get_data(as_text=True)
    assert "送货安装服务评价" in chinese and 'lang="zh-CN"' in chinese
    new = admin.get(f"/admin/surveys/versions/{version_id(app, 'delivery-installation', 2)}/preview?lang=en")
    assert "New title" in new.get_data(as_text=True)
    assert admin.get("/admin/surveys/versions/999999/preview").status_code == 404


def test_a_changed_file_is_loaded_as_a_new_version_and_customers_get_it(app, admin, folder, client):
    changed = (folder / INSTALLATION).read_text(encoding="utf-8").replace("How did your", "So, how did your")
    response = upload(admin, "my copy.yaml", changed.encode())
    assert response.status_code == 303
    page = admin.get("/admin/surveys").get_data(as_text=True)
    assert "delivery-installation: changed, now version 2, saved as installation.yaml." in page
    assert (folder / INSTALLATION).read_text(encoding="utf-8") == changed
    assert "So, how did your" in client.get("/s/delivery-installation?lang=en").get_data(as_text=True)
    again = upload(admin, INSTALLATION, changed.encode())
    assert again.status_code == 303
    assert "delivery-installation: unchanged (still version 2)" in admin.get("/admin/surveys").get_data(as_text=True)


def test_a_new_survey_file_is_created_in_the_folder(app, admin, folder):
    assert upload(admin, "mini.yml", MINIMAL_SURVEY.encode()).status_code == 303
    assert "mini: created (version 1), saved as mini.yaml." in admin.get("/admin/surveys").get_data(as_text=True)
    assert (folder / "mini.yaml").read_text(encoding="utf-8") == MINIMAL_SURVEY
    runner = app.test_cli_runner()
    assert "mini: unchanged" in runner.invoke(args=["surveys", "load", str(folder)]).output


def test_an_invalid_file_shows_every_problem_with_line_and_key_and_changes_nothing(app, admin, folder):
    before = {path.name: path.read_bytes() for path in folder.iterdir()}
    broken = MINIMAL_SURVEY.replace("type: nps", "type: stars").replace("en: Arriving on time", "fr: x")
    response = upload(admin, "broken.yaml", broken.encode())
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "3 problems found" in body
    assert "<code>broken.yaml:7</code></td><td><code>questions[0].type</code></td>" in body
    assert "unknown question type &#39;stars&#39;" in body
    assert {path.name: path.read_bytes() for path in folder.iterdir()} == before


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("junk.yaml", bytes(range(256)) * 64, "not UTF-8 text"),
        ("nul.yaml", b"slug: x\n\x00\x00", "special characters are not allowed"),
        ("deep.yaml", b"a: " + b"[" * 20000, "nested too deeply"),
        ("huge.yaml", b"# padding\n" * 40000, "The file is larger than 256 KB"),
        ("empty.yaml", b"", "The file is empty."),
        ("script.yaml", b"slug: <script>alert(1)</script>\n", "&lt;script&gt;"),
    ],
)
def test_bad_uploads_get_a_message_never_a_500(app, admin, folder, name, content, message):
    before = {path.name: path.read_bytes() for path in folder.iterdir()}
    response = upload(admin, name, content)
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert message in body and "<script>alert" not in body
    assert "was not loaded, and the surveys folder was left as it was" in body
    assert {path.name: path.read_bytes() for path in folder.iterdir()} == before


@pytest.mark.parametrize(
    ("data", "message"),
    [({}, "Choose a survey file."), ({"file": "notes.txt"}, "Choose a .yaml file.")],
)
def test_a_missing_or_misnamed_file_is_asked_for_again(app, admin, data, message):
    token = hidden_fields(admin.get("/admin/surveys").get_data(as_text=True))["csrf_token"]
    if "file" in data:
        data = {"file": (io.BytesIO(MINIMAL_SURVEY.encode()), data["file"])}
    response = admin.post(
        "/admin/surveys/upload", data={"csrf_token": token, **data}, content_type="multipart/form-data"
    )
    assert response.status_code == 400 and message in response.get_data(as_text=True)


def test_an_upload_without_a_csrf_token_is_refused(app, admin, folder):
    before = (folder / INSTALLATION).read_bytes()
    response = admin.post(
        "/admin/surveys/upload",
        data={"file": (io.BytesIO(before.replace(b"How did", b"So how did")), INSTALLATION)},
        content_type="multipart/form-data",
    )
    assert response.status_code == 400 and (folder / INSTALLATION).read_bytes() == before
