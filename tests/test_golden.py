"""The sample site, page by page and feed by feed, against reviewed golden copies in tests/golden/sample/.

After an intended change to the output, regenerate with `UPDATE_GOLDEN=1 python -m pytest
tests/test_golden.py` and review the diff of tests/golden/ before committing it."""

from __future__ import annotations

import os
import shutil

from conftest import ROOT
from test_cli import snapshot

GOLDEN = ROOT / "tests" / "golden" / "sample"


def test_sample_site_matches_the_golden_files(sample_output):
    if os.environ.get("UPDATE_GOLDEN"):
        shutil.rmtree(GOLDEN, ignore_errors=True)
        shutil.copytree(sample_output, GOLDEN)
    built, golden = snapshot(sample_output), snapshot(GOLDEN)
    assert sorted(built) == sorted(golden), "the set of files differs from the golden site"
    changed = [path for path in built if built[path] != golden[path]]
    assert not changed, f"these files differ from tests/golden/sample/: {changed}"
