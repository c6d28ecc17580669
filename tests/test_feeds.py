import re
import xml.etree.ElementTree as ET
from datetime import datetime
from email.utils import parsedate_to_datetime
from pathlib import Path

import feedparser

from newsdigest.build.feeds import absolute_links

BASE = "https://user.github.io/repo/"
ATOM = "{http://www.w3.org/2005/Atom}"


def all_feeds(output: Path) -> list[Path]:
    return sorted(output.rglob("feed.xml")) + sorted(output.rglob("atom.xml"))


def feed_url(output: Path, path: Path, base: str) -> str:
    return base + path.relative_to(output).as_posix()


def test_every_feed_parses_without_bozo(fixture_output, sample_output):
    feeds = all_feeds(fixture_output) + all_feeds(sample_output)
    assert len(feeds) > 40
    for path in feeds:
        parsed = feedparser.parse(path.read_bytes())
        assert not parsed.bozo, (path, parsed.get("bozo_exception"))


def test_site_feed_has_newest_items_with_full_content(fixture_output):
    parsed = feedparser.parse((fixture_output / "feed.xml").read_bytes())
    assert parsed.version == "rss20"
    assert [e.title for e in parsed.entries] == [
        "Third, a naive time in the site's zone", "Second, with a time and a zone", "First story: magnets"]
    second = parsed.entries[1]
    assert second.link == BASE + "articles/second.html"
    assert second.summary == "Mumbai: the first paragraph serves as the summary."
    assert "<p>A second paragraph.</p>" in second.content[0].value
    assert second.published_parsed[:5] == (2025, 1, 1, 23, 30)
    assert {t.term for t in second.tags} == {"Rare earths", "Trade", "Magnets"}


def test_feed_items_are_limited_to_feed_items(tmp_path, fixture_site):
    from conftest import build_site_into
    for day in range(10, 16):
        # Alike in words, each its own story (a feed gives a story once).
        (fixture_site / "content" / f"extra-{day}.md").write_text(
            f"---\ntitle: Extra {day}\ndate: 2025-02-{day}\nstory: extra-{day}\n---\nBody.\n")
    build_site_into(fixture_site, tmp_path / "out")
    parsed = feedparser.parse((tmp_path / "out" / "atom.xml").read_bytes())
    assert [e.title for e in parsed.entries] == ["Extra 15", "Extra 14", "Extra 13"]


def test_an_article_tagged_twice_alike_is_in_its_tag_page_and_feed_once(tmp_path, fixture_site):
    from conftest import build_site_into, parse_html
    (fixture_site / "content" / "alike.md").write_text(
        "---\ntitle: Alike\ndate: 2025-03-01\ntags: [Magnets, magnets, MAGNETS]\n---\nBody.\n")
    build_site_into(fixture_site, tmp_path / "out")
    feed = feedparser.parse((tmp_path / "out" / "tags/magnets/feed.xml").read_bytes())
    assert [e.title for e in feed.entries].count("Alike") == 1
    assert [t.term for t in feed.entries[0].tags] == ["Magnets"]
    listed = [a["href"] for a in parse_html(tmp_path / "out" / "tags/magnets/index.html").select("main a")]
    assert listed.count("../../articles/alike.html") == 1
    page = parse_html(tmp_path / "out" / "articles/alike.html")
    assert [a.get_text() for a in page.select("ul.tags a")] == ["Magnets"]


def test_topic_and_tag_feeds_hold_their_own_articles(fixture_output):
    trade = feedparser.parse((fixture_output / "topics/trade/atom.xml").read_bytes())
    assert trade.version == "atom10"
    assert [e.title for e in trade.entries] == ["Third, a naive time in the site's zone",
                                                "Second, with a time and a zone"]
    magnets = feedparser.parse((fixture_output / "tags/magnets/feed.xml").read_bytes())
    assert [e.title for e in magnets.entries] == ["Second, with a time and a zone", "First story: magnets"]


def test_tag_feeds_give_summaries_and_topic_feeds_the_text_unless_full_tag_feeds(tmp_path, fixture_site):
    import json

    from conftest import build_site_into

    def items(output: Path, folder: str) -> dict:
        rss, atom = (feedparser.parse((output / folder / name).read_bytes())
                     for name in ("feed.xml", "atom.xml"))
        document = json.loads((output / folder / "feed.json").read_text(encoding="utf-8"))
        second = [next(e for e in feed.entries if e.title.startswith("Second")) for feed in (rss, atom)]
        item = next(i for i in document["items"] if i["title"].startswith("Second"))
        return {"rss": "content" in second[0], "atom": "content" in second[1], "json": "content_html" in item,
                "summaries": [second[0].summary, second[1].summary, item.get("summary")]}

    summary = "Mumbai: the first paragraph serves as the summary."
    build_site_into(fixture_site, tmp_path / "out")
    assert items(tmp_path / "out", "topics/trade") == {"rss": True, "atom": True, "json": True,
                                                       "summaries": [summary] * 3}
    brief = items(tmp_path / "out", "tags/magnets")
    assert brief == {"rss": False, "atom": False, "json": False, "summaries": [summary] * 3}
    settings = fixture_site / "site.toml"
    settings.write_text("full_tag_feeds = true\n" + settings.read_text())
    build_site_into(fixture_site, tmp_path / "full")
    full = items(tmp_path / "full", "tags/magnets")
    assert (full["rss"], full["atom"], full["json"]) == (True, True, True)


