"""The plan of pages: article pages in runs cut by their slugs; page groups a rebuild finds as they were."""

from __future__ import annotations

import gc
import weakref
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from unittest.mock import patch

from conftest import NOW
from hypothesis import given, settings
from hypothesis import strategies as st

from newsdigest.build import pages
from newsdigest.build.fingerprint import template_digests
from newsdigest.build.jobs import LastPlan, PlanInputs
from newsdigest.build.pageplan import page_jobs
from newsdigest.build.render import make_environment
from newsdigest.build.site import build_site
from newsdigest.build.stories import ALSO_NAMED
from newsdigest.config import Config, Topic
from newsdigest.content import Article

# Archive pages of as many as the first page: the geometry these tests count pages by.
CONFIG = Config(topics=(Topic("rare-earths", "Rare earths"), Topic("trade", "Trade")), related_items=2,
                archive_per_page=20)


def article(number: int, topics=("trade",), tags=("Ports",)) -> Article:
    # Alike in words, each its own story: a list shows a story once.
    return Article(slug=f"story-{number}", title=f"Story {number}", summary="In brief.", story=f"{number}",
                   date=datetime(2025, 1, 1, tzinfo=UTC) + timedelta(hours=number),
                   source_path=f"content/story-{number}.md", topics=tuple(topics), tags=tuple(tags),
                   body_html="<p>x</p>", digest=f"digest of {number}")


def runs_of(articles: list[Article]) -> list[tuple[str, ...]]:
    site = build_site(articles, CONFIG, NOW)
    return [tuple(a.slug for a in run.articles) for run in pages._article_runs(site)]


@given(st.sets(st.integers(0, 400), max_size=120), st.integers(0, 400), st.data())
@settings(max_examples=60, deadline=None)
def test_runs_hold_every_article_once_and_an_added_one_changes_its_own_run_alone(numbers, added, data):
    topics = {n: data.draw(st.lists(st.sampled_from(["trade", "rare-earths"]), max_size=2, unique=True))
              for n in numbers | {added}}
    articles = [article(n, topics[n]) for n in sorted(numbers - {added})]
    site = build_site(articles, CONFIG, NOW)
    with patch.object(pages, "ARTICLE_RUN", 4):
        runs = list(pages._article_runs(site))
        before, after = runs_of(articles), runs_of(articles + [article(added, topics[added])])
    assert [a for run in runs for a in run.articles] == list(site.openable)
    for run in runs:
        for a, (others, whole), (newer, older) in zip(run.articles, run.also, run.neighbours):
            story = site.stories[a.slug]
            assert a not in others and set(others) | {a} <= set(story.articles)
            # The lead's page lists the whole story; another's, up to ALSO_NAMED and a link to the lead's.
            if a is story.lead:
                assert set(others) | {a} == set(story.articles) and whole is None
            else:
                assert story.lead in others and len(others) <= ALSO_NAMED
                assert (whole is story.lead) == (len(others) < len(story.articles) - 1)
            # Paging stays in the article's first topic, in the site's order.
            same = [b for b in site.openable if (b.topics[:1] == a.topics[:1] if not a.topics
                                                   else a.topics[0] in b.topics)]
            at = same.index(a)
            assert newer == (same[at - 1] if at else None) and older == (same[at + 1] if at + 1 < len(same)
                                                                         else None)
        assert run.related == tuple(site.related[a.slug] for a in run.articles)
    # Wherever it lands, the new article joins one run (or splits it in two): the others are as they were.
    assert len(set(before) - set(after)) <= 1
    assert len([run for run in after if f"story-{added}" not in run]) >= len(before) - 1


def plan(articles: list[Article], last: LastPlan):
    env = make_environment(CONFIG)
    site = build_site(articles, CONFIG, NOW)
    return page_plan(site, env, template_digests(env), last)


def page_plan(site, env, templates, last: LastPlan):
    return page_jobs(PlanInputs(site, env, templates, lambda a: "<p>x</p>", lambda a: "", {}, last))


