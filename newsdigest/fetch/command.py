"""Fetch: read the sources site.toml follows, list their new items, read those pages politely and hand them to
ingest, remembering what was seen so that the next run reads only what is new."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import tzinfo
from typing import TypeVar
from urllib.parse import urlsplit

from .. import __version__
from ..config import Config, FetchPlan, Source, load_fetch_plan
from ..errors import SiteError
from ..ingest.command import IngestOptions, ingest_inputs
from ..ingest.library import Library, canonical_url
from ..ingest.rawinput import Origin, RawInput, decode
from .http import FetchError, PoliteClient, Response
from .listing import Item, Listing, feed_link, listing_kind, newest_first, read_listing
from .state import FetchState, Pending

STATE_FILE = "fetch.sqlite"
# Pages read, then ingested, this many at a time: memory stays bounded and progress is kept as it goes.
BATCH = 64
# The newest sitemaps of a sitemap index read in one run.
SITEMAPS_PER_INDEX = 5
_ARTICLE_TYPES = {"text/html": ".html", "application/xhtml+xml": ".html", "text/plain": ".txt", "": ""}
T = TypeVar("T")
R = TypeVar("R")


@dataclass(frozen=True)
class FetchOptions:
    dry_run: bool = False


@dataclass
class FetchSummary:
    """What a run did, counted for the last line of the report."""

    sources: Counter = field(default_factory=Counter)
    pages: Counter = field(default_factory=Counter)

    @property
    def failed(self) -> bool:
        return bool(self.sources["failed"] or self.pages["failed"])

    def line(self) -> str:
        def counted(counter: Counter) -> str:
            return ", ".join(f"{n} {status}" for status, n in sorted(counter.items())) or "none"

        return f"Summary: sources: {counted(self.sources)}; pages: {counted(self.pages)}."


Say = Callable[[str, bool], None]


def fetch(config: Config, options: FetchOptions, say: Say) -> FetchSummary:
    """One run over every source; each line of the report goes to `say(line, failed)` as it is known."""
    plan = load_fetch_plan(config)
    summary = FetchSummary()
    if not plan.sources:
        say("No [[sources]] in site.toml: add a [[sources]] table with the url of a feed, a sitemap or a "
            "list of links (see docs/fetch.md in newsdigest's repository).", False)
        return summary
    agent = plan.settings.user_agent or f"newsdigest/{__version__} (+{config.base_url})"
    state_path = config.path("cache") / STATE_FILE
    # A dry run writes nothing: without a state yet, it remembers in memory only.
    state = FetchState(":memory:" if options.dry_run and not state_path.exists() else state_path)
    client = PoliteClient(plan.settings, agent)
    library = Library.load(config, options.dry_run)
    try:
        new_items = _read_sources(plan, client, state, library, options, summary, say)
        # Pages listed by earlier runs and not yet read (or to be tried again) come first, as they are read.
        pending = []
        for page in state.to_read():
            if not library.knows_url(page.url):
                pending.append(page)
            elif not options.dry_run:  # ingested by hand since it was listed
                state.done(page.url, "already in content/")
        if options.dry_run:
            for page in [*pending, *new_items]:
                say(f"{'would read':<11} {page.url}" + (f" ({page.title})" if page.title else ""), False)
            return summary
        for start in range(0, len(pending), BATCH):
            _read_and_ingest(pending[start:start + BATCH], plan, client, state, config, library, summary, say)
    finally:
        client.close()
        state.close()
        library.close()
    return summary


@dataclass(frozen=True)
class SourceRead:
    """What reading one source gave: its status, what to say, and its items with the response's validators."""

    status: str
    detail: str
    items: tuple[Item, ...] = ()
    etag: str = ""
    last_modified: str = ""
    unlinked: int = 0


def _read_sources(plan: FetchPlan, client: PoliteClient, state: FetchState, library: Library,
                  options: FetchOptions, summary: FetchSummary, say: Say) -> list[Item]:
    """Every source read (hosts in parallel); their new items kept as pages to read, and returned."""
    for source in plan.sources:
        if source.problem:
            summary.sources["failed"] += 1
            say(f"{'failed':<11} source {source.url or '?'}{_line(source)}: "
                f"{source.problem} -- {source.hint}", True)
    usable = [source for source in plan.sources if not source.problem]
    validators = {source.url: state.validators(source.url) for source in usable}
    reads = by_host(usable, lambda source: source.url, plan.settings.hosts,
                    lambda source: _read_source(source, client, validators[source.url], plan.zone))
    new_items: list[Item] = []
    # This run's new pages, whatever source named them: a page two sources name is new once (the state
    # remembers them too, but a dry run writes no state and must count as the real run does).
    listed: set[str] = set()
    for source, read in zip(usable, reads):
        detail = read.detail
        if read.status == "read":
            wanted = _wanted(read.items, source)
            new, seen = [], 0
            for item in wanted:
                if item.url in listed or library.knows_url(item.url) or state.known(item.url):
                    seen += 1
                elif len(new) < source.limit:
                    new.append(item)
                    listed.add(item.url)
            left = len(wanted) - seen - len(new)
            if not options.dry_run:
                # Items left for the next run must be listed again then: no validator may hide them.
                state.list_new(source.url, new, "" if left else read.etag, "" if left else read.last_modified)
            more = f", {left} more left for the next run (limit {source.limit})" if left else ""
            unlinked = f", {_items(read.unlinked)} without a link left out" if read.unlinked else ""
            detail = f"{read.detail}, {len(new)} new, {seen} seen before{more}{unlinked}"
            new_items += new
        summary.sources[read.status] += 1
        where = _line(source) if read.status == "failed" else ""
        say(f"{read.status:<11} source {source.url}{where}: {detail}", read.status == "failed")
    return new_items


