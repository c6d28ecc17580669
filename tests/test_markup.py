from bs4 import BeautifulSoup

from newsdigest.markup import first_paragraph, markdown_to_html, plain_text, reading_minutes


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
