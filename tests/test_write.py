import pytest

from newsdigest.write import commit_changes, new_staging, unknown_files, write_if_changed


def test_a_first_build_moves_the_staging_folder_in_whole(tmp_path):
    output = tmp_path / "output"
    staging = new_staging(output)
    assert write_if_changed(staging, output, "index.html", b"<p>new</p>")
    assert write_if_changed(staging, output, "a/b/c.html", b"deep")
    assert commit_changes(staging, output, ["a/b/c.html", "index.html"], None) == 0
    assert (output / "index.html").read_bytes() == b"<p>new</p>" and (output / "a/b/c.html").read_bytes() == b"deep"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["output"], "no staging folder is left"


def test_a_rebuild_moves_in_changed_files_only_and_removes_stale_ones(tmp_path):
    output = tmp_path / "output"
    staging = new_staging(output)
    for name, data in (("same.html", b"same"), ("old.html", b"v1"), ("gone/x.html", b"x")):
        write_if_changed(staging, output, name, data)
    commit_changes(staging, output, ["gone/x.html", "old.html", "same.html"], None)
    same_time = (output / "same.html").stat().st_mtime_ns
    staging = new_staging(output)
    assert not write_if_changed(staging, output, "same.html", b"same"), "equal bytes are not staged"
    assert write_if_changed(staging, output, "old.html", b"v2")
    assert commit_changes(staging, output, ["old.html"], ["gone/x.html"]) == 1
    assert (output / "old.html").read_bytes() == b"v2"
    assert (output / "same.html").stat().st_mtime_ns == same_time
    assert not (output / "gone").exists(), "emptied folders go too"


def test_unknown_files_are_found(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "kept.html").write_text("k")
    (tmp_path / "stray.zip").write_text("z")
    assert unknown_files(tmp_path, {"a/kept.html"}) == ["stray.zip"]


def test_a_path_that_escapes_the_output_is_a_bug(tmp_path):
    output = tmp_path / "output"
    staging = new_staging(output)
    for bad in ("../evil.html", "/etc/evil.html", "a//b.html"):
        with pytest.raises(ValueError, match="escapes"):
            write_if_changed(staging, output, bad, b"x")
    assert not (tmp_path / "evil.html").exists()
