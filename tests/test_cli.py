"""End to end: `python build.py` as a user runs it."""

from __future__ import annotations

import contextlib
import os
import random
import re
import shlex
import shutil
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import FIXTURES, ROOT, SAMPLE_SITE, as_from_a_terminal, run_cli
from test_content import BAD_FILES


def snapshot(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


def test_the_sample_builds_and_two_builds_are_byte_identical(tmp_path):
    site = tmp_path / "site"
    shutil.copytree(SAMPLE_SITE, site)
    first = run_cli("--output", str(tmp_path / "one"), cwd=site)
    assert first.returncode == 0, first.stderr
    assert first.stdout.startswith("Built 9 articles into ")
    second = run_cli("build", "--output", str(tmp_path / "two"), cwd=site)
    assert second.returncode == 0, second.stderr
    one, two = snapshot(tmp_path / "one"), snapshot(tmp_path / "two")
    assert len(one) > 60
    assert one == two


def test_the_default_output_is_output_beside_site_toml(fixture_site):
    result = run_cli("--site", str(fixture_site))
    assert result.returncode == 0, result.stderr
    assert (fixture_site / "output" / "index.html").is_file()


def test_bad_files_are_reported_and_left_out_and_the_rest_builds(fixture_site):
    for name in BAD_FILES:
        shutil.copy(FIXTURES / "bad" / name, fixture_site / "content" / name)
    result = run_cli("--site", str(fixture_site))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.startswith("error: ")]
    assert len(lines) == len(BAD_FILES)
    for name, (problem, line) in BAD_FILES.items():
        where = f"content/{name}:{line}: " if line else f"content/{name}: "
        assert any(where in line_ and problem in line_ for line_ in lines), (name, lines)
    assert "were left out" in result.stderr
    assert (fixture_site / "output/articles/second.html").is_file()


def test_strict_writes_nothing_when_a_file_is_bad(fixture_site):
    assert run_cli("--site", str(fixture_site)).returncode == 0
    before = snapshot(fixture_site / "output")
    shutil.copy(FIXTURES / "bad" / "bad-date.md", fixture_site / "content" / "bad-date.md")
    (fixture_site / "content" / "new.md").write_text("---\ntitle: New\ndate: 2025-02-01\n---\nNew.\n")
    result = run_cli("--site", str(fixture_site), "--strict")
    assert result.returncode == 1
    assert "bad-date.md:3: date 'next Tuesday' is not a date" in result.stderr
    assert "Nothing written" in result.stderr
    assert snapshot(fixture_site / "output") == before


def test_a_broken_config_or_template_leaves_the_previous_output_whole(fixture_site):
    assert run_cli("--site", str(fixture_site)).returncode == 0
    before = snapshot(fixture_site / "output")
    toml = fixture_site / "site.toml"
    good = toml.read_text()
    toml.write_text("colour = 'red'\n" + good)
    result = run_cli("--site", str(fixture_site))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "site.toml:1: unknown setting 'colour'" in result.stderr
    assert snapshot(fixture_site / "output") == before
    toml.write_text(good)
    (fixture_site / "templates").mkdir()
    (fixture_site / "templates" / "article.html").write_text(
        "{% extends 'base.html' %}{% block main %}{{ nope.x }}{% endblock %}"
    )
    result = run_cli("--site", str(fixture_site))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "template error while rendering articles/" in result.stderr
    assert snapshot(fixture_site / "output") == before
    # A template Jinja cannot parse at all is found before anything renders, and named by its line.
    (fixture_site / "templates" / "article.html").write_text("{% extends 'base.html' %}\n{{ page.title }\n")
    result = run_cli("--site", str(fixture_site))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "templates/article.html:2: template error: unexpected '}' -- fix the template" in result.stderr
    assert snapshot(fixture_site / "output") == before
    (fixture_site / "templates" / "article.html").write_bytes(b"{% extends 'base.html' %}\n\xff\n")
    result = run_cli("--site", str(fixture_site))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "templates/article.html:2: not UTF-8 text (byte 0xff) -- save the template as UTF-8" \
        in result.stderr
    assert snapshot(fixture_site / "output") == before


