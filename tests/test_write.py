import pytest

from newsdigest.write import write_site


def test_writes_files_and_static_and_replaces_the_old_output(tmp_path):
    static = tmp_path / "static"
    static.mkdir()
    (static / "style.css").write_text("body{}")
    output = tmp_path / "output"
    output.mkdir()
    (output / "stale.html").write_text("old")
    count = write_site([("index.html", b"<p>new</p>"), ("a/b/c.html", b"deep")], [static], output)
    assert count == 2
    assert (output / "index.html").read_bytes() == b"<p>new</p>"
    assert (output / "a/b/c.html").read_bytes() == b"deep"
    assert (output / "static/style.css").read_text() == "body{}"
    assert not (output / "stale.html").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["output", "static"], "no staging folder is left"


def test_a_failure_midway_leaves_the_previous_output_whole(tmp_path):
    output = tmp_path / "output"
    write_site([("index.html", b"v1"), ("page.html", b"v1")], [], output)

    def files():
        yield "index.html", b"v2"
        raise RuntimeError("renderer crashed")

    with pytest.raises(RuntimeError):
        write_site(files(), [], output)
    assert (output / "index.html").read_bytes() == b"v1"
    assert (output / "page.html").read_bytes() == b"v1"
    assert [p.name for p in tmp_path.iterdir()] == ["output"]


def test_a_path_that_escapes_the_output_is_a_bug(tmp_path):
    with pytest.raises(ValueError, match="escapes"):
        write_site([("../evil.html", b"x")], [], tmp_path / "output")
    assert not (tmp_path / "evil.html").exists()
