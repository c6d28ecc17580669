"""The search index in pieces: every article with a page is found by its words, where they weigh most."""

from __future__ import annotations

import json
import re
from pathlib import Path

from conftest import parse_html
from newsdigest.content import index_words
from newsdigest.search import DOCS_PER_PIECE, word_piece, word_piece_count


def pieces(output: Path, kind: str) -> dict[str, object]:
    """Each piece's data, by its number."""
    found = {}
    for path in (output / "search").glob(f"{kind}-*.js"):
        call = re.fullmatch(r"NEWSDIGEST_SEARCH\.(\w+)\((\"\d+\"),(.*)\);\n", path.read_text(encoding="utf-8"), re.S)
        assert call and call.group(1) == {"w": "words", "d": "docs"}[kind]
        found[json.loads(call.group(2))] = json.loads(call.group(3))
    return found


def numbers(gaps: str) -> list[int]:
    total, result = 0, []
    for gap in filter(None, gaps.split(",")):
        total += int(gap)
        result.append(total)
    return result


def test_every_article_with_a_page_is_shown_by_number_from_the_oldest(sample_output):
    docs = pieces(sample_output, "d")
    records = [record for number in range(len(docs)) for record in docs[str(number)]]
    assert all(len(docs[str(n)]) == DOCS_PER_PIECE for n in range(len(docs) - 1))
    pages = sorted(p.relative_to(sample_output).as_posix() for p in (sample_output / "articles").glob("*.html"))
    assert sorted(r["url"] for r in records) == pages
    assert [r["date"] for r in records] == sorted(r["date"] for r in records), "oldest first"
    main = next(r for r in records if r["url"] == "articles/india-china-rare-earth-magnet-talks.html")
    assert (main["when"], main["source"]) == ("12 June 2025", "Northeast Herald")
    assert main["topics"][0] == ["Rare earths", "topics/rare-earths/index.html"]


def test_every_word_of_a_headline_finds_its_article_at_the_headline_weight(sample_output):
    docs = pieces(sample_output, "d")
    words = pieces(sample_output, "w")
    count = word_piece_count(sum(len(d) for d in docs.values()))
    assert sorted(words, key=int) == [str(n) for n in range(count)]
    search_page = parse_html(sample_output / "search/index.html").find(id="search-results")
    assert int(search_page["data-word-pieces"]) == count
    for number, record in enumerate(r for n in range(len(docs)) for r in docs[str(n)]):
        for word in index_words(record["title"]):
            assert number in numbers(words[str(word_piece(word, count))][word][0]), (word, record["title"])


def test_text_words_are_indexed_only_where_the_site_publishes_the_text(sample_output):
    words = pieces(sample_output, "w")
    count = len(words)
    assert numbers(words[str(word_piece("bottlenecks", count))]["bottlenecks"][3])
