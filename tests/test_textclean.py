import json

import pytest
from conftest import FIXTURES, SAMPLES

from newsdigest.errors import SiteError
from newsdigest.ingest.textclean import clean_text

INGEST = FIXTURES / "ingest"


def clean(name: str):
    return clean_text((INGEST / name).read_text(encoding="utf-8"), name)


def test_the_sample_gives_exactly_the_expected_ingest():
    expected = json.loads(next((SAMPLES / "expected").glob("*.json")).read_text(encoding="utf-8"))
    extracted = clean_text(next((SAMPLES / "raw").glob("*.txt")).read_text(encoding="utf-8"))
    assert extracted.title == expected["title"]
    assert extracted.dateline == expected["dateline"]
    assert extracted.paragraphs == expected["body_paragraphs"]
    assert extracted.credit == expected["credit"]
    assert extracted.publisher == expected["publisher"]
    assert extracted.date is None
    removed = expected["boilerplate_removed"]
    for line in removed["credit_line"] + removed["author_bio"]:
        assert line in extracted.removed
    for item in removed["related_articles"] + removed["latest_news"]:
        assert item["title"] not in extracted.paragraphs
        assert item.get("summary", item["title"]) not in extracted.paragraphs


def test_a_run_of_headlines_after_the_body_is_a_list_of_other_stories():
    extracted = clean("related-list.txt")
    assert len(extracted.paragraphs) == 3
    assert extracted.paragraphs[-1].startswith("Port officials said")


def test_credit_and_bio_lines_are_taken_out_and_read():
    extracted = clean("credit-and-bio.txt")
    assert extracted.credit == "PTI"
    assert extracted.publisher == "The Eastern Chronicle"
    assert extracted.paragraphs[-1].startswith("Officials said the extension")


def test_inline_promotions_are_dropped_and_section_markers_end_the_body():
    extracted = clean("markers.txt")
    assert [p.split()[0] for p in extracted.paragraphs] == ["Bhubaneswar:", "Local", "Environmental", "The"]
    assert "Also read: Why India wants its own magnet industry" in extracted.removed
    assert not any("Ten things" in p or "Share" in p for p in extracted.paragraphs)


def test_a_wire_dateline_gives_place_and_credit():
    extracted = clean("wire-dateline.txt")
    assert (extracted.dateline, extracted.credit) == ("BEIJING", "Reuters")


def test_a_whole_page_copied_as_text():
    extracted = clean("full-page.txt")
    assert extracted.title == "Indian automakers send delegation to Beijing over magnet shortage"
    assert extracted.author == "Meera Iyer"
    assert extracted.date.isoformat() == "2025-11-20"
    assert len(extracted.paragraphs) == 5
    assert extracted.paragraphs[0].startswith("Mumbai: A delegation")
    assert not any("Read more" in p or "Steel prices" in p or "Privacy" in p for p in extracted.paragraphs)


def test_other_scripts():
    assert clean("hindi.txt").title.startswith("भारत और चीन")
    chinese = clean("chinese.txt")
    assert chinese.title == "中印两国表示愿意就恢复稀土磁体贸易进行对话"
    assert len(chinese.paragraphs) == 1


@pytest.mark.parametrize(
    "text, problem",
    [
        ("", "no text in the file"),
        ("Just a headline\n", "no article body found"),
        ("Home\nNews\nSport\nContact us\n", "no article body found"),
        (
            "This first line is a sentence that goes on far too long to be a headline, as it rambles on "
            "and on.\n" * 3,
            "no headline found",
        ),
    ],
)
def test_text_that_is_not_an_article(text, problem):
    with pytest.raises(SiteError) as caught:
        clean_text(text, "x.txt")
    assert problem in caught.value.problem


def test_hard_wrapped_lines_are_joined_and_comments_cookies_and_story_lists_left_out():
    extracted = clean("wrapped-with-comments.txt")
    assert extracted.title == "Nollywood Actress Wins Award For Role In Flood Drama"
    assert extracted.date.isoformat() == "2018-10-06"
    assert extracted.paragraphs == [
        "Veteran actress Kate Obi, who in 2008 won the award for best actress, has taken to her Instagram "
        "page to share photos of the ceremony held in Lagos on Saturday night.",
        "She thanked the film's crew and the families in the flooded villages where it was shot, saying "
        "their stories had carried the film.",
    ]
