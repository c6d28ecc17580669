"""The build: load content through the cache, arrange the site, render what changed in parallel, commit it."""

from __future__ import annotations

import gc
import shutil
import sqlite3
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Protocol

from jinja2 import Environment

from .. import __version__
from ..config import Config
from ..content import PARSER_REVISION
from ..errors import SiteError
from ..files import ContentFile, input_roots, scan_content
from ..ingest.index import library_current
from ..markup import EXTENSIONS
from ..parallel import Helper, alongside, helper, interrupts_deferred, run_indexed
from .fingerprint import digest
from .jobs import Job, LastPlan, Plan, PlanInputs, config_key, published_body
from .load import Loaded
from .recipe import planned, with_manifest
from .render import DEFAULT_TEMPLATES, make_environment, template_links_out
from .site import Site, build_site
from .state import BuildState
from .static import StaticFile, static_files
from .stories import IMPORTS as STORY_IMPORTS
from .write import (
    check_output_folder,
    commit_changes,
    exclusive_lock,
    new_staging,
    owned_files,
    recover,
    write_if_changed,
)

DEFAULT_STATIC = DEFAULT_TEMPLATES.parent / "static"
# Forking workers over a large site model costs copied pages of memory: below this many files to make,
# rendering here is faster.
RENDER_PARALLEL_FROM = 1000
# A build that parsed this many articles brings ingest's library index up to date (see _library_upkeep).
LIBRARY_FROM = 64


class Progress(Protocol):
    def start(self, label: str, total: int) -> None: ...
    def advance(self, count: int) -> None: ...


@dataclass
class BuildResult:
    articles: int = 0
    parsed: int = 0
    written: int = 0
    unchanged: int = 0
    removed: int = 0
    errors: list[SiteError] = field(default_factory=list)
    # Entries of content/ that were skipped without being articles with errors (dangling links, pipes).
    warnings: list[SiteError] = field(default_factory=list)
    done: bool = False
    up_to_date: bool = False
    note: str = ""
    # The size of the files the builds made in the output folder, after this one (0 when it committed none).
    output_bytes: int = 0


@dataclass(frozen=True)
class BuildOptions:
    drafts: bool = False
    strict: bool = False
    output: Path | None = None
    now: datetime | None = None
    # Empty an output folder that newsdigest did not make (but CNAME and .git) instead of refusing it.
    clean: bool = False
    on_wait: Callable[[], None] = lambda: print(
        "Another build of this site is running; waiting for it to end.", file=sys.stderr, flush=True
    )


def parse_signature(config: Config) -> str:
    """What parsing depends on besides a file's bytes; a change to it makes every cached article stale."""
    return digest(__version__, str(PARSER_REVISION), config.timezone, str(config.words_per_minute),
                  repr(sorted(t.id for t in config.topics)), repr(EXTENSIONS), repr(config.raw_html),
                  repr(config.typography))


def build(
    config: Config, options: BuildOptions = BuildOptions(), progress: Progress | None = None
) -> BuildResult:
    """Build the site; bad files are left out and reported, and with `strict` nothing is written.

    One build of a site runs at a time; a second waits for the first.
    """
    output = (options.output or config.path("output")).resolve()
    check_output_folder(output, config)
    if not config.path("content").is_dir():
        # A mistyped content_dir would otherwise publish an empty site over the last one.
        raise SiteError(config.path("content"), "the content folder does not exist",
                        "create it, or set content_dir in site.toml to the folder holding the articles")
    env = make_environment(config)
    signature = parse_signature(config)
    with exclusive_lock(config.path("cache") / "build.lock", options.on_wait):
        recovered = recover(output)
        owned = owned_files(output, options.clean)
        state = BuildState(config, signature, output)
        try:
            with _collector_paused():
                try:
                    result = _build(config, options, progress, env, state, owned)
                except sqlite3.DatabaseError:
                    # Damage deep in the cache shows only when that part is read: start again without it.
                    state.discard()
                    result = _build(config, options, progress, env, state, owned)
        finally:
            state.close()
    result.note = "; ".join(n for n in (recovered, result.note) if n)
    return result


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cycle collector paused until rendering, which freezes what was made before it (see _render):
    loading, arranging and planning make hundreds of thousands of objects that live to the end of the build,
    and each collection would walk them again, hundreds of times in a build. They are handed back to the
    collector when the build ends, for a process that builds again (serve)."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.unfreeze()
        if collecting:
            gc.enable()


