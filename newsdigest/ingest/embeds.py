"""Posts embedded from social networks: set apart from the reporting as quotes, without their link
furniture."""

from __future__ import annotations

import re

from .extracted import Block, block_kind

# An embedded tweet's signature: "— Name (@handle) November 3, 2019".
POST_SIGNATURE = re.compile(r"\s*[—–]\s*([^—–()]{1,80}\(@\w{1,15}\)(?:\s+\w+\s+\d{1,2},\s+\d{4})?)\s*$")
# The picture and short links a post carries, which name nothing a reader can read.
POST_LINKS = re.compile(r"\s*(?:https?://t\.co/\S+?|pic\.twitter\.com/\S+?)(?=[—–]|\s|$)")
# Where a post was run into the paragraph before it, a word of the paragraph meets the post's first word
# with no space between ("neighbouring statesIt is"); camel-cased hashtags and names ("iPhone") are not it.
RUN_IN = re.compile(r"(?<![#@\w])([a-z]{3,}[.!?]?)(?=[A-Z][a-z])")


def set_apart_posts(lines: list[str]) -> list[str]:
    """Each block that carries a post's signature (or comes before a signature alone): the post as a quote
    signed '— Name (@handle) date', and the paragraph it was run into, if any, before it."""
    result: list[str] = []
    for line in lines:
        signature = POST_SIGNATURE.search(line)
        if not signature:
            result.append(line)
            continue
        text = POST_LINKS.sub("", line[:signature.start()]).strip()
        if not text and result:  # the signature on a line of its own, after the post
            line = result.pop()
            text = POST_LINKS.sub("", line).strip()
        run_in = None if block_kind(line) == "quote" else _last_run_in(text)
        if run_in is not None:
            result.append(Block(text[:run_in].strip()))
            text = text[run_in:]
        result.append(Block(f"{text} — {signature.group(1)}".strip(" —"), "quote"))
    return result


def is_signature(line: str) -> bool:
    """A line that is only a post's signature, under the post it signs."""
    match = POST_SIGNATURE.search(line)
    return bool(match) and not line[:match.start()].strip()


def _last_run_in(text: str) -> int | None:
    matches = list(RUN_IN.finditer(text))
    return matches[-1].end() if matches else None
