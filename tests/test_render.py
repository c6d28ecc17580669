"""The rendered HTML: structure, accessibility basics, and links that work from disk and under a project
path."""

from __future__ import annotations

import posixpath
from collections import deque
from pathlib import Path
from urllib.parse import unquote, urlsplit

from conftest import parse_html


def html_pages(output: Path) -> list[Path]:
    return sorted(output.rglob("*.html"))


def local_targets(output: Path, page: Path) -> list[tuple[str, Path]]:
    """Each relative href/src in a page, with the file it names (a <base> makes links start at the root)."""
    soup = parse_html(page)
    start = output if soup.find("base") else page.parent
    targets = []
    for tag in soup.find_all(["a", "link", "script", "img", "source", "iframe"]):
        for attribute in ("href", "src"):
            value = tag.get(attribute)
            if value is None or tag.name == "base":
                continue
            parts = urlsplit(value)
            if parts.scheme or parts.netloc or not parts.path:
                continue
            targets.append((value, Path(posixpath.normpath(start / unquote(parts.path)))))
    return targets


def test_every_relative_link_names_an_existing_file(sample_output, fixture_output):
    for output in (sample_output, fixture_output):
        for page in html_pages(output):
            for value, target in local_targets(output, page):
                assert target.is_file(), f"{page.relative_to(output)} links to {value}, which is not a file"
                assert target.resolve().is_relative_to(output.resolve())


def test_nothing_is_loaded_from_another_host(sample_output):
    for page in html_pages(sample_output):
        soup = parse_html(page)
        for tag in soup.find_all(["script", "img", "iframe", "source", "video", "audio"]):
            assert not urlsplit(tag.get("src", "")).netloc, page
        for tag in soup.find_all(
            "link", rel=lambda r: r and ("stylesheet" in r or "icon" in r or "preload" in r)
        ):
            assert not urlsplit(tag["href"]).netloc, page


def test_every_page_is_reached_by_clicking_from_the_front_page(sample_output):
    seen = {sample_output / "index.html"}
    queue = deque(seen)
    while queue:
        page = queue.popleft()
        for _, target in local_targets(sample_output, page):
            if target.suffix == ".html" and target not in seen:
                seen.add(target)
                queue.append(target)
    unreached = set(html_pages(sample_output)) - seen - {sample_output / "404.html"}
    assert not unreached, sorted(str(p.relative_to(sample_output)) for p in unreached)


def test_pages_are_semantic_and_accessible(sample_output):
    for page in html_pages(sample_output):
        soup = parse_html(page)
        assert soup.html["lang"] == "en"
        assert len(soup.find_all("h1")) == 1, page
        assert (
            soup.find("main", id="main") and soup.find("header") and soup.find("footer") and soup.find("nav")
        )
        assert soup.find("meta", attrs={"name": "viewport"})
        assert soup.title.string.strip()
        for time in soup.find_all("time"):
            assert time.get("datetime"), page
        for image in soup.find_all("img"):
            assert image.has_attr("alt"), page


def test_every_page_names_the_site_feeds(sample_output):
    for page in html_pages(sample_output):
        feeds = {link["href"].rsplit("/", 1)[-1]: link["type"]
                 for link in parse_html(page).find_all("link", rel="alternate")}
        assert (
            feeds.get("feed.xml") == "application/rss+xml" and feeds.get("atom.xml") == "application/atom+xml"
        )


def test_topic_page_links_its_own_feed_and_lists_its_articles(sample_output):
    soup = parse_html(sample_output / "topics/rare-earths/index.html")
    hrefs = [link["href"] for link in soup.find_all("link", rel="alternate")]
    assert hrefs[:2] == ["feed.xml", "atom.xml"]
    titles = [a.get_text() for a in soup.select("ol.entries h3 a")]
    assert titles == ["India, China signal readiness for talks to resume rare earth magnet trade amid global "
                      "supply chain strain"]


