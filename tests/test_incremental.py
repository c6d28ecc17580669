"""Incremental builds: the same bytes as a cold build, and only files whose bytes change are written."""

from __future__ import annotations

import os
import shutil
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

from conftest import FIXTURES, NOW, build_site_into

import newsdigest.build.load
from newsdigest.build.pipeline import BuildOptions, build
from newsdigest.build.render import DEFAULT_TEMPLATES
from newsdigest.config import load_config


def state(folder: Path) -> dict[str, tuple[int, bytes]]:
    return {p.relative_to(folder).as_posix(): (p.stat().st_mtime_ns, p.read_bytes())
            for p in sorted(folder.rglob("*")) if p.is_file()}


def rebuild(site: Path, **options):
    return build(load_config(site), BuildOptions(now=options.pop("now", NOW), **options))


def touched(before: dict, after: dict) -> set[str]:
    return {path for path in after if path not in before or before[path][0] != after[path][0]}


def changed(before: dict, after: dict) -> set[str]:
    return {path for path in after if path not in before or before[path][1] != after[path][1]}


def test_a_rebuild_with_nothing_changed_writes_nothing(fixture_site):
    first = rebuild(fixture_site)
    assert first.written == first.unchanged + first.written and first.unchanged == 0
    before = state(fixture_site / "output")
    time.sleep(0.01)
    again = rebuild(fixture_site)
    assert again.up_to_date and again.written == 0
    assert state(fixture_site / "output") == before


def test_files_changed_just_before_a_build_are_checked_by_their_bytes_after_it(fixture_site):
    """A file written within a clock tick of a build's scan may change again keeping its size and time: the
    next build reads it. Unchanged, that build has nothing else to do; changed, it rebuilds what it shows."""
    rebuild(fixture_site)
    article = fixture_site / "content" / "third.md"
    article.write_text(article.read_text().replace("Third body.", "Third body, edited."))
    assert not rebuild(fixture_site).up_to_date
    before = state(fixture_site / "output")
    again = rebuild(fixture_site)
    assert again.up_to_date and state(fixture_site / "output") == before
    written = article.stat().st_mtime_ns
    article.write_text(article.read_text().replace("Third body, edited.", "Third body, amended"))
    os.utime(article, ns=(written, written))
    result = rebuild(fixture_site)
    assert not result.up_to_date
    assert "Third body, amended" in (fixture_site / "output/articles/third.html").read_text()


def test_an_edit_writes_exactly_the_files_whose_bytes_change(fixture_site):
    rebuild(fixture_site)
    before = state(fixture_site / "output")
    article = fixture_site / "content" / "third.md"
    article.write_text(article.read_text().replace("Third body.", "Third body, edited."))
    result = rebuild(fixture_site)
    after = state(fixture_site / "output")
    assert touched(before, after) == changed(before, after)
    assert "articles/third.html" in changed(before, after)
    assert "articles/first-story.html" not in touched(before, after)
    assert result.written == len(changed(before, after)) and not result.up_to_date


def test_cached_builds_give_the_same_bytes_as_a_cold_build(fixture_site, tmp_path):
    rebuild(fixture_site)
    article = fixture_site / "content" / "second.md"
    article.write_text(article.read_text().replace("A second paragraph.", "A second paragraph, changed."))
    (fixture_site / "content" / "new.md").write_text(
        "---\ntitle: New arrival\ndate: 2025-01-06\ntopics: [trade]\ntags: [China]\n---\nBrand new.\n"
    )
    (fixture_site / "content" / "third.md").unlink()
    rebuild(fixture_site)
    cold_site = tmp_path / "cold"
    shutil.copytree(fixture_site, cold_site, ignore=shutil.ignore_patterns("output", ".newsdigest-cache"))
    build_site_into(cold_site, cold_site / "output")
    incremental = {k: v[1] for k, v in state(fixture_site / "output").items()}
    cold = {k: v[1] for k, v in state(cold_site / "output").items()}
    assert incremental == cold
    assert "articles/third.html" not in incremental and "articles/new.html" in incremental


