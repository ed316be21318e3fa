"""The demo company's targets and reference levels, so the dashboards have goals and comparison lines to show.

Only added to a database without any target or reference level: an admin's own are never touched, and
``flask demo --force`` does not add them twice.
"""

from __future__ import annotations

from datetime import date, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.models import Dimension, ReferenceLevel, Target, Touchpoint
from app.services.targets import ReferenceEntry, TargetEntry, add_target, set_reference_level

# (kind, metric, touchpoint code or None, dimension code or None, value, source)
LEVELS = [
    ("industry", "nps", None, None, 32.0, "中国智能家居服务满意度调查 2025"),
    ("ideal", "nps", None, None, 60.0, None),
    ("industry", "csat", None, None, 78.0, "中国智能家居服务满意度调查 2025"),
    ("industry", "mean", None, None, 5.2, "行业对标（7 分制）"),
    ("ideal", "mean", None, None, 6.3, "客户访谈"),
    ("industry", "gap", None, None, -0.3, "行业对标（7 分制）"),
    ("ideal", "gap", None, None, 0.5, "客户访谈"),
    ("industry", "mean", "installation", "convenience", 5.0, "安装服务行业对标"),
    ("industry", "gap", "installation", "convenience", -0.5, "安装服务行业对标"),
]
# (metric, touchpoint code or None, dimension code or None, segment (attribute, value) or None, value, note)
TARGETS = [
    ("nps", None, None, None, 30.0, "全旅程 NPS 不低于行业水平"),
    ("csat", None, None, None, 80.0, None),
    ("gap", "installation", "convenience", None, 0.0, "上门准时：至少达到客户预期"),
    ("gap", "installation", "convenience", ("region", "west"), -0.5, "西部安装准时率专项改进"),
    ("nps", "call_centre", None, None, 35.0, None),
    ("csat", "call_centre", None, None, 65.0, "热线满意度保持在 65% 以上"),
    ("csat", "consultation", None, None, 60.0, None),
]


def make_demo_targets(session: Session, today: date) -> int:
    """Add the demo's reference levels and this half-year's targets to a database that has none; how many added."""
    if session.scalar(sa.select(sa.func.count(Target.id))) or session.scalar(
        sa.select(sa.func.count(ReferenceLevel.id))
    ):
        return 0
    touchpoints = dict(session.execute(sa.select(Touchpoint.code, Touchpoint.id)).all())
    dimensions = dict(session.execute(sa.select(Dimension.code, Dimension.id)).all())
    for kind, metric, touchpoint, dimension, value, source in LEVELS:
        where = {"touchpoint_id": touchpoints.get(touchpoint), "dimension_id": dimensions.get(dimension)}
        set_reference_level(session, ReferenceEntry(kind=kind, metric=metric, value=value, source=source, **where))
    start, end = today - timedelta(days=150), today + timedelta(days=30)
    for metric, touchpoint, dimension, segment, value, note in TARGETS:
        attribute, segment_value = segment or (None, None)
        entry = TargetEntry(
            metric=metric,
            value=value,
            period_start=start,
            period_end=end,
            touchpoint_id=touchpoints.get(touchpoint),
            dimension_id=dimensions.get(dimension),
            segment_attribute=attribute,
            segment_value=segment_value,
            note=note,
        )
        add_target(session, entry, creator=None)
    return len(LEVELS) + len(TARGETS)