def test_article_page_shows_everything_about_the_article(sample_output):
    soup = parse_html(sample_output / "articles/india-china-rare-earth-magnet-talks.html")
    story = soup.find("article", class_="story")
    assert story.h1.get_text().startswith("India, China signal readiness")
    assert story.find("time")["datetime"] == "2025-06-12", "a date given without a time is a day"
    assert story.find("time").get_text() == "12 June 2025"
    assert story.find(class_="byline").get_text() == "Northeast Herald · Credit: IBNS"
    assert "2 min read" in story.find(class_="meta").get_text()
    assert [a.get_text() for a in story.select(".topics a")] == ["Rare earths", "India–China relations"]
    assert [a["href"] for a in story.select(".tags a")][0] == "../tags/export-controls/index.html"
    assert len(story.select(".body p")) == 14
    assert not story.find(class_="dateline"), "the body already opens with the dateline"
    assert not soup.find("nav", class_="neighbours"), "alone in its topic: nothing to page to"


def test_an_article_pages_on_within_its_first_topic(fixture_output):
    """'second' (rare earths first, then trade) is newer than 'first-story' (rare earths); 'third' (trade
    alone) is newer still, and not a neighbour of either in rare earths."""
    first = parse_html(fixture_output / "articles/first-story.html").find("nav", class_="neighbours")
    assert first["aria-label"] == "More in Rare earths"
    newer = first.find("a", rel="next")
    assert newer["href"] == "second.html"
    assert newer.find(class_="label").get_text() == "Newer in Rare earths →"
    assert not first.find("a", rel="prev")
    second = parse_html(fixture_output / "articles/second.html").find("nav", class_="neighbours")
    assert [a["href"] for a in second.find_all("a")] == ["first-story.html"]


def test_latest_news_is_newest_first_and_archive_pages_are_fixed_groups(fixture_output):
    first = parse_html(fixture_output / "latest/index.html")
    assert [a.get_text() for a in first.select("ol.entries h3 a")] == [
        "Third, a naive time in the site's zone", "Second, with a time and a zone"]
    assert first.find("a", rel="next")["href"] == "../page/1/index.html"
    assert first.find("a", rel="prev") is None
    oldest = parse_html(fixture_output / "page/1/index.html")
    assert [a.get_text() for a in oldest.select("ol.entries > li.brief > a")] == [
        "Second, with a time and a zone", "First story: magnets"]
    assert oldest.h1.get_text() == "Fixture Digest 1 – 2 January 2025", "titled by what it holds"
    assert oldest.title.get_text().startswith("Fixture Digest, 1 – 2 January 2025")
    assert oldest.find("a", rel="prev")["href"] == "../../latest/index.html"
    assert oldest.find("a", rel="next") is None
    newest = first.select("ol.entries > li")[0].find("time")
    assert (newest["datetime"], newest.get_text()) == ("2025-01-05T09:15:00+05:30", "09:15 IST"), \
        "a time given is shown, in the site's zone, under its day"
    days = [(h.time["datetime"], h.get_text()) for h in first.select(".day-head")]
    assert days == [("2025-01-05", "Sunday 5 January 2025"), ("2025-01-02", "Thursday 2 January 2025")]
    entry = oldest.select("ol.entries > li")[1]
    heading = entry.find_previous(class_="day-head")
    assert entry.find("time") is None and heading.time["datetime"] == "2025-01-01", \
        "a day given alone is said by its heading"
    assert entry.get_text(" ", strip=True) == "First story: magnets The Paper", \
        "an archive page's entry is a line: headline, time and publisher"
    assert not (fixture_output / "page/2/index.html").exists(), "each story not on the first page, once"


