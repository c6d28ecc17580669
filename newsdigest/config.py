"""Read site.toml into a validated, frozen Config; every setting has a default here."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import MappingProxyType
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .errors import SiteError, not_utf8
from .markup import CONTROL_CHARACTERS

SLUG_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
REPUBLISH = ("full", "summary")
SOURCE_KINDS = ("feed", "sitemap", "links")
# Topic ids name folders; file systems refuse names past 255 bytes.
MAX_ID_LENGTH = 100
# Counts (items a page or feed shows, words a minute) past any digest's size: a larger one is a typo, and one
# past the machine's integers would stop the build in the middle.
MAX_COUNT = 1_000_000


@dataclass(frozen=True, kw_only=True)
class MatchRule:
    """What ingest matches an article against: weighted phrases that must reach `threshold`, groups of phrases
    of which `all` must each have one in the text, phrases of which `none` may appear, and how much more a
    phrase in the headline weighs than one in the body."""

    keywords: Mapping[str, float] = field(default_factory=lambda: MappingProxyType({}))
    threshold: float = 3.0
    all: tuple[tuple[str, ...], ...] = ()
    none: tuple[str, ...] = ()
    headline_weight: float = 2.0

    @property
    def label(self) -> str:
        raise NotImplementedError


@dataclass(frozen=True)
class Topic(MatchRule):
    """A topic the digest follows; its match fields are the rule ingest assigns it by."""

    id: str = ""
    name: str = ""
    description: str = ""

    @property
    def label(self) -> str:
        return self.id


@dataclass(frozen=True)
class TagRule(MatchRule):
    """A tag that ingest gives an article matching its rule."""

    name: str = ""
    threshold: float = field(default=2.0, kw_only=True)

    @property
    def label(self) -> str:
        return self.name


@dataclass(frozen=True)
class Source:
    """A list of articles the digest follows: a feed, a sitemap or a text file of links, with what to add to
    its articles and which of them to take. `problem` says why it cannot be used: fetch reports it and goes on
    with the other sources, and a build, which never reads sources, is not stopped by it."""

    url: str = ""
    kind: str = ""
    topics: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    # Regular expressions, case-insensitive, tried on each item's URL and on its title.
    include: str = ""
    exclude: str = ""
    # New items taken from this source in one run, newest first as the source lists them.
    limit: int = 30
    line: int | None = None
    problem: str = ""
    hint: str = ""


@dataclass(frozen=True)
class FetchSettings:
    """How fetch behaves towards the sites it reads: who it says it is, how often and how long it asks."""

    # Empty: "newsdigest/VERSION (+base_url)". Its first word is the name robots.txt rules are matched to.
    user_agent: str = ""
    # Seconds between two requests to one host (a robots.txt Crawl-delay that is longer wins).
    delay: float = 2.0
    # Seconds to connect, and to wait for each part of a response; a whole response gets four times this.
    timeout: float = 20.0
    max_bytes: int = 10_000_000
    # Hosts read at the same time, each one request at a time.
    hosts: int = 4
    # Tries again after a 429, a 5xx or a failed connection, waiting longer each time or as Retry-After asks.
    retries: int = 3
    # The longest wait before a retry within a run; a server asking for more is tried again on the next run.
    max_wait: float = 60.0


@dataclass(frozen=True)
class Config:
    """Every site setting. `root` is the folder holding site.toml; other paths are relative to it."""

    root: Path = Path(".")
    title: str = "News Digest"
    description: str = "A digest of the news we follow."
    base_url: str = "https://example.github.io/newsdigest/"
    language: str = "en"
    timezone: str = "UTC"
    author: str = ""
    per_page: int = 20
    feed_items: int = 20
    related_items: int = 5
    # Stories in each topic's section of the front page.
    section_items: int = 4
    words_per_minute: int = 230
    content_dir: str = "content"
    output_dir: str = "output"
    templates_dir: str = "templates"
    static_dir: str = "static"
    cache_dir: str = ".newsdigest-cache"
    # Trust the authors' raw HTML in bodies (script, iframe, style, any link) instead of sanitising it.
    raw_html: bool = False
    # Make curly quotes, dashes and ellipses from straight ones at every build (Python-Markdown's smarty), as
    # Pelican's TYPOGRIFY; ingest already writes them into the content.
    typography: bool = False
    # "full" publishes each article's text; "summary" its title, summary and a link to the original, as
    # digests of others' reporting often must.
    republish: str = "full"
    # Mark the pages that copy an article's full text noindex (and leave them out of the sitemap), as
    # syndication guidance asks, so that search engines send readers to the original.
    noindex_copies: bool = False
    topics: tuple[Topic, ...] = ()
    tags: tuple[TagRule, ...] = ()

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def topic(self, topic_id: str) -> Topic | None:
        return next((t for t in self.topics if t.id == topic_id), None)

    def path(self, name: str) -> Path:
        """One of the configured folders, resolved against the site root."""
        return self.root / getattr(self, f"{name}_dir")


# The TOML types each setting accepts; tomllib gives int for whole numbers, so floats take both.
_SETTING_TYPES: dict[str, tuple[type, ...]] = {
    "title": (str,),
    "description": (str,),
    "base_url": (str,),
    "language": (str,),
    "timezone": (str,),
    "author": (str,),
    "per_page": (int,),
    "feed_items": (int,),
    "related_items": (int,),
    "section_items": (int,),
    "words_per_minute": (int,),
    "content_dir": (str,),
    "output_dir": (str,),
    "templates_dir": (str,),
    "static_dir": (str,),
    "cache_dir": (str,),
    "raw_html": (bool,),
    "typography": (bool,),
    "republish": (str,),
    "noindex_copies": (bool,),
    "topics": (list,),
    "tags": (list,),
    "sources": (list,),
    "fetch": (dict,),
}
_SOURCE_TYPES: dict[str, tuple[type, ...]] = {
    "url": (str,), "kind": (str,), "topics": (list,), "tags": (list,), "include": (str,), "exclude": (str,),
    "limit": (int,)}
_FETCH_TYPES: dict[str, tuple[type, ...]] = {
    "user_agent": (str,), "delay": (int, float), "timeout": (int, float), "max_bytes": (int,),
    "hosts": (int,), "retries": (int,), "max_wait": (int, float)}
_RULE_TYPES: dict[str, tuple[type, ...]] = {"keywords": (dict,), "threshold": (int, float), "all": (list,),
                                           "none": (list,), "headline_weight": (int, float)}
_TOPIC_TYPES: dict[str, tuple[type, ...]] = {
    "id": (str,),
    "name": (str,),
    "description": (str,),
    **_RULE_TYPES,
}
_TAG_TYPES: dict[str, tuple[type, ...]] = {"name": (str,), **_RULE_TYPES}
_TYPE_NAMES = {str: "a string", int: "a whole number", float: "a number", list: "a list", dict: "a table",
               bool: "true or false"}


def load_config(root: Path, base_url: str | None = None, base_url_from: str = "--base-url") -> Config:
    """Read `root/site.toml` (a missing file means all defaults) and validate it; `base_url`, where given,
    overrides the file's, and an error in it names `base_url_from` (the flag or variable it came from)."""
    path = root / "site.toml"
    text = _site_toml_text(path)
    try:
        table = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        line = re.search(r"line (\d+)", str(error))
        raise SiteError(path, f"not valid TOML: {error}", "fix the syntax at that line",
                        int(line.group(1)) if line else None) from None
    except RecursionError:  # tomllib reads arrays and inline tables by recursion
        raise SiteError(path, "not valid TOML: arrays or tables nested too deep to read",
                        "nest them less deep") from None
    _check_characters(table, path, text)
    config = _config_from_table(table, path, text)
    if base_url:
        _check_base_url(base_url, base_url_from, None)
        config = replace(config, base_url=base_url)
    config = _validated(replace(config, root=root), path, text)
    return replace(config, base_url=_with_slash(config.base_url))


