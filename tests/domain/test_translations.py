"""The committed zh catalogue is complete and its compiled .mo is current."""

from __future__ import annotations

from pathlib import Path

from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

CATALOG = Path(__file__).resolve().parents[2] / "app" / "translations" / "zh" / "LC_MESSAGES"


def test_every_message_is_translated_and_compiled():
    with open(CATALOG / "messages.po", "rb") as handle:
        po = read_po(handle, locale="zh")
    with open(CATALOG / "messages.mo", "rb") as handle:
        mo = read_mo(handle)
    untranslated = [
        m.id for m in po if m.id and (not m.string or m.fuzzy or (isinstance(m.string, tuple) and not all(m.string)))
    ]
    assert untranslated == []

    def table(catalog):
        return {_key(m.id): _key(m.string) for m in catalog if m.id}

    assert table(po) == table(mo)


def _key(value):
    """Plural ids and strings come as lists or tuples; make them comparable."""
    return tuple(value) if isinstance(value, (list, tuple)) else value