def test_a_rebuild_takes_the_fingerprints_of_page_groups_found_as_they_were_from_the_last_plan():
    articles = [article(n, tags=(f"Tag {n % 3}",)) for n in range(300)]
    retitled = replace(articles[7], title="Story 7, retitled", digest="digest of 7, edited")
    edited = articles[:7] + [retitled] + articles[8:]
    with patch.object(pages, "ARCHIVE_RUN", 4):
        first = plan(articles, LastPlan({}, {}))
        remembered = {job.path: "as last built" for job in first.jobs}
        second = plan(edited, LastPlan(remembered, first.outlines))
        cold = {job.path: job.fingerprint for job in plan(edited, LastPlan({}, {})).jobs}
    reused = {job.path for job in second.jobs if job.fingerprint == "as last built"}
    for job in second.jobs:
        assert job.fingerprint in (cold[job.path], "as last built")
    # The edited article's page and its neighbours', the archive pages that list it (the oldest of the latest
    # news, of its topic and its tag: 7 is among the first twenty) and the pages relating it are worked out
    # again; most article pages, and the archive pages of other runs and other tags, are taken from the last
    # plan.
    assert not {"articles/story-7.html", "articles/story-6.html", "articles/story-8.html",
                "page/1/index.html", "page/4/index.html", "topics/trade/page/1/index.html",
                "tags/tag-1/page/1/index.html"} & reused
    assert {"page/5/index.html", "page/14/index.html", "topics/trade/page/5/index.html",
            "tags/tag-0/page/1/index.html", "tags/tag-2/page/1/index.html"} <= reused
    relating = build_site(edited, CONFIG, NOW).related.items()
    related_to_seven = {f"articles/{slug}.html" for slug, related in relating if retitled in related}
    assert not related_to_seven & reused
    assert len([p for p in reused if p.startswith("articles/")]) > 200
    assert second.outlines.keys() != first.outlines.keys() and len(second.outlines) == len(first.outlines)


def test_a_template_edit_leaves_the_groups_made_with_other_templates_planned_from_their_outlines():
    articles = [article(n, tags=(f"Tag {n % 3}",)) for n in range(200)]
    env = make_environment(CONFIG)
    site, templates = build_site(articles, CONFIG, NOW), template_digests(env)
    first = page_plan(site, env, templates, LastPlan({}, {}))
    remembered = {job.path: "as last built" for job in first.jobs}
    edited = {**templates, "article.html": "the article template, edited"}
    second = page_plan(site, env, edited, LastPlan(remembered, first.outlines))
    reused = {job.path for job in second.jobs if job.fingerprint == "as last built"}
    articles_pages = {job.path for job in second.jobs if job.path.startswith("articles/")}
    assert articles_pages and not articles_pages & reused
    assert "page/3/index.html" in reused and "tags/tag-1/page/2/index.html" in reused


def test_a_plan_keeps_no_page_of_a_group_it_made_and_its_jobs_make_them_again():
    articles = [article(n, tags=(f"Tag {n % 3}",)) for n in range(200)]
    made = []
    original = pages.Page.__init__

    def counted(self, *args, **kwargs):
        original(self, *args, **kwargs)
        made.append(weakref.ref(self))

    with patch.object(pages.Page, "__init__", counted), patch.object(pages, "ARCHIVE_RUN", 4):
        first = plan(articles, LastPlan({}, {}))
        gc.collect()
        # Pages made alone (the front page, listings' first pages, indexes, editions) are held by their
        # groups; the article pages and archive pages made for their fingerprints are let go of.
        alive = {ref().path for ref in made if ref() is not None}
        assert not {path for path in alive if path.startswith("articles/") or "/page/" in path}
        jobs = {job.path: job for job in first.jobs}
        page = jobs["articles/story-7.html"].make().decode()
        assert "Story 7" in page and "Story 8" in page and "Story 6" in page
        assert "Story 0" in jobs["page/1/index.html"].make().decode()
