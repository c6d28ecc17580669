"""The plan of HTML pages: for each output path, its template and what the template is given."""

from __future__ import annotations

import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from functools import cache, cached_property
from itertools import islice, takewhile
from typing import Any

from ..config import Config
from ..content import Article
from ..dates import date_range, local_day, long_date, weekday_name
from . import urls
from .feeds import FEED_FORMATS, feed_format, newest_change
from .search import DOCS_PER_PIECE, WORD_PIECES, block_count
from .site import Site, term_title
from .stories import Story, listed, listed_on_page

# Article pages are grouped in runs of about this many (see _article_runs); archive pages in runs of this
# many (see _listing).
ARTICLE_RUN = 64
ARCHIVE_RUN = 16


@dataclass(frozen=True)
class FeedLink:
    """A link to a feed: `fmt` names its FeedFormat (the format itself holds a function, whose repr no
    fingerprint may depend on)."""

    title: str
    path: str
    fmt: str

    @property
    def mime(self) -> str:
        return feed_format(self.fmt).media_type

    @property
    def label(self) -> str:
        return feed_format(self.fmt).label

    @property
    def discovered(self) -> bool:
        return feed_format(self.fmt).discovered


@dataclass(frozen=True)
class Page:
    path: str
    template: str
    title: str
    context: dict[str, Any] = field(default_factory=dict)
    feeds: tuple[FeedLink, ...] = ()


@cache
def feed_links(title: str, folder: str) -> tuple[FeedLink, ...]:
    return tuple(FeedLink(f"{title} ({kind.label})", kind.path(folder), kind.name) for kind in FEED_FORMATS)


@dataclass(frozen=True)
class PageGroup:
    """Pages one function makes from what it is given besides the config: a run of a listing's archive pages,
    or a run of article pages. `inputs` names the function and holds all it is given, so equal inputs (and
    config and templates) mean equal pages: a rebuild finding a group's inputs as they were need not make its
    pages, unless one must be made again. A page made from the whole site (the front page, an index of terms)
    is a group without inputs. `pages` keeps them for a process rendering several of them."""

    inputs: tuple[Any, ...] | None
    make: Callable[[], tuple[Page, ...]]

    @cached_property
    def pages(self) -> tuple[Page, ...]:
        return self.make()


def alone(page: Page) -> PageGroup:
    """A page in a group of its own, made from more than a group's inputs (its fingerprint is always worked
    out)."""
    return PageGroup(None, lambda: (page,))


def made_from(config: Config, make: Callable[..., Iterator[Page]], *inputs: Any) -> PageGroup:
    """The group of pages `make` makes from the config and `inputs`, and nothing else, once they are asked
    for."""
    return PageGroup((make.__qualname__, *inputs), lambda: tuple(make(config, *inputs)))


def site_page_groups(site: Site) -> Iterator[PageGroup]:
    """Every HTML page of the site in groups, in a fixed order."""
    config = site.config
    site_feeds = feed_links(config.title, "")
    yield alone(_front_page(site, site_feeds))
    yield from _listing(config, "", "Latest news", config.title, listed(site.articles, site.stories),
                        site_feeds, {}, urls.LATEST)
    for term in site.topics + site.tags:
        folder, title = urls.term_folder(term.kind, term.slug), term_title(term)
        own = feed_links(f"{config.title}: {title}", folder)
        yield from _listing(config, folder, title, title, listed(term.articles, site.stories),
                            own + site_feeds, {"term": term.label})
    # Topics in the order the site gives them; tags most used first, as a reader scans for the big ones.
    by_use = tuple(sorted(site.tags, key=lambda term: (-len(term.articles), term.name.casefold(), term.slug)))
    for kind, terms in (("topics", site.topics), ("tags", by_use)):
        yield alone(Page(f"{kind}/index.html", "terms.html", kind.title(), {"terms": terms, "kind": kind},
                         site_feeds))
    for run in _article_runs(site):
        yield made_from(config, _article_pages, run, site_feeds)
    yield from map(alone, _edition_pages(site, site_feeds))
    yield alone(Page("archive/index.html", "archive.html", "Archive", {"editions": site.editions},
                     site_feeds))
    yield alone(Page("feeds/index.html", "feeds.html", "Feeds", {"feed_groups": _feed_groups(site)},
                     site_feeds))
    yield alone(Page("search/index.html", "search.html", "Search",
                     {"word_blocks": block_count(site), "word_pieces": WORD_PIECES,
                      "docs_per_piece": DOCS_PER_PIECE}, site_feeds))
    yield alone(Page(urls.NOT_FOUND, "404.html", "Page not found", {}, site_feeds))


