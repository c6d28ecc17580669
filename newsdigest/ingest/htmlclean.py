"""Clean a saved HTML page: trafilatura finds the article and its metadata; we mend what it is known to
miss."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from datetime import date, datetime
from functools import cache
from html import unescape

import lxml.html
import trafilatura

from ..errors import SiteError
from . import boilerplate as bp
from .extracted import Block, Extracted
from .masthead import byline_without_site, site_names, title_without_site

LEDE_MIN_WORDS = 12
# A precise extraction with less prose than this may be a stub of the article, or the page's footer and pull
# quotes taken for it; a fuller one with this many times its prose wins.
STUB_WORDS = 150
STUB_RATIO = 2
# Above this much prose the precise extraction is taken without asking how much text the page holds.
SURE_WORDS = 400
# The publication date with its time where the page gives one; no guessing from the server's headers.
DATE_PARAMETERS = {"original_date": True, "extensive_search": False, "outputformat": "%Y-%m-%dT%H:%M:%S%z"}
_INLINE = {
    "a",
    "abbr",
    "b",
    "bdi",
    "cite",
    "code",
    "em",
    "i",
    "mark",
    "q",
    "s",
    "small",
    "span",
    "strong",
    "sub",
    "sup",
    "time",
    "u",
}
_SKIPPED = {"script", "style", "noscript", "template", "head", "title", "meta", "svg"}
_WORD = re.compile(r"\w+")


def _date_parameters() -> dict[str, object]:
    """htmldate's parameters, with the latest date it accepts given as trafilatura's defaults give it (today,
    here): trafilatura 2.0.0 reads it from the parameters without a default."""
    return {**DATE_PARAMETERS, "max_date": datetime.now().astimezone().strftime("%Y-%m-%d")}


def _extract(html: bytes | str, precision: bool, metadata: bool = True):
    """Precise: trafilatura's own algorithm alone. Full: favouring recall, with its fallbacks (readability and
    jusText) compared against it."""
    return trafilatura.bare_extraction(
        html,
        include_comments=False,
        include_tables=True,
        favor_precision=precision,
        favor_recall=not precision,
        deduplicate=False,
        fast=precision,
        with_metadata=metadata,
        date_extraction_params=_date_parameters(),
    )


def _main_text(html: bytes | str, page: Callable[[], lxml.html.HtmlElement]):
    """trafilatura's precise extraction, unless it looks wrong while a fuller reading of the page finds a
    whole article: then the fuller one's text with the precise one's metadata. It looks wrong when its prose
    is short (a teaser, a reprint notice), is under half its text (a footer, a copyright line, pull quotes)
    or is under a third of the text in the page's paragraphs; and the page shows enough prose for a fuller
    reading to find more."""
    document = _extract(html, precision=True)
    words, prose = _prose(document)
    looks_whole = prose >= STUB_WORDS and 2 * prose >= words
    if prose >= SURE_WORDS or (looks_whole and 3 * prose >= _page_words(page())):
        return document
    # A fuller reading cannot find more prose than the page shows: a short article alone on its page is kept
    # without it (on short pages the fuller reading costs as much as the rest of ingest).
    enough = max(STUB_WORDS, STUB_RATIO * prose)
    if _page_prose(page()) < enough:
        return document
    fuller = _extract(html, precision=False, metadata=document is None)
    if _prose(fuller)[1] < enough:
        return document
    if document is None:
        return fuller
    document.body, document.text = fuller.body, fuller.text
    return document


def _prose(document) -> tuple[int, int]:
    """An extraction's words, and those in paragraphs of prose."""
    text = (document.text or "") if document is not None else ""
    lines = [line for line in text.splitlines() if line.strip()]
    return sum(bp.word_count(line) for line in lines), sum(bp.prose_words(line) for line in lines)


def _page_prose(tree: lxml.html.HtmlElement) -> int:
    """The words in the runs of prose a reader sees on the page."""
    return sum(bp.prose_words(run) for run in _visible_runs(tree))


def _page_words(tree: lxml.html.HtmlElement) -> int:
    """The words in the page's paragraphs (<p>), where an article's text is on nearly every page."""
    return sum(bp.word_count(paragraph.text_content()) for paragraph in tree.iter("p"))


def clean_html(html: bytes | str, name: str = "<html>") -> Extracted:
    page = cache(lambda: _parse(html, name))
    document = _main_text(html, page)
    if document is None or not (document.text or "").strip():
        raise SiteError(name, "no article found in the page",
                        "check that the file is the article's page, saved after it had loaded")
    lines = blocks_of(document.body) if document.body is not None else \
        [" ".join(line.split()) for line in document.text.splitlines() if line.strip()]
    text = html if isinstance(html, str) else html.decode("utf-8", "replace")
    # Some pages give their headline as og:site_name too: it names no site.
    publisher = next((name for name in (page_publisher(text), document.sitename or "")
                      if name and name != document.title), "")
    names = site_names(publisher, document.url or "") | site_names(document.sitename or "", "")
    title = _headline(" ".join((document.title or "").split()), text, names)
    lines = _after_headline(lines, title)
    lines = _with_lost_lede(lines, document.description or "", page)
    author, credit = _author_and_credit(document.author or "")
    extracted = Extracted(
        title=title,
        paragraphs=[],
        author=byline_without_site(author, names),
        credit=credit,
        publisher=publisher,
        source_url=document.url or "",
        language=page_language(text),
    )
    extracted.paragraphs = bp.tidy_body(lines, extracted)
    if document.date:
        extracted.date = _publication_date(document.date)
        extracted.date_found_in = "the page's metadata"
    if not any(bp.prose_words(p) for p in extracted.paragraphs):
        raise SiteError(name, "no article found in the page (no paragraph of ten words or more)",
                        "check that the file is the article's page, saved after it had loaded")
    return extracted


