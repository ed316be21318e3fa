"""A notification in words, in the current language (the page's, or the one an e-mail is forced to).

Notifications keep their kind and parameters; the words are made when they are read, so the same notice
reads in Chinese in one inbox and in English in another.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone

from flask import current_app
from flask_babel import format_datetime, get_locale
from flask_babel import gettext as _

from app.models import Notification
from app.services.survey_titles import in_language
from app.suggestions.forms import STATE_NAMES
from touchloop.notifications import Kind
from touchloop.text import printable


@dataclass(frozen=True)
class Notice:
    """What a notification says, and where its item is."""

    headline: str
    detail: str | None
    endpoint: str
    values: dict

    @property
    def path(self) -> str:
        """The item's path on this server (built without a request, for e-mails)."""
        return current_app.url_map.bind("localhost").build(self.endpoint, self.values)


def describe(notification: Notification) -> Notice:
    """The notice's headline, detail and item, in the current language."""
    params = notification.params or {}
    if notification.case_id is not None:
        return _case_notice(notification.kind, notification.case_id, params)
    if notification.suggestion_id is not None:
        return _suggestion_notice(notification.kind, notification.suggestion_id, params)
    return Notice(params.get("title") or "—", None, "notifications.inbox", {})  # about no item: nothing to link


def subject_line(text: str, limit: int = 150) -> str:
    """``text`` fit for an e-mail subject: one line, no control characters, not too long."""
    line = printable(" ".join(text.split()))
    return line if len(line) <= limit else line[: limit - 1] + "…"


def _suggestion_notice(kind: str, suggestion_id: int, params: dict) -> Notice:
    """A notice about a suggestion."""
    facts = {"id": suggestion_id, "title": params.get("title", ""), "due": params.get("due") or "—"}
    if kind == Kind.ASSIGNED:
        headline = _("Suggestion #%(id)s “%(title)s” was assigned to you, due %(due)s.", **facts)
        detail = _("Assigned by %(name)s.", name=params["actor"]) if params.get("actor") else None
    elif kind == Kind.DUE_SOON:
        headline = _("Suggestion #%(id)s “%(title)s” is due on %(due)s.", **facts)
        detail = None
    elif kind == Kind.OVERDUE:
        headline = _("Overdue: suggestion #%(id)s “%(title)s” was due on %(due)s.", **facts)
        detail = _responsible(params)
    else:
        headline = _(
            "Suggestion #%(id)s “%(title)s” moved from “%(old)s” to “%(new)s”.",
            old=_state_name(params.get("from")),
            new=_state_name(params.get("to")),
            **facts,
        )
        detail = _change_detail(params)
    return Notice(headline, detail, "suggestions.detail", {"suggestion_id": suggestion_id})


def _case_notice(kind: str, case_id: int, params: dict) -> Notice:
    """A notice about a follow-up case."""
    language = str(get_locale() or "en").split("_")[0]
    facts = {
        "id": case_id,
        "title": in_language(params.get("title"), language, fallback=""),
        "deadline": _when(params.get("deadline")),
    }
    if kind == Kind.ASSIGNED:
        headline = _("Follow-up case #%(id)s “%(title)s” was assigned to you, deadline %(deadline)s.", **facts)
        detail = None
    elif kind == Kind.DUE_SOON:
        headline = _("Follow-up case #%(id)s “%(title)s” is due by %(deadline)s.", **facts)
        detail = None
    else:
        headline = _("Overdue: follow-up case #%(id)s “%(title)s” was due by %(deadline)s.", **facts)
        detail = _responsible(params)
    return Notice(headline, detail, "cases.case", {"case_id": case_id})


def _responsible(params: dict) -> str:
    """Who is responsible for an overdue item, for the people it is escalated to."""
    if params.get("responsible"):
        return _("Responsible: %(name)s.", name=params["responsible"])
    return _("Nobody is assigned to it yet.")


def _change_detail(params: dict) -> str | None:
    """Who made a step, with their note, and where a duplicate went."""
    parts = []
    if params.get("actor"):
        if params.get("note"):
            parts.append(_("By %(name)s: %(note)s", name=params["actor"], note=params["note"]))
        else:
            parts.append(_("By %(name)s.", name=params["actor"]))
    if params.get("to") == "duplicate" and params.get("merged_into"):
        parts.append(_("It duplicates suggestion #%(id)s, which you now follow.", id=params["merged_into"]))
    return " ".join(parts) or None


def _state_name(state: str | None) -> str:
    """A suggestion state's name in the current language."""
    return str(STATE_NAMES.get(state, state or "—"))


def _when(value: str | None) -> str:
    """A stored ISO moment as date and time (UTC) in the current locale's calendar, or a dash."""
    if not value:
        return "—"
    moment = datetime.fromisoformat(value)
    moment = moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)
    return format_datetime(moment, "yyyy-MM-dd HH:mm")