def _site_toml_text(path: Path) -> str:
    """site.toml's text, '' where there is none."""
    try:
        return path.read_bytes().decode("utf-8")
    except FileNotFoundError:
        return ""
    except UnicodeDecodeError as error:
        raise not_utf8(path, error, "save site.toml as UTF-8") from None
    except OSError as error:
        raise SiteError(path, f"cannot be read: {error.strerror}",
                        "check that it is a file you may read") from None


def _check_characters(value: Any, path: Path, text: str, key: str = "") -> None:
    """No setting holds a control character (TOML's escapes write them: "\\u0001"): feeds are XML, which
    cannot carry them, and no page is helped by one."""
    if isinstance(value, dict):
        for name, item in value.items():
            _check_characters(item, path, text, name)
    elif isinstance(value, list):
        for item in value:
            _check_characters(item, path, text, key)
    elif isinstance(value, str) and (found := CONTROL_CHARACTERS.search(value)):
        raise SiteError(path, f"setting '{key}' holds a control character (U+{ord(found.group()):04X})",
                        "remove it (in TOML an escape such as \\u0001 writes one)", _line_of(text, key))


def _config_from_table(table: dict[str, Any], path: Path, text: str) -> Config:
    _check_keys(table, _SETTING_TYPES, path, text, "setting")
    topics = tuple(Topic(**_rule_table(t, path, text, "topics", _TOPIC_TYPES, ("id", "name")))
                   for t in table.pop("topics", []))
    tags = tuple(
        TagRule(**_rule_table(t, path, text, "tags", _TAG_TYPES, ("name",))) for t in table.pop("tags", [])
    )
    # What fetch follows is fetch's own (load_fetch_plan): a build neither reads it nor rebuilds for it.
    table.pop("sources", None), table.pop("fetch", None)
    return Config(**table, topics=topics, tags=tags)


