"""Ingest: raw articles (saved pages, copied text) cleaned into content/*.md, and topics applied again."""

from .command import IngestOptions, Outcome, ingest, ingest_inputs, markdown_escape

__all__ = ["IngestOptions", "Outcome", "ingest", "ingest_inputs", "markdown_escape"]
