"""Load content/*.md into Article values, reporting each bad file as a SiteError."""

from __future__ import annotations

import hashlib
import re
import sys
import uuid
from dataclasses import dataclass, field
from dataclasses import fields as dataclass_fields
from datetime import UTC, datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from slugify import slugify

from .config import Config
from .contentfile import FIELD_NAMES, NESTING_HINT, read_front_matter, yaml_handler
from .dates import moment_of
from .errors import SiteError, line_of_key, not_utf8
from .markup import (
    MarkupLimitError,
    first_paragraph,
    markdown_converter,
    markdown_to_html,
    plain_text,
    reading_minutes,
)
from .text import INVISIBLE_CHARACTERS, without_control_characters

# Raised whenever the same bytes come to parse into another article, so that cached articles are parsed again
# (2: tags that slugify alike kept once; 3: search words whole across soft hyphens; 4: story; 5: lead).
PARSER_REVISION = 5
# How much of a body's opening stories compare: a news lead, a paragraph or two.
LEAD_WORDS = 80
FILE_SLUG = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
# Identity of an article in feeds: derived from its slug only, so a new base_url or title keeps it.
_WORD = re.compile(r"\w+")
# Names of files and folders in output/ stay well inside the 255 bytes file systems allow.
MAX_NAME_LENGTH = 100
# Each tag is a page and three feeds that list the article with all its tags: past this, no reader is helped.
MAX_TAGS = 100
# A tag names a page, its feeds and a line on every page that lists its articles; a headline heads every list
# and feed the article is in: past these, no reader is helped, and every copy costs output bytes.
MAX_TAG_LENGTH = 100
MAX_TITLE_LENGTH = 300
# Front matter newsdigest does not know is given to templates as it is: these bound how deep and how large.
MAX_EXTRA_DEPTH = 20
MAX_EXTRA_VALUES = 10_000


def prepare_parsers(typography: bool) -> None:
    """Import what parsing needs (Python-Markdown and its extensions, python-frontmatter, PyYAML) in this
    process, before it forks workers to parse: each would load them again, and a large build replaces its
    workers after each share of the work."""
    markdown_converter(typography)
    yaml_handler()


GUID_NAMESPACE = uuid.UUID("6f1c6a52-8f0e-4c55-9a4c-6e2b1d0f7a11")


# Slotted: a site of a hundred thousand articles reads their fields over and over (sorting, grouping, the
# digests a plan hashes), and slots are read without a dictionary between (and take 96 bytes less each).
@dataclass(frozen=True, slots=True)
class Article:
    """One article, as every stage after loading sees it.

    The site model holds light copies whose `body_html` and `search_words` are empty: the build cache gives
    the body back to the pages and feeds that show it, and the words to the search index, so that a site of a
    hundred thousand articles does not hold every text in memory.
    """

    slug: str
    title: str
    date: datetime
    body_html: str
    summary: str
    source_path: str
    updated: datetime | None = None
    tags: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()
    source: str = ""
    source_url: str = ""
    author: str = ""
    dateline: str = ""
    credit: str = ""
    # The story the user put the article in by hand (see build/stories.py); "" lets its words decide.
    story: str = ""
    draft: bool = False
    guid: str = ""
    word_count: int = 0
    reading_minutes: int = 1
    # Scraped bodies often open with their dateline; the page then need not show it twice.
    dateline_in_body: bool = False
    # The body's first LEAD_WORDS words as plain text: what stories compare beside the headline.
    lead: str = ""
    # Each distinct word of the body once, lowercased, but numbers and words of one or two letters, which
    # would make the offline search index much larger for little use: what search finds the article by.
    search_words: str = ""
    # A hash of the file's bytes and the settings that shape parsing: what caches and fingerprints key on.
    digest: str = ""
    # Left out of the hash (a dict has none), not out of equality: an article can key a memo.
    extra: dict[str, Any] = field(default_factory=dict, hash=False)

    def __reduce__(self):
        # Pickled (into the build cache, and between workers) as its values in field order, rebuilt without
        # __init__: half the bytes of the default (which names every field), and loaded twice as fast.
        return _restored_article, tuple(getattr(self, name) for name in _ARTICLE_FIELDS)

    @property
    def last_change(self) -> datetime:
        """When the article last changed, for feeds and the sitemap alike: its update, never before its
        date."""
        return max(self.date, self.updated or self.date)

    @property
    def has_page(self) -> bool:
        """Whether a reader has anything to open: a body, a summary or the way to the original. A headline
        alone is listed, not linked to a page that would only repeat it."""
        return bool(self.word_count or self.summary or self.source_url)

    def shows_text(self, config: Config) -> bool:
        """Whether the site publishes this article's text (it has one, and the site republishes in full)."""
        return bool(self.word_count) and config.republish == "full"

    @property
    def publisher_name(self) -> str:
        """The publisher as the article names it, else the host of its original."""
        return self.source or urlsplit(self.source_url).hostname or self.source_url

    @property
    def tag_slugs(self) -> tuple[str, ...]:
        return tuple(map(tag_slug, self.tags))


