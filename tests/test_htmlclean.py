import gzip
from datetime import datetime, timezone

import pytest

from conftest import FIXTURES
from newsdigest.errors import SiteError
from newsdigest.htmlclean import clean_html

INGEST = FIXTURES / "ingest"


def test_article_and_metadata_from_a_cluttered_page():
    extracted = clean_html((INGEST / "dirty.html").read_text(encoding="utf-8"), "dirty.html")
    assert extracted.title == "Council approves magnet recycling plant"
    assert extracted.author == "Lena Ortiz"
    assert extracted.publisher == "The Harbour Times"
    assert extracted.source_url == "https://harbour.example/news/magnet-recycling-plant"
    assert extracted.date == datetime(2025, 10, 2, 9, 30, tzinfo=timezone.utc)
    body = "\n".join(extracted.paragraphs)
    assert extracted.paragraphs[0].startswith("The city council on Thursday approved")
    assert len(extracted.paragraphs) == 4
    for clutter in ("Share it", "Photo:", "tracking", "alert", "Port expansion", "Menu", "©"):
        assert clutter not in body


def test_a_lede_kept_apart_as_a_summary_is_recovered():
    html = gzip.decompress((INGEST / "rt-bolivia.html.gz").read_bytes())
    extracted = clean_html(html, "rt.html")
    assert extracted.paragraphs[0].startswith("Three people have died during protests in Bolivia")
    assert not any(p.startswith("‘He died in my hands’") for p in extracted.paragraphs), "the headline is not body"
    assert not any("Share it with a friend" in p or p.startswith("Also on rt.com") for p in extracted.paragraphs)
    assert extracted.paragraphs[-1].startswith("“It’s a shame to see a comrade die")


def test_a_page_without_an_article():
    with pytest.raises(SiteError) as caught:
        clean_html((INGEST / "no-article.html").read_text(), "no-article.html")
    assert "no article found" in caught.value.problem
