"""sitemap.xml and robots.txt, with absolute URLs from base_url; past the protocol's 50,000 URLs a sitemap,
sitemap.xml is an index of sitemaps of 50,000 each."""

from __future__ import annotations

import html
from typing import Iterable, Sequence

from . import urls
from .content import Article
from .dates import iso_moment
from .pages import Page

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
SITEMAP_URLS = 50_000
SITEMAP = "sitemap.xml"


def sitemap_files(pages: Sequence[Page]) -> list[tuple[str, Sequence[Page]]]:
    """Each sitemap file and the pages it lists: sitemap.xml alone, or, past SITEMAP_URLS pages, numbered
    sitemaps of SITEMAP_URLS each in `sitemaps/`, which the index at sitemap.xml lists."""
    listed = [page for page in pages if page.path != "404.html"]
    if len(listed) <= SITEMAP_URLS:
        return [(SITEMAP, listed)]
    return [(f"sitemaps/sitemap-{start // SITEMAP_URLS + 1}.xml", listed[start:start + SITEMAP_URLS])
            for start in range(0, len(listed), SITEMAP_URLS)]


def last_modified(page: Page) -> str:
    """An article page's last change (the day alone where no time was given); '' for other pages."""
    article: Article | None = page.context.get("article")
    return iso_moment(article.last_change) if article is not None else ""


def sitemap_entries(pages: Iterable[Page]) -> list[tuple[str, str]]:
    """Each page's path and last change: what its sitemap says, worked out once for its fingerprint and its
    bytes."""
    return [(page.path, last_modified(page)) for page in pages]


def render_sitemap(entries: Iterable[tuple[str, str]], base_url: str) -> bytes:
    """Written as text: with tens of thousands of pages, a tree of elements is the slow way to the same XML."""
    lines = ["<?xml version='1.0' encoding='utf-8'?>", f'<urlset xmlns="{SITEMAP_NS}">']
    for path, changed in entries:
        lines.append(f"  <url>\n    <loc>{_escape(urls.absolute(base_url, path))}</loc>")
        if changed:
            lines.append(f"    <lastmod>{changed}</lastmod>")
        lines.append("  </url>")
    lines.append("</urlset>\n")
    return "\n".join(lines).encode("utf-8")


def render_sitemap_index(paths: Iterable[str], base_url: str) -> bytes:
    lines = ["<?xml version='1.0' encoding='utf-8'?>", f'<sitemapindex xmlns="{SITEMAP_NS}">']
    lines += [f"  <sitemap>\n    <loc>{_escape(urls.absolute(base_url, path))}</loc>\n  </sitemap>"
              for path in paths]
    lines.append("</sitemapindex>\n")
    return "\n".join(lines).encode("utf-8")


def render_robots(base_url: str) -> bytes:
    return f"User-agent: *\nAllow: /\n\nSitemap: {base_url}{SITEMAP}\n".encode()


def _escape(text: str) -> str:
    """&, < and > as XML entities (what xml.sax.saxutils.escape does, without its import of urllib and http,
    a tenth of a no-op build's start-up)."""
    return html.escape(text, quote=False)
