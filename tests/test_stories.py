import csv
import json
import re
import xml.etree.ElementTree as ET
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from conftest import NOW, ROOT, SAMPLE_SITE, build_site_into, parse_html, run_cli, without_the_suites_threads
from hypothesis import given, settings
from hypothesis import strategies as st

from newsdigest.build.site import build_site
from newsdigest.build.stories import IMPORTS, group_stories
from newsdigest.config import Config
from newsdigest.content import Article
from newsdigest.parallel import helper

# Real headlines of one day, with a reader's judgement of which report one event (bench/stories/).
HEADLINES = {row["id"]: row for row in csv.DictReader(
    (ROOT / "bench" / "stories" / "headlines-2014-03-10.tsv").open(encoding="utf-8"), delimiter="\t")}
CONFIG = Config()


def report(number: str, minute: int = 0, words: int = 0, day: int = 10, **fields) -> Article:
    row = HEADLINES[number]
    return Article(slug=f"h{number}", title=row["title"], summary="", source=row["publisher"],
                   date=datetime(2014, 3, day, 12, minute, tzinfo=UTC), body_html="",
                   source_path=f"content/h{number}.md", word_count=words, **fields)


def stories_of(articles, config=CONFIG) -> set[frozenset[str]]:
    stories, _ = group_stories(articles, config, {})
    return {frozenset(a.slug for a in story.articles) for story in stories.values()}


def test_reports_of_one_event_are_one_story_led_by_the_best_written():
    sales = [report("94", 1), report("103", 2, words=300), report("101", 3)]
    icahn = report("52", 4)
    stories, _ = group_stories([*sales, icahn], CONFIG, {})
    assert stories_of([*sales, icahn]) == {frozenset({"h94", "h103", "h101"}), frozenset({"h52"})}
    assert stories["h94"].lead.slug == "h103", "the longest text leads"
    assert stories["h94"].publishers == 3


def test_the_same_words_days_apart_are_another_story():
    early, late = report("94", day=1), report("103", day=10)
    apart = {frozenset({"h94"}), frozenset({"h103"})}
    assert stories_of([early, late], replace(CONFIG, story_days=2)) == apart
    assert len(stories_of([early, late], replace(CONFIG, story_days=9))) == 1


def test_a_story_takes_articles_for_story_days_after_its_first():
    """Alike reports a day apart for a week are news of a few days at a time, not one thread for weeks."""
    daily = [report(number, day=day) for day, number in enumerate(("94", "103", "101", "108", "87", "99"), 1)]
    stories, _ = group_stories(daily, CONFIG, {})
    spans = {story: max(a.date for a in story.articles) - min(a.date for a in story.articles)
             for story in stories.values()}
    assert len(spans) > 1 and max(spans.values()) <= timedelta(days=CONFIG.story_days)


def test_the_story_field_joins_and_splits_by_hand():
    joined = [report("94", 1, story="fed-and-mcdonalds"), report("7", 2, story="fed-and-mcdonalds")]
    assert stories_of(joined) == {frozenset({"h94", "h7"})}
    kept_apart = [report("94", 1), report("103", 2, story="its own"), report("101", 3)]
    assert stories_of(kept_apart) == {frozenset({"h94", "h101"}), frozenset({"h103"})}


def test_the_sample_has_no_story_of_two_events(tmp_path):
    output = tmp_path / "output"
    assert build_site_into(SAMPLE_SITE, output).errors == []
    editions = [parse_html(page) for page in (output / "editions").glob("*.html")]
    assert editions and not any(page.select(".also") for page in editions)


def _articles(days_and_numbers: list[tuple[int, str]]) -> list[Article]:
    return [report(number, minute, day=day) for minute, (day, number) in enumerate(days_and_numbers)]


@pytest.fixture(scope="module")
def story_helper():
    with pytest.MonkeyPatch.context() as patch:
        without_the_suites_threads(patch)
        with helper(IMPORTS) as started:
            assert started is not None
            yield started


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.integers(1, 6), st.sampled_from(sorted(HEADLINES))), min_size=1, max_size=25,
                unique_by=lambda pair: pair[1]),
       st.lists(st.tuples(st.integers(1, 6), st.sampled_from(sorted(HEADLINES))), max_size=6),
       st.integers(0, 3))
