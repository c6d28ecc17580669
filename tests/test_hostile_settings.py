"""Mutated site.toml, templates and articles, fuzzed: a build ends in a built site, with a bad article left
out and reported, or in a SiteError naming the file, never in another exception."""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path

from conftest import FIXTURES, build_site_into
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsdigest.build.render import DEFAULT_TEMPLATES
from newsdigest.config import load_config
from newsdigest.errors import SiteError

SITE_TOML = (FIXTURES / "site" / "site.toml").read_bytes()
TEMPLATES = ("list.html", "article.html", "base.html", "partials/entry.html")


@st.composite
def mutated(draw, original: bytes) -> bytes:
    """The bytes with a few bytes replaced, inserted or deleted, at places drawn anywhere in them."""
    data = bytearray(original)
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(data)))
        kind = draw(st.sampled_from(["replace", "insert", "delete"]))
        piece = draw(st.binary(min_size=1, max_size=3) |
                     st.sampled_from([b"{", b"}", b"%", b"\xff", b"\n", b"\""]))
        if kind == "insert":
            data[at:at] = piece
        elif kind == "replace":
            data[at:at + len(piece)] = piece
        else:
            del data[at:at + len(piece)]
    return bytes(data)


def _build_fails_cleanly(site: Path) -> None:
    """Builds the site: it is built, or it stops with a SiteError saying where and what."""
    with tempfile.TemporaryDirectory() as out:
        try:
            build_site_into(site, Path(out) / "output")
        except SiteError as error:
            assert str(error.path) and error.problem


def _site_copy(folder: Path) -> Path:
    site = folder / "site"
    shutil.rmtree(site, ignore_errors=True)
    shutil.copytree(FIXTURES / "site", site)
    return site


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=mutated(SITE_TOML))
def test_a_mutated_site_toml_builds_or_is_a_site_error(tmp_path, data):
    site = _site_copy(tmp_path)
    (site / "site.toml").write_bytes(data)
    try:
        load_config(site)
    except SiteError as error:
        assert str(error.path).endswith("site.toml")
        return
    _build_fails_cleanly(site)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=st.sampled_from(TEMPLATES), data=st.data())
def test_a_mutated_template_builds_or_is_a_site_error(tmp_path, name, data):
    site = _site_copy(tmp_path)
    template = site / "templates" / name
    template.parent.mkdir(parents=True, exist_ok=True)
    template.write_bytes(data.draw(mutated((DEFAULT_TEMPLATES / name).read_bytes())))
    _build_fails_cleanly(site)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=st.sampled_from(sorted(p.name for p in (FIXTURES / "site" / "content").glob("*.md"))),
       data=st.data())
def test_a_mutated_article_builds_or_is_reported(tmp_path, name, data):
    site = _site_copy(tmp_path)
    article = site / "content" / name
    article.write_bytes(data.draw(mutated(article.read_bytes())))
    with tempfile.TemporaryDirectory() as out:
        result = build_site_into(site, Path(out) / "output")
    assert result.done
    assert all(str(error.path).endswith(".md") and error.problem for error in result.errors)


# Each scalar setting, drawn of its own type but of any value: strings of any characters, integers of any
# size.
SETTINGS = {
    **{name: st.text(max_size=40) for name in ("title", "description", "language", "author")},
    # Mostly valid where most values are not, so that most examples reach the build.
    "base_url": st.one_of(*[st.just("https://user.github.io/repo/")] * 3, st.text(max_size=30)),
    "timezone": st.one_of(
        *[st.sampled_from(["UTC", "Asia/Kolkata", "Etc/GMT+14"])] * 3, st.text(max_size=20)
    ),
    **{
        name: st.integers(-10, 10) | st.integers()
        for name in ("per_page", "archive_per_page", "feed_items", "related_items", "section_items",
                     "words_per_minute")
    },
    **{name: st.booleans() for name in ("raw_html", "typography", "noindex_copies", "full_tag_feeds")},
    "republish": st.sampled_from(["full", "summary"]) | st.text(max_size=10),
}


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(values=st.fixed_dictionaries({}, optional=SETTINGS))
def test_settings_of_any_value_build_or_are_a_site_error(tmp_path, values):
    site = _site_copy(tmp_path)
    # TOML's top-level keys come before its tables: the drawn settings first, then the fixture's others.
    lines = [
        f"{name} = {str(value).lower() if isinstance(value, bool) else json.dumps(value, ensure_ascii=False)}"
        for name, value in values.items()
    ]
    original = (site / "site.toml").read_text().splitlines()
    lines += [line for line in original if line.split(" = ")[0] not in values]
    (site / "site.toml").write_text("\n".join(lines) + "\n")
    try:
        load_config(site)
    except SiteError as error:
        assert str(error.path).endswith("site.toml") and error.problem
        return
    _build_fails_cleanly(site)
