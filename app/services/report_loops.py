"""The report's closed-loop section, from the department scorecards and the recognition counts.

- Loops per department: suggestions implemented and verified in the month (``recognition``: counted for
  the department that implemented them), closed in the month and cases first resolved in the month, of
  them within their deadline (``department_scorecards``), with a Wilson interval on the share; suggestions
  open and overdue are as of the day the report is made (the scorecards keep no history of them).
"""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from app.services.recognition import recognition
from app.services.scorecards import department_scorecards
from touchloop.charts import Estimate
from touchloop.report.model import LoopRow, Month
from touchloop.stats import wilson_interval


def loop_rows(session: Session, month: Month, today: date, lang: str) -> list[LoopRow]:
    """Each department's closed-loop figures for the month (departments with nothing at all left out)."""
    cards = department_scorecards(session, start=month.start, end=month.end, today=today, lang=lang)
    implemented = {
        standing.id: standing
        for standing in recognition(session, start=month.start, end=month.end, lang=lang).departments
    }
    rows = []
    for card in cards:
        standing = implemented.get(card.department_id)
        row = LoopRow(
            department=card.name,
            implemented=standing.implemented if standing else 0,
            verified=standing.verified if standing else 0,
            closed=card.closed,
            cases_resolved=card.cases_resolved,
            cases_within_deadline=card.cases_within_deadline,
            within_share=_share(card.cases_within_deadline, card.cases_resolved),
            open_now=card.open,
            overdue_now=card.overdue,
        )
        if any((row.implemented, row.verified, row.closed, row.cases_resolved, row.open_now)):
            rows.append(row)
    return rows


def _share(hits: int, n: int) -> Estimate:
    """A share in percent with its Wilson interval (empty when n is 0)."""
    if not n:
        return Estimate(None)
    ci = wilson_interval(hits, n)
    return Estimate(100 * hits / n, 100 * ci.low, 100 * ci.high, n=n)
