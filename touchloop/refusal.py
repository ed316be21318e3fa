"""Why a step is refused, in a form a page can translate: a code and its parameters, plus the English text.

The rules of the two loops answer with lists of refusals. A ``Refusal`` *is* its English text (a ``str``), so
it prints, joins, compares and searches exactly as the plain messages did; a page that wants the reader's
language looks up ``code`` and fills in ``params`` instead. No Flask.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any


class Refusal(str):
    """One reason a step is refused: English text with a stable ``code`` and the ``params`` the text was made of."""

    __slots__ = ("code", "params")
    code: str
    params: Mapping[str, Any]

    def __new__(cls, code: str, text: str, params: Mapping[str, Any] | None = None) -> Refusal:
        """A refusal reading ``text``, translatable by ``code`` with ``params`` (plain values only)."""
        refusal = super().__new__(cls, text)
        object.__setattr__(refusal, "code", code)
        object.__setattr__(refusal, "params", MappingProxyType(dict(params or {})))
        return refusal

    def __setattr__(self, name: str, value: Any) -> None:
        """Refusals are values: they cannot be changed once made."""
        raise AttributeError(f"a Refusal cannot be changed (tried to set {name!r})")

    def __delattr__(self, name: str) -> None:
        """Refusals are values: nothing can be removed from them."""
        raise AttributeError(f"a Refusal cannot be changed (tried to delete {name!r})")

    def __reduce__(self):
        """Pickle and copy as the three values that make a refusal."""
        return (Refusal, (self.code, str(self), dict(self.params)))

    def __repr__(self) -> str:
        """The code and the English text, for test output and logs."""
        return f"Refusal({self.code!r}, {str(self)!r})"
