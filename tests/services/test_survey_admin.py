"""Loading an uploaded survey file: validated as the CLI does, written only when valid, a version when changed."""

from __future__ import annotations

import sqlalchemy as sa

from app.models import Survey, SurveyVersion
from app.services.survey_admin import MAX_UPLOAD_BYTES, UploadRefusal, install_survey_file, survey_overview
from tests.factories import MINIMAL_SURVEY, load_surveys, make_response, make_survey_dir

INSTALLATION = "installation.yaml"


def folder_files(folder) -> dict[str, bytes]:
    """Every file in the folder (hidden ones too) with its content."""
    return {path.name: path.read_bytes() for path in folder.iterdir()}


def loaded_folder(session, tmp_path):
    """A copy of the demo surveys folder, loaded."""
    folder = make_survey_dir(tmp_path, with_demo=True)
    load_surveys(session, folder)
    return folder


def versions(session, slug: str) -> list[int]:
    """The version numbers of the survey ``slug``."""
    return session.scalars(
        sa.select(SurveyVersion.number).join(Survey).where(Survey.slug == slug).order_by(SurveyVersion.number)
    ).all()


def test_a_new_survey_is_loaded_and_saved_as_its_slug(session, tmp_path):
    folder = loaded_folder(session, tmp_path)
    outcome = install_survey_file(session, folder, "my-upload.yml", MINIMAL_SURVEY.encode())
    session.commit()
    assert not outcome.refused
    assert (outcome.status, outcome.version, outcome.saved_as) == ("created", 1, "mini.yaml")
    assert (folder / "mini.yaml").read_text(encoding="utf-8") == MINIMAL_SURVEY
    assert versions(session, "mini") == [1]
    assert session.scalar(sa.select(SurveyVersion.source_file).order_by(SurveyVersion.id.desc())) == str(
        folder / "mini.yaml"
    )
    assert not [name for name in folder_files(folder) if name.startswith(".")]  # no staged file is left


def test_a_changed_survey_replaces_the_file_declaring_its_slug_and_gets_a_new_version(session, tmp_path):
    folder = loaded_folder(session, tmp_path)
    changed = (
        (folder / INSTALLATION).read_text(encoding="utf-8").replace("How did your installation go?", "How was it?")
    )
    outcome = install_survey_file(session, folder, "anything.yaml", changed.encode())
    session.commit()
    assert (outcome.status, outcome.version, outcome.saved_as) == ("changed", 2, INSTALLATION)
    assert (folder / INSTALLATION).read_text(encoding="utf-8") == changed
    assert not (folder / "delivery-installation.yaml").exists()
    assert versions(session, "delivery-installation") == [1, 2]


def test_an_unchanged_survey_makes_no_version(session, tmp_path):
    folder = loaded_folder(session, tmp_path)
    same = (folder / INSTALLATION).read_text(encoding="utf-8") + "\n# only a comment is new\n"
    outcome = install_survey_file(session, folder, INSTALLATION, same.encode())
    session.commit()
    assert (outcome.status, outcome.version) == ("unchanged", 1)
    assert versions(session, "delivery-installation") == [1]


def test_every_problem_is_reported_with_the_uploaded_name_line_and_key_and_nothing_is_written(session, tmp_path):
    folder = loaded_folder(session, tmp_path)
    before = folder_files(folder)
    broken = MINIMAL_SURVEY.replace("type: nps", "type: stars").replace("en: Arriving on time", "fr: x")
    outcome = install_survey_file(session, folder, "broken.yaml", broken.encode())
    shown = [str(problem) for problem in outcome.problems]
    assert "broken.yaml:7: questions[0].type: unknown question type 'stars'" in "\n".join(shown)
    assert any(p.path == "questions[1].text" and p.file == "broken.yaml" and p.line for p in outcome.problems)
    assert len(outcome.problems) == 3  # as many as `flask surveys validate` finds
    assert folder_files(folder) == before
    assert versions(session, "mini") == []


def test_yaml_syntax_errors_give_the_line(session, tmp_path):
    folder = loaded_folder(session, tmp_path)
    outcome = install_survey_file(session, folder, "bad.yaml", b"slug: x\ntitle: [unclosed\nquestions: 1\n")
    assert outcome.refused and outcome.problems[0].file == "bad.yaml" and outcome.problems[0].line
    assert "not valid YAML" in outcome.problems[0].message


