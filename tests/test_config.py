from pathlib import Path

import pytest

from newsdigest.config import Config, load_config
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
    assert config.topic("rare-earths").keywords == {"REE": 2, "magnet": 1}
    assert config.topic("rare-earths").threshold == 2


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
    ('title = "x"\nrepublish = "teaser"\n', "republish 'teaser' is not one of full, summary", 2),
    ('section_items = 0\n', "section_items must be at least 1", 1),
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
