"""The articles already in content/, as ingest and fetch need them: is this the same story again, is this
address known, which file names are free. Kept in an index in the cache folder (MinHash bands, datasketch),
so that a page ingested into a large digest is compared with the few articles that may be its story, not
read against every one."""

from __future__ import annotations

import hashlib
import os
import re
import zlib
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path
from urllib.parse import urldefrag

import yaml
from courlan import normalize_url

from ..config import Config
from ..content import relative_name
from ..contentfile import INGEST_RECORD, content_digest, read_front_matter
from ..files import ContentFile, scan_content
from ..parallel import run_indexed
from .index import LIBRARY_FILE, LibraryIndex, LibraryRecord

SAME_STORY_SIMILARITY = 0.8
MINHASH_PERMUTATIONS = 128
# Articles sharing a MinHash band with a new one are its candidates, then checked exactly against
# SAME_STORY_SIMILARITY. The bands are datasketch's for a threshold well below that rule, so that a story
# at the rule is all but never missed (25 bands of 5: a pair at 0.8 shares one with probability 0.99995).
CANDIDATE_THRESHOLD = 0.5
# Reading a few files is quicker here than starting worker processes.
INDEX_PARALLEL_FROM = 64
_MARKUP = re.compile(r"<[^>]*>|&#?\w+;|\]\([^)]*\)")


def canonical_url(url: str) -> str:
    """The URL a story is known by: no fragment, no tracking parameters (utm_*, fbclid, gclid, ...), the host
    in lower case, the query in order (courlan, trafilatura's own URL library)."""
    try:
        return normalize_url(urldefrag(url.strip())[0])
    except ValueError:
        return url.strip()


# A story's shingles are wanted when it is compared with the library and again when the file is added.
@lru_cache(maxsize=8)
def story_shingles(markdown_body: str) -> frozenset:
    """Five-word shingles of the body's words, lowercased, each as its words joined by spaces: the same story
    whatever clutter or markup it came with. Tags, entities and link targets are left out by pattern rather
    than by rendering the Markdown."""
    words = re.findall(r"\w+", _MARKUP.sub(" ", markdown_body).lower())
    if len(words) < 5:
        return frozenset([" ".join(words)])
    return frozenset(map(" ".join, zip(*(words[start:] for start in range(5)))))


def similarity(a: frozenset, b: frozenset) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


@lru_cache(maxsize=1)
def _band_ranges() -> tuple[tuple[int, int], ...]:
    from datasketch import MinHashLSH  # imports SciPy: only ingest, fetch and the index's upkeep pay for it

    return tuple(MinHashLSH(threshold=CANDIDATE_THRESHOLD, num_perm=MINHASH_PERMUTATIONS).hashranges)


@lru_cache(maxsize=1)
def _empty_minhash():
    """An empty MinHash to copy (making one draws its permutations again). Its shingles are hashed by CRC-32,
    in C: datasketch's default, SHA-1 called from Python, took two thirds of an article's cost, which the
    build pays for every article of a new site. A candidate is compared word for word anyway."""
    from datasketch import MinHash

    return MinHash(num_perm=MINHASH_PERMUTATIONS, hashfunc=zlib.crc32)


# A story's bands are wanted when it is compared with the library and again when the file written is indexed.
@lru_cache(maxsize=8)
def story_bands(shingles: frozenset) -> tuple[bytes, ...]:
    """The MinHash of the shingles (datasketch), cut into the bands that candidates must share one of."""
    minhash = _empty_minhash().copy()
    minhash.update_batch(list(map(str.encode, shingles)))
    return tuple(minhash.hashvalues[start:end].tobytes() for start, end in _band_ranges())


@dataclass
class Entry:
    """A content file as far as deduplication needs it."""

    path: Path
    relative: str
    text: str
    sha256: str
    shingles: frozenset
    edited: bool
    # The addresses the story was read from, as its front matter gives them (source_url, ingested_from.url).
    urls: tuple[str, ...] = ()

    @cached_property
    def bands(self) -> tuple[bytes, ...]:
        return story_bands(self.shingles)

    def shares_a_band(self, bands: tuple[bytes, ...]) -> bool:
        return any(mine == theirs for mine, theirs in zip(self.bands, bands))

    @classmethod
    def of(cls, path: Path, text: str, root: Path) -> Entry:
        fields, body = read_front_matter(text)
        digest = _origin(fields)[0].get("digest")
        edited = digest is None or digest != content_digest(fields, body)
        return cls.written(path, root, text, fields, body, edited)

    @classmethod
    def written(cls, path: Path, root: Path, text: str, fields: dict, body: str, edited: bool = False
                ) -> Entry:
        """The file ingest has just written from these fields and this body: Entry.of(path, text, root)
        without reading back what was written."""
        origin, urls = _origin(fields)
        return cls(path, relative_name(path, root.parent), text, str(origin.get("sha256", "")),
                   story_shingles(body), edited, urls)

    @classmethod
    def read(cls, path: Path, root: Path) -> Entry | None:
        try:
            return cls.of(path, path.read_text(encoding="utf-8-sig"), root)
        except (OSError, UnicodeDecodeError, yaml.YAMLError, ValueError):
            return None


