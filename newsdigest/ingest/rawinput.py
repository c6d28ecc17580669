"""Read one raw input (a file or standard input): refuse what is not an article, decode what is, say how."""

from __future__ import annotations

import codecs
import os
import re
import stat
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO

from ..errors import SiteError
from ..text import CONTROL_CHARACTERS

MAX_BYTES = 20 * 1024 * 1024
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
TEXT_SUFFIXES = {".txt", ".text"}
_BOMS = ((codecs.BOM_UTF8, "utf-8-sig", "UTF-8 with a byte-order mark"),
         (codecs.BOM_UTF16_LE, "utf-16", "UTF-16 (little-endian)"),
         (codecs.BOM_UTF16_BE, "utf-16", "UTF-16 (big-endian)"))
# One-byte charsets by the names _codec gives (it reads Latin-1 and ASCII as Windows-1252).
_ONE_BYTE = {"cp1252", "iso8859-15", "cp1250", "cp1251", "iso8859-2"}
_DECLARED_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w.:-]+)""", re.IGNORECASE)
# A page starts with its markup: comments, and scripts, styles, meta and link tags that some sites send
# before <html>, then the doctype, <html>, <head> or <body>.
HTML_START_WINDOW = 200_000
_HTML_START = re.compile(
    r"^\s*(?:(?:<!--.*?-->|<(script|style)\b.*?</\1\s*>|<(?:meta|link)\b[^>]*>)\s*)*"
    r"<(?:!doctype\s+html|html|head|body)\b", re.IGNORECASE | re.DOTALL
)


@dataclass(frozen=True)
class Origin:
    """Where a fetched input came from: its final URL, what its source adds, the date the source gave it."""

    url: str = ""
    topics: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    listed: datetime | None = None


@dataclass(frozen=True)
class RawInput:
    name: str
    data: bytes
    text: str
    encoding: str
    is_html: bool
    modified: datetime | None
    origin: Origin = Origin()


def read_path(path: Path, limit: int = MAX_BYTES) -> RawInput:
    """A saved page or text; never more than `limit` bytes read, and nothing read from what is not a regular
    file (a device such as /dev/zero would never end, a pipe might never begin)."""
    # Opened without waiting: opening a pipe for reading would wait for a writer.
    descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    with os.fdopen(descriptor, "rb") as handle:
        status = os.fstat(descriptor)
        if not stat.S_ISREG(status.st_mode):
            raise SiteError(path, "not a regular file (a device, a pipe or a socket); skipped",
                            "give a saved page or text file, or - for standard input")
        too_large = SiteError(path, f"the file is {status.st_size / 1024 / 1024:.0f} MB, too large for an "
                              "article", f"give the article's page or text (at most {limit // 2**20} MB)")
        if status.st_size > limit:
            raise too_large
        data = handle.read(limit + 1)
    if len(data) > limit:  # it grew as it was read
        raise too_large
    modified = datetime.fromtimestamp(status.st_mtime, tz=UTC)
    return decode(path.name, data, path.suffix.lower(), modified)


def read_stream(stream: BinaryIO, limit: int = MAX_BYTES) -> RawInput:
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise SiteError("<stdin>", "standard input is too large for an article",
                        f"give the article's page or text (at most {limit // 1024 // 1024} MB)")
    return decode("<stdin>", data, "", None)


def decode(name: str, data: bytes, suffix: str, modified: datetime | None, charset: str = "",
           origin: Origin = Origin()) -> RawInput:
    """The input as text; `charset` is what a server declared, tried before the page's own declaration."""
    if not data.strip():
        raise SiteError(name, "the file is empty", "give a file that holds an article")
    text, encoding = _decoded_as_declared(data, charset) or _decode_bytes(name, data)
    if not text.strip():
        raise SiteError(name, f"the file decodes ({encoding}) to nothing but blank space",
                        "give a file that holds an article")
    sample = text[:65536]
    # Replacement characters count too: they are bytes that no encoding tried could read.
    if len(CONTROL_CHARACTERS.findall(sample)) + sample.count("\ufffd") > 0.05 * len(sample):
        raise SiteError(name, "this is not text: more than 5% of its characters are control characters",
                        "give the article as a .txt or a saved .html page")
    is_html = suffix in HTML_SUFFIXES or (
        suffix not in TEXT_SUFFIXES and bool(_HTML_START.match(text[:HTML_START_WINDOW]))
    )
    return RawInput(name, data, text, encoding, is_html, modified, origin)


def _decoded_as_declared(data: bytes, charset: str) -> tuple[str, str] | None:
    """The bytes in the server's charset, unless they do not decode in it, or it names a one-byte charset
    while the bytes are valid UTF-8 with letters beyond ASCII (a server's default label on a UTF-8 page)."""
    codec = _codec(charset) if charset else None
    if not codec or any(data.startswith(bom) for bom, _, _ in _BOMS):
        return None
    if codec in _ONE_BYTE and not data.isascii():
        try:
            return data.decode("utf-8"), \
                f"UTF-8, detected: the server declared {charset}, but the bytes are UTF-8"
        except UnicodeDecodeError:
            pass
    try:
        text = data.decode(codec)
    except UnicodeDecodeError:
        return None
    return text, f"{codec} (declared by the server)"


def _decode_bytes(name: str, data: bytes) -> tuple[str, str]:
    for bom, codec, label in _BOMS:
        if data.startswith(bom):
            return data.decode(codec), label
    if b"\x00" in data[:8192]:
        raise SiteError(name, "this is a binary file, not text or HTML",
                        "give the article as a .txt or a saved .html page")
    declared = _DECLARED_CHARSET.search(data[:4096])
    if declared:
        codec = _codec(declared.group(1).decode("ascii", "replace"))
        if codec:
            try:
                return data.decode(codec), f"{codec} (declared by the page)"
            except UnicodeDecodeError:
                pass
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        pass
    # Latin-1 text has no use for bytes 0x80-0x9F; Windows-1252 puts its curly quotes and dashes there.
    if re.search(rb"[\x80-\x9f]", data):
        text = data.decode("cp1252", errors="replace")
        if "\ufffd" not in text:
            return text, "Windows-1252 (cp1252), detected: not valid UTF-8"
    return data.decode("latin-1"), "Latin-1 (ISO-8859-1), detected: not valid UTF-8"


def _codec(label: str) -> str | None:
    try:
        name = codecs.lookup(label).name
    except LookupError:
        return None
    # Browsers read pages labelled Latin-1 as Windows-1252, and so do we.
    return "cp1252" if name in ("latin_1", "iso8859-1", "ascii") else name
