"""Load articles through the cache: parse only files whose bytes changed, in parallel; keep bodies out of memory."""

from __future__ import annotations

import hashlib
import os
import stat
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable

from .cache import BuildCache, unpickle
from .config import Config
from .content import Article, parse_article, relative_name, unique_articles
from .errors import SiteError
from .fingerprint import digest
from .parallel import run_indexed


# Parsing an article costs a few milliseconds, so even a few dozen are worth spreading over the cores.
PARSE_PARALLEL_FROM = 32


@dataclass
class Loaded:
    articles: list[Article]
    errors: list[SiteError]
    parsed: int
    body_of: Callable[[Article], str]


@dataclass(frozen=True)
class ContentFile:
    path: str
    relative: str
    status: os.stat_result


def scan_content(config: Config) -> tuple[list[ContentFile], list[SiteError]]:
    """Every content file with its size and time, in the order content_files gives (run before every build),
    and a warning for each .md entry that is not a readable regular file.

    Hidden files are skipped, as other generators do: editors keep their lock and swap files there.
    """
    root = config.path("content")
    prefix = relative_name(root, config.root)
    found, skipped = [], []
    for folder, folders, names in os.walk(root):
        folders[:] = [name for name in folders if not name.startswith(".")]
        inner = os.path.relpath(folder, root)
        for name in names:
            if name.endswith(".md") and not name.startswith("."):
                relative = f"{prefix}/{name if inner == '.' else f'{inner}/{name}'}"
                path = os.path.join(folder, name)
                try:
                    status = os.stat(path)
                except OSError:
                    skipped.append(SiteError(relative, "a link to a file that does not exist; skipped",
                                             "remove the link or create the file it points to"))
                    continue
                if not stat.S_ISREG(status.st_mode):
                    skipped.append(SiteError(relative, "not a regular file (a pipe, socket or device); skipped",
                                             "remove it from the content folder"))
                    continue
                found.append(ContentFile(path, relative, status))
    # The order of Path objects (part by part), which content_files gives too.
    found.sort(key=lambda f: f.relative.split("/"))
    return found, sorted(skipped, key=lambda e: str(e.path))


def load_through_cache(config: Config, files: list[ContentFile], cache: BuildCache, parse_signature: str,
                       trusted_before_ns: int, progress=None) -> Loaded:
    """Every file's article, parsed again only when its bytes changed. A file's size and time stand for its
    bytes only when the time is older than `trusted_before_ns`; a newer file is read and hashed."""
    cached = cache.articles()
    results: dict[str, Article | SiteError] = {}
    stale: list[ContentFile] = []
    for file in files:
        entry = cached.get(file.relative)
        if entry and entry.mtime_ns == file.status.st_mtime_ns and entry.size == file.status.st_size \
                and entry.mtime_ns < trusted_before_ns:
            results[file.relative] = unpickle(entry.record)
        else:
            stale.append(file)

    def parse(index: int):
        path, relative, status = stale[index].path, stale[index].relative, stale[index].status
        try:
            with open(path, "rb") as handle:
                data = handle.read()
        except OSError as error:
            return "error", relative, 0, 0, SiteError(relative, f"cannot be read: {error.strerror}",
                                                      "check the file's permissions"), None
        sha = hashlib.sha256(data).hexdigest()
        entry = cached.get(relative)
        if entry and entry.sha == sha:
            return "touched", relative, status.st_mtime_ns, status.st_size, unpickle(entry.record), None
        try:
            # The file's name is part of what it means: it gives the slug, and reports name it.
            article = parse_article(Path(path), data, config, digest=digest(sha, relative, parse_signature))
        except SiteError as error:
            return "error", relative, 0, 0, error, None
        return "parsed", relative, status.st_mtime_ns, status.st_size, replace(article, body_html=""), \
            (sha, article.body_html)

    parsed = 0
    for chunk in run_indexed(parse, len(stale), min_items=PARSE_PARALLEL_FROM):
        touched, stored = [], []
        for kind, relative, mtime, size, result, extra in chunk:
            results[relative] = result
            if kind == "touched":
                touched.append((relative, mtime, size))
            elif kind == "parsed":
                sha, body = extra
                stored.append((relative, mtime, size, sha, result, body))
        # Stored as results arrive, while the workers go on parsing.
        cache.touch_articles(touched)
        cache.store_articles(stored)
        parsed += len(stored)
        if progress:
            progress(len(chunk))
    cache.forget_articles_except(set(results))
    cache.commit()
    ordered = [results[file.relative] for file in files]
    articles, errors = unique_articles(ordered, config)
    return Loaded(articles, errors, parsed, cache.body_lookup())

