"""Reading customer CSV files as Excel saves them: encodings, delimiters, headers, values, line numbers."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from touchloop.customer_csv import CustomerFileError, CustomerRow, RowProblem, open_customer_csv
from touchloop.customer_lines import ENCODING_MESSAGE
from touchloop.journey import read_journey
from touchloop.yamlsource import parse_yaml

JOURNEY_TEXT = (Path(__file__).resolve().parents[2] / "surveys" / "journey.yaml").read_text(encoding="utf-8")
TODAY = date(2025, 6, 30)
EXTRA_SEGMENT = """
  - code: channel
    name: {zh: 购买渠道, en: Sales channel}
    values:
      - code: store
        name: {zh: 门店, en: Store}
      - code: online
        name: {zh: 线上, en: Online}
  - code: employees
    name: {zh: 员工人数, en: Employees}
    bands:
      - code: small
        name: {zh: 小, en: Small}
        min: 0
"""


def journey(extra_segments: str = ""):
    """The demo journey, optionally with more segment attributes."""
    text = JOURNEY_TEXT.replace("\ncontact:", extra_segments + "\ncontact:") if extra_segments else JOURNEY_TEXT
    found, problems = read_journey(parse_yaml(text, "journey.yaml"))
    assert problems == [], problems
    return found


DEMO = journey()


def read(data: bytes | str, encoding: str = "utf-8", the_journey=DEMO) -> list[CustomerRow | RowProblem]:
    """Everything the rows generator yields for a file with these bytes (or text in ``encoding``)."""
    raw = data.encode(encoding) if isinstance(data, str) else data
    return list(open_customer_csv(io.BytesIO(raw), the_journey, today=TODAY).rows())


def refusal(data: bytes | str, encoding: str = "utf-8") -> str:
    """The message a refused file gets."""
    raw = data.encode(encoding) if isinstance(data, str) else data
    with pytest.raises(CustomerFileError) as caught:
        open_customer_csv(io.BytesIO(raw), DEMO, today=TODAY)
    return str(caught.value)


def problems(data: str) -> list[str]:
    """The problems of a file, as the CLI prints them."""
    return [str(item) for item in read(data) if isinstance(item, RowProblem)]


def test_a_full_row_in_utf8_with_bom_and_crlf_is_read_into_typed_values():
    text = (
        "external_id,name,email,phone,region,industry,customer_since,last_purchase,annual_value,tier,lifecycle,"
        "representative\r\n"
        "C-001,王伟,Wang.Wei@Example.COM,138 0013 8000,east,retail,2020-03-15,2025-01-02,1234.50,A,mature,"
        "rep@example.com\r\n"
    )
    (row,) = read(text, "utf-8-sig")
    assert row == CustomerRow(
        line=2,
        external_id="C-001",
        name="王伟",
        email="Wang.Wei@example.com",
        phone="138 0013 8000",
        region="east",
        industry="retail",
        customer_since=date(2020, 3, 15),
        last_purchase=date(2025, 1, 2),
        annual_value=Decimal("1234.50"),
        tier="A",
        lifecycle="mature",
        representative="rep@example.com",
    )


def test_gbk_text_with_chinese_headers_and_values_is_read():
    text = '客户编号,客户名称,地区,行业,年度价值\r\nC-1,华辰酒店,华东,酒店民宿,"￥2,000"\r\n'
    with_gbk = open_customer_csv(io.BytesIO(text.encode("gbk")), DEMO, today=TODAY)
    (row,) = list(with_gbk.rows())
    assert with_gbk.encoding == "gb18030"
    assert (row.name, row.region, row.industry, row.annual_value) == (
        "华辰酒店",
        "east",
        "hospitality",
        Decimal("2000.00"),
    )


def test_a_gbk_file_with_an_english_header_switches_when_chinese_first_appears_far_down():
    ascii_rows = "".join(f"C-{n:05d},Customer number {n:05d}\r\n" for n in range(3000))  # more than the 64 KiB sample
    data = ("external_id,name\r\n" + ascii_rows + "C-99999,张三丰\r\n").encode("gbk")
    rows = read(data)
    assert len(rows) == 3001 and rows[-1].name == "张三丰" and rows[-1].line == 3002


def test_a_file_in_another_encoding_is_refused_with_advice():
    assert refusal("Prénom,Nom\r\n", "latin-1") == f"line 1: {ENCODING_MESSAGE}"
    assert refusal("客戶編號,姓名\r\n", "big5") == f"line 1: {ENCODING_MESSAGE}"
    assert refusal("external_id,name\r\n", "utf-16") == f"line 1: {ENCODING_MESSAGE}"


def test_a_line_in_a_different_encoding_is_a_bad_row_not_garbage():
    utf8 = "external_id,name\r\nC-1,王伟\r\n".encode() + "C-3,张三\r\n".encode()
    data = utf8.replace(b"C-3", "C-2,李娜\r\n".encode("gbk") + b"C-3")
    items = read(data)
    assert [str(item) for item in items if isinstance(item, RowProblem)] == [f"line 3: {ENCODING_MESSAGE}"]
    assert [item.name for item in items if isinstance(item, CustomerRow)] == ["王伟", "张三"]


def test_an_excel_workbook_is_refused_as_not_csv():
    assert "Excel workbook" in refusal(b"PK\x03\x04\x14\x00\x06\x00")


def test_excel_sep_line_and_semicolons_are_understood_and_lines_still_count_it():
    text = "sep=;\r\nexternal_id;name;annual_value\r\nC-1;Anna;1,234.50\r\nC-2;Bob;oops\r\n"
    items = read(text, "utf-8-sig")
    assert items[0].annual_value == Decimal("1234.50") and items[0].line == 3
    assert [str(item) for item in items[1:]] == [
        "line 4: annual_value: 'oops' is not an amount; write it like 1234.50 (no currency other than ¥)"
    ]


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_the_delimiter_is_sniffed_from_the_header(delimiter):
    text = delimiter.join(["external_id", "name", "region"]) + "\n" + delimiter.join(["C-1", "Anna, Li", "north"])
    (row,) = read(text.replace("Anna, Li", '"Anna, Li"') if delimiter == "," else text)
    assert (row.name, row.region) == ("Anna, Li", "north")


def test_quoted_values_spanning_lines_keep_later_line_numbers_physical():
    text = 'external_id,name,email\r\nC-1,"Anna\r\nLi\r\n(Shanghai)",a@example.com\r\nC-2,Bob,not-an-email\r\n'
    first, problem = read(text)
    assert first.name == "Anna Li (Shanghai)" and first.line == 2
    assert (problem.line, problem.column) == (5, "email")


def test_old_mac_line_endings_are_lines_too():
    first, second = read("external_id,name\rC-1,Anna\rC-2,Bob\r")
    assert (first.line, second.line, second.name) == (2, 3, "Bob")


def test_trailing_empty_columns_blank_lines_and_empty_rows_are_ignored():
    text = "external_id,name,,\r\nC-1,Anna,,\r\n\r\n,,,\r\nC-2,Bob,, \r\n"
    assert [(row.line, row.external_id) for row in read(text)] == [(2, "C-1"), (5, "C-2")]
    assert problems("external_id,name,\r\nC-1,Anna,surprise\r\n") == [
        "line 2: column 3 has a value ('surprise') but no header"
    ]


def test_surrounding_spaces_are_trimmed_and_inner_spaces_tidied():
    (row,) = read("external_id , name\r\n  C-1 ,  Anna   Li  \r\n")
    assert (row.external_id, row.name) == ("C-1", "Anna Li")


@pytest.mark.parametrize(
    "header",
    [
        "External ID,NAME,Customer-Since,annual value,E-mail",
        "客户编号,客户名称,客户起始日期,年贸易额,邮箱",
        "Customer number,姓名,合作开始日期,年度价值,email",
    ],
)
def test_header_names_ignore_case_and_separators_and_accept_chinese_aliases(header):
    (row,) = read(f"{header}\r\nC-1,Anna,2021-05-01,100,a@example.com\r\n")
    assert (row.customer_since, row.annual_value, row.email) == (date(2021, 5, 1), Decimal("100.00"), "a@example.com")


def test_segment_names_of_the_journey_work_as_headers():
    (row,) = read("external_id,name,Customer type,客户生命周期\r\nC-1,Anna,Households,新客户\r\n")
    assert (row.industry, row.lifecycle) == ("residential", "new")


def test_unknown_columns_are_refused_with_the_known_ones_listed():
    message = refusal("external_id,name,colour,shoe size\r\nC-1,Anna,red,38\r\n")
    assert message.startswith(
        "line 1: unknown column(s) 'colour', 'shoe size'; the known columns are external_id, name"
    )
    assert "representative" in message


def test_missing_and_repeated_columns_are_refused():
    assert refusal("name,email\r\n") == "line 1: required column(s) missing: external_id"
    assert refusal("external_id,name,邮箱,email\r\n") == (
        "line 1: email: columns 3 and 4 both give 'email'; keep one of them"
    )


def test_years_as_customer_is_not_a_column_but_worked_out():
    assert "worked out from customer_since" in refusal("external_id,name,合作年限\r\n")


def test_an_empty_file_or_one_without_a_header_is_refused():
    assert refusal(b"") == "line 1: the file is empty"
    assert refusal("sep=,\r\n") == "line 1: the file has no header row"


def test_a_header_only_file_has_no_rows():
    assert read("external_id,name\r\n") == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2023-01-05", date(2023, 1, 5)),
        ("2023/1/5", date(2023, 1, 5)),
        ("2023.1.5", date(2023, 1, 5)),
        ("2023年1月5日", date(2023, 1, 5)),
        ("20230105", date(2023, 1, 5)),
        ("2023-01-05 00:00:00", date(2023, 1, 5)),
        ("44927", date(2023, 1, 1)),
        ("44927.5", date(2023, 1, 1)),
    ],
)
def test_dates_in_the_formats_excel_and_people_write(text, expected):
    (row,) = read(f"external_id,name,customer_since\r\nC-1,Anna,{text}\r\n")
    assert row.customer_since == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2023-02-30", "'2023-02-30' is not a real date"),
        ("05/01/2023", "'05/01/2023' is not a date; write it as YYYY-MM-DD, e.g. 2023-01-31"),
        ("2031-01-01", "2031-01-01 is in the future"),
        ("12", "1900-01-11 is too long ago"),
    ],
)
def test_bad_dates_say_what_is_wrong(text, message):
    assert problems(f"external_id,name,last_purchase\r\nC-1,Anna,{text}\r\n") == [f"line 2: last_purchase: {message}"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [("1234", "1234.00"), ('"1,234.50"', "1234.50"), ('"¥1,234"', "1234.00"), ("￥ 88.5", "88.50"), ("0.125", "0.13")],
)
def test_annual_values_accept_thousands_separators_and_the_yuan_sign(text, expected):
    (row,) = read(f"external_id,name,annual_value\r\nC-1,Anna,{text}\r\n")
    assert row.annual_value == Decimal(expected)


@pytest.mark.parametrize("text", ["-5", '"1.234,50"', "abc", '"12,34"', "9999999999999"])
def test_bad_annual_values_are_bad_rows(text):
    (problem,) = read(f"external_id,name,annual_value\r\nC-1,Anna,{text}\r\n")
    assert isinstance(problem, RowProblem) and problem.column == "annual_value"


def test_segment_values_by_code_or_name_in_any_case_map_to_the_code():
    text = "external_id,name,tier,region,industry\r\nC-1,A,a,East China,零售门店\r\nC-2,B,B,华南,OFFICES\r\n"
    assert [(r.tier, r.region, r.industry) for r in read(text)] == [
        ("A", "east", "retail"),
        ("B", "south", "office"),
    ]


def test_an_undeclared_segment_value_lists_the_codes():
    assert problems("external_id,name,region\r\nC-1,Anna,Mars\r\n") == [
        "line 2: region: 'Mars' is not a region (use one of: east, north, south, central, west)"
    ]


def test_every_bad_value_of_a_row_is_reported_and_required_values_are_required():
    assert problems("客户编号,客户名称,邮箱,客户代表\r\n,,x@,rep\r\n") == [
        "line 2: 邮箱: 'x@' is not an e-mail address: There must be something after the @-sign.",
        "line 2: 客户代表: 'rep' is not an e-mail address: An email address must have an @-sign.",
        "line 2: 客户编号: is required",
        "line 2: 客户名称: is required",
    ]


def test_a_repeated_customer_number_names_the_first_line():
    assert problems("external_id,name\r\nC-1,Anna\r\nC-2,Bob\r\nC-1,Carl\r\n") == [
        "line 4: external_id: the customer number 'C-1' is already used on line 2"
    ]


def test_numbers_excel_rounded_into_scientific_notation_get_advice():
    (problem,) = read("external_id,name,phone\r\nC-1,Anna,1.38001E+10\r\n")
    assert "format the column as Text" in problem.message


def test_too_long_values_are_bad_rows():
    assert problems(f"external_id,name\r\n{'X' * 65},Anna\r\n") == [
        "line 2: external_id: is 65 characters long; at most 64 are allowed"
    ]


def test_other_segment_attributes_of_the_journey_go_to_extra():
    text = "external_id,name,Sales channel,employees\r\nC-1,Anna,线上,12\r\nC-2,Bob,,\r\n"
    first, second = read(text, the_journey=journey(EXTRA_SEGMENT))
    assert (first.extra, second.extra) == ({"channel": "online", "employees": 12}, {})


def test_an_unclosed_quote_is_reported_at_the_row_it_starts():
    assert problems('external_id,name\r\nC-1,Anna\r\nC-2,"Bob\r\nC-3,Carl\r\n') == [
        "line 3: a quoted value starts in this row and is never closed (a '\"' is missing)"
    ]


def test_a_stray_quote_is_a_bad_row_and_reading_goes_on():
    items = read('external_id,name\r\nC-1,"Anna" Li\r\nC-2,Bob\r\n')
    assert isinstance(items[0], RowProblem) and items[0].line == 2 and items[1].external_id == "C-2"


def test_rows_are_streamed_not_read_all_at_once():
    body = "".join(f"C-{n:06d},Customer {n}\r\n" for n in range(60_000))
    data = io.BytesIO(("external_id,name\r\n" + body).encode())
    rows = open_customer_csv(data, DEMO, today=TODAY).rows()
    first = next(rows)
    assert first.external_id == "C-000000"
    assert data.tell() < 200_000 < len(data.getvalue())


def test_a_nul_byte_far_into_the_file_makes_that_row_bad_not_the_import_crash():
    filler = "".join(f"F{n:06d},Filler {n:06d}\r\n" for n in range(4000))  # well past the 64 KiB sample
    text = "external_id,name\r\n" + filler + "BAD,Na\x00me\r\nOK,Fine\r\n"
    found = read(text)
    bad = [str(item) for item in found if isinstance(item, RowProblem)]
    assert bad == ["line 4002: contains a control character (such as NUL); remove it and save again"]
    assert sum(isinstance(item, CustomerRow) for item in found) == 4001


def test_a_utf8_line_inside_a_gbk_file_is_refused_not_garbled():
    data = ("客户编号,客户名称\r\nG1,张三\r\nG2,王五\r\n").encode("gb18030") + "U1,李四\r\n".encode("utf-8")
    found = read(data)
    assert [str(item) for item in found if isinstance(item, RowProblem)] == [f"line 4: {ENCODING_MESSAGE}"]
    assert [item.name for item in found if isinstance(item, CustomerRow)] == ["张三", "王五"]
