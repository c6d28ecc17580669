import gzip
from datetime import UTC, datetime

import frontmatter
import pytest
from bs4 import BeautifulSoup
from conftest import FIXTURES, run_cli

from newsdigest.errors import SiteError
from newsdigest.ingest.htmlclean import clean_html
from newsdigest.markup import markdown_to_html

INGEST = FIXTURES / "ingest"


def test_article_and_metadata_from_a_cluttered_page():
    extracted = clean_html((INGEST / "dirty.html").read_text(encoding="utf-8"), "dirty.html")
    assert extracted.title == "Council approves magnet recycling plant"
    assert extracted.author == "Lena Ortiz"
    assert extracted.publisher == "The Harbour Times"
    assert extracted.source_url == "https://harbour.example/news/magnet-recycling-plant"
    assert extracted.date == datetime(2025, 10, 2, 9, 30, tzinfo=UTC)
    body = "\n".join(extracted.paragraphs)
    assert extracted.paragraphs[0].startswith("The city council on Thursday approved")
    assert len(extracted.paragraphs) == 4
    for clutter in ("Share it", "Photo:", "tracking", "alert", "Port expansion", "Menu", "©"):
        assert clutter not in body


def test_a_lede_kept_apart_as_a_summary_is_recovered():
    html = gzip.decompress((INGEST / "rt-bolivia.html.gz").read_bytes())
    extracted = clean_html(html, "rt.html")
    assert extracted.paragraphs[0].startswith("Three people have died during protests in Bolivia")
    assert not any(p.startswith("‘He died in my hands’") for p in extracted.paragraphs), (
        "the headline is not body"
    )
    assert not any(
        "Share it with a friend" in p or p.startswith("Also on rt.com") for p in extracted.paragraphs
    )
    assert extracted.paragraphs[-1].startswith("“It’s a shame to see a comrade die")


def test_a_page_without_an_article():
    with pytest.raises(SiteError) as caught:
        clean_html((INGEST / "no-article.html").read_text(), "no-article.html")
    assert "no article found" in caught.value.problem


STRUCTURED = """<!doctype html><html><head><title>Port strike ends</title>
<meta property="og:site_name" content="The Harbour Times">
<script type="application/ld+json">{"@type": "NewsArticle",
"publisher": {"name": "Harbour Times Group"}}</script>
</head><body><article><h1>Port strike ends after nine days of talks</h1>
<p class="byline">By Jane Doe and Reuters</p>
<p>The dock workers' union agreed on Tuesday to end a strike that had closed the port for nine days, after the
operator offered a new wage deal and promised to hire more crane drivers before the end of the year.</p>
<h2>What the deal gives</h2>
<p>The agreement raises wages in two steps and limits night shifts, according to a copy seen by reporters
here.</p>
<ul><li>A raise of four per cent this year</li><li>Another three per cent next year</li></ul>
<blockquote><p>We did not want to strike, but we had no choice left, the union's leader told the crowd.</p>
</blockquote>
<table><tr><th>Year</th><th>Raise</th></tr><tr><td>2025</td><td>4%</td></tr><tr><td>2026</td><td>3%</td></tr></table>
<p>Ships that waited offshore began to dock on Tuesday evening, and the operator said the queue would clear
soon.</p>
</article></body></html>"""


def test_structure_is_kept_as_markdown_and_publisher_and_wire_come_from_the_page(tmp_path):
    (tmp_path / "site.toml").write_text('title = "T"\n')
    page = tmp_path / "port.html"
    page.write_text(STRUCTURED)
    result = run_cli("ingest", "--site", str(tmp_path), "--date", "2025-03-04", str(page))
    assert result.returncode == 0, result.stderr
    [written] = (tmp_path / "content").glob("*.md")
    post = frontmatter.loads(written.read_text())
    assert post.metadata["source"] == "The Harbour Times"
    body = post.content
    assert "\n## What the deal gives\n" in f"\n{body}\n"
    assert "- A raise of four per cent this year\n- Another three per cent next year" in body
    assert "\n> We did not want to strike" in body
    assert "| Year | Raise |\n|---|---|\n| 2025 | 4% |" in body
    html = BeautifulSoup(markdown_to_html(body), "html.parser")
    assert (
        html.find("h2") and len(html.find_all("li")) == 2 and html.find("blockquote") and html.find("table")
    )