def test_front_page_is_the_newest_days_digest(sample_output):
    front = parse_html(sample_output / "index.html")
    lead = front.find("section", class_="lead")
    # The newest day's stories are headlines alone: the lead is the newest story with text, and the page is
    # headed with its day, not the day of a headline that leads nothing.
    assert lead.h2.a["href"] == "articles/youtuber-anurag-dwivedi-ed-betting-apps.html"
    assert front.h1.time["datetime"] == "2025-12-18"
    assert lead.find("time") is None, "the lead, dated by its day alone, is of the heading's day: said once"
    assert front.h1.get_text() == "Thursday 18 December 2025"
    assert front.find(string="Chaos in Dhaka!") or front.find(string=lambda t: t and "Chaos in Dhaka" in t), \
        "the newer headline is still on the page"
    sections = {s.h2.get_text(): s for s in front.select(".sections > section.section")}
    assert list(sections)[-1] == "Other news"
    for name, section in sections.items():
        if name != "Other news":
            assert section.find("a", string=f"More in {name} →")["href"].startswith("topics/")
        assert 1 <= len(section.select("ol.entries > li")) <= 4
    headlines = [h.get_text() for h in front.select(".entry h2, .entry h3")]
    assert len(headlines) == len(set(headlines)), "each story once"
    for entry in front.select(".entry"):
        assert "Northeast Herald" in entry.find(class_="meta").get_text()
    assert front.select_one("main").find("a", string="All the latest news")["href"] == "latest/index.html"


def test_no_archive_page_repeats_the_front_page(fixture_site, tmp_path):
    from conftest import build_site_into
    for day in range(3, 12):  # 12 published articles, per_page 2: the newest full group is the front page
        (fixture_site / "content" / f"extra-{day}.md").write_text(
            # Alike in words, each its own story (a list shows a story once).
            f"---\ntitle: Extra {day}\ndate: 2025-01-{day:02}\nstory: extra-{day}\n---\nx\n"
        )
    output = tmp_path / "out"
    assert build_site_into(fixture_site, output).errors == []
    front = [a.get_text() for a in parse_html(output / "latest/index.html").select("ol.entries h3 a")]
    pages = sorted(output.glob("page/*/index.html"), key=lambda p: int(p.parent.name))
    assert len(pages) == 5
    for page in pages:
        assert [a.get_text() for a in parse_html(page).select("ol.entries h3 a")] != front
    newest = parse_html(pages[-1])
    assert newest.find("a", rel="prev")["href"] == "../../latest/index.html"
    assert parse_html(output / "latest/index.html").find("a", rel="next")["href"] == "../page/5/index.html"


def test_the_tags_index_lists_tags_by_their_spelling_most_used_first(sample_output):
    rows = parse_html(sample_output / "tags/index.html").select("ul.terms li")
    counts = [int(li.find(class_="count").get_text().split()[0]) for li in rows]
    assert rows[0].a.get_text() == "India"
    assert counts == sorted(counts, reverse=True) and counts[0] > counts[-1]
    assert "Enforcement Directorate" in [li.a.get_text() for li in rows]


def test_term_indexes_show_counts(fixture_output):
    tags = parse_html(fixture_output / "tags/index.html")
    rows = {li.a.get_text(): li.find(class_="count").get_text() for li in tags.select("ul.terms li")}
    assert rows == {"China": "2 articles", "Magnets": "2 articles"}
    topics = parse_html(fixture_output / "topics/index.html")
    assert [li.a["href"] for li in topics.select("ul.terms li")] == ["rare-earths/index.html",
                                                                    "trade/index.html"]


def test_editions_and_archive(fixture_output):
    edition = parse_html(fixture_output / "editions/2025-01-02.html")
    assert edition.h1.get_text() == "Thursday 2 January 2025"
    assert [h2.get_text() for h2 in edition.select("section h2")] == ["Rare earths"]
    assert edition.find("a", rel="prev")["href"] == "2025-01-01.html"
    assert edition.find("a", rel="next")["href"] == "2025-01-05.html"
    archive = parse_html(fixture_output / "archive/index.html")
    assert [h.get_text() for h in archive.find_all(["h2", "h3"])] == ["2025", "January 2025"]
    assert [a["href"] for a in archive.select("ul.days a")] == [
        "../editions/2025-01-05.html", "../editions/2025-01-02.html", "../editions/2025-01-01.html"]


def test_drafts_and_future_articles_are_left_out(fixture_output):
    assert not (fixture_output / "articles/draft.html").exists()
    assert not (fixture_output / "articles/future.html").exists()
    assert "A draft" not in (fixture_output / "index.html").read_text()


def test_404_works_at_any_depth_under_the_project_path(fixture_output):
    soup = parse_html(fixture_output / "404.html")
    assert "document.write('<base href=\"/repo/\">')" in soup.head.script.string, (
        "served: links from the root"
    )
    assert 'location.protocol !== "file:"' in soup.head.script.string, "from disk it is at the root already"
    assert soup.find("link", rel="stylesheet")["href"] == "static/style.css"