@dataclass(frozen=True)
class FetchPlan:
    sources: tuple[Source, ...]
    settings: FetchSettings


def load_fetch_plan(config: Config) -> FetchPlan:
    """The [[sources]] and [fetch] of site.toml (load_config has checked the file's syntax)."""
    path = config.root / "site.toml"
    text = _site_toml_text(path)
    table = tomllib.loads(text)
    topic_ids = {topic.id for topic in config.topics}
    sources = tuple(_source(entry, number, text, topic_ids)
                    for number, entry in enumerate(table.get("sources", []), start=1))
    return FetchPlan(sources, _fetch_settings(table.get("fetch", {}), path, text))


def _fetch_settings(table: dict[str, Any], path: Path, text: str) -> FetchSettings:
    _check_keys(table, _FETCH_TYPES, path, text, "fetch setting")
    settings = FetchSettings(**table)
    for name in ("delay", "timeout", "max_bytes", "hosts", "retries", "max_wait"):
        least = 1 if name in ("timeout", "max_bytes", "hosts") else 0
        if getattr(settings, name) < least:
            raise SiteError(path, f"fetch setting '{name}' must be at least {least}",
                            f"set {name} under [fetch] to {least} or more", _line_of(text, name))
    return settings


def _source(entry: Any, number: int, text: str, topic_ids: set[str]) -> Source:
    """The number-th [[sources]] entry; what is wrong with it becomes its problem, not an error, so that
    one bad source neither stops the build nor the other sources."""
    line = _nth_line(text, "[[sources]]", number)
    if not isinstance(entry, dict):
        return Source(line=line, problem="is not a table", hint="write each source as a [[sources]] section")
    unknown = sorted(set(entry) - set(_SOURCE_TYPES))
    wrong = [key for key, wanted in _SOURCE_TYPES.items()
             if key in entry and (not isinstance(entry[key], wanted) or isinstance(entry[key], bool))]
    url = entry.get("url") if isinstance(entry.get("url"), str) else ""
    if unknown or wrong:
        key = (unknown or wrong)[0]
        takes = ", ".join(f"{name} ({_TYPE_NAMES[types[-1]]})" for name, types in _SOURCE_TYPES.items())
        problem = f"has {'an unknown' if unknown else 'a wrong'} setting '{key}'"
        return Source(url=url, line=line, problem=problem, hint=f"a source takes {takes}")
    fields = {**entry, "topics": tuple(entry.get("topics", ())), "tags": tuple(entry.get("tags", ()))}
    source = Source(**fields, line=line)
    return replace(source, **dict(zip(("problem", "hint"), _source_problem(source, topic_ids))))


