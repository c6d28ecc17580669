"""Pack the built site into one zip beside output/, for reading offline on another device."""

from __future__ import annotations

import os
import zipfile
from datetime import date
from pathlib import Path

from slugify import slugify

from .build.write import MANIFEST, listed_files

# Fixed entry times keep the archive's bytes a function of the site alone.
ENTRY_TIME = (1980, 1, 1, 0, 0, 0)


def pack_name(title: str, day: date) -> str:
    return f"{slugify(title) or 'site'}-{day.isoformat()}.zip"


def pack_site(output: Path, title: str, day: date) -> Path:
    """Write <site>-YYYY-MM-DD.zip beside output/ (where a build never deletes it) of the files the build
    wrote, as its manifest lists them (nothing else that lies in output/: a .git checkout, notes, links),
    inside one folder of the same name, so that unzipping makes one folder; return its path."""
    output = output.resolve()
    target = output.parent / pack_name(title, day)
    folder = target.stem
    files = sorted(relative for relative in listed_files(output) if relative != MANIFEST)
    partial = target.with_suffix(".zip.partial")
    with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for relative in files:
            entry = zipfile.ZipInfo(f"{folder}/{relative}", date_time=ENTRY_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            archive.writestr(entry, (output / relative).read_bytes())
    os.replace(partial, target)
    return target
