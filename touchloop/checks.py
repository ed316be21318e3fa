"""Small typed readers that validate a YAML document and collect Problems."""

from __future__ import annotations

import re
from typing import Any

from touchloop.yamlsource import Path, Problem, YamlDocument

CODE_RE = re.compile(r"[a-z][a-z0-9_]{0,39}")  # always used with fullmatch
SEGMENT_VALUE_RE = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,39}")
SLUG_RE = re.compile(r"[a-z][a-z0-9-]{0,39}")
Text = dict[str, str]


class Checker:
    """Reads values out of a document, recording a Problem for each bad one."""

    def __init__(self, document: YamlDocument, languages: tuple[str, ...] = ()):
        self.document = document
        self.languages = languages
        self.problems: list[Problem] = []

    def fail(self, path: Path, message: str) -> None:
        """Record a problem at ``path``."""
        self.problems.append(self.document.problem(path, message))

    def mapping(self, value: Any, path: Path) -> dict[str, Any]:
        """``value`` as a mapping, or an empty one after recording a problem."""
        if isinstance(value, dict):
            return value
        self.fail(path, f"expected a mapping of keys to values, found {_kind(value)}")
        return {}

    def sequence(self, value: Any, path: Path, *, minimum: int = 0, maximum: int = 1000) -> list[Any]:
        """``value`` as a list of between ``minimum`` and ``maximum`` items."""
        if not isinstance(value, list):
            self.fail(path, f"expected a list, found {_kind(value)}")
            return []
        if not minimum <= len(value) <= maximum:
            self.fail(path, f"expected {minimum} to {maximum} items, found {len(value)}")
        return value

    def allowed_keys(self, data: dict[str, Any], path: Path, required: set[str], optional: set[str]) -> None:
        """Record missing required keys and unknown keys."""
        for key in sorted(required - data.keys()):
            self.fail(path, f"'{key}' is missing")
        for key in sorted(data.keys() - required - optional, key=str):
            self.fail(path + (str(key),), f"unknown key '{key}' (allowed: {', '.join(sorted(required | optional))})")

    def code(self, value: Any, path: Path, pattern: re.Pattern[str] = CODE_RE) -> str:
        """A code such as ``installation``; records a problem if malformed."""
        if isinstance(value, str) and pattern.fullmatch(value):
            return value
        rule = (
            "a slug: lower-case letters, digits and '-'"
            if pattern is SLUG_RE
            else (
                "a code: letters, digits and '_', starting with a letter"
                if pattern is SEGMENT_VALUE_RE
                else "a code: lower-case letters, digits and '_', starting with a letter"
            )
        )
        self.fail(path, f"{value!r} is not {rule} (at most 40 characters)")
        return str(value)

    def integer(self, value: Any, path: Path, low: int, high: int) -> int | None:
        """An integer within ``low``..``high`` inclusive."""
        if isinstance(value, bool) or not isinstance(value, int):
            self.fail(path, f"expected a whole number, found {_kind(value)}")
            return None
        if not low <= value <= high:
            self.fail(path, f"{value} is out of range: it must be between {low} and {high}")
            return None
        return value

    def boolean(self, value: Any, path: Path) -> bool:
        """``true`` or ``false``."""
        if isinstance(value, bool):
            return value
        self.fail(path, f"expected true or false, found {_kind(value)}")
        return False

    def text(self, value: Any, path: Path) -> Text:
        """A text given in every declared language and no other."""
        if not isinstance(value, dict):
            self.fail(path, f"expected a text per language ({', '.join(self.languages)}), found {_kind(value)}")
            return {}
        result: Text = {}
        for language in self.languages:
            given = value.get(language)
            if not isinstance(given, str) or not given.strip():
                self.fail(path, f"the '{language}' translation is missing or empty")
            else:
                result[language] = given.strip()
        for extra in sorted(set(value) - set(self.languages), key=str):
            self.fail(path + (str(extra),), f"'{extra}' is not a declared language ({', '.join(self.languages)})")
        return result

    def languages_list(self, value: Any, path: Path) -> tuple[str, ...]:
        """The declared languages, e.g. ``[zh, en]``."""
        items = self.sequence(value, path, minimum=1, maximum=10)
        codes = tuple(str(item) for item in items)
        for index, code in enumerate(codes):
            if not re.fullmatch(r"[a-z]{2}(-[A-Za-z]{2,4})?", code):
                self.fail(path + (index,), f"{code!r} is not a language code such as 'zh' or 'en'")
        if len(set(codes)) != len(codes):
            self.fail(path, "a language is listed twice")
        return codes

    def unique(self, codes: list[str], path: Path, what: str) -> None:
        """Record a problem for each code that repeats an earlier one."""
        seen: set[str] = set()
        for index, code in enumerate(codes):
            if code in seen:
                self.fail(path + (index,), f"{what} '{code}' is used twice")
            seen.add(code)


def _kind(value: Any) -> str:
    """A plain-English name for a YAML value's type."""
    if value is None:
        return "nothing"
    names = {bool: "true/false", int: "a number", float: "a number", str: "text", list: "a list", dict: "a mapping"}
    return names.get(type(value), type(value).__name__)
