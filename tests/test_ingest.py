"""Ingest end to end: raw files in, content/*.md out, as the command line runs it."""

from __future__ import annotations

import gzip
import json
import os
import re
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import frontmatter
import markdown
import pytest
from bs4 import BeautifulSoup
from conftest import FIXTURES, ROOT, SAMPLE_SITE, SAMPLES, parse_html, run_cli
from hypothesis import given, settings
from hypothesis import strategies as st

from newsdigest.config import load_config
from newsdigest.content import index_words
from newsdigest.ingest import IngestOptions, ingest, markdown_escape
from newsdigest.ingest.command import typographic, typographic_all
from newsdigest.markup import TYPOGRAPHY, markdown_to_html

INGEST = FIXTURES / "ingest"
RAW = next((SAMPLES / "raw").glob("*.txt"))
EXPECTED = json.loads(next((SAMPLES / "expected").glob("*.json")).read_text(encoding="utf-8"))


@pytest.fixture
def site(tmp_path) -> Path:
    """An empty site with the project's site.toml."""
    (tmp_path / "content").mkdir()
    shutil.copy(SAMPLE_SITE / "site.toml", tmp_path / "site.toml")
    return tmp_path


def content_files(site: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted((site / "content").glob("*.md"))}


def paragraphs_of(post) -> list[str]:
    return [p.get_text() for p in BeautifulSoup(markdown_to_html(post.content), "html.parser")("p")]


def test_the_sample_end_to_end_matches_the_expected_file(site):
    result = run_cli("ingest", "--site", str(site), "--date", "2025-06-12", str(RAW))
    assert result.returncode == 0, result.stderr
    assert "written" in result.stdout and "date: given with --date" in result.stdout
    [path] = (site / "content").glob("*.md")
    assert path.name == "india-china-signal-readiness-for-talks-to-resume-rare-earth.md"
    post = frontmatter.load(path)
    assert post["title"] == EXPECTED["title"]
    assert post["dateline"] == EXPECTED["dateline"]
    assert post["credit"] == EXPECTED["credit"]
    assert post["source"] == EXPECTED["publisher"]
    assert post["topics"] == EXPECTED["expected_topics"]
    assert set(post["tags"]) <= set(EXPECTED["also_reasonable_tags"]) and post["tags"]
    assert post["date"] == date(2025, 6, 12)
    assert post["summary"].startswith("In a move that could ease stress")
    assert post["ingested_from"]["file"] == RAW.name and len(post["ingested_from"]["sha256"]) == 64
    assert paragraphs_of(post) == EXPECTED["body_paragraphs"]


def test_date_falls_back_to_the_file_time_and_the_report_says_so(site, tmp_path):
    raw = tmp_path / "story.txt"
    shutil.copy(RAW, raw)
    os.utime(raw, (1_700_000_000, 1_700_000_000))
    result = run_cli("ingest", "--site", str(site), str(raw))
    assert "date: the file's modification time" in result.stdout
    [path] = (site / "content").glob("*.md")
    assert frontmatter.load(path)["date"].isoformat() == "2023-11-15T03:43:20+05:30"


def test_a_date_in_the_article_wins(site):
    result = run_cli("ingest", "--site", str(site), "--date", "2020-01-01", str(INGEST / "full-page.txt"))
    assert "date: from the article (November 20, 2025)" in result.stdout
    [path] = (site / "content").glob("*.md")
    post = frontmatter.load(path)
    assert post["date"] == date(2025, 11, 20)
    assert post["author"] == "Meera Iyer"


