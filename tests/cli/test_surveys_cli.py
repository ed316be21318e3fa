"""flask surveys validate / load, flask demo, through the CLI runner."""

from __future__ import annotations

import sqlalchemy as sa

from app.models import Answer, Customer, Invitation, Response, ResponseSegment, Survey, SurveyVersion, User
from tests.factories import MINIMAL_SURVEY, make_survey_dir


def test_validate_accepts_the_demo_surveys(runner):
    result = runner.invoke(args=["surveys", "validate"])
    assert result.exit_code == 0, result.output
    assert "4 survey(s) are valid" in result.output


def test_validate_reports_every_problem_and_exits_non_zero(runner, tmp_path):
    broken = MINIMAL_SURVEY.replace("type: nps", "type: stars").replace("en: Arriving on time", "fr: x")
    folder = make_survey_dir(tmp_path, {"broken.yaml": broken})
    result = runner.invoke(args=["surveys", "validate", str(folder)])
    assert result.exit_code != 0
    assert "broken.yaml:7: questions[0].type: unknown question type 'stars'" in result.output
    assert "questions[1].text: the 'en' translation is missing or empty" in result.output
    assert "3 problem(s) found" in result.output  # the third: fr is not a declared language


def test_validate_a_single_file(runner, tmp_path):
    folder = make_survey_dir(tmp_path, {"mini.yaml": MINIMAL_SURVEY})
    assert runner.invoke(args=["surveys", "validate", str(folder / "mini.yaml")]).exit_code == 0


def test_load_is_idempotent_and_a_changed_file_is_a_new_version(runner, session, tmp_path):
    folder = make_survey_dir(tmp_path, {"mini.yaml": MINIMAL_SURVEY})
    first = runner.invoke(args=["surveys", "load", str(folder)])
    assert "mini: created (version 1)" in first.output and "journey: updated" in first.output
    again = runner.invoke(args=["surveys", "load", str(folder)])
    assert "mini: unchanged" in again.output and "journey: unchanged" in again.output
    assert session.scalar(sa.select(sa.func.count(SurveyVersion.id))) == 1
    (folder / "mini.yaml").write_text(
        MINIMAL_SURVEY.replace("Arriving on time", "Arriving when promised"), encoding="utf-8"
    )
    changed = runner.invoke(args=["surveys", "load", str(folder)])
    assert "mini: changed, now version 2" in changed.output
    assert session.scalars(sa.select(SurveyVersion.number).order_by(SurveyVersion.number)).all() == [1, 2]


def test_load_with_a_problem_loads_nothing(runner, session, tmp_path):
    folder = make_survey_dir(
        tmp_path,
        {
            "mini.yaml": MINIMAL_SURVEY,
            "broken.yaml": MINIMAL_SURVEY.replace("slug: mini", "slug: other").replace("type: nps", "type: stars"),
        },
    )
    result = runner.invoke(args=["surveys", "load", str(folder)])
    assert result.exit_code != 0 and "nothing was loaded" in result.output
    assert session.scalar(sa.select(sa.func.count(Survey.id))) == 0


def test_demo_fills_an_empty_database_and_refuses_a_full_one(runner, session):
    result = runner.invoke(args=["demo", "--customers", "60", "--responses", "400"])
    assert result.exit_code == 0, result.output
    assert session.scalar(sa.select(sa.func.count(Customer.id))) == 60
    assert session.scalar(sa.select(sa.func.count(Response.id))) == 400
    assert session.scalar(sa.select(sa.func.count(Survey.id))) == 4
    assert session.scalar(sa.select(sa.func.count()).select_from(ResponseSegment)) == 400 * 5
    assert "admin@huachen.example" in result.output
    admin = session.scalar(sa.select(User).where(User.email == "admin@huachen.example"))
    assert admin.role == "admin" and admin.check_password("touchloop-demo")
    assert session.scalar(sa.select(sa.func.count(Invitation.id))) > 0
    answered = session.scalar(sa.select(sa.func.count(Response.id)).where(Response.invitation_id.isnot(None)))
    assert 0 < answered <= 400
    owners = session.scalars(sa.select(User).where(User.role == "owner")).all()
    assert owners and all(owner.department_id for owner in owners)
    refused = runner.invoke(args=["demo", "--customers", "60", "--responses", "400"])
    assert refused.exit_code != 0 and "--force" in refused.output
    quiet = runner.invoke(args=["demo", "--if-empty"])
    assert quiet.exit_code == 0 and "leaving it alone" in quiet.output
    assert session.scalar(sa.select(sa.func.count(Response.id))) == 400


def _demo(runner, *args: str) -> None:
    """Run flask demo and insist that it succeeded."""
    result = runner.invoke(args=["demo", "--customers", "50", "--responses", "300", *args])
    assert result.exit_code == 0, result.output


def _fingerprint(session) -> tuple:
    """Aggregates that change if any generated value changes."""
    return (
        session.scalar(sa.select(sa.func.sum(Answer.value))),
        session.scalar(sa.select(sa.func.sum(Answer.expected))),
        tuple(
            session.execute(
                sa.select(Customer.tier, sa.func.count()).group_by(Customer.tier).order_by(Customer.tier)
            ).all()
        ),
        tuple(session.scalars(sa.select(Response.channel).order_by(Response.submitted_at).limit(20)).all()),
    )


def test_demo_is_deterministic_for_a_seed(runner, session):
    _demo(runner, "--seed", "7")
    first = _fingerprint(session)
    session.rollback()
    _demo(runner, "--seed", "7", "--force")
    assert _fingerprint(session)[:3] == first[:3]
    _demo(runner, "--seed", "8", "--force")
    assert _fingerprint(session)[:2] != first[:2]
