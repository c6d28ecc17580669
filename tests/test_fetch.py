"""fetch end to end: the command against a local news site with recorded pages and faults, then build."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import frontmatter
import pytest
from conftest import ROOT, parse_html, run_cli
from fetch_server import REAL_PAGES, SAMPLE_TEXT, NewsSite, Reply, day, gzip_bomb, html, rss

KEYS = sorted(REAL_PAGES)
A, B, C, D, E = KEYS[:4] + ["rt-bolivia"]
SITE_TOML = """title = "Fetched"
base_url = "https://example.org/digest/"

[[topics]]
id = "followed"
name = "Followed"

[[topics]]
id = "protests"
name = "Protests"
keywords = {{ "protest" = 1, "demonstrators" = 2 }}

[fetch]
user_agent = "testdigest/1.0 (+https://example.org/digest/)"
delay = {delay}
timeout = 1
retries = 1
max_wait = 5
max_bytes = 5_000_000
{sources}
"""


def source(url: str, **extra: object) -> str:
    settings = "".join(f"\n{key} = {json.dumps(value)}" for key, value in extra.items())
    return f'\n[[sources]]\nurl = "{url}"{settings}\n'


def make_site(folder: Path, sources: str, delay: float = 0) -> Path:
    folder.mkdir()
    (folder / "site.toml").write_text(SITE_TOML.format(delay=delay, sources=sources))
    return folder


def fetch(site: Path, *args: str) -> subprocess.CompletedProcess:
    return run_cli("fetch", "--site", str(site), *args)


def articles(site: Path) -> dict[str, frontmatter.Post]:
    return {path.name: frontmatter.load(path) for path in sorted((site / "content").glob("*.md"))}


def faulty_news_site(news: NewsSite) -> None:
    """Five real pages and the sample, from a feed, a sitemap and a list of links, among every fault."""
    url = news.url
    news.serve(
        "/robots.txt",
        Reply(body=b"User-agent: *\nDisallow: /private/\n", headers={"Content-Type": "text/plain"}),
    )
    for key in (A, B):
        news.serve(f"/news/{key}.html", html(REAL_PAGES[key]))
    news.serve_once_then("/flaky", Reply(500, b"oops"), html(REAL_PAGES[C]))
    news.serve_once_then("/busy", Reply(429, b"slow down", {"Retry-After": "1"}), html(REAL_PAGES[D]))
    # UTF-8 bytes that the server calls Latin-1, as many servers' defaults do.
    news.serve("/wrong-charset", html(REAL_PAGES[E], charset="iso-8859-1"))
    news.serve("/gone", Reply(410, b"gone"))
    news.serve("/slow", Reply(body=REAL_PAGES[A], headers={"Content-Type": "text/html"}, stall=3))
    news.serve("/loop", Reply(302, b"", {"Location": "/loop-again"}))
    news.serve("/loop-again", Reply(302, b"", {"Location": "/loop"}))
    news.serve(
        "/huge",
        Reply(
            body=b"<html><body>" + b"x" * 50_000_000,
            headers={"Content-Type": "text/html", "Content-Length": None, "Connection": "close"},
        ),
    )
    news.serve("/bomb", gzip_bomb(200_000_000))
    news.serve("/private/secret.html", html(REAL_PAGES[A]))
    news.serve(
        "/not-article",
        html(b"<html><head><title>Log in</title></head><body><form>Password</form></body></html>"),
    )
    news.serve("/moved", Reply(301, b"", {"Location": f"/news/{A}.html?utm_source=moved"}))
    news.serve("/sample.txt", Reply(body=SAMPLE_TEXT, headers={"Content-Type": "text/plain; charset=utf-8"}))
    news.serve(
        "/feed.xml",
        rss(
            [
                (f"{url}/news/{A}.html", "A", day("2025-03-01T08:00")),
                (f"{url}/news/{B}.html?utm_source=rss&utm_medium=feed", "B", day("2025-03-02T08:00")),
                *[
                    (f"{url}{path}", path, None)
                    for path in (
                        "/flaky",
                        "/busy",
                        "/wrong-charset",
                        "/gone",
                        "/missing",
                        "/slow",
                        "/loop",
                        "/huge",
                        "/bomb",
                        "/private/secret.html",
                        "/not-article",
                    )
                ],
            ],
            etag='"v1"',
        ),
    )
    news.serve(
        "/sitemap.xml",
        Reply(
            body=(
                '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
                f"<url><loc>{url}/news/{A}.html</loc></url><url><loc>{url}/sample.txt</loc><lastmod>2025-03-03</lastmod>"
                "</url></urlset>"
            ).encode(),
            headers={"Content-Type": "application/xml"},
        ),
    )
    news.serve(
        "/links.txt",
        Reply(
            body=f"# what a colleague sent\n{url}/news/{B}.html?fbclid=xyz\n{url}/moved\n".encode(),
            headers={"Content-Type": "text/plain"},
        ),
    )
    news.serve(
        "/broken-feed.xml",
        Reply(body=b"<rss><channel><item><title>cut off", headers={"Content-Type": "application/rss+xml"}),
    )
    news.serve("/empty-feed.xml", rss([]))


FAULTY_SOURCES = "/feed.xml", "/sitemap.xml", "/links.txt", "/broken-feed.xml", "/empty-feed.xml"


@pytest.fixture
def faulty(tmp_path):
    with NewsSite() as news:
        faulty_news_site(news)
        sources = "".join(
            source(news.url + path, **({"topics": ["followed"]} if path == "/feed.xml" else {}))
            for path in FAULTY_SOURCES
        )
        sources += source("ftp://example.org/feed") + source(news.url + "/feed.xml", kind="podcast")
        yield news, make_site(tmp_path / "site", sources)


def test_fetch_then_build_holds_every_fetchable_article_once_and_survives_every_fault(faulty, tmp_path):
    news, site = faulty
    result = fetch(site)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    written = articles(site)
    by_origin = {post["ingested_from"]["url"].replace(news.url, ""): post for post in written.values()}
    assert sorted(by_origin) == sorted(
        ["/busy", "/flaky", f"/news/{A}.html", f"/news/{B}.html", "/sample.txt", "/wrong-charset"]
    ), result.stdout + result.stderr
    # The final address, without tracking parameters; the feed's topic added to the rules' topics.
    assert by_origin[f"/news/{B}.html"]["source_url"] == f"{news.url}/news/{B}.html"
    assert all("followed" in post["topics"] for key, post in by_origin.items() if key != "/sample.txt")
    assert "protests" in by_origin["/wrong-charset"]["topics"]
    # The page's own date where it has one, else the date its source listed.
    assert str(by_origin["/sample.txt"]["date"]).startswith("20")
    # UTF-8 bytes under a Latin-1 label are read as UTF-8.
    wrong = by_origin["/wrong-charset"]
    assert "‘He died in my hands’" in wrong["title"] and "Ã" not in wrong.content
    report = result.stdout + result.stderr
    for fault, said in {
        "/gone": "410 Gone",
        "/missing": "404 Not Found",
        "/slow": "timeout",
        "/loop": "redirect",
        "/huge": "more than max_bytes",
        "/bomb": "once decompressed",
        "/private/secret.html": "robots.txt",
        "/not-article": "no article",
    }.items():
        line = next(
            (line for line in report.splitlines() if line.startswith("failed") and fault + " " in line), ""
        )
        assert said in line, (fault, report)
    for bad, said in {
        "/broken-feed.xml": "not a feed",
        "ftp://example.org/feed": "not an http(s) URL",
        "podcast": "kind 'podcast'",
    }.items():
        assert any(bad in line and said in line for line in result.stderr.splitlines()), (bad, result.stderr)
    assert not news.requests("/private/secret.html")
    assert all(r.headers["user-agent"].startswith("testdigest/1.0") for r in news.log)
    # Reached from three sources, with and without tracking parameters, and through a redirect: once.
    assert len(news.requests(f"/news/{B}.html")) == 1

    built = run_cli("build", "--site", str(site), "--quiet")
    assert built.returncode == 0, built.stderr
    assert len(list((site / "output" / "articles").glob("*.html"))) == 6
    topic = parse_html(site / "output" / "topics" / "followed" / "index.html")
    assert len(topic.select("main article, main li")) >= 5


def test_a_second_run_reads_nothing_new_and_rewrites_nothing(faulty):
    news, site = faulty
    fetch(site)
    before = {path: (path.read_bytes(), path.stat().st_mtime_ns) for path in (site / "content").glob("*.md")}
    built = run_cli("build", "--site", str(site), "--quiet")
    assert built.returncode == 0
    requests_before = len(news.log)
    again = fetch(site)
    assert {
        path: (path.read_bytes(), path.stat().st_mtime_ns) for path in (site / "content").glob("*.md")
    } == before
    later = news.log[requests_before:]
    # The feed is asked conditionally and is not modified; no page already ingested is read again.
    feed = [r for r in later if r.path == "/feed.xml"]
    assert feed and all(r.headers.get("if-none-match") == '"v1"' for r in feed)
    assert "not modified" in again.stdout
    read_again = {r.path.split("?")[0] for r in later} - set(FAULTY_SOURCES) - {"/robots.txt"}
    # Only what failed for a reason that may pass is tried again; what is gone or refused is given up.
    assert read_again == {"/missing", "/slow", "/not-article"}
    assert "Summary:" in again.stdout and "written" not in again.stdout.split("Summary:")[1]
    rebuilt = run_cli("build", "--site", str(site), "--quiet")
    assert "Nothing changed" in rebuilt.stdout or " 0 files written" in rebuilt.stdout, rebuilt.stdout


def test_failed_pages_are_given_up_after_three_runs(tmp_path):
    with NewsSite() as news:
        news.serve("/feed.xml", rss([(f"{news.url}/missing", "M", None)]))
        site = make_site(tmp_path / "site", source(news.url + "/feed.xml"))
        runs = [fetch(site) for _ in range(4)]
    assert len(news.requests("/missing")) == 3
    assert "given up" in runs[2].stderr and "tried again on the next run" in runs[1].stderr
    assert "/missing" not in runs[3].stderr and runs[3].returncode == 0


def test_dry_run_lists_what_it_would_read_and_writes_nothing(faulty):
    news, site = faulty
    result = fetch(site, "--dry-run")
    assert f"would read  {news.url}/news/{B}.html" in result.stdout
    assert not (site / "content").exists() or not list((site / "content").glob("*.md"))
    assert not news.requests(f"/news/{B}.html")
    assert not (site / ".newsdigest-cache").exists()
    # Nothing remembered: a real run afterwards reads everything.
    fetch(site)
    assert len(news.requests(f"/news/{B}.html")) == 1


def test_fetch_then_build_in_one_command(tmp_path):
    with NewsSite() as news:
        news.serve("/news/a.html", html(REAL_PAGES[A]))
        moved = "/news/a.html?utm_source=rss&utm_campaign=daily#top"
        news.serve("/go/a", Reply(301, b"", {"Location": moved}))
        news.serve("/feed.xml", rss([(f"{news.url}/go/a", "A", None)]))
        site = make_site(tmp_path / "site", source(news.url + "/feed.xml"))
        result = fetch(site, "--build", "--quiet")
    assert result.returncode == 0, result.stderr
    assert "Built 1 articles" in result.stdout
    assert len(list((site / "output" / "articles").glob("*.html"))) == 1
    # The address after redirects, without its tracking parameters and fragment.
    [post] = articles(site).values()
    assert post["source_url"] == f"{news.url}/news/a.html"


def test_include_exclude_and_limit_take_items_newest_first_and_leave_the_rest_for_later(tmp_path):
    with NewsSite() as news:
        for key in KEYS:
            news.serve(f"/news/{key}.html", html(REAL_PAGES[key]))
        items = [(f"{news.url}/news/{key}.html", f"Story {key}", None) for key in KEYS]
        video = (f"{news.url}/video/1", "Watch: rare earths", None)
        news.serve("/feed.xml", rss(items + [video], etag='"e"'))
        site = make_site(tmp_path / "site", source(news.url + "/feed.xml", include="/news/|rare earths",
                                                   exclude=f"^Watch|{KEYS[1]}", limit=2))
        first, second = fetch(site), fetch(site)
        read = [r.path for r in news.log if r.path.startswith(("/news/", "/video/"))]
    assert first.returncode == 0 and second.returncode == 0, first.stderr + second.stderr
    wanted = [f"/news/{key}.html" for key in KEYS if key != KEYS[1]]
    assert read == wanted
    assert "2 new, 0 seen before, 2 more left for the next run (limit 2)" in first.stdout
    # With items left over, no validator was kept: the second run lists the feed again and takes the rest.
    assert "2 new, 2 seen before" in second.stdout and "more left" not in second.stdout


def test_one_request_at_a_time_per_host_with_the_delay_between(tmp_path):
    with NewsSite() as news:
        for key in KEYS:
            news.serve(f"/news/{key}.html", html(REAL_PAGES[key]))
        news.serve("/feed.xml", rss([(f"{news.url}/news/{key}.html", key, None) for key in KEYS]))
        site = make_site(tmp_path / "site", source(news.url + "/feed.xml"), delay=0.3)
        result = fetch(site)
        starts = [r.at for r in news.log]
    assert result.returncode == 0, result.stderr
    assert len(starts) == 2 + len(KEYS)  # robots.txt, the feed, the pages
    assert all(later - earlier >= 0.29 for earlier, later in zip(starts, starts[1:]))


def test_a_killed_run_loses_nothing(tmp_path):
    """Killed while reading pages: the next run reads what was listed but not yet read."""
    with NewsSite() as news:
        for key in KEYS:
            news.serve(f"/news/{key}.html", html(REAL_PAGES[key]))
        news.serve(
            "/feed.xml", rss([(f"{news.url}/news/{key}.html", key, None) for key in KEYS], etag='"same"')
        )
        site = make_site(tmp_path / "site", source(news.url + "/feed.xml"), delay=0.5)
        process = subprocess.Popen(
            [sys.executable, str(ROOT / "build.py"), "fetch", "--site", str(site)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 30
        while not news.requests(f"/news/{KEYS[1]}.html") and time.monotonic() < deadline:
            time.sleep(0.05)
        process.send_signal(signal.SIGKILL)
        process.wait()
        assert not list((site / "content").glob("*.md")) if (site / "content").exists() else True
        again = fetch(site)
        # The feed has not changed (304), yet every page it listed arrives.
        assert "not modified" in again.stdout
    assert again.returncode == 0, again.stderr
    assert len(articles(site)) == len(KEYS)


def test_a_topic_page_is_followed_through_its_feed_and_a_sitemap_index_through_its_sitemaps(tmp_path):
    with NewsSite() as news:
        news.serve("/news/a.html", html(REAL_PAGES[A]))
        news.serve("/news/b.html", html(REAL_PAGES[B]))
        news.serve(
            "/topics/rare-earths",
            html(
                b'<!doctype html><html><head><link rel="alternate" type="application/rss+xml" '
                b'href="/topics/rss"></head><body>Topic page</body></html>'
            ),
        )
        news.serve("/topics/rss", rss([(f"{news.url}/news/a.html", "A", None)]))
        news.serve(
            "/sitemap-index.xml",
            Reply(
                body=(
                    b'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
                    b"<sitemap><loc>/sitemap-2025.xml</loc></sitemap></sitemapindex>"
                ),
                headers={"Content-Type": "application/xml"},
            ),
        )
        news.serve(
            "/sitemap-2025.xml",
            Reply(
                body=(
                    '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
                    f"<url><loc>{news.url}/news/b.html</loc></url></urlset>"
                ).encode(),
                headers={"Content-Type": "application/xml"},
            ),
        )
        site = make_site(
            tmp_path / "site",
            source(news.url + "/topics/rare-earths") + source(news.url + "/sitemap-index.xml"),
        )
        result = fetch(site)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "topics/rare-earths: feed, 1 new" in result.stdout
    assert "sitemap-index.xml: sitemap index of 1, 1 new" in result.stdout
    assert len(articles(site)) == 2


def test_a_site_without_sources_is_told_how_to_add_one(tmp_path):
    site = make_site(tmp_path / "site", "")
    result = fetch(site)
    assert result.returncode == 0 and "No [[sources]] in site.toml" in result.stdout
    assert not (site / ".newsdigest-cache").exists()


# The report says what happened, truly: a quiet source is an ordinary line; a dry run reports the real run.

def feed_reply(body: str, media: str = "application/rss+xml", encoding: str = "utf-8") -> Reply:
    return Reply(body=body.encode(encoding), headers={"Content-Type": media})


EMPTY_SOURCES = {
    "/empty.xml": feed_reply(
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Quiet</title>'
        "<link>https://example.org/</link><description>d</description></channel></rss>"
    ),
    "/empty-atom.xml": feed_reply(
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        "<title>Quiet</title><id>urn:x</id><updated>2025-01-01T00:00:00Z</updated></feed>",
        "application/atom+xml",
    ),
    "/empty.json": feed_reply(
        '{"version": "https://jsonfeed.org/version/1.1", "title": "Quiet", "items": []}',
        "application/feed+json",
    ),
    "/empty-sitemap.xml": feed_reply(
        '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"></urlset>',
        "application/xml",
    ),
    "/empty-links.txt": feed_reply("", "text/plain"),
}


def source_lines(report: str) -> list[str]:
    return [line for line in report.splitlines() if " source " in line]


def test_quiet_link_less_mislabelled_and_shared_sources_are_reported_truly(tmp_path):
    with NewsSite() as news:
        news.serve(f"/news/{A}.html", html(REAL_PAGES[A]))
        news.serve(f"/news/{B}.html", html(REAL_PAGES[B]))
        for path, reply in EMPTY_SOURCES.items():
            news.serve(path, reply)
        news.serve(
            "/linkless.xml",
            feed_reply(
                '<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>'
                + "".join(
                    f"<item><title>Headline {n}</title><description>d</description></item>" for n in range(3)
                )
                + "</channel></rss>"
            ),
        )
        # Declared UTF-8, written in Windows-1252, and served as a web page: feedparser reads it all the same.
        news.serve("/mislabelled.xml", feed_reply(
            f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Café news</title>'
            f"<item><title>Caf\u00e9 owners protest</title><link>{news.url}/news/{A}.html</link></item>"
            "</channel></rss>", "text/html", "cp1252"))
        shared = [f"/shared-{n}.xml" for n in range(6)]
        for path in shared:
            news.serve(path, rss([(f"{news.url}/news/{B}.html", "The same story", None)]))
        paths = [*EMPTY_SOURCES, "/linkless.xml", "/mislabelled.xml", *shared]
        site = make_site(tmp_path / "site", "".join(source(news.url + path) for path in paths))
        dry = fetch(site, "--dry-run")
        assert not news.requests(f"/news/{A}.html") and not news.requests(f"/news/{B}.html")
        real = fetch(site)
    assert dry.returncode == 0 and real.returncode == 0, dry.stderr + real.stderr
    assert "failed" not in dry.stdout + dry.stderr + real.stdout + real.stderr
    # The dry run lists each page once and counts as the real run does, line for line.
    assert source_lines(dry.stdout) == source_lines(real.stdout)
    would = sorted(line.split()[2] for line in dry.stdout.splitlines() if line.startswith("would read"))
    assert would == sorted([f"{news.url}/news/{A}.html", f"{news.url}/news/{B}.html"])
    lines = {line.split()[2].rstrip(":").replace(news.url, ""): line for line in source_lines(real.stdout)}
    for path in EMPTY_SOURCES:
        assert lines[path].startswith("read ") and lines[path].endswith(", 0 new, 0 seen before"), lines[path]
    assert lines["/linkless.xml"].endswith("0 new, 0 seen before, 3 items without a link left out")
    assert lines["/mislabelled.xml"].endswith("feed, 1 new, 0 seen before")
    assert lines["/shared-0.xml"].endswith("1 new, 0 seen before")
    assert all(lines[path].endswith("0 new, 1 seen before") for path in shared[1:])
    assert len([line for line in real.stdout.splitlines() if line.startswith("written")]) == 2
    assert len(articles(site)) == 2


def test_a_limit_takes_the_newest_items_of_a_feed_listed_oldest_first(tmp_path):
    with NewsSite() as news:
        for key in KEYS:
            news.serve(f"/news/{key}.html", html(REAL_PAGES[key]))
        oldest_first = [
            (f"{news.url}/news/{key}.html", key, day(f"2025-03-0{n + 1}")) for n, key in enumerate(KEYS)
        ]
        news.serve("/feed.xml", rss(oldest_first))
        site = make_site(tmp_path / "site", source(news.url + "/feed.xml", limit=2))
        result = fetch(site)
        read = [r.path for r in news.log if r.path.startswith("/news/")]
    assert result.returncode == 0, result.stderr
    assert sorted(read) == sorted(f"/news/{key}.html" for key in KEYS[-2:])


@pytest.mark.parametrize("build", [False, True])
def test_a_failed_line_means_exit_status_one_even_when_the_page_is_given_up(tmp_path, build):
    with NewsSite() as news:
        news.serve("/gone", Reply(410, b"gone", {"Content-Type": "text/html"}))
        news.serve(f"/news/{A}.html", html(REAL_PAGES[A]))
        news.serve(
            "/feed.xml", rss([(f"{news.url}/gone", "G", None), (f"{news.url}/news/{A}.html", "A", None)])
        )
        site = make_site(tmp_path / "site", source(news.url + "/feed.xml"))
        result = fetch(site, *(["--build", "--quiet"] if build else []))
    assert "given up" in result.stderr and result.stderr.startswith("failed")
    assert result.returncode == 1
    assert ("Built 1 articles" in result.stdout) == build
