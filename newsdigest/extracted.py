"""What a cleaner takes out of a raw article, before it becomes front matter and Markdown."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime


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
    removed: list[str] = field(default_factory=list)
