"""Random small sites built with the default templates: each listing and feed holds what its articles say.

Checked against a model worked out here from the files written: every published article with a topic or a
tag (in any spelling of it) is on that listing once, newest first, and in its feeds while among the newest;
each is in its day's edition once; the front page shows none twice.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from datetime import timedelta
from pathlib import Path

import feedparser
from conftest import NOW, build_site_into, parse_html
from hypothesis import given, settings
from hypothesis import strategies as st

from newsdigest.content import tag_slug

# Archive pages hold another number than the first page, so that the newest of them is often part full.
PER_PAGE, ARCHIVE_PER_PAGE, FEED_ITEMS = 2, 3, 3
SITE_TOML = f"""title = "Listings"
base_url = "https://user.github.io/repo/"
per_page = {PER_PAGE}
archive_per_page = {ARCHIVE_PER_PAGE}
feed_items = {FEED_ITEMS}

[[topics]]
id = "rare-earths"
name = "Rare earths"

[[topics]]
id = "trade"
name = "Trade"
"""
SPELLINGS = ["Ports", "ports", "PORTS!", "Rare earths", "rare-earths", "China", "china", "Trade talks"]
ARTICLES = st.lists(st.fixed_dictionaries({
    "tags": st.lists(st.sampled_from(SPELLINGS), max_size=4),
    "topics": st.lists(st.sampled_from(["rare-earths", "trade"]), max_size=2, unique=True),
    # Days from 30 before the build's moment: the last ten are in the future, left out until they come due.
    "day": st.integers(min_value=0, max_value=40),
    "draft": st.sampled_from([False, False, False, True]),
}), min_size=1, max_size=10)


def write_site(folder: Path, articles: list[dict]) -> dict[str, dict]:
    """The site's files, and each article by its slug."""
    (folder / "content").mkdir(parents=True)
    (folder / "site.toml").write_text(SITE_TOML)
    by_slug = {}
    for number, article in enumerate(articles):
        slug = f"story-{number}"
        day = (NOW - timedelta(days=30) + timedelta(days=article["day"])).date()
        (folder / "content" / f"{slug}.md").write_text(
            f"---\ntitle: Story {number}\ndate: {day.isoformat()}\ntags: {json.dumps(article['tags'])}\n"
            f"topics: {json.dumps(article['topics'])}\ndraft: {str(article['draft']).lower()}\n"
            # Alike in words, each its own story, so that a list's entries are its articles (test_stories.py
            # has lists of stories).
            f"story: {slug}\n---\n"
            f"The body of story {number}.\n")
        by_slug[slug] = {**article, "date": day}
    return by_slug


def newest_first(slugs: set[str], by_slug: dict[str, dict]) -> list[str]:
    return sorted(slugs, key=lambda slug: (by_slug[slug]["date"], slug), reverse=True)


def listed(page: Path) -> list[str]:
    """The articles a listing page shows, by slug, in order: its entries' headlines, and an archive page's
    one-line entries."""
    entries = parse_html(page).select("main article.entry a[href$='.html'], main li.brief > a[href$='.html']")
    return [Path(link["href"]).stem for link in entries if "articles/" in link["href"]]


def check_listing(output: Path, first: str, archive_folder: str, expected: list[str]) -> None:
    """The first page shows the newest; the archive pages hold the older ones in fixed groups counted from the
    oldest, each once, newest first."""
    shown = listed(output / first)
    assert shown == expected[:PER_PAGE], first
    pages = sorted((output / archive_folder).glob("page/*/index.html"), key=lambda p: -int(p.parent.name))
    in_order = [slug for page in pages for slug in listed(page)]
    assert len(set(in_order)) == len(in_order), f"{archive_folder}: listed more than once: {in_order}"
    assert set(shown) | set(in_order) == set(expected), first
    assert in_order == expected[len(expected) - len(in_order):], "the oldest, newest first"
    assert all(len(listed(page)) == ARCHIVE_PER_PAGE for page in pages[1:]), "only the newest is part full"


def check_feed(output: Path, folder: str, expected: list[str]) -> None:
    feed = feedparser.parse((output / folder / "atom.xml").read_bytes())
    assert [Path(entry.link).stem for entry in feed.entries] == expected[:FEED_ITEMS], folder
    assert len({entry.id for entry in feed.entries}) == len(feed.entries), folder


def check_editions(output: Path, published: set[str], by_slug: dict[str, dict]) -> None:
    """A day's edition (the site is in UTC, where a plain date's noon keeps its day) holds its articles,
    once."""
    days = {by_slug[slug]["date"].isoformat() for slug in published}
    assert {page.stem for page in (output / "editions").glob("*.html")} == days
    for day in days:
        shown = listed(output / "editions" / f"{day}.html")
        assert sorted(shown) == sorted(s for s in published if by_slug[s]["date"].isoformat() == day), day


@settings(max_examples=30, deadline=None)
@given(articles=ARTICLES)
def test_every_listing_and_feed_holds_its_articles_once_newest_first(articles):
    work = Path(tempfile.mkdtemp(prefix="listings-"))
    try:
        by_slug = write_site(work / "site", articles)
        output = work / "output"
        assert build_site_into(work / "site", output).errors == []
        # A date without a time is noon UTC (see content.py): the build's own day is still to come.
        published = {slug for slug, a in by_slug.items() if not a["draft"] and a["date"] < NOW.date()}
        check_listing(output, "latest/index.html", "", newest_first(published, by_slug))
        check_feed(output, "", newest_first(published, by_slug))
        for topic in ("rare-earths", "trade"):
            members = newest_first({s for s in published if topic in by_slug[s]["topics"]}, by_slug)
            check_listing(output, f"topics/{topic}/index.html", f"topics/{topic}", members)
            check_feed(output, f"topics/{topic}", members)
        tags = {tag_slug(tag) for s in published for tag in by_slug[s]["tags"]}
        assert {p.name for p in (output / "tags").iterdir() if p.is_dir()} == tags
        for tag in tags:
            tagged = {s for s in published if tag in map(tag_slug, by_slug[s]["tags"])}
            members = newest_first(tagged, by_slug)
            check_listing(output, f"tags/{tag}/index.html", f"tags/{tag}", members)
            check_feed(output, f"tags/{tag}", members)
            count = parse_html(output / f"tags/{tag}/index.html").select_one("p.subscribe").get_text()
            assert count.startswith(f"{len(members)} article"), tag
        check_editions(output, published, by_slug)
        front = listed(output / "index.html")
        assert len(set(front)) == len(front) and set(front) <= published
    finally:
        shutil.rmtree(work, ignore_errors=True)
