"""Clean a saved HTML page: trafilatura finds the article and its metadata; we mend what it is known to miss."""

from __future__ import annotations

import re
from datetime import datetime

import lxml.html
import trafilatura

from . import boilerplate as bp
from .errors import SiteError
from .extracted import Extracted

LEDE_MIN_WORDS = 12
_SKIPPED = {"script", "style", "noscript", "template", "head", "title", "meta", "svg"}
_WORD = re.compile(r"\w+")


def clean_html(html: bytes | str, name: str = "<html>") -> Extracted:
    document = trafilatura.bare_extraction(html, include_comments=False, include_tables=True, favor_precision=True,
                                           deduplicate=False, with_metadata=True)
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
        extracted.date = datetime.fromisoformat(document.date)
        extracted.date_found_in = "the page's metadata"
    if not extracted.paragraphs:
        raise SiteError(name, "no article found in the page", "check that the file is the article's page")
    return extracted


def _parse(html: bytes | str, name: str) -> lxml.html.HtmlElement:
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
    for text in _visible_texts(_parse(html, name)):
        words = _words(text)
        if words[:8] == opening and len(words) >= LEDE_MIN_WORDS:
            return [" ".join(text.split())] + lines
    return lines


def _visible_texts(tree: lxml.html.HtmlElement):
    for element in tree.iter():
        if not isinstance(element.tag, str) or element.tag in _SKIPPED:
            continue
        if element.text and element.text.strip():
            yield element.text
        if element.tail and element.tail.strip() and element.getparent() is not None \
                and element.getparent().tag not in _SKIPPED:
            yield element.tail


def _words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def _contains(haystack: list[str], needle: list[str]) -> bool:
    size = len(needle)
    return any(haystack[i:i + size] == needle for i in range(len(haystack) - size + 1))