def test_rss_follows_the_spec(fixture_output, sample_output):
    for output, base in ((fixture_output, BASE), (sample_output, "https://example.github.io/newsdigest/")):
        for path in sorted(output.rglob("feed.xml")):
            channel = ET.parse(path).getroot().find("channel")
            for required in ("title", "link", "description"):
                assert channel.findtext(required), (path, required)
            self_link = channel.find(f"{ATOM}link[@rel='self']")
            assert self_link.get("href") == feed_url(output, path, base)
            parsedate_to_datetime(channel.findtext("lastBuildDate"))
            guids = [item.findtext("guid") for item in channel.iter("item")]
            assert len(guids) == len(set(guids))
            for item in channel.iter("item"):
                assert item.find("guid").get("isPermaLink") == "false"
                assert item.findtext("link").startswith(base)
                assert re.match(
                    r"^\w{3}, \d{2} \w{3} \d{4} \d{2}:\d{2}:\d{2} [+-]\d{4}$", item.findtext("pubDate")
                )


def test_atom_follows_the_spec(fixture_output):
    for path in sorted(fixture_output.rglob("atom.xml")):
        feed = ET.parse(path).getroot()
        assert feed.findtext(f"{ATOM}id") and feed.findtext(f"{ATOM}title")
        datetime.fromisoformat(feed.findtext(f"{ATOM}updated"))
        assert feed.find(f"{ATOM}link[@rel='self']").get("href") == feed_url(fixture_output, path, BASE)
        assert feed.find(f"{ATOM}author/{ATOM}name").text
        for entry in feed.iter(f"{ATOM}entry"):
            assert entry.findtext(f"{ATOM}id").startswith("urn:uuid:")
            datetime.fromisoformat(entry.findtext(f"{ATOM}updated"))
            assert entry.find(f"{ATOM}link").get("href").startswith(BASE)


def test_guids_do_not_change_with_base_url_or_title(fixture_site, tmp_path):
    from conftest import build_site_into
    build_site_into(fixture_site, tmp_path / "a")
    toml = fixture_site / "site.toml"
    toml.write_text(toml.read_text().replace("https://user.github.io/repo", "https://news.example.org"))
    article = fixture_site / "content" / "third.md"
    article.write_text(article.read_text().replace("Third, a naive", "Third, renamed"))
    build_site_into(fixture_site, tmp_path / "b")
    before = feedparser.parse((tmp_path / "a" / "feed.xml").read_bytes())
    after = feedparser.parse((tmp_path / "b" / "feed.xml").read_bytes())
    assert [e.id for e in before.entries] == [e.id for e in after.entries]
    assert after.entries[0].link == "https://news.example.org/articles/third.html"


def test_feed_content_links_are_absolute():
    html = '<a href="#fn:1">1</a> <a href="../tags/x/index.html">x</a> <img src="p.png" alt=""> <a href="https://o.org/">o</a>'
    assert absolute_links(html, BASE + "articles/a.html") == (
        f'<a href="{BASE}articles/a.html#fn:1">1</a> <a href="{BASE}tags/x/index.html">x</a> '
        f'<img src="{BASE}articles/p.png" alt=""> <a href="https://o.org/">o</a>')


def test_opml_lists_every_topic_feed(sample_output):
    outlines = ET.parse(sample_output / "feeds.opml").getroot().find("body").findall("outline")
    assert [o.get("xmlUrl") for o in outlines] == [
        f"https://example.github.io/newsdigest/topics/{t}/feed.xml"
        for t in ("rare-earths", "india-china-relations", "trade-supply-chains", "south-asia-politics")]
    for outline in outlines:
        assert (sample_output / outline.get("xmlUrl").removeprefix("https://example.github.io/newsdigest/")).is_file()


def test_an_articles_author_reaches_every_feed_reader(tmp_path, fixture_site):
    """RSS's <author> must be an e-mail address, so an author's name goes in dc:creator, which readers show;
    Atom and JSON Feed carry the name as such."""
    import json

    from conftest import build_site_into
    (fixture_site / "content" / "signed.md").write_text(
        "---\ntitle: Signed\ndate: 2025-03-01\nauthor: Anna Berg\n---\nBody.\n")
    build_site_into(fixture_site, tmp_path / "out")
    for name in ("feed.xml", "atom.xml"):
        parsed = feedparser.parse((tmp_path / "out" / name).read_bytes())
        signed = next(e for e in parsed.entries if e.title == "Signed")
        assert signed.author == "Anna Berg", name
        assert [e.get("author") for e in parsed.entries if e.title.startswith("Second")] == ["A. Reporter"]
    rss = (tmp_path / "out" / "feed.xml").read_text(encoding="utf-8")
    assert "<dc:creator>Anna Berg</dc:creator>" in rss and "<author>" not in rss
    items = json.loads((tmp_path / "out" / "feed.json").read_text(encoding="utf-8"))["items"]
    assert next(i for i in items if i["title"] == "Signed")["authors"] == [{"name": "Anna Berg"}]
