"""One bad page never ends an ingest run: real pages mixed with broken and hostile ones, and fuzzed
mutations."""

from __future__ import annotations

import codecs
import gzip
import random
import shutil
import tempfile
from pathlib import Path

from conftest import FIXTURES, run_cli
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsdigest.config import load_config
from newsdigest.ingest.command import IngestOptions, ingest

REAL = sorted((FIXTURES / "ingest" / "real").glob("*.html.gz"))
PAGES = {path.name.removesuffix(".gz"): gzip.decompress(path.read_bytes()) for path in REAL}


def hostile_inputs() -> dict[str, bytes]:
    rng = random.Random(7)
    first = PAGES[sorted(PAGES)[0]]
    return {
        "truncated.html": first[: len(first) // 3],
        "random.html": bytes(rng.getrandbits(8) for _ in range(20_000)),
        "random-no-nul.txt": bytes(rng.randrange(1, 256) for _ in range(20_000)),
        "deep.html": b"<html><body>"
        + b"<div>" * 10_000
        + b"<p>Deep.</p>"
        + b"</div>" * 10_000
        + b"</body></html>",
        "deep-unclosed.html": b"<html><body><h1>A title</h1>" + b"<div><span><b>" * 5_000 + b"text",
        "one-line.txt": b"Headline\n" + b"word " * 1_000_000,
        "one-line.html": b"<html><body><h1>Headline</h1><p>" + b"word " * 1_000_000 + b"</p></body></html>",
        "no-body.html": b"<html><head><title>Only a title</title></head><body></body></html>",
        "blank.txt": codecs.BOM_UTF16_LE + "   \n\n  ".encode("utf-16-le"),
        "empty.txt": b"",
    }


def test_a_folder_of_real_and_hostile_pages_writes_every_good_one_and_names_every_bad_one(tmp_path):
    site, folder = tmp_path / "site", tmp_path / "inbox"
    site.mkdir()
    folder.mkdir()
    shutil.copy(FIXTURES / "site" / "site.toml", site / "site.toml")
    for name, data in {**PAGES, **hostile_inputs()}.items():
        (folder / name).write_bytes(data)
    (folder / "copy.html").write_bytes(PAGES[sorted(PAGES)[0]].replace(b"<body", b'<body data-copy="1"', 1))
    (folder / "no-date.txt").write_text(
        "A headline without a date\n\n" + "A sentence of the body, long enough. " * 10
    )
    result = run_cli("ingest", "--site", str(site), str(folder))
    assert result.returncode == 1
    assert "Traceback" not in result.stdout + result.stderr
    lines = result.stdout.splitlines() + result.stderr.splitlines()
    status = {
        name: next(
            line.split()[0]
            for line in lines
            if f"{name} " in line or line.endswith(name) or f"{name} (" in line
        )
        for name in [*PAGES, *hostile_inputs(), "copy.html", "no-date.txt"]
    }
    assert all(status[name] == "written" for name in PAGES), status
    assert status["copy.html"] == "duplicate" and status["no-date.txt"] == "written"
    assert all(status[name] == "failed" for name in hostile_inputs()), status
    assert "date: the file's modification time" in next(line for line in lines if "no-date.txt" in line)
    assert len(list((site / "content").glob("*.md"))) == len(PAGES) + 1


def test_a_failed_input_changes_nothing_in_content(tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    shutil.copy(FIXTURES / "site" / "site.toml", site / "site.toml")
    page = tmp_path / "page.html"
    page.write_bytes(PAGES[sorted(PAGES)[1]])
    assert run_cli("ingest", "--site", str(site), str(page)).returncode == 0
    before = {p.name: p.read_bytes() for p in (site / "content").iterdir()}
    page.write_bytes(b"<html><body>" + b"<div>" * 10_000 + b"</body></html>")
    result = run_cli("ingest", "--force", "--site", str(site), str(page))
    assert result.returncode == 1 and "failed" in result.stderr
    assert {p.name: p.read_bytes() for p in (site / "content").iterdir()} == before


def _mutate(data: bytes, rng: random.Random, kind: str) -> bytes:
    position = rng.randrange(len(data))
    if kind == "truncate":
        return data[:position]
    if kind == "flip":
        mutable = bytearray(data)
        for _ in range(50):
            mutable[rng.randrange(len(mutable))] = rng.getrandbits(8)
        return bytes(mutable)
    if kind == "insert":
        junk = rng.choice(
            [
                b"<div>" * 500,
                b"</p></div>" * 200,
                b"\x00\x1b\x0c",
                b"<!--",
                b"<script>",
                b"&#0;" * 50,
                "\u202e\ufeff\ud7ff".encode(),
                b"<![CDATA[",
                b"<?xml version='1.0'?>",
            ]
        )
        return data[:position] + junk + data[position:]
    if kind == "splice":
        other = PAGES[rng.choice(sorted(PAGES))]
        return data[:position] + other[rng.randrange(len(other)):]
    return data.decode("utf-8", "replace").encode("utf-16")


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.sampled_from(sorted(PAGES)),
    st.integers(0, 2**32),
    st.sampled_from(["truncate", "flip", "insert", "splice", "utf16"]),
    st.sampled_from([".html", ".txt"]),
)
def test_mutated_real_pages_never_raise_from_ingest(tmp_path, name, seed, kind, suffix):
    site = Path(tempfile.mkdtemp(dir=tmp_path))
    (site / "content").mkdir()
    shutil.copy(FIXTURES / "site" / "site.toml", site / "site.toml")
    page = site / f"input{suffix}"
    page.write_bytes(_mutate(PAGES[name], random.Random(seed), kind))
    outcomes = ingest([str(page)], load_config(site), IngestOptions(dry_run=True))
    assert len(outcomes) == 1 and outcomes[0].status in ("would write", "failed", "duplicate")
    if outcomes[0].failed:
        assert "please report it" not in outcomes[0].detail, outcomes[0].detail