def test_standard_input(site):
    result = subprocess.run([sys.executable, str(ROOT / "build.py"), "ingest", "--site", str(site), "-"],
                            input=RAW.read_bytes(), capture_output=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert b"<stdin>" in result.stdout and b"date: the time of ingest" in result.stdout
    assert len(content_files(site)) == 1


def test_the_same_article_twice_writes_nothing_new(site, tmp_path):
    config = load_config(site)
    [first] = ingest([str(RAW)], config, IngestOptions(date=date(2025, 6, 12)))
    assert first.status == "written"
    before = content_files(site)
    [again] = ingest([str(RAW)], config)
    assert (again.status, again.detail) == ("duplicate", "the same file; --force to replace it")
    resaved = tmp_path / "resaved.txt"
    text = RAW.read_text(encoding="utf-8")
    resaved.write_text(
        "Home\nNews\nWorld\n" + text.split("Related Articles")[0] + "Trending\nOther story one here\n",
        encoding="utf-8",
    )
    [same_story] = ingest([str(resaved)], config)
    assert same_story.status == "duplicate" and "the same story" in same_story.detail
    assert content_files(site) == before


def test_an_edited_file_is_kept_unless_forced(site):
    config = load_config(site)
    ingest([str(RAW)], config, IngestOptions(date=date(2025, 6, 12)))
    [path] = (site / "content").glob("*.md")
    edited = path.read_text(encoding="utf-8").replace("tags:\n", "tags:\n- my-own-tag\n")
    path.write_text(edited, encoding="utf-8")
    [kept] = ingest([str(RAW)], config, IngestOptions(date=date(2025, 6, 12)))
    assert kept.status == "duplicate" and path.read_text(encoding="utf-8") == edited
    [forced] = ingest([str(RAW)], config, IngestOptions(date=date(2025, 6, 12), force=True))
    assert forced.status == "replaced" and "edited by hand" in forced.detail
    assert "my-own-tag" not in path.read_text(encoding="utf-8")


def test_a_different_story_with_the_same_headline_gets_its_own_slug(site, tmp_path):
    config = load_config(site)
    ingest([str(INGEST / "markers.txt")], config)
    other = tmp_path / "other.txt"
    other.write_text(
        "Miners cheer new processing plant in Odisha\n"
        "Cuttack: A different report about a different plant, written by a different newsroom today.\n",
        encoding="utf-8",
    )
    [outcome] = ingest([str(other)], config)
    assert outcome.target == "content/miners-cheer-new-processing-plant-in-odisha-2.md"
    assert len(content_files(site)) == 2


def test_slugs_from_other_scripts_are_readable_ascii(site):
    config = load_config(site)
    outcomes = ingest([str(INGEST / "hindi.txt"), str(INGEST / "chinese.txt")], config)
    assert [o.target for o in outcomes] == [
        "content/bhaart-aur-ciin-durlbh-khnij-vyaapaar-pr-baatciit-ko-taiyaar.md",
        "content/zhong-yin-liang-guo-biao-shi-yuan-yi-jiu-hui-fu-xi-tu-ci-ti.md"]


def test_bad_inputs_each_get_one_line_and_the_rest_go_on(site, tmp_path):
    (tmp_path / "empty.txt").write_text("")
    (tmp_path / "binary.txt").write_bytes(b"\x00\x01\x02" * 100)
    with (tmp_path / "huge.html").open("wb") as handle:
        handle.truncate(400 * 1024 * 1024)
    (tmp_path / "headline-only.txt").write_text("Just a headline\n")
    shutil.copy(INGEST / "no-article.html", tmp_path / "no-article.html")
    shutil.copy(INGEST / "markers.txt", tmp_path / "zz-good.txt")
    result = run_cli("ingest", "--site", str(site), str(tmp_path), str(tmp_path / "missing.txt"))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    failures = result.stderr.strip().splitlines()
    assert len(failures) == 6
    for name, problem in (("empty.txt", "the file is empty"), ("binary.txt", "binary file"),
                          ("huge.html", "too large"), ("headline-only.txt", "no article body found"),
                          ("no-article.html", "no article found"), ("missing.txt", "no such file")):
        assert any(line.startswith("failed") and name in line and problem in line for line in failures), name
    assert "written" in result.stdout and "Summary: 6 failed, 1 written." in result.stdout
    assert list(content_files(site)) == ["miners-cheer-new-processing-plant-in-odisha.md"]


def test_scripts_iframes_handlers_and_javascript_links_never_reach_content(site, tmp_path):
    hostile = tmp_path / "hostile.txt"
    hostile.write_text(
        "Hostile text arrives in the newsroom today\n"
        "It says <script>alert(1)</script> and <iframe src=x></iframe> and "
        '[click](javascript:alert(1)) and <a onclick="x()">here</a> in one long paragraph.\n',
        encoding="utf-8",
    )
    config = load_config(site)
    ingest([str(INGEST / "dirty.html"), str(hostile)], config)
    for name, text in content_files(site).items():
        html = markdown_to_html(frontmatter.loads(text.decode()).content)
        soup = BeautifulSoup(html, "html.parser")
        assert not soup.find_all(["script", "iframe", "a"]), name
        assert not any(attr.startswith("on") for tag in soup.find_all(True) for attr in tag.attrs), name
    hostile_body = frontmatter.loads(
        content_files(site)["hostile-text-arrives-in-the-newsroom-today.md"].decode()
    )
    assert (
        "<script>alert(1)</script>"
        in BeautifulSoup(markdown_to_html(hostile_body.content), "html.parser").get_text()
    )


def test_dry_run_prints_and_writes_nothing(site):
    result = run_cli("ingest", "--site", str(site), "--dry-run", "--date", "2025-06-12", str(RAW))
    assert result.returncode == 0
    assert "would write" in result.stdout and "title: India, China signal readiness" in result.stdout
    assert content_files(site) == {}


def test_ingest_then_build_shows_the_clean_body(site):
    run_cli("ingest", "--site", str(site), "--date", "2025-06-12", str(RAW), str(INGEST / "dirty.html"))
    result = run_cli("--site", str(site))
    assert result.returncode == 0, result.stderr
    page = parse_html(
        site / "output/articles/india-china-signal-readiness-for-talks-to-resume-rare-earth.html"
    )
    assert [p.get_text() for p in page.select(".story .body p")] == EXPECTED["body_paragraphs"]
    assert page.find(class_="byline").get_text() == "Northeast Herald · Credit: IBNS"
    assert [a.get_text() for a in page.select(".story .topics a")] == ["Rare earths", "India–China relations"]
    council = parse_html(site / "output/articles/council-approves-magnet-recycling-plant.html")
    assert council.find("a", rel="external noopener")["href"] == "https://harbour.example/news/magnet-recycling-plant"


@pytest.mark.parametrize(
    "text, rendered",
    [
        ("a <b>bold</b> claim", "a <b>bold</b> claim"),
        ("# hash", "# hash"),
        ("1. one", "1. one"),
        ("*stars* and _under_", "*stars* and _under_"),
        ("AT&T &amp; co", "AT&T &amp; co"),
        ("“quotes” — dash", "“quotes” — dash"),
    ],
)
def test_markdown_escape_keeps_text_literal(text, rendered):
    assert BeautifulSoup(markdown_to_html(markdown_escape(text)), "html.parser").get_text() == rendered


def test_summary_and_body_get_the_same_typographic_quotes(site, tmp_path):
    raw = tmp_path / "quotes.txt"
    raw.write_text(
        'Minister says "talks will go on"\n\nThe minister said "talks will go on" -- and that '
        "India's position had not changed, speaking to reporters in the capital on Monday evening.\n"
    )
    assert run_cli("ingest", "--site", str(site), "--date", "2025-06-12", str(raw)).returncode == 0
    [path] = (site / "content").glob("*.md")
    post = frontmatter.loads(path.read_text())
    assert "“talks will go on” – and that India’s position" in post.metadata["summary"]
    assert "“talks will go on” – and that India’s position" in post.content


def test_a_name_used_in_a_subfolder_is_not_taken_again(site):
    (site / "content" / "2025").mkdir()
    result = run_cli("ingest", "--site", str(site), "--date", "2025-06-12", str(RAW))
    [first] = (site / "content").glob("*.md")
    first.rename(site / "content" / "2025" / first.name)
    raw = site / "other.txt"
    raw.write_text(
        EXPECTED["title"] + "\n\n" + "A different story under the same headline, told at length here. " * 6
    )
    result = run_cli("ingest", "--site", str(site), "--date", "2025-06-13", str(raw))
    assert result.returncode == 0, result.stderr
    [second] = (site / "content").glob("*.md")
    assert second.stem == first.stem + "-2"
    assert run_cli("--site", str(site)).returncode == 0, "the build finds no slug used twice"


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.text(alphabet=list("ab '\"-.…\n*_#>1)=|&<`\\ "), max_size=30) | st.text(max_size=12), max_size=8
    )
)
def test_typography_of_a_whole_body_at_once_equals_that_of_each_text_alone(texts):
    assert typographic_all(texts) == [typographic(text) for text in texts]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(alphabet=list("ab '\"-.…\n*_#>1)=|&<>`\\[]()!:/@ ;x"), max_size=40), max_size=8))
