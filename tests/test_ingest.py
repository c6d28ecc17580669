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
from newsdigest.content import index_words, tag_slug
from newsdigest.ingest.command import IngestOptions, ingest, markdown_escape, typographic, typographic_all
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
    assert {tag_slug(tag) for tag in post["tags"]} <= set(EXPECTED["also_reasonable_tags"]) and post["tags"]
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


def ingested(site: Path, page: Path) -> frontmatter.Post:
    result = run_cli("ingest", "--site", str(site), "--date", "2025-06-12", str(page))
    assert result.returncode == 0, result.stderr
    [written] = (site / "content").glob("*.md")
    post = frontmatter.loads(written.read_text(encoding="utf-8"))
    post.metadata["file"] = written.name
    written.unlink()
    return post


def _saved(tmp_path: Path, name: str, html: str, as_text: bool = False) -> Path:
    """The page saved as HTML, or as its visible text, one block a line, as a reader copies it."""
    page = tmp_path / (Path(name).stem + ".txt" if as_text else name)
    if as_text:
        html = BeautifulSoup(html, "html.parser").get_text("\n")
    page.write_text(html, encoding="utf-8")
    return page


NEWSPAPER4K = INGEST / "newspaper4k"


@pytest.mark.parametrize("key, site_name", [("yna_co_kr", "Yonhap"), ("spanish_article", "Ultima Hora")])
def test_a_headline_loses_the_site_name_its_page_title_adds(site, tmp_path, key, site_name):
    page = tmp_path / f"{key}.html"
    page.write_bytes(gzip.decompress((NEWSPAPER4K / f"{key}.html.gz").read_bytes()))
    title = ingested(site, page).metadata["title"]
    assert site_name not in title and "|" not in title and "»" not in title
    assert len(title.split()) >= 6


@pytest.mark.parametrize("title, headline", [
    ("New York State Attorney General reportedly investigating WeWork – TechCrunch",
     "New York State Attorney General reportedly investigating WeWork"),
    ("Delays at the port | Business | Port Herald", "Delays at the port"),
    ("Port Herald: Delays at the port", "Port Herald: Delays at the port"),
])
def test_only_the_site_name_and_sections_go_from_the_headline(site, tmp_path, title, headline):
    name = "TechCrunch" if "TechCrunch" in title else "Port Herald"
    html = CLOSING.format(last="It was a long wait.", after="").replace(
        "<title>Delays at the port</title>",
        f'<title>{title}</title><meta property="og:site_name" content="{name}">',
    ).replace("<h1>Delays at the port</h1>", "")
    assert ingested(site, _saved(tmp_path, "port.html", html)).metadata["title"] == headline


def test_a_page_in_a_script_written_without_spaces_is_ingested(site, tmp_path):
    """Thai writes no spaces between words: its paragraphs are still prose."""
    page = tmp_path / "thai.html"
    page.write_bytes(gzip.decompress((NEWSPAPER4K / "thai_article.html.gz").read_bytes()))
    post = ingested(site, page)
    # The article's first words as newspaper4k's maintainers give them beside the page.
    assert post.content.startswith("21 ม.ค.2561 เวลาประมาณ 12.00 น. ผู้สื่อข่าวได้รับแจ้งจากนาย")
    assert "https://fb.me/prachatai" not in post.content
    assert post.metadata.get("source") != post.metadata["title"]


STORY = """<!doctype html><html lang="{language}"><head><title>{title}</title>{head}</head><body><article>
<h1>{title}</h1>{paragraphs}</article><footer><p>Copyright 2025 Port Herald</p></footer></body></html>"""
REPORTING = [
    "The new container terminal at the port opened on Monday, three years after its first stone was laid "
    "and two years later than the city had promised its traders.",
    "Shipping lines said the delay had cost them dearly, as cargo bound for the region went through other "
    "ports while the cranes stood idle on the quay and the dredging stalled.",
    "Officials blamed the long dispute over the dredging contract, which went to court twice before the work "
    "could resume, and the shortage of steel during the pandemic.",
]


def story(paragraphs: list[str], title: str = "Delays at the port", head: str = "",
          language: str = "en") -> str:
    return STORY.format(title=title, head=head, language=language,
                        paragraphs="".join(f"<p>{p}</p>" for p in paragraphs))


@pytest.mark.parametrize("as_text", [False, True])
@pytest.mark.parametrize("opening", ["23.10.2018", "BUNDESGERICHTSHOF", "11.09.2011, 16:20 von jovelstefan",
                                     "By Anna Berg and Tom Ek, Port Herald"])
def test_a_summary_is_never_a_date_a_label_or_a_byline(site, tmp_path, opening, as_text):
    post = ingested(site, _saved(tmp_path, "port.html", story([opening] + REPORTING), as_text))
    assert post.metadata["summary"] == REPORTING[0]


@pytest.mark.parametrize("as_text", [False, True])
def test_the_dateline_goes_to_its_field_and_not_into_the_summary(site, tmp_path, as_text):
    first = "DUBAI, United Arab Emirates — " + REPORTING[0]
    post = ingested(site, _saved(tmp_path, "port.html", story([first] + REPORTING[1:]), as_text))
    assert post.metadata["dateline"] == "DUBAI, United Arab Emirates"
    assert post.metadata["summary"] == REPORTING[0]


