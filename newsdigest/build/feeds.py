"""The site's feeds (the whole site's, each topic's and each tag's) in each format of FEED_FORMATS, and the
OPML of topic feeds."""

from __future__ import annotations

import html
import json
import posixpath
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache, partial
from itertools import islice
from typing import TYPE_CHECKING
from urllib.parse import urljoin

from .. import __version__
from ..content import Article
from . import urls
from .fingerprint import digest
from .jobs import Job, Plan, PlanInputs
from .site import Site, term_title
from .stories import listed

if TYPE_CHECKING:
    from feedgen.entry import FeedEntry

_LINK_ATTRIBUTE = re.compile(r'\b(href|src)="([^"]*)"')
_ALREADY_ABSOLUTE = ("https://", "http://", "mailto:")
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
STORY_ARTICLES = 8


@dataclass(frozen=True)
class Feed:
    """The articles of one listing, to be written in each feed format."""

    folder: str
    title: str
    description: str
    # One item a story: the article it is shown by, and the story's other articles (`also`, item by item).
    articles: tuple[Article, ...]
    updated: datetime
    also: tuple[tuple[Article, ...], ...]
    # Whether items carry the text, or their headline, summary and link alone.
    full: bool = True


def _feed(folder: str, title: str, description: str, articles: Sequence[Article], site: Site,
          updated: datetime | None = None, full: bool = True) -> Feed:
    """The feed of a listing's newest stories with a page (a headline alone is no item: a reader gets
    articles it can open), dated by its newest change unless `updated` is given."""
    limit = site.config.feed_items
    # The stories are drawn from the newest articles, several to a story at most this many times over.
    newest = tuple(islice((a for a in articles if a.has_page), limit * STORY_ARTICLES))
    stories = listed(newest, site.stories)[:limit]
    items = tuple(story.lead for story in stories)
    # A feed with no items yet is dated by the site's newest change, never by the clock.
    updated = updated or (newest_change(items) if items else newest_change(site.openable))
    return Feed(folder, title, description, items, updated, tuple(story.also for story in stories), full)


def site_feeds(site: Site) -> Iterator[Feed]:
    config = site.config
    # RSS requires a description: a site without one is described by its title.
    yield _feed("", config.title, config.description.strip() or config.title, site.openable, site,
                newest_change(site.openable))
    for term in site.topics + site.tags:
        description = term.description or f"{term_title(term)}: articles from {config.title}."
        yield _feed(urls.term_folder(term.kind, term.slug), f"{config.title}: {term_title(term)}",
                    description, term.articles, site, full=term.kind == "topics" or config.full_tag_feeds)


def _feedgen_bytes(fmt: str, feed: Feed, site: Site, body_of: Callable[[Article], str]) -> bytes:
    """The feed as RSS ('rss') or Atom ('atom') bytes; its dates come from its articles, so it is stable."""
    config = site.config
    # Imported here: feedgen and lxml are a tenth of the start-up of a build that makes no feed (an edit).
    from feedgen.feed import FeedGenerator

    generator = FeedGenerator()
    generator.id(urls.absolute(config.base_url, urls.listing_path(feed.folder)))
    generator.title(_rss_text(feed.title) if fmt == "rss" else feed.title)
    generator.description(feed.description)
    # feedgen gives RSS the last link set, so the page's link comes after the feed's own.
    generator.link(href=urls.absolute(config.base_url, feed_format(fmt).path(feed.folder)), rel="self")
    generator.link(href=urls.absolute(config.base_url, urls.listing_path(feed.folder)), rel="alternate")
    generator.language(config.language)
    generator.author({"name": config.author or config.title})
    generator.generator("newsdigest", version=__version__)
    generator.updated(feed.updated)
    if fmt == "rss":
        # RSS's own <author> must be an e-mail address: readers take an item's author from dc:creator.
        generator.load_extension("dc", atom=False, rss=True)
    names = site.topic_names()
    for index, article in enumerate(feed.articles):
        topic_names = tuple(names[t] for t in article.topics)
        body = body_of(article) if feed.full else None
        entry = _feed_entry(article, body, config.base_url, topic_names, fmt, feed.also[index])
        generator.add_entry(entry, order="append")
    if fmt == "rss":
        return generator.rss_str(pretty=True)
    return generator.atom_str(pretty=True)