def edit_two_and_mark_parsing(site: Path, marks: Path, monkeypatch) -> None:
    """Two articles edited, and each process that parses leaves a mark named by its pid in `marks`."""
    for name in ("second.md", "third.md"):
        article = site / "content" / name
        article.write_text(article.read_text() + "\nA paragraph added.\n")
    marks.mkdir()
    parse = newsdigest.build.load.parse_article

    def marked(*arguments, **options):
        (marks / str(os.getpid())).touch()
        return parse(*arguments, **options)

    monkeypatch.setattr("newsdigest.build.load.parse_article", marked)


def test_a_few_edited_files_are_parsed_in_a_child_as_they_would_be_here(fixture_site, tmp_path, monkeypatch):
    """A rebuild parses a few changed files in a forked child while it loads the cached articles."""
    rebuild(fixture_site)
    marks = tmp_path / "marks"
    edit_two_and_mark_parsing(fixture_site, marks, monkeypatch)
    here = tmp_path / "here"
    shutil.copytree(fixture_site, here)
    # The command line's process has no other thread (this one may have some, left by other tests).
    monkeypatch.setattr("newsdigest.build.load.threading.active_count", lambda: 1)
    monkeypatch.setenv("NEWSDIGEST_WORKERS", "2")
    assert rebuild(fixture_site).parsed == 2
    parsed_in = {int(mark.name) for mark in marks.iterdir()}
    assert parsed_in and os.getpid() not in parsed_in, "not parsed in a child"
    monkeypatch.setenv("NEWSDIGEST_WORKERS", "1")
    assert rebuild(here).parsed == 2
    assert str(os.getpid()) in {mark.name for mark in marks.iterdir()}
    forked, in_process = ({path: data for path, (_, data) in state(site / "output").items()}
                          for site in (fixture_site, here))
    assert forked == in_process


def test_with_other_threads_running_edited_files_are_parsed_in_the_process(fixture_site, tmp_path,
                                                                          monkeypatch):
    """A child forked while another thread imports a module could wait on that module's lock for ever."""
    rebuild(fixture_site)
    marks = tmp_path / "marks"
    edit_two_and_mark_parsing(fixture_site, marks, monkeypatch)
    monkeypatch.setenv("NEWSDIGEST_WORKERS", "2")
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        assert rebuild(fixture_site).parsed == 2
    finally:
        stop.set()
        other.join()
    assert {mark.name for mark in marks.iterdir()} == {str(os.getpid())}


def test_a_template_change_renders_only_the_pages_that_use_it(fixture_site):
    rebuild(fixture_site)
    before = state(fixture_site / "output")
    (fixture_site / "templates").mkdir()
    default = DEFAULT_TEMPLATES / "edition.html"
    (fixture_site / "templates" / "edition.html").write_text(
        default.read_text().replace("All editions", "Every day")
    )
    result = rebuild(fixture_site)
    after = state(fixture_site / "output")
    assert touched(before, after) == {p for p in after if p.startswith("editions/")}
    assert result.written == len(touched(before, after))


def test_a_config_change_reaches_every_page(fixture_site):
    rebuild(fixture_site)
    before = state(fixture_site / "output")
    toml = fixture_site / "site.toml"
    toml.write_text(toml.read_text().replace("Fixture Digest", "Renamed Digest"))
    rebuild(fixture_site)
    after = state(fixture_site / "output")
    assert all(p in changed(before, after) for p in after if p.endswith(".html"))


def test_an_article_coming_due_is_published_though_no_file_changed(fixture_site):
    rebuild(fixture_site)
    assert not (fixture_site / "output/articles/future.html").exists()
    result = rebuild(fixture_site, now=datetime(3000, 1, 1, tzinfo=UTC))
    assert not result.up_to_date
    assert (fixture_site / "output/articles/future.html").exists()


def test_a_deleted_output_file_is_made_again(fixture_site):
    rebuild(fixture_site)
    (fixture_site / "output/articles/second.html").unlink()
    assert not rebuild(fixture_site).up_to_date
    assert (fixture_site / "output/articles/second.html").exists()


