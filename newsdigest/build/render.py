"""Render pages through the Jinja2 templates: the site's own templates first, then the defaults."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from jinja2 import (
    ChoiceLoader,
    Environment,
    FileSystemBytecodeCache,
    FileSystemLoader,
    StrictUndefined,
    TemplateError,
    TemplateNotFound,
    pass_context,
    select_autoescape,
)
from markupsafe import Markup

from ..config import Config
from ..content import Article, relative_name, tag_slug
from ..dates import (
    iso_moment,
    local_day,
    local_moment,
    long_date,
    moment_on_page,
    month_name,
    reader_moment,
    weekday_name,
)
from ..errors import SiteError
from ..files import files_inside, input_roots, leads_outside
from . import urls
from .feeds import FEED_FORMATS
from .pages import Page
from .stories import Story, named_few
from .structured import news_article

# The default templates and static files ship inside the package; a site's own folders override them by name.
DEFAULT_TEMPLATES = Path(__file__).resolve().parents[1] / "templates"
# Entries are rendered as if from no page at all; their links carry a marker where the page's way to the root
# goes.
ENTRY_PAGE = "<entry>"
ENTRY_TEMPLATE = "partials/entry.html"
ROOT_MARKER = "\x00root\x00"
# Entries remembered by a process at most, then forgotten together: a large site's latest listing names each
# article once, and a worker would hold entries never used again. The bound is above a site of 10,000
# articles' entries: such a site's workers remember every one.
ENTRY_MEMO = 12_000


class InsideLoader(FileSystemLoader):
    """A folder's templates, but for those that are links leading out of the site (files.py): to the build
    they are not there, and the default of the same name serves."""

    def __init__(self, folder: Path, roots: tuple[str, ...]) -> None:
        super().__init__(str(folder))
        self.roots = roots

    def get_source(self, environment: Environment, template: str) -> tuple[str, str, Any]:
        source, filename, uptodate = super().get_source(environment, template)
        if leads_outside(filename, self.roots):
            raise TemplateNotFound(template)
        return source, filename, uptodate

    def list_templates(self) -> list[str]:
        return [name for name in super().list_templates()
                if not leads_outside(os.path.join(self.searchpath[0], name), self.roots)]


def template_links_out(config: Config, roots: tuple[str, ...]) -> list[SiteError]:
    """A warning for each link in the site's templates folder that leads out of the site."""
    folder = config.path("templates")
    shown = relative_name(folder, config.root)
    found = files_inside(folder, roots, shown) if folder.is_dir() else []
    return [item for item in found if isinstance(item, SiteError)]


def make_environment(config: Config) -> Environment:
    folders = [config.path("templates"), DEFAULT_TEMPLATES]
    roots = input_roots(config)
    # Compiled templates kept in the cache (keyed by their source's checksum): compiling them is a tenth of
    # a second that every build, and every worker of a cold one, would pay again.
    compiled = config.path("cache") / "templates"
    try:
        compiled.mkdir(parents=True, exist_ok=True)
    except OSError:  # the build says what is wrong with the cache folder, where it opens its cache
        compiled = None
    env = Environment(
        bytecode_cache=FileSystemBytecodeCache(str(compiled)) if compiled else None,
        loader=ChoiceLoader([FileSystemLoader(str(f)) if f == DEFAULT_TEMPLATES else InsideLoader(f, roots)
                             for f in dict.fromkeys(folders) if f.is_dir()]),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        # Each build makes an environment of its own (serve's too): Jinja need not read a template's time
        # before every page that uses it to see whether it changed (three to five stat calls a page).
        auto_reload=False,
    )
    env.globals.update(
        url=_url,
        article_url=_article_url,
        term_url=_term_url,
        edition_url=_edition_url,
        entry=_list_entry,
        absolute=lambda path: urls.absolute(config.base_url, path),
        month_name=month_name,
        news_article=news_article,
        feed_formats=FEED_FORMATS,
    )
    env.entry_cache = {}
    env.templates_rendered_by = {"entry": ENTRY_TEMPLATE}
    env.filters.update(local=lambda moment: local_moment(moment, config.zone), longdate=long_date,
                       isodate=iso_moment, when=lambda moment: reader_moment(moment, config.zone),
                       when_on=lambda moment, day: moment_on_page(moment, config.zone, day),
                       weekday=weekday_name, with_dateline=_with_dateline,
                       by_day=lambda stories: _by_day(stories, config))
    return env


