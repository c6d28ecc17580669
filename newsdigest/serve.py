"""Preview server: serve output/ on 127.0.0.1 under the published path, rebuild on changes, reload the
page."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

import watchfiles
from watchfiles._rust_notify import WatchfilesRustInternalError

from .build import urls

# The names the preview answers to: a page of another site that points its own name at 127.0.0.1 (DNS
# rebinding) sends that name, and is refused.
LOCAL_HOSTS = ("127.0.0.1", "localhost", "[::1]")
EVENTS = "/__newsdigest/events"
RELOAD_SCRIPT = "/__newsdigest/reload.js"
KEEPALIVE_SECONDS = 10
# Injected into served pages only, never written to output/: it reloads on a rebuild and shows build errors.
RELOAD_JS = """(function () {
  var seen = null, box = null;
  var source = new EventSource("%s");
  source.addEventListener("state", function (event) {
    var state = JSON.parse(event.data);
    if (seen !== null && state.version !== seen) { window.location.reload(); return; }
    seen = state.version;
    if (!state.error) { if (box) { box.remove(); box = null; } return; }
    if (!box) {
      box = document.createElement("pre");
      box.id = "newsdigest-build-error";
      box.setAttribute("role", "alert");
      box.style.cssText = "position:fixed;left:0;right:0;bottom:0;margin:0;max-height:50vh;overflow:auto;" +
        "padding:1em;background:#7a1010;color:#fff;font:14px/1.4 monospace;white-space:pre-wrap;z-index:9999";
      document.body.appendChild(box);
    }
    box.textContent = "Build error: this page is from the last build that succeeded.\\n\\n" + state.error;
  });
}());
""" % EVENTS  # noqa: UP031 (the script's own braces rule out format())


@dataclass
class BuildState:
    """The outcome of the latest build, which page scripts follow through server-sent events."""

    version: int = 0
    error: str = ""
    changed: threading.Condition = field(default_factory=threading.Condition)

    def record(self, error: str) -> None:
        with self.changed:
            self.version += 1
            self.error = error
            self.changed.notify_all()

    def as_json(self) -> str:
        return json.dumps({"version": self.version, "error": self.error})


class PreviewHandler(SimpleHTTPRequestHandler):
    """Files of output/ under the site's path, pages with the reload script, and the event stream; HEAD
    answers as GET does, without the body. Only requests for this machine's own names are answered."""

    def __init__(self, *args, state: BuildState, base_path: str, **kwargs):
        self.state = state
        self.base_path = base_path
        super().__init__(*args, **kwargs)

    def log_message(self, format: str, *args) -> None:  # noqa: A002 - the standard library's name
        pass

    def do_HEAD(self) -> None:
        self.do_GET()

    def do_GET(self) -> None:
        if not self.for_this_machine():
            refusal = b"Bad Request: this preview answers only to 127.0.0.1, localhost and [::1]"
            return self.send_bytes(refusal, "text/plain; charset=utf-8", HTTPStatus.BAD_REQUEST)
        path = unquote(urlsplit(self.path).path)
        if "\0" in path:
            return self.send_bytes(b"Bad Request", "text/plain; charset=utf-8", HTTPStatus.BAD_REQUEST)
        if path == EVENTS:
            return self.send_events()
        if path == RELOAD_SCRIPT:
            return self.send_bytes(RELOAD_JS.encode(), "text/javascript; charset=utf-8")
        if not path.startswith(self.base_path):
            self.send_response(HTTPStatus.FOUND)
            self.send_header("Location", self.base_path)
            self.end_headers()
            return None
        file = self.file_for(path[len(self.base_path):])
        if file is None:
            missing = Path(self.directory) / urls.NOT_FOUND
            body = missing.read_bytes() if missing.is_file() else b"Not found"
            return self.send_bytes(self.with_reload(body), "text/html; charset=utf-8", HTTPStatus.NOT_FOUND)
        data = file.read_bytes()
        kind = self.guess_type(str(file))
        if kind == "text/html":
            return self.send_bytes(self.with_reload(data), "text/html; charset=utf-8")
        return self.send_bytes(data, kind)

    def for_this_machine(self) -> bool:
        """Whether the request names this machine (and the server's port), as a browser on it would."""
        host = self.headers.get("Host")
        if host is None:  # HTTP/1.0 without a Host: no browser, so no page of another site
            return True
        port = self.server.server_address[1]
        return host.lower() in {name for local in LOCAL_HOSTS
                                for name in (f"{local}:{port}",) + ((local,) if port == 80 else ())}

    def file_for(self, relative: str) -> Path | None:
        root = Path(self.directory).resolve()
        target = (root / relative.lstrip("/")).resolve()
        if target.is_dir():
            target = (target / "index.html").resolve()
        # Resolved, so that a link inside output/ never serves what lies outside it.
        return target if target.is_file() and target.is_relative_to(root) else None

    def with_reload(self, html: bytes) -> bytes:
        tag = f'<script src="{RELOAD_SCRIPT}"></script>'.encode()
        return html.replace(b"</body>", tag + b"</body>", 1) if b"</body>" in html else html + tag

    def send_bytes(self, data: bytes, kind: str, status: HTTPStatus = HTTPStatus.OK) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def send_events(self) -> None:
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        if self.command == "HEAD":
            return
        seen = -1
        try:
            while True:
                with self.state.changed:
                    if self.state.version == seen:
                        self.state.changed.wait(KEEPALIVE_SECONDS)
                    version, payload = self.state.version, self.state.as_json()
                message = f"event: state\ndata: {payload}\n\n" if version != seen else ": keepalive\n\n"
                self.wfile.write(message.encode())
                self.wfile.flush()
                seen = version
        except (BrokenPipeError, ConnectionResetError):
            return


@dataclass
class Preview:
    """The preview: a server thread and a watcher that calls `rebuild` (which returns error text or '')."""

    output: Path
    base_path: str
    rebuild: Callable[[], str]
    watched: list[Path]
    ignored: list[Path]
    state: BuildState = field(default_factory=BuildState)
    stop: threading.Event = field(default_factory=threading.Event)

    def start(self, port: int) -> ThreadingHTTPServer:
        self.state.record(self.rebuild())
        handler = partial(
            PreviewHandler, state=self.state, base_path=self.base_path, directory=str(self.output)
        )
        server = ThreadingHTTPServer(("127.0.0.1", port), handler)
        server.daemon_threads = True
        threading.Thread(target=server.serve_forever, daemon=True).start()
        return server

    def watch(self) -> None:
        """Rebuild after each batch of changes until `stop` is set; blocks."""
        while not self.stop.is_set():
            folders = [p for p in self.watched if p.exists()]
            try:
                for _ in watchfiles.watch(*folders, watch_filter=self.relevant, stop_event=self.stop,
                                          debounce=200, step=50):
                    self.state.record(self.rebuild())
            except WatchfilesRustInternalError:
                # A change to a file whose name is not text, which watchfiles cannot name: the build names it
                # (and skips it), and watching starts again.
                self.state.record(self.rebuild())

    def relevant(self, change: watchfiles.Change, path: str) -> bool:
        resolved = Path(path).resolve()
        return not any(
            resolved.is_relative_to(p) or resolved.name.startswith(".output") for p in self.ignored
        )
