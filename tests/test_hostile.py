"""Hostile and broken input, as a careful user and an attacker would bring it: the build owns only its own
files, text stays text in every feed, bodies are sanitised, every bad file is one line and the rest builds,
costs stay linear, and writes are atomic and locked."""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import feedparser
import pytest
from bs4 import BeautifulSoup
from conftest import FIXTURES, ROOT, run_cli
from test_cli import many_articles

from newsdigest.build.write import MANIFEST

MARKUP = '<img src=x onerror=alert(1)><script>alert(2)</script><b>bold</b>'


def write_article(site: Path, name: str, text: str) -> Path:
    path = site / "content" / name
    path.write_text(text, encoding="utf-8")
    return path


def error_lines(result: subprocess.CompletedProcess, kind: str = "error") -> list[str]:
    return [line for line in result.stderr.splitlines() if line.startswith(f"{kind}: ")]


def assert_no_traceback(result: subprocess.CompletedProcess) -> None:
    assert "Traceback" not in result.stderr + result.stdout, result.stderr


# 1. The build owns only its own files.

def test_a_build_into_a_folder_of_other_files_refuses_and_deletes_nothing(fixture_site, tmp_path):
    mydocs = tmp_path / "mydocs"
    (mydocs / "sub").mkdir(parents=True)
    (mydocs / "notes.txt").write_text("mine")
    (mydocs / "sub" / "thesis.tex").write_text("mine")
    result = run_cli("--site", str(fixture_site), "--output", str(mydocs))
    assert result.returncode == 1
    assert_no_traceback(result)
    assert len(error_lines(result)) == 1 and "--clean" in result.stderr
    assert sorted(p.relative_to(mydocs).as_posix() for p in mydocs.rglob("*")) == ["notes.txt", "sub",
                                                                                 "sub/thesis.tex"]


@pytest.mark.parametrize("output", [".", "..", "content"])
def test_a_build_into_the_site_or_a_parent_of_it_refuses(fixture_site, output):
    before = sorted(p.relative_to(fixture_site.parent) for p in fixture_site.parent.rglob("*"))
    result = run_cli("--output", output, "--clean", cwd=fixture_site)
    assert result.returncode == 1
    assert_no_traceback(result)
    assert "holds the site itself" in result.stderr and len(error_lines(result)) == 1
    assert sorted(p.relative_to(fixture_site.parent) for p in fixture_site.parent.rglob("*")) == before


def test_clean_empties_a_foreign_folder_but_keeps_cname_and_git(fixture_site, tmp_path):
    output = tmp_path / "site-output"
    (output / ".git").mkdir(parents=True)
    (output / ".git" / "HEAD").write_text("ref: refs/heads/gh-pages\n")
    (output / "CNAME").write_text("news.example.org\n")
    (output / "old.html").write_text("old")
    result = run_cli("--site", str(fixture_site), "--output", str(output), "--clean")
    assert result.returncode == 0, result.stderr
    assert not (output / "old.html").exists()
    assert (output / ".git" / "HEAD").is_file() and (output / "CNAME").is_file()
    assert (output / "index.html").is_file() and (output / MANIFEST).is_file()


def test_files_the_user_keeps_in_output_survive_a_cold_rebuild(fixture_site):
    assert run_cli("--site", str(fixture_site)).returncode == 0
    output = fixture_site / "output"
    (output / "CNAME").write_text("news.example.org\n")
    (output / "mine").mkdir()
    (output / "mine" / "notes.txt").write_text("mine")
    (fixture_site / "content" / "third.md").unlink()
    shutil.rmtree(fixture_site / ".newsdigest-cache")
    result = run_cli("--site", str(fixture_site))
    assert result.returncode == 0, result.stderr
    assert (output / "CNAME").is_file() and (output / "mine" / "notes.txt").is_file()
    assert not (output / "articles" / "third.html").exists(), "a file the build made and no longer makes goes"


def test_a_tampered_manifest_never_leads_outside_the_output(fixture_site, tmp_path):
    assert run_cli("--site", str(fixture_site)).returncode == 0
    precious = fixture_site / "precious.txt"
    precious.write_text("keep")
    manifest = fixture_site / "output" / MANIFEST
    manifest.write_text(manifest.read_text() + "../precious.txt\n" + str(precious) + "\n")
    result = run_cli("--site", str(fixture_site))
    assert result.returncode == 0, result.stderr
    assert precious.read_text() == "keep"


