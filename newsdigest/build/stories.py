"""Stories: the articles that report one event, from several publishers, found by the likeness of their
headlines and summaries within a few days, or named alike by hand (`story:`)."""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from ..config import Config
from ..content import Article
from ..dates import local_day
from ..parallel import Helper, HelperGone

# A story named by hand is labelled apart from any slug.
NAMED = "="
# A list's entry of a story names this many of its other reports, and so does the page of a report that
# does not lead it (see listed_on_page).
ALSO_NAMED = 5
# Raised whenever the same articles and settings come to be grouped otherwise, so that no build reuses choices
# an earlier way made (2: joined most alike first, by headline and lead, words and pairs of words; 3: and
# by headlines that share something; 4: TF-IDF weighed in SciPy, whose last bits may differ; 5: a story's
# reports alike on average, COHESION).
GROUPING_REVISION = 5
# How alike two groups' headlines must be, whatever their leads: reports of one event name something of it
# alike (a name, a place, a figure), while leads of different events can share a reporter's stock phrases.
HEADLINE_LIKENESS = 0.1
# How alike a story's reports must be on average, each with each: likeness to a story as a whole (its summed
# vector) grows as it grows, and on a day of many reports written alike, stories drew each other in until one
# held 150 reports of as many events. Real stories, of headlines or of whole articles, hold together well
# above it (bench/stories: unchanged up to 0.12).
COHESION = 0.1
# What choosing stories imports (scikit-learn takes over a second): a rebuild has a Helper import them while
# it loads, and sends it the few days it must work out, up to this many; more are worked out here.
IMPORTS = ("sklearn.feature_extraction.text", "scipy.sparse")
HELPER_DAYS = 7


@dataclass(frozen=True)
class Story:
    """One event's articles as a list shows it: the one it leads with, then the others (`also`), each with
    its publisher."""

    articles: tuple[Article, ...]

    @property
    def lead(self) -> Article:
        return self.articles[0]

    @property
    def also(self) -> tuple[Article, ...]:
        return self.articles[1:]

    @property
    def date(self) -> datetime:
        return self.lead.date

    @property
    def publishers(self) -> int:
        """How many publishers reported it: how widely it was covered."""
        return len({article.publisher_name or article.slug for article in self.articles})


def named_few(articles: Iterable[Article]) -> tuple[Article, ...]:
    """What is named of a story's other reports where not all of them are listed (a list's entry, a page
    that does not lead the story): the first ALSO_NAMED of them, each publisher once (its first report), and
    those of none."""
    seen: set[str] = set()
    kept: list[Article] = []
    for article in articles:
        name = article.publisher_name
        if not name or name not in seen:
            seen.add(name)
            kept.append(article)
            if len(kept) == ALSO_NAMED:
                break
    return tuple(kept)


def listed_on_page(story: Story, article: Article) -> tuple[tuple[Article, ...], Article | None]:
    """The story's other reports that `article`'s page lists, and the report whose page lists all of them
    where it leaves some out. Its lead's page lists all of them: the story's one full list. Another report's
    page lists the lead and the first report of each other publisher, ALSO_NAMED in all, as lists name them,
    and links to the lead's list: a story of many reports would otherwise repeat them all on each of its
    pages, and rewrite every one of them as it grew."""
    others = tuple(other for other in story.articles if other is not article)
    if article is story.lead:
        return others, None
    shown = named_few(others)
    return shown, story.lead if len(shown) < len(others) else None


def best_first(articles: Iterable[Article]) -> tuple[Article, ...]:
    """The best-written first: the longest text, then the earliest; headlines alone last."""
    return tuple(sorted(articles, key=lambda a: (not a.has_page, -a.word_count, a.date, a.slug)))


def group_stories(articles: Sequence[Article], config: Config, memo: Mapping[str, tuple[str, ...]],
                  helper: Helper | None = None) -> tuple[dict[str, Story], dict[str, tuple[str, ...]]]:
    """Each article's story (by slug), and what the next build may reuse; the days to work out again are
    sent to `helper` where one is given (see IMPORTS), up to HELPER_DAYS of them.

    Day by day from the oldest, the day's articles are gathered with each other and with the stories begun
    within the last `story_days` days, by the likeness of their headlines and leads (see _choose); an
    article alike to none starts a story. A day's choices depend on its window alone (its articles, and the
    stories the earlier ones were given), so they are remembered under a hash of it: new articles make the
    choices of their own days again, and of the days after them within the window. Articles that name a
    story (`story:`) are that story, whatever their words.
    """
    by_day: dict[date, list[Article]] = defaultdict(list)
    for article in sorted(articles, key=lambda a: (a.date, a.slug)):
        by_day[local_day(article.date, config.zone)].append(article)
    days = sorted(by_day)
    # What a day's choices read of its articles: an edit elsewhere in one (its body, its tags) changes none.
    texts = {day: _digest(f"{a.slug}\0{a.date.isoformat()}\0{a.story}\0{_text(a)}" for a in by_day[day])
             for day in days}
    settings = f"{GROUPING_REVISION}\0{config.story_days}\0{config.story_similarity}\0{config.language}"
    label: dict[str, str] = {}
    labels: dict[date, str] = {}
    reusable: dict[str, tuple[str, ...]] = {}
    words: _Words | None = None
    sent = 0
    for index, day in enumerate(days):
        start = _window_start(days, index, config.story_days)
        earlier = days[start:index]
        key = _digest([settings, *(texts[d] + labels[d] for d in earlier), texts[day]])
        chosen = memo.get(key)
        if chosen is None:
            window = [a for d in earlier for a in by_day[d]]
            if helper and sent < HELPER_DAYS:
                sent += 1
                known = {article.slug: label[article.slug] for article in window}
                try:
                    chosen = helper.call(_choose_day, window, by_day[day], known, config)
                except HelperGone:
                    helper = None
            if chosen is None:
                # The first day to work out here: the words of every article from its window on are counted
                # at once (a later day may need working out too).
                words = words or _word_counts([a for d in days[start:] for a in by_day[d]], config.language)
                chosen = _choose(window, by_day[day], label, config, words)
        label.update(zip((a.slug for a in by_day[day]), chosen))
        labels[day] = _digest(chosen)
        reusable[key] = chosen
    members: dict[str, list[Article]] = defaultdict(list)
    for article in articles:
        members[label[article.slug]].append(article)
    stories = {name: Story(best_first(group)) for name, group in members.items()}
    return {slug: stories[name] for slug, name in label.items()}, reusable


