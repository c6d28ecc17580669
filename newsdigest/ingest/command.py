"""Ingest raw articles into content/: clean, date, classify, name, deduplicate, write, and report each
input."""

from __future__ import annotations

import hashlib
import re
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import markdown
from slugify import slugify

from ..config import Config, Rules, load_rules
from ..contentfile import INGEST_RECORD, render_content_file
from ..dates import CalendarDay, in_zone
from ..errors import SiteError
from ..files import write_file_atomically
from ..limits import time_limit
from ..markup import MAX_MARKDOWN_BYTES, TYPOGRAPHY, plain_text
from ..parallel import run_indexed
from ..text import without_control_characters, without_unseen_characters
from .extracted import Extracted, block_kind
from .htmlclean import clean_html
from .library import Entry, Library
from .rawinput import HTML_SUFFIXES, MAX_BYTES, TEXT_SUFFIXES, RawInput, read_path, read_stream
from .summary import summary_of
from .textclean import clean_text
from .topics import Assignment, assign_tags, assign_topics

SLUG_MAX_LENGTH = 60
# "Musk's" and "Musk’s" name a file alike: "musks", as slugify spells the curly one.
APOSTROPHES = [["'", ""], ["’", ""], ["ʼ", ""]]
# Extraction takes tens of milliseconds an input: a few inputs are already worth spreading over the cores.
PREPARE_PARALLEL_FROM = 4
# Extraction is linear on real pages; hostile ones (deep nesting, huge lines) get this long.
EXTRACT_SECONDS_BASE = 10.0
EXTRACT_SECONDS_PER_MEGABYTE = 10.0


@dataclass(frozen=True)
class IngestOptions:
    date: date | None = None
    force: bool = False
    dry_run: bool = False
    max_bytes: int = MAX_BYTES


@dataclass
class Outcome:
    source: str
    status: str
    target: str = ""
    detail: str = ""
    text: str = ""

    @property
    def failed(self) -> bool:
        return self.status == "failed"

    def line(self) -> str:
        target = f" -> {self.target}" if self.target else ""
        detail = f" ({self.detail})" if self.detail else ""
        return f"{self.status:<11} {self.source}{target}{detail}"


def ingest(sources: list[str], config: Config, options: IngestOptions = IngestOptions()) -> list[Outcome]:
    """Ingest every source (a file, a folder of .txt/.html files, or '-' for standard input) in order.

    Reading, extracting, dating and classifying are each input's own work and run spread over the cores;
    finding duplicates, naming and writing follow in input order. Whatever goes wrong with one input is one
    failed outcome naming it (and the stage, for a failure in newsdigest); the run goes on, and a failed
    input changes nothing in content/.
    """
    return ingest_inputs(list(_inputs(sources, options.max_bytes)), config, options)


def ingest_inputs(inputs: list[tuple[str, Callable[[], RawInput]]], config: Config,
                  options: IngestOptions = IngestOptions(),
                  library: Library | None = None) -> list[Outcome]:
    """Ingest inputs given as a name and a reader each (files, standard input, fetched pages), against the
    content folder's articles (`library`, read here when not given)."""
    prepared: list[Prepared | Outcome | None] = [None] * len(inputs)
    rules = load_rules(config)

    def prepare_one(index: int) -> tuple[int, Prepared | Outcome]:
        name, read = inputs[index]
        return index, _failures_as_outcomes(name, lambda: prepare(read, config, rules, options))

    for chunk in run_indexed(prepare_one, len(inputs), min_items=PREPARE_PARALLEL_FROM):
        for index, result in chunk:
            prepared[index] = result
    own = library is None
    library = library or Library.load(config, options.dry_run)
    try:
        return [_failures_as_outcomes(result.name, lambda result=result: store(result, options, library))
                if isinstance(result, Prepared) else result for result in prepared]
    finally:
        if own:
            library.close()


def _failures_as_outcomes(name: str, work: Callable[[], Prepared | Outcome]) -> Prepared | Outcome:
    try:
        return work()
    except SiteError as error:
        return Outcome(name, "failed", detail=f"{error.problem} -- {error.hint}")
    except StageError as error:
        return Outcome(name, "failed", detail=str(error))


