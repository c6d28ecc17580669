import os
import random
from dataclasses import replace
from datetime import UTC, date, datetime

import pytest
from conftest import NOW
from hypothesis import given
from hypothesis import strategies as st

import newsdigest.build.site
from newsdigest.build.site import _most_shared, build_site, reusable_related
from newsdigest.config import Config, Topic
from newsdigest.content import Article

CONFIG = Config(topics=(Topic("rare-earths", "Rare earths"), Topic("trade", "Trade")), related_items=2)


def article(slug, day, topics=(), tags=(), when=None, **fields) -> Article:
    return Article(slug=slug, title=slug.title(), date=when or datetime(2025, 1, day, 12, tzinfo=UTC),
                   body_html="<p>x</p>", summary="x", source_path=f"content/{slug}.md",
                   topics=tuple(topics), tags=tuple(tags), **fields)


def test_newest_first_without_drafts_or_future():
    articles = [article("old", 1), article("new", 3), article("draft", 2, draft=True),
                article("future", 4, when=datetime(2999, 1, 1, tzinfo=UTC))]
    site = build_site(articles, CONFIG, NOW)
    assert [a.slug for a in site.articles] == ["new", "old"]
    with_drafts = build_site(articles, CONFIG, NOW, drafts=True)
    assert [a.slug for a in with_drafts.articles] == ["future", "new", "draft", "old"]


def test_topics_keep_config_order_and_tags_merge_by_slug():
    site = build_site(
        [article("a", 1, ["trade"], ["Supply Chains"]), article("b", 2, ["trade"], ["supply-chains"])],
        CONFIG,
        NOW,
    )
    assert [(t.slug, len(t.articles)) for t in site.topics] == [("rare-earths", 0), ("trade", 2)]
    assert [(t.slug, t.name, [a.slug for a in t.articles]) for t in site.tags] == [
        ("supply-chains", "Supply Chains", ["b", "a"])]


def test_editions_group_by_local_day_and_first_topic():
    late = article("late", 1, when=datetime(2025, 1, 1, 20, tzinfo=UTC))
    kolkata = Config(timezone="Asia/Kolkata", topics=CONFIG.topics)
    site = build_site([late, article("a", 2, ["trade", "rare-earths"]), article("b", 2, ["rare-earths"])],
                      kolkata, NOW)
    assert [e.day for e in site.editions] == [date(2025, 1, 2)]
    groups = [(name, [s.lead.slug for s in items]) for name, items in site.editions[0].groups]
    assert groups == [("Rare earths", ["b"]), ("Trade", ["a"]), ("Other news", ["late"])]


def test_related_prefers_most_shared_then_newest():
    site = build_site([
        article("me", 1, ["trade"], ["x", "y"]),
        article("two-shared", 2, ["trade"], ["x"]),
        article("three-shared", 3, ["trade"], ["x", "y"]),
        article("one-shared-newer", 9, ["trade"]),
        article("one-shared-older", 4, [], ["y"]),
        article("unrelated", 5, ["rare-earths"]),
    ], CONFIG, NOW)
    assert [a.slug for a in site.related["me"]] == ["three-shared", "two-shared"]
    single = build_site([article("me", 1, ["trade"]), article("b", 2, ["trade"]), article("c", 3, ["trade"]),
                         article("d", 4, ["rare-earths"])], CONFIG, NOW)
    assert [a.slug for a in single.related["me"]] == ["c", "b"]


def test_related_comes_from_earlier_coverage_so_new_articles_leave_old_pages_alone():
    old = [article(f"old{i}", i + 1, ["trade"], ["x"]) for i in range(8)]
    me = article("me", 20, ["trade"], ["x"])
    before = build_site(old + [me], CONFIG, NOW).related
    assert [a.slug for a in before["me"]] == ["old7", "old6"], "earlier ones, newest first"
    newer = [article(f"new{i}", 25 + i, ["trade"], ["x"]) for i in range(3)]
    after = build_site(old + [me] + newer, CONFIG, NOW).related
    assert after["me"] == before["me"]
    assert [a.slug for a in after["old0"]] == ["old2", "old1"], "with nothing earlier, the nearest later ones"


@given(st.lists(st.tuples(st.lists(st.sampled_from(["rare-earths", "trade"]), max_size=2, unique=True),
                          st.lists(st.sampled_from(["a", "b", "c", "d", "e"]), max_size=4, unique=True)),
                min_size=1, max_size=14), st.integers(1, 4))
def test_related_lists_equal_counting_what_each_pair_of_articles_shares(specs, limit):
    """The bitset lists against the rule stated plainly: the earlier articles sharing most (newest first among
    equals), filled up with the later ones sharing most (nearest first), shown most shared first."""
    site = build_site([article(f"a{i}", i + 1, topics, tags) for i, (topics, tags) in enumerate(specs)],
                      replace(CONFIG, related_items=limit), NOW)
    ordered = site.openable

    def keys(item: Article) -> set:
        return {("topic", t) for t in item.topics} | {("tag", t) for t in item.tag_slugs}

    for index, me in enumerate(ordered):
        shared = {j: len(keys(me) & keys(other)) for j, other in enumerate(ordered) if j != index}
        earlier = sorted((j for j in shared if j > index and shared[j]), key=lambda j: (-shared[j], j))[
            :limit
        ]
        later = sorted((j for j in shared if j < index and shared[j]), key=lambda j: (-shared[j], -j))
        expected = sorted(earlier + later[:limit - len(earlier)], key=lambda j: (-shared[j], j))
        assert [a.slug for a in site.related[me.slug]] == [ordered[j].slug for j in expected]


