"""Clean a saved HTML page: trafilatura finds the article and its metadata; we mend what it is known to miss."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Iterator

import lxml.html
import trafilatura

from . import boilerplate as bp
from .errors import SiteError
from .extracted import Extracted

LEDE_MIN_WORDS = 12
# The publication date with its time where the page gives one; no guessing from the server's headers.
DATE_PARAMETERS = {"original_date": True, "extensive_search": False, "outputformat": "%Y-%m-%dT%H:%M:%S%z"}
_INLINE = {"a", "abbr", "b", "bdi", "cite", "code", "em", "i", "mark", "q", "s", "small", "span", "strong", "sub",
           "sup", "time", "u"}
_SKIPPED = {"script", "style", "noscript", "template", "head", "title", "meta", "svg"}
_WORD = re.compile(r"\w+")


def clean_html(html: bytes | str, name: str = "<html>") -> Extracted:
    document = trafilatura.bare_extraction(html, include_comments=False, include_tables=True, favor_precision=True,
                                           deduplicate=False, with_metadata=True,
                                           date_extraction_params=DATE_PARAMETERS)
    if document is None or not (document.text or "").strip():
        raise SiteError(name, "no article found in the page",
                        "check that the file is the article's page, saved after it had loaded")
    lines = [" ".join(line.split()) for line in document.text.splitlines() if line.strip()]
    title = " ".join((document.title or "").split())
    lines = _after_headline(lines, title)
    lines = _with_lost_lede(lines, document.description or "", html, name)
    extracted = Extracted(title=title, paragraphs=[], author=document.author or "",
                          publisher=document.sitename or "", source_url=document.url or "")
    extracted.paragraphs = bp.tidy_body(lines, extracted)
    if document.date:
        extracted.date = _publication_date(document.date)
        extracted.date_found_in = "the page's metadata"
    if not any(bp.prose_words(p) for p in extracted.paragraphs):
        raise SiteError(name, "no article found in the page (no paragraph of ten words or more)",
                        "check that the file is the article's page, saved after it had loaded")
    return extracted


def _publication_date(text: str) -> datetime | date:
    """A page that gives no time of day gets a date alone, not a midnight it never said."""
    moment = datetime.fromisoformat(text)
    return moment.date() if moment.tzinfo is None and moment.time() == datetime.min.time() else moment


def _parse(html: bytes | str, name: str) -> lxml.html.HtmlElement:
    if isinstance(html, str):
        # lxml refuses text that still declares a byte encoding; the text is decoded already.
        html = re.sub(r"^\s*<\?xml[^>]*>", "", html)
    try:
        return lxml.html.fromstring(html)
    except (lxml.etree.ParserError, ValueError) as error:
        raise SiteError(name, f"not readable as HTML: {error}", "save the page again as HTML") from None


def _after_headline(lines: list[str], title: str) -> list[str]:
    """Extractors sometimes start with promotions and the headline itself; the body starts after the headline."""
    for index, line in enumerate(lines[:6]):
        if title and _words(line) == _words(title):
            return lines[index + 1:]
    return lines


def _with_lost_lede(lines: list[str], description: str, html: bytes | str, name: str) -> list[str]:
    """Pages often set their first paragraph apart as a summary, which extractors drop as furniture.

    The page's own description names it: when the body lacks it and the page shows it as text, it goes first.
    """
    opening = _words(description)[:8]
    if len(opening) < 8 or _contains(_words(" ".join(lines)), opening):
        return lines
    for text in _visible_runs(_parse(html, name)):
        words = _words(text)
        if words[:8] == opening and len(words) >= LEDE_MIN_WORDS:
            return [" ".join(text.split())] + lines
    return lines


def _visible_runs(tree: lxml.html.HtmlElement) -> Iterator[str]:
    """Each run of text a reader sees as one paragraph: a text node and the inline elements that follow it."""
    for element in tree.iter():
        if not isinstance(element.tag, str) or element.tag in _SKIPPED:
            continue
        if element.text and element.text.strip():
            yield element.text + _inline_run(list(element))
        parent = element.getparent()
        if element.tail and element.tail.strip() and parent is not None and parent.tag not in _SKIPPED:
            yield element.tail + _inline_run(list(element.itersiblings()))


def _inline_run(elements: list) -> str:
    text = ""
    for element in elements:
        if not isinstance(element.tag, str) or element.tag not in _INLINE:
            break
        text += element.text_content() + (element.tail or "")
    return text


def _words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def _contains(haystack: list[str], needle: list[str]) -> bool:
    size = len(needle)
    return any(haystack[i:i + size] == needle for i in range(len(haystack) - size + 1))