def test_sitemap_robots_and_nojekyll(fixture_output):
    sitemap = (fixture_output / "sitemap.xml").read_text()
    assert "<loc>https://user.github.io/repo/articles/second.html</loc>" in sitemap
    assert "<lastmod>2025-01-03T08:00:00+05:30</lastmod>" in sitemap
    assert "<lastmod>2025-01-01</lastmod>" in sitemap, "a day without a time is the day"
    assert "404.html" not in sitemap
    assert "Sitemap: https://user.github.io/repo/sitemap.xml" in (fixture_output / "robots.txt").read_text()
    assert (fixture_output / ".nojekyll").exists()
    assert (fixture_output / "static/style.css").is_file()


def test_the_feeds_page_lists_every_feed_and_the_opml(sample_output):
    soup = parse_html(sample_output / "feeds/index.html")
    links = {a["href"] for a in soup.select("ul.feeds a.feed")}
    feeds = {"../" + p.relative_to(sample_output).as_posix() for p in sample_output.rglob("*")
             if p.name in ("feed.xml", "atom.xml", "feed.json")}
    assert links == feeds
    assert soup.find("a", href="../feeds.opml")
    assert "https://example.github.io/newsdigest/topics/rare-earths/feed.xml" in soup.get_text()
    assert [h2.get_text() for h2 in soup.find_all("h2")] == ["The whole site", "Topics", "Tags"]




