"""Reading a customers CSV file the way Excel saves it, one row at a time.

``open_customer_csv(binary_file, journey)`` checks the encoding and the header
(raising :class:`CustomerFileError`); its ``rows()`` generator then yields a
:class:`CustomerRow` for each good row and one :class:`RowProblem` per bad
value of a bad row. Line numbers are physical lines of the file, counting a
``sep=`` line and every line of a quoted value that spans several.
"""

from __future__ import annotations

import csv
import itertools
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import BinaryIO

from touchloop.customer_lines import ENCODING_MESSAGE, CustomerFileError, Lines, RowProblem
from touchloop.customer_values import (
    BadValue,
    code_reader,
    date_reader,
    limited,
    normalized,
    read_email,
    read_external_id,
    read_money,
    read_phone,
    whole_number,
)
from touchloop.journey import Journey

__all__ = ["COLUMNS", "CustomerCsv", "CustomerFileError", "CustomerRow", "RowProblem", "open_customer_csv"]

COLUMNS = (
    "external_id",
    "name",
    "email",
    "phone",
    "region",
    "industry",
    "customer_since",
    "last_purchase",
    "annual_value",
    "tier",
    "lifecycle",
    "representative",
)
REQUIRED = ("external_id", "name")
DERIVED = ("years_as_customer",)  # worked out from customer_since, never imported
ALIASES = {
    "customer number": "external_id",
    "customer id": "external_id",
    "e-mail": "email",
    "客户编号": "external_id",
    "客户编码": "external_id",
    "客户名称": "name",
    "姓名": "name",
    "邮箱": "email",
    "电子邮箱": "email",
    "电话": "phone",
    "手机": "phone",
    "手机号": "phone",
    "地区": "region",
    "区域": "region",
    "行业": "industry",
    "合作开始日期": "customer_since",
    "客户起始日期": "customer_since",
    "最近购买日期": "last_purchase",
    "年度价值": "annual_value",
    "年贸易额": "annual_value",
    "客户等级": "tier",
    "生命周期": "lifecycle",
    "客户代表": "representative",
}


@dataclass(frozen=True)
class CustomerRow:
    """One good row of the file; ``extra`` holds further segment attributes of journey.yaml."""

    line: int
    external_id: str
    name: str
    email: str | None = None
    phone: str | None = None
    region: str | None = None
    industry: str | None = None
    customer_since: date | None = None
    last_purchase: date | None = None
    annual_value: Decimal | None = None
    tier: str | None = None
    lifecycle: str | None = None
    representative: str | None = None
    extra: dict[str, str | int] = field(default_factory=dict, hash=False)


@dataclass(frozen=True)
class _Schema:
    """What columns a journey allows: a reader per field, and header spellings per field."""

    readers: dict[str, Callable[[str], object]]
    aliases: dict[str, str]
    derived: frozenset[str]


def header_key(title: str) -> str:
    """A header as compared: any case, with spaces, underscores and hyphens alike."""
    return re.sub(r"[\s_\-]+", "_", normalized(title).casefold()).strip("_")


def _schema(journey: Journey, today: date) -> _Schema:
    """The readers and header spellings for ``journey``'s segment attributes."""
    dates = date_reader(today)
    readers: dict[str, Callable[[str], object]] = {
        "external_id": read_external_id,
        "name": limited(200),
        "email": read_email,
        "phone": read_phone,
        "customer_since": dates,
        "last_purchase": dates,
        "annual_value": read_money,
        "representative": read_email,
    }
    aliases = {header_key(title): column for title, column in ALIASES.items()}
    derived = set()
    for attribute in journey.segments:
        keys = {header_key(attribute.code), *map(header_key, attribute.name.values())}
        if attribute.code in DERIVED:
            derived |= keys
            continue
        values = [(value.code, value.name.values()) for value in attribute.values]
        readers[attribute.code] = code_reader(attribute.code, values) if values else whole_number
        aliases.update({key: attribute.code for key in keys if key not in aliases})
    aliases.update({header_key(column): column for column in readers})
    return _Schema(readers, aliases, frozenset(derived - aliases.keys()))


