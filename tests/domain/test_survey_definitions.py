"""Survey and journey files: the demo is valid; each kind of mistake is refused with file, place and message."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.factories import DEMO_SURVEYS, MINIMAL_SURVEY, make_survey_dir
from touchloop.catalog import read_catalog


def problems_for(tmp_path, text: str) -> list[str]:
    """The problems reported for one survey file next to the demo journey."""
    folder = make_survey_dir(tmp_path, {"broken.yaml": text})
    return [str(p) for p in read_catalog(folder).problems]


def test_demo_catalog_is_valid_and_complete():
    catalog = read_catalog(DEMO_SURVEYS)
    assert catalog.problems == []
    assert {s.slug for s in catalog.surveys} == {
        "pre-purchase-consultation",
        "purchase",
        "delivery-installation",
        "after-sales-service",
    }
    for survey in catalog.surveys:
        assert 5 <= len(survey.questions) <= 9, survey.slug
        assert any(q.type == "gap" for q in survey.questions), survey.slug
        assert survey.languages == ("zh", "en")
    stages = [s.code for s in catalog.journey.stages]
    assert len(stages) == 4
    assert {d.code for d in catalog.journey.dimensions} >= {
        "product",
        "service",
        "relationship",
        "convenience",
        "brand",
        "price",
    }


def test_minimal_survey_is_valid(tmp_path):
    assert problems_for(tmp_path, MINIMAL_SURVEY) == []


def test_bad_yaml_is_refused_with_file_and_line(tmp_path):
    found = problems_for(tmp_path, MINIMAL_SURVEY.replace("slug: mini", "slug: [mini"))
    assert len(found) == 1
    assert "broken.yaml:" in found[0] and "not valid YAML" in found[0]


@pytest.mark.parametrize(
    ("text", "reason"),
    [("slug: mini\x00\n", "not valid YAML"), ("a: " + "[" * 5000 + "]" * 5000 + "\n", "nested too deeply")],
)
def test_control_characters_and_absurd_nesting_are_refused_not_crashed_on(tmp_path, text, reason):
    found = problems_for(tmp_path, text)
    assert len(found) == 1 and "broken.yaml" in found[0] and reason in found[0]


def test_unknown_question_type_is_refused_at_its_key(tmp_path):
    found = problems_for(tmp_path, MINIMAL_SURVEY.replace("type: nps", "type: stars"))
    assert found == [
        f"{tmp_path}/surveys/broken.yaml:7: questions[0].type: "
        "unknown question type 'stars' (known: nps, rating, csat, ces, gap, choice, text)"
    ]


def test_show_if_naming_an_unknown_question_is_refused(tmp_path):
    found = problems_for(tmp_path, MINIMAL_SURVEY.replace("show_if: recommend <= 6", "show_if: recomend <= 6"))
    assert len(found) == 1
    assert "broken.yaml:16: questions[2].show_if: there is no question 'recomend'" in found[0]


def test_show_if_naming_a_later_question_is_refused(tmp_path):
    text = MINIMAL_SURVEY.replace("show_if: recommend <= 6", "show_if: '\"price\" in topics'")
    found = problems_for(tmp_path, text)
    assert len(found) == 1
    assert "questions[2].show_if: 'topics' comes later (question 4)" in found[0]


def test_show_if_naming_itself_is_refused(tmp_path):
    found = problems_for(tmp_path, MINIMAL_SURVEY.replace("show_if: recommend <= 6", 'show_if: why == "x"'))
    assert "a question cannot depend on itself ('why')" in found[0]


def test_show_if_with_an_unknown_option_code_is_refused(tmp_path):
    text = (
        MINIMAL_SURVEY
        + """\
  - id: later
    type: text
    show_if: '"cost" in topics'
    text: {zh: 说明, en: Tell us more}
"""
    )
    found = problems_for(tmp_path, text)
    assert len(found) == 1 and "'topics' has no option 'cost' (options: price, speed, care)" in found[0]


def test_show_if_syntax_error_gives_the_column(tmp_path):
    found = problems_for(tmp_path, MINIMAL_SURVEY.replace("show_if: recommend <= 6", "show_if: recommend = 6"))
    assert len(found) == 1 and "questions[2].show_if: cannot read the condition" in found[0]
    assert "column 11" in found[0]


def test_bare_gap_question_in_condition_is_refused(tmp_path):
    found = problems_for(tmp_path, MINIMAL_SURVEY.replace("show_if: recommend <= 6", "show_if: punctuality <= 3"))
    assert (
        "'punctuality' is a gap question: use punctuality.expected, punctuality.actual or punctuality.gap" in found[0]
    )


@pytest.mark.parametrize(
    "replacement, message",
    [
        (
            "    type: gap\n    dimension: convenience\n",
            "questions[1].scale: 12 is out of range: it must be between 3 and 11",
        ),
        ("    type: nps\n", "questions[0].scale: 'nps' has a fixed scale 0–10; remove 'scale'"),
    ],
)
def test_scale_out_of_range_is_refused(tmp_path, replacement, message):
    text = MINIMAL_SURVEY.replace(replacement, replacement + "    scale: 12\n", 1)
    found = problems_for(tmp_path, text)
    assert len(found) == 1 and message in found[0], found


def test_rating_scale_below_two_is_refused(tmp_path):
    text = (
        MINIMAL_SURVEY
        + """\
  - id: ease
    type: rating
    scale: 1
    text: {zh: 难易, en: Ease}
    labels: {low: {zh: 难, en: Hard}, high: {zh: 易, en: Easy}}