def _window_start(days: list[date], index: int, story_days: int) -> int:
    start = index
    while start > 0 and days[start - 1] >= days[index] - timedelta(days=story_days):
        start -= 1
    return start


def _digest(parts: Iterable[str]) -> str:
    running = hashlib.blake2b(digest_size=16)
    for part in parts:
        running.update(part.encode())
        running.update(b"\1")
    return running.hexdigest()


def _text(article: Article) -> str:
    """What stories compare of an article: its headline and lead, or its summary where it has no text."""
    return f"{article.title}\n{article.lead or article.summary}"


@dataclass(frozen=True)
class _Words:
    """How often each word and pair of words occurs in each article's headline and lead (`counts`), and in
    its headline alone (`headlines`): a row by slug."""

    row: dict[str, int]
    counts: Any
    headlines: Any


def _word_counts(articles: list[Article], language: str) -> _Words:
    """The articles' words and pairs of words counted (scikit-learn), English function words left out on an
    English site. A pair a report shares with another ('attorney general', 'doubles down') says more of one
    event than its words apart, which reports of one place or company share across events."""
    # Imported here: scikit-learn takes a second to import, and a build whose stories are remembered needs
    # none of it.
    from sklearn.feature_extraction.text import CountVectorizer

    def counted(texts: list[str]):
        vectorizer = CountVectorizer(stop_words="english" if language.startswith("en") else None,
                                     ngram_range=(1, 2))
        try:
            return vectorizer.fit_transform(texts).tocsr()
        except ValueError:  # no word at all (numbers, or function words alone): one column of none
            from scipy.sparse import csr_matrix
            return csr_matrix((len(texts), 1))

    return _Words({article.slug: row for row, article in enumerate(articles)},
                  counted([_text(article) for article in articles]), counted([a.title for a in articles]))


def _choose_day(window: list[Article], todays: list[Article], label: Mapping[str, str], config: Config
                ) -> tuple[str, ...]:
    """_choose with the words of the window alone counted: the same choices, since the words of other days
    weigh nothing in a day's TF-IDF (see _summed_dots)."""
    return _choose(window, todays, label, config, _word_counts(window + todays, config.language))


def _choose(window: list[Article], todays: list[Article], label: Mapping[str, str], config: Config,
            words: _Words) -> tuple[str, ...]:
    """The story of each of the day's articles, in order (see group_stories).

    The day's articles, each on its own, and the stories begun within the window (so that a story is a few
    days' news, not a thread drawn on for months) are gathered: again and again the two groups most alike
    (the cosine of their articles' summed TF-IDF vectors) become one, while that likeness reaches
    `story_similarity`, their headlines alone are alike HEADLINE_LIKENESS, and the reports they would make
    are alike COHESION on average, each with each. Two earlier stories stay apart (their days are decided),
    and so does what is named by hand. The outcome does not depend on the order the day's articles are taken
    in, but for ties; an automatic story is named after its first article."""
    earlier = [label[article.slug] for article in window]
    begun = {article.slug for article in window + todays}
    known = [name for name in dict.fromkeys(earlier) if name in begun]
    free = [offset for offset, article in enumerate(todays) if not article.story]
    groups = known + [todays[offset].slug for offset in free]
    member = {name: index for index, name in enumerate(known)}
    rows = [(member[name], row) for row, name in enumerate(earlier) if name in member]
    rows += [(len(known) + index, len(window) + offset) for index, offset in enumerate(free)]
    into = _grouped(words, window + todays, rows, len(groups), len(known), config.story_similarity)
    chosen = {todays[offset].slug: groups[into[len(known) + index]] for index, offset in enumerate(free)}
    # A name by hand is kept on one line, as the store keeps labels.
    return tuple(chosen.get(article.slug) or NAMED + " ".join(article.story.split()) for article in todays)