@dataclass(frozen=True)
class Scan:
    """What a build would read, by name, size and time, and when it looked."""

    files: list[ContentFile]
    skipped: list[SiteError]
    static: dict[str, StaticFile]
    signature: str
    scanned_ns: int
    # Each template's digest (see fingerprint.template_digests).
    templates: dict[str, str]


def _build(config: Config, options: BuildOptions, progress: Progress | None, env: Environment,
           state: BuildState, owned: list[str]) -> BuildResult:
    """The build, stage by stage."""
    now = options.now or datetime.now(UTC)
    # Scan: the content, static files, templates and settings, without reading the articles.
    scan = _scan(config, state.template_digests(env), options)
    # Unchanged: the last build read the same inputs and its files are all still there.
    if state.unchanged(scan.signature, scan.files, now, owned):
        state.remember_scan(scan.scanned_ns)
        return BuildResult(unchanged=len(owned), done=True, up_to_date=True, note=state.note)
    last_plan = state.last_plan()
    # A rebuild works out the stories of a few new days: a helper imports what that needs while this process
    # loads (a cold build imports it here, where it is a small part of the work).
    with helper(STORY_IMPORTS, wanted=bool(last_plan.fingerprints)) as story_helper:
        return _build_scanned(config, options, progress, env, state, owned, scan, now, last_plan,
                              story_helper)


def _build_scanned(config: Config, options: BuildOptions, progress: Progress | None, env: Environment,
                   state: BuildState, owned: list[str], scan: Scan, now: datetime, last_plan: LastPlan,
                   story_helper: Helper | None) -> BuildResult:
    """The build of what the scan found, once it found a change."""
    output = state.output
    # Load: each article from the cache, parsed again only where its bytes changed.
    if progress:
        progress.start("reading", len(scan.files))
    loaded = state.load(config, scan.files, progress.advance if progress else None)
    result = BuildResult(errors=loaded.errors, warnings=scan.skipped, parsed=loaded.parsed, note=state.note)
    if loaded.errors and options.strict:
        return result
    with _library_upkeep(config, scan.files, loaded.parsed) as library_kept:
        # Arrange: the site model: listings, topics, tags, editions, related articles.
        memos = state.memos()
        site = build_site(loaded.articles, config, now, drafts=options.drafts,
                          reusable_related=memos["related"], reusable_stories=memos["stories"],
                          helper=story_helper)
        state.remember_memos(site)
        # Plan and render: every output file and its fingerprint; those whose fingerprint changed (or that
        # are missing) are made in a staging folder, which keeps only the files whose bytes changed.
        staging = new_staging(output)
        try:
            plan, todo, changed = _plan_and_render(site, env, loaded, scan, last_plan, staging, state,
                                                   progress)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        jobs = plan.jobs
        # Commit: move the changes in, delete what the build made and no longer makes, remember it all.
        stale = sorted(set(owned) - {job.path for job in jobs})
        new_output, committed_ns = not output.exists(), time.time_ns()
        # Ctrl-C waits for the end of the commit: output/ is then the new site, and the cache says so.
        with interrupts_deferred():
            result.removed = commit_changes(staging, output, changed, stale)
            # Without errors or warnings to report again, an identical next build has nothing to do.
            state.remember_build(plan, todo, stale, new_output, committed_ns,
                                 "" if loaded.errors or scan.skipped else scan.signature,
                                 _next_publication(loaded.articles, now), scan.scanned_ns)
        library_kept()
    result.articles = len(site.articles)
    result.written, result.unchanged, result.done = len(changed), len(jobs) - len(changed), True
    result.output_bytes = state.output_bytes()
    return result


def _library_upkeep(config: Config, files: list[ContentFile], parsed: int
                    ) -> AbstractContextManager[Callable[[], None]]:
    """Ingest's index of the content folder brought up to date beside the rest of the build, in a child, when
    many articles changed (LIBRARY_FROM) or it has none: the first ingest after a new site's build, or after a
    backlog came in, then reads only the page it is given. A few changed articles are left to ingest, which
    indexes them in milliseconds with what it imports anyway (datasketch, SciPy: a second a build saves)."""
    if parsed < LIBRARY_FROM and library_current(config.path("cache")):
        return nullcontext(lambda: None)
    # At a lower priority: the cores are the build's workers', and the child takes what they leave (the build
    # arranges and plans on one core).
    return alongside(partial(_library_kept_current, config, files), config.path("cache"), priority=10)


