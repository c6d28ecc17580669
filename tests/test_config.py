from pathlib import Path

import pytest

from newsdigest.config import Config, Topic, load_config, load_rules
from newsdigest.errors import SiteError


def write_toml(tmp_path: Path, text: str) -> Path:
    (tmp_path / "site.toml").write_text(text, encoding="utf-8")
    return tmp_path


def test_missing_file_gives_every_default(tmp_path):
    config = load_config(tmp_path)
    assert config.title == Config().title
    assert config.per_page == 20 and config.feed_items == 20
    assert config.base_url.endswith("/")
    assert config.topics == ()


def test_settings_and_topics_are_read(tmp_path):
    config = load_config(write_toml(tmp_path, (
        'title = "T"\nbase_url = "https://u.github.io/repo"\ntimezone = "Asia/Kolkata"\n'
        '[[topics]]\nid = "rare-earths"\nname = "Rare earths"\nthreshold = 2\n'
        'keywords = { "REE" = 2, "magnet" = 1 }\n')))
    assert config.title == "T"
    assert config.base_url == "https://u.github.io/repo/"
    assert config.zone.key == "Asia/Kolkata"
    assert config.topic("rare-earths") == Topic("rare-earths", "Rare earths")
    [rule] = load_rules(config).topics
    assert (rule.id, rule.keywords, rule.threshold) == ("rare-earths", {"REE": 2, "magnet": 1}, 2)


def test_base_url_from_the_command_line_wins(tmp_path):
    config = load_config(write_toml(tmp_path, 'base_url = "https://a.example/"\n'), base_url="https://b.example/x")
    assert config.base_url == "https://b.example/x/"


@pytest.mark.parametrize("text, problem, line", [
    ('title = "x"\ncolour = "red"\n', "unknown setting 'colour'", 2),
    ('per_page = "ten"\n', "setting 'per_page' is 'ten', which is not a whole number", 1),
    ('feed_items = true\n', "setting 'feed_items' is True", 1),
    ('timezone = "Mars/Olympus"\n', "unknown timezone 'Mars/Olympus'", 1),
    ('base_url = "example.com"\n', "base_url 'example.com' is not an absolute", 1),
    ('title = "x"\n\ntitle = \n', "not valid TOML", 3),
    ('[[topics]]\nid = "a"\nname = "A"\ncolour = 1\n', "unknown topic setting 'colour'", 4),
    ('[[topics]]\nname = "A"\n', "an entry of [[topics]] has no 'id'", 1),
    ('[[tags]]\nkeywords = { "x" = 1 }\n', "an entry of [[tags]] has no 'name'", 1),
    ('[[topics]]\nid = "Rare Earths"\nname = "A"\n', "topic id 'Rare Earths' is not a valid id", 2),
    ('[[topics]]\nid = "a"\nname = "A"\n[[topics]]\nid = "a"\nname = "B"\n', "topic id 'a' is used twice", 2),
    ('[[topics]]\nid = "a"\nname = "A"\nkeywords = { "x" = "heavy" }\n', "keyword 'x' has weight 'heavy'", 4),
    ('per_page = 0\n', "per_page must be at least 1", 1),
    ('title = "x"\nrelated_items = -1\n', "related_items must be at least 0", 2),
    ('cache_dir = "site.toml/cache"\n', "cache_dir 'site.toml/cache' cannot be a folder", 1),
    ('title = "x"\nrepublish = "teaser"\n', "republish 'teaser' is not one of full, summary", 2),
    ('section_items = 0\n', "section_items must be at least 1", 1),
    ('title = "x"\nfeed_items = 9223372036854775808\n', "feed_items must be at most 1,000,000", 2),
    ('related_items = 1000001\n', "related_items must be at most 1,000,000", 1),
    ('noindex_copies = "yes"\n', "setting 'noindex_copies' is 'yes', which is not true or false", 1),
    ('typography = 1\n', "setting 'typography' is 1, which is not true or false", 1),
])
def test_bad_settings_are_reported_by_name_and_line(tmp_path, text, problem, line):
    with pytest.raises(SiteError) as caught:
        load_config(write_toml(tmp_path, text))
    assert problem in caught.value.problem
    assert caught.value.line == line
    assert caught.value.hint
    assert str(caught.value).startswith(f"{tmp_path / 'site.toml'}:{line}: ")


def test_a_site_toml_that_is_not_utf8_is_reported_by_line(tmp_path):
    (tmp_path / "site.toml").write_bytes('title = "Digest"\ndescription = "Café"\n'.encode("cp1252"))
    with pytest.raises(SiteError) as caught:
        load_config(tmp_path)
    assert str(caught.value) == \
        f"{tmp_path / 'site.toml'}:2: not UTF-8 text (byte 0xe9) -- save site.toml as UTF-8"


def test_a_site_toml_nested_too_deep_for_tomllib_is_a_site_error(tmp_path):
    # tomllib reads nested arrays by recursion: 500 levels ended in a RecursionError's traceback.
    write_toml(tmp_path, 'title = "x"\nx = ' + "[" * 500 + "]" * 500 + "\n")
    with pytest.raises(SiteError) as caught:
        load_config(tmp_path)
    assert "nested too deep" in caught.value.problem and caught.value.hint


SOURCES = '''[[topics]]
id = "rare-earths"
name = "Rare earths"

[fetch]
delay = 0.5
user_agent = "mydigest/1.0"

[[sources]]
url = "https://news.example.org/feed"
topics = ["rare-earths"]
tags = ["wire"]
include = "rare|magnet"
limit = 5

[[sources]]
url = "news.example.org/feed"

[[sources]]
url = "https://news.example.org/x"
kind = "podcast"

[[sources]]
url = "https://news.example.org/y"
topics = ["no-such-topic"]

[[sources]]
url = "https://news.example.org/z"
exclude = "(unclosed"

[[sources]]
url = "https://news.example.org/w"
limt = 3
'''


def test_sources_are_read_and_each_bad_one_carries_its_problem_and_line(tmp_path):
    from newsdigest.config import load_fetch_plan

    config = load_config(write_toml(tmp_path, SOURCES))
    plan = load_fetch_plan(config)
    assert plan.settings.delay == 0.5 and plan.settings.user_agent == "mydigest/1.0"
    assert plan.settings.hosts == 4
    good, *bad = plan.sources
    assert (good.url, good.topics, good.tags, good.include, good.limit, good.problem) == \
        ("https://news.example.org/feed", ("rare-earths",), ("wire",), "rare|magnet", 5, "")
    problems = [(source.line, source.problem) for source in bad]
    assert [line for line, _ in problems] == [16, 19, 23, 27, 31]
    for (_, problem), said in zip(problems, ["not an http(s) URL", "kind 'podcast'", "no-such-topic",
                                             "not a regular expression", "unknown setting 'limt'"]):
        assert said in problem


def test_sources_are_fetch_business_and_never_stop_a_build(tmp_path):
    """A bad source neither fails load_config nor is part of what the build's outputs depend on."""
    config = load_config(write_toml(tmp_path, SOURCES))
    assert not hasattr(config, "sources")


def test_a_bad_fetch_setting_is_named_with_its_line(tmp_path):
    from newsdigest.config import load_fetch_plan

    config = load_config(write_toml(tmp_path, '[fetch]\ntimeout = 0\n'))
    with pytest.raises(SiteError, match="fetch setting 'timeout' must be at least 1") as error:
        load_fetch_plan(config)
    assert error.value.line == 2
