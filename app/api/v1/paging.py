"""Cursor pagination: lists in a stable order by id, each page naming the next with an opaque cursor."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from itsdangerous import BadData, URLSafeSerializer

from app.api.problems import Problem
from app.extensions import db

DEFAULT_LIMIT = 50
MAX_LIMIT = 200


class PageArgs(ma.Schema):
    """Where a page starts and how long it is."""

    cursor = ma.fields.String(
        validate=ma.validate.Length(max=200),
        metadata={"description": "The next_cursor of the previous page; leave out for the first page"},
    )
    limit = ma.fields.Integer(
        load_default=DEFAULT_LIMIT,
        validate=ma.validate.Range(min=1, max=MAX_LIMIT),
        metadata={"description": f"Items per page (1–{MAX_LIMIT})"},
    )


def page_schema(item_schema: type[ma.Schema], name: str) -> type[ma.Schema]:
    """A schema for one page of ``item_schema`` items."""
    return ma.Schema.from_dict(
        {
            "items": ma.fields.List(ma.fields.Nested(item_schema), required=True),
            "next_cursor": ma.fields.String(
                allow_none=True,
                required=True,
                metadata={"description": "Pass as cursor for the next page; null at the end"},
            ),
        },
        name=name,
    )


def after_id(args: dict, kind: str) -> int:
    """The id a page starts after (0 for the first page); a cursor made for another list is refused."""
    cursor = args.get("cursor")
    if not cursor:
        return 0
    try:
        found_kind, last_id = _serializer().loads(cursor)
    except (BadData, TypeError, ValueError):
        found_kind, last_id = None, None
    if found_kind != kind or not isinstance(last_id, int) or isinstance(last_id, bool):
        message = _("This cursor is not valid here; use the next_cursor of the previous page of this list.")
        raise Problem(422, "invalid-fields", message, errors=[{"parameter": "cursor", "message": message}])
    return last_id


def fetch_page(query: sa.Select, id_column: Any, args: dict, kind: str) -> tuple[list, str | None]:
    """One page of ``query`` (rows after the cursor, by ``id_column``) and the cursor of the next page."""
    limit = args["limit"]
    rows = db.session.execute(query.where(id_column > after_id(args, kind)).order_by(id_column).limit(limit + 1)).all()
    if len(rows) <= limit:
        return rows, None
    rows = rows[:limit]
    return rows, _serializer().dumps([kind, _row_id(rows[-1])])


def _row_id(row: Any) -> int:
    """The id of a result row whose first element is a model instance or an id."""
    first = row[0]
    return first if isinstance(first, int) else first.id


def _serializer() -> URLSafeSerializer:
    """Cursors are signed, so a client can only continue a list, never craft a position."""
    return URLSafeSerializer(current_app.secret_key, salt="api-cursor")
