"""Fingerprints: what an output depends on, hashed, so that a rebuild renders only what changed."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import fields, is_dataclass
from datetime import date, datetime
from operator import attrgetter
from pathlib import Path
from typing import Any

import jinja2
from jinja2 import Environment, TemplateSyntaxError, meta, nodes

from ..content import Article
from ..errors import SiteError, not_utf8
from .stories import Story

_SCALARS = frozenset({type(None), bool, int, float})
_INLINE = frozenset({str, Article})
_ARTICLE_ONLY, _STRING_ONLY, _STORY_ONLY = {Article}, {str}, {Story}
_DIGEST = attrgetter("digest")


def template_references(env: Environment, remembered: Mapping[str, tuple[str, ...]] | None = None
                        ) -> dict[str, tuple[str, ...]]:
    """The templates each template names (extends, includes, imports), by the digest of its source. Parsed
    only where `remembered` (what an earlier build found) lacks the source: parsing them all is a sixth of a
    no-op build. A template Jinja cannot parse is the user's to fix: a SiteError naming its file and line."""
    remembered = remembered or {}
    references = {}
    for source, filename in _template_sources(env).values():
        key = _source_key(source)
        references[key] = remembered[key] if key in remembered else _referenced(env, source, filename)
    return references


def _referenced(env: Environment, source: str, filename: str) -> tuple[str, ...]:
    try:
        tree = env.parse(source)
    except TemplateSyntaxError as error:
        raise SiteError(filename, f"template error: {error.message}", "fix the template",
                        error.lineno) from None
    found = set(meta.find_referenced_templates(tree)) - {None}
    # A global such as entry() renders a template by name at run time, where Jinja's reference scan cannot
    # see it: the environment names them (render.make_environment), and a call of one refers to its template.
    by_function = getattr(env, "templates_rendered_by", {})
    found.update(by_function[call.node.name] for call in tree.find_all(nodes.Call)
                 if isinstance(call.node, nodes.Name) and call.node.name in by_function)
    return tuple(sorted(found))


def template_digests(env: Environment, references: Mapping[str, tuple[str, ...]] | None = None
                     ) -> dict[str, str]:
    """Each template's digest, covering the templates it extends, includes or imports (`references` as
    template_references gives them, worked out here when not given)."""
    sources = {name: source for name, (source, _) in _template_sources(env).items()}
    references = references if references is not None else template_references(env)
    digests = {}
    for name in sources:
        closure, todo = set(), [name]
        while todo:
            current = todo.pop()
            if current in closure or current not in sources:
                continue
            closure.add(current)
            todo.extend(references[_source_key(sources[current])])
        digests[name] = digest(*(sources[n] for n in sorted(closure)))
    return digests


def _template_sources(env: Environment) -> dict[str, tuple[str, str]]:
    """Each template's source and file, by its name: every file of the template folders but hidden ones (an
    editor's swap file), whatever its name."""
    found = {}
    for name in env.list_templates():
        if not any(part.startswith(".") for part in name.split("/")):
            try:
                source, filename, _ = env.loader.get_source(env, name)
            except UnicodeDecodeError as error:
                raise not_utf8(_template_file(env, name), error, "save the template as UTF-8") from None
            except OSError as error:
                raise SiteError(_template_file(env, name), f"cannot be read: {error.strerror}",
                                "check the file's permissions") from None
            found[name] = (source, filename or name)
    return found


def _template_file(env: Environment, name: str) -> str:
    """Where the loader finds a template: the first of its folders that has the name."""
    loaders = getattr(env.loader, "loaders", [env.loader])
    folders = [Path(folder) for loader in loaders for folder in getattr(loader, "searchpath", [])]
    return str(next((folder / name for folder in folders if (folder / name).exists()), name))


def _source_key(source: str) -> str:
    """What a template's references are known by: its source, and the Jinja version that parses it."""
    return digest(jinja2.__version__, source)


def digest(*parts: str) -> str:
    return hashlib.blake2b("\0".join(parts).encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


class Fingerprints:
    """The digest of everything reachable from what a template or renderer is given: each value in full, and
    each article by its digest (which covers its file's bytes and name and the settings that shape parsing).

    No list of "what a page shows": a term brings all its articles, an edition all of its own, whatever the
    template prints of them. One instance serves one build. Values given to many pages (a term, an edition,
    a tuple of feed links, any long tuple) have their digest worked out once and remembered by identity (the
    values are frozen, and kept here, so an identity is never reused within the build); a short tuple of
    articles or strings, a page's own (its related articles, a listing's slice), is flattened where it is met.
    """

    def __init__(self) -> None:
        self._remembered: dict[int, tuple[Any, str]] = {}

    def __call__(self, *parts: Any) -> str:
        out: list[str] = []
        self._flatten(parts, out)
        return digest(*out)

    def _flatten(self, value: Any, out: list[str]) -> None:
        kind = type(value)
        if kind is str:
            out.append(value)
        elif kind is Article:
            out.append(value.digest)
        elif kind is Story:
            self._flatten_items((value,), out)
        elif kind is dict:
            # A mapping is its keys and values in turn, between braces, the keys in order.
            out.append("{")
            for key in sorted(value):
                self._flatten(key, out)
                self._flatten(value[key], out)
            out.append("}")
        elif kind is list or (kind is tuple and len(value) < 16 and (not value or type(value[0]) in _INLINE)):
            self._flatten_items(value, out)
        elif value is None:
            out.append("None")
        elif kind in _SCALARS:
            out.append(repr(value))
        elif isinstance(value, (datetime, date)):
            out.append(value.isoformat())
        elif kind is tuple or is_dataclass(value):
            out.append(self._remembered_digest(value))
        elif isinstance(value, Mapping):
            self._flatten(dict(value), out)
        else:
            out.append(repr(value))

    def _flatten_items(self, items: Any, out: list[str]) -> None:
        # A run of nothing but articles (a listing's, a related list) or strings is appended in one go.
        out.append("[")
        kinds = set(map(type, items))
        if kinds == _ARTICLE_ONLY:
            out.extend(map(_DIGEST, items))
        elif kinds == _STORY_ONLY:
            # A story is its articles in order: lists make their own of a story (led by what they hold), so
            # there is no one object to remember a digest by.
            for story in items:
                out.append("(")
                out.extend(map(_DIGEST, story.articles))
                out.append(")")
        elif kinds == _STRING_ONLY:
            out.extend(items)
        else:
            for item in items:
                self._flatten(item, out)
        out.append("]")

    def _remembered_digest(self, value: Any) -> str:
        known = self._remembered.get(id(value))
        if known is not None and known[0] is value:
            return known[1]
        out: list[str] = []
        if is_dataclass(value):
            out.append(type(value).__name__)
            for item in fields(value):
                self._flatten(getattr(value, item.name), out)
        else:
            self._flatten_items(value, out)
        result = digest(*out)
        self._remembered[id(value)] = (value, result)
        return result
