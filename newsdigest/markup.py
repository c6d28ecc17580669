"""Markdown to HTML, and the plain-text facts taken from the HTML (summary, word count)."""

from __future__ import annotations

import math
import re
import threading

import markdown
from markupsafe import Markup

EXTENSIONS = ["tables", "footnotes", "smarty", "toc", "fenced_code", "sane_lists"]
_FIRST_PARAGRAPH = re.compile(r"<p>(.*?)</p>", re.DOTALL)
_local = threading.local()


def markdown_to_html(text: str) -> str:
    """Convert one article body; the converter is reused per thread because building it is slow."""
    converter = getattr(_local, "converter", None)
    if converter is None:
        converter = _local.converter = markdown.Markdown(extensions=EXTENSIONS, output_format="html")
    return converter.reset().convert(text)


def plain_text(html: str) -> str:
    """The text of an HTML fragment, tags removed, entities decoded, whitespace collapsed."""
    return Markup(html).striptags()


def first_paragraph(html: str) -> str:
    match = _FIRST_PARAGRAPH.search(html)
    return plain_text(match.group(1)) if match else ""


def reading_minutes(words: int, words_per_minute: int) -> int:
    return max(1, math.ceil(words / words_per_minute))