def test_a_corrupt_cache_is_detected_and_rebuilt(fixture_site):
    rebuild(fixture_site)
    before = {k: v[1] for k, v in state(fixture_site / "output").items()}
    cache_file = fixture_site / ".newsdigest-cache" / "cache.sqlite"
    for extra in cache_file.parent.glob("cache.sqlite-*"):
        extra.unlink()
    cache_file.write_bytes(b"this is not a database" * 100)
    result = rebuild(fixture_site)
    assert result.note == "the cache could not be read; rebuilt it from the sources"
    assert {k: v[1] for k, v in state(fixture_site / "output").items()} == before


def test_a_cache_from_other_settings_is_not_trusted(fixture_site):
    rebuild(fixture_site)
    toml = fixture_site / "site.toml"
    toml.write_text(toml.read_text().replace('timezone = "Asia/Kolkata"', 'timezone = "UTC"'))
    result = rebuild(fixture_site)
    assert "other settings" in result.note
    assert 'datetime="2025-01-05T09:15:00+00:00"' in (fixture_site / "output/articles/third.html").read_text()


def test_a_failed_build_leaves_output_and_cache_usable(fixture_site):
    rebuild(fixture_site)
    before = state(fixture_site / "output")
    (fixture_site / "templates").mkdir()
    (fixture_site / "templates" / "list.html").write_text(
        "{% extends 'base.html' %}{% block main %}{{ nope.x }}{% endblock %}"
    )
    try:
        rebuild(fixture_site)
    except Exception as error:  # the CLI prints this SiteError; here it is enough that it is raised
        assert "template error" in str(error)
    else:
        raise AssertionError("the broken template was not reported")
    assert state(fixture_site / "output") == before
    (fixture_site / "templates" / "list.html").unlink()
    assert rebuild(fixture_site).written == 0
    assert not [p for p in os.listdir(fixture_site) if p.startswith(".output")]


def test_the_fixture_site_is_unchanged_by_these_tests():
    assert not (FIXTURES / "site" / ".newsdigest-cache").exists()
    assert not (FIXTURES / "site" / "output").exists()


def test_damage_deep_in_the_cache_is_found_when_read_and_the_build_starts_over(fixture_site):
    rebuild(fixture_site)
    before = {k: v[1] for k, v in state(fixture_site / "output").items()}
    cache_file = fixture_site / ".newsdigest-cache" / "cache.sqlite"
    import sqlite3
    with sqlite3.connect(cache_file) as db:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    data = bytearray(cache_file.read_bytes())
    page = 4096
    assert len(data) > 3 * page
    data[2 * page:len(data)] = b"\x13" * (len(data) - 2 * page)
    cache_file.write_bytes(bytes(data))
    (fixture_site / "content" / "third.md").touch()
    result = rebuild(fixture_site)
    assert "damaged" in result.note or "could not be read" in result.note
    assert {k: v[1] for k, v in state(fixture_site / "output").items()} == before


def test_a_change_to_ingest_s_rules_or_fetch_s_sources_rebuilds_nothing(fixture_site):
    """Topic and tag rules are ingest's, sources and [fetch] fetch's: the build neither reads them nor renders
    or writes anything when they change."""
    toml = fixture_site / "site.toml"
    toml.write_text(toml.read_text().replace(
        'description = "Magnets and minerals."',
        'description = "Magnets and minerals."\nkeywords = { "rare earth" = 2 }\nthreshold = 3'))
    rebuild(fixture_site)
    before = state(fixture_site / "output")
    time.sleep(0.01)
    toml.write_text(toml.read_text().replace("threshold = 3", "threshold = 4\nheadline_weight = 3\n"
                                             'none = ["cricket"]')
                    + '\n[[tags]]\nname = "autos"\nkeywords = { "auto" = 1 }\n'
                    + '\n[[sources]]\nurl = "https://news.example/feed.xml"\n\n[fetch]\ndelay = 5\n')
    again = rebuild(fixture_site)
    assert again.up_to_date and again.written == 0
    assert state(fixture_site / "output") == before
    toml.write_text(toml.read_text().replace('name = "Trade"', 'name = "Commerce"'))
    assert rebuild(fixture_site).written, "a topic's name is the build's: its pages change"
