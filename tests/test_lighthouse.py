"""Lighthouse (npm, pinned in .ci/run) judges the sample site served under its project path, on Debian's
Chromium with the mobile preset: accessibility, best practices and SEO 100, performance 95 or more."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest
from conftest import CHROMIUM, CHROMIUM_ARGS, ROOT, need_tool

LIGHTHOUSE = Path(
    os.environ.get("LIGHTHOUSE", ROOT / ".ci" / "tools" / "node_modules" / ".bin" / "lighthouse")
)
LEAST = {"accessibility": 1.0, "best-practices": 1.0, "seo": 1.0, "performance": 0.95}


@pytest.mark.parametrize("path", ["index.html", "articles/india-china-rare-earth-magnet-talks.html",
                                  "topics/rare-earths/index.html", "search/index.html?q=china"])
def test_lighthouse_scores(served_sample, path, tmp_path):
    need_tool(LIGHTHOUSE.exists() and CHROMIUM.exists(), f"Lighthouse ({LIGHTHOUSE}) and Chromium")
    report = tmp_path / "report.json"
    flags = " ".join(["--headless=new", *CHROMIUM_ARGS])
    result = subprocess.run([str(LIGHTHOUSE), served_sample + path, f"--chrome-path={CHROMIUM}",
                             f"--chrome-flags={flags}", "--output=json", f"--output-path={report}", "--quiet",
                             "--only-categories=performance,accessibility,best-practices,seo"],
                            capture_output=True, text=True, timeout=240)
    assert result.returncode == 0, result.stderr[-2000:]
    data = json.loads(report.read_text())
    scores = {name: category["score"] for name, category in data["categories"].items()}
    failing = [
        f"{ref['id']}: {data['audits'][ref['id']].get('title')}"
        for name in LEAST
        for ref in data["categories"][name]["auditRefs"]
        if ref.get("weight")
        and (data["audits"][ref["id"]].get("score") or 0) < 1
        and scores[name] < LEAST[name]
    ]
    assert all(scores[name] >= least for name, least in LEAST.items()), (path, scores, failing)
