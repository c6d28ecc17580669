"""Cached builds equal cold builds, for templates that print every field of every object they are given.

A Hypothesis state machine edits a small site step by step (add, delete, rename, retitle, re-tag, re-date,
draft, a new topic, a template or static edit, time passing so a future article comes due, a built file lost,
the output's folder times aged); after each step the site is built from its cache and cold, and the two
outputs must be the same bytes, file for file."""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from unittest.mock import patch

from conftest import FIXTURES, NOW
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from newsdigest.build import pages
from newsdigest.build.pipeline import BuildOptions, build
from newsdigest.build.render import DEFAULT_TEMPLATES
from newsdigest.build.write import MANIFEST
from newsdigest.config import load_config

# Prints everything reachable from a value: dataclasses field by field, mappings key by key, sequences item
# by item. A template a user might write that shows more than the defaults do.
DUMP = """{% macro dump(x, depth=0) -%}
{%- if depth > 9 -%}…
{%- elif x is none -%}None
{%- elif x is string -%}{{ x }}
{%- elif x is mapping -%}{ {%- for k in x|list|sort -%}{{ k }}: {{ dump(x[k], depth + 1) }}; {% endfor -%} }
{%- elif x.__dataclass_fields__ is defined -%}{{ x.__class__.__name__ }}( {%- for k in x.__dataclass_fields__
    -%}{{ k }}={{ dump(x|attr(k), depth + 1) }}; {% endfor -%} )
{%- elif x is iterable -%}[ {%- for v in x -%}{{ dump(v, depth + 1) }}, {% endfor -%} ]
{%- else -%}{{ x }}
{%- endif %}
{%- endmacro %}
"""
PAGE = """{% import "partials/dump.html" as d %}<!doctype html><title>{{ page.title }}</title>
{{ d.dump(page) }}
{{ d.dump(topic_names) }} {{ d.dump(config) }} {{ page_path }} {{ base_path }}
{% if body is defined %}{{ body }}{% endif %}
{% for article in articles|default([]) %}{{ entry(article) }}{% endfor %}
<!-- VERSION -->
"""
TEMPLATES = ("list.html", "article.html", "terms.html", "edition.html", "archive.html", "feeds.html",
             "search.html", "404.html")
WORDS = st.sampled_from(
    ["rare", "earth", "magnet", "talks", "border", "trade", "port", "strike", "Delhi", "Beijing"]
)
TITLES = st.lists(WORDS, min_size=1, max_size=4).map(" ".join)
TAGS = st.lists(
    st.sampled_from(["China", "Magnets", "Ports", "ports", "Supply chains"]), max_size=3, unique=True
)
DAYS = st.integers(min_value=1, max_value=40)


