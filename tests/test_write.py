import json
import multiprocessing
import os
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsdigest.build.write import (
    FLAT,
    FSYNC_EACH_UP_TO,
    JOURNAL,
    MANIFEST,
    _staged_path,
    _stays_inside,
    check_output_folder,
    commit_changes,
    exclusive_lock,
    files_in,
    manifest_bytes,
    new_staging,
    owned_files,
    recover,
    write_if_changed,
)
from newsdigest.config import Config
from newsdigest.errors import SiteError
from newsdigest.files import write_file_atomically


def test_a_first_build_moves_the_staging_folder_in_whole(tmp_path):
    output = tmp_path / "output"
    staging = new_staging(output)
    assert write_if_changed(staging, output, "index.html", b"<p>new</p>")
    assert write_if_changed(staging, output, "a/b/c.html", b"deep")
    assert commit_changes(staging, output, ["a/b/c.html", "index.html"], []) == 0
    assert (output / "index.html").read_bytes() == b"<p>new</p>" and (
        output / "a/b/c.html"
    ).read_bytes() == b"deep"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["output"], "no staging folder is left"


def test_a_rebuild_moves_in_changed_files_only_and_removes_stale_ones(tmp_path):
    output = tmp_path / "output"
    staging = new_staging(output)
    for name, data in (
        ("same.html", b"same"),
        ("old.html", b"v1"),
        ("gone/x.html", b"x"),
        ("kept/y.html", b"y"),
        ("kept/z.html", b"z"),
    ):
        write_if_changed(staging, output, name, data)
    commit_changes(
        staging, output, ["gone/x.html", "kept/y.html", "kept/z.html", "old.html", "same.html"], []
    )
    same_time = (output / "same.html").stat().st_mtime_ns
    staging = new_staging(output)
    assert not write_if_changed(staging, output, "same.html", b"same"), "equal bytes are not staged"
    assert write_if_changed(staging, output, "old.html", b"v2")
    assert commit_changes(staging, output, ["old.html"], ["gone/x.html", "kept/y.html"]) == 2
    assert (output / "old.html").read_bytes() == b"v2"
    assert (output / "same.html").stat().st_mtime_ns == same_time
    assert not (output / "gone").exists(), "emptied folders go too"
    assert [p.name for p in (output / "kept").iterdir()] == ["z.html"], "a folder with files left stays"


@pytest.mark.parametrize("count", [2, FSYNC_EACH_UP_TO + 1])
def test_staged_files_reach_the_disk_before_the_journal_that_names_them(tmp_path, monkeypatch, count):
    output = tmp_path / "output"
    output.mkdir()
    staging = new_staging(output)
    names = [f"f{n}.html" for n in range(count)]
    for name in names:
        write_if_changed(staging, output, name, name.encode())
    events: list[str] = []
    real_fsync = os.fsync
    monkeypatch.setattr(os, "sync", lambda: events.append("sync"))

    def fsync(descriptor: int) -> None:
        events.append(os.path.basename(os.readlink(f"/proc/self/fd/{descriptor}")))
        real_fsync(descriptor)

    monkeypatch.setattr(os, "fsync", fsync)
    commit_changes(staging, output, names, [])
    # The journal is written aside, flushed, then renamed into place (and its folder flushed).
    journal = next(n for n, event in enumerate(events) if event.startswith(f".{JOURNAL}."))
    flushed = events[:journal]
    assert events[journal + 1] == staging.name
    # An edit's few files each by itself, in no fixed order (no wait for all the system is writing); many by
    # one sync.
    staged = [_staged_path(staging, name, flat=True).name for name in names]
    assert sorted(flushed) == (sorted(staged) if count <= FSYNC_EACH_UP_TO else ["sync"])
    assert sorted(p.name for p in output.iterdir()) == sorted(names)


def test_a_path_that_escapes_the_output_is_a_bug(tmp_path):
    output = tmp_path / "output"
    staging = new_staging(output)
    for bad in ("../evil.html", "/etc/evil.html", "a//b.html"):
        with pytest.raises(ValueError, match="escapes"):
            write_if_changed(staging, output, bad, b"x")
    assert not (tmp_path / "evil.html").exists()


