"""Fingerprints: what an output depends on, hashed, so that a rebuild renders only what changed."""

from __future__ import annotations

import hashlib
from dataclasses import fields, is_dataclass
from datetime import date, datetime
from typing import Any, Mapping

from jinja2 import Environment, meta

from .content import Article
from .render import ENTRY_TEMPLATE


def template_digests(env: Environment) -> dict[str, str]:
    """Each template's digest, covering the templates it extends, includes or imports."""
    sources = {name: env.loader.get_source(env, name)[0] for name in env.list_templates()
               if name.endswith((".html", ".xml", ".txt"))}
    references = {name: set(meta.find_referenced_templates(env.parse(source))) - {None}
                  for name, source in sources.items()}
    for name, source in sources.items():
        # entry() renders its template by name at run time, where Jinja's reference scan cannot see it.
        if "entry(" in source:
            references[name].add(ENTRY_TEMPLATE)
    digests = {}
    for name in sources:
        closure, todo = set(), [name]
        while todo:
            current = todo.pop()
            if current in closure or current not in sources:
                continue
            closure.add(current)
            todo.extend(references[current])
        digests[name] = digest(*(sources[n] for n in sorted(closure)))
    return digests


def digest(*parts: str) -> str:
    return hashlib.blake2b("\0".join(parts).encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


def fingerprint(*parts: Any) -> str:
    """The digest of everything reachable from what a template or renderer is given: each value in full, and
    each article by its digest (which covers its file's bytes and name and the settings that shape parsing).

    No list of "what a page shows": a term brings all its articles, an edition all of its own, whatever the
    template prints of them. Written as one flat list of strings, as this runs for every output of every build.
    """
    out: list[str] = []
    _flatten(parts, out)
    return digest(*out)


def _flatten(value: Any, out: list[str]) -> None:
    kind = type(value)
    if kind is str:
        out.append(value)
    elif kind is Article:
        out.append(value.digest)
    elif kind is tuple or kind is list:
        out.append("[")
        for item in value:
            if type(item) is Article:
                out.append(item.digest)
            else:
                _flatten(item, out)
        out.append("]")
    elif kind is dict:
        out.append("{")
        for key in sorted(value):
            out.append(key)
            item = value[key]
            if type(item) is str or type(item) is Article:
                out.append(item if type(item) is str else item.digest)
            else:
                _flatten(item, out)
        out.append("}")
    elif isinstance(value, (datetime, date)):
        out.append(value.isoformat())
    elif is_dataclass(value):
        out.append(kind.__name__)
        for item in fields(value):
            _flatten(getattr(value, item.name), out)
    elif isinstance(value, Mapping):
        _flatten(dict(value), out)
    else:
        out.append(repr(value))
