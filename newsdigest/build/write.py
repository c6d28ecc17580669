"""Write the output safely: the build owns only the files its manifest lists, stages new files beside output/,
and commits them through a journal, so that a killed build is finished or rolled back by the next one."""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import secrets
import shutil
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

from ..config import Config, not_a_folder
from ..errors import SiteError
from ..files import write_file_atomically

# The list of files the build wrote into an output folder: the only files it will ever replace or delete.
MANIFEST = ".newsdigest-manifest"
_MANIFEST_HEADER = (
    "# Files written by newsdigest. A build deletes only files listed here; others are left alone.\n"
)
# Kept in an output folder on purpose by its owner, even by --clean: a Pages domain, a checkout to publish
# from.
KEPT = frozenset({"CNAME", ".git"})
# Written into a staging folder once every file is staged: its presence means "commit this".
JOURNAL = ".commit-journal"
# Where a build into an existing output folder stages its files, each by a flat name (see _staged_path).
FLAT = ".staged"
# Up to this many changed files are flushed each by itself; more, by one sync of everything, which also waits
# for whatever else the system has still to write.
FSYNC_EACH_UP_TO = 1000
# An fsync waits on the disk, not on Python, and the file system commits several together: threads flush
# many files in less time than one after another.
FSYNC_THREADS = 16


def _inside(root: Path, relative: str) -> Path:
    """root/relative, refusing a path that would leave root (slugs are checked; this guards against bugs)."""
    if not _stays_inside(relative):
        raise ValueError(f"output path {relative!r} escapes the output folder")
    return root / relative


def _stays_inside(relative: str) -> bool:
    parts = relative.split("/")
    return not (
        relative.startswith("/") or ".." in parts or "" in parts or "\\" in relative or "\0" in relative
    )


# What a line that _stays_inside refuses holds, in text of lines: a slash that starts or ends a line, an
# empty part, "..", a backslash or NUL.
_ESCAPE_MARKS = ("\n/", "/\n", "//", "..", "\\", "\0")


def _all_inside(text: str) -> bool:
    """Whether every line of the text is a path that _stays_inside, by a few searches of the whole text (a
    line being checked only when this says no)."""
    return not (text.startswith("/") or text.endswith("/") or any(mark in text for mark in _ESCAPE_MARKS))


# Folders made in the current staging folder (cleared with each new one): a build writes thousands of files
# into a few hundred folders.
_made_folders: set[Path] = set()


def _ensure_folder(folder: Path) -> None:
    """mkdir -p, remembered for the staging folder of this build."""
    if folder not in _made_folders:
        folder.mkdir(parents=True, exist_ok=True)
        _made_folders.add(folder)


def check_output_folder(output: Path, config: Config) -> None:
    """Refuse an output folder that is the site, holds it, or holds or lies in one of the folders the build
    reads (content, static files, templates) or its cache: a build would overwrite or delete them, or copy
    the site into itself."""
    output, site_root, content = output.resolve(), config.root.resolve(), config.path("content").resolve()
    if output == site_root or site_root.is_relative_to(output) or content.is_relative_to(output):
        raise SiteError(output, "the output folder holds the site itself (site.toml, content/)",
                        "build into a folder of its own, e.g. --output output")
    for name in ("content", "static", "templates", "cache"):
        folder = config.path(name).resolve()
        if output.is_relative_to(folder) or folder.is_relative_to(output):
            where = "lies in" if output.is_relative_to(folder) and output != folder else "is or holds"
            raise SiteError(output, f"the output folder {where} the site's {name} folder ({folder})",
                            "build into a folder of its own, e.g. --output output")
    blocked = not_a_folder(output)
    if blocked is not None:
        raise SiteError(output, f"the output folder cannot be made: {blocked} is not a folder",
                        "build into a folder, e.g. --output output")


def owned_files(output: Path, clean: bool) -> list[str]:
    """The files of an output folder that the build may replace or delete.

    Those the manifest lists, or with `clean` every file but the kept ones. A folder with files but no
    manifest was not made by newsdigest, and the build refuses it rather than delete what it did not make.
    """
    if (output / MANIFEST).is_file():
        return _manifest_paths(output / MANIFEST)
    present = files_in(output) if output.is_dir() else []
    if present and not clean:
        shown = ", ".join(present[:3]) + (", …" if len(present) > 3 else "")
        raise SiteError(
            output,
            f"the output folder holds {len(present)} file(s) that newsdigest did not write ({shown})",
            "build into an empty or new folder, or pass --clean to empty this one (CNAME and .git are kept)",
        )
    return [p for p in present if p.split("/")[0] not in KEPT]


