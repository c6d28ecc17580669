"""site.toml, read into three frozen parts: the build's Config, ingest's Rules and fetch's FetchPlan.

Each setting is declared once, as a field of one of the dataclasses here made by `setting()`: its type is the
field's, and its default, check and one-line doc go with it. The reading, the error messages, the starter
site.toml (init) and docs/settings.md (reference.py) all come from these declarations.
"""

from __future__ import annotations

import re
import tomllib
import typing
from collections.abc import Callable, Mapping
from dataclasses import MISSING, Field, dataclass, field, fields, replace
from datetime import tzinfo
from functools import cache
from pathlib import Path
from types import MappingProxyType
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .errors import SiteError, not_utf8
from .text import CONTROL_CHARACTERS

SLUG_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
SOURCE_KINDS = ("feed", "sitemap", "links")
# Topic ids name folders; file systems refuse names past 255 bytes.
MAX_ID_LENGTH = 100
# Counts (items a page or feed shows, words a minute) past any digest's size: a larger one is a typo, and one
# past the machine's integers would stop the build in the middle.
MAX_COUNT = 1_000_000

# A check is given the setting's name, its value and the whole part read so far; it returns what is wrong
# and what to write instead, or None.
Problem = tuple[str, str]
Check = Callable[[str, Any, Any], Problem | None]


def setting(default: Any, doc: str, check: Check | None = None, *, starter: str = "",
            required: bool = False, kw_only: Any = MISSING) -> Any:
    """A declared setting: its default, its one-line doc, its check, and the line the starter site.toml sets
    it with (`starter`; otherwise the starter shows the default commented out). `required` settings of a
    table (a topic's id) have no default a user can rely on."""
    metadata = {"doc": doc, "check": check, "starter": starter, "required": required}
    if isinstance(default, (tuple, Mapping)):
        return field(default_factory=lambda: default, metadata=metadata, kw_only=kw_only)
    return field(default=default, metadata=metadata, kw_only=kw_only)


def counted(least: int) -> Check:
    """A whole number from `least` to MAX_COUNT."""
    def check(name: str, value: int, _: Any) -> Problem | None:
        if value < least:
            hint = f"set {name} to a positive number" if least == 1 else f"set {name} to 0 (none) or more"
            return f"{name} must be at least {least}", hint
        if value > MAX_COUNT:
            return f"{name} must be at most {MAX_COUNT:,}", f"set {name} to a smaller number"
        return None
    return check


def at_least(least: float, section: str) -> Check:
    def check(name: str, value: float, _: Any) -> Problem | None:
        return (f"{section} setting '{name}' must be at least {least}",
                f"set {name} under [{section}] to {least} or more") if value < least else None
    return check


def _fraction(name: str, value: float, _: Any) -> Problem | None:
    return None if 0 <= value <= 1 else (f"{name} must be from 0 to 1",
                                         f"set {name} to a number such as 0.15")


def _one_of(choices: tuple[str, ...], hint: str) -> Check:
    def check(name: str, value: str, _: Any) -> Problem | None:
        return None if value in choices else (f"{name} '{value}' is not one of {', '.join(choices)}", hint)
    return check


def _absolute_url(name: str, value: str, _: Any) -> Problem | None:
    if re.match(r"^https?://[^/\s]+\S*$", value) and not CONTROL_CHARACTERS.search(value):
        return None
    return f"base_url '{value}' is not an absolute http(s) URL", "write it like https://USER.github.io/REPO/"


def _zone_name(name: str, value: str, _: Any) -> Problem | None:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        return f"unknown timezone '{value}'", "use an IANA name such as UTC or Asia/Kolkata"
    return None


def _named(name: str, value: str, _: Any) -> Problem | None:
    return None if value.strip() else ("title is empty", 'name the digest: title = "…"')


def _folder_possible(name: str, value: str, config: Config) -> Problem | None:
    # The output folder is checked where it is built, since --output may name it.
    blocked = not_a_folder(config.root / value)
    return None if blocked is None else (f"{name} '{value}' cannot be a folder: {blocked} is not one",
                                         f"set {name} to a folder")