def test_an_output_in_a_file_or_a_missing_content_folder_stops_the_build(fixture_site):
    assert run_cli("--site", str(fixture_site)).returncode == 0
    before = snapshot(fixture_site / "output")
    result = run_cli("--site", str(fixture_site), "--output", str(fixture_site / "site.toml" / "out"))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert (
        "the output folder cannot be made:" in result.stderr and "site.toml is not a folder" in result.stderr
    )
    toml = fixture_site / "site.toml"
    toml.write_text('content_dir = "artcles"\n' + toml.read_text())
    result = run_cli("--site", str(fixture_site))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "artcles: the content folder does not exist" in result.stderr
    # A mistyped content folder does not publish an empty site over the last one.
    assert snapshot(fixture_site / "output") == before


def test_site_templates_override_the_defaults(fixture_site):
    (fixture_site / "templates").mkdir()
    (fixture_site / "templates" / "terms.html").write_text(
        "<p>{{ page.title }} by the site's own template</p>\n"
    )
    assert run_cli("--site", str(fixture_site)).returncode == 0
    assert (fixture_site / "output/tags/index.html").read_text() == "<p>Tags by the site's own template</p>\n"
    assert "<main" in (fixture_site / "output/index.html").read_text()


def test_drafts_flag_includes_drafts_and_future_articles(fixture_site):
    assert run_cli("--site", str(fixture_site), "--drafts").returncode == 0
    assert (fixture_site / "output/articles/draft.html").is_file()
    assert (fixture_site / "output/articles/future.html").is_file()


def test_base_url_flag_sets_feed_urls(fixture_site):
    assert run_cli("--site", str(fixture_site), "--base-url", "https://me.github.io/digest").returncode == 0
    assert (
        "https://me.github.io/digest/articles/second.html" in (fixture_site / "output/feed.xml").read_text()
    )


def test_base_url_from_the_environment_and_the_flag_wins(fixture_site, monkeypatch):
    monkeypatch.setenv("NEWSDIGEST_BASE_URL", "https://news.example.org")
    assert run_cli("--site", str(fixture_site)).returncode == 0
    assert "https://news.example.org/articles/second.html" in (fixture_site / "output/feed.xml").read_text()
    assert run_cli("--site", str(fixture_site), "--base-url", "https://flag.example/").returncode == 0
    assert "https://flag.example/articles/second.html" in (fixture_site / "output/feed.xml").read_text()


def test_a_bad_base_url_is_blamed_on_where_it_came_from(fixture_site, monkeypatch):
    result = run_cli("--site", str(fixture_site), "--base-url", "news.example.org/x y")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "--base-url: base_url 'news.example.org/x y' is not an absolute http(s) URL" in result.stderr
    monkeypatch.setenv("NEWSDIGEST_BASE_URL", "ftp://news.example.org/")
    result = run_cli("--site", str(fixture_site))
    assert result.returncode == 1
    assert "$NEWSDIGEST_BASE_URL: base_url 'ftp://news.example.org/' is not" in result.stderr
    assert not (fixture_site / "output").exists()


def test_help_names_the_options():
    result = run_cli("build", "--help")
    assert result.returncode == 0
    for option in ("--drafts", "--strict", "--site", "--base-url", "--output"):
        assert option in result.stdout


def test_no_stray_files_are_left_beside_the_output(fixture_site):
    run_cli("--site", str(fixture_site))
    run_cli("--site", str(fixture_site))
    assert not [p.name for p in fixture_site.iterdir() if p.name.startswith(".output")]
    assert ROOT.joinpath("build.py").is_file()


# Ctrl-C, bad ports, folder modes, help: the command line's manners.

