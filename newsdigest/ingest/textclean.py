"""Clean an article saved as plain text: find its headline and body among the page's menus and clutter."""

from __future__ import annotations

import re

from ..dates import find_date
from ..errors import SiteError
from . import boilerplate as bp
from .embeds import is_signature
from .extracted import Extracted

SHORT_LINE_PENALTY = 4
MARKER_PENALTY = 40
HEADER_WINDOW = 12
# A line that ends on one of these stops mid-sentence.
_FUNCTION_WORD_END = re.compile(
    r"\s(?:a|an|the|of|to|in|on|at|by|for|and|or|but|with|from|as|is|was|were|are|"
    r"that|which|who|has|have|had|its|their|his|her)$",
    re.IGNORECASE,
)
_BYLINE = re.compile(r"^by\s+([A-Z][\w.'’-]+(?:\s+(?:[A-Z][\w.'’-]+|and|&))*?)\s*(?:[,|•·]|$)", re.IGNORECASE)


def clean_text(text: str, name: str = "<text>") -> Extracted:
    lines = _join_wrapped([" ".join(line.split()) for line in text.splitlines()])
    if not lines:
        raise SiteError(name, "no text in the file", "give a file with a headline and the article's body")
    start, end = _body_span(lines)
    if start > end:
        raise SiteError(name, "no article body found (no paragraph of ten words or more)",
                        "check that the file holds the article's text, not only its headline or a menu")
    title_index = _title_index(lines, start)
    if title_index is None:
        raise SiteError(name, "no headline found before the body",
                        "put the headline on the first line, then the body")
    body = lines[max(start, title_index + 1):end + 1]
    extracted = Extracted(title=lines[title_index], paragraphs=[])
    header = lines[title_index + 1:start]
    extracted.author = _byline(header + body[:1])
    extracted.paragraphs = bp.tidy_body(body, extracted)
    if extracted.paragraphs and not extracted.author and _BYLINE.match(extracted.paragraphs[0]):
        extracted.author = _byline(extracted.paragraphs[:1])
        extracted.paragraphs.pop(0)
    extracted.date, extracted.date_found_in = find_date(header + lines[max(0, title_index - 3):title_index])
    return extracted


def _join_wrapped(lines: list[str]) -> list[str]:
    """Text copied with hard line breaks: a line that stops mid-sentence continues on the next."""
    joined: list[str] = []
    for line in lines:
        if not line:
            if joined and joined[-1]:
                joined.append("")
            continue
        previous = joined[-1] if joined else ""
        if previous and _continues(previous, line):
            joined[-1] = f"{previous} {line}"
        else:
            joined.append(line)
    return [line for line in joined if line]


def _continues(previous: str, line: str) -> bool:
    if re.search(r"[.!?:;…”\"’)\]]$", previous) or bp.word_count(previous) < 6:
        return False
    return (
        line[:1].islower() or previous.endswith((",", "-", "–")) or bool(_FUNCTION_WORD_END.search(previous))
    )


def _line_score(line: str) -> int:
    if bp.is_section_marker(line):
        return -MARKER_PENALTY
    # A short question or exclamation reads as prose (an article's closing line often is one); a run of
    # them after the body is still a list, which tidy_body strips.
    if bp.is_short_sentence(line):
        return bp.word_count(line)
    if is_signature(line):  # it belongs to the post above it
        return 1
    return bp.prose_words(line) or -SHORT_LINE_PENALTY


def _body_span(lines: list[str]) -> tuple[int, int]:
    """The run of lines with the most prose in it, short lines and section markers counting against it."""
    best, best_span = 0, (1, 0)
    total, start = 0, 0
    for index, line in enumerate(lines):
        if total <= 0:
            total, start = 0, index
        total += _line_score(line)
        if total > best:
            best, best_span = total, (start, index)
    return best_span


def _title_index(lines: list[str], body_start: int) -> int | None:
    """The headline: the first line when the body follows it closely, else the best headline-shaped line
    above."""
    if body_start <= 3 and _could_be_title(lines[0]):
        return 0
    window = [i for i in range(max(0, body_start - HEADER_WINDOW), body_start) if _could_be_title(lines[i])]
    shaped = [i for i in window if bp.is_headline_shaped(lines[i])]
    if shaped:
        # Prefer a full headline (five words or more) nearest the body; menus above it are shorter.
        return max(shaped, key=lambda i: (bp.word_count(lines[i]) >= 5, i))
    return window[-1] if window else None


def _could_be_title(line: str) -> bool:
    words = bp.word_count(line)
    if words > 12 and line.endswith("."):
        return False
    return 2 <= words <= 30 and not bp.is_prompt(line) and not bp.is_section_marker(line) \
        and not _BYLINE.match(line) and find_date([line])[0] is None


def _byline(lines: list[str]) -> str:
    for line in lines:
        match = _BYLINE.match(line)
        if match and len(line.split()) <= 12:
            return match.group(1).strip()
    return ""


