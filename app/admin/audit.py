"""The audit log, for admins: who did which administrative action to what, filtered by person and action."""

from __future__ import annotations

from flask import current_app, render_template, request
from flask_babel import lazy_gettext as _l

from app.admin import bp
from app.admin.sections import add_section
from app.auth.roles import require_role
from app.extensions import db
from app.i18n import use_language
from app.models import Role
from app.services.audit import ACTIONS, audit_actors, audit_page
from app.services.definitions import parse_id

add_section("admin.audit", _l("Audit log"), Role.ADMIN)

ACTION_NAMES = {
    "user.created": _l("Account created"),
    "user.changed": _l("Account changed"),
    "user.password_set": _l("Password set"),
    "department.head_set": _l("Department head set"),
    "department.member_moved": _l("Department member moved"),
    "survey.loaded": _l("Survey loaded"),
    "target.added": _l("Target added"),
    "target.removed": _l("Target removed"),
    "reference_level.set": _l("Reference level set"),
    "reference_level.removed": _l("Reference level removed"),
    "customers.imported": _l("Customers imported"),
    "customer.representative_set": _l("Customer representative set"),
    "customer.exported": _l("Customer data exported"),
    "customer.erased": _l("Customer data erased"),
    "batch.created": _l("Invitation batch created"),
    "batch.sent": _l("Invitation e-mails sent"),
    "api_token.created": _l("API token made"),
    "api_token.revoked": _l("API token revoked"),
    "webhook.subscribed": _l("Webhook subscribed"),
    "webhook.switched": _l("Webhook switched on or off"),
    "webhook.tested": _l("Webhook test event queued"),
    "webhook.deleted": _l("Webhook deleted"),
    "webhook.retried": _l("Webhook delivery retried"),
}


@bp.get("/audit")
@require_role(Role.ADMIN)
def audit():
    """The newest entries first, a page at a time, for one person and one action if chosen."""
    use_language(current_app.config["LANGUAGES"])
    actors = audit_actors(db.session)
    actor_id = parse_id(request.args.get("actor"))  # anyone's id: someone with no entries simply has none
    action = request.args.get("action", "")
    action = action if action in ACTIONS else None
    page = audit_page(db.session, actor_id=actor_id, action=action, page=parse_id(request.args.get("page")) or 1)
    kept = {key: value for key, value in (("actor", actor_id), ("action", action)) if value}
    return render_template(
        "admin/audit.html",
        page=page,
        actors=actors,
        actor_id=actor_id,
        action=action,
        actions=[(code, ACTION_NAMES.get(code, code)) for code in ACTIONS],
        names=ACTION_NAMES,
        kept=kept,
    )
