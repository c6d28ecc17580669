"""The build: load content through the cache, arrange the site, render what changed in parallel, commit it."""

from __future__ import annotations

import gc
import shutil
import sqlite3
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from functools import partial
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Iterator, Protocol

from . import __version__
from .cache import BuildCache, InputsRecord
from .config import Config
from .errors import SiteError
from .fingerprint import digest, template_digests, template_references
from .incremental import ContentFile, load_through_cache, scan_content
from .markup import EXTENSIONS
from .outputs import Job, LastPlan, Plan, StaticFile, config_key, site_jobs, static_files
from .parallel import run_indexed
from .presence import RACY_NS, missing_files, record_new_output
from .render import DEFAULT_TEMPLATES, make_environment
from .site import build_site
from .write import (MANIFEST, check_output_folder, commit_changes, exclusive_lock, manifest_bytes, new_staging,
                    owned_files, recover, write_if_changed)

DEFAULT_STATIC = DEFAULT_TEMPLATES.parent / "static"
# Forking workers over a large site model costs some tenths of a second in copied pages: below this many
# files to make, rendering here is faster (measured at 10,000 articles on 2 cores).
RENDER_PARALLEL_FROM = 1000


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


@dataclass(frozen=True)
class BuildOptions:
    drafts: bool = False
    strict: bool = False
    output: Path | None = None
    now: datetime | None = None
    # Empty an output folder that newsdigest did not make (but CNAME and .git) instead of refusing it.
    clean: bool = False
    on_wait: Callable[[], None] = lambda: print("Another build of this site is running; waiting for it to end.",
                                                file=sys.stderr, flush=True)


def parse_signature(config: Config) -> str:
    """What parsing depends on besides a file's bytes; a change to it makes every cached article stale."""
    return digest(__version__, config.timezone, str(config.words_per_minute), repr(sorted(t.id for t in config.topics)),
                  repr(EXTENSIONS), repr(config.raw_html), repr(config.typography))