def _by_day(stories: list[Story], config: Config) -> list[tuple[date, list[Story]]]:
    """A list's stories under the days they are of (their leads' days in the site's zone), in the list's
    order: a day's heading once, then its stories' times alone."""
    days: list[tuple[date, list[Story]]] = []
    for story in stories:
        day = local_day(story.lead.date, config.zone)
        if days and days[-1][0] == day:
            days[-1][1].append(story)
        else:
            days.append((day, [story]))
    return days


def _with_dateline(body_html: str, dateline: str) -> Markup:
    """The body with its dateline run into the first paragraph, as a newspaper sets it ("NEW DELHI — The
    council …"), where the text does not open with it already."""
    if not dateline or not body_html.lstrip().startswith("<p>"):
        return Markup(body_html)
    opening = Markup('<p><span class="dateline">{}</span> — ').format(dateline)
    return Markup(body_html.lstrip().replace("<p>", opening, 1))


def render_page(
    env: Environment, page: Page, config: Config, topic_names: dict[str, str], **extra: Any
) -> str:
    """One page as HTML; a broken template is the user's to fix, so it is reported as a SiteError."""
    context: dict[str, Any] = {
        "config": config,
        "page": page,
        "page_path": page.path,
        "topic_names": topic_names,
        "base_path": urlsplit(config.base_url).path,
        **page.context,
        **extra,
    }
    try:
        return env.get_template(page.template).render(context)
    except TemplateError as error:
        name = getattr(error, "filename", None) or page.template
        raise SiteError(name, f"template error while rendering {page.path}: {error}",
                        "fix the template", getattr(error, "lineno", None)) from None
    except RecursionError:
        raise SiteError(page.template, f"template error while rendering {page.path}: templates extend, "
                        "include or import one another in a loop without end",
                        "break the loop (a template that extends or includes itself, or through others)") \
            from None


def _link(context: Any, path: str) -> str:
    page_path = context["page_path"]
    return ROOT_MARKER + path if page_path is ENTRY_PAGE else urls.relative(page_path, path)


@pass_context
def _url(context: Any, path: str) -> str:
    return _link(context, path)


@pass_context
def _article_url(context: Any, article: Article) -> str:
    return _link(context, urls.article_path(article.slug))


@pass_context
def _term_url(context: Any, kind: str, name: str) -> str:
    slug = name if kind == "topics" else tag_slug(name)
    return _link(context, urls.listing_path(urls.term_folder(kind, slug)))


@pass_context
def _edition_url(context: Any, day: date) -> str:
    return _link(context, urls.edition_path(day))


@pass_context
def _list_entry(context: Any, article: Article | Story, heading_level: int = 2, topic: str = "",
                also: tuple[Article, ...] = (), day: date | None = None, brief: bool = False) -> Markup:
    """An article's entry in a list, rendered once per build and re-rooted for each page that lists it.

    An article is listed on the front, topic, tag and edition pages alike, so rendering its entry once,
    with links from the site root, and prefixing them for each page saves most of a list page's cost. In a
    list of one topic (`topic`), the entry does not name that topic again; `also` are the other articles of
    its story. Given a story (as lists are given them), the entry is its lead's, with the others. On a page
    of one day's news (`day`), times are given briefly, as that day's reader reads them. A `brief` entry (an
    archive page's) is one line: the headline, its time and publisher, and the story's other publishers.
    """
    if isinstance(article, Story):
        article, also = article.lead, article.also
    cache = context.environment.entry_cache
    key = (article.slug, heading_level, topic, tuple(other.slug for other in also), day, brief)
    snippet = cache.get(key)
    if snippet is None:
        if len(cache) >= ENTRY_MEMO:
            cache.clear()
        others = named_few(also)
        snippet = cache[key] = context.environment.get_template(ENTRY_TEMPLATE).render(
            article=article, heading_level=heading_level, topic=topic, also=also, others=others,
            more=len(also) - len(others), day=day, brief=brief, page_path=ENTRY_PAGE,
            topic_names=context["topic_names"], config=context["config"]).strip()
    return Markup(snippet.replace(ROOT_MARKER, "../" * context["page_path"].count("/")))
