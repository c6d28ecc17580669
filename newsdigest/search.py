"""The search index, written as a script file so that search works from disk, where pages cannot fetch."""

from __future__ import annotations

import json
import re

from . import urls
from .markup import plain_text
from .site import Site

_WORD = re.compile(r"\w+")


def render_search_index(site: Site) -> bytes:
    """One record per article: what it is called, where it is, and the words it can be found by."""
    names = site.topic_names()
    records = [
        {
            "title": article.title,
            "url": urls.article_path(article.slug),
            "date": article.date.astimezone(site.config.zone).date().isoformat(),
            "summary": article.summary,
            "terms": " ".join([names[t] for t in article.topics] + list(article.tags)),
            # Each distinct word once: enough to find an article by any word of its body, at a fraction of its size.
            "words": " ".join(dict.fromkeys(w.lower() for w in _WORD.findall(plain_text(article.body_html)))),
        }
        for article in site.articles
    ]
    payload = json.dumps(records, ensure_ascii=False, separators=(",", ":"))
    return f"window.NEWSDIGEST_SEARCH = {payload};\n".encode("utf-8")