def _front_page(site: Site, feeds: tuple[FeedLink, ...]) -> Page:
    """Today's digest: the lead story and its day, a section per topic with the topic's newest stories (each
    story once, in its first section), then the newest stories of no topic. The lead is the newest day's
    most widely reported story with text of its own (see lead_story), and the day heading the page is the
    lead's."""
    config, limit = site.config, site.config.section_items
    lead = lead_story(site)
    newest = lead.lead if lead else (site.articles[0] if site.articles else None)
    day = local_day(newest.date, config.zone) if newest else None
    oldest = day - timedelta(days=config.fresh_days) if day else None

    def fresh(articles: Iterable[Article]) -> tuple[Story, ...]:
        """The newest-first stories down to fresh_days before the lead's day: older is no news of the day."""
        return listed(tuple(takewhile(lambda a: local_day(a.date, config.zone) >= oldest, articles)),
                      site.stories)

    shown = {a.slug for a in lead.articles} if lead else set()
    sections = []
    for term in site.topics:
        items = tuple(islice((s for s in fresh(term.articles) if s.lead.slug not in shown), limit))
        shown.update(a.slug for story in items for a in story.articles)
        if items:
            sections.append((term.label, items))
    other = tuple(islice((s for s in fresh(a for a in site.articles if not a.topics)
                          if s.lead.slug not in shown), limit))
    updated = newest_change(site.articles) if site.articles else None
    return Page(urls.INDEX, "front.html", site.config.title,
                {"day": day, "lead": lead, "sections": tuple(sections), "other": other, "updated": updated},
                feeds)


def lead_story(site: Site) -> Story | None:
    """The story that leads: of the newest day with a story that has text (a headline, a summary or a link
    alone leads nothing), the one the most publishers reported, the newest of those."""
    zone = site.config.zone
    with_text = [site.stories[a.slug] for a in site.articles if site.stories[a.slug].lead.word_count]
    if not with_text:
        return None
    day = local_day(max(story.date for story in with_text), zone)
    todays = [story for story in with_text if local_day(story.date, zone) == day]
    return max(todays, key=lambda story: (story.publishers, max(a.date for a in story.articles)))


