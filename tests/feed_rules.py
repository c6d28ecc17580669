"""A checker for the feed rules the W3C feed validator applies that matter to us: required elements, RFC 822
and RFC 3339 dates, absolute links, a self link that is the feed's own address, unique ids; and the warnings
it gives that our feeds could earn: an entry with no textual content (MissingTextualContent), relative links
in content (ContainsRelRef). The validator itself (github.com/w3c/feedvalidator) has no package for Python 3
on PyPI or Debian, and this machine cannot reach GitHub."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from datetime import datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from urllib.parse import urlsplit

ATOM = "{http://www.w3.org/2005/Atom}"
RFC822 = re.compile(
    r"^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) "
    r"\d{4} \d{2}:\d{2}:\d{2} (?:[+-]\d{4}|GMT|UT)$"
)
CONTENT = "{http://purl.org/rss/1.0/modules/content/}encoded"
RELATIVE_REFERENCE = re.compile(r"""\b(?:href|src)\s*=\s*["'](?![a-z][a-z0-9+.-]*:|#)""", re.IGNORECASE)
RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})$")


def feed_problems(path: Path, own_url: str) -> list[str]:
    """Every rule the feed at `path`, published at `own_url`, breaks (an empty list when it is valid)."""
    if path.suffix == ".json":
        return _json_feed_problems(json.loads(path.read_text(encoding="utf-8")), own_url)
    root = ET.parse(path).getroot()
    return _rss_problems(root, own_url) if root.tag == "rss" else _atom_problems(root, own_url)


def _absolute(url: str | None) -> bool:
    parts = urlsplit(url or "")
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def _rss_problems(root: ET.Element, own_url: str) -> list[str]:
    problems = []
    if root.get("version") != "2.0":
        problems.append("rss version is not 2.0")
    channel = root.find("channel")
    for name in ("title", "link", "description"):
        if not (channel.findtext(name) or "").strip():
            problems.append(f"channel has no {name}")
    if not _absolute(channel.findtext("link")):
        problems.append("channel link is not absolute")
    selfs = [link.get("href") for link in channel.findall(f"{ATOM}link") if link.get("rel") == "self"]
    if selfs != [own_url]:
        problems.append(f"atom:link rel=self is {selfs}, not [{own_url}]")
    for name in ("lastBuildDate", "pubDate"):
        value = channel.findtext(name)
        if value is not None and not RFC822.match(value):
            problems.append(f"channel {name} {value!r} is not an RFC 822 date")
    guids = []
    for item in channel.findall("item"):
        if not (item.findtext("title") or item.findtext("description")):
            problems.append("an item has neither title nor description")
        problems += _content_problems(item.findtext("description") or "", item.findtext(CONTENT) or "")
        if not _absolute(item.findtext("link")):
            problems.append(f"item link {item.findtext('link')!r} is not absolute")
        if not RFC822.match(item.findtext("pubDate") or ""):
            problems.append(f"item pubDate {item.findtext('pubDate')!r} is not an RFC 822 date")
        guid = item.find("guid")
        if guid is None or not guid.text:
            problems.append("an item has no guid")
        else:
            guids.append(guid.text)
            if guid.get("isPermaLink", "true") == "true" and not _absolute(guid.text):
                problems.append("a permalink guid is not an absolute URL")
    if len(guids) != len(set(guids)):
        problems.append("duplicate guids")
    return problems


def _atom_problems(root: ET.Element, own_url: str) -> list[str]:
    problems = []
    for name in ("id", "title", "updated"):
        if not (root.findtext(f"{ATOM}{name}") or "").strip():
            problems.append(f"feed has no {name}")
    if not RFC3339.match(root.findtext(f"{ATOM}updated") or ""):
        problems.append("feed updated is not an RFC 3339 date")
    selfs = [link.get("href") for link in root.findall(f"{ATOM}link") if link.get("rel") == "self"]
    if selfs != [own_url]:
        problems.append(f"link rel=self is {selfs}, not [{own_url}]")
    entries = root.findall(f"{ATOM}entry")
    if root.find(f"{ATOM}author/{ATOM}name") is None and any(
        e.find(f"{ATOM}author") is None for e in entries
    ):
        problems.append("neither the feed nor every entry has an author")
    ids = []
    for entry in entries:
        ids.append(entry.findtext(f"{ATOM}id"))
        for name in ("id", "title", "updated"):
            if not (entry.findtext(f"{ATOM}{name}") or "").strip():
                problems.append(f"an entry has no {name}")
        for name in ("updated", "published"):
            value = entry.findtext(f"{ATOM}{name}")
            if value is not None and not RFC3339.match(value):
                problems.append(f"entry {name} {value!r} is not an RFC 3339 date")
        texts = [entry.findtext(f"{ATOM}content") or "", entry.findtext(f"{ATOM}summary") or ""]
        if not any(text.strip() for text in texts):
            problems.append("an entry has no textual content (neither content nor summary)")
        problems += _content_problems(*texts)
        links = [
            link.get("href")
            for link in entry.findall(f"{ATOM}link")
            if link.get("rel", "alternate") == "alternate"
        ]
        if not links or not all(_absolute(link) for link in links):
            problems.append("an entry has no absolute alternate link")
    if len(ids) != len(set(ids)):
        problems.append("duplicate entry ids")
    return problems


def _content_problems(*texts: str) -> list[str]:
    """Readers show content away from its page: a relative link in it leads nowhere."""
    return ["content holds a relative link"] if any(RELATIVE_REFERENCE.search(text) for text in texts) else []


def _json_feed_problems(feed: dict, own_url: str) -> list[str]:
    problems = []
    if feed.get("version") != "https://jsonfeed.org/version/1.1":
        problems.append("version is not JSON Feed 1.1")
    if not feed.get("title"):
        problems.append("no title")
    if feed.get("feed_url") != own_url:
        problems.append(f"feed_url is {feed.get('feed_url')!r}, not {own_url!r}")
    if not _absolute(feed.get("home_page_url")):
        problems.append("home_page_url is not absolute")
    ids = []
    for item in feed.get("items", []):
        ids.append(item.get("id"))
        if not isinstance(item.get("id"), str) or not item["id"]:
            problems.append("an item has no string id")
        if not (item.get("content_html") or item.get("content_text")):
            problems.append("an item has neither content_html nor content_text")
        if not _absolute(item.get("url")):
            problems.append("an item url is not absolute")
        for name in ("date_published", "date_modified"):
            if name in item and not RFC3339.match(item[name]):
                problems.append(f"item {name} {item[name]!r} is not an RFC 3339 date")
    if len(ids) != len(set(ids)):
        problems.append("duplicate item ids")
    return problems


def parse_moment(text: str) -> datetime:
    return parsedate_to_datetime(text) if RFC822.match(text) else datetime.fromisoformat(text)