def tree(folder: Path) -> dict[str, bytes]:
    files = sorted(p for p in folder.rglob("*") if p.is_file())
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in files}


@pytest.mark.parametrize("linked, outside", [
    ("articles", True), ("topics", True), ("topics/trade", True), ("tags", False), ("editions", False)])
def test_a_build_never_writes_through_a_folder_link_in_the_output(fixture_site, tmp_path, linked, outside):
    assert run_cli("--site", str(fixture_site)).returncode == 0
    output = fixture_site / "output"
    target = tmp_path / "elsewhere" if outside else output / "page"
    shutil.copytree(output / linked, target, dirs_exist_ok=True)
    shutil.rmtree(output / linked)
    (output / linked).symlink_to(target, target_is_directory=True)
    before, there = tree(output), tree(target)
    # A change that rewrites pages in every folder: the site's title.
    toml = fixture_site / "site.toml"
    toml.write_text(toml.read_text().replace('title = "', 'title = "New ', 1))
    result = run_cli("--site", str(fixture_site))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    [line] = error_lines(result)
    assert f"output/{linked}: a link to " in line and "never writes through a link" in line
    assert tree(target) == there and tree(output) == before, "nothing moved in, nothing written there"
    assert [p.name for p in fixture_site.iterdir() if p.name.startswith(".output-")] == []
    (output / linked).unlink()
    assert run_cli("--site", str(fixture_site)).returncode == 0, "once the link is gone the build goes on"
    assert (output / linked).is_dir() and not (output / linked).is_symlink()


def test_a_file_link_in_the_output_is_replaced_not_written_through(fixture_site, tmp_path):
    assert run_cli("--site", str(fixture_site)).returncode == 0
    page = fixture_site / "output" / "articles" / "second.html"
    elsewhere = tmp_path / "elsewhere.html"
    elsewhere.write_bytes(page.read_bytes())
    page.unlink()
    page.symlink_to(elsewhere)
    toml = fixture_site / "site.toml"
    toml.write_text(toml.read_text().replace('title = "', 'title = "New ', 1))
    assert run_cli("--site", str(fixture_site)).returncode == 0
    assert not page.is_symlink() and b"New " in page.read_bytes()
    assert b"New " not in elsewhere.read_bytes()


# 2. Text is text in every feed.

HOSTILE_FIELDS = f"""---
title: "Title {MARKUP} &amp; more"
date: 2025-03-01
summary: "Summary {MARKUP}"
author: "Author {MARKUP}"
source: "Source {MARKUP}"
credit: "Credit {MARKUP}"
dateline: "Dateline {MARKUP}"
topics: [trade]
tags: ["tag {MARKUP}"]
---
A body that shows a tag as text: `<img src=x onerror=alert(3)>` and &lt;script&gt;alert(4)&lt;/script&gt;.
"""


def _elements(markup: str) -> list[str]:
    return [tag.name for tag in BeautifulSoup(markup, "html.parser").find_all(True)]


def test_markup_looking_text_is_never_an_element_in_any_feed(fixture_site):
    write_article(fixture_site, "hostile.md", HOSTILE_FIELDS)
    assert run_cli("--site", str(fixture_site)).returncode == 0
    output = fixture_site / "output"
    feeds = [p for p in output.rglob("*") if p.name in ("feed.xml", "atom.xml", "feed.json")]
    assert len(feeds) >= 9
    checked = 0
    for path in feeds:
        parsed = feedparser.parse(path.read_bytes(), sanitize_html=False, resolve_relative_uris=False)
        for entry in parsed.entries:
            if "hostile" not in entry.get("id", "") + entry.get("link", ""):
                continue
            details = [entry.title_detail] + ([entry.summary_detail] if "summary_detail" in entry else [])
            for detail in details:
                if detail.type == "text/html":
                    assert _elements(detail.value) == [], (path, detail)
                else:
                    assert "<" in detail.value, "plain text keeps its characters"
            for content in entry.get("content", []):
                elements = _elements(content.value) if content.type == "text/html" else []
                assert set(elements) <= {"p", "code"}, (path, elements)
            assert f"tag {MARKUP}" in [tag.term for tag in entry.get("tags", [])], "categories are plain text"
            checked += 1
    assert checked >= 3, "the site, topic and tag feeds, each format"