def _json_feed_bytes(feed: Feed, site: Site, body_of: Callable[[Article], str]) -> bytes:
    """The feed as JSON Feed 1.1 (jsonfeed.org/version/1.1)."""
    config = site.config
    names = site.topic_names()
    document = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": feed.title,
        "home_page_url": urls.absolute(config.base_url, urls.listing_path(feed.folder)),
        "feed_url": urls.absolute(config.base_url, feed_format("json").path(feed.folder)),
        "description": feed.description,
        "language": config.language,
        "authors": [{"name": config.author or config.title}],
        "items": [_json_item(article, body_of(article) if feed.full else None, config.base_url, names,
                             feed.also[index])
                  for index, article in enumerate(feed.articles)],
    }
    return json.dumps(document, ensure_ascii=False, indent=2).encode("utf-8") + b"\n"


def _json_item(article: Article, body: str | None, base_url: str, topic_names: dict[str, str],
               also: tuple[Article, ...]) -> dict:
    """An item; without a body (None), its summary stands as its text."""
    link = urls.absolute(base_url, urls.article_path(article.slug))
    text = ({"content_html": item_html(article, body, link, also, base_url)} if body is not None
            else {"content_text": article.summary or article.title})
    item = {
        "id": article.guid,
        "url": link,
        "title": article.title,
        **text,
        "summary": article.summary,
        "date_published": article.date.isoformat(),
        "date_modified": article.last_change.isoformat(),
        "tags": [topic_names[t] for t in article.topics] + list(article.tags),
    }
    if article.author:
        item["authors"] = [{"name": article.author}]
    if article.source_url:
        item["external_url"] = article.source_url
    return {key: value for key, value in item.items() if value not in ("", [])}


# An article is an item of the site's feed and of those of its topics and tags: its entry is made once.
@lru_cache(maxsize=1024)
def _feed_entry(article: Article, body: str | None, base_url: str, topic_names: tuple[str, ...], fmt: str,
                also: tuple[Article, ...]) -> FeedEntry:
    """An item; without a body (None), its headline, summary and link alone."""
    from feedgen.entry import FeedEntry

    entry = FeedEntry()
    entry.id(article.guid)
    entry.guid(article.guid, permalink=False)
    entry.title(_rss_text(article.title) if fmt == "rss" else article.title)
    link = urls.absolute(base_url, urls.article_path(article.slug))
    entry.link(href=link, rel="alternate")
    entry.published(article.date)
    entry.updated(article.last_change)
    if article.author and fmt == "rss":
        entry.load_extension("dc", atom=False, rss=True)
        entry.dc.dc_creator(article.author)
    elif article.author:
        entry.author({"name": article.author})
    if article.summary:
        # Readers take an RSS description as HTML; Atom's summary is declared text. The summary is text.
        entry.summary(html.escape(article.summary, quote=False) if fmt == "rss" else article.summary)
    if body is not None:
        entry.content(item_html(article, body, link, also, base_url), type="html")
    names = list(topic_names) + list(article.tags)
    if names:
        # In one call: feedgen re-maps every category it holds on each call, quadratic in an article's tags.
        entry.category([{"term": name} for name in names])
    return entry


def _rss_text(text: str) -> str:
    """Plain text for an RSS title, which readers read as HTML (RSS cannot say otherwise, as Atom's
    type="text" does): its '&', '<' and '>' as character references, as WordPress writes titles, so that
    they show as written and never become markup."""
    return html.escape(text, quote=False)


def item_html(article: Article, body: str, link: str, also: tuple[Article, ...] = (), base_url: str = ""
              ) -> str:
    """An item's text in a feed reader: the body (or, for a story saved without it, its summary, else its
    headline), then who published it, the wire credit and the way to the original, then who else reported
    the story (`also`), each linked to its page here."""
    if body.strip():
        text = absolute_links(body, link)
    else:
        text = f"<p>{html.escape(article.summary or article.title, quote=False)}</p>"
    credits = [html.escape(article.source, quote=False)] if article.source else []
    if article.credit:
        credits.append(f"Credit: {html.escape(article.credit, quote=False)}")
    if article.source_url:
        credits.append(f'<a href="{html.escape(article.source_url)}">Read at '
                       f'{html.escape(article.publisher_name, quote=False)}</a>')
    text += f'\n<p class="credits">{" · ".join(credits)}</p>' if credits else ""
    if also:
        others = ", ".join(_also_link(other, base_url) for other in also)
        text += f'\n<p class="also">Also: {others}</p>'
    return text


