"""Pack the built site into one zip, for reading offline on another device."""

from __future__ import annotations

import os
import re
import zipfile
from datetime import date
from pathlib import Path

from slugify import slugify

from .write import MANIFEST

# Fixed entry times keep the archive's bytes a function of the site alone.
ENTRY_TIME = (1980, 1, 1, 0, 0, 0)


def pack_name(title: str, day: date) -> str:
    return f"{slugify(title) or 'site'}-{day.isoformat()}.zip"


def pack_site(output: Path, title: str, day: date) -> Path:
    """Write output/<site>-YYYY-MM-DD.zip of every file in output/ but earlier packs; return its path."""
    target = output / pack_name(title, day)
    earlier = re.compile(rf"^{re.escape(slugify(title) or 'site')}-\d{{4}}-\d{{2}}-\d{{2}}\.zip$")
    files = sorted(p for p in output.rglob("*")
                   if p.is_file() and not (p.parent == output and (earlier.match(p.name) or p.name == MANIFEST)))
    partial = target.with_suffix(".zip.partial")
    with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for path in files:
            entry = zipfile.ZipInfo(path.relative_to(output).as_posix(), date_time=ENTRY_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            archive.writestr(entry, path.read_bytes())
    os.replace(partial, target)
    return target
