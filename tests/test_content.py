import json
import re
import shutil
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from conftest import FIXTURES, SAMPLE_SITE, SAMPLES
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsdigest.build.load import unique_articles
from newsdigest.config import load_config
from newsdigest.content import load_article, tag_slug
from newsdigest.contentfile import NESTING_HINT
from newsdigest.dates import CalendarDay
from newsdigest.errors import SiteError
from newsdigest.files import scan_content

SAMPLE_EXPECTED = SAMPLES / "expected" / "000_83c717361c02f5fe.json"


def test_fields_are_read(fixture_config):
    article = load_article(FIXTURES / "site" / "content" / "second.md", fixture_config)
    assert article.slug == "second"
    assert article.title == "Second, with a time and a zone"
    assert article.date == datetime(2025, 1, 1, 23, 30, tzinfo=UTC)
    assert article.updated.utcoffset() == timedelta(hours=5, minutes=30)
    assert article.topics == ("rare-earths", "trade")
    assert article.tags == ("Magnets",)
    assert (article.author, article.credit, article.dateline) == ("A. Reporter", "PTI", "Mumbai")
    assert article.summary == "Mumbai: the first paragraph serves as the summary."
    assert article.dateline_in_body
    assert article.source_path == "content/second.md"


def test_a_date_without_zone_takes_the_site_timezone(fixture_config):
    article = load_article(FIXTURES / "site" / "content" / "third.md", fixture_config)
    assert article.date.isoformat() == "2025-01-05T09:15:00+05:30"
    assert article.extra["custom_field"] == "kept for templates"


def test_a_plain_date_is_noon_utc_so_that_every_zone_from_utc_minus_11_to_plus_11_keeps_its_day(
    fixture_config,
):
    article = load_article(FIXTURES / "site" / "content" / "first-story.md", fixture_config)
    assert article.date.isoformat() == "2025-01-01T12:00:00+00:00"
    for hours in range(-11, 12):
        assert article.date.astimezone(timezone(timedelta(hours=hours))).date() == date(2025, 1, 1)
    assert isinstance(article.date, CalendarDay)
    assert article.summary == "A summary written by hand."
    assert article.word_count > 5 and article.reading_minutes == 1


def test_guid_depends_on_the_slug_only(fixture_config, tmp_path):
    original = load_article(FIXTURES / "site" / "content" / "third.md", fixture_config)
    edited = tmp_path / "third.md"
    edited.write_text((FIXTURES / "site" / "content" / "third.md").read_text().replace("Third body", "New"))
    assert load_article(edited, fixture_config).guid == original.guid
    assert original.guid.startswith("urn:uuid:")



def test_tags_that_slugify_alike_are_kept_once_by_their_first_spelling(fixture_config, tmp_path):
    path = tmp_path / "alike.md"
    path.write_text("---\ntitle: Alike\ndate: 2025-01-01\ntags: [AI, ai, A.I., Chips, ai]\n---\nBody.\n")
    assert load_article(path, fixture_config).tags == ("AI", "A.I.", "Chips")


ALIKE_TAGS = ["Ports", "ports", "PORTS", "Port's", "port-s", "Rare earths", "rare-earths", "Rare Earths!",
              "China", "china"]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(tags=st.lists(st.sampled_from(ALIKE_TAGS), max_size=8))
def test_an_article_names_each_tag_page_once_by_the_first_spelling_of_it(fixture_config, tmp_path, tags):
    path = tmp_path / "tags.md"
    path.write_text(f"---\ntitle: Tags\ndate: 2025-01-01\ntags: {json.dumps(tags)}\n---\nBody.\n")
    article = load_article(path, fixture_config)
    firsts = {}
    for tag in tags:
        firsts.setdefault(tag_slug(tag), tag)
    assert article.tags == tuple(firsts.values())
    assert len(set(article.tag_slugs)) == len(article.tag_slugs)


