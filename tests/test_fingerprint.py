from newsdigest.config import Config
from datetime import datetime, timezone

from newsdigest.content import Article
from newsdigest.fingerprint import Fingerprints, digest, template_digests
from newsdigest.site import Term
from newsdigest.render import make_environment


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


def test_fingerprints_differ_with_their_parts():
    fingerprint = Fingerprints()
    assert fingerprint("a", {"x": [1, 2]}) == fingerprint("a", {"x": [1, 2]})
    assert fingerprint("a", {"x": [1, 2]}) != fingerprint("a", {"x": [2, 1]})
    assert fingerprint("ab", "c") != fingerprint("a", "bc")
    assert digest("a", "b") != digest("ab")


def test_a_term_is_covered_with_all_its_articles_and_remembered_only_while_it_is_the_same_object():
    def article(slug: str, digest_: str) -> Article:
        return Article(slug=slug, title=slug, date=datetime(2025, 1, 1, tzinfo=timezone.utc), body_html="",
                       summary="", source_path=slug, digest=digest_)
    articles = tuple(article(f"a{i}", f"d{i}") for i in range(40))
    term = Term("tags", "t", "T", "", articles)
    fingerprint = Fingerprints()
    first = fingerprint("page", term)
    assert fingerprint("page", term) == first
    retitled = Term("tags", "t", "T", "", articles[:39] + (article("a39", "changed"),))
    assert fingerprint("page", retitled) != first, "an article's change deep in a long term is seen"
    assert Fingerprints()("page", retitled) == fingerprint("page", retitled)