@dataclass(frozen=True)
class Topic:
    """A topic the digest follows, as the build shows it: its listing, feeds and place on the front page."""

    id: str = setting("", "lowercase letters, digits and hyphens; the topic's folder (`topics/ID/`) and what "
                      "an article's `topics:` lists", required=True)
    name: str = setting("", "shown on its page and in its feed", required=True)
    description: str = setting("", "shown on its page and in its feed")


@dataclass(frozen=True)
class Config:
    """The build's settings. `root` is the folder holding site.toml; other paths are relative to it."""

    root: Path = Path(".")
    title: str = setting("News Digest", "the site's name", _named, starter='"My News Digest"')
    description: str = setting(
        "A digest of the news we follow.",
        "shown in the footer, the front page's description and the site feed",
        starter='"The stories I follow, cleaned and collected."')
    base_url: str = setting(
        "https://example.github.io/newsdigest/",
        "the public address; feeds, the sitemap and canonical links use it (`--base-url` overrides it; on "
        "GitHub Pages the workflow sets it)", _absolute_url, starter='"https://USER.github.io/REPO/"')
    language: str = setting("en", "the pages' `lang` and the feeds' language")
    timezone: str = setting("UTC", "an IANA time zone: dates without a zone are in it, and daily editions "
                            "are its days", _zone_name)
    author: str = setting("", "the feeds' author (the title when empty)")
    per_page: int = setting(20, "stories on the first page of each list (the latest news, each topic and "
                            "tag), each with its summary", counted(1))
    archive_per_page: int = setting(50, "stories on each of a list's older pages, a line each: headline, "
                                    "time, publisher and the story's other publishers", counted(1))
    feed_items: int = setting(20, "newest stories in each feed, with full content (a tag's feed: see "
                              "`full_tag_feeds`)", counted(1))
    full_tag_feeds: bool = setting(False, "tag feeds carry each article's whole text, as the site's and the "
                                   "topics' feeds do; false: its headline, summary and link (a site's many "
                                   "tags' feeds would each repeat the newest articles' text)")
    related_items: int = setting(5, "related articles under each article (0: none)", counted(0))
    section_items: int = setting(6, "stories in each topic's section of the front page", counted(1))
    fresh_days: int = setting(3, "how many days before the lead story's day a story may still be in the "
                              "front page's sections (0: the lead's day alone); older stories are on their "
                              "topic's pages and in the editions", counted(0))
    story_days: int = setting(2, "how many days after its first article a story may take more: reports of "
                              "one event from several publishers are one entry, the best-written shown, the "
                              "others linked (0: the same day only)", counted(0))
    story_similarity: float = setting(
        0.15, "how alike (0 to 1: TF-IDF cosine of headlines and leads, each group's summed) two groups "
        "of a day's articles and its recent stories must be to become one story; higher keeps more stories "
        "apart, 1 groups none but by `story:`", _fraction)
    words_per_minute: int = setting(230, "for the reading time", counted(1))
    content_dir: str = setting("content", "the articles' folder, relative to site.toml")
    output_dir: str = setting("output", "where the site is written, relative to site.toml")
    size_warning_mb: int = setting(900, "warn after a build when the output passes this many MB (1 MB = "
                                   "1,048,576 bytes): GitHub Pages refuses sites over 1 GB (0: never)",
                                   counted(0))
    templates_dir: str = setting("templates", "your own templates, each replacing the default of the same "
                                 "name")
    static_dir: str = setting("static", "your own static files, copied into `output/static/`")
    cache_dir: str = setting(".newsdigest-cache", "the build cache (keep it out of git; deleting it only "
                             "makes the next build cold)", _folder_possible)
    raw_html: bool = setting(False, "keep raw HTML in bodies (script, iframe, style, any link) as written "
                             "instead of sanitising it; only for trusted authors")
    typography: bool = setting(False, "make curly quotes, dashes and ellipses from straight ones at every "
                               "build (Python-Markdown's smarty, as Pelican's TYPOGRIFY); `ingest` already "
                               "writes them into the content")
    republish: str = setting(
        "full", '"summary" publishes each article\'s title, summary and a "Read at <publisher>" link to the '
        "original instead of its text, in pages, feeds and search, as digests of others' reporting often "
        "must",
        _one_of(("full", "summary"),
                'write republish = "full" (the article\'s text) or "summary" (title, summary, link)'))
    noindex_copies: bool = setting(
        False, "mark article pages that copy an original's full text noindex and leave them out of the "
        "sitemap, as syndication guidance asks, so that search engines send readers to the original")
    topics: tuple[Topic, ...] = ()

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def topic(self, topic_id: str) -> Topic | None:
        return next((t for t in self.topics if t.id == topic_id), None)

    def path(self, name: str) -> Path:
        """One of the configured folders, resolved against the site root."""
        return self.root / getattr(self, f"{name}_dir")


