"""newsdigest: a static site generator for news digests."""

__version__ = "0.3.0"
