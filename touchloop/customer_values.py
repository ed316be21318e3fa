"""Reading one cell of a customers file: dates, money, e-mails, phones and segment codes.

Each reader takes the cell's text (stripped, never empty) and returns the value,
or raises :class:`BadValue` with a message that says what is wrong and how to
write it. Excel's habits are accepted where they are unambiguous.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from email_validator import EmailNotValidError, validate_email

EXCEL_EPOCH = date(1899, 12, 30)  # serial 1 is 1900-01-01 in Excel, counting its phantom 1900-02-29
OLDEST_DATE = date(1900, 3, 1)
MAX_MONEY = Decimal("999999999999.99")  # the annual_value column is NUMERIC(14, 2)

_DATE = re.compile(
    r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?"
)
_COMPACT_DATE = re.compile(r"(\d{4})(\d{2})(\d{2})")
_SERIAL = re.compile(r"(\d{1,7})(?:\.\d+)?")
_MONEY = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+")
_CURRENCY = re.compile(r"^(?:¥|RMB|CNY)\s*|\s*(?:元|RMB|CNY)$", re.IGNORECASE)
_SCIENTIFIC = re.compile(r"\d(?:\.\d+)?E\+\d+", re.IGNORECASE)
_PHONE = re.compile(r"\+?[0-9()\- .]{3,30}(?:\s*(?:转|ext\.?|x|#)\s*[0-9]{1,6})?", re.IGNORECASE)


class BadValue(ValueError):
    """A cell that cannot be read; the message says why."""


def normalized(text: str) -> str:
    """``text`` with full-width forms folded (NFKC) and runs of white space made one space."""
    if not unicodedata.is_normalized("NFKC", text):
        text = unicodedata.normalize("NFKC", text)
    return " ".join(text.split())


def limited(size: int) -> Callable[[str], str]:
    """A reader for free text of at most ``size`` characters (white space tidied)."""

    def read(text: str) -> str:
        value = normalized(text)
        if len(value) > size:
            raise BadValue(f"is {len(value)} characters long; at most {size} are allowed")
        return value

    return read


def read_external_id(text: str) -> str:
    """A customer number: at most 64 characters, and not mangled by Excel into 1.2E+11."""
    value = limited(64)(text)
    if _SCIENTIFIC.fullmatch(value):
        raise BadValue(f"'{value}' looks like a number Excel rounded; format the column as Text and export again")
    return value


def date_reader(today: date) -> Callable[[str], date]:
    """A reader for dates written YYYY-MM-DD, YYYY/M/D, YYYY.M.D, YYYY年M月D日, YYYYMMDD or as an Excel serial."""
    latest = today + timedelta(days=1)  # a day's grace for time zones

    def read(text: str) -> date:
        value = _date(normalized(text))
        if not OLDEST_DATE <= value <= latest:
            raise BadValue(f"{value.isoformat()} is {'in the future' if value > latest else 'too long ago'}")
        return value

    return read


def _date(text: str) -> date:
    """The date ``text`` means, before its range is checked."""
    found = _DATE.fullmatch(text) or _COMPACT_DATE.fullmatch(text)
    try:
        if found:
            return date(int(found[1]), int(found[2]), int(found[3]))
        if _SERIAL.fullmatch(text):
            return EXCEL_EPOCH + timedelta(days=int(text.split(".")[0]))
    except (ValueError, OverflowError):
        raise BadValue(f"'{text}' is not a real date") from None
    raise BadValue(f"'{text}' is not a date; write it as YYYY-MM-DD, e.g. 2023-01-31")


def read_money(text: str) -> Decimal:
    """An amount such as 1234, 1,234.50 or ¥1,234, rounded to cents."""
    value = _CURRENCY.sub("", normalized(text).replace(" ", ""))
    if value.startswith("-"):
        raise BadValue(f"'{text}' is negative; an annual value cannot be")
    if not _MONEY.fullmatch(value):
        raise BadValue(f"'{text}' is not an amount; write it like 1234.50 (no currency other than ¥)")
    try:
        amount = Decimal(value.replace(",", "")).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    except InvalidOperation:
        raise BadValue(f"'{text}' is too large") from None
    if amount > MAX_MONEY:
        raise BadValue(f"'{text}' is too large")
    return amount


def read_email(text: str) -> str:
    """An e-mail address, checked for form (not for deliverability)."""
    value = normalized(text)
    if len(value) > 254:
        raise BadValue("is longer than an e-mail address can be")
    try:
        return validate_email(value, check_deliverability=False).normalized
    except EmailNotValidError as exc:
        raise BadValue(f"'{value}' is not an e-mail address: {exc}") from None


def read_phone(text: str) -> str:
    """A phone number: digits with + - ( ) . and spaces, maybe an extension."""
    value = normalized(text)
    if _SCIENTIFIC.fullmatch(value):
        raise BadValue(f"'{value}' is a number Excel rounded; format the column as Text and export again")
    if len(value) > 40 or not _PHONE.fullmatch(value) or sum(c.isdigit() for c in value) < 5:
        raise BadValue(f"'{value}' is not a phone number")
    return value


def whole_number(text: str) -> int:
    """A whole number of 0 or more."""
    value = normalized(text).replace(",", "")
    if not value.isdigit() or len(value) > 12:
        raise BadValue(f"'{text}' is not a whole number")
    return int(value)


def code_reader(attribute: str, values: Iterable[tuple[str, Iterable[str]]]) -> Callable[[str], str]:
    """A reader for a segment attribute: a value's code, or its name in any language (any case)."""
    declared = [(code, tuple(names)) for code, names in values]
    codes = [code for code, _ in declared]
    lookup = {normalized(code).casefold(): code for code in reversed(codes)}  # codes win over names
    for code, names in declared:
        for name in names:
            lookup.setdefault(normalized(name).casefold(), code)

    def read(text: str) -> str:
        found = lookup.get(normalized(text).casefold())
        if found is None:
            raise BadValue(f"'{text}' is not a {attribute} (use one of: {', '.join(codes)})")
        return found

    return read