def test_typography_without_the_inline_patterns_escaped_text_cannot_meet_equals_full_markdown(texts):
    full = markdown.Markdown(extensions=[TYPOGRAPHY], output_format="html")
    assert typographic_all(texts) == typographic_all(texts, full)


CLOSING = """<!doctype html><html><head><title>Delays at the port</title></head><body><article>
<h1>Delays at the port</h1>
<p>The new container terminal at the port opened on Monday, three years after its first stone was laid and two
years later than the city had promised its traders.</p>
<p>Shipping lines said the delay had cost them dearly, as cargo bound for the region went through other ports
while the cranes stood idle on the quay and the dredging stalled.</p>
<p>Officials blamed the long dispute over the dredging contract, which went to court twice before the work
could resume, and the shortage of steel during the pandemic.</p>
<p>{last}</p>{after}
</article></body></html>
"""


def ingested_body(site: Path, page: Path) -> list[str]:
    result = run_cli("ingest", "--site", str(site), "--date", "2025-06-12", str(page))
    assert result.returncode == 0, result.stderr
    [written] = (site / "content").glob("*.md")
    body = paragraphs_of(frontmatter.loads(written.read_text(encoding="utf-8")))
    written.unlink()
    return body


@pytest.mark.parametrize("last", ["Who would have thought it would take this long?",
                                  "Gut investierte 20 Cent, wenn auch das Bild kein Meisterwerk war!",
                                  "Keep Talking Sports!"])
