"""The GitHub Pages workflow passes actionlint and builds with the command the README gives."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import yaml

from conftest import ROOT, need_tool

WORKFLOW = ROOT / ".github" / "workflows" / "pages.yml"
# Installed by requirements-test.txt beside this Python (a virtual environment need not be on PATH).
ACTIONLINT = shutil.which("actionlint", path=str(Path(sys.executable).parent)) or shutil.which("actionlint")


def test_actionlint_passes():
    need_tool(ACTIONLINT is not None, "actionlint")
    result = subprocess.run([ACTIONLINT, str(WORKFLOW)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr


def test_actionlint_catches_a_broken_workflow(tmp_path):
    need_tool(ACTIONLINT is not None, "actionlint")
    broken = tmp_path / "broken.yml"
    broken.write_text(WORKFLOW.read_text().replace("runs-on: ubuntu-latest", "runs-on: ${{ matrix.os }}", 1))
    assert subprocess.run([ACTIONLINT, str(broken)], capture_output=True, timeout=60).returncode == 1


def test_the_workflow_installs_builds_and_deploys_with_the_official_actions():
    workflow = yaml.safe_load(WORKFLOW.read_text())
    steps = workflow["jobs"]["build"]["steps"]
    uses = [step.get("uses", "") for step in steps] + [s.get("uses", "") for s in workflow["jobs"]["deploy"]["steps"]]
    assert any(u.startswith("actions/upload-pages-artifact@v") for u in uses)
    assert any(u.startswith("actions/deploy-pages@v") for u in uses)
    build = next(step for step in steps if "run" in step)
    assert "python -m pip install -r requirements.txt" in build["run"] and "python build.py" in build["run"]
    assert build["env"]["NEWSDIGEST_BASE_URL"] == "${{ steps.pages.outputs.base_url }}"
    assert workflow["permissions"] == {"contents": "read", "pages": "write", "id-token": "write"}
    assert workflow[True]["push"]["branches"] == ["main"]  # YAML 1.1 reads the key "on" as true


def test_the_linter_knows_deprecated_action_runtimes(tmp_path):
    """actionlint at today's version: it must flag an action that runs on node20."""
    need_tool(ACTIONLINT is not None, "actionlint")
    old = tmp_path / "old.yml"
    old.write_text(WORKFLOW.read_text().replace("actions/deploy-pages@v5", "actions/deploy-pages@v4"))
    result = subprocess.run([ACTIONLINT, str(old)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 1 and "node20" in result.stdout


def test_publishing_is_incremental_and_daily():
    workflow = yaml.safe_load(WORKFLOW.read_text())
    assert [entry["cron"] for entry in workflow[True]["schedule"]] == ["17 5 * * *"]
    assert "workflow_dispatch" in workflow[True]
    steps = workflow["jobs"]["build"]["steps"]
    cache = next(step for step in steps if step.get("uses", "").startswith("actions/cache@"))
    assert cache["with"]["path"].split() == [".newsdigest-cache", "output"]
    assert cache["with"]["restore-keys"] == "newsdigest-build-"
    build = next(index for index, step in enumerate(steps) if "run" in step)
    assert steps.index(cache) < build, "the cache is restored before the build"