@given(st.lists(st.integers(min_value=0, max_value=2**40 - 1), max_size=12), st.integers(1, 8), st.booleans())
def test_most_shared_matches_counting_each_article(keys, limit, newest_first):
    """The bit-plane count against the plain one: most keys shared first, then by index."""
    counts = {i: sum(key >> i & 1 for key in keys) for i in range(40)}
    order = sorted((i for i in counts if counts[i]), key=lambda i: (-counts[i], i if newest_first else -i))
    assert _most_shared(keys, limit, newest_first) == [(counts[i], i) for i in order[:limit]]


def test_related_articles_cost_does_not_explode_with_many_shared_tags():
    tags = [f"t{i}" for i in range(100)]
    articles = [article(f"a{i}", i + 1, tags=tags) for i in range(5)]
    site = build_site(articles, CONFIG, NOW)
    assert [a.slug for a in site.related["a4"]] == ["a3", "a2"]


_KEYS = st.lists(st.sampled_from(["a", "b", "c", "d"]), max_size=3, unique=True)


@given(st.lists(st.tuples(st.sampled_from(["rare-earths", "trade"]), _KEYS), min_size=1, max_size=12),
       st.lists(st.tuples(st.integers(0, 11), _KEYS), max_size=3), st.integers(0, 4))
def test_related_lists_reused_from_the_last_build_equal_lists_worked_out_afresh(first, retags, added):
    """Any site, then a rebuild after re-tagging some articles and adding some: the remembered lists the
    second build reuses give what a build without them gives."""
    articles = [article(f"s{i}", i + 1, [topic], tags) for i, (topic, tags) in enumerate(first)]
    memo = reusable_related(build_site(articles, CONFIG, NOW))
    for index, tags in retags:
        if index < len(articles):
            articles[index] = article(articles[index].slug, index + 1, articles[index].topics, tags)
    articles += [article(f"n{i}", 20 + i, ["trade"], ["a"]) for i in range(added)]
    assert (
        build_site(articles, CONFIG, NOW, reusable_related=memo).related
        == build_site(articles, CONFIG, NOW).related
    )


def test_a_rebuild_that_changed_no_topics_or_tags_works_out_no_related_list(monkeypatch):
    articles = [article(f"s{i}", i + 1, ["trade"], ["x"] if i % 2 else []) for i in range(9)]
    memo = reusable_related(build_site(articles, CONFIG, NOW))
    monkeypatch.setattr("newsdigest.build.site._key_masks",
                        lambda *_: pytest.fail("related lists worked out again"))
    edited = [replace(a, summary="edited") for a in articles]
    assert build_site(edited, CONFIG, NOW, reusable_related=memo).related.keys() == {a.slug for a in articles}


def test_related_lists_worked_out_on_all_cores_equal_those_worked_out_here(monkeypatch, tmp_path):
    rng = random.Random(7)
    articles = [article(f"p{i}", i % 28 + 1, rng.sample(["rare-earths", "trade"], rng.randint(0, 2)),
                        rng.sample("abcdefgh", rng.randint(0, 4))) for i in range(300)]
    monkeypatch.setenv("NEWSDIGEST_WORKERS", "1")
    here = build_site(articles, CONFIG, NOW)
    parent, chosen = os.getpid(), newsdigest.build.site._chosen

    def marked(*arguments):
        if os.getpid() != parent:
            (tmp_path / str(os.getpid())).touch()
        return chosen(*arguments)

    monkeypatch.setenv("NEWSDIGEST_WORKERS", "2")
    monkeypatch.setattr("newsdigest.build.site.RELATED_PARALLEL_FROM", 1)
    monkeypatch.setattr("newsdigest.build.site._chosen", marked)
    forked = build_site(articles, CONFIG, NOW)
    assert any(tmp_path.iterdir()), "no list was worked out in a worker"
    assert forked.related == here.related
    assert list(reusable_related(forked).items()) == list(reusable_related(here).items())


def test_empty_related_lists_are_reused_too(monkeypatch):
    """A site showing no related articles (related_items = 0) remembers its empty lists as lists."""
    none = replace(CONFIG, related_items=0)
    articles = [article(f"s{i}", i + 1, ["trade"], ["x"]) for i in range(5)]
    memo = reusable_related(build_site(articles, none, NOW))
    monkeypatch.setattr("newsdigest.build.site._key_masks", lambda *_: pytest.fail("worked out again"))
    assert set(build_site(articles, none, NOW, reusable_related=memo).related.values()) == {()}