def many_articles(site: Path, count: int) -> None:
    """A site of `count` generated articles over two months, in one topic, each a few paragraphs long."""
    (site / "content").mkdir(parents=True, exist_ok=True)
    (site / "site.toml").write_text('title = "Many"\n[[topics]]\nid = "trade"\nname = "Trade"\n')
    words = "port ship cargo tariff harbour crane union wage deal talks berth quay freight".split()
    for number in range(count):
        sentences = [" ".join(words[(number + i + j) % len(words)] for j in range(60)) for i in range(5)]
        paragraphs = "\n\n".join(sentence.capitalize() + "." for sentence in sentences)
        day = f"2025-{1 + number % 2:02d}-{1 + number % 28:02d}"
        (site / "content" / f"story-{number:04d}.md").write_text(
            f"---\ntitle: Story {number} of the harbour\ndate: {day}\ntopics: [trade]\n"
            f"tags: [t{number % 40}]\n---\n{paragraphs}\n")


def interrupted(command: list[str], after: float, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    """The command run as a terminal runs it, sent Ctrl-C (SIGINT to its process group) after a while."""
    process = subprocess.Popen([sys.executable, str(ROOT / "build.py"), *command], cwd=cwd, text=True,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True,
                               preexec_fn=as_from_a_terminal)
    time.sleep(after)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGINT)
    try:
        stdout, stderr = process.communicate(timeout=120)
        time.sleep(0.2)
        with pytest.raises(ProcessLookupError):  # no worker is left behind
            os.killpg(process.pid, 0)
    finally:  # nor by a failure here
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
    return subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr)


def assert_one_interrupted_line(result: subprocess.CompletedProcess) -> None:
    assert "Traceback" not in result.stderr and "Error" not in result.stderr, result.stderr
    if result.returncode == 0:
        return  # it had finished before Ctrl-C came
    assert result.returncode == 130, result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("interrupted: "), result.stderr


def test_ctrl_c_during_a_build_leaves_the_old_site_or_the_new_one_whole(tmp_path):
    site, output = tmp_path / "site", tmp_path / "site" / "output"
    many_articles(site, 1200)
    assert run_cli("--site", str(site)).returncode == 0
    old = snapshot(output)
    saved = tmp_path / "old-output"
    shutil.copytree(output, saved)
    toml = site / "site.toml"
    toml.write_text(toml.read_text().replace('title = "Many"', 'title = "Many more"'))  # every page changes
    assert run_cli("--site", str(site), "--output", str(tmp_path / "new")).returncode == 0
    new = snapshot(tmp_path / "new")
    assert new != old
    outcomes = set()
    for after in (0.3, 0.7, 1.1, 1.6, 2.2, 3.0, 4.0):
        shutil.rmtree(output)
        shutil.copytree(saved, output)
        result = interrupted(["--site", str(site)], after)
        assert_one_interrupted_line(result)
        now = snapshot(output)
        assert now in (old, new), f"Ctrl-C after {after} s left a mixed output"
        assert [p.name for p in site.iterdir() if p.name.startswith(".output-")] == []
        outcomes.add((result.returncode, "new" if now == new else "old"))
    assert (130, "old") in outcomes, outcomes  # the test did stop builds half-way


def test_ctrl_c_during_an_ingest_leaves_every_written_file_whole(tmp_path):
    site = tmp_path / "site"
    assert run_cli("init", str(site)).returncode == 0
    pages = tmp_path / "pages"
    pages.mkdir()
    rng = random.Random(7)
    vocabulary = ["".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(rng.randint(3, 9)))
                  for _ in range(3000)]
    for number in range(400):
        sentences = [" ".join(rng.choices(vocabulary, k=70)).capitalize() for _ in range(6)]
        paragraphs = "".join(f"<p>{sentence}.</p>" for sentence in sentences)
        (pages / f"page-{number:03d}.html").write_text(
            f"<html><head><title>Story {number} {rng.choice(vocabulary)}</title></head><body><article>"
            f"<h1>Story {number} {rng.choice(vocabulary)}</h1>{paragraphs}</article></body></html>")
    for after in (1.5, 4.0):
        result = interrupted(["ingest", "--site", str(site), "--date", "2025-06-12", str(pages)], after)
        assert_one_interrupted_line(result)
        assert result.returncode == 130
        for path in (site / "content").iterdir():
            text = path.read_text()
            assert text.startswith("---\n") and text.count("\n---\n") >= 1 and text.endswith("\n"), path
        assert [p for p in (site / "content").iterdir() if p.name.startswith(".")] == []


