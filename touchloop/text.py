"""Cleaning text people typed or pasted, before it is stored or searched."""


def printable(text: str, keep: str = "") -> str:
    """``text`` without control and invisible format characters (NUL, zero-width space), except those in ``keep``.

    PostgreSQL refuses NUL in text, and an invisible character must not pass for an answer.
    """
    return "".join(ch for ch in text if ch.isprintable() or ch in keep)
