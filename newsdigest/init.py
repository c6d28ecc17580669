"""`init`: start a new digest in a folder from the starter files that ship with the package."""

from __future__ import annotations

from pathlib import Path

from . import __version__
from .errors import SiteError
from .reference import starter_site_toml

STARTER = Path(__file__).resolve().parent / "starter"
# Starter files are kept under names that packaging tools and the build leave alone; they are written as
# these.
NAMES = {"gitignore": ".gitignore", "pages.yml": ".github/workflows/pages.yml",
         "dependabot.yml": ".github/dependabot.yml", "requirements.txt": "requirements.txt",
         "requirements-newsdigest.txt": "requirements-newsdigest.txt",
         "example-article.md": "content/example-article.md"}
# Where a starter file names the newsdigest release to install: the one that wrote the digest, whose locked
# dependencies (requirements.txt) it is given.
RELEASE = b"NEWSDIGEST_RELEASE"


def init_digest(folder: Path) -> list[Path]:
    """Write a new digest into `folder`; refuse, naming them, if any of its files exist there already."""
    targets = {folder / relative: (STARTER / name).read_bytes() for name, relative in NAMES.items()}
    targets[folder / "site.toml"] = starter_site_toml().encode("utf-8")
    existing = [str(path) for path in targets if path.exists()]
    if existing:
        raise SiteError(folder, f"would overwrite {', '.join(existing)}",
                        "choose an empty or new folder; init never replaces a file")
    try:
        for target, data in targets.items():
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data.replace(RELEASE, f"v{__version__}".encode()))
    except OSError as error:
        raise SiteError(folder, f"cannot write there: {error.strerror}",
                        "choose a folder you can write to") from None
    return sorted(targets, key=str)
