"""The characters no setting, page or feed may hold: XML cannot carry them, and no reader is helped by one."""

from __future__ import annotations

import re

# C0 controls but tab and line ends, DEL, C1 controls, and the two non-characters. Form feeds and escapes come
# in with scraped or pasted text.
CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")


def without_control_characters(text: str) -> str:
    return CONTROL_CHARACTERS.sub("", text)
