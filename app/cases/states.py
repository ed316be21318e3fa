"""The case states' names as people read them."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from app.cases import bp

STATE_NAMES = {
    "new": _l("New"),
    "acknowledged": _l("Acknowledged"),
    "contacted": _l("Customer contacted"),
    "resolved": _l("Resolved"),
    "closed": _l("Closed"),
    "reopened": _l("Reopened"),
}
STEP_NAMES = {
    "acknowledged": _l("Acknowledge"),
    "contacted": _l("Record contact with the customer"),
    "resolved": _l("Resolve"),
    "closed": _l("Close"),
    "reopened": _l("Reopen"),
}


def state_name(state: str | None) -> str:
    """The name of ``state`` in the page language (the code itself if unknown)."""
    return str(STATE_NAMES.get(state or "", state or ""))


@bp.context_processor
def case_names() -> dict:
    """Give the case templates the state and step names."""
    return {"state_name": state_name, "step_name": lambda target: str(STEP_NAMES.get(target, target))}
