"""End to end: `python build.py` as a user runs it."""

from __future__ import annotations

import shutil
from pathlib import Path

from conftest import FIXTURES, ROOT, SAMPLE_SITE, run_cli
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