_META_TAG = re.compile(r"<meta\b[^>]*>", re.IGNORECASE)
_ATTRIBUTE = re.compile(r"""([\w:-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""")
_HTML_LANGUAGE = re.compile(r"""<html\b[^>]*?\blang\s*=\s*["']?([A-Za-z]{2,3})\b""", re.IGNORECASE)
_TITLE = re.compile(r"<title\b[^>]*>(.*?)</title>", re.IGNORECASE | re.DOTALL)
_JSON_LD = re.compile(r"<script\b[^>]*application/ld\+json[^>]*>(.*?)</script>", re.IGNORECASE | re.DOTALL)
_WIRE_BYLINE = re.compile(
    r"^(?:(?:by|from)\s+)?("
    + "|".join(re.escape(a) for a in bp.WIRE_AGENCIES)
    + r")(?:\s+[\w-]+){0,3}?(?:\s+(?:writer|correspondent|reporter|staff|news service))?$",
    re.IGNORECASE,
)


def page_publisher(html: str) -> str:
    """The page's own name for its publisher: og:site_name, else JSON-LD's publisher.name.

    Extractors sometimes take a desk byline ('DH News Service') for it; the page's metadata says it plainly.
    """
    head = html[:300_000]
    for tag in _META_TAG.findall(head):
        attributes = {m.group(1).lower(): next(g for g in m.groups()[1:] if g is not None)
                      for m in _ATTRIBUTE.finditer(tag)}
        if attributes.get("property", attributes.get("name", "")).lower() == "og:site_name":
            name = " ".join(unescape(attributes.get("content", "")).split())
            if name:
                return name
    for block in _JSON_LD.findall(head):
        name = _publisher_in_json_ld(block)
        if name:
            return name
    return ""


def _headline(title: str, html: str, names: set[str]) -> str:
    """The headline without the site's name. trafilatura sometimes takes the name off the page's <title> but
    leaves the sections before it: then the whole <title> shows what to take off."""
    match = _TITLE.search(html[:300_000])
    whole = " ".join(unescape(match.group(1)).split()) if match else ""
    if title and whole.startswith(title):
        headline = title_without_site(whole, names)
        if headline != whole:
            return headline
    return title_without_site(title, names)


def page_language(html: str) -> str:
    """The language the page declares on <html lang>, as a two- or three-letter code; "" if none."""
    match = _HTML_LANGUAGE.search(html[:100_000])
    return match.group(1).lower() if match else ""


def _publisher_in_json_ld(block: str) -> str:
    try:
        data = json.loads(block)
    except ValueError:
        return ""
    todo = [data]
    while todo:
        item = todo.pop(0)
        if isinstance(item, list):
            todo.extend(item)
        elif isinstance(item, dict):
            publisher = item.get("publisher")
            if isinstance(publisher, list) and publisher:
                publisher = publisher[0]
            if (
                isinstance(publisher, dict)
                and isinstance(publisher.get("name"), str)
                and publisher["name"].strip()
            ):
                return " ".join(publisher["name"].split())
            todo.extend(item.get("@graph", []) if isinstance(item.get("@graph"), list) else [])
    return ""


def _author_and_credit(byline: str) -> tuple[str, str]:
    """A byline's people as the author, and a wire service it names ('Reuters', 'AP Auto Writer') as the
    credit."""
    people, credit = [], ""
    for part in re.split(r"\s*[;,|]\s*|\s+and\s+", byline):
        wire = _WIRE_BYLINE.match(part.strip())
        if wire:
            credit = credit or bp.agency_named(wire.group(1))
        elif part.strip():
            people.append(part.strip())
    return "; ".join(people), credit


def blocks_of(body) -> list[Block]:
    """The article's blocks in order, from trafilatura's body: headings, paragraphs, quotes (an embedded post
    among them, kept apart from the body's own paragraphs), list items, tables, and text between them."""
    blocks: list[Block] = [Block(text) for text in [" ".join((body.text or "").split())] if text]
    for element in body:
        tag = element.tag
        if tag == "list":
            kind = "ol" if element.get("rend") == "ol" else "ul"
            blocks += [Block(text, kind) for item in element.iter("item") if (text := _text(item))]
        elif tag == "table":
            rows = tuple(tuple(_text(cell) for cell in row.iter("cell")) for row in element.iter("row"))
            rows = tuple(row for row in rows if any(row))
            if rows:
                blocks.append(Block(" ".join(cell for row in rows for cell in row if cell), "table", rows))
        elif text := _text(element):
            blocks.append(Block(text, {"head": "heading", "quote": "quote"}.get(tag, "p")))
        tail = " ".join((element.tail or "").split())
        if tail:
            blocks.append(Block(tail))
    return blocks


def _text(element) -> str:
    """An element's text (not its tail: the text after it belongs to the next block)."""
    return " ".join("".join(element.itertext()).split())


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
    """Extractors sometimes start with promotions and the headline itself; the body starts after the
    headline."""
    for index, line in enumerate(lines[:6]):
        if title and _words(line) == _words(title):
            return lines[index + 1:]
    return lines


def _with_lost_lede(lines: list[str], description: str,
                    page: Callable[[], lxml.html.HtmlElement]) -> list[str]:
    """Pages often set their first paragraph apart as a summary, which extractors drop as furniture.

    The page's own description names it: when the body lacks it and the page shows it as text, it goes first.
    """
    opening = _words(description)[:8]
    if len(opening) < 8 or _contains(_words(" ".join(lines)), opening):
        return lines
    for text in _visible_runs(page()):
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
