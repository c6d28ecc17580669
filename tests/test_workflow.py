"""The workflows (Pages, tests, and the Pages workflow `init` writes) pass actionlint; the Pages workflow
builds with the command the README gives; Dependabot proposes updates of the locks and the actions."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from conftest import ROOT, need_tool
from fetch_server import REAL_PAGES, NewsSite, html, rss

WORKFLOW = ROOT / ".github" / "workflows" / "pages.yml"
TESTS_WORKFLOW = ROOT / ".github" / "workflows" / "tests.yml"
STARTER = ROOT / "newsdigest" / "starter"
ALL_WORKFLOWS = [WORKFLOW, TESTS_WORKFLOW, STARTER / "pages.yml"]
# Installed by requirements-test.txt beside this Python (a virtual environment need not be on PATH).
ACTIONLINT = shutil.which("actionlint", path=str(Path(sys.executable).parent)) or shutil.which("actionlint")


def test_actionlint_passes_every_workflow():
    need_tool(ACTIONLINT is not None, "actionlint")
    assert sorted((ROOT / ".github" / "workflows").glob("*.yml")) == sorted(ALL_WORKFLOWS[:2])
    for workflow in ALL_WORKFLOWS:
        result = subprocess.run([ACTIONLINT, str(workflow)], capture_output=True, text=True, timeout=60)
        assert result.returncode == 0, (workflow, result.stdout + result.stderr)


def test_actionlint_catches_a_broken_workflow(tmp_path):
    need_tool(ACTIONLINT is not None, "actionlint")
    broken = tmp_path / "broken.yml"
    broken.write_text(WORKFLOW.read_text().replace("runs-on: ubuntu-latest", "runs-on: ${{ matrix.os }}", 1))
    assert subprocess.run([ACTIONLINT, str(broken)], capture_output=True, timeout=60).returncode == 1


def test_the_workflow_installs_builds_and_deploys_with_the_official_actions():
    workflow = yaml.safe_load(WORKFLOW.read_text())
    steps = workflow["jobs"]["build"]["steps"]
    uses = [step.get("uses", "") for step in steps] + [
        s.get("uses", "") for s in workflow["jobs"]["deploy"]["steps"]
    ]
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


def test_the_tests_run_on_each_python_from_the_lock_and_weekly_on_the_newest_releases():
    workflow = yaml.safe_load(TESTS_WORKFLOW.read_text())
    triggers = workflow[True]
    assert {"push", "pull_request", "workflow_dispatch", "schedule"} <= set(triggers)
    locked, releases = workflow["jobs"]["locked"], workflow["jobs"]["releases"]
    assert locked["strategy"]["matrix"]["python"] == ["3.11", "3.12", "3.13"]
    for job in (locked, releases):
        assert job["container"] == "python:${{ matrix.python }}-bookworm"
        assert job["steps"][-1]["run"] == "bash .ci/run"
    assert "NEWSDIGEST_PACKAGES" not in locked["steps"][-1].get("env", {})
    assert releases["steps"][-1]["env"] == {"NEWSDIGEST_PACKAGES": "${{ matrix.packages }}"}
    assert {(run["python"], run["packages"]) for run in releases["strategy"]["matrix"]["include"]} == {
        ("3.11", "newest"), ("3.13", "newest"), ("3.11", "lowest")}
    assert "schedule" in releases["if"] and "schedule" not in locked["if"]
    assert workflow["permissions"] == {"contents": "read"}


@pytest.mark.parametrize("config", [ROOT / ".github" / "dependabot.yml", STARTER / "dependabot.yml"])
def test_dependabot_proposes_the_locked_packages_and_the_actions_weekly(config):
    updates = yaml.safe_load(config.read_text())["updates"]
    assert yaml.safe_load(config.read_text())["version"] == 2
    assert sorted(update["package-ecosystem"] for update in updates) == ["github-actions", "pip"]
    for update in updates:
        assert update["directory"] == "/" and update["schedule"]["interval"] == "weekly"


def test_a_digest_builds_its_pull_requests_without_fetching_or_publishing():
    """Dependabot's pull requests are tested by the digest's own build; only main is fetched and published."""
    workflow = yaml.safe_load((STARTER / "pages.yml").read_text())
    assert "pull_request" in workflow[True]
    steps = workflow["jobs"]["build"]["steps"]
    assert "schedule" in named_step(steps, "Fetch new articles")["if"]
    assert "pull_request" not in named_step(steps, "Fetch new articles")["if"]
    upload = next(step for step in steps if step.get("uses", "").startswith("actions/upload-pages-artifact@"))
    assert upload["if"] == workflow["jobs"]["deploy"]["if"] == "github.event_name != 'pull_request'"
    install = named_step(steps, "Install")["run"].splitlines()
    assert install == ["python -m pip install -r requirements.txt",
                       "python -m pip install --no-deps -r requirements-newsdigest.txt"]
