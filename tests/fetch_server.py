"""A news site on 127.0.0.1 for fetch's tests: recorded pages and feeds, and the faults real sites have."""

from __future__ import annotations

import gzip
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from xml.sax.saxutils import escape

FIXTURES = Path(__file__).resolve().parent / "fixtures"
# Real pages (Article Extraction Benchmark, MIT licence): key -> the page's bytes.
REAL_PAGES = {
    path.name.split(".")[0]: gzip.open(path).read()
    for path in sorted((FIXTURES / "ingest" / "real").glob("*.html.gz"))
    + [FIXTURES / "ingest" / "rt-bolivia.html.gz"]
}
SAMPLE_TEXT = next((FIXTURES / "sample" / "raw").glob("*.txt")).read_bytes()


@dataclass
class Reply:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    # Seconds to wait after the headers, before the body.
    stall: float = 0.0


@dataclass
class Request:
    path: str
    headers: dict[str, str]
    at: float


Route = Callable[["NewsSite", Request], Reply]


class NewsSite:
    """Routes from path to a function giving the reply; every request is logged with its headers and time."""

    def __init__(self):
        self.routes: dict[str, Route] = {}
        self.log: list[Request] = []
        self._lock = threading.Lock()
        site = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                request = Request(
                    self.path, {k.lower(): v for k, v in self.headers.items()}, time.monotonic()
                )
                with site._lock:
                    site.log.append(request)
                route = site.routes.get(self.path.split("?")[0])
                reply = (
                    route(site, request) if route else Reply(404, b"not here", {"Content-Type": "text/plain"})
                )
                self.send_response(reply.status)
                headers = {"Content-Length": str(len(reply.body)), **reply.headers}
                for key, value in headers.items():
                    if value is not None:
                        self.send_header(key, value)
                self.end_headers()
                try:
                    if reply.stall:
                        self.wfile.flush()
                        time.sleep(reply.stall)
                    self.wfile.write(reply.body)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def log_message(self, *args) -> None:
                pass

        self.server = _QuietServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> NewsSite:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()

    def requests(self, path: str) -> list[Request]:
        return [r for r in self.log if r.path.split("?")[0] == path]

    def serve(self, path: str, reply: Reply | Route) -> None:
        self.routes[path] = reply if callable(reply) else (lambda site, request: reply)

    def serve_once_then(self, path: str, first: Reply, then: Reply) -> None:
        """`first` to the first request of path, `then` to every later one."""
        self.serve(path, lambda site, request: first if len(site.requests(path)) == 1 else then)


class _QuietServer(ThreadingHTTPServer):
    def handle_error(self, request, client_address) -> None:
        """Clients that hang up (fetch giving up on a huge body) are part of the tests, not errors."""


def html(body: bytes, charset: str | None = "utf-8") -> Reply:
    return Reply(
        body=body, headers={"Content-Type": "text/html" + (f"; charset={charset}" if charset else "")}
    )


def rss(items: list[tuple[str, str, datetime | None]], etag: str = "") -> Route:
    """An RSS feed of (url, title, date) items that answers 304 to a request naming its ETag."""
    entries = "".join(
        f"<item><title>{escape(title)}</title><link>{escape(url)}</link>"
        + (f"<pubDate>{format_datetime(day)}</pubDate>" if day else "")
        + "</item>"
        for url, title, day in items
    )
    body = (
        f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Recorded</title>'
        f"<link>http://127.0.0.1/</link><description>d</description>{entries}</channel></rss>"
    ).encode()

    def route(site: NewsSite, request: Request) -> Reply:
        if etag and request.headers.get("if-none-match") == etag:
            return Reply(304, b"", {"ETag": etag})
        return Reply(
            body=body, headers={"Content-Type": "application/rss+xml", **({"ETag": etag} if etag else {})}
        )

    return route


def gzip_bomb(size: int) -> Reply:
    """`size` bytes of zeros, gzipped: a few kilobytes on the wire."""
    return Reply(
        body=gzip.compress(b"\0" * size, 9), headers={"Content-Type": "text/html", "Content-Encoding": "gzip"}
    )


def day(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)
