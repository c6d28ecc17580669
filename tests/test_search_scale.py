"""Search at 10,000 articles, in Chromium, from disk and served: the first query loads under 2 MB and answers
within 200 ms."""

from __future__ import annotations

import random
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from conftest import build_site_into, served

ARTICLES = 10_000
FIRST_QUERY_BYTES = 2_000_000
ANSWER_MS = 200


def vocabulary(rng: random.Random, size: int) -> list[str]:
    """Made-up words of 3 to 10 letters: a news vocabulary's size, not its words."""
    letters = "etaoinshrdlcumwfgypbvkjxqz"
    weights = [
        12,
        9,
        8,
        7.5,
        7,
        6.7,
        6.3,
        6,
        4.3,
        4,
        2.8,
        2.8,
        2.4,
        2.4,
        2.2,
        2,
        2,
        1.9,
        1.5,
        1,
        0.8,
        0.2,
        0.2,
        0.1,
        0.1,
        0.1,
    ]
    return list(
        dict.fromkeys("".join(rng.choices(letters, weights, k=rng.randint(3, 10))) for _ in range(size))
    )


@pytest.fixture(scope="module")
def big_site(tmp_path_factory) -> tuple[Path, str]:
    """10,000 articles of 150 words each, drawn by Zipf's law from 30,000 words, built by the real build."""
    rng = random.Random(12)
    words = vocabulary(rng, 30_000)
    ranks = [1 / (rank + 1) for rank in range(len(words))]
    site = tmp_path_factory.mktemp("big") / "site"
    (site / "content").mkdir(parents=True)
    (site / "site.toml").write_text('title = "Big"\nbase_url = "https://user.github.io/big/"\n'
                                    '[[topics]]\nid = "trade"\nname = "Trade"\n')
    for number in range(ARTICLES):
        text = rng.choices(words, ranks, k=160)
        title = " ".join(text[:8]).capitalize()
        day = f"20{15 + number // 1000:02d}-{1 + number % 12:02d}-{1 + number % 28:02d}"
        body = " ".join(text[10:]).capitalize() + "."
        (site / "content" / f"a{number:05d}.md").write_text(
            f"---\ntitle: {title}\ndate: {day}\nsource: Wire {number % 7}\ntopics: [trade]\n---\n{body}\n")
    result = build_site_into(site, site / "output")
    assert not result.errors
    # A common word and a rarer one, as a reader might search.
    return site / "output", f"{words[3]} {words[400]}"


@pytest.mark.parametrize("where", ["disk", "server"])
def test_the_first_query_at_ten_thousand_articles_is_light_and_quick(browser, big_site, where):
    big_site, query = big_site
    with served(big_site, "/big/") as url:
        root = big_site.resolve().as_uri() + "/" if where == "disk" else url
        page = browser.new_page()
        page.goto(root + "search/index.html")
        # Typed as a person types, a letter every 200 ms: each pause shows the results so far.
        page.locator("#search-query").press_sequentially(query, delay=200)
        page.wait_for_function("document.getElementById('search-status').textContent.includes('match')")
        assert page.locator("#search-results > li").count() > 0
        elapsed = float(page.locator("#search-results").get_attribute("data-elapsed-ms"))
        # What the page loaded: itself, its stylesheet and icon, and every script (the pieces are scripts).
        loaded = page.evaluate("""[location.href].concat(
            Array.from(document.querySelectorAll("script[src]"), s => s.src),
            Array.from(document.querySelectorAll("link[rel=stylesheet], link[rel=icon]"), l => l.href))""")
        page.close()
    files = {big_site / unquote(urlsplit(name).path).split("/big/", 1)[-1].lstrip("/") if where == "server"
             else Path(unquote(urlsplit(name).path)) for name in loaded}
    size = sum(path.stat().st_size for path in files if path.is_file())
    assert len([f for f in files if f.name.startswith("w-")]) >= 1, loaded
    print(f"\n{where}: {size:,} bytes, {elapsed} ms, {len(files)} files")
    assert size < FIRST_QUERY_BYTES, f"{size:,} bytes for the first query: " + str(
        sorted((f.name, f.stat().st_size) for f in files if f.is_file())
    )
    assert elapsed < ANSWER_MS, f"{elapsed} ms"
