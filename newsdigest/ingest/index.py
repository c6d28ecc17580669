"""Ingest's index of the content folder: each file's size and time, the sha256 of what it was ingested from,
the addresses it was read from and its story's MinHash bands, in its own SQLite file in the cache folder."""

from __future__ import annotations

import hashlib
import sqlite3
import struct
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

LIBRARY_FILE = "library.sqlite"
LIBRARY_SCHEMA = 3


def library_current(folder: Path) -> bool:
    """Whether the cache folder holds an index of this schema (its files may still be behind)."""
    path = folder / LIBRARY_FILE
    if not path.exists():
        return False
    try:
        db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            return db.execute("PRAGMA user_version").fetchone()[0] == LIBRARY_SCHEMA
        finally:
            db.close()
    except sqlite3.Error:
        return False


@dataclass(frozen=True)
class LibraryRecord:
    """What ingest keeps of one content file to find its story again without reading it: the file's size and
    time, the sha256 of the input it was ingested from, the addresses it was read from, its MinHash bands, and
    the sha256 of the file's own bytes (a file checked out again has a new time, and the same record)."""

    path: str
    mtime_ns: int
    size: int
    sha256: str
    urls: tuple[str, ...]
    bands: tuple[bytes, ...]
    content: str


class LibraryIndex:
    """The content folder as ingest and fetch see it, in its own SQLite file in the cache folder: built once,
    then brought up to date by file size and time, so that ingesting into a large digest reads only the files
    it must. An index that cannot be read, or is of another schema, is started again (it is derived data)."""

    def __init__(self, folder: Path | None):
        """The index in `folder`, or in memory only for None (a dry run in a folder that has none)."""
        if folder is None:
            self.db = self._connect(":memory:")
            return
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / LIBRARY_FILE
        try:
            self.db = self._connect(path)
        except sqlite3.DatabaseError:
            for stale in folder.glob(LIBRARY_FILE + "*"):
                stale.unlink()
            self.db = self._connect(path)

    @staticmethod
    def _connect(path: Path | str) -> sqlite3.Connection:
        db = sqlite3.connect(path)
        if db.execute("PRAGMA user_version").fetchone()[0] != LIBRARY_SCHEMA:
            db.executescript("DROP TABLE IF EXISTS files; DROP TABLE IF EXISTS urls; "
                             "DROP TABLE IF EXISTS bands; DROP TABLE IF EXISTS keys;")
        # Each file's band keys are kept by its number (`keys`), so that its rows of `bands` are found by
        # their key when it is forgotten: that table needs no second index, and names files by number, not by
        # path (a digest's millions of band rows would each repeat a path, in the table and in an index).
        db.executescript(f"""
            PRAGMA journal_mode=WAL;
            PRAGMA synchronous=OFF;
            PRAGMA user_version={LIBRARY_SCHEMA};
            CREATE TABLE IF NOT EXISTS files (
                id INTEGER PRIMARY KEY, path TEXT UNIQUE, mtime_ns INTEGER, size INTEGER, sha256 TEXT,
                content TEXT);
            CREATE TABLE IF NOT EXISTS keys (file INTEGER PRIMARY KEY, bands BLOB);
            CREATE INDEX IF NOT EXISTS files_sha256 ON files (sha256);
            CREATE TABLE IF NOT EXISTS urls (url TEXT, file INTEGER);
            CREATE INDEX IF NOT EXISTS urls_url ON urls (url);
            CREATE INDEX IF NOT EXISTS urls_file ON urls (file);
            CREATE TABLE IF NOT EXISTS bands (
                band INTEGER, key INTEGER, file INTEGER, PRIMARY KEY (band, key, file)) WITHOUT ROWID;
        """)
        return db

    def known(self) -> dict[str, tuple[int, int, str]]:
        """Each indexed file's (mtime_ns, size, sha256 of its bytes) when it was indexed."""
        rows = self.db.execute("SELECT path, mtime_ns, size, content FROM files")
        return {path: (mtime, size, content) for path, mtime, size, content in rows}

    def touch(self, stats: Iterable[tuple[str, int, int]]) -> None:
        """New times and sizes for files whose bytes are as indexed: (path, mtime_ns, size)."""
        with self.db:
            self.db.executemany("UPDATE files SET mtime_ns = ?, size = ? WHERE path = ?",
                                ((mtime, size, path) for path, mtime, size in stats))

    def update(self, records: Iterable[LibraryRecord], removed: Iterable[str]) -> None:
        with self.db:
            for path in removed:
                self._forget(path)
            for record in records:
                self._forget(record.path)
                keys = _band_keys(record.bands)
                file = self.db.execute(
                    "INSERT INTO files (path, mtime_ns, size, sha256, content) VALUES (?, ?, ?, ?, ?)",
                    (record.path, record.mtime_ns, record.size, record.sha256, record.content)).lastrowid
                self.db.execute("INSERT INTO keys VALUES (?, ?)", (file, _packed(keys)))
                self.db.executemany("INSERT INTO urls VALUES (?, ?)", ((url, file) for url in record.urls))
                self.db.executemany("INSERT INTO bands VALUES (?, ?, ?)",
                                    ((band, key, file) for band, key in enumerate(keys)))

    def _forget(self, path: str) -> None:
        row = self.db.execute("SELECT id, bands FROM files JOIN keys ON keys.file = files.id WHERE path = ?",
                              (path,)).fetchone()
        if row is None:
            return
        file, packed = row
        self.db.executemany("DELETE FROM bands WHERE band = ? AND key = ? AND file = ?",
                            ((band, key, file) for band, key in enumerate(_unpacked(packed))))
        for table, column in (("urls", "file"), ("keys", "file"), ("files", "id")):
            self.db.execute(f"DELETE FROM {table} WHERE {column} = ?", (file,))

    def with_sha256(self, sha256: str) -> str | None:
        row = self.db.execute("SELECT path FROM files WHERE sha256 = ? ORDER BY path LIMIT 1",
                              (sha256,)).fetchone()
        return row[0] if row else None

    def with_url(self, url: str) -> str | None:
        row = self.db.execute("SELECT path FROM urls JOIN files ON urls.file = files.id WHERE url = ? "
                              "ORDER BY path LIMIT 1", (url,)).fetchone()
        return row[0] if row else None

    def sharing_a_band(self, bands: tuple[bytes, ...]) -> list[str]:
        """The files whose MinHash agrees with these bands in one band or more: the candidates for the
        story."""
        found: set[str] = set()
        for band, key in enumerate(_band_keys(bands)):
            found.update(path for (path,) in self.db.execute(
                "SELECT path FROM bands JOIN files ON bands.file = files.id WHERE band = ? AND key = ?",
                (band, key)))
        return sorted(found)

    def close(self) -> None:
        self.db.close()


def _band_keys(bands: tuple[bytes, ...]) -> list[int]:
    """Each band as a signed 64-bit hash of its bytes, as SQLite keeps integers: two bands that differ share
    a key once in 2**64, and a candidate so found is compared word for word anyway."""
    return [int.from_bytes(hashlib.blake2b(band, digest_size=8).digest(), "little", signed=True)
            for band in bands]


def _packed(keys: list[int]) -> bytes:
    return struct.pack(f"<{len(keys)}q", *keys)


def _unpacked(packed: bytes) -> tuple[int, ...]:
    return struct.unpack(f"<{len(packed) // 8}q", packed)
