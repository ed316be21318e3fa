"""Field types the API's schemas share."""

from __future__ import annotations

from datetime import datetime, timezone

import marshmallow as ma


class UtcDateTime(ma.fields.DateTime):
    """A moment, always written with its offset (SQLite hands back naive UTC)."""

    def _serialize(self, value: datetime | None, attr, obj, **kwargs):
        """ISO 8601 with the UTC offset added where the database dropped it."""
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=timezone.utc)
        return super()._serialize(value, attr, obj, **kwargs)


def texts(**kwargs) -> ma.fields.Dict:
    """Text per language code, e.g. {"zh": "…", "en": "…"}."""
    metadata = {"description": "Text per language", **kwargs.pop("metadata", {})}
    return ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.String(), metadata=metadata, **kwargs)


class FullMatch(ma.validate.Regexp):
    """The whole value must match ``pattern`` (marshmallow's Regexp matches only a prefix); documented anchored."""

    def __init__(self, pattern: str, error: str | None = None):
        super().__init__(f"^(?:{pattern})$", error=error)

    def __call__(self, value: str) -> str:
        """``value``, if all of it matches."""
        if self.regex.fullmatch(value) is None:
            raise ma.ValidationError(self._format_error(value))
        return value
