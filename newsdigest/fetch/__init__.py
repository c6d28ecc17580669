"""Fetch: from the sources a digest follows (feeds, sitemaps, lists of links) to articles in content/."""

from .command import FetchOptions, FetchSummary, fetch

__all__ = ["FetchOptions", "FetchSummary", "fetch"]