def _manifest_paths(manifest: Path) -> list[str]:
    text = manifest.read_text(encoding="utf-8", errors="replace")
    # A manifest of a hundred thousand paths is checked as a whole, path by path only when that fails.
    listed = [p for p in text.split("\n") if p and not p.startswith("#")]
    return listed if _all_inside(text) else [p for p in listed if _stays_inside(p)]


def listed_files(output: Path) -> list[str]:
    """The files the manifest lists that are in output/ as the build wrote them: regular files, reached
    without passing through a link, inside the folder."""
    root = os.path.realpath(output)
    manifest = Path(root) / MANIFEST
    found = []
    for relative in _manifest_paths(manifest) if manifest.is_file() else []:
        path = os.path.join(root, relative)
        if os.path.realpath(path) == os.path.normpath(path) and os.path.isfile(path):
            found.append(relative)
    return found


def manifest_bytes(paths: Iterable[str]) -> bytes:
    return (_MANIFEST_HEADER + "".join(f"{p}\n" for p in sorted(paths))).encode("utf-8")


def files_in(folder: Path) -> list[str]:
    """Every file under a folder, as sorted relative paths (links are listed, never followed)."""
    found = []
    for current, folders, files in os.walk(folder):
        base = Path(current).relative_to(folder).as_posix()
        found += [name if base == "." else f"{base}/{name}" for name in files + [d for d in folders
                  if os.path.islink(os.path.join(current, d))]]
    return sorted(found)


def new_staging(output: Path) -> Path:
    """A new, empty staging folder beside output/, with the mode the umask gives every folder (a first build's
    staging folder becomes output/ itself; tempfile's would be private to its owner)."""
    output = output.resolve()
    output.parent.mkdir(parents=True, exist_ok=True)
    _made_folders.clear()
    while True:
        staging = output.parent / f"{_staging_prefix(output)}{secrets.token_hex(6)}"
        try:
            staging.mkdir()
            return staging
        except FileExistsError:
            continue


def _staging_prefix(output: Path) -> str:
    return f".{output.name}-new-"


def write_if_changed(staging: Path, output: Path, relative: str, data: bytes) -> bool:
    """Stage a file unless output/ already holds these very bytes; returns whether it was staged."""
    target = _staged_path(staging, relative, flat=os.path.isdir(output))
    current = os.path.join(output, relative)
    if os.path.isfile(current) and os.path.getsize(current) == len(data):
        with open(current, "rb") as handle:
            if handle.read() == data:
                return False
    _ensure_folder(target.parent)
    with open(target, "wb") as handle:
        handle.write(data)
    return True


