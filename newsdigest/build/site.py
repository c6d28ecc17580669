"""The site model: published articles newest first, topics, tags, daily editions, related articles."""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from ..config import Config
from ..content import Article, tag_slug
from ..dates import local_day
from ..parallel import Helper, run_indexed
from .stories import Story, group_stories, listed

# Related lists are worked out on all cores from this many: a cold build works out every one, a rebuild few;
# below it, forking costs more than the second core saves.
RELATED_PARALLEL_FROM = 5000


@dataclass(frozen=True)
class Term:
    """A topic or a tag with its articles, newest first; `kind` is 'topics' or 'tags'."""

    kind: str
    slug: str
    name: str
    description: str
    articles: tuple[Article, ...]


    @property
    def label(self) -> TermLabel:
        return TermLabel(self.kind, self.slug, self.name, self.description, len(self.articles))


@dataclass(frozen=True)
class TermLabel:
    """A topic or tag as the pages of its listing are given it: what it is and how many articles it has (each
    page is given its own articles), so that one article's edit leaves the other pages of the listing be."""

    kind: str
    slug: str
    name: str
    description: str
    count: int


@dataclass(frozen=True)
class Edition:
    """One day's stories, grouped by the first topic of the article each shows, in the config's topic order;
    `count` is the day's articles."""

    day: date
    groups: tuple[tuple[str, tuple[Story, ...]], ...]
    count: int


@dataclass(frozen=True)
class Site:
    config: Config
    articles: tuple[Article, ...]
    # Those with a page of their own (see Article.has_page): what article pages, feeds and search show.
    openable: tuple[Article, ...]
    topics: tuple[Term, ...]
    tags: tuple[Term, ...]
    editions: tuple[Edition, ...]
    related: dict[str, tuple[Article, ...]]
    # Each article's story, by slug (see build/stories.py).
    stories: dict[str, Story]
    # The story choices the next build may reuse (see group_stories).
    reusable_stories: dict[str, tuple[str, ...]]

    def topic_names(self) -> dict[str, str]:
        return {term.slug: term.name for term in self.topics}


def term_title(term: Term | TermLabel) -> str:
    """What a topic's or tag's listing and feeds are called."""
    return term.name if term.kind == "topics" else f"Tagged “{term.name}”"


def is_published(article: Article, now: datetime) -> bool:
    return not article.draft and article.date <= now


def build_site(articles: Iterable[Article], config: Config, now: datetime, drafts: bool = False,
               reusable_related: Mapping[str, tuple[str, ...]] | None = None,
               reusable_stories: Mapping[str, tuple[str, ...]] | None = None, helper: Helper | None = None
               ) -> Site:
    """Arrange the articles into the site; drafts and future articles only with `drafts`.

    `reusable_related` is what reusable_related() gave of the last build's site (see _related);
    `reusable_stories` its `reusable_stories`; `helper` works out stories (see stories.IMPORTS).
    """
    chosen = [a for a in articles if drafts or is_published(a, now)]
    newest_first = tuple(sorted(chosen, key=lambda a: (a.date, a.slug), reverse=True))
    openable = tuple(a for a in newest_first if a.has_page)
    related = _related(openable, config.related_items, reusable_related or {})
    stories, reusable = group_stories(newest_first, config, reusable_stories or {}, helper)
    return Site(
        config=config,
        articles=newest_first,
        openable=openable,
        topics=_topics(newest_first, config),
        tags=_tags(newest_first),
        editions=_daily_editions(newest_first, config, stories),
        related=related,
        stories=stories,
        reusable_stories=reusable,
    )


def _topics(articles: Sequence[Article], config: Config) -> tuple[Term, ...]:
    members: dict[str, list[Article]] = {topic.id: [] for topic in config.topics}
    # One pass over the articles, not one per topic.
    for article in articles:
        for topic in set(article.topics):
            if topic in members:
                members[topic].append(article)
    return tuple(Term("topics", topic.id, topic.name, topic.description, tuple(members[topic.id]))
                 for topic in config.topics)


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


