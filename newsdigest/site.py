"""The site model: published articles newest first, topics, tags, daily editions, related articles."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from typing import Iterable, Sequence

from .config import Config
from .content import Article, tag_slug


@dataclass(frozen=True)
class Term:
    """A topic or a tag with its articles, newest first; `kind` is 'topics' or 'tags'."""

    kind: str
    slug: str
    name: str
    description: str
    articles: tuple[Article, ...]


@dataclass(frozen=True)
class Edition:
    """One day's articles, grouped by each article's first topic, in the config's topic order."""

    day: date
    groups: tuple[tuple[str, tuple[Article, ...]], ...]

    @property
    def count(self) -> int:
        return sum(len(articles) for _, articles in self.groups)


@dataclass(frozen=True)
class Site:
    config: Config
    articles: tuple[Article, ...]
    topics: tuple[Term, ...]
    tags: tuple[Term, ...]
    editions: tuple[Edition, ...]
    related: dict[str, tuple[Article, ...]]

    def topic_names(self) -> dict[str, str]:
        return {term.slug: term.name for term in self.topics}


def is_published(article: Article, now: datetime) -> bool:
    return not article.draft and article.date <= now


def build_site(articles: Iterable[Article], config: Config, now: datetime, drafts: bool = False) -> Site:
    """Arrange the articles into the site; drafts and future articles only with `drafts`."""
    chosen = [a for a in articles if drafts or is_published(a, now)]
    newest_first = tuple(sorted(chosen, key=lambda a: (a.date, a.slug), reverse=True))
    return Site(
        config=config,
        articles=newest_first,
        topics=_topics(newest_first, config),
        tags=_tags(newest_first),
        editions=_editions(newest_first, config),
        related=_related(newest_first, config.related_items),
    )


def _topics(articles: Sequence[Article], config: Config) -> tuple[Term, ...]:
    return tuple(
        Term("topics", topic.id, topic.name, topic.description,
             tuple(a for a in articles if topic.id in a.topics))
        for topic in config.topics
    )


def _tags(articles: Sequence[Article]) -> tuple[Term, ...]:
    """Tags that slugify alike are one tag, named by its most used spelling (the oldest on a tie)."""
    members: dict[str, list[Article]] = defaultdict(list)
    spellings: dict[str, Counter[str]] = defaultdict(Counter)
    for article in reversed(articles):
        for tag in article.tags:
            slug = tag_slug(tag)
            spellings[slug][tag] += 1
            members[slug].append(article)
    return tuple(Term("tags", slug, max(spellings[slug], key=spellings[slug].__getitem__), "",
                      tuple(reversed(members[slug]))) for slug in sorted(members))


def _editions(articles: Sequence[Article], config: Config) -> tuple[Edition, ...]:
    by_day: dict[date, list[Article]] = defaultdict(list)
    for article in articles:
        by_day[article.date.astimezone(config.zone).date()].append(article)
    order = [t.id for t in config.topics]
    names = {t.id: t.name for t in config.topics}
    editions = []
    for day in sorted(by_day, reverse=True):
        groups: dict[str, list[Article]] = defaultdict(list)
        for article in by_day[day]:
            groups[article.topics[0] if article.topics else ""].append(article)
        ranked = sorted(groups, key=lambda t: order.index(t) if t else len(order))
        editions.append(Edition(day, tuple((names.get(t, "Other news"), tuple(groups[t])) for t in ranked)))
    return tuple(editions)


def _related(articles: Sequence[Article], limit: int) -> dict[str, tuple[Article, ...]]:
    """For each article, those sharing most topics and tags with it, newest first among equals."""
    rank = {a.slug: i for i, a in enumerate(articles)}
    by_slug = {a.slug: a for a in articles}
    holders: dict[tuple[str, str], list[str]] = defaultdict(list)
    for article in articles:
        for key in _relation_keys(article):
            holders[key].append(article.slug)
    related = {}
    for article in articles:
        shared: Counter[str] = Counter()
        for key in _relation_keys(article):
            shared.update(holders[key])
        del shared[article.slug]
        best = sorted(shared, key=lambda slug: (-shared[slug], rank[slug]))[:limit]
        related[article.slug] = tuple(by_slug[slug] for slug in best)
    return related


def _relation_keys(article: Article) -> list[tuple[str, str]]:
    return [("topic", t) for t in article.topics] + [("tag", t) for t in article.tag_slugs]


def paginate(items: Sequence[Article], per_page: int) -> list[tuple[Article, ...]]:
    """Split a listing into pages; an empty listing still has one (empty) page."""
    pages = [tuple(items[i: i + per_page]) for i in range(0, len(items), per_page)]
    return pages or [()]
