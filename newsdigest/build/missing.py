"""Which files a build made are still in the output folder, without listing every folder every build.

A folder's time changes whenever an entry is added to it, removed or renamed in it. So once every file a build
made in a folder has been seen there, and the folder's time then was old enough to be trusted (older than the
moment by a clock tick, as git trusts its index), the same time later means the same entries: the folder need
not be listed again. A hundred thousand articles make some sixty thousand folders; a `stat` each costs a third
of a listing.
"""

from __future__ import annotations

import os
import time
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path

from .store import BuildCache

# Within a clock tick (2 s on some file systems) a file or folder can change and keep its time (and a file its
# size), as git's "racy" index entries can: times are trusted only when older than that.
RACY_NS = 2_000_000_000


def missing_files(output: Path, paths: Iterable[str], cache: BuildCache) -> set[str]:
    """Which of these files (each made by the last build) are not in the output folder: a folder whose time
    is the one recorded is as it was then; others are listed, and their times recorded when all were there."""
    known = cache.folder_times(output)
    trusted_before = time.time_ns() - RACY_NS
    learned: dict[str, int] = {}
    missing: set[str] = set()
    try:
        output_fd = os.open(output, os.O_RDONLY | os.O_DIRECTORY)
    except OSError:
        return set(paths)
    try:
        for folder, names in _by_folder(paths).items():
            prefix = f"{folder}/" if folder else ""
            try:
                # The time is read before the listing: a change in between shows as a new time next build.
                mtime = os.stat(folder or ".", dir_fd=output_fd).st_mtime_ns
                if known.get(folder) == mtime:
                    continue
                listed = set(os.listdir(os.path.join(output, folder)))
            except OSError:
                missing.update(prefix + name for name in names)
                continue
            lost = [prefix + name for name in names if name not in listed]
            missing.update(lost)
            if not lost and mtime < trusted_before:
                learned[folder] = mtime
    finally:
        os.close(output_fd)
    cache.store_folder_times(output, learned)
    return missing


def record_new_output(output: Path, paths: Iterable[str], cache: BuildCache, renamed_from_ns: int) -> None:
    """After a build made a new output folder (its staging folder, which nothing else writes to, renamed), all
    its files are there: record the time of each of their folders that has not changed since a clock tick
    before the rename. (In an output folder that existed, a folder may have lost a file while the build ran:
    it is listed next time instead.)"""
    trusted_before = renamed_from_ns - RACY_NS
    learned: dict[str, int] = {}
    for folder in _by_folder(paths):
        try:
            mtime = os.stat(os.path.join(output, folder)).st_mtime_ns
        except OSError:
            continue
        if mtime < trusted_before:
            learned[folder] = mtime
    cache.store_folder_times(output, learned)


def _by_folder(paths: Iterable[str]) -> dict[str, list[str]]:
    by_folder: dict[str, list[str]] = defaultdict(list)
    for path in paths:
        folder, _, name = path.rpartition("/")
        by_folder[folder].append(name)
    return by_folder