@pytest.mark.parametrize("port", ["99999", "-5", "65536", "eighty"])
def test_a_port_that_is_not_one_is_one_line(port):
    result = run_cli("serve", "--port", port)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "is not a port" in result.stderr
    assert "Traceback" not in result.stderr


def test_output_folders_and_files_take_the_umask_as_every_other(tmp_path):
    site = tmp_path / "site"
    assert run_cli("init", str(site)).returncode == 0
    raw = next((FIXTURES / "sample" / "raw").glob("*.txt"))
    for umask in (0o022, 0o027):
        shutil.rmtree(site / "output", ignore_errors=True)
        newsdigest = f"{shlex.quote(sys.executable)} {ROOT / 'build.py'}"
        command = f"umask {umask:03o} && {newsdigest} --site {site} && {newsdigest} ingest --site {site} " \
                  f"--force {raw}"
        assert subprocess.run(command, shell=True, capture_output=True, timeout=120).returncode == 0
        folders = [site / "output", site / "output" / "articles"]
        assert {stat.S_IMODE(p.stat().st_mode) for p in folders} == {0o777 & ~umask}
        assert stat.S_IMODE((site / "output" / "index.html").stat().st_mode) == 0o666 & ~umask
        ingested = [p for p in (site / "content").iterdir() if p.name != "example-article.md"]
        # Made under the first umask; replaced (--force) under the second, it keeps the mode it had.
        assert ingested and {stat.S_IMODE(p.stat().st_mode) for p in ingested} == {0o666 & ~0o022}


def test_each_command_s_help_starts_with_what_it_does_and_the_docs_list_every_option():
    block = (ROOT / "docs" / "commands.md").read_text().split("```")[1]
    for command in ("build", "init", "ingest", "fetch", "retag", "pack", "serve"):
        result = run_cli(command, "--help")
        assert result.returncode == 0
        first = result.stdout.splitlines()[0]
        assert first[0].isupper() and first.endswith(".") and not first.startswith("usage"), first
        assert f"build.py {command}" in block or command == "build"
        options = set(re.findall(r"(--[a-z-]+)", result.stdout)) - {"--help"}
        assert options <= set(re.findall(r"(--[a-z-]+)", block)), (command, options)


def test_a_build_says_once_when_the_output_passes_size_warning_mb(tmp_path):
    """GitHub Pages refuses sites over 1 GB: a build that leaves the output past the setting says so, once,
    with the size the output really has; one that brings it back under says nothing."""
    site = tmp_path / "site"
    shutil.copytree(SAMPLE_SITE, site)
    toml = site / "site.toml"
    # A top-level setting, so before the file's first table.
    toml.write_text("size_warning_mb = 1\n" + toml.read_text(encoding="utf-8"), encoding="utf-8")
    (site / "static").mkdir(exist_ok=True)
    (site / "static" / "large.bin").write_bytes(random.Random(1).randbytes(1_200_000))
    built = run_cli("build", cwd=site)
    assert built.returncode == 0, built.stderr
    warnings = [line for line in built.stderr.splitlines() if "size_warning_mb" in line]
    assert len(warnings) == 1 and "GitHub Pages refuses sites over 1 GB" in warnings[0], built.stderr
    actual = sum(p.stat().st_size for p in (site / "output").rglob("*") if p.is_file()) / 1024 / 1024
    said = float(re.search(r"holds ([\d.,]+) MB", warnings[0]).group(1))
    assert abs(said - actual) <= 0.5, (said, actual)
    (site / "static" / "large.bin").unlink()
    smaller = run_cli("build", cwd=site)
    assert smaller.returncode == 0 and "size_warning_mb" not in smaller.stderr, smaller.stderr