def _listing(config: Config, folder: str, title: str, archive_name: str, articles, feeds, extra,
             first_path: str = "") -> Iterator[PageGroup]:
    """A listing's first page with the newest per_page stories, then archive pages of archive_per_page,
    numbered from the oldest, in runs of ARCHIVE_RUN pages; the first page is at `first_path` when given,
    else the folder's index.

    Every story not on the first page is on an archive page. The archive pages' groups are fixed from the
    oldest, so new stories change the first page and the newest archive page only (until it is full): a
    daily rebuild rewrites a few files, not every page of every listing.
    """
    size = config.archive_per_page
    total = len(articles)
    archive_pages = -(-max(0, total - config.per_page) // size)
    first_path = first_path or urls.listing_path(folder)
    yield alone(Page(first_path, "list.html", title, {
        "articles": tuple(articles[:config.per_page]), "heading": title, "brief": False,
        "pagination": {"newer": None, "older": listing_path_or_none(folder, archive_pages), "label": ""},
        **extra}, feeds))
    for first in range(1, archive_pages + 1, ARCHIVE_RUN):
        last = min(first + ARCHIVE_RUN - 1, archive_pages)
        items = tuple(articles[max(0, total - last * size): total - (first - 1) * size])
        newest_newer = urls.listing_path(folder, last + 1) if last < archive_pages else first_path
        yield made_from(config, _archive_pages, folder, archive_name, feeds, first, items, newest_newer)


def _archive_pages(config: Config, folder: str, archive_name: str, feeds: tuple[FeedLink, ...], first: int,
                   items: tuple[Article, ...], newest_newer: str) -> Iterator[Page]:
    """Archive pages from number `first` on, of `items` (newest first, archive_per_page to a page counted from
    the oldest, so the newest page may hold fewer); the newest of them leads to `newest_newer`."""
    size, zone = config.archive_per_page, config.zone
    count = -(-len(items) // size)
    for offset in range(count):
        number = first + offset
        shown = items[max(0, len(items) - (offset + 1) * size): len(items) - offset * size]
        label = date_range(local_day(shown[-1].date, zone), local_day(shown[0].date, zone))
        pagination = {
            "newer": urls.listing_path(folder, number + 1) if offset < count - 1 else newest_newer,
            "older": listing_path_or_none(folder, number - 1),
            "label": label,
        }
        # Not given the term's count or anything that changes with new articles: old archive pages keep their
        # bytes.
        yield Page(urls.listing_path(folder, number), "list.html", f"{archive_name}, {label}",
                   {"articles": shown, "heading": archive_name, "pagination": pagination, "brief": True},
                   feeds)


def listing_path_or_none(folder: str, page: int) -> str | None:
    return urls.listing_path(folder, page) if page >= 1 else None


@dataclass(frozen=True)
class ArticleRun:
    """A run of article pages (see _article_runs) with, for each article, what its page shows besides it: its
    related articles, the other articles of its story it lists and the page listing them all where it
    leaves some out (see listed_on_page), and its newer and older neighbours in its first topic (among the
    articles of no topic, for one of none)."""

    articles: tuple[Article, ...]
    related: tuple[tuple[Article, ...], ...]
    also: tuple[tuple[tuple[Article, ...], Article | None], ...]
    neighbours: tuple[tuple[Article | None, Article | None], ...]


def _article_runs(site: Site) -> Iterator[ArticleRun]:
    """The article pages in runs.

    A run ends after an article whose slug's hash is a multiple of ARTICLE_RUN: runs average that many
    articles, and an article added, edited or removed changes its own run (and its neighbours' in its topic),
    never where the others begin, as runs cut by count would."""
    articles = site.openable
    neighbours = _neighbours_in_first_topic(site)
    ends = [index + 1 for index, article in enumerate(articles)
            if zlib.crc32(article.slug.encode("utf-8")) % ARTICLE_RUN == 0]
    start = 0
    # The site's end closes the last run, unless its oldest article closed it already.
    for end in ends + [len(articles)]:
        if end > start:
            run = articles[start:end]
            yield ArticleRun(
                run, tuple(site.related[article.slug] for article in run),
                tuple(listed_on_page(site.stories[article.slug], article) for article in run),
                tuple(neighbours[article.slug] for article in run))
        start = end


def _neighbours_in_first_topic(site: Site) -> dict[str, tuple[Article | None, Article | None]]:
    """Each article's newer and older neighbour among the articles with a page of its first topic (of no
    topic, for one of none): a reader paging on stays in the news they came for."""
    members = {term.slug: [a for a in term.articles if a.has_page] for term in site.topics}
    members[""] = [a for a in site.openable if not a.topics]
    neighbours: dict[str, tuple[Article | None, Article | None]] = {}
    for key, listed_articles in members.items():
        for index, article in enumerate(listed_articles):
            if (article.topics[0] if article.topics else "") == key:
                neighbours[article.slug] = (listed_articles[index - 1] if index else None,
                                            listed_articles[index + 1] if index + 1 < len(listed_articles)
                                            else None)
    return neighbours


def _article_pages(config: Config, run: ArticleRun, site_feeds: tuple[FeedLink, ...]) -> Iterator[Page]:
    """The pages of a run of articles (see _article_runs)."""
    names = tuple((topic.id, topic.name) for topic in config.topics)
    for index, article in enumerate(run.articles):
        newer, older = run.neighbours[index]
        also, whole_story = run.also[index]
        context = {"article": article, "related": run.related[index], "also": also,
                   "whole_story": whole_story, "newer": newer, "older": older}
        yield Page(urls.article_path(article.slug), "article.html", article.title, context,
                   _topic_feeds(config.title, names, tuple(article.topics), site_feeds))


@cache
def _topic_feeds(title: str, names: tuple[tuple[str, str], ...], topics: tuple[str, ...],
                 site_feeds: tuple[FeedLink, ...]) -> tuple[FeedLink, ...]:
    """One tuple for the articles of the same topics, whose fingerprint is then worked out once."""
    name_of = dict(names)
    own = (feed_links(f"{title}: {name_of[topic]}", urls.term_folder("topics", topic)) for topic in topics)
    return tuple(link for links in own for link in links) + site_feeds


def _edition_pages(site: Site, site_feeds) -> Iterator[Page]:
    editions = site.editions
    for index, edition in enumerate(editions):
        context = {
            "edition": edition,
            "next_day": editions[index - 1] if index > 0 else None,
            "previous_day": editions[index + 1] if index + 1 < len(editions) else None,
        }
        title = f"{weekday_name(edition.day)} {long_date(edition.day)}"
        yield Page(urls.edition_path(edition.day), "edition.html", title, context, site_feeds)


def _feed_groups(site: Site) -> list[tuple[str, list[tuple[str, str, tuple[FeedLink, ...]]]]]:
    """Every feed of the site, grouped for the feeds page: (heading, [(name, listing path, links)])."""
    whole = [(site.config.title, urls.listing_path(""), feed_links(site.config.title, ""))]
    def terms(kind: str) -> list:
        return [(term.name, urls.listing_path(urls.term_folder(kind, term.slug)),
                 feed_links(term.name, urls.term_folder(kind, term.slug)))
                for term in (site.topics if kind == "topics" else site.tags)]
    return [("The whole site", whole), ("Topics", terms("topics")), ("Tags", terms("tags"))]
