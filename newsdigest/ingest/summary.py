"""The summary: the first sentence or two of the body that tell the story, cut where a sentence ends."""

from __future__ import annotations

import re

import sentencex

from . import boilerplate as bp
from .extracted import Extracted, block_kind

SUMMARY_MAX_CHARS = 300
# A paragraph shorter than this is a label, a byline or a date line, not the story's gist.
GIST_MIN_WORDS = 8
# Which paragraphs may give the summary: the story's gist is in its opening.
GIST_WITHIN = 4
_DATE_OR_TIME = re.compile(r"\b\d{1,4}[./-]\d{1,2}[./-]\d{2,4}\b|\b\d{1,2}:\d{2}\b")
_BYLINE = re.compile(r"^(?:by|von|par|por|di|door|av|af)\s+\S", re.IGNORECASE)
SENTENCE_END = re.compile(r"[.!?…。！？।။؟][”’\"'»)\]」』）]*$")
# "Tested by: … RRP: … More info: …": a line of labelled facts.
LABEL = re.compile(r"(?:^|\s)[^\W\d_][\w ]{0,20}:\s")
# A picture's caption ends with its credit: "(Manu Fernandez/AP Photo)", "© Reuters / David Mercado".
CAPTION_CREDIT = re.compile(r"(?:\([^()]{2,60}/[^()]{2,60}\)|©[^.]{2,60})\s*$")


def summary_of(extracted: Extracted, language: str = "en") -> str:
    """The first paragraph that reads as reporting, without its dateline, in whole sentences up to
    SUMMARY_MAX_CHARS (a first sentence longer than that is cut at a word, with an ellipsis)."""
    paragraph = next((p for p in extracted.paragraphs[:GIST_WITHIN] if is_gist(p)), "")
    place, _ = bp.split_dateline(paragraph)
    if place:
        paragraph = bp.DATELINE.sub("", paragraph, count=1)
    sentences = [s.strip() for s in sentencex.segment(language or "en", paragraph) if s.strip()]
    # A fragment after the sentences (a hashtag, a credit) is no sentence of the story.
    while len(sentences) > 1 and not SENTENCE_END.search(sentences[-1]):
        sentences.pop()
    summary = ""
    for sentence in sentences:
        if summary and len(summary) + len(sentence) + 1 > SUMMARY_MAX_CHARS:
            break
        summary = f"{summary} {sentence}".strip()
    if len(summary) <= SUMMARY_MAX_CHARS:
        return summary
    return summary[:SUMMARY_MAX_CHARS].rsplit(" ", 1)[0].rstrip(",;:") + "…"


def is_gist(paragraph: str) -> bool:
    """Whether a paragraph reads as the story told: prose of some length, not a label in capitals, a
    byline, a dateline alone, a line of dates and times or of labelled facts, or a picture's caption."""
    if (block_kind(paragraph) != "p" or bp.word_count(paragraph) < GIST_MIN_WORDS or bp.is_prompt(paragraph)
            or CAPTION_CREDIT.search(paragraph)):
        return False
    cased = [c for c in paragraph if c.lower() != c.upper()]
    if cased and not any(c.islower() for c in cased):
        return False
    if len(LABEL.findall(paragraph)) >= 2 and not SENTENCE_END.search(paragraph):
        return False
    short = bp.word_count(paragraph) <= 2 * GIST_MIN_WORDS
    return not (short and (_BYLINE.match(paragraph) or _DATE_OR_TIME.search(paragraph)))
