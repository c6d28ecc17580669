"""The build: load content, arrange the site, render pages and feeds, write output/ atomically."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterator

from . import urls
from .config import Config
from .content import load_articles
from .errors import SiteError
from .feeds import render_feed, render_json_feed, render_opml, site_feeds
from .search import render_search_index
from .pages import site_pages
from .render import DEFAULT_TEMPLATES, make_environment, render_page
from .site import Site, build_site
from .sitemap import render_robots, render_sitemap
from .write import write_site

DEFAULT_STATIC = DEFAULT_TEMPLATES.parent / "static"


@dataclass
class BuildResult:
    articles: int = 0
    files: int = 0
    errors: list[SiteError] = field(default_factory=list)
    written: bool = False


@dataclass(frozen=True)
class BuildOptions:
    drafts: bool = False
    strict: bool = False
    output: Path | None = None
    now: datetime | None = None


def build(config: Config, options: BuildOptions = BuildOptions()) -> BuildResult:
    """Build the site; bad files are left out and reported, and with `strict` nothing is written."""
    articles, errors = load_articles(config)
    result = BuildResult(errors=errors)
    if errors and options.strict:
        return result
    now = options.now or datetime.now(timezone.utc)
    site = build_site(articles, config, now, drafts=options.drafts)
    result.articles = len(site.articles)
    files = dict(render_files(site))
    output = options.output or config.path("output")
    static = [d for d in dict.fromkeys([DEFAULT_STATIC, config.path("static")]) if d.is_dir()]
    result.files = write_site(files.items(), static, output)
    result.written = True
    return result


def render_files(site: Site) -> Iterator[tuple[str, bytes]]:
    """Every generated file of the site as (path in output/, bytes)."""
    env = make_environment(site.config)
    pages = list(site_pages(site))
    for page in pages:
        yield page.path, render_page(env, page, site).encode("utf-8")
    for feed in site_feeds(site):
        for fmt in ("rss", "atom"):
            yield urls.feed_path(feed.folder, fmt), render_feed(feed, fmt, site)
        yield urls.feed_path(feed.folder, "json"), render_json_feed(feed, site)
    yield "search-index.js", render_search_index(site)
    yield "feeds.opml", render_opml(site)
    yield "sitemap.xml", render_sitemap(pages, site.config.base_url)
    yield "robots.txt", render_robots(site.config.base_url)
    yield ".nojekyll", b""
