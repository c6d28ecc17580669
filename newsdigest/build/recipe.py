"""What a build makes: one list of producers, each planning the jobs of one kind of output, and the manifest
that lists them all. A new kind of output is a module with a producer function (and its template), and a
line here."""

from __future__ import annotations

from functools import partial

from . import feeds, pageplan, search, sitemap, static
from .fingerprint import digest
from .jobs import Job, Plan, PlanInputs, Producer
from .write import MANIFEST, manifest_bytes

PRODUCERS: tuple[Producer, ...] = (
    Producer("feeds", feeds.feed_jobs),
    Producer("OPML of the topic feeds", feeds.opml_jobs),
    Producer("robots.txt", sitemap.robots_jobs),
    Producer(".nojekyll", static.nojekyll_jobs),
    Producer("search index", search.search_jobs),
    Producer("static files", static.static_jobs),
    Producer("pages and their sitemap", pageplan.page_jobs, before_pages=False),
)


def planned(inputs: PlanInputs, before_pages: bool) -> Plan:
    """The jobs of the producers planned before the pages (or of the others), in the registry's order."""
    parts = [producer.plan(inputs) for producer in PRODUCERS if producer.before_pages == before_pages]
    return Plan([job for part in parts for job in part.jobs],
                {key: outline for part in parts for key, outline in part.outlines.items()})


def with_manifest(*parts: Plan) -> Plan:
    """The whole plan: its parts' jobs, and the manifest of every file they make last."""
    jobs = [job for part in parts for job in part.jobs]
    produced = sorted(job.path for job in jobs) + [MANIFEST]
    manifest = Job(MANIFEST, digest(*produced), partial(manifest_bytes, produced))
    return Plan(jobs + [manifest], {key: outline for part in parts for key, outline in part.outlines.items()})