BAD_FILES = {
    "missing-date.md": ("no 'date' in front matter", 1),
    "missing-title.md": ("no 'title' in front matter", 1),
    "no-front-matter.md": ("no front matter", 1),
    "broken-yaml.md": ("front matter is not valid YAML", 2),
    "bad-date.md": ("date 'next Tuesday' is not a date", 3),
    "impossible-date.md": ("front matter holds a date that does not exist", 4),
    "unknown-topic.md": ("unknown topic 'cricket'", 4),
    "escaping-slug.md": ("slug '../x' cannot name a file", 4),
    "empty.md": ("the file is empty", None),
    "not-utf8.md": ("not UTF-8 text (byte 0xe9)", 2),
}


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_each_bad_file_is_one_clear_error(fixture_config, name):
    problem, line = BAD_FILES[name]
    with pytest.raises(SiteError) as caught:
        load_article(FIXTURES / "bad" / name, fixture_config)
    error = caught.value
    assert problem in error.problem
    assert error.line == line
    assert error.hint, "every error says what to do"
    assert "\n" not in str(error)
    assert name in str(error)


LAUGHS = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{b}: &{b} [{', '.join([f'*{a}'] * 9)}]\n" for a, b in zip("abcdefgh", "bcdefghi"))
TOO_DEEP = "nested more than 100 levels deep"
HOSTILE_FRONT_MATTER = {
    # libyaml composed by recursion in C: this deep, it crashed the process before the check (PyYAML 6.0.3;
    # 6.0.4's scanner stops past 1,000 levels itself). The build's own limit comes first, on any release.
    "flow lists": ("x: " + "[" * 200_000 + "]" * 200_000 + "\n", TOO_DEEP, 4),
    "flow maps": ("x: " + "{a: " * 50_000 + "1" + "}" * 50_000 + "\n", TOO_DEEP, 4),
    "dashes": ("x:\n  " + "- " * 50_000 + "1\n", TOO_DEEP, 5),
    "indents": ("".join(" " * i + f"k{i}:\n" for i in range(3000)), TOO_DEEP, 104),
    "within YAML's limit": ("x: " + "[" * 50 + "]" * 50 + "\n", "'x' is nested more than 20 levels deep", 4),
    # Anchors repeat one list inside the next: nine to the fifth values already in e, were they walked.
    "aliases": (LAUGHS, "'e' is nested more than 20 levels deep or holds more than 10,000 values", 8),
    "itself": ("loop: &l [1, *l]\n", "'loop' is nested more than 20 levels deep", 4),
}


@pytest.mark.parametrize("case", sorted(HOSTILE_FRONT_MATTER))
def test_front_matter_too_deep_or_too_large_is_one_clear_error(tmp_path, fixture_config, case):
    extra, problem, line = HOSTILE_FRONT_MATTER[case]
    path = tmp_path / "hostile.md"
    path.write_text(f"---\ntitle: Hostile\ndate: 2025-01-01\n{extra}---\nBody.\n")
    with pytest.raises(SiteError) as caught:
        load_article(path, fixture_config)
    assert re.search(problem, caught.value.problem) and caught.value.line == line and caught.value.hint
    assert problem != TOO_DEEP or caught.value.hint == NESTING_HINT


def load_articles(config):
    """Every article the build's content scan finds, parsed without the cache, and the errors."""
    results = []
    for file in scan_content(config)[0]:
        try:
            results.append(load_article(Path(file.path), config))
        except SiteError as error:
            results.append(error)
    return unique_articles(results, config)


def test_bad_files_are_left_out_and_the_rest_load(fixture_site):
    for name in BAD_FILES:
        shutil.copy(FIXTURES / "bad" / name, fixture_site / "content" / name)
    shutil.copy(FIXTURES / "bad" / "duplicate-slug.md", fixture_site / "content" / "zz-duplicate.md")
    articles, errors = load_articles(load_config(fixture_site))
    assert sorted(a.slug for a in articles) == ["draft", "first-story", "future", "second", "third"]
    assert len(errors) == len(BAD_FILES) + 1
    duplicate = next(e for e in errors if "zz-duplicate" in str(e.path))
    assert "slug 'first-story' is already used by content/first-story.md" in duplicate.problem
    assert duplicate.line == 4


def test_the_sample_article_matches_the_expected_clean_ingest():
    expected = json.loads(SAMPLE_EXPECTED.read_text(encoding="utf-8"))
    config = load_config(SAMPLE_SITE)
    article = load_article(SAMPLE_SITE / "content" / "india-china-rare-earth-magnet-talks.md", config)
    assert article.title == expected["title"]
    assert article.dateline == expected["dateline"]
    assert article.credit == expected["credit"]
    assert article.source == expected["publisher"]
    assert list(article.topics) == expected["expected_topics"]
    paragraphs = [
        p.get_text() for p in __import__("bs4").BeautifulSoup(article.body_html, "html.parser")("p")
    ]
    assert paragraphs == expected["body_paragraphs"]
    removed = expected["boilerplate_removed"]
    clutter = removed["credit_line"] + removed["author_bio"] + [item["title"] for key in
                                                                ("related_articles", "latest_news")
                                                                for item in removed[key]]
    for line in clutter:
        assert line not in paragraphs


