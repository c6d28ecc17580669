"""Every file of the site as a job: its path, the fingerprint of what it depends on, and how to make it."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from functools import partial
from itertools import chain
from pathlib import Path

from jinja2 import Environment

from ..config import Config
from ..content import Article, relative_name
from ..errors import SiteError
from ..files import files_inside
from .feeds import FEED_FORMATS, render_opml, site_feeds
from .fingerprint import Fingerprints, digest
from .pages import Page, PageGroup, site_page_groups
from .render import render_page
from .search import WORD_PIECES, BlockIndex, doc_pieces, render_doc_piece, word_blocks, word_piece_path
from .site import Site
from .sitemap import (
    SITEMAP,
    render_robots,
    render_sitemap,
    render_sitemap_index,
    sitemap_entries,
    sitemap_files,
)
from .store import GroupOutline


@dataclass(frozen=True)
class Job:
    path: str
    fingerprint: str
    make: Callable[[], bytes]


def config_key(config: Config) -> str:
    """Everything of the config that output depends on: all of it but where the site folder lies (ingest's
    rules and fetch's sources are not in it)."""
    return digest(repr(replace(config, root=Path("."))))


@dataclass(frozen=True)
class StaticFile:
    path: Path
    sha: str


def static_files(static_dirs: list[Path], roots: tuple[str, ...], site_root: Path
                 ) -> tuple[dict[str, StaticFile], list[SiteError]]:
    """The files of static/ by their output path, each with a hash of its bytes (a few small files: hashing
    them is cheaper than doubting their times); a site's own file wins over the default of the same name.
    The default stylesheet, search script and icon ship in the package's static/; a site's static/ adds to
    them or replaces one by name. Links that lead out of the site are warnings, not files (inputs.py)."""
    found: dict[str, Path] = {}
    warnings: list[SiteError] = []
    for folder in static_dirs:
        for item in files_inside(folder, roots, relative_name(folder, site_root)):
            if isinstance(item, SiteError):
                warnings.append(item)
            # Hidden files (.gitkeep, an editor's swap file) are not the site's.
            elif not any(part.startswith(".") for part in item[1].split("/")):
                found["static/" + item[1]] = Path(item[0])
    files = {name: StaticFile(path, hashlib.sha256(path.read_bytes()).hexdigest())
             for name, path in sorted(found.items())}
    return files, warnings


@dataclass(frozen=True)
class LastPlan:
    """What the last build into the output folder planned: each file's fingerprint, and the outline of each
    of its page groups by the group's key (see pages.PageGroup)."""

    fingerprints: Mapping[str, str]
    outlines: Mapping[str, GroupOutline]


@dataclass(frozen=True)
class Plan:
    jobs: list[Job]
    outlines: dict[str, GroupOutline]


def page_plan(site: Site, env: Environment, templates: dict[str, str], body_of: Callable[[Article], str],
              last: LastPlan) -> Plan:
    """The HTML pages and the sitemap that lists them."""
    config = site.config
    key = config_key(config)
    make_page = partial(_page, env, config, site.topic_names(), partial(_published_body, body_of, config))
    jobs, outlines, entries = _page_jobs(site_page_groups(site), config, Fingerprints(), key, templates, last,
                                         make_page)
    sitemaps = sitemap_files(entries)
    for path, listed in sitemaps:
        # Strings in pairs: digested flat, not item by item as a page's context is.
        jobs.append(Job(path, digest(key, "sitemap", *chain.from_iterable(listed)),
                        partial(render_sitemap, listed, config.base_url)))
    if sitemaps[0][0] != SITEMAP:
        paths = [path for path, _ in sitemaps]
        jobs.append(Job(SITEMAP, digest(key, "sitemap index", *paths),
                        partial(render_sitemap_index, paths, config.base_url)))
    return Plan(jobs, outlines)


def file_jobs(site: Site, body_of: Callable[[Article], str], words_of: Callable[[Article], str],
              static: dict[str, StaticFile]) -> list[Job]:
    """The site's files but its pages: feeds, the search index, static files, robots.txt."""
    config = site.config
    key = config_key(config)
    fingerprint = Fingerprints()
    body_of = partial(_published_body, body_of, config)
    jobs = []
    for feed in site_feeds(site):
        feed_key = fingerprint(key, feed.folder, feed.title, feed.description, feed.articles, feed.updated)
        jobs += [
            Job(
                kind.path(feed.folder), digest(feed_key, kind.name), partial(kind.render, feed, site, body_of)
            )
            for kind in FEED_FORMATS
        ]
    jobs += [
        Job("feeds.opml", fingerprint(key, "opml", site.topics), partial(render_opml, site)),
        Job("robots.txt", digest(key, "robots"), partial(render_robots, config.base_url)),
        Job(".nojekyll", digest("nojekyll"), lambda: b""),
    ]
    # A block's word pieces depend on its articles' words alone: all are made again when one of them changed,
    # and written where their bytes changed.
    for block, articles in word_blocks(site):
        index = BlockIndex(block, articles, site, words_of)
        block_key = fingerprint(key, "search words", articles)
        jobs += [Job(word_piece_path(block, n), digest(block_key, str(n)), partial(index.piece, n))
                 for n in range(WORD_PIECES)]
    jobs += [Job(path, fingerprint(key, "search docs", articles),
                 partial(render_doc_piece, number, articles, site))
             for number, (path, articles) in enumerate(doc_pieces(site))]
    # static/ is copied as is; a file is copied again only when its bytes changed.
    jobs += [Job(name, digest(name, f.sha), f.path.read_bytes) for name, f in static.items()]
    return jobs


def _page_jobs(groups: Iterable[PageGroup], config: Config, fingerprint: Fingerprints, key: str,
               templates: dict[str, str], last: LastPlan, make_page: Callable[[Page], bytes]
               ) -> tuple[list[Job], dict[str, GroupOutline], list[tuple[str, str]]]:
    """A job for each page, the outline of each group with inputs by its key, and the sitemap's entries.

    A group found in the last plan (the same inputs and config, and its templates as they were) is planned
    from its outline and the fingerprints its pages had, without making its pages (made when one of them is to
    be made again); the others' pages are made and their fingerprints worked out."""
    jobs: list[Job] = []
    outlines: dict[str, GroupOutline] = {}
    entries: list[tuple[str, str]] = []
    for group in groups:
        group_key = fingerprint(key, group.inputs) if group.inputs is not None else None
        outline = last.outlines.get(group_key) if group_key else None
        if outline is not None and _still_valid(outline, templates, last.fingerprints):
            fingerprints = [last.fingerprints[path] for path in outline.paths]
        else:
            # Made here for their fingerprints and let go of: the process that renders a page makes its group
            # again (a few microseconds a page), where holding every page took 100 MB at 100,000 articles,
            # which forked workers then copied as they read it.
            pages = group.make()
            fingerprints = [fingerprint(key, templates[page.template], page.path, page.template, page.title,
                                        page.feeds, page.context) for page in pages]
            outline = GroupOutline(tuple(page.path for page in pages), sitemap_entries(
                page for page in pages if not is_noindex_copy(page, config)),
                tuple(sorted({(page.template, templates[page.template]) for page in pages})))
        jobs += [Job(path, page_fingerprint, partial(_page_of_group, make_page, group, index))
                 for index, (path, page_fingerprint) in enumerate(zip(outline.paths, fingerprints))]
        entries += outline.listed
        if group_key:
            outlines[group_key] = outline
    return jobs, outlines, entries


def _still_valid(outline: GroupOutline, templates: dict[str, str], fingerprints: Mapping[str, str]) -> bool:
    """Whether a group's outline holds today: its templates as they were, and each of its pages planned."""
    return all(templates.get(name) == made_with for name, made_with in outline.templates) \
        and all(path in fingerprints for path in outline.paths)


def _page_of_group(make_page: Callable[[Page], bytes], group: PageGroup, index: int) -> bytes:
    return make_page(group.pages[index])


def is_noindex_copy(page: Page, config: Config) -> bool:
    """An article page copying the full text, on a site that asks search engines not to index copies."""
    article = page.context.get("article")
    return config.noindex_copies and article is not None and article.shows_text(config)


def _published_body(body_of: Callable[[Article], str], config: Config, article: Article) -> str:
    """The body the site publishes: none where it republishes summaries only (pages and feeds then give
    the summary and the way to the original)."""
    return body_of(article) if article.shows_text(config) else ""


def _page(env: Environment, config: Config, names: dict[str, str], body_of: Callable[[Article], str],
          page: Page) -> bytes:
    article = page.context.get("article")
    extra = {"body": body_of(article)} if article is not None else {}
    return render_page(env, page, config, names, **extra).encode("utf-8")