@dataclass(frozen=True, kw_only=True)
class MatchRule:
    """What ingest matches an article against (see ingest/topics.py)."""

    keywords: Mapping[str, float] = setting(
        MappingProxyType({}), '`{ "phrase" = weight, … }`; a phrase with a capital letter matches only in '
        'that case ("REE" but not "free")')
    threshold: float = setting(3.0, "the weight an article's phrases must reach (three times at most each)")
    all: tuple[tuple[str, ...], ...] = setting((), "groups of phrases of which each must have one in the "
                                               "text")
    none: tuple[str, ...] = setting((), "phrases that keep an article out")
    headline_weight: float = setting(2.0, "how many times more a phrase in the headline weighs")

    @property
    def label(self) -> str:
        raise NotImplementedError


@dataclass(frozen=True)
class TopicRule(MatchRule):
    """The rule by which ingest gives an article a topic (the [[topics]] table's match settings)."""

    id: str = ""

    @property
    def label(self) -> str:
        return self.id


@dataclass(frozen=True)
class TagRule(MatchRule):
    """A tag that ingest gives an article matching its rule."""

    name: str = setting("", "the tag", required=True)
    threshold: float = setting(2.0, "the weight an article's phrases must reach", kw_only=True)

    @property
    def label(self) -> str:
        return self.name


@dataclass(frozen=True)
class Rules:
    """What ingest and retag assign topics and tags by; the build never reads them."""

    topics: tuple[TopicRule, ...] = ()
    tags: tuple[TagRule, ...] = ()


@dataclass(frozen=True)
class Source:
    """A list of articles the digest follows, with what to add to its articles and which of them to take.
    `problem` says why it cannot be used: fetch reports it and goes on with the other sources, and a build,
    which never reads sources, is not stopped by it."""

    url: str = setting("", "a feed (RSS, Atom, JSON Feed), a sitemap or a text file of links", required=True)
    kind: str = setting("", f"one of {', '.join(SOURCE_KINDS)}; found from the response when left out")
    topics: tuple[str, ...] = setting((), "topics added to every article from this source")
    tags: tuple[str, ...] = setting((), "tags added to every article from this source")
    include: str = setting("", "a regular expression (any case) an item's URL or title must match")
    exclude: str = setting("", "a regular expression (any case) that leaves out an item whose URL or title "
                           "matches")
    limit: int = setting(30, "new items taken from this source in one run, newest first")
    line: int | None = None
    problem: str = ""
    hint: str = ""


@dataclass(frozen=True)
class FetchSettings:
    """How fetch behaves towards the sites it reads: who it says it is, how often and how long it asks."""

    user_agent: str = setting("", 'who fetch says it is; robots.txt rules are matched to its first word '
                              '(empty: "newsdigest/VERSION (+base_url)")')
    delay: float = setting(2.0, "seconds between two requests to one host (a longer robots.txt Crawl-delay "
                           "wins)", at_least(0, "fetch"))
    timeout: float = setting(20.0, "seconds to connect, and to wait for each part of a response (a whole "
                             "response gets four times this)", at_least(1, "fetch"))
    max_bytes: int = setting(10_000_000, "the largest response, after decompression", at_least(1, "fetch"))
    hosts: int = setting(4, "hosts read at the same time, each one request at a time", at_least(1, "fetch"))
    retries: int = setting(3, "tries again after a 429, a 5xx or a failed connection, waiting longer each "
                           "time or as Retry-After asks", at_least(0, "fetch"))
    max_wait: float = setting(60.0, "the longest wait before a retry within a run; a server asking for more "
                              "is tried again on the next run", at_least(0, "fetch"))