def test_binary_junk_control_characters_and_absurd_nesting_are_refused_with_a_message(session, tmp_path):
    folder = loaded_folder(session, tmp_path)
    before = folder_files(folder)
    for junk in (bytes(range(256)) * 4, b"slug: mini\n\x00\x01\x02", b"\xff\xfe\x00junk", b"a: " + b"[" * 20000):
        outcome = install_survey_file(session, folder, "junk.yaml", junk)
        assert outcome.refused and outcome.problems, junk[:20]
        assert outcome.problems[0].file == "junk.yaml"
    assert folder_files(folder) == before


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(session, tmp_path):
    folder = loaded_folder(session, tmp_path)
    huge = MINIMAL_SURVEY.encode() + b"#" * MAX_UPLOAD_BYTES
    outcome = install_survey_file(session, folder, "huge.yaml", huge)
    assert outcome.refusal is UploadRefusal.TOO_LARGE and not outcome.problems
    assert install_survey_file(session, folder, "empty.yaml", b"  \n").refusal is UploadRefusal.EMPTY


def test_a_journey_file_is_not_taken_for_a_survey(session, tmp_path):
    folder = loaded_folder(session, tmp_path)
    outcome = install_survey_file(session, folder, "journey.yaml", (folder / "journey.yaml").read_bytes())
    assert outcome.refused and outcome.problems  # a journey has none of a survey's keys


def test_a_survey_whose_file_name_belongs_to_another_survey_is_refused(session, tmp_path):
    folder = loaded_folder(session, tmp_path)
    (folder / "mini.yaml").write_text(MINIMAL_SURVEY.replace("slug: mini", "slug: other-one"), encoding="utf-8")
    outcome = install_survey_file(session, folder, "mini.yaml", MINIMAL_SURVEY.encode())
    assert outcome.refusal is UploadRefusal.NAME_TAKEN
    assert "slug: other-one" in (folder / "mini.yaml").read_text(encoding="utf-8")


def test_a_slug_declared_by_two_files_is_refused(session, tmp_path):
    folder = loaded_folder(session, tmp_path)
    for name in ("a.yaml", "b.yaml"):
        (folder / name).write_text(MINIMAL_SURVEY, encoding="utf-8")
    outcome = install_survey_file(session, folder, "mini.yaml", MINIMAL_SURVEY.encode())
    assert outcome.refusal is UploadRefusal.SLUG_IN_SEVERAL_FILES and outcome.details["files"] == "a.yaml, b.yaml"


def test_a_broken_file_of_the_survey_is_replaced_by_the_fixed_upload(session, tmp_path):
    folder = loaded_folder(session, tmp_path)
    good = (folder / INSTALLATION).read_text(encoding="utf-8")
    (folder / INSTALLATION).write_text("slug: [broken\n", encoding="utf-8")
    outcome = install_survey_file(session, folder, "fixed.yaml", good.replace("How did", "So, how did").encode())
    assert (outcome.status, outcome.saved_as) == ("changed", INSTALLATION)


def test_the_overview_counts_responses_per_version_and_marks_the_newest(session, tmp_path):
    folder = make_survey_dir(tmp_path, {"mini.yaml": MINIMAL_SURVEY})
    load_surveys(session, folder)
    make_response(session, {"recommend": 9}, "mini")
    (folder / "mini.yaml").write_text(MINIMAL_SURVEY.replace("Arriving on time", "On time"), encoding="utf-8")
    load_surveys(session, folder)
    for score in (3, 4):
        make_response(session, {"recommend": score}, "mini")
    [entry] = survey_overview(session, "en")
    assert (entry.slug, entry.title, entry.touchpoint) == ("mini", "Installation follow-up", "Installation and setup")
    assert [(v.number, v.responses, v.current, v.source_file) for v in entry.versions] == [
        (2, 2, True, "mini.yaml"),
        (1, 1, False, "mini.yaml"),
    ]
    assert entry.versions[0].languages == ("zh", "en") and len(entry.versions[0].checksum) == 64