"""
    )
    found = problems_for(tmp_path, text)
    assert (
        len(found) == 1
        and "broken.yaml:28: questions[4].scale: 1 is out of range: it must be between 2 and 11" in found[0]
    )


def test_missing_translation_is_refused_at_the_text(tmp_path):
    text = MINIMAL_SURVEY.replace("text: {zh: 准时上门, en: Arriving on time}", "text: {zh: 准时上门}")
    found = problems_for(tmp_path, text)
    assert found == [f"{tmp_path}/surveys/broken.yaml:13: questions[1].text: the 'en' translation is missing or empty"]


def test_undeclared_language_is_refused(tmp_path):
    text = MINIMAL_SURVEY.replace(
        "title: {zh: 安装回访, en: Installation follow-up}",
        "title: {zh: 安装回访, en: Installation follow-up, fr: Suivi}",
    )
    found = problems_for(tmp_path, text)
    assert len(found) == 1 and "title.fr: 'fr' is not a declared language (zh, en)" in found[0]


@pytest.mark.parametrize(
    "old, new, message",
    [
        ("touchpoint: installation", "touchpoint: attic", "touchpoint: unknown touchpoint 'attic'"),
        ("    dimension: convenience", "    dimension: comfort", "questions[1].dimension: unknown dimension 'comfort'"),
        ("  - id: why\n", "  - id: recommend\n", "questions[2]: question id 'recommend' is used twice"),
        (
            "    required: true\n",
            "    required: yes please\n",
            "questions[0].required: expected true or false, found text",
        ),
        ("    required: true\n", "    colour: red\n", "questions[0].colour: unknown key 'colour'"),
        ("slug: mini", "slug: Mini Survey", "slug: 'Mini Survey' is not a slug"),
        ("slug: mini\n", "", "'slug' is missing"),
        ("slug: mini\n", "slug: mini\nslug: other\n", "slug: this key appears twice"),
    ],
)
def test_other_mistakes_are_refused_with_their_place(tmp_path, old, new, message):
    found = problems_for(tmp_path, MINIMAL_SURVEY.replace(old, new, 1))
    assert any(message in line for line in found), found


def test_every_problem_in_a_file_is_reported_not_just_the_first(tmp_path):
    text = MINIMAL_SURVEY.replace("type: nps", "type: stars").replace(
        "text: {zh: 准时上门, en: Arriving on time}", "text: {zh: 准时上门}"
    )
    assert len(problems_for(tmp_path, text)) == 2


def test_two_surveys_with_one_slug_are_refused(tmp_path):
    folder = make_survey_dir(tmp_path, {"a.yaml": MINIMAL_SURVEY, "b.yaml": MINIMAL_SURVEY})
    found = [str(p) for p in read_catalog(folder).problems]
    assert len(found) == 1 and "the slug 'mini' is already used by" in found[0]


def test_broken_journey_is_refused_with_its_place(tmp_path):
    folder = make_survey_dir(tmp_path)
    journey = (folder / "journey.yaml").read_text(encoding="utf-8")
    (folder / "journey.yaml").write_text(journey.replace("department: sales", "department: legal", 1), encoding="utf-8")
    found = [str(p) for p in read_catalog(folder).problems]
    assert len(found) == 1
    assert "journey.yaml:25: stages[0].touchpoints[0].department: unknown department 'legal'" in found[0]


def test_checksum_ignores_comments_but_not_content(tmp_path):
    def checksum(text):
        folder = make_survey_dir(tmp_path, {"mini.yaml": text})
        return read_catalog(folder).surveys[0].checksum

    base = checksum(MINIMAL_SURVEY)
    assert checksum("# a comment\n" + MINIMAL_SURVEY) == base
    assert checksum(MINIMAL_SURVEY.replace("What could we do better?", "How can we do better?")) != base


def test_core_imports_neither_flask_nor_sqlalchemy():
    code = (
        "import sys, touchloop.catalog, touchloop.answers, touchloop.expressions;"
        "bad = [m for m in ('flask', 'sqlalchemy', 'flask_sqlalchemy') if m in sys.modules];"
        "print(','.join(bad)); sys.exit(1 if bad else 0)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    "condition, message",
    [
        ('topics == "price"', "'topics' allows several options: write '\"code\" in topics'"),
        ('why < "m"', "'why' is not answered with a number"),
        ("punctuality.gap <= -99", "-99 is outside the scale of 'punctuality' (-6 to 6)"),
        ("recommend > 11", "11 is outside the scale of 'recommend' (0 to 10)"),
    ],
)
def test_conditions_that_cannot_work_are_refused(tmp_path, condition, message):
    text = (
        MINIMAL_SURVEY
        + f"""\
  - id: later
    type: text
    show_if: '{condition}'
    text: {{zh: 说明, en: Tell us more}}