def test_stories_remembered_equal_stories_worked_out_anew(story_helper, before, added, removed):
    """A build given the last build's choices groups exactly as a cold one, after any additions and
    removals; and so do days worked out by a helper, each with the words of its window alone."""
    first = _articles(before)
    _, memo = group_stories(first, CONFIG, {})
    known = {a.slug for a in first}
    after = first[removed:] + [a for a in _articles(added) if a.slug not in known]
    after = list({a.slug: a for a in after}.values())
    cold, _ = group_stories(after, CONFIG, {})
    expected = {slug: story.articles for slug, story in cold.items()}
    for memo_given, helper_given in ((memo, None), (memo, story_helper), ({}, story_helper)):
        found, _ = group_stories(after, CONFIG, memo_given, helper_given)
        assert {slug: story.articles for slug, story in found.items()} == expected


def test_lists_show_each_story_once():
    sales = [report("94", 1), report("103", 2, words=300), report("101", 3)]
    site = build_site([*sales, report("52", 4)], CONFIG, NOW)
    edition = site.editions[0]
    shown = [story.lead.slug for _, stories in edition.groups for story in stories]
    assert shown == ["h52", "h103"] and edition.count == 4


def _write(site: Path, slug: str, title: str, source: str, when: datetime, body: str = "") -> None:
    front = {"title": title, "date": when.isoformat(), "source": source}
    (site / "content" / f"{slug}.md").write_text(
        "---\n" + "".join(f"{key}: {json.dumps(value)}\n" for key, value in front.items()) + "---\n" + body,
        encoding="utf-8")


SALES = "The chain said on Monday that sales at restaurants open at least 13 months fell in February. " * 8
BOARD = "The online marketplace told its shareholders to vote against the investor's two nominees. " * 8


def test_the_front_page_leads_with_the_most_reported_story_and_feeds_give_it_once(tmp_path):
    """Through the command line: three publishers' reports of one event are one entry that names the others,
    it leads over a newer story of one publisher, and the site's feed has one item for it."""
    site = tmp_path / "site"
    (site / "content").mkdir(parents=True)
    (site / "site.toml").write_text('title = "T"\nbase_url = "https://example.org/digest/"\n')
    noon = datetime(2025, 3, 10, 12, tzinfo=UTC)
    for offset, number in enumerate(("94", "103", "101")):
        row = HEADLINES[number]
        _write(site, f"h{number}", row["title"], row["publisher"], noon + timedelta(minutes=offset), SALES)
    newer = HEADLINES["52"]
    _write(site, "h52", newer["title"], newer["publisher"], noon + timedelta(hours=3), BOARD)
    result = run_cli("build", "--site", str(site))
    assert result.returncode == 0, result.stderr
    front = parse_html(site / "output" / "index.html")
    lead = front.select_one(".lead .entry")
    assert lead.h2.get_text(strip=True) == HEADLINES["94"]["title"], "the earliest of equal reports leads"
    assert [a.get_text() for a in lead.select(".also a")] == ["MSN Money", "Benzinga"]
    assert len(front.select(".entry")) == 2, "one entry a story"
    items = ET.parse(site / "output" / "feed.xml").getroot().findall("./channel/item")
    assert len(items) == 2, "one item a story"
    story = next(item for item in items if "McDonald" in item.findtext("title"))
    content = story.findtext("{http://purl.org/rss/1.0/modules/content/}encoded")
    assert re.search(r'<p class="also">Also: <a href="https://example.org/digest/articles/h103.html"',
                     content)


def test_a_report_joining_a_story_updates_the_feeds_of_a_cached_build(tmp_path):
    """The story's lead stays its lead, but its feed item now names the new report: a rebuild from the cache
    writes what a cold build writes."""
    site = tmp_path / "site"
    (site / "content").mkdir(parents=True)
    (site / "site.toml").write_text('title = "T"\nbase_url = "https://example.org/"\n')
    noon = datetime(2025, 3, 10, 12, tzinfo=UTC)
    first, other, joining = HEADLINES["94"], HEADLINES["52"], HEADLINES["103"]
    _write(site, "h94", first["title"], first["publisher"], noon, SALES * 2)
    _write(site, "h52", other["title"], other["publisher"], noon + timedelta(hours=2), BOARD)
    assert run_cli("build", "--site", str(site)).returncode == 0
    # Earlier than the newest: the feed's items and date stay as they were.
    _write(site, "h103", joining["title"], joining["publisher"], noon - timedelta(hours=1), SALES)
    assert run_cli("build", "--site", str(site)).returncode == 0
    cached = {path.name: path.read_bytes() for path in (site / "output").glob("*.*")}
    assert b"MSN Money" in cached["feed.xml"]
    (site / "site.toml").write_text('title = "T"\nbase_url = "https://example.org/"\noutput_dir = "cold"\n'
                                    'cache_dir = ".cold-cache"\n')
    assert run_cli("build", "--site", str(site)).returncode == 0
    cold = {path.name: path.read_bytes() for path in (site / "cold").glob("*.*")}
    assert cached == cold