def test_rss_descriptions_carry_the_summary_escaped_for_html(fixture_site):
    write_article(fixture_site, "hostile.md", HOSTILE_FIELDS)
    assert run_cli("--site", str(fixture_site)).returncode == 0
    parsed = feedparser.parse((fixture_site / "output" / "feed.xml").read_bytes(), sanitize_html=False)
    entry = next(e for e in parsed.entries if "Summary" in e.summary)
    assert _elements(entry.summary) == []
    assert BeautifulSoup(entry.summary, "html.parser").get_text() == f"Summary {MARKUP}"


TITLES = ["<b>Breaking</b> <img src=x onerror=alert(1)>", "AT&T & Verizon <3", "<!--<script>",
          "x </script> y", "5 < 6 > 4", "A &amp; B"]


def write_titled(site: Path, title: str) -> None:
    write_article(site, "titled.md", f"---\ntitle: {json.dumps(title)}\ndate: 2025-03-01\n---\nBody.\n")


@pytest.mark.parametrize("title", TITLES)
def test_a_title_reaches_every_feed_reader_as_the_text_it_is(fixture_site, title):
    write_titled(fixture_site, title)
    assert run_cli("--site", str(fixture_site)).returncode == 0
    for name in ("feed.xml", "atom.xml"):
        parsed = feedparser.parse((fixture_site / "output" / name).read_bytes(), sanitize_html=False)
        [entry] = [e for e in parsed.entries if "titled" in e.link]
        shown = entry.title_detail.value
        if entry.title_detail.type == "text/html":  # what a reader shows of it, as HTML
            assert _elements(shown) == [] and BeautifulSoup(shown, "html.parser").get_text() == title, shown
        else:
            assert shown == title


@pytest.mark.parametrize("title", TITLES)
def test_json_ld_holds_the_title_and_never_ends_or_comments_out_its_script(fixture_site, title):
    write_titled(fixture_site, title)
    assert run_cli("--site", str(fixture_site)).returncode == 0
    page = (fixture_site / "output" / "articles" / "titled.html").read_text()
    script = page.split('<script type="application/ld+json">', 1)[1].split("</script>", 1)[0]
    assert not set("<>&") & set(script), script
    assert json.loads(script)["headline"] == title
    soup = BeautifulSoup(page, "html.parser")
    assert soup.find("h1").get_text(strip=True) == title


# 3. Sanitised bodies by default; raw_html trusts the authors.

RAW_BODY = """---
title: Raw HTML
date: 2025-03-02
---
Intro <script>alert(1)</script> and <a href="javascript:alert(2)">a link</a> and <a href="https://ok.example/">ok</a>.

<iframe src="https://evil.example/"></iframe>

<img src="photo.jpg" onerror="alert(3)" alt="A photo">

<div style="position:fixed" onclick="alert(4)">Boxed</div>

| a | b |
|:--|--:|
| 1 | 2 |

A note.[^1]

[^1]: The footnote.
"""


def test_raw_html_in_bodies_is_sanitised_by_default(fixture_site):
    write_article(fixture_site, "raw.md", RAW_BODY)
    assert run_cli("--site", str(fixture_site)).returncode == 0
    output = fixture_site / "output"
    for path in (
        output / "articles" / "raw.html",
        output / "feed.xml",
        output / "atom.xml",
        output / "feed.json",
    ):
        text = path.read_text()
        for bad in ("alert(", "<iframe", "onerror", "onclick", "javascript:", "position:fixed"):
            assert bad not in text.replace("&lt;", "<"), (path.name, bad)
    page = BeautifulSoup((output / "articles" / "raw.html").read_text(), "html.parser")
    body = page.find(class_="article-body") or page
    assert body.find("a", href="https://ok.example/") and body.find("img", alt="A photo")
    assert body.find("table") and body.find("sup") and body.find(id="fn:1"), "tables and footnotes stay"
    assert body.find("th", style="text-align:left"), "alignment stays"


def test_raw_html_true_trusts_the_authors(fixture_site):
    toml = fixture_site / "site.toml"
    toml.write_text("raw_html = true\n" + toml.read_text())
    write_article(fixture_site, "raw.md", RAW_BODY)
    assert run_cli("--site", str(fixture_site)).returncode == 0
    assert "<iframe" in (fixture_site / "output" / "articles" / "raw.html").read_text()


# 4. Every bad file is one line, and the rest builds.

