"""The content file ingest writes: front matter and body, with a digest that tells later edits by hand."""

from __future__ import annotations

import hashlib
import json
from typing import Any

import yaml

from ..text import without_control_characters

# libyaml where PyYAML has it: the same YAML, several times faster than the pure-Python one.
_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def render_content_file(fields: dict[str, Any], body: str) -> str:
    """The content file, with a digest of what ingest wrote so that later edits by hand can be told."""
    fields, body = _without_control_characters(fields), without_control_characters(body)
    fields = {**fields, "ingested_from": {**fields["ingested_from"], "digest": content_digest(fields, body)}}
    dumped = yaml.dump(fields, Dumper=_DUMPER, sort_keys=False, allow_unicode=True, width=10_000)
    return f"---\n{dumped}---\n{body}\n"


def _without_control_characters(value: Any) -> Any:
    """Control characters out of every text of the front matter: YAML would keep them as escapes."""
    if isinstance(value, str):
        return without_control_characters(value)
    if isinstance(value, dict):
        return {key: _without_control_characters(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_without_control_characters(item) for item in value]
    return value


def content_digest(fields: dict[str, Any], body: str) -> str:
    relevant = {k: v for k, v in fields.items() if k != "ingested_from"}
    # Through YAML and back, so that the digest of a file read later is computed from the same values.
    relevant = yaml.load(yaml.dump(relevant, Dumper=_DUMPER, allow_unicode=True), Loader=_LOADER) or {}
    payload = json.dumps(relevant, sort_keys=True, default=str, ensure_ascii=False) + "\n" + body.strip()
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:16]
