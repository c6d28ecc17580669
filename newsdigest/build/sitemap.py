"""sitemap.xml and robots.txt, with absolute URLs from base_url; past the protocol's 50,000 URLs a sitemap,
sitemap.xml is an index of sitemaps of 50,000 each."""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from functools import partial

from ..content import Article
from ..dates import iso_moment
from . import urls
from .fingerprint import digest
from .jobs import Job, Plan, PlanInputs
from .pages import Page

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
SITEMAP_URLS = 50_000
SITEMAP = "sitemap.xml"


def sitemap_files(entries: Sequence[tuple[str, str]]) -> list[tuple[str, Sequence[tuple[str, str]]]]:
    """Each sitemap file and the entries it lists: sitemap.xml alone, or, past SITEMAP_URLS entries, numbered
    sitemaps of SITEMAP_URLS each in `sitemaps/`, which the index at sitemap.xml lists."""
    if len(entries) <= SITEMAP_URLS:
        return [(SITEMAP, entries)]
    return [(f"sitemaps/sitemap-{start // SITEMAP_URLS + 1}.xml", entries[start:start + SITEMAP_URLS])
            for start in range(0, len(entries), SITEMAP_URLS)]


def last_modified(page: Page) -> str:
    """An article page's last change (the day alone where no time was given); '' for other pages."""
    article: Article | None = page.context.get("article")
    return iso_moment(article.last_change) if article is not None else ""


def sitemap_entries(pages: Iterable[Page]) -> tuple[tuple[str, str], ...]:
    """Each page's path and last change, as its sitemap lists them, but the page for paths not found (which
    is no page of the site)."""
    return tuple((page.path, last_modified(page)) for page in pages if page.path != urls.NOT_FOUND)


def render_sitemap(entries: Iterable[tuple[str, str]], base_url: str) -> bytes:
    """Written as text: with tens of thousands of pages, a tree of elements is the slow way to the same
    XML. A page to a line, unindented: the sitemaps of a large site are megabytes that count against the
    host's limit."""
    lines = ["<?xml version='1.0' encoding='utf-8'?>", f'<urlset xmlns="{SITEMAP_NS}">']
    for path, changed in entries:
        modified = f"<lastmod>{changed}</lastmod>" if changed else ""
        lines.append(f"<url><loc>{_escape(urls.absolute(base_url, path))}</loc>{modified}</url>")
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


def robots_jobs(inputs: PlanInputs) -> Plan:
    robots = partial(render_robots, inputs.config.base_url)
    return Plan([Job("robots.txt", digest(inputs.key, "robots"), robots)])


def _escape(text: str) -> str:
    """&, < and > as XML entities (what xml.sax.saxutils.escape does, without its import of urllib and http,
    a tenth of a no-op build's start-up)."""
    return html.escape(text, quote=False)
