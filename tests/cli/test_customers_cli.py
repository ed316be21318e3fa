"""flask customers import / classify, through the CLI runner, with real files as Excel saves them."""

from __future__ import annotations

import sqlalchemy as sa

from app.models import Customer
from tests.factories import load_surveys


def write(tmp_path, text: str, encoding: str = "utf-8-sig", name: str = "customers.csv"):
    """A CSV file in ``tmp_path`` with Excel's CRLF line ends."""
    path = tmp_path / name
    path.write_bytes(text.replace("\n", "\r\n").encode(encoding))
    return path


def names(session) -> dict[str, str]:
    """Each customer's name by external id."""
    session.expire_all()
    return dict(session.execute(sa.select(Customer.external_id, Customer.name)).tuples().all())


def test_a_utf8_file_with_bom_is_imported_and_summarised(runner, session, tmp_path):
    load_surveys(session)
    path = write(tmp_path, "external_id,name,annual_value\nC-1,Anna,800\nC-2,Bob,200\n")
    result = runner.invoke(args=["customers", "import", str(path)])
    assert result.exit_code == 0, result.output
    assert "customers.csv: 2 created, 0 updated in" in result.output
    assert "tier: A 1, B 1, C 0" in result.output
    assert names(session) == {"C-1": "Anna", "C-2": "Bob"}


def test_a_gbk_file_with_chinese_headers_and_names_is_imported(runner, session, tmp_path):
    load_surveys(session)
    path = write(tmp_path, "客户编号,客户名称,地区,客户等级\nC-1,王伟,华东,A\nC-2,华辰酒店,华南,B\n", encoding="gbk")
    result = runner.invoke(args=["customers", "import", str(path)])
    assert result.exit_code == 0, result.output
    assert names(session) == {"C-1": "王伟", "C-2": "华辰酒店"}
    assert session.scalar(sa.select(Customer.region).where(Customer.external_id == "C-2")) == "south"


def test_an_excel_semicolon_file_with_a_sep_line_is_imported(runner, session, tmp_path):
    load_surveys(session)
    path = write(tmp_path, 'sep=;\nexternal_id;name;annual_value\nC-1;"Li; Anna";"1,234.50"\n')
    result = runner.invoke(args=["customers", "import", str(path)])
    assert result.exit_code == 0, result.output
    assert names(session) == {"C-1": "Li; Anna"}


def test_a_file_with_bad_rows_is_refused_with_line_numbers_and_nothing_is_written(runner, session, tmp_path):
    load_surveys(session)
    path = write(tmp_path, "sep=,\nexternal_id,name,email\nC-1,Anna,anna@example.com\nC-2,,bob@\nC-1,Carl,\n")
    result = runner.invoke(args=["customers", "import", str(path)])
    assert result.exit_code != 0
    assert "line 4: email: 'bob@' is not an e-mail address" in result.output
    assert "line 4: name: is required" in result.output
    assert "line 5: external_id: the customer number 'C-1' is already used on line 3" in result.output
    assert "2 bad row(s) in customers.csv; nothing was imported" in result.output
    assert names(session) == {}


def test_skip_invalid_imports_the_good_rows(runner, session, tmp_path):
    load_surveys(session)
    path = write(tmp_path, "external_id,name,region\nC-1,Anna,east\nC-2,Bob,Mars\nC-3,Carl,\n")
    result = runner.invoke(args=["customers", "import", str(path), "--skip-invalid"])
    assert result.exit_code == 0, result.output
    assert "line 3: region: 'Mars' is not a region" in result.output
    assert "2 created, 0 updated, 1 bad row(s) skipped" in result.output
    assert names(session) == {"C-1": "Anna", "C-3": "Carl"}


def test_importing_again_updates_existing_customers(runner, session, tmp_path):
    load_surveys(session)
    runner.invoke(args=["customers", "import", str(write(tmp_path, "external_id,name\nC-1,Anna\nC-2,Bob\n"))])
    path = write(tmp_path, "external_id,name\nC-2,Robert\nC-3,Carl\n", name="again.csv")
    result = runner.invoke(args=["customers", "import", str(path)])
    assert result.exit_code == 0, result.output
    assert "again.csv: 1 created, 1 updated" in result.output
    assert names(session) == {"C-1": "Anna", "C-2": "Robert", "C-3": "Carl"}


def test_a_file_refused_as_a_whole_says_why(runner, session, tmp_path):
    load_surveys(session)
    result = runner.invoke(args=["customers", "import", str(write(tmp_path, "客戶編號,姓名\n", encoding="big5"))])
    assert result.exit_code != 0
    assert "line 1: the file is not UTF-8 or GBK text; save it as 'CSV UTF-8' in Excel" in result.output
    assert "customers.csv was refused; nothing was imported" in result.output


def test_an_explicit_tier_wins_over_the_computed_one_after_classify(runner, session, tmp_path):
    load_surveys(session)
    path = write(tmp_path, "external_id,name,annual_value,tier\nC-1,Anna,800,C\nC-2,Bob,200,\n")
    assert runner.invoke(args=["customers", "import", str(path)]).exit_code == 0
    session.execute(sa.update(Customer).values(tier=None, lifecycle=None))
    session.commit()
    result = runner.invoke(args=["customers", "classify"])
    assert result.exit_code == 0, result.output
    assert "2 tier(s) and 2 lifecycle stage(s) changed" in result.output
    assert "tier: A 0, B 1, C 1" in result.output and "lifecycle: new 0, growing 0, mature 2" in result.output
    session.expire_all()
    assert dict(session.execute(sa.select(Customer.external_id, Customer.tier)).tuples().all()) == {
        "C-1": "C",
        "C-2": "B",
    }


def test_without_a_loaded_journey_the_commands_say_what_to_do(runner, tmp_path):
    result = runner.invoke(args=["customers", "import", str(write(tmp_path, "external_id,name\n"))])
    assert result.exit_code != 0 and "flask surveys load" in result.output
    assert "flask surveys load" in runner.invoke(args=["customers", "classify"]).output
