"""flask demo leaves inboxes that look lived in, and nothing for the first loop run to e-mail about the past."""

from __future__ import annotations

import sqlalchemy as sa

from app.models import Department, Notification
from app.models.types import utcnow


def test_demo_inboxes_hold_dated_notices_and_todays_escalations_already_mailed(runner, session):
    result = runner.invoke(args=["demo", "--customers", "60", "--responses", "1500"])
    assert result.exit_code == 0, result.output
    notices = session.scalars(sa.select(Notification)).all()
    assert {"assigned", "state_changed", "overdue"} <= {notice.kind for notice in notices}
    assert all(notice.emailed_at is not None for notice in notices)
    heads = set(session.scalars(sa.select(Department.head_id)))
    assert any(n.kind == "overdue" and n.user_id in heads and n.read_at is None for n in notices)
    now = utcnow()
    ages = [(now - n.created_at.replace(tzinfo=now.tzinfo)).days for n in notices if n.kind == "state_changed"]
    assert max(ages) > 10  # dated at their steps, months back, not at the moment the demo ran
    remind = runner.invoke(args=["loop", "remind"])
    assert "notification e-mails sent: assigned 0, due_soon 0, overdue 0, state_changed 0" in remind.output
    assert "daily digests sent: 0" in remind.output
