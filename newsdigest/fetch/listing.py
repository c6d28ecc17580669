"""What a source lists: its items' URLs, titles and dates, from a feed (RSS, Atom, JSON Feed), a sitemap or a
text file of links; which kind it is, found from the response when the source does not say."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from urllib.parse import urljoin

import feedparser
from lxml import etree

from ..dates import CalendarDay, moment_of
from ..errors import SiteError
from .http import Response

_XML_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, recover=False, huge_tree=False)
_SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
_NEWS = "{http://www.google.com/schemas/sitemap-news/0.9}"
_FEED_LINK = re.compile(r"<link\b[^>]*>", re.IGNORECASE)
_FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/feed+json", "application/json")
_UNDATED = datetime.min.replace(tzinfo=UTC)


@dataclass(frozen=True)
class Item:
    url: str
    title: str = ""
    listed: datetime | None = None


@dataclass(frozen=True)
class Listing:
    """A source's items, the newest first where it dates them (else in its own order); a sitemap index gives
    the sitemaps it names. `unlinked` counts the entries it lists without an address that can be fetched."""

    kind: str
    items: tuple[Item, ...] = ()
    sitemaps: tuple[str, ...] = ()
    unlinked: int = 0


def read_listing(response: Response, kind: str, name: str, zone: tzinfo) -> Listing:
    """The items of a source's response; `kind` as the source gives it, or "" to find it from the response.
    A time listed without a zone is in `zone`, the site's."""
    kind = kind or listing_kind(response)
    if kind == "html":
        raise SiteError(
            name,
            "this is a web page, not a feed, a sitemap or a list of links, and names no feed",
            'give the address of its feed (or kind = "links" for a text file of links)',
        )
    readers = {"feed": _feed_items, "sitemap": _sitemap_items, "links": _link_items}
    listing = readers[kind](response, name, zone)
    # Only what can be fetched: no mailto:, javascript: or other schemes a feed may carry. A source that lists
    # nothing today is a quiet source, not a failure.
    items = newest_first(item for item in listing.items if _fetchable(item.url))
    return Listing(listing.kind, items, tuple(url for url in listing.sitemaps if _fetchable(url)),
                   listing.unlinked + len(listing.items) - len(items))


def newest_first(items: Iterable[Item]) -> tuple[Item, ...]:
    """The items the newest first; those without a date after the dated, in the order the source gave."""
    return tuple(sorted(items, key=lambda item: item.listed or _UNDATED, reverse=True))


def _fetchable(url: str) -> bool:
    return bool(re.match(r"^https?://[^/\s]+", url))


def listing_kind(response: Response) -> str:
    """feed, sitemap or links; html for a web page (whose feed, if it names one, is found by feed_link).

    What the bytes are wins over what the server calls them: many servers label their feeds text/html or
    text/plain."""
    start = response.body[:2048].lstrip()[:512].lower()
    media = response.media_type
    if media in ("application/feed+json", "application/json") or start.startswith(b"{"):
        return "feed"
    if b"<urlset" in start or b"<sitemapindex" in start:
        return "sitemap"
    if any(root in start for root in (b"<rss", b"<feed", b"<rdf:rdf", b"<channel")):
        return "feed"
    if start.startswith((b"<!doctype html", b"<html")) or media in ("text/html", "application/xhtml+xml"):
        return "html"
    if start.startswith(b"<") or "xml" in media:
        return "feed"
    return "links"


def feed_link(response: Response) -> str:
    """The feed a web page names in <link rel="alternate">, as feed readers find it, or ""."""
    text = response.body[:200_000].decode("utf-8", "replace")
    for tag in _FEED_LINK.findall(text):
        attributes = dict((k.lower(), v) for k, v in re.findall(r'([\w-]+)\s*=\s*["\']([^"\']*)["\']', tag))
        if (
            "alternate" in attributes.get("rel", "").lower().split()
            and attributes.get("type") in _FEED_TYPES
            and attributes.get("href")
        ):
            return urljoin(response.url, attributes["href"])
    return ""


