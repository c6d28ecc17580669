"""Ingest: raw articles (saved pages, copied text) cleaned into content/*.md, and topics applied again.

Nothing is imported here: the build reads the library index (index.py) without trafilatura and the rest of
ingest's imports (see command.py for ingest itself)."""
