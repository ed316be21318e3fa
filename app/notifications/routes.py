"""The inbox pages: parse, call a service, render or redirect."""

from __future__ import annotations

from flask import current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.exc import SQLAlchemyError
from wtforms import SelectChoice

from app.extensions import db
from app.i18n import LANGUAGE_NAMES, use_language
from app.models import NotificationSetting
from app.notifications import bp
from app.notifications.forms import DELIVERY_NAMES, KIND_HELP, KIND_NAMES, MarkReadForm, SettingsForm
from app.services.definitions import parse_id
from app.services.notification_texts import describe
from app.services.notifications import deliveries_of, inbox_page, mail_language, mark_all_read, save_settings
from app.services.notifications import unread_count as count_unread
from touchloop.notifications import Kind


@bp.get("/inbox")
def inbox():
    """The signed-in user's notifications, newest first, a page at a time."""
    use_language(current_app.config["LANGUAGES"])
    page = inbox_page(db.session, current_user.id, parse_id(request.args.get("page")) or 1)
    rows = [(notification, describe(notification)) for notification in page.items]
    return render_template("notifications/inbox.html", page=page, rows=rows, form=MarkReadForm(), kinds=KIND_NAMES)


@bp.post("/inbox/read")
def mark_read():
    """Mark all of the user's notifications read (CSRF-checked), then back to the inbox."""
    use_language(current_app.config["LANGUAGES"])
    if MarkReadForm().validate_on_submit():
        marked = mark_all_read(db.session, current_user.id)
        db.session.commit()
        flash(_("Notifications marked read: %(count)d.", count=marked), "success")
    return redirect(url_for("notifications.inbox"))


@bp.route("/inbox/settings", methods=["GET", "POST"])
def settings():
    """How each kind of notification reaches the user, and the language of their e-mails."""
    use_language(current_app.config["LANGUAGES"])
    setting = db.session.get(NotificationSetting, current_user.id)
    chosen = {kind.value: way.value for kind, way in deliveries_of(setting).items()}
    form = SettingsForm(data={**chosen, "language": mail_language(setting)})
    form.language.choices = [
        SelectChoice(code, LANGUAGE_NAMES.get(code, code)) for code in current_app.config["LANGUAGES"]
    ]
    if not form.validate_on_submit():
        status = 400 if request.method == "POST" else 200
        return render_template(
            "notifications/settings.html", form=form, kinds=list(Kind), help=KIND_HELP, ways=DELIVERY_NAMES
        ), status
    save_settings(db.session, current_user.id, form.choices(), form.language.data)
    db.session.commit()
    flash(_("Your notification settings were saved."), "success")
    return redirect(url_for("notifications.settings"))


@bp.app_context_processor
def inbox_counter() -> dict:
    """``inbox_unread()`` for the top navigation: the signed-in user's unread count, or None."""

    def inbox_unread() -> int | None:
        # Only where the page already loaded its user: never on public pages, nor on an error page
        # whose database is down.
        user = g.get("_login_user")
        if user is None or not user.is_authenticated:
            return None
        try:
            return count_unread(db.session, user.id)
        except SQLAlchemyError:
            return None

    return {"inbox_unread": inbox_unread}
