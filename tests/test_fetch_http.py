"""The polite client against a server on 127.0.0.1: retries, robots.txt, pacing, limits, encodings."""

from __future__ import annotations

import gzip
import time
import zlib
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import brotli
import pytest
from fetch_server import NewsSite, Reply, html

from newsdigest.config import FetchSettings
from newsdigest.fetch.command import by_host
from newsdigest.fetch.http import FetchError, PoliteClient, retry_after

PAGE = b"<html><body><p>" + "Neodymium’s price rose again.".encode() * 50 + b"</p></body></html>"


def client(sleeps: list[float] | None = None, **settings) -> PoliteClient:
    chosen = FetchSettings(**{"delay": 0, "timeout": 1, "retries": 2, "max_wait": 30, **settings})
    record = sleeps.append if sleeps is not None else time.sleep
    return PoliteClient(chosen, "testbot/2.0 (+https://example.org/)", sleep=record)


@pytest.fixture
def news():
    with NewsSite() as site:
        yield site


def test_retry_after_in_seconds_or_as_a_date():
    now = datetime(2025, 3, 4, 12, tzinfo=UTC)
    assert retry_after({"retry-after": "120"}, now.timestamp()) == 120
    later = format_datetime(now + timedelta(seconds=90), usegmt=True)
    assert retry_after({"retry-after": later}, now.timestamp()) == pytest.approx(90)
    assert retry_after({"retry-after": "soon"}, now.timestamp()) is None
    assert retry_after({}, now.timestamp()) is None


def test_a_server_error_is_tried_again_after_a_growing_wait(news):
    attempts = iter([Reply(503, b""), Reply(502, b""), html(PAGE)])
    news.serve("/p", lambda site, request: next(attempts))
    sleeps: list[float] = []
    response = client(sleeps).get(news.url + "/p")
    assert response.status == 200 and response.body == PAGE
    assert sleeps == [1.0, 2.0]


def test_429_waits_as_retry_after_asks_or_leaves_it_to_the_next_run(news):
    news.serve_once_then("/p", Reply(429, b"", {"Retry-After": "7"}), html(PAGE))
    sleeps: list[float] = []
    assert client(sleeps).get(news.url + "/p").body == PAGE
    assert sleeps == [7.0]
    news.serve("/q", Reply(429, b"", {"Retry-After": "3600"}))
    sleeps.clear()
    with pytest.raises(FetchError, match="asks to wait 3600 s; it is tried again on the next run") as error:
        client(sleeps).get(news.url + "/q")
    assert sleeps == [] and not error.value.lasting


def test_errors_that_asking_again_will_not_mend_are_not_retried(news):
    news.serve("/gone", Reply(410, b""))
    news.serve("/missing-page", Reply(404, b""))
    with pytest.raises(FetchError, match="410 Gone") as gone:
        client().get(news.url + "/gone")
    assert gone.value.lasting
    with pytest.raises(FetchError, match="404 Not Found"):
        client().get(news.url + "/missing-page")
    assert len(news.requests("/gone")) == 1 and len(news.requests("/missing-page")) == 1


@pytest.mark.parametrize(
    "encoding, pack", [("gzip", gzip.compress), ("deflate", zlib.compress), ("br", brotli.compress)]
)
def test_compressed_responses_are_decoded(news, encoding, pack):
    news.serve(
        "/p", Reply(body=pack(PAGE), headers={"Content-Type": "text/html", "Content-Encoding": encoding})
    )
    assert client().get(news.url + "/p").body == PAGE
    assert encoding in news.requests("/p")[0].headers["accept-encoding"]


def test_a_declared_length_over_the_limit_is_refused_unread(news):
    news.serve("/big", Reply(body=b"x" * 200_000, headers={"Content-Type": "text/html"}))
    with pytest.raises(FetchError, match="more than max_bytes") as error:
        client(max_bytes=100_000).get(news.url + "/big")
    assert error.value.lasting


def test_a_body_trickling_in_is_cut_at_four_timeouts(news):
    news.serve("/slow", Reply(body=PAGE, headers={"Content-Type": "text/html"}, stall=5))
    started = time.monotonic()
    with pytest.raises(FetchError, match="timeout"):
        client(retries=0).get(news.url + "/slow")
    assert time.monotonic() - started < 3


def test_a_304_is_returned_to_the_caller(news):
    news.serve(
        "/feed",
        lambda site, request: (
            Reply(304, b"")
            if request.headers.get("if-none-match") == '"1"'
            else Reply(body=b"<rss/>", headers={"ETag": '"1"'})
        ),
    )
    assert client().get(news.url + "/feed").headers["etag"] == '"1"'
    assert client().get(news.url + "/feed", {"If-None-Match": '"1"'}).status == 304


def test_robots_txt_rules_for_our_name_and_its_crawl_delay(news):
    news.serve(
        "/robots.txt",
        Reply(
            body=b"User-agent: testbot\nDisallow: /private\nCrawl-delay: 5\n\nUser-agent: *\nDisallow: /",
            headers={"Content-Type": "text/plain"},
        ),
    )
    news.serve("/open", html(PAGE))
    sleeps: list[float] = []
    polite = client(sleeps)
    with pytest.raises(FetchError, match="robots.txt of 127.0.0.1:\\d+ does not allow testbot"):
        polite.get(news.url + "/private/a")
    polite.get(news.url + "/open")
    polite.get(news.url + "/open")
    assert not news.requests("/private/a") and len(news.requests("/robots.txt")) == 1
    assert len(sleeps) == 2 and all(4.5 < pause <= 5 for pause in sleeps)


def test_a_missing_robots_txt_allows_all_and_a_failing_one_nothing(news):
    news.serve("/p", html(PAGE))
    assert client().get(news.url + "/p").status == 200
    with NewsSite() as down:
        down.serve("/robots.txt", Reply(500, b""))
        down.serve("/p", html(PAGE))
        with pytest.raises(FetchError, match="robots.txt could not be read"):
            client(sleeps=[]).get(down.url + "/p")
        assert not down.requests("/p")


def test_one_request_at_a_time_per_host_and_hosts_in_parallel(news):
    news.serve("/p", lambda site, request: Reply(body=PAGE, headers={"Content-Type": "text/html"}, stall=0.2))
    port = news.url.rsplit(":", 1)[1]
    urls = [f"http://{host}:{port}/p?{n}" for n in range(3) for host in ("127.0.0.1", "localhost")]
    polite = client(delay=0.3)
    started = time.monotonic()
    by_host(urls, lambda url: url, 2, polite.get)
    elapsed = time.monotonic() - started
    per_host = {}
    for request in news.requests("/p"):
        per_host.setdefault(request.headers["host"].split(":")[0], []).append(request.at)
    for times in per_host.values():
        # 0.2 s to answer, then the 0.3 s pause, before the host is asked again.
        assert all(later - earlier >= 0.49 for earlier, later in zip(times, times[1:]))
    # Serially six requests would take 6 × 0.2 + 4 × 0.3 s; the two hosts overlap.
    assert len(per_host) == 2 and elapsed < 2.0
