"""Write the output atomically: into a fresh folder beside output/, swapped in only when complete."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Iterable


def write_site(files: Iterable[tuple[str, bytes]], static_dirs: Iterable[Path], output: Path) -> int:
    """Write every file and the static folders, then replace `output`; returns the files written.

    Until the swap the previous output stays whole, so a failed build never leaves half a site.
    """
    output = output.resolve()
    output.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{output.name}-new-", dir=output.parent))
    try:
        count = 0
        for relative, data in files:
            target = _inside(staging, relative)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
            count += 1
        for folder in static_dirs:
            shutil.copytree(folder, staging / "static", dirs_exist_ok=True)
        _swap(staging, output)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return count


def _inside(root: Path, relative: str) -> Path:
    target = (root / relative).resolve()
    if not target.is_relative_to(root):
        raise ValueError(f"output path {relative!r} escapes the output folder")
    return target


def _swap(staging: Path, output: Path) -> None:
    retired = None
    if output.exists():
        retired = Path(tempfile.mkdtemp(prefix=f".{output.name}-old-", dir=output.parent))
        output.rename(retired / output.name)
    staging.rename(output)
    if retired is not None:
        shutil.rmtree(retired, ignore_errors=True)
