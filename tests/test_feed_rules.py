"""Every feed of the built sites obeys the feed specs, and tells a reader what the pages tell a visitor."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import feedparser
import pytest
from bs4 import BeautifulSoup
from conftest import parse_html
from feed_rules import feed_problems

from newsdigest.build.feeds import absolute_links

SAMPLE_BASE = "https://example.github.io/newsdigest/"
FIXTURE_BASE = "https://user.github.io/repo/"


def feeds(output: Path) -> list[Path]:
    return sorted(p for p in output.rglob("*") if p.name in ("feed.xml", "atom.xml", "feed.json"))


@pytest.mark.parametrize("which", ["sample", "fixture"])
def test_every_feed_obeys_the_spec_rules(which, sample_output, fixture_output):
    output, base = (sample_output, SAMPLE_BASE) if which == "sample" else (fixture_output, FIXTURE_BASE)
    found = feeds(output)
    assert len(found) == 3 * (
        1 + len(list((output / "topics").glob("*/"))) + len(list((output / "tags").glob("*/")))
    )
    for path in found:
        assert feed_problems(path, base + path.relative_to(output).as_posix()) == [], path


def test_the_checker_catches_broken_feeds(tmp_path, fixture_output):
    broken = (fixture_output / "feed.xml").read_text().replace("+0000</pubDate>", "</pubDate>", 1)
    broken = broken.replace("https://user.github.io/repo/feed.xml", "https://elsewhere.example/feed.xml")
    (tmp_path / "feed.xml").write_text(broken)
    problems = feed_problems(tmp_path / "feed.xml", FIXTURE_BASE + "feed.xml")
    assert any("not an RFC 822 date" in p for p in problems) and any("rel=self" in p for p in problems)
    data = json.loads((fixture_output / "feed.json").read_text())
    data["items"].append(data["items"][0])
    (tmp_path / "feed.json").write_text(json.dumps(data))
    assert "duplicate item ids" in feed_problems(tmp_path / "feed.json", FIXTURE_BASE + "feed.json")
    atom = (fixture_output / "atom.xml").read_text()
    entry = atom[atom.index("<entry>"):atom.index("</entry>")]
    bare = re.sub(r"<(content|summary)\b.*?</\1>", "", entry, flags=re.S)
    relative = (
        entry.replace("https://user.github.io/repo/", "", 1)
        if "href=&quot;https://user" in entry
        else entry.replace("&lt;p&gt;", '&lt;p&gt;&lt;a href="../x.html"&gt;x&lt;/a&gt;', 1)
    )
    for changed, problem in ((bare, "no textual content"), (relative, "relative link")):
        (tmp_path / "atom.xml").write_text(atom.replace(entry, changed))
        assert any(problem in p for p in feed_problems(tmp_path / "atom.xml", FIXTURE_BASE + "atom.xml")), (
            problem
        )


@pytest.mark.parametrize("name", ["feed.xml", "atom.xml", "feed.json"])
def test_a_reader_sees_what_the_pages_show(name, sample_output):
    """Titles, links, dates and content of each item match the article page the item links to (a tag feed's
    item, its summary)."""
    for path in feeds(sample_output):
        if path.name != name:
            continue
        parsed = feedparser.parse(path.read_bytes()) if name != "feed.json" else None
        items = json.loads(path.read_text())["items"] if parsed is None else parsed.entries
        for item in items:
            link = item["url"] if parsed is None else item.link
            page = parse_html(sample_output / link.removeprefix(SAMPLE_BASE))
            story = page.find("article", class_="story")
            assert (item["title"] if parsed is None else item.title) == story.h1.get_text()
            shown = story.find("time")["datetime"]
            if parsed is None:
                given = datetime.fromisoformat(item["date_published"])
            else:  # feedparser gives every date as a UTC time tuple
                given = datetime(*item.published_parsed[:6], tzinfo=UTC)
            # a day without a time: readers from UTC−11 to UTC+11 see that day
            if len(shown) == len("2025-06-12"):
                assert {
                    given.astimezone(timezone(timedelta(hours=h))).date().isoformat() for h in range(-11, 12)
                } == {shown}
            else:
                assert given == datetime.fromisoformat(shown)
            if path.relative_to(sample_output).parts[0] == "tags":
                # A tag's feed gives the headline, the summary and the link (full_tag_feeds is off).
                assert ("content_html" not in item) if parsed is None else ("content" not in item)
                described = page.find("meta", attrs={"name": "description"})["content"]
                assert item.get("summary", "")[:80] == described[:80]
                continue
            body = story.find("div", class_="body").decode_contents().strip()
            content = item["content_html"] if parsed is None else item.content[0].value
            assert content.startswith(absolute_links(body, link)), "every item has the page's text"
            byline = story.find(class_="byline")
            credits = BeautifulSoup(content, "html.parser").find_all("p")[-1].get_text()
            named = [
                part
                for part in (byline.get_text().split(" · ") if byline else [])
                if not part.startswith("By ")
            ]
            assert all(part in credits for part in named), "the publisher and the wire credit are named"
            original = story.find(class_="original")
            assert original is None or original.get_text() in credits, "the way to the original is given"
