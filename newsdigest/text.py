"""Characters no reader sees: control characters, which no setting, page or feed may hold (XML cannot carry
them, and no reader is helped by one), and the invisible hints that break words apart for a machine."""

from __future__ import annotations

import re

# C0 controls but tab and line ends, DEL, C1 controls, and the two non-characters. Form feeds and escapes come
# in with scraped or pasted text.
CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")


# Soft hyphens (hyphenation points), zero-width spaces, word joiners and byte-order marks inside text: they
# change no word a reader sees, but split it for search and for the eye of a program. The zero-width joiner
# and non-joiner are kept: they change how Indic and Persian letters, and emoji, are drawn.
INVISIBLE_CHARACTERS = re.compile("[\u00ad\u200b\u2060\ufeff]")


def without_control_characters(text: str) -> str:
    return CONTROL_CHARACTERS.sub("", text)


def without_unseen_characters(text: str) -> str:
    """The text without control characters or invisible hints: what ingest writes."""
    return INVISIBLE_CHARACTERS.sub("", CONTROL_CHARACTERS.sub("", text))
