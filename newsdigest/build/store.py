"""The build's store, cache.sqlite in the cache folder, which BuildState (state.py) alone reads and writes:
parsed articles by the hash of their bytes with their bodies and search words, the fingerprint of every output
file, the page groups' outlines, the site model's memos (related lists, story choices) and the output folders'
times.

A store that cannot be read, or was written by another version or with other parse settings, is never
trusted: it is set aside and the build starts from nothing.
"""

from __future__ import annotations

import json
import os
import pickle
import sqlite3
import sys
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, NamedTuple, TypeVar

from .. import __version__
from .jobs import GroupOutline

SCHEMA = 15
# The site model's memos, each a table: related lists (site._related), story choices (stories.group_stories).
MEMOS = ("related", "stories")
CACHE_FILE = "cache.sqlite"
# Texts a lookup keeps (see TextLookup): more than the items of the feeds that one page of articles updates.
RECENT_TEXTS = 256


@dataclass(frozen=True)
class InputsRecord:
    """The last build into an output folder: the signature of its inputs ('' when it had errors to report
    again), when the next future-dated article comes due ('' for none), and when the content was scanned."""

    signature: str
    due: str
    scanned_ns: int


def _outline(stored: dict) -> GroupOutline:
    pages = stored["pages"]
    return GroupOutline(tuple(path for path, _ in pages),
                        tuple((path, changed) for path, changed in pages if changed is not None),
                        tuple((name, digest) for name, digest in stored["templates"]))


def _outline_json(outline: GroupOutline) -> str:
    listed = dict(outline.listed)
    return json.dumps({"pages": [[path, listed.get(path)] for path in outline.paths],
                       "templates": outline.templates})


T = TypeVar("T")


def _decoded(convert: Callable[[Any], T], text: str) -> T:
    """The JSON of a row, converted; one that cannot be is damage, as SQLite's own is (the build then starts
    the cache anew), never a traceback."""
    try:
        return convert(json.loads(text))
    except (ValueError, TypeError, KeyError, AttributeError) as error:
        raise sqlite3.DatabaseError(f"a damaged row in the cache: {error!r}") from None


def _unpickled(record: bytes) -> object:
    try:
        return pickle.loads(record)
    except Exception as error:  # unpickling damaged bytes may fail in any way; the bytes came from the cache
        raise sqlite3.DatabaseError(f"a damaged article in the cache: {error!r}") from None


class CachedArticle(NamedTuple):
    """An article file as the cache last saw it (a tuple: a build reads one per article)."""

    mtime_ns: int
    size: int
    sha: str


def _memo_table(name: str) -> str:
    """The table of a memo, named in SQL: only a name of MEMOS is ever put there."""
    if name not in MEMOS:
        raise ValueError(f"no memo table {name!r}")
    return name


