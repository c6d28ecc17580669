"""The site's files: which the build, ingest and retag may read, the content folder's scan, and a file written
whole or not at all.

A file may be read when it lies, once links are resolved, inside the site's folder or inside the content,
static and templates folders site.toml names. A link that leads anywhere else (the build's environment in
/proc, /etc/passwd, another project's files) is passed over with a warning, never published."""

from __future__ import annotations

import os
import re
import secrets
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

from .config import Config
from .content import relative_name
from .errors import SiteError

# Characters no file name of a site's should hold: C0 controls (a line break, a tab, an escape), DEL and C1.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")
_CONTROL_BYTES = bytes(range(32)) + b"\x7f"


def _name_problem(name: str) -> str:
    """What is wrong with a file or folder name as part of a site (its pages, the manifest's lines, the
    cache's keys are text), or ''."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return "a name that is not UTF-8 text"
    if _CONTROL.search(name):
        return "a name holding a control character (a line break, a tab, an escape)"
    return ""


def name_problems(names: list[str]) -> dict[str, str]:
    """The names of a folder's entries that have a problem, with it. The names are looked through together
    first, as bytes (a large content folder's are nearly always all fine), each alone only where that finds
    a name not UTF-8, a C0 control or DEL, or a character that C1 controls share their first byte with."""
    try:
        encoded = "/".join(names).encode("utf-8")  # '/' is in no name
    except UnicodeEncodeError:
        encoded = b"\0"
    if b"\xc2" not in encoded and len(encoded.translate(None, _CONTROL_BYTES)) == len(encoded):
        return {}
    return {name: problem for name in names if (problem := _name_problem(name))}


def bad_name(relative: str, problem: str) -> SiteError:
    """The warning for a name with a problem, the name shown escaped on one line."""
    text = relative.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    shown = "".join(c if c.isprintable() else c.encode("unicode_escape").decode("ascii") for c in text)
    return SiteError(shown, f"{problem}; skipped", "rename it, with letters, digits and punctuation alone")


def input_roots(config: Config) -> tuple[str, ...]:
    """The folders, resolved, that what a build reads may lie in."""
    folders = (config.root, config.path("content"), config.path("static"), config.path("templates"))
    return tuple(dict.fromkeys(os.path.realpath(folder) for folder in folders))


def leads_outside(path: str, roots: tuple[str, ...]) -> str:
    """Where the path leads, resolved, if that lies outside every root; else ''."""
    real = os.path.realpath(path)
    return "" if any(real == root or real.startswith(root + os.sep) for root in roots) else real


def link_out(relative: str, target: str) -> SiteError:
    return SiteError(relative, f"a link to {target}, outside the site; not read",
                     "copy what it links to into the site, or remove the link")


def files_inside(folder: Path, roots: tuple[str, ...], shown_as: str
                 ) -> Iterator[tuple[str, str] | SiteError]:
    """Each file under the folder as (path, path relative to the folder), folder by folder in the order of
    names, and a warning for each name that is not text and each link that leads out of the roots (folders it
    leads to are not entered). Links that stay inside are followed, each folder entered once."""
    seen = {os.path.realpath(folder)}
    pending = [(str(folder), "")]
    while pending:
        current, relative = pending.pop(0)
        try:
            entries = sorted(os.scandir(current), key=lambda entry: entry.name)
        except OSError:  # a folder that cannot be read is passed over, as os.walk does
            continue
        problems = name_problems([entry.name for entry in entries])
        for entry in entries:
            name = f"{relative}{entry.name}"
            if entry.name in problems:
                yield bad_name(f"{shown_as}/{name}", problems[entry.name])
                continue
            if entry.is_symlink():
                target = leads_outside(entry.path, roots)
                if target:
                    yield link_out(f"{shown_as}/{name}", target)
                    continue
            if entry.is_dir():
                real = os.path.realpath(entry.path)
                if real not in seen:
                    seen.add(real)
                    pending.append((entry.path, f"{name}/"))
            elif entry.is_file():
                yield entry.path, name


class ContentFile(NamedTuple):
    """A content file as the scan saw it (a tuple: a scan makes one per article, a hundred thousand at a
    time)."""

    path: str
    relative: str
    mtime_ns: int
    size: int


def scan_content(config: Config) -> tuple[list[ContentFile], list[SiteError]]:
    """Every content file with its size and time, in the order of their paths compared part by part (run
    before every build and by ingest), and a warning for each .md entry that is not a readable regular file.

    Hidden files are skipped, as other generators do: editors keep their lock and swap files there. A link
    that leads out of the site is not read (see leads_outside).
    """
    root = config.path("content")
    prefix = relative_name(root, config.root)
    roots = input_roots(config)
    found, skipped = [], []
    folders = [(str(root), prefix)] if root.is_dir() else []
    while folders:
        folder, relative_folder = folders.pop()
        try:
            entries = list(os.scandir(folder))
        except OSError:  # a folder that cannot be read is passed over, as os.walk does
            continue
        problems = name_problems([entry.name for entry in entries])
        for entry in entries:
            if entry.name.startswith("."):
                continue
            relative = f"{relative_folder}/{entry.name}"
            if entry.name in problems:
                skipped.append(bad_name(relative, problems[entry.name]))
                continue
            # A link to a folder is not followed, as os.walk does not.
            if entry.is_dir(follow_symlinks=False):
                folders.append((entry.path, relative))
                continue
            linked = entry.is_symlink()
            if not entry.name.endswith(".md") and not (linked and entry.is_dir()):
                continue
            target = leads_outside(entry.path, roots) if linked else ""
            if target:
                skipped.append(link_out(relative, target))
                continue
            try:
                status = entry.stat()
            except OSError:
                skipped.append(SiteError(relative, "a link to a file that does not exist; skipped",
                                         "remove the link or create the file it points to"))
                continue
            if stat.S_ISDIR(status.st_mode):
                continue
            if not stat.S_ISREG(status.st_mode):
                skipped.append(SiteError(relative, "not a regular file (a pipe, socket or device); skipped",
                                         "remove it from the content folder"))
                continue
            found.append(ContentFile(entry.path, relative, status.st_mtime_ns, status.st_size))
    # The order of Path objects (part by part): with the separator as the least character, the names compare
    # as their parts do.
    found.sort(key=lambda f: f.relative.replace("/", "\0"))
    return found, sorted(skipped, key=lambda e: str(e.path))


def write_file_atomically(path: Path, data: bytes) -> None:
    """Replace a file whole or not at all: a full disk or a kill never leaves it truncated or empty."""
    temporary = path.parent / f".{path.name}.{secrets.token_hex(6)}.tmp"
    # Made as any new file is (the umask decides its mode); a file replaced keeps the mode it had.
    handle = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        if path.exists():
            os.fchmod(handle, path.stat().st_mode & 0o7777)
        with os.fdopen(handle, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
