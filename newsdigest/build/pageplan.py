"""The HTML pages as jobs, in their groups (pages.py), and the sitemap that lists them."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from functools import partial
from itertools import chain

from jinja2 import Environment

from ..config import Config
from ..content import Article
from .fingerprint import digest
from .jobs import GroupOutline, Job, Plan, PlanInputs
from .pages import Page, PageGroup, site_page_groups
from .render import render_page
from .sitemap import SITEMAP, render_sitemap, render_sitemap_index, sitemap_entries, sitemap_files


def page_jobs(inputs: PlanInputs) -> Plan:
    """The HTML pages and the sitemap that lists them."""
    config, key = inputs.config, inputs.key
    make_page = partial(_page, inputs.env, config, inputs.site.topic_names(), inputs.body_of)
    jobs, outlines, entries = _page_jobs(site_page_groups(inputs.site), inputs, make_page)
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
def _page_jobs(groups: Iterable[PageGroup], inputs: PlanInputs, make_page: Callable[[Page], bytes]
               ) -> tuple[list[Job], dict[str, GroupOutline], list[tuple[str, str]]]:
    """A job for each page, the outline of each group with inputs by its key, and the sitemap's entries.

    A group found in the last plan (the same inputs and config, and its templates as they were) is planned
    from its outline and the fingerprints its pages had, without making its pages (made when one of them is to
    be made again); the others' pages are made and their fingerprints worked out."""
    config, fingerprint, key = inputs.config, inputs.fingerprint, inputs.key
    templates, last = inputs.templates, inputs.last
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
            # again, which costs little, where holding every page of a large site costs much memory, which
            # forked workers then copy as they read it.
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


def _still_valid(outline: GroupOutline, templates: Mapping[str, str], fingerprints: Mapping[str, str]
                 ) -> bool:
    """Whether a group's outline holds today: its templates as they were, and each of its pages planned."""
    return all(templates.get(name) == made_with for name, made_with in outline.templates) \
        and all(path in fingerprints for path in outline.paths)


def _page_of_group(make_page: Callable[[Page], bytes], group: PageGroup, index: int) -> bytes:
    return make_page(group.pages[index])


def is_noindex_copy(page: Page, config: Config) -> bool:
    """An article page copying the full text, on a site that asks search engines not to index copies."""
    article = page.context.get("article")
    return config.noindex_copies and article is not None and article.shows_text(config)


def _page(env: Environment, config: Config, names: dict[str, str], body_of: Callable[[Article], str],
          page: Page) -> bytes:
    article = page.context.get("article")
    extra = {"body": body_of(article)} if article is not None else {}
    return render_page(env, page, config, names, **extra).encode("utf-8")