"""
    )
    found = problems_for(tmp_path, text)
    assert len(found) == 1 and message in found[0], found


@pytest.mark.parametrize(
    "old, new, message",
    [
        ("    type: nps\n", "    type: [nps]\n", "questions[0].type: unknown question type ['nps']"),
        ("    required: true\n", "    required: true\n    1: one\n    foo: bar\n", "questions[0].1: unknown key '1'"),
        (
            "title: {zh: 安装回访, en: Installation follow-up}",
            "title: {zh: 安装回访, en: Installation follow-up, 1: x}",
            "title.1: '1' is not a declared language",
        ),
        ("slug: mini", 'slug: "mini\\n"', "slug: 'mini\\n' is not a slug"),
        ("  - id: why\n", '  - id: "why\\n"\n', "questions[2].id: 'why\\n' is not a code"),
        ("slug: mini\n", "slug: &s [*s]\n", "slug[0]: an alias refers to itself"),
    ],
)
def test_odd_values_are_reported_not_crashed_on(tmp_path, old, new, message):
    found = problems_for(tmp_path, MINIMAL_SURVEY.replace(old, new, 1))
    assert any(message in line for line in found), found


def test_top_level_list_is_refused(tmp_path):
    assert problems_for(tmp_path, "- a\n- b\n")[0].endswith("expected a mapping of keys to values, found a list")


def test_gap_in_a_language_without_default_texts_needs_its_own(tmp_path):
    folder = make_survey_dir(tmp_path)
    journey = (
        (folder / "journey.yaml").read_text(encoding="utf-8").replace("languages: [zh, en]", "languages: [zh, en, fr]")
    )
    (folder / "journey.yaml").write_text(journey, encoding="utf-8")
    survey = (
        "slug: fr\ntouchpoint: installation\nlanguages: [fr]\ntitle: {fr: Installation}\nquestions:\n"
        "  - id: on_time\n    type: gap\n    text: {fr: Ponctualité}\n"
        "    labels: {low: {fr: Mauvais}, high: {fr: Excellent}}\n"
    )
    (folder / "fr.yaml").write_text(survey, encoding="utf-8")
    found = [str(p) for p in read_catalog(folder).problems]
    assert any("'expected_text' is needed: there is no default in fr" in line for line in found), found


def test_journey_department_of_the_wrong_type_is_reported(tmp_path):
    folder = make_survey_dir(tmp_path)
    journey = (folder / "journey.yaml").read_text(encoding="utf-8")
    (folder / "journey.yaml").write_text(
        journey.replace("department: sales", "department: [sales]", 1), encoding="utf-8"
    )
    found = [str(p) for p in read_catalog(folder).problems]
    assert len(found) == 1 and "unknown department ['sales']" in found[0]


def test_missing_touchpoint_is_reported_once(tmp_path):
    assert problems_for(tmp_path, MINIMAL_SURVEY.replace("touchpoint: installation\n", "")) == [
        f"{tmp_path}/surveys/broken.yaml:1: 'touchpoint' is missing"
    ]


def test_contact_rules_are_read_with_defaults_for_what_is_missing(tmp_path):
    folder = make_survey_dir(tmp_path)
    text = (folder / "journey.yaml").read_text(encoding="utf-8")
    text = text.split("\ncontact:")[0] + "\ncontact:\n  reminder_after_days: 3\n"
    (folder / "journey.yaml").write_text(text, encoding="utf-8")
    journey = read_catalog(folder).journey
    assert (journey.contact.reminder_after_days, journey.contact.min_days_between_invitations) == (3, 30)


def test_contact_rules_out_of_range_are_refused(tmp_path):
    folder = make_survey_dir(tmp_path)
    text = (
        (folder / "journey.yaml")
        .read_text(encoding="utf-8")
        .replace("reminder_after_days: 5", "reminder_after_days: 0")
    )
    (folder / "journey.yaml").write_text(text, encoding="utf-8")
    found = [str(p) for p in read_catalog(folder).problems]
    assert len(found) == 1 and "contact.reminder_after_days: 0 is out of range: it must be between 1 and 60" in found[0]
