"""Shared fixtures: the sample site and a small fixture site, each built once into a temporary folder."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, datetime
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from playwright.sync_api import sync_playwright

from newsdigest.build.pipeline import BuildOptions, BuildResult, build
from newsdigest.config import Config, load_config

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
# A copy of ../shared/samples/: the scraped article the project started from and its expected clean ingest.
SAMPLES = FIXTURES / "sample"
# The sample digest as the repository ships it (content/ and site.toml), copied so that a user who replaces
# the repository's own content/ and site.toml with their digest leaves the tests as they are.
SAMPLE_SITE = FIXTURES / "sample-site"
# Builds in tests run at a fixed moment, so that "future" means the same thing on every run.
NOW = datetime(2026, 1, 1, tzinfo=UTC)


def build_site_into(site: Path, output: Path, **options) -> BuildResult:
    """Build a site into `output`, its cache beside it, so that no test writes into the source tree."""
    config = replace(load_config(site), cache_dir=str(output.parent / f"{output.name}-cache"))
    return build(config, BuildOptions(output=output, now=NOW, **options))


def run_cli(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "build.py"), *args], cwd=cwd,
                          capture_output=True, text=True, timeout=120)


def as_from_a_terminal() -> None:
    """In a child to be sent Ctrl-C as a terminal sends it: SIGINT at its default. A test run started in the
    background by a shell without job control has it ignored, and children inherit that."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def without_the_suites_threads(patch: pytest.MonkeyPatch) -> None:
    """Cores for a helper, and no thread that would keep one from starting: the suite's own (its servers)
    touch nothing a helper's calls need."""
    patch.setenv("NEWSDIGEST_WORKERS", "2")
    patch.setattr(threading, "active_count", lambda: 1)


def parse_html(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


@pytest.fixture(scope="session")
def sample_output(tmp_path_factory) -> Path:
    output = tmp_path_factory.mktemp("sample") / "output"
    result = build_site_into(SAMPLE_SITE, output)
    assert result.errors == [] and result.written
    return output


@pytest.fixture(scope="session")
def fixture_output(tmp_path_factory) -> Path:
    output = tmp_path_factory.mktemp("fixture") / "output"
    result = build_site_into(FIXTURES / "site", output)
    assert result.errors == [] and result.written
    return output


@pytest.fixture
def fixture_site(tmp_path) -> Path:
    """A private copy of the fixture site, for tests that add or break files."""
    site = tmp_path / "site"
    shutil.copytree(FIXTURES / "site", site)
    return site


@pytest.fixture
def fixture_config() -> Config:
    return load_config(FIXTURES / "site")


def need_tool(available: bool, what: str) -> None:
    """Skip a test whose tool this machine lacks; in CI (CI=true) a missing tool is a failure."""
    if available:
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"{what} is missing; .ci/run installs it")
    pytest.skip(f"{what} is not installed here (.ci/run installs it)")


class _PrefixedHandler(SimpleHTTPRequestHandler):
    """Serves a folder under a path such as /newsdigest/, as GitHub Pages serves a project site."""

    prefix = "/"

    def translate_path(self, path: str) -> str:
        if not path.startswith(self.prefix):
            return str(Path(self.directory) / "__outside_the_site__")
        return super().translate_path("/" + path[len(self.prefix):])

    def log_message(self, format, *args):
        pass


@contextmanager
def served(folder: Path, prefix: str) -> Iterator[str]:
    """A built site on a local server under a project path such as /newsdigest/: yields the site's root
    URL."""
    handler = type("Handler", (_PrefixedHandler,), {"prefix": prefix})
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(handler, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}{prefix}"
    finally:
        server.shutdown()


@pytest.fixture(scope="session")
def served_sample(sample_output):
    """The sample site on a local server under its project path: yields the site's root URL."""
    with served(sample_output, "/newsdigest/") as url:
        yield url


CHROMIUM = Path(os.environ.get("NEWSDIGEST_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright (installed by requirements-test.txt, with no browser
    download)."""
    need_tool(CHROMIUM.exists(), f"Chromium ({CHROMIUM})")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        yield chromium
        chromium.close()
