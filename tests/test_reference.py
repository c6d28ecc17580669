"""The settings' reference and the starter site.toml come from the declarations in config.py."""

from __future__ import annotations

import tomllib
from dataclasses import fields

from conftest import ROOT

from newsdigest.config import Config, FetchSettings, declared, default_of, load_config
from newsdigest.reference import DOCS, DOCUMENTS, starter_site_toml


def test_the_reference_documents_are_written_from_the_declarations():
    assert DOCS == ROOT / "docs"
    for name, make in DOCUMENTS.items():
        assert (DOCS / name).read_text(encoding="utf-8") == make(), "run: python -m newsdigest.reference"


def test_every_build_setting_is_declared_with_its_doc():
    undeclared = {item.name for item in fields(Config)} - {item.name for item in declared(Config)}
    assert undeclared == {"root", "topics"}
    assert all(item.metadata["doc"] for item in declared(Config) + declared(FetchSettings))


def uncommented(text: str) -> str:
    return "\n".join(
        line[2:] if line.startswith("# ") and " = " in line and " " not in line[2:].split(" = ")[0] else line
        for line in text.splitlines()
    )


def test_the_starter_site_toml_shows_every_setting_and_reads_as_its_defaults(tmp_path):
    text = starter_site_toml()
    for item in declared(Config) + declared(FetchSettings):
        assert f"{item.name} = " in text, item.name
    (tmp_path / "site.toml").write_text(text, encoding="utf-8")
    config = load_config(tmp_path)
    assert config.title == "My News Digest" and config.timezone == "UTC"
    # Uncommenting the build's and fetch's settings gives their defaults: the starter's values are true.
    settings, _, rest = text.partition("[[topics]]")
    fetch = rest.partition("# [fetch]")[2]
    table = tomllib.loads(uncommented(settings) + "\n[fetch]\n" + uncommented(fetch))
    for item in declared(Config):
        if not item.metadata["starter"]:
            assert table[item.name] == default_of(item), item.name
    for item in declared(FetchSettings):
        assert table["fetch"][item.name] == default_of(item), item.name
