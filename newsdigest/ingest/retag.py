"""Apply the current topic and tag rules to articles already in content/, changing only what ingest wrote."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from ..config import Config, Rules, load_rules
from ..content import relative_name
from ..contentfile import INGEST_RECORD, content_digest, read_front_matter, render_content_file
from ..errors import SiteError
from ..files import scan_content, write_file_atomically
from ..markup import MarkupLimitError, markdown_to_html, plain_text
from .topics import assign_tags, assign_topics


@dataclass(frozen=True)
class Retagged:
    path: str
    status: str  # "retagged", "would retag", "unchanged", "kept", "failed"
    detail: str = ""

    def line(self) -> str:
        return f"{self.status:<11} {self.path}" + (f" ({self.detail})" if self.detail else "")


def retag(paths: list[str], config: Config, dry_run: bool = False) -> list[Retagged]:
    """Each content file (all of them when no path is given), retagged where ingest's values stand."""
    chosen = {str(Path(p).resolve()) for p in paths}
    files, _ = scan_content(config)
    rules = load_rules(config)
    return [_retag_file(Path(f.path), config, rules, dry_run) for f in files
            if not chosen or str(Path(f.path).resolve()) in chosen or
            any(str(Path(f.path).resolve()).startswith(c + "/") for c in chosen)]


def _retag_file(path: Path, config: Config, rules: Rules, dry_run: bool) -> Retagged:
    name = relative_name(path, config.root)
    try:
        fields, body = read_front_matter(path.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, ValueError) as error:
        return Retagged(name, "failed", f"cannot read it: {error}")
    except yaml.YAMLError as error:
        return Retagged(name, "failed", f"its front matter is not valid YAML ({type(error).__name__}); "
                        "the build names the line")
    origin = fields.get(INGEST_RECORD)
    if not isinstance(origin, dict) or origin.get("digest") != content_digest(fields, body):
        why = "not written by ingest" if not isinstance(origin, dict) else "edited by hand since ingest"
        return Retagged(name, "kept", why)
    try:
        text = plain_text(markdown_to_html(body))
    except MarkupLimitError as error:
        return Retagged(name, "failed", str(error))
    title = str(fields.get("title", ""))
    topics, tags = assign_topics(title, text, rules), assign_tags(title, text, rules)
    new = {"topics": [t.name for t in topics], "tags": [t.name for t in tags]}
    changes = [_change(key, fields.get(key) or [], new[key]) for key in ("topics", "tags")]
    if not any(changes):
        return Retagged(name, "unchanged")
    detail = "; ".join(c for c in changes if c) + "".join(
        f"; {kind}: {', '.join(str(t) for t in found)}"
        for kind, found in (("topics", topics), ("tags", tags))
        if found
    )
    if dry_run:
        return Retagged(name, "would retag", detail)
    updated = {**fields, **new, INGEST_RECORD: {k: v for k, v in origin.items() if k != "digest"}}
    try:
        write_file_atomically(path, render_content_file(updated, body.strip()).encode("utf-8"))
    except OSError as error:
        raise SiteError(path, f"cannot write it: {error.strerror}", "check the disk and the folder") from None
    return Retagged(name, "retagged", detail)


def _change(key: str, old: list, new: list) -> str:
    added = [n for n in new if n not in old]
    removed = [o for o in old if o not in new]
    parts = [f"+{n}" for n in added] + [f"-{o}" for o in removed]
    return f"{key} {' '.join(parts)}" if parts else ""

