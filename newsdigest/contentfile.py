"""The content file: YAML front matter between '---' lines, then the Markdown body. Its fields in the order
ingest writes them, the one reader (used by the build, ingest's library and retag) and the one writer (ingest
and retag), with the digest that tells a file edited by hand since ingest wrote it."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from functools import cache
from typing import Any

from .text import without_unseen_characters


@dataclass(frozen=True)
class FrontMatterField:
    name: str
    required: bool
    doc: str


# The fields the build reads, in the order ingest and retag write them. Any other field is given to templates
# as it is (`article.extra.KEY`), ingest's own record INGEST_RECORD among them.
F = FrontMatterField
FIELDS: tuple[FrontMatterField, ...] = (
    F("title", True, "the headline"),
    F("date", True, "`2025-06-12`, `2025-06-12T09:30:00` or `2025-06-12T09:30:00+05:30`; without a zone the "
      "site's `timezone` applies. A day without a time stays that day for every reader from UTC−11 to "
      "UTC+11 (feeds and the sitemap carry it as noon UTC; pages show the day alone); a time given is kept "
      "exactly and shown in the site's zone"),
    F("dateline", False, 'the place line ("New Delhi/Beijing")'),
    F("source", False, "the publisher"),
    F("credit", False, 'the wire service ("PTI", "IBNS")'),
    F("author", False, "the reporter"),
    F("source_url", False, "the address of the original article (absolute `https://…`)"),
    F("topics", False, "a list of topic ids from `site.toml`"),
    F("tags", False, "a list of free tags; tags that differ only in case or punctuation are one tag (named "
      "by its most used spelling), and an article that lists one twice (`AI`, `ai`) keeps its first "
      "spelling"),
    F("summary", False, "a sentence or two for lists and feeds; without it the first paragraph serves. A "
      'story saved without its text shows its summary and "Read at <publisher>"; one with only a headline '
      "(no text, summary or `source_url`) is listed without a link, marked \"headline only\", never leads "
      "the front page, and has no page or feed item; search finds it"),
    F("story", False, "a name shared by the articles that report one event: they are one story whatever "
      "their words, and no other article joins them (give an article a name of its own to keep it out of a "
      "story it was put in); without it, articles whose headline and lead are alike are one story, which "
      "takes articles for `story_days` days after its first"),
    F("updated", False, "when the article was last changed, in the same forms as `date`"),
    F("draft", False, "`true` keeps the article out of the site unless `--drafts` is given"),
    F("slug", False, "the page's name: lowercase letters, digits, `-` and `_` (else the content file's "
      "name)"),
    F("guid", False, "the article's identity in feeds; by default it is derived from the slug, so a new "
      "title or base URL does not make feed readers see a new item"),
)
del F
FIELD_NAMES = frozenset(item.name for item in FIELDS)
INGEST_RECORD = "ingested_from"

# Front matter nested deeper than this is refused before YAML composes it (see _check_nesting).
MAX_YAML_DEPTH = 100
NESTING_HINT = "nest its lists and maps less deep"
_YAML_QUOTED = re.compile(r"'[^']*'|\"(?:\\.|[^\"\\])*\"")
_YAML_ITEM_MARKS = re.compile(r"(?:[-?](?: +|$))*")
_YAML_BRACKETS = re.compile(r"[\[\]{}]")


def read_front_matter(text: str) -> tuple[dict[str, Any], str]:
    """A content file's fields (none where its front matter is no mapping) and its body. Raises PyYAML's
    errors, and ValueError for a timestamp that is no date."""
    import frontmatter

    post = frontmatter.loads(text, handler=yaml_handler())
    return post.metadata, post.content


@cache
def yaml_handler() -> Any:
    """python-frontmatter's YAML handler on libyaml's loader where PyYAML has it: the same YAML, faster.

    Made, and the two libraries imported, when first needed: a build that parses nothing does without them.
    """
    import frontmatter
    import yaml

    class FastYAMLHandler(frontmatter.YAMLHandler):
        def load(self, fm: str, **kwargs: Any) -> Any:
            _check_nesting(fm)
            return yaml.load(fm, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))

    return FastYAMLHandler()


def _check_nesting(fm: str) -> None:
    """Refuse front matter nested deeper than MAX_YAML_DEPTH as a YAML error, measured on the text before YAML
    reads it: libyaml composes nodes by recursion in C (nesting a hundred thousand levels deep overflowed its
    stack and killed the process), and PyYAML's own limits differ from release to release.

    A level is a line indented deeper than the one that holds it, an item's '- ' or '? ' mark, or a '[' or
    '{' left open outside quotes: YAML nests no deeper than these count. fm's line 0 ends the '---' line."""
    import yaml

    # Each level opens with a bracket, a dash, a question mark or a new line: text with fewer of them
    # than the limit cannot reach it, and needs no scan (nearly all front matter).
    if sum(fm.count(mark) for mark in "[{-?\n") < MAX_YAML_DEPTH:
        return
    indents: list[int] = []
    flow = 0
    for number, line in enumerate(fm.split("\n")):
        text = _YAML_QUOTED.sub("", line).split(" #", 1)[0]
        items = 0
        if not flow:  # a line inside an open bracket holds no block structure
            body = text.lstrip(" ")
            if not body or body.startswith("#"):
                continue
            indent = len(text) - len(body)
            while indents and indents[-1] >= indent:
                indents.pop()
            indents.append(indent)
            items = len(_YAML_ITEM_MARKS.match(body).group().split())
        deepest = flow
        for bracket in _YAML_BRACKETS.findall(text):
            flow = flow + 1 if bracket in "[{" else max(0, flow - 1)
            deepest = max(deepest, flow)
        if len(indents) + items + deepest > MAX_YAML_DEPTH:
            raise yaml.MarkedYAMLError(problem=f"nested more than {MAX_YAML_DEPTH} levels deep",
                                       problem_mark=yaml.Mark("<front matter>", 0, number, 0, None, None),
                                       note=NESTING_HINT)


def _dumper() -> Any:
    """libyaml's dumper where PyYAML has it: the same YAML, several times faster than the pure-Python one."""
    import yaml

    return getattr(yaml, "CSafeDumper", yaml.SafeDumper)


def render_content_file(fields: dict[str, Any], body: str) -> str:
    """The content file: the fields in FIELDS' order, any others after them, and ingest's record last, with a
    digest of what was written so that later edits by hand can be told."""
    fields, body = _without_unseen_characters(fields), without_unseen_characters(body)
    record = fields.pop(INGEST_RECORD)
    fields = {**{item.name: fields[item.name] for item in FIELDS if item.name in fields},
              **{key: value for key, value in fields.items() if key not in FIELD_NAMES}}
    fields[INGEST_RECORD] = {**record, "digest": content_digest(fields, body)}
    import yaml

    dumped = yaml.dump(fields, Dumper=_dumper(), sort_keys=False, allow_unicode=True, width=10_000)
    return f"---\n{dumped}---\n{body}\n"


def _without_unseen_characters(value: Any) -> Any:
    """Control characters and invisible hints out of every text of the front matter (YAML would keep control
    characters as escapes)."""
    if isinstance(value, str):
        return without_unseen_characters(value)
    if isinstance(value, dict):
        return {key: _without_unseen_characters(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_without_unseen_characters(item) for item in value]
    return value


def content_digest(fields: dict[str, Any], body: str) -> str:
    import yaml

    relevant = {k: v for k, v in fields.items() if k != INGEST_RECORD}
    # Through YAML and back, so that the digest of a file read later is computed from the same values.
    relevant = yaml_handler().load(yaml.dump(relevant, Dumper=_dumper(), allow_unicode=True)) or {}
    payload = json.dumps(relevant, sort_keys=True, default=str, ensure_ascii=False) + "\n" + body.strip()
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:16]
