"""Where each page lives in output/, and links between pages: relative inside the site, absolute in feeds."""

from __future__ import annotations

from datetime import date
from functools import lru_cache

INDEX = "index.html"
# The front page is the day's digest; the whole site's newest articles, in order, are listed here.
LATEST = "latest/index.html"
# What a server (GitHub Pages, `serve`) gives for a path the site does not have.
NOT_FOUND = "404.html"


def listing_path(folder: str, page: int = 0) -> str:
    """A listing's front page (folder/index.html, '' being the root) or its archive page `page` (1 the
    oldest)."""
    prefix = f"{folder}/" if folder else ""
    return f"{prefix}page/{page}/{INDEX}" if page else f"{prefix}{INDEX}"


def article_path(slug: str) -> str:
    return f"articles/{slug}.html"


def term_folder(kind: str, slug: str) -> str:
    return f"{kind}/{slug}"


def edition_path(day: date) -> str:
    return f"editions/{day.isoformat()}.html"


def relative(from_page: str, to_path: str) -> str:
    """A link from one output file to another that works on any host path and from disk."""
    return _relative_from_folder(from_page.rpartition("/")[0], to_path)


# A page links to the site's sections, and the pages of one folder (all the article pages) to the same
# others: a link made once serves every page of its folder. The latest few thousand catch nearly as many as
# sixteen times more do, for a small part of their memory in each worker.
@lru_cache(maxsize=4096)
def _relative_from_folder(folder: str, to_path: str) -> str:
    """Output paths are plain 'a/b/c.html' strings, so the shortest link is found from their common folders
    without the cost of os.path.relpath, which this is called for tens of thousands of times a build."""
    to_path, hash_sign, fragment = to_path.partition("#")
    here = folder.split("/") if folder else []
    there = to_path.split("/")
    common = 0
    while common < len(here) and common < len(there) - 1 and here[common] == there[common]:
        common += 1
    return "../" * (len(here) - common) + "/".join(there[common:]) + hash_sign + fragment


def absolute(base_url: str, path: str) -> str:
    """The public URL of an output file; an index.html is addressed by its folder."""
    if path == INDEX or path.endswith("/" + INDEX):
        path = path[: -len(INDEX)]
    return base_url + path