def _also_link(article: Article, base_url: str) -> str:
    name = html.escape(article.publisher_name or article.title, quote=False)
    if not article.has_page:
        return name
    href = html.escape(urls.absolute(base_url, urls.article_path(article.slug)))
    return f'<a href="{href}" title="{html.escape(article.title)}">{name}</a>'


@lru_cache(maxsize=4096)
def absolute_links(html: str, page_url: str) -> str:
    """Feed readers show content away from the page, so its links and images must be absolute.

    Memoized: an article's body goes into the site's feed and those of each of its topics and tags.
    """
    def absolute(match: re.Match) -> str:
        value = match.group(2)
        if not value.startswith(_ALREADY_ABSOLUTE):
            value = page_url + value if value.startswith("#") else urljoin(page_url, value)
        return f'{match.group(1)}="{value}"'
    return _LINK_ATTRIBUTE.sub(absolute, html)


@dataclass(frozen=True)
class FeedFormat:
    """A format every feed of the site is written in: its name (what FeedLink.fmt holds), the file a listing's
    feed has in it, its media type, what a reader is shown it as, what writes it, and whether pages name it in
    their head for feed readers to find (every reader takes RSS or Atom; naming a third format on each of a
    large site's pages costs megabytes)."""

    name: str
    file: str
    media_type: str
    label: str
    render: Callable[[Feed, Site, Callable[[Article], str]], bytes]
    discovered: bool = True

    def path(self, folder: str) -> str:
        """The feed of a folder's listing ('' the whole site's)."""
        return posixpath.join(folder, self.file)


FEED_FORMATS: tuple[FeedFormat, ...] = (
    FeedFormat("rss", "feed.xml", "application/rss+xml", "RSS", partial(_feedgen_bytes, "rss")),
    FeedFormat("atom", "atom.xml", "application/atom+xml", "Atom", partial(_feedgen_bytes, "atom")),
    FeedFormat("json", "feed.json", "application/feed+json", "JSON Feed", _json_feed_bytes, False),
)
_BY_NAME = {feed_format.name: feed_format for feed_format in FEED_FORMATS}


def feed_format(name: str) -> FeedFormat:
    return _BY_NAME[name]


def feed_jobs(inputs: PlanInputs) -> Plan:
    """Each feed in each format: a feed's formats are made again together, when its articles or what it says
    of itself changed."""
    jobs = []
    for feed in site_feeds(inputs.site):
        feed_key = inputs.fingerprint(inputs.key, feed.folder, feed.title, feed.description, feed.articles,
                                      feed.also, feed.updated, feed.full)
        jobs += [Job(kind.path(feed.folder), digest(feed_key, kind.name),
                     partial(kind.render, feed, inputs.site, inputs.body_of)) for kind in FEED_FORMATS]
    return Plan(jobs)


def opml_jobs(inputs: PlanInputs) -> Plan:
    return Plan([Job("feeds.opml", inputs.fingerprint(inputs.key, "opml", inputs.site.topics),
                     partial(render_opml, inputs.site))])


def newest_change(articles: Sequence[Article]) -> datetime:
    return max((a.last_change for a in articles), default=EPOCH)


def render_opml(site: Site) -> bytes:
    """One outline per topic feed, so a reader can subscribe to every topic at once."""
    config = site.config
    opml = ET.Element("opml", version="2.0")
    head = ET.SubElement(opml, "head")
    ET.SubElement(head, "title").text = f"{config.title}: topic feeds"
    body = ET.SubElement(opml, "body")
    for term in site.topics:
        ET.SubElement(
            body,
            "outline",
            type="rss",
            text=term.name,
            title=term.name,
            xmlUrl=urls.absolute(
                config.base_url, feed_format("rss").path(urls.term_folder("topics", term.slug))
            ),
            htmlUrl=urls.absolute(config.base_url, urls.listing_path(urls.term_folder("topics", term.slug))),
        )
    ET.indent(opml)
    return ET.tostring(opml, encoding="utf-8", xml_declaration=True) + b"\n"
