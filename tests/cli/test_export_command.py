"""flask responses export: the same file as the service, written whole or not at all."""

from __future__ import annotations

import io
from datetime import date

from openpyxl import load_workbook

from app.services.export import ExportCriteria
from tests.services.test_exports import HEADERS, export_csv, seed


def test_csv_is_written_and_summarised(runner, session, tmp_path):
    seed(session, tmp_path)
    out = tmp_path / "january.csv"
    result = runner.invoke(
        args=[
            "responses",
            "export",
            "--survey",
            "mini",
            "--from",
            "2026-01-01",
            "--to",
            "2026-01-31",
            "--out",
            str(out),
        ]
    )
    assert result.exit_code == 0, result.output
    assert f"2 response(s) of mini written to {out} in" in result.output
    assert out.read_bytes() == export_csv(session, ExportCriteria("mini", date(2026, 1, 1), date(2026, 1, 31)))
    assert not (tmp_path / "january.csv.part").exists()


def test_the_format_follows_the_file_extension_unless_given(runner, session, tmp_path):
    seed(session, tmp_path)
    out = tmp_path / "all.xlsx"
    assert runner.invoke(args=["responses", "export", "--survey", "mini", "--out", str(out)]).exit_code == 0
    rows = list(load_workbook(io.BytesIO(out.read_bytes())).active.iter_rows(values_only=True))
    assert list(rows[0]) == HEADERS and len(rows) == 5
    forced = tmp_path / "all.data"
    result = runner.invoke(args=["responses", "export", "--survey", "mini", "--format", "xlsx", "--out", str(forced)])
    assert result.exit_code == 0 and forced.read_bytes()[:2] == b"PK"  # a ZIP, as XLSX files are


def test_personal_data_needs_the_flag(runner, session, tmp_path):
    seed(session, tmp_path)
    out = tmp_path / "people.csv"
    runner.invoke(args=["responses", "export", "--survey", "mini", "--out", str(out)])
    assert "王芳" not in out.read_text("utf-8-sig")
    runner.invoke(args=["responses", "export", "--survey", "mini", "--personal-data", "--out", str(out)])
    assert "customer_name" in out.read_text("utf-8-sig") and "王芳" in out.read_text("utf-8-sig")


def test_an_unknown_survey_or_a_reversed_period_writes_nothing(runner, session, tmp_path):
    seed(session, tmp_path)
    out = tmp_path / "nothing.csv"
    result = runner.invoke(args=["responses", "export", "--survey", "nope", "--out", str(out)])
    assert result.exit_code != 0 and "there is no survey 'nope'; nothing was written." in result.output
    result = runner.invoke(
        args=[
            "responses",
            "export",
            "--survey",
            "mini",
            "--from",
            "2026-02-01",
            "--to",
            "2026-01-01",
            "--out",
            str(out),
        ]
    )
    assert result.exit_code != 0 and "the period starts (2026-02-01) after it ends (2026-01-01)" in result.output
    result = runner.invoke(args=["responses", "export", "--survey", "mini", "--from", "01/02/2026", "--out", str(out)])
    assert result.exit_code != 0 and "--from" in result.output
    assert list(tmp_path.glob("nothing.csv*")) == []
