"""The built HTML (and the stylesheet) pass the Nu Html Checker with no errors."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from conftest import ROOT, need_tool

VNU_JAR = Path(
    os.environ.get(
        "VNU_JAR", ROOT / ".ci" / "tools" / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
    )
)


def run_vnu(*targets: Path) -> subprocess.CompletedProcess:
    need_tool(
        VNU_JAR.is_file() and shutil.which("java") is not None, f"the Nu Html Checker ({VNU_JAR}) and Java"
    )
    return subprocess.run(
        [
            "java",
            "-jar",
            str(VNU_JAR),
            "--errors-only",
            "--also-check-css",
            "--skip-non-html",
            *map(str, targets),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_every_page_passes_the_nu_html_checker(sample_output, fixture_output):
    result = run_vnu(sample_output, fixture_output, sample_output / "static" / "style.css")
    assert result.returncode == 0, result.stderr


def test_the_checker_finds_errors(tmp_path):
    (tmp_path / "bad.html").write_text("<!DOCTYPE html><html lang=en><head><title>x</title></head>"
                                       "<body><p><div>bad</p></body></html>")
    result = run_vnu(tmp_path)
    assert result.returncode == 1 and "Unclosed element" in result.stderr
