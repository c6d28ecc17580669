from newsdigest.config import Config
from newsdigest.fingerprint import digest, fingerprint, template_digests
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
    assert fingerprint("a", {"x": [1, 2]}) == fingerprint("a", {"x": [1, 2]})
    assert fingerprint("a", {"x": [1, 2]}) != fingerprint("a", {"x": [2, 1]})
    assert fingerprint("ab", "c") != fingerprint("a", "bc")
    assert digest("a", "b") != digest("ab")
