"""The site's own name, and taking it out of where pages add it: the headline's tail and the byline."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

# How pages join a headline to the site's name in <title>: "Headline - Site", "Headline | Section | Site".
TITLE_SEPARATOR = re.compile(r"\s+[-–—|·»•]\s+|\s+::\s+|\s*\|\s*")
# Sections between the headline and the site's name are short ("Politics", "Local"); a longer part is the
# headline's own.
SECTION_MAX_WORDS = 3
# Generic host labels that name no site.
_NOT_NAMES = {"www", "com", "org", "net", "news", "blog", "social", "edition", "amp", "m", "co", "uk"}


def site_names(publisher: str, url: str) -> set[str]:
    """The site's name as the page's metadata gives it and as its address spells it ('techcrunch')."""
    names = {_key(publisher)}
    host = (urlsplit(url).hostname or "") if re.match(r"^https?://", url) else ""
    names |= {_key(label) for label in host.split(".") if label not in _NOT_NAMES}
    return {name for name in names if len(name) >= 3}


def names_site(text: str, names: set[str]) -> bool:
    """Whether the text is the site's name: the same letters as one of the names, or one of them and a word
    ('CNN Politics', 'News Nation' for newsnation.in)."""
    key = _key(text)
    if not key or len(text.split()) > 6:
        return False
    return any(key == name or (key.startswith(name) and len(text.split()) <= 3) for name in names)


def title_without_site(title: str, names: set[str]) -> str:
    """The headline without the site's name that <title> adds after it (and the short section names between),
    or before it."""
    separators = list(TITLE_SEPARATOR.finditer(title))
    if not separators or not names:
        return title
    parts = [title[start:end] for start, end in
             zip([0] + [m.end() for m in separators], [m.start() for m in separators] + [len(title)])]
    if names_site(parts[0], names) and len(parts) == 2:
        return parts[1].strip() if len(parts[1].split()) >= 2 else title
    if not names_site(parts[-1], names):
        return title
    keep = len(parts) - 1
    while keep > 1 and (names_site(parts[keep - 1], names)
                        or len(parts[keep - 1].split()) <= SECTION_MAX_WORDS):
        keep -= 1
    if len(" ".join(parts[:keep]).split()) < 2:
        keep = len(parts) - 1
    return title[:separators[keep - 1].start()].strip()


def byline_without_site(author: str, names: set[str]) -> str:
    """A byline's people without the site named among them ('Victor Tangermann; Futurism')."""
    people = [part for part in re.split(r"\s*;\s*", author) if part and not names_site(part, names)]
    return "; ".join(people)


def _key(name: str) -> str:
    """A name's letters and digits, lower case, without a leading 'the' or 'www.'."""
    name = re.sub(r"^(?:the\s+|www\.)", "", name.strip().lower())
    return re.sub(r"[\W_]+", "", name)
