"""The search index, written as a script file so that search works from disk, where pages cannot fetch."""

from __future__ import annotations

import json

from . import urls
from .dates import local_day
from .site import Site


def render_search_index(site: Site) -> bytes:
    """One record per article with a page: what it is called, where it is, and the words it can be found by."""
    names = site.topic_names()
    records = [
        {
            "title": article.title,
            "url": urls.article_path(article.slug),
            "date": local_day(article.date, site.config.zone).isoformat(),
            "summary": article.summary,
            "terms": " ".join([names[t] for t in article.topics] + list(article.tags)),
            "words": article.search_words if article.shows_text(site.config) else "",
        }
        for article in site.openable
    ]
    payload = json.dumps(records, ensure_ascii=False, separators=(",", ":"))
    return f"window.NEWSDIGEST_SEARCH = {payload};\n".encode("utf-8")