@dataclass(frozen=True)
class FetchPlan:
    sources: tuple[Source, ...]
    settings: FetchSettings
    # The site's: a time a source lists without a zone is in it (dates.in_zone).
    zone: tzinfo


def declared(kind: type) -> list[Field]:
    """The settings a dataclass declares, in order (fields made by `setting()`)."""
    return [item for item in fields(kind) if "doc" in item.metadata]


def default_of(item: Field) -> Any:
    return item.default_factory() if item.default is MISSING else item.default


@cache
def _accepted_types(kind: type) -> dict[str, tuple[type, ...]]:
    """The TOML types each setting of `kind` accepts, from its annotation: tomllib gives int for whole
    numbers, so a float takes both; a tuple is written as a list, a mapping as a table."""
    hints = typing.get_type_hints(kind)
    accepted = {}
    for item in declared(kind):
        origin = typing.get_origin(hints[item.name]) or hints[item.name]
        accepted[item.name] = {float: (int, float), tuple: (list,), Mapping: (dict,)}.get(origin, (origin,))
    return accepted


_TYPE_NAMES = {str: "a string", int: "a whole number", float: "a number", list: "a list", dict: "a table",
               bool: "true or false"}
# The [[topics]] table holds a topic's build settings and its ingest rule; the top level's other tables are
# read by their own stage.
_TOPIC_KEYS = {**_accepted_types(Topic), **_accepted_types(MatchRule)}
_OTHER_PARTS = {"topics": (list,), "tags": (list,), "sources": (list,), "fetch": (dict,)}


@dataclass(frozen=True)
class _SiteToml:
    path: Path
    text: str
    table: dict[str, Any]


def load_config(root: Path, base_url: str | None = None, base_url_from: str = "--base-url") -> Config:
    """Read `root/site.toml` (a missing file means all defaults) and check all of it but fetch's part; the
    build's settings. `base_url`, where given, overrides the file's, and an error in it names
    `base_url_from` (the flag or variable it came from)."""
    if base_url and (problem := _absolute_url("base_url", base_url, None)):
        raise SiteError(base_url_from, *problem)
    config, _ = _parts(_read(root), root, base_url)
    return replace(config, base_url=_with_slash(config.base_url))


def load_rules(config: Config) -> Rules:
    """The topic and tag rules of site.toml (load_config has checked them)."""
    return _parts(_read(config.root), config.root)[1]


def _read(root: Path) -> _SiteToml:
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
    return _SiteToml(path, text, table)


def _parts(toml: _SiteToml, root: Path, base_url: str | None = None) -> tuple[Config, Rules]:
    table = dict(toml.table)
    _check_keys(table, {**_accepted_types(Config), **_OTHER_PARTS}, toml, "setting")
    topic_tables = [
        _rule_table(t, toml, "topics", _TOPIC_KEYS, ("id", "name")) for t in table.pop("topics", [])
    ]
    tag_tables = [
        _rule_table(t, toml, "tags", _accepted_types(TagRule), ("name",)) for t in table.pop("tags", [])
    ]
    # What fetch follows is fetch's own (load_fetch_plan): a build neither reads it nor rebuilds for it.
    table.pop("sources", None), table.pop("fetch", None)
    topic_names = {item.name for item in declared(Topic)}
    topics = tuple(Topic(**{k: v for k, v in t.items() if k in topic_names}) for t in topic_tables)
    if base_url:
        table["base_url"] = base_url
    config = _checked(Config(**table, root=root, topics=topics), toml)
    rules = Rules(tuple(TopicRule(**{k: v for k, v in t.items() if k not in topic_names or k == "id"})
                        for t in topic_tables),
                  tuple(TagRule(**t) for t in tag_tables))
    return config, rules


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


