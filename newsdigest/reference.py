"""The settings' reference (docs/settings.md) and the starter site.toml, both written from the declarations in
config.py: `python -m newsdigest.reference` writes the first, `init` the second."""

from __future__ import annotations

import json
import textwrap
from collections.abc import Mapping
from dataclasses import Field
from pathlib import Path
from types import MappingProxyType

from .config import Config, FetchSettings, MatchRule, Source, TagRule, Topic, declared, default_of
from .content import MAX_EXTRA_DEPTH, MAX_EXTRA_VALUES
from .contentfile import FIELDS, INGEST_RECORD

DOCS = Path(__file__).resolve().parents[1] / "docs"
# The sections of site.toml: heading, how it is written, and the dataclasses declaring its settings.
SECTIONS: tuple[tuple[str, str, tuple[type, ...]], ...] = (
    ("The build's settings", "at the top of site.toml", (Config,)),
    ("Topics", "each a `[[topics]]` table; its match settings are the rule by which `ingest` and `retag` "
     "give an article the topic", (Topic, MatchRule)),
    ("Tag rules", "each a `[[tags]]` table, a rule by which `ingest` and `retag` give an article the tag",
     (TagRule,)),
    ("Sources", "each a `[[sources]]` table, a list of articles that `fetch` follows", (Source,)),
    ("How fetch behaves", "the `[fetch]` table", (FetchSettings,)),
)


def toml_value(value: object) -> str:
    """A default as site.toml writes it."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (Mapping, MappingProxyType)):
        return "{ " + ", ".join(f"{json.dumps(k)} = {v}" for k, v in value.items()) + " }" if value else "{}"
    if isinstance(value, tuple):
        return "[" + ", ".join(toml_value(item) for item in value) + "]"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, int):
        return f"{value}"
    return json.dumps(value, ensure_ascii=False)


def _settings_of(kinds: tuple[type, ...]) -> list[Field]:
    """The settings the dataclasses declare, each once: a subclass's own declaration (a tag's threshold)
    replaces its parent's."""
    found: dict[str, Field] = {}
    for kind in kinds:
        for item in declared(kind):
            found[item.name] = item
    return list(found.values())


def settings_markdown() -> str:
    """docs/settings.md: each section of site.toml, its settings with their defaults and what they do."""
    lines = ["# site.toml reference", "",
             "Every setting has a default; an unknown setting or a wrong type stops the build (or, for a "
             "source, makes it a `failed` line of `fetch`) with the file, the line and what to write "
             "instead. A build reads only its own settings and the topics' names: a change to a rule, a "
             "source or `[fetch]` rebuilds nothing.", "",
             "This page is written from the declarations in `newsdigest/config.py` by "
             "`python -m newsdigest.reference`.", ""]
    for heading, how, kinds in SECTIONS:
        lines += [f"## {heading}", "", how[0].upper() + how[1:] + ".", "", "| setting | default | meaning |",
                  "|---|---|---|"]
        for item in _settings_of(kinds):
            default = "required" if item.metadata["required"] else f"`{toml_value(default_of(item))}`"
            lines.append(f"| `{item.name}` | {default} | {item.metadata['doc']} |")
        lines.append("")
    return "\n".join(lines)


def front_matter_markdown() -> str:
    """docs/front-matter.md: the fields of a content file."""
    lines = ["# Front matter reference", "",
             "An article is a Markdown file in `content/` that starts with YAML front matter between `---` "
             "lines. `ingest` writes its fields in this order; `retag` keeps it.", "",
             "This page is written from `FIELDS` in `newsdigest/contentfile.py` by "
             "`python -m newsdigest.reference`.", "", "| field | required | meaning |", "|---|---|---|"]
    lines += [f"| `{item.name}` | {'yes' if item.required else 'no'} | {item.doc} |" for item in FIELDS]
    lines += ["", "Any other key is kept and reachable from templates as `article.extra.KEY`, nested at most "
              f"{MAX_EXTRA_DEPTH} levels deep and holding at most {MAX_EXTRA_VALUES:,} values (YAML anchors "
              f"counted each time they repeat). `ingest` records where an article came from in "
              f"`{INGEST_RECORD}` (the page's address or file, the sha256 of its bytes, and a digest of what "
              "it wrote, by which `retag` and `ingest --force` tell a file edited by hand).", "",
              "The body is Markdown (Python-Markdown) with tables, footnotes, fenced code and `id`s on "
              "headings. Punctuation is shown as written: write “curly quotes”, dashes (–, —) and ellipses "
              "(…) in the file, as `ingest` does, or set `typography = true` to have the build make them "
              "from straight ones. Raw HTML in a body is sanitised (see [security.md](security.md)).", ""]
    return "\n".join(lines)


DOCUMENTS = {"settings.md": settings_markdown, "front-matter.md": front_matter_markdown}


_STARTER_TOPICS = """
# Topics: each has a page and feeds. `ingest` gives an article a topic when its rule matches: the weights of
# the phrases it finds (three times at most each, and `headline_weight` times in the headline) reach
# `threshold`; every group of `all` has a phrase in the text; no phrase of `none` is there. A phrase with a
# capital letter matches only in that case ("REE" but not "free"). Replace this example with your own.
[[topics]]
id = "example-topic"
name = "Example topic"
description = "What this topic follows."
threshold = 3
# headline_weight = 2
# all = [["India", "Indian"], ["China", "Chinese"]]
# none = ["cricket"]
keywords = { "rare earth" = 2, "rare earths" = 2, "magnet" = 1, "magnets" = 1 }

# Tags: names given by rules the same way (default threshold 2).
# [[tags]]
# name = "export-controls"
# keywords = { "export controls" = 2, "export ban" = 2 }

# Sources that `fetch` follows (see docs/fetch.md): a feed (RSS, Atom, JSON Feed), a sitemap or a text file of
# links. The Pages workflow fetches them once a day and commits the new articles to content/.
# [[sources]]
# url = "https://www.example-news.com/topics/rare-earths/rss"
# topics = ["example-topic"]     # added to every article from this source
# include = "rare.earth|magnet"  # a regular expression on an item's URL or title; exclude = "..." leaves out
# limit = 30                     # new items taken in one run
"""


def _commented(items: list[Field]) -> list[str]:
    """Each setting as a line of its own, commented out at its default unless the starter sets it, after a
    comment with its doc."""
    lines = []
    for item in items:
        lines += textwrap.wrap(item.metadata["doc"], 110, initial_indent="# ", subsequent_indent="# ")
        starter = item.metadata["starter"]
        lines.append(f"{item.name} = {starter}" if starter else
                     f"# {item.name} = {toml_value(default_of(item))}")
    return lines


def starter_site_toml() -> str:
    """A new digest's site.toml: every build setting with its doc, an example topic, and fetch's settings."""
    lines = [
        "# Your digest's settings. Every setting has a default; docs/settings.md in newsdigest's repository",
        "# describes each. Uncomment a line to change it.",
        "",
    ]
    lines += _commented(declared(Config))
    lines += _STARTER_TOPICS.splitlines()
    lines += ["", "# How fetch treats the sites it reads.", "# [fetch]"]
    lines += _commented(declared(FetchSettings))
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    for name, make in DOCUMENTS.items():
        (DOCS / name).write_text(make(), encoding="utf-8")
        print(f"wrote {DOCS / name}")
