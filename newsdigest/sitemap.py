"""sitemap.xml and robots.txt, with absolute URLs from base_url."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Iterable

from . import urls
from .content import Article
from .pages import Page

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"


def render_sitemap(pages: Iterable[Page], base_url: str) -> bytes:
    urlset = ET.Element("urlset", xmlns=SITEMAP_NS)
    for page in pages:
        if page.path == "404.html":
            continue
        entry = ET.SubElement(urlset, "url")
        ET.SubElement(entry, "loc").text = urls.absolute(base_url, page.path)
        article: Article | None = page.context.get("article")
        if article is not None:
            ET.SubElement(entry, "lastmod").text = (article.updated or article.date).isoformat()
    ET.indent(urlset)
    return ET.tostring(urlset, encoding="utf-8", xml_declaration=True) + b"\n"


def render_robots(base_url: str) -> bytes:
    return f"User-agent: *\nAllow: /\n\nSitemap: {base_url}sitemap.xml\n".encode()
