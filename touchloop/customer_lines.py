"""The lines of an uploaded text file: its encoding guessed, each physical line counted.

Excel saves CSV as UTF-8 (with a BOM) or, in Chinese Windows, as GBK. The first
64 KiB decide: if most of its lines with non-ASCII bytes are valid UTF-8, the
file is UTF-8, else GB18030 (a superset of GBK), which the header must then
confirm. A file that was plain ASCII so far may still turn out to be GBK further
down, and then switches over; any other line that does not decode is refused.
"""

from __future__ import annotations

import codecs
import io
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import BinaryIO

ENCODING_MESSAGE = "the file is not UTF-8 or GBK text; save it as 'CSV UTF-8' in Excel"
SAMPLE_SIZE = 64 * 1024
_WORKBOOK_SIGNATURES = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0")  # .xlsx (a zip) and the old .xls
_AFTER_LONE_CR = re.compile(r"(?<=\r)(?!\n)")


@dataclass(frozen=True)
class RowProblem:
    """Something wrong at a physical line of the file (and a column, if one is to blame)."""

    line: int
    column: str | None
    message: str

    def __str__(self) -> str:
        where = f"line {self.line}: {self.column}" if self.column else f"line {self.line}"
        return f"{where}: {self.message}"


class CustomerFileError(ValueError):
    """The file as a whole cannot be read (encoding, header); nothing in it is used."""

    def __init__(self, problems: Sequence[RowProblem]):
        super().__init__("; ".join(str(problem) for problem in problems))
        self.problems = tuple(problems)


class _Replayed(io.RawIOBase):
    """The bytes already read to guess the encoding, then the rest of the file."""

    def __init__(self, head: bytes, rest: BinaryIO):
        self._head = head
        self._rest = rest

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        if self._head:
            size = min(len(buffer), len(self._head))
            buffer[:size], self._head = self._head[:size], self._head[size:]
            return size
        data = self._rest.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def guess_encoding(head: bytes) -> str:
    """'utf-8' or 'gb18030' for a file starting with ``head``; raise for what is no text file at all."""
    if head.startswith(_WORKBOOK_SIGNATURES):
        message = "this is an Excel workbook, not a CSV file; in Excel choose Save As, then 'CSV UTF-8'"
        raise CustomerFileError([RowProblem(1, None, message)])
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or b"\x00" in head:
        raise CustomerFileError([RowProblem(1, None, ENCODING_MESSAGE)])
    # Most lines with non-ASCII bytes decide: a GBK line is valid UTF-8 only by rare coincidence,
    # and a UTF-8 file with a few broken lines should have just those lines refused.
    foreign = [line for line in head.split(b"\n") if not line.isascii()]
    utf8 = sum(_is_utf8(line) for line in foreign)
    return "utf-8" if utf8 * 2 >= len(foreign) else "gb18030"


def _is_utf8(line: bytes) -> bool:
    """True if ``line`` is UTF-8 (allowing a character cut off at its end, where the sample ends)."""
    try:
        codecs.getincrementaldecoder("utf-8")().decode(line, final=False)
    except UnicodeDecodeError:
        return False
    return True


class Lines:
    """Iterate over the decoded physical lines of a binary file, keeping count.

    ``count`` is the number of lines handed out so far; ``last_undecodable`` the
    number of the last line that was not text in the file's encoding (0: none).
    """

    def __init__(self, binary: BinaryIO):
        head = binary.read(SAMPLE_SIZE)
        self.encoding = guess_encoding(head)
        self._may_switch = self.encoding == "utf-8" and head.isascii()
        self._raw = io.BufferedReader(_Replayed(head, binary), buffer_size=SAMPLE_SIZE)
        self.count = 0
        self.last_undecodable = 0
        self.last_with_control = 0  # a line with NUL or another control character (no database stores NUL)

    def __iter__(self) -> Iterator[str]:
        for raw in self._raw:
            if self.count == 0 and raw.startswith(codecs.BOM_UTF8):
                raw = raw[len(codecs.BOM_UTF8) :]
            text = self._decode(raw)
            # Lines end in \n or \r\n; a lone \r (old Mac files) ends a line too.
            for piece in _AFTER_LONE_CR.split(text) if "\r" in text.rstrip("\r\n") else (text,):
                if piece:
                    self.count += 1
                    yield piece

    def _decode(self, raw: bytes) -> str:
        """One line as text; an undecodable line is noted and decoded with replacement characters."""
        try:
            text = raw.decode(self.encoding)
        except UnicodeDecodeError:
            if not self._may_switch:
                self.last_undecodable = self.count + 1
                return raw.decode(self.encoding, errors="replace")
            self.encoding, self._may_switch = "gb18030", False
            return self._decode(raw)
        if self._may_switch and not raw.isascii():
            self._may_switch = False
        if self.encoding == "gb18030" and not raw.isascii() and _is_utf8(raw):
            # A UTF-8 line in a GBK file would decode into the wrong characters: refuse it instead.
            self.last_undecodable = self.count + 1
        if _CONTROL.search(text):
            self.last_with_control = self.count + 1
        return text