def _source_problem(source: Source, topic_ids: set[str]) -> tuple[str, str]:
    if not re.match(r"^https?://[^/\s]+", source.url):
        return (f"url '{source.url}' is not an http(s) URL" if source.url else "has no url",
                'write url = "https://..." (a feed, a sitemap or a text file of links)')
    if source.kind and source.kind not in SOURCE_KINDS:
        return (f"kind '{source.kind}' is not one of {', '.join(SOURCE_KINDS)}",
                "leave kind out to have it found from the response")
    if not all(isinstance(name, str) for name in source.topics + source.tags):
        return "lists something other than names in topics or tags", 'write topics = ["rare-earths"]'
    unknown = [name for name in source.topics if name not in topic_ids]
    if unknown:
        return (f"names topic '{unknown[0]}', which is not in [[topics]]",
                "use the id of one of the [[topics]]")
    for key in ("include", "exclude"):
        try:
            re.compile(getattr(source, key))
        except re.error as error:
            return f"{key} '{getattr(source, key)}' is not a regular expression: {error}", \
                "escape characters such as ( [ ? with a backslash"
    if source.limit < 1:
        return "limit must be at least 1", "give the number of new items to take in one run"
    return "", ""


def _rule_table(table: Any, path: Path, text: str, section: str, types: dict[str, tuple[type, ...]],
                required: tuple[str, ...]) -> dict[str, Any]:
    """One [[topics]] or [[tags]] table, checked, with its keyword weights frozen."""
    if not isinstance(table, dict):
        raise SiteError(
            path,
            f"each entry of {section} must be a table",
            f"write them as [[{section}]] sections",
            _line_of(text, f"[[{section}]]"),
        )
    _check_keys(table, types, path, text, f"{section[:-1]} setting")
    for key in required:
        if key not in table:
            raise SiteError(path, f"an entry of [[{section}]] has no '{key}'",
                            f"give every [[{section}]] a {key} = \"...\"", _line_of(text, f"[[{section}]]"))
    keywords = table.pop("keywords", {})
    for phrase, weight in keywords.items():
        if not isinstance(weight, (int, float)) or isinstance(weight, bool):
            raise SiteError(
                path,
                f"{section[:-1]} '{table[required[0]]}': keyword '{phrase}' has weight {weight!r}",
                'give each keyword a number, e.g. "rare earth" = 2',
                _line_of(text, phrase),
            )
    groups = [group if isinstance(group, list) else [group] for group in table.pop("all", [])]
    none = table.pop("none", [])
    if not all(isinstance(p, str) for group in groups for p in group) or not all(
        isinstance(p, str) for p in none
    ):
        raise SiteError(path, f"{section[:-1]} '{table[required[0]]}': 'all' and 'none' must list phrases",
                        'write all = [["India", "Indian"], ["China", "Chinese"]] and none = ["phrase", ...]',
                        _line_of(text, "all") or _line_of(text, "none"))
    return {**table, "keywords": MappingProxyType(dict(keywords)), "all": tuple(tuple(g) for g in groups),
            "none": tuple(none)}


def _check_keys(table: dict[str, Any], types: dict[str, tuple[type, ...]], path: Path, text: str,
                kind: str) -> None:
    for key, value in table.items():
        if key not in types:
            raise SiteError(path, f"unknown {kind} '{key}'",
                            f"remove it or use one of: {', '.join(sorted(types))}", _line_of(text, key))
        wanted = types[key]
        if not isinstance(value, wanted) or (isinstance(value, bool) and bool not in wanted):
            raise SiteError(path, f"{kind} '{key}' is {value!r}, which is not {_TYPE_NAMES[wanted[-1]]}",
                            f"write {key} as {_TYPE_NAMES[wanted[-1]]}", _line_of(text, key))


