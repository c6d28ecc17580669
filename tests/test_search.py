"""The search index in pieces: every article a list shows is found by its words, where they weigh most."""

from __future__ import annotations

import json
import re
from pathlib import Path

from conftest import build_site_into, parse_html

from newsdigest.build.search import DOCS_PER_PIECE, WORD_PIECES, word_piece
from newsdigest.content import index_words


def pieces(output: Path, kind: str) -> dict[str, object]:
    """Each piece's data, by its number."""
    found = {}
    for path in (output / "search").glob(f"{kind}-*.js"):
        call = re.fullmatch(
            r"NEWSDIGEST_SEARCH\.(\w+)\((\"[\d-]+\"),(.*)\);\n", path.read_text(encoding="utf-8"), re.S
        )
        assert call and call.group(1) == {"w": "words", "d": "docs"}[kind]
        found[json.loads(call.group(2))] = json.loads(call.group(3))
    return found


def numbers(gaps: str) -> list[int]:
    total, result = 0, []
    for gap in filter(None, gaps.split(",")):
        total += int(gap)
        result.append(total)
    return result


def test_every_article_is_shown_by_number_from_the_oldest(sample_output):
    docs = pieces(sample_output, "d")
    records = [record for number in range(len(docs)) for record in docs[str(number)]]
    assert all(len(docs[str(n)]) == DOCS_PER_PIECE for n in range(len(docs) - 1))
    pages = sorted(
        p.relative_to(sample_output).as_posix() for p in (sample_output / "articles").glob("*.html")
    )
    assert sorted(r["url"] for r in records if r["url"]) == pages
    # A headline alone is found too: it has no page to link to.
    alone = [r["title"] for r in records if not r["url"]]
    assert any(title.startswith("Chaos in Dhaka!") for title in alone)
    assert [r["date"] for r in records] == sorted(r["date"] for r in records), "oldest first"
    main = next(r for r in records if r["url"] == "articles/india-china-rare-earth-magnet-talks.html")
    assert (main["when"], main["source"]) == ("12 June 2025", "Northeast Herald")
    assert main["topics"][0] == ["Rare earths", "topics/rare-earths/index.html"]


def test_every_word_of_a_headline_finds_its_article_at_the_headline_weight(sample_output):
    docs = pieces(sample_output, "d")
    words = pieces(sample_output, "w")
    assert sorted(words) == sorted(f"0-{n}" for n in range(WORD_PIECES)), (
        "one block of pieces for a small site"
    )
    search_page = parse_html(sample_output / "search/index.html").find(id="search-results")
    assert (int(search_page["data-word-blocks"]), int(search_page["data-word-pieces"])) == (1, WORD_PIECES)
    for number, record in enumerate(r for n in range(len(docs)) for r in docs[str(n)]):
        for word in index_words(record["title"]):
            assert number in numbers(words[f"0-{word_piece(word)}"][word][0]), (word, record["title"])


def test_text_words_are_indexed(sample_output):
    words = pieces(sample_output, "w")
    assert numbers(words[f"0-{word_piece('bottlenecks')}"]["bottlenecks"][3])


def test_an_edit_remakes_the_word_pieces_of_its_block_only(fixture_site, monkeypatch):
    """Blocks of two articles: the fixture's three make two blocks; editing the newest leaves the oldest's."""
    monkeypatch.setattr("newsdigest.build.search.BLOCK_ARTICLES", 2)
    output = fixture_site.parent / "out"
    build_site_into(fixture_site, output)
    before = {p.name: p.read_bytes() for p in (output / "search").glob("w-*.js")}
    assert {name.split("-")[1] for name in before} == {"0", "1"}
    story = fixture_site / "content" / "third.md"
    story.write_text(story.read_text() + "\nA paragraph with a zeugma.\n")
    build_site_into(fixture_site, output)
    after = {p.name: p.read_bytes() for p in (output / "search").glob("w-*.js")}
    changed = {name for name in after if after[name] != before[name]}
    assert changed and all(name.startswith("w-1-") for name in changed)
    assert "zeugma" in after[f"w-1-{word_piece('zeugma')}.js"].decode()