BAD_CASES = {
    "year-one.md": (
        "---\ntitle: Year one\ndate: 0001-01-01T00:00:00+05:30\n---\nx\n",
        3,
        "outside the years",
    ),
    "year-9999.md": ("---\ntitle: Far\ndate: 9999-12-31T23:00:00-05:00\n---\nx\n", 3, "outside the years"),
    "deep-list.md": (
        "---\ntitle: Deep\ndate: 2025-03-01\n---\n" + "- " * 10_000 + "x\n",
        5,
        "nested 10000 deep",
    ),
    "brackets.md": (
        "---\ntitle: Brackets\ndate: 2025-03-01\n---\n\nA paragraph.\n\n"
        + "[" * 50_000
        + "]" * 50_000
        + "\n",
        8,
        "square brackets are open more than 20 deep",
    ),
    "open-links.md": (
        "---\ntitle: Links\ndate: 2025-03-01\n---\nText\n" + "[a](b " * 8_000 + "\n",
        6,
        "link targets",
    ),
    "many-tags.md": (
        "---\ntitle: Tags\ndate: 2025-03-01\ntags: ["
        + ", ".join(f"t{i}" for i in range(500))
        + "]\n---\nx\n",
        4,
        "500 tags",
    ),
}


def test_each_hostile_file_is_one_line_and_the_rest_builds(fixture_site):
    for name, (text, _, _) in BAD_CASES.items():
        write_article(fixture_site, name, text)
    started = time.monotonic()
    result = run_cli("--site", str(fixture_site))
    assert time.monotonic() - started < 90, "hostile files are stopped by their limits, not run to the end"
    assert result.returncode == 1
    assert_no_traceback(result)
    lines = error_lines(result)
    assert len(lines) == len(BAD_CASES), lines
    for name, (_, line, problem) in BAD_CASES.items():
        assert any(f"content/{name}:{line}: " in text and re.search(problem, text) for text in lines), (
            name,
            lines,
        )
    assert (fixture_site / "output" / "articles" / "second.html").is_file()


def test_control_characters_are_removed_and_the_file_builds(fixture_site):
    write_article(fixture_site, "controls.md", "---\ntitle: \"Form\\ffeed\\x1b and \\x01 escapes\"\n"
                  "date: 2025-03-03\ntags: [\"bell\\a\"]\n---\nBody \f with \x1b[31m colour \x00 and \x7f.\n")
    result = run_cli("--site", str(fixture_site))
    assert result.returncode == 0, result.stderr
    output = fixture_site / "output"
    for path in output.rglob("*"):
        if path.is_file() and path.suffix in (".xml", ".html", ".json", ".js"):
            data = path.read_text(encoding="utf-8")
            assert not [c for c in data if ord(c) < 32 and c not in "\t\n\r"], path
    parsed = feedparser.parse((output / "feed.xml").read_bytes())
    assert not parsed.bozo and any(e.title == "Formfeed and  escapes" for e in parsed.entries)


def test_dangling_links_pipes_and_lock_files_are_skipped_with_a_line(fixture_site):
    content = fixture_site / "content"
    (content / ".#second.md").symlink_to("user@host.1234:1700000000")
    (content / "gone.md").symlink_to("nowhere.md")
    os.mkfifo(content / "pipe.md")
    result = run_cli("--site", str(fixture_site))
    assert result.returncode == 0, result.stderr
    assert_no_traceback(result)
    warnings = error_lines(result, "warning")
    assert len(warnings) == 2, warnings
    assert any("content/gone.md: a link to a file that does not exist" in w for w in warnings)
    assert any("content/pipe.md: not a regular file" in w for w in warnings)


def test_names_too_long_for_the_file_system_are_shortened_stably(fixture_site):
    long_tag = "稀土" * 50  # a hundred characters, the most a tag may have: "xi-tu-xi-tu-…" names its page
    long_slug = "a" * 300
    write_article(fixture_site, "long.md", f"---\ntitle: Long\ndate: 2025-03-04\nslug: {long_slug}\n"
                  f"tags: [\"{long_tag}\"]\n---\nx\n")
    result = run_cli("--site", str(fixture_site))
    assert result.returncode == 0, result.stderr
    output = fixture_site / "output"
    articles = [p.name for p in (output / "articles").iterdir() if p.name.startswith("aaaa")]
    tags = [p.name for p in (output / "tags").iterdir() if p.name.startswith("xi-tu")]
    assert len(articles) == 1 and len(articles[0]) <= 110 and len(tags) == 1 and len(tags[0]) <= 100
    assert re.fullmatch(r"[0-9a-f]{8}", tags[0].rsplit("-", 1)[1]), "shortened, with a hash of the whole"
    shutil.rmtree(fixture_site / ".newsdigest-cache")
    assert run_cli("--site", str(fixture_site)).returncode == 0
    assert [p.name for p in (output / "articles").iterdir() if p.name.startswith("aaaa")] == articles