@dataclass
class Library:
    """The content folder's articles: the index of those on disk, and those this run has added."""

    root: Path
    site_root: Path
    index: LibraryIndex
    names: set[str]
    added: list[Entry] = field(default_factory=list)

    @classmethod
    def load(cls, config: Config, dry_run: bool = False) -> Library:
        """Every article the build would read (the same scan: subfolders too), the index brought up to date
        (see refreshed_index). A dry run in a site without an index keeps it in memory, creating nothing."""
        files, _ = scan_content(config)
        in_memory = dry_run and not (config.path("cache") / LIBRARY_FILE).exists()
        index = refreshed_index(config, files, in_memory)
        return cls(config.path("content"), config.root, index, {os.path.basename(f.path) for f in files})

    def close(self) -> None:
        self.index.close()

    def add(self, entry: Entry, written: bool) -> None:
        """An article this run wrote (or, in a dry run, would have written)."""
        self.added = [e for e in self.added if e.path != entry.path] + [entry]
        self.names.add(entry.path.name)
        if written:
            status = entry.path.stat()
            relative = relative_name(entry.path, self.site_root)
            # Ingest writes the text as UTF-8: these are the file's bytes.
            content = hashlib.sha256(entry.text.encode("utf-8")).hexdigest()
            self.index.update([_record_of(entry, relative, status.st_mtime_ns, status.st_size, content)], [])

    def same_story(self, sha256: str, body: str) -> Entry | None:
        """The article of the same input bytes, else the most similar one at SAME_STORY_SIMILARITY or more."""
        same_bytes = next((e for e in self.added if e.sha256 == sha256), None)
        if same_bytes:
            return same_bytes
        path = self.index.with_sha256(sha256)
        if path and (entry := self._entry_at(path)):
            return entry
        shingles = story_shingles(body)
        bands = story_bands(shingles)
        # This run's articles are candidates by the same rule as the index's (a folder of pages is not
        # compared pair by pair); in a dry run they are not in the index.
        added = {e.relative for e in self.added}
        candidates = [e for e in self.added if e.shares_a_band(bands)] + [
            entry for path in self.index.sharing_a_band(bands)
            if path not in added and (entry := self._entry_at(path))]
        scored = [(similarity(e.shingles, shingles), e.relative, e) for e in candidates]
        best = max((s for s in scored if s[0] >= SAME_STORY_SIMILARITY), default=None, key=lambda s: s[:2])
        return best[2] if best else None

    def knows_url(self, url: str) -> bool:
        """Whether an article here was read from this address (compared by canonical_url)."""
        url = canonical_url(url)
        added = any(url in map(canonical_url, e.urls) for e in self.added)
        return added or self.index.with_url(url) is not None

    def _entry_at(self, relative: str) -> Entry | None:
        return Entry.read(self.site_root / relative, self.root)

    def free_path(self, slug: str) -> Path:
        candidate, number = slug, 1
        while f"{candidate}.md" in self.names or (self.root / f"{candidate}.md").exists():
            number += 1
            candidate = f"{slug}-{number}"
        return self.root / f"{candidate}.md"

    def relative(self, path: Path) -> str:
        return relative_name(path, self.root.parent)


def refreshed_index(config: Config, files: list[ContentFile], in_memory: bool = False,
                    parallel: bool = True) -> LibraryIndex:
    """The index of these content files (in the cache folder, or in memory only), brought up to date with
    those whose size or time changed since it last saw them, and without those gone; on the cores (forked
    workers) where `parallel`. The build keeps it so after each change, so that ingest finds it current."""
    index = LibraryIndex(None if in_memory else config.path("cache"))
    indexed = index.known()
    changed = [f for f in files if indexed.get(f.relative, ())[:2] != (f.mtime_ns, f.size)]
    if any(f.relative not in indexed for f in changed):
        # datasketch (and SciPy under it) imported before the workers fork, not again by each of them.
        _band_ranges()

    def look(number: int) -> LibraryRecord | tuple[str, int, int] | None:
        """A changed file's new record, or its new time and size alone where its bytes are as indexed (a
        checkout writes every file again), or None for a file that cannot be read."""
        file = changed[number]
        try:
            data = Path(file.path).read_bytes()
        except OSError:
            return None
        content = hashlib.sha256(data).hexdigest()
        if file.relative in indexed and indexed[file.relative][2] == content:
            return file.relative, file.mtime_ns, file.size
        return _record(file, data, content)

    looked = [found for chunk in run_indexed(look, len(changed), workers=None if parallel else 1,
                                             min_items=INDEX_PARALLEL_FROM)
              for found in chunk if found is not None]
    index.touch(found for found in looked if isinstance(found, tuple))
    present = {f.relative for f in files}
    index.update([found for found in looked if isinstance(found, LibraryRecord)],
                 [path for path in indexed if path not in present])
    return index


def _record(file: ContentFile, data: bytes, content: str) -> LibraryRecord | None:
    try:
        fields, body = read_front_matter(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, yaml.YAMLError, ValueError):
        return None
    origin, urls = _origin(fields)
    entry = Entry(Path(file.path), file.relative, "", str(origin.get("sha256", "")),
                  story_shingles(body), False, urls)
    return _record_of(entry, file.relative, file.mtime_ns, file.size, content)


def _origin(metadata: dict) -> tuple[dict, tuple[str, ...]]:
    """A content file's `ingested_from` table (empty when it has none) and the addresses it was read from."""
    origin = metadata.get(INGEST_RECORD)
    origin = origin if isinstance(origin, dict) else {}
    urls = tuple(url for url in (metadata.get("source_url"), origin.get("url"))
                 if isinstance(url, str) and url)
    return origin, urls


def _record_of(entry: Entry, relative: str, mtime_ns: int, size: int, content: str) -> LibraryRecord:
    urls = tuple(dict.fromkeys(canonical_url(url) for url in entry.urls))
    return LibraryRecord(relative, mtime_ns, size, entry.sha256, urls, entry.bands, content)
