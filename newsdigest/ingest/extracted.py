"""What a cleaner takes out of a raw article, before it becomes front matter and Markdown."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime


class Block(str):
    """A paragraph's text that remembers what it was on the page: 'p', 'heading', 'quote', 'ul' or 'ol' (a
    list item), or 'table' (with its rows of cells). The cleaners' rules see the text; the Markdown keeps the
    kind."""

    kind: str
    rows: tuple[tuple[str, ...], ...]

    def __new__(cls, text: str, kind: str = "p", rows: tuple[tuple[str, ...], ...] = ()) -> Block:
        block = super().__new__(cls, text)
        block.kind, block.rows = kind, rows
        return block


def block_kind(paragraph: str) -> str:
    return paragraph.kind if isinstance(paragraph, Block) else "p"


@dataclass
class Extracted:
    title: str
    paragraphs: list[str]
    dateline: str = ""
    credit: str = ""
    author: str = ""
    publisher: str = ""
    source_url: str = ""
    date: datetime | date | None = None
    date_found_in: str = ""
    language: str = ""
    removed: list[str] = field(default_factory=list)