def _daily_editions(articles: Sequence[Article], config: Config, stories: Mapping[str, Story]
                    ) -> tuple[Edition, ...]:
    by_day: dict[date, list[Article]] = defaultdict(list)
    for article in articles:
        by_day[local_day(article.date, config.zone)].append(article)
    order = [t.id for t in config.topics]
    names = {t.id: t.name for t in config.topics}
    editions = []
    for day in sorted(by_day, reverse=True):
        groups: dict[str, list[Story]] = defaultdict(list)
        for story in listed(by_day[day], stories):
            groups[story.lead.topics[0] if story.lead.topics else ""].append(story)
        ranked = sorted(groups, key=lambda t: order.index(t) if t else len(order))
        editions.append(Edition(day, tuple((names.get(t, "Other news"), tuple(groups[t])) for t in ranked),
                                len(by_day[day])))
    return tuple(editions)


def _related(articles: Sequence[Article], limit: int, memo: Mapping[str, tuple[str, ...]]
             ) -> dict[str, tuple[Article, ...]]:
    """For each article, those sharing most topics and tags with it, from earlier coverage first.

    Earlier articles are chosen first (most shared, then newest), and later ones only fill a list that is
    short (most shared, then nearest in time), so that new articles do not change the pages of old ones.
    The list shows the most shared first, newest first among equals.

    Each topic and tag is a bitset over the articles (bit i is the i-th newest), so the articles sharing a
    set of keys are one AND away, and the newest of them is the lowest set bit. A full list drawn from
    earlier articles depends on those alone, so it is memoized under a hash of them: a rebuild after new
    articles computes lists for the new ones only (and those of the oldest, which drew on later ones); a
    rebuild after an edit that changed no article's topics or tags computes none (reusable_related gives
    what the next build may reuse).
    """
    prefixes = _older_prefixes(articles)
    by_slug = {a.slug: a for a in articles}
    # Each article's list, as slugs (an empty list remembered is a list found).
    lists: list[tuple[str, ...] | None] = [
        memo[prefixes[index]] if prefixes[index] in memo else memo.get(_whole_key(prefixes, article))
        for index, article in enumerate(articles)
    ]
    todo = [index for index, found in enumerate(lists) if found is None]
    if todo:
        masks = _key_masks(articles, {key for index in todo for key in _relation_keys(articles[index])})
        for chunk in run_indexed(lambda n: _chosen(articles, masks, todo[n], limit), len(todo),
                                 min_items=RELATED_PARALLEL_FROM, chunks_per_worker=4):
            for index, chosen in chunk:
                lists[index] = tuple(articles[i].slug for i in chosen)
    return {article.slug: tuple(map(by_slug.__getitem__, slugs)) for article, slugs in zip(articles, lists)}


def reusable_related(site: Site) -> dict[str, tuple[str, ...]]:
    """The related lists the next build may reuse (see _related), as slugs by the key each is remembered
    under: a list that earlier coverage alone filled, under the hash of that coverage; any other, which
    needed later articles and so depends on them all, under the hash of the whole and its article."""
    articles, limit = site.openable, site.config.related_items
    prefixes = _older_prefixes(articles)
    position = {article.slug: index for index, article in enumerate(articles)}
    reusable = {}
    for index, article in enumerate(articles):
        slugs = tuple(related.slug for related in site.related[article.slug])
        earlier_alone = len(slugs) == limit and (not slugs or min(map(position.__getitem__, slugs)) > index)
        reusable[prefixes[index] if earlier_alone else _whole_key(prefixes, article)] = slugs
    return reusable


def _whole_key(prefixes: list[str], article: Article) -> str:
    return f"{prefixes[0]}:{article.slug}"


