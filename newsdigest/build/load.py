"""Load articles through the cache: parse only files whose bytes changed, in parallel; keep bodies out of
memory."""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from ..config import Config
from ..content import Article, parse_article, prepare_parsers
from ..errors import SiteError, line_of_key
from ..files import ContentFile
from ..parallel import alongside, run_indexed
from .fingerprint import digest
from .store import BuildCache

# Parsing an article costs a few milliseconds, so even a few dozen are worth spreading over the cores.
PARSE_PARALLEL_FROM = 32


@dataclass
class Loaded:
    articles: list[Article]
    errors: list[SiteError]
    parsed: int
    body_of: Callable[[Article], str]
    words_of: Callable[[Article], str]


def content_sha(data: bytes) -> str:
    """What the cache knows a content file's bytes by."""
    return hashlib.sha256(data).hexdigest()


def same_bytes_as_cached(files: list[ContentFile], cache: BuildCache) -> bool:
    """Whether each of these files holds the bytes the cache last parsed it from."""
    known = cache.article_shas([file.relative for file in files])
    for file in files:
        try:
            with open(file.path, "rb") as handle:
                data = handle.read()
        except OSError:
            return False
        if known.get(file.relative) != content_sha(data):
            return False
    return True


def load_through_cache(config: Config, files: list[ContentFile], cache: BuildCache, parse_signature: str,
                       trusted_before_ns: int, progress=None) -> Loaded:
    """Every file's article, parsed again only when its bytes changed. A file's size and time stand for its
    bytes only when the time is older than `trusted_before_ns`; a newer file is read and hashed."""
    cached = cache.articles()
    trusted: set[str] = set()
    stale: list[ContentFile] = []
    for file in files:
        entry = cached.get(file.relative)
        if entry and (entry.mtime_ns, entry.size) == (file.mtime_ns, file.size) \
                and entry.mtime_ns < trusted_before_ns:
            trusted.add(file.relative)
        else:
            stale.append(file)
    # A few files are parsed in a child while this process reads the cached articles (a rebuild's parser,
    # Python-Markdown and its extensions, then loads there alone); many, by workers forked after it. Not in a
    # process with other threads (serve's): one of them importing a module as the child is forked would leave
    # that module's import lock held in the child.
    few = len(stale) < PARSE_PARALLEL_FROM
    if not few:
        prepare_parsers(config.typography)
    apart = few and bool(stale) and threading.active_count() == 1

    def parse(index: int):
        file = stale[index]
        path, relative, mtime, size = file.path, file.relative, file.mtime_ns, file.size
        try:
            with open(path, "rb") as handle:
                data = handle.read()
        except OSError as error:
            return "error", relative, 0, 0, SiteError(relative, f"cannot be read: {error.strerror}",
                                                      "check the file's permissions"), None
        sha = content_sha(data)
        entry = cached.get(relative)
        if entry and entry.sha == sha:
            return "touched", relative, mtime, size, None, None
        try:
            # The file's name is part of what it means: it gives the slug, and reports name it.
            article = parse_article(Path(path), data, config, digest=digest(sha, relative, parse_signature))
        except SiteError as error:
            return "error", relative, 0, 0, error, None
        return "parsed", relative, mtime, size, \
            replace(article, body_html="", search_words=""), (sha, article.body_html, article.search_words)

    parsed = 0
    with alongside(lambda: [parse(index) for index in range(len(stale))], cache.folder, apart) as parsed_few:
        results: dict[str, Article | SiteError] = dict(cache.records(trusted))
        chunks = [parsed_few()] if few else run_indexed(parse, len(stale), min_items=PARSE_PARALLEL_FROM)
        for chunk in chunks:
            touched, stored = [], []
            for kind, relative, mtime, size, result, extra in chunk:
                results[relative] = result
                if kind == "touched":
                    results[relative] = cache.record(relative)
                    touched.append((relative, mtime, size))
                elif kind == "parsed":
                    sha, body, words = extra
                    stored.append((relative, mtime, size, sha, result, body, words))
            # Stored as results arrive, while the workers go on parsing.
            cache.touch_articles(touched)
            cache.store_articles(stored)
            parsed += len(stored)
            if progress:
                progress(len(chunk))
    cache.forget_articles(cached.keys() - {file.relative for file in files})
    cache.commit()
    ordered = [results[file.relative] for file in files]
    articles, errors = unique_articles(ordered, config)
    return Loaded(articles, errors, parsed, cache.text_lookup("body"), cache.text_lookup("words"))


def unique_articles(results: list[Article | SiteError], config: Config
                    ) -> tuple[list[Article], list[SiteError]]:
    """The articles, in file order, each slug kept by its first file; an error for every file left out, at
    its slug's line (read from the file: a rare error need not make every article carry its lines)."""
    articles: list[Article] = []
    errors: list[SiteError] = []
    by_slug: dict[str, Article] = {}
    for result in results:
        if isinstance(result, SiteError):
            errors.append(result)
        elif result.slug in by_slug:
            path = config.root / result.source_path
            errors.append(SiteError(path, f"slug '{result.slug}' is already used by "
                                    f"{by_slug[result.slug].source_path}",
                                    "give one of them another slug: in its front matter or file name",
                                    line_of_key(path.read_text(encoding="utf-8-sig"), "slug")))
        else:
            by_slug[result.slug] = result
            articles.append(result)
    return articles, errors
