"""What the site publishes of each article: full text or summaries, copies marked noindex, headlines alone."""

from __future__ import annotations

import json
from pathlib import Path

import feedparser
from conftest import build_site_into, parse_html

ARTICLES = ("first-story", "second", "third")


def built(site: Path, settings: str = "") -> Path:
    toml = site / "site.toml"
    toml.write_text(settings + toml.read_text())
    output = site.parent / "out"
    result = build_site_into(site, output)
    assert not result.errors, result.errors
    return output


def feed_texts(output: Path) -> dict[str, str]:
    """Each item's HTML in the site's Atom feed, by title."""
    return {
        entry.title: entry.content[0].value
        for entry in feedparser.parse((output / "atom.xml").read_bytes()).entries
    }


def test_republishing_summaries_gives_title_summary_and_the_original_never_the_text(fixture_site):
    story = fixture_site / "content" / "third.md"
    story.write_text(
        story.read_text().replace(
            "custom_field:",
            "source: Example Times\nsource_url: "
            "https://example.com/third\nsummary: Third in brief.\ncustom_field:",
        )
        + "\nA second paragraph of the body that a summary-only digest must not publish.\n"
    )
    output = built(fixture_site, 'republish = "summary"\n')
    page = parse_html(output / "articles" / "third.html")
    body = page.find("div", class_="body")
    assert body.get_text(" ", strip=True) == "Third in brief."
    assert page.find(class_="original").a["href"] == "https://example.com/third"
    assert page.find(class_="original").get_text() == "Read at Example Times"
    assert "min read" not in page.find(class_="meta").get_text()
    published = (
        (output / "atom.xml").read_text()
        + (output / "feed.xml").read_text()
        + (output / "feed.json").read_text()
    )
    published += "".join(path.read_text() for path in (output / "search").glob("*.js"))
    for name in ARTICLES:
        published += (output / "articles" / f"{name}.html").read_text()
    for hidden in ("Third body", "must not publish"):
        assert hidden not in published
    assert "Read at Example Times" in feed_texts(output)["Third, a naive time in the site's zone"]


def test_full_text_copies_can_be_marked_noindex_and_left_out_of_the_sitemap(fixture_site):
    output = built(fixture_site, "noindex_copies = true\n")
    sitemap = (output / "sitemap.xml").read_text()
    for name in ARTICLES:
        robots = parse_html(output / "articles" / f"{name}.html").find("meta", attrs={"name": "robots"})
        assert robots is not None and robots["content"] == "noindex"
        assert f"articles/{name}.html" not in sitemap
    assert "https://user.github.io/repo/topics/trade/" in sitemap, "list pages stay in the sitemap"


def test_without_the_setting_pages_are_indexed(fixture_output):
    assert (
        parse_html(fixture_output / "articles" / "third.html").find("meta", attrs={"name": "robots"}) is None
    )
    assert "articles/third.html" in (fixture_output / "sitemap.xml").read_text()


def test_a_headline_alone_is_listed_but_not_linked_to_an_empty_page(fixture_site):
    (fixture_site / "content" / "brief.md").write_text(
        "---\ntitle: Only a headline was saved\ndate: 2025-01-06\nsource: Example Times\n"
        "topics: [trade]\n---\n"
    )
    output = built(fixture_site)
    for page, level in (("latest/index.html", "h3"), ("index.html", "h3"), ("topics/trade/index.html", "h3")):
        headings = [h for h in parse_html(output / page).select(f"ol.entries {level}")
                    if h.get_text() == "Only a headline was saved"]
        assert len(headings) == 1 and headings[0].find("a") is None, page
    assert not (output / "articles" / "brief.html").exists()
    for feed in ("atom.xml", "feed.xml", "topics/trade/atom.xml"):
        assert "Only a headline was saved" not in (output / feed).read_text()
    assert "brief.html" not in (output / "sitemap.xml").read_text()
    # Search finds it as every list shows it: a headline with no page to open.
    docs = "".join(path.read_text() for path in (output / "search").glob("d-*.js"))
    assert '"title":"Only a headline was saved","url":""' in docs
    neighbours = parse_html(output / "articles" / "third.html").find("nav", class_="neighbours")
    assert all("brief" not in a["href"] for a in neighbours.find_all("a"))


def test_a_story_saved_without_its_text_gives_its_summary_and_the_way_to_the_original(fixture_site):
    (fixture_site / "content" / "linked.md").write_text(
        "---\ntitle: A linked story\ndate: 2025-01-06\nsource: Example Times\nsource_url: https://example.com/s\n"
        "summary: What happened, in a line.\n---\n")
    output = built(fixture_site)
    page = parse_html(output / "articles" / "linked.html")
    assert page.find("div", class_="body").get_text(strip=True) == "What happened, in a line."
    assert page.find(class_="original").get_text() == "Read at Example Times"
    assert "Only the headline" not in page.get_text() and "min read" not in page.get_text()
    item = feed_texts(output)["A linked story"]
    assert "What happened, in a line." in item and 'href="https://example.com/s"' in item
    data = json.loads((output / "feed.json").read_text())
    assert next(i for i in data["items"] if i["title"] == "A linked story")["external_url"] == "https://example.com/s"
