"""Markdown to safe HTML within per-article limits, and the plain-text facts taken from the HTML."""

from __future__ import annotations

import importlib
import math
import re
import threading
from typing import Any

import nh3
from markupsafe import Markup

from .limits import time_limit

EXTENSIONS = ["tables", "footnotes", "toc", "fenced_code", "sane_lists"]
# Curly quotes, dashes and ellipses made from straight ones at every build (the site setting `typography`).
# Off by default: ingest writes them into the content, and this extension is about half of Markdown's cost.
TYPOGRAPHY = "smarty"
_FIRST_PARAGRAPH = re.compile(r"<p>(.*?)</p>", re.DOTALL)
# What each inline pattern of Python-Markdown (3.5 to 3.11) and its footnotes needs in a text to match there:
# one of these strings. A text holding none of its patterns' needs comes out of the inline stage as it went
# in. The stage tries every pattern on every text, half of converting a news body as profiled; passing such
# texts by takes a fifth to a third off converting one (see pass_plain_text).
INLINE_PATTERN_NEEDS = {
    "backtick": ("`",), "escape": ("\\",), "reference": ("[",), "link": ("[",), "image_link": ("[",),
    "image_reference": ("[",), "short_reference": ("[",), "short_image_ref": ("[",), "footnote": ("[",),
    "autolink": ("<",), "automail": ("<",), "html": ("<",), "entity": ("&",), "not_strong": ("*", "_"),
    "em_strong": ("*", "_"), "em_strong2": ("*", "_"), "linebreak": ("  \n",),
}
# The block processors of Python-Markdown (3.5 to 3.11) with the build's extensions. To every one of them, a
# block of one line that starts with a letter is a paragraph: the others need two lines (tables, Setext
# headings), a line that starts with a space, a tab or a mark (code, lists, quotes, `#` headings, rules,
# references and notes), or an empty block. Most blocks of a news body are such paragraphs.
PARAGRAPH_ONLY_PROCESSORS = frozenset(
    {
        "empty",
        "indent",
        "code",
        "table",
        "hashheader",
        "setextheader",
        "hr",
        "olist",
        "ulist",
        "quote",
        "footnote",
        "reference",
        "paragraph",
    }
)
_local = threading.local()

# A body larger than this is no article; Markdown's cost on hostile input grows faster than its size.
MAX_MARKDOWN_BYTES = 2_000_000
# The shapes on which Python-Markdown recurses or turns quadratic, bounded by the build before it converts, so
# that a hostile body meets the same limit whichever Markdown release is installed. No news body nears them.
MAX_NESTING = 50  # lists and quotes within one another on a line (its markers, and its indentation by fours)
MAX_BRACKET_DEPTH = 20  # square brackets open within one another in a paragraph
# link targets `](` left open in a paragraph: each is sought to the paragraph's end
MAX_OPEN_LINK_TARGETS = 20
# What is still slow within those shapes is stopped after this much processor time.
SECONDS_BASE = 0.5
SECONDS_PER_MEGABYTE = 5.0

# What a news body may hold: text structure, tables, figures and images, links, footnotes. Nothing that
# runs (script, handlers, javascript: links), loads a frame, or restyles the page.
ALLOWED_TAGS = {
    "p",
    "br",
    "hr",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "ul",
    "ol",
    "li",
    "dl",
    "dt",
    "dd",
    "blockquote",
    "q",
    "cite",
    "pre",
    "code",
    "kbd",
    "samp",
    "var",
    "em",
    "strong",
    "b",
    "i",
    "u",
    "s",
    "del",
    "ins",
    "mark",
    "small",
    "sub",
    "sup",
    "abbr",
    "time",
    "span",
    "div",
    "table",
    "thead",
    "tbody",
    "tfoot",
    "tr",
    "th",
    "td",
    "caption",
    "colgroup",
    "col",
    "figure",
    "figcaption",
    "img",
    "a",
}
ALLOWED_ATTRIBUTES = {
    "*": {"id", "class", "title", "lang", "dir"},
    "a": {"href"}, "img": {"src", "alt", "width", "height", "loading"},
    "th": {"colspan", "rowspan", "style", "align"}, "td": {"colspan", "rowspan", "style", "align"},
    "ol": {"start", "type", "reversed"}, "li": {"value"}, "time": {"datetime"}, "blockquote": {"cite"},
    "q": {"cite"}, "del": {"cite", "datetime"}, "ins": {"cite", "datetime"}, "col": {"span"},
}
_SANITIZER = nh3.Cleaner(
    tags=ALLOWED_TAGS,
    clean_content_tags={"script", "style"},
    attributes=ALLOWED_ATTRIBUTES,
    url_schemes={"http", "https", "mailto"},
    link_rel=None,
    filter_style_properties={"text-align"},
)


