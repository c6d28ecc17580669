"""The one exception type for problems a user can fix, and how it is printed."""

from __future__ import annotations

import errno
import sqlite3
from dataclasses import dataclass
from pathlib import Path

# A write refused for want of room: the disk, or the user's share of it.
_DISK_FULL = (errno.ENOSPC, errno.EDQUOT)


@dataclass
class SiteError(Exception):
    """A problem in the user's input: which file, which line, what is wrong, what to do."""

    path: Path | str
    problem: str
    hint: str = ""
    line: int | None = None

    def __reduce__(self):
        # Errors travel back from worker processes; an Exception's default pickling would lose the fields.
        return (SiteError, (self.path, self.problem, self.hint, self.line))

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else f"{self.path}"
        text = f"{where}: {self.problem}"
        return f"{text} -- {self.hint}" if self.hint else text


def disk_full(error: BaseException, where: Path | str) -> SiteError | None:
    """The error for a write that failed because the disk is full (`where` names what was being written
    where the error does not), or None for any other failure."""
    hint = "free some space (or write elsewhere), and run the command again"
    if isinstance(error, OSError) and error.errno in _DISK_FULL:
        return SiteError(error.filename or where, f"cannot write: {error.strerror} (disk full)", hint)
    if isinstance(error, sqlite3.OperationalError) and "disk is full" in str(error):
        return SiteError(where, f"cannot write: {error} (disk full)", hint)
    return None


def not_utf8(path: Path | str, error: UnicodeDecodeError, hint: str) -> SiteError:
    """The error for a file that is not UTF-8: its first bad byte, and the line it is on."""
    data = error.object
    return SiteError(path, f"not UTF-8 text (byte 0x{data[error.start]:02x})", hint,
                     data[:error.start].count(b"\n") + 1)


def line_of_key(text: str, key: str) -> int | None:
    """The 1-based line of a top-level YAML key in a front matter file, if it is there."""
    for number, line in enumerate(text.splitlines(), start=1):
        if line.startswith(f"{key}:"):
            return number
    return None
