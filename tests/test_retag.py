"""`build.py retag`: the current rules applied again to ingested articles, hand edits kept."""

from __future__ import annotations

import shutil
from pathlib import Path

import frontmatter
import pytest
from conftest import FIXTURES, SAMPLES, run_cli

RAW = next((SAMPLES / "raw").glob("*.txt"))


@pytest.fixture
def ingested(tmp_path) -> Path:
    shutil.copy(FIXTURES / "site" / "site.toml", tmp_path / "site.toml")
    with open(tmp_path / "site.toml", "a") as toml:
        toml.write('keywords = { "tariff" = 1 }\n')  # the fixture's last topic, trade: not met by the sample
    assert run_cli("ingest", "--site", str(tmp_path), "--date", "2025-06-12", str(RAW)).returncode == 0
    return tmp_path


def article(site: Path) -> Path:
    [path] = (site / "content").glob("*.md")
    return path


def test_retag_applies_new_rules_and_dry_run_writes_nothing(ingested):
    before = article(ingested).read_bytes()
    assert not frontmatter.loads(before.decode()).metadata.get("topics")
    toml = ingested / "site.toml"
    toml.write_text(
        toml.read_text().replace('keywords = { "tariff" = 1 }', 'keywords = { "rare earth" = 2 }')
    )
    dry = run_cli("retag", "--site", str(ingested), "--dry-run")
    assert dry.returncode == 0 and "would retag" in dry.stdout and "topics +trade" in dry.stdout
    assert "rare earth" in dry.stdout, "the report names the phrases"
    assert article(ingested).read_bytes() == before
    done = run_cli("retag", "--site", str(ingested))
    assert done.returncode == 0 and "retagged" in done.stdout
    post = frontmatter.loads(article(ingested).read_text())
    assert post.metadata["topics"] == ["trade"] and post.content == frontmatter.loads(before.decode()).content
    again = run_cli("ingest", "--site", str(ingested), "--date", "2025-06-12", str(RAW))
    assert "duplicate" in again.stdout and "edited by hand" not in again.stdout + again.stderr
    assert "unchanged" in run_cli("retag", "--site", str(ingested)).stdout


def test_retag_keeps_files_edited_by_hand_and_files_not_ingested(ingested):
    path = article(ingested)
    path.write_text(path.read_text().replace("In a move", "In an edited move"))
    (ingested / "content" / "mine.md").write_text(
        "---\ntitle: Mine\ndate: 2025-01-01\n---\nrare earth rare earth\n"
    )
    toml = ingested / "site.toml"
    toml.write_text(
        toml.read_text().replace('keywords = { "tariff" = 1 }', 'keywords = { "rare earth" = 2 }')
    )
    edited = path.read_bytes()
    result = run_cli("retag", "--site", str(ingested))
    assert result.returncode == 0
    assert "edited by hand" in result.stdout and "not written by ingest" in result.stdout
    assert path.read_bytes() == edited
