"""Faults a reader sees in a written file whatever the true body says, counted over every page ingested.

Each rule is written as a reader would state it, independently of the rules ingest itself uses.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import frontmatter

# What may end a paragraph of prose: a stop, a question or exclamation mark, an ellipsis, a colon before a
# quotation, a closing quote or bracket after one of those, and the CJK stops.
CLOSING = re.compile(r"[.!?…:;。！？।။؟](?:[”’\"'»)\]」』）]*)$")
KEPT_FORMAT_CHARACTERS = {"\u200c", "\u200d"}  # joiners shape Persian and Indic words and emoji
DATE_ONLY = re.compile(r"^[\d\s./:,-]+(?:Uhr|h)?$")
DATELINE_START = re.compile(r"^[A-Z][A-Z .'-]{2,}(?:,[^—–]{0,40})?\s[—–-]{1,2}\s")
ABBREVIATION_END = re.compile(
    r"(?:\b[A-Z]|\b(?:Mr|Mrs|Ms|Dr|St|Jr|Sr|Gen|Gov|Sen|Rep|Lt|Col|Sgt|Capt|No|Inc|Co|Corp|Ltd|vs|etc|Jan|Feb"
    r"|Aug|Sept|Oct|Nov|Dec|ID|U\.S|U\.K|bzw|ca|Nr|z\.B|d\.h))\.$")
TITLE_SEPARATOR = re.compile(r"\s+[-–—|·»]\s+|\s*\|\s*")


@dataclass
class Checks:
    faults: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    pages: int = 0

    def add(self, label: str, posts: dict[str, frontmatter.Post]) -> None:
        for name, post in sorted(posts.items()):
            self.pages += 1
            for fault, found in faults_of(post).items():
                if found:
                    self.faults[fault].append(f"{label} {name}: {found}")

    def print(self) -> None:
        print(f"\nChecks over {self.pages} written files (each must be 0 on the development pages):")
        for fault in FAULTS:
            print(f"  {fault:<44} {len(self.faults[fault]):>3}")
            for line in self.faults[fault]:
                print(f"      {line[:150]}")


FAULTS = ("body ends without closing punctuation", "file holds format characters",
          "summary is not a sentence", "title ends in the publisher's name")


def faults_of(post: frontmatter.Post) -> dict[str, str]:
    meta = post.metadata
    return {
        FAULTS[0]: _unclosed_end(post.content),
        FAULTS[1]: _format_characters(frontmatter.dumps(post)),
        FAULTS[2]: _not_a_sentence(str(meta.get("summary", "")), post.content),
        FAULTS[3]: _publisher_in_title(str(meta.get("title", "")), str(meta.get("source", "")),
                                       str(meta.get("source_url", ""))),
    }


def _unclosed_end(body: str) -> str:
    """The last block, when it is a paragraph or a heading that does not close as a sentence does. A body
    may end with a list, a table, a quote (an embedded post, signed) or a link."""
    blocks = [block.strip() for block in body.split("\n\n") if block.strip()]
    if not blocks:
        return ""
    last = blocks[-1]
    if re.match(r"^(?:[-*+] |\d+[.)] |\||>)", last):
        return ""
    closed = CLOSING.search(last.rstrip("*_ ")) or re.search(r"\bhttps?://\S+$", last)
    return "" if closed and not last.startswith("#") else last[-80:]


def _format_characters(text: str) -> str:
    found = sorted({c for c in text if unicodedata.category(c) == "Cf" and c not in KEPT_FORMAT_CHARACTERS})
    return " ".join(f"U+{ord(c):04X}" for c in found)


def _not_a_sentence(summary: str, body: str) -> str:
    if not summary:
        return ""
    words = re.findall(r"[^\W\d_]+", summary)
    cjk = re.search(r"[\u3040-\u30ff\u3400-\u9fff]", summary)
    if DATE_ONLY.match(summary):
        return f"a date: {summary}"
    cased = [c for c in summary if c.lower() != c.upper()]
    if not cjk and (len(words) < 4 or (cased and not any(c.islower() for c in cased))):
        return f"a label or byline: {summary}"
    if DATELINE_START.match(summary):
        return f"starts with a dateline: {summary[:60]}"
    whole_paragraph = summary.strip() in {block.strip() for block in body.split("\n\n")}
    if not CLOSING.search(summary.rstrip()) and not summary.endswith("…") and not whole_paragraph:
        return f"cut short: …{summary[-60:]}"
    if ABBREVIATION_END.search(summary.rstrip("”’\"' ")):
        return f"cut at an abbreviation: …{summary[-60:]}"
    return ""


def _publisher_in_title(title: str, publisher: str, url: str) -> str:
    parts = TITLE_SEPARATOR.split(title)
    if len(parts) < 2:
        return ""
    last = _key(parts[-1])
    host = urlsplit(url).hostname or ""
    names = {_key(publisher)} | {_key(label) for label in host.split(".")[-3:-1] if len(label) > 3}
    names.discard("")
    named = last in names or any(last.startswith(n) or n.startswith(last) for n in names if len(last) > 3)
    return title if named else ""


def _key(name: str) -> str:
    return re.sub(r"[\W_]+", "", name.lower().removeprefix("the "))
