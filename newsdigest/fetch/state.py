"""What fetch remembers between runs, in the build cache's folder: each source's validators (ETag,
Last-Modified) and each page it has listed, with how it went. Every change is committed at once, so a killed
run loses nothing: pages listed but not yet read are read on the next run."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from .listing import Item, listed_moment, listed_text

# A page that failed this many runs is given up (said once in the report), not asked for every day.
MAX_TRIES = 3
SCHEMA = """
CREATE TABLE IF NOT EXISTS sources (url TEXT PRIMARY KEY, etag TEXT NOT NULL, last_modified TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS pages (
    url TEXT PRIMARY KEY, source TEXT NOT NULL, title TEXT NOT NULL, listed TEXT NOT NULL,
    status TEXT NOT NULL, tries INTEGER NOT NULL, note TEXT NOT NULL);
"""


@dataclass(frozen=True)
class Pending:
    """A page to read: listed by `source`, not yet ingested."""

    url: str
    source: str
    title: str
    listed: datetime | None
    tries: int


class FetchState:
    def __init__(self, path: Path | str):
        if isinstance(path, Path):
            path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.executescript(SCHEMA)

    def close(self) -> None:
        self._db.close()

    def validators(self, source: str) -> dict[str, str]:
        """The conditional request headers for a source read before."""
        row = self._db.execute("SELECT etag, last_modified FROM sources WHERE url = ?", (source,)).fetchone()
        if not row:
            return {}
        headers = {"If-None-Match": row[0], "If-Modified-Since": row[1]}
        return {key: value for key, value in headers.items() if value}

    def known(self, url: str) -> bool:
        return self._db.execute("SELECT 1 FROM pages WHERE url = ?", (url,)).fetchone() is not None

    def list_new(self, source: str, items: list[Item], etag: str, last_modified: str) -> None:
        """The items as pages to read, and the source's validators, in one transaction: a validator is never
        kept without the items it stood for."""
        with self._db:
            self._db.execute("BEGIN")
            self._db.executemany(
                "INSERT OR IGNORE INTO pages VALUES (?, ?, ?, ?, 'pending', 0, '')",
                [(item.url, source, item.title, listed_text(item.listed)) for item in items],
            )
            self._db.execute("INSERT OR REPLACE INTO sources VALUES (?, ?, ?)", (source, etag, last_modified))

    def to_read(self) -> list[Pending]:
        rows = self._db.execute(
            "SELECT url, source, title, listed, tries FROM pages WHERE status IN "
            "('pending', 'failed') ORDER BY rowid"
        ).fetchall()
        return [
            # Kept with its offset (listed_text): the zone given is never used.
            Pending(url, source, title, listed_moment(listed, UTC), tries)
            for url, source, title, listed, tries in rows
        ]

    def done(self, url: str, note: str) -> None:
        self._db.execute("UPDATE pages SET status = 'done', note = ? WHERE url = ?", (note, url))

    def failed(self, url: str, note: str, lasting: bool = False) -> bool:
        """Count a failed try; True when the page is given up (a lasting failure, or MAX_TRIES of them)."""
        tries = self._db.execute("SELECT tries FROM pages WHERE url = ?", (url,)).fetchone()[0] + 1
        given_up = lasting or tries >= MAX_TRIES
        self._db.execute(
            "UPDATE pages SET status = ?, tries = ?, note = ? WHERE url = ?",
            ("given up" if given_up else "failed", tries, note, url),
        )
        return given_up