class StageError(Exception):
    """An unexpected failure in one stage of ingesting one input: a page newsdigest could not handle."""

    def __init__(self, stage: str, cause: BaseException):
        self.stage, self.cause = stage, cause
        super().__init__(f"{stage}: {type(cause).__name__}: {str(cause)[:200] or 'no detail'}"
                         + ("" if isinstance(cause, (OSError, TimeoutError)) else
                            " -- newsdigest could not handle this input; please report it with the file"))


@contextmanager
def _stage(name: str) -> Iterator[None]:
    try:
        yield
    except (SiteError, StageError):
        raise
    except OSError as error:
        raise SiteError("", f"cannot {name} it: {error.strerror or error}", "check the file and the folder") \
            from None
    except Exception as error:
        raise StageError(name, error) from error


def _inputs(sources: list[str], limit: int) -> Iterator[tuple[str, Callable[[], RawInput]]]:
    for source in sources:
        if source == "-":
            # Read here: worker processes have no standard input.
            try:
                stdin = read_stream(sys.stdin.buffer, limit)
                yield "<stdin>", lambda stdin=stdin: stdin
            except SiteError as error:
                yield "<stdin>", lambda error=error: _raise(error)
            continue
        path = Path(source)
        if path.is_dir():
            # Not only regular files: a device or a pipe named like a page is one line of the report.
            files = sorted(
                p
                for p in path.rglob("*")
                if not p.is_dir() and p.suffix.lower() in HTML_SUFFIXES | TEXT_SUFFIXES
            )
            for file in files:
                yield str(file), lambda file=file: read_path(file, limit)
        elif path.exists():
            yield str(path), lambda path=path: read_path(path, limit)
        else:
            yield (
                str(path),
                lambda path=path: _raise(SiteError(path, "no such file or folder", "check the path")),
            )


def _raise(error: Exception) -> RawInput:
    raise error


@dataclass(frozen=True)
class Prepared:
    """An input made into an article, not yet compared with the library, named or written."""

    name: str
    sha256: str
    title: str
    body: str
    fields: dict[str, Any]
    detail: str


def prepare(read: Callable[[], RawInput], config: Config, rules: Rules, options: IngestOptions) -> Prepared:
    """Read, extract, date and classify one input: its own work only, so inputs can be prepared in
    parallel."""
    with _stage("read"):
        raw = read()
    with (
        _stage("extract"),
        time_limit(
            EXTRACT_SECONDS_BASE + EXTRACT_SECONDS_PER_MEGABYTE * len(raw.data) / 1e6,
            lambda: TimeoutError("extraction took too much processor time"),
        ),
    ):
        text = without_control_characters(raw.text)
        extracted = clean_html(text, raw.name) if raw.is_html else clean_text(text, raw.name)
    if not extracted.title:
        raise SiteError(raw.name, "no headline found", "put the headline on the first line, then the body")
    with _stage("date"):
        moment, date_note = _article_date(extracted, raw, options, config)
    with _stage("classify"):
        body = markdown_body(extracted.paragraphs)
        size = len(body.encode("utf-8"))
        if size > MAX_MARKDOWN_BYTES:
            raise SiteError(raw.name, f"the article's text is {size / 1e6:.1f} MB, more than a build takes "
                            f"({MAX_MARKDOWN_BYTES / 1e6:.0f} MB)", "give the article's own page or text")
        sha256 = hashlib.sha256(raw.data).hexdigest()
        body_text = "\n".join(extracted.paragraphs)
        topics = _with_source_given(assign_topics(extracted.title, body_text, rules), raw.origin.topics)
        tags = _with_source_given(assign_tags(extracted.title, body_text, rules), raw.origin.tags)
        if raw.origin.url:
            extracted.source_url = raw.origin.url
        fields = _front_matter(extracted, moment, raw, sha256, topics, tags)
    detail = f"date: {date_note}; encoding: {raw.encoding}" + "".join(
        f"; {kind}: {', '.join(str(found) for found in found_list)}"
        for kind, found_list in (("topics", topics), ("tags", tags)) if found_list)
    return Prepared(raw.name, sha256, extracted.title, body, fields, detail)


