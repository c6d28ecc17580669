"""sitemap.xml and robots.txt, with absolute URLs from base_url."""

from __future__ import annotations

from typing import Iterable
from xml.sax.saxutils import escape

from . import urls
from .content import Article
from .pages import Page

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"


def render_sitemap(pages: Iterable[Page], base_url: str) -> bytes:
    """Written as text: with tens of thousands of pages, a tree of elements is the slow way to the same XML."""
    lines = ["<?xml version='1.0' encoding='utf-8'?>", f'<urlset xmlns="{SITEMAP_NS}">']
    for page in pages:
        if page.path == "404.html":
            continue
        lines.append(f"  <url>\n    <loc>{escape(urls.absolute(base_url, page.path))}</loc>")
        article: Article | None = page.context.get("article")
        if article is not None:
            lines.append(f"    <lastmod>{article.last_change.isoformat()}</lastmod>")
        lines.append("  </url>")
    lines.append("</urlset>\n")
    return "\n".join(lines).encode("utf-8")


def render_robots(base_url: str) -> bytes:
    return f"User-agent: *\nAllow: /\n\nSitemap: {base_url}sitemap.xml\n".encode()