# 5. Costs that stay linear.

def test_a_hostile_corpus_builds_within_a_fixed_time_per_megabyte(fixture_site):
    """Not a speed claim: a guard against costs that explode (a quadratic case took 415 s for 100 KB)."""
    pieces = {
        "brackets": "[" * 20_000 + "]" * 20_000,
        "unclosed-links": "[a](b " * 8_000,
        "footnote-refs": "[^1]" * 10_000 + "\n\n[^1]: x",
        "nested-quotes": "> " * 5_000 + "x",
        "long-line": "word " * 40_000,
        "html-nesting": "<div>" * 20_000 + "x",
    }
    size = 0
    for name, body in pieces.items():
        tags = ", ".join(f"tag{i}" for i in range(90))
        text = f"---\ntitle: {name}\ndate: 2025-03-05\ntags: [{tags}]\n---\n{body}\n"
        size += len(write_article(fixture_site, f"{name}.md", text).read_bytes())
    started = time.monotonic()
    result = run_cli("--site", str(fixture_site))
    elapsed = time.monotonic() - started
    assert_no_traceback(result)
    assert elapsed < 10 + 60 * size / 1e6, f"{elapsed:.1f} s for {size / 1e6:.2f} MB"


# 6. Atomic and locked.

def test_two_builds_at_once_both_succeed(fixture_site):
    command = [sys.executable, str(ROOT / "build.py"), "--site", str(fixture_site)]
    first = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    second = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    for process in (first, second):
        _, err = process.communicate(timeout=120)
        assert process.returncode == 0, err
        assert "Traceback" not in err
    assert (fixture_site / "output" / "index.html").is_file()
    assert not [p for p in fixture_site.iterdir() if p.name.startswith(".output-new-")]


def test_a_leftover_staging_folder_is_removed_by_the_next_build(fixture_site):
    assert run_cli("--site", str(fixture_site)).returncode == 0
    leftover = fixture_site / ".output-new-abc123"
    (leftover / "articles").mkdir(parents=True)
    (leftover / "articles" / "second.html").write_text("half a build")
    result = run_cli("--site", str(fixture_site))
    assert result.returncode == 0 and "stopped before writing" in result.stderr
    assert not leftover.exists()
    assert "half a build" not in (fixture_site / "output" / "articles" / "second.html").read_text()


def test_ingest_never_leaves_a_truncated_article_on_a_full_disk(fixture_site, tmp_path):
    """A full disk, simulated by a write that fails at the flush: the hand-edited article stays whole."""
    raw = FIXTURES / "sample" / "raw" / "000_83c717361c02f5fe.txt"
    assert run_cli("ingest", "--site", str(fixture_site), str(raw)).returncode == 0
    [written] = [p for p in (fixture_site / "content").iterdir() if p.name.startswith("india-china")]
    edited = written.read_text().replace("In a move", "In an edited move")
    written.write_text(edited)
    script = ("import os, sys, runpy; "
              "os.fsync = lambda fd: (_ for _ in ()).throw(OSError(28, 'No space left on device')); "
              f"sys.argv = ['build.py', 'ingest', '--force', '--site', {str(fixture_site)!r}, {str(raw)!r}]; "
              f"runpy.run_path({str(ROOT / 'build.py')!r}, run_name='__main__')")
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, timeout=120
    )
    assert result.returncode == 1
    assert_no_traceback(result)
    assert "cannot write" in result.stderr and "No space left on device" in result.stderr
    assert written.read_text() == edited
    assert sorted(p.name for p in (fixture_site / "content").iterdir() if p.name.startswith(".")) == []


@pytest.mark.parametrize("journal", ["", '{"changed": ["articles/sec', "not json at all"])
def test_a_commit_journal_left_empty_or_cut_short_never_wedges_a_later_build(fixture_site, journal):
    """What a build killed while writing its journal left, before journals were written aside and renamed."""
    assert run_cli("--site", str(fixture_site)).returncode == 0
    expected = tree(fixture_site / "output")
    staging = fixture_site / ".output-new-killed"
    (staging / ".staged").mkdir(parents=True)
    (staging / ".staged" / "0123").write_text("half a build")
    (staging / ".commit-journal").write_text(journal)
    for _ in range(2):
        result = run_cli("--site", str(fixture_site))
        assert result.returncode == 0, result.stderr
        assert_no_traceback(result)
    assert tree(fixture_site / "output") == expected
    assert not staging.exists()


