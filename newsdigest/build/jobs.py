"""What a build makes, as jobs: each output file's path, the fingerprint of what it is made from and how to
make it; the producers that plan them (listed in recipe.py), and what every producer is given."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING

from jinja2 import Environment

from ..config import Config
from ..content import Article
from .fingerprint import Fingerprints, digest
from .site import Site

if TYPE_CHECKING:
    from .static import StaticFile


@dataclass(frozen=True)
class Job:
    path: str
    fingerprint: str
    make: Callable[[], bytes]


@dataclass(frozen=True)
class GroupOutline:
    """What a group of pages makes, kept so that a rebuild need not make the pages to know it: their paths,
    the entries they give the sitemap (path and last change; a page the sitemap leaves out has none), and the
    templates they were made with (name and digest)."""

    paths: tuple[str, ...]
    listed: tuple[tuple[str, str], ...]
    templates: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Plan:
    """Jobs, with the outline of each page group among them by the group's key (see pages.PageGroup), which
    the next build plans those pages from."""

    jobs: list[Job]
    outlines: Mapping[str, GroupOutline] = field(default_factory=lambda: MappingProxyType({}))


@dataclass(frozen=True)
class LastPlan:
    """What the last build into the output folder planned: each file's fingerprint, its groups' outlines."""

    fingerprints: Mapping[str, str]
    outlines: Mapping[str, GroupOutline]


@dataclass(frozen=True)
class PlanInputs:
    """What every producer is given: the site, the templates (by name, with their digests), the published
    body and search words of an article, the static files, and what the last build planned. `fingerprint`
    serves the whole build (it remembers the digests of values many files are given)."""

    site: Site
    env: Environment
    templates: Mapping[str, str]
    body_of: Callable[[Article], str]
    words_of: Callable[[Article], str]
    static: Mapping[str, StaticFile]
    last: LastPlan
    fingerprint: Fingerprints = field(default_factory=Fingerprints)

    @property
    def config(self) -> Config:
        return self.site.config

    @cached_property
    def key(self) -> str:
        return config_key(self.site.config)


@dataclass(frozen=True)
class Producer:
    """One kind of output: `plan` gives its jobs. Those `before_pages` are planned from the site alone, and
    a rebuild makes the few that changed in a child process while this one plans the pages."""

    name: str
    plan: Callable[[PlanInputs], Plan]
    before_pages: bool = True


def config_key(config: Config) -> str:
    """Everything of the config that output depends on: all of it but where the site folder lies (ingest's
    rules and fetch's sources are not in it)."""
    return digest(repr(replace(config, root=Path("."))))


def published_body(body_of: Callable[[Article], str], config: Config, article: Article) -> str:
    """The body the site publishes: none where it republishes summaries only (pages and feeds then give
    the summary and the way to the original)."""
    return body_of(article) if article.shows_text(config) else ""
