"""schema.org NewsArticle data for an article page, as JSON-LD that search engines and link previews read."""

from __future__ import annotations

import json
from typing import Any

from markupsafe import Markup

from ..config import Config
from ..content import Article
from ..dates import iso_moment


def news_article(article: Article, page_url: str, config: Config, topic_names: dict[str, str]) -> Markup:
    """The article as a NewsArticle: headline, dates with their offsets (a day alone where no time was
    given), dateline, author or wire credit, publisher, and the original it is based on. What the page's head
    says already (its language, its description) and schema.org's defaults (free to read, the page's own
    subject) are left out: they would repeat on each of a large site's pages."""
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": article.title,
        "url": page_url,
        "datePublished": iso_moment(article.date),
        "dateModified": iso_moment(article.last_change),
        "dateline": article.dateline,
        "articleSection": [topic_names[t] for t in article.topics],
        "keywords": list(article.tags),
        "author": _author(article),
        "publisher": {"@type": "Organization", "name": article.publisher_name or config.title},
        "isBasedOn": article.source_url,
    }
    present = {key: value for key, value in data.items() if value not in ("", [], None)}
    return Markup(json_in_html(present))


def json_in_html(value: Any) -> str:
    """JSON to place inside an HTML element: '<', '>' and '&' written as JSON escapes, so that no text of it
    ends the script early ('</script>'), opens a comment ('<!--') or reads as a character reference."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")


def _author(article: Article) -> list[dict[str, str]]:
    people = [{"@type": "Person", "name": article.author}] if article.author else []
    return people + ([{"@type": "Organization", "name": article.credit}] if article.credit else [])
