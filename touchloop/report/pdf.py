"""The experience report as a PDF: the sections in reading order, from an ``ExperienceReport`` and its words."""

from __future__ import annotations

from touchloop.report import actions, findings
from touchloop.report.document import Document
from touchloop.report.model import ExperienceReport
from touchloop.report.words import ReportWords


def render_report(report: ExperienceReport, words: ReportWords) -> bytes:
    """The PDF of ``report``; a month without responses gets the title page and the loops only."""
    footer = words.footer_line % {"company": report.company, "month": words.month, "page": "%(page)s"}
    document = Document(
        language=words.language, title=f"{report.company} · {words.title} · {words.month}", footer=footer
    )
    findings.title_page(document, report, words)
    if report.responses:
        findings.headlines(document, report, words)
        findings.went_well(document, report, words)
        findings.must_improve(document, report, words)
        actions.segments(document, report, words)
    actions.loops(document, report, words)
    if report.responses:
        actions.proposals(document, report, words)
    return document.bytes()
