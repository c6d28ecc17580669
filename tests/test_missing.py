"""Which built files are still there: folders listed until their time can be trusted, then taken as they
were."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from conftest import NOW

from newsdigest.build import missing as presence
from newsdigest.build.pipeline import BuildOptions, build
from newsdigest.config import load_config


def rebuild(site: Path):
    return build(load_config(site), BuildOptions(now=NOW))


def age_folders(output: Path, seconds: float = 3600) -> None:
    then = time.time() - seconds
    for path in [output, *output.rglob("*")]:
        if path.is_dir():
            os.utime(path, (then, then))


@pytest.fixture
def listings(monkeypatch) -> list[str]:
    """The folders the build lists, in order."""
    listed: list[str] = []
    real = os.listdir

    def listdir(path="."):
        listed.append(str(path))
        return real(path)

    monkeypatch.setattr(presence.os, "listdir", listdir)
    return listed


def test_folders_of_a_new_output_are_trusted_once_old_and_unchanged(fixture_site, listings):
    rebuild(fixture_site)
    # Folders made in the last seconds are not trusted: a change within a clock tick keeps their time.
    assert rebuild(fixture_site).up_to_date
    assert listings, "a folder written seconds ago was taken on trust"
    age_folders(fixture_site / "output")
    listings.clear()
    assert rebuild(fixture_site).up_to_date
    assert listings, "an aged folder's new time must be checked by a listing"
    listings.clear()
    assert rebuild(fixture_site).up_to_date
    assert listings == []


def test_a_file_lost_from_a_trusted_folder_is_made_again(fixture_site, listings):
    rebuild(fixture_site)
    age_folders(fixture_site / "output")
    rebuild(fixture_site)
    listings.clear()
    lost = fixture_site / "output/articles/second.html"
    expected = lost.read_bytes()
    lost.unlink()
    result = rebuild(fixture_site)
    assert not result.up_to_date and result.written == 1
    assert lost.read_bytes() == expected
    # Listed by the check for nothing to do, then by the build: no other folder.
    assert set(listings) == {str(lost.parent)}


def test_a_cold_build_records_the_folders_it_made_before_the_last_clock_tick(fixture_site, monkeypatch,
                                                                              listings):
    # As if the rename that makes the new output folder came an hour after the files were written.
    real = time.time_ns
    monkeypatch.setattr("newsdigest.build.pipeline.time.time_ns", lambda: real() + 3600 * 10**9)
    rebuild(fixture_site)
    monkeypatch.setattr("newsdigest.build.pipeline.time.time_ns", real)
    monkeypatch.setattr(presence.time, "time_ns", lambda: real() + 3600 * 10**9)
    assert rebuild(fixture_site).up_to_date
    assert listings == []
