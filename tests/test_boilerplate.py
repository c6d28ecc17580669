import pytest

from newsdigest.ingest import boilerplate as bp


@pytest.mark.parametrize("line", ["Related Articles", "Latest News", "Trending", "Also read", "Read more",
                                  "Subscribe", "Follow us on Twitter", "Share this article", "Comments",
                                  "You may also like", "More stories"])
def test_section_markers(line):
    assert bp.is_section_marker(line)


@pytest.mark.parametrize("line", ["Related talks resumed on Monday after a pause of two weeks.",
                                  "Latest figures show exports rose by four per cent in October.",
                                  "Shares of the company rose after the announcement."])
def test_sentences_that_begin_with_a_marker_word_are_not_markers(line):
    assert not bp.is_section_marker(line)
    assert not bp.is_prompt(line)


@pytest.mark.parametrize(
    "line",
    [
        "Read more: Alibaba poised to launch record listing",
        "Also on rt.com Journalists",
        "Like this story? Share it with a friend!",
        "Click here for more information.",
        "Get the latest updates right in your inbox.",
        "12 comments",
        "Have a tip? Amy may be reached at amy@example.com.",
        "Photo: Harbour Times",
        "[button link=”x”] Send us YOUR review[/button]",
        "Advertisement",
    ],
)
def test_prompts(line):
    assert bp.is_prompt(line)


@pytest.mark.parametrize(
    "line, credit",
    [
        ("IBNS", "IBNS"),
        ("PTI", "PTI"),
        ("With inputs from PTI", "PTI"),
        ("(Reuters)", "Reuters"),
        ("ANI.", "ANI"),
        ("XYZ NEWS", "XYZ NEWS"),
    ],
)
def test_credit_lines(line, credit):
    assert bp.credit_of(line) == credit


@pytest.mark.parametrize("line", ["The talks resumed.", "Officials in Delhi and Beijing said so", "India"])
def test_not_credit_lines(line):
    assert bp.credit_of(line) is None


def test_bio_lines_and_their_publisher():
    bio = "Senior Staff Reporter at Northeast Herald, covering news from Tripura and Northeast India."
    assert bp.is_bio(bio) and bp.publisher_in_bio(bio) == "Northeast Herald"
    assert bp.is_bio("Ravi Kumar is a correspondent for The Eastern Chronicle, covering trade.")
    assert not bp.is_bio("The reporter asked the minister about the talks at the briefing.")


@pytest.mark.parametrize("paragraph, place, agency", [
    ("New Delhi/Beijing: In a move that could ease stress", "New Delhi/Beijing", ""),
    ("NEW DELHI (Reuters) - India said on Monday", "NEW DELHI", "Reuters"),
    ("WASHINGTON — The Senate voted", "WASHINGTON", ""),
    ("Mumbai, Nov 20: Shares fell", "Mumbai", ""),
    ("This potential thaw follows months of disrupted supply: x", "", ""),
])
def test_datelines(paragraph, place, agency):
    assert bp.split_dateline(paragraph) == (place, agency)


def test_headline_shape():
    assert bp.is_headline_shaped(
        "Hijab Row: Union minister Giriraj Singh defends Nitish Kumar, sparks fresh outrage"
    )
    assert bp.is_headline_shaped("‘Greatest strategic challenge since 1971’: panel flags Bangladesh crisis")
    assert not bp.is_headline_shaped("India’s ministry of external affairs also confirmed ongoing efforts.")
    assert not bp.is_headline_shaped("Home")


def test_word_count_counts_chinese_characters():
    assert bp.word_count("three plain words") == 3
    assert bp.word_count("中印两国表示愿意") == 4


@pytest.mark.parametrize(
    "line",
    [
        "This website uses cookies to improve your experience while you navigate.",
        "© 2019 Cleveland.com. All rights reserved (About Us).",
        "Privacy Policy | Terms & Conditions",
        "Get Motor Cycle Monthly delivered every month. Click here for more information.",
    ],
)
def test_site_furniture_is_not_prose(line):
    assert bp.is_prompt(line) and bp.prose_words(line) == 0


def test_title_case_lines_are_headlines_not_prose():
    assert bp.is_title_case("Lagos Traffic Officials Promise New Bus Lanes Before Christmas Season")
    assert bp.prose_words("Ten Things You Did Not Know About The Lagos Lagoon Bridges Project (Photos)") == 0
    assert (
        bp.prose_words("The minister said the Lagos Lagoon Bridges Project would open in May next year.")
        == 14
    )


@pytest.mark.parametrize("line", ["12 Comments", "[ 167 comments ]", "Top Rated Comments", "Leave a reply",
                                  "View all 40 comments"])
def test_comment_headers_end_the_body(line):
    from newsdigest.ingest.extracted import Extracted
    body = ["A long paragraph of the article that has plenty of words in it to count as prose here."] * 2
    comments = ["A reader's long comment that goes on and on about the article and has many words in it."] * 5
    assert bp.cut_at_terminal_marker(body + [line] + comments, Extracted("t", [])) == body
