"""The library ingest and fetch compare with: its index finds what comparing with every article finds."""

from __future__ import annotations

import random
import sqlite3
from pathlib import Path

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from newsdigest.config import load_config
from newsdigest.contentfile import render_content_file
from newsdigest.ingest.library import (
    LIBRARY_FILE,
    SAME_STORY_SIMILARITY,
    Entry,
    Library,
    canonical_url,
    similarity,
    story_shingles,
)

WORDS = [f"{stem}{n}" for stem in ("rare", "earth", "magnet", "export", "china", "india", "talks", "port")
         for n in range(40)]


def body(seed: int, length: int = 120) -> str:
    rng = random.Random(seed)
    return " ".join(rng.choice(WORDS) for _ in range(length)) + "."


def write_article(site: Path, name: str, text: str, sha: str = "", url: str = "") -> Path:
    fields = {"title": name, "date": "2025-03-04", **({"source_url": url} if url else {}),
              "ingested_from": {"file": f"{name}.html", "sha256": sha or name}}
    path = site / "content" / f"{name}.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_content_file(fields, text), encoding="utf-8")
    return path


def make_site(folder: Path, bodies: dict[str, str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "site.toml").write_text('title = "L"\n')
    for name, text in bodies.items():
        write_article(folder, name, text)
    return folder


def brute_force(site: Path, text: str) -> str | None:
    """What the index must give: the most similar article at the rule or above, by comparing with each."""
    shingles = story_shingles(text)
    scored = []
    for path in sorted((site / "content").glob("*.md")):
        stored = path.read_text(encoding="utf-8").split("---\n", 2)[2]
        scored.append((similarity(story_shingles(stored), shingles), f"content/{path.name}"))
    best = max((s for s in scored if s[0] >= SAME_STORY_SIMILARITY), default=None)
    return best[1] if best else None


def edited(text: str, edits: list[tuple[int, int]]) -> str:
    words = text.split()
    for at, kind in edits:
        at %= len(words)
        if kind == 0:
            words[at] = "changed"
        elif kind == 1:
            words.insert(at, "inserted")
        elif len(words) > 10:
            del words[at]
    return " ".join(words)


# Stories by seed, and the one that a query is an edited copy of.
STORIES = {"seeds": st.lists(st.integers(0, 10_000), min_size=1, max_size=12, unique=True),
           "pick": st.integers(0, 11),
           "edits": st.lists(st.tuples(st.integers(0, 500), st.integers(0, 2)), max_size=30)}
SITES = settings(deadline=None, derandomize=True,
                 suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


@settings(SITES, max_examples=40)
@given(**STORIES)
def test_the_index_finds_the_story_that_comparing_with_every_article_finds(tmp_path_factory, seeds, pick,
                                                                           edits):
    site = make_site(tmp_path_factory.mktemp("library"), {f"a{seed}": body(seed) for seed in seeds})
    query = edited(body(seeds[pick % len(seeds)]), edits)
    library = Library.load(load_config(site))
    try:
        found = library.same_story("not the same bytes", query)
    finally:
        library.close()
    expected = brute_force(site, query)
    event("same story found" if expected else "no story at the rule")
    assert (found.relative if found else None) == expected


def test_the_index_follows_edits_deletions_and_new_files_and_survives_damage(tmp_path):
    site = make_site(tmp_path / "site", {"first": body(1), "second": body(2)})
    config = load_config(site)

    def same(text: str) -> str | None:
        library = Library.load(config)
        try:
            found = library.same_story("x", text)
            return found.relative if found else None
        finally:
            library.close()

    assert same(body(1)) == "content/first.md"
    write_article(site, "first", body(3))
    assert same(body(1)) is None and same(body(3)) == "content/first.md"
    (site / "content" / "second.md").unlink()
    assert same(body(2)) is None
    write_article(site, "third", body(2), sha="abc")
    assert same(body(2)) == "content/third.md"
    (site / ".newsdigest-cache" / LIBRARY_FILE).write_bytes(b"not a database")
    assert same(body(2)) == "content/third.md"


def test_same_bytes_and_known_addresses(tmp_path):
    site = make_site(tmp_path / "site", {})
    write_article(site, "a", body(1), sha="f" * 64, url="https://news.example.org/a?utm_source=x")
    library = Library.load(load_config(site))
    try:
        assert library.same_story("f" * 64, "another text entirely").relative == "content/a.md"
        assert library.knows_url("https://News.example.org/a#top")
        assert not library.knows_url("https://news.example.org/b")
    finally:
        library.close()


def test_a_dry_run_in_a_site_without_an_index_creates_none(tmp_path):
    site = make_site(tmp_path / "site", {"a": body(1)})
    library = Library.load(load_config(site), dry_run=True)
    try:
        assert library.same_story("x", body(1)).relative == "content/a.md"
    finally:
        library.close()
    assert not (site / ".newsdigest-cache").exists()


def test_canonical_urls_drop_tracking_parameters_and_fragments():
    assert (
        canonical_url("https://News.Example.org/a?utm_source=x&id=3&fbclid=y&gclid=z#top")
        == "https://news.example.org/a?id=3"
    )
    assert canonical_url("https://news.example.org/a?b=2&a=1") == canonical_url(
        "https://news.example.org/a?a=1&b=2"
    )
    assert canonical_url("https://news.example.org:443/a") == "https://news.example.org/a"


def added_entry(library: Library, name: str, text: str) -> Entry:
    fields = {"title": name, "date": "2025-03-04", "ingested_from": {"file": f"{name}.html", "sha256": name}}
    return Entry.of(library.root / f"{name}.md", render_content_file(fields, text), library.root)


@settings(SITES, max_examples=25)
@given(**STORIES)
def test_articles_added_by_this_run_are_found_by_the_rule_the_index_follows(tmp_path_factory, seeds, pick,
                                                                             edits):
    """A folder ingested in one run (here a dry run: nothing reaches the index) finds its own repeats."""
    site = make_site(tmp_path_factory.mktemp("added"), {})
    library = Library.load(load_config(site), dry_run=True)
    try:
        for seed in seeds:
            library.add(added_entry(library, f"a{seed}", body(seed)), written=False)
        query = edited(body(seeds[pick % len(seeds)]), edits)
        found = library.same_story("not the same bytes", query)
    finally:
        library.close()
    scored = [(similarity(story_shingles(body(seed)), story_shingles(query)), f"content/a{seed}.md")
              for seed in seeds]
    best = max((s for s in scored if s[0] >= SAME_STORY_SIMILARITY), default=None)
    assert (found.relative if found else None) == (best[1] if best else None)


def test_a_folder_of_different_stories_is_not_compared_pair_by_pair(tmp_path, monkeypatch):
    site = make_site(tmp_path / "site", {})
    library = Library.load(load_config(site), dry_run=True)
    compared = []
    monkeypatch.setattr("newsdigest.ingest.library.similarity",
                        lambda a, b: compared.append(1) or similarity(a, b))
    try:
        for seed in range(40):
            text = body(seed)
            assert library.same_story(f"sha{seed}", text) is None
            library.add(added_entry(library, f"a{seed}", text), written=False)
    finally:
        library.close()
    # 780 pairs; different stories share a band only by chance (a pair at 0.2 does with probability 0.008).
    assert len(compared) < 40


def test_an_index_of_the_first_schema_is_started_again(tmp_path):
    site = make_site(tmp_path / "site", {"first": body(1)})
    index = site / ".newsdigest-cache" / LIBRARY_FILE
    index.parent.mkdir(parents=True)
    old = sqlite3.connect(index)
    old.executescript("PRAGMA user_version=1; CREATE TABLE files (path TEXT PRIMARY KEY, mtime_ns INTEGER, "
                      "size INTEGER, sha256 TEXT); CREATE TABLE bands (band INTEGER, key BLOB, path TEXT);")
    old.close()
    library = Library.load(load_config(site))
    try:
        assert library.same_story("x", body(1)).relative == "content/first.md"
    finally:
        library.close()


def _index_rows(site: Path) -> list[tuple]:
    db = sqlite3.connect(site / ".newsdigest-cache" / LIBRARY_FILE)
    try:
        files = db.execute("SELECT path, mtime_ns, size, sha256, content, bands FROM files "
                           "JOIN keys ON keys.file = files.id ORDER BY path").fetchall()
        urls = db.execute("SELECT path, url FROM urls JOIN files ON urls.file = files.id ORDER BY path, url")
        return files + urls.fetchall()
    finally:
        db.close()


def test_what_ingest_indexes_as_it_writes_equals_an_index_built_from_the_files(tmp_path):
    """Ingest adds each file it writes to the index from what it wrote, without reading it back: the index
    must be the one a cold start builds from the files (soft hyphens inside a page's words included)."""
    import gzip

    from conftest import FIXTURES, run_cli
    site, inbox = tmp_path / "site", tmp_path / "inbox"
    site.mkdir()
    inbox.mkdir()
    (site / "site.toml").write_text('title = "T"\n')
    for page in sorted((FIXTURES / "ingest" / "real").glob("*.html.gz")):
        html = gzip.decompress(page.read_bytes()).decode("utf-8")
        hyphenated = html.replace("the ", "th&shy;e ")
        (inbox / page.name.removesuffix(".gz")).write_text(hyphenated, encoding="utf-8")
    assert run_cli("ingest", "--site", str(site), "--date", "2025-03-04", str(inbox)).returncode == 0
    written = _index_rows(site)
    assert len([row for row in written if len(row) == 6]) == len(list(inbox.iterdir()))
    (site / ".newsdigest-cache" / LIBRARY_FILE).unlink()
    Library.load(load_config(site)).close()
    assert _index_rows(site) == written


def test_a_build_keeps_the_index_that_ingest_reads_current(tmp_path, monkeypatch):
    """A build that has no index, or parsed many articles, brings the index up to date, so that ingest then
    reads no article but those it compares; a few changed articles are left to ingest, which reads those
    alone. Files written again with the same bytes (a checkout) are not read as new. (One process: the files
    read are counted here.)"""
    from conftest import NOW

    from newsdigest.build.pipeline import LIBRARY_FROM, BuildOptions, build
    from newsdigest.ingest import library as library_module

    monkeypatch.setenv("NEWSDIGEST_WORKERS", "1")
    site = make_site(tmp_path / "site", {"first": body(1), "second": body(2)})
    config = load_config(site)
    read = []
    made = library_module._record
    monkeypatch.setattr(library_module, "_record",
                        lambda file, *rest: read.append(file.relative) or made(file, *rest))

    def build_site() -> None:
        assert build(config, BuildOptions(output=tmp_path / "out", now=NOW)).errors == []

    def ingest_reads(text: str) -> tuple[list[str], str | None]:
        read.clear()
        library = Library.load(config)
        try:
            found = library.same_story("x", text)
            return sorted(read), found.relative if found else None
        finally:
            library.close()

    build_site()
    assert ingest_reads(body(2)) == ([], "content/second.md"), "a new site's build made the index"
    write_article(site, "second", body(3))
    (site / "content" / "first.md").unlink()
    write_article(site, "third", body(1))
    build_site()
    assert ingest_reads(body(1)) == (["content/second.md", "content/third.md"], "content/third.md")
    assert ingest_reads(body(2)) == ([], None) and ingest_reads(body(3)) == ([], "content/second.md")
    for path in (site / "content").iterdir():
        path.write_bytes(path.read_bytes())
    assert ingest_reads(body(3)) == ([], "content/second.md"), "a checkout is read as the same files"
    for number in range(LIBRARY_FROM):
        write_article(site, f"more-{number}", body(100 + number))
    build_site()
    kept = _index_rows(site)
    assert ingest_reads(body(120)) == ([], "content/more-20.md"), "a build of many new articles indexed them"
    for part in (site / ".newsdigest-cache").glob(LIBRARY_FILE + "*"):
        part.unlink()
    assert len(ingest_reads(body(1))[0]) == LIBRARY_FROM + 2
    assert _index_rows(site) == kept, "the build's index is the one ingest makes from the files"