def test_a_days_stories_do_not_depend_on_the_order_its_reports_came_in():
    """Reports of three events, in the set's order and reversed within the day: the same stories."""
    numbers = ["1", "2", "4", "52", "94", "103", "101", "60", "7", "108"]
    forward = [report(number, minute) for minute, number in enumerate(numbers)]
    backward = [report(number, minute) for minute, number in enumerate(reversed(numbers))]
    assert stories_of(forward) == stories_of(backward)
    assert len(stories_of(forward)) < len(numbers)


def _reported(slug: str, title: str, lead: str, minute: int) -> Article:
    return Article(slug=slug, title=title, summary="", lead=lead, body_html="", word_count=len(lead.split()),
                   date=datetime(2019, 11, 18, 12, minute, tzinfo=UTC), source_path=f"content/{slug}.md")


def test_reports_are_compared_by_their_leads_and_one_subject_is_not_one_event():
    """Headlines that share only a name are one story when their leads tell one event; two NASA stories of a
    day, sharing the agency and a moon, are two."""
    articles = [
        _reported("inquiry", "WeWork under investigation",
                  "The New York attorney general is investigating WeWork and its former chief executive Adam "
                  "Neumann, two people familiar with the matter said, adding to the company's troubles.", 1),
        _reported("probe", "Attorney general looks into WeWork deals",
                  "WeWork is being investigated by the New York attorney general, according to people "
                  "familiar with the matter; questions include Adam Neumann's dealings with the company.", 2),
        _reported("plumes", "Water plumes confirmed above Europa",
                  "NASA scientists say they have confirmed water vapour above the surface of Jupiter's moon "
                  "Europa, measured by telescope from Hawaii.", 3),
        _reported("landers", "Firms to bid for the next moon landing",
                  "NASA added five companies to the list of firms that may bid to deliver cargo to the "
                  "surface of the moon, among them SpaceX and Blue Origin.", 4),
    ]
    assert stories_of(articles) == {frozenset({"inquiry", "probe"}), frozenset({"plumes"}),
                                    frozenset({"landers"})}


def test_leads_alike_under_headlines_of_nothing_in_common_are_two_stories():
    """A publisher's stock opening ("Markets were calm as …") makes two leads alike; their headlines, of two
    events, keep them apart."""
    opening = ("Markets were calm on Monday as investors waited for the central bank's decision, traders in "
               "London and New York said. ")
    articles = [
        _reported("ports", "Dockworkers strike at three northern ports", opening + "Dockers walked out.", 1),
        _reported("wheat", "Drought cuts the wheat harvest by a fifth", opening + "Farmers lost a fifth.", 2),
    ]
    assert stories_of(articles) == {frozenset({"ports"}), frozenset({"wheat"})}


def test_choices_an_earlier_way_of_grouping_made_are_not_reused(monkeypatch):
    import newsdigest.build.stories as stories
    articles = [report("94", 1), report("103", 2), report("52", 3)]
    monkeypatch.setattr(stories, "GROUPING_REVISION", stories.GROUPING_REVISION - 1)
    _, earlier = group_stories(articles, CONFIG, {})
    monkeypatch.undo()
    # What the earlier way chose, made absurd: were it reused, every report would be a story of its own.
    absurd = {key: tuple(f"apart-{n}" for n, _ in enumerate(chosen)) for key, chosen in earlier.items()}
    assert stories_of(articles) == {frozenset({"h94", "h103"}), frozenset({"h52"})}
    reused, _ = group_stories(articles, CONFIG, absurd)
    assert {frozenset(a.slug for a in s.articles) for s in reused.values()} == stories_of(articles)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(st.integers(0, 4), min_size=6, max_size=6), min_size=1, max_size=8))