# The start of a line's list and quote markers; a line that starts with a letter has none.
_CONTAINER_PREFIX = re.compile(r"^[ \t]*(?:(?:>|[-*+](?=[ \t])|\d{1,9}[.)](?=[ \t]))[ \t]*)+", re.MULTILINE)
_CONTAINER_MARKER = re.compile(r">|[-*+](?=[ \t])|\d{1,9}[.)](?=[ \t])")
# What the bracket limits count: escapes (passed by), link targets, brackets, closing parentheses, paragraph
# ends.
_BRACKET_EVENT = re.compile(r"\\.|\]\(|[\[\])]|\n[ \t]*(?=\n)")


class MarkupLimitError(Exception):
    """A body that Markdown cannot turn into HTML within the per-article limits; says which limit, and the
    body's line (from 1) where one is known."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.line = line


def markdown_to_html(text: str, raw_html: bool = False, typography: bool = False) -> str:
    """One article body as HTML, sanitised unless the site trusts its authors' raw HTML, with typographic
    punctuation made from straight quotes and dashes when `typography` asks for it.

    Raises MarkupLimitError for a body too large, nested too deep or taking too long.
    """
    size = len(text.encode("utf-8", "surrogatepass"))
    if size > MAX_MARKDOWN_BYTES:
        raise MarkupLimitError(f"the body is {size / 1e6:.1f} MB; an article may have at most "
                               f"{MAX_MARKDOWN_BYTES / 1e6:.0f} MB")
    check_shape(text)
    converter = markdown_converter(typography)
    try:
        seconds = SECONDS_BASE + SECONDS_PER_MEGABYTE * size / 1e6
        with time_limit(seconds, lambda: MarkupLimitError(
                f"converting the Markdown took over {seconds:.1f} s of processor time (runs of brackets or "
                "unclosed links make Python-Markdown slow)")):
            html = converter.reset().convert(text)
    except RecursionError:
        _converters().pop(typography)
        raise MarkupLimitError("lists or quotes are nested too deeply to convert") from None
    except MarkupLimitError:
        _converters().pop(typography)  # stopped mid-conversion, its state is not to be trusted
        raise
    return html if raw_html else _SANITIZER.clean(html)


def check_shape(text: str) -> None:
    """Raise MarkupLimitError, with its line, for a body nested or bracketed beyond the limits above."""
    for match in _CONTAINER_PREFIX.finditer(text):
        prefix = match.group().expandtabs(4)
        indent = len(prefix) - len(prefix.lstrip(" "))
        depth = len(_CONTAINER_MARKER.findall(prefix)) + indent // 4
        if depth > MAX_NESTING:
            raise MarkupLimitError(
                f"lists or quotes are nested {depth} deep; at most {MAX_NESTING} levels are converted",
                _line_at(text, match.start()),
            )
    depth = open_targets = 0
    for match in _BRACKET_EVENT.finditer(text):
        event = match.group()
        if event == "[":
            depth += 1
            if depth > MAX_BRACKET_DEPTH:
                raise MarkupLimitError(f"square brackets are open more than {MAX_BRACKET_DEPTH} deep in one "
                                       "paragraph", _line_at(text, match.start()))
        elif event == "]":
            depth = max(0, depth - 1)
        elif event == "](":
            depth, open_targets = max(0, depth - 1), open_targets + 1
            if open_targets > MAX_OPEN_LINK_TARGETS:
                raise MarkupLimitError(
                    f"more than {MAX_OPEN_LINK_TARGETS} link targets '](' are left without "
                    "their ')' in one paragraph",
                    _line_at(text, match.start()),
                )
        elif event == ")":
            open_targets = max(0, open_targets - 1)
        elif event[0] == "\n":
            depth = open_targets = 0


def _line_at(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def markdown_converter(typography: bool = False) -> Any:
    """This thread's Python-Markdown converter, made on first use (a converter serves one thread at once).

    The first one a process makes loads the extensions; workers forked after it skip that.
    """
    converters = _converters()
    converter = converters.get(typography)
    if converter is None:
        converter = converters[typography] = new_converter(typography)
    return converter


def new_converter(typography: bool, plain_text_passed: bool = True) -> Any:
    """A Python-Markdown converter with the build's extensions (and typography's where asked for), making
    plain paragraphs at once and its inline stage passing by plain text (see make_plain_paragraphs and
    pass_plain_text) unless asked not to."""
    # Imported here: a build that parses nothing (most rebuilds) does without it.
    import markdown

    names = EXTENSIONS + [TYPOGRAPHY] if typography else EXTENSIONS
    # Made from their modules: given by name, Python-Markdown first reads every installed package's entry
    # points (a third of making a converter).
    extensions = [importlib.import_module(f"markdown.extensions.{name}").makeExtension() for name in names]
    converter = markdown.Markdown(extensions=extensions, output_format="html")
    if plain_text_passed:
        make_plain_paragraphs(converter)
        pass_plain_text(converter)
    return converter


def make_plain_paragraphs(converter: Any) -> None:
    """Have the converter's block stage make a paragraph of a one-line block that starts with a letter at
    once, where its block processors are those of PARAGRAPH_ONLY_PROCESSORS, rather than try each processor on
    it in turn (a quarter of converting a news body)."""
    processors = converter.parser.blockprocessors
    if len(processors) != len(PARAGRAPH_ONLY_PROCESSORS) or not all(name in processors
                                                                     for name in PARAGRAPH_ONLY_PROCESSORS):
        return
    import xml.etree.ElementTree as etree

    from markdown.blockprocessors import BlockProcessor

    class PlainParagraph(BlockProcessor):
        def test(self, parent: Any, block: str) -> bool:
            # In a list, Python-Markdown's paragraph processor adds a block to the item's text, not a
            # paragraph.
            return "\n" not in block and block[:1].isalpha() and not self.parser.state.isstate("list")

        def run(self, parent: Any, blocks: list[str]) -> None:
            etree.SubElement(parent, "p").text = blocks.pop(0)

    processors.register(PlainParagraph(converter.parser), "plain-paragraph", 200)


def pass_plain_text(converter: Any) -> None:
    """Have the converter's inline stage pass by the texts that none of its inline patterns can match, where
    every pattern it has is one of INLINE_PATTERN_NEEDS.

    Such texts are marked atomic (as Python-Markdown marks code) just before the inline stage and unmarked
    just after it, so that no later stage (typography's own inline stage, the table of contents) sees a
    difference.
    """
    patterns = converter.inlinePatterns
    known = [name for name in INLINE_PATTERN_NEEDS if name in patterns]
    if len(known) != len(patterns):
        return
    needs = sorted({need for name in known for need in INLINE_PATTERN_NEEDS[name]})

    def found(text: str) -> bool:
        # Each need looked for by `in`: a regular expression of them all took eight times as long.
        return any(need in text for need in needs)

    from markdown.treeprocessors import Treeprocessor
    from markdown.util import AtomicString

    marked: list[tuple[Any, str]] = []

    class MarkPlainText(Treeprocessor):
        def run(self, root: Any) -> None:
            marked.clear()
            for element in root.iter():
                text, tail = element.text, element.tail
                if text and type(text) is str and not found(text):
                    element.text = AtomicString(text)
                    marked.append((element, "text"))
                if tail and type(tail) is str and not found(tail):
                    element.tail = AtomicString(tail)
                    marked.append((element, "tail"))

    class UnmarkPlainText(Treeprocessor):
        def run(self, root: Any) -> None:
            # Read again, not restored from the mark: the inline stage sets a passed tail anew (as it was).
            for element, part in marked:
                setattr(element, part, str(getattr(element, part)))
            marked.clear()

    # Around the inline stage (20): after every stage that adds text for it, before any that reads its output.
    converter.treeprocessors.register(MarkPlainText(converter), "plain-text-marked", 20.5)
    converter.treeprocessors.register(UnmarkPlainText(converter), "plain-text-unmarked", 19.5)


def _converters() -> dict[bool, Any]:
    if not hasattr(_local, "converters"):
        _local.converters = {}
    return _local.converters


def plain_text(html: str) -> str:
    """The text of an HTML fragment, tags removed, entities decoded, whitespace collapsed."""
    return Markup(html).striptags()


def first_paragraph(html: str) -> str:
    match = _FIRST_PARAGRAPH.search(html)
    return plain_text(match.group(1)) if match else ""


def reading_minutes(words: int, words_per_minute: int) -> int:
    return max(1, math.ceil(words / words_per_minute))
