"""`build.py init DIR`: a new digest in one command, built, ingested into, packed; never overwriting a
file."""

from __future__ import annotations

import re
import socket
import subprocess
import sys
import tomllib
import zipfile

from conftest import ROOT, SAMPLES, run_cli

from newsdigest import __version__


def test_init_writes_a_digest_that_builds_ingests_and_packs(tmp_path):
    site = tmp_path / "my-digest"
    result = run_cli("init", str(site))
    assert result.returncode == 0, result.stderr
    for name in ("site.toml", "content/example-article.md", ".github/workflows/pages.yml", ".gitignore",
                 "requirements.txt", "requirements-newsdigest.txt", ".github/dependabot.yml"):
        assert (site / name).is_file(), name
    toml = (site / "site.toml").read_text()
    assert "# timezone = " in toml and "# raw_html = false" in toml and "[[topics]]" in toml, (
        "settings commented"
    )
    raw = next((SAMPLES / "raw").glob("*.txt"))
    assert run_cli("ingest", "--site", str(site), "--date", "2025-06-12", str(raw)).returncode == 0
    built = run_cli("--site", str(site))
    assert built.returncode == 0, built.stderr
    assert built.stdout.startswith("Built 2 articles")
    assert (site / "output" / "articles" / "example-article.html").is_file()
    packed = run_cli("pack", "--site", str(site))
    assert packed.returncode == 0, packed.stderr
    [archive] = site.glob("my-news-digest-*.zip")
    assert f"{archive.stem}/index.html" in zipfile.ZipFile(archive).namelist()


def test_init_refuses_to_overwrite_and_names_what_it_would(tmp_path):
    (tmp_path / "site.toml").write_text("title = 'Mine'\n")
    result = run_cli("init", str(tmp_path))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "would overwrite" in result.stderr and "site.toml" in result.stderr
    assert (tmp_path / "site.toml").read_text() == "title = 'Mine'\n"
    assert not (tmp_path / "content").exists()


def test_init_into_a_place_it_cannot_write_is_one_line(tmp_path):
    (tmp_path / "a-file").write_text("x")
    result = run_cli("init", str(tmp_path / "a-file" / "digest"))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert [line for line in result.stderr.splitlines() if line.startswith("error:")] == [
        line for line in result.stderr.splitlines() if "cannot write there" in line]


def test_command_line_polish(tmp_path):
    version = run_cli("--version")
    assert version.returncode == 0 and version.stdout.startswith("newsdigest ")
    top = run_cli("--help")
    for option in ("--site", "--output", "--base-url", "--drafts", "--strict", "--clean", "init", "retag"):
        assert option in top.stdout
    unknown = run_cli("frobnicate")
    assert unknown.returncode == 2 and "unknown command 'frobnicate'" in unknown.stderr
    missing = run_cli("--site", str(tmp_path / "nowhere"))
    assert missing.returncode == 1 and "site.toml: no such file" in missing.stderr
    assert "Traceback" not in unknown.stderr + missing.stderr


def test_a_closed_pipe_ends_quietly(tmp_path):
    site = tmp_path / "site"
    run_cli("init", str(site))
    command = f"{sys.executable} {ROOT / 'build.py'} --help | head -1"
    result = subprocess.run(command, shell=True, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0 and result.stderr == ""


def test_serve_on_a_busy_port_says_so_in_one_line(tmp_path):
    site = tmp_path / "site"
    run_cli("init", str(site))
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = run_cli("serve", "--site", str(site), "--port", str(port))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and f"port {port}" in errors[0] and "--port" in errors[0]


def test_the_package_ships_its_templates_static_files_and_command(tmp_path):
    result = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
                             "-w", str(tmp_path), str(ROOT)], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    [wheel] = tmp_path.glob("newsdigest-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    # Every module, template, static and starter file of the source tree: a subpackage left out of pyproject's
    # list would install without it.
    shipped = [path.relative_to(ROOT).as_posix() for path in (ROOT / "newsdigest").rglob("*")
               if path.is_file() and "__pycache__" not in path.parts]
    assert "newsdigest/fetch/command.py" in shipped and "newsdigest/starter/pages.yml" in shipped
    assert sorted(set(shipped) - set(names)) == []
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    assert "newsdigest = newsdigest.cli:console" in zipfile.ZipFile(wheel).read(entry_points).decode()


def test_init_installs_newsdigest_at_its_release_with_the_locked_dependencies(tmp_path):
    site = tmp_path / "my-digest"
    assert run_cli("init", str(site)).returncode == 0
    lines = [line for line in (site / "requirements-newsdigest.txt").read_text().splitlines()
             if line and not line.startswith("#")]
    assert lines == [f"newsdigest @ git+https://github.com/USER/newsdigest.git@v{__version__}"]
    # The digest's lock is the project's: the build's packages, every one pinned with its hashes.
    lock = (site / "requirements.txt").read_text()
    assert lock == (ROOT / "newsdigest" / "starter" / "requirements.txt").read_text()
    assert "-r newsdigest/starter/requirements.txt" in (ROOT / "requirements.txt").read_text()
    pinned = locked_packages(lock)
    declared = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    assert {canonical(re.split(r"[<>=!~\[ ;]", spec)[0]) for spec in declared} <= set(pinned)
    assert all(hashes for hashes in pinned.values()), "every package carries its hashes"


def test_the_build_lock_and_the_test_lock_agree():
    build = locked_packages((ROOT / "newsdigest" / "starter" / "requirements.txt").read_text())
    tests = locked_packages((ROOT / "requirements-test.txt").read_text())
    assert {name: version for name, (version, _) in build.items()} == {
        name: tests[name][0] for name in build}
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    test_extra = project["optional-dependencies"]["test"]
    assert {canonical(re.split(r"[<>=!~\[ ;]", spec)[0]) for spec in test_extra} <= set(tests)


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def locked_packages(lock: str) -> dict[str, tuple[str, list[str]]]:
    """A pip-compile lock's packages: name -> (version, hashes)."""
    found: dict[str, tuple[str, list[str]]] = {}
    for block in re.split(r"\n(?=[A-Za-z0-9])", lock):
        match = re.match(r"([A-Za-z0-9._-]+)==(\S+)", block)
        if match:
            hashes = re.findall(r"--hash=sha256:([0-9a-f]{64})", block)
            found[canonical(match.group(1))] = (match.group(2), hashes)
    return found