def build(config: Config, options: BuildOptions = BuildOptions(), progress: Progress | None = None) -> BuildResult:
    """Build the site; bad files are left out and reported, and with `strict` nothing is written.

    One build of a site runs at a time; a second waits for the first.
    """
    output = (options.output or config.path("output")).resolve()
    check_output_folder(output, config.root, config.path("content"))
    if not config.path("content").is_dir():
        # A mistyped content_dir would otherwise publish an empty site over the last one.
        raise SiteError(config.path("content"), "the content folder does not exist",
                        "create it, or set content_dir in site.toml to the folder holding the articles")
    env = make_environment(config)
    signature = parse_signature(config)
    with exclusive_lock(config.path("cache") / "build.lock", options.on_wait):
        recovered = recover(output)
        owned = owned_files(output, options.clean)
        cache = BuildCache(config.path("cache"), signature)
        try:
            references = template_references(env, cache.template_references())
            cache.store_template_references(references)
            templates = template_digests(env, references)
            with _collector_paused():
                try:
                    result = _build(config, options, progress, env, templates, cache, signature, owned)
                except sqlite3.DatabaseError:
                    # Damage deep in the cache shows only when that part is read: start again without it.
                    cache.discard()
                    result = _build(config, options, progress, env, templates, cache, signature, owned)
        finally:
            cache.close()
    result.note = "; ".join(n for n in (recovered, result.note) if n)
    return result


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cycle collector paused until rendering, which freezes what was made before it (see _render):
    loading, arranging and planning make hundreds of thousands of objects that live to the end of the build,
    and each collection would walk them again (400 collections, 0.4 s of an edit at 10,000 articles). They
    are handed back to the collector when the build ends, for a process that builds again (serve)."""
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


def _build(config, options, progress, env, templates, cache, parse_key: str, owned: list[str]) -> BuildResult:
    """The build, stage by stage."""
    output = (options.output or config.path("output")).resolve()
    now = options.now or datetime.now(timezone.utc)
    # Scan: the content, static files, templates and settings, without reading the articles.
    scan = _scan(config, templates, options)
    # Unchanged: the last build read the same inputs and its files are all still there.
    last = cache.inputs(output)
    if _nothing_changed(last, scan, now, owned, output, cache):
        cache.commit()
        return BuildResult(unchanged=len(owned), done=True, up_to_date=True, note=cache.note)
    last_plan = LastPlan(cache.fingerprints(output), cache.page_groups(output)) if output.exists() \
        else LastPlan({}, frozenset())
    previous = last_plan.fingerprints
    # Load: each article from the cache, parsed again only where its bytes changed.
    if progress:
        progress.start("reading", len(scan.files))
    loaded = load_through_cache(config, scan.files, cache, parse_key, last.scanned_ns - RACY_NS if last else 0,
                                progress.advance if progress else None)
    result = BuildResult(errors=loaded.errors, warnings=scan.skipped, parsed=loaded.parsed, note=cache.note)
    if loaded.errors and options.strict:
        return result
    # Arrange: the site model: listings, topics, tags, editions, related articles.
    remembered = cache.related()
    site = build_site(loaded.articles, config, now, drafts=options.drafts, reusable_related=remembered)
    cache.store_related(site.reusable_related, remembered)
    # Plan: every output file and its fingerprint; those whose fingerprint changed are to be made.
    plan = _planned(site, env, templates, loaded, scan, last_plan)
    jobs = plan.jobs
    unchanged = (job.path for job in jobs if previous.get(job.path) == job.fingerprint)
    missing = missing_files(output, unchanged, cache)
    todo = [job for job in jobs if previous.get(job.path) != job.fingerprint or job.path in missing]
    # Render: make them in a staging folder, keeping only the files whose bytes changed.
    staging, changed = _render(todo, output, progress)
    # Commit: move the changes in, delete what the build made and no longer makes, remember it all.
    stale = sorted(set(owned) - {job.path for job in jobs})
    new_output, committed_ns = not output.exists(), time.time_ns()
    result.removed = commit_changes(staging, output, changed, stale)
    if new_output:
        record_new_output(output, (job.path for job in jobs), cache, committed_ns)
    cache.update_fingerprints(output, {job.path: job.fingerprint for job in todo}, stale)
    cache.store_page_groups(output, plan.groups)
    # Without errors or warnings to report again, an identical next build has nothing to do.
    cache.store_inputs(output, InputsRecord("" if loaded.errors or scan.skipped else scan.signature,
                                            _next_publication(loaded.articles, now), scan.scanned_ns))
    cache.commit()
    result.articles = len(site.articles)
    result.written, result.unchanged, result.done = len(changed), len(jobs) - len(changed), True
    return result


def _scan(config: Config, templates: dict[str, str], options: BuildOptions) -> Scan:
    scanned_ns = time.time_ns()
    static = static_files([d for d in dict.fromkeys([DEFAULT_STATIC, config.path("static")]) if d.is_dir()])
    files, skipped = scan_content(config)
    return Scan(files, skipped, static, inputs_signature(config, templates, static, options, files), scanned_ns)


def _planned(site, env, templates, loaded, scan: Scan, last: LastPlan) -> Plan:
    """Every file of the site, the manifest of them last."""
    plan = site_jobs(site, env, templates, loaded.body_of, loaded.words_of, scan.static, last)
    produced = sorted(job.path for job in plan.jobs) + [MANIFEST]
    manifest = Job(MANIFEST, digest(*produced), partial(manifest_bytes, produced))
    return replace(plan, jobs=plan.jobs + [manifest])


def inputs_signature(config: Config, templates: dict[str, str], static: dict[str, StaticFile],
                     options: BuildOptions, files: list[ContentFile]) -> str:
    """Everything a build reads, by name, size and time: equal signatures mean equal output."""
    static_state = [(name, f.sha) for name, f in static.items()]
    return digest(config_key(config), repr(sorted(templates.items())), repr(static_state), repr(options.drafts),
                  *(f"{f.relative}:{f.mtime_ns}:{f.size}" for f in files))


def _next_publication(articles, now: datetime) -> str:
    """When an article dated in the future comes due, the site changes though no file did."""
    upcoming = [a.date for a in articles if a.date > now and not a.draft]
    return min(upcoming).isoformat() if upcoming else ""


def _nothing_changed(last: InputsRecord | None, scan: Scan, now: datetime, owned: list[str],
                     output: Path, cache: BuildCache) -> bool:
    if not last or not last.signature or not owned or last.signature != scan.signature:
        return False
    if last.due and now >= datetime.fromisoformat(last.due):
        return False
    # A file changed within a clock tick of the last scan may keep its size and time: its bytes must be read.
    if max((f.mtime_ns for f in scan.files), default=0) >= last.scanned_ns - RACY_NS:
        return False
    return not missing_files(output, owned, cache)


def _render(todo: list[Job], output: Path, progress: Progress | None) -> tuple[Path, list[str]]:
    """Make each job's file into a staging folder, unless output/ has those bytes already."""
    # Rendering makes short-lived cycles (Jinja's contexts), collected again; the site model, planned jobs and
    # loaded articles are frozen first, so no collection walks them.
    gc.freeze()
    gc.enable()
    staging = new_staging(output)

    def make(index: int) -> str | None:
        job = todo[index]
        return job.path if write_if_changed(staging, output, job.path, job.make()) else None

    if progress:
        progress.start("writing", len(todo))
    changed: list[str] = []
    try:
        for chunk in run_indexed(make, len(todo), min_items=RENDER_PARALLEL_FROM):
            changed.extend(path for path in chunk if path)
            if progress:
                progress.advance(len(chunk))
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return staging, sorted(changed)