def store(prepared: Prepared, options: IngestOptions, library: Library) -> Outcome:
    """Compare a prepared article with the library, name it and write it (unless it is a duplicate)."""
    with _stage("name"):
        body = without_unseen_characters(prepared.body)  # as it is written, and read again later
        existing = library.same_story(prepared.sha256, body)
        target = existing.path if existing else library.free_path(
            slugify(prepared.title, max_length=SLUG_MAX_LENGTH, word_boundary=True, save_order=True,
                    replacements=APOSTROPHES)
            or f"article-{prepared.sha256[:8]}")
        text = render_content_file(prepared.fields, body)
    if existing and not options.force:
        why = "the same file" if existing.sha256 == prepared.sha256 else "the same story, saved again"
        return Outcome(prepared.name, "duplicate", existing.relative, f"{why}; --force to replace it")
    detail = prepared.detail
    if existing and existing.edited:
        detail += "; it had been edited by hand, and --force replaced it"
    status = "would write" if options.dry_run else ("replaced" if existing else "written")
    if not options.dry_run:
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            write_file_atomically(target, text.encode("utf-8"))
        except OSError as error:
            raise SiteError(
                prepared.name,
                f"cannot write {library.relative(target)}: {error.strerror or error}",
                "free some disk space or check the content folder's permissions; nothing was changed there",
            ) from None
    library.add(Entry.written(target, library.root, text, prepared.fields, body),
                written=not options.dry_run)
    return Outcome(prepared.name, status, library.relative(target), detail, text)


def _with_source_given(found: list[Assignment], names: tuple[str, ...]) -> list[Assignment]:
    """The assignments of the rules, and those that the input's source gives all its articles."""
    assigned = {a.name for a in found}
    given = [Assignment(name, ("given by its source",)) for name in names if name not in assigned]
    return found + given


def _article_date(
    extracted: Extracted, raw: RawInput, options: IngestOptions, config: Config
) -> tuple[datetime | date, str]:
    """The article's own date, else the date its source listed it with, else --date, else the file's
    modification time, else now; and which it was."""
    found = extracted.date
    if found:
        if isinstance(found, datetime):
            found = in_zone(found, config.zone)
        return found, f"from the article ({extracted.date_found_in})"
    listed = raw.origin.listed
    if listed:
        return (listed.date() if isinstance(listed, CalendarDay) else
                listed.astimezone(config.zone).replace(microsecond=0)), "the date its source listed"
    if options.date:
        return options.date, "given with --date"
    if raw.modified:
        return raw.modified.astimezone(config.zone).replace(microsecond=0), "the file's modification time"
    return datetime.now(UTC).astimezone(config.zone).replace(microsecond=0), "the time of ingest"


def _front_matter(extracted: Extracted, moment: datetime | date, raw: RawInput, sha256: str,
                  topics: list[Assignment], tags: list[Assignment]) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "title": extracted.title,
        "date": moment,
        "dateline": extracted.dateline,
        "source": extracted.publisher,
        "credit": extracted.credit,
        "author": extracted.author,
        "source_url": extracted.source_url if re.match(r"^https?://", extracted.source_url) else "",
        "topics": [found.name for found in topics],
        "tags": [found.name for found in tags],
        "summary": typographic(summary_of(extracted, extracted.language)),
    }
    fields = {key: value for key, value in fields.items() if value not in ("", None)}
    fields[INGEST_RECORD] = {"url" if raw.origin.url else "file": raw.name, "sha256": sha256}
    return fields


_ESCAPED = re.compile(r"([\\`*_\[\]<])")
_BLOCK_START = re.compile(r"^(\s*)([#>+-])")
_ORDERED_START = re.compile(r"^(\s*\d+)([.)])")


_BLOCK_PREFIX = {"heading": "## ", "quote": "> ", "ul": "- ", "ol": "1. "}


_local = threading.local()


