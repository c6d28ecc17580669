import pytest
from bs4 import BeautifulSoup
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsdigest.markup import (
    MAX_BRACKET_DEPTH,
    MAX_NESTING,
    MAX_OPEN_LINK_TARGETS,
    MarkupLimitError,
    check_shape,
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
    assert 'He said "yes" -- twice.' in soup.p.get_text(), (
        "punctuation as written: ingest writes it typographic"
    )
    typographic = BeautifulSoup(markdown_to_html(source, typography=True), "html.parser")
    assert "“yes” – twice." in typographic.p.get_text()
    assert [td.get_text() for td in soup.find_all("td")] == ["1", "2"]
    assert soup.find("div", class_="footnote").li["id"] == "fn:n"


def test_the_converter_is_reset_between_articles():
    markdown_to_html("Text.[^a]\n\n[^a]: First note.")
    assert "footnote" not in markdown_to_html("No notes here.")


def test_first_paragraph_is_plain_text():
    assert (
        first_paragraph(markdown_to_html("# Title\n\nFirst *para* & more.\n\nSecond."))
        == "First para & more."
    )
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


# The per-article limits are the build's own, measured on the Markdown text before it is converted, so a
# hostile body meets the same limit whichever Python-Markdown release is installed.

def nested_list(depth: int) -> str:
    return "".join(" " * 4 * level + "- item\n" for level in range(depth))


@pytest.mark.parametrize("body, problem, line", [
    ("Intro\n\n" + "- " * MAX_NESTING + "- x\n", f"nested {MAX_NESTING + 1} deep", 3),
    (">" * 10_000 + " x\n", "nested 10000 deep", 1),
    ("First\n\n" + nested_list(MAX_NESTING + 1), f"nested {MAX_NESTING + 1} deep", 3 + MAX_NESTING),
    ("a\n\n[" + "[" * MAX_BRACKET_DEPTH + "x", "square brackets", 3),
    ("a\nb\n" + "[a](b " * (MAX_OPEN_LINK_TARGETS + 1), "link targets", 3),
])
def test_shapes_beyond_the_limits_are_refused_with_their_line(body, problem, line):
    with pytest.raises(MarkupLimitError) as caught:
        markdown_to_html(body)
    assert problem in str(caught.value) and caught.value.line == line


@pytest.mark.parametrize("body", [
    "- " * MAX_NESTING + "x\n",
    nested_list(MAX_NESTING),
    "[" * MAX_BRACKET_DEPTH + "x" + "]" * MAX_BRACKET_DEPTH,
    "[a](b " * MAX_OPEN_LINK_TARGETS,
    "[a](https://en.wikipedia.org/wiki/A_(b)) and (an aside) " * (3 * MAX_OPEN_LINK_TARGETS),
    "\n\n".join(["[" * MAX_BRACKET_DEPTH + "x"] * 50),  # each paragraph counts alone
    r"\[" * 1_000 + "escaped brackets open nothing",
])
def test_shapes_within_the_limits_are_converted(body):
    assert markdown_to_html(body)


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet="[]()>-*+ 1.\\\nab\t", max_size=400))
def test_shape_checks_never_fail_on_any_text(body):
    try:
        check_shape(body)
    except MarkupLimitError as error:
        assert error.line is not None and 1 <= error.line <= body.count("\n") + 1
