"""The GitHub Pages workflow passes actionlint and builds with the command the README gives."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

from conftest import ROOT, need_tool
from fetch_server import REAL_PAGES, NewsSite, html, rss

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
    install, build = named_step(steps, "Install"), named_step(steps, "Build")
    assert install["run"] == "python -m pip install -r requirements.txt"
    assert build["run"] == "python build.py --strict --quiet"
    assert build["env"]["NEWSDIGEST_BASE_URL"] == "${{ steps.pages.outputs.base_url }}"
    # contents: write for the fetch step's commit of new articles.
    assert workflow["permissions"] == {"contents": "write", "pages": "write", "id-token": "write"}
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
    build = steps.index(named_step(steps, "Build"))
    assert steps.index(cache) < build, "the cache is restored before the build"


def named_step(steps: list[dict], name: str) -> dict:
    return next(step for step in steps if step.get("name", "").startswith(name))


def test_the_daily_run_fetches_commits_and_pushes_new_articles(tmp_path):
    """The fetch step's script, run as Actions runs it (bash -eo pipefail), in a clone with a remote."""
    steps = yaml.safe_load(WORKFLOW.read_text())["jobs"]["build"]["steps"]
    step = named_step(steps, "Fetch new articles")
    assert step["if"] == "github.event_name != 'push' && vars.NEWSDIGEST_FETCH != 'off'"
    cache = next(i for i, s in enumerate(steps) if s.get("uses", "").startswith("actions/cache@"))
    assert cache < steps.index(step) < steps.index(named_step(steps, "Build"))
    remote, clone = tmp_path / "remote.git", tmp_path / "clone"
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.org"]
    subprocess.run(["git", "init", "--quiet", "--bare", "-b", "main", str(remote)], check=True)
    subprocess.run(["git", "clone", "--quiet", str(remote), str(clone)], check=True, capture_output=True)
    script = step["run"].replace("python build.py", f"{sys.executable} {ROOT / 'build.py'}")
    with NewsSite() as news:
        news.serve("/news/a.html", html(REAL_PAGES[sorted(REAL_PAGES)[0]]))
        items = [(f"{news.url}/news/a.html", "A", None), (f"{news.url}/missing", "M", None)]
        news.serve("/feed.xml", rss(items))
        (clone / "site.toml").write_text(f'title = "Mine"\n[fetch]\ndelay = 0\nretries = 0\n'
                                         f'[[sources]]\nurl = "{news.url}/feed.xml"\n')
        (clone / ".gitignore").write_text(".newsdigest-cache/\noutput/\n")
        subprocess.run([*git, "-C", str(clone), "add", "."], check=True)
        subprocess.run([*git, "-C", str(clone), "commit", "--quiet", "-m", "start"], check=True)
        subprocess.run(["git", "-C", str(clone), "push", "--quiet", "origin", "main"], check=True)

        def run_step() -> subprocess.CompletedProcess:
            return subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script],
                                  cwd=clone, env={**os.environ, "RUNNER_TEMP": str(tmp_path)},
                                  capture_output=True, text=True)
        first, second = run_step(), run_step()
    assert first.returncode == 0, first.stdout + first.stderr
    log = subprocess.run(["git", "-C", str(remote), "log", "--format=%s%n%b", "main"], capture_output=True,
                         text=True, check=True).stdout
    assert log.startswith("Fetch 1 new article from the sources (") and "\nwritten     " in log
    pushed = subprocess.run(["git", "-C", str(remote), "ls-tree", "-r", "--name-only", "main"],
                            capture_output=True, text=True, check=True).stdout.split()
    assert len([name for name in pushed if name.startswith("content/")]) == 1
    # The page that failed is a warning, and the edition is still built and published.
    assert "::warning title=fetch::" in first.stdout
    assert second.returncode == 0 and "No new articles." in second.stdout
    assert log.count("Fetch ") == 1