def test_a_wire_service_in_the_byline_is_the_credit():
    from newsdigest.ingest.htmlclean import _author_and_credit
    assert _author_and_credit("Tom Krisher; AP Auto Writer") == ("Tom Krisher", "AP")
    assert _author_and_credit("By Reuters") == ("", "Reuters")
    assert _author_and_credit("Jane Doe, Press Trust of India") == ("Jane Doe", "Press Trust of India")
    assert _author_and_credit("A. Reporter") == ("A. Reporter", "")


def _extraction(text: str):
    from types import SimpleNamespace
    return SimpleNamespace(text=text, body=None, title="Headline")


ARTICLE = "The council met on Monday and agreed the new rules for the port after a long debate.\n" * 40


@pytest.mark.parametrize("precise", [
    "Reprinted with permission.\n" * 5,
    # The site's footer, its copyright line and two pull quotes: more words than a stub, little prose.
    "About us\nContact\nCopyright 2024 Example Media Group\nAll rights reserved\n" * 40
    + "“We were not consulted at all on any of this,” one buyer said.\n" * 15,
])
def test_a_stub_or_boilerplate_extraction_gives_way_to_a_fuller_one(monkeypatch, precise):
    from newsdigest.ingest import htmlclean
    stub, full = _extraction(precise), _extraction(ARTICLE)
    monkeypatch.setattr(htmlclean, "_extract",
                        lambda html, precision, metadata=True: stub if precision else full)
    chosen = htmlclean._main_text("<html>", lambda: _page_of(ARTICLE + precise))
    assert chosen.text == ARTICLE and chosen.title == "Headline", "the fuller text, the precise metadata"


def _page_of(text: str):
    import lxml.html
    return lxml.html.fromstring("<html><body>" + "".join(f"<p>{line}</p>" for line in text.splitlines())
                                + "</body></html>")


def test_a_short_article_alone_on_its_page_is_not_read_again(monkeypatch):
    from newsdigest.ingest import htmlclean
    short = "The council met on Monday and agreed the new rules for the port after a long debate.\n" * 4
    asked = []
    monkeypatch.setattr(htmlclean, "_extract",
                        lambda html, precision, metadata=True: asked.append(precision) or _extraction(short))
    page = "Home\nNews\nSport\n" + short + "Copyright 2024 Example Media Group. All rights reserved.\n"
    assert htmlclean._main_text("<html>", lambda: _page_of(page)).text == short
    assert asked == [True], "the page holds no more prose than the precise reading found"


def test_a_full_precise_extraction_is_kept(monkeypatch):
    from newsdigest.ingest import htmlclean
    precise, full = _extraction(ARTICLE), _extraction(ARTICLE * 2)
    monkeypatch.setattr(htmlclean, "_extract",
                        lambda html, precision, metadata=True: precise if precision else full)
    assert htmlclean._main_text("<html>", lambda: None) is precise


def test_a_long_headline_gives_a_slug_with_its_words_in_order(tmp_path):
    (tmp_path / "site.toml").write_text('title = "T"\n')
    page = tmp_path / "long.txt"
    page.write_text(
        "Breaking: Lawan moves motion for Senate's adjournment over the death of a former senator in "
        "Abuja on Monday\n\n" + "The Senate met on Monday and heard the motion from its leader. " * 5
    )
    assert run_cli("ingest", "--site", str(tmp_path), "--date", "2025-03-04", str(page)).returncode == 0
    [written] = (tmp_path / "content").glob("*.md")
    assert written.stem == "breaking-lawan-moves-motion-for-senates-adjournment-over-the"