def test_words_are_weighed_as_scikit_learn_weighs_them(rows):
    """stories weighs words in SciPy (its own _tf_idf): the same weights as scikit-learn's transformer, to
    the last bits of a float, for any counts (rows or words of none among them)."""
    import numpy
    from scipy.sparse import csr_matrix
    from sklearn.feature_extraction.text import TfidfTransformer

    from newsdigest.build.stories import _tf_idf

    counts = csr_matrix(numpy.array(rows, dtype=numpy.int64))
    counts.eliminate_zeros()
    expected = TfidfTransformer(sublinear_tf=True).fit_transform(counts).toarray()
    assert numpy.allclose(_tf_idf(counts).toarray(), expected, rtol=0, atol=1e-12)


# A busy day's wires, written as the bench corpus writes them: headlines and leads put together from a few
# actors, measures and stock sentences, so that many reports of different events share words.
ACTORS = ("Beijing|New Delhi|Washington|Brussels|Tokyo|Seoul|Taipei|Jakarta|Canberra|Berlin|the central "
          "bank|regulators|exporters|carmakers|chipmakers|miners|refiners|investors|utilities").split("|")
MEASURES = ("export licences for gallium|a subsidy scheme for local assembly|tariffs on imported steel|"
            "quotas for rare-earth magnets|rules on foreign investment|curbs on chip equipment|a trade deal|"
            "anti-dumping duties|import checks on solar modules|a battery recycling mandate|fuel price caps|"
            "credit lines for exporters|a levy on windfall profits|the benchmark lending rate").split("|")
SECTORS = "semiconductors|tariffs|batteries|oil|solar|steel|lithium|shipping|currency|copper".split("|")
EVENTS = "demand softened|shipments slowed|the currency fell|elections loomed|talks stalled".split("|")
HEADLINE_FORMS = ("{A} {v} {m}", "{A} {v} {m} as {e}", "Why {a} {v} {m}", "{S} shift as {e}",
                  "What the {s} move means for {t}")
LEAD_FORMS = ("{A} {v} {m} after {e}.", "The move follows a change in {s} output, which rose {n}% in a year.",
              "Markets reacted calmly, with {s} futures moving less than {n}% on the day.",
              "According to {a}, {s} exports could fall by as much as {n}% this year.")


def _wire_text(rng, form: str) -> str:
    actor, sector = rng.choice(ACTORS), rng.choice(SECTORS)
    return form.format(A=actor[0].upper() + actor[1:], a=actor, v=rng.choice(("eased", "tightened", "cut")),
                       m=rng.choice(MEASURES), e=rng.choice(EVENTS), S=sector.capitalize(), s=sector,
                       t=rng.choice(SECTORS), n=rng.randint(2, 48))


def busy_day(count: int, seed: int) -> list[Article]:
    import random

    rng = random.Random(seed)
    return [Article(slug=f"wire-{n}", title=_wire_text(rng, rng.choice(HEADLINE_FORMS)), summary="",
                    lead=" ".join(_wire_text(rng, rng.choice(LEAD_FORMS)) for _ in range(2)), body_html="",
                    date=datetime(2024, 3, 5, n * 23 // count, n % 60, tzinfo=UTC), word_count=40,
                    source=f"Wire {n % 15}", source_path=f"content/wire-{n}.md") for n in range(count)]


@settings(max_examples=5, deadline=None)
@given(st.integers(0, 10_000))
def test_on_a_busy_day_a_storys_reports_are_alike_each_with_each(seed):
    """140 reports of a day written from stock phrases: each story holds reports alike on average, two by
    two (COHESION), weighed by scikit-learn's own vectorizer, not only alike to the story as a whole, which
    let large groups draw in reports of other events until one story held most of the day."""
    import numpy
    from sklearn.feature_extraction.text import TfidfVectorizer

    from newsdigest.build.stories import COHESION

    articles = busy_day(140, seed)
    weighed = TfidfVectorizer(stop_words="english", ngram_range=(1, 2), sublinear_tf=True).fit_transform(
        [f"{a.title}\n{a.lead}" for a in articles])
    likeness = (weighed @ weighed.T).toarray()
    row = {article.slug: index for index, article in enumerate(articles)}
    stories = stories_of(articles)
    assert max(len(story) for story in stories) > 2, "the day has stories"
    for story in stories:
        rows = [row[slug] for slug in story]
        pairs = len(rows) * (len(rows) - 1)
        if pairs:
            within = likeness[numpy.ix_(rows, rows)]
            assert (within.sum() - numpy.trace(within)) / pairs >= COHESION - 1e-9
