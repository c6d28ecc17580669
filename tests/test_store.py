"""The build cache's stored texts and remembered template references."""

from types import SimpleNamespace
from unittest.mock import patch

from newsdigest.build import store as cache_module
from newsdigest.build.store import BuildCache


def _cache_with_bodies(tmp_path, count: int) -> BuildCache:
    cache = BuildCache(tmp_path, "signature")
    cache.store_articles((f"content/a{n}.md", 1, 1, "sha", None, f"<p>body {n}</p>", f"words {n}")
                         for n in range(count))
    cache.commit()
    return cache


def test_a_text_lookup_keeps_the_last_texts_it_read_and_reads_the_others_again(tmp_path):
    cache = _cache_with_bodies(tmp_path, 5)
    bodies, words = cache.text_lookup("body"), cache.text_lookup("words")
    articles = [SimpleNamespace(source_path=f"content/a{n}.md") for n in range(5)]
    with patch.object(cache_module, "RECENT_TEXTS", 3):
        reads = []
        original = cache_module.TextLookup._read
        with patch.object(cache_module.TextLookup, "_read",
                          lambda self, article: reads.append(article.source_path) or original(self, article)):
            assert [bodies(a) for a in articles + articles[-3:]] == \
                [f"<p>body {n}</p>" for n in (0, 1, 2, 3, 4, 2, 3, 4)]
            assert len(reads) == 5
            assert bodies(articles[0]) == "<p>body 0</p>" and len(reads) == 6
            assert words(articles[1]) == "words 1"
    cache.close()


def test_template_references_are_stored_and_read_back(tmp_path):
    cache = BuildCache(tmp_path, "signature")
    assert cache.template_references() == {}
    cache.store_template_references({"k1": ("base.html",), "k2": ()})
    cache.commit()
    cache.close()
    again = BuildCache(tmp_path, "signature")
    assert again.template_references() == {"k1": ("base.html",), "k2": ()}
    again.close()
