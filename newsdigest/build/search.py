"""The search index, in pieces a query loads as it needs them: script files, since pages opened from disk
cannot fetch.

Articles are taken in fixed blocks, and each block's words are spread by their first two letters over
`search/w-BLOCK-N.js` files, each mapping a word to the block's articles that hold it, by where it is
(headline, topics and tags, summary, text); a query loads the pieces of its words only, and an edit remakes
the pieces of one block. What a result shows (headline, link, date, publisher, topics, summary) is kept
apart in `search/d-N.js`, DOCS_PER_PIECE articles each, loaded for the results shown. Articles are numbered
from the oldest, so new articles add to the newest pieces and leave the others' bytes alone.
"""

from __future__ import annotations

import json
import operator
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from functools import partial

from ..content import Article, index_words
from ..dates import iso_moment, reader_moment
from . import urls
from .fingerprint import digest
from .jobs import Job, Plan, PlanInputs
from .site import Site

DOCS_PER_PIECE = 10
# Word pieces come per block of articles, WORD_PIECES to a block: a query loads one piece of each block per
# word.
BLOCK_ARTICLES = 2000
WORD_PIECES = 32
# A result shows the start of a long summary: the pieces a query loads stay small.
SUMMARY_CHARS = 240
KEY_LETTERS = 2
def searchable(site: Site) -> tuple[Article, ...]:
    """The articles search finds, numbered from the oldest: every one a list shows, a headline alone among
    them (its result, like its entry, opens nothing)."""
    return tuple(reversed(site.articles))


def block_count(site: Site) -> int:
    return -(-len(site.articles) // BLOCK_ARTICLES)


def word_piece(word: str) -> int:
    """The piece holding a word: a hash (32-bit FNV-1a) of its first letters, so that every word a typed
    prefix may complete is in the one piece. search.js computes the same."""
    number = 0x811C9DC5
    for character in word[:KEY_LETTERS]:
        number = ((number ^ ord(character)) * 0x01000193) & 0xFFFFFFFF
    return number % WORD_PIECES


def word_blocks(site: Site) -> Iterator[tuple[int, tuple[Article, ...]]]:
    """The fixed blocks of BLOCK_ARTICLES articles, numbered from the oldest, that word pieces are made per:
    an edit changes one block's pieces, and new articles the newest block's."""
    articles = searchable(site)
    for start in range(0, len(articles), BLOCK_ARTICLES):
        yield start // BLOCK_ARTICLES, articles[start:start + BLOCK_ARTICLES]


def word_piece_path(block: int, piece: int) -> str:
    return f"search/w-{block}-{piece}.js"


class BlockIndex:
    """The word pieces of one block, worked out once when the first of them is made."""

    def __init__(self, block: int, articles: tuple[Article, ...], site: Site,
                 words_of: Callable[[Article], str]):
        self.block, self.articles, self.site, self.words_of = block, articles, site, words_of
        self._pieces: list[bytes | None] | None = None

    def piece(self, number: int) -> bytes:
        """One piece; a block's pieces are let go of as they are taken, each being asked for once."""
        if self._pieces is None:
            self._pieces = list(self._invert())
        made = self._pieces[number]
        if made is None:
            made = self._invert()[number]
        self._pieces[number] = None
        return made

    def _invert(self) -> list[bytes]:
        """Each word maps to four lists of the block's article numbers (the word in the headline, else in the
        topics, tags and publisher, else the summary, else the text), each ascending and written as the gaps
        between numbers, which keeps common words short."""
        site = self.site
        names = site.topic_names()
        # One map per field: the word's list of article numbers in it.
        found: list[dict[str, list[int]]] = [defaultdict(list) for _ in range(4)]
        for number, article in enumerate(self.articles, start=self.block * BLOCK_ARTICLES):
            title = set(index_words(article.title))
            terms = set(index_words(" ".join([names[t] for t in article.topics] + list(article.tags) +
                                             [article.source]))) - title
            summary = set(index_words(article.summary)) - title - terms
            text = set(self.words_of(article).split() if article.shows_text(site.config) else ())
            text -= title
            text -= terms
            text -= summary
            for numbers, words in zip(found, (title, terms, summary, text)):
                for word in words:
                    numbers[word].append(number)
        tables: list[dict[str, list[str]]] = [{} for _ in range(WORD_PIECES)]
        for word in sorted(set().union(*found)):
            tables[word_piece(word)][word] = [_gaps(numbers.get(word, ())) for numbers in found]
        return [_script("words", f"{self.block}-{number}", table) for number, table in enumerate(tables)]


def doc_pieces(site: Site) -> Iterator[tuple[str, tuple[Article, ...]]]:
    """The display pieces: their paths and the articles each holds."""
    articles = searchable(site)
    for start in range(0, len(articles), DOCS_PER_PIECE):
        yield f"search/d-{start // DOCS_PER_PIECE}.js", articles[start:start + DOCS_PER_PIECE]


def render_doc_piece(index: int, articles: tuple[Article, ...], site: Site) -> bytes:
    """What each result of these articles shows, in the site's entry style."""
    config, names = site.config, site.topic_names()
    records = [{
        "title": a.title,
        "url": urls.article_path(a.slug) if a.has_page else "",
        "date": iso_moment(a.date),
        "when": reader_moment(a.date, config.zone),
        "source": a.source,
        "topics": [[names[t], urls.listing_path(urls.term_folder("topics", t))] for t in a.topics],
        "summary": _shortened(a.summary),
    } for a in articles]
    return _script("docs", str(index), records)


def _shortened(text: str) -> str:
    return text if len(text) <= SUMMARY_CHARS else text[:SUMMARY_CHARS].rsplit(" ", 1)[0] + "…"


def _gaps(numbers: Sequence[int]) -> str:
    return ",".join(map(str, map(operator.sub, numbers, [0, *numbers])))


def _script(kind: str, key: str, data: object) -> bytes:
    payload = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return f"NEWSDIGEST_SEARCH.{kind}({json.dumps(key)},{payload});\n".encode()


def search_jobs(inputs: PlanInputs) -> Plan:
    """The index's word pieces, block by block, and its document pieces. A block's word pieces depend on its
    articles' words alone: all are made again when one of them changed, and written where their bytes
    changed."""
    site, key, fingerprint = inputs.site, inputs.key, inputs.fingerprint
    jobs = []
    for block, articles in word_blocks(site):
        index = BlockIndex(block, articles, site, inputs.words_of)
        block_key = fingerprint(key, "search words", articles)
        jobs += [Job(word_piece_path(block, n), digest(block_key, str(n)), partial(index.piece, n))
                 for n in range(WORD_PIECES)]
    jobs += [Job(path, fingerprint(key, "search docs", articles),
                 partial(render_doc_piece, number, articles, site))
             for number, (path, articles) in enumerate(doc_pieces(site))]
    return Plan(jobs)
