"""What can go wrong in an exchange, and how each problem is reported."""

from dataclasses import dataclass


class BadValue(Exception):
    """A cell that cannot be read; the message says why and what would be right."""


class ExchangeError(Exception):
    """Nothing can be imported or exported at all; the message says why."""


class FileError(ExchangeError):
    """The file as a whole cannot be read (not UTF-8, not JSON, no header)."""


@dataclass(frozen=True)
class RowError:
    line: int
    column: str
    message: str

    def __str__(self):
        where = f"line {self.line}" + (f", column {self.column}" if self.column else "")
        return f"{where}: {self.message}"