_ARTICLE_FIELDS = tuple(item.name for item in dataclass_fields(Article))
_FIELD_SETTERS = tuple(getattr(Article, name).__set__ for name in _ARTICLE_FIELDS)
# Tags, topics and publishers repeat from article to article: one string each in the site model, not one an
# article (unpickled, each record has its own), which took a sixth of an article's memory. The slug is shared
# with the related lists the build keeps (site.reusable_related).
_SLUG, _TAGS, _TOPICS, _SOURCE = map(_ARTICLE_FIELDS.index, ("slug", "tags", "topics", "source"))


def _restored_article(*values: Any) -> Article:
    fields = list(values)
    fields[_SLUG] = sys.intern(fields[_SLUG])
    fields[_TAGS] = tuple(map(sys.intern, fields[_TAGS]))
    fields[_TOPICS] = tuple(map(sys.intern, fields[_TOPICS]))
    fields[_SOURCE] = sys.intern(fields[_SOURCE])
    article = object.__new__(Article)
    for set_field, value in zip(_FIELD_SETTERS, fields):
        set_field(article, value)
    return article


def index_words(text: str) -> list[str]:
    """The words search finds an article by: lowercased, each once, but numbers and words of one or two
    letters, which would make the index much larger for little use."""
    # Each word once before the test of it: a body repeats most of its words. A soft hyphen inside a word
    # (a hyphenation point) would split it in two.
    words = _WORD.findall(INVISIBLE_CHARACTERS.sub("", text).lower())
    return [w for w in dict.fromkeys(words) if len(w) > 2 and not w.isdigit()]


def relative_name(path: Path, root: Path) -> str:
    """How reports and caches name a file: from the root when it lies under it, else as given."""
    return str(path.relative_to(root)) if path.is_relative_to(root) else str(path)


@cache
def tag_slug(tag: str) -> str:
    return short_name(slugify(tag))


def short_name(slug: str) -> str:
    """A slug short enough to name a file: a long one keeps its start and gets a hash of the whole, so it
    stays the same from build to build and two long slugs with the same start stay apart."""
    if len(slug) <= MAX_NAME_LENGTH:
        return slug
    return (
        slug[: MAX_NAME_LENGTH - 9].rstrip("-_")
        + "-"
        + hashlib.blake2b(slug.encode(), digest_size=4).hexdigest()
    )


def load_article(path: Path, config: Config) -> Article:
    return parse_article(path, path.read_bytes(), config)


def parse_article(path: Path, data: bytes, config: Config, digest: str = "") -> Article:
    """The article in a file's bytes; a SiteError says what is wrong with them."""
    text = _decode(path, data)
    meta, body = _split_front_matter(path, text)
    fields = _Fields(path, text, meta)
    try:
        body_html = markdown_to_html(body, raw_html=config.raw_html, typography=config.typography)
    except MarkupLimitError as error:
        first_line = text.count("\n", 0, text.rfind(body)) + 1  # the front matter's reader strips the body
        raise SiteError(
            path,
            str(error),
            "split the article, or remove the runs of brackets, the deep nesting "
            "or the text that is not the article's",
            first_line + (error.line or 1) - 1,
        ) from None
    text = plain_text(body_html)
    words = len(text.split())
    slug = fields.slug()
    dateline = fields.string("dateline")
    return Article(
        slug=slug,
        title=fields.title(),
        date=fields.moment("date", config, required=True),
        updated=fields.moment("updated", config),
        body_html=body_html,
        summary=fields.string("summary") or first_paragraph(body_html),
        source_path=relative_name(path, config.root),
        tags=fields.tags(),
        topics=fields.topics(config),
        source=fields.string("source"),
        source_url=fields.url("source_url"),
        author=fields.string("author"),
        dateline=dateline,
        credit=fields.string("credit"),
        story=fields.string("story"),
        draft=fields.flag("draft"),
        guid=fields.string("guid") or f"urn:uuid:{uuid.uuid5(GUID_NAMESPACE, slug)}",
        word_count=words,
        reading_minutes=reading_minutes(words, config.words_per_minute),
        dateline_in_body=bool(dateline) and first_paragraph(body_html).startswith(dateline),
        lead=" ".join(text.split()[:LEAD_WORDS]),
        search_words=" ".join(index_words(text)),
        digest=digest,
        extra=fields.extra(),
    )