def _items(count: int) -> str:
    return f"{count} item" if count == 1 else f"{count} items"


def _line(source: Source) -> str:
    return f" (site.toml line {source.line})" if source.line else ""


def _read_source(source: Source, client: PoliteClient, validators: dict[str, str], zone: tzinfo
                 ) -> SourceRead:
    """One source's response and items; network only, so that it can run beside other hosts' sources."""
    try:
        response = client.get(source.url, validators)
        if response.status == 304:
            return SourceRead("unchanged", "not modified since the last run (304)")
        listing, kind = _listing(client, response, source, zone)
    except FetchError as error:
        return SourceRead("failed", f"{error} -- it is tried again on the next run")
    except SiteError as error:
        return SourceRead("failed", f"{error.problem} -- {error.hint}")
    return SourceRead("read", kind, listing.items, response.headers.get("etag", ""),
                      response.headers.get("last-modified", ""), listing.unlinked)


def _listing(client: PoliteClient, response: Response, source: Source, zone: tzinfo) -> tuple[Listing, str]:
    """The source's items: a web page's feed found as readers find it, a sitemap index's sitemaps read."""
    kind = source.kind
    named_feed = feed_link(response) if not kind and listing_kind(response) == "html" else ""
    if named_feed:
        response = client.get(named_feed)
        kind = "feed"
    listing = read_listing(response, kind, source.url, zone)
    if not listing.sitemaps:
        return listing, listing.kind
    newest = listing.sitemaps[:SITEMAPS_PER_INDEX]
    sitemaps = [read_listing(client.get(url), "sitemap", url, zone) for url in newest]
    items = newest_first(item for sitemap in sitemaps for item in sitemap.items)
    unlinked = sum(sitemap.unlinked for sitemap in sitemaps)
    return Listing("sitemap", items, unlinked=unlinked), f"sitemap index of {len(listing.sitemaps)}"


def _wanted(items: Iterable[Item], source: Source) -> list[Item]:
    """The items, with canonical URLs, that the source's include takes and its exclude leaves."""

    def matches(pattern: str, item: Item) -> bool:
        return any(re.search(pattern, text, re.IGNORECASE) for text in (item.url, item.title))

    return [
        Item(canonical_url(item.url), item.title, item.listed)
        for item in items
        if (not source.include or matches(source.include, item))
        and not (source.exclude and matches(source.exclude, item))
    ]


def _read_and_ingest(
    pages: list[Pending],
    plan: FetchPlan,
    client: PoliteClient,
    state: FetchState,
    config: Config,
    library: Library,
    summary: FetchSummary,
    say: Say,
) -> None:
    responses = by_host(
        pages, lambda page: page.url, plan.settings.hosts, lambda page: _read_page(client, page)
    )
    # A page keeps the additions of the first usable source of its source's address.
    sources = {source.url: source for source in reversed(plan.sources) if not source.problem}
    inputs = []
    for page, response in zip(pages, responses):
        if isinstance(response, FetchError):
            _failed(page, str(response), response.lasting, state, summary, say)
        else:
            inputs.append((page, response))
    readers = [
        (page.url, _reader(page, response, sources.get(page.source, Source()))) for page, response in inputs
    ]
    for (page, _), outcome in zip(inputs, ingest_inputs(readers, config, IngestOptions(), library)):
        if outcome.failed:
            _failed(page, outcome.detail, False, state, summary, say)
        else:
            state.done(page.url, f"{outcome.status} {outcome.target}")
            summary.pages[outcome.status] += 1
            say(outcome.line(), False)


def _read_page(client: PoliteClient, page: Pending) -> Response | FetchError:
    try:
        response = client.get(page.url)
    except FetchError as error:
        return error
    if response.media_type not in _ARTICLE_TYPES:
        return FetchError(f"this is {response.media_type}, not an article's page", lasting=True)
    return response


def _reader(page: Pending, response: Response, source: Source) -> Callable[[], RawInput]:
    origin = Origin(canonical_url(response.url), source.topics, source.tags, page.listed)
    suffix = _ARTICLE_TYPES[response.media_type]
    return lambda: decode(page.url, response.body, suffix, None, response.charset, origin)


def _failed(
    page: Pending, problem: str, lasting: bool, state: FetchState, summary: FetchSummary, say: Say
) -> None:
    given_up = state.failed(page.url, problem, lasting)
    summary.pages["failed"] += 1
    then = "given up" if given_up else "tried again on the next run"
    say(f"{'failed':<11} {page.url} ({problem}; {then})", True)


def by_host(items: list[T], url_of: Callable[[T], str], hosts: int, work: Callable[[T], R]) -> list[R]:
    """work(item) for every item, in order: a host's items one after another, `hosts` hosts at a time."""
    groups: dict[str, list[int]] = defaultdict(list)
    for index, item in enumerate(items):
        groups[urlsplit(url_of(item)).netloc.lower()].append(index)
    results: list = [None] * len(items)

    def run_group(indices: list[int]) -> None:
        for index in indices:
            results[index] = work(items[index])

    with ThreadPoolExecutor(max_workers=max(1, hosts)) as pool:
        for finished in [pool.submit(run_group, indices) for indices in groups.values()]:
            finished.result()
    return results
