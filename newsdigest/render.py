"""Render pages through the Jinja2 templates: the site's own templates first, then the defaults."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from jinja2 import (ChoiceLoader, Environment, FileSystemLoader, StrictUndefined, TemplateError,
                    pass_context, select_autoescape)

from . import urls
from .config import Config
from .content import Article, tag_slug
from .errors import SiteError
from .pages import Page
from .site import Site

DEFAULT_TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December")


def make_environment(config: Config) -> Environment:
    folders = [config.path("templates"), DEFAULT_TEMPLATES]
    env = Environment(
        loader=ChoiceLoader([FileSystemLoader(str(f)) for f in dict.fromkeys(folders) if f.is_dir()]),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.globals.update(url=_url, article_url=_article_url, term_url=_term_url, edition_url=_edition_url,
                       absolute=lambda path: urls.absolute(config.base_url, path), month_name=month_name)
    env.filters.update(local=lambda moment: moment.astimezone(config.zone), longdate=long_date,
                       isodate=iso_moment)
    return env


def render_page(env: Environment, page: Page, site: Site) -> str:
    """One page as HTML; a broken template is the user's to fix, so it is reported as a SiteError."""
    context: dict[str, Any] = {"site": site, "config": site.config, "page": page, "page_path": page.path,
                               "topic_names": site.topic_names(), "base_path": urlsplit(site.config.base_url).path,
                               **page.context}
    try:
        return env.get_template(page.template).render(context)
    except TemplateError as error:
        name = getattr(error, "filename", None) or page.template
        raise SiteError(name, f"template error while rendering {page.path}: {error}",
                        "fix the template", getattr(error, "lineno", None)) from None


def month_name(number: int) -> str:
    return MONTHS[number - 1]


def long_date(moment: datetime | date) -> str:
    return f"{moment.day} {month_name(moment.month)} {moment.year}"


def iso_moment(moment: datetime | date) -> str:
    return moment.isoformat()


@pass_context
def _url(context: Any, path: str) -> str:
    return urls.relative(context["page_path"], path)


@pass_context
def _article_url(context: Any, article: Article) -> str:
    return urls.relative(context["page_path"], urls.article_path(article.slug))


@pass_context
def _term_url(context: Any, kind: str, name: str) -> str:
    slug = name if kind == "topics" else tag_slug(name)
    return urls.relative(context["page_path"], urls.listing_path(urls.term_folder(kind, slug)))


@pass_context
def _edition_url(context: Any, day: date) -> str:
    return urls.relative(context["page_path"], urls.edition_path(day))
