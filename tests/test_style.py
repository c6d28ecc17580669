"""The code keeps the rules the project chose in pyproject.toml (ruff), the 110-column limit among them."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from conftest import ROOT, need_tool

# Installed by requirements-test.txt beside this Python (a virtual environment need not be on PATH).
RUFF = shutil.which("ruff", path=str(Path(sys.executable).parent)) or shutil.which("ruff")


def ruff(*arguments: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    need_tool(RUFF is not None, "ruff")
    return subprocess.run([RUFF, *arguments], cwd=cwd, capture_output=True, text=True, timeout=120)


def test_ruff_finds_nothing_in_the_project():
    result = ruff("check", "--no-cache", ".")
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_project_rules_catch_a_long_line_and_an_unused_import(tmp_path):
    (tmp_path / "pyproject.toml").write_text((ROOT / "pyproject.toml").read_text())
    (tmp_path / "module.py").write_text(f'import os\n\nTEXT = "{"x" * 110}"\n')
    result = ruff("check", "--no-cache", "--output-format", "concise", ".", cwd=tmp_path)
    assert result.returncode == 1
    assert "E501" in result.stdout and "F401" in result.stdout, result.stdout