class CustomerCsv:
    """A customers file whose header was accepted; ``rows()`` reads the rest once."""

    def __init__(self, lines: Lines, reader, titles: list[str], fields: tuple[str | None, ...], schema: _Schema):
        self._lines = lines
        self._reader = reader
        self._titles = {name: title.strip() for name, title in zip(fields, titles) if name}
        self._fields = fields
        self._schema = schema
        self.encoding = lines.encoding

    @property
    def columns(self) -> frozenset[str]:
        """The fields the file gives (codes such as ``email``), whatever its headers say."""
        return frozenset(name for name in self._fields if name)

    def rows(self) -> Iterator[CustomerRow | RowProblem]:
        """Each row in turn: a CustomerRow, or one RowProblem per thing wrong with it."""
        first_lines: dict[str, int] = {}
        while True:
            start = self._lines.count + 1
            try:
                cells = next(self._reader)
            except StopIteration:
                return
            except csv.Error as exc:
                yield RowProblem(start, None, _csv_message(str(exc)))
                continue
            if any(cell.strip() for cell in cells):
                yield from self._row(start, cells, first_lines)

    def _row(self, line: int, cells: list[str], first_lines: dict[str, int]) -> Iterator[CustomerRow | RowProblem]:
        """The row starting at ``line``, or its problems."""
        if self._lines.last_undecodable >= line:
            yield RowProblem(line, None, ENCODING_MESSAGE)
            return
        if self._lines.last_with_control >= line:
            yield RowProblem(line, None, "contains a control character (such as NUL); remove it and save again")
            return
        values, problems = self._values(line, cells)
        for name in REQUIRED:
            if name not in values and not any(p.column == self._titles[name] for p in problems):
                problems.append(RowProblem(line, self._titles[name], "is required"))
        external_id = values.get("external_id")
        if isinstance(external_id, str):
            first = first_lines.setdefault(external_id, line)
            if first != line:
                message = f"the customer number '{external_id}' is already used on line {first}"
                problems.append(RowProblem(line, self._titles["external_id"], message))
        if problems:
            yield from problems
            return
        extra = {name: value for name, value in values.items() if name not in COLUMNS}
        known = {name: value for name, value in values.items() if name in COLUMNS}
        yield CustomerRow(line=line, extra=extra, **known)  # type: ignore[arg-type]

    def _values(self, line: int, cells: list[str]) -> tuple[dict[str, object], list[RowProblem]]:
        """Each non-empty cell read by its column's reader."""
        values: dict[str, object] = {}
        problems: list[RowProblem] = []
        for position, cell in enumerate(cells):
            text = cell.strip()
            name = self._fields[position] if position < len(self._fields) else None
            if not text:
                continue
            if name is None:
                message = f"column {position + 1} has a value ({text[:40]!r}) but no header"
                problems.append(RowProblem(line, None, message))
                continue
            try:
                values[name] = self._schema.readers[name](text)
            except BadValue as exc:
                problems.append(RowProblem(line, self._titles[name], str(exc)))
        return values, problems


def open_customer_csv(binary: BinaryIO, journey: Journey, *, today: date | None = None) -> CustomerCsv:
    """Open a customers file: detect its encoding and delimiter, and check its header."""
    schema = _schema(journey, today or date.today())
    lines = Lines(binary)
    source = iter(lines)
    first = next(source, None)
    while first is not None and not first.strip():
        first = next(source, None)
    if first is None:
        raise CustomerFileError([RowProblem(max(lines.count, 1), None, "the file is empty")])
    separator = re.fullmatch(r"sep=(.)\s*", first.strip("\r\n"), re.IGNORECASE)
    header = next(source, None) if separator else first
    if header is None:
        raise CustomerFileError([RowProblem(lines.count, None, "the file has no header row")])
    delimiter = separator[1] if separator else _sniff(header)
    reader = csv.reader(itertools.chain([header], source), delimiter=delimiter, strict=True)
    try:
        titles = next(reader)
    except csv.Error as exc:
        raise CustomerFileError([RowProblem(lines.count, None, _csv_message(str(exc)))]) from None
    if lines.last_undecodable:
        raise CustomerFileError([RowProblem(lines.count, None, ENCODING_MESSAGE)])
    fields = _match_header(titles, schema, lines.count, guessed_encoding=lines.encoding == "gb18030")
    return CustomerCsv(lines, reader, titles, fields, schema)


def _sniff(header: str) -> str:
    """The delimiter the header line uses most: comma, semicolon or tab (comma on a tie)."""
    return max((",", ";", "\t"), key=header.count)


def _match_header(titles: list[str], schema: _Schema, line: int, *, guessed_encoding: bool) -> tuple[str | None, ...]:
    """The field of each column (None for an empty header); raise on unknown, repeated or missing columns."""
    keys = [header_key(title) for title in titles]
    fields = tuple(schema.aliases.get(key) if key else None for key in keys)
    unknown = [title.strip() for title, key, name in zip(titles, keys, fields) if key and name is None]
    if unknown and guessed_encoding:  # GBK was a guess; a header it cannot make sense of refutes it
        raise CustomerFileError([RowProblem(line, None, ENCODING_MESSAGE)])
    problems = [RowProblem(line, None, message) for message in _unknown_messages(unknown, schema)]
    seen: dict[str, int] = {}
    for position, name in enumerate(fields, start=1):
        if name and name in seen:
            message = f"columns {seen[name]} and {position} both give '{name}'; keep one of them"
            problems.append(RowProblem(line, titles[position - 1].strip(), message))
        seen.setdefault(name or "", position)
    missing = [name for name in REQUIRED if name not in fields]
    if missing:
        problems.append(RowProblem(line, None, f"required column(s) missing: {', '.join(missing)}"))
    if problems:
        raise CustomerFileError(problems)
    return fields


def _unknown_messages(unknown: Sequence[str], schema: _Schema) -> list[str]:
    """Messages for headers that name no known column."""
    messages = [
        f"'{title}' is worked out from customer_since; leave the column out"
        for title in unknown
        if header_key(title) in schema.derived
    ]
    rest = [title for title in unknown if header_key(title) not in schema.derived]
    if rest:
        known = ", ".join(dict.fromkeys([*COLUMNS, *schema.readers]))
        listed = ", ".join(f"'{title}'" for title in rest)
        messages.append(f"unknown column(s) {listed}; the known columns are {known} (or their Chinese names)")
    return messages


def _csv_message(error: str) -> str:
    """A csv module error, said in terms of the file."""
    if "unexpected end of data" in error:
        return "a quoted value starts in this row and is never closed (a '\"' is missing)"
    if "expected after" in error:
        return "a value with a '\"' must be wholly in quotes, with each '\"' inside written twice"
    return f"this row cannot be read as CSV ({error})"