def snapshot(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


class EditsThenBuilds(RuleBasedStateMachine):
    @initialize(ahead=st.booleans())
    def make_site(self, ahead):
        self.work = Path(tempfile.mkdtemp(prefix="cached-cold-"))
        self.site = self.work / "site"
        shutil.copytree(FIXTURES / "site", self.site)
        (self.site / "templates" / "partials").mkdir(parents=True)
        (self.site / "templates" / "partials" / "dump.html").write_text(DUMP)
        for name in TEMPLATES:
            (self.site / "templates" / name).write_text(PAGE)
        (self.site / "static").mkdir()
        (self.site / "static" / "extra.css").write_text("body {}\n")
        self.now = NOW
        self.counter = 0
        self.topics = ["rare-earths", "trade"]
        if ahead:
            self.times_in_the_future()

        # Article pages in runs of two or so (see pages._article_runs) and archive pages in runs of two, so
        # that a few articles make several.
        self.runs = [patch.object(pages, "ARTICLE_RUN", 2), patch.object(pages, "ARCHIVE_RUN", 2)]
        for run in self.runs:
            run.start()

    def teardown(self):
        for run in getattr(self, "runs", ()):
            run.stop()
        shutil.rmtree(self.work, ignore_errors=True)

    # The edits.

    def _articles(self) -> list[Path]:
        return sorted((self.site / "content").glob("*.md"))

    def _write(
        self,
        path: Path,
        title: str,
        day: int,
        tags: list[str],
        topics: list[str],
        draft: bool = False,
        summary: str = "",
    ) -> None:
        date = (NOW - timedelta(days=30) + timedelta(days=day)).date().isoformat()
        lines = ["---", f"title: {title!r}", f"date: {date}", f"tags: {tags!r}", f"topics: {topics!r}"]
        lines += [f"summary: {summary!r}"] if summary else []
        lines += ["draft: true"] if draft else []
        path.write_text("\n".join(lines) + f"\n---\n{title} body.\n\nA second paragraph about {title}.\n")

    @rule(title=TITLES, day=DAYS, tags=TAGS, data=st.data())
    def add(self, title, day, tags, data):
        self.counter += 1
        topics = data.draw(st.lists(st.sampled_from(self.topics), max_size=2, unique=True))
        self._write(self.site / "content" / f"new-{self.counter}.md", title, day, tags, topics)

    @rule(data=st.data())
    def delete(self, data):
        if self._articles():
            data.draw(st.sampled_from(self._articles())).unlink()

    @rule(data=st.data())
    def rename(self, data):
        """The same bytes under another name: the slug, and every link to the article, change."""
        if self._articles():
            self.counter += 1
            path = data.draw(st.sampled_from(self._articles()))
            path.rename(path.with_name(f"renamed-{self.counter}.md"))

    @rule(data=st.data(), title=TITLES)
    def retitle(self, data, title):
        if self._articles():
            path = data.draw(st.sampled_from(self._articles()))
            text = path.read_text()
            start = text.index("title:")
            end = text.index("\n", start)
            path.write_text(text[:start] + f"title: {title!r}" + text[end:])

    @rule(data=st.data(), title=TITLES, day=DAYS, tags=TAGS, draft=st.booleans(), summary=TITLES)
    def rewrite(self, data, title, day, tags, draft, summary):
        """Re-tag, re-date, toggle the draft flag and give a new summary, as an editor does in one save."""
        if self._articles():
            topics = data.draw(st.lists(st.sampled_from(self.topics), max_size=2, unique=True))
            self._write(
                data.draw(st.sampled_from(self._articles())), title, day, tags, topics, draft, summary
            )

    @rule()
    def times_in_the_future(self):
        """The articles dated ahead of the clock (copied from a machine whose clock runs fast): no build may
        take their times for their bytes."""
        ahead = time.time_ns() + 86_400 * 10**9
        for path in self._articles():
            os.utime(path, ns=(ahead, ahead))

    @rule(data=st.data())
    def edit_keeping_size_and_time(self, data):
        """A second save within a clock tick of the last build's scan (or of a file dated ahead), keeping the
        file's size and time: the next build reads the file, whose time is too recent to stand for its bytes.
        A time at most 1.9 s before now is within 2 s of that scan, which came before now."""
        recent = [p for p in self._articles() if p.stat().st_mtime_ns >= time.time_ns() - 1_900_000_000]
        if recent:
            path = data.draw(st.sampled_from(recent))
            status = path.stat()
            text = path.read_text()
            # The body's last letter in the other case: the same size, another page.
            last = max(i for i, character in enumerate(text) if character.isascii() and character.isalpha())
            path.write_text(text[:last] + text[last].swapcase() + text[last + 1:])
            os.utime(path, ns=(status.st_atime_ns, status.st_mtime_ns))

    @rule(name=st.sampled_from(["ports", "energy", "border"]))
    def new_topic(self, name):
        if name not in self.topics:
            self.topics.append(name)
            with open(self.site / "site.toml", "a") as toml:
                toml.write(f'\n[[topics]]\nid = "{name}"\nname = "{name.title()}"\n')

    @rule(name=st.sampled_from(TEMPLATES + ("partials/entry.html",)), text=TITLES)
    def edit_template(self, name, text):
        path = self.site / "templates" / name
        source = path.read_text() if path.exists() else (DEFAULT_TEMPLATES / name).read_text()
        path.write_text(source + f"<!-- {text} -->\n")

    @rule(text=TITLES)
    def edit_static(self, text):
        (self.site / "static" / "extra.css").write_text(f"/* {text} */\nbody {{}}\n")

    @rule(days=st.integers(min_value=1, max_value=20))
    def time_passes(self, days):
        self.now += timedelta(days=days)

    @rule(data=st.data())
    def lose_output_file(self, data):
        """A file of the built site deleted by hand: the next build makes it again, though it may have stopped
        listing the folder (missing.py). Not the manifest: without it the folder is no longer the build's,
        and the build refuses it (test_write)."""
        made = [p for p in self._cached_output() if p.is_file() and p.name != MANIFEST]
        if made:
            data.draw(st.sampled_from(made)).unlink()

    @rule()
    def output_ages(self):
        """Folder times an hour old are trusted (those of the last seconds are not): the next build records
        them, and the one after takes them for listings."""
        hour_ago = time.time() - 3600
        for path in self._cached_output():
            if path.is_dir():
                os.utime(path, (hour_ago, hour_ago))

    def _cached_output(self) -> list[Path]:
        """Everything in the cached build's output folder, in a fixed order (none before the first build)."""
        built = self.work / "cached"
        return sorted(built.rglob("*")) if built.exists() else []

    # After every step: the cached build and a cold one write the same bytes.

    @invariant()
    def cached_equals_cold(self):
        if not hasattr(self, "site"):
            return
        config = load_config(self.site)
        options = dict(now=self.now)
        cached = build(config, BuildOptions(output=self.work / "cached", **options))
        warm = self.site / config.cache_dir
        aside = self.work / "warm-cache"
        warm.rename(aside)
        try:
            cold_output = self.work / "cold"
            shutil.rmtree(cold_output, ignore_errors=True)
            cold = build(config, BuildOptions(output=cold_output, **options))
        finally:
            shutil.rmtree(warm, ignore_errors=True)
            aside.rename(warm)
        assert [str(e) for e in cached.errors] == [str(e) for e in cold.errors]
        built, expected = snapshot(self.work / "cached"), snapshot(cold_output)
        assert sorted(built) == sorted(expected)
        stale = [name for name in expected if built[name] != expected[name]]
        assert not stale, f"the cached build left these stale: {stale[:5]}"


# Ten sequences: with six, a build that trusted such a second save unread passed in half the runs; with ten
# it failed in four of five.
EditsThenBuilds.TestCase.settings = settings(max_examples=10, stateful_step_count=12, deadline=None)
test_cached_builds_equal_cold_builds = EditsThenBuilds.TestCase
