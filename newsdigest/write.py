"""Write the output safely: files are made in a staging folder beside output/ and moved in only when the whole
build has succeeded, so a failed build leaves the previous output whole."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from typing import Iterable


def _inside(root: Path, relative: str) -> Path:
    """root/relative, refusing a path that would leave root (slugs are checked; this guards against bugs)."""
    parts = relative.split("/")
    if relative.startswith("/") or ".." in parts or "" in parts[:-1] or "\\" in relative:
        raise ValueError(f"output path {relative!r} escapes the output folder")
    return root / relative


_made_folders: set[Path] = set()


def _ensure_folder(folder: Path) -> None:
    """mkdir -p, remembered: a build writes thousands of files into a few hundred folders."""
    if folder not in _made_folders:
        folder.mkdir(parents=True, exist_ok=True)
        _made_folders.add(folder)


def new_staging(output: Path) -> Path:
    output = output.resolve()
    output.parent.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix=f".{output.name}-new-", dir=output.parent))


def write_if_changed(staging: Path, output: Path, relative: str, data: bytes) -> bool:
    """Stage a file unless output/ already holds these very bytes; returns whether it was staged."""
    current = os.path.join(output, relative)
    if os.path.isfile(current) and os.path.getsize(current) == len(data):
        with open(current, "rb") as handle:
            if handle.read() == data:
                return False
    target = _inside(staging, relative)
    _ensure_folder(target.parent)
    with open(target, "wb") as handle:
        handle.write(data)
    return True


def commit_changes(staging: Path, output: Path, changed: list[str], stale: Iterable[str] | None) -> int:
    """Move the staged files into output/ (the whole folder when there is none yet) and delete the stale ones;
    returns how many were deleted. Unchanged files are not touched, so they keep their modification times.

    `stale` is None when the last build's files are not known: then every file the site does not make goes.
    """
    output = output.resolve()
    if not output.exists():
        staging.rename(output)
        return 0
    for relative in changed:
        target = output / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(staging / relative, target)
    shutil.rmtree(staging, ignore_errors=True)
    removed = 0
    for relative in stale or ():
        path = output / relative
        if path.is_file():
            path.unlink()
            removed += 1
            _remove_empty_folders(path.parent, output)
    return removed


def unknown_files(output: Path, produced: set[str]) -> list[str]:
    """Files in output/ that the site does not make."""
    found = []
    for folder, _, files in os.walk(output):
        base = Path(folder).relative_to(output).as_posix()
        found += [name if base == "." else f"{base}/{name}" for name in files]
    return [path for path in found if path not in produced]


def _remove_empty_folders(folder: Path, root: Path) -> None:
    while folder != root and folder.is_dir() and not any(folder.iterdir()):
        folder.rmdir()
        folder = folder.parent
