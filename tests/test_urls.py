import posixpath
from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from newsdigest.build import urls
from newsdigest.build.feeds import feed_format


def test_paths():
    assert urls.listing_path("") == "index.html"
    assert urls.listing_path("", 3) == "page/3/index.html"
    assert urls.listing_path("topics/rare-earths", 2) == "topics/rare-earths/page/2/index.html"
    assert urls.article_path("x") == "articles/x.html"
    assert urls.edition_path(date(2025, 6, 12)) == "editions/2025-06-12.html"
    assert feed_format("rss").path("") == "feed.xml"
    assert feed_format("atom").path("tags/autos") == "tags/autos/atom.xml"


def test_relative_links_name_a_file():
    assert urls.relative("index.html", "tags/autos/index.html") == "tags/autos/index.html"
    assert urls.relative("articles/x.html", "tags/autos/index.html") == "../tags/autos/index.html"
    assert urls.relative("topics/a/page/2/index.html", "static/style.css") == "../../../../static/style.css"
    assert urls.relative("articles/x.html", "articles/y.html#top") == "y.html#top"


def test_absolute_urls_address_folders_by_their_index():
    base = "https://user.github.io/repo/"
    assert urls.absolute(base, "index.html") == base
    assert urls.absolute(base, "topics/a/index.html") == base + "topics/a/"
    assert urls.absolute(base, "articles/x.html") == base + "articles/x.html"


# Files in folders, as the output's: a folder's name never names a file.
output_paths = st.builds(lambda folders, name: "/".join(folders + [name]),
                         st.lists(st.sampled_from(["a", "b", "page", "2"]), max_size=4),
                         st.sampled_from(["index.html", "x.html", "feed.xml"]))


@given(output_paths, output_paths, st.sampled_from(["", "#top"]))
def test_a_relative_link_leads_where_relpath_says(from_page, to_path, fragment):
    expected = posixpath.relpath(to_path, posixpath.dirname(from_page) or ".") + fragment
    assert urls.relative(from_page, to_path + fragment) == expected