def _grouped(words: _Words, articles: list[Article], rows: list[tuple[int, int]], count: int, fixed: int,
             threshold: float) -> list[int]:
    """Which group each of `count` groups ends in, when the most alike two are joined while their likeness
    reaches `threshold`, their headlines' HEADLINE_LIKENESS, and the mean likeness of the reports they would
    make, each with each, COHESION; `rows` puts articles (by index) in groups, and the first `fixed` groups
    never join each other."""
    import numpy
    from scipy.sparse import csr_matrix

    if not count:
        return []
    groups, members = zip(*rows)
    belongs = csr_matrix((numpy.ones(len(rows)), (groups, members)), shape=(count, len(articles)))
    picked = [words.row[article.slug] for article in articles]
    weighed = _tf_idf(words.counts[picked])
    texts = _summed_dots(weighed, belongs)
    headlines = _summed_dots(_tf_idf(words.headlines[picked]), belongs)
    sizes = numpy.asarray(belongs.sum(axis=1), dtype=numpy.float64).ravel()
    # Each group's sum of its reports' likeness with themselves: 1 each, 0 for one without a word.
    selves = numpy.asarray(belongs @ weighed.multiply(weighed).sum(axis=1)).ravel()
    into = list(range(count))
    open_ = numpy.ones(count, dtype=bool)
    apart = numpy.zeros((count, count), dtype=bool)
    apart[:fixed, :fixed] = True
    numpy.fill_diagonal(apart, True)
    while True:
        likeness = _cosines(texts)
        likeness[apart | ~open_[:, None] | ~open_[None, :] | (_cosines(headlines) < HEADLINE_LIKENESS)
                 | (_cohesion(texts, selves, sizes) < COHESION)] = -1.0
        best = int(numpy.argmax(likeness))
        first, second = divmod(best, count)
        if likeness[first, second] < threshold:
            return [_final(into, group) for group in range(count)]
        first, second = min(first, second), max(first, second)
        for dots in (texts, headlines):
            dots[first, :] += dots[second, :]
            dots[:, first] += dots[:, second]
        sizes[first] += sizes[second]
        selves[first] += selves[second]
        apart[first, :] |= apart[second, :]
        apart[:, first] |= apart[:, second]
        apart[first, first] = True
        open_[second] = False
        into[second] = first


def _summed_dots(weighed: Any, belongs: Any) -> Any:
    """The dot products of each two groups' summed TF-IDF vectors (the words weighed within these articles
    alone): the sums of their reports' likenesses, each with each. Joining two groups adds their rows and
    columns, so no vector need be kept."""
    summed = belongs @ weighed
    return (summed @ summed.T).toarray()


def _cohesion(dots: Any, selves: Any, sizes: Any) -> Any:
    """For each two groups, the mean likeness of the reports they would make together, each with each other:
    the sum of all their likenesses but each report's with itself, over the number of pairs."""
    import numpy

    within = numpy.diag(dots) - selves
    together = sizes[:, None] + sizes[None, :]
    return (within[:, None] + within[None, :] + 2 * dots) / numpy.maximum(together * (together - 1), 1)


def _tf_idf(counts: Any) -> Any:
    """The rows of word counts weighted as scikit-learn's TfidfTransformer(sublinear_tf=True) weighs them
    (1 + log of a count, times the smoothed inverse document frequency, each row to unit length), in SciPy:
    a build weighs two small windows a day, and the transformer's checks of its input took two thirds of
    each weighing."""
    import numpy

    weighted = counts.astype(numpy.float64)
    weighted.data = 1.0 + numpy.log(weighted.data)
    documents = numpy.bincount(weighted.indices, minlength=weighted.shape[1])
    weighted.data *= (numpy.log((1.0 + weighted.shape[0]) / (1.0 + documents)) + 1.0)[weighted.indices]
    lengths = numpy.sqrt(numpy.asarray(weighted.multiply(weighted).sum(axis=1)).ravel())
    weighted.data /= numpy.repeat(numpy.where(lengths > 0, lengths, 1.0), numpy.diff(weighted.indptr))
    return weighted


def _cosines(dots: Any) -> Any:
    import numpy

    norms = numpy.sqrt(numpy.maximum(numpy.diag(dots), 1e-300))
    return dots / numpy.outer(norms, norms)


def _final(into: list[int], group: int) -> int:
    while into[group] != group:
        group = into[group]
    return group


def listed(articles: Sequence[Article], stories: Mapping[str, Story]) -> tuple[Story, ...]:
    """A list's articles as stories, each once, where its newest article in the list is: shown by its lead
    if the list has it, else by that article; the story's other articles follow."""
    present = {article.slug for article in articles}
    seen: set[int] = set()
    entries = []
    for article in articles:
        story = stories[article.slug]
        if id(story) not in seen:
            seen.add(id(story))
            # The story itself where the list has its lead (most lists): one object for every list that shows
            # it, whose fingerprint is then worked out once.
            if story.lead.slug in present:
                entries.append(story)
            else:
                entries.append(Story((article, *(a for a in story.articles if a is not article))))
    return tuple(entries)