def test_past_the_protocols_limit_the_sitemap_is_an_index_of_sitemaps(fixture_site, monkeypatch):
    """The protocol allows 50,000 URLs a sitemap: with a limit of 5, the fixture's pages need an index."""
    import xml.etree.ElementTree as ET

    from conftest import build_site_into
    whole = fixture_site.parent / "whole"
    build_site_into(fixture_site, whole)
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    every = [loc.text for loc in ET.parse(whole / "sitemap.xml").getroot().findall("s:url/s:loc", ns)]
    monkeypatch.setattr("newsdigest.build.sitemap.SITEMAP_URLS", 5)
    split = fixture_site.parent / "split"
    build_site_into(fixture_site, split)
    index = ET.parse(split / "sitemap.xml").getroot()
    assert index.tag == "{http://www.sitemaps.org/schemas/sitemap/0.9}sitemapindex"
    children = [loc.text for loc in index.findall("s:sitemap/s:loc", ns)]
    assert len(children) == -(-len(every) // 5) and children[0] == "https://user.github.io/repo/sitemaps/sitemap-1.xml"
    listed = []
    for child in children:
        urls = (
            ET.parse(split / child.removeprefix("https://user.github.io/repo/"))
            .getroot()
            .findall("s:url/s:loc", ns)
        )
        assert 1 <= len(urls) <= 5
        listed += [loc.text for loc in urls]
    assert listed == every
    assert "Sitemap: https://user.github.io/repo/sitemap.xml" in (split / "robots.txt").read_text()


def test_entries_remembered_up_to_the_bound_give_the_same_site(fixture_site, monkeypatch):
    """A process forgets its rendered entries past ENTRY_MEMO: with a bound of 2, the fixture's lists forget
    them again and again, and every file has the bytes of a build that remembered them all."""
    from conftest import build_site_into
    from jinja2 import pass_context

    from newsdigest.build import render
    whole = fixture_site.parent / "whole"
    build_site_into(fixture_site, whole)
    sizes = []
    entry = render._list_entry

    def watched(context, *args, **kwargs):
        sizes.append(len(context.environment.entry_cache))
        return entry(context, *args, **kwargs)

    monkeypatch.setattr(render, "ENTRY_MEMO", 2)
    monkeypatch.setattr(render, "_list_entry", pass_context(watched))
    bounded = fixture_site.parent / "bounded"
    build_site_into(fixture_site, bounded)
    assert max(sizes) == 2 and len(sizes) > 10
    files = sorted(p.relative_to(whole) for p in whole.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(bounded) for p in bounded.rglob("*") if p.is_file())
    assert all((whole / f).read_bytes() == (bounded / f).read_bytes() for f in files)


def test_only_a_story_with_text_leads_and_the_page_has_its_day(fixture_site, tmp_path):
    from conftest import build_site_into
    content = fixture_site / "content"
    (content / "summary-only.md").write_text(
        "---\ntitle: Saved without its text\ndate: 2025-03-03\nsummary: A summary alone.\n"
        "source_url: https://example.com/a\n---\n")
    (content / "headline-only.md").write_text("---\ntitle: A headline alone\ndate: 2025-03-04\n---\n")
    (content / "with-text.md").write_text(
        "---\ntitle: The story told\ndate: 2025-03-02 10:00\n---\nIt has a body of its own.\n")
    build_site_into(fixture_site, tmp_path / "out")
    front = parse_html(tmp_path / "out" / "index.html")
    assert front.find("section", class_="lead").h2.get_text(strip=True) == "The story told"
    assert front.h1.get_text() == "Sunday 2 March 2025"
    assert "Saved without its text" in front.get_text() and "A headline alone" in front.get_text()


def test_a_list_of_one_topic_does_not_label_its_entries_with_that_topic(sample_output):
    front = parse_html(sample_output / "index.html")
    for section in front.select(".sections > section"):
        name = section.h2.get_text()
        labels = {a.get_text() for a in section.select(".entry .topics a")}
        assert name not in labels, name
    topic = parse_html(sample_output / "topics" / "india-china-relations" / "index.html")
    labels = [a.get_text() for a in topic.select(".entry .topics a")]
    assert "India–China relations" not in labels
    assert "Rare earths" in labels, "the entries' other topics are still named"
    latest = parse_html(sample_output / "latest" / "index.html")
    assert "India–China relations" in {a.get_text() for a in latest.select(".entry .topics a")}


def test_the_front_page_holds_only_the_days_news(sample_output):
    """A story older than fresh_days (3) before the lead's day is on its topic's pages, not the front page."""
    from datetime import date, timedelta
    front = parse_html(sample_output / "index.html")
    day = date.fromisoformat(front.h1.time["datetime"])
    entries = front.select(".sections .entry")
    assert entries
    for entry in entries:
        time = entry.find("time")  # none: dated by the heading's day alone
        assert time is None or date.fromisoformat(time["datetime"][:10]) >= day - timedelta(days=3), entry.h3
    assert not front.find("a", string=lambda t: t and t.startswith("India, China signal readiness"))
    topic = parse_html(sample_output / "topics" / "rare-earths" / "index.html")
    assert topic.find("a", string=lambda t: t and t.startswith("India, China signal readiness"))
    updated = front.select_one(".edition-head .lede time")
    assert updated["datetime"] == "2025-12-19", "when the site last changed: its newest article"


def test_an_article_says_where_it_was_read_at_the_top_and_runs_its_dateline_into_the_text(
        fixture_site, tmp_path):
    from conftest import build_site_into
    (fixture_site / "content" / "port.md").write_text(
        "---\ntitle: The port opens\ndate: 2025-03-02\ndateline: CHENNAI\nsource: Port Herald\n"
        "author: Anna Berg\ncredit: PTI\nsource_url: https://example.com/port\ntopics: [trade]\n---\n"
        "The new terminal opened on Monday, two years late.\n\nShipping lines welcomed it.\n")
    build_site_into(fixture_site, tmp_path / "out")
    story = parse_html(tmp_path / "out" / "articles" / "port.html").find("article", class_="story")
    byline = story.header.find(class_="byline")
    assert byline.get_text() == "By Anna Berg · Read at Port Herald · Credit: PTI"
    assert byline.a["href"] == "https://example.com/port" and "external" in byline.a["rel"]
    first = story.find(class_="body").p
    assert first.get_text() == "CHENNAI — The new terminal opened on Monday, two years late."
    assert first.find(class_="dateline").get_text() == "CHENNAI"
    related = parse_html(tmp_path / "out" / "articles" / "port.html").find("section", class_="related")
    assert "entries" in related.ul["class"], "styled as every other list"