def _checked(config: Config, toml: _SiteToml) -> Config:
    """The config, each of its settings' checks passed, and its topics' ids usable and unique."""
    for item in declared(Config):
        check = item.metadata["check"]
        problem = check(item.name, getattr(config, item.name), config) if check else None
        if problem:
            raise SiteError(toml.path, *problem, _line_of(toml.text, item.name))
    seen: set[str] = set()
    for topic in config.topics:
        if not SLUG_PATTERN.match(topic.id) or len(topic.id) > MAX_ID_LENGTH or topic.id in seen:
            problem = "is used twice" if topic.id in seen else "is not a valid id"
            raise SiteError(
                toml.path,
                f"topic id '{topic.id}' {problem}",
                f"use a unique lowercase id of letters, digits and hyphens, at most {MAX_ID_LENGTH} "
                "characters, e.g. rare-earths",
                _line_of(toml.text, f'"{topic.id}"'),
            )
        seen.add(topic.id)
    return config


def load_fetch_plan(config: Config) -> FetchPlan:
    """The [[sources]] and [fetch] of site.toml (load_config has checked the file's syntax)."""
    toml = _read(config.root)
    topic_ids = {topic.id for topic in config.topics}
    sources = tuple(_source(entry, number, toml.text, topic_ids)
                    for number, entry in enumerate(toml.table.get("sources", []), start=1))
    return FetchPlan(sources, _fetch_settings(toml.table.get("fetch", {}), toml), config.zone)


def _fetch_settings(table: dict[str, Any], toml: _SiteToml) -> FetchSettings:
    _check_keys(table, _accepted_types(FetchSettings), toml, "fetch setting")
    settings = FetchSettings(**table)
    for item in declared(FetchSettings):
        check = item.metadata["check"]
        problem = check(item.name, getattr(settings, item.name), settings) if check else None
        if problem:
            raise SiteError(toml.path, *problem, _line_of(toml.text, item.name))
    return settings


def _source(entry: Any, number: int, text: str, topic_ids: set[str]) -> Source:
    """The number-th [[sources]] entry; what is wrong with it becomes its problem, not an error, so that
    one bad source neither stops the build nor the other sources."""
    line = _nth_line(text, "[[sources]]", number)
    if not isinstance(entry, dict):
        return Source(line=line, problem="is not a table", hint="write each source as a [[sources]] section")
    types = _accepted_types(Source)
    unknown = sorted(set(entry) - set(types))
    wrong = [key for key, wanted in types.items()
             if key in entry and (not isinstance(entry[key], wanted) or isinstance(entry[key], bool))]
    url = entry.get("url") if isinstance(entry.get("url"), str) else ""
    if unknown or wrong:
        key = (unknown or wrong)[0]
        takes = ", ".join(f"{name} ({_TYPE_NAMES[wanted[-1]]})" for name, wanted in types.items())
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


def _rule_table(table: Any, toml: _SiteToml, section: str, types: dict[str, tuple[type, ...]],
                required: tuple[str, ...]) -> dict[str, Any]:
    """One [[topics]] or [[tags]] table, checked, with its keyword weights frozen."""
    path, text = toml.path, toml.text
    if not isinstance(table, dict):
        raise SiteError(
            path,
            f"each entry of {section} must be a table",
            f"write them as [[{section}]] sections",
            _line_of(text, f"[[{section}]]"),
        )
    _check_keys(table, types, toml, f"{section[:-1]} setting")
    for key in required:
        if key not in table:
            raise SiteError(path, f"an entry of [[{section}]] has no '{key}'",
                            f"give every [[{section}]] a {key} = \"...\"", _line_of(text, f"[[{section}]]"))
    table = dict(table)
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


def _check_keys(table: dict[str, Any], types: dict[str, tuple[type, ...]], toml: _SiteToml,
                kind: str) -> None:
    for key, value in table.items():
        if key not in types:
            raise SiteError(toml.path, f"unknown {kind} '{key}'",
                            f"remove it or use one of: {', '.join(sorted(types))}", _line_of(toml.text, key))
        wanted = types[key]
        if not isinstance(value, wanted) or (isinstance(value, bool) and bool not in wanted):
            raise SiteError(toml.path, f"{kind} '{key}' is {value!r}, which is not {_TYPE_NAMES[wanted[-1]]}",
                            f"write {key} as {_TYPE_NAMES[wanted[-1]]}", _line_of(toml.text, key))


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