def test_the_other_sample_items_ship_as_short_entries():
    expected = json.loads(SAMPLE_EXPECTED.read_text(encoding="utf-8"))["boilerplate_removed"]
    articles, errors = load_articles(load_config(SAMPLE_SITE))
    assert errors == []
    by_title = {a.title: a for a in articles}
    for item in expected["related_articles"] + expected["latest_news"]:
        assert item["title"] in by_title
        assert by_title[item["title"]].summary == item.get("summary", "")


def test_typography_is_a_site_setting_off_by_default(fixture_site):
    from conftest import build_site_into, parse_html
    (fixture_site / "content" / "quotes.md").write_text(
        '---\ntitle: Quotes\ndate: 2025-01-04\n---\nHe said "yes" -- twice... and \'no\'.\n')
    plain = build_site_into(fixture_site, fixture_site.parent / "plain")
    assert not plain.errors
    body = (
        parse_html(fixture_site.parent / "plain" / "articles" / "quotes.html").find(class_="body").get_text()
    )
    assert "He said \"yes\" -- twice... and 'no'." in body, (
        "as written: ingest writes typographic punctuation"
    )
    toml = fixture_site / "site.toml"
    toml.write_text("typography = true\n" + toml.read_text())
    assert not build_site_into(fixture_site, fixture_site.parent / "curly").errors
    body = (
        parse_html(fixture_site.parent / "curly" / "articles" / "quotes.html").find(class_="body").get_text()
    )
    assert "He said “yes” – twice… and ‘no’." in body


def test_articles_unpickled_apart_share_their_tags_topics_and_publisher():
    """The cache keeps each article in a record of its own: loaded, equal tags are one string all the same."""
    import pickle
    import sys

    from newsdigest.content import Article
    made = [Article(slug=f"s{n}", title="T", date=datetime(2025, 1, n + 1, tzinfo=UTC), body_html="",
                    summary="", source_path=f"content/s{n}.md", tags=("Rare " + "earths", "Ports"),
                    topics=("trade",), source="Northeast " + "Herald") for n in range(2)]
    first, second = (pickle.loads(pickle.dumps(article)) for article in made)
    assert (first, second) == tuple(made)
    assert first.tags[0] is second.tags[0] and first.topics[0] is second.topics[0]
    assert first.source is second.source
    # The slug is the one string the kept related lists name the article by (site.reusable_related).
    assert first.slug is sys.intern("s0")


@pytest.mark.parametrize("flow", [True, False])
@pytest.mark.parametrize("kind", [list, dict])
def test_the_nesting_limit_is_measured_before_yaml_on_what_yaml_writes(tmp_path, fixture_config, flow, kind):
    """Front matter written by YAML itself, in block and flow style: within the limit it loads (whatever
    PyYAML release reads it), past it the build's own error names the line."""
    import yaml

    def nested(depth: int) -> object:
        value: object = "leaf"
        for _ in range(depth):
            value = [value] if kind is list else {"k": value}
        return value

    path = tmp_path / "nested.md"
    for depth, refused in ((15, False), (150, True)):
        value = nested(depth)
        extra = ("x: " + yaml.safe_dump(value, default_flow_style=True, width=10_000) if flow else
                 yaml.safe_dump({"x": value}, default_flow_style=False))
        path.write_text(f"---\ntitle: Nested\ndate: 2025-01-01\n{extra}---\nBody.\n")
        if refused:
            with pytest.raises(SiteError) as caught:
                load_article(path, fixture_config)
            assert caught.value.problem.endswith("nested more than 100 levels deep"), caught.value.problem
        else:
            assert load_article(path, fixture_config).extra["x"] == nested(depth)


def test_brackets_and_dashes_inside_quotes_are_text(tmp_path, fixture_config):
    path = tmp_path / "quoted.md"
    title, summary = "[" * 300, "{- " * 200
    path.write_text(f"---\ntitle: \"{title}\"\nsummary: '{summary}'\ndate: 2025-01-01\n---\nx\n")
    assert load_article(path, fixture_config).title == "[" * 300
