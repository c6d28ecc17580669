from datetime import UTC, datetime

import pytest

from newsdigest.build.fingerprint import Fingerprints, digest, template_digests, template_references
from newsdigest.build.render import make_environment
from newsdigest.build.site import Term
from newsdigest.build.stories import Story
from newsdigest.config import Config
from newsdigest.content import Article
from newsdigest.errors import SiteError


def test_a_template_digest_covers_what_it_extends_and_imports(tmp_path):
    templates = tmp_path / "templates"
    templates.mkdir()
    env = make_environment(Config(root=tmp_path))
    before = template_digests(env)
    (templates / "base.html").write_text("<html>{% block main %}{% endblock %}</html>")
    after = template_digests(make_environment(Config(root=tmp_path)))
    assert after["article.html"] != before["article.html"]
    assert after["list.html"] != before["list.html"]
    (templates / "base.html").unlink()
    (templates / "partials").mkdir()
    (templates / "partials" / "entry.html").write_text("<li>{{ article.title }}</li>")
    entry_only = template_digests(make_environment(Config(root=tmp_path)))
    assert entry_only["list.html"] != before["list.html"]
    assert entry_only["edition.html"] != before["edition.html"]
    assert entry_only["archive.html"] == before["archive.html"]


def test_template_references_are_parsed_once_and_remembered_by_source(tmp_path):
    env = make_environment(Config(root=tmp_path))
    found = template_references(env)
    assert template_references(env, found) == found
    # What is remembered is taken as it is, not parsed again: a remembered reference the source does not
    # make changes the digest of the templates that name it.
    base_key = next(key for key, names in found.items() if names == ())
    planted = {**found, base_key: ("article.html",)}
    assert template_references(env, planted) == planted
    assert template_digests(env, planted) != template_digests(env, found)
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "terms.html").write_text(
        "{% extends 'base.html' %}{% block main %}x{% endblock %}")
    edited = make_environment(Config(root=tmp_path))
    assert set(template_references(edited, found)) - set(found)
    assert template_digests(edited, template_references(edited, found)) == template_digests(edited)


def test_a_template_jinja_cannot_parse_is_a_site_error_with_its_line(tmp_path):
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "list.html").write_text("{% extends 'base.html' %}\n\n{% block main %}{{ x }\n")
    with pytest.raises(SiteError) as raised:
        template_references(make_environment(Config(root=tmp_path)))
    assert str(raised.value.path).endswith("list.html") and raised.value.line == 3
    assert "template error" in raised.value.problem


def test_fingerprints_differ_with_their_parts():
    fingerprint = Fingerprints()
    assert fingerprint("a", {"x": [1, 2]}) == fingerprint("a", {"x": [1, 2]})
    assert fingerprint("a", {"x": [1, 2]}) != fingerprint("a", {"x": [2, 1]})
    assert fingerprint("ab", "c") != fingerprint("a", "bc")
    assert digest("a", "b") != digest("ab")


def test_a_term_is_covered_with_all_its_articles_and_remembered_only_while_it_is_the_same_object():
    def article(slug: str, digest_: str) -> Article:
        return Article(slug=slug, title=slug, date=datetime(2025, 1, 1, tzinfo=UTC), body_html="",
                       summary="", source_path=slug, digest=digest_)
    articles = tuple(article(f"a{i}", f"d{i}") for i in range(40))
    term = Term("tags", "t", "T", "", articles)
    fingerprint = Fingerprints()
    first = fingerprint("page", term)
    assert fingerprint("page", term) == first
    retitled = Term("tags", "t", "T", "", articles[:39] + (article("a39", "changed"),))
    assert fingerprint("page", retitled) != first, "an article's change deep in a long term is seen"
    assert Fingerprints()("page", retitled) == fingerprint("page", retitled)


def test_a_list_of_stories_is_covered_with_every_article_of_each_in_order():
    def article(slug: str) -> Article:
        return Article(slug=slug, title=slug, date=datetime(2025, 1, 1, tzinfo=UTC), body_html="",
                       summary="", source_path=slug, digest=f"d-{slug}")
    a, b, c, d = map(article, "abcd")
    fingerprint = Fingerprints()
    first = fingerprint("page", (Story((a, b)), Story((c,))))
    assert first == Fingerprints()("page", (Story((a, b)), Story((c,)))), "the same stories"
    assert first != fingerprint("page", (Story((a, b, d)), Story((c,)))), "a report joins"
    assert first != fingerprint("page", (Story((b, a)), Story((c,)))), "another lead"
    assert first != fingerprint("page", (Story((a,)), Story((b, c)))), "regrouped"
    assert fingerprint("page", Story((a, b))) != fingerprint("page", Story((a,))), "a story alone"


def test_a_template_of_any_name_that_a_page_includes_is_part_of_its_digest(tmp_path):
    """Templates are files of any name (Jinja's loader lists them all); only hidden ones (an editor's swap
    file) are not templates."""
    templates = tmp_path / "templates"
    (templates / "partials").mkdir(parents=True)
    (templates / "article.html").write_text(
        '{% extends "base.html" %}{% block main %}{% include "partials/byline.jinja" %}{% endblock %}')
    (templates / "partials" / "byline.jinja").write_text("By {{ article.author }}")
    (templates / "partials" / ".byline.jinja.swp").write_bytes(b"\xff\xfe not text")
    before = template_digests(make_environment(Config(root=tmp_path)))
    (templates / "partials" / "byline.jinja").write_text("Reported by {{ article.author }}")
    after = template_digests(make_environment(Config(root=tmp_path)))
    assert after["article.html"] != before["article.html"]
    assert after["list.html"] == before["list.html"]
    assert not any(name.rpartition("/")[2].startswith(".") for name in after)