def _decode(path: Path, data: bytes) -> str:
    if not data.strip():
        raise SiteError(path, "the file is empty",
                        "add front matter with a title and a date, or delete the file")
    try:
        return without_control_characters(data.decode("utf-8-sig"))
    except UnicodeDecodeError as error:
        raise not_utf8(path, error, "save the file as UTF-8, e.g. iconv -f cp1252 -t utf-8") from None


def _split_front_matter(path: Path, text: str) -> tuple[dict[str, Any], str]:
    if not text.startswith("---"):
        raise SiteError(path, "no front matter", "start the file with a '---' line, then title: and "
                        "date:, then a closing '---' line", 1)
    import yaml

    try:
        fields, body = read_front_matter(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        problem = getattr(error, "problem", None) or str(error).splitlines()[0]
        # python-frontmatter hands YAML the text from the end of the '---' line, so the marks are file lines.
        # PyYAML 6.0.4 and later stop deep nesting in their scanner, in their own words and without a note.
        hint = getattr(error, "note", None) or (NESTING_HINT if "nesting depth" in problem else
                                                "fix the YAML (quote values that contain ': ')")
        raise SiteError(path, f"front matter is not valid YAML: {problem}", hint,
                        mark.line + 1 if mark else None) from None
    except ValueError as error:
        # PyYAML reads a value shaped like a timestamp as one, and a date that is none (day 0, month 13)
        # fails in Python's datetime, without a mark.
        raise SiteError(path, f"front matter holds a date that does not exist: {error}",
                        "write the date as YYYY-MM-DD (or YYYY-MM-DDTHH:MM:SS+05:30), or quote the value",
                        _line_of_bad_value(text)) from None
    if not isinstance(fields, dict) or not fields:
        raise SiteError(path, "front matter is empty or not a set of 'key: value' lines",
                        "write title: and date: between the '---' lines", 1)
    return fields, body


def _line_of_bad_value(text: str) -> int | None:
    """The first front matter line whose value YAML cannot make into a Python value, read alone."""
    import yaml

    for number, line in enumerate(text.splitlines()[1:], start=2):
        if line.strip() == "---":
            return None
        try:
            yaml_handler().load(line)
        except ValueError:
            return number
        except yaml.YAMLError:
            continue
    return None


@dataclass
class _Fields:
    """Typed access to front matter fields, each failure a SiteError at the field's line."""

    path: Path
    text: str
    meta: dict[str, Any]

    def error(self, key: str, problem: str, hint: str) -> SiteError:
        return SiteError(self.path, problem, hint, line_of_key(self.text, key))

    def string(self, key: str) -> str:
        value = self.meta.get(key)
        if value is None:
            return ""
        if isinstance(value, (dict, list)):
            raise self.error(
                key, f"'{key}' is a {type(value).__name__}, not text", f"write {key}: as one line"
            )
        # YAML's escapes ("\f", "\x1b") bring in control characters that the file's bytes did not hold.
        return without_control_characters(str(value)).strip()

    def required_string(self, key: str) -> str:
        value = self.string(key)
        if not value:
            raise SiteError(self.path, f"no '{key}' in front matter",
                            f"add a line '{key}: ...' between the '---' lines", 1)
        return value

    def title(self) -> str:
        title = self.required_string("title")
        if len(title) > MAX_TITLE_LENGTH:
            raise self.error("title", f"the title has {len(title):,} characters; a headline may have at most "
                             f"{MAX_TITLE_LENGTH}", "shorten it, and put the rest in the summary or the body")
        return title

    def moment(self, key: str, config: Config, required: bool = False) -> datetime | None:
        value = self.meta.get(key)
        if value is None or value == "":
            if required:
                raise SiteError(self.path, f"no '{key}' in front matter",
                                f"add a line '{key}: 2025-06-12' (or 2025-06-12T09:30:00+05:30)", 1)
            return None
        parsed = moment_of(value, config.zone)
        if parsed is None:
            raise self.error(key, f"{key} '{value}' is not a date",
                             "write it as YYYY-MM-DD or YYYY-MM-DDTHH:MM:SS with an optional +HH:MM")
        if not _in_calendar_range(parsed):
            raise self.error(key, f"{key} '{value}' is outside the years 1000 to 9999",
                             "check the year: write it as YYYY-MM-DD")
        return parsed

    def extra(self) -> dict[str, Any]:
        """The fields newsdigest does not know, for templates (`article.extra.KEY`). Each is walked here once,
        as the cache and the fingerprints will walk it: past MAX_EXTRA_DEPTH levels, or past MAX_EXTRA_VALUES
        values counted as often as they appear (YAML's anchors can repeat one list inside another, over and
        over), it is no data a page shows, and it would stall or break the build."""
        extra = {key: value for key, value in self.meta.items() if key not in FIELD_NAMES}
        for key, value in extra.items():
            todo, seen = [(value, 1)], 0
            while todo:
                current, depth = todo.pop()
                seen += 1
                if depth > MAX_EXTRA_DEPTH or seen > MAX_EXTRA_VALUES:
                    raise self.error(key, f"'{key}' is nested more than {MAX_EXTRA_DEPTH} levels deep or "
                                     f"holds more than {MAX_EXTRA_VALUES:,} values",
                                     f"simplify {key}: or remove it")
                if isinstance(current, dict):
                    todo.extend((item, depth + 1) for item in (*current.keys(), *current.values()))
                elif isinstance(current, (list, tuple, set)):
                    todo.extend((item, depth + 1) for item in current)
        return extra

    def flag(self, key: str) -> bool:
        value = self.meta.get(key, False)
        if not isinstance(value, bool):
            raise self.error(
                key, f"{key} is {value!r}, not true or false", f"write {key}: true or {key}: false"
            )
        return value

    def url(self, key: str) -> str:
        value = self.string(key)
        if value and not re.match(r"^https?://\S+$", value):
            raise self.error(key, f"{key} '{value}' is not an absolute http(s) URL",
                             "write the full address, starting with https://")
        return value

    def _string_list(self, key: str) -> tuple[str, ...]:
        value = self.meta.get(key) or []
        if not isinstance(value, list) or not all(isinstance(v, (str, int)) for v in value):
            raise self.error(key, f"'{key}' is not a list of names",
                             f"write {key}: [first, second] or one '- name' line per entry")
        names = (without_control_characters(str(v)).strip() for v in value)
        return tuple(dict.fromkeys(name for name in names if name))

    def tags(self) -> tuple[str, ...]:
        tags = self._string_list("tags")
        if len(tags) > MAX_TAGS:
            raise self.error("tags", f"{len(tags)} tags; an article may have at most {MAX_TAGS}",
                             "keep the tags that say what the article is about")
        # Spellings that slugify alike ("AI", "ai") name one tag page: the article is listed there once, and
        # links to it once, by the first spelling.
        first_spelling: dict[str, str] = {}
        for tag in tags:
            if len(tag) > MAX_TAG_LENGTH:
                raise self.error("tags", f"a tag of {len(tag):,} characters ('{tag[:30]}…'); a tag may have "
                                 f"at most {MAX_TAG_LENGTH}", "make it a word or a short phrase")
            slug = tag_slug(tag)
            if not slug:
                raise self.error("tags", f"tag '{tag}' has no letters or digits to name its page",
                                 "use a tag with letters or digits")
            first_spelling.setdefault(slug, tag)
        return tuple(first_spelling.values())

    def topics(self, config: Config) -> tuple[str, ...]:
        topics = self._string_list("topics")
        known = [t.id for t in config.topics]
        for topic in topics:
            if topic not in known:
                raise self.error("topics", f"unknown topic '{topic}'",
                                 f"use one of: {', '.join(known) or '(none defined)'}, "
                                 "or add it as a [[topics]] in site.toml")
        return topics

    def slug(self) -> str:
        if "slug" in self.meta:
            slug = self.string("slug")
            if not FILE_SLUG.match(slug):
                raise self.error("slug", f"slug '{slug}' cannot name a file in output/",
                                 "use lowercase letters, digits, '-' and '_' only, e.g. rare-earth-talks")
            return short_name(slug)
        stem = self.path.stem
        return short_name(stem if FILE_SLUG.match(stem) else slugify(stem) or "article")


def _in_calendar_range(moment: datetime) -> bool:
    """Years 1000 to 9999, with room for any time zone: a date at the calendar's edge overflows when moved."""
    try:
        moment.astimezone(UTC) + timedelta(days=2)
        moment.astimezone(UTC) - timedelta(days=2)
    except OverflowError:
        return False
    return 1000 <= moment.year <= 9999


