"""A real feed reader, newsboat, fetches every RSS and Atom feed from a local server and shows every item."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
from datetime import datetime, timedelta, timezone

import feedparser
import frontmatter
from conftest import SAMPLE_SITE, need_tool

SAMPLE_BASE = "https://example.github.io/newsdigest/"


def test_newsboat_reads_every_item_of_every_feed(sample_output, served_sample, tmp_path):
    need_tool(shutil.which("newsboat") is not None, "newsboat")
    paths = sorted(p.relative_to(sample_output).as_posix() for p in sample_output.rglob("*")
                   if p.name in ("feed.xml", "atom.xml"))
    (tmp_path / "urls").write_text("".join(served_sample + path + "\n" for path in paths))
    (tmp_path / "config").write_text("")
    result = subprocess.run(["newsboat", "-u", str(tmp_path / "urls"), "-c", str(tmp_path / "cache.db"),
                             "-C", str(tmp_path / "config"), "-x", "reload", "print-unread"],
                            capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL)
    assert result.returncode == 0, result.stderr
    expected = {}
    for path in paths:
        for entry in feedparser.parse((sample_output / path).read_bytes()).entries:
            expected[entry.id] = entry.title
    assert result.stdout.strip() == f"{len(expected)} unread articles"
    with sqlite3.connect(tmp_path / "cache.db") as cache:
        shown = dict(cache.execute("SELECT guid, title FROM rss_item"))
        feeds = {row[0] for row in cache.execute("SELECT rssurl FROM rss_feed")}
    assert shown == expected
    assert feeds == {served_sample + path for path in paths}
    # The sample's dates carry no time: newsboat must show each item on its day wherever the reader lives.
    days = {frontmatter.load(path).metadata["title"]: frontmatter.load(path).metadata["date"]
            for path in (SAMPLE_SITE / "content").glob("*.md")}
    with sqlite3.connect(tmp_path / "cache.db") as cache:
        for title, published in cache.execute("SELECT title, pubDate FROM rss_item"):
            for hours in range(-11, 12):
                zone = timezone(timedelta(hours=hours))
                assert datetime.fromtimestamp(published, zone).date() == days[title], (title, hours)