def _chosen(articles: Sequence[Article], masks: dict[tuple[str, str], int], index: int, limit: int
            ) -> tuple[int, list[int]]:
    """The related list of one article, as indices."""
    keys = sorted((masks[key] for key in dict.fromkeys(_relation_keys(articles[index]))), key=_bit_count)
    # Shifted down to the earlier articles alone, the masks' length (and each operation's cost) falls with
    # the index.
    start = index + 1
    earlier = [(shared, start + offset)
               for shared, offset in _most_shared([key >> start for key in keys], limit, newest_first=True)]
    later = [] if len(earlier) >= limit else \
        _most_shared([key & ((1 << index) - 1) for key in keys], limit - len(earlier), newest_first=False)
    chosen = sorted(earlier + later, key=lambda shared_index: (-shared_index[0], shared_index[1]))
    return index, [i for _, i in chosen]


# reusable_related follows build_site over the same articles: their prefixes are worked out once, and kept
# for the last articles alone.
_PREFIXES: dict[int, tuple[Sequence[Article], list[str]]] = {}


def _older_prefixes(articles: Sequence[Article]) -> list[str]:
    """For each article, a hash of it and every older article: their slugs, topics and tags, in order."""
    known = _PREFIXES.get(id(articles))
    if known is not None and known[0] is articles:
        return known[1]
    prefixes = [""] * len(articles)
    running = hashlib.blake2b(digest_size=16)
    for index in range(len(articles) - 1, -1, -1):
        article = articles[index]
        running.update("\0".join((article.slug, *article.topics, *article.tag_slugs, "\n")).encode())
        prefixes[index] = running.copy().hexdigest()
    _PREFIXES.clear()
    _PREFIXES[id(articles)] = (articles, prefixes)
    return prefixes


def _key_masks(articles: Sequence[Article], keys: set[tuple[str, str]]) -> dict[tuple[str, str], int]:
    """The bitset of each of these keys: a rebuild works out the lists of a few articles, which need the masks
    of their own keys alone."""
    members = {key: bytearray(len(articles) // 8 + 1) for key in keys}
    for index, article in enumerate(articles):
        for key in _relation_keys(article):
            bits = members.get(key)
            if bits is not None:
                bits[index >> 3] |= 1 << (index & 7)
    return {key: int.from_bytes(bits, "little") for key, bits in members.items()}


def _bit_count(mask: int) -> int:
    return mask.bit_count()


def _most_shared(keys: list[int], limit: int, newest_first: bool) -> list[tuple[int, int]]:
    """Up to `limit` (keys shared, index) pairs of the articles in most of `keys`: lowest index first among
    equals when `newest_first`, else highest.

    How many keys each article is in is counted in bit planes (plane j holds bit j of every article's count),
    so the cost grows with the number of keys times its logarithm, however many an article has.
    """
    planes = _count_in_planes(keys)
    members = 0
    for key in keys:
        members |= key
    chosen: list[tuple[int, int]] = []
    for count in range(len(keys), 0, -1):
        if len(chosen) >= limit:
            break
        exact = -1
        for bit, plane in enumerate(planes):
            exact &= plane if count >> bit & 1 else ~plane
        exact &= members
        while exact and len(chosen) < limit:
            lowest = (exact & -exact) if newest_first else 1 << (exact.bit_length() - 1)
            chosen.append((count, lowest.bit_length() - 1))
            exact ^= lowest
    return chosen


def _count_in_planes(keys: list[int]) -> list[int]:
    """Per-article counts of the keys each article is in, as bit planes: a ripple-carry add of each key."""
    planes = [0] * max(1, len(keys).bit_length())
    for key in keys:
        carry = key
        for bit in range(len(planes)):
            if not carry:
                break
            planes[bit], carry = planes[bit] ^ carry, planes[bit] & carry
    return planes


def _relation_keys(article: Article) -> list[tuple[str, str]]:
    return [("topic", t) for t in article.topics] + [("tag", t) for t in article.tag_slugs]
