"""What a build remembers between builds, behind one door: the pipeline asks it what the last build into the
output folder read and planned, has it load the articles (parsing only what changed) and tell which of the
last build's files output/ lost, and tells it what this build made. The SQLite store (store.py) and the
helpers that read it (load.py, missing.py) are its own."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace
from datetime import datetime
from pathlib import Path

from jinja2 import Environment

from ..config import Config
from ..files import ContentFile
from .fingerprint import template_digests, template_references
from .jobs import GroupOutline, Job, LastPlan, Plan
from .load import Loaded, load_through_cache, same_bytes_as_cached
from .missing import RACY_NS, missing_files, record_new_output
from .site import Site, reusable_related
from .store import MEMOS, BuildCache, InputsRecord


class BuildState:
    """The build cache of one site (in its cache folder), as it concerns builds into `output`. A build asks
    it in the order of its stages (unchanged, last_plan, load, related) and tells it what it made last; what
    it was asked is kept for what it is told (the outlines and related lists to replace)."""

    def __init__(self, config: Config, parse_signature: str, output: Path):
        self._store = BuildCache(config.path("cache"), parse_signature)
        self.output = output
        self._forget_what_was_read()

    def _forget_what_was_read(self) -> None:
        self._last_inputs: InputsRecord | None = None
        self._outlines: dict[str, GroupOutline] = {}
        self._memos: dict[str, dict[str, tuple[str, ...]]] = {table: {} for table in MEMOS}

    @property
    def note(self) -> str:
        """What happened to the cache, when it was not used as it was ('' when it was)."""
        return self._store.note

    def discard(self) -> None:
        """Start again without the cache, as when it is damaged."""
        self._store.discard()
        self._forget_what_was_read()

    def close(self) -> None:
        self._store.close()

    def template_digests(self, env: Environment) -> dict[str, str]:
        """Each template's digest (see fingerprint.py), its references parsed only from sources not seen
        before."""
        references = template_references(env, self._store.template_references())
        self._store.store_template_references(references)
        return template_digests(env, references)

    def unchanged(self, signature: str, files: list[ContentFile], now: datetime, owned: list[str]) -> bool:
        """Whether the last build into the output folder read the same inputs (`signature`, see
        pipeline.inputs_signature) and its files are all still there: then there is nothing to do, and the
        scan's time is remembered."""
        last = self._last_inputs = self._store.inputs(self.output)
        if not last or not last.signature or not owned or last.signature != signature:
            return False
        if last.due and now >= datetime.fromisoformat(last.due):
            return False
        # A file changed within a clock tick of the last scan may keep its size and time: its bytes are read
        # and compared with those the cache holds (an ingest with a build straight after it leaves its new
        # files so).
        racy = [f for f in files if f.mtime_ns >= last.scanned_ns - RACY_NS]
        if racy and not same_bytes_as_cached(racy, self._store):
            return False
        return not missing_files(self.output, owned, self._store)

    def remember_scan(self, scanned_ns: int) -> None:
        """After a build found nothing changed: files read now for being within a clock tick of the last scan
        need not be read again next time."""
        self._store.store_inputs(self.output, replace(self._last_inputs, scanned_ns=scanned_ns))
        self._store.commit()

    def last_plan(self) -> LastPlan:
        """What the last build into the output folder planned; nothing for a folder that vanished, whose
        pages are only to be made again."""
        self._outlines = self._store.page_outlines(self.output)
        if not self.output.exists():
            return LastPlan({}, {})
        return LastPlan(self._store.fingerprints(self.output), self._outlines)

    def load(self, config: Config, files: list[ContentFile], progress: Callable[[int], None] | None
             ) -> Loaded:
        """Every file's article, parsed again only where its bytes changed (see load.py)."""
        last = self._last_inputs
        return load_through_cache(config, files, self._store, self._store.signature,
                                  last.scanned_ns - RACY_NS if last else 0, progress)

    def memos(self) -> dict[str, dict[str, tuple[str, ...]]]:
        """What the last build's site model left for reuse: related lists (see site.reusable_related) and
        story choices (see stories.group_stories), by memo."""
        self._memos = {table: self._store.memo(table) for table in MEMOS}
        return self._memos

    def remember_memos(self, site: Site) -> None:
        for table, memo in (("related", reusable_related(site)), ("stories", site.reusable_stories)):
            self._store.store_memo(table, memo, self._memos[table])

    def output_bytes(self) -> int:
        """The size of the files the builds made in the output folder (the apparent size a host counts)."""
        return self._store.output_bytes(self.output)

    def missing(self, paths: Iterable[str]) -> set[str]:
        """Which of these files, each made by the last build, are no longer in the output folder."""
        return missing_files(self.output, paths, self._store)

    def remember_build(self, plan: Plan, done: list[Job], stale: list[str], new_output: bool,
                       committed_ns: int, signature: str, due: str, scanned_ns: int) -> None:
        """What a build committed: the fingerprints of the files it made (`done`) and of those it removed
        (`stale`), its page groups' outlines, and what it read: the signature of its inputs ('' when it had
        errors to report again), when the next future-dated article comes due ('' for none), and when it
        scanned the content (see unchanged)."""
        if new_output:
            record_new_output(self.output, (job.path for job in plan.jobs), self._store, committed_ns)
        self._store.update_fingerprints(
            self.output, {job.path: (job.fingerprint, _size(self.output / job.path)) for job in done}, stale)
        self._store.store_page_outlines(self.output, plan.outlines, self._outlines)
        self._store.store_inputs(self.output, InputsRecord(signature, due, scanned_ns))
        self._store.commit()


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:  # gone already (removed by hand while the build ran): found missing next time
        return 0