def test_a_short_closing_question_or_exclamation_stays_with_the_story(site, tmp_path, last):
    page = tmp_path / "port.html"
    page.write_text(CLOSING.format(last=last, after=""), encoding="utf-8")
    assert ingested_body(site, page)[-1] == last
    text = tmp_path / "port.txt"
    text.write_text(BeautifulSoup(CLOSING.format(last=last, after=""), "html.parser").get_text("\n"),
                    encoding="utf-8")
    assert ingested_body(site, text)[-1] == last


def test_other_stories_headlines_after_the_story_are_still_left_out(site, tmp_path):
    """A run of headlines is a list of other stories, a question among them or not."""
    listing = "".join(f"<p>{headline}</p>" for headline in (
        "Rare earth prices fall for a third week", "Will Beijing Ease Its Export Controls Soon?",
        "Is the new magnet plant worth the wait?"))
    page = tmp_path / "port.html"
    page.write_text(CLOSING.format(last="Who would have thought it would take this long?", after=listing),
                    encoding="utf-8")
    text = tmp_path / "port.txt"
    text.write_text(BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser").get_text("\n"),
                    encoding="utf-8")
    for body in (ingested_body(site, page), ingested_body(site, text)):
        assert body[-1] == "Who would have thought it would take this long?"


def _with_soft_hyphens(html: str) -> str:
    """A real page with a soft hyphen (and, now and then, a zero-width space) inside the longer words of its
    paragraphs, as sites that hyphenate on the server send them."""
    def hyphenate(match: re.Match) -> str:
        word = match.group()
        return word[:3] + "\u00ad" + word[3:] if len(word) > 6 else word[:2] + "\u200b" + word[2:]

    def paragraph(match: re.Match) -> str:
        return re.sub(r"(?<=>)[^<]+", lambda text: re.sub(r"[^\W\d_]{5,}", hyphenate, text.group()),
                      match.group())
    return re.sub(r"<p\b[^>]*>.*?</p>", paragraph, html, flags=re.DOTALL | re.IGNORECASE)


def test_soft_hyphens_and_zero_width_spaces_leave_no_trace_in_what_ingest_writes(site, tmp_path):
    real = sorted((INGEST / "real").glob("*.html.gz"))[0]
    html = gzip.decompress(real.read_bytes()).decode("utf-8")
    (tmp_path / "plain.html").write_text(html, encoding="utf-8")
    (tmp_path / "hyphenated.html").write_text(_with_soft_hyphens(html), encoding="utf-8")
    assert "\u00ad" in (tmp_path / "hyphenated.html").read_text(encoding="utf-8")
    plain = ingested_body(site, tmp_path / "plain.html")
    hyphenated = ingested_body(site, tmp_path / "hyphenated.html")
    assert hyphenated == plain
    assert not any(re.search("[\u00ad\u200b\u2060\ufeff]", p) for p in hyphenated)


def test_a_hand_written_soft_hyphen_keeps_the_word_whole_for_search():
    assert "hyphenation" in index_words("Soft hyph\u00adenation points and zero\u200bwidth spaces")
    # What a reader sees: a zero-width space is no space.
    assert index_words("zero\u200bwidth") == ["zerowidth"]


def test_a_page_that_sends_scripts_before_its_html_is_read_as_a_page(site, tmp_path):
    real = sorted((INGEST / "real").glob("*.html.gz"))[0]
    html = gzip.decompress(real.read_bytes()).decode("utf-8")
    page = tmp_path / "saved-page"
    page.write_text('<script>window.dataLayer = [{"page": "<html>"}];</script>\n<meta charset="utf-8">\n'
                    + html, encoding="utf-8")
    (tmp_path / "plain.html").write_text(html, encoding="utf-8")
    assert ingested_body(site, page) == ingested_body(site, tmp_path / "plain.html")