def _library_kept_current(config: Config, files: list[ContentFile]) -> None:
    """In one process: the build's workers have the cores."""
    from ..ingest.library import refreshed_index  # ingest's imports are for a build that changed something

    refreshed_index(config, files, parallel=False).close()


def _scan(config: Config, templates: dict[str, str], options: BuildOptions) -> Scan:
    scanned_ns = time.time_ns()
    roots = input_roots(config)
    folders = [d for d in dict.fromkeys([DEFAULT_STATIC, config.path("static")]) if d.is_dir()]
    static, static_skipped = static_files(folders, roots, config.root)
    files, skipped = scan_content(config)
    skipped = sorted(skipped + static_skipped + template_links_out(config, roots), key=lambda e: str(e.path))
    return Scan(
        files, skipped, static, inputs_signature(config, templates, static, options, files), scanned_ns,
        templates
    )


def _plan_and_render(site: Site, env: Environment, loaded: Loaded, scan: Scan, last: LastPlan, staging: Path,
                     state: BuildState, progress: Progress | None
                     ) -> tuple[Plan, list[Job], list[str]]:
    """The plan, the jobs it had to do, and the paths of the files they staged.

    The producers planned before the pages (feeds, search, static) are planned first: a rebuild makes those
    files that changed in a forked child while this process plans and makes the pages, each half of the work
    on a core of its own (a cold build, or one remaking many files, renders everything on all cores together
    instead)."""
    previous = last.fingerprints
    inputs = PlanInputs(site, env, scan.templates, partial(published_body, loaded.body_of, site.config),
                        loaded.words_of, scan.static, last)
    files = planned(inputs, before_pages=True)
    files_changed = [job for job in files.jobs if previous.get(job.path) != job.fingerprint]
    apart = files_changed if previous and len(files_changed) < RENDER_PARALLEL_FROM else []
    output = state.output
    with alongside(partial(_render, apart, staging, output), staging, bool(apart)) as made_apart:
        # The pages first: the plan ends with its costliest files (see _render).
        plan = with_manifest(planned(inputs, before_pages=False), files)
        unchanged = (job.path for job in plan.jobs if previous.get(job.path) == job.fingerprint)
        missing = state.missing(unchanged)
        todo = [job for job in plan.jobs if previous.get(job.path) != job.fingerprint or job.path in missing]
        if progress:
            progress.start("writing", len(todo))
        made_there = {job.path for job in apart}
        changed = _render([job for job in todo if job.path not in made_there], staging, output, progress)
        changed += made_apart()
        if progress:
            progress.advance(len(apart))
    return plan, todo, sorted(changed)


def inputs_signature(config: Config, templates: dict[str, str], static: dict[str, StaticFile],
                     options: BuildOptions, files: list[ContentFile]) -> str:
    """Everything a build reads, by name, size and time: equal signatures mean equal output."""
    static_state = [(name, f.sha) for name, f in static.items()]
    return digest(
        config_key(config),
        repr(sorted(templates.items())),
        repr(static_state),
        repr(options.drafts),
        *(f"{f.relative}:{f.mtime_ns}:{f.size}" for f in files),
    )


def _next_publication(articles, now: datetime) -> str:
    """When an article dated in the future comes due, the site changes though no file did."""
    upcoming = [a.date for a in articles if a.date > now and not a.draft]
    return min(upcoming).isoformat() if upcoming else ""


def _render(todo: list[Job], staging: Path, output: Path, progress: Progress | None = None) -> list[str]:
    """Make each job's file into the staging folder, unless output/ has those bytes already; the paths of
    those made."""
    # Rendering makes short-lived cycles (Jinja's contexts), collected again; the site model, planned jobs and
    # loaded articles are frozen first, so no collection walks them.
    gc.freeze()
    gc.enable()
    # Made from the plan's end backwards. The plan ends with its costliest files (editions, the search
    # index's pieces, feeds), each several times an article page; in the plan's order they all fell to one
    # worker at the end while the other waited. So the work ends with the many small pages, and the workers
    # together.
    backwards = todo[::-1]

    def make(index: int) -> str | None:
        job = backwards[index]
        return job.path if write_if_changed(staging, output, job.path, job.make()) else None

    changed: list[str] = []
    for chunk in run_indexed(make, len(todo), min_items=RENDER_PARALLEL_FROM):
        changed.extend(path for path in chunk if path)
        if progress:
            progress.advance(len(chunk))
    return changed
