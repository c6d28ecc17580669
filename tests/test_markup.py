from bs4 import BeautifulSoup
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsdigest.markup import (
    first_paragraph,
    markdown_converter,
    markdown_to_html,
    new_converter,
    plain_text,
    reading_minutes,
)


def test_tables_footnotes_quotes_and_heading_ids():
    source = '## A heading\n\nHe said "yes" -- twice.[^n]\n\n|a|b|\n|-|-|\n|1|2|\n\n[^n]: A note.\n'
    soup = BeautifulSoup(markdown_to_html(source), "html.parser")
    assert soup.h2["id"] == "a-heading"
    assert 'He said "yes" -- twice.' in soup.p.get_text(), "punctuation as written: ingest writes it typographic"
    typographic = BeautifulSoup(markdown_to_html(source, typography=True), "html.parser")
    assert "“yes” – twice." in typographic.p.get_text()
    assert [td.get_text() for td in soup.find_all("td")] == ["1", "2"]
    assert soup.find("div", class_="footnote").li["id"] == "fn:n"


def test_the_converter_is_reset_between_articles():
    markdown_to_html("Text.[^a]\n\n[^a]: First note.")
    assert "footnote" not in markdown_to_html("No notes here.")


def test_first_paragraph_is_plain_text():
    assert first_paragraph(markdown_to_html("# Title\n\nFirst *para* & more.\n\nSecond.")) == "First para & more."
    assert first_paragraph("") == ""


def test_word_count_and_reading_time():
    html = markdown_to_html("word " * 460)
    assert len(plain_text(html).split()) == 460
    assert reading_minutes(460, 230) == 2
    assert reading_minutes(0, 230) == 1
    assert plain_text("<p>a &amp; b</p>") == "a & b"


# Markdown made of plain words and a few pieces of markup at a time (a text with all of them at once would
# hold every pattern's characters, and no text would be passed by): every character an inline pattern starts
# from, the runs that make line breaks, links, notes, entities and HTML, typography's quotes and dashes, block
# starts at the text's start and within it.
PLAIN_PIECES = ["word", "Delhi", "ünï", " ", "  ", "\t", "\n", "\n\n", "    ", "\u00a0", ".", ","]
MARKUP_PIECES = [
    "  \n", "*", "**", "_", "__", "`", "```", "[", "]", "(", ")", "!", "![", "](http://x.org/a)", "<", ">",
    "&", "&amp;", "&#x41;", "\\", "\\*", "[^1]", "\n\n[^1]: a note", "[a]", "\n\n[a]: http://x.org/",
    "<http://x.org>", "<a@b.cd>", "<b>", "</b>", "<!-- c -->", "# ", "## ", "> ", "- ", "1. ", "|",
    "\n|-|-|\n", "---", "'", '"', "--", "...", "<<", ">>", ":", "~", "^", "=", "{#id}", "[TOC]", "\n- ",
    "\n1. ", "\n> ", "\n===", "\n  ",
]
markdown_texts = st.lists(st.sampled_from(MARKUP_PIECES), min_size=1, max_size=3).flatmap(
    lambda markup: st.lists(st.sampled_from(PLAIN_PIECES) | st.sampled_from(markup), min_size=2, max_size=40)
    .map("".join))


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(markdown_texts, st.booleans())
def test_plain_paragraphs_made_at_once_and_texts_passed_by_come_out_as_they_would(source, typography):
    passing, trying = new_converter(typography), new_converter(typography, plain_text_passed=False)
    assert passing.convert(source) == trying.convert(source)


def test_the_build_converters_pass_plain_text_by():
    """A Python-Markdown that adds an inline pattern or a block processor this does not know of leaves every
    text and block to be tried (as correct, and as slow, as before): this says so."""
    for typography in (False, True):
        assert "plain-text-marked" in markdown_converter(typography).treeprocessors
        assert "plain-paragraph" in markdown_converter(typography).parser.blockprocessors
