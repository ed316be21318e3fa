"""The committed zh catalogue is complete and its compiled .mo is current."""

from __future__ import annotations

from pathlib import Path

from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
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


def test_every_text_marked_in_the_code_is_in_the_catalogue():
    """A new _() or _l() text that was never extracted would show in English on a zh page."""
    root = CATALOG.parents[2]
    with open(root.parent / "babel.cfg") as handle:
        method_map, options_map = parse_mapping_cfg(handle)
    keywords = {**DEFAULT_KEYWORDS, "_l": None}
    marked = {
        _key(message[2]) if not isinstance(message[2], tuple) else message[2][0]
        for message in extract_from_dir(root, method_map, options_map, keywords=keywords)
    }
    with open(CATALOG / "messages.po", "rb") as handle:
        known = {m.id[0] if isinstance(m.id, (list, tuple)) else m.id for m in read_po(handle, locale="zh")}
    assert sorted(marked - known) == []