def typographic(text: str) -> str:
    """Curly quotes, dashes and ellipses in plain text, as Python-Markdown's smarty would make them in a body.

    Ingest writes them into the content, so the summary and the body agree and the build need not do it.
    """
    return typographic_all([text])[0]


_ONE_PARAGRAPH = re.compile(r"<p>(.*)</p>")


# Markdown's own inline patterns that text through markdown_escape cannot meet (its brackets, backticks,
# stars, underscores and '<' are escaped): tried at every character all the same, they were a fifth to a third
# of ingest's typography. Kept: backslash escapes, entities, and line breaks (a text of several lines is
# converted alone).
ESCAPED_AWAY = ("backtick", "reference", "link", "image_link", "image_reference", "short_reference",
                "short_image_ref", "autolink", "automail", "html", "em_strong")


def typography_converter() -> markdown.Markdown:
    """Python-Markdown with smarty, for escaped text: as the build's `typography` setting converts it."""
    converter = markdown.Markdown(extensions=[TYPOGRAPHY], output_format="html")
    for name in ESCAPED_AWAY:
        converter.inlinePatterns.deregister(name)
    return converter


def typographic_all(texts: list[str], converter: markdown.Markdown | None = None) -> list[str]:
    """typographic() of each text, in one Markdown run: a run costs more than the text of one paragraph."""
    if converter is None:
        converter = getattr(_local, "smarty", None) or typography_converter()
        _local.smarty = converter
    marked = [i for i, text in enumerate(texts) if any(mark in text for mark in "'\"-.")]
    sources = [markdown_escape(texts[i]) for i in marked]
    # Blank lines part the texts; a text that Markdown reads as anything but one paragraph is left as it was.
    batch = [] if any("\n" in source for source in sources) else \
        converter.reset().convert("\n\n".join(sources)).split("\n") if sources else []
    results = list(texts)
    if len(batch) == len(marked) and all(_ONE_PARAGRAPH.fullmatch(line) for line in batch):
        for i, line in zip(marked, batch):
            results[i] = plain_text(line) or texts[i]
        return results
    for i, source in zip(marked, sources):
        converted = plain_text(converter.reset().convert(source)).strip()
        results[i] = converted if converted and "\n" not in converted else texts[i]
    return results


def markdown_body(paragraphs: list[str]) -> str:
    """The body as Markdown: each block's text literal, its kind kept (## heading, > quote, lists, tables)."""
    texts = iter(typographic_all([text for paragraph in paragraphs for text in _texts_of(paragraph)]))
    chunks: list[str] = []
    previous = ""
    for paragraph in paragraphs:
        kind = block_kind(paragraph)
        if kind == "table":
            chunk = _markdown_table([[next(texts) for _ in row] for row in paragraph.rows])
        else:
            chunk = _BLOCK_PREFIX.get(kind, "") + markdown_escape(next(texts))
        # Items of one list are one block: a blank line between them would make a loose list.
        chunks.append(("\n" if kind in ("ul", "ol") and kind == previous else "\n\n") + chunk)
        previous = kind
    return "".join(chunks).lstrip("\n")


def _texts_of(paragraph: str) -> list[str]:
    if block_kind(paragraph) == "table":
        return [cell for row in paragraph.rows for cell in row]
    return [paragraph]


def _markdown_table(rows: list[list[str]]) -> str:
    width = max(len(row) for row in rows)
    cells = [[markdown_escape(cell).replace("|", "\\|") for cell in row] + [""] * (width - len(row))
             for row in rows]
    lines = ["| " + " | ".join(row) + " |" for row in cells]
    return "\n".join([lines[0], "|" + "---|" * width, *lines[1:]])


def markdown_escape(paragraph: str) -> str:
    """Scraped text is literal: no character of it may turn into Markdown or HTML."""
    text = re.sub(r"&(?=#?\w+;)", "&amp;", paragraph)
    text = _ESCAPED.sub(lambda m: "&lt;" if m.group(1) == "<" else "\\" + m.group(1), text)
    text = _BLOCK_START.sub(r"\1\\\2", text)
    return _ORDERED_START.sub(r"\1\\\2", text)
