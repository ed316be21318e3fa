"""The admin navigation: each section registers itself here with its endpoint and label."""

from __future__ import annotations

from flask import Flask, current_app
from flask_babel import lazy_gettext as _l
from flask_login import current_user

# (endpoint, label, roles allowed to see it); order is the menu order.
SECTIONS: list[tuple[str, object, tuple[str, ...]]] = [("admin.home", _l("Overview"), ("manager", "representative"))]


def add_section(endpoint: str, label, *roles: str) -> None:
    """Add a menu entry (shown to users with one of ``roles``, or to all admin users)."""
    if endpoint not in [entry[0] for entry in SECTIONS]:
        SECTIONS.append((endpoint, label, roles))


def init_app(app: Flask) -> None:
    """Expose ``admin_sections()`` to templates: the entries this user may see."""

    @app.context_processor
    def admin_menu() -> dict:
        """The admin menu for the signed-in user."""

        def admin_sections():
            return [
                (endpoint, label)
                for endpoint, label, roles in SECTIONS
                if endpoint in current_app.view_functions and (not roles or current_user.has_role(*roles))
            ]

        return {"admin_sections": admin_sections}