def test_a_damaged_cache_row_is_rebuilt_from_the_sources_with_a_note(fixture_site):
    assert run_cli("--site", str(fixture_site)).returncode == 0
    expected = tree(fixture_site / "output")
    cache = sqlite3.connect(fixture_site / ".newsdigest-cache" / "cache.sqlite")
    with cache:
        cache.execute("UPDATE meta SET value = '{not json' WHERE key LIKE 'inputs:%'")
        cache.execute("UPDATE articles SET record = X'00ff00'")
    cache.close()
    (fixture_site / "content" / "second.md").touch()
    result = run_cli("--site", str(fixture_site))
    assert result.returncode == 0, result.stderr
    assert_no_traceback(result)
    assert "the cache was damaged; rebuilt it" in result.stderr
    assert tree(fixture_site / "output") == expected


def test_a_build_killed_at_any_moment_is_finished_by_the_next_one(tmp_path):
    """SIGKILL at moments spread over a rebuild of every page, commit included: the next build leaves the
    new site, whole, and nothing of the killed one."""
    site = tmp_path / "site"
    many_articles(site, 600)
    assert run_cli("--site", str(site)).returncode == 0
    saved = tmp_path / "saved"
    for folder in ("output", ".newsdigest-cache"):
        shutil.copytree(site / folder, saved / folder)

    def last_build_restored() -> None:
        for folder in ("output", ".newsdigest-cache"):
            shutil.rmtree(site / folder)
            shutil.copytree(saved / folder, site / folder)

    toml = site / "site.toml"
    toml.write_text(toml.read_text().replace('title = "Many"', 'title = "Many more"'))
    assert run_cli("--site", str(site), "--output", str(tmp_path / "new")).returncode == 0
    new = tree(tmp_path / "new")
    last_build_restored()
    started = time.monotonic()
    assert run_cli("--site", str(site)).returncode == 0
    whole = time.monotonic() - started
    for fraction in (0.1, 0.3, 0.5, 0.7, 0.8, 0.85, 0.9, 0.93, 0.96, 0.98, 1.0):
        last_build_restored()
        command = [sys.executable, str(ROOT / "build.py"), "--site", str(site)]
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                   start_new_session=True)
        time.sleep(whole * fraction)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=60)
        result = run_cli("--site", str(site))
        assert result.returncode == 0, (fraction, result.stderr)
        assert_no_traceback(result)
        assert tree(site / "output") == new, f"killed at {fraction:.0%} of a build"
        assert [p.name for p in site.iterdir() if p.name.startswith(".output-")] == []


# 7. Links that lead out of the site are never followed or published.

SECRET = "not-for-publishing-7f3a"