def test_a_summary_is_cut_where_a_sentence_ends_not_at_an_abbreviation(site, tmp_path):
    first = ("The VW ID. Buzz, the electric van that Volkswagen first showed as a concept car at the Detroit "
             "motor show, reaches dealers in the U.S. on Monday at a price of $61,545 before tax credits. "
             "Dr. J. R. Smith, who leads the company’s American arm, said on Jan. 5 that orders had passed "
             "12,000, more than the plant in Hanover can build this year. Dealers expect the first "
             "deliveries to go to fleet buyers.")
    summary = ingested(site, _saved(tmp_path, "van.html", story([first] + REPORTING, "The van arrives")))\
        .metadata["summary"]
    # Two sentences would run past the summary's length: the first is the summary, whole.
    assert summary == first[:first.index(" Dr. J.")]


def test_a_german_summary_keeps_its_abbreviations(site, tmp_path):
    first = ("Die Polizei bzw. die Feuerwehr kam erst um 3 Uhr, d. h. viel zu spät für die Bewohner des "
             "Hauses am Hafen. Niemand wurde verletzt, teilte die Stadt am Morgen mit.")
    page = _saved(tmp_path, "hafen.html", story([first] + REPORTING, "Feuer am Hafen", language="de"))
    assert ingested(site, page).metadata["summary"] == first


CLUTTER = [
    "Originally published on Live Science.",
    "This article was originally published by Futurism. Read the original article.",
    "Related: Rare earth prices fall for a third week",
    "Politics (12)",
]


@pytest.mark.parametrize("as_text", [False, True])
@pytest.mark.parametrize("clutter", CLUTTER)
def test_reprint_notices_related_lines_and_counted_categories_are_left_out(site, tmp_path, clutter, as_text):
    page = _saved(tmp_path, "port.html", story(REPORTING[:2] + [clutter] + REPORTING[2:]), as_text)
    assert paragraphs_of(ingested(site, page)) == REPORTING


@pytest.mark.parametrize("as_text", [False, True])
@pytest.mark.parametrize("ending", ["<h2>More:</h2>", "<p>Editors' Recommendations:</p>",
                                    "<p>https://example.com/port</p>"])
def test_a_heading_or_label_left_at_the_end_is_left_out(site, tmp_path, ending, as_text):
    html = story(REPORTING).replace("</article>", ending + "</article>")
    assert paragraphs_of(ingested(site, _saved(tmp_path, "port.html", html, as_text))) == REPORTING


TWEET = ("It is very important that the centre acts now on stubble burning. Delhi cannot breathe. "
         "pic.twitter.com/abc1234567")
SIGNATURE = "— Arvind Kejriwal (@ArvindKejriwal) November 3, 2019"


def test_an_embedded_post_is_a_signed_quote_without_its_picture_link(site, tmp_path):
    embed = (f'<blockquote class="twitter-tweet"><p lang="en">{TWEET.replace("pic", "<a href=x>pic")}</a></p>'
             f'{SIGNATURE.replace("November", "<a href=y>November")}</a></blockquote>')
    html = story(REPORTING).replace("</article>", embed + "<p>" + REPORTING[0] + " Again.</p></article>")
    post = ingested(site, _saved(tmp_path, "port.html", html))
    quote = next(block for block in post.content.split("\n\n") if block.startswith(">"))
    assert "pic.twitter.com" not in quote
    assert quote.endswith("Delhi cannot breathe. — Arvind Kejriwal (@ArvindKejriwal) November 3, 2019")


def test_a_post_run_into_a_paragraph_is_set_apart(site, tmp_path):
    """As a page's text reads when the embed lost its own block: the post follows the paragraph's last word
    with no space, and its signature is on the next line."""
    run_in = "The chief minister blamed the burning of crop stubble in the neighbouring states"
    text = "\n".join(["Delhi chokes as smog returns", *REPORTING, run_in + TWEET, SIGNATURE,
                      "Doctors advised residents to stay indoors and avoid morning walks while the pollution "
                      "levels remain at their current dangerous highs."])
    post = ingested(site, _saved(tmp_path, "smog.txt", text))
    blocks = post.content.split("\n\n")
    assert run_in in blocks
    assert any(block.startswith("> It is very important") and block.endswith("November 3, 2019")
               for block in blocks)
    assert "statesIt" not in post.content and "pic.twitter" not in post.content


def test_an_author_line_that_names_the_site_keeps_only_the_people(site, tmp_path):
    head = ('<meta name="author" content="Victor Tangermann; Futurism">'
            '<meta property="og:site_name" content="Futurism">')
    post = ingested(site, _saved(tmp_path, "port.html", story(REPORTING, head=head)))
    assert post.metadata["author"] == "Victor Tangermann"


def test_apostrophes_are_spelled_alike_in_slugs(site, tmp_path):
    straight = ingested(site, _saved(tmp_path, "a.html", story(REPORTING, "Musk's and Bezos's rockets")))
    curly = ingested(site, _saved(tmp_path, "b.html", story(REPORTING, "Musk’s and Bezos’s rockets")))
    assert straight.metadata["file"] == curly.metadata["file"] == "musks-and-bezoss-rockets.md"


def test_a_wire_copyright_run_into_the_last_paragraph_is_the_credit(site, tmp_path):
    last = REPORTING[2] + "(c)AFP/Aminu ABUBAKAR"
    post = ingested(site, _saved(tmp_path, "port.html", story(REPORTING[:2] + [last])))
    assert paragraphs_of(post) == REPORTING
    assert post.metadata["credit"] == "AFP"
