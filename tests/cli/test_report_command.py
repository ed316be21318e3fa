"""``flask report``: a month's PDF in English or Chinese, a clear refusal of a bad month or path."""

from __future__ import annotations

import pytest

from tests.pdf_text import needs_poppler, pdf_fonts, pdf_pages, pdf_text
from tests.services.report_seed import seed_month
from tests.xss import PAYLOAD, assert_pdf_safe


def _flat(path) -> str:
    """The PDF's text with every run of whitespace as one space."""
    return " ".join(pdf_text(path.read_bytes()).split())


@needs_poppler
def test_a_month_in_english_has_every_section_and_the_months_figures(runner, session, tmp_path):
    seed_month(session)
    out = tmp_path / "march.pdf"
    result = runner.invoke(args=["report", "--period", "2026-03", "--out", str(out), "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert f"written to {out}" in result.output
    text = _flat(out)
    for heading in (
        "Customer experience report",
        "March 2026",
        "64 responses this month (the month before: 16).",
        "1. Headline figures against targets",
        "2. What went well",
        "3. What must improve",
        "4. Segment differences",
        "5. The state of the loops",
        "6. Proposed next targets",
    ):
        assert heading in text, heading
    assert "Mean gap: Installation and setup" in text
    assert "Region: West China" in text  # behind on punctuality
    assert "12.5 [" in text and "n=64" in text  # NPS = 100·(24 − 16)/64, with its interval and n
    assert "Not yet clear" in text and "Not met" in text
    assert "1 of 2: 50.0% [9.5, 90.5]" in text  # cases within deadline, with the Wilson interval
    assert pdf_pages(out.read_bytes()) >= 5


@needs_poppler
def test_a_month_in_chinese_is_written_in_chinese_with_the_font_embedded(runner, session, tmp_path):
    seed_month(session)
    out = tmp_path / "march-zh.pdf"
    result = runner.invoke(args=["report", "--period", "2026-03", "--out", str(out)])  # zh is the default
    assert result.exit_code == 0, result.output
    text = _flat(out)
    for words in ("华辰智能家居", "用户体验报告", "2026年3月", "1. 核心指标与目标", "上门安装与调试", "地区：西部"):
        assert words in text, words
    assert all(row[-5:-2] == ["yes", "yes", "yes"] for row in pdf_fonts(out.read_bytes()))


@needs_poppler
def test_a_month_without_responses_gives_a_valid_pdf_that_says_so(runner, session, tmp_path):
    seed_month(session)
    out = tmp_path / "empty.pdf"
    result = runner.invoke(args=["report", "--period", "2030-01", "--out", str(out), "--lang", "en"])
    assert result.exit_code == 0, result.output
    text = _flat(out)
    assert "There were no responses in this month" in text and "5. The state of the loops" in text
    assert "1. Headline figures" not in text


@pytest.mark.parametrize(
    ("period", "message"),
    [
        ("2026-13", "“2026-13”: the month must be 01 to 12"),
        ("foo", "“foo” is not a month written YYYY-MM, e.g. 2026-03"),
        ("2026-3", "is not a month written YYYY-MM"),
    ],
)
def test_a_bad_period_is_refused_with_the_reason_and_nothing_is_written(runner, tmp_path, period, message):
    out = tmp_path / "report.pdf"
    result = runner.invoke(args=["report", "--period", period, "--out", str(out)])
    assert result.exit_code == 2 and "Invalid value for --period" in result.output and message in result.output
    assert "Traceback" not in result.output and not out.exists()


def test_an_unwritable_path_is_refused_before_any_work(runner, tmp_path):
    a_file = tmp_path / "file.txt"
    a_file.write_text("-")
    for out, message in (
        (tmp_path / "missing" / "r.pdf", "does not exist"),
        (a_file / "r.pdf", "does not exist"),
        (tmp_path, "is a directory"),
    ):
        result = runner.invoke(args=["report", "--period", "2026-03", "--out", str(out)])
        assert result.exit_code == 2 and message in result.output and "Traceback" not in result.output


def test_an_unknown_language_is_refused(runner, tmp_path):
    result = runner.invoke(args=["report", "--period", "2026-03", "--out", str(tmp_path / "r.pdf"), "--lang", "fr"])
    assert result.exit_code == 2 and "'fr' is not one of 'zh', 'en'" in result.output


@needs_poppler
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_comment_full_of_markup_and_math_is_printed_as_typed_and_runs_nothing(runner, session, tmp_path, lang):
    seed_month(session, comment=PAYLOAD)
    out = tmp_path / "march.pdf"
    result = runner.invoke(args=["report", "--period", "2026-03", "--out", str(out), "--lang", lang])
    assert result.exit_code == 0, result.output
    assert_pdf_safe(out.read_bytes(), f"report ({lang})", shown=(PAYLOAD,))
