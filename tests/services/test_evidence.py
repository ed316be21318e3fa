"""Reading evidence references typed on the submit form."""

from __future__ import annotations

from app.services.evidence import MAX_REFERENCES, read_references
from app.services.suggestions import Evidence


def test_references_are_read_in_english_or_chinese_and_a_repeat_counts_once():
    found, refused = read_references("工单 12，回复#345; Case 12\n差距 installation/convenience/tier=A、response0345")
    assert found == [
        Evidence("case", "12"),
        Evidence("response", "345"),
        Evidence("gap", "installation/convenience/tier=A"),
    ]
    assert refused == []


def test_unreadable_references_are_each_refused_with_what_was_typed():
    found, refused = read_references("case twelve, gap, response 1234567890, 12")
    assert found == []
    assert [(r.code, r.params["reference"]) for r in refused] == [
        ("evidence.unreadable", "case twelve"),
        ("evidence.unreadable", "gap"),
        ("evidence.unreadable", "response 1234567890"),
        ("evidence.unreadable", "12"),
    ]


def test_more_references_than_a_form_should_hold_are_refused_at_once():
    found, refused = read_references(", ".join(f"case {number}" for number in range(MAX_REFERENCES + 1)))
    assert found == [] and [r.code for r in refused] == ["evidence.too_many"]
    assert read_references("")[0] == [] and read_references(None) == ([], [])
