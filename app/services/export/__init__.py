"""Exports of survey responses as CSV and XLSX: one row per response, streamed in constant memory."""

from app.services.export.choices import SurveyChoice, survey_choices
from app.services.export.columns import ExportCriteria, ExportError, ExportPlan, count_responses, plan_export
from app.services.export.writers import (
    FORMATS,
    XLSX_MAX_ROWS,
    csv_chunks,
    download_name,
    export_rows,
    write_xlsx,
)

__all__ = [
    "FORMATS",
    "XLSX_MAX_ROWS",
    "ExportCriteria",
    "ExportError",
    "ExportPlan",
    "SurveyChoice",
    "count_responses",
    "csv_chunks",
    "download_name",
    "export_rows",
    "plan_export",
    "survey_choices",
    "write_xlsx",
]
