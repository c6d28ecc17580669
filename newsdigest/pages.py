"""The plan of HTML pages: for each output path, its template and what the template is given."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from itertools import islice
from typing import Any, Iterator

from . import urls
from .dates import date_range, local_day
from .search import DOCS_PER_PIECE, WORD_PIECES, block_count
from .site import Site, Term, TermLabel

FEED_TYPES = {"rss": "application/rss+xml", "atom": "application/atom+xml", "json": "application/feed+json"}
FEED_NAMES = {"rss": "RSS", "atom": "Atom", "json": "JSON Feed"}


@dataclass(frozen=True)
class FeedLink:
    title: str
    path: str
    fmt: str

    @property
    def mime(self) -> str:
        return FEED_TYPES[self.fmt]


@dataclass(frozen=True)
class Page:
    path: str
    template: str
    title: str
    context: dict[str, Any] = field(default_factory=dict)
    feeds: tuple[FeedLink, ...] = ()


@lru_cache(maxsize=None)
def feed_links(title: str, folder: str) -> tuple[FeedLink, ...]:
    return tuple(FeedLink(f"{title} ({name})", urls.feed_path(folder, fmt), fmt) for fmt, name in FEED_NAMES.items())


def term_title(term: Term | TermLabel) -> str:
    return term.name if term.kind == "topics" else f"Tagged “{term.name}”"


def site_pages(site: Site) -> Iterator[Page]:
    """Every HTML page of the site, in a fixed order."""
    site_feeds = feed_links(site.config.title, "")
    yield _front_page(site, site_feeds)
    yield from _listing(site, "", "Latest news", site.config.title, site.articles, site_feeds, {},
                        urls.LATEST)
    for term in site.topics + site.tags:
        own = feed_links(f"{site.config.title}: {term_title(term)}", urls.term_folder(term.kind, term.slug))
        yield from _listing(site, urls.term_folder(term.kind, term.slug), term_title(term), term_title(term),
                            term.articles, own + site_feeds, {"term": term.label})
    yield Page("topics/index.html", "terms.html", "Topics", {"terms": site.topics, "kind": "topics"}, site_feeds)
    yield Page("tags/index.html", "terms.html", "Tags", {"terms": site.tags, "kind": "tags"}, site_feeds)
    yield from _articles(site, site_feeds)
    yield from _editions(site, site_feeds)
    yield Page("archive/index.html", "archive.html", "Archive", {"editions": site.editions}, site_feeds)
    yield Page("feeds/index.html", "feeds.html", "Feeds", {"feed_groups": _feed_groups(site)}, site_feeds)
    yield Page("search/index.html", "search.html", "Search",
               {"word_blocks": block_count(site), "word_pieces": WORD_PIECES, "docs_per_piece": DOCS_PER_PIECE},
               site_feeds)
    yield Page("404.html", "404.html", "Page not found", {}, site_feeds)


def _front_page(site: Site, feeds: tuple[FeedLink, ...]) -> Page:
    """Today's digest: the newest day, its lead story, a section per topic with the topic's newest stories
    (each story once, in its first section), then the newest stories of no topic."""
    limit = site.config.section_items
    lead = site.openable[0] if site.openable else None
    shown = {lead.slug} if lead else set()
    sections = []
    for term in site.topics:
        items = tuple(islice((a for a in term.articles if a.slug not in shown), limit))
        shown.update(a.slug for a in items)
        if items:
            sections.append((term.label, items))
    other = tuple(islice((a for a in site.articles if not a.topics and a.slug not in shown), limit))
    day = local_day(site.articles[0].date, site.config.zone) if site.articles else None
    return Page(urls.INDEX, "front.html", site.config.title,
                {"day": day, "lead": lead, "sections": tuple(sections), "other": other}, feeds)


def _listing(site: Site, folder: str, title: str, archive_name: str, articles, feeds, extra,
             first_path: str = "") -> Iterator[Page]:
    """A listing's first page with the newest articles, then archive pages of fixed groups numbered from the
    oldest; the first page is at `first_path` when given, else the folder's index.

    New articles change the front page and the newest archive page only; older pages keep their bytes, so
    a daily rebuild rewrites a few files, not every page of every listing. A group that is all on the front
    page (the newest, when the count is a multiple of per_page) is not an archive page: it would be a copy.
    """
    per_page = site.config.per_page
    total = len(articles)
    archive_pages = total // per_page - (1 if total % per_page == 0 and total else 0)
    first_path = first_path or urls.listing_path(folder)
    yield Page(first_path, "list.html", title,
               {"articles": tuple(articles[:per_page]), "heading": title,
                "pagination": {"newer": None, "older": listing_path_or_none(folder, archive_pages), "label": ""},
                **extra}, feeds)
    for number in range(1, archive_pages + 1):
        items = tuple(articles[total - number * per_page: total - (number - 1) * per_page])
        zone = site.config.zone
        label = date_range(local_day(items[-1].date, zone), local_day(items[0].date, zone))
        pagination = {
            "newer": urls.listing_path(folder, number + 1) if number < archive_pages else first_path,
            "older": listing_path_or_none(folder, number - 1),
            "label": label,
        }
        # Not given the term's count or anything that changes with new articles: old archive pages keep their bytes.
        yield Page(urls.listing_path(folder, number), "list.html", f"{archive_name}, {label}",
                   {"articles": items, "heading": archive_name, "pagination": pagination}, feeds)


def listing_path_or_none(folder: str, page: int) -> str | None:
    return urls.listing_path(folder, page) if page >= 1 else None


def _articles(site: Site, site_feeds) -> Iterator[Page]:
    topics = {term.slug: term for term in site.topics}
    articles = site.openable

    @lru_cache(maxsize=None)
    def topic_feeds(article_topics: tuple[str, ...]) -> tuple[FeedLink, ...]:
        """One tuple for the articles of the same topics, whose fingerprint is then worked out once."""
        return tuple(link for topic in article_topics
                     for link in feed_links(f"{site.config.title}: {topics[topic].name}",
                                            urls.term_folder("topics", topic))) + site_feeds

    for index, article in enumerate(articles):
        context = {
            "article": article,
            "related": site.related[article.slug],
            "newer": articles[index - 1] if index > 0 else None,
            "older": articles[index + 1] if index + 1 < len(articles) else None,
        }
        yield Page(urls.article_path(article.slug), "article.html", article.title, context,
                   topic_feeds(tuple(article.topics)))


def _editions(site: Site, site_feeds) -> Iterator[Page]:
    editions = site.editions
    for index, edition in enumerate(editions):
        context = {
            "edition": edition,
            "next_day": editions[index - 1] if index > 0 else None,
            "previous_day": editions[index + 1] if index + 1 < len(editions) else None,
        }
        yield Page(urls.edition_path(edition.day), "edition.html", f"Edition of {edition.day.isoformat()}",
                   context, site_feeds)


def _feed_groups(site: Site) -> list[tuple[str, list[tuple[str, str, tuple[FeedLink, ...]]]]]:
    """Every feed of the site, grouped for the feeds page: (heading, [(name, listing path, links)])."""
    whole = [(site.config.title, urls.listing_path(""), feed_links(site.config.title, ""))]
    def terms(kind: str) -> list:
        return [(term.name, urls.listing_path(urls.term_folder(kind, term.slug)),
                 feed_links(term.name, urls.term_folder(kind, term.slug)))
                for term in (site.topics if kind == "topics" else site.tags)]
    return [("The whole site", whole), ("Topics", terms("topics")), ("Tags", terms("tags"))]