def test_stale_paths_that_leave_the_output_are_never_deleted(tmp_path):
    output, outside = tmp_path / "output", tmp_path / "precious.txt"
    output.mkdir()
    outside.write_text("keep")
    (output / "link").symlink_to(tmp_path, target_is_directory=True)
    staging = new_staging(output)
    commit_changes(staging, output, [], ["../precious.txt", "link/precious.txt", "/" + str(outside)])
    assert outside.read_text() == "keep"


def test_the_manifest_lists_what_the_build_owns_and_nothing_outside(tmp_path):
    output = tmp_path / "output"
    output.mkdir()
    (output / MANIFEST).write_bytes(manifest_bytes(["index.html", "a/b.html"]) + b"../../x\n/etc/passwd\n")
    (output / "CNAME").write_text("news.example.org")
    assert owned_files(output, clean=False) == ["a/b.html", "index.html"]


@settings(max_examples=300, deadline=None)
@given(lines=st.lists(st.text(alphabet="ab./\\\0#", max_size=8), max_size=8))
def test_a_manifest_read_in_one_search_keeps_exactly_the_paths_that_stay_inside(tmp_path_factory, lines):
    output = tmp_path_factory.mktemp("output")
    (output / MANIFEST).write_text("".join(f"{line}\n" for line in lines), encoding="utf-8")

    expected = [line for line in lines if line and not line.startswith("#") and _stays_inside(line)]
    assert owned_files(output, clean=False) == expected


def test_a_folder_with_files_and_no_manifest_is_refused_unless_clean(tmp_path):
    output = tmp_path / "mydocs"
    (output / "sub").mkdir(parents=True)
    (output / "notes.txt").write_text("mine")
    (output / "sub" / "thesis.tex").write_text("mine")
    (output / "CNAME").write_text("news.example.org")
    (output / ".git").mkdir()
    (output / ".git" / "HEAD").write_text("ref")
    with pytest.raises(SiteError, match="did not write") as refused:
        owned_files(output, clean=False)
    assert "--clean" in str(refused.value)
    assert owned_files(output, clean=True) == ["notes.txt", "sub/thesis.tex"]
    assert owned_files(tmp_path / "new", clean=False) == []


def test_the_output_can_never_be_the_site_or_hold_it(tmp_path):
    site = tmp_path / "site"
    (site / "content").mkdir(parents=True)
    config = Config(root=site)
    for output in (site, tmp_path, tmp_path.parent):
        with pytest.raises(SiteError, match="holds the site"):
            check_output_folder(output, config)
    with pytest.raises(SiteError):
        check_output_folder(site / "content" / "..", config)
    check_output_folder(site / "output", config)


@pytest.mark.parametrize(
    "output",
    [
        "static",
        "static/site",
        "templates",
        "templates/x/y",
        ".newsdigest-cache",
        ".newsdigest-cache/output",
        "content/sub",
        "mine/cache-holder",
    ],
)
def test_the_output_can_never_hold_or_lie_in_what_the_build_reads_or_its_cache(tmp_path, output):
    site = tmp_path / "site"
    (site / "content").mkdir(parents=True)
    config = Config(root=site, cache_dir="mine/cache-holder/cache")
    if output == ".newsdigest-cache" or output.startswith(".newsdigest-cache/"):
        config = Config(root=site)
    with pytest.raises(SiteError, match="the output folder (lies in|is or holds) the site's"):
        check_output_folder(site / output, config)


def test_a_commit_killed_half_way_is_finished_by_the_next_run(tmp_path):
    output = tmp_path / "output"
    output.mkdir()
    for name in ("a.html", "b.html", "old.html"):
        (output / name).write_text("old")
    staging = new_staging(output)
    for name in ("a.html", "b.html", "c/new.html"):
        write_if_changed(staging, output, name, b"new")
    (staging / JOURNAL).write_text(
        json.dumps({"changed": ["a.html", "b.html", "c/new.html"], "stale": ["old.html"]})
    )
    os.replace(_staged_path(staging, "a.html", flat=True), output / "a.html")  # killed after the first move
    assert "finished" in recover(output)
    assert {p: (output / p).read_text() for p in files_in(output)} == {"a.html": "new", "b.html": "new",
                                                                        "c/new.html": "new"}
    assert [p.name for p in tmp_path.iterdir()] == ["output"]