def _feed_items(response: Response, name: str, zone: tzinfo) -> Listing:
    if response.body.lstrip()[:1] == b"{":
        return _json_feed_items(response, name, zone)
    try:
        parsed = feedparser.parse(
            response.body,
            response_headers={
                "content-location": response.url,
                "content-type": response.headers.get("content-type", ""),
            },
        )
    except ValueError as error:
        # feedparser reports what its XML parser finds as `bozo`, but its own handlers can still raise on
        # what expat passes them (a namespace with a space in it: "too many values to unpack").
        raise SiteError(
            name,
            f"this is not a feed that can be read (its XML stopped the feed reader: {error})",
            "check the address in a browser; it should show RSS or Atom XML",
        ) from None
    items = []
    for entry in parsed.entries:
        hrefs = (each.get("href") for each in entry.get("links", []))
        link = entry.get("link") or next((href for href in hrefs if href), "")
        if link:
            items.append(
                Item(
                    urljoin(response.url, link),
                    " ".join(entry.get("title", "").split()),
                    _entry_moment(entry),
                )
            )
    # feedparser reads feeds that are not quite right and says so in `bozo`: a charset declared wrongly or a
    # media type not XML's it takes in its stride (ThingsNobodyCaresAboutButMe); XML that breaks off it reads
    # as far as it can. Refused: what gives no item with a link, and either broken XML or no feed at all.
    complaint = parsed.get("bozo_exception") if parsed.get("bozo") else None
    broken = complaint is not None and not isinstance(complaint, feedparser.ThingsNobodyCaresAboutButMe)
    if not items and (broken or not (parsed.entries or parsed.get("version"))):
        problem = f": {complaint}" if complaint else ""
        raise SiteError(
            name,
            f"this is not a feed that can be read{problem}",
            "check the address in a browser; it should show RSS or Atom XML",
        )
    return Listing("feed", tuple(items), unlinked=len(parsed.entries) - len(items))


def _entry_moment(entry: dict) -> datetime | None:
    # `in` before reading updated_parsed: feedparser maps a missing one to published_parsed, with a warning.
    moment = entry.get("published_parsed") or (entry["updated_parsed"] if "updated_parsed" in entry else None)
    try:
        return datetime(*moment[:6], tzinfo=UTC) if moment else None
    except (TypeError, ValueError):
        return None


def _json_feed_items(response: Response, name: str, zone: tzinfo) -> Listing:
    try:
        feed = json.loads(response.body)
    except (ValueError, UnicodeDecodeError) as error:
        raise SiteError(
            name, f"this JSON feed is not valid JSON: {error}", "check the address in a browser"
        ) from None
    if not isinstance(feed, dict) or not isinstance(feed.get("items"), list):
        raise SiteError(
            name, "this JSON is not a JSON Feed (it has no items)", "give the address of the feed"
        )
    items = []
    for entry in feed["items"]:
        if isinstance(entry, dict) and isinstance(entry.get("url") or entry.get("external_url"), str):
            items.append(
                Item(
                    urljoin(response.url, entry.get("url") or entry["external_url"]),
                    " ".join(str(entry.get("title", "")).split()),
                    listed_moment(entry.get("date_published"), zone),
                )
            )
    return Listing("feed", tuple(items), unlinked=len(feed["items"]) - len(items))


def _sitemap_items(response: Response, name: str, zone: tzinfo) -> Listing:
    try:
        root = etree.fromstring(response.body, _XML_PARSER)
    except etree.XMLSyntaxError as error:
        raise SiteError(name, f"this sitemap is not XML: {error}", "check the address in a browser") from None
    if root.tag == f"{_SITEMAP}sitemapindex":
        entries = [
            (s.findtext(f"{_SITEMAP}loc", "").strip(), listed_moment(s.findtext(f"{_SITEMAP}lastmod"), zone))
            for s in root.iter(f"{_SITEMAP}sitemap")
        ]
        # The newest sitemaps first: that is where new articles are.
        entries.sort(key=lambda entry: entry[1] or _UNDATED, reverse=True)
        return Listing("sitemap", sitemaps=tuple(urljoin(response.url, loc) for loc, _ in entries if loc))
    items = []
    for url in root.iter(f"{_SITEMAP}url"):
        loc = url.findtext(f"{_SITEMAP}loc", "").strip()
        title = url.findtext(f"{_NEWS}news/{_NEWS}title", "")
        listed = listed_moment(
            url.findtext(f"{_NEWS}news/{_NEWS}publication_date") or url.findtext(f"{_SITEMAP}lastmod"), zone
        )
        if loc:
            items.append(Item(urljoin(response.url, loc), " ".join(title.split()), listed))
    return Listing("sitemap", tuple(items))


def _link_items(response: Response, name: str, zone: tzinfo) -> Listing:
    try:
        text = response.body.decode(response.charset or "utf-8", "replace")
    except LookupError:
        text = response.body.decode("utf-8", "replace")
    urls = [line.strip() for line in text.splitlines() if re.match(r"^\s*https?://\S+\s*$", line)]
    if not urls and text.strip():
        raise SiteError(name, "this text holds no line that is an https:// address",
                        "give the address of a feed, a sitemap or a text file of links, one a line")
    return Listing("links", tuple(Item(url) for url in urls))


def listed_moment(value: object, zone: tzinfo) -> datetime | None:
    """An ISO 8601 date or moment as a source gives it, read by the one rule (dates.moment_of)."""
    return moment_of(value, zone) if isinstance(value, str) else None


def listed_text(moment: datetime | None) -> str:
    """listed_moment's input again, for keeping."""
    if moment is None:
        return ""
    return moment.date().isoformat() if isinstance(moment, CalendarDay) else moment.isoformat()