def _staged_path(staging: Path, relative: str, flat: bool) -> Path:
    """Where a file is staged: for a new output folder, at its own path (the staging folder becomes the output
    folder); for an existing one, by a flat name, since copying the output's folders into the staging folder
    costs a mkdir for each folder a changed file is in, a large part of a small rebuild."""
    target = _inside(staging, relative)
    if not flat:
        return target
    name = hashlib.blake2b(relative.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()
    return staging / FLAT / name


def _staged_source(staging: Path, relative: str) -> Path:
    """Where a file was staged, by either layout (an output folder may have appeared while the build ran)."""
    flat = _staged_path(staging, relative, flat=True)
    return flat if flat.exists() else _inside(staging, relative)


def commit_changes(staging: Path, output: Path, changed: list[str], stale: Iterable[str]) -> int:
    """Move the staged files into output/ and delete the stale ones; returns how many were deleted.

    A new output folder is the staging folder renamed. Otherwise the staged files are flushed to disk and a
    journal naming every move and deletion is written before the first of them, so that a build killed
    half-way is finished by the next (`recover`). Unchanged files are not touched and keep their times.
    """
    output = output.resolve()
    if not output.exists():
        if not (staging / FLAT).exists():
            staging.rename(output)
            return 0
        output.mkdir()  # removed while the build ran: its files are made again next time (missing.py)
    try:
        _refuse_links_on_the_way(output, changed)
    except SiteError:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    stale = [p for p in stale if _stays_inside(p)]
    _flush_staged(staging, changed)
    # Written aside and renamed: a journal is there whole, or not at all (a build killed before it is, is
    # rolled back by the next, which removes its staging folder).
    plan = {"changed": changed, "stale": stale}
    write_file_atomically(staging / JOURNAL, json.dumps(plan).encode("utf-8"))
    _flush(staging)
    return _apply_journal(staging, output, plan)


def _refuse_links_on_the_way(output: Path, changed: list[str]) -> None:
    """Stop, before anything is moved, if a folder of output/ that a file goes into is a link: a build never
    writes through one (a folder replaced by a link to another place would have that place overwritten)."""
    root = os.path.realpath(output)
    for folder in sorted({relative.rpartition("/")[0] for relative in changed} - {""}):
        if os.path.realpath(os.path.join(root, folder)) != os.path.join(root, folder):
            parts = folder.split("/")
            link = next(Path(root, *parts[:n]) for n in range(1, len(parts) + 1)
                        if os.path.islink(os.path.join(root, *parts[:n])))
            raise SiteError(link, f"a link to {os.path.realpath(link)}: a build never writes through a link",
                            "remove the link and build again: the build makes the folder itself")


def _flush_staged(staging: Path, changed: list[str]) -> None:
    """The staged files on disk before the journal that names them: a daily build's hundreds each by its own
    fsync, several at a time; thousands by one flush of the whole system, which also waits for whatever else
    is being written (right after a cold build, all of its output: a second at 10,000 articles)."""
    if len(changed) > FSYNC_EACH_UP_TO:
        os.sync()
        return
    with ThreadPoolExecutor(FSYNC_THREADS) as pool:
        # Taken to the end, so that a failed fsync is raised here.
        list(pool.map(_flush, [_staged_source(staging, relative) for relative in changed]))


def _flush(path: Path) -> None:
    """A file on disk, or a folder's entries (a rename into it)."""
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _read_journal(journal: Path) -> dict[str, list[str]] | None:
    """A journal's moves and deletions, or None for one that cannot be read whole (no build writes such a
    journal now; one may be left by an older version, or by a damaged disk)."""
    try:
        plan = json.loads(journal.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    lists = isinstance(plan, dict) and all(isinstance(plan.get(key), list) for key in ("changed", "stale"))
    if not lists or not all(isinstance(p, str) and _stays_inside(p) for p in plan["changed"] + plan["stale"]):
        return None
    return plan


def _apply_journal(staging: Path, output: Path, plan: dict[str, list[str]]) -> int:
    """Carry out a staging folder's journal; every step may be repeated, so a second run finishes the
    first."""
    for relative in plan["changed"]:
        source = _staged_source(staging, relative)
        if source.exists():
            target = _inside(output, relative)
            # Not remembered: the last commit may have removed a folder it emptied.
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(source, target)
    removed = 0
    root = os.path.realpath(output)
    for relative in plan["stale"]:
        path = _inside(output, relative)
        # Never through a link: a folder replaced by a link must not lead the build outside output/.
        folder = os.path.realpath(path.parent)
        if (folder == root or folder.startswith(root + os.sep)) and (path.is_file() or path.is_symlink()):
            path.unlink()
            removed += 1
            _remove_empty_folders(path.parent, output)
    shutil.rmtree(staging, ignore_errors=True)
    return removed


def recover(output: Path) -> str:
    """Finish the commit of a build that was killed while committing; remove staging folders left unfinished.

    Returns a note for the user when there was something to do.
    """
    output = output.resolve()
    if not output.parent.is_dir():
        return ""
    notes = []
    for staging in sorted(output.parent.glob(_staging_prefix(output) + "*")):
        journal = staging / JOURNAL
        plan = _read_journal(journal)
        if plan is not None and output.is_dir():
            _apply_journal(staging, output, plan)
            notes.append("finished the commit of a build that was stopped while writing")
        else:
            damaged = plan is None and journal.exists()
            shutil.rmtree(staging, ignore_errors=True)
            notes.append("set aside the damaged commit journal and files of a build that was stopped"
                         if damaged else "removed the files of a build that was stopped before writing")
    return "; ".join(dict.fromkeys(notes))


def _remove_empty_folders(folder: Path, root: Path) -> None:
    while folder != root and folder.is_dir() and _is_empty(folder):
        folder.rmdir()
        folder = folder.parent


def _is_empty(folder: Path) -> bool:
    """Whether a folder has no entries, from its first: Path.iterdir lists a folder whole, which for a large
    site's articles' folder is long, and is done for each article page deleted from it."""
    with os.scandir(folder) as entries:
        return next(entries, None) is None


@contextmanager
def exclusive_lock(path: Path, on_wait: Callable[[], None]) -> Iterator[None]:
    """Hold an exclusive lock on a file for the block; if another process holds it, call on_wait and wait."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            on_wait()
            fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
