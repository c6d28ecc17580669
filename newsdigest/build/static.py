"""static/ copied as is (the package's defaults, then the site's own), and .nojekyll for GitHub Pages."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from ..content import relative_name
from ..errors import SiteError
from ..files import files_inside
from .fingerprint import digest
from .jobs import Job, Plan, PlanInputs


@dataclass(frozen=True)
class StaticFile:
    path: Path
    sha: str


def static_files(static_dirs: list[Path], roots: tuple[str, ...], site_root: Path
                 ) -> tuple[dict[str, StaticFile], list[SiteError]]:
    """The files of static/ by their output path, each with a hash of its bytes (a few small files: hashing
    them is cheaper than doubting their times); a site's own file wins over the default of the same name.
    The default stylesheet, search script and icon ship in the package's static/; a site's static/ adds to
    them or replaces one by name. Links that lead out of the site are warnings, not files (files.py)."""
    found: dict[str, Path] = {}
    warnings: list[SiteError] = []
    for folder in static_dirs:
        for item in files_inside(folder, roots, relative_name(folder, site_root)):
            if isinstance(item, SiteError):
                warnings.append(item)
            # Hidden files (.gitkeep, an editor's swap file) are not the site's.
            elif not any(part.startswith(".") for part in item[1].split("/")):
                found["static/" + item[1]] = Path(item[0])
    files = {name: StaticFile(path, hashlib.sha256(path.read_bytes()).hexdigest())
             for name, path in sorted(found.items())}
    return files, warnings


def static_jobs(inputs: PlanInputs) -> Plan:
    """Each static file, copied again only when its bytes changed."""
    return Plan([Job(name, digest(name, f.sha), f.path.read_bytes) for name, f in inputs.static.items()])


def nojekyll_jobs(inputs: PlanInputs) -> Plan:
    """An empty .nojekyll: GitHub Pages then publishes the folder as it is, without running Jekyll on it."""
    return Plan([Job(".nojekyll", digest("nojekyll"), lambda: b"")])