class BuildCache:
    def __init__(self, folder: Path, signature: str):
        self.folder = folder
        self.signature = signature
        self.note = ""
        self.db = self._open()

    def _open(self) -> sqlite3.Connection:
        self.folder.mkdir(parents=True, exist_ok=True)
        path = self.folder / CACHE_FILE
        existed = path.exists()
        try:
            db = self._connect(path)
            if self._stored_signature(db) == f"{SCHEMA}:{__version__}:{self.signature}":
                return db
            db.close()
            if existed:
                self.note = "the cache was made with other settings or another version; rebuilt it"
        except (sqlite3.DatabaseError, OSError):
            self.note = "the cache could not be read; rebuilt it from the sources"
        path.unlink(missing_ok=True)
        db = self._connect(path)
        db.execute(
            "INSERT OR REPLACE INTO meta VALUES ('signature', ?)",
            (f"{SCHEMA}:{__version__}:{self.signature}",),
        )
        db.commit()
        return db

    @staticmethod
    def _connect(path: Path) -> sqlite3.Connection:
        db = sqlite3.connect(path)
        db.execute("PRAGMA journal_mode=WAL")
        # A cache may be lost in a crash: it is checked on opening and rebuilt, so it need not wait for the
        # disk.
        db.execute("PRAGMA synchronous=OFF")
        db.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT)")
        # The texts apart from the records: a build reads every record and few texts, and a table scan reads
        # each row's pages, texts and all.
        db.execute(
            "CREATE TABLE IF NOT EXISTS articles (path TEXT PRIMARY KEY, mtime_ns INTEGER, size INTEGER, "
            "sha TEXT, record BLOB)"
        )
        db.execute("CREATE TABLE IF NOT EXISTS texts (path TEXT PRIMARY KEY, body TEXT, words TEXT)")
        for memo in MEMOS:
            db.execute(f"CREATE TABLE IF NOT EXISTS {memo} (prefix TEXT PRIMARY KEY, slugs TEXT)")
        # Small rows read by output folder, so stored in the order of their keys (without a rowid): a rebuild
        # reads them in place, rather than finding each through the key's index.
        db.execute("CREATE TABLE IF NOT EXISTS outputs (folder TEXT, path TEXT, fingerprint TEXT, "
                   "size INTEGER, PRIMARY KEY (folder, path)) WITHOUT ROWID")
        db.execute("CREATE TABLE IF NOT EXISTS page_groups (folder TEXT, key TEXT, pages TEXT, "
                   "PRIMARY KEY (folder, key))")
        db.execute("CREATE TABLE IF NOT EXISTS output_folders (output TEXT, folder TEXT, mtime_ns INTEGER, "
                   "PRIMARY KEY (output, folder)) WITHOUT ROWID")
        return db

    @staticmethod
    def _stored_signature(db: sqlite3.Connection) -> str | None:
        row = db.execute("SELECT value FROM meta WHERE key = 'signature'").fetchone()
        return row[0] if row else None

    def discard(self) -> None:
        """Throw the cache away and start an empty one, as when it could not be read."""
        self.db.close()
        for path in self.folder.glob(CACHE_FILE + "*"):
            path.unlink()
        self.db = self._open()
        self.note = "the cache was damaged; rebuilt it from the sources"

    def articles(self) -> dict[str, CachedArticle]:
        """What the cache knows of each article file, without the articles themselves."""
        return {path: CachedArticle(m, s, sha) for path, m, s, sha in
                self.db.execute("SELECT path, mtime_ns, size, sha FROM articles")}

    def article_shas(self, paths: list[str]) -> dict[str, str]:
        """The sha256 of the bytes each of these files was last parsed from, for those the cache holds."""
        found = {}
        for path in paths:
            row = self.db.execute("SELECT sha FROM articles WHERE path = ?", (path,)).fetchone()
            if row:
                found[path] = row[0]
        return found

    def records(self, paths: set[str]) -> Iterator[tuple[str, object]]:
        """The cached articles of these files, read one row at a time: never all the stored bytes at once."""
        for path, record in self.db.execute("SELECT path, record FROM articles"):
            if path in paths:
                yield path, _unpickled(record)

    def record(self, path: str) -> object:
        row = self.db.execute("SELECT record FROM articles WHERE path = ?", (path,)).fetchone()
        return _unpickled(row[0])

    def store_articles(self, rows: Iterable[tuple[str, int, int, str, object, str, str]]) -> None:
        rows = list(rows)
        self.db.executemany("INSERT OR REPLACE INTO articles VALUES (?, ?, ?, ?, ?)",
                            ((p, m, s, sha, pickle.dumps(rec, pickle.HIGHEST_PROTOCOL))
                             for p, m, s, sha, rec, _, _ in rows))
        self.db.executemany("INSERT OR REPLACE INTO texts VALUES (?, ?, ?)",
                            ((p, body, words) for p, _, _, _, _, body, words in rows))

    def touch_articles(self, rows: Iterable[tuple[str, int, int]]) -> None:
        self.db.executemany("UPDATE articles SET mtime_ns = ?, size = ? WHERE path = ?",
                            ((m, s, p) for p, m, s in rows))

    def forget_articles(self, paths: Iterable[str]) -> None:
        gone = [(path,) for path in paths]
        self.db.executemany("DELETE FROM articles WHERE path = ?", gone)
        self.db.executemany("DELETE FROM texts WHERE path = ?", gone)

    def memo(self, table: str) -> dict[str, tuple[str, ...]]:
        """What the site model remembered of the last build in a table of MEMOS: lists of slugs (or story
        labels) by the hash of what they were worked out from."""
        # Interned, as the articles' slugs are (content._restored_article): each slug is held once, not once
        # a list that names it.
        return {prefix: tuple(map(sys.intern, slugs.split("\n"))) if slugs else () for prefix, slugs in
                self.db.execute(f"SELECT prefix, slugs FROM {_memo_table(table)}")}

    def store_memo(self, table: str, memo: dict[str, tuple[str, ...]], previous: dict[str, tuple[str, ...]]
                   ) -> None:
        """What a build could reuse next time, given what it was given: what is no longer reusable deleted,
        what is new added."""
        table = _memo_table(table)
        self.db.executemany(f"DELETE FROM {table} WHERE prefix = ?",
                            ((prefix,) for prefix in previous.keys() - memo.keys()))
        self.db.executemany(f"INSERT OR REPLACE INTO {table} VALUES (?, ?)",
                            ((p, "\n".join(s)) for p, s in memo.items() if p not in previous))

    def fingerprints(self, folder: Path) -> dict[str, str]:
        """What each file in an output folder was last made from."""
        return dict(self.db.execute("SELECT path, fingerprint FROM outputs WHERE folder = ?", (str(folder),)))

    def update_fingerprints(self, folder: Path, changed: dict[str, tuple[str, int]], removed: Iterable[str]
                            ) -> None:
        """The fingerprint and size in bytes of each file made, by path; the files removed forgotten."""
        self.db.executemany("INSERT OR REPLACE INTO outputs VALUES (?, ?, ?, ?)",
                            ((str(folder), p, f, size) for p, (f, size) in changed.items()))
        self.db.executemany(
            "DELETE FROM outputs WHERE folder = ? AND path = ?", ((str(folder), p) for p in removed)
        )

    def output_bytes(self, folder: Path) -> int:
        """The size of the files the builds made in an output folder, as they left them."""
        rows = self.db.execute("SELECT TOTAL(size) FROM outputs WHERE folder = ?", (str(folder),))
        return int(rows.fetchone()[0])

    def page_outlines(self, folder: Path) -> dict[str, GroupOutline]:
        """The outline of each page group the last build into an output folder planned, by the group's key
        (see pages.PageGroup)."""
        rows = self.db.execute("SELECT key, pages FROM page_groups WHERE folder = ?", (str(folder),))
        return {key: _decoded(_outline, pages) for key, pages in rows}

    def store_page_outlines(self, folder: Path, outlines: dict[str, GroupOutline],
                            previous: dict[str, GroupOutline]) -> None:
        """This build's page groups, given what page_outlines gave (`previous`): those new or changed are
        stored, those gone deleted."""
        self.db.executemany("DELETE FROM page_groups WHERE folder = ? AND key = ?",
                            ((str(folder), key) for key in previous.keys() - outlines.keys()))
        self.db.executemany("INSERT OR REPLACE INTO page_groups VALUES (?, ?, ?)",
                            ((str(folder), key, _outline_json(outline)) for key, outline in outlines.items()
                             if previous.get(key) != outline))

    def template_references(self) -> dict[str, tuple[str, ...]]:
        """What the templates named, by the digest of each source (see fingerprint.template_references)."""
        row = self.db.execute("SELECT value FROM meta WHERE key = 'template references'").fetchone()
        if not row:
            return {}
        return _decoded(lambda stored: {key: tuple(names) for key, names in stored.items()}, row[0])

    def store_template_references(self, references: dict[str, tuple[str, ...]]) -> None:
        """Those of today's templates, where they differ from what was stored."""
        if references != self.template_references():
            self.db.execute("INSERT OR REPLACE INTO meta VALUES ('template references', ?)",
                            (json.dumps(references, sort_keys=True),))

    def folder_times(self, output: Path) -> dict[str, int]:
        """The time of each folder of an output folder when all the files the build made in it were seen there
        (see missing.py)."""
        return dict(self.db.execute("SELECT folder, mtime_ns FROM output_folders WHERE output = ?",
                                    (str(output),)))

    def store_folder_times(self, output: Path, times: dict[str, int]) -> None:
        self.db.executemany("INSERT OR REPLACE INTO output_folders VALUES (?, ?, ?)",
                            ((str(output), folder, mtime) for folder, mtime in times.items()))

    def inputs(self, folder: Path) -> InputsRecord | None:
        """What the last build into a folder read (see pipeline.inputs_signature), and when."""
        row = self.db.execute("SELECT value FROM meta WHERE key = ?", (f"inputs:{folder}",)).fetchone()
        return _decoded(lambda stored: InputsRecord(**stored), row[0]) if row else None

    def store_inputs(self, folder: Path, record: InputsRecord) -> None:
        self.db.execute(
            "INSERT OR REPLACE INTO meta VALUES (?, ?)", (f"inputs:{folder}", json.dumps(asdict(record)))
        )

    def text_lookup(self, column: str) -> TextLookup:
        """An article's body ("body") or search words ("words"), read from the cache when asked for."""
        return TextLookup(self.folder / CACHE_FILE, column)

    def commit(self) -> None:
        self.db.commit()

    def close(self) -> None:
        self.db.close()