def test_links_out_of_the_site_are_one_warning_each_and_links_within_it_are_followed(fixture_site, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    (elsewhere / "dir").mkdir(parents=True)
    (elsewhere / "secret.md").write_text(f"---\ntitle: Secret\ndate: 2025-03-01\n---\n{SECRET}\n")
    (elsewhere / "dir" / "secret.md").write_text(f"---\ntitle: Secret two\ndate: 2025-03-01\n---\n{SECRET}\n")
    (elsewhere / "secret.txt").write_text(SECRET)
    (elsewhere / "dir" / "secret.txt").write_text(SECRET)
    (elsewhere / "secret.html").write_text(f"{SECRET} {{{{ page_path }}}}")
    (fixture_site / "drafts").mkdir()
    (fixture_site / "drafts" / "inside.md").write_text("---\ntitle: Inside\ndate: 2025-03-01\n---\nInside.\n")
    (fixture_site / "assets" / "more").mkdir(parents=True)
    (fixture_site / "assets" / "inside.txt").write_text("inside")
    (fixture_site / "assets" / "more" / "deeper.txt").write_text("deeper")
    (fixture_site / "tpl").mkdir()
    (fixture_site / "tpl" / "404.html").write_text("INSIDE-TEMPLATE {{ page_path }}")
    for folder in ("static", "templates"):
        (fixture_site / folder).mkdir()
    links_out = {
        "content/out.md": elsewhere / "secret.md",
        "content/outdir": elsewhere / "dir",
        "static/env.txt": Path("/proc/self/environ"),
        "static/passwd.txt": Path("/etc/passwd"),
        "static/secret.txt": elsewhere / "secret.txt",
        "static/outdir": elsewhere / "dir",
        "templates/article.html": elsewhere / "secret.html",
        "templates/partials": elsewhere / "dir",
    }
    links_in = {
        "content/in.md": fixture_site / "drafts" / "inside.md",
        "static/in.txt": fixture_site / "assets" / "inside.txt",
        "static/indir": fixture_site / "assets" / "more",
        "templates/404.html": fixture_site / "tpl" / "404.html",
    }
    for name, target in {**links_out, **links_in}.items():
        (fixture_site / name).symlink_to(target, target_is_directory=target.is_dir())
    result = run_cli("--site", str(fixture_site))
    assert result.returncode == 0, result.stderr
    assert_no_traceback(result)
    warnings = error_lines(result, "warning")
    assert len(warnings) == len(links_out), warnings
    for name in links_out:
        assert any(
            f"{name}: a link to " in line and "outside the site; not read" in line for line in warnings
        ), name
    output = fixture_site / "output"
    published = b"".join(p.read_bytes() for p in output.rglob("*") if p.is_file())
    assert SECRET.encode() not in published and b"root:x:0:0" not in published
    assert os.environ["PATH"].encode() not in published, "the build's environment is not published"
    assert (output / "articles" / "in.html").is_file() and not (output / "articles" / "out.html").exists()
    assert (output / "static" / "in.txt").read_text() == "inside"
    assert (output / "static" / "indir" / "deeper.txt").read_text() == "deeper"
    assert (output / "404.html").read_text().startswith("INSIDE-TEMPLATE")
    assert "Second" in (output / "articles" / "second.html").read_text(), (
        "the default article template serves"
    )


# 8. File names that are not text.

BAD_NAME_BYTES = [b"\x80", b"\xc3", b"\xff", b"\xed\xa0\x80", b"\xc2\x85", b"\x7f"] + [
    bytes([code]) for code in range(1, 32)]


def test_names_with_every_kind_of_bad_byte_are_skipped_with_one_line_each(fixture_site):
    body = b"---\ntitle: Badly named\ndate: 2025-03-01\n---\nA badly named article.\n"
    content, static, templates = (
        os.fsencode(fixture_site / name) for name in ("content", "static", "templates")
    )
    os.mkdir(static)
    os.mkdir(templates)
    made = []
    for number, bad in enumerate(BAD_NAME_BYTES):
        where = (content, static, templates)[number % 3]
        name = b"name-%d-%s.%s" % (number, bad, {content: b"md", static: b"css", templates: b"html"}[where])
        with open(os.path.join(where, name), "wb") as handle:
            handle.write(body if where == content else b"{{ page_path }}")
        made.append(name)
    folder = os.path.join(content, b"folder-\xfe")
    os.mkdir(folder)
    with open(os.path.join(folder, b"fine.md"), "wb") as handle:
        handle.write(body)
    result = run_cli("--site", str(fixture_site))
    assert result.returncode == 0, result.stderr
    assert_no_traceback(result)
    warnings = error_lines(result, "warning")
    assert len(warnings) == len(BAD_NAME_BYTES) + 1, warnings
    assert all("skipped" in line and line.isprintable() for line in warnings)
    output = fixture_site / "output"
    assert "Badly named" not in "".join(p.read_text() for p in output.rglob("*.html"))
    manifest = (output / MANIFEST).read_text()
    assert manifest.isascii() and all(line.isprintable() for line in manifest.splitlines())
    second = run_cli("--site", str(fixture_site))
    assert second.returncode == 0 and len(error_lines(second, "warning")) == len(warnings)


# 9. Limits on what one file may cost, and on where a build may write.

def test_a_tag_or_title_too_long_is_one_line_and_the_rest_builds(fixture_site):
    write_article(fixture_site, "long-tags.md", "---\ntitle: Tags\ndate: 2025-03-01\ntags: [" +
                  ", ".join(f"t{n}{'x' * 30_000}" for n in range(100)) + "]\n---\nx\n")
    write_article(
        fixture_site, "long-title.md", f"---\ntitle: {'Headline ' * 1_000}\ndate: 2025-03-01\n---\nx\n"
    )
    started = time.monotonic()
    result = run_cli("--site", str(fixture_site))
    assert time.monotonic() - started < 60
    assert result.returncode == 1
    assert_no_traceback(result)
    lines = error_lines(result)
    assert len(lines) == 2, lines
    assert any("long-tags.md:4: a tag of 30,002 characters" in line for line in lines), lines
    assert any("long-title.md:2: the title has 8,999 characters" in line for line in lines), lines
    size = sum(p.stat().st_size for p in (fixture_site / "output").rglob("*") if p.is_file())
    assert size < 2_000_000 and (fixture_site / "output" / "articles" / "second.html").is_file()


@pytest.mark.parametrize("output", ["static", "static/site", "templates", ".newsdigest-cache",
                                    ".newsdigest-cache/out", "content/site"])
def test_an_output_folder_that_holds_or_lies_in_an_input_or_the_cache_is_refused(fixture_site, output):
    for folder in ("static", "templates"):
        (fixture_site / folder).mkdir()
    (fixture_site / "static" / "mine.css").write_text("body {}")
    (fixture_site / "templates" / "404.html").write_text("{% extends 'base.html' %}")
    assert run_cli("--site", str(fixture_site)).returncode == 0
    before = {p: p.read_bytes() for p in fixture_site.rglob("*") if p.is_file() and "output" not in p.parts}
    result = run_cli("--site", str(fixture_site), "--output", str(fixture_site / output), "--clean")
    assert result.returncode == 1
    assert_no_traceback(result)
    [line] = error_lines(result)
    assert "the output folder" in line and ("lies in the site's" in line or "holds the site" in line
                                             or "is or holds the site's" in line), line
    after = {p: p.read_bytes() for p in fixture_site.rglob("*") if p.is_file() and "output" not in p.parts}
    assert after == before


def test_ingest_reads_no_device_and_waits_on_no_pipe(fixture_site, tmp_path):
    pages = tmp_path / "pages"
    pages.mkdir()
    (pages / "zero.txt").symlink_to("/dev/zero")
    (pages / "random.html").symlink_to("/dev/urandom")
    os.mkfifo(pages / "pipe.html")
    shutil.copy(FIXTURES / "sample" / "raw" / "000_83c717361c02f5fe.txt", pages / "good.txt")
    (tmp_path / "zero.html").symlink_to("/dev/zero")
    started = time.monotonic()
    result = run_cli("ingest", "--site", str(fixture_site), "--date", "2025-06-12", str(pages),
                     str(tmp_path / "zero.html"))
    assert time.monotonic() - started < 60
    assert result.returncode == 1
    assert_no_traceback(result)
    failed = [line for line in result.stderr.splitlines() if line.startswith("failed")]
    assert len(failed) == 4 and all("not a regular file" in line for line in failed), failed
    assert "1 written" in result.stdout


@pytest.fixture
def tiny_disk(tmp_path):
    """A 2 MB file system of its own, mounted for the test (as root, where mounting is allowed)."""
    mount = tmp_path / "disk"
    mount.mkdir()
    made = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(mount)], capture_output=True)
    if made.returncode != 0:
        pytest.skip("mounting a small file system needs root (and a machine that allows it)")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def fill(disk: Path) -> None:
    free = shutil.disk_usage(disk).free
    with open(disk / "filler", "wb") as handle, contextlib.suppress(OSError):
        handle.write(b"\0" * free)


def test_a_full_disk_is_one_line_and_truncates_nothing(tiny_disk):
    site = tiny_disk / "site"
    shutil.copytree(FIXTURES / "site", site)
    raw = FIXTURES / "sample" / "raw" / "000_83c717361c02f5fe.txt"
    assert run_cli("--site", str(site)).returncode == 0
    assert run_cli("ingest", "--site", str(site), "--date", "2025-06-12", str(raw)).returncode == 0
    before = tree(site / "content"), tree(site / "output")
    fill(tiny_disk)
    (site / "content" / "second.md").write_text((site / "content" / "second.md").read_text() + "\nMore.\n")
    contents = tree(site / "content")
    for command in (["ingest", "--force", "--site", str(site), "--date", "2025-06-12", str(raw)],
                    ["--site", str(site)]):
        result = run_cli(*command)
        assert result.returncode == 1, result.stdout + result.stderr
        assert_no_traceback(result)
        full = [line for line in result.stderr.splitlines() if "(disk full)" in line]
        assert len(full) == 1 and "cannot write" in full[0], result.stderr
        assert tree(site / "content") == contents, "nothing in content/ cut short"
        assert tree(site / "output") == before[1], "the last build's output whole"