def _check_base_url(url: str, where: Path | str, line: int | None) -> None:
    if not re.match(r"^https?://[^/\s]+\S*$", url) or CONTROL_CHARACTERS.search(url):
        raise SiteError(where, f"base_url '{url}' is not an absolute http(s) URL",
                        "write it like https://USER.github.io/REPO/", line)


def _validated(config: Config, path: Path, text: str) -> Config:
    _check_base_url(config.base_url, path, _line_of(text, "base_url"))
    try:
        _ = config.zone  # reading the zone checks its name
    except (ZoneInfoNotFoundError, ValueError):
        raise SiteError(path, f"unknown timezone '{config.timezone}'",
                        "use an IANA name such as UTC or Asia/Kolkata", _line_of(text, "timezone")) from None
    if config.republish not in REPUBLISH:
        raise SiteError(path, f"republish '{config.republish}' is not one of {', '.join(REPUBLISH)}",
                        'write republish = "full" (the article\'s text) or "summary" (title, summary, link)',
                        _line_of(text, "republish"))
    for name in ("per_page", "feed_items", "section_items", "words_per_minute"):
        if getattr(config, name) < 1:
            raise SiteError(path, f"{name} must be at least 1", f"set {name} to a positive number",
                            _line_of(text, name))
    if not config.title.strip():
        raise SiteError(path, "title is empty", 'name the digest: title = "…"', _line_of(text, "title"))
    if config.related_items < 0:
        raise SiteError(path, "related_items must be at least 0", "set related_items to 0 (none) or more",
                        _line_of(text, "related_items"))
    for name in ("per_page", "feed_items", "section_items", "words_per_minute", "related_items"):
        if getattr(config, name) > MAX_COUNT:
            raise SiteError(path, f"{name} must be at most {MAX_COUNT:,}", f"set {name} to a smaller number",
                            _line_of(text, name))
    # The cache folder must not lie in a file (cache_dir = "/dev/null"); the output is checked where it is
    # built, since --output may name it.
    blocked = not_a_folder(config.path("cache"))
    if blocked is not None:
        raise SiteError(path, f"cache_dir '{config.cache_dir}' cannot be a folder: {blocked} is not one",
                        "set cache_dir to a folder", _line_of(text, "cache_dir"))
    seen: set[str] = set()
    for topic in config.topics:
        if not SLUG_PATTERN.match(topic.id) or len(topic.id) > MAX_ID_LENGTH or topic.id in seen:
            problem = "is used twice" if topic.id in seen else "is not a valid id"
            raise SiteError(
                path,
                f"topic id '{topic.id}' {problem}",
                f"use a unique lowercase id of letters, digits and hyphens, at most {MAX_ID_LENGTH} "
                "characters, e.g. rare-earths",
                _line_of(text, f'"{topic.id}"'),
            )
        seen.add(topic.id)
    return config


def not_a_folder(path: Path) -> Path | None:
    """What stops a folder being made at `path`: the path itself, or the nearest of its parents that
    exists, when that is not a folder (None when nothing does)."""
    existing = next((p for p in (path, *path.parents) if p.exists()), None)
    return existing if existing is not None and not existing.is_dir() else None


def _with_slash(url: str) -> str:
    return url if url.endswith("/") else url + "/"


def _nth_line(text: str, needle: str, number: int) -> int | None:
    lines = [n for n, line in enumerate(text.splitlines(), start=1) if line.strip() == needle]
    return lines[number - 1] if len(lines) >= number else None


def _line_of(text: str, needle: str) -> int | None:
    """The first line where a key is set (or, failing that, where the text appears)."""
    lines = text.splitlines()
    key = re.compile(rf'^\s*"?{re.escape(needle)}"?\s*=')
    for pattern in (key.match, lambda line: needle in line):
        for number, line in enumerate(lines, start=1):
            if pattern(line):
                return number
    return None