@pytest.mark.parametrize("journal", ["", "{", "[]", '{"changed": "a.html", "stale": []}',
                                     '{"changed": ["../../etc/x"], "stale": []}', "\x00\xff"])
def test_a_damaged_journal_is_set_aside_with_its_files_and_the_output_left_as_it_was(tmp_path, journal):
    output = tmp_path / "output"
    output.mkdir()
    (output / "a.html").write_text("old")
    staging = new_staging(output)
    write_if_changed(staging, output, "a.html", b"new")
    (staging / JOURNAL).write_text(journal, errors="surrogateescape")
    assert "damaged commit journal" in recover(output)
    assert (output / "a.html").read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["output"]


def test_a_rebuild_stages_files_flat_and_commits_them_to_their_folders(tmp_path):
    output = tmp_path / "output"
    output.mkdir()
    (output / "tags").mkdir()
    staging = new_staging(output)
    for name in ("tags/a/page/2/index.html", "tags/b/index.html", "index.html"):
        assert write_if_changed(staging, output, name, name.encode())
    # No copy of the output's folders: one folder of staged files.
    assert sorted(p.name for p in staging.iterdir()) == [FLAT]
    commit_changes(staging, output, ["index.html", "tags/a/page/2/index.html", "tags/b/index.html"], [])
    assert {p: (output / p).read_text() for p in files_in(output)} == {
        "index.html": "index.html", "tags/a/page/2/index.html": "tags/a/page/2/index.html",
        "tags/b/index.html": "tags/b/index.html"}
    assert [p.name for p in tmp_path.iterdir()] == ["output"]


def test_an_output_folder_removed_while_the_build_ran_gets_the_staged_files(tmp_path):
    output = tmp_path / "output"
    output.mkdir()
    staging = new_staging(output)
    assert write_if_changed(staging, output, "a/b.html", b"new")
    output.rmdir()
    commit_changes(staging, output, ["a/b.html"], [])
    assert (output / "a" / "b.html").read_bytes() == b"new"
    assert [p.name for p in tmp_path.iterdir()] == ["output"]


def test_a_build_killed_before_its_commit_leaves_nothing_behind(tmp_path):
    output = tmp_path / "output"
    output.mkdir()
    (output / "a.html").write_text("old")
    staging = new_staging(output)
    write_if_changed(staging, output, "a.html", b"half")
    assert "removed" in recover(output)
    assert (output / "a.html").read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["output"]


def test_an_atomic_write_never_leaves_a_partial_file(tmp_path, monkeypatch):
    target = tmp_path / "article.md"
    target.write_text("hand-edited, whole")
    target.chmod(0o640)

    def full_disk(fd):  # a full disk shows when the data is flushed
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", full_disk)
    with pytest.raises(OSError, match="No space"):
        write_file_atomically(target, b"x" * 100_000)
    monkeypatch.undo()
    assert target.read_text() == "hand-edited, whole"
    assert [p.name for p in tmp_path.iterdir()] == ["article.md"]
    write_file_atomically(target, b"new")
    assert target.read_bytes() == b"new" and target.stat().st_mode & 0o777 == 0o640


def _hold(path, ready, seconds):
    with exclusive_lock(path, lambda: None):
        ready.set()
        time.sleep(seconds)


def test_a_second_holder_of_the_lock_is_told_and_waits(tmp_path):
    lock = tmp_path / "build.lock"
    ready = multiprocessing.Event()
    holder = multiprocessing.get_context("fork").Process(target=_hold, args=(lock, ready, 0.5))
    holder.start()
    ready.wait(5)
    told, started = [], time.monotonic()
    with exclusive_lock(lock, lambda: told.append(True)):
        waited = time.monotonic() - started
    holder.join()
    assert told == [True] and waited > 0.2


def test_a_folder_emptied_by_one_commit_is_made_again_by_the_next(tmp_path):
    output = tmp_path / "output"
    output.mkdir()
    for files, stale in ((["tags/a/feed.xml", "index.html"], []), ([], ["tags/a/feed.xml"]),
                         (["tags/a/feed.xml"], [])):
        staging = new_staging(output)
        for name in files:
            write_if_changed(staging, output, name, f"{name} {len(stale)}".encode())
        commit_changes(staging, output, files, stale)
    assert (output / "tags/a/feed.xml").is_file()