class TextLookup:
    """An article's body or search words from the cache, for the pages, feeds and search pieces that need
    them: texts are kept out of the site model's memory. Each process opens its own read-only connection
    (workers are forked). The last few texts are kept: an article's body goes into its page and into the
    three formats of each feed that lists it, one after another."""

    def __init__(self, path: Path, column: str):
        if column not in ("body", "words"):
            raise ValueError(f"no such text column: {column}")
        self.path, self.column = path, column
        self._connections: dict[int, sqlite3.Connection] = {}
        self._recent: OrderedDict[str, str] = OrderedDict()

    def __call__(self, article) -> str:
        text = self._recent.get(article.source_path)
        if text is None:
            text = self._recent[article.source_path] = self._read(article)
            if len(self._recent) > RECENT_TEXTS:
                self._recent.popitem(last=False)
        return text

    def _read(self, article) -> str:
        connection = self._connections.get(os.getpid())
        if connection is None:
            connection = self._connections[os.getpid()] = sqlite3.connect(
                f"file:{self.path}?mode=ro", uri=True
            )
        row = connection.execute(f"SELECT {self.column} FROM texts WHERE path = ?",
                                 (article.source_path,)).fetchone()
        if row is None:
            raise KeyError(f"no cached {self.column} for {article.source_path}")
        return row[0]
