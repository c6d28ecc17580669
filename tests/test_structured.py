"""Article pages carry schema.org NewsArticle JSON-LD and Open Graph tags that agree with what they show."""

from __future__ import annotations

import json

import frontmatter
from conftest import SAMPLE_SITE, build_site_into, parse_html

SAMPLE_BASE = "https://example.github.io/newsdigest/"


def structured_data(page) -> dict:
    scripts = page.find_all("script", type="application/ld+json")
    assert len(scripts) == 1
    return json.loads(scripts[0].string)


def test_every_article_page_describes_itself_as_a_news_article(sample_output):
    for source in sorted((SAMPLE_SITE / "content").glob("*.md")):
        front = frontmatter.loads(source.read_text(encoding="utf-8")).metadata
        path = sample_output / "articles" / f"{source.stem}.html"
        if not path.exists():
            continue  # a headline alone has no page
        page = parse_html(path)
        data = structured_data(page)
        url = SAMPLE_BASE + f"articles/{source.stem}.html"
        assert (data["@context"], data["@type"], data["url"]) == ("https://schema.org", "NewsArticle", url)
        assert data["headline"] == page.h1.get_text() == front["title"]
        assert data["datePublished"] == page.find("article").find("time")["datetime"]
        assert data["publisher"]["name"] == front.get("source", "News Digest")
        assert data.get("isBasedOn") == front.get("source_url")
        assert data.get("dateline") == front.get("dateline")
        names = [a["name"] for a in data.get("author", [])]
        assert names == [n for n in (front.get("author"), front.get("credit")) if n]
        og = {m["property"]: m["content"] for m in page.find_all("meta", property=True)}
        assert (og["og:type"], og["og:url"], og["og:title"]) == ("article", url, front["title"])
        assert og["article:published_time"] == data["datePublished"]


def test_a_date_with_its_time_keeps_its_offset(fixture_output):
    data = structured_data(parse_html(fixture_output / "articles" / "second.html"))
    assert data["datePublished"].endswith(("+00:00", "+05:30", "Z")) and "T" in data["datePublished"]


def test_script_text_cannot_end_the_json_ld_early(fixture_site):
    story = fixture_site / "content" / "third.md"
    story.write_text(
        story.read_text().replace("title:", 'title: "</script><script>alert(1)</script>"\nx_title:', 1)
    )
    build_site_into(fixture_site, fixture_site.parent / "out")
    page = parse_html(fixture_site.parent / "out" / "articles" / "third.html")
    assert structured_data(page)["headline"] == "</script><script>alert(1)</script>"
    assert len(page.find_all("script")) == 1, "the headline stays inside the JSON-LD"
